package io.etalon.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import io.etalon.graph.Network;
import io.etalon.tensor.Tensor;
import java.util.List;

/**
 * The peer: the same LeNet in PyTorch (libtorch through DJL), with etalons computed the way a PyTorch user would,
 * by autograd. Each image is repeated once per output class, the batch goes forward once, and one backward pass of
 * {@code sum(score[row, class of row])} gives every row's gradient: the (outputs x pixels) Jacobian of every image.
 */
final class DjlAutograd implements AutoCloseable {

    private final NDManager manager;
    private final NDArray conv1Weight;
    private final NDArray conv1Bias;
    private final NDArray conv2Weight;
    private final NDArray conv2Bias;
    private final NDArray[] denseWeights = new NDArray[3];
    private final NDArray[] denseBiases = new NDArray[3];

    /** Sets libtorch's thread count; must run before the engine starts. */
    static void configureThreads(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        System.setProperty("ai.djl.offline", "true");
        // TorchScript's graph executor specialises a graph on its first runs: once a forward pass without gradients
        // ran (scores, inference), a later pass would give no input gradient
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
    }

    DjlAutograd(Network lenet) {
        manager = Engine.getEngine("PyTorch").newBaseManager();
        conv1Weight = parameter(lenet, "conv1", 0);
        conv1Bias = parameter(lenet, "conv1", 1);
        conv2Weight = parameter(lenet, "conv2", 0);
        conv2Bias = parameter(lenet, "conv2", 1);
        String[] dense = {"fc1", "fc2", "fc3"};
        for (int i = 0; i < 3; i++) {
            denseWeights[i] = parameter(lenet, dense[i], 0);
            denseBiases[i] = parameter(lenet, dense[i], 1);
        }
    }

    static String version() {
        return Engine.getEngine("PyTorch").getVersion();
    }

    private NDArray parameter(Network lenet, String layer, int which) {
        List<Tensor> parameters = lenet.node(lenet.indexOf(layer).orElseThrow()).op().parameters();
        Tensor tensor = parameters.get(which);
        long[] dims = java.util.Arrays.stream(tensor.shape().dims()).asLongStream().toArray();
        return manager.create(tensor.data(), new Shape(dims));
    }

    private NDArray forward(NDArray x) {
        NDArray h = Conv2d.conv2d(x, conv1Weight, conv1Bias, new Shape(1, 1), new Shape(2, 2)).singletonOrThrow();
        h = Pool.maxPool2d(Activation.relu(h), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        h = Conv2d.conv2d(h, conv2Weight, conv2Bias, new Shape(1, 1), new Shape(0, 0)).singletonOrThrow();
        h = Pool.maxPool2d(Activation.relu(h), new Shape(2, 2), new Shape(2, 2), new Shape(0, 0), false);
        h = h.reshape(h.getShape().get(0), -1);
        h = Activation.relu(Linear.linear(h, denseWeights[0], denseBiases[0]).singletonOrThrow());
        h = Activation.relu(Linear.linear(h, denseWeights[1], denseBiases[1]).singletonOrThrow());
        return Linear.linear(h, denseWeights[2], denseBiases[2]).singletonOrThrow();
    }

    /** Scores of a batch, {@code (batch, 10)}. */
    float[] scores(float[] images, int batch) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(images, new Shape(batch, 1, 28, 28));
            return forward(x).toFloatArray();
        }
    }

    /** Etalons of the 10 outputs of each image, {@code (batch, 10, 784)}, by autograd. */
    float[] etalons(float[] images, int batch) {
        int classes = 10;
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(images, new Shape(batch, 1, 28, 28)).repeat(0, classes);
            x.setRequiresGradient(true);
            NDArray oneHot = scope.eye(classes).tile(new long[] {batch, 1});
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray scores = forward(x);
                collector.backward(scores.mul(oneHot).sum());
            }
            return x.getGradient().toFloatArray();
        }
    }

    /**
     * Checks libtorch's input gradient of one small convolution (8x8 input, 5x5 kernel) against a brute-force sum;
     * returns the largest absolute difference. Used to tell a broken peer from a disagreement about etalons.
     */
    double convolutionGradientError() {
        int size = 8;
        int kernel = 5;
        int out = size - kernel + 1;
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        float[] image = new float[size * size];
        float[] filter = new float[kernel * kernel];
        float[] upstream = new float[out * out];
        for (float[] values : new float[][] {image, filter, upstream}) {
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextDouble() - 0.5);
            }
        }
        double[] expected = new double[size * size];
        for (int y = 0; y < out; y++) {
            for (int x = 0; x < out; x++) {
                for (int i = 0; i < kernel; i++) {
                    for (int j = 0; j < kernel; j++) {
                        expected[(y + i) * size + x + j] += (double) upstream[y * out + x] * filter[i * kernel + j];
                    }
                }
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(image, new Shape(1, 1, size, size));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray y = Conv2d.conv2d(x, scope.create(filter, new Shape(1, 1, kernel, kernel))).singletonOrThrow();
                collector.backward(y.mul(scope.create(upstream, new Shape(1, 1, out, out))).sum());
            }
            float[] gradient = x.getGradient().toFloatArray();
            double worst = 0;
            for (int i = 0; i < gradient.length; i++) {
                worst = Math.max(worst, Math.abs(gradient[i] - expected[i]));
            }
            return worst;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
