package io.etalon.render;

import java.util.List;

/**
 * Where a colour scale saturates: a stated percentile of the magnitudes {@code |v|} of one map or of several maps
 * pooled together, so that a few strong pixels do not wash out the rest. Values beyond {@code ±value} are drawn
 * at full colour; the picture says so in its legend.
 *
 * <p>The percentile interpolates linearly between order statistics, as numpy's {@code percentile} does by default:
 * for magnitudes sorted ascending {@code a[0..n-1]}, position {@code q/100 * (n-1)}. When that is 0 but some value
 * is not (a map that is zero almost everywhere), the scale is the largest magnitude instead, so the few non-zero
 * pixels still show. Example: the 99th percentile of {@code |1..101|} is 100; of {@code {0, 0, 0, 4}} it is 3.88.
 *
 * @param percentile the stated percentile, in {@code (0, 100]}
 * @param value      the magnitude drawn at full colour; 0 only when every value is 0
 */
public record ClipScale(double percentile, double value) {

    /** The percentile used unless the user states another. */
    public static final double DEFAULT_PERCENTILE = 99;

    public ClipScale {
        checkPercentile(percentile);
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("a clip value must be finite and non-negative, got " + value);
        }
    }

    /**
     * The scale of one map.
     *
     * @param values not modified
     */
    public static ClipScale of(float[] values, double percentile) {
        return shared(List.of(values), percentile);
    }

    /**
     * One scale for several maps drawn side by side (a row of a figure): the percentile of all their magnitudes
     * pooled, so equal colours mean equal values across the row.
     *
     * @param maps not modified
     */
    public static ClipScale shared(List<float[]> maps, double percentile) {
        checkPercentile(percentile);
        long total = 0;
        for (float[] map : maps) {
            total += map.length;
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many values for one clip scale: " + total);
        }
        float[] magnitudes = new float[(int) total];
        int at = 0;
        float largest = 0;
        for (float[] map : maps) {
            for (float v : map) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException("a map to draw holds " + v + "; only finite values can be drawn");
                }
                magnitudes[at++] = Math.abs(v);
                largest = Math.max(largest, Math.abs(v));
            }
        }
        if (magnitudes.length == 0) {
            return new ClipScale(percentile, 0);
        }
        double position = percentile / 100 * (magnitudes.length - 1);
        int below = (int) Math.floor(position);
        // the two order statistics the percentile lies between, as a sort would place them, without the sort (which
        // took a quarter of the time to draw a photo's views): the next value up is the least of those above
        float low = select(magnitudes, below);
        float high = low;
        if (below + 1 < magnitudes.length) {
            high = magnitudes[below + 1];
            for (int i = below + 2; i < magnitudes.length; i++) {
                high = Math.min(high, magnitudes[i]);
            }
        }
        double value = low + (position - below) * ((double) high - low);
        return new ClipScale(percentile, value > 0 ? value : largest);
    }

    /**
     * The k-th least of {@code values} (from 0), which are finite: the array is reordered so that it stands at k, the
     * values before it are no greater and those after it no less (Hoare's selection, the middle value as pivot).
     */
    static float select(float[] values, int k) {
        int from = 0;
        int to = values.length - 1;
        while (from < to) {
            float pivot = values[(from + to) >>> 1];
            int i = from;
            int j = to;
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float swap = values[i];
                    values[i++] = values[j];
                    values[j--] = swap;
                }
            }
            if (k <= j) {
                to = j;
            } else if (k >= i) {
                from = i;
            } else {
                break; // between j and i every value equals the pivot
            }
        }
        return values[k];
    }

    /** {@code v} on this scale, clamped to {@code [-1, 1]}; 0 when the scale is 0. */
    public double unit(double v) {
        return value == 0 ? 0 : Math.max(-1, Math.min(1, v / value));
    }

    /** The percentile as words, e.g. {@code 99th percentile} or {@code 99.5th percentile}. */
    public String percentileName() {
        if (percentile != Math.rint(percentile)) {
            return percentile + "th percentile";
        }
        long whole = (long) percentile;
        String suffix = whole % 100 >= 11 && whole % 100 <= 13 ? "th"
                : switch ((int) (whole % 10)) {
                    case 1 -> "st";
                    case 2 -> "nd";
                    case 3 -> "rd";
                    default -> "th";
                };
        return whole + suffix + " percentile";
    }

    private static void checkPercentile(double percentile) {
        if (!(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("a clip percentile must be in (0, 100], got " + percentile);
        }
    }
}
