package io.etalon.kernel;

/** {@link Kernels} in plain Java: the reference the vector kernels are tested against, and the fallback. */
final class ScalarKernels implements Kernels {

    static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {
    }

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public int lanes() {
        return 1;
    }

    @Override
    public void winogradPatch(float[] in, int corner, int row, int channels, float[] out, int at, int step) {
        winogradPatchChannels(in, corner, row, channels, 0, channels, out, at, step);
    }

    /** {@link #winogradPatch} for channels {@code [from, to)}: the vector kernels' tail. */
    static void winogradPatchChannels(float[] in, int corner, int row, int channels, int from, int to, float[] out,
                                      int at, int step) {
        int ch = channels;
        for (int c = from; c < to; c++) {
            int p = corner + c;
            int q = p + row;
            int s = q + row;
            int t = s + row;
            // B^T d: rows d0 - d2, d1 + d2, d2 - d1, d1 - d3, column by column
            float a0 = in[p] - in[s];
            float a1 = in[p + ch] - in[s + ch];
            float a2 = in[p + 2 * ch] - in[s + 2 * ch];
            float a3 = in[p + 3 * ch] - in[s + 3 * ch];
            float b0 = in[q] + in[s];
            float b1 = in[q + ch] + in[s + ch];
            float b2 = in[q + 2 * ch] + in[s + 2 * ch];
            float b3 = in[q + 3 * ch] + in[s + 3 * ch];
            float e0 = in[s] - in[q];
            float e1 = in[s + ch] - in[q + ch];
            float e2 = in[s + 2 * ch] - in[q + 2 * ch];
            float e3 = in[s + 3 * ch] - in[q + 3 * ch];
            float f0 = in[q] - in[t];
            float f1 = in[q + ch] - in[t + ch];
            float f2 = in[q + 2 * ch] - in[t + 2 * ch];
            float f3 = in[q + 3 * ch] - in[t + 3 * ch];
            // (B^T d) B: columns x0 - x2, x1 + x2, x2 - x1, x1 - x3, row by row
            int o = at + c;
            out[o] = a0 - a2;
            out[o + step] = a1 + a2;
            out[o + 2 * step] = a2 - a1;
            out[o + 3 * step] = a1 - a3;
            out[o + 4 * step] = b0 - b2;
            out[o + 5 * step] = b1 + b2;
            out[o + 6 * step] = b2 - b1;
            out[o + 7 * step] = b1 - b3;
            out[o + 8 * step] = e0 - e2;
            out[o + 9 * step] = e1 + e2;
            out[o + 10 * step] = e2 - e1;
            out[o + 11 * step] = e1 - e3;
            out[o + 12 * step] = f0 - f2;
            out[o + 13 * step] = f1 + f2;
            out[o + 14 * step] = f2 - f1;
            out[o + 15 * step] = f1 - f3;
        }
    }

    @Override
    public void winogradOutput(float[] products, int at, int step, int outputs, float[] tile) {
        winogradOutputs(products, at, step, 0, outputs, outputs, tile);
    }

    /** {@link #winogradOutput} for outputs {@code [from, to)}: the vector kernels' tail. */
    static void winogradOutputs(float[] products, int at, int step, int from, int to, int outputs, float[] tile) {
        float[] m = new float[16];
        for (int o = from; o < to; o++) {
            for (int xi = 0; xi < 16; xi++) {
                m[xi] = products[at + xi * step + o];
                products[at + xi * step + o] = 0f;
            }
            // A^T m: rows m0 + m1 + m2 and m1 - m2 - m3 of the 4x4 tile, column by column; then A on the columns
            float s0 = m[0] + m[4] + m[8];
            float s1 = m[1] + m[5] + m[9];
            float s2 = m[2] + m[6] + m[10];
            float s3 = m[3] + m[7] + m[11];
            float t0 = m[4] - m[8] - m[12];
            float t1 = m[5] - m[9] - m[13];
            float t2 = m[6] - m[10] - m[14];
            float t3 = m[7] - m[11] - m[15];
            tile[o] = s0 + s1 + s2;
            tile[outputs + o] = s1 - s2 - s3;
            tile[2 * outputs + o] = t0 + t1 + t2;
            tile[3 * outputs + o] = t1 - t2 - t3;
        }
    }

    @Override
    public void planeMeans(float[] in, int inBase, int channels, int plane, float weight, float[] out, int outBase) {
        planeMeansFrom(in, inBase, 0, channels, plane, weight, out, outBase);
    }

    /**
     * {@link #planeMeans} of channels {@code [from, channels)}, the vector kernels' tail: eight channels at a time, so
     * that their sums do not wait on one another.
     */
    static void planeMeansFrom(float[] in, int inBase, int from, int channels, int plane, float weight, float[] out,
                               int outBase) {
        int c = from;
        for (; c + 8 <= channels; c += 8) {
            int at = inBase + c * plane;
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            for (int i = 0; i < plane; i++) {
                s0 += weight * in[at + i];
                s1 += weight * in[at + plane + i];
                s2 += weight * in[at + 2 * plane + i];
                s3 += weight * in[at + 3 * plane + i];
                s4 += weight * in[at + 4 * plane + i];
                s5 += weight * in[at + 5 * plane + i];
                s6 += weight * in[at + 6 * plane + i];
                s7 += weight * in[at + 7 * plane + i];
            }
            out[outBase + c] = s0;
            out[outBase + c + 1] = s1;
            out[outBase + c + 2] = s2;
            out[outBase + c + 3] = s3;
            out[outBase + c + 4] = s4;
            out[outBase + c + 5] = s5;
            out[outBase + c + 6] = s6;
            out[outBase + c + 7] = s7;
        }
        for (; c < channels; c++) {
            float sum = 0f;
            for (int i = 0; i < plane; i++) {
                sum += weight * in[inBase + c * plane + i];
            }
            out[outBase + c] = sum;
        }
    }

    @Override
    public void gemm(int m, int n, int[] ks, int count, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int cRow = cOff + i * ldc;
            for (int t = 0; t < count; t++) {
                int p = ks[t];
                float av = a[aOff + i * lda + p];
                int bRow = bOff + p * ldb;
                for (int j = 0; j < n; j++) {
                    c[cRow + j] = Math.fma(av, b[bRow + j], c[cRow + j]);
                }
            }
        }
    }

    @Override
    public void scatter(int count, float[] w, int wOff, int[] offsets, float[] g, int gOff, int width, float[] dst,
                        int dstBase) {
        for (int t = 0; t < count; t++) {
            float wt = w[wOff + t];
            int row = dstBase + offsets[t];
            for (int r = 0; r < width; r++) {
                dst[row + r] = Math.fma(wt, g[gOff + r], dst[row + r]);
            }
        }
    }

    @Override
    public void scatterScaled(int count, float v, float[] w, int wOff, int width, int[] offsets, float[] dst, int dstBase) {
        for (int t = 0; t < count; t++) {
            int row = dstBase + offsets[t];
            int filter = wOff + t * width;
            for (int c = 0; c < width; c++) {
                dst[row + c] = Math.fma(w[filter + c], v, dst[row + c]);
            }
        }
    }

    @Override
    public void correlate(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y, int yOff,
                          int positions, int width) {
        int blocked = outputs / 4 * 4; // the outputs in blocks of four (Kernels.inFours), the rest row by row
        for (int o = 0; o < outputs; o++) {
            int first = wOff + (o < blocked ? o / 4 * 4 * taps + o % 4 : o * taps);
            int step = o < blocked ? 4 : 1;
            for (int p = 0; p < positions; p++) {
                float acc = 0f;
                for (int t = 0; t < taps; t++) {
                    acc = Math.fma(w[first + step * t], x[p + offsets[t]], acc);
                }
                y[yOff + o * width + p] = acc;
            }
        }
    }

    @Override
    public void correlateSegments(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, int[] segments,
                                  int count, float[] y, int yOff, int width) {
        int group = segmentGroup();
        for (int o = 0; o < outputs; o++) {
            int first = wOff + o / group * group * taps + o % group;
            for (int i = 0; i < count; i++) {
                for (int p = segments[i]; p < segments[i] + SEGMENT; p++) {
                    float acc = 0f;
                    for (int t = 0; t < taps; t++) {
                        acc = Math.fma(w[first + group * t], x[p + offsets[t]], acc);
                    }
                    y[yOff + o * width + p] = acc;
                }
            }
        }
    }

    @Override
    public void biasReluPool(float[] y, int yOff, int stride, int pooledH, int pooledW, float bias, float[] out, int outOff,
                             int outEnd) {
        for (int py = 0; py < pooledH; py++) {
            int top = yOff + 2 * py * stride;
            for (int px = 0; px < pooledW; px++) {
                int at = top + 2 * px;
                float m = y[at];
                m = y[at + 1] > m ? y[at + 1] : m;
                m = y[at + stride] > m ? y[at + stride] : m;
                m = y[at + stride + 1] > m ? y[at + stride + 1] : m;
                float v = m + bias;
                out[outOff + py * pooledW + px] = v > 0f ? v : 0f;
            }
        }
    }

    @Override
    public void biasRelu(float[] y, int yOff, int stride, int h, int w, float bias, float[] out, int outOff, int outEnd) {
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                float v = y[yOff + r * stride + c] + bias;
                out[outOff + r * w + c] = v > 0f ? v : 0f;
            }
        }
    }

    @Override
    public void biasAddRelu(float[] y, int yOff, int stride, int h, int w, float bias, float[] res, int resOff, float[] out,
                            int outOff, int outEnd) {
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                float v = (y[yOff + r * stride + c] + bias) + res[resOff + r * w + c];
                out[outOff + r * w + c] = v > 0f ? v : 0f;
            }
        }
    }

    @Override
    public void biased(float[] y, int yOff, int stride, int h, int w, float bias, float[] out, int outOff, int outEnd) {
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                out[outOff + r * w + c] = y[yOff + r * stride + c] + bias;
            }
        }
    }

    @Override
    public void biasClip(float[] y, int yOff, int stride, int h, int w, float bias, float lo, float hi, float[] out,
                         int outOff, int outEnd) {
        float below = lo + 0f;
        float above = hi + 0f;
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                float v = y[yOff + r * stride + c] + bias;
                out[outOff + r * w + c] = v >= lo ? v > hi ? above : v : below;
            }
        }
    }

    @Override
    public int reluStates(float[] z, int zOff, int count, int[] on, int onOff, float[] margin) {
        int ties = 0;
        float smallest = margin[0];
        for (int i = 0; i < count; i++) {
            float v = z[zOff + i];
            on[onOff + i] = v > 0f ? 1 : 0;
            float a = Math.abs(v);
            ties += a == 0f ? 1 : 0;
            smallest = Math.min(smallest, a > 0f ? a : Float.POSITIVE_INFINITY);
        }
        margin[0] = smallest;
        return ties;
    }

    @Override
    public int poolStates(float[] in, int base, int top, int inW, int count, int[] winner, int winnerOff, int winnerEnd,
                          float[] margin) {
        int ties = 0;
        float smallest = margin[0];
        for (int x = 0; x < count; x++) {
            int k0 = top + 2 * x;
            int k2 = k0 + inW;
            float v0 = in[base + k0];
            float v1 = in[base + k0 + 1];
            float v2 = in[base + k2];
            float v3 = in[base + k2 + 1];
            // winner of (v0, v1), then of (v2, v3), then the final: earlier wins ties at every step
            int a = v1 > v0 ? k0 + 1 : k0;
            float av = v1 > v0 ? v1 : v0;
            float aLoser = v1 > v0 ? v0 : v1;
            int b = v3 > v2 ? k2 + 1 : k2;
            float bv = v3 > v2 ? v3 : v2;
            float bLoser = v3 > v2 ? v2 : v3;
            boolean second = bv > av;
            float top1 = second ? bv : av;
            float runnerUp = Math.max(second ? av : bv, second ? bLoser : aLoser);
            winner[winnerOff + x] = second ? b : a;
            ties += runnerUp == top1 ? 1 : 0;
            smallest = Math.min(smallest, runnerUp == top1 ? Float.POSITIVE_INFINITY : top1 - runnerUp);
        }
        margin[0] = smallest;
        return ties;
    }

    @Override
    public void poolMax(float[] in, int inOff, int inW, int rows, int taps, int stride, int count, float[] out,
                        int outOff) {
        for (int x = 0; x < count; x++) {
            float m = 0f;
            for (int r = 0; r < rows; r++) {
                int at = inOff + r * inW + x * stride;
                float rowMax = in[at];
                for (int j = 1; j < taps; j++) {
                    float v = in[at + j];
                    rowMax = v > rowMax ? v : rowMax;
                }
                m = r == 0 || rowMax > m ? rowMax : m;
            }
            out[outOff + x] = m;
        }
    }

    @Override
    public void pick(float[] in, int inOff, int stride, int count, float[] out, int outOff) {
        for (int i = 0; i < count; i++) {
            out[outOff + i] = in[inOff + i * stride];
        }
    }

    @Override
    public void deinterleave(float[] in, int inOff, int inStride, int rows, int width, float[] out, int evenOff,
                             int oddOff, int outStride) {
        for (int r = 0; r < rows; r++) {
            int row = inOff + r * inStride;
            for (int i = 0, even = evenOff + r * outStride; 2 * i < width; i++) {
                out[even + i] = in[row + 2 * i];
            }
            for (int i = 0, odd = oddOff + r * outStride; 2 * i + 1 < width; i++) {
                out[odd + i] = in[row + 2 * i + 1];
            }
        }
    }

    @Override
    public void mask(float[] in, int inOff, int[] on, int onOff, float[] out, int outOff, int count) {
        for (int i = 0; i < count; i++) {
            // the bits masked by -state (state 1: all ones; 0: none), without a branch
            out[outOff + i] = Float.intBitsToFloat(Float.floatToRawIntBits(in[inOff + i]) & -on[onOff + i]);
        }
    }

    @Override
    public int pieceStates(float[] in, int inOff, int count, int pieces, float[] cuts, int cutOff, boolean[] tieAbove,
                           int[] states, int statesOff, float[] margin) {
        int ties = 0;
        for (int i = 0; i < count; i++) {
            float v = in[inOff + i];
            int j = 0;
            boolean tie = false;
            float least = Float.POSITIVE_INFINITY;
            for (int b = 0; b < pieces - 1; b++) {
                float at = cuts[cutOff + b];
                if (v > at || v == at && tieAbove[b]) {
                    j = b + 1;
                }
                tie |= v == at;
                least = Math.min(least, Math.abs(v - at));
            }
            states[statesOff + i] = j;
            if (tie) {
                ties++; // a value on a cut offers no margin
            } else if (least > 0 && least < margin[0]) {
                margin[0] = least;
            }
        }
        return ties;
    }

    @Override
    public void pieceCoefficients(int[] states, int sOff, float[] perPiece, int pOff, int pieces, float[] out,
                                  int outOff, int count) {
        for (int i = 0; i < count; i++) {
            out[outOff + i] = perPiece[pOff + states[sOff + i]];
        }
    }

    @Override
    public void scaled(float[] in, int inOff, float[] c, int cOff, float[] out, int outOff, int count) {
        for (int i = 0; i < count; i++) {
            float coefficient = c[cOff + i];
            out[outOff + i] = coefficient == 0f ? 0f : coefficient * in[inOff + i];
        }
    }

    @Override
    public void addScaled(float[] g, int gOff, float[] c, int cOff, float[] acc, int accOff, int count) {
        for (int i = 0; i < count; i++) {
            float coefficient = c[cOff + i];
            if (coefficient != 0f) {
                acc[accOff + i] += coefficient * g[gOff + i];
            }
        }
    }

    @Override
    public void pieces(float[] in, int inOff, int count, int pieces, float[] cuts, int cutOff, boolean[] tieAbove,
                       float[] slopes, float[] constants, int pieceOff, float[] out, int outOff) {
        for (int i = 0; i < count; i++) {
            float v = in[inOff + i];
            int j = 0;
            for (int b = 0; b < pieces - 1; b++) {
                float at = cuts[cutOff + b];
                if (v > at || v == at && tieAbove[b]) {
                    j = b + 1;
                }
            }
            float slope = slopes[pieceOff + j];
            float y = slope == 0f ? 0f : slope * v;
            float constant = constants == null ? 0f : constants[pieceOff + j];
            out[outOff + i] = constant != 0f ? y + constant : y;
        }
    }

    @Override
    public int nonZeros(float[] x, int rows, int rowLength, int count) {
        return nonZeros(x, rows, rowLength, 0, count);
    }

    /** {@link #nonZeros(float[], int, int, int)} of the positions {@code [from, to)}. */
    int nonZeros(float[] x, int rows, int rowLength, int from, int to) {
        int nonZero = 0;
        for (int i = from; i < to; i++) {
            int any = 0;
            for (int r = 0; r < rows; r++) {
                any |= x[r * rowLength + i] != 0f ? 1 : 0;
            }
            nonZero += any;
        }
        return nonZero;
    }

    @Override
    public double sum(float[] x, int off, int count, double[] absolute) {
        double[] sums = new double[PARTIALS];
        double[] magnitudes = new double[PARTIALS];
        addPartials(x, off, 0, count, sums, magnitudes);
        return combine(sums, magnitudes, absolute);
    }

    @Override
    public double dot(float[] g, int gOff, float[] c, int cOff, int count, double[] absolute) {
        double[] sums = new double[PARTIALS];
        double[] magnitudes = new double[PARTIALS];
        addProducts(g, gOff, c, cOff, 0, count, sums, magnitudes);
        return combine(sums, magnitudes, absolute);
    }

    /** Adds products {@code from .. to-1} of {@link #dot} to their partial sums: product i to partial {@code i % 16}. */
    static void addProducts(float[] g, int gOff, float[] c, int cOff, int from, int to, double[] sums,
                            double[] magnitudes) {
        for (int i = from; i < to; i++) {
            double term = (double) g[gOff + i] * c[cOff + i];
            sums[i % PARTIALS] += term;
            magnitudes[i % PARTIALS] += Math.abs(term);
        }
    }

    /** The partial sums of {@link #sum}. */
    static final int PARTIALS = 16;

    /** Adds values {@code from .. to-1} of {@code x[off..]} to their partial sums: value i to partial {@code i % 16}. */
    static void addPartials(float[] x, int off, int from, int to, double[] sums, double[] magnitudes) {
        for (int i = from; i < to; i++) {
            float v = x[off + i];
            sums[i % PARTIALS] += v;
            magnitudes[i % PARTIALS] += Math.abs(v);
        }
    }

    /** Adds the partial sums in order: the sum, returned, and the absolute sum, added to {@code absolute[0]}. */
    static double combine(double[] sums, double[] magnitudes, double[] absolute) {
        double sum = 0;
        double magnitude = 0;
        for (int j = 0; j < PARTIALS; j++) {
            sum += sums[j];
            magnitude += magnitudes[j];
        }
        absolute[0] += magnitude;
        return sum;
    }

    @Override
    public int columnArgMax(float[] max, float[] rest, int[] arg, int off, int stride, int taps, int count, int[] winner,
                            int winnerOff, float[] margin) {
        int ties = 0;
        float smallest = margin[0];
        for (int x = 0; x < count; x++) {
            float best = max[off + x];
            float runnerUp = rest[off + x];
            int at = arg[off + x];
            for (int t = 1; t < taps; t++) {
                int k = off + t * stride + x;
                float v = max[k];
                boolean better = v > best;
                float loser = better ? best : v;
                float other = better ? rest[k] : runnerUp;
                runnerUp = loser > other ? loser : other;
                at = better ? arg[k] : at;
                best = better ? v : best;
            }
            winner[winnerOff + x] = at;
            if (runnerUp == best) {
                ties++;
            } else if (runnerUp != Float.NEGATIVE_INFINITY) {
                float lead = best - runnerUp;
                smallest = lead > 0f && lead < smallest ? lead : smallest;
            }
        }
        margin[0] = smallest;
        return ties;
    }

    @Override
    public void windowArgMax(float[] in, int inOff, int count, int taps, int argBase, float[] max, int[] arg, float[] rest,
                             int outOff) {
        for (int i = 0; i < count; i++) {
            float best = in[inOff + i];
            int at = argBase + i;
            float runnerUp = Float.NEGATIVE_INFINITY;
            for (int t = 1; t < taps; t++) {
                float v = in[inOff + i + t];
                boolean better = v > best;
                float loser = better ? best : v;
                runnerUp = loser > runnerUp ? loser : runnerUp;
                at = better ? argBase + i + t : at;
                best = better ? v : best;
            }
            max[outOff + i] = best;
            arg[outOff + i] = at;
            rest[outOff + i] = runnerUp;
        }
    }
}
