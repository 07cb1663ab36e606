package io.etalon.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    private static final Path MNIST = Path.of("..", "data", "mnist");

    @TempDir
    Path folder;

    @Test
    void theShippedDigitsAreEightThousandPlusTwoThousand() throws Exception {
        ImageSet train = Idx.readImages(MNIST.resolve("train-images-idx3-ubyte.gz"));
        ImageSet test = Idx.readImages(MNIST.resolve("test-images-idx3-ubyte.gz"));
        int[] trainLabels = Idx.readLabels(MNIST.resolve("train-labels-idx1-ubyte.gz"));
        int[] testLabels = Idx.readLabels(MNIST.resolve("test-labels-idx1-ubyte.gz"));
        assertThat(train.count()).isEqualTo(8000);
        assertThat(test.count()).isEqualTo(2000);
        assertThat(trainLabels).hasSize(8000);
        assertThat(java.util.Arrays.stream(trainLabels).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(testLabels).hasSize(2000);
        assertThat(java.util.Arrays.stream(testLabels).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(train.shape().toString()).isEqualTo("1x28x28");
        float[] pixels = test.pixels();
        long zeros = 0;
        float max = 0;
        for (float p : pixels) {
            zeros += p == 0f ? 1 : 0;
            max = Math.max(max, p);
        }
        assertThat(max).isEqualTo(1f);
        assertThat((double) zeros / pixels.length).as("MNIST backgrounds are exactly 0").isGreaterThan(0.7);
    }

    @Test
    void roundTripGzipAndPlain() throws Exception {
        float[] pixels = new float[3 * 4 * 5];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (i * 7 % 256) / 255f;
        }
        ImageSet images = new ImageSet(3, 1, 4, 5, pixels);
        for (String name : new String[] {"x.idx.gz", "x.idx"}) {
            Path file = folder.resolve(name);
            Idx.writeImages(file, images);
            assertThat(Idx.readImages(file)).isEqualTo(images);
            Path labels = folder.resolve("labels-" + name);
            Idx.writeLabels(labels, new int[] {0, 9, 255});
            assertThat(Idx.readLabels(labels)).containsExactly(0, 9, 255);
        }
    }

    @Test
    void truncatedDataIsNamed() throws Exception {
        Path file = folder.resolve("short.idx");
        byte[] bytes = new byte[16 + 100];
        ByteBuffer.wrap(bytes).putInt(0x803).putInt(10).putInt(28).putInt(28);
        Files.write(file, bytes);
        assertThatThrownBy(() -> Idx.readImages(file)).isInstanceOf(DataFormatException.class)
                .hasMessage(file + ": truncated: header declares 10 images of 28x28 but only 100 of 7840 data bytes follow;"
                        + " re-create or re-download the file");
    }

    @Test
    void hugeDeclaredSizesFailFastWithoutAllocating() throws Exception {
        Path file = folder.resolve("huge.idx");
        byte[] bytes = new byte[16 + 10];
        ByteBuffer.wrap(bytes).putInt(0x803).putInt(2_000_000).putInt(1000).putInt(1000);
        Files.write(file, bytes);
        assertThatThrownBy(() -> Idx.readImages(file)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("more than 2^31 values");
        ByteBuffer.wrap(bytes).putInt(0x803).putInt(1_000_000).putInt(40).putInt(40);
        Files.write(file, bytes);
        assertThatThrownBy(() -> Idx.readImages(file)).hasMessageContaining("truncated");
    }

    @Test
    void wrongMagicAndEmptyFiles() throws Exception {
        Path labels = folder.resolve("labels.idx");
        Idx.writeLabels(labels, new int[] {1, 2});
        assertThatThrownBy(() -> Idx.readImages(labels)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("magic is 0x00000801, expected 0x00000803");
        Path empty = Files.write(folder.resolve("empty.idx"), new byte[0]);
        assertThatThrownBy(() -> Idx.readLabels(empty)).hasMessageContaining("empty or too short");
        Path brokenGzip = Files.write(folder.resolve("broken.gz"), new byte[] {0x1f, (byte) 0x8b, 1, 2, 3});
        assertThatThrownBy(() -> Idx.readImages(brokenGzip)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("broken gzip");
    }

    @Test
    void streamingReadsChosenImagesInOrderLikeTheWholeFile() throws Exception {
        Path file = MNIST.resolve("test-images-idx3-ubyte.gz");
        ImageSet all = Idx.readImages(file);
        try (Idx.ImageStream stream = Idx.streamImages(file)) {
            assertThat(stream.count()).isEqualTo(2000);
            ImageSet first = stream.read(new int[] {0, 3, 4});
            ImageSet later = stream.read(new int[] {1999});
            assertThat(first).isEqualTo(all.select(new int[] {0, 3, 4}));
            assertThat(later).isEqualTo(all.select(new int[] {1999}));
            assertThatThrownBy(() -> stream.read(new int[] {5})).hasMessageContaining("out of order");
        }
    }

    @Test
    void nanPixelsAreRefusedWithTheirPlace() {
        float[] pixels = new float[2 * 4];
        pixels[6] = Float.NaN;
        assertThatThrownBy(() -> new ImageSet(2, 1, 2, 2, pixels))
                .hasMessage("pixel 2 of image 1 is NaN; pixels must be finite numbers");
    }
}
