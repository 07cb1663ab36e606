package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The checks every imported model goes through, in one place: ONNX Runtime (test scope) as the oracle for the
 * forward pass, and the exactness invariant of the etalons with every solver.
 */
final class ModelChecks {

    /** Agreement with ONNX Runtime, relative to {@code 1 + |value|}. */
    static final double ORT_TOLERANCE = 1e-5;
    /** The exactness invariant: residual relative to the score's scale. */
    static final double RESIDUAL_TOLERANCE = 1e-5;

    private ModelChecks() {
    }

    /** {@code count} images of {@code shape}, a third of their pixels exactly 0 (so that pools and ReLUs tie). */
    static float[] images(int count, io.etalon.tensor.Shape shape, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] images = new float[count * shape.size()];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextDouble() < 0.3 ? 0f : (float) random.nextDouble();
        }
        return images;
    }

    /**
     * Runs the model file in ONNX Runtime, one image per run, and returns each image's scores. A trailing Softmax or
     * LogSoftmax is skipped, as Etalon drops it: its input is made a graph output and that is what is returned. The
     * graph runs as written (no graph optimisation), so that the oracle is the operators' own kernels.
     *
     * @param dims the graph input's dimensions, with 1 for a batch dimension
     */
    static float[][] onnxRuntime(Path model, float[] images, int count, long[] dims) throws IOException, OrtException {
        ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
        String output = beforeSoftmax(proto);
        ModelProto.Builder builder = proto.toBuilder();
        if (!output.equals(proto.getGraph().getOutput(0).getName())) {
            builder.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(output).setType(TypeProto.newBuilder()
                    .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber()))));
        }
        String input = proto.getGraph().getInput(0).getName();
        int size = images.length / count;
        float[][] scores = new float[count][];
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        try (OrtSession session = environment.createSession(builder.build().toByteArray(), options)) {
            for (int s = 0; s < count; s++) {
                FloatBuffer image = FloatBuffer.wrap(images, s * size, size).slice();
                try (OnnxTensor tensor = OnnxTensor.createTensor(environment, image, dims);
                     OrtSession.Result result = session.run(Map.of(input, tensor), java.util.Set.of(output))) {
                    FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
                    scores[s] = new float[values.remaining()];
                    values.get(scores[s]);
                }
            }
        }
        return scores;
    }

    /** The graph output's name, or the input of the Softmax/LogSoftmax that produces it. */
    private static String beforeSoftmax(ModelProto model) {
        String output = model.getGraph().getOutput(0).getName();
        for (NodeProto node : model.getGraph().getNodeList()) {
            if (node.getOutputList().contains(output)
                    && (node.getOpType().equals("Softmax") || node.getOpType().equals("LogSoftmax"))) {
                return node.getInput(0);
            }
        }
        return output;
    }

    /** Etalon's scores equal ONNX Runtime's, image by image, within {@link #ORT_TOLERANCE}. */
    static void assertSameScores(Network network, float[] images, int count, float[][] theirs, String what) {
        Trace trace = network.forward(images, count);
        for (int s = 0; s < count; s++) {
            float[] ours = trace.output(s);
            assertThat(ours).as("%s image %d: number of scores", what, s).hasSameSizeAs(theirs[s]);
            for (int c = 0; c < ours.length; c++) {
                assertThat((double) ours[c]).as("%s image %d score %d", what, s, c)
                        .isCloseTo(theirs[s][c], org.assertj.core.data.Offset.offset(ORT_TOLERANCE * (1 + Math.abs(theirs[s][c]))));
            }
        }
    }

    /** Every solver's etalons of every output neuron pass the exactness invariant on each image. */
    static void assertExactEtalons(Network network, float[] images, int count, String what) {
        int size = network.inputShape().size();
        for (int s = 0; s < count; s++) {
            Trace one = network.forward(java.util.Arrays.copyOfRange(images, s * size, (s + 1) * size), 1);
            for (Method method : Method.values()) {
                for (Etalon etalon : method.solver().solve(network, one, Neuron.parse("output", network))) {
                    assertThat(etalon.relativeResidual()).as("%s image %d %s %s", what, s, method, etalon.neuron())
                            .isLessThan(RESIDUAL_TOLERANCE);
                }
            }
        }
    }

    /** A row-major [rows, cols] matrix as [cols, rows]: one sample per column to one per row, and back. */
    static float[] transpose(float[] values, int rows, int cols) {
        float[] out = new float[values.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = values[r * cols + c];
            }
        }
        return out;
    }

    /** Etalon's own export of the network, loaded again, computes the same floats. */
    static void assertReloadsIdentically(Network network, float[] images, int count, Path folder, String name)
            throws IOException {
        Path copy = folder.resolve(name + ".onnx");
        OnnxModels.save(network, copy);
        Network reloaded = OnnxModels.load(copy).network();
        Trace ours = network.forward(images, count);
        Trace theirs = reloaded.forward(images, count);
        for (int s = 0; s < count; s++) {
            assertThat(theirs.output(s)).as("%s sample %d after save and load", name, s)
                    .containsExactly(ours.output(s));
        }
    }
}
