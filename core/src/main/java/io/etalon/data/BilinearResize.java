package io.etalon.data;

/**
 * Bilinear resampling with antialiasing, computed exactly as PIL's {@code Image.resize(size, Image.BILINEAR)} does
 * (libImaging/Resample.c), which is what torchvision's {@code Resize} does to a PIL image.
 *
 * <p>The filter is the triangle {@code max(0, 1 - |t|)}, stretched by the reduction factor when shrinking (support
 * {@code max(1, in/out)} source pixels either side), so every source pixel contributes: that is the antialiasing. For
 * output pixel {@code i} the centre is {@code (i + 0.5) in/out}; the source pixels {@code [int(centre - support +
 * 0.5), int(centre + support + 0.5))} clipped to the image get weights {@code filter((j - centre + 0.5) / max(1, in/out))},
 * normalised to sum 1. Rows are resampled first (horizontal pass), then columns; a pass whose size does not change is
 * skipped.
 *
 * <p>Two arithmetics, as PIL has:
 * <ul>
 * <li>8-bit images (every value a multiple of 1/255, as decoded 8-bit photos are): weights rounded to fixed point with
 *     22 fraction bits, sums started at one half, and the result of each pass truncated and clamped to 0..255, so the
 *     intermediate image is 8-bit as PIL's is. The output equals PIL's bit for bit.</li>
 * <li>any other values (16-bit photos, luminance): double weights and sums, stored as float, as PIL's mode {@code F}.</li>
 * </ul>
 *
 * <p>Example: {@code float[] small = BilinearResize.resize(rgb, 3, 300, 451, 256, 384);}
 */
public final class BilinearResize {

    /** Fraction bits of PIL's fixed-point weights for 8-bit images: 32 - 8 - 2. */
    private static final int PRECISION_BITS = 22;

    private BilinearResize() {
    }

    /**
     * Resamples an image to a new size.
     *
     * @param image not modified; {@code (channels, height, width)} row-major values
     * @return a new {@code (channels, outHeight, outWidth)} image
     */
    public static float[] resize(float[] image, int channels, int height, int width, int outHeight, int outWidth) {
        if (channels <= 0 || height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0
                || image.length != (long) channels * height * width) {
            throw new IllegalArgumentException("cannot resize " + image.length + " values as " + channels + "x" + height
                    + "x" + width + " to " + outHeight + "x" + outWidth);
        }
        int[] levels = eightBit(image);
        float[] out = new float[channels * outHeight * outWidth];
        for (int c = 0; c < channels; c++) {
            int in = c * height * width;
            int at = c * outHeight * outWidth;
            if (levels != null) {
                int[] plane = java.util.Arrays.copyOfRange(levels, in, in + height * width);
                int[] rows = width == outWidth ? plane : horizontal8(plane, height, width, outWidth);
                int[] both = height == outHeight ? rows : vertical8(rows, height, outWidth, outHeight);
                for (int i = 0; i < both.length; i++) {
                    out[at + i] = both[i] / 255f;
                }
            } else {
                float[] plane = java.util.Arrays.copyOfRange(image, in, in + height * width);
                float[] rows = width == outWidth ? plane : horizontalFloat(plane, height, width, outWidth);
                float[] both = height == outHeight ? rows : verticalFloat(rows, height, outWidth, outHeight);
                System.arraycopy(both, 0, out, at, both.length);
            }
        }
        return out;
    }

    /** The values times 255 when all are whole levels 0..255, else null. */
    private static int[] eightBit(float[] image) {
        int[] levels = new int[image.length];
        for (int i = 0; i < image.length; i++) {
            int level = Math.round(image[i] * 255);
            if (level < 0 || level > 255 || level / 255f != image[i]) {
                return null;
            }
            levels[i] = level;
        }
        return levels;
    }

    /**
     * PIL's weights for resampling {@code inSize} pixels to {@code outSize} (precompute_coeffs): for output pixel
     * {@code i}, {@code first[i]} and {@code count[i]} name its source pixels and {@code weights[i]} their weights.
     */
    record Weights(int[] first, int[] count, double[][] weights) {

        static Weights of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(1.0, scale);
            double support = filterScale;
            // PIL multiplies by the reciprocal rather than dividing; the last bit of a weight can differ otherwise
            double reciprocal = 1.0 / filterScale;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            double[][] weights = new double[outSize][];
            for (int i = 0; i < outSize; i++) {
                double centre = (i + 0.5) * scale;
                // C's (int) truncates toward zero, as Java's cast does
                int min = Math.max(0, (int) (centre - support + 0.5));
                int max = Math.min(inSize, (int) (centre + support + 0.5));
                double[] w = new double[max - min];
                double sum = 0;
                for (int j = 0; j < w.length; j++) {
                    w[j] = triangle((j + min - centre + 0.5) * reciprocal);
                    sum += w[j];
                }
                for (int j = 0; j < w.length; j++) {
                    if (sum != 0) {
                        w[j] /= sum;
                    }
                }
                first[i] = min;
                count[i] = w.length;
                weights[i] = w;
            }
            return new Weights(first, count, weights);
        }

        /** The weights in fixed point, rounded half away from zero (normalize_coeffs_8bpc). */
        int[][] fixedPoint() {
            int[][] fixed = new int[weights.length][];
            for (int i = 0; i < weights.length; i++) {
                fixed[i] = new int[weights[i].length];
                for (int j = 0; j < weights[i].length; j++) {
                    double w = weights[i][j] * (1 << PRECISION_BITS);
                    fixed[i][j] = (int) (w < 0 ? w - 0.5 : w + 0.5);
                }
            }
            return fixed;
        }
    }

    private static double triangle(double t) {
        double x = Math.abs(t);
        return x < 1.0 ? 1.0 - x : 0.0;
    }

    /** PIL's clip8: the sum's integer part, clamped to 0..255. */
    private static int clip8(int sum) {
        return Math.max(0, Math.min(255, sum >> PRECISION_BITS));
    }

    // in (height, width), out (height, outWidth)
    private static int[] horizontal8(int[] in, int height, int width, int outWidth) {
        Weights weights = Weights.of(width, outWidth);
        int[][] k = weights.fixedPoint();
        int[] out = new int[height * outWidth];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < outWidth; x++) {
                int sum = 1 << (PRECISION_BITS - 1);
                int from = y * width + weights.first()[x];
                for (int j = 0; j < weights.count()[x]; j++) {
                    sum += in[from + j] * k[x][j];
                }
                out[y * outWidth + x] = clip8(sum);
            }
        }
        return out;
    }

    // in (height, width), out (outHeight, width)
    private static int[] vertical8(int[] in, int height, int width, int outHeight) {
        Weights weights = Weights.of(height, outHeight);
        int[][] k = weights.fixedPoint();
        int[] out = new int[outHeight * width];
        for (int y = 0; y < outHeight; y++) {
            int first = weights.first()[y];
            for (int x = 0; x < width; x++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int j = 0; j < weights.count()[y]; j++) {
                    sum += in[(first + j) * width + x] * k[y][j];
                }
                out[y * width + x] = clip8(sum);
            }
        }
        return out;
    }

    // in (height, width), out (height, outWidth)
    private static float[] horizontalFloat(float[] in, int height, int width, int outWidth) {
        Weights weights = Weights.of(width, outWidth);
        float[] out = new float[height * outWidth];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < outWidth; x++) {
                double sum = 0;
                int from = y * width + weights.first()[x];
                for (int j = 0; j < weights.count()[x]; j++) {
                    sum += in[from + j] * weights.weights()[x][j];
                }
                out[y * outWidth + x] = (float) sum;
            }
        }
        return out;
    }

    // in (height, width), out (outHeight, width)
    private static float[] verticalFloat(float[] in, int height, int width, int outHeight) {
        Weights weights = Weights.of(height, outHeight);
        float[] out = new float[outHeight * width];
        for (int y = 0; y < outHeight; y++) {
            int first = weights.first()[y];
            for (int x = 0; x < width; x++) {
                double sum = 0;
                for (int j = 0; j < weights.count()[y]; j++) {
                    sum += in[(first + j) * width + x] * weights.weights()[y][j];
                }
                out[y * width + x] = (float) sum;
            }
        }
        return out;
    }
}
