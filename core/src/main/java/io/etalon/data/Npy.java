package io.etalon.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy's {@code .npy} format, version 1.0: a magic string, a Python-literal header with dtype, order and shape,
 * then the raw little-endian values. Writes float32; reads float32, float64 and int64 (as double) arrays in C
 * order, which is what {@code numpy.save} writes by default.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<>|=]?[a-z]\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    /** An array read from a file: its shape and values converted to double. */
    public record Array(int[] shape, double[] values) {
        public Array {
            shape = shape.clone();
            values = values.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }
    }

    private Npy() {
    }

    /**
     * Writes a float32 array of the given shape, through a temporary file that is then moved into place.
     *
     * @param values not modified; {@code product(shape)} values in C order
     */
    public static void writeFloat32(Path file, int[] shape, float[] values) throws IOException {
        AtomicFiles.write(file, encodeFloat32(shape, values));
    }

    /**
     * The bytes of a {@code .npy} file holding a float32 array of the given shape, for writing elsewhere than a local
     * file (a distributed file system, a response).
     *
     * @param values not modified; {@code product(shape)} values in C order
     */
    public static byte[] encodeFloat32(int[] shape, float[] values) {
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + count + " values, got " + values.length);
        }
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)" : "(" + dims.substring(0, dims.length() - 2) + ")";
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int unpadded = MAGIC.length + 2 + 2 + header.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        header = header + " ".repeat(padding) + "\n";
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer buffer = ByteBuffer.allocate(MAGIC.length + 4 + headerBytes.length + 4 * values.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerBytes.length).put(headerBytes);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /**
     * Reads a float32, float64, int64, uint8 or uint16 array.
     *
     * @throws DataFormatException if the file is not a C-order npy file of those types
     */
    public static Array read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new DataFormatException(file + ": not a .npy file (no NUMPY magic); write it with numpy.save");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int major = bytes[6];
        int headerLength;
        int offset;
        if (major == 1) {
            headerLength = Short.toUnsignedInt(buffer.getShort(8));
            offset = 10;
        } else {
            headerLength = buffer.getInt(8);
            offset = 12;
        }
        if (offset + headerLength > bytes.length) {
            throw new DataFormatException(file + ": truncated .npy header");
        }
        String header = new String(bytes, offset, headerLength, StandardCharsets.US_ASCII);
        Matcher descr = DESCR.matcher(header);
        Matcher order = ORDER.matcher(header);
        Matcher shapeText = SHAPE.matcher(header);
        if (!descr.find() || !order.find() || !shapeText.find()) {
            throw new DataFormatException(file + ": unreadable .npy header '" + header.trim() + "'");
        }
        if (order.group(1).equals("True")) {
            throw new DataFormatException(file + ": Fortran-order arrays are not supported; save with numpy.ascontiguousarray");
        }
        int[] shape = Arrays.stream(shapeText.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        long count = 1;
        for (int d : shape) {
            count *= d;
        }
        String type = descr.group(1).replace("=", "<").replace("|", "<");
        int width = switch (type) {
            case "<u1" -> 1;
            case "<u2" -> 2;
            case "<f4" -> 4;
            case "<f8", "<i8" -> 8;
            default -> throw new DataFormatException(file + ": dtype " + type
                    + " is not supported; use float32, float64, int64, uint8 or uint16");
        };
        int data = offset + headerLength;
        if (data + count * width != bytes.length) {
            throw new DataFormatException(file + ": shape " + Arrays.toString(shape) + " needs " + count * width
                    + " bytes of data, found " + (bytes.length - data));
        }
        double[] values = new double[(int) count];
        for (int i = 0; i < count; i++) {
            int at = data + i * width;
            values[i] = switch (type) {
                case "<f4" -> buffer.getFloat(at);
                case "<f8" -> buffer.getDouble(at);
                case "<u1" -> Byte.toUnsignedInt(buffer.get(at));
                case "<u2" -> Short.toUnsignedInt(buffer.getShort(at));
                default -> buffer.getLong(at);
            };
        }
        return new Array(shape, values);
    }
}
