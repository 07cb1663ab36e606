package io.etalon.api;

import io.etalon.tensor.Shape;
import java.util.Arrays;

/**
 * One neuron p explained for one input X: inside X's linear region {@code NET(X)_p = <W_p, X> + b_p}, where W_p, the
 * etalon image, has the shape of X.
 *
 * @param neuron           the neuron as the specs write it, {@code layer:index} (e.g. {@code logits:281})
 * @param layer            the layer (the op's or the ONNX node's output name)
 * @param index            the flat index of the neuron in its layer's output
 * @param coordinates      the index as coordinates in the layer's shape, e.g. {@code {281}} or {@code {c, h, w}}
 *                         (copied in and out)
 * @param className        the class name of an output neuron when class names were given, else null
 * @param score            {@code NET(X)_p} from the ordinary forward pass (float32)
 * @param bias             {@code b_p}
 * @param residual         the exactness residual {@code |NET(X)_p - (<W_p, X> + b_p)|}, computed in double
 * @param relativeResidual the residual over the round-off scale {@code |b_p| + sum_i |W_p,i X_i|}: below 1e-5 on
 *                         every model tested
 * @param shape            the input's shape, which {@code etalon} has, e.g. {@code [3, 224, 224]}
 * @param etalon           W_p, row-major in {@code shape} (copied in and out)
 */
public record ExplainedNeuron(String neuron, String layer, int index, int[] coordinates, String className, double score,
                              double bias, double residual, double relativeResidual, Shape shape, float[] etalon) {

    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException if the etalon does not have {@code shape.size()} values
     */
    public ExplainedNeuron {
        if (etalon.length != shape.size()) {
            throw new IllegalArgumentException("etalon of " + neuron + " has " + etalon.length + " values for shape " + shape);
        }
        coordinates = coordinates.clone();
        etalon = etalon.clone();
    }

    /**
     * The neuron's index as coordinates in its layer's shape. Cost: a copy.
     *
     * @return a new array, e.g. {@code {281}} or {@code {c, h, w}}
     */
    @Override
    public int[] coordinates() {
        return coordinates.clone();
    }

    /**
     * W_p, the etalon image. Cost: a copy.
     *
     * @return a new array, one float per input value, row-major in {@link #shape()}
     */
    @Override
    public float[] etalon() {
        return etalon.clone();
    }

    /**
     * The contribution map {@code X (.) W_p}, which sums to {@code score - bias}. Cost: one pass over the etalon.
     *
     * @param input not modified; the X this neuron was explained for ({@link ExplainedImage#input()})
     * @return a new array of the input's size
     * @throws IllegalArgumentException if {@code input} is not of the etalon's size
     */
    public float[] contributions(float[] input) {
        if (input.length != etalon.length) {
            throw new IllegalArgumentException(input.length + " input values for an etalon of " + shape);
        }
        float[] map = new float[etalon.length];
        for (int i = 0; i < map.length; i++) {
            map[i] = input[i] * etalon[i];
        }
        return map;
    }

    /**
     * Equal neurons: the same values in the arrays (not the same arrays) and the same numbers, compared exactly. Cost:
     * linear in the etalon's size.
     *
     * @return whether {@code other} is an equal {@code ExplainedNeuron}
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ExplainedNeuron n && neuron.equals(n.neuron) && Arrays.equals(coordinates, n.coordinates)
                && java.util.Objects.equals(className, n.className) && Double.compare(score, n.score) == 0
                && Double.compare(bias, n.bias) == 0 && Double.compare(residual, n.residual) == 0
                && Double.compare(relativeResidual, n.relativeResidual) == 0 && shape.equals(n.shape)
                && Arrays.equals(etalon, n.etalon);
    }

    /**
     * A hash consistent with {@link #equals}. Cost: linear in the etalon's size.
     *
     * @return a hash of the neuron and its etalon
     */
    @Override
    public int hashCode() {
        return 31 * neuron.hashCode() + Arrays.hashCode(etalon);
    }

    /**
     * A one-line summary: the identity with its numbers, without the etalon. Cost: constant.
     *
     * @return e.g. {@code output:7: score 12.3 = <W, X> + -0.52 (residual 1.9e-06)}
     */
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s%s: score %.6g = <W, X> + %.6g (residual %.2g)", neuron,
                className == null ? "" : " (" + className + ")", score, bias, residual);
    }
}
