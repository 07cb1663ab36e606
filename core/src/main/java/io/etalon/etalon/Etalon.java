package io.etalon.etalon;

import io.etalon.tensor.Floats;
import io.etalon.tensor.Shape;

/**
 * The etalon of one input X for one neuron p: inside X's linear region {@code NET(X)_p = <W_p, X> + b_p}.
 *
 * @param neuron           the neuron p
 * @param shape            the input's shape, which the weights have
 * @param weights          the etalon image W_p (copied in and out)
 * @param bias             b_p: the frozen pass of the zero image with biases kept, or equivalently the biases
 *                         gathered along the transposed pass
 * @param score            NET(X)_p from the ordinary forward pass (float32)
 * @param residual         {@code |NET(X)_p - (<W_p, X> + b_p)|}, computed in double
 * @param relativeResidual the residual over the round-off scale {@code biasScale + sum_i |W_p,i X_i|}, where the bias
 *                         scale is {@code |b_p|} or, when b_p was summed from many terms, the sum of their magnitudes
 */
public record Etalon(Neuron neuron, Shape shape, float[] weights, double bias, double score, double residual,
                     double relativeResidual) {

    public Etalon {
        if (weights.length != shape.size()) {
            throw new IllegalArgumentException("etalon of " + neuron + " has " + weights.length + " weights for shape " + shape);
        }
        weights = weights.clone();
    }

    /**
     * Builds an etalon and measures its exactness residual against the input it explains.
     *
     * @param biasScale the round-off scale of the bias: {@code |bias|}, or the sum of the magnitudes of the terms it
     *                  was summed from (cancelling terms make float round-off larger than {@code |bias|} suggests)
     * @param input     not modified; the image X
     */
    public static Etalon of(Neuron neuron, Shape shape, float[] weights, double bias, double biasScale, double score,
                            float[] input) {
        double linear = Floats.dotDouble(weights, 0, input, 0, input.length);
        double residual = Math.abs(score - (linear + bias));
        double scale = Math.max(Math.abs(bias), biasScale) + Floats.absDotDouble(weights, 0, input, 0, input.length);
        return new Etalon(neuron, shape, weights, bias, score, residual, scale == 0 ? residual : residual / scale);
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    /** One weight, without copying. */
    public float weight(int pixel) {
        return weights[pixel];
    }

    /** The contribution map {@code X (.) W_p}: it sums to {@code score - bias}. */
    public float[] contributions(float[] input) {
        float[] map = new float[weights.length];
        for (int i = 0; i < map.length; i++) {
            map[i] = input[i] * weights[i];
        }
        return map;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Etalon etalon && neuron.equals(etalon.neuron) && shape.equals(etalon.shape)
                && java.util.Arrays.equals(weights, etalon.weights) && Double.compare(bias, etalon.bias) == 0
                && Double.compare(score, etalon.score) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * neuron.hashCode() + java.util.Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return String.format("Etalon(%s, score %.6g, bias %.6g, residual %.3g)", neuron, score, bias, residual);
    }
}
