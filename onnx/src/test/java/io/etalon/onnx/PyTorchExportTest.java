package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.data.Npy;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Models exported by PyTorch's own ONNX exporter ({@code tools/onnx-fixtures/make_models.py}): they load, compute
 * PyTorch's scores, and their etalons are exact. A trailing softmax is dropped; a sigmoid inside is refused.
 */
class PyTorchExportTest {

    private static final Path FIXTURES = Path.of("src/test/resources/pytorch");

    private static float[] inputs() throws Exception {
        double[] values = Npy.read(FIXTURES.resolve("inputs.npy")).values();
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }

    @ParameterizedTest
    @ValueSource(strings = {"cnn_view", "cnn_flatten", "resnet_bn"})
    void loadsComputesPyTorchsScoresAndHasExactEtalons(String name) throws Exception {
        LoadedModel model = OnnxModels.load(FIXTURES.resolve(name + ".onnx"));
        Network network = model.network();
        float[] x = inputs();
        int batch = x.length / network.inputShape().size();
        double[] expected = Npy.read(FIXTURES.resolve(name + ".scores.npy")).values();
        Trace trace = network.forward(x, batch);
        for (int s = 0; s < batch; s++) {
            float[] scores = trace.output(s);
            // expected values after a (log-)softmax equal the scores up to one constant per row
            double shift = name.equals("cnn_view") ? 0 : expected[s * 5] - scores[0];
            for (int c = 0; c < 5; c++) {
                assertThat(scores[c] + shift).as("%s image %d class %d", name, s, c)
                        .isCloseTo(expected[s * 5 + c], org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(expected[s * 5 + c]))));
            }
            Trace one = network.forward(java.util.Arrays.copyOfRange(x, s * 196, (s + 1) * 196), 1);
            for (Method method : Method.values()) {
                for (Etalon etalon : method.solver().solve(network, one, Neuron.parse("output", network))) {
                    assertThat(etalon.relativeResidual()).as("%s %s %s", name, method, etalon.neuron()).isLessThan(1e-5);
                }
            }
        }
        if (!name.equals("cnn_view")) {
            assertThat(model.notes()).singleElement().asString().contains("dropped the trailing");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"grouped_ceil", "nobatch_cnn", "upsampling", "global_pools", "shuffle_dense"})
    void modelsWithTheirOwnInputsComputePyTorchsScoresAndHaveExactEtalons(String name) throws Exception {
        Network network = OnnxModels.load(FIXTURES.resolve(name + ".onnx")).network();
        if (name.equals("upsampling")) {
            assertThat(network.nodes().stream().filter(node -> node.op() instanceof io.etalon.op.ConvTranspose2d)).hasSize(2);
            assertThat(network.nodes().stream().filter(node -> node.op() instanceof io.etalon.op.Upsample2d)).hasSize(1);
            assertThat(network.nodes().stream().filter(node -> node.op() instanceof io.etalon.op.Bilinear2d)).hasSize(1);
        }
        Npy.Array stored = Npy.read(FIXTURES.resolve(name + ".inputs.npy"));
        float[] x = new float[stored.values().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) stored.values()[i];
        }
        int count = x.length / network.inputShape().size();
        double[] expected = Npy.read(FIXTURES.resolve(name + ".scores.npy")).values();
        int classes = network.outputShape().size();
        assertThat(expected).hasSize(count * classes);
        Trace trace = network.forward(x, count);
        for (int s = 0; s < count; s++) {
            for (int c = 0; c < classes; c++) {
                assertThat((double) trace.output(s)[c]).as("%s image %d class %d", name, s, c)
                        .isCloseTo(expected[s * classes + c], org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(expected[s * classes + c]))));
            }
        }
        ModelChecks.assertExactEtalons(network, x, count, name);
    }

    /**
     * Per-channel Sub, Div, Add and Mul, PReLU per channel, a Concat of two branches, ReLU6 as Clip with inputs, a
     * dilated MaxPool and two Linear layers in a row ({@code tools/onnx-fixtures/make_branch_models.py}); once with its
     * weights in an external-data file beside it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"branches", "branches_external"})
    void branchesComputeWhatOnnxRuntimeComputesAndHaveExactEtalons(String name) throws Exception {
        Path file = FIXTURES.resolve(name + ".onnx");
        LoadedModel model = OnnxModels.load(file);
        Network network = model.network();
        assertThat(model.notes()).isEmpty();
        assertThat(network.inputShape()).isEqualTo(io.etalon.tensor.Shape.of(3, 16, 16));
        assertThat(network.nodes().stream().map(node -> node.op().kind()).toList()).contains("Concat", "LeakyRelu", "Clip");
        io.etalon.op.MaxPool2d pool = network.nodes().stream().map(Network.Node::op)
                .filter(io.etalon.op.MaxPool2d.class::isInstance).map(io.etalon.op.MaxPool2d.class::cast).findFirst().orElseThrow();
        assertThat(pool.dilations()).containsExactly(2, 2);
        int count = 4;
        float[] images = ModelChecks.images(count, network.inputShape(), name.length());
        // ONNX Runtime reads the model from bytes, without its folder: the external copy is checked against its twin,
        // exported from the same PyTorch weights at opset 13 with the weights inside
        Path oracle = FIXTURES.resolve("branches.onnx");
        ModelChecks.assertSameScores(network, images, count,
                ModelChecks.onnxRuntime(oracle, images, count, new long[] {1, 3, 16, 16}), name);
        ModelChecks.assertExactEtalons(network, images, count, name);
    }

    @Test
    void modelWithoutBatchDimensionAddsItsOwn() throws Exception {
        LoadedModel model = OnnxModels.load(FIXTURES.resolve("nobatch_cnn.onnx"));
        assertThat(model.network().inputShape()).isEqualTo(io.etalon.tensor.Shape.of(1, 28, 28));
        assertThat(model.network().outputShape()).isEqualTo(io.etalon.tensor.Shape.of(10));
        assertThat(model.notes()).singleElement().asString().contains("has no batch axis");
    }

    @Test
    void poolingAnImageWithoutBatchDimensionIsRefusedWithTheFix() {
        Path file = FIXTURES.resolve("nobatch_pool.onnx");
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(UnsupportedOpException.class)
                .hasMessageContaining("MaxPool node").hasMessageContaining("which has no batch axis")
                .hasMessageContaining("add an Unsqueeze of axis 0 before it").hasMessageNotContaining("\n");
    }

    @Test
    void aReductionOverChannelsIsRefusedNamingTheAxesThatWork() throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                java.nio.file.Files.readAllBytes(FIXTURES.resolve("global_pools.onnx")));
        ai.onnx.proto.OnnxMl.ModelProto.Builder builder = model.toBuilder();
        for (ai.onnx.proto.OnnxMl.NodeProto.Builder node : builder.getGraphBuilder().getNodeBuilderList()) {
            if (node.getOpType().equals("ReduceMean")) {
                for (ai.onnx.proto.OnnxMl.AttributeProto.Builder attribute : node.getAttributeBuilderList()) {
                    if (attribute.getName().equals("axes")) {
                        attribute.clearInts().addInts(1); // the channel axis: not a pooling
                    }
                }
            }
        }
        Path file = java.nio.file.Files.createTempFile("channel-mean", ".onnx");
        try {
            java.nio.file.Files.write(file, builder.build().toByteArray());
            assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(UnsupportedOpException.class)
                    .hasMessageContaining("ReduceMean node").hasMessageContaining("reduces axes [1]")
                    .hasMessageContaining("only the two spatial axes").hasMessageNotContaining("\n");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @Test
    void sigmoidInsideTheGraphIsRefusedByName() {
        Path file = FIXTURES.resolve("cnn_sigmoid.onnx");
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(UnsupportedOpException.class)
                .hasMessageContaining("is Sigmoid").hasMessageContaining("piecewise-linear").hasMessageNotContaining("\n");
    }
}
