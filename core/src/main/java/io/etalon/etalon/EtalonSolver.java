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

    /**
     * Pushes the coordinate images e_j through {@code network}'s frozen pass for the trace's pattern, {@code chunk} at a
     * time, and returns each neuron's value for each e_j: {@code [neuron][j]}. With the bias-free network (and biases
     * "kept") this is Algorithm 1; with the network itself and no biases it is forward mode; the numbers are the same.
     */
    static float[][] coordinateResponses(Network network, Trace trace, List<Neuron> neurons, boolean withBias, int chunk) {
        int pixels = network.inputShape().size();
        float[][] weights = new float[neurons.size()][pixels];
        for (int first = 0; first < pixels; first += chunk) {
            int rows = Math.min(chunk, pixels - first);
            float[] coordinateImages = new float[rows * pixels];
            for (int r = 0; r < rows; r++) {
                coordinateImages[r * pixels + first + r] = 1f; // e_j, j = first + r
            }
            float[][] outputs = network.frozen(trace, coordinateImages, rows, rows, withBias);
            for (int p = 0; p < neurons.size(); p++) {
                Neuron neuron = neurons.get(p);
                int size = network.shapeOf(neuron.node()).size();
                for (int r = 0; r < rows; r++) {
                    weights[p][first + r] = outputs[neuron.node()][r * size + neuron.index()];
                }
            }
        }
        return weights;
    }

    /** Assembles an etalon for a neuron from its weights and its bias from {@link #biases}, with score and residual. */
    static Etalon assemble(Network network, Trace trace, float[][] biases, Neuron neuron, float[] weights) {
        double bias = biases[neuron.node()][neuron.index()];
        return Etalon.of(neuron, network.inputShape(), weights, bias, Math.abs(bias),
                trace.value(neuron.node(), 0, neuron.index()), trace.input(0));
    }
}
