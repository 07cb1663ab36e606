package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.etalon.op.Conv2d;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.Op;
import io.etalon.op.Pad;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The ops that move or relabel values: Flatten, Reshape, Transpose, Squeeze, Unsqueeze, Concat, Split,
 * Pad; and with them where each activation keeps its batch axis. */
final class ShapeTranslators {

    private ShapeTranslators() {
    }

    static Op flatten(Lowering l, NodeProto node, String name, Lowering.Activation activation) {
        Shape in = activation.shape();
        boolean flat = activation.flat();
        boolean columns = activation.columns();
        long axis = l.intAttribute(node, "axis", 1);
        if (columns) {
            // [K, batch] stays [K, batch] with axis 1; axis 0 makes it [1, K x batch], one sample per row for a batch of one
            if (axis != 0 && axis != 1 && axis != -1) {
                throw new UnsupportedOpException(l.file + ": Flatten node '" + name + "' has axis " + axis + " on an activation"
                        + " with one sample per column; only axis 0 or 1 is supported");
            }
            l.setBatchLast(node.getOutput(0), axis != 0);
            return null;
        }
        if (flat) {
            // [d0, ..., dn] -> [d0 * ... * d(axis-1), rest]: with a leading 1 that is the batch of one
            long normal = axis < 0 ? axis + in.rank() : axis;
            long outer = 1;
            for (int k = 0; k < normal && k < in.rank(); k++) {
                outer *= in.dim(k);
            }
            if (normal < 0 || normal > in.rank() || outer != 1) {
                throw new UnsupportedOpException(l.file + ": Flatten node '" + name + "' has axis " + axis + " on a " + in
                        + " activation without a batch axis; only a flatten to [1, " + in.size() + "] is supported");
            }
            l.setUnbatched(node.getOutput(0), false);
            return new Flatten(in);
        }
        if (axis != 1) {
            throw new UnsupportedOpException(l.file + ": Flatten node '" + name + "' has axis " + axis + "; only axis 1 (keep the batch) is supported");
        }
        return new Flatten(in);
    }

    static Op reshape(Lowering l, NodeProto node, String name, Lowering.Activation activation) {
        Shape in = activation.shape();
        boolean flat = activation.flat();
        boolean columns = activation.columns();
        if (node.getInputCount() < 2) {
            throw new UnsupportedOpException(l.file + ": Reshape node '" + name + "' has no target shape");
        }
        long[] target = l.staticValues(node.getInput(1), name);
        if (flat) {
            return reshapeWithoutBatch(l, node, name, in, in, target);
        }
        if (columns) {
            // Etalon reads one sample at a time: [K, batch] is then the whole tensor [K, 1]
            return reshapeWithoutBatch(l, node, name, in, Shape.of(in.dim(0), 1), target);
        }
        if (target.length == 2 && target[1] == 1 && (target[0] == -1 || target[0] == in.size()) && in.size() > 1) {
            // [1, ...] -> [K, 1]: a batch of one becomes one sample as a column (for a Gemm with transA=1 after it)
            l.setBatchLast(node.getOutput(0), true);
            return in.rank() == 1 ? null : new Flatten(in);
        }
        if (target.length == 1 && (target[0] == in.size() || target[0] == -1)) {
            // [1, ...] -> [size]: the batch of one is dropped (a model that returns one image's scores)
            l.setUnbatched(node.getOutput(0), true);
            return in.rank() == 1 ? null : new Flatten(in);
        }
        boolean flattens = target.length == 2 && (target[1] == -1 || target[1] == in.size())
                && (target[0] == Lowering.BATCH || target[0] == -1 || target[0] == 0 || target[0] == 1);
        if (flattens) {
            return new Flatten(in);
        }
        boolean keepsBatch = target.length >= 2 && (target[0] == Lowering.BATCH || target[0] == 0 || target[0] == -1 || target[0] == 1);
        if (keepsBatch) {
            int[] sample = new int[target.length - 1];
            int unknown = -1;
            long known = 1;
            for (int k = 1; k < target.length; k++) {
                long d = target[k] == 0 && k <= in.rank() ? in.dim(k - 1) : target[k];
                if (d == -1 && unknown < 0 && target[0] != -1) {
                    unknown = k - 1;
                } else if (d <= 0 || d > in.size()) {
                    keepsBatch = false;
                    break;
                } else {
                    sample[k - 1] = (int) d;
                    known *= d;
                }
            }
            if (keepsBatch && unknown >= 0 && known > 0 && in.size() % known == 0) {
                sample[unknown] = (int) (in.size() / known);
                known *= sample[unknown];
            }
            if (keepsBatch && known == in.size()) {
                return new io.etalon.op.Reshape(in, Shape.of(sample));
            }
        }
        if (!flattens) {
            throw new UnsupportedOpException(l.file + ": Reshape node '" + name + "' reshapes to "
                    + Arrays.toString(target).replace(String.valueOf(Lowering.BATCH), "batch")
                    + "; only flattening to [batch, " + in.size() + "] is supported");
        }
        return new Flatten(in);
    }

    /**
     * Reshape of an activation without a batch axis, or with one sample as a column ({@code whole} is then [K, 1]): the
     * target is its whole new shape (0 copies a size, -1 is inferred). A target with a leading 1 and at least two axes
     * gives the activation its batch of one; a target [K, 1] makes it one sample as a column.
     */
    static Op reshapeWithoutBatch(Lowering l, NodeProto node, String name, Shape in, Shape whole, long[] target) {
        int unknown = -1;
        long known = 1;
        long[] resolved = new long[target.length];
        for (int k = 0; k < target.length; k++) {
            long d = target[k] == 0 && k < whole.rank() ? whole.dim(k) : target[k];
            if (d == -1 && unknown < 0) {
                unknown = k;
            } else if (d <= 0 || d > in.size() || known * d > in.size()) {
                throw new UnsupportedOpException(l.file + ": Reshape node '" + name + "' reshapes a " + l.bracketed(whole) + " activation to "
                        + Arrays.toString(target).replace(String.valueOf(Lowering.BATCH), "batch") + ", which does not keep its values");
            } else {
                resolved[k] = d;
                known *= d;
            }
        }
        if (unknown >= 0 && known > 0 && in.size() % known == 0) {
            resolved[unknown] = in.size() / known;
            known *= resolved[unknown];
        }
        if (target.length == 0 || known != in.size()) {
            throw new UnsupportedOpException(l.file + ": Reshape node '" + name + "' reshapes a " + l.bracketed(whole) + " activation to "
                    + Arrays.toString(target).replace(String.valueOf(Lowering.BATCH), "batch") + ", which does not keep its values");
        }
        boolean batchAfter = resolved.length >= 2 && resolved[0] == 1;
        boolean column = resolved.length == 2 && resolved[0] > 1 && resolved[1] == 1;
        l.setUnbatched(node.getOutput(0), !batchAfter && !column);
        l.setBatchLast(node.getOutput(0), column);
        int[] sample = Arrays.stream(resolved).limit(column ? 1 : resolved.length).skip(batchAfter ? 1 : 0)
                .mapToInt(d -> (int) d).toArray();
        return Shape.of(sample).equals(in) ? null : new io.etalon.op.Reshape(in, Shape.of(sample));
    }

    static Op transpose(Lowering l, NodeProto node, String name, Lowering.Activation activation) {
        Shape in = activation.shape();
        boolean flat = activation.flat();
        boolean columns = activation.columns();
        int[] perm = l.ints(node, "perm", null);
        if (!flat && in.rank() == 1) {
            // [batch, K] <-> [K, batch]: the same samples, one per row or one per column
            if (perm == null || Arrays.equals(perm, new int[] {1, 0})) {
                l.setBatchLast(node.getOutput(0), !columns);
                return null;
            }
            if (Arrays.equals(perm, new int[] {0, 1})) {
                return null;
            }
        }
        if (perm == null) {
            perm = new int[in.rank() + (flat ? 0 : 1)];
            for (int k = 0; k < perm.length; k++) {
                perm[k] = perm.length - 1 - k;
            }
        }
        if (flat) {
            if (perm.length != in.rank()) {
                throw new ModelFormatException(l.file + ": Transpose node '" + name + "' has perm " + Arrays.toString(perm)
                        + " for a " + in + " activation");
            }
            return new io.etalon.op.Transpose(in, perm);
        }
        if (perm.length != in.rank() + 1 || perm[0] != 0) {
            throw new UnsupportedOpException(l.file + ": Transpose node '" + name + "' moves the batch axis (perm "
                    + Arrays.toString(perm) + "); only permutations that keep it first are supported");
        }
        int[] sample = new int[in.rank()];
        for (int k = 0; k < sample.length; k++) {
            sample[k] = perm[k + 1] - 1;
        }
        return new io.etalon.op.Transpose(in, sample);
    }

    /**
     * Squeeze and Unsqueeze of activations only relabel the shape. Squeezing the batch axis leaves an activation
     * without one (a model that returns [classes] for one image); an Unsqueeze of axis 0 gives an activation without a
     * batch axis its batch of one.
     */
    static Op squeeze(Lowering l, NodeProto node, String name, Lowering.Activation activation) {
        String type = node.getOpType();
        Shape in = activation.shape();
        boolean flat = activation.flat();
        boolean columns = activation.columns();
        long[] axes = null;
        if (l.opset >= 13 && node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            axes = l.staticValues(node.getInput(1), name);
        } else if (l.attribute(node, "axes") != null) {
            axes = java.util.Arrays.stream(l.ints(node, "axes", new int[0])).asLongStream().toArray();
        }
        if (columns) {
            // [K, batch] -> [K]: the batch axis of one is dropped (a model that returns one sample's scores)
            if (axes == null || axes.length == 1 && (axes[0] == 1 || axes[0] == -1)) {
                l.setBatchLast(node.getOutput(0), false);
                l.setUnbatched(node.getOutput(0), true);
                return null;
            }
            throw new UnsupportedOpException(l.file + ": Squeeze node '" + name + "' removes axes " + Arrays.toString(axes)
                    + " of an activation with one sample per column ([" + in.dim(0) + ", batch]); only the batch axis, 1, can go");
        }
        if (flat && type.equals("Unsqueeze") && in.rank() == 1 && axes != null && axes.length == 1
                && (axes[0] == 1 || axes[0] == -1)) {
            // [K] -> [K, 1]: one sample as a column, for a W x product after it
            l.setUnbatched(node.getOutput(0), false);
            l.setBatchLast(node.getOutput(0), true);
            return null;
        }
        List<Integer> dims = new ArrayList<>();
        if (!flat) {
            dims.add(-1); // the batch
        }
        for (int d : in.dims()) {
            dims.add(d);
        }
        boolean batchAfter = !flat;
        if (type.equals("Squeeze")) {
            List<Integer> kept = new ArrayList<>();
            for (int axis = 0; axis < dims.size(); axis++) {
                final int a = axis;
                boolean named = axes == null ? dims.get(axis) == 1
                        : java.util.Arrays.stream(axes).anyMatch(x -> (x < 0 ? x + dims.size() : x) == a);
                if (!named) {
                    kept.add(dims.get(axis));
                } else if (axis == 0 && !flat) {
                    batchAfter = false;
                }
            }
            dims.clear();
            dims.addAll(kept);
        } else {
            if (axes == null) {
                throw new ModelFormatException(l.file + ": Unsqueeze node '" + name + "' has no axes");
            }
            long[] sortedAxes = axes.clone();
            int rank = dims.size() + sortedAxes.length;
            for (int k = 0; k < sortedAxes.length; k++) {
                sortedAxes[k] = sortedAxes[k] < 0 ? sortedAxes[k] + rank : sortedAxes[k];
            }
            java.util.Arrays.sort(sortedAxes);
            for (long axis : sortedAxes) {
                if (axis < (flat ? 0 : 1) || axis > dims.size()) {
                    throw new UnsupportedOpException(l.file + ": Unsqueeze node '" + name + "' inserts axis " + axis
                            + " before the batch axis or out of range");
                }
                batchAfter |= axis == 0;
                dims.add((int) axis, 1);
            }
        }
        if (batchAfter) {
            dims.remove(0);
        }
        l.setUnbatched(node.getOutput(0), !batchAfter);
        int[] sample = dims.stream().mapToInt(Integer::intValue).toArray();
        if (sample.length == 0) {
            sample = new int[] {1};
        }
        return Shape.of(sample).equals(in) ? null : new io.etalon.op.Reshape(in, Shape.of(sample));
    }

    static void concat(Lowering l, NodeProto node, String name) {
        if (node.getInputCount() == 1) {
            // a join of one (torch.cat([x]), as DenseNet's first layer of each block writes it) is its input
            l.addUnary(node, name, l.activation(node, name), null);
            return;
        }
        long axis = l.intAttribute(node, "axis", 1);
        List<Shape> shapes = new ArrayList<>();
        int[] sources = new int[node.getInputCount()];
        for (int i = 0; i < sources.length; i++) {
            Integer source = l.producers.get(node.getInput(i));
            if (source == null) {
                throw new UnsupportedOpException(l.file + ": Concat node '" + name + "' joins an activation with a constant; not supported");
            }
            if (l.unbatched.contains(node.getInput(i))) {
                throw new UnsupportedOpException(l.file + ": Concat node '" + name + "' joins '" + node.getInput(i)
                        + "', which has no batch axis; add an Unsqueeze of axis 0 before it");
            }
            if (l.batchLast.contains(node.getInput(i))) {
                throw new UnsupportedOpException(l.file + ": Concat node '" + name + "' joins '" + node.getInput(i)
                        + "', which holds one sample per column; add a Transpose (perm [1, 0]) before it");
            }
            sources[i] = source;
            shapes.add(l.shapeOf(source));
        }
        int rank = shapes.get(0).rank();
        long sampleAxis = (axis < 0 ? axis + rank + 1 : axis) - 1; // the batch axis comes first
        if (sampleAxis < 0 || sampleAxis >= rank || shapes.stream().anyMatch(shape -> shape.rank() != rank)) {
            throw new UnsupportedOpException(l.file + ": Concat node '" + name + "' joins along axis " + axis + " of "
                    + shapes + " (after the batch axis); only the axes of one sample are supported, in inputs of one rank");
        }
        try {
            if (sampleAxis == 0) {
                l.addNode(node, name, new io.etalon.op.Concat(shapes), sources);
                return;
            }
            // along another axis (Keras joins channels-last activations along their last axis): move that axis first,
            // join, and move it back
            int[] forward = new int[rank];
            int[] back = new int[rank];
            forward[0] = (int) sampleAxis;
            for (int k = 1, d = 0; k < rank; k++, d++) {
                forward[k] = d == sampleAxis ? ++d : d;
            }
            for (int k = 0; k < rank; k++) {
                back[forward[k]] = k;
            }
            List<Shape> moved = new ArrayList<>();
            for (int i = 0; i < sources.length; i++) {
                io.etalon.op.Transpose first = new io.etalon.op.Transpose(shapes.get(i), forward);
                sources[i] = l.addInternal(name + "/to-axis-0/" + i, first, sources[i]);
                moved.add(first.outputShape());
            }
            io.etalon.op.Concat join = new io.etalon.op.Concat(moved);
            int joined = l.addInternal(name + "/join", join, sources);
            l.addNode(node, name, new io.etalon.op.Transpose(join.outputShape(), back), new int[] {joined});
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(l.file + ": Concat node '" + name + "': " + e.getMessage());
        }
    }

    /**
     * Split of an activation along an axis of its sample into parts: each part a 1x1 convolution that selects its
     * channels (of an image), or a dense layer that selects its features (of a vector): exact copies, as weights of 0
     * and 1 add nothing else.
     */
    static void split(Lowering l, NodeProto node, String name) {
        Integer source = l.producers.get(node.getInput(0));
        if (source == null) {
            throw new ModelFormatException(l.file + ": Split node '" + name + "' reads the constant '" + node.getInput(0)
                    + "' with a split computed from the image; not supported");
        }
        Shape in = l.shapeOf(source);
        boolean flat = l.unbatched.contains(node.getInput(0));
        long axis = l.intAttribute(node, "axis", 0);
        long sampleAxis = (axis < 0 ? axis + in.rank() + (flat ? 0 : 1) : axis) - (flat ? 0 : 1);
        if (l.batchLast.contains(node.getInput(0)) || sampleAxis != 0 || in.rank() != 1 && in.rank() != 3) {
            throw new UnsupportedOpException(l.file + ": Split node '" + name + "' splits axis " + axis + " of a " + in
                    + " activation; only the channels of an image or the features of a vector can be split");
        }
        long[] sizes;
        try {
            long[] given = l.opset >= 13 && node.getInputCount() > 1 && !node.getInput(1).isEmpty()
                    ? l.staticValues(node.getInput(1), name) : null;
            sizes = SplitSizes.of(node, l.opset, in.dim(0), given);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(l.file + ": Split node '" + name + "': " + e.getMessage());
        }
        int channels = in.dim(0);
        int start = 0;
        for (int part = 0; part < sizes.length; part++) {
            int size = (int) sizes[part];
            String output = node.getOutput(part);
            if (size == 0 || output.isEmpty() || !l.needed.contains(output)) {
                start += size;
                continue;
            }
            int first = start;
            Op op = selection(in, java.util.stream.IntStream.range(0, size).map(k -> first + k).toArray());
            String layer = l.usedNames.add(output) ? output : name + "/" + part;
            l.usedNames.add(layer);
            l.producers.put(output, l.addInternal(layer, op, source));
            l.setUnbatched(output, flat);
            start += size;
        }
    }

    /**
     * The channels of an image, or the features of a vector, that {@code picked} names, in its order: a 1x1
     * convolution (or a dense layer) whose weights are 0 and 1, so each output is its input exactly.
     */
    private static Op selection(Shape in, int[] picked) {
        int channels = in.dim(0);
        float[] select = new float[picked.length * channels];
        for (int k = 0; k < picked.length; k++) {
            select[k * channels + picked[k]] = 1f;
        }
        return in.rank() == 1 ? new Dense(in, new Tensor(Shape.of(picked.length, channels), select), null)
                : new Conv2d(in, new Tensor(Shape.of(picked.length, channels, 1, 1), select), null, new int[] {1, 1},
                new int[] {0, 0, 0, 0}, new int[] {1, 1});
    }

    /**
     * A Slice of an activation's channels (or a vector's features): ShuffleNet's {@code x.chunk(2, dim=1)}, whose
     * bounds PyTorch computes from the shape ({@link ShapeFolding}). Other axes are refused.
     */
    static void slice(Lowering l, NodeProto node, String name) {
        Lowering.Activation in = l.activation(node, name);
        Shape shape = in.shape();
        boolean flat = in.flat();
        ShapeFolding.SliceBounds bounds = ShapeFolding.SliceBounds.of(l, node, name);
        long[] starts = bounds.starts();
        long[] ends = bounds.ends();
        long[] axes = bounds.axes();
        long[] steps = bounds.steps();
        int rank = shape.rank() + (flat ? 0 : 1);
        if (starts == null || ends == null || starts.length != 1 || ends.length != 1 || axes == null
                || axes.length != 1 || steps != null && steps.length != 1) {
            throw new UnsupportedOpException(l.file + ": Slice node '" + name + "' must slice one axis, named (starts, "
                    + "ends, axes and steps of one value each)");
        }
        long sampleAxis = (axes[0] < 0 ? axes[0] + rank : axes[0]) - (flat ? 0 : 1);
        if (sampleAxis != 0 || shape.rank() != 1 && shape.rank() != 3) {
            throw new UnsupportedOpException(l.file + ": Slice node '" + name + "' slices axis " + axes[0] + " of a "
                    + shape + " activation; only the channels of an image or the features of a vector can be sliced");
        }
        long[] indices = new long[shape.dim(0)];
        for (int c = 0; c < indices.length; c++) {
            indices[c] = c;
        }
        long[] picked = ShapeFolding.slice(l, indices, starts[0], ends[0], steps == null ? 1 : steps[0], name);
        if (picked.length == 0) {
            throw new ModelFormatException(l.file + ": Slice node '" + name + "' keeps none of the " + shape.dim(0)
                    + " channels");
        }
        l.addUnary(node, name, in, java.util.Arrays.equals(picked, indices) ? null
                : selection(shape, java.util.Arrays.stream(picked).mapToInt(v -> (int) v).toArray()));
    }

    static Op pad(Lowering l, NodeProto node, String name, Shape in) {
        String mode = l.attribute(node, "mode") == null ? "constant" : l.attribute(node, "mode").getS().toStringUtf8();
        if (!mode.equals("constant")) {
            throw new UnsupportedOpException(l.file + ": Pad node '" + name + "' uses mode " + mode + "; only constant zero padding is supported");
        }
        long[] pads;
        if (l.opset < 11) {
            int[] attributePads = l.ints(node, "pads", null);
            pads = attributePads == null ? null : java.util.Arrays.stream(attributePads).asLongStream().toArray();
            if (l.floatAttribute(node, "value", 0f) != 0f) {
                throw new UnsupportedOpException(l.file + ": Pad node '" + name + "' pads with a non-zero value");
            }
        } else {
            pads = l.staticValues(node.getInput(1), name);
            if (node.getInputCount() > 2 && !node.getInput(2).isEmpty() && l.floats(node.getInput(2), name).get(0) != 0f) {
                throw new UnsupportedOpException(l.file + ": Pad node '" + name + "' pads with a non-zero value");
            }
        }
        if (pads == null || pads.length != 8 || in.rank() != 3 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
            throw new UnsupportedOpException(l.file + ": Pad node '" + name + "' pads " + java.util.Arrays.toString(pads)
                    + "; only the two spatial dimensions of an NCHW tensor can be padded");
        }
        return new Pad(in, new int[] {(int) pads[2], (int) pads[3], (int) pads[6], (int) pads[7]});
    }
}
