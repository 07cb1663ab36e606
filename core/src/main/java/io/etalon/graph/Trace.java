package io.etalon.graph;

import io.etalon.op.Switches;
import io.etalon.pattern.Pattern;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one forward pass of {@code n} samples left behind: the input, every node's output and every op's
 * switches. Solvers freeze the switches of a trace to get the affine map of each sample's region.
 * Arrays are owned by the trace and not copied; treat them as read-only.
 */
public final class Trace {

    private final Network network;
    private final float[] input;
    private final int samples;
    private final float[][] outputs;
    private final Switches[] switches;

    Trace(Network network, float[] input, int samples, float[][] outputs, Switches[] switches) {
        this.network = network;
        this.input = input;
        this.samples = samples;
        this.outputs = outputs;
        this.switches = switches;
    }

    public Network network() {
        return network;
    }

    public int samples() {
        return samples;
    }

    float[] input() {
        return input;
    }

    float[][] outputs() {
        return outputs;
    }

    /** The switches node {@code k} recorded (none for affine ops). */
    public Switches switches(int node) {
        return switches[node];
    }

    /** Value of one neuron: flat index {@code neuron} of node {@code node}'s output for sample {@code sample}. */
    public float value(int node, int sample, int neuron) {
        return outputs[node][sample * network.shapeOf(node).size() + neuron];
    }

    /** A copy of one sample's output of node {@code node}. */
    public float[] output(int node, int sample) {
        int size = network.shapeOf(node).size();
        return Arrays.copyOfRange(outputs[node], sample * size, (sample + 1) * size);
    }

    /** A copy of one sample's network output (the last node). */
    public float[] output(int sample) {
        return output(network.outputIndex(), sample);
    }

    /** A copy of one sample's input. */
    public float[] input(int sample) {
        int size = network.inputShape().size();
        return Arrays.copyOfRange(input, sample * size, (sample + 1) * size);
    }

    /** The activation pattern (etalon subgraph) of one sample: the switches of every op that has some. */
    public Pattern pattern(int sample) {
        List<String> layers = new ArrayList<>();
        List<String> kinds = new ArrayList<>();
        List<int[]> states = new ArrayList<>();
        int[] ties = new int[0];
        float[] margins = new float[0];
        for (int k = 0; k < network.size(); k++) {
            if (switches[k].perSample() > 0) {
                layers.add(network.node(k).name());
                kinds.add(network.node(k).op().kind());
                states.add(switches[k].sampleStates(sample));
                ties = Arrays.copyOf(ties, ties.length + 1);
                ties[ties.length - 1] = switches[k].ties(sample);
                margins = Arrays.copyOf(margins, margins.length + 1);
                margins[margins.length - 1] = switches[k].margin(sample);
            }
        }
        return new Pattern(layers, kinds, states.toArray(new int[0][]), ties, margins);
    }
}
