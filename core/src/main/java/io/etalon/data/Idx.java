package io.etalon.data;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * MNIST's IDX format: a big-endian magic {@code 0x0000 0x08 rank} (unsigned bytes), {@code rank} big-endian
 * dimensions, then the bytes. Images are rank 3 ({@code N, H, W}), labels rank 1. Files may be gzip-compressed;
 * compression is detected from the content, not the name.
 *
 * <p>The header is never trusted for allocation: a plain file's size is checked against the header before reading,
 * and data are read in bounded chunks, so a file that declares a huge size but holds little fails fast with a clear
 * message. Data after the declared values are refused too: the header would not describe them.
 */
public final class Idx {

    private static final int UNSIGNED_BYTE = 0x08;
    private static final long MAX_VALUES = Integer.MAX_VALUE - 16;

    private Idx() {
    }

    /** Reads a rank-3 IDX file of unsigned bytes as images with pixels {@code byte / 255}. */
    public static ImageSet readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(file, in, 3, "images (N x H x W)");
            long count = (long) dims[0] * dims[1] * dims[2];
            String declared = "header declares " + dims[0] + " images of " + dims[1] + "x" + dims[2];
            checkPlainSize(file, 16, count, declared);
            byte[] bytes = readBody(file, in, count, declared);
            checkNothingFollows(file, in, count, declared);
            float[] pixels = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                pixels[i] = (bytes[i] & 0xFF) / 255f;
            }
            return new ImageSet(dims[0], 1, dims[1], dims[2], pixels);
        }
    }

    /**
     * Opens a rank-3 IDX image file for reading in order, a few images at a time, so that files of any length stream
     * through bounded memory. Close it when done.
     */
    public static ImageStream streamImages(Path file) throws IOException {
        DataInputStream in = open(file);
        try {
            int[] dims = header(file, in, 3, "images (N x H x W)");
            checkPlainSize(file, 16, (long) dims[0] * dims[1] * dims[2],
                    "header declares " + dims[0] + " images of " + dims[1] + "x" + dims[2]);
            return new ImageStream(file, in, dims[0], dims[1], dims[2]);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** Sequential reader of an IDX image file; see {@link #streamImages}. */
    public static final class ImageStream implements AutoCloseable {
        private final Path file;
        private final DataInputStream in;
        private final int count;
        private final int height;
        private final int width;
        private int position;

        private ImageStream(Path file, DataInputStream in, int count, int height, int width) {
            this.file = file;
            this.in = in;
            this.count = count;
            this.height = height;
            this.width = width;
        }

        /** Number of images the header declares. */
        public int count() {
            return count;
        }

        /** Index of the next image {@link #read} returns. */
        public int position() {
            return position;
        }

        /** Shape of one image, {@code 1 x H x W}. */
        public io.etalon.tensor.Shape shape() {
            return io.etalon.tensor.Shape.of(1, height, width);
        }

        /**
         * Reads the images with the given indices, which must be increasing and not before {@link #position()};
         * images in between are skipped.
         */
        public ImageSet read(int[] indices) throws IOException {
            int size = height * width;
            float[] pixels = new float[indices.length * size];
            byte[] bytes = new byte[size];
            for (int k = 0; k < indices.length; k++) {
                int target = indices[k];
                if (target < position || target >= count) {
                    throw new IllegalArgumentException("image index " + target + " is out of order or outside 0.." + (count - 1));
                }
                String declared = "header declares " + count + " images of " + height + "x" + width;
                skip(target - position, size, declared);
                byte[] body = readBody(file, in, size, declared);
                System.arraycopy(body, 0, bytes, 0, size);
                position = target + 1;
                for (int i = 0; i < size; i++) {
                    pixels[k * size + i] = (bytes[i] & 0xFF) / 255f;
                }
            }
            return new ImageSet(indices.length, 1, height, width, pixels);
        }

        /** Skips {@code images} images without decoding them (a partition of a large file starts far in). */
        private void skip(int images, int size, String declared) throws IOException {
            long bytes = (long) images * size;
            long remaining = bytes;
            try {
                while (remaining > 0) {
                    long skipped = in.skip(remaining);
                    if (skipped <= 0) {
                        if (in.read() < 0) {
                            throw truncated(file, declared, (long) position * size + bytes - remaining, (long) count * size);
                        }
                        skipped = 1;
                    }
                    remaining -= skipped;
                }
            } catch (ZipException | EOFException e) {
                throw new DataFormatException(file + ": broken gzip data (" + e.getMessage() + "); re-create the file");
            }
            position += images;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Reads a rank-1 IDX file of unsigned bytes as labels. */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(file, in, 1, "labels (N)");
            String declared = "header declares " + dims[0] + " labels";
            checkPlainSize(file, 8, dims[0], declared);
            byte[] bytes = readBody(file, in, dims[0], declared);
            checkNothingFollows(file, in, dims[0], declared);
            int[] labels = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        }
    }

    /** Writes single-channel images as rank-3 IDX (pixels rounded to bytes); gzip if the name ends in {@code .gz}. */
    public static void writeImages(Path file, ImageSet images) throws IOException {
        if (images.channels() != 1) {
            throw new IllegalArgumentException("IDX images have one channel; this set has " + images.channels());
        }
        float[] pixels = images.pixels();
        ByteBuffer buffer = ByteBuffer.allocate(16 + pixels.length);
        buffer.putInt(0x00000803).putInt(images.count()).putInt(images.height()).putInt(images.width());
        for (float pixel : pixels) {
            buffer.put((byte) Math.max(0, Math.min(255, Math.round(pixel * 255))));
        }
        write(file, buffer.array());
    }

    /** Writes labels (0..255) as rank-1 IDX; gzip if the name ends in {@code .gz}. */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8 + labels.length);
        buffer.putInt(0x00000801).putInt(labels.length);
        for (int label : labels) {
            if (label < 0 || label > 255) {
                throw new IllegalArgumentException("IDX labels are bytes; got " + label);
            }
            buffer.put((byte) label);
        }
        write(file, buffer.array());
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static String describe(int[] dims, int known) {
        StringBuilder text = new StringBuilder();
        for (int k = 0; k < known; k++) {
            text.append(k == 0 ? "" : " x ").append(dims[k]);
        }
        return text.toString();
    }

    /** The IDX element types; {@code null} for a byte that names none. */
    private static String typeName(int type) {
        return switch (type) {
            case 0x08 -> "unsigned byte";
            case 0x09 -> "signed byte";
            case 0x0B -> "16-bit integer";
            case 0x0C -> "32-bit integer";
            case 0x0D -> "32-bit float";
            case 0x0E -> "64-bit float";
            default -> null;
        };
    }

    /** For a plain file, refuses a header that declares more data than the file holds, before reading any of it. */
    private static void checkPlainSize(Path file, int headerBytes, long count, String declared) throws IOException {
        if (isGzip(file)) {
            return; // the compressed size says nothing exact; readBody reads in bounded chunks instead
        }
        long follow = Files.size(file) - headerBytes;
        if (follow < count) {
            throw truncated(file, declared, follow, count);
        }
    }

    /**
     * Refuses data after the declared values: the header and the data disagree on the size. Reading to the end also
     * makes a gzip stream check its length and CRC trailer.
     */
    private static void checkNothingFollows(Path file, DataInputStream in, long count, String declared) throws IOException {
        int next;
        try {
            next = in.read();
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(file + ": broken gzip data after the last of " + count + " data bytes ("
                    + e.getMessage() + "); re-create or re-download the file");
        }
        if (next >= 0) {
            throw new DataFormatException(file + ": " + declared + " (" + count + " data bytes) but more data follows;"
                    + " the header does not match the data, re-create or re-download the file");
        }
    }

    private static DataFormatException truncated(Path file, String declared, long found, long count) {
        return new DataFormatException(file + ": truncated: " + declared + " but only " + found + " of " + count
                + " data bytes follow; re-create or re-download the file");
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file + ": no such file");
        }
        raw.mark(2);
        int first = raw.read();
        int second = raw.read();
        raw.reset();
        if (first == 0x1f && second == 0x8b) {
            try {
                return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw)));
            } catch (ZipException | EOFException e) {
                raw.close();
                throw new DataFormatException(file + ": broken gzip data (" + e.getMessage() + "); re-create the file");
            }
        }
        return new DataInputStream(raw);
    }

    private static int[] header(Path file, DataInputStream in, int rank, String what) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new DataFormatException(file + ": empty or too short for an IDX header; expected an IDX file of " + what);
        } catch (ZipException e) {
            throw new DataFormatException(file + ": broken gzip data (" + e.getMessage() + "); re-create the file");
        }
        int type = (magic >>> 8) & 0xFF;
        int foundRank = magic & 0xFF;
        if ((magic >>> 16) != 0 || typeName(type) == null) {
            throw new DataFormatException(String.format(
                    "%s: not an IDX file: magic is 0x%08x, expected 0x%08x for %s; give an MNIST-style IDX file",
                    file, magic, (UNSIGNED_BYTE << 8) | rank, what));
        }
        if (type != UNSIGNED_BYTE) {
            throw new DataFormatException(String.format(
                    "%s: IDX data type is 0x%02x (%s) but only unsigned bytes (0x08) are read; convert the values to"
                            + " bytes 0..255", file, type, typeName(type)));
        }
        if (foundRank != rank) {
            String hint = foundRank == 1 ? "this looks like a labels file; give the images file"
                    : foundRank == 3 ? "this looks like an images file; give the labels file"
                    : "give an MNIST-style IDX file";
            throw new DataFormatException(file + ": IDX file has " + foundRank + " dimensions but " + what + " need "
                    + rank + "; " + hint);
        }
        int[] dims = new int[rank];
        long product = 1;
        for (int k = 0; k < rank; k++) {
            try {
                dims[k] = in.readInt();
            } catch (EOFException e) {
                throw new DataFormatException(file + ": truncated IDX header; re-create the file");
            }
            if (dims[k] <= 0) {
                throw new DataFormatException(file + ": IDX dimension " + k + " is " + dims[k] + "; dimensions must be positive,"
                        + " re-create or re-download the file");
            }
            product *= dims[k];
            if (product > MAX_VALUES) {
                throw new DataFormatException(file + ": IDX header declares dimensions " + describe(dims, k + 1)
                        + (k + 1 < rank ? " x ..." : "") + ", over " + MAX_VALUES + " values, more than one array holds;"
                        + " the header is corrupt, re-create or re-download the file");
            }
        }
        return dims;
    }

    private static byte[] readBody(Path file, DataInputStream in, long count, String declared) throws IOException {
        // Read in chunks so that a lying header costs only what the file really holds.
        ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(count, 1 << 20));
        byte[] chunk = new byte[1 << 16];
        long remaining = count;
        try {
            while (remaining > 0) {
                int read = in.read(chunk, 0, (int) Math.min(chunk.length, remaining));
                if (read < 0) {
                    throw truncated(file, declared, count - remaining, count);
                }
                body.write(chunk, 0, read);
                remaining -= read;
            }
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(file + ": broken gzip data after " + (count - remaining)
                    + " bytes (" + e.getMessage() + "); re-create the file");
        }
        return body.toByteArray();
    }

    private static void write(Path file, byte[] content) throws IOException {
        boolean gzip = file.getFileName().toString().endsWith(".gz");
        AtomicFiles.write(file, out -> {
            if (gzip) {
                GZIPOutputStream compressed = new GZIPOutputStream(out);
                compressed.write(content);
                compressed.finish();
            } else {
                out.write(content);
            }
        });
    }
}
