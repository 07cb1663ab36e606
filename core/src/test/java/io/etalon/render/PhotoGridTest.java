package io.etalon.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhotoGridTest {

    private static final int SIDE = 4;
    private static final int PLANE = SIDE * SIDE;

    @Test
    void eachRowHasOneScaleOverItsCells() {
        SplittableRandom random = new SplittableRandom(13);
        float[] photo = values(random, 3 * PLANE, 0, 1);
        float[] quiet = values(random, 3 * PLANE, -1, 1);
        float[] loud = values(random, 3 * PLANE, -50, 50);
        float[] other = values(random, 3 * PLANE, -1, 1);
        List<PhotoGrid.Row> rows = List.of(
                new PhotoGrid.Row(photo, "a.png", List.of(new PhotoGrid.Cell("quiet\n1.0", quiet), new PhotoGrid.Cell("loud", loud))),
                new PhotoGrid.Row(photo, "b.png", List.of(new PhotoGrid.Cell("other", other))));
        PhotoGrid.Drawn drawn = PhotoGrid.draw("test", rows, SIDE, SIDE, 1, View.BLEND, Palette.DIVERGING, 99);
        ClipScale first = ClipScale.shared(List.of(EtalonViews.contribution(photo, quiet, 3, SIDE, SIDE),
                EtalonViews.contribution(photo, loud, 3, SIDE, SIDE)), 99);
        ClipScale second = ClipScale.of(EtalonViews.contribution(photo, other, 3, SIDE, SIDE), 99);
        assertThat(drawn.rowScales()).containsExactly(first, second);
        assertThat(first.value()).as("the loud cell sets the first row's scale").isGreaterThan(10 * second.value());
        BufferedImage image = drawn.image();
        assertThat(image.getWidth()).isGreaterThan(3 * SIDE);
        assertThat(image.getHeight()).isGreaterThan(2 * SIDE);
    }

    @Test
    void refusesAnEmptyFigure() {
        assertThatThrownBy(() -> PhotoGrid.draw("t", List.of(), SIDE, SIDE, 1, View.BLEND, Palette.DIVERGING, 99))
                .hasMessageContaining("at least one row");
    }

    private static float[] values(SplittableRandom random, int count, double low, double high) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = (float) random.nextDouble(low, high);
        }
        return values;
    }
}
