package io.etalon.kernel;

import static io.etalon.kernel.VectorKernels.L;
import static io.etalon.kernel.VectorKernels.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * {@link Kernels#correlateSegments} on the Vector API: the outputs in the lanes of two vectors, each position's signal
 * value broadcast, so that a plane of 7x7 or 14x14 positions computes no columns past its rows and no lanes past its
 * end, where {@link VectorCorrelation} (positions in the lanes) computed 64 positions for a 7x7 plane's 49. Two
 * segments of seven positions are 28 accumulators, two weight vectors and a broadcast value: 31 of the 32 registers;
 * each weight vector feeds 14 multiply-adds, each broadcast value two. A segment's positions lie side by side, so
 * its seven values are read at fixed distances from one index. Each output is still summed from 0 in order of t.
 */
final class VectorSegments {

    private VectorSegments() {
    }

    static void correlateSegments(int outputs, int taps, float[] w, int wOff, int[] offsets, float[] x, int[] segments,
                                  int count, float[] y, int yOff, int width) {
        int group = 2 * L;
        float[] tile = new float[2 * Kernels.SEGMENT * group];
        for (int g = 0; g < outputs; g += group) {
            int w0 = wOff + g * taps;
            int lanes = Math.min(group, outputs - g);
            int at = yOff + g * width;
            int s = 0;
            for (; s + 2 <= count; s += 2) {
                segments2x14(taps, w, w0, offsets, x, segments[s], segments[s + 1], tile);
                untile(tile, 0, lanes, segments[s], y, at, width);
                untile(tile, Kernels.SEGMENT * group, lanes, segments[s + 1], y, at, width);
            }
            if (s < count) {
                segments2x7(taps, w, w0, offsets, x, segments[s], tile);
                untile(tile, 0, lanes, segments[s], y, at, width);
            }
        }
    }

    /**
     * Output c of the tile's group at position k of a segment, {@code tile[from + k*2L + c]}, to
     * {@code y[at + c*width + segment + k]}, for the first {@code lanes} outputs of the group.
     */
    private static void untile(float[] tile, int from, int lanes, int segment, float[] y, int at, int width) {
        for (int c = 0; c < lanes; c++) {
            int row = at + c * width + segment;
            for (int k = 0; k < Kernels.SEGMENT; k++) {
                y[row + k] = tile[from + k * 2 * L + c];
            }
        }
    }

    /** Two vectors of outputs at the 14 positions of the segments from {@code first} and {@code second}: the tile. */
    private static void segments2x14(int taps, float[] w, int w0, int[] offsets, float[] x, int first, int second,
                                     float[] tile) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z;
        FloatVector a7 = z, a8 = z, a9 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z, b6 = z;
        FloatVector b7 = z, b8 = z, b9 = z, b10 = z, b11 = z, b12 = z, b13 = z;
        for (int t = 0, wt = w0; t < taps; t++, wt += 2 * L) {
            FloatVector u = FloatVector.fromArray(SPECIES, w, wt);
            FloatVector v = FloatVector.fromArray(SPECIES, w, wt + L);
            int p = offsets[t] + first;
            int q = offsets[t] + second;
            FloatVector x0 = FloatVector.broadcast(SPECIES, x[p + 0]);
            a0 = u.fma(x0, a0);
            b0 = v.fma(x0, b0);
            FloatVector x1 = FloatVector.broadcast(SPECIES, x[p + 1]);
            a1 = u.fma(x1, a1);
            b1 = v.fma(x1, b1);
            FloatVector x2 = FloatVector.broadcast(SPECIES, x[p + 2]);
            a2 = u.fma(x2, a2);
            b2 = v.fma(x2, b2);
            FloatVector x3 = FloatVector.broadcast(SPECIES, x[p + 3]);
            a3 = u.fma(x3, a3);
            b3 = v.fma(x3, b3);
            FloatVector x4 = FloatVector.broadcast(SPECIES, x[p + 4]);
            a4 = u.fma(x4, a4);
            b4 = v.fma(x4, b4);
            FloatVector x5 = FloatVector.broadcast(SPECIES, x[p + 5]);
            a5 = u.fma(x5, a5);
            b5 = v.fma(x5, b5);
            FloatVector x6 = FloatVector.broadcast(SPECIES, x[p + 6]);
            a6 = u.fma(x6, a6);
            b6 = v.fma(x6, b6);
            FloatVector x7 = FloatVector.broadcast(SPECIES, x[q + 0]);
            a7 = u.fma(x7, a7);
            b7 = v.fma(x7, b7);
            FloatVector x8 = FloatVector.broadcast(SPECIES, x[q + 1]);
            a8 = u.fma(x8, a8);
            b8 = v.fma(x8, b8);
            FloatVector x9 = FloatVector.broadcast(SPECIES, x[q + 2]);
            a9 = u.fma(x9, a9);
            b9 = v.fma(x9, b9);
            FloatVector x10 = FloatVector.broadcast(SPECIES, x[q + 3]);
            a10 = u.fma(x10, a10);
            b10 = v.fma(x10, b10);
            FloatVector x11 = FloatVector.broadcast(SPECIES, x[q + 4]);
            a11 = u.fma(x11, a11);
            b11 = v.fma(x11, b11);
            FloatVector x12 = FloatVector.broadcast(SPECIES, x[q + 5]);
            a12 = u.fma(x12, a12);
            b12 = v.fma(x12, b12);
            FloatVector x13 = FloatVector.broadcast(SPECIES, x[q + 6]);
            a13 = u.fma(x13, a13);
            b13 = v.fma(x13, b13);
        }
        a0.intoArray(tile, 0 * 2 * L);
        b0.intoArray(tile, 0 * 2 * L + L);
        a1.intoArray(tile, 1 * 2 * L);
        b1.intoArray(tile, 1 * 2 * L + L);
        a2.intoArray(tile, 2 * 2 * L);
        b2.intoArray(tile, 2 * 2 * L + L);
        a3.intoArray(tile, 3 * 2 * L);
        b3.intoArray(tile, 3 * 2 * L + L);
        a4.intoArray(tile, 4 * 2 * L);
        b4.intoArray(tile, 4 * 2 * L + L);
        a5.intoArray(tile, 5 * 2 * L);
        b5.intoArray(tile, 5 * 2 * L + L);
        a6.intoArray(tile, 6 * 2 * L);
        b6.intoArray(tile, 6 * 2 * L + L);
        a7.intoArray(tile, 7 * 2 * L);
        b7.intoArray(tile, 7 * 2 * L + L);
        a8.intoArray(tile, 8 * 2 * L);
        b8.intoArray(tile, 8 * 2 * L + L);
        a9.intoArray(tile, 9 * 2 * L);
        b9.intoArray(tile, 9 * 2 * L + L);
        a10.intoArray(tile, 10 * 2 * L);
        b10.intoArray(tile, 10 * 2 * L + L);
        a11.intoArray(tile, 11 * 2 * L);
        b11.intoArray(tile, 11 * 2 * L + L);
        a12.intoArray(tile, 12 * 2 * L);
        b12.intoArray(tile, 12 * 2 * L + L);
        a13.intoArray(tile, 13 * 2 * L);
        b13.intoArray(tile, 13 * 2 * L + L);
    }

    /** Two vectors of outputs at the 7 positions of the segment from {@code first}, into the tile. */
    private static void segments2x7(int taps, float[] w, int w0, int[] offsets, float[] x, int first, float[] tile) {
        FloatVector z = FloatVector.zero(SPECIES);
        FloatVector a0 = z, a1 = z, a2 = z, a3 = z, a4 = z, a5 = z, a6 = z;
        FloatVector b0 = z, b1 = z, b2 = z, b3 = z, b4 = z, b5 = z, b6 = z;
        for (int t = 0, wt = w0; t < taps; t++, wt += 2 * L) {
            FloatVector u = FloatVector.fromArray(SPECIES, w, wt);
            FloatVector v = FloatVector.fromArray(SPECIES, w, wt + L);
            int p = offsets[t] + first;
            FloatVector x0 = FloatVector.broadcast(SPECIES, x[p + 0]);
            a0 = u.fma(x0, a0);
            b0 = v.fma(x0, b0);
            FloatVector x1 = FloatVector.broadcast(SPECIES, x[p + 1]);
            a1 = u.fma(x1, a1);
            b1 = v.fma(x1, b1);
            FloatVector x2 = FloatVector.broadcast(SPECIES, x[p + 2]);
            a2 = u.fma(x2, a2);
            b2 = v.fma(x2, b2);
            FloatVector x3 = FloatVector.broadcast(SPECIES, x[p + 3]);
            a3 = u.fma(x3, a3);
            b3 = v.fma(x3, b3);
            FloatVector x4 = FloatVector.broadcast(SPECIES, x[p + 4]);
            a4 = u.fma(x4, a4);
            b4 = v.fma(x4, b4);
            FloatVector x5 = FloatVector.broadcast(SPECIES, x[p + 5]);
            a5 = u.fma(x5, a5);
            b5 = v.fma(x5, b5);
            FloatVector x6 = FloatVector.broadcast(SPECIES, x[p + 6]);
            a6 = u.fma(x6, a6);
            b6 = v.fma(x6, b6);
        }
        a0.intoArray(tile, 0 * 2 * L);
        b0.intoArray(tile, 0 * 2 * L + L);
        a1.intoArray(tile, 1 * 2 * L);
        b1.intoArray(tile, 1 * 2 * L + L);
        a2.intoArray(tile, 2 * 2 * L);
        b2.intoArray(tile, 2 * 2 * L + L);
        a3.intoArray(tile, 3 * 2 * L);
        b3.intoArray(tile, 3 * 2 * L + L);
        a4.intoArray(tile, 4 * 2 * L);
        b4.intoArray(tile, 4 * 2 * L + L);
        a5.intoArray(tile, 5 * 2 * L);
        b5.intoArray(tile, 5 * 2 * L + L);
        a6.intoArray(tile, 6 * 2 * L);
        b6.intoArray(tile, 6 * 2 * L + L);
    }
}
