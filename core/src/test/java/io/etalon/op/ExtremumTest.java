package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.etalon.Etalon;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.tensor.Shape;
import io.etalon.testing.RandomNetworks;
import io.etalon.testing.ReferenceNetwork;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Max and Min of two branches, tested as ReLU is: forward, linear and transpose side by side on hand-checked values
 * (ties included), and on random branching networks the exactness invariant, agreement of every solver with the
 * others and with the float64 twin's finite differences (the adjoint property is in {@link OpAdjointProperties}).
 */
class ExtremumTest {

    private static final double EXACTNESS = 1e-5;
    private static final double AGREEMENT = 1e-5;

    @Test
    void maxCopiesTheLargerBranchAndTheFirstOnTies() {
        Extremum max = Extremum.max(Shape.of(4));
        float[] a = {1, -2, 0.5f, 3};
        float[] b = {0, 1, 0.5f, 4};
        Switches switches = new Switches(1, 4);
        max.record(new float[][] {a, b}, 1, switches);
        assertThat(switches.sampleStates(0)).containsExactly(0, 1, 0, 1);
        assertThat(switches.ties(0)).isEqualTo(1);
        assertThat(switches.margin(0)).isEqualTo(1f);
        float[] out = new float[4];
        max.linear(new float[][] {a, b}, out, 1, switches, 1);
        assertThat(out).containsExactly(1, 1, 0.5f, 4);
        float[] gradA = new float[4];
        float[] gradB = new float[4];
        max.transpose(new float[] {10, 20, 30, 40}, new float[][] {gradA, gradB}, 1, switches, 1);
        assertThat(gradA).containsExactly(10, 0, 30, 0);
        assertThat(gradB).containsExactly(0, 20, 0, 40);
    }

    @Test
    void minCopiesTheSmallerBranch() {
        Extremum min = Extremum.min(Shape.of(3));
        float[] a = {1, -2, 0};
        float[] b = {0, 1, 0};
        Switches switches = new Switches(1, 3);
        min.record(new float[][] {a, b}, 1, switches);
        float[] out = new float[3];
        min.infer(new float[][] {a, b}, out, 1);
        assertThat(out).containsExactly(0, -2, 0);
        assertThat(switches.sampleStates(0)).containsExactly(1, 0, 0);
        assertThat(min.kind()).isEqualTo("Min");
    }

    @Property(tries = 25)
    void etalonsAreExactAndEverySolverAgrees(@ForAll long seed) {
        Network network = RandomNetworks.branchNetwork(seed);
        Trace trace = network.forward(RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.4), 1);
        List<Neuron> neurons = Neuron.parse("output", network);
        List<Etalon> reference = Method.COORDINATE.solver().solve(network, trace, neurons);
        for (Method method : Method.values()) {
            List<Etalon> etalons = method.solver().solve(network, trace, neurons);
            for (int p = 0; p < etalons.size(); p++) {
                assertThat(etalons.get(p).relativeResidual()).as("%s %s residual", method, etalons.get(p).neuron())
                        .isLessThan(EXACTNESS);
                float[] ours = etalons.get(p).weights();
                float[] theirs = reference.get(p).weights();
                double largest = 0.01;
                for (float w : theirs) {
                    largest = Math.max(largest, Math.abs(w));
                }
                for (int i = 0; i < ours.length; i++) {
                    assertThat((double) ours[i]).as("%s weight %d of %s", method, i, etalons.get(p).neuron())
                            .isCloseTo(theirs[i], org.assertj.core.data.Offset.offset(AGREEMENT * largest));
                }
            }
        }
    }

    @Property(tries = 20)
    void etalonsEqualTheFloat64TwinsFiniteDifferences(@ForAll long seed) {
        Network network = RandomNetworks.branchNetwork(seed);
        float[] image = RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.0);
        Trace trace = network.forward(image, 1);
        if (trace.switches(2).margin(0) < 1e-3 || trace.switches(4).margin(0) < 1e-3 || trace.switches(5).margin(0) < 1e-3
                || trace.switches(6).margin(0) < 1e-3) {
            return; // a branch or unit within the step of switching: the difference would cross regions
        }
        List<Etalon> etalons = Method.REVERSE.solver().solve(network, trace, Neuron.parse("output", network));
        double step = 1e-5;
        SplittableRandom random = new SplittableRandom(seed ^ 7);
        double[] d = new double[image.length];
        double[] plus = new double[image.length];
        double[] minus = new double[image.length];
        for (int i = 0; i < image.length; i++) {
            d[i] = random.nextDouble() * 2 - 1;
            plus[i] = image[i] + step * d[i];
            minus[i] = image[i] - step * d[i];
        }
        double[] up = ReferenceNetwork.output(network, plus);
        double[] down = ReferenceNetwork.output(network, minus);
        for (int p = 0; p < etalons.size(); p++) {
            float[] w = etalons.get(p).weights();
            double derivative = 0;
            double scale = 1;
            for (int i = 0; i < w.length; i++) {
                derivative += w[i] * d[i];
                scale += Math.abs(w[i] * d[i]);
            }
            assertThat(derivative).as("<W, d> of output %d", p)
                    .isCloseTo((up[p] - down[p]) / (2 * step), org.assertj.core.data.Offset.offset(1e-4 * scale));
        }
    }
}
