package io.etalon.graph;

import io.etalon.kernel.Kernels;
import io.etalon.op.Conv2d;
import io.etalon.op.Dense;
import io.etalon.op.Op;
import io.etalon.op.Relu;
import io.etalon.op.Selection;
import io.etalon.op.Switches;
import io.etalon.tensor.Floats;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable network: a directed acyclic graph of named nodes in topological order. Node {@code k} applies its
 * op to the outputs of earlier nodes (or to the network input, {@link #INPUT}); the last node is the output.
 * LeNet is a chain, but nothing here assumes one: a node may read several nodes (residual adds) and a node's
 * output may feed several others (the transposed pass accumulates).
 *
 * <p>Three passes, all over batches:
 * <ul>
 *   <li>{@link #forward}: the value, recording every op's switches into a {@link Trace};</li>
 *   <li>{@link #frozen}: the affine map of a trace's region (switches frozen), with or without biases; without
 *       biases it is the frozen linear map (JVP) applied to tangents;</li>
 *   <li>{@link #transpose}: the adjoint of the frozen linear map from any node back to the input (VJP).</li>
 * </ul>
 */
public final class Network {

    private static final Kernels KERNELS = Kernels.best();

    /** Index that stands for the network input in {@link Node#inputs()}. */
    public static final int INPUT = -1;

    /** One named op and the nodes it reads ({@link #INPUT} for the network input). */
    public record Node(String name, Op op, int[] inputs) {
        public Node {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a node needs a name");
            }
            inputs = inputs.clone();
        }

        @Override
        public int[] inputs() {
            return inputs.clone();
        }

        int input(int k) {
            return inputs[k];
        }

        int inputCount() {
            return inputs.length;
        }
    }

    private final Shape inputShape;
    private final List<Node> nodes;
    private final Map<String, Integer> indexByName;
    private final int[] consumers; // how many node inputs read each node
    private Inference inference; // built on first use

    /**
     * @throws IllegalArgumentException if names repeat, a node reads a later node, or shapes do not fit
     */
    public Network(Shape inputShape, List<Node> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one node");
        }
        this.inputShape = inputShape;
        this.nodes = List.copyOf(nodes);
        this.indexByName = new HashMap<>();
        this.consumers = new int[nodes.size()];
        for (int k = 0; k < nodes.size(); k++) {
            Node node = nodes.get(k);
            if (indexByName.put(node.name(), k) != null) {
                throw new IllegalArgumentException("node name '" + node.name() + "' is used twice");
            }
            List<Shape> expected = node.op().inputShapes();
            if (expected.size() != node.inputCount()) {
                throw new IllegalArgumentException("node '" + node.name() + "' (" + node.op().kind() + ") needs "
                        + expected.size() + " inputs, got " + node.inputCount());
            }
            for (int i = 0; i < node.inputCount(); i++) {
                int source = node.input(i);
                if (source < INPUT || source >= k) {
                    throw new IllegalArgumentException("node '" + node.name() + "' reads node " + source
                            + ", which is not an earlier node (the graph must be acyclic and in topological order)");
                }
                if (source != INPUT) {
                    consumers[source]++;
                }
                Shape actual = source == INPUT ? inputShape : nodes.get(source).op().outputShape();
                if (!actual.equals(expected.get(i))) {
                    throw new IllegalArgumentException("node '" + node.name() + "' expects input " + expected.get(i)
                            + " but " + (source == INPUT ? "the network input" : "'" + nodes.get(source).name() + "'")
                            + " gives " + actual);
                }
            }
        }
    }

    /** Shape of one input sample, e.g. {@code 1x28x28}. */
    public Shape inputShape() {
        return inputShape;
    }

    /**
     * The multiply-adds of one sample's forward pass through the convolutions and dense layers: the cost unit of a
     * pass, forward or transposed (the other ops add a few percent).
     */
    public long multiplyAdds() {
        long total = 0;
        for (Node node : nodes) {
            if (node.op() instanceof Conv2d conv) {
                int[] kernel = conv.kernel();
                long inChannels = conv.inputShapes().get(0).dim(0) / conv.groups();
                total += conv.outputShape().size() * inChannels * kernel[0] * kernel[1];
            } else if (node.op() instanceof Dense dense) {
                total += (long) dense.inputShapes().get(0).size() * dense.outputShape().size();
            }
        }
        return total;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public int size() {
        return nodes.size();
    }

    public Node node(int index) {
        return nodes.get(index);
    }

    /** Index of the node with this name, if any. */
    public Optional<Integer> indexOf(String name) {
        return Optional.ofNullable(indexByName.get(name));
    }

    /** Index of the output node (the last one). */
    public int outputIndex() {
        return nodes.size() - 1;
    }

    public Shape outputShape() {
        return nodes.get(outputIndex()).op().outputShape();
    }

    /** Shape of one sample of a node's output. */
    public Shape shapeOf(int node) {
        return node == INPUT ? inputShape : nodes.get(node).op().outputShape();
    }

    /** Number of parameters (weights and biases) of all ops. */
    public long parameterCount() {
        long count = 0;
        for (Node node : nodes) {
            for (Tensor parameter : node.op().parameters()) {
                count += parameter.size();
            }
        }
        return count;
    }

    /** The same graph with other ops (same names and wiring); used to swap parameters. */
    public Network withOps(List<Op> ops) {
        if (ops.size() != nodes.size()) {
            throw new IllegalArgumentException("expected " + nodes.size() + " ops, got " + ops.size());
        }
        List<Node> replaced = new ArrayList<>(nodes.size());
        for (int k = 0; k < nodes.size(); k++) {
            replaced.add(new Node(nodes.get(k).name(), ops.get(k), nodes.get(k).inputs));
        }
        return new Network(inputShape, replaced);
    }

    /**
     * This network behind a chain of new first ops that take {@code inputShape}: for example a channel replication
     * for grey images and a normalisation folded in as an affine step, so that etalons are reported on the pixels the
     * user gives. The chain's last op must output this network's input shape.
     *
     * @param names a name per op, unique in the network
     */
    public Network withInputStages(Shape inputShape, List<String> names, List<Op> stages) {
        if (stages.isEmpty()) {
            return this;
        }
        List<Node> all = new ArrayList<>();
        for (int k = 0; k < stages.size(); k++) {
            int inputs = stages.get(k).inputShapes().size();
            int[] sources = new int[inputs];
            java.util.Arrays.fill(sources, k - 1);
            all.add(new Node(names.get(k), stages.get(k), sources));
        }
        int shift = stages.size();
        for (Node node : nodes) {
            int[] sources = node.inputs();
            for (int i = 0; i < sources.length; i++) {
                sources[i] = sources[i] == INPUT ? shift - 1 : sources[i] + shift;
            }
            all.add(new Node(node.name(), node.op(), sources));
        }
        return new Network(inputShape, all);
    }

    /** The same network with every bias set to zero: the frozen network of the paper's Algorithm 1. */
    public Network withoutBiases() {
        return withOps(nodes.stream().map(node -> node.op().withoutBias()).toList());
    }

    /**
     * Computes the value of {@code n} samples and records every op's switches.
     *
     * @param input not modified; {@code (n, inputSize)}
     * @throws IllegalArgumentException if the length is not {@code n * inputSize} or a value is NaN or infinite
     */
    public Trace forward(float[] input, int n) {
        checkInput(input, n);
        float[][] outputs = new float[nodes.size()][];
        Switches[] switches = new Switches[nodes.size()];
        for (int k = 0; k < nodes.size(); k++) {
            Node node = nodes.get(k);
            Op op = node.op();
            float[][] in = gather(node, input, outputs);
            switches[k] = new Switches(n, op.switchesPerSample());
            outputs[k] = new float[n * op.outputShape().size()];
            op.forward(in, outputs[k], n, switches[k]);
        }
        return new Trace(this, input.clone(), n, outputs, switches);
    }

    /**
     * The trace of the same input with node {@code k}'s switches replaced: the nodes before {@code k} keep their
     * outputs, node {@code k}'s output is recomputed under {@code forced}, and every later node records its switches
     * anew from the values that gives. This is the forward pass of the neighbouring region across a forced decision.
     *
     * @param forced not modified; switches for node {@code k} and every sample of the trace
     */
    Trace forwardFrom(Trace trace, int k, Switches forced) {
        int n = trace.samples();
        float[] input = trace.input();
        float[][] outputs = new float[nodes.size()][];
        Switches[] switches = new Switches[nodes.size()];
        for (int j = 0; j < k; j++) {
            outputs[j] = trace.outputs()[j];
            switches[j] = trace.switches(j);
        }
        for (int j = k; j < nodes.size(); j++) {
            Node node = nodes.get(j);
            Op op = node.op();
            float[][] in = gather(node, input, outputs);
            outputs[j] = new float[n * op.outputShape().size()];
            if (j == k) {
                // the forced decisions' frozen map, not the value the input would choose
                switches[j] = forced;
                op.linear(in, outputs[j], n, switches[j], 1);
                op.addBias(outputs[j], n, switches[j], 1);
            } else {
                switches[j] = new Switches(n, op.switchesPerSample());
                op.forward(in, outputs[j], n, switches[j]);
            }
        }
        return new Trace(this, input, n, outputs, switches);
    }

    /**
     * The output of {@code n} samples, without recording any switches: plain inference. The same floats as
     * {@link #forward}, by a plan that fuses convolution - ReLU - pool chains and runs the samples in cache-sized
     * tiles ({@link Inference}).
     *
     * @param input not modified; {@code (n, inputSize)}
     * @return {@code (n, outputSize)}
     */
    public float[] infer(float[] input, int n) {
        checkInput(input, n);
        return inference().run(input, n, null);
    }

    /**
     * The steps of {@link #infer}'s plan, in the order they run: each the names of the nodes it runs, one or a fused
     * chain (a convolution, its activation and a pool; or a convolution, an Add and a ReLU), its last node's output the
     * step's. A concatenation whose parts write their channels into it is a step with nothing left to do.
     */
    public List<List<String>> inferenceSteps() {
        return inference().steps();
    }

    /**
     * The nodes whose outputs {@link #infer} hands to the convolution that reads them in its padded planes, in the
     * plan's order (a residual block's first layer, to its second).
     */
    List<String> inferenceHandOffs() {
        return inference().handOffs();
    }

    /**
     * {@link #infer}, adding each step's wall time in nanoseconds to {@code stepNanos[s]}, step s of
     * {@link #inferenceSteps}: for profiling a network layer by layer ({@code ./etalon bench --layers}). The same
     * floats as {@link #infer}.
     *
     * @param stepNanos at least as long as {@link #inferenceSteps}
     */
    public float[] inferTimed(float[] input, int n, long[] stepNanos) {
        checkInput(input, n);
        Inference plan = inference();
        if (stepNanos.length < plan.steps().size()) {
            throw new IllegalArgumentException("inferTimed needs room for " + plan.steps().size() + " steps, got "
                    + stepNanos.length);
        }
        return plan.run(input, n, stepNanos);
    }

    private Inference inference() {
        Inference plan = inference;
        if (plan == null) {
            plan = new Inference(this, consumers);
            inference = plan; // immutable once built: a race builds an equal plan twice, harmlessly
        }
        return plan;
    }

    /**
     * Applies the affine map of the trace's regions, switches frozen: row {@code r} of {@code input} is pushed
     * through the switches of sample {@code r / rowsPerSample}. Without biases this is the frozen linear map
     * (JVP) applied to tangents; with biases and a sample's own input it reproduces {@link #forward}.
     *
     * @param input not modified; {@code (rows, inputSize)}
     * @return every node's output, {@code (rows, nodeSize)} each
     */
    public float[][] frozen(Trace trace, float[] input, int rows, int rowsPerSample, boolean withBias) {
        if (trace.network().size() != size()) {
            throw new IllegalArgumentException("the trace was recorded by a different network");
        }
        if (rows % rowsPerSample != 0 || rows / rowsPerSample > trace.samples()) {
            throw new IllegalArgumentException(rows + " rows at " + rowsPerSample + " per sample do not fit a trace of "
                    + trace.samples() + " samples");
        }
        float[][] outputs = new float[nodes.size()][];
        for (int k = 0; k < nodes.size(); k++) {
            Op op = nodes.get(k).op();
            outputs[k] = new float[rows * op.outputShape().size()];
            op.linear(gather(nodes.get(k), input, outputs), outputs[k], rows, trace.switches(k), rowsPerSample);
            if (withBias) {
                op.addBias(outputs[k], rows, trace.switches(k), rowsPerSample);
            }
        }
        return outputs;
    }

    /**
     * Pushes cotangents at node {@code from} back to the input through the transposed frozen linear map (VJP):
     * for a one-hot cotangent of neuron p the result is its etalon image W_p.
     *
     * @param cotangent not modified; {@code (rows, size of node from)}
     * @return the input gradient, {@code (rows, inputSize)}
     */
    public float[] transpose(Trace trace, int from, float[] cotangent, int rows, int rowsPerSample) {
        return transpose(trace, from, cotangent, rows, rowsPerSample, null, null);
    }

    /**
     * {@link #transpose}, also accumulating for each row the bias of the region's affine map seen from that
     * cotangent: {@code sum over ops of <cotangent at the op's output, op bias>}. For a one-hot cotangent of neuron p
     * this is b_p.
     *
     * @param biases     modified (accumulated) when not null; one value per row
     * @param magnitudes modified (accumulated) with the biases; {@code sum |term|} of each row's bias, its round-off scale
     */
    public float[] transpose(Trace trace, int from, float[] cotangent, int rows, int rowsPerSample, double[] biases,
                             double[] magnitudes) {
        float[][] grads = new float[from + 1][];
        grads[from] = cotangent;
        float[] inputGrad = new float[rows * inputShape.size()];
        for (int k = from; k >= 0; k--) {
            if (grads[k] == null) {
                continue; // node k does not feed node 'from'
            }
            Node node = nodes.get(k);
            int conv = rowsPerSample >= rows ? convolutionBelow(k) : -1;
            if (conv >= 0) {
                jumpToConvolutionInput(trace, k, conv, grads, inputGrad, rows, biases, magnitudes);
                if (k != from) {
                    grads[k] = null;
                }
                k = conv; // the nodes in between need no gradient of their own
                continue;
            }
            float[][] gradInputs = new float[node.inputCount()][];
            for (int i = 0; i < node.inputCount(); i++) {
                gradInputs[i] = gradientOf(node.input(i), grads, inputGrad, rows);
            }
            if (biases != null) {
                node.op().accumulateBiasContribution(grads[k], rows, trace.switches(k), rowsPerSample, biases, magnitudes);
            }
            node.op().transpose(grads[k], gradInputs, rows, trace.switches(k), rowsPerSample);
            if (k != from) {
                grads[k] = null; // free as we go
            }
        }
        return inputGrad;
    }

    private float[] gradientOf(int source, float[][] grads, float[] inputGrad, int rows) {
        if (source == INPUT) {
            return inputGrad;
        }
        if (grads[source] == null) {
            grads[source] = new float[rows * nodes.get(source).op().outputShape().size()];
        }
        return grads[source];
    }

    /**
     * The convolution at the bottom of a chain of selections (ReLU, max-pool, flatten) that ends at node {@code top},
     * or -1. Every node below {@code top} in the chain, and the convolution, must feed only the next node, so that the
     * chain is the only way a gradient reaches them.
     */
    private int convolutionBelow(int top) {
        if (!(nodes.get(top).op() instanceof Selection)) {
            return -1;
        }
        int current = top;
        while (true) {
            int source = nodes.get(current).input(0);
            if (source == INPUT || consumers[source] != 1) {
                return -1;
            }
            Op op = nodes.get(source).op();
            if (op instanceof Conv2d convolution) {
                return convolution.groups() == 1 ? source : -1; // a grouped one goes group by group, op by op
            }
            if (!(op instanceof Selection)) {
                return -1;
            }
            current = source;
        }
    }

    /**
     * The transposed pass from node {@code top} down to the input of convolution {@code conv} in one step, for rows
     * that all belong to sample 0 of the trace. The selections in between compose into one map from {@code top}'s
     * outputs to the convolution's outputs (ReLUs that are off and pool inputs that lost drop out), so only the
     * convolution outputs the pattern kept are touched: for LeNet's conv1 that is at most 1,176 of 4,704, and the
     * dense gradient arrays of the ReLU and the pool are never made. The convolution's bias terms are accumulated on
     * the same compact list.
     */
    private void jumpToConvolutionInput(Trace trace, int top, int conv, float[][] grads, float[] inputGrad, int rows,
                                        double[] biases, double[] magnitudes) {
        Conv2d convolution = (Conv2d) nodes.get(conv).op();
        if (onlyRelusBetween(conv, top)) {
            jumpThroughRelus(trace, top, conv, grads, inputGrad, rows, biases, magnitudes);
            return;
        }
        float[] gradTop = grads[top];
        int topSize = nodes.get(top).op().outputShape().size();
        int convSize = convolution.outputShape().size();
        int stride = Conv2d.paddedRows(rows);
        // which convolution output each output of top copies (-1: zeroed by the pattern, or no gradient in any row);
        // the rows are read in memory order
        int[] source = new int[topSize];
        for (int j = 0; j < topSize; j++) {
            source[j] = -1;
            for (int r = 0; r < rows; r++) {
                if (gradTop[r * topSize + j] != 0f) {
                    source[j] = j;
                    break;
                }
            }
        }
        for (int node = top; node > conv; node--) {
            ((Selection) nodes.get(node).op()).sources(trace.switches(node), 0, source, topSize);
        }
        int kept = 0; // outputs of top that reach the convolution: at least as many as the positions they reach
        for (int j = 0; j < topSize; j++) {
            if (source[j] >= 0) {
                kept++;
            }
        }
        float[] target = gradientOf(nodes.get(conv).input(0), grads, inputGrad, rows);
        // Either way a position's terms arrive in order of j, as the op-by-op pass adds them.
        if (denseAdjointWins(kept, rows, convSize)) {
            float[] dense = new float[rows * convSize];
            for (int j = 0; j < topSize; j++) {
                int q = source[j];
                if (q >= 0) {
                    for (int r = 0; r < rows; r++) {
                        dense[r * convSize + q] += gradTop[r * topSize + j];
                    }
                }
            }
            if (biases != null) {
                convolution.accumulateBiasContribution(dense, rows, trace.switches(conv), rows, biases, magnitudes);
            }
            convolution.transposeDense(dense, target, rows);
            return;
        }
        int[] slotOf = new int[convSize];
        java.util.Arrays.fill(slotOf, -1);
        int[] positions = new int[Math.min(convSize, topSize)];
        int count = 0;
        int[] slotOfOutput = source; // reused: the slot of each output of top, or -1
        for (int j = 0; j < topSize; j++) {
            int q = source[j];
            if (q < 0) {
                continue;
            }
            if (slotOf[q] < 0) { // each output of top adds at most one position, so the arrays are large enough
                slotOf[q] = count;
                positions[count++] = q;
            }
            slotOfOutput[j] = slotOf[q];
        }
        float[] values = new float[count * stride];
        for (int j = 0; j < topSize; j++) {
            int slot = slotOfOutput[j];
            if (slot >= 0) {
                for (int r = 0; r < rows; r++) {
                    values[slot * stride + r] += gradTop[r * topSize + j];
                }
            }
        }
        if (biases != null) {
            addBiasTerms(convolution, positions, count, values, stride, rows, biases, magnitudes);
        }
        convolution.transposeAt(positions, count, values, stride, rows, target);
    }

    private boolean onlyRelusBetween(int conv, int top) {
        for (int node = top; node > conv; node--) {
            if (!(nodes.get(node).op() instanceof Relu)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link #jumpToConvolutionInput} when only ReLUs lie between (a convolution and its activation, the common case
     * at 224x224): each output of top copies the convolution output at the same position where every ReLU is on, so
     * the convolution's gradient is the top gradient through the ReLUs' own frozen maps (diagonal, hence their own
     * transposes), with no index lists. The kept positions are then counted on it to choose the dense adjoint or the
     * compact scatter as {@link #jumpToConvolutionInput} does.
     */
    private void jumpThroughRelus(Trace trace, int top, int conv, float[][] grads, float[] inputGrad, int rows,
                                  double[] biases, double[] magnitudes) {
        Conv2d convolution = (Conv2d) nodes.get(conv).op();
        int size = convolution.outputShape().size();
        float[] gradient = new float[rows * size];
        float[][] from = {grads[top]};
        for (int node = top; node > conv; node--) {
            nodes.get(node).op().linear(from, gradient, rows, trace.switches(node), rows);
            from[0] = gradient; // a ReLU masks value by value, so the next may work in place
        }
        int stride = Conv2d.paddedRows(rows);
        float[] target = gradientOf(nodes.get(conv).input(0), grads, inputGrad, rows);
        // the positions kept in the first row are at most those kept in any: if they already make the dense pass win,
        // the other rows need not be counted (the rows share one pattern, so this is the common case)
        int[] positions = null;
        boolean dense = denseAdjointWins(KERNELS.nonZeros(gradient, 1, size, size), rows, size);
        int kept = 0;
        if (!dense) {
            positions = new int[size + 1];
            kept = keptPositions(gradient, rows, size, positions);
            dense = denseAdjointWins(kept, rows, size);
        }
        if (dense) {
            if (biases != null) {
                convolution.accumulateBiasContribution(gradient, rows, trace.switches(conv), rows, biases, magnitudes);
            }
            convolution.transposeDense(gradient, target, rows);
            return;
        }
        float[] values = new float[kept * stride];
        for (int s = 0; s < kept; s++) {
            for (int r = 0; r < rows; r++) {
                values[s * stride + r] = gradient[r * size + positions[s]];
            }
        }
        if (biases != null) {
            addBiasTerms(convolution, positions, kept, values, stride, rows, biases, magnitudes);
        }
        convolution.transposeAt(positions, kept, values, stride, rows, target);
    }

    /**
     * Lists the positions q with a gradient in some row of {@code (rows, size)} into {@code positions} (one spare
     * entry), without a branch: about half the ReLUs are off, at random, and a branch on them would be mispredicted
     * every other time. Returns how many.
     */
    private static int keptPositions(float[] gradient, int rows, int size, int[] positions) {
        int kept = 0;
        for (int q = 0; q < size; q++) {
            int nonZero = 0;
            for (int r = 0; r < rows; r++) {
                nonZero |= gradient[r * size + q] != 0f ? 1 : 0;
            }
            positions[kept] = q;
            kept += nonZero;
        }
        return kept;
    }

    /**
     * Adds each row's bias terms of a convolution's kept positions: kept position s of row r carries the gradient
     * {@code values[s*stride + r]}.
     */
    private static void addBiasTerms(Conv2d convolution, int[] positions, int count, float[] values, int stride, int rows,
                                     double[] biases, double[] magnitudes) {
        int plane = convolution.outputShape().dim(1) * convolution.outputShape().dim(2);
        for (int s = 0; s < count; s++) {
            double b = convolution.bias(positions[s] / plane);
            if (b == 0) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                double term = values[s * stride + r] * b;
                biases[r] += term;
                magnitudes[r] += Math.abs(term);
            }
        }
    }

    /** How many times faster per filter tap the dense adjoint runs than the compact scatter at few rows (estimated). */
    private static final long DENSE_SPEEDUP = 3;

    /**
     * Whether the dense adjoint beats the compact scatter for {@code kept} positions with a gradient out of a
     * convolution's {@code size} outputs, in {@code rows} rows. The compact scatter costs every filter tap once per kept
     * position and per row padded to a whole vector; the dense adjoint once per output position and row, but
     * register-blocked, at several times the speed per tap. Few-channel layers with few kept positions (LeNet's 10
     * rows) scatter; wide layers, or few rows, go dense. With at most half as many rows as lanes (top-5 etalons) the
     * scatter wastes most of each vector, so the dense pass wins sooner.
     */
    private static boolean denseAdjointWins(int kept, int rows, int size) {
        int stride = Conv2d.paddedRows(rows);
        long speedup = 2L * rows <= stride ? DENSE_SPEEDUP : DENSE_SPEEDUP - 1;
        return speedup * kept * stride > (long) size * rows;
    }

    /**
     * Back-propagates the gradient of a loss with respect to the output through the trace (one row per sample)
     * and accumulates every op's parameter gradients. The input gradient is not computed.
     *
     * @param outputGrad not modified; {@code (samples, outputSize)}
     * @param paramGrads modified (accumulated); {@code paramGrads[node][parameter]}
     */
    public void backward(Trace trace, float[] outputGrad, float[][][] paramGrads) {
        int n = trace.samples();
        float[][] grads = new float[nodes.size()][];
        grads[outputIndex()] = outputGrad;
        for (int k = outputIndex(); k >= 0; k--) {
            if (grads[k] == null) {
                continue;
            }
            Node node = nodes.get(k);
            float[][] inputs = gather(node, trace.input(), trace.outputs());
            node.op().accumulateGradients(inputs, grads[k], n, paramGrads[k]);
            float[][] gradInputs = new float[node.inputCount()][];
            for (int i = 0; i < node.inputCount(); i++) {
                int source = node.input(i);
                if (source != INPUT) {
                    if (grads[source] == null) {
                        grads[source] = new float[n * nodes.get(source).op().outputShape().size()];
                    }
                    gradInputs[i] = grads[source];
                }
            }
            node.op().transpose(grads[k], gradInputs, n, trace.switches(k), 1);
            grads[k] = null;
        }
    }

    /** Zeroed gradient buffers shaped like every op's parameters: {@code [node][parameter][value]}. */
    public float[][][] newParameterGradients() {
        float[][][] grads = new float[nodes.size()][][];
        for (int k = 0; k < nodes.size(); k++) {
            List<Tensor> parameters = nodes.get(k).op().parameters();
            grads[k] = new float[parameters.size()][];
            for (int p = 0; p < parameters.size(); p++) {
                grads[k][p] = new float[parameters.get(p).size()];
            }
        }
        return grads;
    }

    static float[][] gather(Node node, float[] input, float[][] outputs) {
        float[][] in = new float[node.inputCount()][];
        for (int i = 0; i < node.inputCount(); i++) {
            int source = node.input(i);
            in[i] = source == INPUT ? input : outputs[source];
        }
        return in;
    }

    private void checkInput(float[] input, int n) {
        if (n <= 0 || input.length != (long) n * inputShape.size()) {
            throw new IllegalArgumentException("input has " + input.length + " values; " + n + " samples of "
                    + inputShape + " need " + (long) n * inputShape.size());
        }
        int bad = Floats.firstNonFinite(input);
        if (bad >= 0) {
            throw new IllegalArgumentException("input value " + bad % inputShape.size() + " of sample "
                    + bad / inputShape.size() + " is " + input[bad] + "; pixels must be finite numbers");
        }
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Network(input " + inputShape);
        for (Node node : nodes) {
            text.append(", ").append(node.name()).append(':').append(node.op().kind());
        }
        return text.append(')').toString();
    }

    /** Names of all nodes, in order. */
    public List<String> names() {
        return nodes.stream().map(Node::name).toList();
    }
}
