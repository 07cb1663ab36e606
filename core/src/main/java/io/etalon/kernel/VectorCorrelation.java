package io.etalon.kernel;

import static io.etalon.kernel.VectorKernels.L;
import static io.etalon.kernel.VectorKernels.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * {@link Kernels#correlate} on the Vector API ({@link VectorKernels}): each output's taps summed from 0 in order, by
 * register blocks of outputs and vectors of positions.
 */
final class VectorCorrelation {

    private VectorCorrelation() {
    }

    /**
     * Keeps four outputs by six vectors of positions in registers while it runs over the taps (24 accumulators, six
     * signal vectors and a broadcast weight: 31 of the 32 registers): each weight feeds six fused multiply-adds and
     * each signal vector four, and the chains of different outputs overlap instead of waiting on one another. The
     * positions left over after the blocks of six go as one block of five, four, three, two or one vector, and a lone
     * vector after a block of six goes with it as four and three: a block of one vector feeds each broadcast weight to
     * one multiply-add only, and it took 6% of SqueezeNet's time, whose 13x13 and 27x27 planes were 11, 13 and 49
     * vectors (the 3x3 layers' 12 and 48 since their rows share their padding). A block's four weights of a tap lie
     * side by side ({@link Kernels#inFours}); the outputs left over, whose rows that layout leaves as they are, go by
     * two and one. Each output is still summed from 0 in order of t.
     * Measured in one JVM on one thread: four by six against four by four, ResNet-18's inference 1.12x, SqueezeNet's
     * 1.03x; the blocks of five and three and the split of seven, 1.07x and 1.065x.
     */
    static void correlate(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y, int yOff,
                          int positions, int width) {
        correlate(outputs, taps, w, wOff, offsets, x, y, yOff, positions, width, false);
    }

    /**
     * {@link #correlate(int, int, float[], int, int[], float[], float[], int, int, int)}, with {@code eights} the outputs
     * in blocks of eight first ({@link #correlateEights}), each over all the positions.
     */
    static void correlate(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y, int yOff,
                          int positions, int width, boolean eights) {
        if (positions % L != 0) {
            throw new IllegalArgumentException("correlate needs positions that are a multiple of " + L + ", got "
                    + positions);
        }
        int vectors = positions / L;
        int octets = eights ? outputs / 8 * 8 : 0;
        for (int o = 0; o < octets; o += 8) {
            correlateEights(taps, w, wOff + o * taps, offsets, x, y, yOff + o * width, vectors, width);
        }
        if (octets == outputs) {
            return;
        }
        outputs -= octets;
        wOff += octets * taps;
        yOff += octets * width;
        if (outputs == 1) {
            correlateOne(taps, w, wOff, offsets, x, y, yOff, vectors);
            return;
        }
        int sixes = vectors / 6;
        int rest = vectors % 6;
        if (rest == 1 && sixes > 0) {
            sixes--; // seven vectors as four and three, not six and a lone one
            rest = 7;
        }
        int p = 0;
        for (int block = 0; block < sixes; block++, p += 6 * L) {
            int o = 0;
            for (; o + 4 <= outputs; o += 4) {
                correlate4x6(taps, w, wOff + o * taps, offsets, x, p, y, yOff + o * width + p, width);
            }
            correlateFew(o, outputs, taps, w, wOff, offsets, x, p, 6, y, yOff, width);
        }
        if (rest == 7) {
            correlateRest(outputs, taps, w, wOff, offsets, x, p, 4, y, yOff, width);
            p += 4 * L;
            rest = 3;
        }
        if (rest > 0) {
            correlateRest(outputs, taps, w, wOff, offsets, x, p, rest, y, yOff, width);
        }
    }

    /**
     * Eight outputs, two blocks of four side by side in the weights' layout ({@link Kernels#inFours}), by three vectors
     * of positions: 24 accumulators, three signal vectors and a broadcast weight, as in the blocks of four by six, but
     * each signal vector loaded feeds eight multiply-adds instead of four. The positions go by blocks of three, the last
     * one or two vectors as a block of two or one; each output is still summed from 0 in order of t. For 1x1 layers
     * ({@link Kernels#correlatePointwise}), whose signal rows come from L2: SqueezeNet's classifier 1.28x to 1.35x, its
     * whole inference 1.02x to 1.04x, alternating call by call on two threads.
     */
    private static void correlateEights(int taps, float[] w, int w0, int[] offsets, float[] x, float[] y, int y0,
                                        int vectors, int width) {
        int v = 0;
        for (; v + 3 <= vectors; v += 3) {
            correlate8x3(taps, w, w0, offsets, x, v * L, y, y0 + v * L, width);
        }
        if (vectors - v == 2) {
            correlate8x2(taps, w, w0, offsets, x, v * L, y, y0 + v * L, width);
        } else if (vectors - v == 1) {
            correlate8x1(taps, w, w0, offsets, x, v * L, y, y0 + v * L, width);
        }
    }

    private static void correlate8x3(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        int w1 = w0 + 4 * taps; // the next block of four's weights
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a02 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a12 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a22 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        FloatVector a32 = FloatVector.zero(SPECIES);
        FloatVector a40 = FloatVector.zero(SPECIES);
        FloatVector a41 = FloatVector.zero(SPECIES);
        FloatVector a42 = FloatVector.zero(SPECIES);
        FloatVector a50 = FloatVector.zero(SPECIES);
        FloatVector a51 = FloatVector.zero(SPECIES);
        FloatVector a52 = FloatVector.zero(SPECIES);
        FloatVector a60 = FloatVector.zero(SPECIES);
        FloatVector a61 = FloatVector.zero(SPECIES);
        FloatVector a62 = FloatVector.zero(SPECIES);
        FloatVector a70 = FloatVector.zero(SPECIES);
        FloatVector a71 = FloatVector.zero(SPECIES);
        FloatVector a72 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, at + 1 * L);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, at + 2 * L);
            FloatVector s0 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]);
            a00 = s0.fma(v0, a00);
            a01 = s0.fma(v1, a01);
            a02 = s0.fma(v2, a02);
            FloatVector s1 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]);
            a10 = s1.fma(v0, a10);
            a11 = s1.fma(v1, a11);
            a12 = s1.fma(v2, a12);
            FloatVector s2 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]);
            a20 = s2.fma(v0, a20);
            a21 = s2.fma(v1, a21);
            a22 = s2.fma(v2, a22);
            FloatVector s3 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]);
            a30 = s3.fma(v0, a30);
            a31 = s3.fma(v1, a31);
            a32 = s3.fma(v2, a32);
            FloatVector s4 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t]);
            a40 = s4.fma(v0, a40);
            a41 = s4.fma(v1, a41);
            a42 = s4.fma(v2, a42);
            FloatVector s5 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 1]);
            a50 = s5.fma(v0, a50);
            a51 = s5.fma(v1, a51);
            a52 = s5.fma(v2, a52);
            FloatVector s6 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 2]);
            a60 = s6.fma(v0, a60);
            a61 = s6.fma(v1, a61);
            a62 = s6.fma(v2, a62);
            FloatVector s7 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 3]);
            a70 = s7.fma(v0, a70);
            a71 = s7.fma(v1, a71);
            a72 = s7.fma(v2, a72);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + 1 * L);
        a02.intoArray(y, y0 + 2 * L);
        a10.intoArray(y, y0 + 1 * width);
        a11.intoArray(y, y0 + 1 * width + 1 * L);
        a12.intoArray(y, y0 + 1 * width + 2 * L);
        a20.intoArray(y, y0 + 2 * width);
        a21.intoArray(y, y0 + 2 * width + 1 * L);
        a22.intoArray(y, y0 + 2 * width + 2 * L);
        a30.intoArray(y, y0 + 3 * width);
        a31.intoArray(y, y0 + 3 * width + 1 * L);
        a32.intoArray(y, y0 + 3 * width + 2 * L);
        a40.intoArray(y, y0 + 4 * width);
        a41.intoArray(y, y0 + 4 * width + 1 * L);
        a42.intoArray(y, y0 + 4 * width + 2 * L);
        a50.intoArray(y, y0 + 5 * width);
        a51.intoArray(y, y0 + 5 * width + 1 * L);
        a52.intoArray(y, y0 + 5 * width + 2 * L);
        a60.intoArray(y, y0 + 6 * width);
        a61.intoArray(y, y0 + 6 * width + 1 * L);
        a62.intoArray(y, y0 + 6 * width + 2 * L);
        a70.intoArray(y, y0 + 7 * width);
        a71.intoArray(y, y0 + 7 * width + 1 * L);
        a72.intoArray(y, y0 + 7 * width + 2 * L);
    }

    private static void correlate8x2(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        int w1 = w0 + 4 * taps; // the next block of four's weights
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        FloatVector a40 = FloatVector.zero(SPECIES);
        FloatVector a41 = FloatVector.zero(SPECIES);
        FloatVector a50 = FloatVector.zero(SPECIES);
        FloatVector a51 = FloatVector.zero(SPECIES);
        FloatVector a60 = FloatVector.zero(SPECIES);
        FloatVector a61 = FloatVector.zero(SPECIES);
        FloatVector a70 = FloatVector.zero(SPECIES);
        FloatVector a71 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, at + 1 * L);
            FloatVector s0 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]);
            a00 = s0.fma(v0, a00);
            a01 = s0.fma(v1, a01);
            FloatVector s1 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]);
            a10 = s1.fma(v0, a10);
            a11 = s1.fma(v1, a11);
            FloatVector s2 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]);
            a20 = s2.fma(v0, a20);
            a21 = s2.fma(v1, a21);
            FloatVector s3 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]);
            a30 = s3.fma(v0, a30);
            a31 = s3.fma(v1, a31);
            FloatVector s4 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t]);
            a40 = s4.fma(v0, a40);
            a41 = s4.fma(v1, a41);
            FloatVector s5 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 1]);
            a50 = s5.fma(v0, a50);
            a51 = s5.fma(v1, a51);
            FloatVector s6 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 2]);
            a60 = s6.fma(v0, a60);
            a61 = s6.fma(v1, a61);
            FloatVector s7 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 3]);
            a70 = s7.fma(v0, a70);
            a71 = s7.fma(v1, a71);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + 1 * L);
        a10.intoArray(y, y0 + 1 * width);
        a11.intoArray(y, y0 + 1 * width + 1 * L);
        a20.intoArray(y, y0 + 2 * width);
        a21.intoArray(y, y0 + 2 * width + 1 * L);
        a30.intoArray(y, y0 + 3 * width);
        a31.intoArray(y, y0 + 3 * width + 1 * L);
        a40.intoArray(y, y0 + 4 * width);
        a41.intoArray(y, y0 + 4 * width + 1 * L);
        a50.intoArray(y, y0 + 5 * width);
        a51.intoArray(y, y0 + 5 * width + 1 * L);
        a60.intoArray(y, y0 + 6 * width);
        a61.intoArray(y, y0 + 6 * width + 1 * L);
        a70.intoArray(y, y0 + 7 * width);
        a71.intoArray(y, y0 + 7 * width + 1 * L);
    }

    private static void correlate8x1(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        int w1 = w0 + 4 * taps; // the next block of four's weights
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a40 = FloatVector.zero(SPECIES);
        FloatVector a50 = FloatVector.zero(SPECIES);
        FloatVector a60 = FloatVector.zero(SPECIES);
        FloatVector a70 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector s0 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]);
            a00 = s0.fma(v0, a00);
            FloatVector s1 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]);
            a10 = s1.fma(v0, a10);
            FloatVector s2 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]);
            a20 = s2.fma(v0, a20);
            FloatVector s3 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]);
            a30 = s3.fma(v0, a30);
            FloatVector s4 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t]);
            a40 = s4.fma(v0, a40);
            FloatVector s5 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 1]);
            a50 = s5.fma(v0, a50);
            FloatVector s6 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 2]);
            a60 = s6.fma(v0, a60);
            FloatVector s7 = FloatVector.broadcast(SPECIES, w[w1 + 4 * t + 3]);
            a70 = s7.fma(v0, a70);
        }
        a00.intoArray(y, y0);
        a10.intoArray(y, y0 + 1 * width);
        a20.intoArray(y, y0 + 2 * width);
        a30.intoArray(y, y0 + 3 * width);
        a40.intoArray(y, y0 + 4 * width);
        a50.intoArray(y, y0 + 5 * width);
        a60.intoArray(y, y0 + 6 * width);
        a70.intoArray(y, y0 + 7 * width);
    }

    /**
     * One output (a depthwise convolution's channel, or the adjoint of a one-channel input's): blocks of eight vectors
     * of positions, eight independent chains of multiply-adds, where the blocks of two that several outputs share
     * would wait on two chains (each tap's sum on the one before). The last block overlaps the one before it and writes
     * the same floats again; fewer than eight vectors go by four, two and one. A 3x3 filter over a padded 112x112
     * plane, one thread, alternating processes: 13.2 to 13.8 us by blocks of two, 7.1 to 7.4 by these; 28x28 (in L1)
     * 0.96 to 1.01 against 0.40 to 0.43. Each vector still takes a load per multiply-add, most across two cache lines.
     */
    private static void correlateOne(int taps, float[] w, int wOff, int[] offsets, float[] x, float[] y, int yOff,
                                     int vectors) {
        if (vectors >= 8) {
            for (int v = 0; ; v += 8) {
                int p = Math.min(v, vectors - 8) * L;
                correlate1x8(taps, w, wOff, offsets, x, p, y, yOff + p);
                if (v + 8 >= vectors) {
                    return;
                }
            }
        }
        int v = 0;
        if (vectors >= 4) {
            correlate1x4(taps, w, wOff, offsets, x, 0, y, yOff);
            v = 4;
        }
        for (; v + 2 <= vectors; v += 2) {
            correlate1x2(taps, w, wOff, offsets, x, v * L, y, yOff + v * L);
        }
        if (v < vectors) {
            correlate1x1(taps, w, wOff, offsets, x, v * L, y, yOff + v * L);
        }
    }

    private static void correlate1x8(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        FloatVector a4 = FloatVector.zero(SPECIES);
        FloatVector a5 = FloatVector.zero(SPECIES);
        FloatVector a6 = FloatVector.zero(SPECIES);
        FloatVector a7 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector s = FloatVector.broadcast(SPECIES, w[w0 + t]);
            a0 = s.fma(FloatVector.fromArray(SPECIES, x, at), a0);
            a1 = s.fma(FloatVector.fromArray(SPECIES, x, at + L), a1);
            a2 = s.fma(FloatVector.fromArray(SPECIES, x, at + 2 * L), a2);
            a3 = s.fma(FloatVector.fromArray(SPECIES, x, at + 3 * L), a3);
            a4 = s.fma(FloatVector.fromArray(SPECIES, x, at + 4 * L), a4);
            a5 = s.fma(FloatVector.fromArray(SPECIES, x, at + 5 * L), a5);
            a6 = s.fma(FloatVector.fromArray(SPECIES, x, at + 6 * L), a6);
            a7 = s.fma(FloatVector.fromArray(SPECIES, x, at + 7 * L), a7);
        }
        a0.intoArray(y, y0);
        a1.intoArray(y, y0 + L);
        a2.intoArray(y, y0 + 2 * L);
        a3.intoArray(y, y0 + 3 * L);
        a4.intoArray(y, y0 + 4 * L);
        a5.intoArray(y, y0 + 5 * L);
        a6.intoArray(y, y0 + 6 * L);
        a7.intoArray(y, y0 + 7 * L);
    }

    private static void correlate1x4(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector s = FloatVector.broadcast(SPECIES, w[w0 + t]);
            a0 = s.fma(FloatVector.fromArray(SPECIES, x, at), a0);
            a1 = s.fma(FloatVector.fromArray(SPECIES, x, at + L), a1);
            a2 = s.fma(FloatVector.fromArray(SPECIES, x, at + 2 * L), a2);
            a3 = s.fma(FloatVector.fromArray(SPECIES, x, at + 3 * L), a3);
        }
        a0.intoArray(y, y0);
        a1.intoArray(y, y0 + L);
        a2.intoArray(y, y0 + 2 * L);
        a3.intoArray(y, y0 + 3 * L);
    }

    /** The last block of {@code vectors} (one to five) vectors of positions from {@code p}, for every output. */
    private static void correlateRest(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, int p,
                                      int vectors, float[] y, int yOff, int width) {
        int o = 0;
        switch (vectors) {
            case 5 -> {
                for (; o + 4 <= outputs; o += 4) {
                    correlate4x5(taps, w, wOff + o * taps, offsets, x, p, y, yOff + o * width + p, width);
                }
            }
            case 4 -> {
                for (; o + 4 <= outputs; o += 4) {
                    correlate4x4(taps, w, wOff + o * taps, offsets, x, p, y, yOff + o * width + p, width);
                }
            }
            case 3 -> {
                for (; o + 4 <= outputs; o += 4) {
                    correlate4x3(taps, w, wOff + o * taps, offsets, x, p, y, yOff + o * width + p, width);
                }
            }
            case 2 -> {
                for (; o + 4 <= outputs; o += 4) {
                    correlate4x2(taps, w, wOff + o * taps, offsets, x, p, y, yOff + o * width + p, width);
                }
            }
            default -> {
                for (; o + 4 <= outputs; o += 4) {
                    correlate4x1(taps, w, wOff + o * taps, offsets, x, p, y, yOff + o * width + p, width);
                }
            }
        }
        correlateFew(o, outputs, taps, w, wOff, offsets, x, p, vectors, y, yOff, width);
    }

    /** Outputs {@code [from, outputs)}, fewer than the blocks take, over {@code vectors} vectors of positions from p. */
    private static void correlateFew(int from, int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x,
                                     int p, int vectors, float[] y, int yOff, int width) {
        int end = p + vectors * L;
        for (int q = p; q + 2 * L <= end; q += 2 * L) {
            int o = from;
            for (; o + 2 <= outputs; o += 2) {
                correlate2x2(taps, w, wOff + o * taps, offsets, x, q, y, yOff + o * width + q, width);
            }
            if (o < outputs) {
                correlate1x2(taps, w, wOff + o * taps, offsets, x, q, y, yOff + o * width + q);
            }
        }
        if (vectors % 2 == 1) {
            for (int o = from; o < outputs; o++) {
                correlate1x1(taps, w, wOff + o * taps, offsets, x, end - L, y, yOff + o * width + end - L);
            }
        }
    }

    private static void correlate4x6(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a02 = FloatVector.zero(SPECIES);
        FloatVector a03 = FloatVector.zero(SPECIES);
        FloatVector a04 = FloatVector.zero(SPECIES);
        FloatVector a05 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a12 = FloatVector.zero(SPECIES);
        FloatVector a13 = FloatVector.zero(SPECIES);
        FloatVector a14 = FloatVector.zero(SPECIES);
        FloatVector a15 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a22 = FloatVector.zero(SPECIES);
        FloatVector a23 = FloatVector.zero(SPECIES);
        FloatVector a24 = FloatVector.zero(SPECIES);
        FloatVector a25 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        FloatVector a32 = FloatVector.zero(SPECIES);
        FloatVector a33 = FloatVector.zero(SPECIES);
        FloatVector a34 = FloatVector.zero(SPECIES);
        FloatVector a35 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, at + 1 * L);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, at + 2 * L);
            FloatVector v3 = FloatVector.fromArray(SPECIES, x, at + 3 * L);
            FloatVector v4 = FloatVector.fromArray(SPECIES, x, at + 4 * L);
            FloatVector v5 = FloatVector.fromArray(SPECIES, x, at + 5 * L);
            FloatVector s0 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]);
            a00 = s0.fma(v0, a00);
            a01 = s0.fma(v1, a01);
            a02 = s0.fma(v2, a02);
            a03 = s0.fma(v3, a03);
            a04 = s0.fma(v4, a04);
            a05 = s0.fma(v5, a05);
            FloatVector s1 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]);
            a10 = s1.fma(v0, a10);
            a11 = s1.fma(v1, a11);
            a12 = s1.fma(v2, a12);
            a13 = s1.fma(v3, a13);
            a14 = s1.fma(v4, a14);
            a15 = s1.fma(v5, a15);
            FloatVector s2 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]);
            a20 = s2.fma(v0, a20);
            a21 = s2.fma(v1, a21);
            a22 = s2.fma(v2, a22);
            a23 = s2.fma(v3, a23);
            a24 = s2.fma(v4, a24);
            a25 = s2.fma(v5, a25);
            FloatVector s3 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]);
            a30 = s3.fma(v0, a30);
            a31 = s3.fma(v1, a31);
            a32 = s3.fma(v2, a32);
            a33 = s3.fma(v3, a33);
            a34 = s3.fma(v4, a34);
            a35 = s3.fma(v5, a35);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a02.intoArray(y, y0 + 2 * L);
        a03.intoArray(y, y0 + 3 * L);
        a04.intoArray(y, y0 + 4 * L);
        a05.intoArray(y, y0 + 5 * L);
        a10.intoArray(y, y0 + width);
        a11.intoArray(y, y0 + width + L);
        a12.intoArray(y, y0 + width + 2 * L);
        a13.intoArray(y, y0 + width + 3 * L);
        a14.intoArray(y, y0 + width + 4 * L);
        a15.intoArray(y, y0 + width + 5 * L);
        a20.intoArray(y, y0 + 2 * width);
        a21.intoArray(y, y0 + 2 * width + L);
        a22.intoArray(y, y0 + 2 * width + 2 * L);
        a23.intoArray(y, y0 + 2 * width + 3 * L);
        a24.intoArray(y, y0 + 2 * width + 4 * L);
        a25.intoArray(y, y0 + 2 * width + 5 * L);
        a30.intoArray(y, y0 + 3 * width);
        a31.intoArray(y, y0 + 3 * width + L);
        a32.intoArray(y, y0 + 3 * width + 2 * L);
        a33.intoArray(y, y0 + 3 * width + 3 * L);
        a34.intoArray(y, y0 + 3 * width + 4 * L);
        a35.intoArray(y, y0 + 3 * width + 5 * L);
    }

    private static void correlate4x5(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a02 = FloatVector.zero(SPECIES);
        FloatVector a03 = FloatVector.zero(SPECIES);
        FloatVector a04 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a12 = FloatVector.zero(SPECIES);
        FloatVector a13 = FloatVector.zero(SPECIES);
        FloatVector a14 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a22 = FloatVector.zero(SPECIES);
        FloatVector a23 = FloatVector.zero(SPECIES);
        FloatVector a24 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        FloatVector a32 = FloatVector.zero(SPECIES);
        FloatVector a33 = FloatVector.zero(SPECIES);
        FloatVector a34 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, at + L);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, at + 2 * L);
            FloatVector v3 = FloatVector.fromArray(SPECIES, x, at + 3 * L);
            FloatVector v4 = FloatVector.fromArray(SPECIES, x, at + 4 * L);
            FloatVector s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]);
            a00 = s.fma(v0, a00);
            a01 = s.fma(v1, a01);
            a02 = s.fma(v2, a02);
            a03 = s.fma(v3, a03);
            a04 = s.fma(v4, a04);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]);
            a10 = s.fma(v0, a10);
            a11 = s.fma(v1, a11);
            a12 = s.fma(v2, a12);
            a13 = s.fma(v3, a13);
            a14 = s.fma(v4, a14);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]);
            a20 = s.fma(v0, a20);
            a21 = s.fma(v1, a21);
            a22 = s.fma(v2, a22);
            a23 = s.fma(v3, a23);
            a24 = s.fma(v4, a24);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]);
            a30 = s.fma(v0, a30);
            a31 = s.fma(v1, a31);
            a32 = s.fma(v2, a32);
            a33 = s.fma(v3, a33);
            a34 = s.fma(v4, a34);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a02.intoArray(y, y0 + 2 * L);
        a03.intoArray(y, y0 + 3 * L);
        a04.intoArray(y, y0 + 4 * L);
        a10.intoArray(y, y0 + width);
        a11.intoArray(y, y0 + width + L);
        a12.intoArray(y, y0 + width + 2 * L);
        a13.intoArray(y, y0 + width + 3 * L);
        a14.intoArray(y, y0 + width + 4 * L);
        a20.intoArray(y, y0 + 2 * width);
        a21.intoArray(y, y0 + 2 * width + L);
        a22.intoArray(y, y0 + 2 * width + 2 * L);
        a23.intoArray(y, y0 + 2 * width + 3 * L);
        a24.intoArray(y, y0 + 2 * width + 4 * L);
        a30.intoArray(y, y0 + 3 * width);
        a31.intoArray(y, y0 + 3 * width + L);
        a32.intoArray(y, y0 + 3 * width + 2 * L);
        a33.intoArray(y, y0 + 3 * width + 3 * L);
        a34.intoArray(y, y0 + 3 * width + 4 * L);
    }

    private static void correlate4x3(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a02 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a12 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a22 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        FloatVector a32 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, at + L);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, at + 2 * L);
            FloatVector s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]);
            a00 = s.fma(v0, a00);
            a01 = s.fma(v1, a01);
            a02 = s.fma(v2, a02);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]);
            a10 = s.fma(v0, a10);
            a11 = s.fma(v1, a11);
            a12 = s.fma(v2, a12);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]);
            a20 = s.fma(v0, a20);
            a21 = s.fma(v1, a21);
            a22 = s.fma(v2, a22);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]);
            a30 = s.fma(v0, a30);
            a31 = s.fma(v1, a31);
            a32 = s.fma(v2, a32);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a02.intoArray(y, y0 + 2 * L);
        a10.intoArray(y, y0 + width);
        a11.intoArray(y, y0 + width + L);
        a12.intoArray(y, y0 + width + 2 * L);
        a20.intoArray(y, y0 + 2 * width);
        a21.intoArray(y, y0 + 2 * width + L);
        a22.intoArray(y, y0 + 2 * width + 2 * L);
        a30.intoArray(y, y0 + 3 * width);
        a31.intoArray(y, y0 + 3 * width + L);
        a32.intoArray(y, y0 + 3 * width + 2 * L);
    }

    private static void correlate4x4(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a02 = FloatVector.zero(SPECIES);
        FloatVector a03 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a12 = FloatVector.zero(SPECIES);
        FloatVector a13 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a22 = FloatVector.zero(SPECIES);
        FloatVector a23 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        FloatVector a32 = FloatVector.zero(SPECIES);
        FloatVector a33 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, at + L);
            FloatVector v2 = FloatVector.fromArray(SPECIES, x, at + 2 * L);
            FloatVector v3 = FloatVector.fromArray(SPECIES, x, at + 3 * L);
            FloatVector s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]);
            a00 = s.fma(v0, a00);
            a01 = s.fma(v1, a01);
            a02 = s.fma(v2, a02);
            a03 = s.fma(v3, a03);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]);
            a10 = s.fma(v0, a10);
            a11 = s.fma(v1, a11);
            a12 = s.fma(v2, a12);
            a13 = s.fma(v3, a13);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]);
            a20 = s.fma(v0, a20);
            a21 = s.fma(v1, a21);
            a22 = s.fma(v2, a22);
            a23 = s.fma(v3, a23);
            s = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]);
            a30 = s.fma(v0, a30);
            a31 = s.fma(v1, a31);
            a32 = s.fma(v2, a32);
            a33 = s.fma(v3, a33);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a02.intoArray(y, y0 + 2 * L);
        a03.intoArray(y, y0 + 3 * L);
        a10.intoArray(y, y0 + width);
        a11.intoArray(y, y0 + width + L);
        a12.intoArray(y, y0 + width + 2 * L);
        a13.intoArray(y, y0 + width + 3 * L);
        a20.intoArray(y, y0 + 2 * width);
        a21.intoArray(y, y0 + 2 * width + L);
        a22.intoArray(y, y0 + 2 * width + 2 * L);
        a23.intoArray(y, y0 + 2 * width + 3 * L);
        a30.intoArray(y, y0 + 3 * width);
        a31.intoArray(y, y0 + 3 * width + L);
        a32.intoArray(y, y0 + 3 * width + 2 * L);
        a33.intoArray(y, y0 + 3 * width + 3 * L);
    }

    private static void correlate4x2(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        FloatVector a20 = FloatVector.zero(SPECIES);
        FloatVector a21 = FloatVector.zero(SPECIES);
        FloatVector a30 = FloatVector.zero(SPECIES);
        FloatVector a31 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, at + L);
            FloatVector s0 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]);
            FloatVector s1 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]);
            FloatVector s2 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]);
            FloatVector s3 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]);
            a00 = s0.fma(v0, a00);
            a01 = s0.fma(v1, a01);
            a10 = s1.fma(v0, a10);
            a11 = s1.fma(v1, a11);
            a20 = s2.fma(v0, a20);
            a21 = s2.fma(v1, a21);
            a30 = s3.fma(v0, a30);
            a31 = s3.fma(v1, a31);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a10.intoArray(y, y0 + width);
        a11.intoArray(y, y0 + width + L);
        a20.intoArray(y, y0 + 2 * width);
        a21.intoArray(y, y0 + 2 * width + L);
        a30.intoArray(y, y0 + 3 * width);
        a31.intoArray(y, y0 + 3 * width + L);
    }

    private static void correlate4x1(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        FloatVector a2 = FloatVector.zero(SPECIES);
        FloatVector a3 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            FloatVector v = FloatVector.fromArray(SPECIES, x, p + offsets[t]);
            a0 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t]).fma(v, a0);
            a1 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 1]).fma(v, a1);
            a2 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 2]).fma(v, a2);
            a3 = FloatVector.broadcast(SPECIES, w[w0 + 4 * t + 3]).fma(v, a3);
        }
        a0.intoArray(y, y0);
        a1.intoArray(y, y0 + width);
        a2.intoArray(y, y0 + 2 * width);
        a3.intoArray(y, y0 + 3 * width);
    }

    private static void correlate2x2(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0,
                                     int width) {
        FloatVector a00 = FloatVector.zero(SPECIES);
        FloatVector a01 = FloatVector.zero(SPECIES);
        FloatVector a10 = FloatVector.zero(SPECIES);
        FloatVector a11 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, x, at);
            FloatVector v1 = FloatVector.fromArray(SPECIES, x, at + L);
            FloatVector s0 = FloatVector.broadcast(SPECIES, w[w0 + t]);
            FloatVector s1 = FloatVector.broadcast(SPECIES, w[w0 + taps + t]);
            a00 = s0.fma(v0, a00);
            a01 = s0.fma(v1, a01);
            a10 = s1.fma(v0, a10);
            a11 = s1.fma(v1, a11);
        }
        a00.intoArray(y, y0);
        a01.intoArray(y, y0 + L);
        a10.intoArray(y, y0 + width);
        a11.intoArray(y, y0 + width + L);
    }

    private static void correlate1x2(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0) {
        FloatVector a0 = FloatVector.zero(SPECIES);
        FloatVector a1 = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            int at = p + offsets[t];
            FloatVector s = FloatVector.broadcast(SPECIES, w[w0 + t]);
            a0 = s.fma(FloatVector.fromArray(SPECIES, x, at), a0);
            a1 = s.fma(FloatVector.fromArray(SPECIES, x, at + L), a1);
        }
        a0.intoArray(y, y0);
        a1.intoArray(y, y0 + L);
    }

    private static void correlate1x1(int taps, float[] w, int w0, int[] offsets, float[] x, int p, float[] y, int y0) {
        FloatVector acc = FloatVector.zero(SPECIES);
        for (int t = 0; t < taps; t++) {
            acc = FloatVector.broadcast(SPECIES, w[w0 + t]).fma(FloatVector.fromArray(SPECIES, x, p + offsets[t]), acc);
        }
        acc.intoArray(y, y0);
    }
}
