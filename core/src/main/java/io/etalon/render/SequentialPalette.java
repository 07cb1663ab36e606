package io.etalon.render;

/**
 * How a magnitude in {@code [0, 1]} (after clipping) becomes a colour: white for 0 through lavender to deep violet
 * for 1. Violet is neither the red nor the blue of the signed maps, so an |etalon| picture is not mistaken for a
 * signed one.
 */
public final class SequentialPalette {

    // stops at t = 0, 0.5 and 1
    private static final int[][] STOPS = {{255, 255, 255}, {166, 152, 205}, {60, 0, 120}};

    private SequentialPalette() {
    }

    /** Packed {@code 0xRRGGBB} of a magnitude in {@code [0, 1]} (values outside are clamped). */
    public static int rgb(double t) {
        double x = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
        int low = Math.min((int) x, STOPS.length - 2);
        double f = x - low;
        int rgb = 0;
        for (int k = 0; k < 3; k++) {
            int level = (int) Math.round(STOPS[low][k] + f * (STOPS[low + 1][k] - STOPS[low][k]));
            rgb = (rgb << 8) | Math.max(0, Math.min(255, level));
        }
        return rgb;
    }
}
