package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.etalon.op.Add;
import io.etalon.op.ChannelAffine;
import io.etalon.op.Op;
import io.etalon.op.PiecewiseLinear;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Add, Sub, Mul, Div with a constant or of two branches; Sum, Mean, Max and Min of branches; Neg,
 * ImageScaler and BatchNormalization as per-channel affine maps. */
final class ArithmeticTranslators {

    private ArithmeticTranslators() {
    }

    /**
     * Add, Sub, Mul, Div. Two activations of one shape (a residual join) become {@link Add}; an activation and a
     * constant that is a scalar or one value per channel become a {@link ChannelAffine} (input normalisation,
     * a conv bias added separately).
     */
    /**
     * Max or Min of branches and constants: the branches' Extremum chain, then {@code max(x, c)} or {@code min(x, c)}
     * with the constants' bound c (a scalar, one per channel or one per value), a piecewise-linear op with one
     * breakpoint at c.
     */
    private static void bounded(Lowering l, NodeProto node, String name, String type, List<Integer> sources, Shape shape,
                                ConstantTensor bound) {
        int last = sources.get(0);
        for (int k = 1; k < sources.size(); k++) {
            Op join = type.equals("Max") ? io.etalon.op.Extremum.max(shape) : io.etalon.op.Extremum.min(shape);
            last = l.addInternal(name + "/" + k, join, last, sources.get(k));
        }
        int[] dims = java.util.Arrays.stream(bound.dims()).mapToInt(d -> (int) d).toArray();
        float[] values = new float[bound.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) bound.values()[i];
            if (Float.isNaN(values[i])) {
                throw new ModelFormatException(l.file + ": " + type + " node '" + name + "' has a NaN bound");
            }
        }
        Tensor c = new Tensor(dims.length == 0 ? Shape.of(1) : Shape.of(dims), values);
        float[] perGroup = l.batchLast.contains(node.getOutput(0)) ? l.perFeatureOfColumns(c, shape, name, type)
                : l.perChannel(c, shape, name, type);
        Op op;
        try {
            op = type.equals("Max") ? PiecewiseLinear.maxWith(shape, perGroup) : PiecewiseLinear.minWith(shape, perGroup);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(l.file + ": node '" + name + "' (" + type + "): " + e.getMessage());
        }
        l.addNode(node, name, op, new int[] {last});
    }

    /** Neg: a scale of -1. */
    static Op neg(Shape in) {
        return new ChannelAffine(in, new Tensor(Shape.of(1), new float[] {-1}), new Tensor(Shape.of(1), new float[1]));
    }

    static void arithmetic(Lowering l, NodeProto node, String name) {
        String type = node.getOpType();
        if (node.getInputCount() != 2) {
            throw new ModelFormatException(l.file + ": " + type + " node '" + name + "' needs two inputs");
        }
        Integer left = l.producers.get(node.getInput(0));
        Integer right = l.producers.get(node.getInput(1));
        if (left != null && right != null) {
            Shape a = l.shapeOf(left);
            Shape b = l.shapeOf(right);
            boolean flat = l.unbatched.contains(node.getInput(0));
            if (flat != l.unbatched.contains(node.getInput(1))) {
                throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' adds an activation with a batch"
                        + " axis to one without; give both the same rank");
            }
            boolean columns = l.batchLast.contains(node.getInput(0));
            if (columns != l.batchLast.contains(node.getInput(1))) {
                throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' combines an activation with one"
                        + " sample per row and one with one sample per column; add a Transpose (perm [1, 0]) to one of them");
            }
            l.setUnbatched(node.getOutput(0), flat);
            l.setBatchLast(node.getOutput(0), columns);
            if (!type.equals("Add") || !a.equals(b)) {
                throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' combines two activations ("
                        + a + ", " + b + "); only Add of equal shapes (a residual join) is supported");
            }
            l.addNode(node, name, new Add(a), new int[] {left, right});
            return;
        }
        if (left == null && right == null) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' has no input that depends on the image");
        }
        boolean constantFirst = left == null;
        int source = constantFirst ? right : left;
        Shape in = l.shapeOf(source);
        Tensor constant = l.floats(node.getInput(constantFirst ? 0 : 1), name);
        // without a batch axis, a constant of one more axis (such as [1, C, 1, 1]) broadcasts one in
        l.setUnbatched(node.getOutput(0), l.unbatched.contains(node.getInput(constantFirst ? 1 : 0))
                && constant.shape().rank() <= in.rank());
        boolean columns = l.batchLast.contains(node.getInput(constantFirst ? 1 : 0));
        l.setBatchLast(node.getOutput(0), columns);
        // before l.opset 7, broadcast=1 with axis=1 aligned a one-axis constant with the channel axis
        boolean legacyChannels = l.opset < 7 && l.intAttribute(node, "axis", -1) == 1 && constant.shape().rank() == 1
                && constant.size() == in.dim(0);
        float[] values = legacyChannels ? constant.data()
                : columns ? l.perFeatureOfColumns(constant, in, name, type) : l.perChannel(constant, in, name, type);
        int channels = values.length;
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            float v = values[c];
            switch (type) {
                case "Add" -> { scale[c] = 1; shift[c] = v; }
                case "Sub" -> { scale[c] = constantFirst ? -1 : 1; shift[c] = constantFirst ? v : -v; }
                case "Mul" -> scale[c] = v;
                default -> {
                    if (constantFirst) {
                        throw new UnsupportedOpException(l.file + ": Div node '" + name + "' divides a constant by the"
                                + " image; that is not piecewise linear");
                    }
                    if (v == 0) {
                        throw new ModelFormatException(l.file + ": Div node '" + name + "' divides by zero");
                    }
                    scale[c] = 1 / v;
                }
            }
        }
        l.addNode(node, name, new ChannelAffine(in, new Tensor(Shape.of(channels), scale),
                new Tensor(Shape.of(channels), shift)), new int[] {source});
    }

    /**
     * Sum, Mean, Max and Min of activations of one shape (branches of the graph): a chain of {@link Add} (then a scale by
     * 1/n for Mean), or of {@link io.etalon.op.Extremum}, a switch that records which branch wins each unit.
     */
    static void branches(Lowering l, NodeProto node, String name) {
        String type = node.getOpType();
        boolean extremum = type.equals("Max") || type.equals("Min");
        List<Integer> sources = new ArrayList<>();
        String first = node.getInputList().stream().filter(l.producers::containsKey).findFirst().orElse(null);
        if (first == null) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' has no input that depends on the image");
        }
        Shape shape = null;
        ConstantTensor bound = null;
        for (String input : node.getInputList()) {
            Integer source = l.producers.get(input);
            if (source == null && extremum) {
                // constants meet first: the max (min) of them is one bound for the branches
                ConstantTensor c = ConstantTensor.read(l.constant(input, name), l.file, name);
                bound = bound == null ? c : ConstantFolding.broadcast(bound, c, type.equals("Max") ? Math::max : Math::min);
                continue;
            }
            if (source == null) {
                throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' combines the activation with the"
                        + " constant '" + input + "'; only " + type + " of activations (branches of the graph) is supported");
            }
            Shape each = l.shapeOf(source);
            if (shape != null && !shape.equals(each) || l.unbatched.contains(input) != l.unbatched.contains(first)
                    || l.batchLast.contains(input) != l.batchLast.contains(first)) {
                throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' combines activations of different"
                        + " shapes or layouts (" + shape + ", " + each + "); only equal shapes are supported");
            }
            shape = each;
            sources.add(source);
        }
        l.setUnbatched(node.getOutput(0), l.unbatched.contains(first));
        l.setBatchLast(node.getOutput(0), l.batchLast.contains(first));
        if (bound != null) {
            bounded(l, node, name, type, sources, shape, bound);
            return;
        }
        if (sources.size() == 1) {
            l.producers.put(node.getOutput(0), sources.get(0));
            return;
        }
        boolean mean = type.equals("Mean");
        int last = sources.get(0);
        for (int k = 1; k < sources.size(); k++) {
            Op join = switch (type) {
                case "Max" -> io.etalon.op.Extremum.max(shape);
                case "Min" -> io.etalon.op.Extremum.min(shape);
                default -> new Add(shape);
            };
            if (k == sources.size() - 1 && !mean) {
                l.addNode(node, name, join, new int[] {last, sources.get(k)});
                return;
            }
            last = l.addInternal(name + "/" + k, join, last, sources.get(k));
        }
        l.addNode(node, name, new ChannelAffine(shape, new Tensor(Shape.of(1), new float[] {1f / sources.size()}),
                new Tensor(Shape.of(1), new float[1])), new int[] {last});
    }

    /** ImageScaler (opsets 1 to 9): {@code scale x + bias[c]}, a per-channel affine map. */
    static Op imageScaler(Lowering l, NodeProto node, String name, Shape in) {
        float scale = l.floatAttribute(node, "scale", 1f);
        AttributeProto bias = l.attribute(node, "bias");
        int channels = in.dim(0);
        float[] scales = new float[channels];
        float[] shifts = new float[channels];
        if (bias != null && bias.getFloatsCount() != channels) {
            throw new ModelFormatException(l.file + ": ImageScaler node '" + name + "' has " + bias.getFloatsCount()
                    + " biases for " + channels + " channels");
        }
        for (int c = 0; c < channels; c++) {
            scales[c] = scale;
            shifts[c] = bias == null ? 0f : bias.getFloats(c);
        }
        return new ChannelAffine(in, new Tensor(Shape.of(channels), scales), new Tensor(Shape.of(channels), shifts));
    }

    static Op batchNorm(Lowering l, NodeProto node, String name, Shape in) {
        if (l.intAttribute(node, "training_mode", 0) != 0 || node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
            throw new UnsupportedOpException(l.file + ": BatchNormalization node '" + name + "' is in training mode (it uses"
                    + " the batch's statistics); export the model in inference mode (model.eval())");
        }
        float epsilon = l.floatAttribute(node, "epsilon", 1e-5f);
        float[] gamma = l.floats(node.getInput(1), name).data();
        float[] beta = l.floats(node.getInput(2), name).data();
        float[] mean = l.floats(node.getInput(3), name).data();
        float[] variance = l.floats(node.getInput(4), name).data();
        int channels = in.dim(0);
        if (gamma.length != channels || beta.length != channels || mean.length != channels || variance.length != channels) {
            throw new ModelFormatException(l.file + ": BatchNormalization node '" + name + "' has statistics that do not fit "
                    + channels + " channels");
        }
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = (float) (gamma[c] / Math.sqrt((double) variance[c] + epsilon));
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return new ChannelAffine(in, new Tensor(Shape.of(channels), scale), new Tensor(Shape.of(channels), shift));
    }
}
