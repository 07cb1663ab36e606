package io.etalon.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Kernels} on the Vector API. The product keeps a 4-row by 2-vector block of C in registers while it runs over
 * k, so each load of B feeds eight fused multiply-adds instead of one load and one store per multiply-add in an axpy
 * loop. The loops have no branch on the data: a branch inside them keeps C2 from holding the vectors in registers
 * (measured: 59 against 3.7 GFMA/s), so sparsity is the caller's business ({@link Kernels#nonZeroColumns}). Columns that do not fill a vector are finished by the scalar code, in the same order.
 */
final class VectorKernels implements Kernels {

    public static final VectorKernels INSTANCE = new VectorKernels();

    private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    private static final int L = SPECIES.length();

    private VectorKernels() {
    }

    @Override
    public String name() {
        return "vector (" + L + " lanes)";
    }

    @Override
    public int lanes() {
        return L;
    }

    @Override
    public void gemm(int m, int n, int[] ks, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        int vectorColumns = n - n % L;
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = 0;
            for (; j + 2 * L <= vectorColumns; j += 2 * L) {
                block4x2(ks, k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; j < vectorColumns; j += L) {
                block4x1(ks, k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
        }
        if (i + 2 <= m) {
            for (int j = 0; j < vectorColumns; j += L) {
                block2x1(ks, k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            i += 2;
        }
        for (; i < m; i++) {
            for (int j = 0; j < vectorColumns; j += L) {
                block1x1(ks, k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
        }
        if (vectorColumns < n) {
            ScalarKernels.INSTANCE.gemm(m, n - vectorColumns, ks, k, a, aOff, lda, b, bOff + vectorColumns, ldb, c,
                    cOff + vectorColumns, ldc);
        }
    }

    private static void block4x2(int[] ks, int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + L);
        for (int t = 0; t < k; t++) {
            int p = ks[t];
            float x0 = a[a0 + p];
            float x1 = a[a0 + lda + p];
            float x2 = a[a0 + 2 * lda + p];
            float x3 = a[a0 + 3 * lda + p];
            FloatVector v0 = FloatVector.fromArray(SPECIES, b, b0 + p * ldb);
            FloatVector v1 = FloatVector.fromArray(SPECIES, b, b0 + p * ldb + L);
            FloatVector s0 = FloatVector.broadcast(SPECIES, x0);
            FloatVector s1 = FloatVector.broadcast(SPECIES, x1);
            FloatVector s2 = FloatVector.broadcast(SPECIES, x2);
            FloatVector s3 = FloatVector.broadcast(SPECIES, x3);
            c00 = s0.fma(v0, c00);
            c01 = s0.fma(v1, c01);
            c10 = s1.fma(v0, c10);
            c11 = s1.fma(v1, c11);
            c20 = s2.fma(v0, c20);
            c21 = s2.fma(v1, c21);
            c30 = s3.fma(v0, c30);
            c31 = s3.fma(v1, c31);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
    }

    private static void block4x1(int[] ks, int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0, int ldc) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        for (int t = 0; t < k; t++) {
            int p = ks[t];
            float x0 = a[a0 + p];
            float x1 = a[a0 + lda + p];
            float x2 = a[a0 + 2 * lda + p];
            float x3 = a[a0 + 3 * lda + p];
            FloatVector v0 = FloatVector.fromArray(SPECIES, b, b0 + p * ldb);
            c00 = FloatVector.broadcast(SPECIES, x0).fma(v0, c00);
            c10 = FloatVector.broadcast(SPECIES, x1).fma(v0, c10);
            c20 = FloatVector.broadcast(SPECIES, x2).fma(v0, c20);
            c30 = FloatVector.broadcast(SPECIES, x3).fma(v0, c30);
        }
        c00.intoArray(c, c0);
        c10.intoArray(c, c0 + ldc);
        c20.intoArray(c, c0 + 2 * ldc);
        c30.intoArray(c, c0 + 3 * ldc);
    }

    private static void block2x1(int[] ks, int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c, int c0,
                                 int ldc) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        for (int t = 0; t < k; t++) {
            int p = ks[t];
            FloatVector v0 = FloatVector.fromArray(SPECIES, b, b0 + p * ldb);
            c00 = FloatVector.broadcast(SPECIES, a[a0 + p]).fma(v0, c00);
            c10 = FloatVector.broadcast(SPECIES, a[a0 + lda + p]).fma(v0, c10);
        }
        c00.intoArray(c, c0);
        c10.intoArray(c, c0 + ldc);
    }

    private static void block1x1(int[] ks, int k, float[] a, int a0, float[] b, int b0, int ldb, float[] c, int c0) {
        FloatVector acc = FloatVector.fromArray(SPECIES, c, c0);
        for (int t = 0; t < k; t++) {
            int p = ks[t];
            float x = a[a0 + p];
            acc = FloatVector.broadcast(SPECIES, x).fma(FloatVector.fromArray(SPECIES, b, b0 + p * ldb), acc);
        }
        acc.intoArray(c, c0);
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
    public void correlate(int outputs, int taps, float[] w, int[] offsets, float[] x, float[] y, int width) {
        if (width % L != 0) {
            throw new IllegalArgumentException("correlate needs a width that is a multiple of " + L + ", got " + width);
        }
        for (int p = 0; p < width; p += L) {
            for (int o = 0; o < outputs; o++) {
                FloatVector acc = FloatVector.zero(SPECIES);
                for (int t = 0; t < taps; t++) {
                    acc = FloatVector.broadcast(SPECIES, w[o * taps + t]).fma(FloatVector.fromArray(SPECIES, x, p + offsets[t]), acc);
                }
                acc.intoArray(y, o * width + p);
            }
        }
    }
}
