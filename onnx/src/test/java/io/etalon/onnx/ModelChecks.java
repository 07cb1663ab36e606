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

    /** Ops Etalon drops at the end of a graph (they keep the order of the classes), and pass-through ops between them. */
    private static final java.util.Set<String> TAIL = java.util.Set.of("Softmax", "LogSoftmax", "Sigmoid", "Tanh", "Log",
            "Exp", "Softplus");
    private static final java.util.Set<String> PASS = java.util.Set.of("Identity", "Dropout");

    /** The graph output's name, or the input of the earliest op of a trailing Softmax/Log/Sigmoid chain. */
    private static String beforeSoftmax(ModelProto model) {
        String tensor = model.getGraph().getOutput(0).getName();
        String explained = tensor;
        boolean walking = true;
        while (walking) {
            walking = false;
            for (NodeProto node : model.getGraph().getNodeList()) {
                if (node.getOutputList().contains(tensor)
                        && (TAIL.contains(node.getOpType()) || PASS.contains(node.getOpType()))) {
                    tensor = node.getInput(0);
                    explained = TAIL.contains(node.getOpType()) ? tensor : explained;
                    walking = true;
                    break;
                }
            }
        }
        return explained;
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

    /**
     * Each output neuron's etalon, from the reverse-mode solver, equals the float64 twin's directional derivative
     * (central finite differences of {@code io.etalon.testing.ReferenceNetwork}) along a few random directions, on
     * each image: {@code <W_p, d> = (NET(X + h d)_p - NET(X - h d)_p) / 2h} inside X's region.
     */
    static void assertEtalonsMatchFloat64Twin(Network network, int count, String what) {
        int size = network.inputShape().size();
        SplittableRandom random = new SplittableRandom(what.hashCode());
        // no exact zeros here: tied pools and ReLUs at 0 would let the differences cross into a neighbouring region
        float[] images = new float[count * size];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) (0.05 + 0.9 * random.nextDouble());
        }
        double step = 1e-4;
        for (int s = 0; s < count; s++) {
            float[] image = java.util.Arrays.copyOfRange(images, s * size, (s + 1) * size);
            Trace one = network.forward(image, 1);
            java.util.List<Etalon> etalons = Method.REVERSE.solver().solve(network, one, Neuron.parse("output", network));
            for (int direction = 0; direction < 3; direction++) {
                double[] d = new double[size];
                double[] plus = new double[size];
                double[] minus = new double[size];
                for (int i = 0; i < size; i++) {
                    d[i] = random.nextDouble() * 2 - 1;
                    plus[i] = image[i] + step * d[i];
                    minus[i] = image[i] - step * d[i];
                }
                double[] up = io.etalon.testing.ReferenceNetwork.output(network, plus);
                double[] down = io.etalon.testing.ReferenceNetwork.output(network, minus);
                for (int p = 0; p < etalons.size(); p++) {
                    float[] w = etalons.get(p).weights();
                    double derivative = 0;
                    double scale = 0;
                    for (int i = 0; i < size; i++) {
                        derivative += w[i] * d[i];
                        scale += Math.abs(w[i] * d[i]);
                    }
                    double difference = (up[p] - down[p]) / (2 * step);
                    assertThat(derivative).as("%s image %d neuron %d direction %d: <W, d> against the float64 twin",
                            what, s, p, direction).isCloseTo(difference, org.assertj.core.data.Offset.offset(1e-3 * (1 + scale)));
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
