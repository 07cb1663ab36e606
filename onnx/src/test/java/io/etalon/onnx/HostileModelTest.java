package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Broken and hostile model files: each either loads or fails with a one-line {@link ModelFormatException} or
 * {@link UnsupportedOpException}, in bounded time and memory; never another exception.
 */
class HostileModelTest {

    private static final Path SHIPPED = Path.of("..", "models", "lenet-mnist.onnx");

    @TempDir
    Path folder;

    private static void assertLoadsOrFailsCleanly(Path file) {
        try {
            OnnxModels.load(file, null, true); // quantized fixtures load only dequantized; the others ignore it
        } catch (ModelFormatException | UnsupportedOpException e) {
            assertThat(e.getMessage()).as(file.toString()).doesNotContain("\n").startsWith(file.toString());
        } catch (Exception e) {
            throw new AssertionError(file + " gave " + e.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    @Test
    @Timeout(60)
    void bitFlippedAndTruncatedCopiesFailCleanly() throws Exception {
        mutantsFailCleanly(SHIPPED, 300, 2018);
    }

    /** The hand-written opset, channels-last and no-batch fixtures exercise other importer paths than LeNet. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"opsets/cnn_opset6.onnx", "opsets/cnn_opset21.onnx",
            "opsets/nhwc_tf2onnx.onnx", "opsets/nhwc_dynamic.onnx", "opsets/nhwc_gap.onnx", "opsets/nobatch_rgb.onnx", "opsets/pool_ceil.onnx", "pytorch/nobatch_cnn.onnx",
            "pytorch/grouped_ceil.onnx", "pytorch/upsampling.onnx", "pytorch/global_pools.onnx", "pytorch/branches.onnx", "columns/columns_chain.onnx", "columns/columns_input.onnx",
            "idioms/folded_weights.onnx", "idioms/constant_forms.onnx", "idioms/functions.onnx", "idioms/qdq.onnx",
            "idioms/qlinear.onnx", "idioms/more_ops.onnx"})
    @Timeout(60)
    void bitFlippedCopiesOfOtherModelsFailCleanly(String fixture) throws Exception {
        mutantsFailCleanly(Path.of("src/test/resources").resolve(fixture), 150, fixture.hashCode());
    }

    private void mutantsFailCleanly(Path model, int trials, long seed) throws Exception {
        byte[] original = Files.readAllBytes(model);
        SplittableRandom random = new SplittableRandom(seed);
        Path file = folder.resolve("mutant.onnx");
        for (int trial = 0; trial < trials; trial++) {
            byte[] bytes = original.clone();
            int flips = 1 + random.nextInt(4);
            // most weight bytes change only values; aim most flips at the graph structure near the end and start
            for (int f = 0; f < flips; f++) {
                int at = random.nextBoolean() ? random.nextInt(Math.min(2000, bytes.length))
                        : bytes.length - 1 - random.nextInt(Math.min(4000, bytes.length));
                bytes[at] ^= (byte) (1 << random.nextInt(8));
            }
            if (random.nextInt(5) == 0) {
                bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
            }
            Files.write(file, bytes);
            assertLoadsOrFailsCleanly(file);
        }
    }

    @Test
    void hugeDeclaredDimensionsAreRefusedWithoutAllocating() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(SHIPPED));
        ModelProto.Builder builder = model.toBuilder();
        TensorProto weight = builder.getGraph().getInitializer(0);
        builder.getGraphBuilder().setInitializer(0, weight.toBuilder().clearDims().addDims(1L << 40).addDims(1L << 30));
        Path file = Files.write(folder.resolve("huge.onnx"), builder.build().toByteArray());
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("dimension");
    }

    @Test
    void cyclesAreNamed() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(SHIPPED));
        ModelProto.Builder builder = model.toBuilder();
        // conv1 now reads relu1's output, and relu1 reads conv1's: a cycle
        builder.getGraphBuilder().getNodeBuilder(0).setInput(0, "relu1");
        Path file = Files.write(folder.resolve("cycle.onnx"), builder.build().toByteArray());
        assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("cycle");
    }

    @Test
    void externalWeightFilesAreReadOnlyFromTheModelsFolder() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(SHIPPED));
        TensorProto weight = model.getGraph().getInitializer(0);
        Files.write(folder.resolve("weights.bin"), weight.getRawData().toByteArray());
        for (String location : new String[] {"weights.bin", "absent.bin", "../../etc/passwd", "/etc/passwd"}) {
            ModelProto.Builder builder = model.toBuilder();
            builder.getGraphBuilder().setInitializer(0, weight.toBuilder().clearRawData()
                    .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                    .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location)));
            Path file = Files.write(folder.resolve("external.onnx"), builder.build().toByteArray());
            if (location.equals("weights.bin")) {
                var network = OnnxModels.load(file).network();
                var shipped = OnnxModels.load(SHIPPED).network();
                float[] x = new float[784];
                x[300] = 1f;
                assertThat(network.forward(x, 1).output(0)).containsExactly(shipped.forward(x, 1).output(0));
            } else {
                assertThatThrownBy(() -> OnnxModels.load(file)).as(location).isInstanceOf(ModelFormatException.class)
                        .hasMessageContaining(location.equals("absent.bin") ? "missing" : "outside the model's folder");
            }
        }
    }

    @Test
    void aModelWithSeveralOutputsExplainsTheChosenOne() throws Exception {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(SHIPPED));
        ModelProto.Builder builder = model.toBuilder();
        builder.getGraphBuilder().addOutput(model.getGraph().getOutput(0).toBuilder().setName("fc1").clearType());
        Path file = Files.write(folder.resolve("two-outputs.onnx"), builder.build().toByteArray());
        LoadedModel first = OnnxModels.load(file);
        assertThat(first.network().names()).endsWith("fc3");
        assertThat(first.notes()).singleElement().asString().contains("2 outputs");
        LoadedModel hidden = OnnxModels.load(file, "fc1");
        assertThat(hidden.network().names()).endsWith("fc1").hasSize(8);
        assertThatThrownBy(() -> OnnxModels.load(file, "nope")).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("output, fc1");
    }

    @Test
    void notAnOnnxFileAtAll() throws Exception {
        Path text = Files.writeString(folder.resolve("readme.onnx"), "this is not a model\n");
        Path image = Path.of("..", "docs", "figure11.png");
        Path copy = Files.copy(image, folder.resolve("figure.onnx"));
        for (Path file : new Path[] {text, copy}) {
            assertLoadsOrFailsCleanly(file);
            assertThatThrownBy(() -> OnnxModels.load(file)).isInstanceOf(ModelFormatException.class);
        }
    }
}
