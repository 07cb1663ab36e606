package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.etalon.graph.Network;
import io.etalon.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Shape arithmetic on activations' shapes folded at load time (PyTorch's {@code x.view(x.size(0), -1)}
 * writes Shape, Gather, Unsqueeze, Concat), with {@link Lowering#Lowering.BATCH} standing for the batch size. */
final class ShapeFolding {

    private ShapeFolding() {
    }

    /**
     * Arithmetic folded when it computes on a shape (ShuffleNet's {@code x.chunk(2, dim=1)} becomes the channel count
     * plus 1, over 2, times 1 and 2: the bounds of two Slices); on constants alone it is {@link ConstantFolding}'s.
     */
    static final Set<String> ARITHMETIC = Set.of("Add", "Sub", "Mul", "Div");

    /**
     * Folds the shape arithmetic exporters write before a Reshape (PyTorch's {@code x.view(x.size(0), -1)} becomes
     * Shape, Gather, Unsqueeze, Concat) into a constant vector, with {@link #Lowering.BATCH} for the batch dimension.
     */
    static void foldShapeComputation(Lowering l, NodeProto node, String name, String type) {
        long[] result;
        switch (type) {
            case "Shape" -> {
                Integer source = l.producers.get(node.getInput(0));
                if (source == null) {
                    throw new UnsupportedOpException(l.file + ": Shape node '" + name + "' reads a constant; not supported");
                }
                int[] dims = (source == Network.INPUT ? l.inputShape : l.nodes.get(source).op().outputShape()).dims();
                int first = l.unbatched.contains(node.getInput(0)) ? 0 : 1;
                result = new long[dims.length + first];
                result[0] = Lowering.BATCH;
                for (int i = 0; i < dims.length; i++) {
                    result[i + first] = dims[i];
                }
                if (l.batchLast.contains(node.getInput(0))) {
                    result = new long[] {dims[0], Lowering.BATCH};
                }
                // l.opset 15 added start and end: a part of the shape, with the clamping rules of Slice
                if (l.attribute(node, "start") != null || l.attribute(node, "end") != null) {
                    result = slice(l, result, l.intAttribute(node, "start", 0), l.intAttribute(node, "end", Long.MAX_VALUE), 1, name);
                }
            }
            case "Slice" -> {
                long[] data = l.staticValues(node.getInput(0), name);
                SliceBounds bounds = SliceBounds.of(l, node, name);
                long[] starts = bounds.starts();
                long[] ends = bounds.ends();
                long[] axes = bounds.axes();
                long[] steps = bounds.steps();
                if (starts == null || ends == null || starts.length != 1 || ends.length != 1
                        || axes != null && (axes.length != 1 || axes[0] != 0 && axes[0] != -1)
                        || steps != null && steps.length != 1) {
                    throw new UnsupportedOpException(l.file + ": Slice node '" + name + "' on a shape must take one range of its"
                            + " only axis (starts, ends, axes [0] and steps of one value each)");
                }
                result = slice(l, data, starts[0], ends[0], steps == null ? 1 : steps[0], name);
            }
            case "Gather" -> {
                long[] data = l.staticValues(node.getInput(0), name);
                long[] indices = l.staticValues(node.getInput(1), name);
                if (l.intAttribute(node, "axis", 0) != 0) {
                    throw new UnsupportedOpException(l.file + ": Gather node '" + name + "' on a shape uses an axis other than 0");
                }
                result = new long[indices.length];
                for (int i = 0; i < indices.length; i++) {
                    long index = indices[i] < 0 ? indices[i] + data.length : indices[i];
                    if (index < 0 || index >= data.length) {
                        throw new ModelFormatException(l.file + ": Gather node '" + name + "' index " + indices[i] + " is out of range");
                    }
                    result[i] = data[(int) index];
                }
            }
            case "Unsqueeze", "Squeeze", "Identity", "Cast" -> result = l.staticValues(node.getInput(0), name);
            case "Concat" -> {
                List<Long> joined = new ArrayList<>();
                for (String input : node.getInputList()) {
                    for (long v : l.staticValues(input, name)) {
                        joined.add(v);
                    }
                }
                result = joined.stream().mapToLong(Long::longValue).toArray();
            }
            case "Add", "Sub", "Mul", "Div" -> result = arithmetic(l, type, l.staticValues(node.getInput(0), name),
                    l.staticValues(node.getInput(1), name), name);
            default -> throw new IllegalStateException(type);
        }
        l.shapeValues.put(node.getOutput(0), result);
    }

    /**
     * {@code a op b} element by element, a one-element side broadcast to the other's length; Div is integer division
     * towards zero, as ONNX Runtime divides int64 tensors. The batch size is not known at load time, so arithmetic on
     * it is refused.
     */
    private static long[] arithmetic(Lowering l, String type, long[] a, long[] b, String name) {
        if (a.length != b.length && a.length != 1 && b.length != 1) {
            throw new ModelFormatException(l.file + ": " + type + " node '" + name + "' combines shape values of "
                    + a.length + " and " + b.length + " elements");
        }
        long[] result = new long[Math.max(a.length, b.length)];
        for (int i = 0; i < result.length; i++) {
            long x = a[a.length == 1 ? 0 : i];
            long y = b[b.length == 1 ? 0 : i];
            if (x == Lowering.BATCH || y == Lowering.BATCH) {
                throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' computes with the batch"
                        + " size, which is not known when the model is loaded; export with a fixed batch size");
            }
            if (type.equals("Div") && y == 0) {
                throw new ModelFormatException(l.file + ": Div node '" + name + "' divides a shape value by 0");
            }
            result[i] = switch (type) {
                case "Add" -> x + y;
                case "Sub" -> x - y;
                case "Mul" -> x * y;
                default -> x / y;
            };
        }
        return result;
    }

    /**
     * A Slice's starts, ends, axes and steps, each null where the node leaves it out: attributes before opset 10,
     * inputs known at load time from then on.
     */
    record SliceBounds(long[] starts, long[] ends, long[] axes, long[] steps) {

        static SliceBounds of(Lowering l, NodeProto node, String name) {
            if (l.opset < 10) {
                return new SliceBounds(l.longsAttribute(node, "starts"), l.longsAttribute(node, "ends"),
                        l.longsAttribute(node, "axes"), null);
            }
            return new SliceBounds(input(l, node, 1, name), input(l, node, 2, name), input(l, node, 3, name),
                    input(l, node, 4, name));
        }

        private static long[] input(Lowering l, NodeProto node, int index, String name) {
            return node.getInputCount() > index && !node.getInput(index).isEmpty()
                    ? l.staticValues(node.getInput(index), name) : null;
        }
    }

    /** Elements start, start + step, ... before end of a shape vector; negative and too large bounds clamp as in ONNX Slice. */
    static long[] slice(Lowering l, long[] data, long start, long end, long step, String name) {
        if (step == 0) {
            throw new ModelFormatException(l.file + ": Slice node '" + name + "' has a step of 0; a slice needs a non-zero step");
        }
        int n = data.length;
        if (n == 0) {
            return data;
        }
        long first = start < 0 ? start + n : start;
        long stop = end < 0 ? end + n : end;
        if (step > 0) {
            first = Math.max(0, Math.min(first, n));
            stop = Math.max(0, Math.min(stop, n));
        } else {
            first = Math.max(0, Math.min(first, n - 1));
            stop = Math.max(-1, Math.min(stop, n - 1));
        }
        List<Long> kept = new ArrayList<>();
        for (long i = first; step > 0 ? i < stop : i > stop; i += step) {
            kept.add(data[(int) i]);
        }
        return kept.stream().mapToLong(Long::longValue).toArray();
    }
}
