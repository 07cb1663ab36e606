package io.etalon.op;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.List;

/**
 * 2-D convolution (cross-correlation, as in PyTorch and ONNX):
 * {@code out[o,y,x] = bias[o] + sum_{c,i,j} weight[o,c,i,j] * in[c, y*sy - padTop + i*dy, x*sx - padLeft + j*dx]},
 * with zero padding.
 *
 * <p>Shapes: in {@code (C,H,W)}, weight {@code (O,C,KH,KW)}, bias {@code (O)}, out {@code (O,OH,OW)} with
 * {@code OH = (H + padTop + padBottom - dy*(KH-1) - 1) / sy + 1}.
 *
 * <p>All four views share one loop nest: for each weight tap, the output columns whose input column lies inside
 * the image form a contiguous range, so the inner loop is a bounds-check-free axpy the JIT vectorises.
 */
public final class Conv2d implements Op {

    private final Shape inputShape;
    private final Shape outputShape;
    private final float[] weight;
    private final float[] bias;
    private final int outChannels;
    private final int inChannels;
    private final int kernelH;
    private final int kernelW;
    private final int strideH;
    private final int strideW;
    private final int padTop;
    private final int padLeft;
    private final int padBottom;
    private final int padRight;
    private final int dilationH;
    private final int dilationW;

    /**
     * @param weight {@code (O,C,KH,KW)}, copied
     * @param bias   {@code (O)}, copied; {@code null} for none
     * @param stride {@code {sy, sx}}
     * @param pads   {@code {top, left, bottom, right}}
     * @param dilation {@code {dy, dx}}
     */
    public Conv2d(Shape inputShape, Tensor weight, Tensor bias, int[] stride, int[] pads, int[] dilation) {
        if (inputShape.rank() != 3) {
            throw new IllegalArgumentException("Conv2d needs a CxHxW input, got " + inputShape);
        }
        Shape w = weight.shape();
        if (w.rank() != 4 || w.dim(1) != inputShape.dim(0)) {
            throw new IllegalArgumentException(
                    "Conv2d weight " + w + " does not fit input " + inputShape + " (expected Ox" + inputShape.dim(0) + "xKHxKW)");
        }
        if (bias != null && (bias.shape().rank() != 1 || bias.shape().dim(0) != w.dim(0))) {
            throw new IllegalArgumentException("Conv2d bias " + bias.shape() + " does not fit " + w.dim(0) + " output channels");
        }
        if (stride.length != 2 || pads.length != 4 || dilation.length != 2) {
            throw new IllegalArgumentException("Conv2d needs 2 strides, 4 pads and 2 dilations");
        }
        for (int s : stride) {
            if (s <= 0) {
                throw new IllegalArgumentException("Conv2d strides must be positive");
            }
        }
        for (int d : dilation) {
            if (d <= 0) {
                throw new IllegalArgumentException("Conv2d dilations must be positive");
            }
        }
        for (int p : pads) {
            if (p < 0) {
                throw new IllegalArgumentException("Conv2d pads must not be negative");
            }
        }
        this.inputShape = inputShape;
        this.weight = weight.data();
        this.outChannels = w.dim(0);
        this.inChannels = w.dim(1);
        this.kernelH = w.dim(2);
        this.kernelW = w.dim(3);
        this.bias = bias == null ? new float[outChannels] : bias.data();
        this.strideH = stride[0];
        this.strideW = stride[1];
        this.padTop = pads[0];
        this.padLeft = pads[1];
        this.padBottom = pads[2];
        this.padRight = pads[3];
        this.dilationH = dilation[0];
        this.dilationW = dilation[1];
        int outH = (inputShape.dim(1) + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1;
        int outW = (inputShape.dim(2) + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1;
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("Conv2d kernel " + kernelH + "x" + kernelW + " is larger than the padded input " + inputShape);
        }
        this.outputShape = Shape.of(outChannels, outH, outW);
    }

    /** Stride 1, symmetric padding, no dilation. */
    public static Conv2d of(Shape inputShape, Tensor weight, Tensor bias, int padding) {
        return new Conv2d(inputShape, weight, bias, new int[] {1, 1}, new int[] {padding, padding, padding, padding}, new int[] {1, 1});
    }

    @Override
    public String kind() {
        return "Conv2d";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    public int[] stride() {
        return new int[] {strideH, strideW};
    }

    /** {@code {top, left, bottom, right}}. */
    public int[] pads() {
        return new int[] {padTop, padLeft, padBottom, padRight};
    }

    public int[] dilation() {
        return new int[] {dilationH, dilationW};
    }

    public int[] kernel() {
        return new int[] {kernelH, kernelW};
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(new Tensor(Shape.of(outChannels, inChannels, kernelH, kernelW), weight),
                new Tensor(Shape.of(outChannels), bias));
    }

    @Override
    public Op withParameters(List<Tensor> parameters) {
        return new Conv2d(inputShape, parameters.get(0), parameters.get(1), stride(), pads(), dilation());
    }

    // The loops below visit, for one sample, every (o, c, i, j) tap and the output rows y whose input row is
    // inside the image; for each such row the valid output columns are [xLo, xHi).

    private int firstValid(int pad, int tap, int dilation, int stride) {
        int lo = pad - tap * dilation;
        return lo <= 0 ? 0 : (lo + stride - 1) / stride;
    }

    private int endValid(int size, int pad, int tap, int dilation, int stride, int outSize) {
        int hi = size + pad - tap * dilation;
        return hi <= 0 ? 0 : Math.min(outSize, (hi + stride - 1) / stride);
    }

    @Override
    public Op withoutBias() {
        List<Tensor> parameters = parameters();
        return withParameters(List.of(parameters.get(0), Tensor.zeros(parameters.get(1).shape())));
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        // in (rows,C,H,W), weight (O,C,KH,KW) -> out (rows,O,OH,OW)
        float[] in = inputs[0];
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        java.util.Arrays.fill(out, 0, rows * outSize, 0f);
        for (int r = 0; r < rows; r++) {
            int inBase = r * inSize;
            int outBase = r * outSize;
            for (int o = 0; o < outChannels; o++) {
                for (int c = 0; c < inChannels; c++) {
                    for (int i = 0; i < kernelH; i++) {
                        int yLo = firstValid(padTop, i, dilationH, strideH);
                        int yHi = endValid(inH, padTop, i, dilationH, strideH, outH);
                        for (int j = 0; j < kernelW; j++) {
                            float w = weight[((o * inChannels + c) * kernelH + i) * kernelW + j];
                            if (w == 0f) {
                                continue;
                            }
                            int xLo = firstValid(padLeft, j, dilationW, strideW);
                            int xHi = endValid(inW, padLeft, j, dilationW, strideW, outW);
                            for (int y = yLo; y < yHi; y++) {
                                int inRow = inBase + (c * inH + y * strideH - padTop + i * dilationH) * inW - padLeft + j * dilationW;
                                int outRow = outBase + (o * outH + y) * outW;
                                for (int x = xLo; x < xHi; x++) {
                                    out[outRow + x] += w * in[inRow + x * strideW];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void addBias(float[] out, int rows) {
        int plane = outputShape.dim(1) * outputShape.dim(2);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < outChannels; o++) {
                int base = (r * outChannels + o) * plane;
                float b = bias[o];
                for (int k = 0; k < plane; k++) {
                    out[base + k] += b;
                }
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        // gradOut (rows,O,OH,OW), weight (O,C,KH,KW) -> gradIn (rows,C,H,W) +=
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        for (int r = 0; r < rows; r++) {
            int inBase = r * inSize;
            int outBase = r * outSize;
            for (int o = 0; o < outChannels; o++) {
                for (int c = 0; c < inChannels; c++) {
                    for (int i = 0; i < kernelH; i++) {
                        int yLo = firstValid(padTop, i, dilationH, strideH);
                        int yHi = endValid(inH, padTop, i, dilationH, strideH, outH);
                        for (int j = 0; j < kernelW; j++) {
                            float w = weight[((o * inChannels + c) * kernelH + i) * kernelW + j];
                            if (w == 0f) {
                                continue;
                            }
                            int xLo = firstValid(padLeft, j, dilationW, strideW);
                            int xHi = endValid(inW, padLeft, j, dilationW, strideW, outW);
                            for (int y = yLo; y < yHi; y++) {
                                int inRow = inBase + (c * inH + y * strideH - padTop + i * dilationH) * inW - padLeft + j * dilationW;
                                int outRow = outBase + (o * outH + y) * outW;
                                for (int x = xLo; x < xHi; x++) {
                                    gradIn[inRow + x * strideW] += w * gradOut[outRow + x];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Override
    public void accumulateGradients(float[][] inputs, float[] gradOut, int n, float[][] gradParams) {
        // in (n,C,H,W), gradOut (n,O,OH,OW) -> gradWeight (O,C,KH,KW) +=, gradBias (O) +=
        float[] in = inputs[0];
        float[] gradWeight = gradParams[0];
        float[] gradBias = gradParams[1];
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        int plane = outH * outW;
        for (int r = 0; r < n; r++) {
            int inBase = r * inSize;
            int outBase = r * outSize;
            for (int o = 0; o < outChannels; o++) {
                float sum = 0f;
                for (int k = 0; k < plane; k++) {
                    sum += gradOut[outBase + o * plane + k];
                }
                gradBias[o] += sum;
                for (int c = 0; c < inChannels; c++) {
                    for (int i = 0; i < kernelH; i++) {
                        int yLo = firstValid(padTop, i, dilationH, strideH);
                        int yHi = endValid(inH, padTop, i, dilationH, strideH, outH);
                        for (int j = 0; j < kernelW; j++) {
                            int xLo = firstValid(padLeft, j, dilationW, strideW);
                            int xHi = endValid(inW, padLeft, j, dilationW, strideW, outW);
                            float tap = 0f;
                            for (int y = yLo; y < yHi; y++) {
                                int inRow = inBase + (c * inH + y * strideH - padTop + i * dilationH) * inW - padLeft + j * dilationW;
                                int outRow = outBase + (o * outH + y) * outW;
                                for (int x = xLo; x < xHi; x++) {
                                    tap += gradOut[outRow + x] * in[inRow + x * strideW];
                                }
                            }
                            gradWeight[((o * inChannels + c) * kernelH + i) * kernelW + j] += tap;
                        }
                    }
                }
            }
        }
    }

    @Override
    public String describe() {
        return String.format("kernel %dx%d, %d->%d channels, stride %d,%d, pads %d,%d,%d,%d, dilation %d,%d",
                kernelH, kernelW, inChannels, outChannels, strideH, strideW, padTop, padLeft, padBottom, padRight,
                dilationH, dilationW);
    }
}
