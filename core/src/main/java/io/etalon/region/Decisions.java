package io.etalon.region;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.op.Clip;
import io.etalon.op.LeakyRelu;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Op;
import io.etalon.op.Relu;

/**
 * Every switch decision of a traced input, as an affine function of the values entering the op: a ReLU's
 * pre-activation {@code z_j}, a clip's distance to its bound {@code z_j - bound}, a pool winner's lead over a rival
 * {@code z_a - z_b}. {@link Radius} and {@link Walk} both walk this list; they differ only in which derivative of
 * {@code z} they take.
 */
final class Decisions {

    /** Receives one decision: {@code value = z[plus] - (minus < 0 ? 0 : z[minus]) - offset} keeps its sign. */
    interface Visitor {
        /**
         * @param source the node whose output {@code z} is (or {@link Network#INPUT})
         * @param z      that output for the traced input (shared, not to be modified)
         * @param layer  the op that decides
         * @param index  the unit or window in the op's output
         * @param rival  for a pool, the input index of the rival; -1 otherwise
         * @param sign   +1 if the decision holds while the value is positive, -1 if while it is at most 0
         */
        void visit(int source, float[] z, String layer, int index, int rival, int plus, int minus, double offset,
                   int sign);
    }

    private Decisions() {
    }

    /** How a decision is called in reports: {@code layer:index}, with the rival input for a pool window. */
    static String name(String layer, int index, int rival) {
        return rival < 0 ? layer + ":" + index : layer + ":" + index + " (rival input " + rival + ")";
    }

    /**
     * Visits every decision of sample 0 of the trace.
     *
     * @param image not modified; the traced input, for ops that read the network input directly
     */
    static void forEach(Network network, Trace trace, float[] image, Visitor visitor) {
        for (int k = 0; k < network.size(); k++) {
            Network.Node node = network.node(k);
            Op op = node.op();
            if (!op.hasSwitches()) {
                continue;
            }
            int source = node.inputs()[0];
            float[] z = source == Network.INPUT ? image : trace.output(source, 0);
            String layer = node.name();
            if (op instanceof Relu || op instanceof LeakyRelu) {
                for (int j = 0; j < z.length; j++) {
                    visitor.visit(source, z, layer, j, -1, j, -1, 0, z[j] > 0 ? 1 : -1);
                }
            } else if (op instanceof Clip clip) {
                for (int j = 0; j < z.length; j++) {
                    if (Float.isFinite(clip.min())) {
                        visitor.visit(source, z, layer, j, -1, j, -1, clip.min(), z[j] >= clip.min() ? 1 : -1);
                    }
                    if (Float.isFinite(clip.max())) {
                        visitor.visit(source, z, layer, j, -1, j, -1, clip.max(), z[j] > clip.max() ? 1 : -1);
                    }
                }
            } else if (op instanceof MaxPool2d pool) {
                poolRivals(layer, pool, trace.switches(k).sampleStates(0), source, z, visitor);
            }
        }
    }

    private static void poolRivals(String layer, MaxPool2d pool, int[] winners, int source, float[] z, Visitor visitor) {
        int[] kernel = pool.kernel();
        int[] stride = pool.stride();
        int[] pads = pool.pads();
        int[] dilations = pool.dilations();
        var in = pool.inputShapes().get(0);
        var out = pool.outputShape();
        for (int c = 0; c < out.dim(0); c++) {
            for (int y = 0; y < out.dim(1); y++) {
                for (int x = 0; x < out.dim(2); x++) {
                    int window = (c * out.dim(1) + y) * out.dim(2) + x;
                    int winner = winners[window];
                    for (int i = 0; i < kernel[0]; i++) {
                        for (int j = 0; j < kernel[1]; j++) {
                            int h = y * stride[0] - pads[0] + i * dilations[0];
                            int w = x * stride[1] - pads[1] + j * dilations[1];
                            if (h < 0 || h >= in.dim(1) || w < 0 || w >= in.dim(2)) {
                                continue;
                            }
                            int rival = (c * in.dim(1) + h) * in.dim(2) + w;
                            if (rival != winner) {
                                visitor.visit(source, z, layer, window, rival, winner, rival, 0, 1);
                            }
                        }
                    }
                }
            }
        }
    }
}
