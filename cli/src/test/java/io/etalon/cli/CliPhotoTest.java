package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.data.Npy;
import io.etalon.render.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Photos on the command line: colour, preprocessing as torchvision's, X written and checked, and bad photo input. */
class CliPhotoTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Relative tolerance of {@code <W, X> + b} against the score (float32 round-off over 150,528 inputs). */
    private static final double RESIDUAL = 1e-5;

    @TempDir
    Path folder;

    private static Path photo(String name) {
        return CliRun.home().resolve("data/photos").resolve(name);
    }

    @Test
    void explainsAColourPhotoOverThePixelsTheNetworkSees() throws Exception {
        // what PyTorch says (tools/photos/squeezenet_scores.py): its best class, and its score
        List<String[]> torch = Files.readAllLines(Path.of("src/test/resources/io/etalon/cli/squeezenet-top5.csv")).stream()
                .skip(1).map(line -> line.split(",")).filter(row -> row[0].equals("chelsea.png")).toList();
        int best = Integer.parseInt(torch.get(0)[2]);
        double torchScore = Double.parseDouble(torch.get(0)[4]);
        List<String> classes = Files.readAllLines(CliRun.home().resolve("models/imagenet_classes.txt"));
        assertThat(classes.get(best)).as("PyTorch calls Chelsea a cat").containsAnyOf("cat", "tabby");

        Path out = folder.resolve("chelsea");
        CliRun run = CliRun.of("explain", "--model", CliRun.home().resolve("models/squeezenet1_1.onnx").toString(),
                "--image", photo("chelsea.png").toString(), "--preprocess", "imagenet", "--neuron", "/Flatten:" + best,
                "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode summary = JSON.readTree(out.resolve("0/summary.json").toFile());
        assertThat(summary.get("predicted").asInt()).as("Etalon's top class is PyTorch's").isEqualTo(best);

        Npy.Array x = Npy.read(out.resolve("0/input.npy"));
        assertThat(x.shape()).containsExactly(3, 224, 224);
        Npy.Array w = Npy.read(out.resolve("0/etalons.npy"));
        assertThat(w.shape()).containsExactly(1, 3, 224, 224);
        JsonNode etalon = summary.get("etalons").get(0);
        double score = etalon.get("score").asDouble();
        assertThat(score).as("the score PyTorch gives").isCloseTo(torchScore, org.assertj.core.data.Offset.offset(1e-3));
        double[] xs = x.values();
        double[] ws = w.values();
        double dot = 0;
        for (int i = 0; i < xs.length; i++) {
            dot += ws[i] * xs[i];
        }
        double residual = Math.abs(dot + etalon.get("bias").asDouble() - score);
        assertThat(residual / Math.abs(score)).as("<W, X> + b from input.npy reproduces the score").isLessThan(RESIDUAL);

        // X is torchvision's Resize(256) + CenterCrop(224) + ToTensor of the photo, value for value
        Npy.Array torchvision = Npy.read(CliRun.home().resolve(
                "core/src/test/resources/io/etalon/data/photos/resize/chelsea-r256-c224.npy"));
        double[] expected = torchvision.values();
        int plane = 224 * 224;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                if ((float) xs[c * plane + i] != (float) expected[i * 3 + c] / 255f) {
                    throw new AssertionError("X differs from torchvision's at channel " + c + ", pixel " + i);
                }
            }
        }
        JsonNode record = summary.get("photo");
        assertThat(record.get("originalWidth").asInt()).isEqualTo(451);
        assertThat(record.get("resize").get("width").asInt()).isEqualTo(384);
        assertThat(record.get("crop").get("left").asInt()).isEqualTo(80);
        assertThat(record.get("mean").get(0).asDouble()).isCloseTo(0.485, org.assertj.core.data.Offset.offset(1e-6));
        BufferedImage picture = ImageIO.read(out.resolve("0/input.png").toFile());
        int rgb = picture.getRGB(100, 100);
        assertThat(new int[] {(rgb >> 16) & 0xFF, (rgb >> 8) & 0xFF, rgb & 0xFF}).as("input.png is X in colour")
                .containsExactly((int) Math.round(xs[100 * 224 + 100] * 255), (int) Math.round(xs[plane + 100 * 224 + 100] * 255),
                        (int) Math.round(xs[2 * plane + 100 * 224 + 100] * 255));
    }

    @Test
    void pathSliceCensusAndRegionTakePhotos() throws Exception {
        Path model = CliEndToEndTest.smallCnn(folder.resolve("rgb.onnx"), 3, 4, 3, 21);
        Path photos = Files.createDirectory(folder.resolve("photos"));
        for (int k = 0; k < 3; k++) {
            BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            for (int i = 0; i < 64; i++) {
                image.setRGB(i % 8, i / 8, (i * 37 + k * 91) % 256 << 16 | (i * 11 + k * 50) % 256 << 8 | (k * 70 + i) % 256);
            }
            ImageIO.write(image, "png", photos.resolve("p" + k + ".png").toFile());
        }
        CliRun path = CliRun.of("path", "--model", model.toString(), "--images", photos.toString(), "--from", "0", "--to", "2");
        assertThat(path.exitCode()).as(path.err()).isZero();
        assertThat(path.out()).contains("linear regions between image 0 and image 2");
        Path slice = folder.resolve("slice.png");
        CliRun sliced = CliRun.of("slice", "--model", model.toString(), "--images", photos.toString(), "--points", "0,1,2",
                "--size", "20", "--out", slice.toString());
        assertThat(sliced.exitCode()).as(sliced.err()).isZero();
        assertThat(slice).isRegularFile();
        Path json = folder.resolve("census.json");
        CliRun census = CliRun.of("census", "--model", model.toString(), "--data", photos.toString(), "--out", json.toString());
        assertThat(census.exitCode()).as(census.err()).isZero();
        assertThat(census.out()).contains("photos: 3 inputs fall in");
        assertThat(JSON.readTree(json.toFile()).get("census").get("inputs").asInt()).isEqualTo(3);
        CliRun region = CliRun.of("region", "--model", model.toString(), "--image", photos.resolve("p1.png").toString());
        assertThat(region.exitCode()).as(region.err()).isZero();
        assertThat(region.out()).contains("radius (L2)");
    }

    @Test
    void colourStaysColourInX() throws Exception {
        Path model = CliEndToEndTest.smallCnn(folder.resolve("rgb.onnx"), 3, 4, 3, 5);
        BufferedImage colour = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        colour.setRGB(2, 3, 0xFF0000);
        Path red = folder.resolve("red.png");
        ImageIO.write(colour, "png", red.toFile());
        Path out = folder.resolve("red-out");
        CliRun run = CliRun.of("explain", "--model", model.toString(), "--image", red.toString(), "--no-png",
                "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        double[] x = Npy.read(out.resolve("0/input.npy")).values();
        assertThat(new double[] {x[3 * 8 + 2], x[64 + 3 * 8 + 2], x[128 + 3 * 8 + 2]}).containsExactly(1, 0, 0);
        assertThat(run.err()).doesNotContain("alpha");
        BufferedImage translucent = new BufferedImage(8, 8, BufferedImage.TYPE_INT_ARGB);
        translucent.setRGB(2, 3, 0x80FF0000);
        Path faded = folder.resolve("faded.png");
        ImageIO.write(translucent, "png", faded.toFile());
        CliRun withAlpha = CliRun.of("explain", "--model", model.toString(), "--image", faded.toString(), "--no-png",
                "--out", folder.resolve("faded-out").toString());
        assertThat(withAlpha.exitCode()).as(withAlpha.err()).isZero();
        assertThat(withAlpha.err()).contains("has an alpha channel; this colour model sees its colour with alpha dropped");
        assertThat(Npy.read(folder.resolve("faded-out/0/input.npy")).values()[3 * 8 + 2]).as("alpha dropped").isEqualTo(1);
    }

    // bad input: one line, exit code 1, nothing written

    private void assertOneLineError(CliRun run, String... fragments) throws Exception {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        String err = run.err().strip();
        assertThat(err.lines().count()).as(err).isEqualTo(1);
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ");
        for (String fragment : fragments) {
            assertThat(err).contains(fragment);
        }
        assertThat(folder.resolve("out")).doesNotExist();
    }

    private CliRun explain(Path model, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("explain", "--model", model.toString(), "--out",
                folder.resolve("out").toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aPhotoOfAnotherSizeWithoutPreprocessingNamesTheOptions() throws Exception {
        assertOneLineError(explain(Path.of(CliRun.model()), "--image", photo("chelsea.png").toString()),
                "chelsea.png", "451x300", "28x28", "--preprocess imagenet", "--resize");
    }

    @Test
    void aPhotoSmallerThanTheCropIsRefused() throws Exception {
        Path small = folder.resolve("small.png");
        Images.writePng(Images.grey(new float[20 * 20], 20, 20, 1), small);
        assertOneLineError(explain(Path.of(CliRun.model()), "--image", small.toString(), "--crop", "28"),
                "small.png", "smaller than the 28x28 crop");
    }

    @Test
    void aFolderWithoutImagesIsRefused() throws Exception {
        Path empty = Files.createDirectory(folder.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "no photos here");
        assertOneLineError(explain(Path.of(CliRun.model()), "--image", empty.toString()), "empty",
                "holds no image files");
    }

    @Test
    void aTruncatedJpegIsRefusedByName() throws Exception {
        byte[] whole = Files.readAllBytes(photo("rocket.jpg"));
        Path cut = folder.resolve("cut.jpg");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        assertOneLineError(explain(CliRun.home().resolve("models/squeezenet1_1.onnx"), "--image", cut.toString(),
                "--preprocess", "imagenet"), "cut.jpg", "damaged or truncated");
    }

    @Test
    void aFourChannelModelIsRefused() throws Exception {
        Path model = CliEndToEndTest.smallCnn(folder.resolve("rgba.onnx"), 4, 2, 3, 7);
        Path png = folder.resolve("p.png");
        Images.writePng(Images.grey(new float[64], 8, 8, 1), png);
        assertOneLineError(explain(model, "--image", png.toString()), "Etalon reads 1- or 3-channel images");
    }

    @Test
    void aModelOfFreeInputSizeAsksForInputSize() throws Exception {
        Path fixed = CliEndToEndTest.smallCnn(folder.resolve("fixed.onnx"), 3, 2, 3, 8);
        ai.onnx.proto.OnnxMl.ModelProto.Builder model = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(fixed))
                .toBuilder();
        var shape = model.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
        shape.getDimBuilder(2).clearDimValue().setDimParam("H");
        shape.getDimBuilder(3).clearDimValue().setDimParam("W");
        Path free = folder.resolve("free.onnx");
        Files.write(free, model.build().toByteArray());
        Path png = folder.resolve("p.png");
        Images.writePng(Images.grey(new float[64], 8, 8, 1), png);
        assertOneLineError(explain(free, "--image", png.toString()), "free.onnx", "not a fixed size", "--input-size HxW");
        CliRun given = explain(free, "--image", png.toString(), "--input-size", "8x8", "--no-png");
        assertThat(given.exitCode()).as(given.err()).isZero();
        assertThat(Npy.read(folder.resolve("out/0/input.npy")).shape()).containsExactly(3, 8, 8);
    }
}
