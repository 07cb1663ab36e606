package io.etalon.op;

import io.etalon.kernel.Kernels;
import io.etalon.kernel.Parallel;

/**
 * A 3x3 convolution of stride 1 by Winograd's minimal filtering F(2x2, 3x3): each 2x2 tile of outputs costs 16
 * multiply-adds per channel pair instead of 36.
 *
 * <p>The padded input is cut into 4x4 patches d that overlap by two, one per output tile; each patch and each filter g
 * is carried into a 4x4 transform domain, {@code V = B^T d B} and {@code U = G g G^T}, where the convolution becomes
 * 16 independent matrix products over the channels, {@code M[xi] = V[xi] U[xi]} (tiles x C times C x O), and
 * {@code A^T M A} brings each tile's 2x2 outputs back. The transforms only add, subtract and halve, so the result
 * differs from the direct sums by a few roundings per layer; the etalon solvers use it for the transposed pass of
 * large layers, where the residual of every etalon still shows it (the forward pass keeps the direct sums, which
 * the ReLU pattern is read from).
 *
 * <p>Matrices (Lavin and Gray, 2016): {@code B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]},
 * {@code G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1]}, {@code A^T = [1 1 1 0; 0 1 -1 -1]}.
 */
final class Winograd {

    private static final Kernels KERNELS = Kernels.best();

    /** Planes at least this large (14x14) gain: smaller ones leave too few tiles for the 16 products to run well. */
    static final int MIN_OUTPUTS = 14 * 14;
    /**
     * The transforms cost in proportion to C + O values per tile and the products to C x O, so the products must
     * dominate: C O / (C + O) at least this. 64 channels in and out give 32: at 56x56 about a tenth faster than the
     * correlation, at 128 channels (28x28) and 256 (14x14) about half as fast again. SqueezeNet's 128 to 32 (25.6) and
     * 64 to 16 are left to the correlation.
     */
    static final int MIN_CHANNEL_RATIO = 32;

    private final int channels;
    private final int outputs;
    private final int inH;
    private final int inW;
    private final int padTop;
    private final int padLeft;
    private final int outH;
    private final int outW;
    private final int tilesH;
    private final int tilesW;
    private final int tiles;
    /** The padded input's width: two columns per tile column, and the two the last patch reaches past them. */
    private final int paddedW;
    /** The padded input's size: channels innermost, so that a patch's 16 values of consecutive channels lie side by side. */
    private final int paddedSize;
    /**
     * The distance between two of the 16 transformed-patch matrices and between two product matrices: their size and
     * two cache lines more, so that the 16 streams a tile writes or reads do not fall on one cache set (at 56x56 with
     * 64 channels each matrix is exactly 49 pages, and the unpadded transform ran ten times slower).
     */
    private final int patchStep;
    private final int productStep;
    /** {@code U[xi]} as 16 matrices {@code (C, O)}. */
    private final float[] filters;
    /** Each thread's padded input, transformed patches and products, reused from call to call. */
    private final ThreadLocal<float[][]> buffers;

    /**
     * @param weight (O, C, 3, 3)
     */
    Winograd(float[] weight, int outputs, int channels, int inH, int inW, int padTop, int padLeft, int outH, int outW) {
        this.channels = channels;
        this.outputs = outputs;
        this.inH = inH;
        this.inW = inW;
        this.padTop = padTop;
        this.padLeft = padLeft;
        this.outH = outH;
        this.outW = outW;
        this.tilesH = (outH + 1) / 2;
        this.tilesW = (outW + 1) / 2;
        this.tiles = tilesH * tilesW;
        this.paddedW = 2 * tilesW + 2;
        this.paddedSize = (2 * tilesH + 2) * paddedW * channels;
        this.filters = transformFilters(weight, outputs, channels);
        this.patchStep = tiles * channels + 32;
        this.productStep = tiles * outputs + 32;
        this.buffers = ThreadLocal.withInitial(() -> new float[][] {
                new float[paddedSize], new float[16 * patchStep], new float[16 * productStep]});
    }

    /**
     * Whether a 3x3 convolution (of stride 1 and no dilation) of this shape gains: a plane of 14x14 or more, and many
     * channels in and out.
     */
    static boolean suits(int kernelH, int kernelW, int outH, int outW, int channels, int outputs) {
        return kernelH == 3 && kernelW == 3 && outH * outW >= MIN_OUTPUTS
                && (long) channels * outputs >= (long) MIN_CHANNEL_RATIO * (channels + outputs);
    }

    /** {@code U = G g G^T} for every filter, in double and rounded once, laid out as 16 matrices {@code (C, O)}. */
    private static float[] transformFilters(float[] weight, int outputs, int channels) {
        float[] u = new float[16 * channels * outputs];
        double[] gg = new double[12];
        for (int o = 0; o < outputs; o++) {
            for (int c = 0; c < channels; c++) {
                int g = (o * channels + c) * 9;
                // G g: 4 rows by 3 columns
                for (int j = 0; j < 3; j++) {
                    double g0 = weight[g + j];
                    double g1 = weight[g + 3 + j];
                    double g2 = weight[g + 6 + j];
                    gg[j] = g0;
                    gg[3 + j] = (g0 + g1 + g2) / 2;
                    gg[6 + j] = (g0 - g1 + g2) / 2;
                    gg[9 + j] = g2;
                }
                // (G g) G^T: 4 by 4
                for (int i = 0; i < 4; i++) {
                    double a = gg[3 * i];
                    double b = gg[3 * i + 1];
                    double d = gg[3 * i + 2];
                    int at = (4 * i * channels + c) * outputs + o;
                    int step = channels * outputs;
                    u[at] = (float) a;
                    u[at + step] = (float) ((a + b + d) / 2);
                    u[at + 2 * step] = (float) ((a - b + d) / 2);
                    u[at + 3 * step] = (float) d;
                }
            }
        }
        return u;
    }

    /**
     * The convolution (no bias) of sample {@code r} of {@code in}, {@code (C, inH, inW)} each, written or with
     * {@code add} added into sample r of {@code out}, {@code (O, outH, outW)} each.
     */
    void apply(float[] in, int r, float[] out, boolean add) {
        float[][] buffer = buffers.get();
        float[] padded = buffer[0];
        float[] patches = buffer[1];
        float[] products = buffer[2];
        int inSize = channels * inH * inW;
        // (C, H, W) to padded (H, W, C): writes in order; the reads of neighbouring columns share cache lines
        int plane = inH * inW;
        for (int h = 0; h < inH; h++) {
            for (int w = 0; w < inW; w++) {
                int from = r * inSize + h * inW + w;
                int to = ((h + padTop) * paddedW + padLeft + w) * channels;
                for (int c = 0; c < channels; c++) {
                    padded[to + c] = in[from + c * plane];
                }
            }
        }
        int rowBlocks = Parallel.blocksOfValues((long) tiles * channels * 16, tilesH);
        Parallel.forRanges(tilesH, rowBlocks, 1, (block, first, end) -> transformPatches(padded, patches, first, end));
        // the products start from zero: the buffer is zero when made, and the output transform zeroes what it reads
        int products16 = Parallel.blocks(16L * tiles * channels * outputs, 16);
        Parallel.forRanges(16, products16, 1, (block, first, end) -> {
            for (int xi = first; xi < end; xi++) {
                KERNELS.gemm(tiles, outputs, channels, patches, xi * patchStep, channels, filters,
                        xi * channels * outputs, outputs, products, xi * productStep, outputs);
            }
        });
        int outBase = r * outputs * outH * outW;
        Parallel.forRanges(tilesH, rowBlocks, 1, (block, first, end) -> transformOutputs(products, out, outBase, add, first, end));
    }

    /** {@code V = B^T d B} of the patches of tile rows {@code [first, end)}: {@code patches[xi][tile][c]}. */
    private void transformPatches(float[] padded, float[] patches, int first, int end) {
        int step = patchStep;
        int row = paddedW * channels;
        for (int ty = first; ty < end; ty++) {
            for (int tx = 0; tx < tilesW; tx++) {
                int tile = ty * tilesW + tx;
                int at = tile * channels;
                int corner = (2 * ty * paddedW + 2 * tx) * channels;
                KERNELS.winogradPatch(padded, corner, row, channels, patches, at, step);
            }
        }
    }

    /**
     * {@code A^T M A} of tile rows {@code [first, end)}, each tile's 2x2 outputs written (or added) in place, and the
     * products read set back to zero for the next call.
     */
    private void transformOutputs(float[] products, float[] out, int outBase, boolean add, int first, int end) {
        int step = productStep;
        int plane = outH * outW;
        float[] tile = new float[4 * outputs];
        for (int ty = first; ty < end; ty++) {
            boolean lowerRow = 2 * ty + 1 < outH;
            for (int tx = 0; tx < tilesW; tx++) {
                boolean rightColumn = 2 * tx + 1 < outW;
                int at = (ty * tilesW + tx) * outputs;
                KERNELS.winogradOutput(products, at, step, outputs, tile);
                int corner = outBase + 2 * ty * outW + 2 * tx;
                for (int o = 0, y = corner; o < outputs; o++, y += plane) {
                    put(out, y, tile[o], add);
                    if (rightColumn) {
                        put(out, y + 1, tile[outputs + o], add);
                    }
                    if (lowerRow) {
                        put(out, y + outW, tile[2 * outputs + o], add);
                        if (rightColumn) {
                            put(out, y + outW + 1, tile[3 * outputs + o], add);
                        }
                    }
                }
            }
        }
    }

    private static void put(float[] out, int at, float value, boolean add) {
        out[at] = add ? out[at] + value : value;
    }
}
