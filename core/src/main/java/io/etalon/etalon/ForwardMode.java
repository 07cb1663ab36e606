package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * Forward mode (JVP): the m coordinate images go through the frozen linear map (no biases) as batches of tangents,
 * so the passes yield the etalons of every neuron of every layer at once; row j of node p's output is column j of
 * the Jacobian. Tangents go {@value CoordinateImages#CHUNK} at a time, so memory is that many times the network's
 * activation size, not m times.
 */
public final class ForwardMode implements EtalonSolver {

    @Override
    public String name() {
        return "forward";
    }

    @Override
    public List<Etalon> solve(Network network, Trace trace, List<Neuron> neurons) {
        float[][] weights = EtalonSolver.coordinateResponses(network, trace, neurons, false, CoordinateImages.CHUNK);
        float[][] biases = EtalonSolver.biases(network, trace);
        List<Etalon> etalons = new ArrayList<>(neurons.size());
        for (int p = 0; p < neurons.size(); p++) {
            etalons.add(EtalonSolver.assemble(network, trace, biases, neurons.get(p), weights[p]));
        }
        return etalons;
    }
}
