package io.etalon.graph;

import io.etalon.graph.Network.Node;
import io.etalon.op.Clip;
import io.etalon.op.Concat;
import io.etalon.op.Conv2d;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Op;
import io.etalon.op.PaddedPlanes;
import io.etalon.op.Relu;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain inference as a plan of steps over a network: the same floats as {@link Network#forward}, faster.
 *
 * <p>Two things make it fast. A convolution whose only reader is a ReLU, itself read only by a max-pool (LeNet's
 * conv - relu - pool, or SqueezeNet's stem and its 3x3 pool of stride 2), runs as one step that pools and rectifies
 * straight from the correlation ({@link Conv2d#inferRectified}); a convolution followed by a ReLU or a Clip alone
 * (MobileNet's ReLU6, also after a depthwise convolution) fuses the same way ({@link Conv2d#inferActivated}), and so
 * does a convolution followed by an Add of a skip connection and a ReLU ({@link Conv2d#inferResidual}, a residual
 * block's end). Fused convolutions read only by a concatenation write their channels into it where they lie,
 * and a max-pool of a ReLU's outputs compares them as ints ({@link MaxPool2d#inferRectified}). And the samples go
 * through the plan in tiles small enough that every intermediate of a tile stays in a core's L2 cache, in buffers
 * reused from tile to tile, instead of each layer streaming the whole batch through memory. Outputs whose lives do
 * not overlap share a buffer (an output lives from its step to the last step that reads it), so a 224x224 network's
 * few dozen layers run in a handful of buffers that stay in cache, not in one fresh buffer per layer.
 */
final class Inference {

    /** Intermediates of one tile should fit in this many bytes (a core's L2 cache holds 512 KB or more). */
    private static final int TILE_BYTES = 256 << 10;

    /**
     * Floats past the end of each buffer: a convolution with no padding at stride 1 (every 1x1 layer) reads its input
     * where it lies only if its last vector of results, which runs up to a vector past the last sample's end, still
     * reads inside the array; else it first copies the input into a padded buffer of its own.
     */
    private static final int SLACK = 64;

    /**
     * Whether convolutions hand their outputs on in their readers' padded planes ({@link #handOffs}); on unless
     * {@code -Detalon.handOffs=false}, to compare. ResNet-18's inference, alternating call by call on two threads:
     * 1.006x to 1.010x, the readers' steps 0.02 to 0.05 ms faster each, the writers' up to 0.04 ms slower.
     */
    private static final boolean HAND_OFFS = !"false".equals(System.getProperty("etalon.handOffs"));

    /**
     * Runs node {@code node}, or the fused chain from it to {@code last}; the result is {@code last}'s output. A fused
     * step whose output only a concatenation reads writes it straight into that concatenation's output, at
     * {@code offset} floats into each sample ({@code into} is then the concatenation's node, else -1), and the
     * concatenation's own step has nothing left to do ({@code assembled}). A convolution, an Add and a ReLU run as one
     * step that adds node {@code residual}'s output (a skip connection) before the ReLU; {@link #NONE} in other steps.
     */
    private record Step(int node, int last, boolean fused, int into, int offset, boolean assembled, int residual) {

        /** The outputs the step reads: its first node's inputs, and the residual it adds. */
        int[] reads(Network network) {
            int[] inputs = network.node(node).inputs();
            if (residual == NONE) {
                return inputs;
            }
            int[] all = java.util.Arrays.copyOf(inputs, inputs.length + 1);
            all[inputs.length] = residual;
            return all;
        }

        /** The max-pool the step ends with: its third node in a chain of convolution, ReLU and pool; else null. */
        MaxPool2d pool(Network network) {
            return residual == NONE && last == node + 2 ? (MaxPool2d) network.node(last).op() : null;
        }
    }

    /** No residual: not a node, nor {@link Network#INPUT}. */
    private static final int NONE = Integer.MIN_VALUE;

    private final Network network;
    private final List<Step> steps = new ArrayList<>();
    /** The buffer each step's output goes to: outputs whose lives do not overlap share one. */
    private final int[] slotOf;
    /** Each buffer's floats per sample: the largest output it holds. */
    private final int[] slotFloats;
    private final int floatsPerSample;
    /**
     * The nodes whose outputs are +0 or positive: a ReLU's (fused or not), and a concatenation's or max-pool's of such
     * outputs only. A max-pool of them compares its floats as ints ({@link MaxPool2d#inferRectified}).
     */
    private final boolean[] rectified;
    /**
     * By step: the padded planes its output goes to, those of the convolution that alone reads it, or null for the
     * output's own layout ({@link #handOffs}).
     */
    private final PaddedPlanes[] paddedOut;
    /** By step: whether its input comes in its own convolution's padded planes, written so by the step before it. */
    private final boolean[] paddedIn;

    Inference(Network network, int[] consumers) {
        this.network = network;
        int size = network.size();
        int[] into = new int[size];
        int[] offset = new int[size];
        boolean[] assembled = assembledInPlace(consumers, into, offset);
        for (int k = 0; k < size; k++) {
            int residual = residualOf(k, consumers);
            int last = residual != NONE ? k + 2 : fusedEnd(k, consumers);
            steps.add(new Step(k, last, last != k, into[last], offset[last], assembled[k], residual));
            k = last;
        }
        this.paddedOut = new PaddedPlanes[steps.size()];
        this.paddedIn = new boolean[steps.size()];
        handOffs(consumers);
        // the last step reading each output (the network's output is read at the end, by the caller)
        int[] lastRead = new int[size];
        java.util.Arrays.fill(lastRead, -1);
        for (int s = 0; s < steps.size(); s++) {
            for (int source : steps.get(s).reads(network)) {
                if (source != Network.INPUT) {
                    lastRead[source] = s;
                }
            }
        }
        lastRead[network.outputIndex()] = steps.size();
        // each output takes the free buffer closest in size, or a new one; a step's inputs are freed after it runs,
        // so its output never shares a buffer with them
        this.slotOf = new int[size];
        List<Integer> floats = new ArrayList<>();
        List<Integer> free = new ArrayList<>();
        java.util.Arrays.fill(slotOf, -1);
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            // a concatenation assembled in place takes its buffer at its first part's step, which its parts share
            int output = step.into() >= 0 ? step.into() : step.last();
            if (slotOf[output] < 0) {
                int need = paddedOut[s] != null ? paddedOut[s].sampleFloats() : network.shapeOf(output).size();
                int slot = -1;
                for (int candidate : free) {
                    if (slot < 0 || Math.abs(floats.get(candidate) - need) < Math.abs(floats.get(slot) - need)) {
                        slot = candidate;
                    }
                }
                if (slot < 0) {
                    slot = floats.size();
                    floats.add(need);
                } else {
                    free.remove(Integer.valueOf(slot));
                    floats.set(slot, Math.max(need, floats.get(slot)));
                }
                slotOf[output] = slot;
            }
            slotOf[step.last()] = slotOf[output];
            for (int source : step.reads(network)) {
                int slot = source == Network.INPUT ? -1 : slotOf[source];
                if (slot >= 0 && lastRead[source] == s && slot != slotOf[output] && !free.contains(slot)) {
                    free.add(slot);
                }
            }
        }
        this.slotFloats = floats.stream().mapToInt(Integer::intValue).toArray();
        this.floatsPerSample = network.inputShape().size() + java.util.Arrays.stream(slotFloats).sum();
        this.rectified = new boolean[size];
        for (int k = 0; k < size; k++) {
            Node node = network.node(k);
            boolean passesOn = node.op() instanceof Concat || node.op() instanceof MaxPool2d;
            rectified[k] = node.op() instanceof Relu || passesOn && readsRectified(node);
        }
    }

    /**
     * Marks the steps that hand their output to the next convolution in its padded planes ({@link Conv2d#paddedInput}):
     * a convolution step (alone, with its activation, or ending a residual block) whose output one such step alone
     * reads, a convolution of stride 1 with padding. The reader then correlates it where it lies instead of first
     * copying it into padded planes of its own: in ResNet each residual block's first layer hands its output so to its
     * second, 8 of ResNet-18's 20 copies.
     */
    private void handOffs(int[] consumers) {
        if (!HAND_OFFS) {
            return;
        }
        int[] stepAt = new int[network.size()];
        java.util.Arrays.fill(stepAt, -1);
        for (int s = 0; s < steps.size(); s++) {
            stepAt[steps.get(s).node()] = s;
        }
        for (int s = 0; s < steps.size(); s++) {
            Step step = steps.get(s);
            int output = step.last();
            if (!runsPadded(step) || output == network.outputIndex() || consumers[output] != 1) {
                continue;
            }
            for (int reader = output + 1; reader < network.size(); reader++) {
                int[] inputs = network.node(reader).inputs();
                if (java.util.Arrays.stream(inputs).noneMatch(i -> i == output)) {
                    continue;
                }
                int t = stepAt[reader];
                PaddedPlanes planes = t >= 0 && runsPadded(steps.get(t)) && inputs[0] == output
                        ? ((Conv2d) network.node(reader).op()).paddedInput() : null;
                if (planes != null && planes.reach() - planes.sampleFloats() <= SLACK) {
                    paddedOut[s] = planes;
                    paddedIn[t] = true;
                }
                break;
            }
        }
    }

    /**
     * Whether the step is one {@link Conv2d#inferPadded} runs: an ungrouped convolution, alone or with its activation,
     * without a pool and not into a concatenation, or a residual block's end.
     */
    private boolean runsPadded(Step step) {
        if (!(network.node(step.node()).op() instanceof Conv2d conv) || !conv.rectifies() || step.into() >= 0) {
            return false;
        }
        return step.residual() != NONE || step.pool(network) == null;
    }

    /**
     * Whether every input of the node is a node's output that is +0 or positive ({@link #rectified}): asked once per
     * pool step and tile, so a plain loop, nothing allocated.
     */
    private boolean readsRectified(Node node) {
        for (int input : node.inputs()) {
            if (input == Network.INPUT || !rectified[input]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The concatenations whose parts are all fused convolution steps read by nothing else: each part then writes its
     * channels into the concatenation's output ({@code into} and {@code offset}, by the part's last node), and the
     * returned flags mark the concatenations that need no step of their own.
     */
    private boolean[] assembledInPlace(int[] consumers, int[] into, int[] offset) {
        int size = network.size();
        java.util.Arrays.fill(into, -1);
        boolean[] assembled = new boolean[size];
        for (int c = 0; c < size; c++) {
            Node node = network.node(c);
            if (!(node.op() instanceof Concat)) {
                continue;
            }
            int[] parts = node.inputs();
            boolean inPlace = true;
            for (int i = 0; i < parts.length && inPlace; i++) {
                int part = parts[i];
                long uses = java.util.Arrays.stream(parts).filter(p -> p == part).count();
                inPlace = part != Network.INPUT && part != network.outputIndex() && consumers[part] == 1 && uses == 1
                        && fusedStepEndingAt(part, consumers);
            }
            if (!inPlace) {
                continue;
            }
            int at = 0;
            for (int part : parts) {
                into[part] = c;
                offset[part] = at;
                at += network.shapeOf(part).size();
            }
            assembled[c] = true;
        }
        return assembled;
    }

    /** Whether some fused step ends at node {@code last}: a convolution then its ReLU, or then also a pool. */
    private boolean fusedStepEndingAt(int last, int[] consumers) {
        for (int k = Math.max(0, last - 2); k < last; k++) {
            if (fusedEnd(k, consumers) == last) {
                return true;
            }
        }
        return false;
    }

    /**
     * The other input of the Add that alone reads convolution k, when a ReLU alone reads that Add and both follow k
     * (a residual block's end: its last convolution, or the one on its skip path, then the Add and the ReLU); else
     * {@link #NONE}.
     */
    private int residualOf(int k, int[] consumers) {
        int output = network.outputIndex();
        if (!(network.node(k).op() instanceof Conv2d conv) || !conv.rectifies() || k == output || consumers[k] != 1
                || k + 2 >= network.size() || !(network.node(k + 1).op() instanceof io.etalon.op.Add)
                || k + 1 == output || consumers[k + 1] != 1 || !readsOnly(k + 2, k + 1, Relu.class)) {
            return NONE;
        }
        int[] inputs = network.node(k + 1).inputs();
        if (inputs.length != 2 || inputs[0] == inputs[1] || inputs[0] != k && inputs[1] != k) {
            return NONE;
        }
        return inputs[0] == k ? inputs[1] : inputs[0];
    }

    /**
     * The last node of the chain a fused step can run from node k (k itself when none): a convolution and the ReLU or
     * Clip that alone reads it ({@link Conv2d#fuses}), and after a ReLU of an ungrouped convolution the max-pool that
     * alone reads that.
     */
    private int fusedEnd(int k, int[] consumers) {
        int output = network.outputIndex();
        if (!(network.node(k).op() instanceof Conv2d conv) || k == output || consumers[k] != 1
                || !(readsOnly(k + 1, k, Relu.class) || readsOnly(k + 1, k, Clip.class))
                || !conv.fuses(network.node(k + 1).op())) {
            return k;
        }
        if (conv.rectifies() && network.node(k + 1).op() instanceof Relu && k + 1 != output && consumers[k + 1] == 1
                && readsOnly(k + 2, k + 1, MaxPool2d.class)
                && ((MaxPool2d) network.node(k + 2).op()).poolsByPlanes()) {
            return k + 2;
        }
        return k + 1;
    }

    private boolean readsOnly(int reader, int source, Class<?> kind) {
        if (reader >= network.size()) {
            return false;
        }
        Node node = network.node(reader);
        int[] inputs = node.inputs();
        return kind.isInstance(node.op()) && inputs.length == 1 && inputs[0] == source;
    }

    /**
     * Each thread's intermediates, kept from call to call for the tile size they were made for: every step overwrites
     * its output, so nothing carries over, and a 224x224 network does not allocate and zero tens of megabytes per image.
     */
    private final ThreadLocal<float[][]> reused = new ThreadLocal<>();
    private final ThreadLocal<Integer> reusedTile = new ThreadLocal<>();

    /** Takes this thread's buffers for a run; {@link #release} gives them back. A nested run gets fresh ones. */
    private float[][] buffers(int tile) {
        float[][] buffers = reused.get();
        reused.set(null);
        if (buffers == null || reusedTile.get() != tile) {
            float[][] slots = new float[slotFloats.length][];
            for (int slot = 0; slot < slots.length; slot++) {
                slots[slot] = new float[tile * slotFloats[slot] + SLACK];
            }
            buffers = new float[network.size()][];
            for (Step step : steps) {
                buffers[step.last()] = slots[slotOf[step.last()]];
            }
        }
        return buffers;
    }

    private void release(float[][] buffers, int tile) {
        reused.set(buffers);
        reusedTile.set(tile);
    }

    /** The names of the nodes each step runs, in the plan's order ({@link Network#inferenceSteps}). */
    List<List<String>> steps() {
        List<List<String>> names = new ArrayList<>(steps.size());
        for (Step step : steps) {
            List<String> nodes = new ArrayList<>(step.last() - step.node() + 1);
            for (int k = step.node(); k <= step.last(); k++) {
                nodes.add(network.node(k).name());
            }
            names.add(List.copyOf(nodes));
        }
        return List.copyOf(names);
    }

    /** The last nodes of the steps whose outputs go to their reader in its padded planes, in the plan's order. */
    List<String> handOffs() {
        List<String> names = new ArrayList<>();
        for (int s = 0; s < steps.size(); s++) {
            if (paddedOut[s] != null) {
                names.add(network.node(steps.get(s).last()).name());
            }
        }
        return List.copyOf(names);
    }

    /**
     * The output of {@code n} checked samples, {@code (n, outputSize)}; with {@code stepNanos} not null, each step's
     * wall time over all tiles added to {@code stepNanos[s]}.
     */
    float[] run(float[] input, int n, long[] stepNanos) {
        int inSize = network.inputShape().size();
        int outSize = network.outputShape().size();
        int tile = Math.max(1, Math.min(n, TILE_BYTES / (4 * floatsPerSample)));
        float[][] buffers = buffers(tile);
        float[] tileInput = tile == n ? input : new float[tile * inSize];
        float[] result = new float[n * outSize];
        for (int first = 0; first < n; first += tile) {
            int count = Math.min(tile, n - first);
            if (tileInput != input) {
                System.arraycopy(input, first * inSize, tileInput, 0, count * inSize);
            }
            for (int s = 0; s < steps.size(); s++) {
                Step step = steps.get(s);
                if (step.assembled()) {
                    continue; // its parts wrote it
                }
                long start = stepNanos == null ? 0 : System.nanoTime();
                Node node = network.node(step.node());
                float[] out = buffers[step.last()];
                float[][] in = Network.gather(node, tileInput, buffers);
                if (paddedIn[s] || paddedOut[s] != null) {
                    float[] skip = step.residual() == NONE ? null
                            : step.residual() == Network.INPUT ? tileInput : buffers[step.residual()];
                    Op activation = step.fused() || step.residual() != NONE ? network.node(step.last()).op() : null;
                    ((Conv2d) node.op()).inferPadded(in[0], paddedIn[s], skip, activation, out, paddedOut[s], count);
                } else if (step.residual() != NONE) {
                    float[] skip = step.residual() == Network.INPUT ? tileInput : buffers[step.residual()];
                    ((Conv2d) node.op()).inferResidual(in[0], skip, out, count);
                } else if (step.fused()) {
                    Conv2d conv = (Conv2d) node.op();
                    MaxPool2d pool = step.pool(network);
                    boolean into = step.into() >= 0;
                    int sampleStride = into ? network.shapeOf(step.into()).size() : conv.rectifiedSize(pool);
                    conv.inferActivated(in[0], out, count, network.node(step.node() + 1).op(), pool,
                            into ? step.offset() : 0, sampleStride);
                } else if (node.op() instanceof MaxPool2d pool && readsRectified(node)) {
                    pool.inferRectified(in[0], out, count);
                } else {
                    node.op().infer(in, out, count);
                }
                if (stepNanos != null) {
                    stepNanos[s] += System.nanoTime() - start;
                }
            }
            System.arraycopy(buffers[network.outputIndex()], 0, result, first * outSize, count * outSize);
        }
        release(buffers, tile);
        return result;
    }
}
