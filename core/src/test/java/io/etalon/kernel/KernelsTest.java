package io.etalon.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class KernelsTest {

    private final Kernels scalar = Kernels.scalar();
    private final Kernels best = Kernels.best();

    @Test
    void theTestsRunTheVectorKernels() {
        // surefire adds jdk.incubator.vector, as the launcher does; without it this suite would compare scalar to scalar
        assertThat(best.name()).startsWith("vector");
        assertThat(best.lanes()).isGreaterThan(1);
    }

    // m from 32 packs B into panels (64 columns at 16 lanes); k past 256 splits the terms into several panels
    @Property(tries = 60)
    void productMatchesTheDefinitionAndBothKernelsAgreeExactly(@ForAll @IntRange(min = 1, max = 40) int m,
                                                               @ForAll @IntRange(min = 1, max = 150) int n,
                                                               @ForAll @IntRange(min = 1, max = 600) int k,
                                                               @ForAll long seed) {
        Operands operands = Operands.draw(new SplittableRandom(seed), m, n, k);
        int lda = operands.lda();
        int ldb = operands.ldb();
        int ldc = operands.ldc();
        float[] a = operands.a();
        float[] b = operands.b();
        float[] c = operands.c();
        float[] viaScalar = c.clone();
        float[] viaBest = c.clone();
        scalar.gemm(m, n, k, a, 2, lda, b, 1, ldb, viaScalar, 3, ldc);
        best.gemm(m, n, k, a, 2, lda, b, 1, ldb, viaBest, 3, ldc);
        int[] live = new int[k];
        int count = Kernels.nonZeroColumns(m, k, a, 2, lda, live);
        float[] skippingZeros = c.clone();
        best.gemm(m, n, live, count, a, 2, lda, b, 1, ldb, skippingZeros, 3, ldc);
        assertSameValues(skippingZeros, viaScalar);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double expected = c[3 + i * ldc + j];
                double scale = Math.abs(expected);
                for (int p = 0; p < k; p++) {
                    double term = (double) a[2 + i * lda + p] * b[1 + p * ldb + j];
                    expected += term;
                    scale += Math.abs(term);
                }
                assertThat((double) viaScalar[3 + i * ldc + j]).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6 * (1 + scale)));
            }
        }
        assertSameValues(viaBest, viaScalar);
    }

    @Property(tries = 60)
    void aProductOfFewRowsGoesOverBInPassesAndGivesTheScalarFloats(@ForAll @IntRange(min = 1, max = 3) int m,
                                                                    @ForAll @IntRange(min = 1, max = 150) int n,
                                                                    @ForAll @IntRange(min = 1, max = 90) int k,
                                                                    @ForAll long seed) {
        // a matrix-vector product (a dense layer at batch 1): B read in passes of a few rows, C holding the partial sums
        // between passes, over the live terms only; the scalar loop's floats, and C's other columns untouched
        Operands operands = Operands.draw(new SplittableRandom(seed), m, n, k);
        int lda = operands.lda();
        int ldb = operands.ldb();
        int ldc = operands.ldc();
        float[] a = operands.a();
        float[] b = operands.b();
        float[] c = operands.c();
        int[] live = new int[k];
        int count = Kernels.nonZeroColumns(m, k, a, 2, lda, live);
        float[] viaScalar = c.clone();
        float[] viaBest = c.clone();
        scalar.gemm(m, n, live, count, a, 2, lda, b, 1, ldb, viaScalar, 3, ldc);
        best.gemm(m, n, live, count, a, 2, lda, b, 1, ldb, viaBest, 3, ldc);
        assertThat(rawBits(viaBest)).containsExactly(rawBits(viaScalar));
        float[] all = c.clone();
        scalar.gemm(m, n, k, a, 2, lda, b, 1, ldb, all, 3, ldc);
        assertSameValues(viaScalar, all);
    }

    @Property(tries = 60)
    void filterScatterMatchesTheDefinition(@ForAll @IntRange(min = 1, max = 30) int count,
                                           @ForAll @IntRange(min = 1, max = 40) int width,
                                           @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] offsets = new int[count];
        for (int t = 0; t < count; t++) {
            offsets[t] = random.nextInt(6) * width + (t == 0 ? 0 : offsets[t - 1]); // rows may repeat
        }
        float[] w = sparse(random, count + 1);
        float[] g = sparse(random, width + 2);
        float[] dst = sparse(random, 4 + offsets[count - 1] + width);
        float[] viaScalar = dst.clone();
        float[] viaBest = dst.clone();
        scalar.scatter(count, w, 1, offsets, g, 2, width, viaScalar, 4);
        best.scatter(count, w, 1, offsets, g, 2, width, viaBest, 4);
        float[] expected = dst.clone();
        for (int t = 0; t < count; t++) {
            for (int r = 0; r < width; r++) {
                expected[4 + offsets[t] + r] = Math.fma(w[1 + t], g[2 + r], expected[4 + offsets[t] + r]);
            }
        }
        assertSameValues(viaScalar, expected);
        assertSameValues(viaBest, expected);
    }

    @Property(tries = 60)
    void slidingArgMaximaKeepTheEarlierOfEqualValues(@ForAll @IntRange(min = 0, max = 70) int count,
                                                  @ForAll @IntRange(min = 1, max = 4) int taps,
                                                  @ForAll boolean more, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // with more values after the windows, the vector kernels read the last part in place, else from a copy
        float[] in = new float[count + taps + 3 + (more ? 40 : 0)];
        for (int i = 0; i < in.length; i++) {
            int level = random.nextInt(5); // few levels and both zeros: ties, and -0 against 0
            in[i] = level == 4 ? -0f : level * 0.5f - 0.5f;
        }
        float[][] maxima = new float[2][count + 2];
        float[][] rests = new float[2][count + 2];
        int[][] args = new int[2][count + 2];
        scalar.windowArgMax(in, 3, count, taps, 100, maxima[0], args[0], rests[0], 2);
        best.windowArgMax(in, 3, count, taps, 100, maxima[1], args[1], rests[1], 2);
        for (int i = 0; i < count; i++) {
            int winner = 0;
            float runnerUp = Float.NEGATIVE_INFINITY;
            for (int t = 1; t < taps; t++) {
                if (in[3 + i + t] > in[3 + i + winner]) {
                    runnerUp = Math.max(runnerUp, in[3 + i + winner]);
                    winner = t;
                } else {
                    runnerUp = in[3 + i + t] > runnerUp ? in[3 + i + t] : runnerUp;
                }
            }
            for (int k = 0; k < 2; k++) {
                assertThat(Float.floatToRawIntBits(maxima[k][2 + i])).as("max %d of %d", i, k).isEqualTo(Float.floatToRawIntBits(in[3 + i + winner]));
                assertThat(args[k][2 + i]).as("winner %d of %d", i, k).isEqualTo(100 + i + winner);
                assertThat(rests[k][2 + i] == runnerUp).as("runner-up %d of %d", i, k).isTrue();
            }
        }
    }

    @Property(tries = 120)
    void aPoolWindowKeepsItsFirstMaximumInRowMajorOrder(@ForAll @IntRange(min = 0, max = 70) int count,
                                                        @ForAll @IntRange(min = 1, max = 3) int rows,
                                                        @ForAll @IntRange(min = 1, max = 3) int taps,
                                                        @ForAll @IntRange(min = 1, max = 3) int stride,
                                                        @ForAll boolean more, @ForAll boolean rectified,
                                                        @ForAll long seed) {
        assertPoolKeepsFirstMaxima(count, rows, taps, stride, more, rectified, seed);
    }

    /** The windows of SqueezeNet's and ResNet's pools, 3x3 at stride 2, which the vector kernels take without a loop. */
    @Property(tries = 60)
    void aThreeByThreePoolAtStrideTwoKeepsEachWindowsMaximum(@ForAll @IntRange(min = 0, max = 70) int count,
                                                             @ForAll boolean more, @ForAll boolean rectified,
                                                             @ForAll long seed) {
        assertPoolKeepsFirstMaxima(count, 3, 3, 2, more, rectified, seed);
    }

    private void assertPoolKeepsFirstMaxima(int count, int rows, int taps, int stride, boolean more, boolean rectified,
                                            long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int inW = Math.max(1, (count - 1) * stride + taps) + random.nextInt(3);
        // with more values after the last window, the vector kernels read it in place, else as scalars
        float[] in = new float[3 + (rows - 1) * inW + Math.max(0, (count - 1) * stride) + taps + (more ? 80 : 0)];
        for (int i = 0; i < in.length; i++) {
            int level = random.nextInt(5);
            // few levels: ties, and -0 against 0; or a ReLU's outputs, from 0 and the least subnormal to infinity
            in[i] = rectified ? RECTIFIED_LEVELS[level] : level == 4 ? -0f : level * 0.5f - 0.5f;
        }
        float[][] out = {new float[count + 2], new float[count + 2]};
        if (rectified) {
            scalar.poolMaxRectified(in, 3, inW, rows, taps, stride, count, out[0], 1);
            best.poolMaxRectified(in, 3, inW, rows, taps, stride, count, out[1], 1);
        } else {
            scalar.poolMax(in, 3, inW, rows, taps, stride, count, out[0], 1);
            best.poolMax(in, 3, inW, rows, taps, stride, count, out[1], 1);
        }
        for (int x = 0; x < count; x++) {
            // the window's values in row-major order, a later one kept only if greater
            float expected = in[3 + x * stride];
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < taps; j++) {
                    float v = in[3 + r * inW + x * stride + j];
                    expected = v > expected ? v : expected;
                }
            }
            for (int k = 0; k < 2; k++) {
                assertThat(Float.floatToRawIntBits(out[k][1 + x])).as("window %d of kernel %d", x, k)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
        for (int k = 0; k < 2; k++) {
            assertThat(out[k][0]).isZero();
            assertThat(out[k][count + 1]).as("past the windows").isZero();
        }
    }

    private static final float[] RECTIFIED_LEVELS = {0f, Float.MIN_VALUE, 0.5f, 3e38f, Float.POSITIVE_INFINITY};

    @Property(tries = 60)
    void pickTakesEveryStrideThValue(@ForAll @IntRange(min = 0, max = 70) int count, @ForAll @IntRange(min = 1, max = 3) int stride,
                                     @ForAll boolean more, @ForAll long seed) {
        assertPicks(count, stride, more, seed);
    }

    /** Stride 2, a strided convolution's phases, with rows as short as ResNet's at 14x14 and 7x7. */
    @Property(tries = 40)
    void fewPicksAtStrideTwoTakeEveryOtherValue(@ForAll @IntRange(min = 1, max = 40) int count, @ForAll boolean more,
                                               @ForAll long seed) {
        assertPicks(count, 2, more, seed);
    }

    /**
     * Rows as wide as ResNet's at stride 2 (56, 28, 14, 7) and others, between other values that stay as they were; with
     * nothing past the last row to read, or, with more, two vectors' worth, which a row shorter than two vectors reads.
     */
    @Property(tries = 120)
    void deinterleaveSplitsRowsIntoTheirEvenAndOddColumns(@ForAll @IntRange(min = 1, max = 70) int width,
                                                          @ForAll @IntRange(min = 1, max = 5) int rows,
                                                          @ForAll @IntRange(min = 0, max = 3) int gap,
                                                          @ForAll boolean more, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int inStride = width + gap;
        float[] in = new float[1 + (rows - 1) * inStride + width + (more ? 2 * best.lanes() : 0)];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextInt(5) == 0 ? -0f : (float) random.nextGaussian();
        }
        int half = (width + 1) / 2;
        int outStride = half + 1 + gap;
        int evenOff = 2;
        int oddOff = evenOff + rows * outStride + 1;
        int size = oddOff + (rows - 1) * outStride + width / 2 + 1;
        for (Kernels kernels : List.of(scalar, best)) {
            float[] out = new float[size];
            java.util.Arrays.fill(out, 7f);
            kernels.deinterleave(in, 1, inStride, rows, width, out, evenOff, oddOff, outStride);
            float[] expected = new float[size];
            java.util.Arrays.fill(expected, 7f);
            for (int r = 0; r < rows; r++) {
                for (int w = 0; w < width; w++) {
                    int at = (w % 2 == 0 ? evenOff : oddOff) + r * outStride + w / 2;
                    expected[at] = in[1 + r * inStride + w];
                }
            }
            for (int i = 0; i < size; i++) {
                assertThat(Float.floatToRawIntBits(out[i])).as("%s at %d", kernels.getClass().getSimpleName(), i)
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
    }

    private void assertPicks(int count, int stride, boolean more, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // room for the one value past the last pick that the vector kernel may read, and no more; or, with more, for
        // two whole vectors from the first pick, which fewer picks than a vector then take
        float[] in = new float[3 + Math.max(0, (count - 1) * stride + 2) + (more ? 2 * best.lanes() : 0)];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextInt(5) == 0 ? -0f : (float) random.nextGaussian();
        }
        float[][] out = {new float[count + 2], new float[count + 2]};
        scalar.pick(in, 3, stride, count, out[0], 1);
        best.pick(in, 3, stride, count, out[1], 1);
        for (int k = 0; k < 2; k++) {
            assertThat(out[k][0]).isZero();
            assertThat(out[k][count + 1]).as("past the picks").isZero();
            for (int i = 0; i < count; i++) {
                assertThat(Float.floatToRawIntBits(out[k][1 + i])).as("pick %d of kernel %d", i, k)
                        .isEqualTo(Float.floatToRawIntBits(in[3 + i * stride]));
            }
        }
    }

    @Property(tries = 40)
    void reluMaskKeepsTheValueWhereOnAndCountsNonZeros(@ForAll @IntRange(min = 0, max = 70) int count, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] in = new float[count + 3];
        int[] on = new int[count + 1];
        for (int i = 0; i < in.length; i++) {
            int level = random.nextInt(4);
            in[i] = level == 3 ? -0f : level - 1f;
        }
        for (int i = 0; i < on.length; i++) {
            on[i] = random.nextInt(2);
        }
        float[][] out = new float[2][count + 2];
        scalar.mask(in, 3 - 1, on, 1, out[0], 2, count);
        best.mask(in, 3 - 1, on, 1, out[1], 2, count);
        for (int i = 0; i < count; i++) {
            float expected = on[1 + i] != 0 ? in[2 + i] : 0f;
            for (int k = 0; k < 2; k++) {
                assertThat(Float.floatToRawIntBits(out[k][2 + i])).as("masked %d of %d", i, k).isEqualTo(Float.floatToRawIntBits(expected));
            }
        }
        float[] twoRows = java.util.Arrays.copyOf(in, 2 * (count + 3));
        int inEither = 0;
        for (int i = 0; i < count; i++) {
            twoRows[count + 3 + i] = on[i] != 0 ? 1f : -0f;
            inEither += in[i] != 0f || on[i] != 0 ? 1 : 0;
        }
        int stillNonZero = 0;
        for (int i = 0; i < count; i++) {
            stillNonZero += in[i] != 0f ? 1 : 0;
        }
        assertThat(scalar.nonZeros(in, 1, 0, count)).isEqualTo(stillNonZero);
        assertThat(best.nonZeros(in, 1, 0, count)).isEqualTo(stillNonZero);
        assertThat(scalar.nonZeros(twoRows, 2, count + 3, count)).isEqualTo(inEither);
        assertThat(best.nonZeros(twoRows, 2, count + 3, count)).isEqualTo(inEither);
    }

    @Property(tries = 40)
    void sumsAgreeExactlyAndWithTheDefinition(@ForAll @IntRange(min = 0, max = 200) int count, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[count + 3];
        double expected = 0;
        double expectedMagnitude = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1) * (1 << random.nextInt(20));
            if (i >= 3) {
                expected += x[i];
                expectedMagnitude += Math.abs(x[i]);
            }
        }
        double viaScalar = scalar.sum(x, 3, count, new double[1]);
        double viaBest = best.sum(x, 3, count, new double[1]);
        double[] scalarMagnitude = {1};
        double[] bestMagnitude = {1};
        scalar.sum(x, 3, count, scalarMagnitude);
        best.sum(x, 3, count, bestMagnitude);
        assertThat(Double.doubleToRawLongBits(viaBest)).isEqualTo(Double.doubleToRawLongBits(viaScalar));
        assertThat(Double.doubleToRawLongBits(bestMagnitude[0])).isEqualTo(Double.doubleToRawLongBits(scalarMagnitude[0]));
        assertThat(viaScalar).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12 * expectedMagnitude + 1e-300));
        assertThat(scalarMagnitude[0]).isCloseTo(1 + expectedMagnitude, org.assertj.core.data.Offset.offset(1e-12 * (1 + expectedMagnitude)));
    }

    @Property(tries = 40)
    void dotProductsAgreeExactlyAndWithTheDefinition(@ForAll @IntRange(min = 0, max = 200) int count,
                                                     @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] g = new float[count + 3];
        float[] c = new float[count + 1];
        double expected = 0;
        double expectedMagnitude = 0;
        for (int i = 0; i < count; i++) {
            g[3 + i] = (float) (random.nextDouble() * 2 - 1) * (1 << random.nextInt(20));
            c[1 + i] = random.nextInt(3) == 0 ? 0f : (float) random.nextGaussian();
            double term = (double) g[3 + i] * c[1 + i];
            expected += term;
            expectedMagnitude += Math.abs(term);
        }
        double[] scalarMagnitude = {1};
        double[] bestMagnitude = {1};
        double viaScalar = scalar.dot(g, 3, c, 1, count, scalarMagnitude);
        double viaBest = best.dot(g, 3, c, 1, count, bestMagnitude);
        assertThat(Double.doubleToRawLongBits(viaBest)).isEqualTo(Double.doubleToRawLongBits(viaScalar));
        assertThat(Double.doubleToRawLongBits(bestMagnitude[0])).isEqualTo(Double.doubleToRawLongBits(scalarMagnitude[0]));
        assertThat(viaScalar).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12 * expectedMagnitude + 1e-300));
        assertThat(scalarMagnitude[0]).isCloseTo(1 + expectedMagnitude, org.assertj.core.data.Offset.offset(1e-12 * (1 + expectedMagnitude)));
    }

    @Property(tries = 60)
    void stackedRowsGiveTheWholeWindowsWinnerTiesAndMargin(@ForAll @IntRange(min = 0, max = 70) int count,
                                                            @ForAll @IntRange(min = 1, max = 3) int width,
                                                            @ForAll @IntRange(min = 1, max = 4) int taps,
                                                            @ForAll boolean more, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // taps rows of windows `width` columns wide, side by side at stride 1; few levels, so ties and -0 against 0
        int rowLength = count + width - 1;
        float[] image = new float[taps * rowLength + 1];
        for (int i = 0; i < image.length; i++) {
            int level = random.nextInt(6);
            image[i] = level == 5 ? -0f : level * 0.25f - 0.5f;
        }
        int stride = count + 3;
        // with more values after the rows (other windows' values, which must not count), the vector kernels read the
        // last part in place, else from a copy
        float[] max = new float[1 + taps * stride + (more ? 40 : 0)];
        float[] rest = new float[max.length];
        int[] arg = new int[max.length];
        for (int i = 1 + taps * stride; i < max.length; i++) {
            max[i] = (float) random.nextInt(3);
            rest[i] = max[i] - 0.125f * random.nextInt(3); // ties and small leads, were they counted
        }
        for (int t = 0; t < taps; t++) {
            scalar.windowArgMax(image, t * rowLength, count, width, t * rowLength, max, arg, rest, 1 + t * stride);
        }
        int[][] winners = new int[2][count + 2];
        float[][] margins = {{0.4f}, {0.4f}};
        int[] ties = {
            scalar.columnArgMax(max, rest, arg, 1, stride, taps, count, winners[0], 2, margins[0]),
            best.columnArgMax(max, rest, arg, 1, stride, taps, count, winners[1], 2, margins[1])};
        int expectedTies = 0;
        float expectedMargin = 0.4f;
        for (int x = 0; x < count; x++) {
            // the window in row-major order: the first maximum wins, the runner-up is the largest of the rest
            int winner = x;
            float runnerUp = Float.NEGATIVE_INFINITY;
            for (int t = 0; t < taps; t++) {
                for (int j = 0; j < width; j++) {
                    int k = t * rowLength + x + j;
                    if (k == x) {
                        continue;
                    }
                    if (image[k] > image[winner]) {
                        runnerUp = Math.max(runnerUp, image[winner]);
                        winner = k;
                    } else {
                        runnerUp = image[k] > runnerUp ? image[k] : runnerUp;
                    }
                }
            }
            if (runnerUp == image[winner]) {
                expectedTies++;
            } else if (runnerUp != Float.NEGATIVE_INFINITY) {
                expectedMargin = Math.min(expectedMargin, image[winner] - runnerUp);
            }
            for (int k = 0; k < 2; k++) {
                assertThat(winners[k][2 + x]).as("winner %d of %d", x, k).isEqualTo(winner);
            }
        }
        for (int k = 0; k < 2; k++) {
            assertThat(ties[k]).as("ties of %d", k).isEqualTo(expectedTies);
            assertThat(margins[k][0]).as("margin of %d", k).isEqualTo(expectedMargin);
        }
    }

    @Property(tries = 80)
    void correlationMatchesTheDefinitionAndTheProduct(// several blocks of four outputs, and the two and one after
                                                      @ForAll @IntRange(min = 1, max = 30) int outputs,
                                                      @ForAll @IntRange(min = 1, max = 30) int taps,
                                                      // from 6 vectors the widest block (four outputs by six
                                                      // vectors) runs, with a block of one to five after it, or
                                                      // of four and three after the last six of 6k + 1
                                                      @ForAll @IntRange(min = 1, max = 19) int vectors,
                                                      @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int width = vectors * best.lanes();
        int[] offsets = increasingOffsets(random, taps);
        float[] w = sparse(random, outputs * taps);
        float[] fours = Kernels.inFours(w, outputs, taps);
        float[] x = sparse(random, width + offsets[taps - 1]);
        float[] viaScalar = new float[outputs * width];
        float[] viaBest = new float[outputs * width];
        scalar.correlate(outputs, taps, fours, offsets, x, viaScalar, width);
        best.correlate(outputs, taps, fours, offsets, x, viaBest, width);
        // the same sums as the product of the weights with the matrix of shifted copies (im2col), in the same order
        float[] shifted = new float[taps * width];
        for (int t = 0; t < taps; t++) {
            for (int p = 0; p < width; p++) {
                shifted[t * width + p] = x[p + offsets[t]];
            }
        }
        float[] viaProduct = new float[outputs * width];
        scalar.gemm(outputs, width, taps, w, 0, taps, shifted, 0, width, viaProduct, 0, width);
        assertSameValues(viaScalar, viaProduct);
        assertSameValues(viaBest, viaProduct);
    }

    @Property(tries = 60)
    void aLoneOutputGoesByBlocksOfEightThatOverlapAtTheEndAndGivesTheScalarFloats(
            @ForAll @IntRange(min = 1, max = 12) int taps, @ForAll @IntRange(min = 1, max = 41) int vectors,
            @ForAll long seed) {
        // a depthwise channel: blocks of eight vectors, the last one moved back over the one before it, or fewer than
        // eight by four, two and one; every sum in order of the taps, so the scalar loop's floats, and nothing past
        // the positions written
        SplittableRandom random = new SplittableRandom(seed);
        int width = vectors * best.lanes();
        int[] offsets = increasingOffsets(random, taps);
        float[] w = sparse(random, 3 + taps);
        float[] x = sparse(random, width + offsets[taps - 1]);
        float[] viaScalar = new float[2 + width + 5];
        float[] viaBest = new float[2 + width + 5];
        java.util.Arrays.fill(viaScalar, 7f);
        java.util.Arrays.fill(viaBest, 7f);
        scalar.correlate(1, taps, w, 3, offsets, x, viaScalar, 2, width, width);
        best.correlate(1, taps, w, 3, offsets, x, viaBest, 2, width, width);
        assertThat(rawBits(viaBest)).containsExactly(rawBits(viaScalar));
        for (int p = 0; p < width; p++) {
            double sum = 0;
            for (int t = 0; t < taps; t++) {
                sum += (double) w[3 + t] * x[p + offsets[t]];
            }
            assertThat((double) viaScalar[2 + p]).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(sum))));
        }
    }

    @Property(tries = 40)
    void aStretchOfPositionsIsThoseOfTheWholeCorrelationAndLeavesTheRest(
            @ForAll @IntRange(min = 1, max = 9) int outputs, @ForAll @IntRange(min = 1, max = 20) int taps,
            @ForAll @IntRange(min = 2, max = 15) int vectors, @ForAll long seed) {
        // a block of positions [from, from + positions) moves the offsets on by from and writes from y[from] on, its
        // rows still a whole width apart: the values the whole correlation has there, and nothing outside them
        SplittableRandom random = new SplittableRandom(seed);
        int lanes = best.lanes();
        int width = vectors * lanes;
        int from = random.nextInt(vectors) * lanes;
        int positions = (1 + random.nextInt(vectors - from / lanes)) * lanes;
        int[] offsets = increasingOffsets(random, taps);
        int[] moved = new int[taps];
        for (int t = 0; t < taps; t++) {
            moved[t] = offsets[t] + from;
        }
        float[] w = Kernels.inFours(sparse(random, outputs * taps), outputs, taps);
        float[] x = sparse(random, width + offsets[taps - 1]);
        float[] whole = new float[outputs * width];
        scalar.correlate(outputs, taps, w, offsets, x, whole, width);
        for (Kernels kernels : new Kernels[] {scalar, best}) {
            float[] part = untouched(outputs * width);
            kernels.correlate(outputs, taps, w, 0, moved, x, part, from, positions, width);
            assertPartOfWhole(kernels, part, whole, width, at -> at % width >= from && at % width < from + positions);
        }
    }

    @Property(tries = 60)
    void segmentsAreTheWholeCorrelationsFloatsAtTheirPositionsAndNothingElse(
            // one group of outputs or several, the last one part full
            @ForAll @IntRange(min = 1, max = 70) int outputs, @ForAll @IntRange(min = 1, max = 25) int taps,
            // pairs of segments and a lone one after them
            @ForAll @IntRange(min = 1, max = 9) int count, @ForAll long seed) {
        // the outputs in the lanes and the positions by segments of seven, anywhere in a row of results and overlapping
        // one another: the floats of the correlation there, each sum in order of the taps, and nothing written elsewhere
        SplittableRandom random = new SplittableRandom(seed);
        int width = (2 + random.nextInt(4)) * best.lanes();
        int[] segments = new int[count];
        for (int i = 0; i < count; i++) {
            segments[i] = random.nextInt(width - Kernels.SEGMENT + 1);
        }
        int[] offsets = increasingOffsets(random, taps);
        float[] w = sparse(random, outputs * taps);
        float[] x = sparse(random, width + offsets[taps - 1]);
        float[] whole = new float[outputs * width];
        scalar.correlate(outputs, taps, Kernels.inFours(w, outputs, taps), offsets, x, whole, width);
        for (Kernels kernels : new Kernels[] {scalar, best}) {
            float[] part = untouched(outputs * width);
            kernels.correlateSegments(outputs, taps, Kernels.inGroups(w, outputs, taps, kernels.segmentGroup()), 0,
                    offsets, x, segments, count, part, 0, width);
            assertPartOfWhole(kernels, part, whole, width, at -> java.util.Arrays.stream(segments)
                    .anyMatch(s -> at % width >= s && at % width < s + Kernels.SEGMENT));
        }
    }

    @Property(tries = 40)
    void aBlockOfOutputsInFoursIsThoseOfTheWholeCorrelation(@ForAll @IntRange(min = 1, max = 13) int outputs,
                                                             @ForAll @IntRange(min = 1, max = 20) int taps,
                                                             @ForAll @IntRange(min = 1, max = 8) int vectors,
                                                             @ForAll long seed) {
        // threads share a correlation out by blocks of outputs, each starting at a block of four of the layout and
        // ending at another or at the last output: its weights from w[first*taps], its results from y[first*width]
        SplittableRandom random = new SplittableRandom(seed);
        int width = vectors * best.lanes();
        int first = 4 * random.nextInt(outputs / 4 + 1);
        int end = first == outputs || random.nextBoolean()
                ? outputs : Math.min(outputs, first + 4 * (1 + random.nextInt(3)));
        int[] offsets = increasingOffsets(random, taps);
        float[] w = Kernels.inFours(sparse(random, outputs * taps), outputs, taps);
        float[] x = sparse(random, width + offsets[taps - 1]);
        float[] whole = new float[outputs * width];
        scalar.correlate(outputs, taps, w, offsets, x, whole, width);
        for (Kernels kernels : new Kernels[] {scalar, best}) {
            float[] part = untouched(outputs * width);
            kernels.correlate(end - first, taps, w, first * taps, offsets, x, part, first * width, width);
            assertPartOfWhole(kernels, part, whole, width, at -> at >= first * width && at < end * width);
        }
    }

    /**
     * A 1x1 layer's correlation (each tap a whole row of positions), by the blocks of eight outputs the vector kernels
     * take first: the whole correlation's floats, for every count of outputs around the blocks, and nothing written
     * outside its outputs' rows.
     */
    @Property(tries = 60)
    void aPointwiseCorrelationIsTheCorrelationsFloats(@ForAll @IntRange(min = 1, max = 27) int outputs,
                                                     @ForAll @IntRange(min = 1, max = 40) int taps,
                                                     @ForAll @IntRange(min = 1, max = 14) int vectors,
                                                     @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int width = vectors * best.lanes();
        int[] offsets = new int[taps];
        for (int t = 0; t < taps; t++) {
            offsets[t] = t * width;
        }
        float[] w = Kernels.inFours(sparse(random, outputs * taps), outputs, taps);
        float[] x = sparse(random, taps * width);
        float[] whole = new float[outputs * width];
        scalar.correlate(outputs, taps, w, offsets, x, whole, width);
        int first = 4 * random.nextInt(outputs / 4 + 1);
        for (Kernels kernels : new Kernels[] {scalar, best}) {
            float[] part = untouched(outputs * width);
            kernels.correlatePointwise(outputs - first, taps, w, first * taps, offsets, x, part, first * width, width,
                    width);
            assertPartOfWhole(kernels, part, whole, width, at -> at >= first * width);
        }
    }

    /** An output array whose every value a kernel has not written stays NaN. */
    private static float[] untouched(int size) {
        float[] part = new float[size];
        java.util.Arrays.fill(part, Float.NaN);
        return part;
    }

    /** {@code part}, rows of {@code width}, holds the whole correlation's value where {@code inside}, NaN elsewhere. */
    private static void assertPartOfWhole(Kernels kernels, float[] part, float[] whole, int width,
                                          java.util.function.IntPredicate inside) {
        for (int at = 0; at < part.length; at++) {
            var value = assertThat(part[at]).as("%s, output %d, position %d", kernels, at / width, at % width);
            if (inside.test(at)) {
                value.isEqualTo(whole[at]);
            } else {
                value.isNaN();
            }
        }
    }

    /** A correlation's tap offsets: from 0, each 1 to 9 past the one before. */
    private static int[] increasingOffsets(SplittableRandom random, int taps) {
        int[] offsets = new int[taps];
        for (int t = 1; t < taps; t++) {
            offsets[t] = offsets[t - 1] + 1 + random.nextInt(9);
        }
        return offsets;
    }

    @Property(tries = 60)
    void fusedBiasReluPoolIsBiasThenReluThenPool(@ForAll @IntRange(min = 1, max = 9) int pooledH,
                                                 @ForAll @IntRange(min = 1, max = 40) int pooledW,
                                                 @ForAll @IntRange(min = 0, max = 5) int extraColumns,
                                                 @ForAll @IntRange(min = 0, max = 40) int spill,
                                                 @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int stride = 2 * pooledW + extraColumns;
        float bias = (float) random.nextGaussian();
        float[] y = sparse(random, 3 + 2 * pooledH * stride + 2 * best.lanes());
        for (int i = 0; i < y.length; i += 5) {
            y[i] = -bias; // sums that the bias cancels exactly: zeros of both signs reach the ReLU and the pool
        }
        int end = 4 + pooledH * pooledW;
        float[] out = new float[end + spill + 3];
        java.util.Arrays.fill(out, 7f);
        float[] viaScalar = out.clone();
        float[] viaBest = out.clone();
        // the caller lets the kernels spill scratch values into the next `spill` places, not beyond
        scalar.biasReluPool(y, 3, stride, pooledH, pooledW, bias, viaScalar, 4, end + spill);
        best.biasReluPool(y, 3, stride, pooledH, pooledW, bias, viaBest, 4, end + spill);
        forgetSpill(viaBest, end, end + spill);
        // the unfused order: every value gets its bias, then the ReLU, then the first maximum of each 2x2 tile
        float[] expected = out.clone();
        for (int py = 0; py < pooledH; py++) {
            for (int px = 0; px < pooledW; px++) {
                float best = Float.NaN;
                for (int i = 0; i < 2; i++) {
                    for (int j = 0; j < 2; j++) {
                        float v = y[3 + (2 * py + i) * stride + 2 * px + j] + bias;
                        float r = v > 0f ? v : 0f;
                        best = Float.isNaN(best) || r > best ? r : best;
                    }
                }
                expected[4 + py * pooledW + px] = best;
            }
        }
        assertThat(viaScalar).containsExactly(expected); // bit for bit, the 7s around the outputs untouched
        assertThat(viaBest).containsExactly(expected);
    }

    /** Sets the places a kernel may use as scratch back to the sentinel 7. */
    private static void forgetSpill(float[] out, int from, int to) {
        java.util.Arrays.fill(out, from, to, 7f);
    }

    @Property(tries = 40)
    void fusedBiasReluIsBiasThenRelu(@ForAll @IntRange(min = 1, max = 9) int h,
                                     @ForAll @IntRange(min = 1, max = 40) int w,
                                     @ForAll @IntRange(min = 0, max = 5) int extraColumns,
                                     @ForAll @IntRange(min = 0, max = 40) int spill,
                                     @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int stride = w + extraColumns;
        float bias = (float) random.nextGaussian();
        float[] y = sparse(random, 2 + h * stride + 2 * best.lanes());
        int end = 1 + h * w;
        float[] out = new float[end + spill + 2];
        java.util.Arrays.fill(out, 7f);
        float[] viaScalar = out.clone();
        float[] viaBest = out.clone();
        scalar.biasRelu(y, 2, stride, h, w, bias, viaScalar, 1, end + spill);
        best.biasRelu(y, 2, stride, h, w, bias, viaBest, 1, end + spill);
        forgetSpill(viaBest, end, end + spill);
        float[] expected = out.clone();
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                float v = y[2 + r * stride + c] + bias;
                expected[1 + r * w + c] = v > 0f ? v : 0f;
            }
        }
        assertThat(viaScalar).containsExactly(expected);
        assertThat(viaBest).containsExactly(expected);
    }

    @Property(tries = 40)
    void aBiasAloneIsTheSumOfEachValueAndTheBias(@ForAll @IntRange(min = 1, max = 9) int h,
                                                @ForAll @IntRange(min = 1, max = 40) int w,
                                                @ForAll @IntRange(min = 0, max = 5) int extraColumns,
                                                @ForAll @IntRange(min = 0, max = 40) int spill,
                                                @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int stride = w + extraColumns;
        float bias = random.nextBoolean() ? -0f : (float) random.nextGaussian();
        float[] y = sparse(random, 2 + h * stride + 2 * best.lanes());
        y[2] = -0f;
        int end = 1 + h * w;
        float[] out = new float[end + spill + 2];
        java.util.Arrays.fill(out, 7f);
        float[] viaScalar = out.clone();
        float[] viaBest = out.clone();
        scalar.biased(y, 2, stride, h, w, bias, viaScalar, 1, end + spill);
        best.biased(y, 2, stride, h, w, bias, viaBest, 1, end + spill);
        forgetSpill(viaBest, end, end + spill);
        float[] expected = out.clone();
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                expected[1 + r * w + c] = y[2 + r * stride + c] + bias;
            }
        }
        assertThat(rawBits(viaScalar)).containsExactly(rawBits(expected));
        assertThat(rawBits(viaBest)).containsExactly(rawBits(expected));
    }

    @Property(tries = 60)
    void fusedBiasClipIsBiasThenTheClipsPieces(@ForAll @IntRange(min = 1, max = 9) int h,
                                               @ForAll @IntRange(min = 1, max = 40) int w,
                                               @ForAll @IntRange(min = 0, max = 5) int extraColumns,
                                               @ForAll @IntRange(min = 0, max = 40) int spill,
                                               @ForAll long seed) {
        // ReLU6's bounds, a bound of -0, equal bounds or random ones; values on the bounds, zeros of both signs and NaN
        SplittableRandom random = new SplittableRandom(seed);
        float[][] boundsDrawn = {{0f, 6f}, {-0f, 1f}, {0.5f, 0.5f}, {-0.4f, 0f},
            {(float) -Math.abs(random.nextGaussian()), (float) Math.abs(random.nextGaussian())}};
        float[] bounds = boundsDrawn[random.nextInt(boundsDrawn.length)];
        float lo = bounds[0];
        float hi = bounds[1];
        float bias = random.nextBoolean() ? (random.nextBoolean() ? 0f : -0f) : (float) random.nextGaussian();
        int stride = w + extraColumns;
        float[] y = new float[2 + h * stride + 2 * best.lanes()];
        float[] special = {lo - bias, hi - bias, lo, hi, 0f, -0f, Float.NaN};
        for (int i = 0; i < y.length; i++) {
            y[i] = random.nextInt(3) == 0 ? special[random.nextInt(special.length)] : (float) random.nextGaussian() * 4;
        }
        int end = 1 + h * w;
        float[] out = new float[end + spill + 2];
        java.util.Arrays.fill(out, 7f);
        float[] viaScalar = out.clone();
        float[] viaBest = out.clone();
        scalar.biasClip(y, 2, stride, h, w, bias, lo, hi, viaScalar, 1, end + spill);
        best.biasClip(y, 2, stride, h, w, bias, lo, hi, viaBest, 1, end + spill);
        forgetSpill(viaBest, end, end + spill);
        // the clip's own inference of the biased values: its three pieces, ties inside
        float[] biased = new float[h * w];
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                biased[r * w + c] = y[2 + r * stride + c] + bias;
            }
        }
        float[] clipped = new float[h * w];
        new io.etalon.op.Clip(io.etalon.tensor.Shape.of(h * w), lo, hi).infer(new float[][] {biased}, clipped, 1);
        float[] expected = out.clone();
        System.arraycopy(clipped, 0, expected, 1, h * w);
        assertThat(rawBits(viaScalar)).as("scalar, [%s, %s]", lo, hi).containsExactly(rawBits(expected));
        assertThat(rawBits(viaBest)).as("vector, [%s, %s]", lo, hi).containsExactly(rawBits(expected));
    }

    /** Each float's bits: tells -0 from +0. */
    private static int[] rawBits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }

    @Property(tries = 60)
    void reluStatesAreTheSignsTiesAndSmallestMargin(@ForAll @IntRange(min = 0, max = 100) int count,
                                                    @ForAll @IntRange(min = 0, max = 5) int offset,
                                                    @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] z = sparse(random, offset + count + 3);
        for (int i = 1; i < z.length; i += 9) {
            z[i] = -0f; // a zero of the other sign is a tie too, and off
        }
        int[] expectedOn = new int[count + 2];
        int expectedTies = 0;
        float expectedMargin = 5f; // what the caller had: lowered only by a smaller positive |z|
        for (int i = 0; i < count; i++) {
            float v = z[offset + i];
            expectedOn[1 + i] = v > 0f ? 1 : 0;
            if (v == 0f) {
                expectedTies++;
            } else if (Math.abs(v) < expectedMargin) {
                expectedMargin = Math.abs(v);
            }
        }
        for (Kernels kernels : new Kernels[] {scalar, best}) {
            int[] on = new int[count + 2];
            float[] margin = {5f};
            assertThat(kernels.reluStates(z, offset, count, on, 1, margin)).as("ties").isEqualTo(expectedTies);
            assertThat(on).as("states, nothing outside touched").containsExactly(expectedOn);
            assertThat(margin[0]).as("margin").isEqualTo(expectedMargin);
        }
    }

    @Property(tries = 80)
    void poolStatesPickTheFirstMaximumOfEachWindow(@ForAll @IntRange(min = 0, max = 40) int count,
                                                   @ForAll @IntRange(min = 0, max = 6) int extraColumns,
                                                   @ForAll @IntRange(min = 0, max = 40) int spill,
                                                   @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int inW = 2 * count + extraColumns;
        int base = 3;
        int top = random.nextInt(3) * inW;
        float[] in = new float[base + top + 2 * inW + random.nextInt(3)];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextInt(3) == 0 ? 0f : random.nextInt(5) - 2; // few values: ties within windows are common
        }
        int[] expected = new int[2 + count + spill + 2];
        java.util.Arrays.fill(expected, -7);
        int expectedTies = 0;
        float expectedMargin = 9f;
        for (int x = 0; x < count; x++) {
            int best = top + 2 * x;
            float runnerUp = Float.NEGATIVE_INFINITY;
            for (int k : new int[] {top + 2 * x + 1, top + inW + 2 * x, top + inW + 2 * x + 1}) {
                if (in[base + k] > in[base + best]) {
                    runnerUp = Math.max(runnerUp, in[base + best]);
                    best = k;
                } else {
                    runnerUp = Math.max(runnerUp, in[base + k]);
                }
            }
            expected[2 + x] = best;
            if (runnerUp == in[base + best]) {
                expectedTies++;
            } else {
                expectedMargin = Math.min(expectedMargin, in[base + best] - runnerUp);
            }
        }
        for (Kernels kernels : new Kernels[] {scalar, best}) {
            int[] winner = new int[expected.length];
            java.util.Arrays.fill(winner, -7);
            float[] margin = {9f};
            int ties = kernels.poolStates(in, base, top, inW, count, winner, 2, 2 + count + spill, margin);
            java.util.Arrays.fill(winner, 2 + count, 2 + count + spill, -7); // the scratch the caller allowed
            assertThat(winner).as("winners, nothing else touched").containsExactly(expected);
            assertThat(ties).as("ties").isEqualTo(expectedTies);
            assertThat(margin[0]).as("margin").isEqualTo(expectedMargin);
        }
    }

    @Property(tries = 40)
    void planeMeansSumEachPlaneInOrderInBothKernels(@ForAll @IntRange(min = 1, max = 60) int channels,
                                                    @ForAll @IntRange(min = 1, max = 50) int plane, @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] in = new float[2 + channels * plane];
        for (int i = 0; i < in.length; i++) {
            in[i] = (float) (random.nextDouble() * 2 - 1) * (1 << random.nextInt(12));
        }
        float weight = 1f / plane;
        float[] expected = new float[channels + 1];
        for (int c = 0; c < channels; c++) {
            float sum = 0f;
            for (int i = 0; i < plane; i++) {
                sum += weight * in[2 + c * plane + i];
            }
            expected[1 + c] = sum;
        }
        for (Kernels kernels : new Kernels[] {scalar, best}) {
            float[] out = new float[channels + 1];
            kernels.planeMeans(in, 2, channels, plane, weight, out, 1);
            for (int c = 0; c <= channels; c++) {
                assertThat(Float.floatToRawIntBits(out[c])).as("%s, mean %d", kernels.name(), c)
                        .isEqualTo(Float.floatToRawIntBits(expected[c]));
            }
        }
    }

    /** Equal as numbers: a skipped zero term may leave a zero with the other sign. */
    private static void assertSameValues(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != expected[i]) {
                assertThat(actual[i]).as("value %d", i).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void nonZeroColumnsListsTheColumnsWithSomeNonZeroEntry() {
        float[] a = {0, 1, 0, 0,
                     0, 0, 0, 2};
        int[] ks = new int[4];
        assertThat(Kernels.nonZeroColumns(2, 4, a, 0, 4, ks)).isEqualTo(2);
        assertThat(ks).startsWith(1, 3);
    }

    /** Random values with about a quarter exact zeros, as behind a ReLU. */
    @Property(tries = 40)
    void scaledScatterMatchesTheDefinitionAndBothKernelsAgreeExactly(@ForAll @IntRange(min = 1, max = 12) int count,
                                                                     @ForAll @IntRange(min = 1, max = 40) int width,
                                                                     @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float v = (float) random.nextGaussian();
        float[] w = sparse(random, 3 + count * width);
        int[] offsets = new int[count];
        for (int t = 0; t < count; t++) {
            offsets[t] = random.nextInt(3 * width); // taps may overlap, as the windows of neighbouring positions do
        }
        float[] dst = sparse(random, 2 + 4 * width);
        float[] viaScalar = dst.clone();
        float[] viaBest = dst.clone();
        scalar.scatterScaled(count, v, w, 3, width, offsets, viaScalar, 2);
        best.scatterScaled(count, v, w, 3, width, offsets, viaBest, 2);
        assertThat(viaBest).isEqualTo(viaScalar);
        float[] expected = dst.clone();
        for (int t = 0; t < count; t++) {
            for (int c = 0; c < width; c++) {
                expected[2 + offsets[t] + c] = Math.fma(w[3 + t * width + c], v, expected[2 + offsets[t] + c]);
            }
        }
        assertThat(viaScalar).isEqualTo(expected);
    }

    // channels past a multiple of 16 leave a tail; B^T d B of a patch is checked on its definition, in double
    @Property(tries = 40)
    void winogradPatchIsBTransposeDBAndBothKernelsAgreeExactly(@ForAll @IntRange(min = 1, max = 40) int channels,
                                                               @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int row = 5 * channels + 3;
        int corner = 2;
        int step = channels + 7;
        float[] in = sparse(random, corner + 4 * row);
        float[] viaScalar = new float[3 + 16 * step];
        float[] viaBest = new float[3 + 16 * step];
        scalar.winogradPatch(in, corner, row, channels, viaScalar, 3, step);
        best.winogradPatch(in, corner, row, channels, viaBest, 3, step);
        assertThat(viaBest).isEqualTo(viaScalar);
        double[][] bt = {{1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
        for (int c = 0; c < channels; c++) {
            for (int xi = 0; xi < 16; xi++) {
                double v = 0;
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        v += bt[xi / 4][i] * in[corner + i * row + j * channels + c] * bt[xi % 4][j];
                    }
                }
                assertThat((double) viaScalar[3 + xi * step + c]).isCloseTo(v, org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(v))));
            }
        }
    }

    @Property(tries = 40)
    void winogradOutputIsATransposeMAAndZeroesWhatItReads(@ForAll @IntRange(min = 1, max = 40) int outputs,
                                                          @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int step = outputs + 5;
        float[] products = sparse(random, 2 + 16 * step);
        float[] forScalar = products.clone();
        float[] forBest = products.clone();
        float[] viaScalar = new float[4 * outputs];
        float[] viaBest = new float[4 * outputs];
        scalar.winogradOutput(forScalar, 2, step, outputs, viaScalar);
        best.winogradOutput(forBest, 2, step, outputs, viaBest);
        assertThat(viaBest).isEqualTo(viaScalar);
        assertThat(forBest).isEqualTo(forScalar);
        double[][] at = {{1, 1, 1, 0}, {0, 1, -1, -1}};
        for (int o = 0; o < outputs; o++) {
            for (int k = 0; k < 4; k++) {
                double y = 0;
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 4; j++) {
                        y += at[k / 2][i] * products[2 + (4 * i + j) * step + o] * at[k % 2][j];
                    }
                }
                assertThat((double) viaScalar[k * outputs + o]).isCloseTo(y, org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(y))));
            }
            for (int xi = 0; xi < 16; xi++) {
                assertThat(forScalar[2 + xi * step + o]).as("product %d of output %d, once read", xi, o).isZero();
            }
        }
    }

    /**
     * A product's random operands: A {@code (m,k)} from index 2, B {@code (k,n)} from 1 and C {@code (m,n)} from 3, each
     * with a leading dimension past its width.
     */
    private record Operands(int lda, int ldb, int ldc, float[] a, float[] b, float[] c) {
        static Operands draw(SplittableRandom random, int m, int n, int k) {
            int lda = k + 3;
            int ldb = n + 5;
            int ldc = n + 2;
            return new Operands(lda, ldb, ldc, sparse(random, 2 + m * lda), sparse(random, 1 + k * ldb),
                    sparse(random, 3 + m * ldc));
        }
    }

    private static float[] sparse(SplittableRandom random, int size) {
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextInt(4) == 0 ? 0f : (float) random.nextGaussian();
        }
        for (int i = random.nextInt(3); i < size; i += 7) {
            values[i] = 0f; // whole zero columns for some leading dimensions
        }
        return values;
    }

    @Property(tries = 200)
    void piecesPickTheLastCutPassedWithoutABranchAndMatchTheScalarLoop(@ForAll @IntRange(min = 1, max = 4) int pieces,
                                                                      @ForAll @IntRange(min = 0, max = 70) int count,
                                                                      @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] cuts = cuts(random, 1, pieces);
        boolean[] tieAbove = tiesAbove(random, pieces);
        float[] slopes = new float[2 + pieces];
        float[] constants = new float[2 + pieces];
        for (int j = 0; j < slopes.length; j++) {
            slopes[j] = random.nextInt(3) == 0 ? 0f : (float) random.nextGaussian();
            constants[j] = random.nextInt(3) == 0 ? 0f : (float) random.nextGaussian();
        }
        float[] in = new float[3 + count];
        for (int i = 0; i < in.length; i++) {
            int kind = random.nextInt(4);
            in[i] = kind == 0 ? -0f : kind == 1 && cuts.length > 1 ? cuts[1 + random.nextInt(cuts.length - 1)]
                    : (float) random.nextGaussian() * 2;
        }
        for (float[] withConstants : new float[][] {constants, null}) {
            float[] viaScalar = new float[2 + count];
            float[] viaBest = new float[2 + count];
            scalar.pieces(in, 3, count, pieces, cuts, 1, tieAbove, slopes, withConstants, 2, viaScalar, 2);
            best.pieces(in, 3, count, pieces, cuts, 1, tieAbove, slopes, withConstants, 2, viaBest, 2);
            for (int i = 0; i < count; i++) {
                float v = in[3 + i];
                int j = 0;
                for (int b = 0; b < pieces - 1; b++) {
                    if (v > cuts[1 + b] || v == cuts[1 + b] && tieAbove[b]) {
                        j = b + 1;
                    }
                }
                float y = slopes[2 + j] == 0f ? 0f : slopes[2 + j] * v;
                float expected = withConstants != null && constants[2 + j] != 0f ? y + constants[2 + j] : y;
                assertThat(Float.floatToRawIntBits(viaScalar[2 + i])).as("scalar, value %d: %s", i, v)
                        .isEqualTo(Float.floatToRawIntBits(expected));
            }
            assertSameValues(viaBest, viaScalar);
        }
    }

    @Property(tries = 60)
    void eachUnitsCoefficientIsItsPiecesOne(@ForAll @IntRange(min = 1, max = 6) int pieces,
                                            @ForAll @IntRange(min = 0, max = 70) int count, @ForAll long seed) {
        // up to four pieces by blends, more by the scalar loop; zeros of both signs kept as the pieces have them
        SplittableRandom random = new SplittableRandom(seed);
        float[] perPiece = new float[3 + pieces];
        for (int j = 0; j < perPiece.length; j++) {
            perPiece[j] = random.nextInt(3) == 0 ? (random.nextBoolean() ? 0f : -0f) : (float) random.nextGaussian();
        }
        int[] states = new int[2 + count];
        for (int i = 0; i < states.length; i++) {
            states[i] = random.nextInt(pieces);
        }
        float[] viaScalar = new float[1 + count + 2];
        float[] viaBest = new float[1 + count + 2];
        scalar.pieceCoefficients(states, 2, perPiece, 3, pieces, viaScalar, 1, count);
        best.pieceCoefficients(states, 2, perPiece, 3, pieces, viaBest, 1, count);
        float[] expected = new float[viaScalar.length];
        for (int i = 0; i < count; i++) {
            expected[1 + i] = perPiece[3 + states[2 + i]];
        }
        assertThat(rawBits(viaScalar)).containsExactly(rawBits(expected));
        assertThat(rawBits(viaBest)).containsExactly(rawBits(expected));
    }

    @Property(tries = 100)
    void aDiagonalAndItsTransposeKeepTheSignsOfZeroTheScalarLoopsKeep(@ForAll @IntRange(min = 0, max = 70) int count,
                                                                      @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] c = new float[4 + count]; // its first 4 are not read
        float[] in = new float[2 + count];
        float[] acc = new float[3 + count];
        for (int i = 0; i < count; i++) {
            c[4 + i] = random.nextInt(3) == 0 ? 0f : (float) random.nextGaussian();
            in[2 + i] = random.nextInt(4) == 0 ? -0f : (float) random.nextGaussian();
            acc[3 + i] = random.nextInt(4) == 0 ? -0f : (float) random.nextGaussian();
        }
        float[] viaScalar = new float[1 + count];
        float[] viaBest = new float[1 + count];
        scalar.scaled(in, 2, c, 4, viaScalar, 1, count);
        best.scaled(in, 2, c, 4, viaBest, 1, count);
        float[] sumScalar = acc.clone();
        float[] sumBest = acc.clone();
        scalar.addScaled(in, 2, c, 4, sumScalar, 3, count);
        best.addScaled(in, 2, c, 4, sumBest, 3, count);
        for (int i = 0; i < count; i++) {
            float product = c[4 + i] * in[2 + i];
            assertThat(Float.floatToRawIntBits(viaScalar[1 + i])).as("scaled %d", i)
                    .isEqualTo(Float.floatToRawIntBits(c[4 + i] == 0f ? 0f : product));
            assertThat(Float.floatToRawIntBits(sumScalar[3 + i])).as("added %d", i)
                    .isEqualTo(Float.floatToRawIntBits(c[4 + i] == 0f ? acc[3 + i] : acc[3 + i] + product));
            assertThat(Float.floatToRawIntBits(viaBest[1 + i])).isEqualTo(Float.floatToRawIntBits(viaScalar[1 + i]));
            assertThat(Float.floatToRawIntBits(sumBest[3 + i])).isEqualTo(Float.floatToRawIntBits(sumScalar[3 + i]));
        }
    }

    @Property(tries = 200)
    void pieceStatesCountTiesAndTheLeastMarginAsTheScalarLoopDoes(@ForAll @IntRange(min = 1, max = 4) int pieces,
                                                                 @ForAll @IntRange(min = 0, max = 70) int count,
                                                                 @ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] cuts = cuts(random, 2, pieces);
        boolean[] tieAbove = tiesAbove(random, pieces);
        float[] in = new float[1 + count];
        for (int i = 0; i < in.length; i++) {
            int kind = random.nextInt(5);
            in[i] = kind == 0 ? -0f : kind == 1 && pieces > 1 ? cuts[2 + random.nextInt(pieces - 1)]
                    : kind == 2 ? Float.NaN : (float) random.nextGaussian() * 2;
        }
        int[] viaScalar = new int[3 + count];
        int[] viaBest = new int[3 + count];
        float[] scalarMargin = {random.nextBoolean() ? Float.POSITIVE_INFINITY : 0.05f};
        float[] bestMargin = scalarMargin.clone();
        int scalarTies = scalar.pieceStates(in, 1, count, pieces, cuts, 2, tieAbove, viaScalar, 3, scalarMargin);
        int bestTies = best.pieceStates(in, 1, count, pieces, cuts, 2, tieAbove, viaBest, 3, bestMargin);
        assertThat(viaBest).isEqualTo(viaScalar);
        assertThat(bestTies).isEqualTo(scalarTies);
        assertThat(Float.floatToRawIntBits(bestMargin[0])).isEqualTo(Float.floatToRawIntBits(scalarMargin[0]));
        float[] pieceValues = new float[count];
        float[] slopes = new float[pieces];
        for (int j = 0; j < pieces; j++) {
            slopes[j] = j + 1; // piece j multiplies by j + 1: the value names the piece
        }
        scalar.pieces(in, 1, count, pieces, cuts, 2, tieAbove, slopes, null, 0, pieceValues, 0);
        for (int i = 0; i < count; i++) {
            if (in[1 + i] == in[1 + i] && in[1 + i] != 0f) {
                assertThat(Math.round(pieceValues[i] / in[1 + i])).as("the piece pieces() applies at %s", in[1 + i])
                        .isEqualTo(viaScalar[3 + i] + 1);
            }
        }
    }

    /** The pieces - 1 ascending cuts of a piecewise-linear function from {@code offset}, equal neighbours too. */
    private static float[] cuts(SplittableRandom random, int offset, int pieces) {
        float[] cuts = new float[offset + pieces - 1];
        for (int b = offset, at = -2; b < cuts.length; b++) {
            at += random.nextInt(3); // equal neighbours too: the later cut's tie rule decides
            cuts[b] = at * 0.5f;
        }
        return cuts;
    }

    private static boolean[] tiesAbove(SplittableRandom random, int pieces) {
        boolean[] tieAbove = new boolean[pieces - 1];
        for (int b = 0; b < tieAbove.length; b++) {
            tieAbove[b] = random.nextBoolean();
        }
        return tieAbove;
    }
}
