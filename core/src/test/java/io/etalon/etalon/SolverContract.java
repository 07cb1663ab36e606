package io.etalon.etalon;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.pattern.Pattern;
import io.etalon.testing.RandomNetworks;
import io.etalon.testing.ReferenceNetwork;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * What every etalon solver must satisfy, on random networks and on LeNet: the etalon reproduces the score
 * (exactness invariant), it equals the paper's Algorithm 1, and it equals a float64 central finite difference
 * wherever the step stays inside the input's region. Each solver's test implements this interface.
 */
interface SolverContract {

    /** Relative exactness residual allowed: float32 round-off (DESIGN.md section 2). */
    double EXACTNESS = 1e-5;

    /** Agreement between two float32 solvers, relative to the largest etalon weight. */
    double AGREEMENT = 1e-5;

    /** The exactness bound on the networks with every other op (see checkEveryNeuronAgainstAlgorithmOne). */
    double DEEP_EXACTNESS = 1e-4;

    EtalonSolver solver();

    private static List<Neuron> everyNeuronOfEveryLayer(Network network) {
        List<Neuron> neurons = new ArrayList<>();
        for (int k = 0; k < network.size(); k++) {
            neurons.addAll(Neuron.parse(network.node(k).name(), network));
        }
        return neurons;
    }

    @Property(tries = 25)
    default void etalonReproducesTheScoreForEveryNeuron(@ForAll long seed) {
        Network network = RandomNetworks.network(seed);
        Trace trace = network.forward(RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.4), 1);
        for (Etalon etalon : solver().solve(network, trace, everyNeuronOfEveryLayer(network))) {
            assertThat(etalon.relativeResidual()).as("relative residual of %s", etalon.neuron()).isLessThan(EXACTNESS);
        }
    }

    @Property(tries = 20)
    default void etalonReproducesTheScoreOnNetworksWithEveryOtherOp(@ForAll long seed) {
        checkEveryNeuronAgainstAlgorithmOne(RandomNetworks.richNetwork(seed), seed);
    }

    @Property(tries = 15)
    default void equalsFiniteDifferencesOnNetworksWithEveryOtherOp(@ForAll long seed) {
        checkFiniteDifferences(RandomNetworks.richNetwork(seed), seed);
    }

    @Property(tries = 20)
    default void etalonReproducesTheScoreThroughTransposedConvolutions(@ForAll long seed) {
        Network network = RandomNetworks.upsamplingNetwork(seed);
        checkEveryNeuronAgainstAlgorithmOne(network, seed);
        checkFiniteDifferences(network, seed);
    }

    /**
     * Every neuron's etalon is exact and equals Algorithm 1's, on an input with ties (40% zeros). These networks join
     * branches, clip, concatenate and resample: a neuron's value in float32 can be a small difference of much larger
     * sums, and the relative residual, which judges the round-off against the final affine form, then sees more of it.
     * Over 3,000 random seeds of the rich networks, 3 residuals reached 1e-5 to 5e-5 (the code of 2026-11-25 gives the
     * same three), so they are held to {@link #DEEP_EXACTNESS}; a wrong etalon is off by order 1.
     */
    private void checkEveryNeuronAgainstAlgorithmOne(Network network, long seed) {
        Trace trace = network.forward(RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.4), 1);
        List<Neuron> neurons = everyNeuronOfEveryLayer(network);
        List<Etalon> ours = solver().solve(network, trace, neurons);
        List<Etalon> reference = new CoordinateImages().solve(network, trace, neurons);
        for (int p = 0; p < neurons.size(); p++) {
            assertThat(ours.get(p).relativeResidual()).as("relative residual of %s", ours.get(p).neuron()).isLessThan(DEEP_EXACTNESS);
            assertClose(ours.get(p), reference.get(p));
        }
    }

    /** Seed 7 has a hidden neuron that ignores the input (W = 0): its bias is a sum of cancelling terms. */
    @Test
    default void etalonReproducesTheScoreWhenTheNeuronIgnoresTheInput() {
        etalonReproducesTheScoreForEveryNeuron(7);
    }

    @Property(tries = 25)
    default void agreesWithAlgorithmOne(@ForAll long seed) {
        Network network = RandomNetworks.network(seed);
        Trace trace = network.forward(RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.4), 1);
        List<Neuron> neurons = everyNeuronOfEveryLayer(network);
        List<Etalon> ours = solver().solve(network, trace, neurons);
        List<Etalon> reference = new CoordinateImages().solve(network, trace, neurons);
        for (int p = 0; p < neurons.size(); p++) {
            assertClose(ours.get(p), reference.get(p));
        }
    }

    @Property(tries = 25)
    default void equalsFloat64FiniteDifferencesInsideTheRegion(@ForAll long seed) {
        checkFiniteDifferences(RandomNetworks.network(seed), seed);
    }

    private void checkFiniteDifferences(Network network, long seed) {
        float[] image = RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.0);
        Trace trace = network.forward(image, 1);
        Pattern pattern = trace.pattern(0);
        List<Neuron> outputs = Neuron.parse("output", network);
        List<Etalon> etalons = solver().solve(network, trace, outputs);
        double step = 1e-3;
        int checked = 0;
        for (int j = 0; j < image.length; j++) {
            float[] plus = image.clone();
            float[] minus = image.clone();
            plus[j] += (float) step;
            minus[j] -= (float) step;
            if (!network.forward(plus, 1).pattern(0).equals(pattern)
                    || !network.forward(minus, 1).pattern(0).equals(pattern)) {
                continue; // the step leaves the region: no single etalon describes it
            }
            double[] up = ReferenceNetwork.output(network, toDouble(plus));
            double[] down = ReferenceNetwork.output(network, toDouble(minus));
            for (int p = 0; p < outputs.size(); p++) {
                double derivative = (up[p] - down[p]) / ((double) plus[j] - minus[j]);
                double weight = etalons.get(p).weight(j);
                assertThat(weight).as("d out%d / d x%d", p, j)
                        .isCloseTo(derivative, org.assertj.core.data.Offset.offset(1e-3 * (1 + Math.abs(derivative))));
            }
            checked++;
        }
        // a sample on its region's boundary (seed -3754 of the transposed convolutions' networks: every pixel's step,
        // down to 1e-6, changes its pattern) has no inside to take differences in; jqwik draws another, and fails the
        // property if too many are so
        Assume.that(checked > 0);
    }

    @Test
    default void leNetEtalonsOfHiddenAndOutputNeuronsAreExact() {
        Network lenet = LeNet.create(11);
        SplittableRandom random = new SplittableRandom(2);
        float[] image = RandomNetworks.image(random, lenet.inputShape(), 0.8);
        Trace trace = lenet.forward(image, 1);
        List<Neuron> neurons = new ArrayList<>(Neuron.parse("output", lenet));
        neurons.addAll(Neuron.parse("conv2:3,4,4", lenet));
        neurons.addAll(Neuron.parse("fc1:5", lenet));
        neurons.addAll(Neuron.parse("pool1:100", lenet));
        List<Etalon> ours = solver().solve(lenet, trace, neurons);
        List<Etalon> reference = new CoordinateImages().solve(lenet, trace, neurons);
        for (int p = 0; p < neurons.size(); p++) {
            assertThat(ours.get(p).relativeResidual()).isLessThan(EXACTNESS);
            assertClose(ours.get(p), reference.get(p));
        }
    }

    /**
     * Weights agree to {@link #AGREEMENT} of the largest, or of 0.01 when every weight is smaller: such an etalon is a
     * near cancellation of larger paths, whose round-off scales with those paths, not with what is left.
     */
    private static void assertClose(Etalon ours, Etalon reference) {
        float[] a = ours.weights();
        float[] b = reference.weights();
        double scale = 1e-2;
        for (float v : b) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int j = 0; j < a.length; j++) {
            assertThat(Math.abs(a[j] - b[j]) / scale).as("weight %d of %s", j, ours.neuron()).isLessThan(AGREEMENT);
        }
        assertThat(ours.bias()).as("bias of %s", ours.neuron())
                .isCloseTo(reference.bias(), org.assertj.core.data.Offset.offset(1e-5 * (1 + Math.abs(reference.bias()))));
        assertThat(ours.score()).isEqualTo(reference.score());
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
