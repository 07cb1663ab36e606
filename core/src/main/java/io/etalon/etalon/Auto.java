package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import java.util.List;

/**
 * Picks the cheaper exact solver. Reverse mode costs one transposed pass per requested neuron (batched), forward
 * mode one frozen pass per input pixel; both passes cost about one forward pass each, so reverse wins when fewer
 * neurons than pixels are asked for (the usual case: 10 outputs against 784 pixels).
 */
public final class Auto implements EtalonSolver {

    private final EtalonSolver reverse = new ReverseMode();
    private final EtalonSolver forward = new ForwardMode();

    @Override
    public String name() {
        return "auto";
    }

    /** The solver {@code auto} uses for this many neurons of this network. */
    public EtalonSolver choose(Network network, int neuronCount) {
        return neuronCount < network.inputShape().size() ? reverse : forward;
    }

    @Override
    public List<Etalon> solve(Network network, Trace trace, List<Neuron> neurons) {
        return choose(network, neurons.size()).solve(network, trace, neurons);
    }
}
