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
        int pixels = network.inputShape().size();
        float[][] weights = new float[neurons.size()][pixels];
        for (int first = 0; first < pixels; first += CoordinateImages.CHUNK) {
            int rows = Math.min(CoordinateImages.CHUNK, pixels - first);
            float[] tangents = new float[rows * pixels];
            for (int r = 0; r < rows; r++) {
                tangents[r * pixels + first + r] = 1f;
            }
            float[][] columns = network.frozen(trace, tangents, rows, rows, false);
            for (int p = 0; p < neurons.size(); p++) {
                Neuron neuron = neurons.get(p);
                int size = network.shapeOf(neuron.node()).size();
                for (int r = 0; r < rows; r++) {
                    weights[p][first + r] = columns[neuron.node()][r * size + neuron.index()];
                }
            }
        }
        float[][] biases = EtalonSolver.biases(network, trace);
        List<Etalon> etalons = new ArrayList<>(neurons.size());
        for (int p = 0; p < neurons.size(); p++) {
            etalons.add(EtalonSolver.assemble(network, trace, biases, neurons.get(p), weights[p]));
        }
        return etalons;
    }
}
