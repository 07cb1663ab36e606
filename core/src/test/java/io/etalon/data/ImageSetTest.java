package io.etalon.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageSetTest {

    /** Three 1x2x2 images whose pixels are {@code k/10 + i/100} for image k, pixel i. */
    private static ImageSet threeImages() {
        float[] pixels = new float[12];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = ((i / 4) * 10 + i % 4) / 100f;
        }
        return new ImageSet(3, 1, 2, 2, pixels);
    }

    @Test
    void pixelsAreCopiedInAndOut() {
        float[] pixels = new float[4];
        ImageSet set = new ImageSet(1, 1, 2, 2, pixels);
        pixels[0] = 1;
        assertThat(set.pixels()[0]).as("copied in").isZero();
        set.pixels()[1] = 1;
        set.image(0)[2] = 1;
        assertThat(set.pixels()).as("copied out").containsOnly(0f);
    }

    @Test
    void imageAndSelectTakeWholeImagesInTheGivenOrder() {
        ImageSet set = threeImages();
        assertThat(set.pixelsPerImage()).isEqualTo(4);
        assertThat(set.image(2)).containsExactly(0.2f, 0.21f, 0.22f, 0.23f);
        ImageSet picked = set.select(new int[] {2, 0, 2});
        assertThat(picked.count()).isEqualTo(3);
        assertThat(picked.image(0)).containsExactly(set.image(2));
        assertThat(picked.image(1)).containsExactly(set.image(0));
        assertThatThrownBy(() -> set.image(3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("image index 3 is out of range: the set has 3 images (0..2)");
    }

    @Test
    void dimensionsMustBePositiveAndMatchThePixels() {
        assertThatThrownBy(() -> new ImageSet(0, 1, 2, 2, new float[0])).isInstanceOf(DataFormatException.class)
                .hasMessage("an image set needs positive dimensions, got 0 images of 1x2x2");
        assertThatThrownBy(() -> new ImageSet(2, 1, 2, 2, new float[7])).isInstanceOf(DataFormatException.class)
                .hasMessage("2 images of 1x2x2 need 8 pixels, got 7");
    }

    @Test
    void infinitePixelsAreRefusedLikeNan() {
        float[] pixels = new float[8];
        pixels[1] = Float.POSITIVE_INFINITY;
        pixels[5] = Float.NaN;
        assertThatThrownBy(() -> new ImageSet(2, 1, 2, 2, pixels))
                .hasMessage("pixel 1 of image 0 is Infinity; pixels must be finite numbers");
    }
}
