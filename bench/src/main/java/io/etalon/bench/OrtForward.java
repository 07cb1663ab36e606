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
    private final long[] sampleShape;
    private final int classes;

    /** LeNet's ONNX file: {@code (N, 1, 28, 28)} in, 10 scores out. */
    OrtForward(Path model, int threads) throws OrtException {
        this(model, threads, new long[] {1, 28, 28}, 10);
    }

    /**
     * @param sampleShape the input shape of one sample, e.g. {@code {3, 224, 224}}
     * @param classes     scores per sample
     */
    OrtForward(Path model, int threads, long[] sampleShape, int classes) throws OrtException {
        this.sampleShape = sampleShape.clone();
        this.classes = classes;
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = environment.createSession(model.toString(), options);
    }

    /** Scores of a batch, {@code (batch, classes)}. */
    float[] scores(float[] images, int batch) throws OrtException {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = batch;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        try (OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(images), shape);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] scores = (float[][]) result.get(0).getValue();
            float[] flat = new float[batch * classes];
            for (int b = 0; b < batch; b++) {
                System.arraycopy(scores[b], 0, flat, b * classes, classes);
            }
            return flat;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
