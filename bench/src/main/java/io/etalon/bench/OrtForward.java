package io.etalon.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;

/** The inference peer: ONNX Runtime running the same ONNX file. */
final class OrtForward implements AutoCloseable {

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtForward(Path model, int threads) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = environment.createSession(model.toString(), options);
    }

    /** Scores of a batch, {@code (batch, 10)}. */
    float[] scores(float[] images, int batch) throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(images), new long[] {batch, 1, 28, 28});
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] scores = (float[][]) result.get(0).getValue();
            float[] flat = new float[batch * 10];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(scores[b], 0, flat, b * 10, 10);
            }
            return flat;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
