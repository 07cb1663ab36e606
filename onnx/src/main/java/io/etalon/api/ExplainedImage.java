package io.etalon.api;

import io.etalon.pattern.Census;
import io.etalon.pattern.NearTie;
import io.etalon.pattern.Pattern;
import io.etalon.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * One input explained: the network's scores on it, its activation pattern (the etalon subgraph: which ReLUs are on and
 * which pool inputs won) and the etalons of the requested neurons.
 *
 * @param input          X, the values {@code <W, X> + b} uses: the photo after resizing and cropping, before the
 *                       normalisation folded into the network (copied in and out)
 * @param shape          X's shape, e.g. {@code [1, 28, 28]} or {@code [3, 224, 224]}
 * @param scores         the network's outputs on X, one per class (copied in and out)
 * @param predicted      the index of the largest score (the first on ties)
 * @param predictedClass its class name when class names were given, else null
 * @param neurons        one per requested neuron, in the order of the specs; ranked ones ({@code top:K}) best first
 * @param pattern        the activation pattern, with per layer its tie counts and smallest margin (immutable)
 * @param nearTies       the decisions (a ReLU input or a pool's two best values) within a relative margin of
 *                       {@link Etalons#NEAR_TIE_THRESHOLD} of turning, closest first: where float64 or another engine
 *                       may take the other side and so give the etalon of a neighbouring region (empty when not
 *                       listed, see {@link Etalons#withNearTies})
 */
public record ExplainedImage(float[] input, Shape shape, float[] scores, int predicted, String predictedClass,
                             List<ExplainedNeuron> neurons, Pattern pattern, List<NearTie> nearTies) {

    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException if the input does not have {@code shape.size()} values
     */
    public ExplainedImage {
        if (input.length != shape.size()) {
            throw new IllegalArgumentException(input.length + " input values for shape " + shape);
        }
        input = input.clone();
        scores = scores.clone();
        neurons = List.copyOf(neurons);
        nearTies = List.copyOf(nearTies);
    }

    /**
     * X. Cost: a copy.
     *
     * @return a new array of {@code shape.size()} values, row-major
     */
    @Override
    public float[] input() {
        return input.clone();
    }

    /**
     * The network's outputs on X. Cost: a copy.
     *
     * @return a new array, one score per output
     */
    @Override
    public float[] scores() {
        return scores.clone();
    }

    /**
     * The largest exactness residual over the neurons. Cost: one pass over the neurons.
     *
     * @return {@code max_p |NET(X)_p - (<W_p, X> + b_p)|}, 0 for no neurons
     */
    public double maxResidual() {
        return neurons.stream().mapToDouble(ExplainedNeuron::residual).max().orElse(0);
    }

    /**
     * The largest relative exactness residual over the neurons: below 1e-5 on every model tested. Cost: one pass over
     * the neurons.
     *
     * @return the largest {@link ExplainedNeuron#relativeResidual()}, 0 for no neurons
     */
    public double maxRelativeResidual() {
        return neurons.stream().mapToDouble(ExplainedNeuron::relativeResidual).max().orElse(0);
    }

    /**
     * A 64-bit fingerprint of the etalons of the requested neurons, in order (bit patterns, 0 and -0 alike): images
     * whose fingerprints differ use different linear rules for those neurons. This is what the census counts as an
     * image's output etalons. Cost: one pass over the etalons.
     *
     * @return equal for equal etalons; different etalons collide with probability about 2^-64
     */
    public long etalonFingerprint() {
        return Census.fingerprint(neurons.stream().map(ExplainedNeuron::etalon).toList());
    }

    /**
     * Equal answers: the same values in every array (not the same arrays) and equal neurons, pattern and near-ties.
     * Cost: linear in the answer's size.
     *
     * @return whether {@code other} is an equal {@code ExplainedImage}
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof ExplainedImage e && Arrays.equals(input, e.input) && shape.equals(e.shape)
                && Arrays.equals(scores, e.scores) && predicted == e.predicted
                && java.util.Objects.equals(predictedClass, e.predictedClass) && neurons.equals(e.neurons)
                && pattern.equals(e.pattern) && nearTies.equals(e.nearTies);
    }

    /**
     * A hash consistent with {@link #equals}. Cost: linear in the answer's size.
     *
     * @return a hash of the scores and neurons
     */
    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(scores) + neurons.hashCode();
    }

    /**
     * A one-line summary, without the arrays. Cost: constant.
     *
     * @return e.g. {@code ExplainedImage[1x28x28, predicted 7, 10 neuron(s), max relative residual 2.1E-7]}
     */
    @Override
    public String toString() {
        return "ExplainedImage[" + shape + ", predicted " + predicted + (predictedClass == null ? "" : " (" + predictedClass
                + ")") + ", " + neurons.size() + " neuron(s), max relative residual " + maxRelativeResidual() + "]";
    }
}
