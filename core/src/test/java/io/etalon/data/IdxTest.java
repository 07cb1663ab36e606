package io.etalon.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
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
        // the seeded split of tools/mnist/convert.mjs, as listed in data/mnist/NOTICE
        assertThat(countPerClass(trainLabels)).containsExactly(818, 927, 781, 835, 796, 684, 795, 848, 740, 776);
        assertThat(countPerClass(testLabels)).containsExactly(183, 200, 210, 197, 184, 179, 219, 222, 204, 202);
        assertThat(train.shape().toString()).isEqualTo("1x28x28");
        float[] pixels = test.pixels();
        long zeros = 0;
        float min = 1;
        float max = 0;
        for (float p : pixels) {
            zeros += p == 0f ? 1 : 0;
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertThat(min).isEqualTo(0f);
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
        Files.write(file, idx(new int[] {0x803, 2_000_000, 1000, 1000}, 10));
        assertThatThrownBy(() -> Idx.readImages(file)).isInstanceOf(DataFormatException.class)
                .hasMessage(file + ": IDX header declares dimensions 2000000 x 1000 x 1000, over 2147483631 values, more"
                        + " than one array holds; the header is corrupt, re-create or re-download the file");
        // 1.6 GB declared, 10 bytes held: a plain file is measured before any of it is read
        Files.write(file, idx(new int[] {0x803, 1_000_000, 40, 40}, 10));
        assertThatThrownBy(() -> Idx.readImages(file)).hasMessage(file + ": truncated: header declares 1000000 images"
                + " of 40x40 but only 10 of 1600000000 data bytes follow; re-create or re-download the file");
        assertThatThrownBy(() -> Idx.streamImages(file)).hasMessageContaining("truncated");
        Files.write(file, idx(new int[] {0x801, Integer.MAX_VALUE - 100}, 3));
        assertThatThrownBy(() -> Idx.readLabels(file)).hasMessageContaining("only 3 of 2147483547 data bytes follow");
    }

    @Test
    void hugeDeclaredSizesInGzipFilesCostOnlyWhatTheFileHolds() throws Exception {
        // a gzip file's true size is unknown until it is read: the reader must grow with the data, not the header
        Path file = folder.resolve("huge.idx.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(idx(new int[] {0x803, 1_000_000, 40, 40}, 1000));
        }
        assertThat(Runtime.getRuntime().maxMemory()).as("the declared pixels as floats would not fit")
                .isLessThan(4L * 1_600_000_000L);
        assertThatThrownBy(() -> Idx.readImages(file)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("truncated: header declares 1000000 images of 40x40 but only 1000 of 1600000000");
    }

    @Test
    void negativeDimensionsAreRefused() throws Exception {
        Path file = Files.write(folder.resolve("negative.idx"), idx(new int[] {0x803, 5, -28, 28}, 0));
        assertThatThrownBy(() -> Idx.readImages(file)).isInstanceOf(DataFormatException.class)
                .hasMessage(file + ": IDX dimension 1 is -28; dimensions must be positive, re-create or re-download the file");
    }

    @Test
    void dataAfterTheDeclaredSizeIsRefused() throws Exception {
        Path images = Files.write(folder.resolve("long.idx"), idx(new int[] {0x803, 1, 2, 2}, 5));
        assertThatThrownBy(() -> Idx.readImages(images)).isInstanceOf(DataFormatException.class)
                .hasMessage(images + ": header declares 1 images of 2x2 (4 data bytes) but more data follows; the header"
                        + " does not match the data, re-create or re-download the file");
        Path labels = folder.resolve("long-labels.idx.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(labels))) {
            out.write(idx(new int[] {0x801, 3}, 4));
        }
        assertThatThrownBy(() -> Idx.readLabels(labels)).hasMessageContaining("but more data follows");
    }

    @Test
    void aGzipFileCutInsideItsTrailerIsBroken() throws Exception {
        Path whole = folder.resolve("whole.idx.gz");
        Idx.writeLabels(whole, new int[] {3, 1, 4, 1, 5});
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(folder.resolve("cut.idx.gz"), java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> Idx.readLabels(cut)).isInstanceOf(DataFormatException.class)
                .hasMessageStartingWith(cut + ": broken gzip data after the last of 5 data bytes (")
                .hasMessageEndingWith("); re-create or re-download the file");
    }

    @Test
    void wrongMagicDataTypeOrRankAndEmptyFilesAreNamed() throws Exception {
        Path labels = folder.resolve("labels.idx");
        Idx.writeLabels(labels, new int[] {1, 2});
        assertThatThrownBy(() -> Idx.readImages(labels)).isInstanceOf(DataFormatException.class)
                .hasMessage(labels + ": IDX file has 1 dimensions but images (N x H x W) need 3; this looks like a labels"
                        + " file; give the images file");
        Path floats = Files.write(folder.resolve("floats.idx"), idx(new int[] {0xD03, 1, 1, 1}, 4));
        assertThatThrownBy(() -> Idx.readImages(floats)).isInstanceOf(DataFormatException.class)
                .hasMessage(floats + ": IDX data type is 0x0d (32-bit float) but only unsigned bytes (0x08) are read;"
                        + " convert the values to bytes 0..255");
        Path png = Files.write(folder.resolve("digit.idx"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        assertThatThrownBy(() -> Idx.readLabels(png)).isInstanceOf(DataFormatException.class)
                .hasMessage(png + ": not an IDX file: magic is 0x89504e47, expected 0x00000801 for labels (N); give an"
                        + " MNIST-style IDX file");
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
    void skippingPastTheEndOfAGzipFileIsTruncation() throws Exception {
        Path file = folder.resolve("short.idx.gz");
        ByteBuffer bytes = ByteBuffer.allocate(16 + 3 * 4);
        bytes.putInt(0x803).putInt(10).putInt(2).putInt(2);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(bytes.array());
        }
        try (Idx.ImageStream stream = Idx.streamImages(file)) {
            assertThat(stream.read(new int[] {1}).image(0)).hasSize(4);
            assertThatThrownBy(() -> stream.read(new int[] {8})).isInstanceOf(DataFormatException.class)
                    .hasMessage(file + ": truncated: header declares 10 images of 2x2 but only 12 of 40 data bytes follow;"
                            + " re-create or re-download the file");
        }
    }

    @Test
    void nanPixelsAreRefusedWithTheirPlace() {
        float[] pixels = new float[2 * 4];
        pixels[6] = Float.NaN;
        assertThatThrownBy(() -> new ImageSet(2, 1, 2, 2, pixels))
                .hasMessage("pixel 2 of image 1 is NaN; pixels must be finite numbers");
    }

    private static int[] countPerClass(int[] labels) {
        int[] counts = new int[10];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** An IDX file: the header ints as given, then {@code dataBytes} bytes of value 7. */
    private static byte[] idx(int[] header, int dataBytes) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * header.length + dataBytes);
        for (int value : header) {
            buffer.putInt(value);
        }
        while (buffer.hasRemaining()) {
            buffer.put((byte) 7);
        }
        return buffer.array();
    }
}
