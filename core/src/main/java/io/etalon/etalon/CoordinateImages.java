package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's Algorithm 1, as stated: record the input's pattern, set every bias to zero, then push one coordinate
 * image e_j per pixel through the network with that pattern frozen; neuron p's value for e_j is W_p[j]. The bias
 * comes from the zero image pushed through the frozen network with its biases kept.
 *
 * <p>It costs m passes (m = input pixels) and is the reference the fast solvers are tested against. The passes go
 * {@value #CHUNK} coordinate images at a time (rows of one batch), which changes no value: each row is its own pass.
 */
public final class CoordinateImages implements EtalonSolver {

    /** Coordinate images per batch: the intermediate arrays of a batch stay in the core's cache. */
    static final int CHUNK = 64;

    @Override
    public String name() {
        return "coordinate";
    }

    @Override
    public List<Etalon> solve(Network network, Trace trace, List<Neuron> neurons) {
        Network withoutBiases = network.withoutBiases();
        float[][] weights = EtalonSolver.coordinateResponses(withoutBiases, trace, neurons, true, CHUNK);
        float[][] biases = EtalonSolver.biases(network, trace);
        List<Etalon> etalons = new ArrayList<>(neurons.size());
        for (int p = 0; p < neurons.size(); p++) {
            etalons.add(EtalonSolver.assemble(network, trace, biases, neurons.get(p), weights[p]));
        }
        return etalons;
    }
}
