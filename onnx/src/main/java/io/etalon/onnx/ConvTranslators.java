package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import io.etalon.op.Conv2d;
import io.etalon.op.Op;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;

/** Conv and ConvTranspose, 2-D, and the pads every windowed op computes from auto_pad. */
final class ConvTranslators {

    private ConvTranslators() {
    }

    static Op conv(Lowering l, NodeProto node, String name, Shape in) {
        Tensor weight = l.floats(node.getInput(1), name);
        Tensor bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? l.floats(node.getInput(2), name) : null;
        if (weight.shape().rank() != 4 || in.rank() != 3) {
            throw new UnsupportedOpException(l.file + ": Conv node '" + name + "' is not a 2-D convolution (weight " + weight.shape() + ")");
        }
        long group = l.intAttribute(node, "group", 1);
        if (group < 1 || group > in.dim(0) || in.dim(0) % group != 0) {
            throw new ModelFormatException(l.file + ": Conv node '" + name + "' has group " + group + ", which does not divide its "
                    + in.dim(0) + " input channels; the model is inconsistent, re-export it");
        }
        int[] kernel = {weight.shape().dim(2), weight.shape().dim(3)};
        int[] strides = l.ints(node, "strides", new int[] {1, 1});
        int[] dilations = l.ints(node, "dilations", new int[] {1, 1});
        int[] pads = pads(l, node, name, in, kernel, strides, dilations);
        return new Conv2d(in, weight, bias, strides, pads, dilations, (int) group);
    }

    /**
     * ConvTranspose, 2-D. Pads come from {@code pads}, or, as the ONNX definition says, from {@code output_shape} or a
     * SAME auto_pad (output = input x stride): the total cut is split with the smaller half first for SAME_UPPER, last
     * otherwise; an output_shape a little larger than the kernels reach adds output padding.
     */
    static Op convTranspose(Lowering l, NodeProto node, String name, Shape in) {
        Tensor weight = l.floats(node.getInput(1), name);
        Tensor bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? l.floats(node.getInput(2), name) : null;
        if (weight.shape().rank() != 4 || in.rank() != 3) {
            throw new UnsupportedOpException(l.file + ": ConvTranspose node '" + name + "' is not a 2-D transposed convolution"
                    + " (weight " + weight.shape() + ")");
        }
        long group = l.intAttribute(node, "group", 1);
        if (group < 1 || weight.shape().dim(0) != in.dim(0) || in.dim(0) % group != 0) {
            throw new ModelFormatException(l.file + ": ConvTranspose node '" + name + "' has weight " + weight.shape() + " and group "
                    + group + ", which do not fit its " + in.dim(0) + " input channels; the model is inconsistent, re-export it");
        }
        int[] kernel = {weight.shape().dim(2), weight.shape().dim(3)};
        int[] strides = l.ints(node, "strides", new int[] {1, 1});
        int[] dilations = l.ints(node, "dilations", new int[] {1, 1});
        int[] outputPadding = l.ints(node, "output_padding", new int[] {0, 0});
        int[] outputShape = l.ints(node, "output_shape", null);
        if (strides.length != 2 || dilations.length != 2 || outputPadding.length != 2
                || outputShape != null && outputShape.length != 2 && outputShape.length != 4) {
            throw new ModelFormatException(l.file + ": ConvTranspose node '" + name + "' needs 2 strides, dilations, output"
                    + " paddings and output sizes for 2-D");
        }
        AttributeProto autoPad = l.attribute(node, "auto_pad");
        String mode = autoPad == null ? "NOTSET" : autoPad.getS().toStringUtf8();
        int[] pads;
        if (outputShape == null && !mode.startsWith("SAME")) {
            pads = mode.equals("VALID") ? new int[4] : l.ints(node, "pads", new int[4]);
            if (pads.length != 4) {
                throw new ModelFormatException(l.file + ": node '" + name + "' has " + pads.length + " pads; expected 4 for 2-D");
            }
        } else {
            pads = new int[4];
            for (int axis = 0; axis < 2; axis++) {
                int target = outputShape != null ? outputShape[outputShape.length - 2 + axis] : in.dim(axis + 1) * strides[axis];
                int total = strides[axis] * (in.dim(axis + 1) - 1) + outputPadding[axis] + dilations[axis] * (kernel[axis] - 1) + 1
                        - target;
                if (total < 0 && outputPadding[axis] - total < Math.max(strides[axis], dilations[axis])) {
                    // a larger output than the kernels reach: the extra rows at the end hold the bias, as output padding
                    outputPadding[axis] -= total;
                    total = 0;
                } else if (total < 0) {
                    throw new UnsupportedOpException(l.file + ": ConvTranspose node '" + name + "' asks for output size " + target
                            + ", larger than the " + (target + total) + " its input, kernel and strides give; not supported");
                }
                boolean upper = mode.equals("SAME_UPPER");
                pads[axis] = upper ? total / 2 : total - total / 2;
                pads[axis + 2] = total - pads[axis];
            }
        }
        return new io.etalon.op.ConvTranspose2d(in, weight, bias, strides, pads, dilations, (int) group, outputPadding);
    }

    /** Explicit pads, or pads computed from auto_pad (ONNX's SAME_UPPER puts the odd pixel at the end). */
    static int[] pads(Lowering l, NodeProto node, String name, Shape in, int[] kernel, int[] strides, int[] dilations) {
        AttributeProto autoPad = l.attribute(node, "auto_pad");
        String mode = autoPad == null ? "NOTSET" : autoPad.getS().toStringUtf8();
        if (mode.equals("NOTSET")) {
            int[] pads = l.ints(node, "pads", new int[] {0, 0, 0, 0});
            if (pads.length != 4) {
                throw new ModelFormatException(l.file + ": node '" + name + "' has " + pads.length + " pads; expected 4 for 2-D");
            }
            return pads;
        }
        if (mode.equals("VALID")) {
            return new int[] {0, 0, 0, 0};
        }
        int[] pads = new int[4];
        for (int axis = 0; axis < 2; axis++) {
            int size = in.dim(axis + 1);
            int out = (size + strides[axis] - 1) / strides[axis];
            int total = Math.max(0, (out - 1) * strides[axis] + dilations[axis] * (kernel[axis] - 1) + 1 - size);
            int small = total / 2;
            boolean upper = mode.equals("SAME_UPPER");
            pads[axis] = upper ? small : total - small;
            pads[axis + 2] = upper ? total - small : small;
        }
        return pads;
    }
}
