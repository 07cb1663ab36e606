package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.onnx.OnnxModels;
import io.etalon.render.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one line naming the problem, exit code 1 (2 for usage), no stack trace, no output files. */
class CliBadInputTest {

    @TempDir
    Path folder;

    private void assertOneLineError(CliRun run, int code, String... fragments) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(code);
        String err = run.err().strip();
        assertThat(err.lines().count()).as(err).isEqualTo(1);
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        for (String fragment : fragments) {
            assertThat(err).contains(fragment);
        }
    }

    private Path out() {
        return folder.resolve("out");
    }

    private void assertNoOutput() throws Exception {
        if (Files.exists(out())) {
            try (var files = Files.list(out())) {
                assertThat(files.toList()).isEmpty();
            }
        }
    }

    @Test
    void missingModelFile() throws Exception {
        CliRun run = CliRun.of("explain", "--model", folder.resolve("absent.onnx").toString(), "--images",
                CliRun.testImages(), "--out", out().toString());
        assertOneLineError(run, 1, "etalon: ", "absent.onnx", "no such model file");
        assertNoOutput();
    }

    @Test
    void brokenModelFile() throws Exception {
        Path broken = folder.resolve("broken.onnx");
        byte[] good = Files.readAllBytes(Path.of(CliRun.model()));
        Files.write(broken, Arrays.copyOf(good, good.length / 3));
        assertOneLineError(CliRun.of("inspect", broken.toString()), 1, "broken.onnx", "not a valid ONNX model");
        assertOneLineError(CliRun.of("explain", "--model", broken.toString(), "--images", CliRun.testImages(),
                "--out", out().toString()), 1, "broken.onnx");
        assertNoOutput();
    }

    @Test
    void wrongImageSize() throws Exception {
        Path png = folder.resolve("small.png");
        Images.writePng(Images.grey(new float[20 * 20], 20, 20, 1), png);
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--png", png.toString(), "--out", out().toString());
        assertOneLineError(run, 1, "small.png", "20x20", "28x28");
        assertNoOutput();
    }

    @Test
    void idxImagesOfAnotherSize() throws Exception {
        Path idx = folder.resolve("small-images.idx");
        Idx.writeImages(idx, new ImageSet(2, 1, 10, 10, new float[200]));
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", idx.toString(), "--out", out().toString());
        assertOneLineError(run, 1, "1x10x10", "1x28x28");
        assertNoOutput();
    }

    @Test
    void nanWeightsInAModel() throws Exception {
        Path model = folder.resolve("nan.onnx");
        Network network = LeNet.create(1);
        var ops = new java.util.ArrayList<>(network.nodes().stream().map(Network.Node::op).toList());
        var parameters = ops.get(0).parameters();
        float[] weights = parameters.get(0).data();
        weights[3] = Float.NaN;
        ops.set(0, ops.get(0).withParameters(java.util.List.of(
                new io.etalon.tensor.Tensor(parameters.get(0).shape(), weights), parameters.get(1))));
        OnnxModels.save(network.withOps(ops), model);
        assertOneLineError(CliRun.of("inspect", model.toString()), 1, "nan.onnx", "NaN", "conv1.weight");
    }

    @Test
    void unknownNeuron() throws Exception {
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(),
                "--neuron", "fc9:1", "--out", out().toString());
        assertOneLineError(run, 1, "unknown layer 'fc9'", "fc1");
        assertOneLineError(CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(),
                "--neuron", "fc1:999", "--out", out().toString()), 1, "out of range", "120");
        assertNoOutput();
    }

    @Test
    void imageIndexOutOfRange() throws Exception {
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(),
                "--index", "1999-2000", "--out", out().toString());
        assertOneLineError(run, 1, "2000", "0..1999");
        assertNoOutput();
    }

    @Test
    void missingDataFile() {
        CliRun run = CliRun.of("figure", "--model", CliRun.model(), "--images", folder.resolve("none.gz").toString(),
                "--labels", CliRun.testLabels(), "--out", folder.resolve("f.png").toString());
        assertOneLineError(run, 1, "none.gz", "not found");
    }

    @Test
    void truncatedImageFile() throws Exception {
        Path truncated = folder.resolve("truncated.idx");
        byte[] raw = new byte[16 + 784];
        java.nio.ByteBuffer.wrap(raw).putInt(0x803).putInt(50).putInt(28).putInt(28);
        Files.write(truncated, raw);
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", truncated.toString(), "--out", out().toString());
        assertOneLineError(run, 1, "truncated.idx", "truncated");
        assertNoOutput();
    }

    @Test
    void notPiecewiseLinearModel() throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                Files.readAllBytes(Path.of(CliRun.model())));
        var builder = model.toBuilder();
        builder.getGraphBuilder().getNodeBuilder(1).setOpType("Tanh");
        Path file = folder.resolve("tanh.onnx");
        Files.write(file, builder.build().toByteArray());
        CliRun run = CliRun.of("inspect", file.toString());
        assertOneLineError(run, 1, "node 'relu1' is Tanh", "piecewise-linear");
        assertThat(run.out()).contains("piecewise linear: no");
    }

    @Test
    void inspectNamesEveryRefusedNodeNotOnlyTheFirst() throws Exception {
        ai.onnx.proto.OnnxMl.ModelProto model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(
                Files.readAllBytes(Path.of(CliRun.model())));
        var builder = model.toBuilder();
        for (var node : builder.getGraphBuilder().getNodeBuilderList()) {
            if (node.getName().equals("relu1")) {
                node.setOpType("Tanh");
            } else if (node.getName().equals("relu2")) {
                node.setOpType("Sigmoid");
            } else if (node.getName().equals("relu3")) {
                node.setOpType("Frobnicate");
            }
        }
        Path file = folder.resolve("smooth.onnx");
        Files.write(file, builder.build().toByteArray());
        CliRun run = CliRun.of("inspect", file.toString());
        assertOneLineError(run, 1, "node 'relu1' is Tanh", "piecewise-linear");
        assertThat(run.out()).contains("piecewise linear: no").contains("also refused  " + file + ": node 'relu2' is Sigmoid")
                .contains("node 'relu3' is Frobnicate, which Etalon does not support").contains("refused nodes 3");
    }

    @Test
    void usageErrorsExitWithTwo() {
        CliRun run = CliRun.of("explain", "--model");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(), "--png", "a.png",
                "--out", out().toString()).exitCode()).isEqualTo(2);
        assertThat(CliRun.of("frobnicate").exitCode()).isEqualTo(2);
    }

    @Test
    void unknownMethodIsNamed() throws Exception {
        assertOneLineError(CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(),
                "--method", "magic", "--out", out().toString()), 1, "unknown method 'magic'", "coordinate");
        assertNoOutput();
    }

    @Test
    void aHeapTooSmallForTheModelGetsOneLineNotAStackTrace() throws Exception {
        // a real JVM whose heap cannot hold SqueezeNet's weights (5 MB): the error is an OutOfMemoryError, which
        // picocli does not hand to the exception handler and a worker pool would wrap
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path photos = CliRun.home().resolve("data/photos");
        Process process = new ProcessBuilder(launcher, "-Xmx12m", "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), EtalonCommand.class.getName(), "explain",
                "--model", CliRun.home().resolve("models/squeezenet1_1.onnx").toString(),
                "--image", photos.resolve("rocket.jpg").toString(), "--preprocess", "imagenet",
                "--neuron", "top:1", "--out", out().toString()).redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(printed).isEqualTo(1);
        String err = printed.lines().filter(line -> !line.startsWith("WARNING: Using incubator modules"))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(err.lines().count()).as(err).isEqualTo(1);
        assertThat(err).startsWith("etalon: out of memory").contains("JAVA_OPTS=-Xmx").doesNotContain("\tat ");
        assertNoOutput();
    }
}
