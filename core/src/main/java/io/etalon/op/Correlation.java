package io.etalon.op;

import io.etalon.kernel.Kernels;
import io.etalon.kernel.Parallel;
import io.etalon.tensor.Shape;

/**
 * The flat layout in which {@link Conv2d} runs at stride 1, or by phases at a stride, on the correlation kernels
 * ({@link Kernels#correlate}): each input channel's padded plane as {@code strideH x strideW} phase planes of
 * {@code rowStride}-wide rows (one phase, the plane itself, at stride 1, where neighbouring rows share their padding),
 * the tap offsets into them, and the width of one output channel's row of results (whole vectors). Output (y, x) reads
 * tap (c, i, j) at padded (y*sy + i, x*sx + j), which is row {@code y + i/sy} of phase {@code (i%sy, j%sx)}, its
 * column {@code x + j/sx} on from the row's first: a fixed offset from {@code y*rowStride + x}, so no patch matrix is
 * built. The few columns past the output width are computed and dropped by the caller.
 *
 * <p>Also how one sample's correlation is shared out among threads, by blocks of output channels or of positions, and
 * handed back in chunks that are still in a core's cache. Every output is its taps' sum in order (c, i, j) from 0,
 * whatever the block or chunk it falls in: the same floats as the im2col product. Fixed by the shapes, so a
 * {@link Conv2d} builds one on first use and every call and thread shares it.
 */
final class Correlation {

    private static final Kernels KERNELS = Kernels.best();

    /**
     * What a block of output channels {@code [first, end)} does with its correlation results, in the task that made
     * them: channel o's at {@code results[offset + (o - first) * width]}, its rows a row stride apart as in the whole
     * sample's result.
     */
    @FunctionalInterface
    interface ChannelsDone {
        void run(int first, int end, float[] results, int offset);
    }

    /**
     * What a block of result positions {@code [first, end)} of every output channel does with them, in the task that
     * made them: for a correlation whose rows have no columns past the output width, positions of the output itself.
     */
    @FunctionalInterface
    interface PositionsDone {
        void run(int first, int end);
    }

    /**
     * A block correlates at most this many result floats (256 KB) before handing them on, so that they are still in L2
     * (four times as many, so that a stem's block of input fed 16 filters, not 4: SqueezeNet's inference 0.90x).
     */
    private static final int CHUNK_FLOATS = 1 << 16;

    /**
     * The padded copy is shared out among the threads from this many values a block, an eighth of what a pass over
     * memory needs ({@link Parallel#blocksOfValues(long, int)}): both cores read all of it next, so one core writing it
     * alone leaves the other to fetch it all from the first's cache. Alternating call by call on two threads against
     * that threshold: ResNet-18's inference 1.026x to 1.033x (its layers at 28x28 to 7x7 copied by one core before),
     * SqueezeNet's 1.008x to 1.022x, MobileNet-V2's 1.00x.
     */
    private static final long PAD_MIN_VALUES = 1 << 13;

    /**
     * A correlation is shared out by positions only if its input has at least this many floats: a quarter of a core's
     * L2 cache (2 MB here), which blocks of channels would each read again. Below it, blocks of channels measured as
     * fast or faster (a 1x1 expand of 16 channels to 64 at 55x55).
     */
    private static final long POSITIONS_MIN_SIGNAL = 1L << 17;

    /** Whether correlations run by segments where they measured faster: {@code -Detalon.segments=false} to compare. */
    private static final boolean SEGMENTS = Boolean.parseBoolean(System.getProperty("etalon.segments", "true"));

    /**
     * The largest output plane a correlation of stride 1 runs by segments ({@link Kernels#correlateSegments}), its
     * outputs in the vector lanes: ResNet-18's 7x7, 14x14 and 28x28 layers. There the kernels with the positions in the
     * lanes compute 64 positions for 49, 224 for 196, 816 for 784, and ran 0.70x, 0.84x and 0.94x as fast on one
     * thread (512, 256 and 128 channels); at 56x56 the two were even.
     */
    private static final int SEGMENTS_MAX_PLANE = SEGMENTS ? 28 * 28 : 0;

    /**
     * {@link #SEGMENTS_MAX_PLANE} at a stride, over the phases: ResNet-18's 3x3 layers of stride 2 into 7x7 and 14x14
     * ran 1.08x faster so in the network (0.58 to 0.54 ms, 0.54 to 0.50 on two threads, alternating with the other
     * plan in one JVM), the one into 28x28 0.97x.
     */
    private static final int SEGMENTS_MAX_STRIDED_PLANE = SEGMENTS ? 14 * 14 : 0;

    private final Shape inputShape;
    private final Shape outputShape;
    private final int inChannels;
    private final int outChannels;
    private final int strideH;
    private final int strideW;
    private final int padTop;
    private final int padLeft;
    private final int padBottom;
    private final int padRight;

    private final int[] offsets;
    private final int rowStride;
    private final int phasePlane;
    private final int channelPlane;
    private final int width;
    /**
     * Where an input row's first value lies in its row of the layout: after its left padding, or at stride 1 after the
     * zeros it shares with the row before (see the constructor). At a stride the phases place each column themselves.
     */
    private final int lead;
    /** Which row and column remainders mod the stride some tap reads: the input copied into the others is unused. */
    private final boolean[] readRows;
    private final boolean[] readColumns;

    /** Each thread's signal and result buffers, reused from call to call (small calls would spend more on zeroing). */
    private final ThreadLocal<float[][]> buffers = ThreadLocal.withInitial(() -> new float[][] {signal(), result()});
    /**
     * Each thread's buffer for one chunk of channels' results ({@link #correlateChannels}): no more channels than the
     * layer has, as a depthwise layer's groups are a correlation of one channel each (MobileNet-V2 has 7,000 of them).
     */
    private final ThreadLocal<float[]> chunks = ThreadLocal.withInitial(() -> new float[chunkFloats()]);

    /** Whether the padded planes lay out as the input itself does: no padding, stride 1. */
    private final boolean unpadded;
    /**
     * Whether plain inference shares the correlation out by positions ({@link #correlatePositions}): its rows have
     * no columns past the output width, as a 1x1 layer's do, it has fewer output channels than positions, and its
     * input is large.
     */
    private final boolean byPositions;
    /** How far past a sample's start the kernels read: the last tap's offset and a result row's width. */
    private final int reach;
    /** Whether the kernel is 1x1: each tap a whole input channel ({@link Kernels#correlatePointwise}). */
    private final boolean pointwise;
    /**
     * Whether the plan runs on {@link Kernels#correlateSegments}, the outputs in the vector lanes: for planes of rows
     * at least a segment long and at most {@link #SEGMENTS_MAX_PLANE} positions ({@link #SEGMENTS_MAX_STRIDED_PLANE}
     * at a stride).
     */
    private final boolean bySegments;
    /** The starts of a plane's segments in its results ({@link #segments}), when {@link #bySegments}. */
    private final int[] segments;
    /**
     * The weights in the layout the kernels read: {@link Kernels#inGroups} for {@link #bySegments}, else
     * {@link Kernels#inFours}.
     */
    private final float[] packed;

    /**
     * The layout of a convolution of {@code weight} {@code (O,C,KH,KW)} over inputs of {@code inputShape} {@code (C,H,W)},
     * with outputs of {@code outputShape}: {@code kernel} {KH, KW}, {@code stride} {sy, sx}, {@code pads} {top, left,
     * bottom, right} and {@code dilation} {dy, dx}, as {@link Conv2d} holds them.
     */
    Correlation(Shape inputShape, Shape outputShape, float[] weight, int[] kernel, int[] stride, int[] pads,
                int[] dilation) {
        this.inputShape = inputShape;
        this.outputShape = outputShape;
        this.inChannels = inputShape.dim(0);
        this.outChannels = outputShape.dim(0);
        this.strideH = stride[0];
        this.strideW = stride[1];
        this.padTop = pads[0];
        this.padLeft = pads[1];
        this.padBottom = pads[2];
        this.padRight = pads[3];
        int kernelH = kernel[0];
        int kernelW = kernel[1];
        int dilationH = dilation[0];
        int dilationW = dilation[1];
        int paddedHeight = inputShape.dim(1) + padTop + padBottom;
        int paddedWidth = inputShape.dim(2) + padLeft + padRight;
        // At stride 1 neighbouring rows share their padding: each row starts with max(padLeft, padRight) zeros, which
        // are its left padding and the row before's right padding (the last row's are the next plane's first zeros,
        // or past the last plane). Fewer columns past the output width are computed: a 3x3 layer's rows are one
        // column shorter, and SqueezeNet's 13x13 results 12 vectors a channel instead of 13. The output must still be
        // as wide as a row, which holds unless a pad is wider than the kernel.
        boolean shared = strideH == 1 && strideW == 1 && Math.min(padLeft, padRight) <= (kernelW - 1) * dilationW;
        this.lead = shared ? Math.max(padLeft, padRight) : padLeft;
        // padded row py = strideH*Y + a lands in row Y of phase (a, b), as does column px = strideW*X + b
        int rowStride = shared ? inputShape.dim(2) + lead : (paddedWidth + strideW - 1) / strideW;
        int phasePlane = (paddedHeight + strideH - 1) / strideH * rowStride;
        int channelPlane = strideH * strideW * phasePlane;
        int taps = inChannels * kernelH * kernelW;
        int[] offsets = new int[taps];
        for (int c = 0, t = 0; c < inChannels; c++) {
            for (int i = 0; i < kernelH; i++) {
                for (int j = 0; j < kernelW; j++) {
                    int py = i * dilationH;
                    int px = j * dilationW;
                    offsets[t++] = c * channelPlane + (py % strideH * strideW + px % strideW) * phasePlane
                            + py / strideH * rowStride + lead - padLeft + px / strideW;
                }
            }
        }
        // the phases some tap reads (all at stride 1; one of four for a 1x1 kernel at stride 2): the others stay zero
        boolean[] readRows = new boolean[strideH];
        boolean[] readColumns = new boolean[strideW];
        for (int i = 0; i < kernelH; i++) {
            readRows[i * dilationH % strideH] = true;
        }
        for (int j = 0; j < kernelW; j++) {
            readColumns[j * dilationW % strideW] = true;
        }
        int lanes = KERNELS.lanes();
        int width = (outputShape.dim(1) * rowStride + lanes - 1) / lanes * lanes;
        this.unpadded = strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0 && padBottom == 0 && padRight == 0;
        this.reach = width + java.util.Arrays.stream(offsets).max().orElse(0);
        this.pointwise = kernelH == 1 && kernelW == 1;
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        this.bySegments = !pointwise && outW >= Kernels.SEGMENT && outChannels >= KERNELS.segmentGroup()
                && outH * outW <= (strideH == 1 && strideW == 1 ? SEGMENTS_MAX_PLANE : SEGMENTS_MAX_STRIDED_PLANE);
        this.segments = bySegments ? segments(outH, outW, rowStride) : null;
        this.byPositions = !bySegments && rowStride == outputShape.dim(2) && outChannels < width
                && (long) inChannels * width >= POSITIONS_MIN_SIGNAL;
        this.readRows = readRows;
        this.readColumns = readColumns;
        this.offsets = offsets;
        this.rowStride = rowStride;
        this.phasePlane = phasePlane;
        this.channelPlane = channelPlane;
        this.width = width;
        this.packed = bySegments ? Kernels.inGroups(weight, outChannels, offsets.length, KERNELS.segmentGroup())
                : Kernels.inFours(weight, outChannels, offsets.length);
    }

    /**
     * Where each segment of {@link Kernels#SEGMENT} positions starts in a plane's results, rows {@code rowStride}
     * apart: along each row from its first column, the last one ending at the row's last column, so that it may overlap
     * the one before (its overlapping outputs computed twice, the same floats).
     */
    private static int[] segments(int outH, int outW, int rowStride) {
        int perRow = (outW + Kernels.SEGMENT - 1) / Kernels.SEGMENT;
        int[] starts = new int[outH * perRow];
        for (int y = 0, i = 0; y < outH; y++) {
            for (int k = 0; k < perRow; k++) {
                starts[i++] = y * rowStride + Math.min(k * Kernels.SEGMENT, outW - Kernels.SEGMENT);
            }
        }
        return starts;
    }

    /** This thread's {signal, result}: the signal's padding is zero and stays so, as each sample overwrites the inside. */
    float[][] buffers() {
        return buffers.get();
    }

    /** The distance between two rows of results: an output row, then the columns past the output width. */
    int rowStride() {
        return rowStride;
    }

    int width() {
        return width;
    }

    /** A zeroed signal buffer: its padding stays zero, each sample overwrites the inside. */
    float[] signal() {
        // at a stride the taps' offsets are not in order: the last tap need not be in the last phase
        return new float[Math.max(inChannels * channelPlane, width + java.util.Arrays.stream(offsets).max().orElse(0))];
    }

    /** The results of one sample, with room for the epilogue kernels to read a vector past any row. */
    float[] result() {
        return new float[outChannels * width + 2 * KERNELS.lanes()];
    }

    /**
     * Correlates sample {@code r} of {@code in}, handing each block of channels to {@code done} as it is made, or,
     * where the plan shares it out by positions and the caller can take them ({@code positions} not null), each
     * block of positions to {@code positions}, their results in {@code result}, {@code (O, width)}. With both null,
     * all results stay in {@code result}.
     */
    void correlate(float[] in, int r, float[] padded, float[] result, PositionsDone positions, ChannelsDone done) {
        correlate(in, false, r, padded, result, 0, positions, done);
    }

    /**
     * Whether {@link #correlate} shares plain inference out by positions and its rows of results are a channel's whole
     * output plane, nothing past it: its results may then go straight into the output, each channel where it lies
     * ({@code resultOff} its start), and be biased and switched in place.
     */
    boolean resultsAreTheOutput() {
        return byPositions && width == outputShape.dim(1) * outputShape.dim(2);
    }

    /**
     * The layout of {@link #correlate}'s padded planes, when a producer may write its input so and the correlation
     * read it there ({@code inputPadded}): at stride 1 with some padding, one phase whose rows share their padding.
     * Null otherwise: at a stride the planes are split into phases, and without padding the input is read where it
     * lies already.
     */
    PaddedPlanes paddedInput() {
        if (!readsPaddedInPlace()) {
            return null;
        }
        return new PaddedPlanes(inChannels, inputShape.dim(1), inputShape.dim(2), rowStride, padTop * rowStride + lead,
                channelPlane, Math.max(inChannels * channelPlane, reach));
    }

    /** Whether a producer's output in this plan's padded planes can be read where it lies: stride 1, some padding. */
    private boolean readsPaddedInPlace() {
        return strideH == 1 && strideW == 1 && !unpadded;
    }

    /**
     * {@link #correlate(float[], int, float[], float[], PositionsDone, ChannelsDone)} with the results of a plan shared
     * out by positions from {@code result[resultOff]} on; with {@code inputPadded}, {@code in} holds the samples in
     * this plan's padded planes ({@link #paddedInput}), which are read where they lie.
     */
    void correlate(float[] in, boolean inputPadded, int r, float[] padded, float[] result, int resultOff,
                   PositionsDone positions, ChannelsDone done) {
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        int base = r * inputShape.size();
        float[] signal;
        int[] at;
        if (inputPadded) {
            int start = r * inChannels * channelPlane;
            if (!readsPaddedInPlace() || in.length < start + reach) {
                throw new IllegalArgumentException("the input of sample " + r + " is not in padded planes this "
                        + "correlation reads in place: " + in.length + " floats");
            }
            signal = in;
            at = moved(offsets, start);
        } else if (unpadded && in.length >= base + reach) {
            // no padding at stride 1: the padded planes are the input's own, so read it where it lies (the columns
            // past the output width read on into the next rows, as in the copy, and are dropped)
            signal = in;
            at = moved(offsets, base);
        } else {
            // the input channels copied into their padded planes (split into phases) by blocks, for one photo's
            // large layer shared among idle threads
            int blocks = Parallel.blocksOfValues((long) inChannels * inH * inW, inChannels, PAD_MIN_VALUES);
            Parallel.forRanges(inChannels, blocks, 1, (block, firstChannel, endChannel) -> {
                for (int c = firstChannel; c < endChannel; c++) {
                    pad(in, ((r * inChannels + c) * inH) * inW, padded, c * channelPlane);
                }
            });
            signal = padded;
            at = offsets;
        }
        if (positions != null && byPositions) {
            correlatePositions(at, signal, result, resultOff, positions);
        } else {
            correlateChannels(at, signal, result, done);
        }
    }

    /**
     * For a plan of one input and one output channel, a depthwise convolution's channel: the correlation of the plane
     * at {@code in[from]} with the taps {@code w[wOff ..]} ({@link #correlatedPlane}), its rows added into
     * {@code out[to]} {@code (OH, OW)}.
     */
    void addCorrelatedPlane(float[] in, int from, float[] w, int wOff, float[] out, int to) {
        float[] result = correlatedPlane(in, from, w, wOff);
        int outH = outputShape.dim(1);
        int outW = outputShape.dim(2);
        for (int y = 0; y < outH; y++) {
            for (int x = 0, into = to + y * outW, row = y * rowStride; x < outW; x++) {
                out[into + x] += result[row + x];
            }
        }
    }

    /**
     * For a plan of one input and one output channel, a depthwise convolution's channel: the correlation of the plane
     * at {@code in[from]} with the taps {@code w[wOff ..]}, left in this thread's result buffer, which it returns:
     * output row y starts at {@code y * rowStride()}. The same floats as {@link #correlate} of a convolution of that one
     * channel with those weights. The thread's next call overwrites them.
     */
    float[] correlatedPlane(float[] in, int from, float[] w, int wOff) {
        float[][] own = buffers.get();
        float[] signal = own[0];
        int[] at = offsets;
        if (unpadded && in.length >= from + reach) {
            signal = in;
            at = moved(offsets, from);
        } else {
            pad(in, from, signal, 0);
        }
        float[] result = own[1];
        KERNELS.correlate(1, offsets.length, w, wOff, at, signal, result, 0, width);
        return result;
    }

    /** One input channel's plane, from {@code in[from]}, into its padded phase planes at {@code padded[to]}. */
    private void pad(float[] in, int from, float[] padded, int to) {
        int inH = inputShape.dim(1);
        int inW = inputShape.dim(2);
        if (strideW == 2) {
            // the rows of one row phase in one call, each into both column phases: input column w lands in padded
            // column w + padLeft, column (w + padLeft) / 2 of phase (w + padLeft) % 2
            for (int first = 0; first < Math.min(strideH, inH); first++) {
                int py = first + padTop;
                if (!readRows[py % strideH]) {
                    continue;
                }
                int row = to + py % strideH * strideW * phasePlane + py / strideH * rowStride;
                KERNELS.deinterleave(in, from + first * inW, strideH * inW, (inH - first + strideH - 1) / strideH, inW,
                        padded, row + padLeft % 2 * phasePlane + padLeft / 2,
                        row + (padLeft + 1) % 2 * phasePlane + (padLeft + 1) / 2, rowStride);
            }
            return;
        }
        for (int h = 0; h < inH; h++) {
            int py = h + padTop;
            if (!readRows[py % strideH]) {
                continue;
            }
            int row = to + py % strideH * strideW * phasePlane + py / strideH * rowStride;
            int source = from + h * inW;
            if (strideW == 1) {
                System.arraycopy(in, source, padded, row + lead, inW);
                continue;
            }
            for (int b = 0; b < strideW; b++) {
                if (!readColumns[b]) {
                    continue;
                }
                // columns w with (w + padLeft) % strideW == b go to phase b, column (w + padLeft) / strideW
                int phase = row + b * phasePlane;
                int first = Math.floorMod(b - padLeft, strideW);
                int count = (inW - first + strideW - 1) / strideW;
                if (count > 0 && source + first + (count - 1) * strideW + 1 < in.length) {
                    // the vector kernel may read one value past the last it picks
                    KERNELS.pick(in, source + first, strideW, count, padded, phase + (first + padLeft) / strideW);
                } else {
                    for (int w = first, at = phase + (first + padLeft) / strideW; w < inW; w += strideW, at++) {
                        padded[at] = in[source + w];
                    }
                }
            }
        }
    }

    /**
     * {@link Kernels#correlate} of all output channels, shared out by blocks of channels among threads when the work
     * is large ({@link Parallel}): each block but the last a {@link #channelsMultiple} long, as the kernels keep four
     * channels in registers and take the weights in fours ({@link Kernels#inFours}), or by segments a group of them.
     * Each block goes in chunks of channels whose results fit a core's cache, handing each chunk to {@code done} as it is made. The chunks change
     * no sum: each output is its taps' sum in order, whatever the channels around it.
     */
    private void correlateChannels(int[] offsets, float[] signal, float[] result, ChannelsDone done) {
        int taps = offsets.length;
        int multiple = channelsMultiple();
        int chunk = chunkChannels();
        int blocks = Parallel.blocks((long) outChannels * taps * width, (outChannels + multiple - 1) / multiple);
        Parallel.forRanges(outChannels, blocks, multiple, (block, first, end) -> {
            // each chunk's results in this thread's chunk buffer, which so stays in its core's cache from chunk to
            // chunk, where a stem's whole result (64 channels of 111 rows of 112, 3.2 MB) would not: SqueezeNet's
            // inference 1.02x on one thread. With done null, all stay in result.
            float[] target = done == null ? result : chunks.get();
            for (int from = first; from < end; from += chunk) {
                int to = Math.min(end, from + chunk);
                int offset = done == null ? from * width : 0;
                correlate(to - from, taps, from * taps, offsets, signal, target, offset, width);
                if (done != null) {
                    done.run(from, to, target, offset);
                }
            }
        });
    }

    /** The floats of a chunk buffer: a chunk's results, with room for the epilogues to read a vector past a row. */
    private int chunkFloats() {
        return Math.min(chunkChannels(), outChannels) * width + 2 * KERNELS.lanes();
    }

    /**
     * The channels a block of {@link #correlateChannels} starts at a multiple of: the kernels' block of outputs, four
     * ({@link Kernels#inFours}) or a group of {@link Kernels#correlateSegments}.
     */
    private int channelsMultiple() {
        return bySegments ? KERNELS.segmentGroup() : 4;
    }

    /** How many channels {@link #correlateChannels} correlates before handing them on: a {@link #channelsMultiple}. */
    private int chunkChannels() {
        int multiple = channelsMultiple();
        return Math.max(multiple, CHUNK_FLOATS / width / multiple * multiple);
    }

    /**
     * {@link #correlateChannels} shared out by blocks of positions instead, each block every channel's results at its
     * positions (whole groups of four vectors, the kernels' widest), handed to {@code done} in chunks that fit a core's
     * cache. Each thread then reads its own stretch of the input once, where blocks of channels would each read all
     * of it: the better split for a layer of few channels over many positions. Each output is still its taps' sum in
     * order.
     */
    private void correlatePositions(int[] offsets, float[] signal, float[] result, int resultOff, PositionsDone done) {
        int taps = offsets.length;
        int group = 4 * KERNELS.lanes();
        int chunk = Math.max(group, CHUNK_FLOATS / outChannels / group * group);
        int groups = (width + group - 1) / group;
        int blocks = Parallel.blocks((long) outChannels * taps * width, groups);
        Parallel.forRanges(groups, blocks, 1, (block, firstGroup, endGroup) -> {
            int end = Math.min(width, endGroup * group);
            for (int from = firstGroup * group; from < end; from += chunk) {
                int to = Math.min(end, from + chunk);
                correlate(outChannels, taps, 0, moved(offsets, from), signal, result, resultOff + from, to - from);
                done.run(from, to);
            }
        });
    }

    /**
     * {@link Kernels#correlate} of this plan's weights from {@code wOff} over {@code positions} of rows {@link #width}
     * apart: a 1x1 convolution's by its own kernels.
     */
    private void correlate(int outputs, int taps, int wOff, int[] offsets, float[] signal, float[] y, int yOff,
                           int positions) {
        if (bySegments) {
            KERNELS.correlateSegments(outputs, taps, packed, wOff, offsets, signal, segments, segments.length, y, yOff,
                    width);
        } else if (pointwise) {
            KERNELS.correlatePointwise(outputs, taps, packed, wOff, offsets, signal, y, yOff, positions, width);
        } else {
            KERNELS.correlate(outputs, taps, packed, wOff, offsets, signal, y, yOff, positions, width);
        }
    }

    /** The tap offsets moved on by {@code by} (themselves when 0): into a later sample, or to a later position. */
    private static int[] moved(int[] offsets, int by) {
        if (by == 0) {
            return offsets;
        }
        int[] at = new int[offsets.length];
        for (int t = 0; t < at.length; t++) {
            at[t] = offsets[t] + by;
        }
        return at;
    }
}
