package io.etalon.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The colour views by hand: which sign becomes which colour, shared scales, channel sums, legends. */
class ViewsTest {

    private static final int RED = 0xB2182B;
    private static final int BLUE = 0x2166AC;
    private static final int WHITE = 0xFFFFFF;

    @Test
    void sumsTheEtalonAndTheContributionOverChannels() {
        // (3, 1, 2): channel c, pixel i
        float[] weights = {1, -2, 10, 20, 100, 200};
        float[] input = {0.5f, 1, 0, 1, 0.25f, 0};
        assertThat(EtalonViews.channelSum(weights, 3, 1, 2)).containsExactly(111, 218);
        assertThat(EtalonViews.contribution(input, weights, 3, 1, 2)).containsExactly(25.5f, 18);
        assertThat(EtalonViews.magnitude(new float[] {-3, 2})).containsExactly(3, 2);
    }

    @Test
    void redRaisesTheScoreAndBlueLowersIt() {
        ClipScale clip = new ClipScale(99, 2);
        BufferedImage heat = Images.heat(new float[] {2, -2, 0, 9}, 1, 4, 1, clip, Palette.DIVERGING);
        assertThat(rgb(heat, 0)).isEqualTo(RED);
        assertThat(rgb(heat, 1)).isEqualTo(BLUE);
        assertThat(rgb(heat, 2)).isEqualTo(WHITE);
        assertThat(rgb(heat, 3)).as("beyond the clip: full colour").isEqualTo(RED);
        BufferedImage paper = Images.heat(new float[] {2, -2, 0}, 1, 3, 1, clip, Palette.GREY);
        assertThat(rgb(paper, 0)).isEqualTo(WHITE);
        assertThat(rgb(paper, 1)).isEqualTo(0);
        assertThat(rgb(paper, 2)).isEqualTo(0x808080);
    }

    @Test
    void magnitudesGoFromWhiteToDeepViolet() {
        BufferedImage abs = Images.magnitude(new float[] {0, -4, 4}, 1, 3, 1, new ClipScale(99, 4));
        assertThat(rgb(abs, 0)).isEqualTo(WHITE);
        assertThat(rgb(abs, 1)).isEqualTo(0x3C0078);
        assertThat(rgb(abs, 2)).isEqualTo(0x3C0078);
    }

    @Test
    void oneScaleAcrossARowGivesEqualValuesEqualColours() {
        float[] weak = {1, 0.5f};
        float[] strong = {1, 10};
        ClipScale row = ClipScale.shared(List.of(weak, strong), 99);
        BufferedImage a = Images.heat(weak, 1, 2, 1, row, Palette.DIVERGING);
        BufferedImage b = Images.heat(strong, 1, 2, 1, row, Palette.DIVERGING);
        assertThat(rgb(a, 0)).isEqualTo(rgb(b, 0));
        // each on its own scale (the paper's pictures), the 1 of the weak map would be full red, of the strong one pale
        assertThat(rgb(Images.signed(weak, 1, 2, 1, Palette.DIVERGING), 0))
                .isNotEqualTo(rgb(Images.signed(strong, 1, 2, 1, Palette.DIVERGING), 0));
    }

    @Test
    void thePapersPictureIsAHeatMapScaledByItsLargestValue() {
        float[] values = {0.3f, -1.7f, 0.01f, 1.2f, 0, -0.4f};
        BufferedImage paper = Images.signed(values, 2, 3, 2, Palette.GREY);
        BufferedImage heat = Images.heat(values, 2, 3, 2, new ClipScale(100, 1.7f), Palette.GREY);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 6; x++) {
                assertThat(paper.getRGB(x, y)).isEqualTo(heat.getRGB(x, y));
            }
        }
    }

    @Test
    void theColourEtalonMapsEachChannelAroundMidGreyOnOneScale() {
        // one pixel: R at +clip, G at -clip, B at 0
        BufferedImage colour = Images.colourEtalon(new float[] {3, -3, 0}, 1, 1, 1, new ClipScale(99, 3));
        assertThat(rgb(colour, 0)).isEqualTo(0xFF0080);
    }

    @Test
    void theBlendShowsTheDimmedPhotoWhereTheMapIsZeroAndPureColourAtTheClip() {
        // photo (3, 1, 3): a white, a black and a white pixel; map 0, +clip, -clip
        float[] photo = {1, 0, 1, 1, 0, 1, 1, 0, 1};
        BufferedImage blend = Images.blend(new float[] {0, 5, -5}, photo, 3, 1, 3, 1, new ClipScale(99, 5));
        int brightest = (int) Math.round(255 * Images.DIM_HIGH);
        assertThat(rgb(blend, 0)).isEqualTo(brightest * 0x010101);
        assertThat(rgb(blend, 1)).isEqualTo(RED);
        assertThat(rgb(blend, 2)).isEqualTo(BLUE);
    }

    @Test
    void drawsThePhotoInColour() {
        BufferedImage photo = Images.photo(new float[] {1, 0, 0.5f}, 3, 1, 1, 2);
        assertThat(photo.getWidth()).isEqualTo(2);
        assertThat(rgb(photo, 0)).isEqualTo(0xFF0080);
    }

    @Test
    void aViewSetSharesEachViewsScaleAcrossItsEtalons() {
        float[] input = {1, 1, 1, 1, 1, 1};
        float[] first = {1, 2, 0, 0, 0, 0};
        float[] second = {0, 0, 0, 0, -8, 4};
        ViewSet set = ViewSet.draw(input, List.of(first, second), 1, 2, 1, Palette.DIVERGING, 100);
        assertThat(set.clips().get(View.HEAT).value()).isEqualTo(8);
        assertThat(set.clips().get(View.BLEND).value()).isEqualTo(8);
        assertThat(set.clips().get(View.COLOUR).value()).isEqualTo(8);
        assertThat(set.pictures()).hasSize(2);
        // the first etalon's 2 is a quarter of the shared scale: pale red, not full red
        assertThat(rgb(set.pictures().get(0).get(View.HEAT), 1)).isEqualTo(Palette.DIVERGING.rgb(0.25));
    }

    @Test
    void theLegendSaysWhatEachColourMeansAndWhereItClips() {
        ClipScale clip = new ClipScale(99, 0.0123);
        List<String> heat = Legend.words(new Legend.Entry(View.HEAT, Palette.DIVERGING, clip, "this row"));
        assertThat(heat).anyMatch(line -> line.startsWith("red: brightening the pixel raises the score (attention)"));
        assertThat(heat).anyMatch(line -> line.startsWith("blue: brightening it lowers the score (ignoring)"));
        assertThat(heat).anyMatch(line -> line.contains("±0.0123") && line.contains("99th percentile of |values|, this row"));
        List<String> paper = Legend.words(new Legend.Entry(View.HEAT, Palette.GREY, clip, ""));
        assertThat(paper).anyMatch(line -> line.startsWith("white: brightening the pixel raises the score"));
        assertThat(Legend.words(new Legend.Entry(View.BLEND, Palette.DIVERGING, clip, "")))
                .anyMatch(line -> line.contains("score - bias"));
        List<Legend.Entry> all = List.of(View.values()).stream()
                .map(v -> new Legend.Entry(v, Palette.DIVERGING, clip, "")).toList();
        BufferedImage legend = Legend.draw(all, 2000);
        assertThat(legend.getWidth()).isEqualTo(2000);
        assertThat(Legend.draw(all, 100).getWidth()).as("wide enough for its words").isGreaterThan(400);
        assertThat(legend.getHeight()).isGreaterThan(4 * 60);
    }

    private static int rgb(BufferedImage image, int x) {
        return image.getRGB(x, 0) & 0xFFFFFF;
    }

    @Test
    void pureRedAndBlueAreThePalettesEnds() {
        assertThat(Palette.DIVERGING.rgb(1)).isEqualTo(RED);
        assertThat(Palette.DIVERGING.rgb(-1)).isEqualTo(BLUE);
        assertThat(SequentialPalette.rgb(0.5)).isEqualTo(0xA698CD);
        assertThat(Images.level(300)).isEqualTo(255);
        assertThat(EtalonViews.channelSum(new float[] {0.1f, 0.2f}, 2, 1, 1)[0]).isCloseTo(0.3f, within(1e-7f));
    }
}
