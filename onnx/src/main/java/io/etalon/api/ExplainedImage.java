package io.etalon.api;

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
 *                       may take the other side and so give the etalon of a neighbouring region
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

    @Override
    public float[] input() {
        return input.clone();
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    /** The largest exactness residual over the neurons. */
    public double maxResidual() {
        return neurons.stream().mapToDouble(ExplainedNeuron::residual).max().orElse(0);
    }

    /** The largest relative exactness residual over the neurons. */
    public double maxRelativeResidual() {
        return neurons.stream().mapToDouble(ExplainedNeuron::relativeResidual).max().orElse(0);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ExplainedImage e && Arrays.equals(input, e.input) && shape.equals(e.shape)
                && Arrays.equals(scores, e.scores) && predicted == e.predicted
                && java.util.Objects.equals(predictedClass, e.predictedClass) && neurons.equals(e.neurons)
                && pattern.equals(e.pattern) && nearTies.equals(e.nearTies);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(scores) + neurons.hashCode();
    }

    @Override
    public String toString() {
        return "ExplainedImage[" + shape + ", predicted " + predicted + (predictedClass == null ? "" : " (" + predictedClass
                + ")") + ", " + neurons.size() + " neuron(s), max relative residual " + maxRelativeResidual() + "]";
    }
}
