package io.etalon.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Resize and centre crop against torchvision's {@code Resize(r)} then {@code CenterCrop(c)} on PIL images: the cases in
 * {@code photos/resize/cases.csv} (made by tools/photos/make_fixtures.py), shrinking and enlarging, odd and even
 * margins, square and oblong photos.
 */
class PreprocessingTest {

    static final Path RESIZE = Path.of("src", "test", "resources", "io", "etalon", "data", "photos", "resize");

    record Case(Path photo, int resize, int crop, int resizedHeight, int resizedWidth, Path expected) {

        @Override
        public String toString() {
            return photo.getFileName() + " resize " + resize + " crop " + crop;
        }
    }

    static List<Case> cases() throws IOException {
        return Files.readAllLines(RESIZE.resolve("cases.csv")).stream().skip(1).map(line -> line.split(",")).map(f -> {
            Path photo = f[0].startsWith("data/") ? Path.of("..").resolve(f[0]) : RESIZE.getParent().resolve(f[0]);
            return new Case(photo, Integer.parseInt(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]), RESIZE.resolve(f[5]));
        }).toList();
    }

    /** The pixels equal PIL+torchvision's bit for bit: 0 of all values differ by even one level. */
    @ParameterizedTest
    @MethodSource("cases")
    void resizeAndCentreCropEqualTorchvisionOnPil(Case example) throws IOException {
        Photo photo = PhotoReader.read(example.photo());
        Preprocessing preprocessing = Preprocessing.NONE.withResize(example.resize()).withCrop(example.crop(), example.crop());
        assertThat(preprocessing.resizedSize(photo.height(), photo.width()))
                .containsExactly(example.resizedHeight(), example.resizedWidth());
        float[] x = preprocessing.apply(photo.asChannels(3), 3, photo.height(), photo.width(), example.toString());
        Npy.Array expected = Npy.read(example.expected());
        assertThat(expected.shape()).containsExactly(example.crop(), example.crop(), 3);
        double[] values = expected.values();
        int plane = example.crop() * example.crop();
        int differing = 0;
        int first = -1;
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                // ToTensor: the uint8 value / 255 in float32
                float want = (float) values[i * 3 + c] / 255f;
                if (x[c * plane + i] != want) {
                    differing++;
                    first = first < 0 ? c * plane + i : first;
                }
            }
        }
        assertThat(differing).as(example + ": values that differ from torchvision's (first at flat index " + first + ")")
                .isZero();
    }

    @Test
    void shorterSideRuleAndCropOffsetsAreTorchvisions() {
        Preprocessing imagenet = Preprocessing.IMAGENET;
        assertThat(imagenet.resizedSize(300, 451)).containsExactly(256, 384);
        assertThat(imagenet.resizedSize(640, 427)).as("int(256 * 640 / 427) = 383").containsExactly(383, 256);
        assertThat(imagenet.resizedSize(512, 512)).containsExactly(256, 256);
        assertThat(imagenet.outputSize(300, 451)).containsExactly(224, 224);
        // round((257 - 224) / 2) = round(16.5) = 16 and round((259 - 224) / 2) = round(17.5) = 18: halves to even
        assertThat(imagenet.cropOffsets(257, 259)).containsExactly(16, 18);
        assertThat(Preprocessing.NONE.resizedSize(20, 30)).containsExactly(20, 30);
    }

    @Test
    void sixteenBitPhotosAreResampledInFloatingPoint() throws IOException {
        Photo photo = PhotoReader.read(RESIZE.getParent().resolve("decode").resolve("rgb16.png"));
        float[] small = BilinearResize.resize(photo.pixels(), 3, 24, 32, 12, 16);
        // halving: each output is the mean of a 4x4 triangle-weighted block, not rounded to 1/255
        assertThat(small).hasSize(3 * 12 * 16);
        long offGrid = 0;
        for (float v : small) {
            offGrid += Math.round(v * 255) / 255f == v ? 0 : 1;
        }
        assertThat(offGrid).isPositive();
        float[] eight = BilinearResize.resize(PhotoReader.read(RESIZE.getParent().resolve("decode").resolve("rgb.png"))
                .pixels(), 3, 24, 32, 12, 16);
        for (int i = 0; i < small.length; i++) {
            assertThat(small[i]).as("16-bit and 8-bit versions of one picture agree to a couple of levels")
                    .isCloseTo(eight[i], org.assertj.core.data.Offset.offset(2.5f / 255));
        }
    }

    @Test
    void presetsAndValidation() {
        assertThat(Preprocessing.preset("imagenet").mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(Preprocessing.preset("cifar10").std()).containsExactly(0.2470f, 0.2435f, 0.2616f);
        assertThat(Preprocessing.preset("mnist").mean()).containsExactly(0.1307f);
        assertThat(Preprocessing.preset("MNIST").resize()).isZero();
        assertThatThrownBy(() -> Preprocessing.preset("coco")).hasMessage(
                "--preprocess must be imagenet, cifar10, mnist or none, got 'coco'");
        assertThatThrownBy(() -> Preprocessing.NONE.withResize(-1)).hasMessageContaining("--resize must be positive");
        assertThatThrownBy(() -> Preprocessing.NONE.withCrop(0, 5)).hasMessageContaining("--crop must be positive");
        assertThatThrownBy(() -> Preprocessing.IMAGENET.withResize(100)).hasMessageContaining("larger than --resize 100");
        assertThatThrownBy(() -> Preprocessing.NONE.withNormalisation(new float[] {0.5f}, new float[] {0f}))
                .hasMessageContaining("--std must hold finite positive numbers");
        assertThatThrownBy(() -> Preprocessing.NONE.withNormalisation(new float[] {1, 2}, new float[0]))
                .hasMessageContaining("--mean needs 1 or 3 values");
    }

    @Test
    void aPhotoSmallerThanTheCropIsRefusedInOneLine() {
        float[] tiny = new float[3 * 20 * 30];
        assertThatThrownBy(() -> Preprocessing.NONE.withCrop(224, 224).apply(tiny, 3, 20, 30, "tiny.png"))
                .isInstanceOf(DataFormatException.class)
                .hasMessage("tiny.png: the photo is 30x20, smaller than the 224x224 crop; give a larger photo, or --resize"
                        + " 224 or more before the crop");
    }
}
