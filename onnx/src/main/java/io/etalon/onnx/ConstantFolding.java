package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The pass that computes, at load time, every node whose inputs are all constants: CNTK's {@code Reshape(weight,
 * shape)}, a Transpose, Cast or Mul of weights, a Concat of constant pieces, an Unsqueezed scalar, ConstantOfShape, the
 * DequantizeLinear of an int8 weight. One small evaluator covers the ops exporters use on constants; each result is
 * rounded to float32 after each op, as ONNX Runtime computes it, so folding does not change the network's floats.
 *
 * <p>Nodes it cannot evaluate (an op outside {@link #OPS}) stay in the graph and meet the lowering pass, which names
 * them.
 */
final class ConstantFolding {

    /** The ops the evaluator computes on constants. */
    static final Set<String> OPS = Set.of("Constant", "Identity", "Cast", "CastLike", "Reshape", "Flatten", "Transpose",
            "Unsqueeze", "Squeeze", "Concat", "Gather", "Slice", "Shape", "Size", "ConstantOfShape", "Range", "Add", "Sub",
            "Mul", "Div", "Neg", "Abs", "Sqrt", "Reciprocal", "Pow", "Max", "Min", "Sum", "Mean", "Relu", "Clip", "Expand",
            "Tile", "Split", "DequantizeLinear", "QuantizeLinear", "Floor", "Ceil", "ReduceSum", "ReduceProd", "Dropout");

    private final String file;
    private final long opset;

    ConstantFolding(String file, long opset) {
        this.file = file;
        this.opset = opset;
    }

    /**
     * Folds the nodes of {@code ordered} (in topological order) whose inputs are all in {@code constants}, adding their
     * outputs to it, and returns the nodes that remain.
     *
     * @param constants modified: gains one entry per folded output
     * @param reader    reads a constant's values (external data resolved)
     */
    List<NodeProto> fold(List<NodeProto> ordered, Map<String, TensorProto> constants,
                         java.util.function.BiFunction<String, String, ConstantTensor> reader) {
        List<NodeProto> remaining = new ArrayList<>();
        for (NodeProto node : ordered) {
            boolean standard = node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx");
            boolean allConstant = node.getInputList().stream().allMatch(in -> in.isEmpty() || constants.containsKey(in));
            if (!standard || !OPS.contains(node.getOpType()) || !allConstant || node.getOutputCount() == 0) {
                remaining.add(node);
                continue;
            }
            String name = Messages.nodeName(node);
            List<ConstantTensor> inputs = new ArrayList<>();
            for (String in : node.getInputList()) {
                inputs.add(in.isEmpty() ? null : reader.apply(in, name));
            }
            List<ConstantTensor> outputs;
            try {
                outputs = evaluate(node, name, inputs);
            } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
                throw new ModelFormatException(file + ": " + node.getOpType() + " node '" + name + "' on constants: "
                        + e.getMessage());
            }
            for (int k = 0; k < node.getOutputCount() && k < outputs.size(); k++) {
                if (!node.getOutput(k).isEmpty()) {
                    constants.put(node.getOutput(k), outputs.get(k).toProto(node.getOutput(k)));
                }
            }
        }
        return remaining;
    }

    private List<ConstantTensor> evaluate(NodeProto node, String name, List<ConstantTensor> in) {
        String type = node.getOpType();
        ConstantTensor x = in.isEmpty() ? null : in.get(0);
        if (!type.equals("Constant") && (x == null || x.type() == ConstantTensor.STRING)) {
            throw new IllegalArgumentException("its first input is missing or a string");
        }
        return switch (type) {
            case "Constant" -> List.of(ConstantValues.of(node, file, name));
            case "Identity", "Dropout" -> List.of(x);
            case "Cast" -> List.of(cast(x, (int) intAttribute(node, "to", ConstantTensor.FLOAT)));
            case "CastLike" -> List.of(cast(x, in.get(1).type()));
            case "Reshape" -> List.of(x.reshaped(reshapeTarget(x, longs(in.get(1)), intAttribute(node, "allowzero", 0) != 0)));
            case "Flatten" -> {
                int axis = axis(intAttribute(node, "axis", 1), x.rank() + 1);
                long outer = ConstantTensor.count(Arrays.copyOf(x.dims(), axis));
                yield List.of(x.reshaped(new long[] {outer, x.size() / Math.max(1, outer)}));
            }
            case "Transpose" -> List.of(transpose(x, ints(node, "perm")));
            case "Unsqueeze" -> List.of(unsqueeze(x, opset >= 13 ? longs(in.get(1)) : longAttributes(node, "axes")));
            case "Squeeze" -> List.of(squeeze(x, opset >= 13 ? (in.size() > 1 && in.get(1) != null ? longs(in.get(1)) : null)
                    : longAttributes(node, "axes")));
            case "Concat" -> List.of(concat(in, intAttribute(node, "axis", 0)));
            case "Gather" -> List.of(gather(x, in.get(1), intAttribute(node, "axis", 0)));
            case "Slice" -> List.of(slice(node, in));
            case "Shape" -> {
                double[] dims = Arrays.stream(x.dims()).asDoubleStream().toArray();
                int start = clamped(intAttribute(node, "start", 0), dims.length);
                int end = clamped(intAttribute(node, "end", dims.length), dims.length);
                double[] part = Arrays.copyOfRange(dims, Math.min(start, end), end);
                yield List.of(new ConstantTensor(ConstantTensor.INT64, new long[] {part.length}, part));
            }
            case "Size" -> List.of(new ConstantTensor(ConstantTensor.INT64, new long[0], new double[] {x.size()}));
            case "ConstantOfShape" -> {
                ConstantTensor value = attribute(node, "value") != null
                        ? ConstantTensor.read(attribute(node, "value").getT(), file, name)
                        : new ConstantTensor(ConstantTensor.FLOAT, new long[] {1}, new double[] {0});
                long[] dims = longs(x);
                checkCount(dims);
                double[] values = new double[(int) ConstantTensor.count(dims)];
                Arrays.fill(values, value.values().length > 0 ? value.values()[0] : 0);
                yield List.of(ConstantTensor.of(value.type(), dims, values));
            }
            case "Range" -> {
                double start = x.values()[0];
                double limit = in.get(1).values()[0];
                double delta = in.get(2).values()[0];
                if (delta == 0) {
                    throw new IllegalArgumentException("a delta of 0");
                }
                long n = Math.max(0, (long) Math.ceil((limit - start) / delta));
                checkCount(new long[] {n});
                double[] values = new double[(int) n];
                for (int i = 0; i < n; i++) {
                    values[i] = start + i * delta;
                }
                yield List.of(ConstantTensor.of(x.type(), new long[] {n}, values));
            }
            case "Add" -> List.of(broadcast(x, in.get(1), Double::sum));
            case "Sub" -> List.of(broadcast(x, in.get(1), (a, b) -> a - b));
            case "Mul" -> List.of(broadcast(x, in.get(1), (a, b) -> a * b));
            case "Div" -> List.of(broadcast(x, in.get(1), x.isFloat() ? (a, b) -> a / b : ConstantFolding::integerDivide));
            case "Pow" -> List.of(broadcast(x, in.get(1), Math::pow));
            case "Max", "Min", "Sum", "Mean" -> {
                DoubleBinaryOperator op = switch (type) {
                    case "Max" -> Math::max;
                    case "Min" -> Math::min;
                    default -> Double::sum;
                };
                ConstantTensor result = x;
                for (int k = 1; k < in.size(); k++) {
                    result = broadcast(result, in.get(k), op);
                }
                yield List.of(type.equals("Mean") ? map(result, v -> v / in.size()) : result);
            }
            case "Neg" -> List.of(map(x, v -> -v));
            case "Abs" -> List.of(map(x, Math::abs));
            case "Sqrt" -> List.of(map(x, Math::sqrt));
            case "Reciprocal" -> List.of(map(x, v -> 1 / v));
            case "Relu" -> List.of(map(x, v -> Math.max(0, v)));
            case "Floor" -> List.of(map(x, Math::floor));
            case "Ceil" -> List.of(map(x, Math::ceil));
            case "Clip" -> {
                double min = opset < 11 ? floatAttribute(node, "min", Float.NEGATIVE_INFINITY)
                        : in.size() > 1 && in.get(1) != null ? in.get(1).values()[0] : Double.NEGATIVE_INFINITY;
                double max = opset < 11 ? floatAttribute(node, "max", Float.POSITIVE_INFINITY)
                        : in.size() > 2 && in.get(2) != null ? in.get(2).values()[0] : Double.POSITIVE_INFINITY;
                yield List.of(map(x, v -> Math.min(max, Math.max(min, v))));
            }
            case "Expand" -> {
                long[] shape = longs(in.get(1));
                ConstantTensor ones = new ConstantTensor(x.type(), shape, new double[checkCount(shape)]);
                yield List.of(broadcast(x, ones, Double::sum));
            }
            case "Tile" -> List.of(tile(x, longs(in.get(1))));
            case "Split" -> split(node, x, in);
            case "ReduceSum", "ReduceProd" -> List.of(reduce(node, x, in, type.equals("ReduceSum")));
            case "DequantizeLinear" -> List.of(Quantization.dequantize(x, in.get(1), in.size() > 2 ? in.get(2) : null,
                    intAttribute(node, "axis", 1), file, name));
            case "QuantizeLinear" -> List.of(Quantization.quantize(x, in.get(1), in.size() > 2 ? in.get(2) : null,
                    intAttribute(node, "axis", 1), file, name));
            default -> throw new IllegalStateException(type);
        };
    }

    private static double integerDivide(double a, double b) {
        if (b == 0) {
            throw new ArithmeticException("an integer division by zero");
        }
        return (double) ((long) a / (long) b);
    }

    private static int checkCount(long[] dims) {
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("a negative size " + d);
            }
            n *= d;
            if (n > ConstantTensor.MAX_VALUES) {
                throw new IllegalArgumentException("a result of over " + ConstantTensor.MAX_VALUES + " values");
            }
        }
        return (int) n;
    }

    private static ConstantTensor cast(ConstantTensor x, int to) {
        double[] values = x.values().clone();
        boolean toFloat = new ConstantTensor(to, new long[] {0}, new double[0]).isFloat();
        if (!toFloat) {
            for (int i = 0; i < values.length; i++) {
                values[i] = to == TensorProto.DataType.BOOL.getNumber() ? (values[i] != 0 ? 1 : 0) : (double) (long) values[i];
            }
        }
        return ConstantTensor.of(to, x.dims(), values);
    }

    private static ConstantTensor map(ConstantTensor x, DoubleUnaryOperator f) {
        double[] values = new double[x.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = f.applyAsDouble(x.values()[i]);
        }
        return ConstantTensor.of(x.type(), x.dims(), values);
    }

    /** Numpy broadcasting of two tensors; the result has the first's type. */
    static ConstantTensor broadcast(ConstantTensor a, ConstantTensor b, DoubleBinaryOperator f) {
        int rank = Math.max(a.rank(), b.rank());
        long[] dims = new long[rank];
        long[] da = aligned(a.dims(), rank);
        long[] db = aligned(b.dims(), rank);
        for (int k = 0; k < rank; k++) {
            if (da[k] != db[k] && da[k] != 1 && db[k] != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a.dims()) + " and " + Arrays.toString(b.dims())
                        + " do not broadcast");
            }
            dims[k] = da[k] == 1 ? db[k] : da[k];
        }
        double[] values = new double[checkCount(dims)];
        long[] index = new long[rank];
        for (int flat = 0; flat < values.length; flat++) {
            values[flat] = f.applyAsDouble(a.values()[(int) offset(index, da)], b.values()[(int) offset(index, db)]);
            for (int k = rank - 1; k >= 0 && ++index[k] == dims[k]; k--) {
                index[k] = 0;
            }
        }
        return ConstantTensor.of(a.type(), dims, values);
    }

    private static long[] aligned(long[] dims, int rank) {
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        System.arraycopy(dims, 0, out, rank - dims.length, dims.length);
        return out;
    }

    /** Row-major offset of {@code index} in a tensor of {@code dims}, with size-1 axes broadcast. */
    private static long offset(long[] index, long[] dims) {
        long at = 0;
        for (int k = 0; k < dims.length; k++) {
            at = at * dims[k] + (dims[k] == 1 ? 0 : index[k]);
        }
        return at;
    }

    private static long[] reshapeTarget(ConstantTensor x, long[] target, boolean allowZero) {
        long[] dims = target.clone();
        int unknown = -1;
        long known = 1;
        for (int k = 0; k < dims.length; k++) {
            if (dims[k] == 0 && !allowZero) {
                dims[k] = x.dims()[k];
            }
            if (dims[k] == -1 && unknown < 0) {
                unknown = k;
            } else if (dims[k] < 0) {
                throw new IllegalArgumentException("a target shape " + Arrays.toString(target));
            } else {
                known *= dims[k];
            }
        }
        if (unknown >= 0) {
            dims[unknown] = known == 0 ? 0 : x.size() / known;
        }
        if (ConstantTensor.count(dims) != x.size()) {
            throw new IllegalArgumentException("the target shape " + Arrays.toString(target) + " does not hold "
                    + x.size() + " values");
        }
        return dims;
    }

    static ConstantTensor transpose(ConstantTensor x, int[] perm) {
        int rank = x.rank();
        if (perm == null) {
            perm = new int[rank];
            for (int k = 0; k < rank; k++) {
                perm[k] = rank - 1 - k;
            }
        }
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        if (!Arrays.equals(sorted, java.util.stream.IntStream.range(0, rank).toArray())) {
            throw new IllegalArgumentException("perm " + Arrays.toString(perm) + " does not order the " + rank + " axes");
        }
        long[] dims = new long[rank];
        for (int k = 0; k < rank; k++) {
            dims[k] = x.dims()[perm[k]];
        }
        long[] strides = new long[rank];
        long stride = 1;
        for (int k = rank - 1; k >= 0; k--) {
            strides[k] = stride;
            stride *= x.dims()[k];
        }
        double[] values = new double[x.size()];
        long[] index = new long[rank];
        for (int flat = 0; flat < values.length; flat++) {
            long source = 0;
            for (int k = 0; k < rank; k++) {
                source += index[k] * strides[perm[k]];
            }
            values[flat] = x.values()[(int) source];
            for (int k = rank - 1; k >= 0 && ++index[k] == dims[k]; k--) {
                index[k] = 0;
            }
        }
        return new ConstantTensor(x.type(), dims, values);
    }

    private static ConstantTensor unsqueeze(ConstantTensor x, long[] axes) {
        if (axes == null) {
            throw new IllegalArgumentException("no axes");
        }
        int rank = x.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long a : axes) {
            inserted[axis(a, rank)] = true;
        }
        long[] dims = new long[rank];
        for (int k = 0, from = 0; k < rank; k++) {
            dims[k] = inserted[k] ? 1 : x.dims()[from++];
        }
        return x.reshaped(dims);
    }

    private static ConstantTensor squeeze(ConstantTensor x, long[] axes) {
        List<Long> kept = new ArrayList<>();
        for (int k = 0; k < x.rank(); k++) {
            final int at = k;
            boolean named = axes == null ? x.dims()[k] == 1
                    : Arrays.stream(axes).anyMatch(a -> axis(a, x.rank()) == at);
            if (!named) {
                kept.add(x.dims()[k]);
            }
        }
        return x.reshaped(kept.stream().mapToLong(Long::longValue).toArray());
    }

    private static ConstantTensor concat(List<ConstantTensor> parts, long axisAttribute) {
        ConstantTensor first = parts.get(0);
        int axis = axis(axisAttribute, first.rank());
        long[] dims = first.dims().clone();
        dims[axis] = 0;
        for (ConstantTensor part : parts) {
            if (part.rank() != first.rank()) {
                throw new IllegalArgumentException("parts of different ranks");
            }
            dims[axis] += part.dims()[axis];
        }
        long outer = ConstantTensor.count(Arrays.copyOf(dims, axis));
        double[] values = new double[checkCount(dims)];
        int at = 0;
        for (long o = 0; o < outer; o++) {
            for (ConstantTensor part : parts) {
                int block = (int) (part.size() / Math.max(1, outer));
                System.arraycopy(part.values(), (int) (o * block), values, at, block);
                at += block;
            }
        }
        return new ConstantTensor(first.type(), dims, values);
    }

    private static ConstantTensor gather(ConstantTensor x, ConstantTensor indices, long axisAttribute) {
        int axis = axis(axisAttribute, x.rank());
        long n = x.dims()[axis];
        long outer = ConstantTensor.count(Arrays.copyOf(x.dims(), axis));
        long inner = ConstantTensor.count(Arrays.copyOfRange(x.dims(), axis + 1, x.rank()));
        long[] dims = new long[x.rank() - 1 + indices.rank()];
        System.arraycopy(x.dims(), 0, dims, 0, axis);
        System.arraycopy(indices.dims(), 0, dims, axis, indices.rank());
        System.arraycopy(x.dims(), axis + 1, dims, axis + indices.rank(), x.rank() - axis - 1);
        double[] values = new double[checkCount(dims)];
        int at = 0;
        for (long o = 0; o < outer; o++) {
            for (double raw : indices.values()) {
                long index = raw < 0 ? (long) raw + n : (long) raw;
                if (index < 0 || index >= n) {
                    throw new IllegalArgumentException("index " + (long) raw + " is out of range for " + n + " values");
                }
                System.arraycopy(x.values(), (int) ((o * n + index) * inner), values, at, (int) inner);
                at += inner;
            }
        }
        return new ConstantTensor(x.type(), dims, values);
    }

    /** A bound of Shape's start or end: negative counts from the end, then clamped to [0, rank]. */
    private static int clamped(long bound, int rank) {
        return (int) Math.max(0, Math.min(rank, bound < 0 ? bound + rank : bound));
    }

    private ConstantTensor slice(NodeProto node, List<ConstantTensor> in) {
        ConstantTensor x = in.get(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (opset < 10) {
            starts = longAttributes(node, "starts");
            ends = longAttributes(node, "ends");
            axes = longAttributes(node, "axes");
        } else {
            starts = longs(in.get(1));
            ends = longs(in.get(2));
            axes = in.size() > 3 && in.get(3) != null ? longs(in.get(3)) : null;
            steps = in.size() > 4 && in.get(4) != null ? longs(in.get(4)) : null;
        }
        return slice(x, starts, ends, axes, steps);
    }

    /** ONNX Slice: for each listed axis, elements start, start + step, ... before end, with its clamping rules. */
    private static ConstantTensor slice(ConstantTensor x, long[] starts, long[] ends, long[] axes, long[] steps) {
        if (starts == null || ends == null || starts.length != ends.length) {
            throw new IllegalArgumentException("starts and ends missing or of different lengths");
        }
        int rank = x.rank();
        long[] first = new long[rank];
        long[] step = new long[rank];
        long[] count = x.dims().clone();
        Arrays.fill(step, 1);
        for (int k = 0; k < starts.length; k++) {
            int a = axis(axes == null ? k : axes[k], rank);
            long n = x.dims()[a];
            long s = steps == null ? 1 : steps[k];
            if (s == 0) {
                throw new IllegalArgumentException("a step of 0");
            }
            long begin = starts[k] < 0 ? starts[k] + n : starts[k];
            long stop = ends[k] < 0 ? ends[k] + n : ends[k];
            if (s > 0) {
                begin = Math.max(0, Math.min(begin, n));
                stop = Math.max(0, Math.min(stop, n));
                count[a] = Math.max(0, (stop - begin + s - 1) / s);
            } else {
                begin = Math.max(0, Math.min(begin, n - 1));
                stop = Math.max(-1, Math.min(stop, n - 1));
                count[a] = Math.max(0, (begin - stop + (-s) - 1) / (-s));
            }
            first[a] = begin;
            step[a] = s;
        }
        double[] values = new double[checkCount(count)];
        long[] index = new long[rank];
        for (int flat = 0; flat < values.length; flat++) {
            long source = 0;
            for (int k = 0; k < rank; k++) {
                source = source * x.dims()[k] + first[k] + index[k] * step[k];
            }
            values[flat] = x.values()[(int) source];
            for (int k = rank - 1; k >= 0 && ++index[k] == count[k]; k--) {
                index[k] = 0;
            }
        }
        return new ConstantTensor(x.type(), count, values);
    }

    private static ConstantTensor tile(ConstantTensor x, long[] repeats) {
        if (repeats.length != x.rank()) {
            throw new IllegalArgumentException(repeats.length + " repeats for " + x.rank() + " axes");
        }
        long[] dims = new long[x.rank()];
        for (int k = 0; k < dims.length; k++) {
            dims[k] = x.dims()[k] * repeats[k];
        }
        double[] values = new double[checkCount(dims)];
        long[] index = new long[dims.length];
        for (int flat = 0; flat < values.length; flat++) {
            long source = 0;
            for (int k = 0; k < dims.length; k++) {
                source = source * x.dims()[k] + index[k] % x.dims()[k];
            }
            values[flat] = x.values()[(int) source];
            for (int k = dims.length - 1; k >= 0 && ++index[k] == dims[k]; k--) {
                index[k] = 0;
            }
        }
        return new ConstantTensor(x.type(), dims, values);
    }

    private List<ConstantTensor> split(NodeProto node, ConstantTensor x, List<ConstantTensor> in) {
        int axis = axis(intAttribute(node, "axis", 0), x.rank());
        long[] sizes = SplitSizes.of(node, opset, x.dims()[axis], in.size() > 1 && in.get(1) != null ? longs(in.get(1)) : null);
        List<ConstantTensor> parts = new ArrayList<>();
        long start = 0;
        for (long size : sizes) {
            parts.add(slice(x, new long[] {start}, new long[] {start + size}, new long[] {axis}, null));
            start += size;
        }
        return parts;
    }

    private ConstantTensor reduce(NodeProto node, ConstantTensor x, List<ConstantTensor> in, boolean sum) {
        long[] axes = opset >= 13 && node.getOpType().equals("ReduceSum") || opset >= 18
                ? (in.size() > 1 && in.get(1) != null ? longs(in.get(1)) : null) : longAttributes(node, "axes");
        boolean keep = intAttribute(node, "keepdims", 1) != 0;
        boolean[] reduced = new boolean[x.rank()];
        if (axes == null || axes.length == 0) {
            Arrays.fill(reduced, intAttribute(node, "noop_with_empty_axes", 0) == 0);
        } else {
            for (long a : axes) {
                reduced[axis(a, x.rank())] = true;
            }
        }
        long[] kept = new long[x.rank()];
        for (int k = 0; k < kept.length; k++) {
            kept[k] = reduced[k] ? 1 : x.dims()[k];
        }
        double[] values = new double[checkCount(kept)];
        Arrays.fill(values, sum ? 0 : 1);
        long[] index = new long[x.rank()];
        for (int flat = 0; flat < x.size(); flat++) {
            int target = (int) offset(index, kept);
            values[target] = sum ? values[target] + x.values()[flat] : values[target] * x.values()[flat];
            for (int k = x.rank() - 1; k >= 0 && ++index[k] == x.dims()[k]; k--) {
                index[k] = 0;
            }
        }
        long[] dims = keep ? kept : java.util.stream.IntStream.range(0, kept.length).filter(k -> !reduced[k])
                .mapToLong(k -> kept[k]).toArray();
        return ConstantTensor.of(x.type(), dims, values);
    }

    static int axis(long axis, long rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= Math.max(1, rank)) {
            throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    private static long[] longs(ConstantTensor t) {
        if (t == null) {
            throw new IllegalArgumentException("a required input is missing");
        }
        return Arrays.stream(t.values()).mapToLong(v -> (long) v).toArray();
    }

    private static AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute;
            }
        }
        return null;
    }

    private static long intAttribute(NodeProto node, String name, long fallback) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? fallback : attribute.getI();
    }

    private static float floatAttribute(NodeProto node, String name, float fallback) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? fallback : attribute.getF();
    }

    private static long[] longAttributes(NodeProto node, String name) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? null : attribute.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    private static int[] ints(NodeProto node, String name) {
        long[] values = longAttributes(node, name);
        return values == null ? null : Arrays.stream(values).mapToInt(v -> (int) v).toArray();
    }
}
