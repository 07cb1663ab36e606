package io.etalon.kernel;

import static io.etalon.kernel.VectorKernels.L;
import static io.etalon.kernel.VectorKernels.SPECIES;

import jdk.incubator.vector.FloatVector;

/**
 * {@link Kernels#gemm} on the Vector API ({@link VectorKernels}): blocks of four rows of C by up to four vectors of
 * columns kept in registers while they run over k, B packed into panels that stay in a core's L2 cache when it is
 * tall enough to pay for the copy. Each output gets its terms in the order of {@code ks}, each by a fused
 * multiply-add, whatever the block it falls in.
 */
final class VectorGemm {

    private VectorGemm() {
    }

    /** Columns of B one packed panel holds: four vectors, the width of {@link #block4x4}. */
    private static final int PANEL = 4 * L;
    /** Terms of one packed panel: 256 rows of 64 floats make 64 KB, which stays in a core's L2 cache. */
    private static final int DEPTH = 256;
    /**
     * Packing copies B once for all rows of A, so it pays when the rows are many: a convolution's products have 64 or
     * more (its channels or taps); LeNet's dense layers, run eight samples at a time, were 6% slower packed.
     */
    private static final int PACK_MIN_ROWS = 32;
    /** Each thread's packed panel, reused from call to call. */
    private static final ThreadLocal<float[]> PACKED = ThreadLocal.withInitial(() -> new float[DEPTH * PANEL]);

    /**
     * {@link #gemm} over the first {@code n} columns, a multiple of {@link #PANEL}, the way fast matrix products do it:
     * each panel of B (up to {@link #DEPTH} terms by {@link #PANEL} columns) is first copied into one contiguous block,
     * so that the register block reads it front to back (B's own rows are a whole row of B apart, a stride that
     * defeats the prefetcher and the TLB), and every block of four rows of A then runs over it. Splitting the terms
     * into panels keeps each output's sum in order: C holds the partial sum between panels.
     */
    private static void gemmPacked(int m, int n, int[] ks, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                   int ldb, float[] c, int cOff, int ldc) {
        float[] packed = PACKED.get();
        for (int j = 0; j < n; j += PANEL) {
            for (int first = 0; first < k; first += DEPTH) {
                int depth = Math.min(DEPTH, k - first);
                for (int t = 0; t < depth; t++) {
                    System.arraycopy(b, bOff + ks[first + t] * ldb + j, packed, t * PANEL, PANEL);
                }
                int i = 0;
                for (; i + 4 <= m; i += 4) {
                    block4x4(depth, ks, first, a, aOff + i * lda, lda, packed, c, cOff + i * ldc + j, ldc);
                }
                for (; i < m; i++) {
                    block1x4Packed(depth, ks, first, a, aOff + i * lda, packed, c, cOff + i * ldc + j);
                }
            }
        }
    }

    /** Four rows of C by {@link #PANEL} columns over one packed panel: sixteen sums in registers, each term in order. */
    private static void block4x4(int depth, int[] ks, int first, float[] a, int a0, int lda, float[] packed, float[] c,
                                 int c0, int ldc) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c02 = FloatVector.fromArray(SPECIES, c, c0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(SPECIES, c, c0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + L);
        FloatVector c12 = FloatVector.fromArray(SPECIES, c, c0 + ldc + 2 * L);
        FloatVector c13 = FloatVector.fromArray(SPECIES, c, c0 + ldc + 3 * L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + L);
        FloatVector c22 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + 2 * L);
        FloatVector c23 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + 3 * L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + L);
        FloatVector c32 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + 2 * L);
        FloatVector c33 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + 3 * L);
        for (int t = 0; t < depth; t++) {
            int p = ks[first + t];
            int row = t * PANEL;
            FloatVector v0 = FloatVector.fromArray(SPECIES, packed, row);
            FloatVector v1 = FloatVector.fromArray(SPECIES, packed, row + L);
            FloatVector v2 = FloatVector.fromArray(SPECIES, packed, row + 2 * L);
            FloatVector v3 = FloatVector.fromArray(SPECIES, packed, row + 3 * L);
            FloatVector s = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c00 = s.fma(v0, c00);
            c01 = s.fma(v1, c01);
            c02 = s.fma(v2, c02);
            c03 = s.fma(v3, c03);
            s = FloatVector.broadcast(SPECIES, a[a0 + lda + p]);
            c10 = s.fma(v0, c10);
            c11 = s.fma(v1, c11);
            c12 = s.fma(v2, c12);
            c13 = s.fma(v3, c13);
            s = FloatVector.broadcast(SPECIES, a[a0 + 2 * lda + p]);
            c20 = s.fma(v0, c20);
            c21 = s.fma(v1, c21);
            c22 = s.fma(v2, c22);
            c23 = s.fma(v3, c23);
            s = FloatVector.broadcast(SPECIES, a[a0 + 3 * lda + p]);
            c30 = s.fma(v0, c30);
            c31 = s.fma(v1, c31);
            c32 = s.fma(v2, c32);
            c33 = s.fma(v3, c33);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
        c12.intoArray(c, c0 + ldc + 2 * L);
        c13.intoArray(c, c0 + ldc + 3 * L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c22.intoArray(c, c0 + 2 * ldc + 2 * L);
        c23.intoArray(c, c0 + 2 * ldc + 3 * L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
        c32.intoArray(c, c0 + 3 * ldc + 2 * L);
        c33.intoArray(c, c0 + 3 * ldc + 3 * L);
    }

    /** One row of C by {@link #PANEL} columns over one packed panel. */
    private static void block1x4Packed(int depth, int[] ks, int first, float[] a, int a0, float[] packed, float[] c,
                                       int c0) {
        FloatVector c0v = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c1v = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c2v = FloatVector.fromArray(SPECIES, c, c0 + 2 * L);
        FloatVector c3v = FloatVector.fromArray(SPECIES, c, c0 + 3 * L);
        for (int t = 0; t < depth; t++) {
            FloatVector s = FloatVector.broadcast(SPECIES, a[a0 + ks[first + t]]);
            int row = t * PANEL;
            c0v = s.fma(FloatVector.fromArray(SPECIES, packed, row), c0v);
            c1v = s.fma(FloatVector.fromArray(SPECIES, packed, row + L), c1v);
            c2v = s.fma(FloatVector.fromArray(SPECIES, packed, row + 2 * L), c2v);
            c3v = s.fma(FloatVector.fromArray(SPECIES, packed, row + 3 * L), c3v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + L);
        c2v.intoArray(c, c0 + 2 * L);
        c3v.intoArray(c, c0 + 3 * L);
    }

    /** Floats of B one panel of columns may hold: it is re-read once per block of rows, so it should stay in L2. */
    private static final int PANEL_FLOATS = 1 << 16;

    /**
     * Runs over panels of columns of B small enough to stay in a core's L2 cache while every block of rows of A passes
     * over them, so that a wide B (a convolution's patch matrix) is read from memory once, not once per block of rows.
     * The order of each output's sum is unchanged.
     */
    static void gemm(int m, int n, int[] ks, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float[] c, int cOff, int ldc) {
        int packedColumns = m >= PACK_MIN_ROWS ? n - n % PANEL : 0;
        if (packedColumns > 0) {
            gemmPacked(m, packedColumns, ks, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            if (packedColumns == n) {
                return;
            }
            n -= packedColumns;
            bOff += packedColumns;
            cOff += packedColumns;
        }
        int vectorColumns = n - n % L;
        if (m < 4) {
            gemmRows(m, vectorColumns, ks, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            int panel = Math.max(2 * L, PANEL_FLOATS / Math.max(1, k) / (2 * L) * (2 * L));
            for (int first = 0; first < vectorColumns; first += panel) {
                gemmPanel(m, first, Math.min(vectorColumns, first + panel), ks, k, a, aOff, lda, b, bOff, ldb, c, cOff,
                        ldc);
            }
        }
        if (vectorColumns < n) {
            gemmTail(m, n - vectorColumns, ks, k, a, aOff, lda, b, bOff + vectorColumns, ldb, c, cOff + vectorColumns, ldc);
        }
    }

    /**
     * The last {@code width < L} columns of {@link #gemm}: copied into one zero-padded vector's width of B and C, run
     * through the same register blocks, and copied back. A convolution's planes (14x14 = 196, 7x7 = 49) leave such a
     * tail in every product, and the scalar loop over so few columns runs a dozen times slower per term than the
     * vectors; the padding lanes compute zeros that are dropped, and each kept output is summed exactly as before.
     */
    private static void gemmTail(int m, int width, int[] ks, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                 int ldb, float[] c, int cOff, int ldc) {
        int rowsOfB = 0;
        for (int t = 0; t < k; t++) {
            rowsOfB = Math.max(rowsOfB, ks[t] + 1);
        }
        float[] bTail = new float[rowsOfB * L];
        for (int t = 0; t < k; t++) {
            System.arraycopy(b, bOff + ks[t] * ldb, bTail, ks[t] * L, width);
        }
        float[] cTail = new float[m * L];
        for (int i = 0; i < m; i++) {
            System.arraycopy(c, cOff + i * ldc, cTail, i * L, width);
        }
        gemmPanel(m, 0, L, ks, k, a, aOff, lda, bTail, 0, L, cTail, 0, L);
        for (int i = 0; i < m; i++) {
            System.arraycopy(cTail, i * L, c, cOff + i * ldc, width);
        }
    }

    /** Terms per pass of {@link #gemmRows}: 16 rows of B. */
    private static final int ROW_PASS = 16;

    /**
     * {@link #gemm}'s first {@code n} columns (a multiple of the lane count) for fewer than four rows of A, a
     * matrix-vector product (a dense layer at batch 1, or its transpose for an etalon or two): B read front to back,
     * {@link #ROW_PASS} rows at a time, every block of four vectors of columns running over those rows, C holding the
     * partial sums between passes. Each block running over all of k by itself read B a whole row apart per term, a
     * stride the prefetcher does not follow: a classifier of 1,280 features to 1,000 ran at 3 GFLOP/s. Each output's
     * terms stay in order.
     */
    private static void gemmRows(int m, int n, int[] ks, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                 int ldb, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int first = 0; first < k; first += ROW_PASS) {
                int end = Math.min(k, first + ROW_PASS);
                int j = 0;
                for (; j + 4 * L <= n; j += 4 * L) {
                    block1x4(ks, first, end, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
                }
                for (; j < n; j += L) {
                    block1x1(ks, first, end, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
                }
            }
        }
    }

    /** The columns {@code [from, to)} of {@link #gemm}, both multiples of the lane count. */
    private static void gemmPanel(int m, int from, int to, int[] ks, int k, float[] a, int aOff, int lda, float[] b, int bOff,
                                  int ldb, float[] c, int cOff, int ldc) {
        int i = 0;
        for (; i + 4 <= m; i += 4) {
            int j = from;
            for (; j + 4 * L <= to; j += 4 * L) {
                block4x4Strided(ks, k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; j + 2 * L <= to; j += 2 * L) {
                block4x2(ks, k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            for (; j < to; j += L) {
                block4x1(ks, k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
        }
        if (i + 2 <= m) {
            for (int j = from; j < to; j += L) {
                block2x1(ks, k, a, aOff + i * lda, lda, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc);
            }
            i += 2;
        }
        for (; i < m; i++) {
            // one row left after the blocks of four and two: four independent sums hide the FMA latency
            int j = from;
            for (; j + 4 * L <= to; j += 4 * L) {
                block1x4(ks, 0, k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
            for (; j < to; j += L) {
                block1x1(ks, 0, k, a, aOff + i * lda, b, bOff + j, ldb, c, cOff + i * ldc + j);
            }
        }
    }

    /**
     * Four rows of C by four vectors of columns, B read where it lies (rows {@code ldb} apart): sixteen sums in
     * registers, each term in order, so that each broadcast of A feeds four multiply-adds, not the two of
     * {@link #block4x2}. The products of few rows that are not packed (a 1x1 layer's transpose onto 16 channels, a
     * stem's onto its 27 taps) run here.
     */
    private static void block4x4Strided(int[] ks, int k, float[] a, int a0, int lda, float[] b, int b0, int ldb, float[] c,
                                        int c0, int ldc) {
        FloatVector c00 = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c01 = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c02 = FloatVector.fromArray(SPECIES, c, c0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(SPECIES, c, c0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(SPECIES, c, c0 + ldc);
        FloatVector c11 = FloatVector.fromArray(SPECIES, c, c0 + ldc + L);
        FloatVector c12 = FloatVector.fromArray(SPECIES, c, c0 + ldc + 2 * L);
        FloatVector c13 = FloatVector.fromArray(SPECIES, c, c0 + ldc + 3 * L);
        FloatVector c20 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc);
        FloatVector c21 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + L);
        FloatVector c22 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + 2 * L);
        FloatVector c23 = FloatVector.fromArray(SPECIES, c, c0 + 2 * ldc + 3 * L);
        FloatVector c30 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc);
        FloatVector c31 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + L);
        FloatVector c32 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + 2 * L);
        FloatVector c33 = FloatVector.fromArray(SPECIES, c, c0 + 3 * ldc + 3 * L);
        for (int t = 0; t < k; t++) {
            int p = ks[t];
            int row = b0 + p * ldb;
            FloatVector v0 = FloatVector.fromArray(SPECIES, b, row);
            FloatVector v1 = FloatVector.fromArray(SPECIES, b, row + L);
            FloatVector v2 = FloatVector.fromArray(SPECIES, b, row + 2 * L);
            FloatVector v3 = FloatVector.fromArray(SPECIES, b, row + 3 * L);
            FloatVector s = FloatVector.broadcast(SPECIES, a[a0 + p]);
            c00 = s.fma(v0, c00);
            c01 = s.fma(v1, c01);
            c02 = s.fma(v2, c02);
            c03 = s.fma(v3, c03);
            s = FloatVector.broadcast(SPECIES, a[a0 + lda + p]);
            c10 = s.fma(v0, c10);
            c11 = s.fma(v1, c11);
            c12 = s.fma(v2, c12);
            c13 = s.fma(v3, c13);
            s = FloatVector.broadcast(SPECIES, a[a0 + 2 * lda + p]);
            c20 = s.fma(v0, c20);
            c21 = s.fma(v1, c21);
            c22 = s.fma(v2, c22);
            c23 = s.fma(v3, c23);
            s = FloatVector.broadcast(SPECIES, a[a0 + 3 * lda + p]);
            c30 = s.fma(v0, c30);
            c31 = s.fma(v1, c31);
            c32 = s.fma(v2, c32);
            c33 = s.fma(v3, c33);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
        c02.intoArray(c, c0 + 2 * L);
        c03.intoArray(c, c0 + 3 * L);
        c10.intoArray(c, c0 + ldc);
        c11.intoArray(c, c0 + ldc + L);
        c12.intoArray(c, c0 + ldc + 2 * L);
        c13.intoArray(c, c0 + ldc + 3 * L);
        c20.intoArray(c, c0 + 2 * ldc);
        c21.intoArray(c, c0 + 2 * ldc + L);
        c22.intoArray(c, c0 + 2 * ldc + 2 * L);
        c23.intoArray(c, c0 + 2 * ldc + 3 * L);
        c30.intoArray(c, c0 + 3 * ldc);
        c31.intoArray(c, c0 + 3 * ldc + L);
        c32.intoArray(c, c0 + 3 * ldc + 2 * L);
        c33.intoArray(c, c0 + 3 * ldc + 3 * L);
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

    /** One row of C by four vectors of columns over the terms {@code ks[first .. end)}, added to C's partial sums. */
    private static void block1x4(int[] ks, int first, int end, float[] a, int a0, float[] b, int b0, int ldb, float[] c,
                                 int c0) {
        FloatVector c0v = FloatVector.fromArray(SPECIES, c, c0);
        FloatVector c1v = FloatVector.fromArray(SPECIES, c, c0 + L);
        FloatVector c2v = FloatVector.fromArray(SPECIES, c, c0 + 2 * L);
        FloatVector c3v = FloatVector.fromArray(SPECIES, c, c0 + 3 * L);
        for (int t = first; t < end; t++) {
            int p = ks[t];
            FloatVector s = FloatVector.broadcast(SPECIES, a[a0 + p]);
            int row = b0 + p * ldb;
            c0v = s.fma(FloatVector.fromArray(SPECIES, b, row), c0v);
            c1v = s.fma(FloatVector.fromArray(SPECIES, b, row + L), c1v);
            c2v = s.fma(FloatVector.fromArray(SPECIES, b, row + 2 * L), c2v);
            c3v = s.fma(FloatVector.fromArray(SPECIES, b, row + 3 * L), c3v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + L);
        c2v.intoArray(c, c0 + 2 * L);
        c3v.intoArray(c, c0 + 3 * L);
    }

    /** One row of C by one vector of columns over the terms {@code ks[first .. end)}, added to C's partial sums. */
    private static void block1x1(int[] ks, int first, int end, float[] a, int a0, float[] b, int b0, int ldb, float[] c,
                                 int c0) {
        FloatVector acc = FloatVector.fromArray(SPECIES, c, c0);
        for (int t = first; t < end; t++) {
            int p = ks[t];
            float x = a[a0 + p];
            acc = FloatVector.broadcast(SPECIES, x).fma(FloatVector.fromArray(SPECIES, b, b0 + p * ldb), acc);
        }
        acc.intoArray(c, c0);
    }
}
