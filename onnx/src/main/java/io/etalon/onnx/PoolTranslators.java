package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.etalon.op.AvgPool2d;
import io.etalon.op.Conv2d;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Op;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** MaxPool, AveragePool, their global forms, and the reductions that pool: ReduceMean and ReduceMax over
 * the spatial axes, ReduceSum. */
final class PoolTranslators {

    private PoolTranslators() {
    }

    static Op maxPool(Lowering l, NodeProto node, String name, Shape in) {
        if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
            throw new UnsupportedOpException(l.file + ": MaxPool node '" + name + "' also outputs indices; this is not supported");
        }
        int[] kernel = l.ints(node, "kernel_shape", null);
        if (kernel == null || kernel.length != 2) {
            throw new ModelFormatException(l.file + ": MaxPool node '" + name + "' needs a 2-D kernel_shape");
        }
        int[] strides = l.ints(node, "strides", new int[] {1, 1});
        int[] dilations = l.ints(node, "dilations", new int[] {1, 1});
        if (strides.length != 2 || dilations.length != 2) {
            throw new ModelFormatException(l.file + ": MaxPool node '" + name + "' has " + strides.length + " strides and "
                    + dilations.length + " dilations; expected 2 of each for 2-D");
        }
        return new MaxPool2d(in, kernel, strides, ConvTranslators.pads(l, node, name, in, kernel, strides, dilations), dilations,
                l.intAttribute(node, "ceil_mode", 0) != 0);
    }

    static Op averagePool(Lowering l, NodeProto node, String name, Shape in) {
        int[] kernel = l.ints(node, "kernel_shape", null);
        if (kernel == null || kernel.length != 2 || in.rank() != 3) {
            throw new UnsupportedOpException(l.file + ": AveragePool node '" + name + "' is not a 2-D pooling");
        }
        int[] strides = l.ints(node, "strides", new int[] {1, 1});
        return new AvgPool2d(in, kernel, strides, ConvTranslators.pads(l, node, name, in, kernel, strides, new int[] {1, 1}),
                l.intAttribute(node, "count_include_pad", 0) != 0, l.intAttribute(node, "ceil_mode", 0) != 0);
    }

    static MaxPool2d globalMaxPool(Shape in) {
        return new MaxPool2d(in, new int[] {in.dim(1), in.dim(2)}, new int[] {1, 1}, new int[] {0, 0, 0, 0});
    }

    /**
     * ReduceMean or ReduceMax over the two spatial axes of an image-shaped activation, as Keras's global pooling layers
     * reach ONNX through tf2onnx: axes [2, 3] of NCHW (a global pool), or axes [1, 2] of NHWC (a transpose to CHW, the
     * pool, then the values as the node's output shape; the order of C values is the same). Other axes are refused.
     */
    static void spatialReduction(Lowering l, NodeProto node, String name, Lowering.Activation activation) {
        String type = node.getOpType();
        Shape in = activation.shape();
        int source = activation.source();
        long[] axes = l.attribute(node, "axes") != null ? l.longsAttribute(node, "axes")
                : node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? l.staticValues(node.getInput(1), name) : null;
        boolean keep = l.intAttribute(node, "keepdims", 1) != 0;
        java.util.Set<Long> sampleAxes = new java.util.TreeSet<>();
        for (long axis : axes == null ? new long[0] : axes) {
            sampleAxes.add((axis < 0 ? axis + in.rank() + 1 : axis) - 1); // the batch axis comes first
        }
        boolean channelsFirst = in.rank() == 3 && sampleAxes.equals(java.util.Set.of(1L, 2L));
        boolean channelsLast = in.rank() == 3 && sampleAxes.equals(java.util.Set.of(0L, 1L));
        if (!channelsFirst && !channelsLast && type.equals("ReduceMean") && axes != null) {
            denseReduction(l, node, name, activation, sampleAxes, keep, true);
            return;
        }
        if (!channelsFirst && !channelsLast) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' reduces axes "
                    + (axes == null ? "(all)" : Arrays.toString(axes)) + " of a [batch, " + in + "] activation; only the two"
                    + " spatial axes (a global pool: [2, 3] of NCHW or [1, 2] of NHWC) are supported");
        }
        Shape image = channelsFirst ? in : Shape.of(in.dim(2), in.dim(0), in.dim(1));
        int channels = image.dim(0);
        List<Op> chain = new ArrayList<>();
        if (channelsLast) {
            chain.add(new io.etalon.op.Transpose(in, new int[] {2, 0, 1}));
        }
        chain.add(type.equals("ReduceMean") ? AvgPool2d.global(image) : globalMaxPool(image));
        Shape pooled = Shape.of(channels, 1, 1);
        Shape result = !keep ? Shape.of(channels) : channelsFirst ? pooled : Shape.of(1, 1, channels);
        if (!result.equals(pooled)) {
            chain.add(new io.etalon.op.Reshape(pooled, result));
        }
        int from = source;
        for (int k = 0; k < chain.size() - 1; k++) {
            from = l.addInternal(name + "/" + chain.get(k).kind().toLowerCase(java.util.Locale.ROOT), chain.get(k), from);
        }
        l.addNode(node, name, chain.get(chain.size() - 1), new int[] {from});
    }

    /**
     * ReduceSum over the two spatial axes of an image (a depthwise convolution with a kernel of ones over the whole
     * plane), over its channels (a 1x1 convolution of ones), or over all features of a vector (a dense layer of
     * ones); keepdims 0 or 1.
     */
    static void reduceSum(Lowering l, NodeProto node, String name, Lowering.Activation activation) {
        Shape in = activation.shape();
        int source = activation.source();
        boolean flat = activation.flat();
        long[] axes = l.opset < 13 ? l.longsAttribute(node, "axes")
                : node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? l.staticValues(node.getInput(1), name) : null;
        boolean keep = l.intAttribute(node, "keepdims", 1) != 0;
        java.util.Set<Long> sampleAxes = new java.util.TreeSet<>();
        int offset = flat ? 0 : 1;
        if (axes == null) {
            for (long a = 0; a < in.rank(); a++) {
                sampleAxes.add(a);
            }
            if (!flat) {
                sampleAxes.add(-1L); // the batch axis too
            }
        } else {
            for (long axis : axes) {
                sampleAxes.add((axis < 0 ? axis + in.rank() + offset : axis) - offset);
            }
        }
        Op op;
        Shape result;
        if (in.rank() == 3 && sampleAxes.equals(java.util.Set.of(1L, 2L))) {
            float[] ones = new float[in.dim(0) * in.dim(1) * in.dim(2)];
            Arrays.fill(ones, 1f);
            op = new Conv2d(in, new Tensor(Shape.of(in.dim(0), 1, in.dim(1), in.dim(2)), ones), null, new int[] {1, 1},
                    new int[] {0, 0, 0, 0}, new int[] {1, 1}, in.dim(0));
            result = keep ? op.outputShape() : Shape.of(in.dim(0));
        } else if (in.rank() == 3 && sampleAxes.equals(java.util.Set.of(0L))) {
            float[] ones = new float[in.dim(0)];
            Arrays.fill(ones, 1f);
            op = new Conv2d(in, new Tensor(Shape.of(1, in.dim(0), 1, 1), ones), null, new int[] {1, 1},
                    new int[] {0, 0, 0, 0}, new int[] {1, 1});
            result = keep ? op.outputShape() : Shape.of(in.dim(1), in.dim(2));
        } else if (in.rank() == 1 && sampleAxes.equals(java.util.Set.of(0L))) {
            float[] ones = new float[in.dim(0)];
            Arrays.fill(ones, 1f);
            op = new Dense(in, new Tensor(Shape.of(1, in.dim(0)), ones), null);
            result = op.outputShape();
        } else {
            denseReduction(l, node, name, activation, sampleAxes, keep, false);
            return;
        }
        if (result.equals(op.outputShape())) {
            l.addNode(node, name, op, new int[] {source});
            return;
        }
        int summed = l.addInternal(name + "/sum", op, source);
        l.addNode(node, name, new io.etalon.op.Reshape(op.outputShape(), result), new int[] {summed});
    }

    /** Largest weight matrix a reduction over other axes may take (values of input times values of output). */
    private static final long MAX_DENSE_REDUCTION = 1L << 22;

    /**
     * A sum or mean over any axes of one sample (not the batch) as a dense layer of 1 (or 1/n) on the flattened sample,
     * then the kept shape: for the small activations where such a reduction appears outside of global pooling.
     */
    private static void denseReduction(Lowering l, NodeProto node, String name, Lowering.Activation activation,
                                       java.util.Set<Long> sampleAxes, boolean keep, boolean mean) {
        Shape in = activation.shape();
        String type = node.getOpType();
        int rank = in.rank();
        boolean inRange = sampleAxes.stream().allMatch(axis -> axis >= 0 && axis < rank);
        int[] kept = new int[rank];
        long reduced = 1;
        for (int k = 0; k < rank; k++) {
            boolean summed = sampleAxes.contains((long) k);
            kept[k] = summed ? 1 : in.dim(k);
            reduced *= summed ? in.dim(k) : 1;
        }
        long outputs = in.size() / reduced;
        if (!inRange || sampleAxes.isEmpty() || outputs * in.size() > MAX_DENSE_REDUCTION) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' reduces axes " + sampleAxes
                    + " of a [batch, " + in + "] activation (counted after the batch axis); only axes of one sample are"
                    + " supported, and beyond global pooling only for samples of at most " + MAX_DENSE_REDUCTION
                    + " input x output values");
        }
        Shape keptShape = Shape.of(kept);
        float[] weight = new float[(int) (outputs * in.size())];
        float value = mean ? (float) (1.0 / reduced) : 1f;
        for (int i = 0; i < in.size(); i++) {
            int[] at = in.coordinates(i);
            for (int k = 0; k < rank; k++) {
                at[k] = kept[k] == 1 ? 0 : at[k];
            }
            weight[keptShape.flatIndex(at) * in.size() + i] = value;
        }
        int[] dropped = java.util.stream.IntStream.range(0, rank).filter(k -> !sampleAxes.contains((long) k))
                .map(in::dim).toArray();
        Shape result = keep ? keptShape : Shape.of(dropped.length == 0 ? new int[] {1} : dropped);
        int from = activation.source();
        if (rank > 1) {
            from = l.addInternal(name + "/flatten", new Flatten(in), from);
        }
        Dense dense = new Dense(Shape.of(in.size()), new Tensor(Shape.of((int) outputs, in.size()), weight), null);
        if (result.equals(dense.outputShape())) {
            l.addNode(node, name, dense, new int[] {from});
            return;
        }
        int summed = l.addInternal(name + "/" + (mean ? "mean" : "sum"), dense, from);
        l.addNode(node, name, new io.etalon.op.Reshape(dense.outputShape(), result), new int[] {summed});
    }
}
