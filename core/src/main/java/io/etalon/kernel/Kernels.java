package io.etalon.kernel;

/**
 * The inner loops of the ops' fast paths: a matrix product and a filter scatter. Two implementations
 * compute exactly the same floats: {@link ScalarKernels} in plain Java, and {@code VectorKernels} on the JDK's
 * incubating Vector API, which keeps a block of outputs in registers (one load of B feeds four fused multiply-adds)
 * and is several times faster. Both accumulate every output over k in the same order with a fused multiply-add, so
 * the lane width never changes a result.
 *
 * <p>The vector kernels are used when the JVM runs with {@code --add-modules jdk.incubator.vector} (the
 * {@code etalon} launcher and the tests do) unless {@code -Detalon.kernels=scalar}; otherwise the scalar kernels.
 */
public interface Kernels {

    /** The kernels this JVM uses. */
    static Kernels best() {
        return Choice.BEST;
    }

    /** The plain-Java kernels, always available. */
    static Kernels scalar() {
        return ScalarKernels.INSTANCE;
    }

    /** {@code "vector (16 lanes)"} or {@code "scalar"}. */
    String name();

    /**
     * {@code C += A * B} for row-major A {@code (m,k)}, B {@code (k,n)}, C {@code (m,n)} at the given offsets and
     * leading dimensions. Each {@code C[i][j]} gets its k terms in order {@code p = 0..k-1}, each by a fused
     * multiply-add.
     */
    default void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
                      int cOff, int ldc) {
        gemm(m, n, Choice.allUpTo(k), k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    /**
     * {@link #gemm} over the terms {@code p = ks[0..count-1]} only, in that order: the caller skips the columns of A
     * that are zero in every row (units a ReLU switched off), which changes no value of C.
     */
    void gemm(int m, int n, int[] ks, int count, float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c,
              int cOff, int ldc);

    /**
     * The indices of the columns of A {@code (m,k)} that are non-zero in some row, into {@code ks}; returns how many.
     */
    static int nonZeroColumns(int m, int k, float[] a, int aOff, int lda, int[] ks) {
        int count = 0;
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                if (a[aOff + i * lda + p] != 0f) {
                    ks[count++] = p;
                    break;
                }
            }
        }
        return count;
    }

    /**
     * Scatters a filter times a gradient row: {@code dst[dstBase + offsets[t] + r] += w[wOff + t] * g[gOff + r]} for
     * {@code t < count}, {@code r < width}, each by a fused multiply-add, in order of t.
     */
    void scatter(int count, float[] w, int wOff, int[] offsets, float[] g, int gOff, int width, float[] dst, int dstBase);

    /**
     * Scatters a value times filter rows: {@code dst[dstBase + offsets[t] + c] += w[wOff + t*width + c] * v} for
     * {@code t < count}, {@code c < width}, each by a fused multiply-add, in order of t: {@link #scatter} with the
     * lanes over a filter's channels instead of over rows.
     */
    void scatterScaled(int count, float v, float[] w, int wOff, int width, int[] offsets, float[] dst, int dstBase);

    /**
     * A correlation over a flat, padded signal: {@code y[o*width + p] = sum over t of W[o][t] * x[p + offsets[t]]}
     * for {@code o < outputs}, {@code p < width}, each sum from 0 by fused multiply-adds in order of t (the order and
     * rounding of {@link #gemm} over an im2col matrix). The weights W come in the layout {@link #inFours} makes of
     * the rows {@code W[o][t]}. Overwrites y. The vector kernels need {@code width} to be a multiple of
     * {@link #lanes}, and x long enough for every {@code p + offsets[t]}.
     */
    default void correlate(int outputs, int taps, float[] w, int[] offsets, float[] x, float[] y, int width) {
        correlate(outputs, taps, w, 0, offsets, x, y, 0, width);
    }

    /**
     * {@link #correlate(int, int, float[], int[], float[], float[], int)} for the outputs whose weights start at
     * {@code w[wOff]} and whose results go to {@code y[yOff]}, so that threads can share one correlation out by
     * blocks of outputs: wOff is the start of a block of four in the {@link #inFours} layout (output {@code 4b} at
     * {@code 4b*taps}), and the outputs end at the end of a block or at the layout's last output.
     */
    default void correlate(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y, int yOff,
                           int width) {
        correlate(outputs, taps, w, wOff, offsets, x, y, yOff, width, width);
    }

    /**
     * {@link #correlate(int, int, float[], int, int[], float[], float[], int, int)} for the first {@code positions}
     * positions of each output only ({@code p < positions}, a multiple of {@link #lanes} for the vector kernels), its
     * results still {@code width} apart: so that threads can share one correlation out by blocks of positions, each
     * with the offsets moved on to its first position.
     */
    void correlate(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y, int yOff, int positions,
                   int width);

    /**
     * {@link #correlate(int, int, float[], int, int[], float[], float[], int, int, int)} of a 1x1 convolution, each tap a
     * whole channel's row of positions, the same floats. The vector kernels keep eight outputs by three vectors in
     * registers here, each signal vector feeding eight multiply-adds: each tap's signal is a whole row of vectors, read
     * from L2, and SqueezeNet's classifier (512 taps, 1,000 outputs over 13x13) ran 1.28x to 1.35x faster; a 3x3
     * layer's taps read neighbouring columns of the same rows, and ResNet-18's 3x3 layers ran 0.80x to 0.93x as fast so.
     */
    default void correlatePointwise(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y,
                                    int yOff, int positions, int width) {
        correlate(outputs, taps, w, wOff, offsets, x, y, yOff, positions, width);
    }

    /** The positions of one segment of {@link #correlateSegments}: side by side in a row of results. */
    int SEGMENT = 7;

    /**
     * {@link #correlate} at chosen positions only, with the outputs in the vector lanes instead of the positions: for
     * each segment start {@code s = segments[i]}, {@code i < count}, and {@code k <} {@link #SEGMENT},
     * {@code y[yOff + o*width + s + k] = sum over t of W[o][t] * x[s + k + offsets[t]]} for {@code o < outputs}, each
     * sum from 0 by fused multiply-adds in order of t: the same floats as {@link #correlate}. The weights come in the
     * layout {@link #inGroups} makes with {@link #segmentGroup} outputs a group, {@code wOff} the start of a group.
     * Nothing else of y is written. For planes whose rows are a few vectors or less (7x7 to 14x14), where
     * {@link #correlate} computes the columns past each row and the lanes past the plane's end: 64 positions for 49.
     */
    void correlateSegments(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, int[] segments,
                           int count, float[] y, int yOff, int width);

    /** How many outputs {@link #correlateSegments} computes side by side: two vectors' lanes. */
    default int segmentGroup() {
        return 2 * lanes();
    }

    /**
     * The weights {@code w[o*taps + t]} as {@link #correlateSegments} reads them: the outputs in groups of
     * {@code group}, each group's weights tap by tap, {@code group} side by side ({@code g*taps + t*group + c} for
     * output {@code g + c}), the last group filled up with zeros.
     */
    static float[] inGroups(float[] w, int outputs, int taps, int group) {
        int groups = (outputs + group - 1) / group;
        float[] grouped = new float[groups * group * taps];
        for (int o = 0; o < outputs; o++) {
            int g = o / group * group;
            for (int t = 0; t < taps; t++) {
                grouped[g * taps + t * group + o - g] = w[o * taps + t];
            }
        }
        return grouped;
    }

    /**
     * The weights {@code w[o*taps + t]} of a correlation's outputs as {@link #correlate} reads them: each block of four
     * outputs {@code 4b..4b+3} keeps its place ({@code 4b*taps} on) with its four rows interleaved by tap, at
     * {@code 4b*taps + 4t + f}; the last {@code outputs % 4} rows stay as they are. The kernels keep four outputs in
     * registers, and so read one tap's four weights side by side: one address for the four, where separate rows made
     * the loop compute four (measured: SqueezeNet's and ResNet-18's inference 1.08x on one thread).
     */
    static float[] inFours(float[] w, int outputs, int taps) {
        float[] fours = w.clone();
        for (int b = 0; b + 4 <= outputs; b += 4) {
            for (int t = 0; t < taps; t++) {
                for (int f = 0; f < 4; f++) {
                    fours[b * taps + 4 * t + f] = w[(b + f) * taps + t];
                }
            }
        }
        return fours;
    }

    /**
     * The end of one convolution channel in plain inference when a ReLU and a 2x2 max-pool of stride 2 follow:
     * {@code out[outOff + py*pooledW + px] = max(0, bias + max over i, j < 2 of y[yOff + (2py+i)*stride + 2px+j])}.
     * Adding the bias rounds monotonically, so this is the same float as adding the bias, rectifying and pooling in
     * turn, with a quarter of the additions. The vector kernels may read up to {@link #lanes} values past the start
     * of each row's last tile, which y must hold, and may write scratch values past the outputs up to index
     * {@code outEnd} (exclusive) of out, for a caller that fills the channels in order and so overwrites them; with
     * {@code outEnd = outOff + pooledH*pooledW} only the outputs are written.
     */
    void biasReluPool(float[] y, int yOff, int stride, int pooledH, int pooledW, float bias, float[] out, int outOff, int outEnd);

    /**
     * {@code out[outOff + r*w + c] = max(0, y[yOff + r*stride + c] + bias)} for {@code r < h, c < w}: a convolution
     * channel's bias and ReLU in plain inference. The vector kernels may read up to {@link #lanes} values past the
     * start of each row's last vector, which y must hold, and write scratch values up to index {@code outEnd} of out,
     * as {@link #biasReluPool} does.
     */
    void biasRelu(float[] y, int yOff, int stride, int h, int w, float bias, float[] out, int outOff, int outEnd);

    /**
     * {@link #biasRelu} with a residual added before the ReLU: {@code out[outOff + r*w + c] = max(0, (y[yOff + r*stride
     * + c] + bias) + res[resOff + r*w + c])}, the floats of a convolution, then an element-wise Add of a skip
     * connection, then a ReLU (a residual block's end). The vector kernels read and write as {@link #biasRelu} does,
     * and may read res as far past its values as they write past the outputs.
     */
    void biasAddRelu(float[] y, int yOff, int stride, int h, int w, float bias, float[] res, int resOff, float[] out,
                     int outOff, int outEnd);

    /**
     * {@link #biasRelu} without the ReLU: {@code out[outOff + r*w + c] = y[yOff + r*stride + c] + bias}, a convolution
     * channel's bias alone, as the forward pass keeps the value before its switch. Reads and writes as
     * {@link #biasRelu} does.
     */
    void biased(float[] y, int yOff, int stride, int h, int w, float bias, float[] out, int outOff, int outEnd);

    /**
     * {@link #biasRelu} with a clip to {@code [lo, hi]} in place of the ReLU (ReLU6 is {@code [0, 6]}): with
     * {@code v = y[yOff + r*stride + c] + bias}, {@code out[outOff + r*w + c] = v >= lo ? (v > hi ? hi : v) : lo}.
     * The floats of a convolution's bias and then {@code Clip}'s pieces: a value on a bound is inside and kept as it is
     * (a -0 on a bound of 0 stays -0), a bound given in a value's place is {@code bound + 0f} (+0 for a zero bound), and
     * NaN takes the lower bound. Reads and writes as {@link #biasRelu} does.
     */
    void biasClip(float[] y, int yOff, int stride, int h, int w, float bias, float lo, float hi, float[] out, int outOff,
                  int outEnd);

    /**
     * The switches of {@code count} ReLUs: {@code on[onOff + i] = z[zOff + i] > 0 ? 1 : 0}. Returns how many inputs are
     * exactly zero (ties, of either sign) and lowers {@code margin[0]} to the smallest positive {@code |z|}, if smaller.
     */
    int reluStates(float[] z, int zOff, int count, int[] on, int onOff, float[] margin);

    /**
     * The switches of {@code count} 2x2 max-pool windows of stride 2 side by side: window x covers
     * {@code in[base + top + 2x + {0, 1}]} and the same a row of {@code inW} below. Its winner, the first maximum in
     * row-major order, goes to {@code winner[winnerOff + x]} as an index relative to {@code base}. Returns the windows
     * whose runner-up equals the winner (ties) and lowers {@code margin[0]} to the smallest lead of the others. The
     * vector kernels may write scratch values past the winners up to index {@code winnerEnd} (exclusive), for a caller
     * that fills the rows in order.
     */
    int poolStates(float[] in, int base, int top, int inW, int count, int[] winner, int winnerOff, int winnerEnd,
                   float[] margin);

    /**
     * A max-pool's plain inference over one row of whole windows: {@code out[outOff + x]}, for {@code x < count}, is
     * the first maximum over the rows {@code r < rows} of each row's first maximum over {@code in[inOff + r*inW +
     * x*stride + j]}, {@code j < taps}. A later value replaces the running one only if greater ({@code >}), so of equal
     * values, {@code -0} and {@code 0} included, the earlier is kept: the window's first maximum in row-major order,
     * the very float a pool's recording picks. out does not overlap the values read.
     */
    void poolMax(float[] in, int inOff, int inW, int rows, int taps, int stride, int count, float[] out, int outOff);

    /**
     * {@link #poolMax} of values a ReLU gave: each +0 or positive (no {@code -0}, no NaN). Such floats order as the ints
     * of their bits do, so the vector kernels compare them as ints, one instruction a maximum where JDK 17 spends four
     * on a float comparison and blend; equal ints are the same float, so the result is poolMax's.
     */
    default void poolMaxRectified(float[] in, int inOff, int inW, int rows, int taps, int stride, int count, float[] out,
                                  int outOff) {
        poolMax(in, inOff, inW, rows, taps, stride, count, out, outOff);
    }

    /**
     * The sliding first maxima of a row, {@code in[inOff + i + t]} over {@code t < taps} for {@code i < count}, that
     * also keep the winner and the runner-up: for {@code i < count}, over
     * {@code in[inOff + i + t]}, {@code t < taps}, in order, {@code max[outOff + i]} is the first maximum,
     * {@code arg[outOff + i] = argBase + i + t} its position, and {@code rest[outOff + i]} the largest of the others
     * ({@code -infinity} for one tap): the row pass of a max-pool's recording.
     */
    void windowArgMax(float[] in, int inOff, int count, int taps, int argBase, float[] max, int[] arg, float[] rest,
                      int outOff);

    /**
     * The frozen map of {@code count} ReLUs: {@code out[outOff + i] = on[onOff + i] != 0 ? in[inOff + i] : +0}, the
     * value itself (its sign bit too) where the switch is on. May work in place.
     */
    void mask(float[] in, int inOff, int[] on, int onOff, float[] out, int outOff, int count);

    /**
     * {@code count} values of one piecewise-linear function: {@code out[outOff + i]} is piece j's value at
     * {@code v = in[inOff + i]}, where j is 0, or 1 + the last cut b ({@code b < pieces - 1}) that v passes
     * ({@code v > cuts[cutOff + b]}, or equal to it where {@code tieAbove[b]}). Piece j's value is
     * {@code slopes[pieceOff + j] * v}, or +0 where that slope is 0, then plus {@code constants[pieceOff + j]} unless
     * that is 0 or {@code constants} is null; each product and sum rounded on its own. May work in place.
     */
    void pieces(float[] in, int inOff, int count, int pieces, float[] cuts, int cutOff, boolean[] tieAbove,
                float[] slopes, float[] constants, int pieceOff, float[] out, int outOff);

    /**
     * Records which piece each of {@code count} values is on, as {@link #pieces} picks it, into
     * {@code states[statesOff + i]}; returns how many values lie exactly on a cut (ties), and lowers
     * {@code margin[0]} to the least distance {@code |v - cut|} of the other values to any cut, where that is above 0.
     */
    int pieceStates(float[] in, int inOff, int count, int pieces, float[] cuts, int cutOff, boolean[] tieAbove,
                    int[] states, int statesOff, float[] margin);

    /**
     * {@code out[outOff + i] = perPiece[pOff + states[sOff + i]]} for {@code i < count}: each unit's coefficient (a
     * slope or an intercept) picked by the piece it is on, for a frozen piecewise-linear op.
     */
    void pieceCoefficients(int[] states, int sOff, float[] perPiece, int pOff, int pieces, float[] out, int outOff,
                           int count);

    /**
     * A diagonal map, as a piecewise-linear op's frozen pieces apply it:
     * {@code out[outOff + i] = c[cOff + i] * in[inOff + i]}, or +0 where that coefficient is 0 (not the -0 a negative
     * input would give). May work in place.
     */
    void scaled(float[] in, int inOff, float[] c, int cOff, float[] out, int outOff, int count);

    /**
     * Its transpose, accumulated: {@code acc[accOff + i] += c[cOff + i] * g[gOff + i]} where that coefficient is not 0,
     * the product rounded before the sum; where it is 0, {@code acc} keeps its value (its sign of zero too).
     */
    void addScaled(float[] g, int gOff, float[] c, int cOff, float[] acc, int accOff, int count);

    /**
     * How many positions {@code i < count} hold a value other than zero ({@code -0} and {@code +0} both count as zero)
     * in some row {@code r < rows} of {@code x}, whose row r starts at {@code r * rowLength}.
     */
    int nonZeros(float[] x, int rows, int rowLength, int count);

    /**
     * The sum of {@code x[off .. off+count-1]} in double, returned, and the sum of their absolute values, added to
     * {@code absolute[0]}: value i goes to partial sum {@code i % 16} of each kind, and the 16 partial sums are then
     * added in order, so every implementation gives the same doubles. A convolution channel's share of a bias.
     */
    double sum(float[] x, int off, int count, double[] absolute);

    /**
     * {@link #sum} of the products {@code (double) g[gOff + i] * c[cOff + i]} (each exact in double), by the same
     * partial sums: a frozen op's bias terms against an output gradient, say a ReLU6's clamped units.
     */
    double dot(float[] g, int gOff, float[] c, int cOff, int count, double[] absolute);

    /**
     * The column pass of a max-pool's recording, for {@code count} windows side by side: window x stacks the rows
     * {@code t < taps}, whose maxima, runners-up and winner positions over the window's columns ({@link #windowArgMax})
     * are {@code max/rest/arg[off + t*stride + x]}. Its winner is the first row maximum that no later row beats
     * ({@code >}), written as a position to {@code winner[winnerOff + x]}; its runner-up the largest of all its other
     * values. Returns how many windows' runner-up equals their winner (ties), and lowers {@code margin[0]} to the
     * smallest positive lead of the others (a window of one value, runner-up {@code -infinity}, has none).
     */
    int columnArgMax(float[] max, float[] rest, int[] arg, int off, int stride, int taps, int count, int[] winner,
                     int winnerOff, float[] margin);

    /**
     * {@code out[outOff + i] = in[inOff + i * stride]} for {@code i < count}: every stride-th value, as a strided
     * convolution splits its input into phases. The vector kernels may read one value past the last
     * one picked, {@code in[inOff + (count - 1) * stride + 1]}, and for fewer picks than a vector two whole vectors
     * from the first where the array holds them.
     */
    void pick(float[] in, int inOff, int stride, int count, float[] out, int outOff);

    /**
     * Splits {@code rows} rows of {@code width} values into their even and odd columns, as a convolution of stride 2
     * splits its input into phases: row r, {@code in[inOff + r*inStride ..]}, gives
     * {@code out[evenOff + r*outStride + i] = row[2i]} for {@code i < (width + 1) / 2} and
     * {@code out[oddOff + r*outStride + i] = row[2i + 1]} for {@code i < width / 2}. Nothing else of out is written.
     * One call for a plane's rows, where {@link #pick} took one a row and a phase: 21,000 calls a photo through
     * ResNet-18, each dearer than its few picks.
     */
    void deinterleave(float[] in, int inOff, int inStride, int rows, int width, float[] out, int evenOff, int oddOff,
                      int outStride);

    /**
     * Winograd's input transform of one 4x4 patch per channel: {@code V = B^T d B} with
     * {@code B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]}, where {@code d[i][j] = in[corner + i*row + j*channels + c]}
     * (channels innermost), written to {@code out[at + xi*step + c]} for {@code xi = 4i + j < 16}, {@code c < channels}.
     * Rows first, then columns, each value by one addition or subtraction, so every implementation gives the same floats.
     */
    void winogradPatch(float[] in, int corner, int row, int channels, float[] out, int at, int step);

    /**
     * Winograd's output transform of one tile per output: the 2x2 outputs {@code A^T m A} with
     * {@code A^T = [1 1 1 0; 0 1 -1 -1]} of {@code m[xi] = products[at + xi*step + o]}, written to
     * {@code tile[k*outputs + o]} for the outputs {@code k = 0..3} in row-major order, {@code o < outputs}; each product
     * read is set to zero. Rows first, then columns, in a fixed order, so every implementation gives the same floats.
     */
    void winogradOutput(float[] products, int at, int step, int outputs, float[] tile);

    /**
     * A global average pool's means: {@code out[outBase + c]} for {@code c < channels} is the float sum, from 0 and
     * value by value in plane order, of {@code weight * in[inBase + c*plane + i]} for {@code i < plane}, each product
     * rounded before it is added, so every implementation gives the same floats.
     */
    void planeMeans(float[] in, int inBase, int channels, int plane, float weight, float[] out, int outBase);

    /** Widths that are a multiple of this run without a scalar tail in {@link #scatter}; 1 for the scalar kernels. */
    int lanes();

    /** Picks the kernels once per JVM, and keeps the term list {@code 0, 1, 2, ...} of the dense product. */
    final class Choice {
        static final Kernels BEST = select();
        private static final int[] ALL = java.util.stream.IntStream.range(0, 1 << 12).toArray();

        /** {@code 0..k-1}, shared (callers only read it) unless k is larger than any layer here needs. */
        static int[] allUpTo(int k) {
            return k <= ALL.length ? ALL : java.util.stream.IntStream.range(0, k).toArray();
        }

        private Choice() {
        }

        private static Kernels select() {
            if ("scalar".equals(System.getProperty("etalon.kernels"))
                    || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                return ScalarKernels.INSTANCE;
            }
            try {
                return (Kernels) Class.forName("io.etalon.kernel.VectorKernels").getField("INSTANCE").get(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                return ScalarKernels.INSTANCE;
            }
        }
    }
}
