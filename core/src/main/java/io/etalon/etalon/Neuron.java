package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One neuron of a network: flat index {@code index} of the output of node {@code layer} (node number
 * {@code node}). Hidden neurons are the outputs of any node, e.g. the pre-activations of {@code conv2} or
 * {@code fc1}.
 *
 * <p>Text form {@code layer:index}, {@code layer:c,h,w} (a multi-index in the node's shape), {@code layer}
 * (all neurons of a layer) or {@code output} (all neurons of the last layer):
 * <pre>{@code
 * Neuron.parse("conv2:3,4,4", lenet)  // [conv2:304]
 * Neuron.parse("output", lenet)       // [fc3:0, ..., fc3:9]
 * }</pre>
 */
public record Neuron(String layer, int node, int index) {

    public Neuron {
        if (layer == null || layer.isBlank() || node < 0 || index < 0) {
            throw new IllegalArgumentException("a neuron needs a layer name, a node number and a non-negative index");
        }
    }

    /** The neuron's name, {@code layer:index}. */
    public String id() {
        return layer + ":" + index;
    }

    @Override
    public String toString() {
        return id();
    }

    /**
     * Resolves neuron specs against a network; see the class comment for the forms.
     *
     * @throws UnknownNeuronException naming the spec, what was wrong and which names or ranges are valid
     */
    public static List<Neuron> parse(String spec, Network network) {
        String text = spec.trim();
        if (text.equals("output")) {
            return all(network, network.outputIndex());
        }
        int colon = text.indexOf(':');
        String layer = colon < 0 ? text : text.substring(0, colon);
        int node = network.indexOf(layer).orElseThrow(() -> new UnknownNeuronException("unknown layer '" + layer
                + "' in neuron '" + spec + "'; layers are " + String.join(", ", network.names()) + " (or 'output')"));
        if (colon < 0) {
            return all(network, node);
        }
        Shape shape = network.shapeOf(node);
        String[] parts = text.substring(colon + 1).split(",", -1);
        int[] coordinates = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                coordinates[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new UnknownNeuronException("neuron '" + spec + "' has index '" + parts[i]
                        + "', not a number; write layer:index or layer:c,h,w");
            }
        }
        int flat;
        if (coordinates.length == 1) {
            flat = coordinates[0];
            if (flat < 0 || flat >= shape.size()) {
                throw new UnknownNeuronException("neuron '" + spec + "' is out of range: " + layer + " has "
                        + shape.size() + " neurons (0.." + (shape.size() - 1) + ", shape " + shape + ")");
            }
        } else {
            try {
                flat = shape.flatIndex(coordinates);
            } catch (IndexOutOfBoundsException e) {
                throw new UnknownNeuronException("neuron '" + spec + "' is out of range: " + layer + " has shape "
                        + shape + ", so give " + shape.rank() + " coordinates each below " + Arrays.toString(shape.dims()));
            }
        }
        return List.of(new Neuron(layer, node, flat));
    }

    /** Resolves several specs, keeping their order. */
    public static List<Neuron> parseAll(List<String> specs, Network network) {
        List<Neuron> neurons = new ArrayList<>();
        for (String spec : specs) {
            neurons.addAll(parse(spec, network));
        }
        if (neurons.isEmpty()) {
            throw new UnknownNeuronException("no neurons were given; use 'output', layer:index or layer:c,h,w");
        }
        return List.copyOf(neurons);
    }

    private static List<Neuron> all(Network network, int node) {
        String name = network.node(node).name();
        int size = network.shapeOf(node).size();
        List<Neuron> neurons = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            neurons.add(new Neuron(name, node, i));
        }
        return neurons;
    }
}
