package io.etalon.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.etalon.Etalon;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Explanation;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.op.ChannelAffine;
import io.etalon.op.Op;
import io.etalon.render.ClipScale;
import io.etalon.render.EtalonViews;
import io.etalon.render.Images;
import io.etalon.render.Legend;
import io.etalon.render.Palette;
import io.etalon.render.PhotoGrid;
import io.etalon.render.View;
import io.etalon.render.ViewSet;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pictures of a real colour etalon: the shipped SqueezeNet 1.1 on the cat photo as ImageNet preprocessing
 * sees it ({@code tools/views/chelsea-224.png}, made by {@code crop_photo.py} there), top 3 classes. The pictures
 * are also written to {@code target/photo-views/} for a person to look at.
 */
class PhotoViewsTest {

    private static final Path MODEL = Path.of("../models/squeezenet1_1.onnx");
    private static final Path PHOTO = Path.of("../tools/views/chelsea-224.png");
    private static final Path PICTURES = Path.of("target/photo-views");
    /** |sum of the contribution map - (score - bias)| over the round-off scale bias scale + sum |X W|. */
    private static final double SUM_TOLERANCE = 1e-4;
    private static final int SIZE = 224;

    private static float[] photo;
    private static Explanation explanation;

    @BeforeAll
    static void explainTheCat() throws Exception {
        Network network = imagenetNormalised(OnnxModels.load(MODEL).network());
        photo = rgb(ImageIO.read(PHOTO.toFile()));
        float[] scores = network.forward(photo, 1).output(0);
        List<Neuron> top = new ArrayList<>();
        for (int index : topIndices(scores, 3)) {
            top.add(Neuron.parse(network.node(network.outputIndex()).name() + ":" + index, network).get(0));
        }
        explanation = new Explainer(network, Method.REVERSE.solver(), 1).explain(photo, top);
    }

    @Test
    void theTestPhotoIsWhatImagenetPreprocessingMakesOfTheShippedOne() throws Exception {
        io.etalon.data.Photo cat = io.etalon.data.PhotoReader.read(Path.of("../data/photos/chelsea.png"));
        float[] x = io.etalon.data.Preprocessing.IMAGENET.apply(cat.asChannels(3), 3, cat.height(), cat.width(), "chelsea");
        assertThat(x).containsExactly(photo);
    }

    @Test
    void theContributionMapAddsUpToScoreMinusBias() {
        for (Etalon etalon : explanation.etalons()) {
            float[] map = EtalonViews.contribution(photo, etalon.weights(), 3, SIZE, SIZE);
            double sum = 0;
            double magnitude = Math.abs(etalon.bias());
            for (int i = 0; i < map.length; i++) {
                sum += map[i];
            }
            for (int i = 0; i < photo.length; i++) {
                magnitude += Math.abs((double) photo[i] * etalon.weight(i));
            }
            assertThat(Math.abs(sum - (etalon.score() - etalon.bias())) / magnitude)
                    .as("contribution of %s sums to score - bias", etalon.neuron()).isLessThan(SUM_TOLERANCE);
        }
    }

    @Test
    void theCatIsAnEgyptianOrTabbyCatAndItsPicturesAreWritten() throws Exception {
        List<Integer> classes = explanation.etalons().stream().map(e -> e.neuron().index()).toList();
        // ImageNet 281 tabby, 282 tiger cat, 285 Egyptian cat
        assertThat(classes.get(0)).isIn(281, 282, 285);
        List<float[]> weights = explanation.etalons().stream().map(Etalon::weights).toList();
        ViewSet views = ViewSet.draw(photo, weights, SIZE, SIZE, 2, Palette.DIVERGING, ClipScale.DEFAULT_PERCENTILE);
        Files.createDirectories(PICTURES);
        Images.writePng(Images.photo(photo, 3, SIZE, SIZE, 2), PICTURES.resolve("input.png"));
        for (int k = 0; k < weights.size(); k++) {
            for (View view : View.values()) {
                Images.writePng(views.pictures().get(k).get(view), PICTURES.resolve(classes.get(k) + "-" + view.suffix() + ".png"));
            }
            Images.writePng(Images.signed(weights.get(k), SIZE, SIZE, 2, Palette.GREY),
                    PICTURES.resolve(classes.get(k) + "-paper.png"));
        }
        Images.writePng(Legend.draw(views.legend(Palette.DIVERGING, "top 3 classes"), 620), PICTURES.resolve("legend.png"));
        assertThat(views.clips().get(View.HEAT).value()).isPositive();
        List<PhotoGrid.Cell> cells = new ArrayList<>();
        for (Etalon etalon : explanation.etalons()) {
            cells.add(new PhotoGrid.Cell("class " + etalon.neuron().index() + "\n" + String.format("%.2f", etalon.score()),
                    etalon.weights()));
        }
        PhotoGrid.Drawn figure = PhotoGrid.draw("SqueezeNet 1.1, top 3 classes", List.of(new PhotoGrid.Row(photo,
                "chelsea.png", cells)), SIZE, SIZE, 1, View.BLEND, Palette.DIVERGING, ClipScale.DEFAULT_PERCENTILE);
        Images.writePng(figure.image(), PICTURES.resolve("figure.png"));
        assertThat(figure.rowScales().get(0)).isEqualTo(views.clips().get(View.BLEND));
    }

    static Network imagenetNormalised(Network network) {
        Shape shape = network.inputShape();
        float[] mean = {0.485f, 0.456f, 0.406f};
        float[] std = {0.229f, 0.224f, 0.225f};
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = 1 / std[c];
            shift[c] = -mean[c] / std[c];
        }
        List<Op> stages = List.of(new ChannelAffine(shape, new Tensor(Shape.of(3), scale), new Tensor(Shape.of(3), shift)));
        return network.withInputStages(shape, List.of("input.normalize"), stages);
    }

    /** An 8-bit sRGB image as {@code (3, height, width)} values in [0, 1]. */
    static float[] rgb(BufferedImage image) {
        int height = image.getHeight();
        int width = image.getWidth();
        float[] pixels = new float[3 * height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    pixels[c * height * width + y * width + x] = ((rgb >> (16 - 8 * c)) & 0xFF) / 255f;
                }
            }
        }
        return pixels;
    }

    private static int[] topIndices(float[] scores, int k) {
        return java.util.stream.IntStream.range(0, scores.length).boxed()
                .sorted((a, b) -> Float.compare(scores[b], scores[a])).limit(k).mapToInt(Integer::intValue).toArray();
    }
}
