package io.etalon.region;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.op.Extremum;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Op;
import io.etalon.op.PiecewiseLinear;
import io.etalon.op.Relu;
import java.util.function.Consumer;

/**
 * Every switch decision of a traced input, as an affine function of the values entering the op that must keep its
 * sign: a ReLU's pre-activation {@code z_j}; a piecewise-linear unit's distance to each breakpoint bounding its piece,
 * {@code z_j - t} (LeakyRelu's 0, a Clip's bounds, the constant of {@code max(x, c)}); a Max or Min unit's winning
 * branch minus the other, {@code a_j - b_j}; a pool winner's lead over each rival {@code z_a - z_b}. Together they are
 * the faces of the input's region. {@link Radius} and {@link Walk} both walk this list; they differ only in which
 * derivative of {@code z} they take.
 */
final class Decisions {

    /**
     * One decision: {@code value = z_plusNode[plus] - z_minusNode[minus] - offset} (no minus term when
     * {@code minus < 0}) keeps its sign inside the region.
     *
     * @param layer     the op that decides
     * @param index     the unit or window in the op's output
     * @param rival     for a pool, the input index of the rival; -1 otherwise
     * @param piece     for a piecewise-linear unit with two breakpoints or more, the piece across this face; -1 otherwise
     * @param plusNode  the node whose output holds the {@code plus} value (or {@link Network#INPUT})
     * @param minusNode the node whose output holds the {@code minus} value; unused when {@code minus < 0}
     * @param value     the decision's value at the traced input
     * @param sign      +1 if the decision holds while the value is positive, -1 if while it is at most 0
     */
    record Decision(String layer, int index, int rival, int piece, int plusNode, int plus, int minusNode, int minus,
                    double value, int sign) {

        /** How the decision is called in reports. */
        String name() {
            return Decisions.name(layer, index, rival, piece);
        }

        /** The same difference of another quantity that lives on the nodes, such as a slope: {@code q_plus - q_minus}. */
        double difference(float[] plusValues, float[] minusValues) {
            return (double) plusValues[plus] - (minus < 0 ? 0 : minusValues[minus]);
        }
    }

    private Decisions() {
    }

    /**
     * How a decision is called in reports: {@code layer:index}, with the rival input for a pool window or the piece
     * across for a unit with several breakpoints.
     */
    static String name(String layer, int index, int rival, int piece) {
        String unit = layer + ":" + index;
        if (rival >= 0) {
            return unit + " (rival input " + rival + ")";
        }
        return piece >= 0 ? unit + " (toward piece " + piece + ")" : unit;
    }

    /**
     * Visits every decision of sample 0 of the trace.
     *
     * @param image not modified; the traced input, for ops that read the network input directly
     * @throws IllegalArgumentException for a switch op whose decisions are not written as faces here
     */
    static void forEach(Network network, Trace trace, float[] image, Consumer<Decision> visitor) {
        for (int k = 0; k < network.size(); k++) {
            Network.Node node = network.node(k);
            Op op = node.op();
            if (!op.hasSwitches()) {
                continue;
            }
            int source = node.inputs()[0];
            float[] z = values(trace, image, source);
            String layer = node.name();
            if (op instanceof Relu) {
                for (int j = 0; j < z.length; j++) {
                    visitor.accept(new Decision(layer, j, -1, -1, source, j, source, -1, z[j], z[j] > 0 ? 1 : -1));
                }
            } else if (op instanceof PiecewiseLinear pieces) {
                pieceFaces(layer, pieces, trace.switches(k).sampleStates(0), source, z, visitor);
            } else if (op instanceof Extremum extremum) {
                int other = node.inputs()[1];
                branchFaces(layer, extremum, trace.switches(k).sampleStates(0), source, z, other,
                        values(trace, image, other), visitor);
            } else if (op instanceof MaxPool2d pool) {
                poolRivals(layer, pool, trace.switches(k).sampleStates(0), source, z, visitor);
            } else {
                throw new IllegalArgumentException("node '" + layer + "' is " + op.kind()
                        + ", whose switches the region cannot write as faces; measure a model without it");
            }
        }
    }

    private static float[] values(Trace trace, float[] image, int node) {
        return node == Network.INPUT ? image : trace.output(node, 0);
    }

    /**
     * The breakpoints bounding each unit's piece: above the one below it ({@code z - t > 0}), below the one above it
     * ({@code z - t <= 0}). The breakpoints further out follow from these two; infinite ones bound nothing.
     */
    private static void pieceFaces(String layer, PiecewiseLinear op, int[] piece, int source, float[] z,
                                   Consumer<Decision> visitor) {
        int cuts = op.pieces() - 1;
        if (cuts == 0) {
            return;
        }
        float[] breakpoints = op.breakpoints();
        int plane = z.length / (breakpoints.length / cuts);
        boolean named = cuts > 1; // with one breakpoint the unit has one face, named by the unit alone
        for (int j = 0; j < z.length; j++) {
            int p = piece[j];
            int base = (j / plane) * cuts;
            if (p > 0 && Float.isFinite(breakpoints[base + p - 1])) {
                visitor.accept(new Decision(layer, j, -1, named ? p - 1 : -1, source, j, source, -1,
                        z[j] - (double) breakpoints[base + p - 1], 1));
            }
            if (p < cuts && Float.isFinite(breakpoints[base + p])) {
                visitor.accept(new Decision(layer, j, -1, named ? p + 1 : -1, source, j, source, -1,
                        z[j] - (double) breakpoints[base + p], -1));
            }
        }
    }

    /** Per unit, the larger branch minus the smaller (Max: the winner first; Min: the loser first) stays positive. */
    private static void branchFaces(String layer, Extremum op, int[] second, int first, float[] a, int other, float[] b,
                                    Consumer<Decision> visitor) {
        for (int j = 0; j < a.length; j++) {
            boolean firstLarger = (second[j] == 0) != op.isMinimum();
            int larger = firstLarger ? first : other;
            int smaller = firstLarger ? other : first;
            float difference = firstLarger ? a[j] - b[j] : b[j] - a[j];
            visitor.accept(new Decision(layer, j, -1, -1, larger, j, smaller, j, difference, 1));
        }
    }

    private static void poolRivals(String layer, MaxPool2d pool, int[] winners, int source, float[] z,
                                   Consumer<Decision> visitor) {
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
                                visitor.accept(new Decision(layer, window, rival, -1, source, winner, source, rival,
                                        z[winner] - z[rival], 1));
                            }
                        }
                    }
                }
            }
        }
    }
}
