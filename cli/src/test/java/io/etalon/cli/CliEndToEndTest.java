package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.Npy;
import io.etalon.render.Images;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user runs it, on the shipped model and data. */
class CliEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @Test
    void demoDrawsFigureElevenAndSaysWhere() throws Exception {
        Path out = folder.resolve("demo");
        CliRun run = CliRun.of("demo", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("figure11.png").contains("accuracy");
        assertThat(out.resolve("figure11.png")).isRegularFile();
        JsonNode summary = JSON.readTree(out.resolve("figure11.json").toFile());
        assertThat(summary.get("rows")).hasSize(10);
        assertThat(summary.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
        assertThat(summary.get("testAccuracy").asDouble()).isGreaterThanOrEqualTo(0.98);
        for (int c = 0; c < 10; c++) {
            assertThat(summary.get("rows").get(c).get("label").asInt()).isEqualTo(c);
        }
        // and Figure 11 for photos: the four shipped photos x SqueezeNet's 3 best classes, by name
        assertThat(run.out()).contains("photos.png");
        assertThat(out.resolve("photos.png")).isRegularFile();
        JsonNode photos = JSON.readTree(out.resolve("photos.json").toFile());
        assertThat(photos.get("rows")).hasSize(4);
        assertThat(photos.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
        JsonNode chelsea = photos.get("rows").get(1);
        assertThat(chelsea.toString()).contains("chelsea.png");
        assertThat(chelsea.toString()).contains("Egyptian cat", "tiger cat", "tabby");
    }

    @Test
    void explainWritesNpyPngAndSummaryForOutputNeurons() throws Exception {
        Path out = folder.resolve("explain");
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(),
                "--labels", CliRun.testLabels(), "--index", "3,7-8", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        for (String image : new String[] {"3", "7", "8"}) {
            Path dir = out.resolve(image);
            Npy.Array etalons = Npy.read(dir.resolve("etalons.npy"));
            assertThat(etalons.shape()).containsExactly(10, 1, 28, 28);
            JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
            assertThat(summary.get("etalons")).hasSize(10);
            assertThat(summary.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
            assertThat(summary.get("pattern").get("layers").get(0).get("layer").asText()).isEqualTo("relu1");
            assertThat(summary.get("pattern").get("layers").get(0).get("active").asInt()).isPositive();
            assertThat(dir.resolve("fc3-0.png")).isRegularFile();
            // the NPY rows reproduce the scores with the biases of the summary
            ImageSet images = Idx.readImages(Path.of(CliRun.testImages()));
            float[] x = images.image(Integer.parseInt(image));
            double[] w = etalons.values();
            for (int p = 0; p < 10; p++) {
                double linear = 0;
                for (int j = 0; j < 784; j++) {
                    linear += w[p * 784 + j] * x[j];
                }
                JsonNode etalon = summary.get("etalons").get(p);
                assertThat(linear + etalon.get("bias").asDouble()).isCloseTo(etalon.get("score").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        assertThat(leftovers(out)).isEmpty();
    }

    @Test
    void algorithmOneAndReverseModeGiveTheSameHiddenEtalons() throws Exception {
        Path coordinate = folder.resolve("coordinate");
        Path reverse = folder.resolve("reverse");
        for (Path out : new Path[] {coordinate, reverse}) {
            CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", CliRun.testImages(), "--index", "5",
                    "--neuron", "fc1:5", "conv2:3,4,4", "pool2:7", "--method", out.getFileName().toString(),
                    "--out", out.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        double[] a = Npy.read(coordinate.resolve("5/etalons.npy")).values();
        double[] b = Npy.read(reverse.resolve("5/etalons.npy")).values();
        assertThat(a).hasSize(3 * 784);
        double scale = 1e-12;
        for (double v : a) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - b[i]) / scale).as("entry %d", i).isLessThan(1e-5);
        }
        JsonNode summary = JSON.readTree(coordinate.resolve("5/summary.json").toFile());
        assertThat(summary.get("etalons").get(1).get("neuron").asText()).isEqualTo("conv2:344");
        assertThat(summary.get("etalons").get(1).get("coordinates").toString()).isEqualTo("[3,4,4]");
    }

    @Test
    void wholeFilesStreamInChunksWithResultsIndependentOfThreads() throws Exception {
        ImageSet images = Idx.readImages(Path.of(CliRun.testImages()));
        Path idx = folder.resolve("forty.idx.gz");
        Idx.writeImages(idx, images.select(java.util.stream.IntStream.range(100, 140).toArray()));
        Path one = folder.resolve("one");
        Path two = folder.resolve("two");
        for (String threads : new String[] {"1", "2"}) {
            CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--images", idx.toString(), "--index", "all",
                    "--chunk", "16", "--no-png", "--threads", threads, "--out", (threads.equals("1") ? one : two).toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.out()).contains("explained 40 image(s)");
        }
        for (int i = 0; i < 40; i++) {
            assertThat(Files.readAllBytes(one.resolve(i + "/etalons.npy")))
                    .isEqualTo(Files.readAllBytes(two.resolve(i + "/etalons.npy")));
            assertThat(one.resolve(i + "/fc3-0.png")).doesNotExist();
        }
        assertThat(leftovers(one)).isEmpty();
    }

    @Test
    void modelsFromPyTorchWithPathLikeLayerNamesWriteInsideTheOutputFolder() throws Exception {
        Path model = CliRun.home().resolve("onnx/src/test/resources/pytorch/cnn_view.onnx");
        Path png = folder.resolve("small.png");
        Images.writePng(Images.grey(new float[14 * 14], 14, 14, 1), png);
        Path out = folder.resolve("torch-out");
        CliRun run = CliRun.of("explain", "--model", model.toString(), "--png", png.toString(),
                "--neuron", "/fc1/Gemm:3", "output", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(out.resolve("0/fc1_Gemm-3.png")).isRegularFile();
        JsonNode summary = JSON.readTree(out.resolve("0/summary.json").toFile());
        assertThat(summary.get("etalons").get(0).get("neuron").asText()).isEqualTo("/fc1/Gemm:3");
        assertThat(CliRun.of("inspect", model.toString()).out()).contains("/conv1/Conv");
    }

    @Test
    void normalisationAndGreyToRgbAreFoldedIntoTheEtalon() throws Exception {
        // a three-channel model that expects 0..255 pixels normalised per channel
        Path model = smallCnn(folder.resolve("rgb.onnx"), 3, 4, 3, 5);
        float[] grey = new float[64];
        for (int i = 0; i < 64; i++) {
            grey[i] = (i % 7) / 7f;
        }
        Path png = folder.resolve("grey.png");
        Images.writePng(Images.grey(grey, 8, 8, 1), png);
        Path out = folder.resolve("rgb-out");
        CliRun run = CliRun.of("explain", "--model", model.toString(), "--png", png.toString(), "--pixel-scale", "255",
                "--mean", "120,110,100", "--std", "60,50,40", "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = JSON.readTree(out.resolve("0/summary.json").toFile());
        assertThat(summary.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
        // a grey file is replicated to the three channels the model takes: X and each etalon are 3x8x8
        assertThat(Npy.read(out.resolve("0/etalons.npy")).shape()).containsExactly(3, 3, 8, 8);
        assertThat(Npy.read(out.resolve("0/input.npy")).shape()).containsExactly(3, 8, 8);
        assertThat(CliRun.of("explain", "--model", model.toString(), "--png", png.toString(), "--mean", "1,2",
                "--out", out.toString()).err()).contains("--mean has 2 values");
    }

    @Test
    void aModelThatStatesItsPixelRangeIsFedThatRange() throws Exception {
        // the same small model twice, once with Windows ML's Image.NominalPixelRange = NominalRange_0_255 in its metadata
        Path plain = smallCnn(folder.resolve("plain.onnx"), 1, 3, 4, 9);
        Path stated = folder.resolve("stated.onnx");
        java.nio.file.Files.write(stated, ai.onnx.proto.OnnxMl.ModelProto.parseFrom(java.nio.file.Files.readAllBytes(plain))
                .toBuilder().addMetadataProps(ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder()
                        .setKey("Image.NominalPixelRange").setValue("NominalRange_0_255")).build().toByteArray());
        float[] pixels = new float[64];
        for (int i = 0; i < 64; i++) {
            pixels[i] = (i % 9) / 8f;
        }
        Path png = folder.resolve("stated.png");
        Images.writePng(Images.grey(pixels, 8, 8, 1), png);
        CliRun fromMetadata = CliRun.of("explain", "--model", stated.toString(), "--png", png.toString(), "--no-png",
                "--out", folder.resolve("stated-out").toString());
        assertThat(fromMetadata.exitCode()).as(fromMetadata.err()).isZero();
        assertThat(fromMetadata.err()).contains("note: input pixels as the model's metadata states");
        CliRun given = CliRun.of("explain", "--model", plain.toString(), "--png", png.toString(), "--no-png",
                "--pixel-scale", "255", "--out", folder.resolve("given-out").toString());
        assertThat(given.exitCode()).as(given.err()).isZero();
        JsonNode a = JSON.readTree(folder.resolve("stated-out/0/summary.json").toFile());
        JsonNode b = JSON.readTree(folder.resolve("given-out/0/summary.json").toFile());
        assertThat(a.get("scores")).isEqualTo(b.get("scores"));
        assertThat(a.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
        CliRun overridden = CliRun.of("explain", "--model", stated.toString(), "--png", png.toString(), "--no-png",
                "--pixel-scale", "1", "--out", folder.resolve("overridden-out").toString());
        assertThat(overridden.exitCode()).as(overridden.err()).isZero();
        assertThat(overridden.err()).doesNotContain("metadata");
        assertThat(JSON.readTree(folder.resolve("overridden-out/0/summary.json").toFile()).get("scores"))
                .isNotEqualTo(b.get("scores"));
    }

    /** A random CxWxH = channels x 8 x 8 model saved as ONNX: conv 3x3 (same padding), ReLU, flatten, dense. */
    static Path smallCnn(Path file, int channels, int filters, int classes, long seed) throws Exception {
        io.etalon.graph.LeNet.Chain chain = new io.etalon.graph.LeNet.Chain(io.etalon.tensor.Shape.of(channels, 8, 8));
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        chain.add("conv", io.etalon.op.Conv2d.of(chain.shape(), tensor(random, filters, channels, 3, 3), tensor(random, filters), 1));
        chain.add("relu", new io.etalon.op.Relu(chain.shape()));
        chain.add("flatten", new io.etalon.op.Flatten(chain.shape()));
        chain.add("fc", new io.etalon.op.Dense(chain.shape(), tensor(random, classes, filters * 64), tensor(random, classes)));
        io.etalon.onnx.OnnxModels.save(chain.build(), file);
        return file;
    }

    private static io.etalon.tensor.Tensor tensor(java.util.SplittableRandom random, int... dims) {
        io.etalon.tensor.Shape shape = io.etalon.tensor.Shape.of(dims);
        float[] values = new float[shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextDouble() - 0.5);
        }
        return new io.etalon.tensor.Tensor(shape, values);
    }

    @Test
    void regionReportsTheRadiusTiesAndFirstFlip() throws Exception {
        Path json = folder.resolve("region.json");
        CliRun run = CliRun.of("region", "--model", CliRun.model(), "--images", CliRun.testImages(), "--index", "4",
                "--out", json.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("radius (L2)").contains("tied faces").contains("first flip");
        JsonNode report = JSON.readTree(json.toFile());
        // MNIST digits sit on faces: flat backgrounds tie in the pools
        assertThat(report.get("tiedFaces").asInt()).isPositive();
        assertThat(report.get("radiusL2").asDouble()).isZero();
        assertThat(report.get("faceRadiusL2").asDouble()).isPositive();
        assertThat(folder.resolve("region-direction.png")).isRegularFile();
    }

    @Test
    void pathListsTheRegionsBetweenTwoDigits() throws Exception {
        Path json = folder.resolve("path.json");
        CliRun run = CliRun.of("path", "--model", CliRun.model(), "--images", CliRun.testImages(), "--from", "3",
                "--to", "2", "--out", json.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("linear regions between image 3 and image 2");
        JsonNode regions = JSON.readTree(json.toFile()).get("regions");
        assertThat(regions.size()).isGreaterThan(100);
        assertThat(regions.get(0).get("start").asDouble()).isZero();
        assertThat(regions.get(regions.size() - 1).get("end").asDouble()).isEqualTo(1.0);
    }

    @Test
    void censusCountsRegionsOfASmallDataSet() throws Exception {
        ImageSet images = Idx.readImages(Path.of(CliRun.testImages()));
        Path data = folder.resolve("small-mnist");
        Idx.writeImages(data.resolve("train-images-idx3-ubyte.gz"), images.select(java.util.stream.IntStream.range(0, 60).toArray()));
        // the test split repeats 5 training digits, which must land in the same regions
        Idx.writeImages(data.resolve("test-images-idx3-ubyte.gz"), images.select(new int[] {0, 1, 2, 3, 4, 100, 101}));
        Path json = folder.resolve("census.json");
        CliRun run = CliRun.of("census", "--model", CliRun.model(), "--data", data.toString(), "--out", json.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode census = JSON.readTree(json.toFile());
        assertThat(census.get("train").get("inputs").asInt()).isEqualTo(60);
        assertThat(census.get("train").get("distinctPatterns").asInt()).isBetween(1, 60);
        assertThat(census.get("testSharingARegionWithTraining").asInt()).isEqualTo(5);
    }

    @Test
    void studyWritesASelfContainedReportOnASubset() throws Exception {
        ImageSet images = Idx.readImages(Path.of(CliRun.testImages()));
        int[] labels = Idx.readLabels(Path.of(CliRun.testLabels()));
        Path data = folder.resolve("subset");
        int[] train = java.util.stream.IntStream.range(200, 300).toArray();
        int[] test = java.util.stream.IntStream.range(0, 60).toArray();
        Idx.writeImages(data.resolve("train-images-idx3-ubyte.gz"), images.select(train));
        Idx.writeImages(data.resolve("test-images-idx3-ubyte.gz"), images.select(test));
        Idx.writeLabels(data.resolve("test-labels-idx1-ubyte.gz"), java.util.Arrays.copyOf(labels, 60));
        Path out = folder.resolve("study");
        CliRun run = CliRun.of("study", "--model", CliRun.model(), "--data", data.toString(), "--regions", "3",
                "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("Figure 11").contains("Voting").contains("Census").contains("Region geometry")
                .contains("data:image/png;base64,").doesNotContain("src=\"http");
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        assertThat(report.get("voting")).hasSize(10);
        assertThat(report.get("censusTrain").get("inputs").asInt()).isEqualTo(100);
        assertThat(report.get("regionGeometry").get("digits").asInt()).isEqualTo(3);
        assertThat(leftovers(out)).isEmpty();
    }

    @Test
    void studyComparesTwoDataSetsAndTracksTheCensusAcrossEpochs() throws Exception {
        ImageSet images = Idx.readImages(Path.of(CliRun.testImages()));
        int[] labels = Idx.readLabels(Path.of(CliRun.testLabels()));
        Path data = folder.resolve("subset");
        writeSplit(data, "train", images, labels, 300, 420);
        writeSplit(data, "test", images, labels, 0, 40);
        // the second folder uses the original MNIST names (t10k-...), as Fashion-MNIST does, and is larger
        Path other = folder.resolve("other");
        writeSplit(other, "train", images, labels, 500, 700);
        writeSplit(other, "t10k", images, labels, 40, 100);
        Path checkpoints = folder.resolve("checkpoints");
        Path small = folder.resolve("small.onnx");
        CliRun train = CliRun.of("train", "--data", other.toString(), "--epochs", "2", "--limit-train", "64",
                "--limit-test", "20", "--checkpoints", checkpoints.toString(), "--out", small.toString());
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(checkpoints.resolve("epoch-01.onnx")).isRegularFile();
        assertThat(checkpoints.resolve("epoch-02.onnx")).isRegularFile();

        Path out = folder.resolve("study");
        CliRun run = CliRun.of("study", "--model", CliRun.model(), "--data", data.toString(), "--regions", "1",
                "--compare", other.toString(), "--compare-model", small.toString(), "--checkpoints", checkpoints.toString(),
                "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
        JsonNode complexity = report.get("dataComplexity");
        assertThat(complexity).hasSize(2);
        for (JsonNode profile : complexity) {
            // equal numbers of inputs on both sides: the smaller folder's
            assertThat(profile.get("trainInputs").asInt()).isEqualTo(120);
            assertThat(profile.get("testInputs").asInt()).isEqualTo(40);
            assertThat(profile.get("distinctRegions").asInt()).isBetween(1, 120);
            assertThat(profile.get("etalonConsistency").asDouble()).isBetween(-1.0, 1.0);
        }
        JsonNode epochs = report.get("censusAcrossEpochs");
        assertThat(epochs).hasSize(2);
        assertThat(epochs.get(1).get("epoch").asInt()).isEqualTo(2);
        assertThat(epochs.get(0).get("trainInputs").asInt()).isEqualTo(120);
        assertThat(Files.readString(out.resolve("report.html"))).contains("Data complexity").contains("Census across training");

        CliRun missing = CliRun.of("study", "--data", data.toString(), "--compare", other.toString(), "--out", out.toString());
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.err()).contains("--compare-model").doesNotContain("Exception");
    }

    private static void writeSplit(Path folder, String prefix, ImageSet images, int[] labels, int from, int to)
            throws java.io.IOException {
        int[] indices = java.util.stream.IntStream.range(from, to).toArray();
        Idx.writeImages(folder.resolve(prefix + "-images-idx3-ubyte.gz"), images.select(indices));
        Idx.writeLabels(folder.resolve(prefix + "-labels-idx1-ubyte.gz"), java.util.Arrays.copyOfRange(labels, from, to));
    }

    @Test
    void sliceDrawsTheRegionsOnThePlaneThroughThreeDigits() throws Exception {
        Path png = folder.resolve("slice.png");
        CliRun run = CliRun.of("slice", "--model", CliRun.model(), "--images", CliRun.testImages(), "--points", "3,2,1",
                "--size", "24", "--out", png.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(png).isRegularFile();
        JsonNode summary = JSON.readTree(folder.resolve("slice.json").toFile());
        assertThat(summary.get("distinctRegionsSampled").asInt()).isGreaterThan(1);
        assertThat(summary.get("classes").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(CliRun.of("slice", "--model", CliRun.model(), "--images", CliRun.testImages(), "--points", "1,2",
                "--out", png.toString()).err()).contains("three image indices");
    }

    @Test
    void explainReadsPngImages() throws Exception {
        ImageSet images = Idx.readImages(Path.of(CliRun.testImages()));
        Path png = folder.resolve("digit.png");
        Images.writePng(Images.grey(images.image(0), 28, 28, 1), png);
        Path out = folder.resolve("png-out");
        CliRun run = CliRun.of("explain", "--model", CliRun.model(), "--png", png.toString(), "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = JSON.readTree(out.resolve("0/summary.json").toFile());
        assertThat(summary.get("source").asText()).endsWith("digit.png");
        assertThat(summary.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
    }

    @Test
    void figureDrawsChosenRows() throws Exception {
        Path png = folder.resolve("grid.png");
        CliRun run = CliRun.of("figure", "--model", CliRun.model(), "--images", CliRun.testImages(), "--rows", "0,5,9",
                "--palette", "diverging", "--out", png.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(png).isRegularFile();
        assertThat(JSON.readTree(folder.resolve("grid.json").toFile()).get("rows")).hasSize(3);
    }

    /**
     * Models from elsewhere on the shipped digits: a tf2onnx-style channels-last model, a PyTorch model without a batch
     * dimension, and a model without one that takes three channels (fed the grey digits). Each is inspected, explained
     * (etalons of the 1x28x28 digits, reproducing the scores) and drawn as a figure.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({
            "onnx/src/test/resources/opsets/nhwc_tf2onnx.onnx, 28x28x1, images 1x28x28",
            "onnx/src/test/resources/pytorch/nobatch_cnn.onnx, 1x28x28, has no batch axis",
            "onnx/src/test/resources/opsets/nobatch_rgb.onnx, 3x28x28, has no batch axis"})
    void inspectExplainAndFigureReadModelsFromElsewhere(String path, String input, String remark) throws Exception {
        String model = CliRun.home().resolve(path).toString();
        CliRun inspect = CliRun.of("inspect", model);
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("input  " + input).contains(remark).contains("piecewise linear  yes");

        Path out = folder.resolve("explain");
        CliRun explain = CliRun.of("explain", "--model", model, "--images", CliRun.testImages(), "--index", "0,4",
                "--out", out.toString());
        assertThat(explain.exitCode()).as(explain.err()).isZero();
        ImageSet images = Idx.readImages(Path.of(CliRun.testImages()));
        for (int index : new int[] {0, 4}) {
            Path dir = out.resolve(String.valueOf(index));
            Npy.Array etalons = Npy.read(dir.resolve("etalons.npy"));
            assertThat(etalons.shape()).containsExactly(10, 1, 28, 28);
            assertThat(dir.resolve("input.png")).isRegularFile();
            JsonNode summary = JSON.readTree(dir.resolve("summary.json").toFile());
            assertThat(summary.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
            float[] x = images.image(index);
            for (int p = 0; p < 10; p++) {
                double linear = 0;
                for (int j = 0; j < 784; j++) {
                    linear += etalons.values()[p * 784 + j] * x[j];
                }
                JsonNode etalon = summary.get("etalons").get(p);
                assertThat(linear + etalon.get("bias").asDouble()).isCloseTo(etalon.get("score").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(etalon.get("score").asDouble()))));
            }
        }

        Path png = folder.resolve("figure.png");
        CliRun figure = CliRun.of("figure", "--model", model, "--images", CliRun.testImages(), "--labels",
                CliRun.testLabels(), "--out", png.toString());
        assertThat(figure.exitCode()).as(figure.err()).isZero();
        assertThat(png).isRegularFile();
        JsonNode summary = JSON.readTree(folder.resolve("figure.json").toFile());
        assertThat(summary.get("rows")).hasSize(10);
        assertThat(summary.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
    }

    @Test
    void inspectListsLayersShapesAndParameters() {
        CliRun run = CliRun.of("inspect", CliRun.model());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("conv1").contains("Conv2d").contains("6x28x28").contains("fc3")
                .contains("61706").contains("piecewise linear  yes");
    }

    static java.util.List<Path> leftovers(Path out) throws java.io.IOException {
        if (!Files.exists(out)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.list(out)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
