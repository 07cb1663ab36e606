package io.etalon.graph;

import io.etalon.op.Op;
import io.etalon.op.Switches;
import io.etalon.pattern.NearTie;
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

    /**
     * The near-tied decisions of one sample, in network order and then unit order: every switch whose margin is
     * positive and at most {@code relativeThreshold} times its layer's scale (the largest |input| of that op for this
     * sample). These are the decisions float32 round-off can turn, so another engine or float64 may put X in the
     * neighbouring region across them. Exact ties are not listed; {@link Pattern#ties()} counts them.
     *
     * @param relativeThreshold for example 1e-5: a wide margin over float32 round-off (about 1e-7 of the values summed)
     */
    public List<NearTie> nearTies(int sample, double relativeThreshold) {
        if (sample < 0 || sample >= samples) {
            throw new IllegalArgumentException("sample " + sample + " is outside the trace's " + samples + " samples");
        }
        if (!(relativeThreshold >= 0)) {
            throw new IllegalArgumentException("the near-tie threshold must be >= 0, got " + relativeThreshold);
        }
        List<NearTie> found = new ArrayList<>();
        for (int k = 0; k < network.size(); k++) {
            if (switches[k].perSample() == 0) {
                continue;
            }
            Network.Node node = network.node(k);
            float[][] inputs = Network.gather(node, input, outputs);
            int size = network.shapeOf(node.inputs()[0]).size();
            float scale = 0f;
            for (int i = sample * size, end = i + size; i < end; i++) {
                scale = Math.max(scale, Math.abs(inputs[0][i]));
            }
            float layerScale = scale;
            float limit = (float) (relativeThreshold * scale);
            node.op().nearTies(inputs, sample, switches[k], limit, (unit, state, rival, margin) ->
                    found.add(new NearTie(node.name(), node.op().kind(), unit, state, rival, margin, layerScale)));
        }
        return found;
    }

    /**
     * The trace of X with one switch decided otherwise: X seen from the region next to it across that decision (a
     * near-tie taken the way another engine takes it). The forced op's output is recomputed with the forced switch,
     * and every later op records its switches anew from the values that gives, as another engine's forward pass
     * would after taking that decision (a ReLU forced off can leave a pool window of exact zeros, whose winner then
     * goes back to the first). Earlier ops keep their outputs and switches. The scores are those of the
     * neighbouring region's affine map at X, so the etalons' residuals stay at round-off.
     *
     * @param layer the op's name
     * @param unit  the switch's flat index in the op's output
     * @param state the new state; see {@link io.etalon.op.Op#admits}
     * @throws IllegalArgumentException if the layer has no switches or the state is not one that unit can take
     */
    public Trace withSwitch(String layer, int sample, int unit, int state) {
        int k = network.indexOf(layer).orElseThrow(() -> new IllegalArgumentException("no layer named '" + layer + "'"));
        Op op = network.node(k).op();
        if (switches[k].perSample() == 0) {
            throw new IllegalArgumentException("layer '" + layer + "' (" + op.kind() + ") has no switches to force");
        }
        if (!op.admits(unit, state)) {
            throw new IllegalArgumentException("unit " + unit + " of layer '" + layer + "' (" + op.kind()
                    + ") cannot take state " + state);
        }
        return network.forwardFrom(this, k, switches[k].withState(sample, unit, state));
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
