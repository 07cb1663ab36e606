package io.etalon.render;

/**
 * How a signed etalon value in {@code [-1, 1]} (after per-image symmetric scaling) becomes a colour.
 * {@link #GREY} is the paper's: 0 is mid grey, positive (attention) white, negative (ignoring) black.
 * {@link #DIVERGING} maps negative to blue and positive to red through white, for readers who prefer colour.
 */
public enum Palette {
    GREY {
        @Override
        public int rgb(double v) {
            int level = clamp((int) Math.round(127.5 + 127.5 * v));
            return (level << 16) | (level << 8) | level;
        }
    },
    DIVERGING {
        @Override
        public int rgb(double v) {
            // white at 0; towards (178,24,43) for +1 and (33,102,172) for -1
            double t = Math.min(1, Math.abs(v));
            int[] end = v >= 0 ? new int[] {178, 24, 43} : new int[] {33, 102, 172};
            int r = clamp((int) Math.round(255 + (end[0] - 255) * t));
            int g = clamp((int) Math.round(255 + (end[1] - 255) * t));
            int b = clamp((int) Math.round(255 + (end[2] - 255) * t));
            return (r << 16) | (g << 8) | b;
        }
    };

    /** Packed {@code 0xRRGGBB} of a value in {@code [-1, 1]}. */
    public abstract int rgb(double v);

    private static int clamp(int level) {
        return Math.max(0, Math.min(255, level));
    }
}
