package io.etalon.bench;

/** The k best classes of a score row, as both engines of the ImageNet-size comparison pick them. */
final class TopClasses {

    private TopClasses() {
    }

    /**
     * The indices of the {@code k} largest of {@code scores[offset .. offset+n)}, largest first; of equal scores the
     * lower index comes first.
     */
    static int[] of(float[] scores, int offset, int n, int k) {
        if (k > n) {
            throw new IllegalArgumentException(k + " best classes of " + n);
        }
        int[] top = new int[k];
        boolean[] taken = new boolean[n];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int i = 0; i < n; i++) {
                if (!taken[i] && (best < 0 || scores[offset + i] > scores[offset + best])) {
                    best = i;
                }
            }
            taken[best] = true;
            top[j] = best;
        }
        return top;
    }
}
