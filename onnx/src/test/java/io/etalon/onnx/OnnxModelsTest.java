package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelsTest {

    @TempDir
    Path folder;

    private static float[] images(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] images = new float[count * 784];
        for (int i = 0; i < images.length; i++) {
            images[i] = random.nextDouble() < 0.7 ? 0f : (float) random.nextDouble();
        }
        return images;
    }

    @Test
    void roundTripKeepsNamesAndOutputs() throws Exception {
        Network lenet = LeNet.create(42);
        Path file = folder.resolve("lenet.onnx");
        OnnxModels.save(lenet, file);
        LoadedModel loaded = OnnxModels.load(file);
        assertThat(loaded.notes()).isEmpty();
        assertThat(loaded.network().names()).isEqualTo(lenet.names());
        float[] x = images(4, 1);
        for (int s = 0; s < 4; s++) {
            assertThat(loaded.network().forward(x, 4).output(s)).containsExactly(lenet.forward(x, 4).output(s));
        }
        assertThat(Files.list(folder)).containsExactly(file); // no temporary file left behind
    }

    @Test
    void aMeanImageAndPerValueSlopesSaveAndLoadAndOnnxRuntimeAgrees() throws Exception {
        // input normalisation by a mean image and a PReLU with one slope per value: per-value ChannelAffine and
        // LeakyRelu, written as Mul + Add and PRelu with constants of the sample's shape
        SplittableRandom random = new SplittableRandom(3);
        io.etalon.tensor.Shape in = io.etalon.tensor.Shape.of(1, 28, 28);
        float[] scale = new float[784];
        float[] shift = new float[784];
        float[] slopes = new float[784];
        for (int i = 0; i < 784; i++) {
            scale[i] = (float) (0.5 + random.nextDouble());
            shift[i] = (float) -random.nextDouble();
            slopes[i] = (float) (0.3 * random.nextDouble());
        }
        Network lenet = LeNet.create(5);
        java.util.List<Network.Node> nodes = new java.util.ArrayList<>();
        nodes.add(new Network.Node("mean", new io.etalon.op.ChannelAffine(in,
                new io.etalon.tensor.Tensor(io.etalon.tensor.Shape.of(784), scale),
                new io.etalon.tensor.Tensor(io.etalon.tensor.Shape.of(784), shift)), new int[] {Network.INPUT}));
        nodes.add(new Network.Node("prelu", new io.etalon.op.LeakyRelu(in,
                new io.etalon.tensor.Tensor(io.etalon.tensor.Shape.of(784), slopes)), new int[] {0}));
        for (int k = 0; k < lenet.size(); k++) {
            int[] inputs = lenet.node(k).inputs();
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] += 2; // after the two new nodes; the network input becomes the PReLU
            }
            nodes.add(new Network.Node(lenet.node(k).name(), lenet.node(k).op(), inputs));
        }
        Network network = new Network(in, nodes);
        Path file = folder.resolve("normalised.onnx");
        OnnxModels.save(network, file);
        int count = 6;
        float[] x = images(count, 9);
        ModelChecks.assertSameScores(network, x, count, ModelChecks.onnxRuntime(file, x, count, new long[] {1, 1, 28, 28}),
                "per-value normalisation");
        Network reloaded = OnnxModels.load(file).network();
        ModelChecks.assertReloadsIdentically(reloaded, x, count, folder, "again");
        for (int s = 0; s < count; s++) {
            assertThat(reloaded.forward(x, count).output(s)).containsExactly(network.forward(x, count).output(s));
        }
        ModelChecks.assertExactEtalons(reloaded, x, count, "per-value normalisation");
    }

    @Test
    void onnxRuntimeComputesTheSameScores() throws Exception {
        Network lenet = LeNet.create(7);
        Path file = folder.resolve("lenet.onnx");
        OnnxModels.save(lenet, file);
        int count = 8;
        float[] x = images(count, 2);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(x), new long[] {count, 1, 28, 28});
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] theirs = (float[][]) result.get(0).getValue();
            for (int s = 0; s < count; s++) {
                float[] ours = lenet.forward(x, count).output(s);
                for (int c = 0; c < 10; c++) {
                    assertThat(ours[c]).as("image %d class %d", s, c)
                            .isCloseTo(theirs[s][c], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(theirs[s][c]))));
                }
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyOpRoundTripsAndOnnxRuntimeAgrees(long seed) throws Exception {
        // batch norm, PReLU, pad, average or max pooling, a residual join with clip, dense layers
        roundTripsAndOnnxRuntimeAgrees(io.etalon.testing.RandomNetworks.richNetwork(seed), "rich", seed);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void transposedConvolutionsRoundTripAndOnnxRuntimeAgrees(long seed) throws Exception {
        // ConvTranspose with strides, pads, output padding and groups
        roundTripsAndOnnxRuntimeAgrees(io.etalon.testing.RandomNetworks.upsamplingNetwork(seed), "upsampling", seed);
    }

    private void roundTripsAndOnnxRuntimeAgrees(Network network, String kind, long seed) throws Exception {
        Path file = folder.resolve(kind + seed + ".onnx");
        OnnxModels.save(network, file);
        Network reloaded = OnnxModels.load(file).network();
        int count = 3;
        int size = network.inputShape().size();
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[count * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = random.nextDouble() < 0.3 ? 0f : (float) random.nextDouble();
        }
        var ours = network.forward(x, count);
        var again = reloaded.forward(x, count);
        int[] dims = network.inputShape().dims();
        long[] shape = {count, dims[0], dims[1], dims[2]};
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        // ONNX Runtime's graph optimiser folds a Pad into the next AveragePool even where that changes the result or
        // makes pads larger than the window, so the oracle runs the graph as written.
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
        try (OrtSession session = environment.createSession(file.toString(), options);
             OnnxTensor input = OnnxTensor.createTensor(environment, FloatBuffer.wrap(x), shape);
             OrtSession.Result result = session.run(Map.of("input", input))) {
            float[][] theirs = (float[][]) result.get(0).getValue();
            for (int s = 0; s < count; s++) {
                assertThat(again.output(s)).containsExactly(ours.output(s));
                for (int c = 0; c < theirs[s].length; c++) {
                    assertThat(ours.output(s)[c]).as("seed %d image %d output %d", seed, s, c)
                            .isCloseTo(theirs[s][c], org.assertj.core.data.Offset.offset(1e-5f * (1 + Math.abs(theirs[s][c]))));
                }
            }
        }
    }

    @Test
    void trailingSoftmaxIsDroppedWithANote() throws Exception {
        ModelProto model = OnnxExporter.export(LeNet.create(1));
        ModelProto.Builder builder = model.toBuilder();
        builder.getGraphBuilder().getNodeBuilder(model.getGraph().getNodeCount() - 1).setOutput(0, "logits");
        builder.getGraphBuilder().addNode(NodeProto.newBuilder().setName("prob").setOpType("Softmax")
                .addInput("logits").addOutput("output"));
        Path file = folder.resolve("softmax.onnx");
        Files.write(file, builder.build().toByteArray());
        LoadedModel loaded = OnnxModels.load(file);
        assertThat(loaded.notes()).singleElement().asString().contains("dropped the trailing Softmax node 'prob'");
        assertThat(loaded.network().size()).isEqualTo(12);
    }

    @Test
    void nodesOutOfOrderAreSorted() throws Exception {
        ModelProto model = OnnxExporter.export(LeNet.create(1));
        ModelProto.Builder builder = model.toBuilder();
        java.util.List<NodeProto> nodes = new java.util.ArrayList<>(model.getGraph().getNodeList());
        java.util.Collections.reverse(nodes);
        builder.getGraphBuilder().clearNode().addAllNode(nodes);
        Path file = folder.resolve("reversed.onnx");
        Files.write(file, builder.build().toByteArray());
        assertThat(OnnxModels.load(file).network().names()).isEqualTo(LeNet.create(1).names());
    }

    @Test
    void sigmoidIsRefusedByNodeAndType() throws Exception {
        ModelProto model = OnnxExporter.export(LeNet.create(1));
        ModelProto.Builder builder = model.toBuilder();
        builder.getGraphBuilder().getNodeBuilder(1).setOpType("Sigmoid");
        Path file = folder.resolve("sigmoid.onnx");
        Files.write(file, builder.build().toByteArray());
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(UnsupportedOpException.class)
                .hasMessage(file + ": node 'relu1' is Sigmoid (smooth); etalons need piecewise-linear ops ("
                        + OnnxOperators.PIECEWISE_LINEAR_OPS + ")");
    }

    @Test
    void missingWeightIsNamed() throws Exception {
        ModelProto model = OnnxExporter.export(LeNet.create(1));
        ModelProto.Builder builder = model.toBuilder();
        builder.getGraphBuilder().removeInitializer(0);
        Path file = folder.resolve("noweight.onnx");
        Files.write(file, builder.build().toByteArray());
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("conv1.weight").hasMessageNotContaining("\n");
    }

    @Test
    void brokenFilesGiveOneLineErrors() throws Exception {
        Path good = folder.resolve("good.onnx");
        OnnxModels.save(LeNet.create(1), good);
        byte[] bytes = Files.readAllBytes(good);
        Path empty = Files.write(folder.resolve("empty.onnx"), new byte[0]);
        Path truncated = Files.write(folder.resolve("truncated.onnx"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        byte[] noise = new byte[5000];
        new SplittableRandom(3).nextBytes(noise);
        Path random = Files.write(folder.resolve("random.onnx"), noise);
        for (Path file : new Path[] {empty, truncated, random}) {
            assertThatThrownBy(() -> OnnxModels.load(file)).as(file.toString())
                    .isInstanceOf(ModelFormatException.class)
                    .hasMessageStartingWith(file.toString())
                    .hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> OnnxModels.load(folder.resolve("absent.onnx")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }
}
