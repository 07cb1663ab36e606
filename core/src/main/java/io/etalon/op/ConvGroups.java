package io.etalon.op;

import io.etalon.kernel.Parallel;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;

/**
 * The groups of a grouped convolution (ONNX Conv {@code group}, PyTorch {@code groups}): the input channels and the
 * output channels are cut into G equal slices, and output slice g is an ordinary convolution of input slice g.
 * A depthwise convolution is the case G = C.
 *
 * <p>Each group is held as an ungrouped {@link Conv2d} without bias, so a grouped convolution runs the ungrouped
 * kernels unchanged; this class only copies each group's channels into and out of contiguous buffers (one sample's
 * channel slice is contiguous in a {@code (C,H,W)} row). The bias is per output channel and stays with the outer
 * {@link Conv2d}.
 *
 * <p>Shapes: in {@code (C,H,W)}, weight {@code (O, C/G, KH, KW)}, out {@code (O,OH,OW)}; group g reads channels
 * {@code [g*C/G, (g+1)*C/G)}, writes channels {@code [g*O/G, (g+1)*O/G)} and uses weight rows {@code [g*O/G, (g+1)*O/G)}.
 */
final class ConvGroups {

    private static final io.etalon.kernel.Kernels KERNELS = io.etalon.kernel.Kernels.best();

    private final Conv2d[] groups;
    /** Values of one row's input slice, {@code (C/G)*H*W}, and of a whole input row, {@code C*H*W}. */
    private final int inSlice;
    private final int inSize;
    /** Values of one row's output slice, {@code (O/G)*OH*OW}, and of a whole output row. */
    private final int outSlice;
    private final int outSize;
    /** Weights of one group, {@code (O/G)*(C/G)*KH*KW}. */
    private final int weightSlice;
    private final int outChannelsPerGroup;
    /** Every group's weights, {@code (O, C/G, KH, KW)} (a copy); a depthwise convolution's channels read theirs here. */
    private final float[] weight;
    /** One input and one output channel per group: MobileNet's depthwise layers. */
    private final boolean depthwise;
    private final int strideH;
    private final int strideW;
    /**
     * The plan a depthwise convolution's channels are correlated by: group 0's at stride 1; at a stride, one of the same
     * taps, pads and dilation at stride 1, whose results at every stride-th row and column are the strided ones (the
     * same sums in the same order). It makes 4 times the sums at stride 2, yet a channel's plane split into phases
     * cost more than those: MobileNet-V2's 96 channels of 112x112 to 56x56, one thread, 1.10-1.44 ms by phases,
     * 0.95-1.01 at stride 1.
     */
    private final Conv2d planes;
    /** {@link #weight} with each channel's filter turned by 180 degrees, for a depthwise transpose; made on first use. */
    private volatile float[] turned;

    /**
     * @param weight {@code (O, C/G, KH, KW)}, not modified (each group copies its slice)
     */
    ConvGroups(Shape inputShape, Tensor weight, int count, int[] stride, int[] pads, int[] dilation) {
        Shape w = weight.shape();
        int inChannelsPerGroup = inputShape.dim(0) / count;
        this.outChannelsPerGroup = w.dim(0) / count;
        Shape groupInput = Shape.of(inChannelsPerGroup, inputShape.dim(1), inputShape.dim(2));
        Shape groupWeight = Shape.of(outChannelsPerGroup, w.dim(1), w.dim(2), w.dim(3));
        this.weightSlice = groupWeight.size();
        this.groups = new Conv2d[count];
        float[] all = weight.data();
        for (int g = 0; g < count; g++) {
            float[] slice = java.util.Arrays.copyOfRange(all, g * weightSlice, (g + 1) * weightSlice);
            groups[g] = new Conv2d(groupInput, new Tensor(groupWeight, slice), null, stride, pads, dilation);
        }
        this.inSlice = groupInput.size();
        this.inSize = inputShape.size();
        this.outSlice = groups[0].outputShape().size();
        this.outSize = outSlice * count;
        this.weight = all.clone();
        this.depthwise = inChannelsPerGroup == 1 && outChannelsPerGroup == 1;
        this.strideH = stride[0];
        this.strideW = stride[1];
        boolean strided = stride[0] > 1 || stride[1] > 1;
        this.planes = !depthwise || !strided ? groups[0] : new Conv2d(groupInput, new Tensor(groupWeight,
                java.util.Arrays.copyOf(all, weightSlice)), null, new int[] {1, 1}, pads, dilation);
    }

    /**
     * {@code out = conv(in)} for each row, without bias.
     *
     * @param in  not modified; {@code (rows, C*H*W)}
     * @param out modified (overwritten); {@code (rows, O*OH*OW)}
     * @param direct true for the naive loop nests (the reference the fast kernels are tested against)
     */
    void linear(float[] in, float[] out, int rows, boolean direct) {
        if (depthwise && !direct) {
            depthwiseLinear(in, out, rows);
            return;
        }
        float[] groupIn = new float[rows * inSlice];
        float[] groupOut = new float[rows * outSlice];
        for (int g = 0; g < groups.length; g++) {
            copyRows(in, inSize, g * inSlice, groupIn, inSlice, 0, inSlice, rows);
            if (direct) {
                groups[g].linearDirect(groupIn, groupOut, rows);
            } else {
                groups[g].linear(new float[][] {groupIn}, groupOut, rows, Switches.none(rows), 1);
            }
            copyRows(groupOut, outSlice, 0, out, outSize, g * outSlice, outSlice, rows);
        }
    }

    /**
     * {@link #linear} of a depthwise convolution: every sample's channels shared out among threads in blocks, each
     * channel correlated where it lies, with its weights where they lie, by one plan ({@link #planes}; all groups have
     * its shapes). The same floats as each group's own {@link Conv2d#linear}, without copying each channel in and out
     * and without a parallel section per channel: MobileNet-V2's 7,000 depthwise channels per photo had spent more on
     * those than on their sums.
     */
    private void depthwiseLinear(float[] in, float[] out, int rows) {
        int outH = groups[0].outputShape().dim(1);
        int outW = groups[0].outputShape().dim(2);
        eachChannel(rows, k -> depthwisePlane(in, k, out, k * outSlice, (results, from, rowStride) -> {
            if (results != out) {
                for (int y = 0; y < outH; y++) {
                    System.arraycopy(results, from + y * rowStride, out, k * outSlice + y * outW, outW);
                }
            }
        }));
    }

    /** Whether each group is one input and one output channel: a depthwise convolution. */
    boolean depthwise() {
        return depthwise;
    }

    /**
     * What a depthwise convolution does with one channel's results: output row y at {@code results[from + y*rowStride]},
     * its columns side by side.
     */
    @FunctionalInterface
    interface PlaneResults {
        void run(float[] results, int from, int rowStride);
    }

    /** What a depthwise convolution's inference does with channel {@code channel} of sample {@code sample}'s results. */
    @FunctionalInterface
    interface PlaneDone {
        /**
         * @param end how far into the output the channel's epilogue may write scratch values: the end of the last
         *            channel of this sample that the same thread writes after it
         */
        void run(int sample, int channel, float[] results, int from, int rowStride, int end);
    }

    /**
     * {@link #depthwiseLinear} handing each channel's results to {@code done} in the thread that made them, while they
     * are in its core's cache, instead of copying them out: plain inference adds the bias and applies the switch after
     * the convolution there, in one pass. At a stride the results are first picked into {@code out[offset + r *
     * sampleStride + c * OH * OW]}, channel c of sample r's own place in the output, and handed on from there.
     */
    void depthwiseCorrelate(float[] in, int rows, float[] out, int offset, int sampleStride, PlaneDone done) {
        if (!depthwise) {
            throw new IllegalStateException("depthwiseCorrelate needs one input and one output channel per group");
        }
        int channels = groups.length;
        eachChannel(rows, (k, last) -> {
            int sample = k / channels;
            int at = offset + sample * sampleStride;
            // the channels after this one that the same thread writes next: its vectors may spill into them
            int end = at + (Math.min(last, (sample + 1) * channels - 1) - sample * channels + 1) * outSlice;
            depthwisePlane(in, k, out, at + k % channels * outSlice, (results, from, rowStride) ->
                    done.run(sample, k % channels, results, from, rowStride, end));
        });
    }

    /**
     * Correlates channel k ({@code k = row * channels + channel}) of a depthwise convolution by {@link #planes} and
     * hands its results to {@code done}: at stride 1 where the plan left them; at a stride after picking every
     * stride-th row and column into {@code out[to]}, the channel's own {@code (OH, OW)} place.
     */
    private void depthwisePlane(float[] in, int k, float[] out, int to, PlaneResults done) {
        float[] results = planes.correlatedPlane(in, k * inSlice, weight, (k % groups.length) * weightSlice);
        int rowStride = planes.correlationRowStride();
        if (planes == groups[0]) {
            done.run(results, 0, rowStride);
            return;
        }
        int outH = groups[0].outputShape().dim(1);
        int outW = groups[0].outputShape().dim(2);
        for (int y = 0; y < outH; y++) {
            int from = y * strideH * rowStride;
            if (strideW == 1) {
                System.arraycopy(results, from, out, to + y * outW, outW);
            } else {
                KERNELS.pick(results, from, strideW, outW, out, to + y * outW);
            }
        }
        done.run(out, to, outW);
    }

    /**
     * Runs {@code unit} for every channel k of every row ({@code k = row * channels + channel}), the units shared out
     * among threads in blocks: a depthwise layer's channels are too small for a parallel section each.
     */
    private void eachChannel(int rows, java.util.function.IntConsumer unit) {
        eachChannel(rows, (k, last) -> unit.accept(k));
    }

    /** One channel k of a block of them, {@code last} the block's last (the same thread's work after k). */
    @FunctionalInterface
    private interface ChannelOfBlock {
        void run(int k, int last);
    }

    /**
     * A depthwise channel's fixed costs (its padded copy, its kernel calls and buffers, its epilogue), counted in the
     * multiply-adds that would take as long: on a small plane they outweigh its sums. MobileNet-V2's 384 channels of
     * 14x14 took 0.09 ms on one thread, 0.24 us a channel, of which its 2,016 multiply-adds take about 0.035. Counted
     * by its sums alone, such a layer stayed one block on one thread while the other waited (0.09 ms on two threads,
     * as on one).
     */
    private static final long CHANNEL_COST = 1 << 13;

    /**
     * How many blocks {@code units} depthwise channels go in ({@link Parallel#blocks}): each counted at the sums of its
     * plan's positions (at a stride, the stride-1 plane it picks from or spreads onto) and its fixed costs.
     */
    private int channelBlocks(int units) {
        return Parallel.blocks(units * ((long) planes.correlationWidth() * weightSlice + CHANNEL_COST), units);
    }

    /** {@link #eachChannel(int, java.util.function.IntConsumer)}, each unit told the last unit of its block. */
    private void eachChannel(int rows, ChannelOfBlock unit) {
        int units = rows * groups.length;
        int blocks = channelBlocks(units);
        Parallel.forRanges(units, blocks, 1, (block, first, end) -> {
            for (int k = first; k < end; k++) {
                unit.run(k, end - 1);
            }
        });
    }

    /**
     * {@code gradIn += conv^T(gradOut)} for each row.
     *
     * @param gradOut not modified; {@code (rows, O*OH*OW)}
     * @param gradIn  modified (accumulated); {@code (rows, C*H*W)}
     */
    void transpose(float[] gradOut, float[] gradIn, int rows, boolean direct) {
        if (depthwise && !direct && planes.adjointCorrelates()) {
            depthwiseTranspose(gradOut, gradIn, rows);
            return;
        }
        float[] groupGradOut = new float[rows * outSlice];
        float[] groupGradIn = new float[rows * inSlice];
        for (int g = 0; g < groups.length; g++) {
            copyRows(gradOut, outSize, g * outSlice, groupGradOut, outSlice, 0, outSlice, rows);
            // start from what gradIn holds, so the group's kernel accumulates onto it, then copy the sum back
            copyRows(gradIn, inSize, g * inSlice, groupGradIn, inSlice, 0, inSlice, rows);
            if (direct) {
                groups[g].transposeDirect(groupGradOut, groupGradIn, rows);
            } else {
                groups[g].transpose(groupGradOut, new float[][] {groupGradIn}, rows, Switches.none(rows), 1);
            }
            copyRows(groupGradIn, inSlice, 0, gradIn, inSize, g * inSlice, inSlice, rows);
        }
    }

    /**
     * {@link #transpose} of a depthwise convolution: each row's channels shared out among threads in blocks, each
     * channel's gradient correlated where it lies with its filter turned by 180 degrees, by the adjoint of
     * {@link #planes}, and added into the input gradient where it lies. At a stride the channel's gradient is first
     * spread onto every stride-th row and column of a zero plane of the stride-1 plan's outputs (the adjoint of
     * picking them). The per-group path took a patch matrix and its scatter back per channel and row block: most of
     * MobileNet-V2's etalons' time.
     */
    private void depthwiseTranspose(float[] gradOut, float[] gradIn, int rows) {
        int channels = groups.length;
        float[] turned = turned();
        if (planes == groups[0]) {
            eachChannel(rows, k -> planes.transposePlane(gradOut, k * outSlice, turned, (k % channels) * weightSlice,
                    gradIn, k * inSlice));
            return;
        }
        int outH = groups[0].outputShape().dim(1);
        int outW = groups[0].outputShape().dim(2);
        int denseW = planes.outputShape().dim(2);
        int units = rows * channels;
        Parallel.forRanges(units, channelBlocks(units), 1, (block, first, end) -> {
            // zero but at the stride's rows and columns, which each channel overwrites
            float[] spread = new float[planes.outputShape().size()];
            for (int k = first; k < end; k++) {
                for (int y = 0; y < outH; y++) {
                    for (int x = 0, from = k * outSlice + y * outW, to = y * strideH * denseW; x < outW; x++) {
                        spread[to + x * strideW] = gradOut[from + x];
                    }
                }
                planes.transposePlane(spread, 0, turned, (k % channels) * weightSlice, gradIn, k * inSlice);
            }
        });
    }

    /** Each channel's taps in reverse order: its filter turned by 180 degrees. */
    private float[] turned() {
        float[] made = turned;
        if (made == null) {
            made = new float[weight.length];
            for (int c = 0; c < groups.length; c++) {
                for (int t = 0; t < weightSlice; t++) {
                    made[c * weightSlice + t] = weight[c * weightSlice + weightSlice - 1 - t];
                }
            }
            turned = made;
        }
        return made;
    }

    /**
     * Accumulates the weight and bias gradients of {@code n} samples.
     *
     * @param in         not modified; {@code (n, C*H*W)}
     * @param gradOut    not modified; {@code (n, O*OH*OW)}
     * @param gradWeight modified (accumulated); {@code (O, C/G, KH, KW)}
     * @param gradBias   modified (accumulated); {@code (O)}
     */
    void accumulateGradients(float[] in, float[] gradOut, int n, float[] gradWeight, float[] gradBias) {
        float[] groupIn = new float[n * inSlice];
        float[] groupGradOut = new float[n * outSlice];
        for (int g = 0; g < groups.length; g++) {
            copyRows(in, inSize, g * inSlice, groupIn, inSlice, 0, inSlice, n);
            copyRows(gradOut, outSize, g * outSlice, groupGradOut, outSlice, 0, outSlice, n);
            float[][] grads = {new float[weightSlice], new float[outChannelsPerGroup]};
            groups[g].accumulateGradients(new float[][] {groupIn}, groupGradOut, n, grads);
            for (int k = 0; k < weightSlice; k++) {
                gradWeight[g * weightSlice + k] += grads[0][k];
            }
            for (int o = 0; o < outChannelsPerGroup; o++) {
                gradBias[g * outChannelsPerGroup + o] += grads[1][o];
            }
        }
    }

    /** Copies {@code length} values from each of {@code rows} rows of one matrix into another (overwriting). */
    private static void copyRows(float[] from, int fromRow, int fromOffset, float[] to, int toRow, int toOffset,
                                 int length, int rows) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(from, r * fromRow + fromOffset, to, r * toRow + toOffset, length);
        }
    }
}
