package io.etalon.bench;

import io.etalon.etalon.Etalon;
import io.etalon.etalon.EtalonSolver;
import io.etalon.etalon.ReverseMode;
import io.etalon.graph.Trace;
import io.etalon.etalon.Explainer;
import io.etalon.etalon.Explanation;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import io.etalon.kernel.Parallel;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/** Etalon's own engine as the benchmarks drive it: batches of images, a fixed number of threads. */
final class Engines {

    private Engines() {
    }

    /** The etalons of all output neurons of a batch, as {@code (batch, outputs, pixels)}. */
    static float[] etalons(Explainer explainer, float[] images, int batch, List<Neuron> outputs) {
        Explanation[] explanations = explainer.explainAll(images, batch, outputs, done -> { });
        int pixels = explainer.network().inputShape().size();
        float[] result = new float[batch * outputs.size() * pixels];
        for (int b = 0; b < batch; b++) {
            List<Etalon> etalons = explanations[b].etalons();
            for (int p = 0; p < etalons.size(); p++) {
                System.arraycopy(etalons.get(p).weights(), 0, result, (b * outputs.size() + p) * pixels, pixels);
            }
        }
        return result;
    }

    /**
     * The etalons of each image's {@code k} best classes, best first, as {@code (batch, k, pixels)}: a forward pass
     * that records the pattern, the k best scores picked from its output, then the k one-hot rows through the
     * transposed network as one batch ({@link ReverseMode}). Images run in parallel on the pool.
     */
    static float[] topEtalons(Network network, ForkJoinPool pool, float[] images, int batch, int k) {
        int pixels = network.inputShape().size();
        int output = network.outputIndex();
        int classes = network.outputShape().size();
        String layer = network.node(output).name();
        EtalonSolver reverse = new ReverseMode();
        float[] result = new float[batch * k * pixels];
        Parallel.runIn(pool, () -> IntStream.range(0, batch).parallel().forEach(b -> {
            Trace trace = network.forward(java.util.Arrays.copyOfRange(images, b * pixels, (b + 1) * pixels), 1);
            int[] top = TopClasses.of(trace.output(0), 0, classes, k);
            List<Neuron> neurons = new java.util.ArrayList<>(k);
            for (int index : top) {
                neurons.add(new Neuron(layer, output, index));
            }
            List<Etalon> etalons = reverse.solve(network, trace, neurons);
            for (int j = 0; j < k; j++) {
                System.arraycopy(etalons.get(j).weights(), 0, result, (b * k + j) * pixels, pixels);
            }
        }));
        return result;
    }

    static Explainer explainer(Network network, Method method, int threads) {
        return new Explainer(network, method.solver(), threads);
    }

    /**
     * Plain inference of a batch, split into one chunk per thread. Returns the scores. A batch of one chunk on as many
     * threads as the machine has cores runs on the calling thread, whose ops then share out among all the cores
     * ({@link Parallel}) as in the pool, and as a user's call to {@link Network#infer} and ONNX Runtime's are made:
     * handing it to a pool worker and back cost two wake-ups of a sleeping thread, about 45 us on a 2-core AMD EPYC,
     * where one LeNet digit takes 18 (16,000 to 19,000 digits/s in the pool, 52,000 to 54,000 on the caller's thread).
     */
    static float[] infer(Network network, ForkJoinPool pool, float[] images, int batch) {
        int threads = pool.getParallelism();
        int size = network.inputShape().size();
        int classes = network.outputShape().size();
        int chunk = (batch + threads - 1) / threads;
        if (chunk >= batch && threads == Runtime.getRuntime().availableProcessors()) {
            return network.infer(images.length == batch * size ? images
                    : java.util.Arrays.copyOf(images, batch * size), batch);
        }
        float[] scores = new float[batch * classes];
        Parallel.runIn(pool, () -> IntStream.range(0, (batch + chunk - 1) / chunk).parallel().forEach(c -> {
            int from = c * chunk;
            int n = Math.min(chunk, batch - from);
            float[] chunkScores = network.infer(java.util.Arrays.copyOfRange(images, from * size, (from + n) * size), n);
            System.arraycopy(chunkScores, 0, scores, from * classes, n * classes);
        }));
        return scores;
    }
}
