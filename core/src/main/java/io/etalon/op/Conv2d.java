package io.etalon.op;

import io.etalon.kernel.Kernels;
import io.etalon.kernel.Parallel;
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
 * <p>With G groups the weight is {@code (O,C/G,KH,KW)} and output channels {@code [g*O/G, (g+1)*O/G)} read only input
 * channels {@code [g*C/G, (g+1)*C/G)} (G = C is a depthwise convolution); {@link ConvGroups} runs each group through
 * an ungrouped Conv2d, so the kernels below only ever see one group.
 *
 * <p>All four views share one loop nest: for each weight tap, the output columns whose input column lies inside
 * the image form a contiguous range, so the inner loop is a bounds-check-free axpy the JIT vectorises.
 */
public final class Conv2d implements Op {

    private static final Kernels KERNELS = Kernels.best();

    private final Shape inputShape;
    private final Shape outputShape;
    /** A ReLU of the output: the switch {@link #inferRectified} and {@link #inferResidual} fuse, made once. */
    private final Relu rectifier;
    private final float[] weight;
    private final float[] weightT; // (C*KH*KW, O): the transposed weight matrix of the im2col product
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
    private final int groups;
    /** The per-group convolutions when {@code groups > 1}; null for an ungrouped convolution. */
    private final ConvGroups grouped;

    /** An ungrouped convolution: {@link #Conv2d(Shape, Tensor, Tensor, int[], int[], int[], int)} with one group. */
    public Conv2d(Shape inputShape, Tensor weight, Tensor bias, int[] stride, int[] pads, int[] dilation) {
        this(inputShape, weight, bias, stride, pads, dilation, 1);
    }

    /**
     * @param weight {@code (O,C,KH,KW)}, copied
     * @param bias   {@code (O)}, copied; {@code null} for none
     * @param stride {@code {sy, sx}}
     * @param pads   {@code {top, left, bottom, right}}
     * @param dilation {@code {dy, dx}}
     * @param groups {@code G}, dividing both C and O; the weight is then {@code (O,C/G,KH,KW)}
     */
    public Conv2d(Shape inputShape, Tensor weight, Tensor bias, int[] stride, int[] pads, int[] dilation, int groups) {
        if (inputShape.rank() != 3) {
            throw new IllegalArgumentException("Conv2d needs a CxHxW input, got " + inputShape);
        }
        Shape w = weight.shape();
        if (groups <= 0 || inputShape.dim(0) % groups != 0 || w.rank() == 4 && w.dim(0) % groups != 0) {
            throw new IllegalArgumentException("Conv2d groups " + groups + " must divide both the " + inputShape.dim(0)
                    + " input channels and the output channels of weight " + w);
        }
        if (w.rank() != 4 || w.dim(1) * groups != inputShape.dim(0)) {
            throw new IllegalArgumentException("Conv2d weight " + w + " does not fit input " + inputShape
                    + " (expected Ox" + inputShape.dim(0) / groups + "xKHxKW" + (groups > 1 ? " for " + groups + " groups" : "") + ")");
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
        int taps = inChannels * kernelH * kernelW;
        this.weightT = new float[taps * outChannels];
        for (int o = 0; o < outChannels; o++) {
            for (int k = 0; k < taps; k++) {
                weightT[k * outChannels + o] = this.weight[o * taps + k];
            }
        }
        int outH = (inputShape.dim(1) + padTop + padBottom - dilationH * (kernelH - 1) - 1) / strideH + 1;
        int outW = (inputShape.dim(2) + padLeft + padRight - dilationW * (kernelW - 1) - 1) / strideW + 1;
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("Conv2d kernel " + kernelH + "x" + kernelW + " is larger than the padded input " + inputShape);
        }
        this.outputShape = Shape.of(outChannels, outH, outW);
        this.rectifier = new Relu(outputShape);
        this.groups = groups;
        this.grouped = groups == 1 ? null : new ConvGroups(inputShape, weight, groups, stride, pads, dilation);
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

    /** Number of groups G: 1 for an ordinary convolution, C for a depthwise one. */
    public int groups() {
        return groups;
    }

    @Override
    public List<Tensor> parameters() {
        return List.of(new Tensor(Shape.of(outChannels, inChannels, kernelH, kernelW), weight),
                new Tensor(Shape.of(outChannels), bias));
    }

    @Override
    public Op withParameters(List<Tensor> parameters) {
        return new Conv2d(inputShape, parameters.get(0), parameters.get(1), stride(), pads(), dilation(), groups);
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

    /** The direct loop nest of {@link #linear}: the naive twin the fast kernel is tested against. */
    void linearDirect(float[] in, float[] out, int rows) {
        if (grouped != null) {
            grouped.linear(in, out, rows, true);
            return;
        }
        // in (rows,C,H,W), weight (O,C,KH,KW) -> out (rows,O,OH,OW)
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

    // Strided convolutions are lowered to a matrix product over a block of rows (im2col; stride 1 correlates the
    // padded planes directly, see linearCorrelated): the input patches
    // of B rows become a (K = C*KH*KW, B*OH*OW) matrix, so one product with the (O, K) weight matrix covers the
    // block and the inner loop runs over B*OH*OW contiguous values, which the JIT vectorises. The block keeps the
    // patch matrix within a core's L2 cache (PATCH_BLOCK floats), since the product reads it once per four filters.
    private static final int PATCH_BLOCK = Integer.getInteger("etalon.patchBlock", 1 << 16);

    private int blockRows(int rows) {
        int patch = inChannels * kernelH * kernelW * outputShape.dim(1) * outputShape.dim(2);
        return Math.max(1, Math.min(rows, PATCH_BLOCK / patch));
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        // in (rows,C,H,W), weight (O,C,KH,KW) -> out (rows,O,OH,OW)
        float[] in = inputs[0];
        if (grouped != null) {
            grouped.linear(in, out, rows, false);
            return;
        }
        int block = blockRows(rows);
        if (strideH == 1 && strideW == 1 || block == 1) {
            // stride 1, or samples too large to batch (224x224 images), whose patch matrix would be wider than the
            // block: the correlation over the padded planes, strided ones split into phases, needs no patch matrix
            linearCorrelated(in, out, rows, false);
            return;
        }
        int taps = inChannels * kernelH * kernelW;
        int plane = outputShape.dim(1) * outputShape.dim(2);
        float[] patches = new float[taps * block * plane];
        float[] product = new float[outChannels * block * plane];
        for (int first = 0; first < rows; first += block) {
            int count = Math.min(block, rows - first);
            int width = count * plane;
            for (int b = 0; b < count; b++) {
                im2col(in, (first + b) * inputShape.size(), patches, width, b * plane);
            }
            java.util.Arrays.fill(product, 0, outChannels * width, 0f);
            gemmByColumns(outChannels, width, taps, weight, taps, patches, 0, product, 0);
            for (int b = 0; b < count; b++) {
                for (int o = 0; o < outChannels; o++) {
                    System.arraycopy(product, o * width + b * plane, out, ((first + b) * outChannels + o) * plane, plane);
                }
            }
        }
    }

    /**
     * {@link #linear} as a correlation over one flat signal: each input plane is zero-padded once (with no padding at
     * stride 1, a 1x1 convolution's case, the input is read where it lies) and the planes are read as one flat signal
     * of padded rows, so output (y, x) sits at flat position {@code y*rowStride + x} and every
     * tap (c, i, j) is a fixed offset; no patch matrix is built. At stride s each padded plane is first split into its
     * s x s phases (the rows and columns of one remainder mod s), which turns the strided correlation into a stride-1
     * one over the phases ({@link Correlation}). The few columns past the output width are computed and dropped. The
     * same sums in the same order as the im2col product (taps in order c, i, j, from 0).
     */
    private void linearCorrelated(float[] in, float[] out, int rows, boolean add) {
        Correlation plan = correlation();
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        float[][] buffers = plan.buffers();
        float[] result = buffers[1];
        for (int r = 0; r < rows; r++) {
            int row = r;
            // each block of channels copies (or adds) its results' rows out while they are still in its core's cache
            plan.correlate(in, r, buffers[0], result, null, (first, end, results, offset) -> {
                for (int o = first; o < end; o++) {
                    for (int y = 0; y < outH; y++) {
                        int from = offset + (o - first) * plan.width() + y * plan.rowStride();
                        int to = ((row * outChannels + o) * outH + y) * outW;
                        if (add) {
                            for (int x = 0; x < outW; x++) {
                                out[to + x] += results[from + x];
                            }
                        } else {
                            System.arraycopy(results, from, out, to, outW);
                        }
                    }
                }
            });
        }
    }

    /**
     * {@code c += a * b} for a {@code (m,k)}, b {@code (k,n)} at {@code bOff} and c {@code (m,n)} at {@code cOff}:
     * {@link Kernels#gemm}, its columns shared out among threads in blocks of whole vectors when the product is large
     * ({@link Parallel}).
     */
    private static void gemmByColumns(int m, int n, int k, float[] a, int lda, float[] b, int bOff, float[] c, int cOff) {
        int lanes = KERNELS.lanes();
        int blocks = Parallel.blocks((long) m * n * k, n / (4 * lanes));
        if (blocks <= 1) {
            KERNELS.gemm(m, n, k, a, 0, lda, b, bOff, n, c, cOff, n);
            return;
        }
        Parallel.forRanges(n, blocks, lanes, (block, first, end) ->
                KERNELS.gemm(m, end - first, k, a, 0, lda, b, bOff + first, n, c, cOff + first, n));
    }

    /** Each thread's patch matrix for samples too large to batch, kept from call to call (several MB at 224x224). */
    private static final ThreadLocal<float[]> PATCHES = ThreadLocal.withInitial(() -> new float[0]);

    /**
     * This thread's patch buffer, at least {@code size} floats. The blocks a call shares out get the caller's buffer as
     * an argument, never their own thread's, so a thread that helps with another call's blocks leaves its own intact.
     */
    private static float[] patchBuffer(int size) {
        float[] buffer = PATCHES.get();
        if (buffer.length < size) {
            buffer = new float[size];
            PATCHES.set(buffer);
        }
        return buffer;
    }

    /** A 1x1 convolution of stride 1 with no padding: its transpose is a plain matrix product over the channels. */
    private boolean pointwise() {
        return grouped == null && kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0
                && padLeft == 0 && padBottom == 0 && padRight == 0;
    }

    /** Whether {@link #inferRectified} may fuse a ReLU and a pool, or {@link #inferResidual} a residual end: ungrouped. */
    public boolean rectifies() {
        return grouped == null;
    }

    /**
     * Whether {@link #inferActivated} may fuse {@code activation} into this convolution's inference: a {@link Relu} or
     * a {@link Clip} (ReLU6) of its output, after an ungrouped or a depthwise convolution.
     */
    public boolean fuses(Op activation) {
        return (activation instanceof Relu || activation instanceof Clip)
                && activation.inputShapes().get(0).equals(outputShape) && (grouped == null || grouped.depthwise());
    }

    /**
     * Plain inference of this convolution followed by a ReLU and, unless {@code pool} is null, that max-pool: the same
     * floats as {@link #infer}, {@link Relu#infer} and {@link MaxPool2d#infer} in turn, read straight from the
     * correlation without the two full-size intermediates, each channel pooled while its results are still in its
     * core's cache. LeNet's 2x2 windows are pooled first and then biased and rectified, a quarter of the additions
     * ({@link Kernels#biasReluPool}: adding the bias rounds monotonically and the ReLU is monotone, so the window's
     * maximum gives the same float); any other window after {@link Kernels#biasRelu}, in place in the chunk of results,
     * whose outputs, none negative, {@link MaxPool2d#inferPlane} then compares as ints.
     *
     * @param pool a max-pool of this convolution's output shape whose windows have no dilation
     *             ({@link MaxPool2d#poolsByPlanes}), or null
     * @param out  {@code (n, O, PH, PW)} with a pool, else {@code (n, O, OH, OW)}; overwritten
     * @throws IllegalStateException for a grouped convolution, or a pool this convolution cannot fuse
     */
    public void inferRectified(float[] in, float[] out, int n, MaxPool2d pool) {
        inferActivated(in, out, n, rectifier, pool, 0, rectifiedSize(pool));
    }

    /** The floats of one sample's {@link #inferRectified} output: pooled by {@code pool} or not (null). */
    public int rectifiedSize(MaxPool2d pool) {
        return pool == null ? outputShape.size() : pool.outputShape().size();
    }

    /**
     * {@link #inferRectified(float[], float[], int, MaxPool2d)} with {@code activation} (a {@link Relu} or a
     * {@link Clip} that {@link #fuses}) in the ReLU's place, into part of a larger output: sample r's results start
     * at {@code out[offset + r * sampleStride]}, as this convolution's channels lie in a concatenation of several along
     * the channel axis (a fire module's two branches), which is thus assembled in place, without a copy. Nothing outside
     * those {@code n} stretches of {@link #rectifiedSize} floats is written. The same floats as {@link #infer},
     * then the activation's own inference, then the pool's. A depthwise convolution (MobileNet's) fuses its activation
     * without a pool.
     *
     * @param activation a ReLU or a Clip of this convolution's output
     * @param pool       a max-pool of this convolution's output after a ReLU, whose windows have no dilation
     *                   ({@link MaxPool2d#poolsByPlanes}), or null
     * @throws IllegalStateException for an activation or a pool this convolution cannot fuse
     */
    public void inferActivated(float[] in, float[] out, int n, Op activation, MaxPool2d pool, int offset,
                               int sampleStride) {
        if (!fuses(activation)) {
            throw new IllegalStateException("inferActivated fuses a ReLU or a Clip of the output after an ungrouped or "
                    + "a depthwise convolution, not " + activation.kind() + " after " + describe());
        }
        inferFinished(in, out, n, activation, pool, offset, sampleStride);
    }

    /**
     * The forward pass of an ungrouped or a depthwise convolution (it has no switches): its value with the bias added
     * in the thread that made each block of sums, while they are in its core's cache, as inference does, not in a
     * second pass over the whole output (MobileNet-V2's forward pass, before its etalons); the floats of
     * {@link #linear} and {@link #addBias}.
     */
    @Override
    public void forward(float[][] inputs, float[] out, int n, Switches switches) {
        if (grouped != null && !grouped.depthwise()) {
            Op.super.forward(inputs, out, n, switches);
            return;
        }
        inferFinished(inputs[0], out, n, null, null, 0, outputShape.size());
    }

    /**
     * {@link #inferActivated} with {@code activation} a ReLU, a Clip, or null for the bias alone: the one place that
     * picks the way the sums are made and hands each block of them to its epilogue ({@link #activate}).
     */
    private void inferFinished(float[] in, float[] out, int n, Op activation, MaxPool2d pool, int offset,
                               int sampleStride) {
        if (pool != null && (!(activation instanceof Relu) || grouped != null
                || !(pool.inputShapes().get(0).equals(outputShape) && pool.poolsByPlanes()))) {
            throw new IllegalStateException("inferActivated pools only a ReLU's output of an ungrouped convolution, with "
                    + "a pool of that output without dilation");
        }
        int plane = outputShape.dim(1) * outputShape.dim(2);
        if (grouped != null) {
            if (!grouped.depthwise()) {
                throw new IllegalStateException("inferActivated needs an ungrouped or a depthwise convolution");
            }
            int outH = outputShape.dim(1);
            int outW = outputShape.dim(2);
            // each channel biased and switched from its correlation results while they are in its core's cache
            grouped.depthwiseCorrelate(in, n, out, offset, sampleStride, (r, c, results, from, rowStride, end) -> {
                int at = offset + r * sampleStride + c * plane;
                // rows side by side (a strided layer's, picked into place) go as one, as they may be switched in place:
                // a vector's scratch lanes past a row's end would land on the next row before it is read. Scratch may
                // spill into the channels this thread writes next, so a small plane's last row goes as a vector too.
                boolean oneRow = rowStride == outW;
                activate(activation, results, from, rowStride, oneRow ? 1 : outH, oneRow ? plane : outW, c, out, at,
                        end);
            });
            return;
        }
        boolean own = offset == 0 && sampleStride == rectifiedSize(pool);
        if (pool == null && !(strideH == 1 && strideW == 1) && blockRows(n) > 1 && own) {
            // a batch's strided convolution as one matrix product, then bias and switch in one pass, not two
            linear(new float[][] {in}, out, n, null, 1);
            for (int r = 0; r < n; r++) {
                for (int o = 0; o < outChannels; o++) {
                    // in place, one plane as one row, nothing written past it: what addBias then the switch give
                    int base = (r * outChannels + o) * plane;
                    activate(activation, out, base, plane, 1, plane, o, out, base, base + plane);
                }
            }
            return;
        }
        inferCorrelated(in, false, null, activation, out, null, n, pool, offset, sampleStride);
    }

    /**
     * Plain inference of this convolution, then an element-wise Add of {@code residual} (of this convolution's output
     * shape, {@code n} samples), then a ReLU: the same floats as {@link #infer}, {@link Add#infer} and
     * {@link Relu#infer} in turn ({@link Kernels#biasAddRelu}), without the two full-size intermediates. A residual
     * block's last convolution and the skip connection it meets.
     *
     * @throws IllegalStateException for a grouped convolution
     */
    public void inferResidual(float[] in, float[] residual, float[] out, int n) {
        if (grouped != null) {
            throw new IllegalStateException("inferResidual needs an ungrouped convolution");
        }
        inferCorrelated(in, false, residual, rectifier, out, null, n, null, 0, outputShape.size());
    }

    /**
     * The layout in which this convolution can read its input where it lies, padding included, when a producer writes
     * it so ({@link #inferPadded}): an ungrouped convolution of stride 1 with some padding (a residual block's 3x3
     * layers). Null for any other, which reads its input as it is.
     */
    public PaddedPlanes paddedInput() {
        return grouped == null ? correlation().paddedInput() : null;
    }

    /**
     * Plain inference of this ungrouped convolution, then {@code activation} (a ReLU or a Clip that {@link #fuses}, or
     * null for none), or, with {@code residual} not null, an Add of it and a ReLU ({@link #inferResidual}), as a plan
     * that hands padded
     * planes from convolution to convolution runs it: with {@code inputPadded}, {@code in} holds the samples in this
     * convolution's {@link #paddedInput} layout; with {@code outPlanes} not null, {@code out} takes them in that layout
     * of the convolution that reads them, padding zeroed: every float it reads of the {@code n} samples
     * ({@link PaddedPlanes#floatsRead}) is written. The same
     * floats as {@link #inferActivated}, {@link #inferResidual} or {@link #infer}: only where the values lie changes.
     *
     * @throws IllegalStateException for a grouped convolution, an activation it cannot fuse, or planes that do not hold
     *                               this convolution's output
     */
    public void inferPadded(float[] in, boolean inputPadded, float[] residual, Op activation, float[] out,
                            PaddedPlanes outPlanes, int n) {
        if (grouped != null || activation != null && !fuses(activation) || residual != null && !(activation instanceof Relu)
                || inputPadded && paddedInput() == null) {
            throw new IllegalStateException("inferPadded needs an ungrouped convolution, a fused ReLU or Clip (a ReLU "
                    + "after a residual) and, for a padded input, padding at stride 1: " + describe());
        }
        if (outPlanes != null && (outPlanes.channels() != outChannels || outPlanes.height() != outputShape.dim(1)
                || outPlanes.width() != outputShape.dim(2))) {
            throw new IllegalStateException("padded planes of " + outPlanes.channels() + "x" + outPlanes.height() + "x"
                    + outPlanes.width() + " cannot hold the output " + outputShape + " of " + describe());
        }
        if (outPlanes != null && out.length < outPlanes.floatsRead(n)) {
            throw new IllegalArgumentException("padded planes of " + n + " samples take " + outPlanes.floatsRead(n)
                    + " floats, not " + out.length);
        }
        int sampleStride = outPlanes != null ? outPlanes.sampleFloats() : outputShape.size();
        inferCorrelated(in, inputPadded, residual, activation, out, outPlanes, n, null, 0, sampleStride);
        if (outPlanes != null) {
            outPlanes.clearPast(out, n);
        }
    }

    /**
     * The correlation of each sample, then bias and {@code activation} ({@link #activate}; a ReLU with
     * {@code residual} added before it, or after {@code pool} unless null), into {@code out} from {@code offset},
     * samples {@code sampleStride} apart.
     */
    private void inferCorrelated(float[] in, boolean inputPadded, float[] residual, Op activation, float[] out,
                                 PaddedPlanes outPlanes, int n, MaxPool2d pool, int offset, int sampleStride) {
        Correlation plan = correlation();
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int plane = rectifiedSize(pool) / outChannels;
        int ownSize = outChannels * outH * outW;
        // the distance between two channels in out: their planes, or the padded planes of the convolution that reads
        // them, where each channel's values start at the planes' origin and its padding is zeroed after them
        int outPlane = outPlanes == null ? plane : outPlanes.channelPlane();
        int origin = outPlanes == null ? 0 : outPlanes.origin();
        float[][] buffers = plan.buffers();
        float[] result = buffers[1];
        // a plan shared out by positions whose results are each channel's whole plane (MobileNet-V2's 1x1 layers at
        // 112x112) correlates straight into the output, then biases and switches there, while the block is in cache:
        // not through a result buffer as large as the output, written back to memory and read again
        boolean inPlace = pool == null && outPlanes == null && plan.resultsAreTheOutput();
        for (int r = 0; r < n; r++) {
            int start = offset + r * sampleStride;
            int skip = r * ownSize;
            float[] results = inPlace ? out : result;
            int resultsOff = inPlace ? start : 0;
            // each block of channels rectifies its results while they are in its core's cache (a kernel may spill
            // scratch values past a channel into the block's next ones, which it writes later, never into another's);
            // or, for a layer of few channels over many positions (a 1x1 squeeze), each block of positions of every
            // channel, whose results are the output's own positions
            Correlation.PositionsDone positions = pool != null || outPlanes != null ? null : (first, end) -> {
                int last = Math.min(end, plane);
                for (int o = 0; o < outChannels && first < last; o++) {
                    int at = start + o * plane;
                    finish(results, resultsOff + o * plan.width() + first, last - first, 1, last - first, o, residual,
                            activation, skip + o * plane + first, out, at + first, at + last);
                }
            };
            // results whose rows have no columns past the output width (a 1x1 layer's) go as one row per channel
            int rows = plan.rowStride() == outW ? 1 : outH;
            int columns = rows == 1 ? outH * outW : outW;
            plan.correlate(in, inputPadded, r, buffers[0], results, resultsOff, positions,
                    (first, end, made, madeOff) -> {
                int blockEnd = start + end * outPlane;
                for (int o = first; o < end; o++) {
                    int at = start + o * outPlane;
                    int from = madeOff + (o - first) * plan.width();
                    if (pool != null && pool.tilesTwoByTwo()) {
                        KERNELS.biasReluPool(made, from, plan.rowStride(), outH / 2, outW / 2, bias[o], out, at,
                                blockEnd);
                    } else if (pool != null) {
                        // bias and ReLU in place, the rows as one, then the pool compares their floats as ints
                        int length = outH * plan.rowStride();
                        KERNELS.biasRelu(made, from, length, 1, length, bias[o], made, from, from + length);
                        pool.inferPlane(made, from, plan.rowStride(), out, at, true);
                    } else if (outPlanes == null) {
                        finish(made, from, plan.rowStride(), rows, columns, o, residual, activation,
                                skip + o * plane, out, at, blockEnd);
                    } else {
                        finishPadded(made, from, plan.rowStride(), o, residual, activation, skip + o * plane, out,
                                outPlanes, at, blockEnd);
                    }
                }
            });
        }
    }

    /**
     * {@link #finish} of channel o into the padded plane that starts at {@code out[plane]}, laid out by
     * {@code planes}, then its padding zeroed. Where the results' rows are as far apart as the planes' (a 3x3 layer of
     * stride 1 or 2 with padding 1 feeding one of stride 1), they are biased and switched as one row: the values
     * computed past each row's end land on its padding, and are then zeroed. A kernel's scratch values may land
     * anywhere up to {@code end}, past the plane, where the block writes later.
     */
    private void finishPadded(float[] result, int from, int stride, int o, float[] residual, Op activation, int resOff,
                              float[] out, PaddedPlanes planes, int plane, int end) {
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        int at = plane + planes.origin();
        if (residual == null && stride == planes.rowStride()) {
            activate(activation, result, from, stride, 1, (outH - 1) * stride + outW, o, out, at, end);
        } else {
            for (int y = 0; y < outH; y++) {
                finish(result, from + y * stride, stride, 1, outW, o, residual, activation, resOff + y * outW, out,
                        at + y * planes.rowStride(), end);
            }
        }
        planes.clearPadding(out, plane);
    }

    /**
     * Channel o's bias and switch over its correlation results ({@link #activate}), with the skip connection at
     * {@code residual[resOff]} added before a ReLU when there is one ({@link Kernels#biasAddRelu}).
     */
    private void finish(float[] result, int from, int stride, int rows, int columns, int o, float[] residual,
                        Op activation, int resOff, float[] out, int at, int end) {
        if (residual == null) {
            activate(activation, result, from, stride, rows, columns, o, out, at, end);
        } else {
            KERNELS.biasAddRelu(result, from, stride, rows, columns, bias[o], residual, resOff, out, at, end);
        }
    }

    /**
     * Channel o's bias and switch over its correlation results, read and written as {@link Kernels#biasRelu} does: a
     * ReLU ({@link Kernels#biasRelu}), a Clip ({@link Kernels#biasClip}), or with {@code activation} null the bias
     * alone ({@link Kernels#biased}).
     */
    private void activate(Op activation, float[] result, int from, int stride, int rows, int columns, int o,
                          float[] out, int at, int end) {
        if (activation == null) {
            KERNELS.biased(result, from, stride, rows, columns, bias[o], out, at, end);
        } else if (activation instanceof Clip clip) {
            KERNELS.biasClip(result, from, stride, rows, columns, bias[o], clip.min(), clip.max(), out, at, end);
        } else {
            KERNELS.biasRelu(result, from, stride, rows, columns, bias[o], out, at, end);
        }
    }

    /**
     * Correlates sample {@code r} of {@code in} ({@link #linear} without bias, at stride 1 or by phases) into this
     * thread's result buffer and returns it: output channel o's row y starts at
     * {@code o * correlationWidth() + y * correlationRowStride()}. The buffer is overwritten by the thread's next call.
     */
    float[] correlateSample(float[] in, int r) {
        Correlation plan = correlation();
        float[][] buffers = plan.buffers();
        plan.correlate(in, r, buffers[0], buffers[1], null, null);
        return buffers[1];
    }

    /**
     * One channel of a depthwise convolution whose channels all have this (one-channel, bias-free) convolution's
     * shapes: the plane at {@code in[from]} correlated with the taps {@code w[wOff ..]}, the floats of {@link #linear}
     * with those weights, left in this thread's buffer: row y at {@link #correlationRowStride}{@code *y}.
     */
    float[] correlatedPlane(float[] in, int from, float[] w, int wOff) {
        return correlation().correlatedPlane(in, from, w, wOff);
    }

    /**
     * One channel of a depthwise convolution's transposed pass, for a convolution whose adjoint correlates
     * ({@link #adjointCorrelates}): the gradient plane at {@code gradOut[from]} correlated with the turned taps
     * {@code turned[wOff ..]} (its filter turned by 180 degrees) and added into {@code gradIn[to]}.
     */
    void transposePlane(float[] gradOut, int from, float[] turned, int wOff, float[] gradIn, int to) {
        adjoint().correlation().addCorrelatedPlane(gradOut, from, turned, wOff, gradIn, to);
    }

    /** The distance between two output channels in {@link #correlateSample}'s result. */
    int correlationWidth() {
        return correlation().width();
    }

    /** The distance between two output rows in {@link #correlateSample}'s result. */
    int correlationRowStride() {
        return correlation().rowStride();
    }

    /** Built on first use: the layout is fixed by the shapes, so one plan serves every call and thread. */
    private final Lazy<Correlation> correlation = new Lazy<>(this::newCorrelation);

    private Correlation correlation() {
        return correlation.get();
    }

    private Correlation newCorrelation() {
        return new Correlation(inputShape, outputShape, weight, kernel(), stride(), pads(), dilation());
    }

    /** The transposed pass scatters only the non-zero gradients when fewer than 1 in this many are non-zero. */
    private static final int SPARSE_FRACTION = 6;

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        // gradOut (rows,O,OH,OW), weight (O,C,KH,KW) -> gradIn (rows,C,H,W) +=
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        if (grouped != null) {
            grouped.transpose(gradOut, gradIn, rows, false);
            return;
        }
        // Behind a max-pool and a ReLU most output gradients are exactly 0 (three of four pool inputs lose), so
        // scattering only the non-zero ones can cost a fraction of the dense product; but a scatter runs at a
        // fraction of the product's speed, so only when fewer than a sixth are non-zero (a third before: MobileNet-V2's
        // 1x1 layers behind ReLU6s, a third to a sixth non-zero, took its top-5 etalons 1.3x longer scattered; the
        // same for SqueezeNet and ResNet-18 within the noise)
        int nonZero = KERNELS.nonZeros(gradOut, 1, 0, rows * outputShape.size());
        if (nonZero * (long) SPARSE_FRACTION < (long) rows * outputShape.size()) {
            transposeSparse(gradOut, gradIn, rows);
        } else if (pointwise()) {
            transposePointwise(gradOut, gradIn, rows);
        } else if (blockRows(rows) == 1 && adjointCorrelates()) {
            // samples too large to batch (224x224): the adjoint correlation needs no patch matrix
            adjoint().addLinear(gradOut, gradIn, rows);
        } else if (blockRows(rows) == 1 && phasesCorrelate()) {
            phases().transpose(gradOut, gradIn, rows);
        } else {
            transposeGemm(gradOut, gradIn, rows);
        }
    }

    /**
     * {@link #transpose} of a dense gradient, as the etalon solvers' transposed pass wants it for many-channel layers,
     * where most positions carry a gradient: {@code gradIn += J^T gradOut}. A convolution of stride 1 (no dilation,
     * one group, pads smaller than the kernel) has as its adjoint another stride-1 convolution, with the filters
     * turned by 180 degrees and input and output channels swapped, over the gradient padded by {@code K-1-pad}: it runs
     * on the same register-blocked correlation as the forward pass, with no patch matrix. A strided one, when its
     * samples are too large to batch, runs as one such correlation per phase of its input ({@link StridedAdjoint}).
     * Others take the im2col product.
     *
     * @param gradOut not modified; {@code (rows, O, OH, OW)}
     * @param gradIn  modified (accumulated); {@code (rows, C, H, W)}
     */
    public void transposeDense(float[] gradOut, float[] gradIn, int rows) {
        if (grouped != null) {
            grouped.transpose(gradOut, gradIn, rows, false);
        } else if (pointwise()) {
            transposePointwise(gradOut, gradIn, rows);
        } else if (adjointCorrelates()) {
            adjoint().addLinear(gradOut, gradIn, rows);
        } else if (blockRows(rows) == 1 && phasesCorrelate()) {
            phases().transpose(gradOut, gradIn, rows);
        } else {
            transposeGemm(gradOut, gradIn, rows);
        }
    }

    /** {@link #transpose} of a 1x1 convolution: {@code gradIn += W^T gradOut}, (C, O) x (O, H*W), sample by sample. */
    private void transposePointwise(float[] gradOut, float[] gradIn, int rows) {
        int inSize = inputShape.size();
        int outSize = outputShape.size();
        for (int r = 0; r < rows; r++) {
            gemmByColumns(inChannels, inSize / inChannels, outChannels, weightT, outChannels, gradOut, r * outSize,
                    gradIn, r * inSize);
        }
    }

    /**
     * Whether a strided transpose may run as one stride-1 correlation per phase ({@link StridedAdjoint}): with no
     * dilation or groups, and at least the four input channels the correlation keeps in registers at once (a photo's
     * three colours take the product, which keeps 64 filters' worth of rows busy instead).
     */
    private boolean phasesCorrelate() {
        return grouped == null && dilationH == 1 && dilationW == 1 && inChannels >= 4;
    }

    /** Built on first use, as {@link #correlation}. */
    private final Lazy<StridedAdjoint> phases = new Lazy<>(this::newPhases);

    private StridedAdjoint phases() {
        return phases.get();
    }

    private StridedAdjoint newPhases() {
        return new StridedAdjoint(inputShape, outputShape, weight, kernelH, kernelW, new int[] {strideH, strideW},
                new int[] {padTop, padLeft, padBottom, padRight});
    }

    /** Whether this convolution's transpose is a stride-1 correlation ({@link #transposeDense}'s adjoint). */
    boolean adjointCorrelates() {
        return grouped == null && strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1
                && padTop < kernelH && padBottom < kernelH && padLeft < kernelW && padRight < kernelW;
    }

    /**
     * {@link #linear} of {@code rows} samples added into {@code out}: by Winograd's minimal filtering where it gains (a
     * 3x3 kernel of stride 1 with many channels on a plane of 14x14 or more, {@link Winograd#suits};
     * {@code -Detalon.winograd=false} turns it off), else by the correlation. For the transposed pass, whose floats
     * nothing else reproduces: the forward pass keeps the direct sums.
     */
    private void addLinear(float[] in, float[] out, int rows) {
        Winograd fast = winograd();
        if (fast == null) {
            linearCorrelated(in, out, rows, true);
            return;
        }
        for (int r = 0; r < rows; r++) {
            fast.apply(in, r, out, true);
        }
    }

    /** Whether {@link #transposeDense} runs by Winograd's minimal filtering: for tests. */
    boolean adjointUsesWinograd() {
        return adjointCorrelates() && adjoint().winograd() != null;
    }

    private static final boolean WINOGRAD = !"false".equals(System.getProperty("etalon.winograd"));

    /** Built on first use, as {@link #correlation}; null where it does not gain. */
    private final Lazy<Winograd> winograd = new Lazy<>(this::newWinograd);

    private Winograd winograd() {
        return winograd.get();
    }

    private Winograd newWinograd() {
        boolean suits = WINOGRAD && grouped == null && strideH == 1 && strideW == 1 && dilationH == 1 && dilationW == 1
                && Winograd.suits(kernelH, kernelW, outputShape.dim(1), outputShape.dim(2), inChannels, outChannels);
        return suits ? new Winograd(weight, outChannels, inChannels, inputShape.dim(1), inputShape.dim(2), padTop,
                padLeft, outputShape.dim(1), outputShape.dim(2)) : null;
    }

    /** Built on first use, as {@link #correlation}: the adjoint as a convolution, see {@link #transposeDense}. */
    private final Lazy<Conv2d> adjoint = new Lazy<>(this::newAdjoint);

    private Conv2d adjoint() {
        return adjoint.get();
    }

    private Conv2d newAdjoint() {
        // weight (O,C,KH,KW) -> turned (C,O,KH,KW): turned[c,o,i,j] = weight[o,c,KH-1-i,KW-1-j]
        float[] turned = new float[weight.length];
        for (int o = 0; o < outChannels; o++) {
            for (int c = 0; c < inChannels; c++) {
                for (int i = 0; i < kernelH; i++) {
                    for (int j = 0; j < kernelW; j++) {
                        turned[((c * outChannels + o) * kernelH + i) * kernelW + j] =
                                weight[((o * inChannels + c) * kernelH + kernelH - 1 - i) * kernelW + kernelW - 1 - j];
                    }
                }
            }
        }
        return new Conv2d(outputShape, new Tensor(Shape.of(inChannels, outChannels, kernelH, kernelW), turned),
                null, new int[] {1, 1}, new int[] {kernelH - 1 - padTop, kernelW - 1 - padLeft,
                kernelH - 1 - padBottom, kernelW - 1 - padRight}, new int[] {1, 1});
    }

    /** The im2col form of {@link #transpose}: the patch gradients as one product, then added back onto the inputs. */
    private void transposeGemm(float[] gradOut, float[] gradIn, int rows) {
        int taps = inChannels * kernelH * kernelW;
        int plane = outputShape.dim(1) * outputShape.dim(2);
        int block = blockRows(rows);
        if (block == 1) {
            // one large sample at a time: its gradient (O, OH*OW) is already the product's right-hand side, and the
            // patch gradients go to the thread's reused patch buffer
            float[] patchGrads = patchBuffer(taps * plane);
            for (int r = 0; r < rows; r++) {
                java.util.Arrays.fill(patchGrads, 0, taps * plane, 0f);
                gemmByColumns(taps, plane, outChannels, weightT, outChannels, gradOut, r * outputShape.size(), patchGrads, 0);
                col2imAdd(patchGrads, plane, 0, gradIn, r * inputShape.size());
            }
            return;
        }
        float[] gathered = new float[outChannels * block * plane];
        float[] patchGrads = new float[taps * block * plane];
        for (int first = 0; first < rows; first += block) {
            int count = Math.min(block, rows - first);
            int width = count * plane;
            for (int b = 0; b < count; b++) {
                for (int o = 0; o < outChannels; o++) {
                    System.arraycopy(gradOut, ((first + b) * outChannels + o) * plane, gathered, o * width + b * plane, plane);
                }
            }
            java.util.Arrays.fill(patchGrads, 0, taps * width, 0f);
            gemmByColumns(taps, width, outChannels, weightT, outChannels, gathered, 0, patchGrads, 0);
            for (int b = 0; b < count; b++) {
                col2imAdd(patchGrads, width, b * plane, gradIn, (first + b) * inputShape.size());
            }
        }
    }

    /**
     * {@link #transpose} for mostly-zero gradients: lists the output positions with a non-zero gradient in any row and
     * hands them to {@link #transposeAt}. For etalons all rows of an image share one pattern, so their zeros coincide.
     */
    private void transposeSparse(float[] gradOut, float[] gradIn, int rows) {
        int outSize = outputShape.size();
        int stride = paddedRows(rows);
        int[] positions = new int[outSize];
        int count = 0;
        for (int q = 0; q < outSize; q++) {
            for (int r = 0; r < rows; r++) {
                if (gradOut[r * outSize + q] != 0f) {
                    positions[count++] = q;
                    break;
                }
            }
        }
        float[] values = new float[count * stride];
        for (int s = 0; s < count; s++) {
            for (int r = 0; r < rows; r++) {
                values[s * stride + r] = gradOut[r * outSize + positions[s]];
            }
        }
        transposeAt(positions, count, values, stride, rows, gradIn);
    }

    /** The row stride {@link #transposeAt} wants: the row count rounded up to the kernels' lane width. */
    public static int paddedRows(int rows) {
        int lanes = KERNELS.lanes();
        return (rows + lanes - 1) / lanes * lanes;
    }

    /**
     * The transposed convolution of a compact gradient: output position {@code positions[s]} (a flat {@code (o,y,x)}
     * index) carries the gradient {@code values[s*stride + r]} of row {@code r}; every other output position has
     * gradient 0. Adds the result into {@code gradIn} {@code (rows,C,H,W)}.
     *
     * <p>Rows are the innermost index (padded to {@code stride}, a multiple of the lane width), so each position
     * scatters its whole filter with one kernel call (positions whose window the border clips scatter the taps that
     * land inside). Cost: taps x positions x stride, whatever the size of the output.
     */
    public void transposeAt(int[] positions, int count, float[] values, int stride, int rows, float[] gradIn) {
        if (grouped != null) {
            throw new IllegalStateException("transposeAt takes an ungrouped convolution; this one has " + groups + " groups");
        }
        int lanes = KERNELS.lanes();
        if (2 * rows <= lanes && inChannels % lanes == 0) {
            // few rows (top-5 etalons) would fill a third of each vector over rows: put the lanes over channels
            transposeAtByChannels(positions, count, values, stride, rows, gradIn);
        } else {
            transposeAtByRows(positions, count, values, stride, rows, gradIn);
        }
    }

    /** {@link #transposeAt} with the lanes over rows: each position scatters its whole filter with one kernel call. */
    void transposeAtByRows(int[] positions, int count, float[] values, int stride, int rows, float[] gradIn) {
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outW = outputShape.dim(2);
        int plane = outputShape.dim(1) * outW;
        // the scatter lands in the zero-padded input, so no window is clipped by the border; the padding is dropped
        int paddedH = inH + padTop + padBottom;
        int paddedW = inW + padLeft + padRight;
        int filter = inChannels * kernelH * kernelW;
        int[] offsets = new int[filter];
        for (int c = 0, t = 0; c < inChannels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    offsets[t++] = ((c * paddedH + i * dilationH) * paddedW + j * dilationW) * stride;
                }
            }
        }
        float[] inputByPosition = new float[inChannels * paddedH * paddedW * stride];
        for (int s = 0; s < count; s++) {
            int q = positions[s];
            int o = q / plane;
            int y = q % plane / outW;
            int x = q % outW;
            KERNELS.scatter(filter, weight, o * filter, offsets, values, s * stride, stride, inputByPosition,
                    (y * strideH * paddedW + x * strideW) * stride);
        }
        // back to (rows, C, H, W): read the positions in memory order, each row's values from one vector's lanes
        int inSize = inputShape.size();
        for (int c = 0, p = 0; c < inChannels; c++) {
            for (int h = 0; h < inH; h++) {
                int from = ((c * paddedH + h + padTop) * paddedW + padLeft) * stride;
                for (int w = 0; w < inW; w++, p++, from += stride) {
                    for (int r = 0; r < rows; r++) {
                        gradIn[r * inSize + p] += inputByPosition[from + r];
                    }
                }
            }
        }
    }

    /**
     * {@link #transposeAt} with the lanes over input channels: row by row, each kept position scatters its value times
     * its filter, tap by tap, onto a zero-padded input laid out channels innermost ({@link Kernels#scatterScaled}),
     * which is then added onto the gradient. Every input gradient gets the same terms in the same order as in
     * {@link #transposeAt}, so the same floats, at a cost of taps x positions x rows / lanes instead of x a whole
     * vector of rows.
     */
    void transposeAtByChannels(int[] positions, int count, float[] values, int stride, int rows, float[] gradIn) {
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outW = outputShape.dim(2);
        int plane = outputShape.dim(1) * outW;
        int paddedW = inW + padLeft + padRight;
        int taps = kernelH * kernelW;
        float[] filters = filtersByTap();
        int[] offsets = new int[taps];
        for (int i = 0, t = 0; i < kernelH; i++) {
            for (int j = 0; j < kernelW; j++) {
                offsets[t++] = (i * dilationH * paddedW + j * dilationW) * inChannels;
            }
        }
        float[] padded = new float[(inH + padTop + padBottom) * paddedW * inChannels];
        int inSize = inputShape.size();
        for (int r = 0; r < rows; r++) {
            if (r > 0) {
                java.util.Arrays.fill(padded, 0f);
            }
            for (int s = 0; s < count; s++) {
                float v = values[s * stride + r];
                if (v == 0f) {
                    continue; // adds only zeros, which change no sum
                }
                int q = positions[s];
                int o = q / plane;
                int y = q % plane / outW;
                int x = q % outW;
                KERNELS.scatterScaled(taps, v, filters, o * taps * inChannels, inChannels, offsets, padded,
                        (y * strideH * paddedW + x * strideW) * inChannels);
            }
            for (int c = 0, p = r * inSize; c < inChannels; c++) {
                for (int h = 0; h < inH; h++) {
                    int from = ((h + padTop) * paddedW + padLeft) * inChannels + c;
                    for (int w = 0; w < inW; w++, p++, from += inChannels) {
                        gradIn[p] += padded[from];
                    }
                }
            }
        }
    }

    /** Built on first use: the filters as {@code (O, KH, KW, C)}, each tap's channels side by side. */
    private final Lazy<float[]> filtersByTap = new Lazy<>(this::newFiltersByTap);

    private float[] filtersByTap() {
        return filtersByTap.get();
    }

    private float[] newFiltersByTap() {
        float[] filters = new float[weight.length];
        for (int o = 0; o < outChannels; o++) {
            for (int c = 0; c < inChannels; c++) {
                for (int t = 0; t < kernelH * kernelW; t++) {
                    filters[(o * kernelH * kernelW + t) * inChannels + c] = weight[(o * inChannels + c) * kernelH * kernelW + t];
                }
            }
        }
        return filters;
    }

    /** The bias of output channel {@code o}. */
    public float bias(int o) {
        return bias[o];
    }

    /** Writes one sample's input patches into columns {@code [offset, offset + OH*OW)} of a (K, width) matrix. */
    private void im2col(float[] in, int inBase, float[] patches, int width, int offset) {
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        for (int c = 0; c < inChannels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    int row = ((c * kernelH + i) * kernelW + j) * width + offset;
                    int xLo = firstValid(padLeft, j, dilationW, strideW);
                    int xHi = endValid(inW, padLeft, j, dilationW, strideW, outW);
                    for (int y = 0; y < outH; y++) {
                        int h = y * strideH - padTop + i * dilationH;
                        int at = row + y * outW;
                        if (h < 0 || h >= inH || xLo >= xHi) {
                            java.util.Arrays.fill(patches, at, at + outW, 0f);
                            continue;
                        }
                        java.util.Arrays.fill(patches, at, at + xLo, 0f);
                        int source = inBase + (c * inH + h) * inW - padLeft + j * dilationW;
                        if (strideW == 1) {
                            System.arraycopy(in, source + xLo, patches, at + xLo, xHi - xLo);
                        } else {
                            for (int x = xLo; x < xHi; x++) {
                                patches[at + x] = in[source + x * strideW];
                            }
                        }
                        java.util.Arrays.fill(patches, at + xHi, at + outW, 0f);
                    }
                }
            }
        }
    }

    /** Adds columns {@code [offset, offset + OH*OW)} of a (K, width) patch-gradient matrix back onto one input. */
    private void col2imAdd(float[] patchGrads, int width, int offset, float[] gradIn, int inBase) {
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        for (int c = 0; c < inChannels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    int row = ((c * kernelH + i) * kernelW + j) * width + offset;
                    int xLo = firstValid(padLeft, j, dilationW, strideW);
                    int xHi = endValid(inW, padLeft, j, dilationW, strideW, outW);
                    for (int y = 0; y < outH; y++) {
                        int h = y * strideH - padTop + i * dilationH;
                        if (h < 0 || h >= inH) {
                            continue;
                        }
                        int at = row + y * outW;
                        int target = inBase + (c * inH + h) * inW - padLeft + j * dilationW;
                        for (int x = xLo; x < xHi; x++) {
                            gradIn[target + x * strideW] += patchGrads[at + x];
                        }
                    }
                }
            }
        }
    }

    @Override
    public void addBias(float[] out, int rows, Switches switches, int rowsPerSample) {
        addChannelBias(bias, outputShape, out, rows);
    }

    /** Adds {@code bias[o]} to every value of channel o of each of {@code rows} {@code OxHxW} samples. */
    static void addChannelBias(float[] bias, Shape shape, float[] out, int rows) {
        int channels = shape.dim(0);
        int plane = shape.dim(1) * shape.dim(2);
        // one photo's large layer shared out by blocks of channels among idle threads
        int blocks = Parallel.blocksOfValues((long) channels * plane, channels);
        for (int r = 0; r < rows; r++) {
            int row = r;
            Parallel.forRanges(channels, blocks, 1, (block, first, end) -> {
                for (int o = first; o < end; o++) {
                    int base = (row * channels + o) * plane;
                    float b = bias[o];
                    for (int k = 0; k < plane; k++) {
                        out[base + k] += b;
                    }
                }
            });
        }
    }

    /** The direct loop nest of {@link #transpose}: the naive twin the fast kernel is tested against. */
    void transposeDirect(float[] gradOut, float[] gradIn, int rows) {
        if (grouped != null) {
            grouped.transpose(gradOut, gradIn, rows, true);
            return;
        }
        // gradOut (rows,O,OH,OW), weight (O,C,KH,KW) -> gradIn (rows,C,H,W) +=
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
    public void accumulateBiasContribution(float[] gradOut, int rows, Switches switches, int rowsPerSample,
                                           double[] contribution, double[] magnitude) {
        channelBiasContribution(bias, outputShape, gradOut, rows, contribution, magnitude);
    }

    /** {@link Op#accumulateBiasContribution} of a bias per channel of {@code OxHxW} outputs. */
    static void channelBiasContribution(float[] bias, Shape shape, float[] gradOut, int rows, double[] contribution,
                                        double[] magnitude) {
        int outChannels = shape.dim(0);
        int plane = shape.dim(1) * shape.dim(2);
        // each channel's sums apart (shared out by blocks of channels among idle threads for one photo), then added
        // in order of channels, so the blocks give what one pass gives
        double[] sums = new double[outChannels];
        double[] absolutes = new double[outChannels];
        int blocks = Parallel.blocksOfValues((long) outChannels * plane, outChannels);
        for (int r = 0; r < rows; r++) {
            int row = r;
            Parallel.forRanges(outChannels, blocks, 1, (block, first, end) -> {
                double[] absolute = new double[1];
                for (int o = first; o < end; o++) {
                    if (bias[o] != 0f) {
                        absolute[0] = 0;
                        sums[o] = KERNELS.sum(gradOut, (row * outChannels + o) * plane, plane, absolute);
                        absolutes[o] = absolute[0];
                    }
                }
            });
            double sum = 0;
            double size = 0;
            for (int o = 0; o < outChannels; o++) {
                if (bias[o] != 0f) {
                    sum += sums[o] * bias[o];
                    size += absolutes[o] * Math.abs(bias[o]);
                }
            }
            contribution[r] += sum;
            magnitude[r] += size;
        }
    }

    @Override
    public void accumulateGradients(float[][] inputs, float[] gradOut, int n, float[][] gradParams) {
        // in (n,C,H,W), gradOut (n,O,OH,OW) -> gradWeight (O,C,KH,KW) +=, gradBias (O) +=
        float[] in = inputs[0];
        float[] gradWeight = gradParams[0];
        float[] gradBias = gradParams[1];
        if (grouped != null) {
            grouped.accumulateGradients(in, gradOut, n, gradWeight, gradBias);
            return;
        }
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
        return String.format("kernel %dx%d, %d->%d channels, stride %d,%d, pads %d,%d,%d,%d, dilation %d,%d%s",
                kernelH, kernelW, inputShape.dim(0), outChannels, strideH, strideW, padTop, padLeft, padBottom, padRight,
                dilationH, dilationW, groups == 1 ? "" : ", " + groups + " groups");
    }
}
