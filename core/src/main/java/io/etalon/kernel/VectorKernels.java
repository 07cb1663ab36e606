package io.etalon.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the Vector API. The two kernels that carry the networks' multiply-adds have classes of their own:
 * the matrix product ({@link VectorGemm}) and the correlation of convolutions ({@link VectorCorrelation}), each
 * keeping a block of outputs in registers while it runs over the terms, so each load feeds several fused
 * multiply-adds. Here are the rest: bias and ReLU epilogues, pools and their switch states, Winograd's transforms,
 * scatters and reductions. The loops have no branch on the data: a branch inside them keeps C2 from holding the
 * vectors in registers (measured: 59 against 3.7 GFMA/s), so sparsity is the caller's business
 * ({@link Kernels#nonZeroColumns}). Values that do not fill a vector are finished by the scalar code, in the same
 * order.
 */
final class VectorKernels implements Kernels {

    public static final VectorKernels INSTANCE = new VectorKernels();

    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    static final int L = SPECIES.length();
    /** Ints of the same lane count, for the switch states (never a narrower species: see {@link #biasReluPool}). */
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    /** Lane i takes lane 2i (EVEN) or 2i + 1 (ODD): the left and right members of neighbouring pairs, in the low half. */
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(SPECIES, i -> 2 * i % L);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(SPECIES, i -> (2 * i + 1) % L);

    private VectorKernels() {
    }

    @Override
    public String name() {
        return "vector (" + L + " lanes)";
    }

    @Override
    public void winogradPatch(float[] in, int corner, int row, int channels, float[] out, int at, int step) {
        int ch = channels;
        int c = 0;
        for (; c + L <= channels; c += L) {
            int p = corner + c;
            int q = p + row;
            int s = q + row;
            int t = s + row;
            FloatVector p0 = FloatVector.fromArray(SPECIES, in, p);
            FloatVector p1 = FloatVector.fromArray(SPECIES, in, p + ch);
            FloatVector p2 = FloatVector.fromArray(SPECIES, in, p + 2 * ch);
            FloatVector p3 = FloatVector.fromArray(SPECIES, in, p + 3 * ch);
            FloatVector q0 = FloatVector.fromArray(SPECIES, in, q);
            FloatVector q1 = FloatVector.fromArray(SPECIES, in, q + ch);
            FloatVector q2 = FloatVector.fromArray(SPECIES, in, q + 2 * ch);
            FloatVector q3 = FloatVector.fromArray(SPECIES, in, q + 3 * ch);
            FloatVector s0 = FloatVector.fromArray(SPECIES, in, s);
            FloatVector s1 = FloatVector.fromArray(SPECIES, in, s + ch);
            FloatVector s2 = FloatVector.fromArray(SPECIES, in, s + 2 * ch);
            FloatVector s3 = FloatVector.fromArray(SPECIES, in, s + 3 * ch);
            FloatVector t0 = FloatVector.fromArray(SPECIES, in, t);
            FloatVector t1 = FloatVector.fromArray(SPECIES, in, t + ch);
            FloatVector t2 = FloatVector.fromArray(SPECIES, in, t + 2 * ch);
            FloatVector t3 = FloatVector.fromArray(SPECIES, in, t + 3 * ch);
            int o = at + c;
            patchRow(p0.sub(s0), p1.sub(s1), p2.sub(s2), p3.sub(s3), out, o, step);
            patchRow(q0.add(s0), q1.add(s1), q2.add(s2), q3.add(s3), out, o + 4 * step, step);
            patchRow(s0.sub(q0), s1.sub(q1), s2.sub(q2), s3.sub(q3), out, o + 8 * step, step);
            patchRow(q0.sub(t0), q1.sub(t1), q2.sub(t2), q3.sub(t3), out, o + 12 * step, step);
        }
        if (c < channels) {
            ScalarKernels.winogradPatchChannels(in, corner, row, channels, c, channels, out, at, step);
        }
    }

    /** One row of {@code (B^T d) B}: columns x0 - x2, x1 + x2, x2 - x1, x1 - x3. */
    private static void patchRow(FloatVector x0, FloatVector x1, FloatVector x2, FloatVector x3, float[] out, int o,
                                 int step) {
        x0.sub(x2).intoArray(out, o);
        x1.add(x2).intoArray(out, o + step);
        x2.sub(x1).intoArray(out, o + 2 * step);
        x1.sub(x3).intoArray(out, o + 3 * step);
    }

    @Override
    public void winogradOutput(float[] products, int at, int step, int outputs, float[] tile) {
        FloatVector zero = FloatVector.zero(SPECIES);
        int o = 0;
        for (; o + L <= outputs; o += L) {
            int m = at + o;
            FloatVector v0 = FloatVector.fromArray(SPECIES, products, m + 0 * step);
            FloatVector v1 = FloatVector.fromArray(SPECIES, products, m + 1 * step);
            FloatVector v2 = FloatVector.fromArray(SPECIES, products, m + 2 * step);
            FloatVector v3 = FloatVector.fromArray(SPECIES, products, m + 3 * step);
            FloatVector v4 = FloatVector.fromArray(SPECIES, products, m + 4 * step);
            FloatVector v5 = FloatVector.fromArray(SPECIES, products, m + 5 * step);
            FloatVector v6 = FloatVector.fromArray(SPECIES, products, m + 6 * step);
            FloatVector v7 = FloatVector.fromArray(SPECIES, products, m + 7 * step);
            FloatVector v8 = FloatVector.fromArray(SPECIES, products, m + 8 * step);
            FloatVector v9 = FloatVector.fromArray(SPECIES, products, m + 9 * step);
            FloatVector v10 = FloatVector.fromArray(SPECIES, products, m + 10 * step);
            FloatVector v11 = FloatVector.fromArray(SPECIES, products, m + 11 * step);
            FloatVector v12 = FloatVector.fromArray(SPECIES, products, m + 12 * step);
            FloatVector v13 = FloatVector.fromArray(SPECIES, products, m + 13 * step);
            FloatVector v14 = FloatVector.fromArray(SPECIES, products, m + 14 * step);
            FloatVector v15 = FloatVector.fromArray(SPECIES, products, m + 15 * step);
            zero.intoArray(products, m + 0 * step);
            zero.intoArray(products, m + 1 * step);
            zero.intoArray(products, m + 2 * step);
            zero.intoArray(products, m + 3 * step);
            zero.intoArray(products, m + 4 * step);
            zero.intoArray(products, m + 5 * step);
            zero.intoArray(products, m + 6 * step);
            zero.intoArray(products, m + 7 * step);
            zero.intoArray(products, m + 8 * step);
            zero.intoArray(products, m + 9 * step);
            zero.intoArray(products, m + 10 * step);
            zero.intoArray(products, m + 11 * step);
            zero.intoArray(products, m + 12 * step);
            zero.intoArray(products, m + 13 * step);
            zero.intoArray(products, m + 14 * step);
            zero.intoArray(products, m + 15 * step);
            FloatVector s0 = v0.add(v4).add(v8);
            FloatVector s1 = v1.add(v5).add(v9);
            FloatVector s2 = v2.add(v6).add(v10);
            FloatVector s3 = v3.add(v7).add(v11);
            FloatVector t0 = v4.sub(v8).sub(v12);
            FloatVector t1 = v5.sub(v9).sub(v13);
            FloatVector t2 = v6.sub(v10).sub(v14);
            FloatVector t3 = v7.sub(v11).sub(v15);
            s0.add(s1).add(s2).intoArray(tile, o);
            s1.sub(s2).sub(s3).intoArray(tile, outputs + o);
            t0.add(t1).add(t2).intoArray(tile, 2 * outputs + o);
            t1.sub(t2).sub(t3).intoArray(tile, 3 * outputs + o);
        }
        if (o < outputs) {
            ScalarKernels.winogradOutputs(products, at, step, o, outputs, outputs, tile);
        }
    }

    /**
     * Lanes over channels, each lane's values gathered a plane apart, so that every channel's sum runs in plane order
     * as the scalar loop's does: sixteen sums a vector addition, where the scalar loop keeps eight in flight.
     */
    @Override
    public void planeMeans(float[] in, int inBase, int channels, int plane, float weight, float[] out, int outBase) {
        int c = 0;
        if (channels >= L) {
            int[] planes = new int[L];
            for (int k = 0; k < L; k++) {
                planes[k] = k * plane;
            }
            for (; c + L <= channels; c += L) {
                int at = inBase + c * plane;
                FloatVector sum = FloatVector.zero(SPECIES);
                for (int i = 0; i < plane; i++) {
                    sum = sum.add(FloatVector.fromArray(SPECIES, in, at + i, planes, 0).mul(weight));
                }
                sum.intoArray(out, outBase + c);
            }
        }
        if (c < channels) {
            ScalarKernels.planeMeansFrom(in, inBase, c, channels, plane, weight, out, outBase);
        }
    }

    @Override
    public int lanes() {
        return L;
    }

    /** The product by packed panels and register blocks: {@link VectorGemm}. */
    @Override
    public void gemm(int m, int n, int[] ks, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        VectorGemm.gemm(m, n, ks, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
    }

    @Override
    public void scatter(int count, float[] w, int wOff, int[] offsets, float[] g, int gOff, int width, float[] dst,
                        int dstBase) {
        int vectorWidth = width - width % L;
        for (int r = 0; r < vectorWidth; r += L) {
            FloatVector gv = FloatVector.fromArray(SPECIES, g, gOff + r);
            for (int t = 0; t < count; t++) {
                int at = dstBase + offsets[t] + r;
                FloatVector.broadcast(SPECIES, w[wOff + t]).fma(gv, FloatVector.fromArray(SPECIES, dst, at)).intoArray(dst, at);
            }
        }
        if (vectorWidth < width) {
            ScalarKernels.INSTANCE.scatter(count, w, wOff, offsets, g, gOff + vectorWidth, width - vectorWidth, dst,
                    dstBase + vectorWidth);
        }
    }

    @Override
    public void scatterScaled(int count, float v, float[] w, int wOff, int width, int[] offsets, float[] dst, int dstBase) {
        int vectorWidth = width - width % L;
        FloatVector s = FloatVector.broadcast(SPECIES, v);
        for (int t = 0; t < count; t++) {
            int row = dstBase + offsets[t];
            int filter = wOff + t * width;
            for (int c = 0; c < vectorWidth; c += L) {
                FloatVector.fromArray(SPECIES, w, filter + c).fma(s, FloatVector.fromArray(SPECIES, dst, row + c))
                        .intoArray(dst, row + c);
            }
            for (int c = vectorWidth; c < width; c++) {
                dst[row + c] = Math.fma(w[filter + c], v, dst[row + c]);
            }
        }
    }

    /** By register blocks of four outputs and up to six vectors of positions: {@link VectorCorrelation}. */
    @Override
    public void correlate(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y, int yOff,
                          int positions, int width) {
        VectorCorrelation.correlate(outputs, taps, w, wOff, offsets, x, y, yOff, positions, width);
    }

    @Override
    public void correlateSegments(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, int[] segments,
                                  int count, float[] y, int yOff, int width) {
        VectorSegments.correlateSegments(outputs, taps, w, wOff, offsets, x, segments, count, y, yOff, width);
    }

    /** By blocks of eight outputs by three vectors first: {@link VectorCorrelation}. */
    @Override
    public void correlatePointwise(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y,
                                   int yOff, int positions, int width) {
        VectorCorrelation.correlate(outputs, taps, w, wOff, offsets, x, y, yOff, positions, width, true);
    }

    /**
     * The two rows of a tile row are merged by a lanewise maximum; two shuffles then gather the left and the right
     * member of each pair into the low half of a vector, whose maximum is one pooled value per pair. Every vector here
     * has the one preferred shape: mixing shapes in one JVM pollutes the Vector API's shared profiles, after which C2
     * stops intrinsifying the other kernels' stores (measured: the coordinate solver ten times slower).
     */
    @Override
    public void biasReluPool(float[] y, int yOff, int stride, int pooledH, int pooledW, float bias, float[] out, int outOff,
                             int outEnd) {
        int half = L / 2;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int py = 0; py < pooledH; py++) {
            int top = yOff + 2 * py * stride;
            int row = outOff + py * pooledW;
            int px = 0;
            for (; px < pooledW && row + px + L <= outEnd; px += half) {
                int at = row + px;
                FloatVector m = FloatVector.fromArray(SPECIES, y, top + 2 * px)
                        .max(FloatVector.fromArray(SPECIES, y, top + stride + 2 * px));
                FloatVector v = m.rearrange(EVEN).max(m.rearrange(ODD)).add(bias);
                // the upper half and lanes past the row land where later values of this channel are written
                zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, at);
            }
            if (px < pooledW) { // no room for a whole vector: the last values the caller lets us write
                int count = pooledW - px;
                ScalarKernels.INSTANCE.biasReluPool(y, top + 2 * px, stride, 1, count, bias, out, row + px,
                        row + px + count);
            }
        }
    }

    @Override
    public void biasRelu(float[] y, int yOff, int stride, int h, int w, float bias, float[] out, int outOff, int outEnd) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int r = 0; r < h; r++) {
            int row = outOff + r * w;
            int from = yOff + r * stride;
            int c = 0;
            for (; c < w && row + c + L <= outEnd; c += L) {
                FloatVector v = FloatVector.fromArray(SPECIES, y, from + c).add(bias);
                zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, row + c);
            }
            if (c < w) { // no room for a whole vector
                ScalarKernels.INSTANCE.biasRelu(y, from + c, stride, 1, w - c, bias, out, row + c, row + w);
            }
        }
    }

    @Override
    public void biasAddRelu(float[] y, int yOff, int stride, int h, int w, float bias, float[] res, int resOff, float[] out,
                            int outOff, int outEnd) {
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int r = 0; r < h; r++) {
            int row = r * w;
            int from = yOff + r * stride;
            int c = 0;
            for (; c < w && outOff + row + c + L <= outEnd && resOff + row + c + L <= res.length; c += L) {
                FloatVector v = FloatVector.fromArray(SPECIES, y, from + c).add(bias)
                        .add(FloatVector.fromArray(SPECIES, res, resOff + row + c));
                zero.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(out, outOff + row + c);
            }
            if (c < w) { // no room for a whole vector, or the skip connection ends
                ScalarKernels.INSTANCE.biasAddRelu(y, from + c, stride, 1, w - c, bias, res, resOff + row + c, out,
                        outOff + row + c, outOff + row + w);
            }
        }
    }

    @Override
    public void biased(float[] y, int yOff, int stride, int h, int w, float bias, float[] out, int outOff, int outEnd) {
        for (int r = 0; r < h; r++) {
            int row = outOff + r * w;
            int from = yOff + r * stride;
            int c = 0;
            for (; c < w && row + c + L <= outEnd; c += L) {
                FloatVector.fromArray(SPECIES, y, from + c).add(bias).intoArray(out, row + c);
            }
            if (c < w) { // no room for a whole vector
                ScalarKernels.INSTANCE.biased(y, from + c, stride, 1, w - c, bias, out, row + c, row + w);
            }
        }
    }

    @Override
    public void biasClip(float[] y, int yOff, int stride, int h, int w, float bias, float lo, float hi, float[] out,
                         int outOff, int outEnd) {
        FloatVector below = FloatVector.broadcast(SPECIES, lo + 0f);
        FloatVector above = FloatVector.broadcast(SPECIES, hi + 0f);
        for (int r = 0; r < h; r++) {
            int row = outOff + r * w;
            int from = yOff + r * stride;
            int c = 0;
            for (; c < w && row + c + L <= outEnd; c += L) {
                FloatVector v = FloatVector.fromArray(SPECIES, y, from + c).add(bias);
                // two comparisons and two blends, no mask logic (which JDK 17 runs in Java): NaN fails both tests
                below.blend(v, v.compare(VectorOperators.GE, lo)).blend(above, v.compare(VectorOperators.GT, hi))
                        .intoArray(out, row + c);
            }
            if (c < w) { // no room for a whole vector
                ScalarKernels.INSTANCE.biasClip(y, from + c, stride, 1, w - c, bias, lo, hi, out, row + c, row + w);
            }
        }
    }

    @Override
    public int reluStates(float[] z, int zOff, int count, int[] on, int onOff, float[] margin) {
        int vectorCount = count - count % L;
        int ties = 0;
        FloatVector infinity = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
        FloatVector smallest = infinity;
        IntVector off = IntVector.zero(INTS);
        for (int i = 0; i < vectorCount; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, z, zOff + i);
            VectorMask<Float> positive = v.compare(VectorOperators.GT, 0f);
            off.blend(1, positive.cast(INTS)).intoArray(on, onOff + i);
            ties += v.compare(VectorOperators.EQ, 0f).trueCount();
            FloatVector a = v.abs();
            smallest = smallest.min(infinity.blend(a, a.compare(VectorOperators.GT, 0f)));
        }
        margin[0] = Math.min(margin[0], smallest.reduceLanes(VectorOperators.MIN));
        return ties + ScalarKernels.INSTANCE.reluStates(z, zOff + vectorCount, count - vectorCount, on, onOff + vectorCount,
                margin);
    }

    /** Lane i of the low half: 2i, the left member of the i-th pair (as an int, for window indices). */
    private static final IntVector PAIRS = IntVector.zero(INTS).addIndex(2);
    /** The low half of the lanes: the windows one vector of pairs holds. */
    private static final VectorMask<Float> LOW_HALF = VectorMask.fromLong(SPECIES, (1L << (L / 2)) - 1);

    @Override
    public int poolStates(float[] in, int base, int top, int inW, int count, int[] winner, int winnerOff, int winnerEnd,
                          float[] margin) {
        int half = L / 2;
        int ties = 0;
        FloatVector smallest = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
        FloatVector infinity = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
        FloatVector nan = FloatVector.broadcast(SPECIES, Float.NaN);
        int x = 0;
        // half a vector of windows at a time: one vector of each row holds their pairs; the winners' upper half
        // lands on later windows, written after
        for (; x + half <= count && base + top + inW + 2 * x + L <= in.length && winnerOff + x + L <= winnerEnd; x += half) {
            int k0 = top + 2 * x;
            FloatVector upper = FloatVector.fromArray(SPECIES, in, base + k0);
            FloatVector lower = FloatVector.fromArray(SPECIES, in, base + k0 + inW);
            FloatVector v0 = upper.rearrange(EVEN);
            FloatVector v1 = upper.rearrange(ODD);
            FloatVector v2 = lower.rearrange(EVEN);
            FloatVector v3 = lower.rearrange(ODD);
            VectorMask<Float> right = v1.compare(VectorOperators.GT, v0);
            VectorMask<Float> rightBelow = v3.compare(VectorOperators.GT, v2);
            FloatVector av = v0.blend(v1, right);
            FloatVector aLoser = v1.blend(v0, right);
            FloatVector bv = v2.blend(v3, rightBelow);
            FloatVector bLoser = v3.blend(v2, rightBelow);
            VectorMask<Float> second = bv.compare(VectorOperators.GT, av);
            FloatVector top1 = av.blend(bv, second);
            FloatVector runnerUp = bv.blend(av, second).max(aLoser.blend(bLoser, second));
            IntVector left = PAIRS.add(k0);
            IntVector a = left.add(1, right.cast(INTS));
            IntVector b = left.add(inW).add(1, rightBelow.cast(INTS));
            a.blend(b, second.cast(INTS)).intoArray(winner, winnerOff + x);
            // the windows of the lower half only; blends, not mask logic (which JDK 17 runs in Java)
            ties += nan.blend(runnerUp, LOW_HALF).compare(VectorOperators.EQ, top1).trueCount();
            FloatVector lead = top1.sub(runnerUp);
            smallest = smallest.min(infinity.blend(infinity.blend(lead, runnerUp.compare(VectorOperators.NE, top1)),
                    LOW_HALF));
        }
        margin[0] = Math.min(margin[0], smallest.reduceLanes(VectorOperators.MIN));
        return ties + ScalarKernels.INSTANCE.poolStates(in, base, top + 2 * x, inW, count - x, winner, winnerOff + x,
                winnerEnd, margin);
    }

    /** Compares and blends, which keep the earlier of equal values as the definition asks; a lane-wise max would not. */
    /**
     * At stride 2, each vector of L windows from one pass over their rows: for each row, the sliding maxima of two
     * vectors of columns, whose even lanes are the row's window maxima; then the first maximum over the rows, kept in
     * registers. Against a pass of sliding maxima over the whole plane, a pass picking every second one and a pass over
     * the rows, each writing what the next reads back: SqueezeNet's first pool (64 channels of 111x111) 1.3x alone,
     * its second 1.2x to 1.3x, ResNet-18's (with padding) 0.98x to 1.0x and SqueezeNet's last (13 windows a row, one
     * vector whose extra lanes are dropped) 0.8x to 1.0x over two runs; SqueezeNet's inference 1.02x. What is left is
     * the JIT's: on JDK 17 each comparison's mask goes through a vector register and back (four instructions for one
     * maximum), and the lane-wise MAX, whose signed zeros differ anyway, is slower still.
     */
    @Override
    public void poolMax(float[] in, int inOff, int inW, int rows, int taps, int stride, int count, float[] out,
                        int outOff) {
        poolMax(in, inOff, inW, rows, taps, stride, count, out, outOff, false);
    }

    @Override
    public void poolMaxRectified(float[] in, int inOff, int inW, int rows, int taps, int stride, int count, float[] out,
                                 int outOff) {
        poolMax(in, inOff, inW, rows, taps, stride, count, out, outOff, true);
    }

    /** {@link #poolMax}, comparing the values as ints where they are {@code rectified} ({@link #poolMaxRectified}). */
    private static void poolMax(float[] in, int inOff, int inW, int rows, int taps, int stride, int count, float[] out,
                                int outOff, boolean rectified) {
        int reach = (rows - 1) * inW + 2 * L + taps - 1; // how far a vector of windows reads from its first
        if (stride != 2 || count == 0) {
            ScalarKernels.INSTANCE.poolMax(in, inOff, inW, rows, taps, stride, count, out, outOff);
        } else if (count < L) {
            // fewer windows than a vector: one vector whose extra windows are dropped, where the input goes on so far
            if (inOff + reach <= in.length) {
                float[] maxima = new float[L];
                if (rectified && rows == 3 && taps == 3) {
                    windows3x3MaxOfBits(in, inOff, inW, maxima, 0);
                } else if (rectified) {
                    windowsMaxOfBits(in, inOff, inW, rows, taps, maxima, 0);
                } else {
                    windowsMax(in, inOff, inW, rows, taps, maxima, 0);
                }
                System.arraycopy(maxima, 0, out, outOff, count);
            } else {
                ScalarKernels.INSTANCE.poolMax(in, inOff, inW, rows, taps, stride, count, out, outOff);
            }
        } else {
            // the last vector overlaps the one before it, writing the same maxima again
            for (int i = 0; i < count; i = nextOverlapping(i, count)) {
                if (inOff + 2 * i + reach > in.length) {
                    // the windows at the end of the array, whose vector would read past it
                    ScalarKernels.INSTANCE.poolMax(in, inOff + 2 * i, inW, rows, taps, stride, count - i, out,
                            outOff + i);
                    return;
                }
                if (rectified && rows == 3 && taps == 3) {
                    windows3x3MaxOfBits(in, inOff + 2 * i, inW, out, outOff + i);
                } else if (rectified) {
                    windowsMaxOfBits(in, inOff + 2 * i, inW, rows, taps, out, outOff + i);
                } else {
                    windowsMax(in, inOff + 2 * i, inW, rows, taps, out, outOff + i);
                }
            }
        }
    }

    /**
     * {@link #poolMax} of the L windows at stride 2 from {@code in[from]}, into {@code out[outOff]}: one method, with
     * no vector passed to or from a call, which the JIT would then allocate.
     */
    private static void windowsMax(float[] in, int from, int inW, int rows, int taps, float[] out, int outOff) {
        FloatVector m = FloatVector.zero(SPECIES);
        for (int r = 0; r < rows; r++) {
            int at = from + r * inW;
            // the sliding maxima of two vectors of the row's columns, whose even lanes are its windows' maxima
            FloatVector low = FloatVector.fromArray(SPECIES, in, at);
            FloatVector high = FloatVector.fromArray(SPECIES, in, at + L);
            for (int t = 1; t < taps; t++) {
                FloatVector v = FloatVector.fromArray(SPECIES, in, at + t);
                low = low.blend(v, v.compare(VectorOperators.GT, low));
                FloatVector u = FloatVector.fromArray(SPECIES, in, at + L + t);
                high = high.blend(u, u.compare(VectorOperators.GT, high));
            }
            FloatVector row = low.rearrange(EVEN).blend(high.rearrange(EVEN), HIGH_HALF);
            m = r == 0 ? row : m.blend(row, row.compare(VectorOperators.GT, m));
        }
        m.intoArray(out, outOff);
    }

    /**
     * {@link #windowsMax} of rectified values, each compared as the int of its bits: a ReLU's outputs, +0 or
     * positive, order as those ints do, and each maximum is then one instruction. Equal ints are equal floats, so
     * which of them is kept changes nothing.
     */
    private static void windowsMaxOfBits(float[] in, int from, int inW, int rows, int taps, float[] out, int outOff) {
        IntVector m = IntVector.zero(INTS);
        for (int r = 0; r < rows; r++) {
            int at = from + r * inW;
            IntVector low = FloatVector.fromArray(SPECIES, in, at).reinterpretAsInts();
            IntVector high = FloatVector.fromArray(SPECIES, in, at + L).reinterpretAsInts();
            for (int t = 1; t < taps; t++) {
                low = low.max(FloatVector.fromArray(SPECIES, in, at + t).reinterpretAsInts());
                high = high.max(FloatVector.fromArray(SPECIES, in, at + L + t).reinterpretAsInts());
            }
            m = m.max(low.rearrange(EVEN_INTS).blend(high.rearrange(EVEN_INTS), HIGH_HALF_INTS));
        }
        m.reinterpretAsFloats().intoArray(out, outOff);
    }

    /**
     * {@link #windowsMaxOfBits} of 3x3 windows, the pool of SqueezeNet and ResNet, with no loop: the nine maxima of a
     * window's rows and columns in one straight run, which the JIT schedules freely (SqueezeNet's inference 1.040x on
     * one thread, against the loops over rows and taps).
     */
    private static void windows3x3MaxOfBits(float[] in, int from, int inW, float[] out, int outOff) {
        int mid = from + inW;
        int bottom = mid + inW;
        IntVector low = FloatVector.fromArray(SPECIES, in, from).reinterpretAsInts()
                .max(FloatVector.fromArray(SPECIES, in, from + 1).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, from + 2).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, mid).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, mid + 1).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, mid + 2).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, bottom).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, bottom + 1).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, bottom + 2).reinterpretAsInts());
        IntVector high = FloatVector.fromArray(SPECIES, in, from + L).reinterpretAsInts()
                .max(FloatVector.fromArray(SPECIES, in, from + L + 1).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, from + L + 2).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, mid + L).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, mid + L + 1).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, mid + L + 2).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, bottom + L).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, bottom + L + 1).reinterpretAsInts())
                .max(FloatVector.fromArray(SPECIES, in, bottom + L + 2).reinterpretAsInts());
        low.rearrange(EVEN_INTS).blend(high.rearrange(EVEN_INTS), HIGH_HALF_INTS).reinterpretAsFloats()
                .intoArray(out, outOff);
    }

    /**
     * The values of the last {@code tail < L} windows of {@code taps}, from {@code in[from]}, at the start of an array
     * with room for L windows; the rest is -infinity.
     */
    private static float[] tailWindow(float[] in, int from, int tail, int taps) {
        float[] window = new float[L + taps - 1];
        System.arraycopy(in, from, window, 0, tail + taps - 1);
        java.util.Arrays.fill(window, tail + taps - 1, window.length, Float.NEGATIVE_INFINITY);
        return window;
    }

    /**
     * The vector after the one at {@code i} in a pass over {@code count >= L} values whose last vector ends exactly at
     * {@code count}, overlapping the one before it when {@code count} is not a multiple of L: for kernels that give the
     * same values when a stretch is done twice (a maximum, a copy), in place of a scalar tail.
     */
    private static int nextOverlapping(int i, int count) {
        return i + L < count && i + 2 * L > count ? count - L : i + L;
    }

    /** The high half of the lanes: with {@link #EVEN} it takes a second vector's even lanes into the upper half. */
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(SPECIES, ((1L << L) - 1) & ~((1L << (L / 2)) - 1));
    private static final VectorMask<Integer> HIGH_HALF_INTS = HIGH_HALF.cast(INTS);
    private static final VectorShuffle<Integer> EVEN_INTS = EVEN.cast(INTS);

    /**
     * Each thread's scratch for {@link #pick} of fewer values than a vector, of which it copies the first few, and for
     * {@link #deinterleave} of a row shorter than two vectors (its even lanes, then its odd): a new array each call
     * took as long as the picks (1.3% of ResNet-18's inference).
     */
    private static final ThreadLocal<float[]> FEW_PICKS = ThreadLocal.withInitial(() -> new float[2 * L]);

    @Override
    public void pick(float[] in, int inOff, int stride, int count, float[] out, int outOff) {
        if (stride != 2 || count == 0 || count < L && inOff + 2 * L > in.length) {
            ScalarKernels.INSTANCE.pick(in, inOff, stride, count, out, outOff);
            return;
        }
        if (count < L) {
            // fewer than a vector (a strided depthwise layer's rows at 14x14 and 7x7): one vector of picks, where
            // the input goes on so far, of which the first count are copied
            float[] picked = FEW_PICKS.get();
            FloatVector low = FloatVector.fromArray(SPECIES, in, inOff);
            FloatVector high = FloatVector.fromArray(SPECIES, in, inOff + L);
            low.rearrange(EVEN).blend(high.rearrange(EVEN), HIGH_HALF).intoArray(picked, 0);
            System.arraycopy(picked, 0, out, outOff, count);
            return;
        }
        // the even lanes of two neighbouring vectors; the last vector overlaps the one before it, writing the same
        for (int i = 0; i < count; i = nextOverlapping(i, count)) {
            FloatVector low = FloatVector.fromArray(SPECIES, in, inOff + 2 * i);
            FloatVector high = FloatVector.fromArray(SPECIES, in, inOff + 2 * i + L);
            low.rearrange(EVEN).blend(high.rearrange(EVEN), HIGH_HALF).intoArray(out, outOff + i);
        }
    }

    /**
     * By whole vectors of both phases (two vectors of a row in, their even and their odd lanes out). A row's last
     * values, fewer than two vectors, go as a last pair of vectors that overlaps the one before it, writing the same
     * floats again; a row of one to two vectors (ResNet-18's 28 columns) as one pair read on past it, while the array
     * lasts, into a scratch copy of which its values are copied out; a shorter one (14 columns, where the copies cost
     * more than they save) a pair of values at a time. Masked loads and stores ran ResNet-18's strided layers 1.3x to
     * 1.5x slower on Java 17. Against all tails value by value, in one JVM call by call on two threads: ResNet-18's
     * strided 3x3 layers at 28x28 and 14x14 outputs 1.03x to 1.09x, its first downsampling layer 1.05x to 1.11x, the
     * whole inference 1.00x.
     */
    @Override
    public void deinterleave(float[] in, int inOff, int inStride, int rows, int width, float[] out, int evenOff,
                             int oddOff, int outStride) {
        int whole = width / (2 * L) * (2 * L);
        // the last pair starts at an even column, so that its even lanes are the even columns
        int last = whole > 0 && whole < width ? (width - 2 * L) & ~1 : -1;
        for (int r = 0; r < rows; r++) {
            int row = inOff + r * inStride;
            int even = evenOff + r * outStride;
            int odd = oddOff + r * outStride;
            for (int c = 0; c < whole; c += 2 * L) {
                deinterleavePair(in, row + c, out, even + c / 2, odd + c / 2);
            }
            int done = whole;
            if (last >= 0) {
                deinterleavePair(in, row + last, out, even + last / 2, odd + last / 2);
                done = last + 2 * L;
            } else if (whole == 0 && width >= L && row + 2 * L <= in.length) {
                float[] scratch = FEW_PICKS.get();
                deinterleavePair(in, row, scratch, 0, L);
                System.arraycopy(scratch, 0, out, even, (width + 1) / 2);
                System.arraycopy(scratch, L, out, odd, width / 2);
                done = width;
            }
            // one by one, a pair at a time from an even column (a pair's odd column to the same index)
            int c = done;
            for (; c + 1 < width; c += 2) {
                out[even + c / 2] = in[row + c];
                out[odd + c / 2] = in[row + c + 1];
            }
            if (c < width) {
                out[even + c / 2] = in[row + c];
            }
        }
    }

    /** The even and the odd lanes of two vectors from {@code in[at]}: into {@code out[even]} and {@code out[odd]}. */
    private static void deinterleavePair(float[] in, int at, float[] out, int even, int odd) {
        FloatVector low = FloatVector.fromArray(SPECIES, in, at);
        FloatVector high = FloatVector.fromArray(SPECIES, in, at + L);
        low.rearrange(EVEN).blend(high.rearrange(EVEN), HIGH_HALF).intoArray(out, even);
        low.rearrange(ODD).blend(high.rearrange(ODD), HIGH_HALF).intoArray(out, odd);
    }

    /** Lane i: i, the offset of each lane's window start. */
    private static final IntVector IOTA = IntVector.zero(INTS).addIndex(1);

    @Override
    public void mask(float[] in, int inOff, int[] on, int onOff, float[] out, int outOff, int count) {
        int vectorCount = count - count % L;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int i = 0; i < vectorCount; i += L) {
            VectorMask<Float> off = IntVector.fromArray(INTS, on, onOff + i).compare(VectorOperators.EQ, 0).cast(SPECIES);
            FloatVector.fromArray(SPECIES, in, inOff + i).blend(zero, off).intoArray(out, outOff + i);
        }
        ScalarKernels.INSTANCE.mask(in, inOff + vectorCount, on, onOff + vectorCount, out, outOff + vectorCount,
                count - vectorCount);
    }

    @Override
    public int pieceStates(float[] in, int inOff, int count, int pieces, float[] cuts, int cutOff, boolean[] tieAbove,
                           int[] states, int statesOff, float[] margin) {
        int vectorCount = INTS.length() == L ? count - count % L : 0;
        FloatVector infinity = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
        FloatVector least = infinity;
        // each lane's count of ties, added across lanes once at the end, not once a vector
        IntVector tied = IntVector.zero(INTS);
        for (int i = 0; i < vectorCount; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, in, inOff + i);
            IntVector j = IntVector.zero(INTS);
            IntVector tie = j;
            FloatVector distance = infinity;
            for (int b = 0; b < pieces - 1; b++) {
                float at = cuts[cutOff + b];
                j = j.blend(b + 1, passes(v, at, tieAbove[b]).cast(INTS));
                tie = tie.blend(1, v.compare(VectorOperators.EQ, at).cast(INTS));
                distance = distance.min(v.sub(at).abs());
            }
            j.intoArray(states, statesOff + i);
            tied = tied.add(tie);
            // ties offer no margin (their distance is 0, or NaN on an infinite cut), nor does NaN (the scalar loop's
            // test drops it), and +infinity (no cuts) is no margin: only distances above 0 count. No mask logic:
            // JDK 17 runs VectorMask.or and not() in Java, which made MobileNet-V2's ReLU6s a fifth of its inference.
            least = least.min(infinity.blend(distance, distance.compare(VectorOperators.GT, 0f)));
        }
        int ties = tied.reduceLanes(VectorOperators.ADD);
        float vectorLeast = least.reduceLanes(VectorOperators.MIN);
        if (vectorLeast > 0 && vectorLeast < margin[0]) {
            margin[0] = vectorLeast;
        }
        return ties + ScalarKernels.INSTANCE.pieceStates(in, inOff + vectorCount, count - vectorCount, pieces, cuts,
                cutOff, tieAbove, states, statesOff + vectorCount, margin);
    }

    /**
     * Up to four pieces by blends of the pieces' bits, in int lanes (the states are ints, and a mask cast to float
     * lanes would be one more step): the scalar loop's gather took most of a ReLU6's frozen transpose.
     */
    @Override
    public void pieceCoefficients(int[] states, int sOff, float[] perPiece, int pOff, int pieces, float[] out,
                                  int outOff, int count) {
        int vectorCount = pieces <= 4 && INTS.length() == L ? count - count % L : 0;
        IntVector first = IntVector.broadcast(INTS, Float.floatToRawIntBits(perPiece[pOff]));
        IntVector second = IntVector.broadcast(INTS, Float.floatToRawIntBits(perPiece[pOff + Math.min(1, pieces - 1)]));
        IntVector third = IntVector.broadcast(INTS, Float.floatToRawIntBits(perPiece[pOff + Math.min(2, pieces - 1)]));
        IntVector fourth = IntVector.broadcast(INTS, Float.floatToRawIntBits(perPiece[pOff + Math.min(3, pieces - 1)]));
        for (int i = 0; i < vectorCount; i += L) {
            IntVector state = IntVector.fromArray(INTS, states, sOff + i);
            first.blend(second, state.compare(VectorOperators.EQ, 1))
                    .blend(third, state.compare(VectorOperators.EQ, 2))
                    .blend(fourth, state.compare(VectorOperators.EQ, 3))
                    .reinterpretAsFloats().intoArray(out, outOff + i);
        }
        ScalarKernels.INSTANCE.pieceCoefficients(states, sOff + vectorCount, perPiece, pOff, pieces, out,
                outOff + vectorCount, count - vectorCount);
    }

    @Override
    public void scaled(float[] in, int inOff, float[] c, int cOff, float[] out, int outOff, int count) {
        int vectorCount = count - count % L;
        FloatVector zero = FloatVector.zero(SPECIES);
        for (int i = 0; i < vectorCount; i += L) {
            FloatVector coefficient = FloatVector.fromArray(SPECIES, c, cOff + i);
            coefficient.mul(FloatVector.fromArray(SPECIES, in, inOff + i))
                    .blend(zero, coefficient.compare(VectorOperators.EQ, 0f)).intoArray(out, outOff + i);
        }
        ScalarKernels.INSTANCE.scaled(in, inOff + vectorCount, c, cOff + vectorCount, out, outOff + vectorCount,
                count - vectorCount);
    }

    @Override
    public void addScaled(float[] g, int gOff, float[] c, int cOff, float[] acc, int accOff, int count) {
        int vectorCount = count - count % L;
        for (int i = 0; i < vectorCount; i += L) {
            FloatVector coefficient = FloatVector.fromArray(SPECIES, c, cOff + i);
            FloatVector before = FloatVector.fromArray(SPECIES, acc, accOff + i);
            FloatVector sum = before.add(coefficient.mul(FloatVector.fromArray(SPECIES, g, gOff + i)));
            before.blend(sum, coefficient.compare(VectorOperators.NE, 0f)).intoArray(acc, accOff + i);
        }
        ScalarKernels.INSTANCE.addScaled(g, gOff + vectorCount, c, cOff + vectorCount, acc, accOff + vectorCount,
                count - vectorCount);
    }

    /**
     * Each piece's value for a whole vector, kept where the vector's lanes pass the piece's cut: the last cut passed
     * wins, as the scalar loop's last assignment does, and no lane takes a branch (random signs made the scalar
     * loop's branches mispredict: 17 ns a value, most of MobileNet-V2's inference in its ReLU6s).
     */
    @Override
    public void pieces(float[] in, int inOff, int count, int pieces, float[] cuts, int cutOff, boolean[] tieAbove,
                       float[] slopes, float[] constants, int pieceOff, float[] out, int outOff) {
        int vectorCount = count - count % L;
        for (int i = 0; i < vectorCount; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, in, inOff + i);
            FloatVector y = piece(v, slopes, constants, pieceOff);
            for (int b = 0; b < pieces - 1; b++) {
                y = y.blend(piece(v, slopes, constants, pieceOff + b + 1), passes(v, cuts[cutOff + b], tieAbove[b]));
            }
            y.intoArray(out, outOff + i);
        }
        ScalarKernels.INSTANCE.pieces(in, inOff + vectorCount, count - vectorCount, pieces, cuts, cutOff, tieAbove,
                slopes, constants, pieceOff, out, outOff + vectorCount);
    }

    /**
     * The lanes above the cut, or on it where ties go above: one comparison, since JDK 17 runs {@code VectorMask.or}
     * in Java, and with the operator a constant at each call, which the JIT needs to compile the comparison.
     */
    private static VectorMask<Float> passes(FloatVector v, float cut, boolean tieAbove) {
        return tieAbove ? v.compare(VectorOperators.GE, cut) : v.compare(VectorOperators.GT, cut);
    }

    /** One piece's value in every lane: its slope times v (+0 if flat), then plus its constant unless 0. */
    private static FloatVector piece(FloatVector v, float[] slopes, float[] constants, int at) {
        float slope = slopes[at];
        FloatVector y = slope == 0f ? FloatVector.zero(SPECIES) : v.mul(slope);
        float constant = constants == null ? 0f : constants[at];
        return constant != 0f ? y.add(constant) : y;
    }

    @Override
    public int nonZeros(float[] x, int rows, int rowLength, int count) {
        int vectorCount = count - count % L;
        int nonZero = 0;
        for (int i = 0; i < vectorCount; i += L) {
            // a value other than +0 and -0 (NaN included) has a bit set besides its sign: or the rows' bits as ints
            // (VectorMask.or runs in Java on JDK 17)
            IntVector any = FloatVector.fromArray(SPECIES, x, i).reinterpretAsInts();
            for (int r = 1; r < rows; r++) {
                any = any.or(FloatVector.fromArray(SPECIES, x, r * rowLength + i).reinterpretAsInts());
            }
            nonZero += any.and(Integer.MAX_VALUE).compare(VectorOperators.NE, 0).trueCount();
        }
        return nonZero + ScalarKernels.INSTANCE.nonZeros(x, rows, rowLength, vectorCount, count);
    }

    /** Doubles half as many as the floats: each vector of 16 floats widens into two of these. */
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_512;

    @Override
    public double sum(float[] x, int off, int count, double[] absolute) {
        if (L != ScalarKernels.PARTIALS) {
            return ScalarKernels.INSTANCE.sum(x, off, count, absolute);
        }
        // lane j of the low and high halves: partial sums j and 8 + j, as the definition numbers them
        DoubleVector low = DoubleVector.zero(DOUBLES);
        DoubleVector high = low;
        DoubleVector lowMagnitude = low;
        DoubleVector highMagnitude = low;
        int vectorCount = count - count % L;
        for (int i = 0; i < vectorCount; i += L) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, off + i);
            DoubleVector lo = (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0);
            DoubleVector hi = (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 1);
            low = low.add(lo);
            high = high.add(hi);
            lowMagnitude = lowMagnitude.add(lo.abs());
            highMagnitude = highMagnitude.add(hi.abs());
        }
        double[] sums = partials(low, high);
        double[] magnitudes = partials(lowMagnitude, highMagnitude);
        ScalarKernels.addPartials(x, off, vectorCount, count, sums, magnitudes);
        return ScalarKernels.combine(sums, magnitudes, absolute);
    }

    /** The 16 partial sums of {@link #sum} that a low and a high vector of doubles hold, in their order. */
    private static double[] partials(DoubleVector low, DoubleVector high) {
        double[] sums = new double[L];
        low.intoArray(sums, 0);
        high.intoArray(sums, L / 2);
        return sums;
    }

    @Override
    public double dot(float[] g, int gOff, float[] c, int cOff, int count, double[] absolute) {
        if (L != ScalarKernels.PARTIALS) {
            return ScalarKernels.INSTANCE.dot(g, gOff, c, cOff, count, absolute);
        }
        // as sum: lane j of the low and high halves hold partial sums j and 8 + j
        DoubleVector low = DoubleVector.zero(DOUBLES);
        DoubleVector high = low;
        DoubleVector lowMagnitude = low;
        DoubleVector highMagnitude = low;
        int vectorCount = count - count % L;
        for (int i = 0; i < vectorCount; i += L) {
            FloatVector a = FloatVector.fromArray(SPECIES, g, gOff + i);
            FloatVector b = FloatVector.fromArray(SPECIES, c, cOff + i);
            DoubleVector lo = ((DoubleVector) a.convertShape(VectorOperators.F2D, DOUBLES, 0))
                    .mul((DoubleVector) b.convertShape(VectorOperators.F2D, DOUBLES, 0));
            DoubleVector hi = ((DoubleVector) a.convertShape(VectorOperators.F2D, DOUBLES, 1))
                    .mul((DoubleVector) b.convertShape(VectorOperators.F2D, DOUBLES, 1));
            low = low.add(lo);
            high = high.add(hi);
            lowMagnitude = lowMagnitude.add(lo.abs());
            highMagnitude = highMagnitude.add(hi.abs());
        }
        double[] sums = partials(low, high);
        double[] magnitudes = partials(lowMagnitude, highMagnitude);
        ScalarKernels.addProducts(g, gOff, c, cOff, vectorCount, count, sums, magnitudes);
        return ScalarKernels.combine(sums, magnitudes, absolute);
    }

    @Override
    public int columnArgMax(float[] max, float[] rest, int[] arg, int off, int stride, int taps, int count, int[] winner,
                            int winnerOff, float[] margin) {
        int vectorCount = count - count % L;
        int ties = columnVectors(max, rest, arg, off, stride, taps, vectorCount, winner, winnerOff, margin, L);
        int tail = count - vectorCount;
        if (tail > 0) {
            // the last windows, fewer than a vector (all 13 of a 13x13 pool), as one vector whose extra lanes are
            // left out of the ties and the margin: read in place where the arrays go on far enough (the next row's
            // values fill those lanes), else from a copy padded with -infinity
            int[] tailWinner = new int[L];
            int last = off + (taps - 1) * stride + vectorCount + L;
            if (last <= max.length && last <= rest.length && last <= arg.length) {
                ties += columnVectors(max, rest, arg, off + vectorCount, stride, taps, L, tailWinner, 0, margin, tail);
            } else {
                float[] tailMax = new float[taps * L];
                float[] tailRest = new float[taps * L];
                int[] tailArg = new int[taps * L];
                java.util.Arrays.fill(tailMax, Float.NEGATIVE_INFINITY);
                java.util.Arrays.fill(tailRest, Float.NEGATIVE_INFINITY);
                for (int t = 0; t < taps; t++) {
                    int from = off + t * stride + vectorCount;
                    System.arraycopy(max, from, tailMax, t * L, tail);
                    System.arraycopy(rest, from, tailRest, t * L, tail);
                    System.arraycopy(arg, from, tailArg, t * L, tail);
                }
                ties += columnVectors(tailMax, tailRest, tailArg, 0, L, taps, L, tailWinner, 0, margin, tail);
            }
            System.arraycopy(tailWinner, 0, winner, winnerOff + vectorCount, tail);
        }
        return ties;
    }

    /** The first n lanes, for n from 0 to L. */
    private static final VectorMask<Float>[] FIRST_LANES = firstLanes();

    @SuppressWarnings("unchecked")
    private static VectorMask<Float>[] firstLanes() {
        VectorMask<Float>[] masks = new VectorMask[L + 1];
        for (int n = 0; n <= L; n++) {
            masks[n] = VectorMask.fromLong(SPECIES, (1L << n) - 1);
        }
        return masks;
    }

    /**
     * {@link #columnArgMax} of the windows {@code [0, count)}, a multiple of L, counting the ties and margins of the
     * first {@code counted} lanes of each vector only.
     */
    private static int columnVectors(float[] max, float[] rest, int[] arg, int off, int stride, int taps, int count,
                                     int[] winner, int winnerOff, float[] margin, int counted) {
        FloatVector minusInfinity = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        FloatVector plusInfinity = FloatVector.broadcast(SPECIES, Float.POSITIVE_INFINITY);
        VectorMask<Float> countedLanes = FIRST_LANES[counted];
        FloatVector nan = FloatVector.broadcast(SPECIES, Float.NaN);
        FloatVector smallest = plusInfinity;
        int ties = 0;
        for (int x = 0; x < count; x += L) {
            FloatVector best = FloatVector.fromArray(SPECIES, max, off + x);
            FloatVector runnerUp = FloatVector.fromArray(SPECIES, rest, off + x);
            IntVector at = IntVector.fromArray(INTS, arg, off + x);
            for (int t = 1; t < taps; t++) {
                int k = off + t * stride + x;
                FloatVector v = FloatVector.fromArray(SPECIES, max, k);
                VectorMask<Float> better = v.compare(VectorOperators.GT, best);
                FloatVector loser = v.blend(best, better);
                FloatVector other = runnerUp.blend(FloatVector.fromArray(SPECIES, rest, k), better);
                runnerUp = other.blend(loser, loser.compare(VectorOperators.GT, other));
                at = at.blend(IntVector.fromArray(INTS, arg, k), better.cast(INTS));
                best = best.blend(v, better);
            }
            at.intoArray(winner, winnerOff + x);
            // the counted lanes only; blends, not mask logic (which JDK 17 runs in Java). A lead above 0 is no tie.
            ties += nan.blend(runnerUp, countedLanes).compare(VectorOperators.EQ, best).trueCount();
            FloatVector lead = best.sub(runnerUp);
            FloatVector counts = plusInfinity.blend(lead, lead.compare(VectorOperators.GT, 0f))
                    .blend(plusInfinity, runnerUp.compare(VectorOperators.EQ, minusInfinity));
            smallest = smallest.min(plusInfinity.blend(counts, countedLanes));
        }
        float least = smallest.reduceLanes(VectorOperators.MIN);
        margin[0] = least < margin[0] ? least : margin[0];
        return ties;
    }

    @Override
    public void windowArgMax(float[] in, int inOff, int count, int taps, int argBase, float[] max, int[] arg, float[] rest,
                             int outOff) {
        int vectorCount = count - count % L;
        FloatVector minusInfinity = FloatVector.broadcast(SPECIES, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < vectorCount; i += L) {
            FloatVector best = FloatVector.fromArray(SPECIES, in, inOff + i);
            IntVector at = IOTA.add(argBase + i);
            FloatVector runnerUp = minusInfinity;
            for (int t = 1; t < taps; t++) {
                FloatVector v = FloatVector.fromArray(SPECIES, in, inOff + i + t);
                VectorMask<Float> better = v.compare(VectorOperators.GT, best);
                FloatVector loser = v.blend(best, better);
                runnerUp = runnerUp.blend(loser, loser.compare(VectorOperators.GT, runnerUp));
                at = at.blend(IOTA.add(argBase + i + t), better.cast(INTS));
                best = best.blend(v, better);
            }
            best.intoArray(max, outOff + i);
            at.intoArray(arg, outOff + i);
            runnerUp.intoArray(rest, outOff + i);
        }
        int tail = count - vectorCount;
        if (tail > 0) {
            // the last windows, fewer than a vector, as one vector whose extra windows are dropped
            float[] maxima = new float[L];
            int[] winners = new int[L];
            float[] rests = new float[L];
            if (inOff + vectorCount + L + taps - 1 <= in.length) {
                windowArgMax(in, inOff + vectorCount, L, taps, argBase + vectorCount, maxima, winners, rests, 0);
            } else {
                windowArgMax(tailWindow(in, inOff + vectorCount, tail, taps), 0, L, taps, argBase + vectorCount, maxima,
                        winners, rests, 0);
            }
            System.arraycopy(maxima, 0, max, outOff + vectorCount, tail);
            System.arraycopy(winners, 0, arg, outOff + vectorCount, tail);
            System.arraycopy(rests, 0, rest, outOff + vectorCount, tail);
        }
    }
}
