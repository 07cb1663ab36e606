package io.etalon.op;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.List;

/**
 * Leaky ReLU and PReLU: {@code out = in} if {@code in > 0}, else {@code slope[c] * in}, with one slope for all values
 * (LeakyRelu) or one per channel (PRelu). Its switch is the sign, as for ReLU; a pre-activation exactly 0 is a tie.
 */
public final class LeakyRelu implements Op {

    private final Shape shape;
    private final float[] slope;
    private final int plane;

    /** @param slope {@code (1)} or {@code (C)}, copied */
    public LeakyRelu(Shape shape, Tensor slope) {
        if (slope.size() != 1 && slope.size() != shape.dim(0) && slope.size() != shape.size()) { // all, per channel, per value
            throw new IllegalArgumentException("slope of " + slope.size() + " values does not fit " + shape);
        }
        this.shape = shape;
        this.slope = slope.data();
        this.plane = shape.size() / slope.size();
    }

    @Override
    public String kind() {
        return "LeakyRelu";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(shape);
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    /** The slopes (copies): one value, or one per channel. */
    public float[] slopes() {
        return slope.clone();
    }

    @Override
    public int switchesPerSample() {
        return shape.size();
    }

    @Override
    public void record(float[][] inputs, int n, Switches switches) {
        float[] z = inputs[0];
        int[] positive = switches.states();
        int size = shape.size();
        for (int s = 0; s < n; s++) {
            for (int k = s * size, end = k + size; k < end; k++) {
                positive[k] = z[k] > 0f ? 1 : 0;
                if (z[k] == 0f) {
                    switches.addTie(s);
                } else {
                    switches.offerMargin(s, Math.abs(z[k]));
                }
            }
        }
    }

    @Override
    public void nearTies(float[][] inputs, int sample, Switches switches, float limit, NearTieSink sink) {
        float[] z = inputs[0];
        int size = shape.size();
        for (int k = 0; k < size; k++) {
            float margin = Math.abs(z[sample * size + k]);
            if (margin > 0f && margin <= limit) {
                int state = switches.state(sample, k);
                sink.accept(k, state, 1 - state, margin);
            }
        }
    }

    @Override
    public boolean admits(int unit, int state) {
        return unit >= 0 && unit < shape.size() && (state == 0 || state == 1);
    }

    private float factor(int[] positive, int sampleBase, int k) {
        return positive[sampleBase + k] != 0 ? 1f : slope[k / plane];
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        int[] positive = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                out[r * size + k] = factor(positive, sampleBase, k) * in[r * size + k];
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int[] positive = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                gradIn[r * size + k] += factor(positive, sampleBase, k) * gradOut[r * size + k];
            }
        }
    }

    @Override
    public String describe() {
        if (slope.length == 1) {
            return "slope " + slope[0] + " below 0";
        }
        return slope.length == shape.dim(0) ? slope.length + " per-channel slopes below 0" : "one slope per value below 0";
    }
}
