package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A tensor known at load time, as the constant folder computes with it: its ONNX element type, its dimensions and its
 * values as doubles (exact for every float32 and for integers up to 2^53, which covers shapes, indices and int8 or
 * int32 quantized weights). Values are not copied: a ConstantTensor is built once and only read.
 *
 * @param type   ONNX {@code TensorProto.DataType} number
 * @param dims   dimensions; empty for a scalar
 * @param values row-major, {@code product(dims)} of them
 */
record ConstantTensor(int type, long[] dims, double[] values) {

    /** Refuse tensors declaring more values than this (a corrupt or hostile file). */
    static final long MAX_VALUES = 1L << 28;

    static final int FLOAT = TensorProto.DataType.FLOAT.getNumber();
    static final int DOUBLE = TensorProto.DataType.DOUBLE.getNumber();
    static final int INT64 = TensorProto.DataType.INT64.getNumber();
    static final int STRING = TensorProto.DataType.STRING.getNumber();

    ConstantTensor {
        if (count(dims) != values.length) {
            throw new IllegalArgumentException("dimensions " + Arrays.toString(dims) + " do not hold " + values.length + " values");
        }
    }

    static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    int size() {
        return values.length;
    }

    int rank() {
        return dims.length;
    }

    /** True for the float types, whose results are rounded to float32 after each operation. */
    boolean isFloat() {
        return type == FLOAT || type == DOUBLE || type == TensorProto.DataType.FLOAT16.getNumber()
                || type == TensorProto.DataType.BFLOAT16.getNumber();
    }

    /** The same values under new dimensions. */
    ConstantTensor reshaped(long[] newDims) {
        return new ConstantTensor(type, newDims, values);
    }

    /** Values of a float type rounded to float32, integers kept; what every folded operation returns. */
    static ConstantTensor of(int type, long[] dims, double[] values) {
        boolean isFloat = type != INT64 && new ConstantTensor(type, new long[] {values.length}, values).isFloat();
        if (isFloat) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) values[i];
            }
        }
        return new ConstantTensor(isFloat ? FLOAT : type, dims, values);
    }

    /**
     * Reads any numeric tensor (float32/64/16, bfloat16, int8..int64, uint8..uint64, bool), from raw bytes or the typed
     * fields. A string tensor reads as its type with no values usable (an error names it if a computation needs them).
     *
     * @throws ModelFormatException if the byte or value count does not fit the dimensions
     */
    static ConstantTensor read(TensorProto proto, String file, String node) {
        long[] dims = dims(proto, file, node);
        int count = (int) count(dims);
        int type = proto.getDataType();
        if (type == STRING) {
            return new ConstantTensor(STRING, new long[] {0}, new double[0]);
        }
        double[] values = new double[count];
        ByteString raw = proto.getRawData();
        DataType kind = DataType.of(type);
        if (kind == null) {
            throw new UnsupportedOpException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has data type "
                    + type + ", which Etalon cannot read; only numeric tensors are supported");
        }
        if (!raw.isEmpty()) {
            if (raw.size() != (long) count * kind.width) {
                throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has "
                        + raw.size() + " bytes for " + count + " values; the file is corrupt");
            }
            ByteBuffer bytes = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                values[i] = kind.fromBytes(bytes);
            }
        } else {
            int found = switch (kind) {
                case FLOAT -> proto.getFloatDataCount();
                case DOUBLE -> proto.getDoubleDataCount();
                case INT64 -> proto.getInt64DataCount();
                case UINT32, UINT64 -> proto.getUint64DataCount();
                default -> proto.getInt32DataCount();
            };
            if (found != count) {
                throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has "
                        + found + " values, its shape needs " + count + "; the file is corrupt");
            }
            for (int i = 0; i < count; i++) {
                values[i] = switch (kind) {
                    case FLOAT -> proto.getFloatData(i);
                    case DOUBLE -> proto.getDoubleData(i);
                    case INT64 -> proto.getInt64Data(i);
                    case UINT32 -> proto.getUint64Data(i);
                    case UINT64 -> unsigned64(proto.getUint64Data(i));
                    case FLOAT16 -> half(proto.getInt32Data(i));
                    case BFLOAT16 -> Float.intBitsToFloat(proto.getInt32Data(i) << 16);
                    default -> proto.getInt32Data(i);
                };
            }
        }
        return new ConstantTensor(type, dims, values);
    }

    /** The dimensions of a tensor, each checked against {@link #MAX_VALUES}. */
    static long[] dims(TensorProto proto, String file, String node) {
        long count = 1;
        long[] dims = new long[proto.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            long d = proto.getDims(i);
            if (d < 0 || d > MAX_VALUES) {
                throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has dimension " + d);
            }
            count *= d;
            if (count > MAX_VALUES) {
                throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' declares over "
                        + MAX_VALUES + " values; the file is corrupt");
            }
            dims[i] = d;
        }
        return dims;
    }

    /** As a TensorProto for the importer: float32 for the float types, int64 for the integer ones. */
    TensorProto toProto(String name) {
        TensorProto.Builder proto = TensorProto.newBuilder().setName(name);
        for (long d : dims) {
            proto.addDims(d);
        }
        if (isFloat()) {
            ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                bytes.putFloat((float) v);
            }
            return proto.setDataType(FLOAT).setRawData(ByteString.copyFrom(bytes.array())).build();
        }
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            bytes.putLong((long) v);
        }
        return proto.setDataType(INT64).setRawData(ByteString.copyFrom(bytes.array())).build();
    }

    private static double unsigned64(long bits) {
        return bits >= 0 ? bits : (bits >>> 1) * 2.0 + (bits & 1);
    }

    /** IEEE half precision bits to its value (exact in a double). */
    private static double half(int bits) {
        int exponent = (bits >> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        double sign = (bits & 0x8000) != 0 ? -1 : 1;
        if (exponent == 0x1f) {
            return mantissa == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        return exponent == 0 ? sign * mantissa * Math.pow(2, -24) : sign * (1024 + mantissa) * Math.pow(2, exponent - 25);
    }

    /** The element types Etalon reads, with their width in raw bytes. */
    private enum DataType {
        FLOAT(4), UINT8(1), INT8(1), UINT16(2), INT16(2), INT32(4), INT64(8), BOOL(1), FLOAT16(2), DOUBLE(8), UINT32(4),
        UINT64(8), BFLOAT16(2);

        final int width;

        DataType(int width) {
            this.width = width;
        }

        static DataType of(int onnxType) {
            return switch (onnxType) {
                case 1 -> FLOAT;
                case 2 -> UINT8;
                case 3 -> INT8;
                case 4 -> UINT16;
                case 5 -> INT16;
                case 6 -> INT32;
                case 7 -> INT64;
                case 9 -> BOOL;
                case 10 -> FLOAT16;
                case 11 -> DOUBLE;
                case 12 -> UINT32;
                case 13 -> UINT64;
                case 16 -> BFLOAT16;
                default -> null;
            };
        }

        double fromBytes(ByteBuffer bytes) {
            return switch (this) {
                case FLOAT -> bytes.getFloat();
                case DOUBLE -> bytes.getDouble();
                case UINT8, BOOL -> bytes.get() & 0xff;
                case INT8 -> bytes.get();
                case UINT16 -> bytes.getShort() & 0xffff;
                case INT16 -> bytes.getShort();
                case INT32 -> bytes.getInt();
                case UINT32 -> bytes.getInt() & 0xffffffffL;
                case INT64 -> bytes.getLong();
                case UINT64 -> unsigned64(bytes.getLong());
                case FLOAT16 -> half(bytes.getShort() & 0xffff);
                case BFLOAT16 -> Float.intBitsToFloat((bytes.getShort() & 0xffff) << 16);
            };
        }
    }
}
