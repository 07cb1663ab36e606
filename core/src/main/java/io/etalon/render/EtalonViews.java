package io.etalon.render;

/**
 * The maps a person reads from a colour etalon {@code W} (shape {@code (C, H, W)}) and its input {@code X} (same
 * shape), each {@code (H, W)} row-major:
 * <ul>
 *   <li>{@link #channelSum}: {@code sum_c W[c]}, how much the score rises when the pixel gets brighter in every
 *       channel at once (the signed heat map);</li>
 *   <li>{@link #magnitude}: its absolute value;</li>
 *   <li>{@link #contribution}: {@code sum_c X[c] * W[c]}, each pixel's share of the score: the map adds up to
 *       {@code <W, X> = score - bias}.</li>
 * </ul>
 * The raw per-channel etalon is kept elsewhere ({@code etalons.npy}); these are only for pictures. Sums over
 * channels are taken in double and rounded once.
 */
public final class EtalonViews {

    private EtalonViews() {
    }

    /**
     * {@code sum_c W[c]}.
     *
     * @param weights not modified; {@code (channels, height, width)}
     * @return a new {@code (height, width)} map
     */
    public static float[] channelSum(float[] weights, int channels, int height, int width) {
        checkLength(weights, channels, height, width, "etalon");
        int plane = height * width;
        float[] map = new float[plane];
        for (int i = 0; i < plane; i++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += weights[c * plane + i];
            }
            map[i] = (float) sum;
        }
        return map;
    }

    /**
     * {@code |v|} of every value.
     *
     * @param map not modified
     * @return a new map of the same length
     */
    public static float[] magnitude(float[] map) {
        float[] magnitudes = new float[map.length];
        for (int i = 0; i < map.length; i++) {
            magnitudes[i] = Math.abs(map[i]);
        }
        return magnitudes;
    }

    /**
     * {@code sum_c X[c] * W[c]}: the map's values add up to {@code <W, X>}, i.e. {@code score - bias}.
     *
     * @param input   not modified; X, {@code (channels, height, width)}
     * @param weights not modified; W, {@code (channels, height, width)}
     * @return a new {@code (height, width)} map
     */
    public static float[] contribution(float[] input, float[] weights, int channels, int height, int width) {
        checkLength(input, channels, height, width, "input");
        checkLength(weights, channels, height, width, "etalon");
        int plane = height * width;
        float[] map = new float[plane];
        for (int i = 0; i < plane; i++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += (double) input[c * plane + i] * weights[c * plane + i];
            }
            map[i] = (float) sum;
        }
        return map;
    }

    private static void checkLength(float[] values, int channels, int height, int width, String what) {
        if (channels < 1 || height < 1 || width < 1 || values.length != (long) channels * height * width) {
            throw new IllegalArgumentException("the " + what + " has " + values.length + " values, not " + channels + "x"
                    + height + "x" + width);
        }
    }
}
