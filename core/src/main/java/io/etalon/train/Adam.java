package io.etalon.train;

/**
 * Adam (Kingma and Ba) with bias correction and optional decoupled weight decay (AdamW, applied to weights,
 * not biases): {@code m = b1 m + (1-b1) g}, {@code v = b2 v + (1-b2) g^2},
 * {@code theta -= lr * mHat / (sqrt(vHat) + eps)}. Holds its moment estimates; parameters are updated in place.
 */
final class Adam {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final float[][] first;
    private final float[][] second;
    private int step;

    /** @param sizes length of each parameter array */
    Adam(int[] sizes) {
        first = new float[sizes.length][];
        second = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            first[i] = new float[sizes[i]];
            second[i] = new float[sizes[i]];
        }
    }

    /**
     * One step.
     *
     * @param parameters modified in place
     * @param gradients  not modified
     * @param decayed    which parameter arrays get weight decay
     */
    void step(float[][] parameters, float[][] gradients, double learningRate, boolean[] decayed, double weightDecay) {
        step++;
        double correction1 = 1 - Math.pow(BETA1, step);
        double correction2 = 1 - Math.pow(BETA2, step);
        float stepSize = (float) (learningRate / correction1);
        float rootCorrection2 = (float) Math.sqrt(correction2);
        for (int i = 0; i < parameters.length; i++) {
            float[] theta = parameters[i];
            float[] g = gradients[i];
            float[] m = first[i];
            float[] v = second[i];
            float shrink = decayed[i] ? (float) (1 - learningRate * weightDecay) : 1f;
            for (int k = 0; k < theta.length; k++) {
                m[k] = (float) (BETA1 * m[k] + (1 - BETA1) * g[k]);
                v[k] = (float) (BETA2 * v[k] + (1 - BETA2) * g[k] * g[k]);
                theta[k] = shrink * theta[k] - stepSize * m[k] / ((float) Math.sqrt(v[k]) / rootCorrection2 + (float) EPSILON);
            }
        }
    }
}
