package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.etalon.op.Op;
import io.etalon.tensor.Shape;

/** Resize and Upsample on the spatial axes, nearest by whole factors or (bi)linear. */
final class ResizeTranslators {

    private ResizeTranslators() {
    }

    /**
     * Resize or Upsample on the spatial axes of NCHW (of NHWC too, between two transposes). Linear mode becomes {@link
     * io.etalon.op.Bilinear2d} (any size;
     * opsets before 11 use asymmetric coordinates). Nearest mode by whole factors becomes {@link
     * io.etalon.op.Upsample2d}, which copies input {@code floor(y / s)} to output y: the coordinate transformation and
     * rounding the node states are worked through for every output row and column, and the node is taken only if they
     * give exactly those blocks (they do for the usual settings; opsets before 11 use floor by definition).
     */
    static void resize(Lowering l, NodeProto node, String name, Lowering.Activation activation) {
        String type = node.getOpType();
        Shape in = activation.shape();
        int source = activation.source();
        if (in.rank() != 3) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' resizes a [batch, " + in
                    + "] activation; only images (NCHW or NHWC) are supported");
        }
        double[] factors = new double[4];
        long[] sizes = null;
        AttributeProto scalesAttribute = l.attribute(node, "scales");
        if (scalesAttribute != null) { // Upsample, l.opset 7
            for (int k = 0; k < Math.min(4, scalesAttribute.getFloatsCount()); k++) {
                factors[k] = scalesAttribute.getFloats(k);
            }
        } else {
            int scalesInput = type.equals("Resize") && l.opset >= 11 ? 2 : 1;
            TensorProto stated = node.getInputCount() > scalesInput ? l.constants.get(node.getInput(scalesInput)) : null;
            boolean empty = stated != null && stated.getDimsList().contains(0L); // exporters write [0] for "use sizes"
            if (node.getInputCount() > scalesInput && !node.getInput(scalesInput).isEmpty() && !empty) {
                float[] scales = l.floats(node.getInput(scalesInput), name).data();
                for (int k = 0; k < Math.min(4, scales.length); k++) {
                    factors[k] = scales[k];
                }
            } else if (node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
                sizes = l.staticValues(node.getInput(3), name);
            }
        }
        if (sizes != null && sizes.length != 4) {
            throw new ModelFormatException(l.file + ": " + type + " node '" + name + "' gives " + sizes.length
                    + " sizes for a 4-axis activation; the model is inconsistent, re-export it");
        }
        // channels last (tf2onnx's resize of NHWC): the two middle axes scale, the last keeps its size
        boolean channelsLast = sizes != null ? sizes[3] == in.dim(2) && sizes[1] != in.dim(0)
                : factors[0] == 1 && factors[3] == 1 && factors[1] != 1;
        if (!channelsLast) {
            l.addNode(node, name, upsample(l, node, name, type, in, factors, sizes), new int[] {source});
            return;
        }
        Shape image = Shape.of(in.dim(2), in.dim(0), in.dim(1));
        double[] reordered = {factors[0], factors[3], factors[1], factors[2]};
        long[] reorderedSizes = sizes == null ? null : new long[] {sizes[0], sizes[3], sizes[1], sizes[2]};
        io.etalon.op.Transpose first = new io.etalon.op.Transpose(in, new int[] {2, 0, 1});
        int channelsFirst = l.addInternal(name + "/to-nchw", first, source);
        Op resized = upsample(l, node, name, type, image, reordered, reorderedSizes);
        int done = l.addInternal(name + "/nchw", resized, channelsFirst);
        l.addNode(node, name, new io.etalon.op.Transpose(resized.outputShape(), new int[] {1, 2, 0}), new int[] {done});
    }

    static Op upsample(Lowering l, NodeProto node, String name, String type, Shape in, double[] factors, long[] sizes) {
        AttributeProto modeAttribute = l.attribute(node, "mode");
        String mode = modeAttribute == null ? "nearest" : modeAttribute.getS().toStringUtf8();
        boolean linear = mode.equals("linear") || mode.equals("bilinear");
        if (!mode.equals("nearest") && !linear) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' uses mode " + mode
                    + "; only nearest and linear are supported");
        }
        boolean channelsKept = sizes != null ? sizes[1] == in.dim(0) : factors[0] == 1 && factors[1] == 1;
        if (!channelsKept) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' resizes the batch or channel axis;"
                    + " only the two spatial axes of NCHW or NHWC are supported");
        }
        String transform = l.opset < 11 ? "asymmetric" : l.stringAttribute(node, "coordinate_transformation_mode", "half_pixel");
        if (linear) {
            // output size floor(n * scale), or the size given (and then the scale is output / input), as ONNX defines
            int[] size = new int[2];
            double[] scale = new double[2];
            for (int axis = 0; axis < 2; axis++) {
                int n = in.dim(axis + 1);
                size[axis] = sizes != null ? (int) sizes[axis + 2] : (int) Math.floor(n * factors[axis + 2]);
                scale[axis] = sizes != null ? (double) sizes[axis + 2] / n : factors[axis + 2];
                if (size[axis] < 1 || size[axis] > 1 << 14) {
                    throw new ModelFormatException(l.file + ": " + type + " node '" + name + "' resizes axis " + (axis + 2)
                            + " to " + size[axis] + " values; the model is inconsistent, re-export it");
                }
                if (l.intAttribute(node, "antialias", 0) != 0 && size[axis] < n) {
                    throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' shrinks with antialias;"
                            + " only resizing without antialias is supported");
                }
            }
            if (!java.util.Set.of("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric").contains(transform)) {
                throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' uses coordinate_transformation_mode "
                        + transform + "; linear resizing supports half_pixel, pytorch_half_pixel, align_corners and asymmetric");
            }
            return new io.etalon.op.Bilinear2d(in, size, transform, scale);
        }
        int[] whole = new int[2];
        for (int axis = 0; axis < 2; axis++) {
            int n = in.dim(axis + 1);
            double factor = sizes != null ? (double) sizes[axis + 2] / n : factors[axis + 2];
            whole[axis] = (int) Math.round(factor);
            if (whole[axis] < 1 || Math.abs(factor - whole[axis]) > 1e-6) {
                throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' scales axis " + (axis + 2)
                        + " by " + factor + "; nearest resizing supports whole factors of at least 1");
            }
        }
        String rounding = l.opset < 11 ? "floor" : l.stringAttribute(node, "nearest_mode", "round_prefer_floor");
        for (int axis = 0; axis < 2; axis++) {
            int n = in.dim(axis + 1);
            int s = whole[axis];
            for (int y = 0; y < n * s; y++) {
                if (nearestSource(l, y, n, s, transform, rounding, name, type) != y / s) {
                    throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' with coordinate_transformation_mode "
                            + transform + " and nearest_mode " + rounding + " reads input " + nearestSource(l, y, n, s, transform,
                            rounding, name, type) + " for output " + y + " at factor " + s + ", not whole blocks; not supported");
                }
            }
        }
        return new io.etalon.op.Upsample2d(in, whole);
    }

    /** The input index ONNX's nearest Resize reads for output index y (input size n, factor s), clamped to the input. */
    static long nearestSource(Lowering l, int y, int n, int s, String transform, String rounding, String name, String type) {
        double x;
        try {
            x = io.etalon.op.ResizeCoordinates.source(transform, y, n, s);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name
                    + "' uses coordinate_transformation_mode " + transform + "; not supported");
        }
        double fraction = x - Math.floor(x);
        long index = switch (rounding) {
            case "floor" -> (long) Math.floor(x);
            case "ceil" -> (long) Math.ceil(x);
            case "round_prefer_floor" -> fraction == 0.5 ? (long) Math.floor(x) : Math.round(x);
            case "round_prefer_ceil" -> fraction == 0.5 ? (long) Math.ceil(x) : Math.round(x);
            default -> throw new ModelFormatException(l.file + ": " + type + " node '" + name + "' has nearest_mode " + rounding
                    + ", which ONNX does not define");
        };
        return Math.max(0, Math.min(n - 1, index));
    }
}
