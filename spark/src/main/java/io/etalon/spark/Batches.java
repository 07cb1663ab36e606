package io.etalon.spark;

import io.etalon.etalon.Explainer;
import io.etalon.etalon.Explanation;
import io.etalon.etalon.Method;
import io.etalon.etalon.Neuron;
import io.etalon.graph.Network;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.util.LongAccumulator;

/**
 * Explains the images of one partition in batches with core's {@link Explainer}: reads {@code batch} images, explains
 * them together, hands the results on one by one, then reads the next batch. A partition of any size streams through
 * the memory of one batch.
 */
final class Batches implements Iterator<Explained> {

    private final Iterator<Image> images;
    private final Explainer explainer;
    private final List<Neuron> neurons;
    private final int batch;
    private final LongAccumulator counter;
    private List<Explained> current = List.of();
    private int next;
    private int batchesDone;

    /**
     * @param neuronSpecs neurons as the command line names them ({@code output}, {@code fc1:5}, ...)
     * @param counter     counts explained images for the progress report (a Spark accumulator)
     */
    Batches(Iterator<Image> images, ShippedModel model, List<String> neuronSpecs, Method method, int batch, int threads,
            LongAccumulator counter) {
        Network network = model.network();
        this.images = images;
        this.explainer = new Explainer(network, method.solver(), threads);
        this.neurons = Neuron.parseAll(neuronSpecs, network);
        this.batch = batch;
        this.counter = counter;
    }

    @Override
    public boolean hasNext() {
        if (next < current.size()) {
            return true;
        }
        if (batchesDone > 0) {
            FaultInjection.afterFirstBatch();
        }
        if (!images.hasNext()) {
            return false;
        }
        current = explainNextBatch();
        next = 0;
        return true;
    }

    @Override
    public Explained next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return current.get(next++);
    }

    private List<Explained> explainNextBatch() {
        List<Image> chunk = new ArrayList<>(batch);
        while (chunk.size() < batch && images.hasNext()) {
            chunk.add(images.next());
        }
        int size = explainer.network().inputShape().size();
        float[] pixels = new float[chunk.size() * size];
        for (int k = 0; k < chunk.size(); k++) {
            System.arraycopy(chunk.get(k).pixels(), 0, pixels, k * size, size);
        }
        Explanation[] explanations = explainer.explainAll(pixels, chunk.size(), neurons, done -> { });
        List<Explained> results = new ArrayList<>(chunk.size());
        for (int k = 0; k < chunk.size(); k++) {
            results.add(new Explained(chunk.get(k), explanations[k]));
        }
        counter.add(chunk.size());
        batchesDone++;
        return results;
    }
}
