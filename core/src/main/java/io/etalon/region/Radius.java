package io.etalon.region;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.tensor.Floats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The exact radius of an input's linear region (DESIGN.md section 2, "Region geometry").
 *
 * <p>Inside the region every decision is an affine function of the input: a ReLU's pre-activation {@code z_j}
 * with gradient {@code w_j}, a piecewise-linear unit's distance to the breakpoints around its piece {@code z_j - t}
 * (LeakyRelu, Clip, {@code max(x, c)}) with the same gradient, a Max or Min unit's winning branch's lead
 * {@code a_j - b_j} and a pool winner's lead over each rival {@code v_a - v_b}, with gradient {@code w_a - w_b}. The
 * region is the polytope where all keep their sign, so the largest L2 ball around X has radius
 * {@code min_j margin_j / ||grad_j||_2} (L-infinity: the 1-norm), and the minimising face is the first decision to
 * flip. All gradients come from one forward-mode pass: the m coordinate images pushed through the
 * frozen linear map give every neuron's etalon at once.
 */
public final class Radius {

    private static final int NEAREST = 5;

    private Radius() {
    }

    /**
     * The floats {@link #of} holds: the tangent of every node for every input value, once as computed and once
     * transposed, {@code 2 * pixels * (pixels + sum of node sizes)}. Quadratic in the input: 50 MB for LeNet on
     * 28x28 digits, petabytes for a 3x224x224 photo model.
     */
    public static long floatsNeeded(Network network) {
        long values = network.inputShape().size();
        long nodes = values;
        for (int node = 0; node < network.size(); node++) {
            nodes += network.shapeOf(node).size();
        }
        return 2 * values * nodes;
    }

    /**
     * Measures the region of one input. It holds {@link #floatsNeeded} floats; callers check that first.
     *
     * @param image not modified; one sample of the network's input shape
     */
    public static RegionReport of(Network network, float[] image) {
        Trace trace = network.forward(image, 1);
        int pixels = network.inputShape().size();
        float[] identity = new float[pixels * pixels];
        for (int t = 0; t < pixels; t++) {
            identity[t * pixels + t] = 1f;
        }
        float[][] tangents = network.frozen(trace, identity, pixels, pixels, false);
        // each decision reads one or two columns of a (pixels, size) tangent matrix: transposed once per node, a
        // column is a contiguous row instead of pixels reads a node's width apart
        Map<Integer, float[]> byNeuron = new HashMap<>();
        IntFunction<float[]> rowsOf = node -> byNeuron.computeIfAbsent(node, n -> n == Network.INPUT
                ? identity : transpose(tangents[n], pixels, network.shapeOf(n).size()));
        List<Constraint> constraints = new ArrayList<>();
        List<Decisions.Decision> faces = new ArrayList<>();
        float[] gradient = new float[pixels];
        Decisions.forEach(network, trace, image, decision -> {
            gradient(decision, rowsOf, pixels, gradient);
            double l2 = Math.sqrt(Floats.dotDouble(gradient, 0, gradient, 0, pixels));
            if (l2 == 0) {
                return; // this decision does not depend on the input inside the region: it never flips
            }
            double l1 = 0;
            for (float g : gradient) {
                l1 += Math.abs(g);
            }
            double margin = Math.abs(decision.value());
            constraints.add(new Constraint(decision.layer(), decision.index(), decision.rival(), decision.piece(), margin,
                    margin / l2, margin / l1));
            faces.add(decision);
        });
        return report(network, trace, tangents, constraints, first -> direction(rowsOf, faces.get(first), pixels), pixels);
    }

    /** A (pixels, size) matrix as (size, pixels), in tiles that keep both sides' lines in the cache. */
    private static float[] transpose(float[] matrix, int pixels, int size) {
        int tile = 32;
        float[] transposed = new float[size * pixels];
        for (int t0 = 0; t0 < pixels; t0 += tile) {
            int t1 = Math.min(pixels, t0 + tile);
            for (int j0 = 0; j0 < size; j0 += tile) {
                int j1 = Math.min(size, j0 + tile);
                for (int t = t0; t < t1; t++) {
                    for (int j = j0; j < j1; j++) {
                        transposed[j * pixels + t] = matrix[t * size + j];
                    }
                }
            }
        }
        return transposed;
    }

    /**
     * The decision's gradient in the input, into {@code out}: row {@code plus} of the plus node's (size, pixels)
     * tangents, minus row {@code minus} of the minus node's when there is one.
     */
    private static void gradient(Decisions.Decision decision, IntFunction<float[]> rowsOf, int pixels, float[] out) {
        float[] plusRows = rowsOf.apply(decision.plusNode());
        int plus = decision.plus() * pixels;
        if (decision.minus() < 0) {
            System.arraycopy(plusRows, plus, out, 0, pixels);
            return;
        }
        float[] minusRows = rowsOf.apply(decision.minusNode());
        int minus = decision.minus() * pixels;
        for (int t = 0; t < pixels; t++) {
            out[t] = plusRows[plus + t] - minusRows[minus + t];
        }
    }

    /** The unit direction that reaches a face: its gradient, normalised, toward the value's zero. */
    private static float[] direction(IntFunction<float[]> rowsOf, Decisions.Decision face, int pixels) {
        float[] gradient = new float[pixels];
        gradient(face, rowsOf, pixels, gradient);
        double l2 = Math.sqrt(Floats.dotDouble(gradient, 0, gradient, 0, pixels));
        int sign = face.value() > 0 ? -1 : 1;
        float[] direction = new float[pixels];
        for (int t = 0; t < pixels; t++) {
            direction[t] = (float) (sign * gradient[t] / l2);
        }
        return direction;
    }

    private static RegionReport report(Network network, Trace trace, float[][] tangents, List<Constraint> constraints,
                                       IntFunction<float[]> direction, int pixels) {
        double radiusL2 = Double.POSITIVE_INFINITY;
        double radiusLinf = Double.POSITIVE_INFINITY;
        double faceL2 = Double.POSITIVE_INFINITY;
        double faceLinf = Double.POSITIVE_INFINITY;
        int tied = 0;
        int first = -1;
        for (int i = 0; i < constraints.size(); i++) {
            Constraint constraint = constraints.get(i);
            radiusL2 = Math.min(radiusL2, constraint.distanceL2());
            radiusLinf = Math.min(radiusLinf, constraint.distanceLinf());
            if (constraint.tied()) {
                tied++;
                continue;
            }
            if (constraint.distanceL2() < faceL2) {
                faceL2 = constraint.distanceL2();
                first = i;
            }
            faceLinf = Math.min(faceLinf, constraint.distanceLinf());
        }
        List<Constraint> nearest = constraints.stream().filter(c -> !c.tied())
                .sorted(Comparator.comparingDouble(Constraint::distanceL2)).limit(NEAREST).toList();
        // decision boundary: scores are affine in the region; class k wins while s_k - s_c > 0 for every c
        int outputNode = network.outputIndex();
        float[] scores = trace.output(0);
        int classes = scores.length;
        int predicted = Floats.argmax(scores, 0, classes);
        double decision = Double.POSITIVE_INFINITY;
        int rival = -1;
        for (int c = 0; c < classes; c++) {
            if (c == predicted) {
                continue;
            }
            float[] difference = new float[pixels];
            for (int t = 0; t < pixels; t++) {
                difference[t] = tangents[outputNode][t * classes + predicted] - tangents[outputNode][t * classes + c];
            }
            double norm = Math.sqrt(Floats.dotDouble(difference, 0, difference, 0, pixels));
            double distance = norm == 0 ? Double.POSITIVE_INFINITY : (scores[predicted] - scores[c]) / norm;
            if (distance < decision) {
                decision = distance;
                rival = c;
            }
        }
        return new RegionReport(radiusL2, radiusLinf, tied, faceL2, faceLinf, first < 0 ? null : constraints.get(first),
                first < 0 ? null : direction.apply(first), decision, rival, nearest, constraints.size());
    }
}
