package io.etalon.etalon;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.kernel.Parallel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse mode (VJP): a one-hot row for each requested neuron goes backwards through the transposed frozen map;
 * the row that comes out at the input is that neuron's etalon. Neurons of one layer travel as one batch, so k
 * neurons cost one batched pass per layer they live in. The bias b_p is accumulated along the same pass
 * ({@code sum over ops of <cotangent at the op's output, op bias>}), so no extra forward pass is needed; the
 * residual still checks it against the forward score.
 */
public final class ReverseMode implements EtalonSolver {

    @Override
    public String name() {
        return "reverse";
    }

    @Override
    public List<Etalon> solve(Network network, Trace trace, List<Neuron> neurons) {
        int pixels = network.inputShape().size();
        Map<Integer, List<Integer>> positionsByNode = new LinkedHashMap<>();
        for (int p = 0; p < neurons.size(); p++) {
            positionsByNode.computeIfAbsent(neurons.get(p).node(), node -> new ArrayList<>()).add(p);
        }
        float[][] weights = new float[neurons.size()][];
        double[] biases = new double[neurons.size()];
        double[] biasScales = new double[neurons.size()];
        for (Map.Entry<Integer, List<Integer>> group : positionsByNode.entrySet()) {
            int node = group.getKey();
            List<Integer> positions = group.getValue();
            int rows = positions.size();
            int size = network.shapeOf(node).size();
            float[] oneHot = new float[rows * size];
            for (int r = 0; r < rows; r++) {
                oneHot[r * size + neurons.get(positions.get(r)).index()] = 1f;
            }
            double[] groupBiases = new double[rows];
            double[] groupScales = new double[rows];
            float[] etalonRows = transpose(network, trace, node, oneHot, rows, groupBiases, groupScales);
            for (int r = 0; r < rows; r++) {
                weights[positions.get(r)] = Arrays.copyOfRange(etalonRows, r * pixels, (r + 1) * pixels);
                biases[positions.get(r)] = groupBiases[r];
                biasScales[positions.get(r)] = groupScales[r];
            }
        }
        List<Etalon> etalons = new ArrayList<>(neurons.size());
        for (int p = 0; p < neurons.size(); p++) {
            etalons.add(Etalon.of(neurons.get(p), network.inputShape(), weights[p], biases[p], biasScales[p],
                    trace.value(neurons.get(p).node(), 0, neurons.get(p).index()), trace.input(0)));
        }
        return etalons;
    }

    /** A network with more multiply-adds per pass than this shares a batch of rows out among idle threads. */
    private static final long SHARED_PASS = 1L << 24;

    /**
     * The transposed pass of {@code rows} one-hot rows at {@code node}. On a large network (a 224x224 CNN) each row
     * costs a whole pass, so when threads are idle (one photo's top 5) the rows are shared out among them in
     * contiguous blocks, each block one batched pass: every thread then runs whole passes, the ReLU masks and copies
     * included, instead of splitting each convolution. A small network (LeNet) keeps its rows in one batch, which its
     * compact scatter fills lane by lane.
     */
    private static float[] transpose(Network network, Trace trace, int node, float[] oneHot, int rows, double[] biases,
                                     double[] scales) {
        long work = network.multiplyAdds();
        int blocks = rows < 2 || work < SHARED_PASS ? 1 : Parallel.blocks(rows * work, rows);
        if (blocks <= 1) {
            return network.transpose(trace, node, oneHot, rows, rows, biases, scales);
        }
        int pixels = network.inputShape().size();
        int size = network.shapeOf(node).size();
        float[] result = new float[rows * pixels];
        Parallel.forRanges(rows, blocks, 1, (block, first, end) -> {
            int count = end - first;
            double[] blockBiases = new double[count];
            double[] blockScales = new double[count];
            float[] blockRows = network.transpose(trace, node, Arrays.copyOfRange(oneHot, first * size, end * size),
                    count, count, blockBiases, blockScales);
            System.arraycopy(blockRows, 0, result, first * pixels, count * pixels);
            System.arraycopy(blockBiases, 0, biases, first, count);
            System.arraycopy(blockScales, 0, scales, first, count);
        });
        return result;
    }
}
