package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import java.util.List;

/**
 * Computes etalon images of chosen neurons for one traced input. All solvers return the same values; they differ
 * in cost. With m input pixels and k requested neurons:
 * <ul>
 *   <li>{@link CoordinateImages}: the paper's Algorithm 1, m separate frozen passes of one coordinate image;</li>
 *   <li>{@link ForwardMode}: the same m coordinate images as one batch through the frozen linear map (JVP); it
 *       yields every neuron of every layer at once;</li>
 *   <li>{@link ReverseMode}: k one-hot rows through the transposed map (VJP), one batch per layer;</li>
 *   <li>{@link Auto}: reverse when k &lt; m, else forward.</li>
 * </ul>
 */
public interface EtalonSolver {

    /** The solver's name as the CLI spells it. */
    String name();

    /**
     * Etalons of {@code neurons} for sample 0 of a single-sample trace, in the order given.
     *
     * @param trace a trace of exactly one sample, recorded by {@code network}
     */
    List<Etalon> solve(Network network, Trace trace, List<Neuron> neurons);

    /**
     * The biases b_p of a trace's region: the frozen pass of the zero image with biases kept
     * (DESIGN.md section 2), indexed {@code [node][neuron]}.
     */
    static float[][] biases(Network network, Trace trace) {
        return network.frozen(trace, new float[network.inputShape().size()], 1, 1, true);
    }

    /** Assembles an etalon for a neuron from its weights and its bias from {@link #biases}, with score and residual. */
    static Etalon assemble(Network network, Trace trace, float[][] biases, Neuron neuron, float[] weights) {
        double bias = biases[neuron.node()][neuron.index()];
        return Etalon.of(neuron, network.inputShape(), weights, bias, Math.abs(bias),
                trace.value(neuron.node(), 0, neuron.index()), trace.input(0));
    }
}
