package io.etalon.etalon;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.op.Conv2d;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Relu;
import io.etalon.tensor.Shape;
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
        // 128x128, two 3x3 convolutions of 16 channels: 45 million multiply-adds a pass, enough to share rows out
        SplittableRandom random = new SplittableRandom(7);
        LeNet.Chain chain = new LeNet.Chain(Shape.of(3, 128, 128));
        chain.add("conv1", Conv2d.of(chain.shape(), RandomNetworks.tensor(random, Shape.of(16, 3, 3, 3), 0.5),
                RandomNetworks.tensor(random, Shape.of(16), 0.1), 1));
        chain.add("relu1", new Relu(chain.shape()));
        chain.add("conv2", Conv2d.of(chain.shape(), RandomNetworks.tensor(random, Shape.of(16, 16, 3, 3), 0.3),
                RandomNetworks.tensor(random, Shape.of(16), 0.1), 1));
        chain.add("relu2", new Relu(chain.shape()));
        chain.add("pool", new MaxPool2d(chain.shape(), new int[] {8, 8}, new int[] {8, 8}, new int[] {0, 0, 0, 0}));
        chain.add("flatten", new Flatten(chain.shape()));
        chain.add("fc", new Dense(chain.shape(), RandomNetworks.tensor(random, Shape.of(10, chain.shape().size()), 0.05),
                RandomNetworks.tensor(random, Shape.of(10), 0.1)));
        Network network = chain.build();
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
