package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.TensorProto;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The tensors of a model known at load time, by name: initializers, Constant nodes and folded subgraphs. Reads them as
 * float weights or int64 shape values, with external-data files read only from the model's own folder, and refuses
 * corrupt sizes and non-finite weights in one line.
 */
final class ModelConstants {

    /** Refuse tensors declaring more values than this (a corrupt or hostile file). */
    private static final long MAX_VALUES = ConstantTensor.MAX_VALUES;

    private final String file;
    /** The model's own folder, the only place external weight files are read from; null for in-memory models. */
    private final java.nio.file.Path folder;
    private final Map<String, TensorProto> map = new HashMap<>();

    ModelConstants(String file, java.nio.file.Path folder) {
        this.file = file;
        this.folder = folder;
    }

    /** The constants by tensor name, for the passes that add to them (constant folding). */
    Map<String, TensorProto> map() {
        return map;
    }

    boolean containsKey(String tensor) {
        return map.containsKey(tensor);
    }

    /** The stored tensor (external data not yet read), or null. */
    TensorProto get(String tensor) {
        return map.get(tensor);
    }

    TensorProto constant(String tensor, String node) {
        TensorProto proto = map.get(tensor);
        if (proto == null) {
            throw new ModelFormatException(file + ": node '" + node + "' needs the weight '" + tensor
                    + "', which is not an initializer or constant; re-export the model with its weights");
        }
        if (proto.hasDataLocation() && proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            proto = external(proto, node);
            map.put(tensor, proto);
        }
        return proto;
    }

    /**
     * Reads the bytes of a weight stored in a file beside the model (ONNX external data). Only files inside the
     * model's own folder are read: absolute paths and {@code ..} are refused.
     */
    private TensorProto external(TensorProto proto, String node) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (var entry : proto.getExternalDataList()) {
            switch (entry.getKey()) {
                case "location" -> location = entry.getValue();
                case "offset" -> offset = parseLong(entry.getValue(), proto, node);
                case "length" -> length = parseLong(entry.getValue(), proto, node);
                default -> { }
            }
        }
        if (folder == null) {
            throw new UnsupportedOpException(file + ": weight '" + proto.getName() + "' is stored in an external file,"
                    + " which an in-memory model cannot read");
        }
        if (location == null || location.isEmpty()) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' is external but names no file");
        }
        java.nio.file.Path relative = java.nio.file.Path.of(location).normalize();
        java.nio.file.Path resolved = folder.resolve(relative).normalize();
        if (relative.isAbsolute() || relative.startsWith("..") || !resolved.startsWith(folder.normalize())) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' points to '" + location
                    + "', outside the model's folder; external weight files must sit beside the model");
        }
        int[] dims = dims(proto, node);
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        int width = proto.getDataType() == TensorProto.DataType.DOUBLE.getNumber()
                || proto.getDataType() == TensorProto.DataType.INT64.getNumber() ? 8 : 4;
        long bytes = length >= 0 ? length : count * width;
        if (bytes != count * width) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' declares " + bytes
                    + " external bytes for " + count + " values");
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(resolved)) {
            if (offset < 0 || offset + bytes > channel.size()) {
                throw new ModelFormatException(file + ": weight '" + proto.getName() + "' needs bytes " + offset + ".."
                        + (offset + bytes) + " of '" + location + "', which has " + channel.size());
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) bytes);
            channel.read(buffer, offset);
            return proto.toBuilder().clearExternalData().clearDataLocation()
                    .setRawData(com.google.protobuf.ByteString.copyFrom(buffer.flip())).build();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' is stored in '" + location
                    + "', which is missing from the model's folder");
        } catch (java.io.IOException e) {
            throw new ModelFormatException(file + ": cannot read external weight file '" + location + "': " + e.getMessage());
        }
    }

    private long parseLong(String text, TensorProto proto, String node) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' of node '" + node
                    + "' has external-data field '" + text + "', not a number");
        }
    }

    private int[] dims(TensorProto proto, String node) {
        long count = 1;
        int[] dims = new int[proto.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            long d = proto.getDims(i);
            if (d <= 0 || d > MAX_VALUES) {
                throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has dimension " + d);
            }
            count *= d;
            if (count > MAX_VALUES) {
                throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' declares over "
                        + MAX_VALUES + " values; the file is corrupt");
            }
            dims[i] = (int) d;
        }
        return dims;
    }

    Tensor floats(String tensor, String node) {
        TensorProto proto = constant(tensor, node);
        int[] dims = dims(proto, node);
        int count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        float[] values = new float[count];
        if (proto.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
            if (!proto.getRawData().isEmpty()) {
                checkBytes(proto, node, count, 4);
                proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            } else {
                checkCount(proto, node, count, proto.getFloatDataCount());
                for (int i = 0; i < count; i++) {
                    values[i] = proto.getFloatData(i);
                }
            }
        } else if (proto.getDataType() == TensorProto.DataType.DOUBLE.getNumber()) {
            if (!proto.getRawData().isEmpty()) {
                checkBytes(proto, node, count, 8);
                ByteBuffer buffer = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    values[i] = (float) buffer.getDouble();
                }
            } else {
                checkCount(proto, node, count, proto.getDoubleDataCount());
                for (int i = 0; i < count; i++) {
                    values[i] = (float) proto.getDoubleData(i);
                }
            }
        } else {
            throw new UnsupportedOpException(file + ": weight '" + tensor + "' of node '" + node + "' has data type "
                    + proto.getDataType() + "; only float32 and float64 weights are supported");
        }
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(values[i])) {
                throw new ModelFormatException(file + ": weight '" + tensor + "' of node '" + node + "' holds " + values[i]
                        + " at index " + i + "; the model's weights must be finite (was training diverging?)");
            }
        }
        return new Tensor(dims.length == 0 ? Shape.of(1) : Shape.of(dims), values);
    }

    long[] longs(String tensor, String node) {
        TensorProto proto = map.get(tensor);
        return proto == null ? null : longs(proto, tensor, node);
    }

    long[] longs(TensorProto proto, String tensor, String node) {
        int[] dims = dims(proto, node);
        int count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        if (proto.getDataType() != TensorProto.DataType.INT64.getNumber()) {
            throw new ModelFormatException(file + ": shape tensor '" + tensor + "' of node '" + node + "' is not int64");
        }
        long[] values = new long[count];
        if (!proto.getRawData().isEmpty()) {
            checkBytes(proto, node, count, 8);
            proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        } else {
            checkCount(proto, node, count, proto.getInt64DataCount());
            for (int i = 0; i < count; i++) {
                values[i] = proto.getInt64Data(i);
            }
        }
        return values;
    }

    private void checkBytes(TensorProto proto, String node, int count, int width) {
        if (proto.getRawData().size() != (long) count * width) {
            throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has "
                    + proto.getRawData().size() + " bytes for " + count + " values; the file is corrupt");
        }
    }

    private void checkCount(TensorProto proto, String node, int count, int found) {
        if (found != count) {
            throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has "
                    + found + " values, its shape needs " + count + "; the file is corrupt");
        }
    }
}
