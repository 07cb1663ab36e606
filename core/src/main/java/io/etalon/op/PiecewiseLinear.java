package io.etalon.op;

import io.etalon.kernel.Parallel;
import io.etalon.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * An element-wise piecewise-linear function described by its breakpoints and the line on each piece: with breakpoints
 * {@code b_0 < ... < b_(k-1)}, piece {@code j} (between {@code b_(j-1)} and {@code b_j}) maps {@code x} to
 * {@code slope_j x + intercept_j}. The parameters hold for all values, one set per channel, or one per value. Its
 * switch per unit is the piece index; a value exactly at a breakpoint is a tie and goes to the piece below or above as
 * that breakpoint says (ReLU's rule is below, {@code clip}'s lower bound is above), since either side is a valid
 * one-sided rule. Frozen, the map is {@code x -> slope_j x} plus the bias {@code intercept_j}.
 *
 * <p>{@link LeakyRelu} (PReLU) and {@link Clip} are this op with one and two breakpoints; ONNX's Max and Min of an
 * activation and a constant are one breakpoint at the constant. {@link Relu} stays its own op: its vector kernels and
 * its place in the selection chains of the transposed pass are what LeNet's speed rests on.
 */
public sealed class PiecewiseLinear implements Op permits LeakyRelu, Clip {

    private static final io.etalon.kernel.Kernels KERNELS = io.etalon.kernel.Kernels.best();

    private final Shape shape;
    /** Breakpoints per unit: {@code pieces - 1} of them, for each parameter group. */
    private final float[] breakpoints;
    /** Whether a value exactly at breakpoint j belongs to the piece above it. */
    private final boolean[] tieAbove;
    private final float[] slopes;
    private final float[] intercepts;
    private final int pieces;
    private final int groups;
    /** Values per parameter group: the whole sample, a channel's plane, or one value. */
    private final int plane;
    private final boolean constants;
    private final boolean hasIntercepts;

    /**
     * @param breakpoints {@code (groups, pieces - 1)}, ascending in each group, copied; groups is 1, the channel count
     *                    or the sample size
     * @param tieAbove    {@code (pieces - 1)}: where a value at each breakpoint goes, copied
     * @param slopes      {@code (groups, pieces)}, copied
     * @param intercepts  {@code (groups, pieces)}, copied
     */
    public PiecewiseLinear(Shape shape, int pieces, float[] breakpoints, boolean[] tieAbove, float[] slopes, float[] intercepts) {
        this(shape, pieces, breakpoints.clone(), tieAbove.clone(), slopes.clone(), intercepts.clone(), true);
    }

    PiecewiseLinear(Shape shape, int pieces, float[] breakpoints, boolean[] tieAbove, float[] slopes, float[] intercepts,
                    boolean constants) {
        if (pieces < 1 || tieAbove.length != pieces - 1 || slopes.length % pieces != 0
                || intercepts.length != slopes.length || breakpoints.length != slopes.length / pieces * (pieces - 1)) {
            throw new IllegalArgumentException("a piecewise-linear op of " + pieces + " pieces needs " + (pieces - 1)
                    + " breakpoints and " + pieces + " slopes and intercepts per group");
        }
        int groups = slopes.length / pieces;
        if (groups != 1 && groups != shape.dim(0) && groups != shape.size()) {
            throw new IllegalArgumentException(groups + " parameter groups do not fit " + shape
                    + "; give one, one per channel or one per value");
        }
        for (int g = 0; g < groups; g++) {
            for (int j = 1; j < pieces - 1; j++) {
                if (!(breakpoints[g * (pieces - 1) + j - 1] <= breakpoints[g * (pieces - 1) + j])) {
                    throw new IllegalArgumentException("breakpoints must ascend, got "
                            + Arrays.toString(Arrays.copyOfRange(breakpoints, g * (pieces - 1), (g + 1) * (pieces - 1))));
                }
            }
        }
        this.shape = shape;
        this.pieces = pieces;
        this.breakpoints = breakpoints;
        this.tieAbove = tieAbove;
        this.slopes = slopes;
        this.intercepts = intercepts;
        this.groups = groups;
        this.plane = shape.size() / groups;
        this.constants = constants;
        boolean any = false;
        for (float c : intercepts) {
            any |= c != 0f;
        }
        this.hasIntercepts = any;
    }

    /** {@code max(x, c)} per value, with one constant for all values, per channel or per value; ties take x. */
    public static PiecewiseLinear maxWith(Shape shape, float[] c) {
        return bounded(shape, c, true);
    }

    /** {@code min(x, c)} per value, as {@link #maxWith}. */
    public static PiecewiseLinear minWith(Shape shape, float[] c) {
        return bounded(shape, c, false);
    }

    private static PiecewiseLinear bounded(Shape shape, float[] c, boolean max) {
        float[] slopes = new float[2 * c.length];
        float[] intercepts = new float[2 * c.length];
        for (int g = 0; g < c.length; g++) {
            slopes[2 * g + (max ? 1 : 0)] = 1f;
            intercepts[2 * g + (max ? 0 : 1)] = c[g];
        }
        return new PiecewiseLinear(shape, 2, c.clone(), new boolean[] {max}, slopes, intercepts, true);
    }

    /** The number of pieces of each unit's function. */
    public int pieces() {
        return pieces;
    }

    /** The breakpoints (a copy), {@code (groups, pieces - 1)}. */
    public float[] breakpoints() {
        return breakpoints.clone();
    }

    /** The slope of each piece (a copy), {@code (groups, pieces)}. */
    public float[] pieceSlopes() {
        return slopes.clone();
    }

    /** The intercept of each piece (a copy), {@code (groups, pieces)}. */
    public float[] pieceIntercepts() {
        return intercepts.clone();
    }

    @Override
    public String kind() {
        return "PiecewiseLinear";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(shape);
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public Op withoutBias() {
        return new PiecewiseLinear(shape, pieces, breakpoints, tieAbove, slopes, intercepts, false);
    }

    /** Whether a value exactly at each breakpoint goes to the piece above (a copy). */
    public boolean[] tiesAbove() {
        return tieAbove.clone();
    }

    @Override
    public int switchesPerSample() {
        return shape.size();
    }

    /**
     * Units within {@code limit} of a breakpoint (but not on it: exact ties are counted by the pattern); the rival is
     * the piece across the nearer breakpoint. States are piece indices: for {@link LeakyRelu} 0 below, 1 above; for
     * {@link Clip} 0 below, 1 inside, 2 above.
     */
    @Override
    public void nearTies(float[][] inputs, int sample, Switches switches, float limit, NearTieSink sink) {
        float[] z = inputs[0];
        int size = shape.size();
        int cuts = pieces - 1;
        for (int k = 0; k < size; k++) {
            float v = z[sample * size + k];
            int base = (k / plane) * cuts;
            float margin = Float.POSITIVE_INFINITY;
            int nearest = -1;
            for (int b = 0; b < cuts; b++) {
                float distance = Math.abs(v - breakpoints[base + b]);
                if (distance < margin) {
                    margin = distance;
                    nearest = b;
                }
            }
            if (nearest >= 0 && margin > 0f && margin <= limit) {
                int state = switches.state(sample, k);
                // breakpoint b separates piece b from piece b + 1
                sink.accept(k, state, state <= nearest ? nearest + 1 : nearest, margin);
            }
        }
    }

    @Override
    public boolean admits(int unit, int state) {
        return unit >= 0 && unit < shape.size() && state >= 0 && state < pieces;
    }

    @Override
    public void record(float[][] inputs, int n, Switches switches) {
        float[] z = inputs[0];
        int[] piece = switches.states();
        int size = shape.size();
        int cuts = pieces - 1;
        // a large sample's units shared out among idle threads by blocks of whole vectors (of a group's plane, or of
        // the sample when one group); each block counts its ties and finds its least margin, which add up and meet
        // in any order
        int lanes = KERNELS.lanes();
        int stretch = groups == 1 ? size : plane;
        int blocksPerGroup = Math.max(1, Parallel.blocksOfValues(size, Math.max(1, stretch / lanes)) / groups);
        int[] blockTies = new int[groups * blocksPerGroup];
        float[] blockMargins = new float[blockTies.length];
        int length = (stretch / blocksPerGroup + lanes - 1) / lanes * lanes;
        int blocks = Parallel.blocksOfValues(size, blockTies.length);
        for (int s = 0; s < n; s++) {
            int sample = s;
            java.util.Arrays.fill(blockMargins, Float.POSITIVE_INFINITY);
            Parallel.forRanges(blockTies.length, blocks, 1, (block, first, end) -> {
                for (int u = first; u < end; u++) {
                    int g = u / blocksPerGroup;
                    int part = u % blocksPerGroup;
                    int from = Math.min(stretch, part * length);
                    int to = part == blocksPerGroup - 1 ? stretch : Math.min(stretch, from + length);
                    int at = sample * size + g * plane + from;
                    float[] margin = {Float.POSITIVE_INFINITY};
                    blockTies[u] = KERNELS.pieceStates(z, at, to - from, pieces, breakpoints, g * cuts, tieAbove, piece,
                            at, margin);
                    blockMargins[u] = margin[0];
                }
            });
            int ties = 0;
            float margin = Float.POSITIVE_INFINITY;
            for (int u = 0; u < blockTies.length; u++) {
                ties += blockTies[u];
                margin = Math.min(margin, blockMargins[u]);
            }
            switches.addTies(s, ties); // a unit on a breakpoint counts as a tie, and offers no margin
            switches.offerMargin(s, margin);
        }
    }

    /**
     * Plain inference: each unit's piece found as {@link #record} finds it and applied as {@link #linear} and
     * {@link #addBias} apply it, so the same floats as those three (a flat piece's +0, then its constant), by a kernel
     * and without switches to record: ReLU6 ({@link Clip}) through the default took most of MobileNet-V2's inference.
     */
    @Override
    public void infer(float[][] inputs, float[] out, int n) {
        float[] z = inputs[0];
        int size = shape.size();
        int cuts = pieces - 1;
        float[] constantsOrNull = constants && hasIntercepts ? intercepts : null;
        // large layers shared out among idle threads: one group's values (a ReLU6's) by blocks of whole vectors,
        // else by blocks of (sample, group) planes
        long values = (long) n * size;
        if (groups == 1) {
            int blocks = Parallel.blocksOfValues(values, (int) (values / KERNELS.lanes()));
            Parallel.forRanges((int) values, blocks, KERNELS.lanes(), (block, first, end) -> KERNELS.pieces(z, first,
                    end - first, pieces, breakpoints, 0, tieAbove, slopes, constantsOrNull, 0, out, first));
            return;
        }
        int planes = n * groups;
        Parallel.forRanges(planes, Parallel.blocksOfValues(values, planes), 1, (block, first, end) -> {
            for (int unit = first; unit < end; unit++) {
                int g = unit % groups;
                int at = (unit / groups) * size + g * plane;
                KERNELS.pieces(z, at, plane, pieces, breakpoints, g * cuts, tieAbove, slopes, constantsOrNull,
                        g * pieces, out, at);
            }
        });
    }

    /**
     * The switches recorded, then the value as {@link #infer} finds it, by the pieces' kernel from the input: the
     * floats of {@link #linear} and {@link #addBias} under those switches, without building each unit's coefficients
     * twice. MobileNet-V2's ReLU6s took 46 of its forward pass's 81 ms through the frozen map.
     */
    @Override
    public void forward(float[][] inputs, float[] out, int n, Switches switches) {
        record(inputs, n, switches);
        infer(inputs, out, n);
    }

    /*
     * Frozen, each unit of a sample is on one piece, so the op is a diagonal linear map (the pieces' slopes) plus a
     * bias (their intercepts), one per sample: linear multiplies by the diagonal, transpose too (a diagonal is its own
     * transpose), addBias adds the bias and the contribution takes its dot product with the output gradient. Each
     * walks the rows of a batch with the coefficients of the row's sample, picked once per sample by eachRow.
     */

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        // a flat piece gives +0, not the -0 a product with a negative input would
        eachRow(slopes, rows, switches, rowsPerSample, (r, at, slope) -> KERNELS.scaled(in, at, slope, 0, out,
                at, slope.length));
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        eachRow(slopes, rows, switches, rowsPerSample, (r, at, slope) -> KERNELS.addScaled(gradOut, at, slope, 0,
                gradIn, at, slope.length));
    }

    @Override
    public void addBias(float[] out, int rows, Switches switches, int rowsPerSample) {
        if (!constants || !hasIntercepts) {
            return;
        }
        eachRow(intercepts, rows, switches, rowsPerSample, (r, at, intercept) -> {
            for (int k = 0; k < intercept.length; k++) {
                if (intercept[k] != 0f) {
                    out[at + k] += intercept[k];
                }
            }
        });
    }

    @Override
    public void accumulateBiasContribution(float[] gradOut, int rows, Switches switches, int rowsPerSample,
                                           double[] contribution, double[] magnitude) {
        if (!constants || !hasIntercepts) {
            return;
        }
        double[] absolute = new double[1];
        eachRow(intercepts, rows, switches, rowsPerSample, (r, at, intercept) -> {
            absolute[0] = 0;
            contribution[r] += KERNELS.dot(gradOut, at, intercept, 0, intercept.length, absolute);
            magnitude[r] += absolute[0];
        });
    }

    /** What one frozen view does to one row of a batch. */
    private interface RowRule {
        /**
         * @param row         the row's index in the batch
         * @param at          the row's first value in the batch's {@code (rows, size)} arrays
         * @param coefficient per unit, the coefficient of the piece it is on in the row's sample; not to be modified
         */
        void apply(int row, int at, float[] coefficient);
    }

    /**
     * Applies {@code rule} to each row of a batch, with each unit's coefficient picked from {@code perPiece}
     * ({@code (groups, pieces)}: the slopes or the intercepts) by the piece the row's sample put it on.
     */
    private void eachRow(float[] perPiece, int rows, Switches switches, int rowsPerSample, RowRule rule) {
        int[] piece = switches.states();
        int size = shape.size();
        float[] coefficient = new float[size];
        int sample = -1;
        for (int r = 0; r < rows; r++) {
            if (r / rowsPerSample != sample) {
                sample = r / rowsPerSample;
                for (int g = 0; g < groups; g++) {
                    KERNELS.pieceCoefficients(piece, sample * size + g * plane, perPiece, g * pieces, pieces,
                            coefficient, g * plane, plane);
                }
            }
            rule.apply(r, r * size, coefficient);
        }
    }

    @Override
    public String describe() {
        String per = groups == 1 ? "" : groups == shape.dim(0) && groups != shape.size() ? " per channel" : " per value";
        return pieces + " linear pieces" + per + (groups == 1 ? ", breakpoints " + Arrays.toString(breakpoints) : "");
    }
}
