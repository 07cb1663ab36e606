package io.etalon.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Training on a slice of the shipped MNIST: it learns, and it is deterministic whatever the thread count. */
class TrainerTest {

    private static float[] images;
    private static int[] labels;

    @BeforeAll
    static void loadSlice() throws Exception {
        Path mnist = Path.of("..", "data", "mnist");
        ImageSet train = Idx.readImages(mnist.resolve("train-images-idx3-ubyte.gz"));
        int[] all = Idx.readLabels(mnist.resolve("train-labels-idx1-ubyte.gz"));
        int count = 600;
        images = Arrays.copyOf(train.pixels(), count * 784);
        labels = Arrays.copyOf(all, count);
    }

    private static Network train(int threads) {
        TrainingConfig config = TrainingConfig.defaults().withEpochs(2).withThreads(threads).withWeightDecay(0.1);
        return new Trainer(config).train(LeNet.create(config.seed()), images, labels, new Trainer.Listener() { });
    }

    @Test
    void parametersAreBitIdenticalOnOneAndTwoThreads() {
        Network one = train(1);
        Network two = train(2);
        for (int k = 0; k < one.size(); k++) {
            var a = one.node(k).op().parameters();
            var b = two.node(k).op().parameters();
            for (int p = 0; p < a.size(); p++) {
                assertThat(a.get(p).data()).as("%s parameter %d", one.node(k).name(), p).containsExactly(b.get(p).data());
            }
        }
    }

    @Test
    void trainingLearnsTheDigits() {
        Network untrained = LeNet.create(1);
        Network trained = train(2);
        double before = Trainer.accuracy(untrained, images, labels, 2);
        double after = Trainer.accuracy(trained, images, labels, 2);
        assertThat(before).isLessThan(0.3);
        assertThat(after).as("training accuracy after 2 epochs on 600 digits").isGreaterThan(0.75);
        assertThat(trained.node(0).op().parameters().get(0)).isNotEqualTo(untrained.node(0).op().parameters().get(0));
    }

    @Test
    void parameterGradientsMatchFiniteDifferencesOfTheLoss() {
        // one sample, the loss is a smooth function of the weights away from ReLU/pool switches
        Network network = LeNet.create(4);
        float[] x = Arrays.copyOf(images, 784);
        int[] y = {labels[0]};
        var trace = network.forward(x, 1);
        float[] grad = new float[10];
        CrossEntropy.lossAndGradient(trace.output(0), 1, 10, y, 0, 1f, grad);
        float[][][] grads = network.newParameterGradients();
        network.backward(trace, grad, grads);
        int node = network.indexOf("fc2").orElseThrow();
        Tensor weight = network.node(node).op().parameters().get(0);
        for (int index : new int[] {0, 17, 500, 5000}) {
            double numeric = (loss(network, node, weight, index, 1e-3, x, y) - loss(network, node, weight, index, -1e-3, x, y)) / 2e-3;
            assertThat((double) grads[node][0][index]).as("d loss / d fc2.weight[%d]", index)
                    .isCloseTo(numeric, org.assertj.core.data.Offset.offset(2e-3 * (1 + Math.abs(numeric))));
        }
    }

    private static double loss(Network network, int node, Tensor weight, int index, double step, float[] x, int[] y) {
        float[] values = weight.data();
        values[index] += (float) step;
        var ops = new java.util.ArrayList<>(network.nodes().stream().map(Network.Node::op).toList());
        ops.set(node, ops.get(node).withParameters(java.util.List.of(new Tensor(weight.shape(), values),
                ops.get(node).parameters().get(1))));
        Network changed = network.withOps(ops);
        return CrossEntropy.lossAndGradient(changed.forward(x, 1).output(0), 1, 10, y, 0, 1f, new float[10]);
    }
}
