package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.etalon.graph.Network;
import io.etalon.tensor.Shape;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dense layers that hold one sample per column ({@code tools/onnx-fixtures/make_column_models.py}): Gemm with transA=1,
 * the column-vector convention {@code W x} as PyTorch exports {@code torch.mm(W, x.t())}, a graph input laid out
 * [features, batch], and matrix-vector MatMul on an image without batch axis. Each computes what ONNX Runtime computes
 * and has exact etalons with every solver; what does not map each sample on its own is refused in one line.
 */
class ColumnModelsTest {

    private static final Path FIXTURES = Path.of("src/test/resources/columns");
    private static final int IMAGES = 4;

    @TempDir
    Path folder;

    @ParameterizedTest
    @ValueSource(strings = {"columns_torch", "columns_torch9", "columns_reshape", "columns_chain", "columns_input",
            "columns_vector", "vector_matmul"})
    void computesWhatOnnxRuntimeComputesAndHasExactEtalons(String name) throws Exception {
        Path file = FIXTURES.resolve(name + ".onnx");
        Network network = OnnxModels.load(file).network();
        float[] images = ModelChecks.images(IMAGES, network.inputShape(), name.hashCode());
        ModelChecks.assertSameScores(network, images, IMAGES,
                ModelChecks.onnxRuntime(file, images, IMAGES, graphInputDims(file)), name);
        ModelChecks.assertExactEtalons(network, images, IMAGES, name);
        ModelChecks.assertReloadsIdentically(network, images, IMAGES, folder, name);
    }

    /** A whole batch in one run, laid out as the graph declares it: the batch axis is where the flags say. */
    @ParameterizedTest
    @ValueSource(strings = {"columns_torch", "columns_chain", "columns_input"})
    void aBatchLaidOutAsTheGraphDeclaresItGivesEachSamplesScores(String name) throws Exception {
        Path file = FIXTURES.resolve(name + ".onnx");
        LoadedModel model = OnnxModels.load(file);
        Network network = model.network();
        int count = 3;
        int size = network.inputShape().size();
        int outputs = network.outputShape().size();
        float[] images = ModelChecks.images(count, network.inputShape(), 5);
        long[] dims = graphInputDims(file);
        dims[model.inputBatchLast() ? 1 : 0] = count;
        float[] fed = model.inputBatchLast() ? ModelChecks.transpose(images, count, size) : images;
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        float[] theirs = new float[count * outputs];
        try (OrtSession session = environment.createSession(file.toString(), options);
             OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(fed), dims);
             OrtSession.Result result = session.run(Map.of(session.getInputNames().iterator().next(), input))) {
            ((OnnxTensor) result.get(0)).getFloatBuffer().get(theirs);
        }
        float[][] perSample = new float[count][];
        float[] rows = model.outputBatchLast() ? ModelChecks.transpose(theirs, outputs, count) : theirs;
        for (int s = 0; s < count; s++) {
            perSample[s] = java.util.Arrays.copyOfRange(rows, s * outputs, (s + 1) * outputs);
        }
        ModelChecks.assertSameScores(network, images, count, perSample, name + " batch");
    }

    @Test
    void graphInputAndOutputWithOneSamplePerColumnAreNoted() throws Exception {
        LoadedModel model = OnnxModels.load(FIXTURES.resolve("columns_input.onnx"));
        assertThat(model.inputBatchLast()).isTrue();
        assertThat(model.outputBatchLast()).isTrue();
        assertThat(model.network().inputShape()).isEqualTo(Shape.of(64));
        assertThat(model.network().outputShape()).isEqualTo(Shape.of(5));
        assertThat(model.notes()).hasSize(2);
        assertThat(model.notes().get(0)).contains("graph input 'features' holds one sample per column ([64, batch]");
        assertThat(model.notes().get(1)).contains("graph output 'scores' holds one sample per column");
        assertThat(model.network().names()).containsExactly("fc1", "relu1", "fc2", "relu2", "fc3");
    }

    @Test
    void pytorchsTransposesFoldIntoTheDenseLayers() throws Exception {
        LoadedModel model = OnnxModels.load(FIXTURES.resolve("columns_torch.onnx"));
        assertThat(model.inputBatchLast()).isFalse();
        assertThat(model.outputBatchLast()).isFalse();
        assertThat(model.notes()).isEmpty();
        assertThat(model.network().nodes().stream().map(node -> node.op().kind()).toList())
                .containsExactly("Conv2d", "Relu", "MaxPool2d", "Flatten", "Dense", "Relu", "Dense", "Relu", "Dense");
    }

    @Test
    void vectorWithoutBatchAxisKeepsItsShape() throws Exception {
        for (String name : new String[] {"columns_vector", "vector_matmul"}) {
            LoadedModel model = OnnxModels.load(FIXTURES.resolve(name + ".onnx"));
            assertThat(model.network().inputShape()).as(name).isEqualTo(Shape.of(64));
            assertThat(model.network().outputShape()).as(name).isEqualTo(Shape.of(5));
            assertThat(model.outputBatchLast()).as(name).isFalse();
            assertThat(model.notes()).as(name).singleElement().asString().contains("has no batch axis");
        }
    }

    @Test
    void gemmOfTwoActivationsIsRefusedAsBilinear() throws Exception {
        Path file = save("bilinear", node("Gemm", "g", new String[] {"x", "h"}, "y"));
        assertRefused(file, "Gemm node 'g' multiplies two activations ('x' and 'h')", "bilinear");
        Path matMul = save("bilinear_matmul", node("MatMul", "m", new String[] {"h", "x"}, "y"));
        assertRefused(matMul, "MatMul node 'm' multiplies two activations", "bilinear");
    }

    @Test
    void transposingTheSamplesIntoTheSumIsRefusedWithTheFix() throws Exception {
        // h is [batch, 8]; transA=1 would sum over the batch
        NodeProto gemm = node("Gemm", "g", new String[] {"h", "w"}, "y").toBuilder().addAttribute(intAttribute("transA", 1)).build();
        assertRefused(save("trans_a_rows", gemm), "Gemm node 'g' multiplies over the batch axis",
                "A 'h' holds one sample per row ([batch, K])", "export it with transA=0");
        // W h with h [batch, 8]: the samples would be B's rows
        NodeProto left = node("Gemm", "g", new String[] {"w_t", "h"}, "y");
        assertRefused(save("rows_as_b", left), "B 'h' holds one sample per row", "export it with transB=1");
    }

    @Test
    void opsThatNeedSamplesAsRowsRefuseColumnsWithTheFix() throws Exception {
        // h [batch, 8] -> Reshape [-1, 1]: one sample as a column, which pooling and Concat cannot read
        NodeProto toColumn = node("Reshape", "to_column", new String[] {"h", "column"}, "c");
        NodeProto pool = node("MaxPool", "pool", new String[] {"c"}, "y").toBuilder()
                .addAttribute(ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName("kernel_shape")
                        .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INTS).addInts(2).addInts(2)).build();
        assertRefused(save("columns_pool", toColumn, pool), "MaxPool node 'pool' reads 'c', which holds one sample per column",
                "add a Transpose (perm [1, 0]) before it");
        NodeProto concat = node("Concat", "join", new String[] {"c", "c"}, "y").toBuilder()
                .addAttribute(intAttribute("axis", 1)).build();
        assertRefused(save("columns_concat", toColumn, concat), "Concat node 'join' joins 'c', which holds one sample per column",
                "add a Transpose (perm [1, 0]) before it");
    }

    @Test
    void biasAlongTheBatchAxisIsRefused() throws Exception {
        // W h^T gives [4, batch]; a bias [4] would broadcast along the batch axis
        NodeProto gemm = node("Gemm", "g", new String[] {"w4", "h", "b4"}, "y").toBuilder()
                .addAttribute(intAttribute("transB", 1)).build();
        assertThatThrownBy(() -> OnnxModels.load(save("bias_row", gemm))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("Gemm node 'g' has a bias C of shape [4]; expected a scalar or [4, 1]")
                .hasMessageNotContaining("\n");
        NodeProto activationBias = node("Gemm", "g", new String[] {"h", "w", "h"}, "y");
        assertRefused(save("bias_activation", activationBias), "adds the activation 'h' as C", "write the sum as an Add");
    }

    private static void assertRefused(Path file, String... parts) {
        var thrown = assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(UnsupportedOpException.class)
                .hasMessageStartingWith(file.toString()).hasMessageNotContaining("\n");
        for (String part : parts) {
            thrown.hasMessageContaining(part);
        }
    }

    /**
     * A graph with input x [batch, 8], h = Relu(x), the given nodes and weights w [8, 8], w_t [8, 8], w4 [4, 8],
     * b4 [4], column [-1, 1] (int64); the last node's output is the graph output.
     */
    private Path save(String name, NodeProto... nodes) throws Exception {
        GraphProto.Builder graph = GraphProto.newBuilder().setName(name)
                .addNode(node("Relu", "relu", new String[] {"x"}, "h"))
                .addInput(value("x", "batch", 8))
                .addInitializer(floats("w", 8, 8)).addInitializer(floats("w_t", 8, 8)).addInitializer(floats("w4", 4, 8))
                .addInitializer(floats("b4", 4))
                .addInitializer(TensorProto.newBuilder().setName("column").setDataType(TensorProto.DataType.INT64.getNumber())
                        .addDims(2).addInt64Data(-1).addInt64Data(1));
        for (NodeProto node : nodes) {
            graph.addNode(node);
        }
        graph.addOutput(ValueInfoProto.newBuilder().setName(nodes[nodes.length - 1].getOutput(0)));
        ModelProto model = ModelProto.newBuilder().setIrVersion(7).setGraph(graph)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).build();
        return Files.write(folder.resolve(name + ".onnx"), model.toByteArray());
    }

    private static NodeProto node(String type, String name, String[] inputs, String output) {
        return NodeProto.newBuilder().setOpType(type).setName(name).addAllInput(java.util.List.of(inputs)).addOutput(output).build();
    }

    private static ai.onnx.proto.OnnxMl.AttributeProto intAttribute(String name, long value) {
        return ai.onnx.proto.OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(ai.onnx.proto.OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static TensorProto floats(String name, int... dims) {
        TensorProto.Builder tensor = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber());
        int size = 1;
        for (int d : dims) {
            tensor.addDims(d);
            size *= d;
        }
        for (int i = 0; i < size; i++) {
            tensor.addFloatData((i % 7 - 3) / 10f);
        }
        return tensor.build();
    }

    private static ValueInfoProto value(String name, String batch, int features) {
        TensorShapeProto shape = TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(features)).build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                .setElemType(TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }


    private static long[] graphInputDims(Path file) throws java.io.IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(file));
        return model.getGraph().getInput(0).getType().getTensorType().getShape().getDimList().stream()
                .mapToLong(d -> d.hasDimValue() ? d.getDimValue() : 1).toArray();
    }
}
