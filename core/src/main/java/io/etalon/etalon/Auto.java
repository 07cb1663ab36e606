package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import java.util.List;

/**
 * Picks the cheaper exact solver. The cost model, per image, with m input pixels and k requested neurons:
 * <ul>
 *   <li>forward mode pushes m tangent rows through every layer: about m forward passes of matrix work, whatever k;</li>
 *   <li>reverse mode pushes k rows back, and skips what the pattern zeroes: the chain conv - ReLU - max-pool is
 *       jumped in one step that touches only the convolution outputs that won their pool and are on (a quarter of
 *       conv1's at most), so k rows cost about k sparse passes, each cheaper than a forward pass.</li>
 * </ul>
 * Both need the one forward pass that records the pattern. So reverse wins whenever k &lt; m (10 outputs against
 * 784 pixels: about 80 times fewer rows), and forward only when nearly every neuron of a layer as wide as the input
 * is asked for. Neither path's result depends on the choice: both are exact and agree to float round-off.
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
