package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import java.util.ArrayList;
import java.util.List;

/**
 * Forward mode (JVP): the m coordinate images go through the frozen linear map as one batch of tangents, so one
 * batched pass yields the etalons of every neuron of every layer; row j of node p's output is column j of the
 * Jacobian. Memory is m times the network's activation size.
 */
public final class ForwardMode implements EtalonSolver {

    @Override
    public String name() {
        return "forward";
    }

    @Override
    public List<Etalon> solve(Network network, Trace trace, List<Neuron> neurons) {
        int pixels = network.inputShape().size();
        float[] identity = new float[pixels * pixels];
        for (int j = 0; j < pixels; j++) {
            identity[j * pixels + j] = 1f;
        }
        float[][] tangents = network.frozen(trace, identity, pixels, pixels, false);
        float[][] biases = EtalonSolver.biases(network, trace);
        List<Etalon> etalons = new ArrayList<>(neurons.size());
        for (Neuron neuron : neurons) {
            int size = network.shapeOf(neuron.node()).size();
            float[] weights = new float[pixels];
            float[] column = tangents[neuron.node()];
            for (int j = 0; j < pixels; j++) {
                weights[j] = column[j * size + neuron.index()];
            }
            etalons.add(EtalonSolver.assemble(network, trace, biases, neuron, weights));
        }
        return etalons;
    }
}
