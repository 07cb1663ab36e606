package io.etalon.etalon;

import io.etalon.pattern.Pattern;
import io.etalon.pattern.NearTie;
import java.util.List;

/**
 * Everything Etalon reports for one input: the network's output scores and predicted class, the activation
 * pattern (etalon subgraph) and the etalons of the requested neurons.
 *
 * @param scores    the network output (copied in and out)
 * @param predicted index of the largest score (first on ties)
 * @param pattern   the input's activation pattern with tie counts and margins
 * @param etalons   one per requested neuron, in request order
 * @param nearTies  the decisions within a small relative margin of turning, closest first (empty unless the
 *                  explainer was asked for them, see {@link Explainer#reportingNearTies})
 */
public record Explanation(float[] scores, int predicted, Pattern pattern, List<Etalon> etalons, List<NearTie> nearTies) {

    public Explanation {
        scores = scores.clone();
        etalons = List.copyOf(etalons);
        nearTies = List.copyOf(nearTies);
    }

    /** An explanation without near-ties. */
    public Explanation(float[] scores, int predicted, Pattern pattern, List<Etalon> etalons) {
        this(scores, predicted, pattern, etalons, List.of());
    }

    @Override
    public float[] scores() {
        return scores.clone();
    }

    /**
     * A 64-bit fingerprint of the weights of all the etalons, in request order: inputs whose fingerprints differ use
     * different linear rules. This is what the census counts as the input's output etalons.
     */
    public long etalonFingerprint() {
        int size = etalons.isEmpty() ? 0 : etalons.get(0).shape().size();
        float[] all = new float[etalons.size() * size];
        for (int p = 0; p < etalons.size(); p++) {
            System.arraycopy(etalons.get(p).weights(), 0, all, p * size, size);
        }
        return io.etalon.pattern.Census.fingerprint(all);
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
