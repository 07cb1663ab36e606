package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.kernel.Parallel;
import io.etalon.pattern.NearTie;
import io.etalon.tensor.Floats;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Explains images with one solver, in parallel over images: each image has its own trace and pattern, and each
 * task writes only its own slot of the result, so results do not depend on the thread count.
 *
 * <pre>{@code
 * Explainer explainer = new Explainer(lenet, Method.AUTO.solver(), 2);
 * Explanation e = explainer.explain(image, Neuron.parse("output", lenet));
 * Explanation top5 = explainer.explain(photo, NeuronSelection.parse(List.of("top:5"), squeezenet));
 * }</pre>
 */
public final class Explainer {

    /** Floats one group of neurons may occupy in one layer of the transposed pass (128 MB). */
    static final long TRANSPOSE_BUDGET = 32L << 20;

    private final Network network;
    private final EtalonSolver solver;
    private final int threads;
    private final long largestLayer;
    private final double nearTieThreshold;

    public Explainer(Network network, EtalonSolver solver, int threads) {
        this(network, solver, threads, 0);
    }

    private Explainer(Network network, EtalonSolver solver, int threads, double nearTieThreshold) {
        if (!(nearTieThreshold >= 0)) {
            throw new IllegalArgumentException("the near-tie threshold must be >= 0, got " + nearTieThreshold);
        }
        this.nearTieThreshold = nearTieThreshold;
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        this.network = network;
        this.solver = solver;
        this.threads = threads;
        long largest = network.inputShape().size();
        for (int node = 0; node < network.size(); node++) {
            largest = Math.max(largest, network.shapeOf(node).size());
        }
        this.largestLayer = largest;
    }

    /**
     * This explainer, also listing in each explanation the decisions whose margin is at most
     * {@code relativeThreshold} of their layer's scale ({@link Trace#nearTies}): where another engine or float64
     * may take the other side (1e-5 finds the ones seen on photos). 0 lists none.
     */
    public Explainer reportingNearTies(double relativeThreshold) {
        return new Explainer(network, solver, threads, relativeThreshold);
    }

    public Network network() {
        return network;
    }

    public EtalonSolver solver() {
        return solver;
    }

    /**
     * Explains one image.
     *
     * @param image not modified; one sample of the network's input shape
     */
    public Explanation explain(float[] image, List<Neuron> neurons) {
        return explain(image, NeuronSelection.of(neurons, network));
    }

    /**
     * Explains one image for neurons that may be ranked by its scores ({@code top:K}, {@code predicted}): they are
     * resolved after the forward pass, so only the chosen neurons' etalons are built.
     *
     * @param image not modified; one sample of the network's input shape
     */
    public Explanation explain(float[] image, NeuronSelection neurons) {
        Trace trace = network.forward(image, 1);
        float[] scores = trace.output(0);
        List<NearTie> nearTies = List.of();
        if (nearTieThreshold > 0) {
            nearTies = new java.util.ArrayList<>(trace.nearTies(0, nearTieThreshold));
            nearTies.sort(java.util.Comparator.comparingDouble(NearTie::relativeMargin));
        }
        return new Explanation(scores, Floats.argmax(scores, 0, scores.length), trace.pattern(0),
                solveInGroups(trace, neurons.resolve(scores)), nearTies);
    }

    /**
     * Solves for the neurons a group at a time, so that the transposed pass never holds more than about
     * {@link #TRANSPOSE_BUDGET} floats per layer: on LeNet every request is one group, on a 224x224 model (whose
     * largest layer holds 800,000 values) 1,000 output neurons travel 40 at a time instead of needing 3 GB at once.
     */
    private List<Etalon> solveInGroups(Trace trace, List<Neuron> neurons) {
        int group = (int) Math.max(1, TRANSPOSE_BUDGET / largestLayer);
        if (neurons.size() <= group) {
            return solver.solve(network, trace, neurons);
        }
        List<Etalon> etalons = new java.util.ArrayList<>(neurons.size());
        for (int first = 0; first < neurons.size(); first += group) {
            etalons.addAll(solver.solve(network, trace, neurons.subList(first, Math.min(neurons.size(), first + group))));
        }
        return etalons;
    }

    /**
     * Explains {@code count} images stored back to back in {@code images}.
     *
     * @param images   not modified; {@code (count, inputSize)}
     * @param progress called once per finished image (from worker threads), may be a no-op
     */
    public Explanation[] explainAll(float[] images, int count, List<Neuron> neurons, IntConsumer progress) {
        return explainAll(images, count, NeuronSelection.of(neurons, network), progress);
    }

    /** {@link #explainAll(float[], int, List, IntConsumer)} for neurons that may be ranked per image. */
    public Explanation[] explainAll(float[] images, int count, NeuronSelection neurons, IntConsumer progress) {
        int size = network.inputShape().size();
        if (images.length != (long) count * size) {
            throw new IllegalArgumentException(images.length + " values are not " + count + " images of " + network.inputShape());
        }
        Explanation[] results = new Explanation[count];
        AtomicInteger done = new AtomicInteger();
        Runnable work = () -> IntStream.range(0, count).parallel().forEach(i -> {
            float[] image = java.util.Arrays.copyOfRange(images, i * size, (i + 1) * size);
            results[i] = explain(image, neurons);
            progress.accept(done.incrementAndGet());
        });
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            Parallel.runIn(pool, work);
        } finally {
            pool.shutdown();
        }
        return results;
    }
}
