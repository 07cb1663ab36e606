package io.etalon.etalon;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.testing.RandomNetworks;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class ReverseModeTest implements SolverContract {

    @Override
    public EtalonSolver solver() {
        return new ReverseMode();
    }

    @Test
    void rowsSharedOutAmongThreadsGiveTheEtalonsOfOneBatch() throws Exception {
        Network network = RandomNetworks.photoSizedNetwork(7);
        SplittableRandom random = new SplittableRandom(7);
        assertThat(network.multiplyAdds()).isGreaterThan(1L << 24);
        float[] image = RandomNetworks.values(random, network.inputShape().size(), 1.0);
        Trace trace = network.forward(image, 1);
        int output = network.outputIndex();
        List<Neuron> neurons = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            neurons.add(new Neuron(network.node(output).name(), output, index));
        }
        // in a pool with an idle thread the five rows are shared out; outside one, on this test's thread, not always
        ForkJoinPool pool = new ForkJoinPool(2);
        List<Etalon> shared;
        try {
            shared = pool.submit(() -> solver().solve(network, trace, neurons)).get();
        } finally {
            pool.shutdown();
        }
        float[] oneHot = new float[5 * 10];
        for (int r = 0; r < 5; r++) {
            oneHot[r * 10 + r] = 1f;
        }
        float[] oneBatch = network.transpose(trace, output, oneHot, 5, 5);
        int pixels = network.inputShape().size();
        for (int r = 0; r < 5; r++) {
            Etalon etalon = shared.get(r);
            assertThat(etalon.relativeResidual()).as("relative residual of %s", etalon.neuron()).isLessThan(EXACTNESS);
            double scale = 0;
            for (float w : etalon.weights()) {
                scale = Math.max(scale, Math.abs(w));
            }
            for (int p = 0; p < pixels; p++) {
                assertThat((double) etalon.weights()[p]).as("pixel %d of row %d", p, r)
                        .isCloseTo(oneBatch[r * pixels + p], org.assertj.core.data.Offset.offset(1e-5 * scale));
            }
        }
    }
}
