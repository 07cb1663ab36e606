package io.etalon.region;

import io.etalon.etalon.Neuron;
import io.etalon.etalon.ReverseMode;
import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.tensor.Floats;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The exact sequence of linear regions crossed on the straight path {@code X(t) = A + t (B - A)}, {@code t in [0,1]}.
 *
 * <p>Inside a region every decision value is affine in t: {@code z(t0 + s) = z(t0) + s z'}, where z' comes from one
 * frozen linear pass of the direction {@code B - A} (a JVP). The next breakpoint is the smallest s at which any decision
 * value (a ReLU pre-activation, a unit's distance to a breakpoint, a Max/Min branch's or a pool winner's lead) crosses
 * zero, so each region costs one forward pass and one JVP.
 */
public final class Walk {

    /** One region on the path. */
    public record Segment(double start, double end, int predicted, int patternHash, String flipAtEnd,
                          double etalonChange) {
    }

    /** How far past a breakpoint the next region is probed, in units of t. */
    static final double STEP = 1e-6;
    /** The default cap on regions: on LeNet a walk between two digits crosses a few thousand. */
    public static final int MAX_SEGMENTS = 100_000;

    private Walk() {
    }

    /**
     * Walks from {@code a} to {@code b}.
     *
     * @return the regions in order; {@code etalonChange} is the relative L2 change of the predicted class's etalon from
     *         the previous region (0 for the first)
     */
    public static List<Segment> between(Network network, float[] a, float[] b) {
        return between(network, a, b, MAX_SEGMENTS);
    }

    /**
     * Walks from {@code a} towards {@code b}, stopping after {@code maxSegments} regions (each costs about one forward
     * and one transposed pass); the last segment then ends before t = 1.
     */
    public static List<Segment> between(Network network, float[] a, float[] b, int maxSegments) {
        if (maxSegments < 1) {
            throw new IllegalArgumentException("the walk needs room for at least one region, got " + maxSegments);
        }
        int pixels = network.inputShape().size();
        if (a.length != pixels || b.length != pixels) {
            throw new IllegalArgumentException("both ends must have " + pixels + " pixels");
        }
        float[] direction = new float[pixels];
        for (int i = 0; i < pixels; i++) {
            direction[i] = b[i] - a[i];
        }
        List<Segment> segments = new ArrayList<>();
        ReverseMode reverse = new ReverseMode();
        List<Neuron> outputs = Neuron.parse("output", network);
        float[] previousEtalon = null;
        double t = 0;
        while (t < 1 && segments.size() < maxSegments) {
            double probe = Math.min(1, t + STEP);
            float[] x = at(a, direction, probe);
            Trace trace = network.forward(x, 1);
            float[][] slopes = network.frozen(trace, direction, 1, 1, false);
            Crossing next = nextCrossing(network, trace, slopes, x, direction);
            double end = Math.min(1, probe + next.distance);
            float[] scores = trace.output(0);
            int predicted = Floats.argmax(scores, 0, scores.length);
            float[] etalon = reverse.solve(network, trace, List.of(outputs.get(predicted))).get(0).weights();
            int pattern = trace.pattern(0).hashCode();
            String flip = end < 1 ? next.decision : null;
            Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
            if (last != null && last.patternHash() == pattern) {
                // the predicted flip did not happen: float round-off put the probe past a crossing the float forward
                // pass has not reached yet; same pattern, same region, so the region just goes on
                segments.set(segments.size() - 1, new Segment(last.start(), end, predicted, pattern, flip, last.etalonChange()));
                t = end;
                continue;
            }
            double change = previousEtalon == null ? 0 : relativeChange(previousEtalon, etalon);
            segments.add(new Segment(t, end, predicted, pattern, flip, change));
            previousEtalon = etalon;
            t = end;
        }
        return segments;
    }

    private record Crossing(double distance, String decision) {
    }

    /** The smallest s at which a decision of the trace's region changes along the direction. */
    private static Crossing nextCrossing(Network network, Trace trace, float[][] slopes, float[] x, float[] direction) {
        double[] best = {Double.POSITIVE_INFINITY};
        Decisions.Decision[] first = {null};
        IntFunction<float[]> slopeOf = node -> node == Network.INPUT ? direction : slopes[node];
        Decisions.forEach(network, trace, x, decision -> {
            double value = decision.value();
            double rate = decision.difference(slopeOf.apply(decision.plusNode()),
                    decision.minus() < 0 ? null : slopeOf.apply(decision.minusNode()));
            // holding on the positive side, it flips when the value falls through 0; on the other side, when it rises
            double s = decision.sign() > 0 ? (rate < 0 ? Math.max(0, value) / -rate : Double.POSITIVE_INFINITY)
                    : (rate > 0 ? Math.max(0, -value) / rate : Double.POSITIVE_INFINITY);
            if (s < best[0]) {
                best[0] = s;
                first[0] = decision;
            }
        });
        return new Crossing(best[0], first[0] == null ? null : first[0].name());
    }

    static float[] at(float[] a, float[] direction, double t) {
        float[] x = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            x[i] = (float) (a[i] + t * direction[i]);
        }
        return x;
    }

    private static double relativeChange(float[] before, float[] after) {
        double difference = 0;
        double size = 0;
        for (int i = 0; i < before.length; i++) {
            difference += (double) (after[i] - before[i]) * (after[i] - before[i]);
            size += (double) before[i] * before[i];
        }
        return size == 0 ? 0 : Math.sqrt(difference / size);
    }

}
