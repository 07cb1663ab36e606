package io.etalon.etalon;

import io.etalon.graph.Network;
import java.util.ArrayList;
import java.util.List;

/**
 * Which neurons to explain, written as the CLI takes them: fixed neurons ({@code output}, {@code LAYER},
 * {@code LAYER:INDEX}, {@code LAYER:C,H,W}, see {@link Neuron#parse}) and neurons ranked per image by its output
 * scores, {@code top:K} (the K best output neurons, best first) and {@code predicted} (the best one).
 *
 * <p>Ranked neurons are resolved after an image's forward pass, so a 1,000-class model asked for its top 5 builds 5
 * etalons, never 1,000. Every image gets the same number of neurons, {@link #count()}, in the order of the specs.
 * <pre>{@code
 * NeuronSelection top = NeuronSelection.parse(List.of("top:3"), squeezenet);
 * top.resolve(scores)   // [logits:281, logits:285, logits:282] for a tabby cat's scores
 * }</pre>
 */
public final class NeuronSelection {

    /** One spec: fixed neurons, or the {@code rank} best output neurons. */
    private record Part(List<Neuron> fixed, int rank) {
    }

    private final List<Part> parts;
    private final Neuron firstOutput;
    private final int outputs;

    private NeuronSelection(List<Part> parts, Network network) {
        this.parts = List.copyOf(parts);
        int node = network.outputIndex();
        this.firstOutput = new Neuron(network.node(node).name(), node, 0);
        this.outputs = network.shapeOf(node).size();
    }

    /**
     * Parses neuron specs against a network.
     *
     * @throws UnknownNeuronException naming the spec and the valid forms, for an unknown layer, an index out of range,
     *                                a rank below 1 or above the number of outputs, or no specs at all
     */
    public static NeuronSelection parse(List<String> specs, Network network) {
        int outputs = network.shapeOf(network.outputIndex()).size();
        List<Part> parts = new ArrayList<>();
        for (String spec : specs) {
            String text = spec.trim();
            if (text.equals("predicted")) {
                parts.add(new Part(List.of(), 1));
            } else if (text.startsWith("top:")) {
                int k;
                try {
                    k = Integer.parseInt(text.substring(4).trim());
                } catch (NumberFormatException e) {
                    throw new UnknownNeuronException("neuron '" + spec + "' needs a number of classes, e.g. top:5");
                }
                if (k < 1 || k > outputs) {
                    throw new UnknownNeuronException("neuron '" + spec + "' asks for " + k + " ranked outputs; the model has "
                            + outputs + ", so give top:1 to top:" + outputs);
                }
                parts.add(new Part(List.of(), k));
            } else {
                parts.add(new Part(Neuron.parse(text, network), 0));
            }
        }
        if (parts.isEmpty()) {
            throw new UnknownNeuronException("no neurons were given; use output, top:K, predicted, layer:index or layer:c,h,w");
        }
        return new NeuronSelection(parts, network);
    }

    /** Fixed neurons as a selection, in the order given. */
    public static NeuronSelection of(List<Neuron> neurons, Network network) {
        if (neurons.isEmpty()) {
            throw new UnknownNeuronException("no neurons were given; use output, top:K, predicted, layer:index or layer:c,h,w");
        }
        return new NeuronSelection(List.of(new Part(List.copyOf(neurons), 0)), network);
    }

    /** How many neurons each image gets. */
    public int count() {
        return parts.stream().mapToInt(part -> part.rank > 0 ? part.rank : part.fixed.size()).sum();
    }

    /** Whether the neurons depend on the image's scores ({@code top:K} or {@code predicted} was asked for). */
    public boolean ranked() {
        return parts.stream().anyMatch(part -> part.rank > 0);
    }

    /** The fixed neurons, for a selection that is not {@linkplain #ranked() ranked}. */
    public List<Neuron> fixed() {
        if (ranked()) {
            throw new IllegalStateException("a ranked selection has no fixed neurons; resolve it with an image's scores");
        }
        return parts.stream().flatMap(part -> part.fixed.stream()).toList();
    }

    /**
     * The neurons for one image.
     *
     * @param scores not modified; the image's output scores, one per output neuron
     * @return the neurons in spec order; ranked ones best first, ties to the lower index
     */
    public List<Neuron> resolve(float[] scores) {
        if (scores.length != outputs) {
            throw new IllegalArgumentException(scores.length + " scores given for a model of " + outputs + " outputs");
        }
        List<Neuron> neurons = new ArrayList<>(count());
        for (Part part : parts) {
            if (part.rank == 0) {
                neurons.addAll(part.fixed);
                continue;
            }
            for (int index : best(scores, part.rank)) {
                neurons.add(new Neuron(firstOutput.layer(), firstOutput.node(), index));
            }
        }
        return neurons;
    }

    /**
     * The indices of the {@code k} largest scores, best first, the lower index first on ties; a partial selection
     * (k passes over the scores), as k is small beside the number of classes.
     */
    static int[] best(float[] scores, int k) {
        int[] chosen = new int[k];
        boolean[] taken = new boolean[scores.length];
        for (int r = 0; r < k; r++) {
            int top = -1;
            for (int i = 0; i < scores.length; i++) {
                if (!taken[i] && (top < 0 || scores[i] > scores[top])) {
                    top = i;
                }
            }
            taken[top] = true;
            chosen[r] = top;
        }
        return chosen;
    }
}
