package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/**
 * Clipping to {@code [min, max]} (ReLU6 is {@code [0, 6]}): three linear pieces. Its switch per unit is 0 below
 * {@code min} (constant {@code min}), 1 inside (identity), 2 above {@code max} (constant {@code max}); a value exactly
 * at a bound is a tie and counts as inside. The constants are the op's bias in the frozen map.
 */
public final class Clip implements Op {

    private static final int BELOW = 0;
    private static final int INSIDE = 1;
    private static final int ABOVE = 2;

    private final Shape shape;
    private final float min;
    private final float max;
    private final boolean constants;

    public Clip(Shape shape, float min, float max) {
        this(shape, min, max, true);
    }

    private Clip(Shape shape, float min, float max, boolean constants) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("Clip needs min <= max, got " + min + " and " + max);
        }
        this.shape = shape;
        this.min = min;
        this.max = max;
        this.constants = constants;
    }

    @Override
    public String kind() {
        return "Clip";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(shape);
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    public float min() {
        return min;
    }

    public float max() {
        return max;
    }

    @Override
    public Op withoutBias() {
        return new Clip(shape, min, max, false);
    }

    @Override
    public int switchesPerSample() {
        return shape.size();
    }

    @Override
    public void record(float[][] inputs, int n, Switches switches) {
        float[] z = inputs[0];
        int[] region = switches.states();
        int size = shape.size();
        for (int s = 0; s < n; s++) {
            for (int k = s * size, end = k + size; k < end; k++) {
                float v = z[k];
                region[k] = v < min ? BELOW : v > max ? ABOVE : INSIDE;
                if (v == min || v == max) {
                    switches.addTie(s);
                } else {
                    switches.offerMargin(s, Math.min(Math.abs(v - min), Math.abs(v - max)));
                }
            }
        }
    }

    @Override
    public void nearTies(float[][] inputs, int sample, Switches switches, float limit, NearTieSink sink) {
        float[] z = inputs[0];
        int size = shape.size();
        for (int k = 0; k < size; k++) {
            float v = z[sample * size + k];
            float toMin = Math.abs(v - min);
            float toMax = Math.abs(v - max);
            float margin = Math.min(toMin, toMax);
            if (margin > 0f && margin <= limit) {
                int state = switches.state(sample, k);
                // across the nearer bound: below <-> inside at min, inside <-> above at max
                int rival = toMin <= toMax ? (state == BELOW ? INSIDE : BELOW) : (state == ABOVE ? INSIDE : ABOVE);
                sink.accept(k, state, rival, margin);
            }
        }
    }

    @Override
    public boolean admits(int unit, int state) {
        return unit >= 0 && unit < shape.size() && state >= BELOW && state <= ABOVE;
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        int[] region = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                out[r * size + k] = region[sampleBase + k] == INSIDE ? in[r * size + k] : 0f;
            }
        }
    }

    @Override
    public void addBias(float[] out, int rows, Switches switches, int rowsPerSample) {
        if (!constants) {
            return;
        }
        int[] region = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                int state = region[sampleBase + k];
                if (state != INSIDE) {
                    out[r * size + k] += state == BELOW ? min : max;
                }
            }
        }
    }

    @Override
    public void accumulateBiasContribution(float[] gradOut, int rows, Switches switches, int rowsPerSample,
                                           double[] contribution, double[] magnitude) {
        if (!constants) {
            return;
        }
        int[] region = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                int state = region[sampleBase + k];
                if (state != INSIDE) {
                    double term = (double) gradOut[r * size + k] * (state == BELOW ? min : max);
                    contribution[r] += term;
                    magnitude[r] += Math.abs(term);
                }
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int[] region = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                if (region[sampleBase + k] == INSIDE) {
                    gradIn[r * size + k] += gradOut[r * size + k];
                }
            }
        }
    }

    @Override
    public String describe() {
        return "clip to [" + min + ", " + max + "]";
    }
}
