package io.etalon.op;

import io.etalon.kernel.Parallel;
import io.etalon.tensor.Shape;
import java.util.List;

/**
 * 2-D max pooling: {@code out[c,y,x] = max over the window of in[c, y*sy - padTop + i*dy, x*sx - padLeft + j*dx]}
 * for {@code 0 <= i < KH, 0 <= j < KW}, with dilations {@code dy, dx} (1: a dense window). Padded positions never win
 * (they count as minus infinity).
 *
 * <p>Its switch per output is the winner: the flat index {@code c*H*W + h*W + w} of the input it copies.
 * The winner is the <em>first maximum in row-major window order</em>, as in PyTorch autograd and ONNX Runtime.
 * On MNIST, windows of equal values are the common case (flat background), so this rule decides which etalon
 * is reported; a window with several maxima counts as one tie.
 *
 * <p>Shapes: in {@code (C,H,W)}, out {@code (C,OH,OW)} with {@code OH = floor((H + padTop + padBottom - (KH-1)*dy - 1) / sy) + 1};
 * in ceil mode (ONNX {@code ceil_mode}, PyTorch {@code ceil_mode=True}) the division rounds up, and the extra last
 * window, cut off by the bottom or right edge, takes the maximum of the inputs it covers.
 */
public final class MaxPool2d implements Op, Selection {

    private static final io.etalon.kernel.Kernels KERNELS = io.etalon.kernel.Kernels.best();
    /** The windows the padding or the ceil mode cuts, one at a time: {@code poolMax} of one window. */
    private static final io.etalon.kernel.Kernels CUT = io.etalon.kernel.Kernels.scalar();

    private final Shape inputShape;
    private final Shape outputShape;
    /** 2x2 windows at stride 2, no padding, tiling the input exactly: the unrolled paths apply. */
    private final boolean tilesTwoByTwo;
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
    private final boolean ceilMode;

    /** Floor mode: {@link #MaxPool2d(Shape, int[], int[], int[], boolean)} without ceil mode. */
    public MaxPool2d(Shape inputShape, int[] kernel, int[] stride, int[] pads) {
        this(inputShape, kernel, stride, pads, false);
    }

    /**
     * @param kernel {@code {KH, KW}}
     * @param stride {@code {sy, sx}}
     * @param pads   {@code {top, left, bottom, right}}, each smaller than the kernel
     * @param ceilMode round the output size up: a last window may hang over the bottom and right edges
     */
    public MaxPool2d(Shape inputShape, int[] kernel, int[] stride, int[] pads, boolean ceilMode) {
        this(inputShape, kernel, stride, pads, new int[] {1, 1}, ceilMode);
    }

    /**
     * @param kernel    {@code {KH, KW}}, the number of inputs a window compares along each axis
     * @param stride    {@code {sy, sx}}
     * @param pads      {@code {top, left, bottom, right}}, each smaller than the window's extent {@code (K-1)*d + 1}
     * @param dilations {@code {dy, dx}}: a window takes every d-th input (ONNX {@code dilations}, PyTorch
     *                  {@code dilation}); every window must still cover at least one input
     * @param ceilMode  round the output size up: a last window may hang over the bottom and right edges
     */
    public MaxPool2d(Shape inputShape, int[] kernel, int[] stride, int[] pads, int[] dilations, boolean ceilMode) {
        if (inputShape.rank() != 3) {
            throw new IllegalArgumentException("MaxPool2d needs a CxHxW input, got " + inputShape);
        }
        if (kernel.length != 2 || stride.length != 2 || pads.length != 4 || dilations.length != 2) {
            throw new IllegalArgumentException("MaxPool2d needs 2 kernel sizes, 2 strides, 4 pads and 2 dilations");
        }
        if (kernel[0] <= 0 || kernel[1] <= 0 || stride[0] <= 0 || stride[1] <= 0 || dilations[0] <= 0 || dilations[1] <= 0) {
            throw new IllegalArgumentException("MaxPool2d kernel, strides and dilations must be positive");
        }
        int extentH = (kernel[0] - 1) * dilations[0] + 1;
        int extentW = (kernel[1] - 1) * dilations[1] + 1;
        if (pads[0] < 0 || pads[1] < 0 || pads[2] < 0 || pads[3] < 0
                || pads[0] >= extentH || pads[2] >= extentH || pads[1] >= extentW || pads[3] >= extentW) {
            throw new IllegalArgumentException("MaxPool2d pads must be at least 0 and smaller than the kernel");
        }
        this.inputShape = inputShape;
        this.kernelH = kernel[0];
        this.kernelW = kernel[1];
        this.strideH = stride[0];
        this.strideW = stride[1];
        this.padTop = pads[0];
        this.padLeft = pads[1];
        this.padBottom = pads[2];
        this.padRight = pads[3];
        this.dilationH = dilations[0];
        this.dilationW = dilations[1];
        this.ceilMode = ceilMode;
        int outH = PoolWindows.outputSize(inputShape.dim(1), padTop, padBottom, extentH, strideH, ceilMode);
        int outW = PoolWindows.outputSize(inputShape.dim(2), padLeft, padRight, extentW, strideW, ceilMode);
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("MaxPool2d window " + extentH + "x" + extentW + " is larger than the input " + inputShape);
        }
        for (int y = 0; y < outH; y++) {
            if (firstTap(y * strideH - padTop, dilationH) >= lastTap(y * strideH - padTop, kernelH, dilationH, inputShape.dim(1))) {
                throw new IllegalArgumentException("MaxPool2d window row " + y + " covers only padding (dilation " + dilationH + ")");
            }
        }
        for (int x = 0; x < outW; x++) {
            if (firstTap(x * strideW - padLeft, dilationW) >= lastTap(x * strideW - padLeft, kernelW, dilationW, inputShape.dim(2))) {
                throw new IllegalArgumentException("MaxPool2d window column " + x + " covers only padding (dilation " + dilationW + ")");
            }
        }
        this.outputShape = Shape.of(inputShape.dim(0), outH, outW);
        this.tilesTwoByTwo = kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2 && padTop == 0 && padLeft == 0
                && padBottom == 0 && padRight == 0 && dilationH == 1 && dilationW == 1
                && 2 * outH == inputShape.dim(1) && 2 * outW == inputShape.dim(2);
    }

    /** The first input position a window starting at {@code start} (maybe in the padding) takes: on its grid, at least 0. */
    static int firstTap(int start, int dilation) {
        return start >= 0 ? start : start + Math.floorDiv(-start + dilation - 1, dilation) * dilation;
    }

    /** One past the last input position the window can take: its end, or the input's. */
    static int lastTap(int start, int kernel, int dilation, int size) {
        return Math.min(size, start + (kernel - 1) * dilation + 1);
    }

    /** Whether the windows are 2x2 at stride 2 and tile the input exactly, with no padding (LeNet's pooling). */
    public boolean tilesTwoByTwo() {
        return tilesTwoByTwo;
    }

    /** Square window, stride equal to the window, no padding (LeNet's pooling). */
    public static MaxPool2d of(Shape inputShape, int size) {
        return new MaxPool2d(inputShape, new int[] {size, size}, new int[] {size, size}, new int[] {0, 0, 0, 0});
    }

    @Override
    public String kind() {
        return "MaxPool2d";
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
        return new int[] {kernelH, kernelW};
    }

    public int[] stride() {
        return new int[] {strideH, strideW};
    }

    /** {@code {top, left, bottom, right}}. */
    public int[] pads() {
        return new int[] {padTop, padLeft, padBottom, padRight};
    }

    /** {@code {dy, dx}}: 1 for a dense window. */
    public int[] dilations() {
        return new int[] {dilationH, dilationW};
    }

    /** True if the output size is rounded up (ONNX {@code ceil_mode}). */
    public boolean ceilMode() {
        return ceilMode;
    }

    @Override
    public int switchesPerSample() {
        return outputShape.size();
    }

    @Override
    public void record(float[][] inputs, int n, Switches switches) {
        // in (n,C,H,W) -> winner (n,C,OH,OW), a flat index into the sample's input
        float[] in = inputs[0];
        if (tilesTwoByTwo) {
            recordTwoByTwo(in, n, switches);
        } else if (dilationH == 1 && dilationW == 1) {
            recordSeparable(in, n, switches);
        } else {
            recordAnyWindow(in, n, switches);
        }
    }

    @Override
    public void infer(float[][] inputs, float[] out, int n) {
        if (tilesTwoByTwo) {
            int inW = inputShape.dim(2);
            // the maximum of each window is the winner's value: the same float record + linear give
            float[] in = inputs[0];
            int outW = outputShape.dim(2);
            int rowsOut = inputShape.dim(0) * outputShape.dim(1);
            int inSize = inputShape.size();
            int outSize = outputShape.size();
            for (int s = 0; s < n; s++) {
                for (int row = 0; row < rowsOut; row++) {
                    int top = s * inSize + row * 2 * inW;
                    int at = s * outSize + row * outW;
                    for (int x = 0; x < outW; x++) {
                        int k = top + 2 * x;
                        float a = in[k + 1] > in[k] ? in[k + 1] : in[k]; // first maximum, as record picks it
                        float b = in[k + inW + 1] > in[k + inW] ? in[k + inW + 1] : in[k + inW];
                        out[at + x] = b > a ? b : a;
                    }
                }
            }
            return;
        }
        if (dilationH == 1 && dilationW == 1) {
            inferSeparable(inputs[0], out, n, false);
            return;
        }
        Op.super.infer(inputs, out, n);
    }

    /**
     * {@link #infer} of one input a ReLU made, each value +0 or positive (a ReLU's output, or a concatenation or pool of
     * such): the same floats, the windows without dilation compared as ints ({@link
     * io.etalon.kernel.Kernels#poolMaxRectified}): SqueezeNet's first pool alone 1.5x to 2.2x faster.
     */
    public void inferRectified(float[] in, float[] out, int n) {
        if (poolsByPlanes() && !tilesTwoByTwo) {
            inferSeparable(in, out, n, true);
        } else {
            infer(new float[][] {in}, out, n);
        }
    }

    /**
     * Plain inference of dense windows, output row by output row: the windows the padding and the ceil mode leave whole
     * by the {@link io.etalon.kernel.Kernels#poolMax} kernel, the cut ones at either end by its plain-Java twin, one
     * window at a time. Each row's first maximum, then the first of those over the window's rows: the first maximum in
     * row-major order lies in the first row holding the window's maximum, at that row's first maximum, so keeping the
     * earlier of equal values ({@code >}, which also keeps {@code -0} before {@code 0}) gives the very float {@code
     * record} and {@code linear} give.
     */
    private void inferSeparable(float[] in, float[] out, int n, boolean rectified) {
        // in (n,C,H,W) -> out (n,C,OH,OW)
        int channels = inputShape.dim(0);
        int inW = inputShape.dim(2);
        int planeSize = inputShape.dim(1) * inW;
        int outPlane = outputShape.dim(1) * outputShape.dim(2);
        // one photo's planes shared out by blocks among idle threads
        int blocks = Parallel.blocksOfValues((long) n * channels * planeSize * kernelW, n * channels);
        Parallel.forRanges(n * channels, blocks, 1, (block, firstPlane, endPlane) -> {
            for (int plane = firstPlane; plane < endPlane; plane++) {
                inferPlane(in, plane * planeSize, inW, out, plane * outPlane, rectified);
            }
        });
    }

    /** Whether {@link #inferPlane} can pool: windows without dilation. */
    public boolean poolsByPlanes() {
        return dilationH == 1 && dilationW == 1;
    }

    /**
     * Plain inference of one channel: the input plane's rows start at {@code in[inOff + y*inRowStride]} (a stride of
     * at least the input's width, as in a convolution's results, whose rows may run on past the plane's width), the
     * output plane, {@code OH x OW}, at {@code out[outOff]}. The floats {@link #infer} gives; windows without dilation
     * only ({@link #poolsByPlanes}). The vector kernel may read a vector past each row's last window.
     *
     * @param rectified whether the input is a ReLU's output, +0 or positive, which the kernel may then compare as ints
     *                  ({@link io.etalon.kernel.Kernels#poolMaxRectified})
     */
    public void inferPlane(float[] in, int inOff, int inRowStride, float[] out, int outOff, boolean rectified) {
        if (!poolsByPlanes()) {
            throw new IllegalStateException("inferPlane needs windows without dilation");
        }
        Columns columns = columns();
        int inH = inputShape.dim(1);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int[] wLo = columns.lo();
        int[] wHi = columns.hi();
        for (int y = 0; y < outH; y++) {
            int hLo = firstTap(y * strideH - padTop, 1);
            int hHi = lastTap(y * strideH - padTop, kernelH, 1, inH);
            int top = inOff + hLo * inRowStride;
            int at = outOff + y * outW;
            if (columns.wholeEnd() > columns.wholeFirst()) {
                int from = top + wLo[columns.wholeFirst()];
                int count = columns.wholeEnd() - columns.wholeFirst();
                if (rectified) {
                    KERNELS.poolMaxRectified(in, from, inRowStride, hHi - hLo, kernelW, strideW, count, out,
                            at + columns.wholeFirst());
                } else {
                    KERNELS.poolMax(in, from, inRowStride, hHi - hLo, kernelW, strideW, count, out,
                            at + columns.wholeFirst());
                }
            }
            for (int x = 0; x < columns.wholeFirst(); x++) {
                CUT.poolMax(in, top + wLo[x], inRowStride, hHi - hLo, wHi[x] - wLo[x], 1, 1, out, at + x);
            }
            for (int x = columns.wholeEnd(); x < outW; x++) {
                CUT.poolMax(in, top + wLo[x], inRowStride, hHi - hLo, wHi[x] - wLo[x], 1, 1, out, at + x);
            }
        }
    }

    /**
     * The input columns {@code [lo[x], hi[x])} of each output column's window, padding left out (dilation 1), and the
     * run of output columns {@code [wholeFirst, wholeEnd)} whose windows the padding and the ceil mode leave whole.
     */
    private record Columns(int[] lo, int[] hi, int wholeFirst, int wholeEnd) {
    }

    /** Fixed by the shapes: made once, shared by every call and thread. */
    private final Lazy<Columns> columns = new Lazy<>(this::newColumns);

    private Columns columns() {
        return columns.get();
    }

    private Columns newColumns() {
        int outW = outputShape.dim(2);
        int[] lo = new int[outW];
        int[] hi = new int[outW];
        columnRanges(lo, hi);
        int[] whole = wholeWindows(lo, hi);
        return new Columns(lo, hi, whole[0], whole[1]);
    }

    /**
     * The output columns {@code [first, end)} whose windows the padding and the ceil mode leave whole: one run of x,
     * as both ends of a window move with x.
     */
    private int[] wholeWindows(int[] lo, int[] hi) {
        int first = 0;
        while (first < lo.length && hi[first] - lo[first] != kernelW) {
            first++;
        }
        int end = first;
        while (end < lo.length && hi[end] - lo[end] == kernelW) {
            end++;
        }
        return new int[] {first, end};
    }

    /** The input columns {@code [lo[x], hi[x])} of each output column's window, padding left out (dilation 1). */
    private void columnRanges(int[] lo, int[] hi) {
        for (int x = 0; x < lo.length; x++) {
            lo[x] = firstTap(x * strideW - padLeft, 1);
            hi[x] = lastTap(x * strideW - padLeft, kernelW, 1, inputShape.dim(2));
        }
    }

    /**
     * {@link #recordAnyWindow} for dense windows, in two passes as {@link #inferSeparable}: for each input row and
     * output column, the stretch's first maximum, its index and the largest of the rest; then, over the window's rows,
     * the first row with the largest maximum wins, and the runner-up is the largest of that row's rest and the other
     * rows' maxima. The same winners, ties (runner-up equal to the winner) and margins as the general loop.
     */
    private void recordSeparable(float[] in, int n, Switches switches) {
        int channels = inputShape.dim(0);
        Columns columns = columns();
        int[] wLo = columns.lo();
        int[] wHi = columns.hi();
        int fullLo = columns.wholeFirst();
        int fullHi = columns.wholeEnd();
        // one photo's pool is shared out by blocks of channels among idle threads; ties add up and margins take the
        // least, so the blocks give what one pass gives
        int blocks = Parallel.blocks((long) inputShape.size() * kernelH * kernelW, channels);
        for (int s = 0; s < n; s++) {
            int sample = s;
            int[] ties = new int[blocks];
            float[] leads = new float[blocks];
            java.util.Arrays.fill(leads, Float.POSITIVE_INFINITY);
            int lo = fullLo;
            int hi = fullHi;
            Parallel.forRanges(channels, blocks, 1, (block, first, end) -> {
                float[] lead = {Float.POSITIVE_INFINITY};
                ties[block] = recordChannels(in, sample, first, end, wLo, wHi, lo, hi, switches.states(), lead);
                leads[block] = lead[0];
            });
            int allTies = 0;
            float margin = Float.POSITIVE_INFINITY;
            for (int block = 0; block < blocks; block++) {
                allTies += ties[block];
                margin = Math.min(margin, leads[block]);
            }
            switches.addTies(s, allTies);
            switches.offerMargin(s, margin);
        }
    }

    /**
     * {@link #recordSeparable} of channels {@code [from, to)} of sample s: the winners into {@code winner}; returns the
     * ties and lowers {@code lead[0]} to the smallest margin. The full windows of a row are {@code [fullLo, fullHi)}.
     */
    private int recordChannels(float[] in, int s, int from, int to, int[] wLo, int[] wHi, int fullLo, int fullHi,
                               int[] winner, float[] lead) {
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        float[] rowMax = new float[inH * outW];
        float[] rowRest = new float[inH * outW];
        int[] rowArg = new int[inH * outW];
        // every full stretch of kernelW columns at stride 1, in whole vectors; the stride then picks from them
        int full = Math.max(0, inW - kernelW + 1);
        float[] slidingMax = new float[full];
        float[] slidingRest = new float[full];
        int[] slidingArg = new int[full];
        int base = s * inputShape.size();
        int ties = 0;
        for (int c = from; c < to; c++) {
            for (int h = 0; h < inH; h++) {
                int row = (c * inH + h) * inW;
                KERNELS.windowArgMax(in, base + row, full, kernelW, row, slidingMax, slidingArg, slidingRest, 0);
                for (int x = fullLo, at = h * outW; x < fullHi; x++) {
                    int j = wLo[x];
                    rowMax[at + x] = slidingMax[j];
                    rowRest[at + x] = slidingRest[j];
                    rowArg[at + x] = slidingArg[j];
                }
                // the windows the padding or the ceil mode cuts: before and after the full ones
                for (int x = 0; x < fullLo; x++) {
                    cutWindowArgMax(in, base, row, wLo[x], wHi[x], rowMax, rowRest, rowArg, h * outW + x);
                }
                for (int x = fullHi; x < outW; x++) {
                    cutWindowArgMax(in, base, row, wLo[x], wHi[x], rowMax, rowRest, rowArg, h * outW + x);
                }
            }
            for (int y = 0; y < outH; y++) {
                int hLo = firstTap(y * strideH - padTop, 1);
                int hHi = lastTap(y * strideH - padTop, kernelH, 1, inH);
                ties += KERNELS.columnArgMax(rowMax, rowRest, rowArg, hLo * outW, outW, hHi - hLo, outW, winner,
                        s * outputShape.size() + (c * outH + y) * outW, lead);
            }
        }
        return ties;
    }

    /**
     * The row pass of {@link #recordSeparable} for one window the padding or the ceil mode cuts to the columns
     * {@code [lo, hi)} of the row at {@code base + row}: its first maximum, that position (from {@code row}) and the
     * largest of the rest, into index {@code at} of the three row arrays.
     */
    private static void cutWindowArgMax(float[] in, int base, int row, int lo, int hi, float[] rowMax, float[] rowRest,
                                        int[] rowArg, int at) {
        int best = row + lo;
        float bestValue = in[base + best];
        float rest = Float.NEGATIVE_INFINITY;
        for (int k = best + 1, end = row + hi; k < end; k++) {
            float v = in[base + k];
            boolean better = v > bestValue;
            float loser = better ? bestValue : v;
            rest = loser > rest ? loser : rest;
            best = better ? k : best;
            bestValue = better ? v : bestValue;
        }
        rowMax[at] = bestValue;
        rowRest[at] = rest;
        rowArg[at] = best;
    }

    /** The general loop of {@link #record}; the twin the 2x2 path is tested against. */
    void recordAnyWindow(float[] in, int n, Switches switches) {
        int[] winner = switches.states();
        int channels = inputShape.dim(0);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        for (int s = 0; s < n; s++) {
            int inBase = s * inSize;
            int ties = 0;
            float margin = Float.POSITIVE_INFINITY;
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < outH; y++) {
                    int hLo = firstTap(y * strideH - padTop, dilationH);
                    int hHi = lastTap(y * strideH - padTop, kernelH, dilationH, inH);
                    for (int x = 0; x < outW; x++) {
                        int wLo = firstTap(x * strideW - padLeft, dilationW);
                        int wHi = lastTap(x * strideW - padLeft, kernelW, dilationW, inW);
                        // branch-free (the comparisons are data-dependent and mispredict): C2 turns these into
                        // conditional moves; the first element seeds the winner
                        int best = (c * inH + hLo) * inW + wLo;
                        float bestValue = in[inBase + best];
                        float runnerUp = Float.NEGATIVE_INFINITY;
                        boolean tie = false;
                        for (int h = hLo; h < hHi; h += dilationH) {
                            for (int w = h == hLo ? wLo + dilationW : wLo; w < wHi; w += dilationW) {
                                int k = (c * inH + h) * inW + w;
                                float v = in[inBase + k];
                                boolean better = v > bestValue;
                                float loser = better ? bestValue : v;
                                runnerUp = loser > runnerUp ? loser : runnerUp;
                                tie = !better && (tie || v == bestValue);
                                best = better ? k : best;
                                bestValue = better ? v : bestValue;
                            }
                        }
                        winner[s * outSize + (c * outH + y) * outW + x] = best;
                        if (tie) {
                            ties++;
                        } else if (runnerUp != Float.NEGATIVE_INFINITY) {
                            float lead = bestValue - runnerUp;
                            margin = lead > 0f && lead < margin ? lead : margin;
                        }
                    }
                }
            }
            switches.addTies(s, ties);
            switches.offerMargin(s, margin);
        }
    }

    /**
     * {@link #record} for the most common pool, 2x2 windows at stride 2 that tile the input: the four candidates are
     * compared in the same order (row by row) with the same first-maximum rule, without the general loop.
     */
    private void recordTwoByTwo(float[] in, int n, Switches switches) {
        int[] winner = switches.states();
        int inW = inputShape.dim(2);
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        int outW = outputShape.dim(2);
        int rowsOut = inputShape.dim(0) * outputShape.dim(1); // (channel, output row) pairs
        float[] margin = new float[1];
        for (int s = 0; s < n; s++) {
            int ties = 0;
            margin[0] = Float.POSITIVE_INFINITY;
            for (int row = 0; row < rowsOut; row++) {
                // channel c, output row y: input row 2y of channel c, since H is even; rows are filled in order
                ties += KERNELS.poolStates(in, s * inSize, row * 2 * inW, inW, outW, winner, s * outSize + row * outW,
                        n * outSize, margin);
            }
            switches.addTies(s, ties);
            switches.offerMargin(s, margin[0]);
        }
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        // in (rows,C,H,W) -> out (rows,C,OH,OW): out = in[winner]
        float[] in = inputs[0];
        int[] winner = switches.states();
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        for (int r = 0; r < rows; r++) {
            int inBase = r * inSize;
            int rowBase = r * outSize;
            int sampleBase = (r / rowsPerSample) * outSize;
            for (int k = 0; k < outSize; k++) {
                out[rowBase + k] = in[inBase + winner[sampleBase + k]];
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        // gradOut (rows,C,OH,OW) -> gradIn (rows,C,H,W) += at the winners
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int[] winner = switches.states();
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        for (int r = 0; r < rows; r++) {
            int inBase = r * inSize;
            int rowBase = r * outSize;
            int sampleBase = (r / rowsPerSample) * outSize;
            for (int k = 0; k < outSize; k++) {
                gradIn[inBase + winner[sampleBase + k]] += gradOut[rowBase + k];
            }
        }
    }

    @Override
    public void sources(Switches switches, int sample, int[] indices, int count) {
        int[] winner = switches.states();
        int base = sample * switches.perSample();
        for (int i = 0; i < count; i++) {
            if (indices[i] >= 0) {
                indices[i] = winner[base + indices[i]];
            }
        }
    }

    @Override
    public int source(Switches switches, int sample, int index) {
        return switches.state(sample, index);
    }

    @Override
    public String describe() {
        return String.format("window %dx%d, stride %d,%d, pads %d,%d,%d,%d%s%s; first maximum wins ties",
                kernelH, kernelW, strideH, strideW, padTop, padLeft, padBottom, padRight,
                dilationH != 1 || dilationW != 1 ? ", dilations " + dilationH + "," + dilationW : "", ceilMode ? ", ceil mode" : "");
    }

    @Override
    public void nearTies(float[][] inputs, int sample, Switches switches, float limit, NearTieSink sink) {
        float[] in = inputs[0];
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int inBase = sample * inputShape.size();
        for (int c = 0; c < inputShape.dim(0); c++) {
            for (int y = 0; y < outH; y++) {
                int hLo = firstTap(y * strideH - padTop, dilationH);
                int hHi = lastTap(y * strideH - padTop, kernelH, dilationH, inH);
                for (int x = 0; x < outW; x++) {
                    int wLo = firstTap(x * strideW - padLeft, dilationW);
                    int wHi = lastTap(x * strideW - padLeft, kernelW, dilationW, inW);
                    int unit = (c * outH + y) * outW + x;
                    int winner = switches.state(sample, unit);
                    float winnerValue = in[inBase + winner];
                    // the rival: the first largest value among the window's other inputs
                    int rival = -1;
                    float rivalValue = Float.NEGATIVE_INFINITY;
                    for (int h = hLo; h < hHi; h += dilationH) {
                        for (int w = wLo; w < wHi; w += dilationW) {
                            int k = (c * inH + h) * inW + w;
                            if (k != winner && (rival < 0 || in[inBase + k] > rivalValue)) {
                                rival = k;
                                rivalValue = in[inBase + k];
                            }
                        }
                    }
                    float margin = Math.abs(winnerValue - rivalValue); // a forced winner may trail its rival
                    if (rival >= 0 && margin > 0f && margin <= limit) {
                        sink.accept(unit, winner, rival, margin);
                    }
                }
            }
        }
    }

    @Override
    public boolean admits(int unit, int state) {
        if (unit < 0 || unit >= outputShape.size() || state < 0 || state >= inputShape.size()) {
            return false;
        }
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int c = unit / (outH * outW);
        int y = unit / outW % outH;
        int x = unit % outW;
        int h = state / inW % inH;
        int w = state % inW;
        return state / (inH * inW) == c && inWindow(h, y * strideH - padTop, kernelH, dilationH, inH)
                && inWindow(w, x * strideW - padLeft, kernelW, dilationW, inW);
    }

    /** Whether input position {@code p} is one of the taps of a window starting at {@code start} (maybe in the padding). */
    private static boolean inWindow(int p, int start, int kernel, int dilation, int size) {
        return p >= firstTap(start, dilation) && p < lastTap(start, kernel, dilation, size) && (p - start) % dilation == 0;
    }
}
