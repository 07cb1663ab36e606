package io.etalon.tensor;

/** Small loops over {@code float[]} that several packages need. None allocates unless its name says so. */
public final class Floats {

    private Floats() {
    }

    /** Index of the first NaN or infinite value, or -1 if all are finite. Not modified: {@code values}. */
    public static int firstNonFinite(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    /** {@code sum_i a[aOffset+i] * b[bOffset+i]} accumulated in double, for length {@code n}. */
    public static double dotDouble(float[] a, int aOffset, float[] b, int bOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += (double) a[aOffset + i] * b[bOffset + i];
        }
        return sum;
    }

    /** {@code sum_i |a[aOffset+i] * b[bOffset+i]|} in double: the scale against which round-off is judged. */
    public static double absDotDouble(float[] a, int aOffset, float[] b, int bOffset, int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.abs((double) a[aOffset + i] * b[bOffset + i]);
        }
        return sum;
    }

    /** Index of the largest value (first on ties) among {@code values[offset .. offset+n)}, relative to offset. */
    public static int argmax(float[] values, int offset, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
