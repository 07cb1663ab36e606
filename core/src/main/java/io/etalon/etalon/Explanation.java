package io.etalon.etalon;

import io.etalon.pattern.Pattern;
import java.util.List;

/**
 * Everything Etalon reports for one input: the network's output scores and predicted class, the activation
 * pattern (etalon subgraph) and the etalons of the requested neurons.
 *
 * @param scores    the network output (copied in and out)
 * @param predicted index of the largest score (first on ties)
 * @param pattern   the input's activation pattern with tie counts and margins
 * @param etalons   one per requested neuron, in request order
 */
public record Explanation(float[] scores, int predicted, Pattern pattern, List<Etalon> etalons) {

    public Explanation {
        scores = scores.clone();
        etalons = List.copyOf(etalons);
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    /** The largest absolute exactness residual over the etalons. */
    public double maxResidual() {
        return etalons.stream().mapToDouble(Etalon::residual).max().orElse(0);
    }

    /** The largest relative exactness residual over the etalons. */
    public double maxRelativeResidual() {
        return etalons.stream().mapToDouble(Etalon::relativeResidual).max().orElse(0);
    }
}
