package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etalon.etalon.Etalon;
import io.etalon.etalon.Neuron;
import io.etalon.render.Palette;
import io.etalon.tensor.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code etalon figure --image}: Figure 11 for photos, and the colour views {@code explain} writes. */
class PhotoFigureCliTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] IMAGENET = {"--preprocess", "imagenet"};

    @TempDir
    Path folder;

    private static String squeezenet() {
        return CliRun.home().resolve("models/squeezenet1_1.onnx").toString();
    }

    private static String cat() {
        return CliRun.home().resolve("data/photos/chelsea.png").toString();
    }

    private static String classes() {
        return CliRun.home().resolve("models/imagenet_classes.txt").toString();
    }

    private static String[] args(String... rest) {
        String[] all = new String[IMAGENET.length + rest.length];
        System.arraycopy(rest, 0, all, 0, 3);
        System.arraycopy(IMAGENET, 0, all, 3, IMAGENET.length);
        System.arraycopy(rest, 3, all, 3 + IMAGENET.length, rest.length - 3);
        return all;
    }

    @Test
    void drawsThePhotoAndItsBestClassesByNameWithOneScalePerRow() throws Exception {
        Path png = folder.resolve("cats.png");
        CliRun run = CliRun.of(args("figure", "--model", squeezenet(), "--image", cat(), "--neuron", "top:2", "--classes",
                classes(), "--out", png.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("1 photo(s) x 2 neuron(s)");
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).as("photo and two cells of 224 pixels").isGreaterThan(3 * 224);
        JsonNode summary = JSON.readTree(folder.resolve("cats.json").toFile());
        assertThat(summary.get("view").asText()).isEqualTo("blend");
        assertThat(summary.get("clipPercentile").asDouble()).isEqualTo(99);
        JsonNode row = summary.get("rows").get(0);
        assertThat(row.get("clipScale").asDouble()).isPositive();
        JsonNode columns = row.get("columns");
        assertThat(columns).hasSize(2);
        assertThat(columns.get(0).get("index").asInt()).isEqualTo(row.get("predicted").asInt());
        // ImageNet 281 tabby, 282 tiger cat, 285 Egyptian cat
        assertThat(columns.get(0).get("class").asText()).isIn("tabby", "tiger cat", "Egyptian cat");
        assertThat(columns.get(0).get("score").asDouble()).isGreaterThanOrEqualTo(columns.get(1).get("score").asDouble());
        assertThat(row.get("maxRelativeResidual").asDouble()).isLessThan(1e-5);
    }

    @Test
    void refusesPhotosOfAnotherSizeAndGreyModelsInOneLine() throws Exception {
        Path out = folder.resolve("f.png");
        CliRun small = CliRun.of("figure", "--model", squeezenet(), "--image", cat(), "--out", out.toString());
        assertThat(small.exitCode()).isEqualTo(1);
        assertThat(small.err().strip()).startsWith("etalon: ").contains("chelsea.png: the photo is 451x300")
                .contains("--preprocess imagenet").doesNotContain("\n");
        CliRun grey = CliRun.of("figure", "--model", CliRun.model(), "--image", cat(), "--out", out.toString());
        assertThat(grey.exitCode()).isEqualTo(1);
        assertThat(grey.err().strip()).contains("colour images (3xHxW)").contains("--images IDX").doesNotContain("\n");
        CliRun view = CliRun.of(args("figure", "--model", squeezenet(), "--image", cat(), "--view", "rainbow",
                "--out", out.toString()));
        assertThat(view.err().strip()).isEqualTo("etalon: unknown --view 'rainbow'; choose blend, heat, abs or colour");
        CliRun idx = CliRun.of("figure", "--model", CliRun.model(), "--images", CliRun.testImages(), "--rows", "0",
                "--neuron", "top:3", "--out", out.toString());
        assertThat(idx.exitCode()).isEqualTo(1);
        assertThat(idx.err().strip()).contains("--neuron applies to photo figures (--image)");
        assertThat(out).doesNotExist();
    }

    @Test
    void explainWritesTheViewsOfAPhotoBesideThePapersPicture() throws Exception {
        Path out = folder.resolve("cat");
        CliRun run = CliRun.of(args("explain", "--model", squeezenet(), "--image", cat(), "--neuron", "top:2", "--classes",
                classes(), "--out", out.toString()));
        assertThat(run.exitCode()).as(run.err()).isZero();
        Path image = out.resolve("0");
        JsonNode summary = JSON.readTree(image.resolve("summary.json").toFile());
        JsonNode views = summary.get("views");
        assertThat(views.get("legend").asText()).isEqualTo("legend.png");
        assertThat(views.get("palette").asText()).isEqualTo("diverging");
        assertThat(views.get("clipPercentile").asDouble()).isEqualTo(99);
        assertThat(views.get("clipScales")).hasSize(1);
        assertThat(image.resolve("legend.png")).isRegularFile();
        for (JsonNode etalon : summary.get("etalons")) {
            String grey = etalon.get("png").asText();
            String base = grey.substring(0, grey.length() - ".png".length());
            assertThat(ImageIO.read(image.resolve(grey).toFile()).getWidth())
                    .as("the plain etalon as large as its views, not 8 pixels per pixel (1792 a side)").isEqualTo(448);
            for (String view : new String[] {"heat", "abs", "blend", "colour"}) {
                String file = etalon.get("views").get(view).asText();
                assertThat(file).isEqualTo(base + "-" + view + ".png");
                BufferedImage picture = ImageIO.read(image.resolve(file).toFile());
                assertThat(picture.getWidth()).as("224 pixels at zoom 2").isEqualTo(448);
            }
        }
    }

    @Test
    void explainWritesFourViewsPerNeuronAndOneLegendWithOneScalePerLayer() throws Exception {
        Shape shape = Shape.of(3, 2, 2);
        float[] photo = {1, 0, 0.5f, 0.25f, 1, 0, 0.5f, 0.25f, 1, 0, 0.5f, 0.25f};
        List<Etalon> etalons = List.of(
                etalon("fc", 0, shape, 1, photo),
                etalon("fc", 1, shape, 10, photo),
                etalon("conv", 2, shape, 0.01f, photo));
        ColourViews.Written written = ColourViews.write(folder, photo, 2, 2, etalons, List.of("fc-0", "fc-1", "conv-2"),
                Palette.DIVERGING, 3, 99);
        for (Map<String, String> files : written.files()) {
            assertThat(files.keySet()).containsExactly("heat", "abs", "blend", "colour");
            for (String file : files.values()) {
                assertThat(ImageIO.read(folder.resolve(file).toFile()).getWidth()).isEqualTo(6);
            }
        }
        assertThat(written.files().get(1).get("heat")).isEqualTo("fc-1-heat.png");
        assertThat(folder.resolve("legend.png")).isRegularFile();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> scales = (List<Map<String, Object>>) written.summary().get("clipScales");
        assertThat(scales).extracting(s -> s.get("layer")).containsExactly("fc", "conv");
        // fc's two etalons share one scale, set by the larger: 3 * 10 summed over channels, near the 99th percentile
        assertThat((double) scales.get(0).get("heat")).isGreaterThan(20);
        assertThat((double) scales.get(1).get("heat")).isLessThan(0.1);
    }

    /** An etalon of every weight {@code value}: its picture values are hand-checkable. */
    private static Etalon etalon(String layer, int index, Shape shape, float value, float[] input) {
        float[] weights = new float[shape.size()];
        java.util.Arrays.fill(weights, value);
        weights[0] = -value;
        return Etalon.of(new Neuron(layer, 0, index), shape, weights, 0, 0, 0, input);
    }
}
