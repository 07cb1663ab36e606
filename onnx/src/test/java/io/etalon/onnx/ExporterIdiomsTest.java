package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.etalon.graph.Network;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX as exporters write it ({@code tools/onnx-fixtures/make_exporter_idioms.py}): monotone tails, weights computed
 * from constants, every Constant form, model-local functions, quantized models under --dequantize, and the other
 * piecewise-linear ops exporters use. Each loads, computes ONNX Runtime's scores (unoptimised), and has exact etalons
 * that equal the float64 twin's finite differences; hostile variants fail in one line.
 */
class ExporterIdiomsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/idioms");
    private static final int IMAGES = 3;

    @TempDir
    Path folder;

    @ParameterizedTest
    @ValueSource(strings = {"tail_softmax_identity", "tail_softmax_log", "tail_sigmoid", "folded_weights", "constant_forms",
            "functions", "more_ops", "reduce_spatial", "reduce_rows"})
    void computesWhatOnnxRuntimeComputesAndHasExactEtalons(String name) throws Exception {
        Path file = FIXTURES.resolve(name + ".onnx");
        Network network = OnnxModels.load(file).network();
        float[] images = ModelChecks.images(IMAGES, network.inputShape(), name.hashCode());
        ModelChecks.assertSameScores(network, images, IMAGES,
                ModelChecks.onnxRuntime(file, images, IMAGES, new long[] {1, 1, 8, 8}), name);
        ModelChecks.assertExactEtalons(network, images, IMAGES, name);
        ModelChecks.assertEtalonsMatchFloat64Twin(network, IMAGES, name);
        ModelChecks.assertReloadsIdentically(network, images, IMAGES, folder, name);
    }

    @ParameterizedTest
    @CsvSource({"tail_softmax_identity, Softmax node 'softmax' -> Identity node 'identity'",
            "tail_softmax_log, Softmax node 'softmax' -> Log node 'log'", "tail_sigmoid, Sigmoid node 'sigmoid'"})
    void monotoneTailsAreDroppedWithANote(String name, String dropped) throws Exception {
        LoadedModel model = OnnxModels.load(FIXTURES.resolve(name + ".onnx"));
        assertThat(model.notes()).singleElement().asString().contains("dropped the trailing " + dropped);
        assertThat(model.network().names()).endsWith("fc");
    }

    @Test
    void constantSubgraphsAreFoldedBeforeLowering() throws Exception {
        Network network = OnnxModels.load(FIXTURES.resolve("folded_weights.onnx")).network();
        // Reshape, Concat, Cast, Mul, Transpose, Unsqueeze, ConstantOfShape, Expand and Tile all ran at load time
        assertThat(network.nodes().stream().map(node -> node.op().kind()).toList())
                .containsExactly("Conv2d", "ChannelAffine", "ChannelAffine", "Relu", "MaxPool2d", "Flatten", "Dense", "ChannelAffine");
    }

    @Test
    void functionsAreInlinedWithTheirCallsAttributes() throws Exception {
        Network network = OnnxModels.load(FIXTURES.resolve("functions.onnx")).network();
        var slopes = network.nodes().stream().filter(node -> node.op() instanceof io.etalon.op.LeakyRelu)
                .map(node -> ((io.etalon.op.LeakyRelu) node.op()).slopes()[0]).toList();
        assertThat(slopes).containsExactly(0.1f, 0.3f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"qdq", "qlinear"})
    void quantizedModelsLoadAsTheirFloatNetworkWithDequantize(String name) throws Exception {
        Path file = FIXTURES.resolve(name + ".onnx");
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(UnsupportedOpException.class)
                .hasMessageContaining("quantized").hasMessageContaining("--dequantize");
        LoadedModel model = OnnxModels.load(file, null, true);
        assertThat(model.notes()).anyMatch(note -> note.contains("float network"));
        Network network = model.network();
        Path twin = FIXTURES.resolve(name + "_float.onnx");
        float[] images = ModelChecks.images(IMAGES, network.inputShape(), name.hashCode());
        ModelChecks.assertSameScores(network, images, IMAGES,
                ModelChecks.onnxRuntime(twin, images, IMAGES, new long[] {1, 1, 8, 8}), name + " against its float twin");
        ModelChecks.assertExactEtalons(network, images, IMAGES, name);
        ModelChecks.assertEtalonsMatchFloat64Twin(network, IMAGES, name);
        // the quantized model itself rounds activations: its scores stay near the float network's
        float[][] quantized = ModelChecks.onnxRuntime(file, images, IMAGES, new long[] {1, 1, 8, 8});
        for (int s = 0; s < IMAGES; s++) {
            float[] ours = network.forward(images, IMAGES).output(s);
            for (int c = 0; c < ours.length; c++) {
                assertThat((double) ours[c]).as("%s image %d score %d near the int8 model's", name, s, c)
                        .isCloseTo(quantized[s][c], org.assertj.core.data.Offset.offset(0.5));
            }
        }
    }

    @Test
    void imageScalerComputesWhatItsMulAddTwinComputes() throws Exception {
        Network scaler = OnnxModels.load(FIXTURES.resolve("imagescaler.onnx")).network();
        Path twin = FIXTURES.resolve("imagescaler_twin.onnx");
        float[] images = ModelChecks.images(IMAGES, scaler.inputShape(), 9);
        ModelChecks.assertSameScores(scaler, images, IMAGES, ModelChecks.onnxRuntime(twin, images, IMAGES,
                new long[] {1, 1, 8, 8}), "imagescaler");
        ModelChecks.assertExactEtalons(scaler, images, IMAGES, "imagescaler");
    }

    @Test
    void aConstantWithTwoValuesFailsInOneLine() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("constant_forms.onnx")));
        ModelProto.Builder builder = model.toBuilder();
        NodeProto.Builder gain = builder.getGraphBuilder().getNodeBuilderList().stream()
                .filter(node -> node.getName().equals("k_float")).findFirst().orElseThrow();
        gain.addAttribute(AttributeProto.newBuilder().setName("value_int").setType(AttributeProto.AttributeType.INT).setI(3));
        assertFailsInOneLine(builder.build(), false, "Constant node 'k_float' has 2 values (value_float, value_int)");
    }

    @Test
    void aFunctionThatCallsItselfFailsInOneLine() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("functions.onnx")));
        ModelProto.Builder builder = model.toBuilder();
        // the function's LeakyRelu becomes a call of the function itself
        builder.getFunctionsBuilder(0).getNodeBuilder(1).setOpType("ConvAct").setDomain("local.torch");
        assertFailsInOneLine(builder.build(), false, "calls itself");
    }

    @ParameterizedTest
    @ValueSource(floats = {0f, Float.NaN, -1f})
    void aQuantizationScaleOfZeroOrNaNFailsInOneLine(float scale) throws Exception {
        for (String tensor : new String[] {"w1_scale", "a_scale"}) {
            ModelProto model = ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve("qdq.onnx")));
            ModelProto.Builder builder = model.toBuilder();
            var graph = builder.getGraphBuilder();
            for (int k = 0; k < graph.getInitializerCount(); k++) {
                TensorProto t = graph.getInitializer(k);
                if (t.getName().equals(tensor)) {
                    int count = (int) t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
                    TensorProto.Builder broken = t.toBuilder().clearRawData().clearFloatData();
                    for (int i = 0; i < count; i++) {
                        broken.addFloatData(i == 0 ? scale : 0.01f);
                    }
                    graph.setInitializer(k, broken);
                }
            }
            assertFailsInOneLine(builder.build(), true, "has a scale of " + (double) scale);
        }
    }

    private void assertFailsInOneLine(ModelProto model, boolean dequantize, String expected) throws Exception {
        Path file = Files.write(folder.resolve("hostile.onnx"), model.toByteArray());
        assertThatThrownBy(() -> OnnxModels.load(file, null, dequantize))
                .isInstanceOfAny(ModelFormatException.class, UnsupportedOpException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").startsWith(file.toString()));
    }
}
