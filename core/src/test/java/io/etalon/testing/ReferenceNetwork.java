package io.etalon.testing;

import io.etalon.graph.Network;
import io.etalon.op.Conv2d;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Op;
import io.etalon.op.Relu;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;

/**
 * A naive float64 twin of the engine, written from the op definitions with the plainest loops and no shared code:
 * the independent oracle for forward values and finite differences.
 */
public final class ReferenceNetwork {

    private ReferenceNetwork() {
    }

    /** Every node's output in double for one input; {@code values[k]} is node k's output. */
    public static double[][] forward(Network network, double[] input) {
        double[][] values = new double[network.size()][];
        for (int k = 0; k < network.size(); k++) {
            Network.Node node = network.node(k);
            int source = node.inputs()[0];
            double[] in = source == Network.INPUT ? input : values[source];
            if (node.op() instanceof io.etalon.op.Concat) {
                int total = 0;
                for (int source2 : node.inputs()) {
                    total += source2 == Network.INPUT ? input.length : values[source2].length;
                }
                double[] joined = new double[total];
                int offset = 0;
                for (int source2 : node.inputs()) {
                    double[] part = source2 == Network.INPUT ? input : values[source2];
                    System.arraycopy(part, 0, joined, offset, part.length);
                    offset += part.length;
                }
                values[k] = joined;
                continue;
            }
            if (node.op() instanceof io.etalon.op.Add) {
                int other = node.inputs()[1];
                double[] second = other == Network.INPUT ? input : values[other];
                double[] sum = new double[in.length];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] = in[i] + second[i];
                }
                values[k] = sum;
                continue;
            }
            if (node.op() instanceof io.etalon.op.Extremum extremum) {
                int other = node.inputs()[1];
                double[] second = other == Network.INPUT ? input : values[other];
                double[] out = new double[in.length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = extremum.isMinimum() ? Math.min(in[i], second[i]) : Math.max(in[i], second[i]);
                }
                values[k] = out;
                continue;
            }
            values[k] = apply(node.op(), in);
        }
        return values;
    }

    /** Where output index y samples an input of n values at scale s, as ONNX's Resize defines it (output s n). */
    private static double source(String transform, int y, int n, double s) {
        double m = s * n;
        return switch (transform) {
            case "half_pixel" -> (y + 0.5) / s - 0.5;
            case "pytorch_half_pixel" -> m > 1 ? (y + 0.5) / s - 0.5 : 0;
            case "align_corners" -> m == 1 ? 0 : y * (n - 1.0) / (m - 1.0);
            case "asymmetric" -> y / s;
            default -> throw new IllegalArgumentException(transform);
        };
    }

    /** The network output in double. */
    public static double[] output(Network network, double[] input) {
        double[][] values = forward(network, input);
        return values[values.length - 1];
    }

    private static double[] apply(Op op, double[] in) {
        Shape inShape = op.inputShapes().get(0);
        Shape outShape = op.outputShape();
        double[] out = new double[outShape.size()];
        if (op instanceof Conv2d conv) {
            float[] w = conv.parameters().get(0).data();
            float[] b = conv.parameters().get(1).data();
            int[] k = conv.kernel();
            int[] s = conv.stride();
            int[] p = conv.pads();
            int[] d = conv.dilation();
            // with G groups, output channel o reads the C/G input channels of its group, o / (O/G)
            int channels = inShape.dim(0) / conv.groups();
            int outPerGroup = outShape.dim(0) / conv.groups();
            for (int o = 0; o < outShape.dim(0); o++) {
                int first = (o / outPerGroup) * channels;
                for (int y = 0; y < outShape.dim(1); y++) {
                    for (int x = 0; x < outShape.dim(2); x++) {
                        double sum = b[o];
                        for (int c = 0; c < channels; c++) {
                            for (int i = 0; i < k[0]; i++) {
                                for (int j = 0; j < k[1]; j++) {
                                    int h = y * s[0] - p[0] + i * d[0];
                                    int v = x * s[1] - p[1] + j * d[1];
                                    if (h >= 0 && h < inShape.dim(1) && v >= 0 && v < inShape.dim(2)) {
                                        sum += w[((o * channels + c) * k[0] + i) * k[1] + j]
                                                * in[((first + c) * inShape.dim(1) + h) * inShape.dim(2) + v];
                                    }
                                }
                            }
                        }
                        out[(o * outShape.dim(1) + y) * outShape.dim(2) + x] = sum;
                    }
                }
            }
        } else if (op instanceof io.etalon.op.ConvTranspose2d transposed) {
            // the definition: input value (c, y, x) adds its kernel, scaled, to the output at y * stride - pad + i * dilation
            float[] w = transposed.parameters().get(0).data(); // (C, O/G, KH, KW)
            float[] b = transposed.parameters().get(1).data();
            int[] k = transposed.adjoint().kernel();
            int[] s = transposed.adjoint().stride();
            int[] p = transposed.adjoint().pads();
            int[] d = transposed.adjoint().dilation();
            int groups = transposed.adjoint().groups();
            int inPerGroup = inShape.dim(0) / groups;
            int outPerGroup = outShape.dim(0) / groups;
            int plane = outShape.dim(1) * outShape.dim(2);
            for (int o = 0; o < outShape.dim(0); o++) {
                java.util.Arrays.fill(out, o * plane, (o + 1) * plane, b[o]);
            }
            for (int c = 0; c < inShape.dim(0); c++) {
                int group = c / inPerGroup;
                for (int y = 0; y < inShape.dim(1); y++) {
                    for (int x = 0; x < inShape.dim(2); x++) {
                        double value = in[(c * inShape.dim(1) + y) * inShape.dim(2) + x];
                        for (int m = 0; m < outPerGroup; m++) {
                            int o = group * outPerGroup + m;
                            for (int i = 0; i < k[0]; i++) {
                                for (int j = 0; j < k[1]; j++) {
                                    int h = y * s[0] - p[0] + i * d[0];
                                    int v = x * s[1] - p[1] + j * d[1];
                                    if (h >= 0 && h < outShape.dim(1) && v >= 0 && v < outShape.dim(2)) {
                                        out[(o * outShape.dim(1) + h) * outShape.dim(2) + v]
                                                += w[((c * outPerGroup + m) * k[0] + i) * k[1] + j] * value;
                                    }
                                }
                            }
                        }
                    }
                }
            }
        } else if (op instanceof io.etalon.op.Upsample2d upsample) {
            // the definition: output (c, y, x) is input (c, floor(y / sy), floor(x / sx))
            int[] f = upsample.factors();
            for (int c = 0; c < outShape.dim(0); c++) {
                for (int y = 0; y < outShape.dim(1); y++) {
                    for (int x = 0; x < outShape.dim(2); x++) {
                        out[(c * outShape.dim(1) + y) * outShape.dim(2) + x]
                                = in[(c * inShape.dim(1) + Math.floorDiv(y, f[0])) * inShape.dim(2) + Math.floorDiv(x, f[1])];
                    }
                }
            }
        } else if (op instanceof io.etalon.op.Bilinear2d bilinear) {
            // the definition: output row y samples the input at t(y), between rows floor(t) and floor(t) + 1 (clamped)
            double[] s = bilinear.scales();
            int inH = inShape.dim(1);
            int inW = inShape.dim(2);
            for (int c = 0; c < outShape.dim(0); c++) {
                for (int y = 0; y < outShape.dim(1); y++) {
                    double ty = source(bilinear.transform(), y, inH, s[0]);
                    for (int x = 0; x < outShape.dim(2); x++) {
                        double tx = source(bilinear.transform(), x, inW, s[1]);
                        double sum = 0;
                        for (int dy = 0; dy < 2; dy++) {
                            for (int dx = 0; dx < 2; dx++) {
                                double fy = ty - Math.floor(ty);
                                double fx = tx - Math.floor(tx);
                                double weight = (dy == 0 ? 1 - fy : fy) * (dx == 0 ? 1 - fx : fx);
                                int h = (int) Math.max(0, Math.min(inH - 1, Math.floor(ty) + dy));
                                int w = (int) Math.max(0, Math.min(inW - 1, Math.floor(tx) + dx));
                                sum += weight * in[(c * inH + h) * inW + w];
                            }
                        }
                        out[(c * outShape.dim(1) + y) * outShape.dim(2) + x] = sum;
                    }
                }
            }
        } else if (op instanceof MaxPool2d pool) {
            int[] k = pool.kernel();
            int[] s = pool.stride();
            int[] p = pool.pads();
            for (int c = 0; c < outShape.dim(0); c++) {
                for (int y = 0; y < outShape.dim(1); y++) {
                    for (int x = 0; x < outShape.dim(2); x++) {
                        double best = Double.NEGATIVE_INFINITY;
                        for (int i = 0; i < k[0]; i++) {
                            for (int j = 0; j < k[1]; j++) {
                                int h = y * s[0] - p[0] + i;
                                int v = x * s[1] - p[1] + j;
                                if (h >= 0 && h < inShape.dim(1) && v >= 0 && v < inShape.dim(2)) {
                                    best = Math.max(best, in[(c * inShape.dim(1) + h) * inShape.dim(2) + v]);
                                }
                            }
                        }
                        out[(c * outShape.dim(1) + y) * outShape.dim(2) + x] = best;
                    }
                }
            }
        } else if (op instanceof Dense dense) {
            Tensor weight = dense.parameters().get(0);
            float[] w = weight.data();
            float[] b = dense.parameters().get(1).data();
            int inputs = weight.shape().dim(1);
            for (int o = 0; o < out.length; o++) {
                double sum = b[o];
                for (int i = 0; i < inputs; i++) {
                    sum += w[o * inputs + i] * in[i];
                }
                out[o] = sum;
            }
        } else if (op instanceof Relu) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.max(0, in[i]);
            }
        } else if (op instanceof Flatten) {
            System.arraycopy(in, 0, out, 0, out.length);
        } else if (op instanceof io.etalon.op.Reshape) {
            System.arraycopy(in, 0, out, 0, out.length);
        } else if (op instanceof io.etalon.op.Transpose transpose) {
            int[] perm = transpose.permutation();
            for (int flat = 0; flat < in.length; flat++) {
                int[] from = inShape.coordinates(flat);
                int[] to = new int[from.length];
                for (int axis = 0; axis < to.length; axis++) {
                    to[axis] = from[perm[axis]];
                }
                out[outShape.flatIndex(to)] = in[flat];
            }
        } else if (op instanceof io.etalon.op.ChannelAffine affine) {
            float[] scale = affine.parameters().get(0).data();
            float[] shift = affine.parameters().get(1).data();
            int plane = out.length / scale.length;
            for (int i = 0; i < out.length; i++) {
                out[i] = scale[i / plane] * in[i] + shift[i / plane];
            }
        } else if (op instanceof io.etalon.op.LeakyRelu leaky) {
            float[] slopes = leaky.slopes();
            int plane = out.length / slopes.length;
            for (int i = 0; i < out.length; i++) {
                out[i] = in[i] > 0 ? in[i] : slopes[i / plane] * in[i];
            }
        } else if (op instanceof io.etalon.op.Clip clip) {
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.min(clip.max(), Math.max(clip.min(), in[i]));
            }
        } else if (op instanceof io.etalon.op.PiecewiseLinear function) {
            // the piece whose interval holds the value; at a breakpoint both neighbours give the same value
            float[] breakpoints = function.breakpoints();
            float[] slopes = function.pieceSlopes();
            float[] intercepts = function.pieceIntercepts();
            int pieces = function.pieces();
            int groups = slopes.length / pieces;
            int plane = out.length / groups;
            for (int i = 0; i < out.length; i++) {
                int g = i / plane;
                int piece = 0;
                while (piece < pieces - 1 && in[i] > breakpoints[g * (pieces - 1) + piece]) {
                    piece++;
                }
                out[i] = (double) slopes[g * pieces + piece] * in[i] + intercepts[g * pieces + piece];
            }
        } else if (op instanceof io.etalon.op.Pad padding) {
            int[] p = padding.pads();
            for (int c = 0; c < inShape.dim(0); c++) {
                for (int h = 0; h < inShape.dim(1); h++) {
                    for (int w = 0; w < inShape.dim(2); w++) {
                        out[(c * outShape.dim(1) + h + p[0]) * outShape.dim(2) + w + p[1]] = in[(c * inShape.dim(1) + h) * inShape.dim(2) + w];
                    }
                }
            }
        } else if (op instanceof io.etalon.op.AvgPool2d pool) {
            int[] k = pool.kernel();
            int[] s = pool.stride();
            int[] p = pool.pads();
            for (int c = 0; c < outShape.dim(0); c++) {
                for (int y = 0; y < outShape.dim(1); y++) {
                    for (int x = 0; x < outShape.dim(2); x++) {
                        double sum = 0;
                        int inside = 0;
                        int counted = 0;
                        for (int i = 0; i < k[0]; i++) {
                            for (int j = 0; j < k[1]; j++) {
                                int h = y * s[0] - p[0] + i;
                                int v = x * s[1] - p[1] + j;
                                boolean inPadded = h < inShape.dim(1) + p[2] && v < inShape.dim(2) + p[3];
                                if (h >= 0 && h < inShape.dim(1) && v >= 0 && v < inShape.dim(2)) {
                                    sum += in[(c * inShape.dim(1) + h) * inShape.dim(2) + v];
                                    inside++;
                                }
                                if (inPadded) {
                                    counted++;
                                }
                            }
                        }
                        out[(c * outShape.dim(1) + y) * outShape.dim(2) + x] = sum / (pool.countPadding() ? counted : inside);
                    }
                }
            }
        } else {
            throw new IllegalArgumentException("no reference for " + op.kind());
        }
        return out;
    }
}
