package io.etalon.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Decoding against PIL: every file in {@code photos/decode} (made by tools/photos/make_fixtures.py) beside what PIL's
 * {@code exif_transpose(open(f)).convert('RGB')} gives, or the stored samples of 16-bit files.
 */
class PhotoReaderTest {

    static final Path DECODE = Path.of("src", "test", "resources", "io", "etalon", "data", "photos", "decode");

    @TempDir
    Path folder;

    static Stream<String> pilReferenced() throws IOException {
        try (Stream<Path> files = Files.list(DECODE)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".rgb.npy"))
                    .map(n -> n.substring(0, n.length() - ".rgb.npy".length())).sorted().toList().stream();
        }
    }

    /** Every 8-bit file decodes to PIL's RGB values exactly (JPEGs included: both use libjpeg's integer IDCT). */
    @ParameterizedTest
    @MethodSource("pilReferenced")
    void decodesAsPilConvertRgb(String name) throws IOException {
        Photo photo = PhotoReader.read(DECODE.resolve(name));
        Npy.Array expected = Npy.read(DECODE.resolve(name + ".rgb.npy"));
        int height = expected.shape()[0];
        int width = expected.shape()[1];
        assertThat(new int[] {photo.height(), photo.width()}).as(name + " size").containsExactly(height, width);
        float[] rgb = photo.asChannels(3);
        double[] values = expected.values();
        int plane = height * width;
        int differing = 0;
        double worst = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    double want = values[(y * width + x) * 3 + c];
                    double diff = Math.abs(rgb[c * plane + y * width + x] * 255.0 - want);
                    worst = Math.max(worst, diff);
                    differing += diff > 1e-3 ? 1 : 0;
                }
            }
        }
        assertThat(worst).as(name + ": largest difference from PIL in levels of 1/255 (" + differing + " values differ)")
                .isLessThan(1e-3);
        assertThat(photo.bits()).isEqualTo(8);
    }

    @ParameterizedTest
    @ValueSource(strings = {"grey16.png", "rgb16.png"})
    void sixteenBitPngsKeepTheirStoredSamples(String name) throws IOException {
        Photo photo = PhotoReader.read(DECODE.resolve(name));
        Npy.Array samples = Npy.read(DECODE.resolve(name + ".samples.npy"));
        int channels = samples.shape().length == 3 ? samples.shape()[2] : 1;
        assertThat(photo.grey()).isEqualTo(channels == 1);
        assertThat(photo.bits()).isEqualTo(16);
        int plane = photo.height() * photo.width();
        float[] pixels = photo.pixels();
        double[] values = samples.values();
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < channels; c++) {
                assertThat(pixels[c * plane + i]).isEqualTo((float) (values[i * channels + c] / 65535.0));
            }
        }
    }

    @Test
    void greyFilesStayOneChannelAndColourFilesThree() throws IOException {
        for (String grey : List.of("grey1.png", "grey2.png", "grey4.png", "grey8.png", "grey16.png", "grey-alpha.png",
                "grey.jpg", "grey1.bmp", "palette_gray.png")) {
            assertThat(PhotoReader.read(DECODE.resolve(grey)).channels()).as(grey).isEqualTo(1);
        }
        for (String colour : List.of("rgb.png", "rgba.png", "rgb16.png", "baseline.jpg", "progressive.jpg", "cmyk.jpg",
                "palette4.png", "palette8.png", "palette_color.png", "foo3x5x4indexed.png", "rgb.bmp", "palette.bmp")) {
            assertThat(PhotoReader.read(DECODE.resolve(colour)).channels()).as(colour).isEqualTo(3);
        }
    }

    @Test
    void greyLevelsOfFewBitsAreScaledToTheFullRange() throws IOException {
        // 2-bit grey: levels 0..3 read as 0, 1/3, 2/3, 1
        float[] levels = PhotoReader.read(DECODE.resolve("grey2.png")).pixels();
        for (float v : levels) {
            assertThat(v).isIn(0f, 85 / 255f, 170 / 255f, 1f);
        }
        for (float v : PhotoReader.read(DECODE.resolve("grey1.png")).pixels()) {
            assertThat(v).isIn(0f, 1f);
        }
    }

    @Test
    void alphaIsDroppedForColourModelsAndMultipliesLuminanceForGreyModels() throws IOException {
        Photo rgba = PhotoReader.read(DECODE.resolve("rgba.png"));
        Photo rgb = PhotoReader.read(DECODE.resolve("rgb.png"));
        assertThat(rgba.asChannels(3)).containsExactly(rgb.asChannels(3));
        float[] alpha = rgba.alpha();
        assertThat(alpha[0]).isZero();
        assertThat(alpha[31]).isEqualTo(1f);
        float[] colour = rgb.pixels();
        float[] grey = rgba.asChannels(1);
        int plane = rgb.height() * rgb.width();
        for (int i = 0; i < plane; i++) {
            double luminance = 0.299 * colour[i] + 0.587 * colour[plane + i] + 0.114 * colour[2 * plane + i];
            assertThat(grey[i]).isEqualTo((float) (alpha[i] * luminance));
        }
        Photo greyAlpha = PhotoReader.read(DECODE.resolve("grey-alpha.png"));
        assertThat(greyAlpha.asChannels(1)[0]).as("fully transparent is black").isZero();
        assertThat(greyAlpha.asChannels(3)[0]).as("alpha dropped").isEqualTo(greyAlpha.pixels()[0]);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8})
    void exifOrientationIsApplied(int orientation) throws IOException {
        Photo photo = PhotoReader.read(DECODE.resolve("exif" + orientation + ".jpg"));
        assertThat(photo.orientation()).isEqualTo(orientation);
        assertThat(new int[] {photo.height(), photo.width()}).as("upright: 32 wide, 24 high").containsExactly(24, 32);
        // upright, the picture matches the unrotated JPEG up to JPEG's own losses
        float[] upright = PhotoReader.read(DECODE.resolve("baseline.jpg")).pixels();
        float[] turned = photo.pixels();
        double meanDifference = 0;
        for (int i = 0; i < upright.length; i++) {
            meanDifference += Math.abs(upright[i] - turned[i]) / upright.length;
        }
        assertThat(meanDifference).isLessThan(0.03);
        assertThat(PhotoReader.read(DECODE.resolve("baseline.jpg")).orientation()).isEqualTo(1);
    }

    @Test
    void orientationsTurnAKnownTwoByThreeImage() {
        // stored 2 rows x 3 columns: 1 2 3 / 4 5 6
        float[] stored = {1, 2, 3, 4, 5, 6};
        assertThat(PhotoReader.oriented(stored, 1, 2, 3, 2)).containsExactly(3, 2, 1, 6, 5, 4);
        assertThat(PhotoReader.oriented(stored, 1, 2, 3, 3)).containsExactly(6, 5, 4, 3, 2, 1);
        assertThat(PhotoReader.oriented(stored, 1, 2, 3, 4)).containsExactly(4, 5, 6, 1, 2, 3);
        assertThat(PhotoReader.oriented(stored, 1, 2, 3, 5)).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(PhotoReader.oriented(stored, 1, 2, 3, 6)).as("90 degrees clockwise").containsExactly(4, 1, 5, 2, 6, 3);
        assertThat(PhotoReader.oriented(stored, 1, 2, 3, 7)).containsExactly(6, 3, 5, 2, 4, 1);
        assertThat(PhotoReader.oriented(stored, 1, 2, 3, 8)).as("90 degrees anticlockwise").containsExactly(3, 6, 2, 5, 1, 4);
    }

    @Test
    void cmykUsesPilsIntegerConversionIncludingBlackInk() throws IOException {
        Photo photo = PhotoReader.read(DECODE.resolve("cmyk.jpg"));
        assertThat(photo.format()).isEqualToIgnoringCase("jpeg");
        // the bottom rows carry black ink up to 160: they are darker than the top ones
        float[] pixels = photo.pixels();
        assertThat(pixels[23 * 32]).isLessThan(0.5f);
    }

    @Test
    void shippedPhotosDecodeInColourAtTheirSize() throws IOException {
        Photo chelsea = PhotoReader.read(Path.of("..", "data", "photos", "chelsea.png"));
        assertThat(chelsea.channels()).isEqualTo(3);
        assertThat(new int[] {chelsea.width(), chelsea.height()}).containsExactly(451, 300);
        Photo rocket = PhotoReader.read(Path.of("..", "data", "photos", "rocket.jpg"));
        assertThat(new int[] {rocket.width(), rocket.height()}).containsExactly(640, 427);
    }

    @Test
    void aTruncatedJpegIsRefusedInOneLineNamingIt() throws IOException {
        Path broken = DECODE.resolve("truncated.jpg");
        assertThatThrownBy(() -> PhotoReader.read(broken)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(broken.toString()).hasMessageNotContaining("\n");
        byte[] whole = Files.readAllBytes(DECODE.resolve("baseline.jpg"));
        Path cut = folder.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(whole, whole.length * 2 / 3));
        assertThatThrownBy(() -> PhotoReader.read(cut)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(cut + ": damaged or truncated").hasMessageNotContaining("\n");
        Path text = folder.resolve("notes.png");
        Files.writeString(text, "not an image");
        assertThatThrownBy(() -> PhotoReader.read(text)).isInstanceOf(DataFormatException.class)
                .hasMessage(text + ": not an image Etalon can read; give a JPEG, PNG or BMP file");
    }

    @Test
    void aFourChannelModelIsRefused() throws IOException {
        Photo photo = PhotoReader.read(DECODE.resolve("rgb.png"));
        assertThatThrownBy(() -> photo.asChannels(4)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("Etalon reads 1- or 3-channel images");
    }

    @Test
    void foldersGiveTheirImageFilesInNameOrderAndAnEmptyOneIsRefused() throws IOException {
        Path photos = Files.createDirectory(folder.resolve("photos"));
        for (String name : List.of("b.JPG", "a.png", "c.bmp", "notes.txt", ".hidden.png")) {
            Files.writeString(photos.resolve(name), "x");
        }
        assertThat(PhotoReader.files(List.of(photos)).stream().map(p -> p.getFileName().toString()))
                .containsExactly("a.png", "b.JPG", "c.bmp");
        Path empty = Files.createDirectory(folder.resolve("empty"));
        Files.writeString(empty.resolve("readme.txt"), "no photos");
        assertThatThrownBy(() -> PhotoReader.files(List.of(empty))).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(empty + ": the folder holds no image files").hasMessageNotContaining("\n");
    }
}
