package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.etalon.graph.Network;
import io.etalon.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hand-written models in each opset's own forms, a tf2onnx-style channels-last model and a model without a batch
 * dimension ({@code tools/onnx-fixtures/make_opset_models.py}): each loads, computes what ONNX Runtime computes, and
 * has exact etalons with every solver.
 */
class OpsetModelsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/opsets");
    private static final int IMAGES = 4;

    @TempDir
    Path folder;

    @ParameterizedTest
    @ValueSource(strings = {"cnn_opset7", "cnn_opset9", "cnn_opset11", "cnn_opset13", "cnn_opset17", "cnn_opset21",
            "nhwc_tf2onnx", "nhwc_dynamic", "nhwc_gap", "shape_slices", "nobatch_rgb"})
    void computesWhatOnnxRuntimeComputesAndHasExactEtalons(String name) throws Exception {
        Path file = FIXTURES.resolve(name + ".onnx");
        Network network = OnnxModels.load(file).network();
        float[] images = ModelChecks.images(IMAGES, network.inputShape(), name.hashCode());
        long[] dims = graphInputDims(file);
        ModelChecks.assertSameScores(network, images, IMAGES, ModelChecks.onnxRuntime(file, images, IMAGES, dims), name);
        ModelChecks.assertExactEtalons(network, images, IMAGES, name);
        ModelChecks.assertReloadsIdentically(network, images, IMAGES, folder, name); // Etalon's own export too
    }

    /** ONNX Runtime 1.20 has no opset-6 kernels, so the opset-6 forms are checked against their opset-7 twin. */
    @Test
    void opset6FormsComputeWhatTheirOpset7TwinComputes() throws Exception {
        Network old = OnnxModels.load(FIXTURES.resolve("cnn_opset6.onnx")).network();
        Network twin = OnnxModels.load(FIXTURES.resolve("cnn_opset7.onnx")).network();
        assertThat(old.inputShape()).isEqualTo(twin.inputShape());
        float[] images = ModelChecks.images(IMAGES, old.inputShape(), 6);
        for (int s = 0; s < IMAGES; s++) {
            float[] expected = twin.forward(images, IMAGES).output(s);
            float[] actual = old.forward(images, IMAGES).output(s);
            for (int c = 0; c < expected.length; c++) {
                assertThat(actual[c]).as("image %d score %d", s, c)
                        .isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-6f * (1 + Math.abs(expected[c]))));
            }
        }
        ModelChecks.assertExactEtalons(old, images, IMAGES, "cnn_opset6");
    }

    /**
     * ceil_mode's corners follow the ONNX specification (and PyTorch), checked against NumPy: ONNX Runtime 1.20 keeps a
     * last window that starts in the padding and divides a partial count_include_pad window by the kernel size.
     */
    @Test
    void ceilModeCornersFollowTheOnnxSpecification() throws Exception {
        Network network = OnnxModels.load(FIXTURES.resolve("pool_ceil.onnx")).network();
        double[] stored = io.etalon.data.Npy.read(FIXTURES.resolve("pool_ceil.inputs.npy")).values();
        float[] images = new float[stored.length];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) stored[i];
        }
        int count = images.length / network.inputShape().size();
        double[] expected = io.etalon.data.Npy.read(FIXTURES.resolve("pool_ceil.scores.npy")).values();
        io.etalon.graph.Trace trace = network.forward(images, count);
        for (int s = 0; s < count; s++) {
            for (int c = 0; c < 3; c++) {
                assertThat((double) trace.output(s)[c]).as("image %d score %d", s, c).isCloseTo(expected[s * 3 + c],
                        org.assertj.core.data.Offset.offset(ModelChecks.ORT_TOLERANCE * (1 + Math.abs(expected[s * 3 + c]))));
            }
        }
        ModelChecks.assertExactEtalons(network, images, count, "pool_ceil");
    }

    @Test
    void channelsLastModelKeepsItsLayoutAndTensorFlowNames() throws Exception {
        LoadedModel model = OnnxModels.load(FIXTURES.resolve("nhwc_tf2onnx.onnx"));
        Network network = model.network();
        assertThat(network.inputShape()).isEqualTo(Shape.of(28, 28, 1));
        assertThat(network.node(0).op().kind()).isEqualTo("Transpose");
        assertThat(network.outputShape()).isEqualTo(Shape.of(10));
        assertThat(network.names()).contains("StatefulPartitionedCall/sequential/dense/MatMul:0");
        assertThat(model.notes()).singleElement().asString().contains("dropped the trailing Softmax");
    }

    @Test
    void inputWithoutBatchDimensionIsReadAsOneImage() throws Exception {
        LoadedModel model = OnnxModels.load(FIXTURES.resolve("nobatch_rgb.onnx"));
        assertThat(model.network().inputShape()).isEqualTo(Shape.of(3, 28, 28));
        assertThat(model.network().outputShape()).isEqualTo(Shape.of(10));
        assertThat(model.notes()).singleElement().asString()
                .contains("graph input 'image' [3, 28, 28] has no batch axis").contains("one image of shape 3x28x28");
    }

    @Test
    void flatInputWithABatchOfOneReshapedToAnImageKeepsItsBatchAxis() throws Exception {
        // [1, 784] -> Reshape [1, 1, 28, 28] -> LeNet: the leading 1 is the batch, the sample a flat 784-pixel image
        ModelProto lenet = OnnxExporter.export(io.etalon.graph.LeNet.create(3));
        ModelProto.Builder builder = lenet.toBuilder();
        var graph = builder.getGraphBuilder();
        var dims = graph.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        dims.clearDim().addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(784));
        graph.getNodeBuilder(0).setInput(0, "image");
        graph.addNode(0, ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setName("to_image").setOpType("Reshape")
                .addInput("input").addInput("image_shape").addOutput("image"));
        graph.addInitializer(ai.onnx.proto.OnnxMl.TensorProto.newBuilder().setName("image_shape").addDims(4)
                .setDataType(ai.onnx.proto.OnnxMl.TensorProto.DataType.INT64.getNumber())
                .addInt64Data(1).addInt64Data(1).addInt64Data(28).addInt64Data(28));
        Path file = folder.resolve("flat.onnx");
        Files.write(file, builder.build().toByteArray());
        LoadedModel model = OnnxModels.load(file);
        assertThat(model.network().inputShape()).isEqualTo(Shape.of(784));
        assertThat(model.notes()).isEmpty();
        float[] images = ModelChecks.images(2, model.network().inputShape(), 9);
        ModelChecks.assertSameScores(model.network(), images, 2,
                ModelChecks.onnxRuntime(file, images, 2, new long[] {1, 784}), "flat");
    }

    private static long[] graphInputDims(Path file) throws java.io.IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        return model.getGraph().getInput(0).getType().getTensorType().getShape().getDimList().stream()
                .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : 1).toArray();
    }
}
