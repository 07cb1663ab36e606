package io.etalon.op;

import io.etalon.kernel.Kernels;
import io.etalon.kernel.Parallel;
import io.etalon.tensor.Shape;
import java.util.List;

/**
 * 2-D average pooling, a linear map: {@code out[c,y,x] = mean of in over the window}. Padded positions count in
 * the divisor only when {@code countPadding} is set (ONNX {@code count_include_pad}); a global average pool is a
 * window the size of the input.
 *
 * <p>Shapes: in {@code (C,H,W)}, out {@code (C,OH,OW)} with {@code OH = floor((H + padTop + padBottom - KH) / sy) + 1};
 * in ceil mode the division rounds up. A last window that hangs over the padded input averages what it covers: the
 * inputs, plus the explicit padding when it is counted, but never the positions past the padding (as the ONNX
 * reference and PyTorch do).
 */
public final class AvgPool2d implements Op {

    private static final Kernels KERNELS = Kernels.best();

    private final Shape inputShape;
    private final Shape outputShape;
    private final int[] kernel;
    private final int[] stride;
    private final int[] pads;
    private final boolean countPadding;
    private final boolean ceilMode;

    /** Floor mode: {@link #AvgPool2d(Shape, int[], int[], int[], boolean, boolean)} without ceil mode. */
    public AvgPool2d(Shape inputShape, int[] kernel, int[] stride, int[] pads, boolean countPadding) {
        this(inputShape, kernel, stride, pads, countPadding, false);
    }

    /**
     * @param kernel {@code {KH, KW}}
     * @param stride {@code {sy, sx}}
     * @param pads   {@code {top, left, bottom, right}}
     * @param ceilMode round the output size up: a last window may hang over the bottom and right edges
     */
    public AvgPool2d(Shape inputShape, int[] kernel, int[] stride, int[] pads, boolean countPadding, boolean ceilMode) {
        if (inputShape.rank() != 3 || kernel.length != 2 || stride.length != 2 || pads.length != 4) {
            throw new IllegalArgumentException("AvgPool2d needs a CxHxW input, 2 kernel sizes, 2 strides and 4 pads");
        }
        if (kernel[0] <= 0 || kernel[1] <= 0 || stride[0] <= 0 || stride[1] <= 0
                || pads[0] < 0 || pads[1] < 0 || pads[2] < 0 || pads[3] < 0) {
            throw new IllegalArgumentException("AvgPool2d kernel and strides must be positive and pads not negative");
        }
        this.inputShape = inputShape;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.pads = pads.clone();
        this.countPadding = countPadding;
        this.ceilMode = ceilMode;
        int outH = PoolWindows.outputSize(inputShape.dim(1), pads[0], pads[2], kernel[0], stride[0], ceilMode);
        int outW = PoolWindows.outputSize(inputShape.dim(2), pads[1], pads[3], kernel[1], stride[1], ceilMode);
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("AvgPool2d window is larger than the input " + inputShape);
        }
        this.outputShape = Shape.of(inputShape.dim(0), outH, outW);
    }

    /** Average over each whole channel: ONNX GlobalAveragePool. */
    public static AvgPool2d global(Shape inputShape) {
        return new AvgPool2d(inputShape, new int[] {inputShape.dim(1), inputShape.dim(2)}, new int[] {1, 1},
                new int[] {0, 0, 0, 0}, false);
    }

    @Override
    public String kind() {
        return "AvgPool2d";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    public int[] kernel() {
        return kernel.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] pads() {
        return pads.clone();
    }

    public boolean countPadding() {
        return countPadding;
    }

    /** True if the output size is rounded up (ONNX {@code ceil_mode}). */
    public boolean ceilMode() {
        return ceilMode;
    }

    /** Visits every (output, input, weight) triple of one sample; forward and transpose share it. */
    private interface Visitor {
        void visit(int output, int input, float weight);
    }

    private void forEachTap(Visitor visitor) {
        int channels = inputShape.dim(0);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < outH; y++) {
                int top = y * stride[0] - pads[0];
                int hLo = Math.max(0, top);
                int hHi = Math.min(inH, top + kernel[0]);
                for (int x = 0; x < outW; x++) {
                    int left = x * stride[1] - pads[1];
                    int wLo = Math.max(0, left);
                    int wHi = Math.min(inW, left + kernel[1]);
                    int count = countPadding
                            ? (Math.min(inH + pads[2], top + kernel[0]) - top) * (Math.min(inW + pads[3], left + kernel[1]) - left)
                            : (hHi - hLo) * (wHi - wLo);
                    float weight = 1f / count;
                    int output = (c * outH + y) * outW + x;
                    for (int h = hLo; h < hHi; h++) {
                        for (int w = wLo; w < wHi; w++) {
                            visitor.visit(output, (c * inH + h) * inW + w, weight);
                        }
                    }
                }
            }
        }
    }

    /** Whether each window is a whole plane: one mean per channel (a global average pool). */
    private boolean global() {
        return outputShape.dim(1) == 1 && outputShape.dim(2) == 1 && kernel[0] == inputShape.dim(1)
                && kernel[1] == inputShape.dim(2) && pads[0] == 0 && pads[1] == 0 && pads[2] == 0 && pads[3] == 0;
    }

    /**
     * A global pool's means of every channel of one sample: the same float sums, value by value in plane order, as
     * {@link #forEachTap}'s ({@link Kernels#planeMeans}), its channels shared out among threads by whole vectors of
     * them when there are many (SqueezeNet's 1,000 of 13x13, which one core took 0.08 ms over).
     */
    private void globalMeans(float[] in, int inBase, float[] out, int outBase) {
        int channels = inputShape.dim(0);
        int plane = inputShape.dim(1) * inputShape.dim(2);
        int lanes = KERNELS.lanes();
        int blocks = Parallel.blocksOfValues((long) channels * plane, (channels + lanes - 1) / lanes);
        Parallel.forRanges(channels, blocks, lanes, (block, first, end) -> KERNELS.planeMeans(in,
                inBase + first * plane, end - first, plane, 1f / plane, out, outBase + first));
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        if (global()) {
            for (int r = 0; r < rows; r++) {
                globalMeans(in, r * inSize, out, r * outSize);
            }
            return;
        }
        java.util.Arrays.fill(out, 0, rows * outSize, 0f);
        for (int r = 0; r < rows; r++) {
            int inBase = r * inSize;
            int outBase = r * outSize;
            forEachTap((output, input, weight) -> out[outBase + output] += weight * in[inBase + input]);
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        for (int r = 0; r < rows; r++) {
            int inBase = r * inSize;
            int outBase = r * outSize;
            forEachTap((output, input, weight) -> gradIn[inBase + input] += weight * gradOut[outBase + output]);
        }
    }

    @Override
    public String describe() {
        return String.format("window %dx%d, stride %d,%d, pads %d,%d,%d,%d%s%s", kernel[0], kernel[1], stride[0], stride[1],
                pads[0], pads[1], pads[2], pads[3], countPadding ? ", padding counted" : "", ceilMode ? ", ceil mode" : "");
    }
}
