package io.etalon.train;

/**
 * Softmax cross-entropy on raw scores. The softmax lives only here, inside the loss: the network itself ends in
 * its last affine layer, as the paper requires for etalons.
 */
final class CrossEntropy {

    private CrossEntropy() {
    }

    /**
     * Loss summed over {@code n} samples, and its gradient with respect to the scores scaled by {@code scale}.
     *
     * @param scores   not modified; {@code (n, classes)}
     * @param labels   not modified; labels of samples {@code offset .. offset+n-1}
     * @param gradient modified (overwritten); {@code (n, classes)}: {@code scale * (softmax - onehot)}
     */
    static double lossAndGradient(float[] scores, int n, int classes, int[] labels, int offset, float scale,
                                  float[] gradient) {
        double loss = 0;
        for (int s = 0; s < n; s++) {
            int base = s * classes;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, scores[base + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(scores[base + c] - max);
            }
            int label = labels[offset + s];
            loss += Math.log(sum) - (scores[base + label] - max);
            for (int c = 0; c < classes; c++) {
                double probability = Math.exp(scores[base + c] - max) / sum;
                gradient[base + c] = (float) (scale * (probability - (c == label ? 1 : 0)));
            }
        }
        return loss;
    }
}
