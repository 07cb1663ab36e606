package io.etalon.train;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.kernel.Parallel;
import io.etalon.op.Op;
import io.etalon.tensor.Floats;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Mini-batch training with Adam and softmax cross-entropy, deterministic for a seed.
 *
 * <p>Each batch is cut into chunks of {@value #CHUNK} samples; chunks run in parallel, each into its own gradient
 * buffers, and the buffers are summed in chunk order. The chunking does not depend on the thread count, so the
 * trained parameters are bit-identical on 1 or 64 threads. The {@link Network} stays immutable: the trainer owns
 * the parameter arrays and builds a new network after each step.
 */
public final class Trainer {

    /** Samples per parallel work item; fixed so that results do not depend on threads. */
    static final int CHUNK = 8;

    /** Called as training goes. */
    public interface Listener {
        /** After each step, with the batch's mean loss. */
        default void step(int epoch, int step, int stepsPerEpoch, double loss) {
        }

        /** After each epoch, with the trained network so far and the epoch's mean loss. */
        default void epoch(int epoch, Network network, double meanLoss) {
        }
    }

    private final TrainingConfig config;

    public Trainer(TrainingConfig config) {
        this.config = config;
    }

    /**
     * Trains a copy of {@code network} on labelled images.
     *
     * @param images not modified; {@code (count, inputSize)} pixels
     * @param labels not modified; class of each image, {@code 0 <= label < outputSize}
     * @return the trained network
     */
    public Network train(Network network, float[] images, int[] labels, Listener listener) {
        Shape shape = network.inputShape();
        int size = shape.size();
        int count = labels.length;
        int classes = network.outputShape().size();
        if (images.length != (long) count * size) {
            throw new IllegalArgumentException(images.length + " pixel values do not hold " + count + " images of " + shape);
        }
        for (int label : labels) {
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " is outside 0.." + (classes - 1));
            }
        }
        float[][] parameters = parameterArrays(network);
        int[] sizes = new int[parameters.length];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = parameters[i].length;
        }
        Adam adam = new Adam(sizes);
        boolean[] decayed = weightArrays(network);
        SplittableRandom random = new SplittableRandom(config.seed());
        int stepsPerEpoch = (count + config.batchSize() - 1) / config.batchSize();
        long totalSteps = (long) stepsPerEpoch * config.epochs();
        long globalStep = 0;
        ForkJoinPool pool = new ForkJoinPool(config.threads());
        try {
            for (int epoch = 1; epoch <= config.epochs(); epoch++) {
                int[] order = permutation(count, random);
                double epochLoss = 0;
                for (int step = 0; step < stepsPerEpoch; step++) {
                    int start = step * config.batchSize();
                    int batch = Math.min(config.batchSize(), count - start);
                    float[] x = new float[batch * size];
                    int[] y = new int[batch];
                    for (int s = 0; s < batch; s++) {
                        int source = order[start + s];
                        y[s] = labels[source];
                        int dy = config.maxShift() == 0 ? 0 : random.nextInt(-config.maxShift(), config.maxShift() + 1);
                        int dx = config.maxShift() == 0 ? 0 : random.nextInt(-config.maxShift(), config.maxShift() + 1);
                        Shift.copyShifted(images, source * size, x, s * size, shape, dy, dx);
                    }
                    final Network current = network;
                    float[][] gradients = new float[parameters.length][];
                    for (int i = 0; i < gradients.length; i++) {
                        gradients[i] = new float[sizes[i]];
                    }
                    double loss = runChunks(pool, current, x, y, batch, classes, gradients);
                    double rate = config.learningRate() * 0.5 * (1 + Math.cos(Math.PI * globalStep / totalSteps));
                    adam.step(parameters, gradients, rate, decayed, config.weightDecay());
                    network = withParameters(network, parameters);
                    globalStep++;
                    epochLoss += loss;
                    listener.step(epoch, step + 1, stepsPerEpoch, loss / batch);
                }
                listener.epoch(epoch, network, epochLoss / count);
            }
        } finally {
            pool.shutdown();
        }
        return network;
    }

    /** Runs forward and backward over fixed chunks in parallel; sums gradients in chunk order. Returns summed loss. */
    private double runChunks(ForkJoinPool pool, Network network, float[] x, int[] y, int batch, int classes,
                             float[][] gradients) {
        int size = network.inputShape().size();
        int chunks = (batch + CHUNK - 1) / CHUNK;
        float[][][][] chunkGradients = new float[chunks][][][];
        double[] chunkLoss = new double[chunks];
        float scale = 1f / batch;
        Runnable work = () -> IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = c * CHUNK;
            int n = Math.min(CHUNK, batch - from);
            float[] input = java.util.Arrays.copyOfRange(x, from * size, (from + n) * size);
            Trace trace = network.forward(input, n);
            float[] scores = new float[n * classes];
            for (int s = 0; s < n; s++) {
                System.arraycopy(trace.output(s), 0, scores, s * classes, classes);
            }
            float[] outputGrad = new float[n * classes];
            chunkLoss[c] = CrossEntropy.lossAndGradient(scores, n, classes, y, from, scale, outputGrad);
            float[][][] grads = network.newParameterGradients();
            network.backward(trace, outputGrad, grads);
            chunkGradients[c] = grads;
        });
        Parallel.runIn(pool, work);
        double loss = 0;
        for (int c = 0; c < chunks; c++) {
            loss += chunkLoss[c];
            int i = 0;
            for (float[][] nodeGrads : chunkGradients[c]) {
                for (float[] grad : nodeGrads) {
                    float[] total = gradients[i++];
                    for (int k = 0; k < grad.length; k++) {
                        total[k] += grad[k];
                    }
                }
            }
        }
        return loss;
    }

    /**
     * Fraction of images whose largest output score is their label.
     *
     * @param images not modified; {@code (labels.length, inputSize)}
     */
    public static double accuracy(Network network, float[] images, int[] labels, int threads) {
        int[] predicted = predict(network, images, labels.length, threads);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predicted[i] == labels[i]) {
                correct++;
            }
        }
        return labels.length == 0 ? 0 : (double) correct / labels.length;
    }

    /** The predicted class (first largest score) of each of {@code count} images, in parallel batches. */
    public static int[] predict(Network network, float[] images, int count, int threads) {
        int size = network.inputShape().size();
        int classes = network.outputShape().size();
        int batch = 64;
        int batches = (count + batch - 1) / batch;
        int[] predicted = new int[count];
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            Parallel.runIn(pool, () -> IntStream.range(0, batches).parallel().forEach(b -> {
                int from = b * batch;
                int n = Math.min(batch, count - from);
                float[] scores = network.infer(java.util.Arrays.copyOfRange(images, from * size, (from + n) * size), n);
                for (int s = 0; s < n; s++) {
                    predicted[from + s] = Floats.argmax(scores, s * classes, classes);
                }
            }));
        } finally {
            pool.shutdown();
        }
        return predicted;
    }

    private static float[][] parameterArrays(Network network) {
        List<float[]> arrays = new ArrayList<>();
        for (Network.Node node : network.nodes()) {
            for (Tensor parameter : node.op().parameters()) {
                arrays.add(parameter.data());
            }
        }
        return arrays.toArray(new float[0][]);
    }

    /** Weights (the first parameter of each op) get weight decay; biases do not. */
    private static boolean[] weightArrays(Network network) {
        List<Boolean> flags = new ArrayList<>();
        for (Network.Node node : network.nodes()) {
            List<Tensor> parameters = node.op().parameters();
            for (int p = 0; p < parameters.size(); p++) {
                flags.add(p == 0);
            }
        }
        boolean[] decayed = new boolean[flags.size()];
        for (int i = 0; i < decayed.length; i++) {
            decayed[i] = flags.get(i);
        }
        return decayed;
    }

    private static Network withParameters(Network network, float[][] parameters) {
        List<Op> ops = new ArrayList<>(network.size());
        int i = 0;
        for (Network.Node node : network.nodes()) {
            List<Tensor> current = node.op().parameters();
            if (current.isEmpty()) {
                ops.add(node.op());
                continue;
            }
            List<Tensor> updated = new ArrayList<>(current.size());
            for (Tensor tensor : current) {
                updated.add(new Tensor(tensor.shape(), parameters[i++]));
            }
            ops.add(node.op().withParameters(updated));
        }
        return network.withOps(ops);
    }

    private static int[] permutation(int count, SplittableRandom random) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
