package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/**
 * Rectified linear unit: {@code out = max(0, in)}. Its switch is on iff the pre-activation is {@code > 0};
 * a pre-activation exactly 0 is off and counted as a tie (the input lies on the unit's boundary).
 */
public final class Relu implements Op, Selection {

    private static final io.etalon.kernel.Kernels KERNELS = io.etalon.kernel.Kernels.best();

    private final Shape shape;

    public Relu(Shape shape) {
        this.shape = shape;
    }

    @Override
    public String kind() {
        return "Relu";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(shape);
    }

    @Override
    public Shape outputShape() {
        return shape;
    }

    @Override
    public int switchesPerSample() {
        return shape.size();
    }

    @Override
    public void record(float[][] inputs, int n, Switches switches) {
        float[] preActivation = inputs[0];
        int[] on = switches.states();
        int size = shape.size();
        float[] margin = new float[1];
        for (int s = 0; s < n; s++) {
            margin[0] = Float.POSITIVE_INFINITY;
            switches.addTies(s, KERNELS.reluStates(preActivation, s * size, size, on, s * size, margin));
            switches.offerMargin(s, margin[0]);
        }
    }

    @Override
    public void infer(float[][] inputs, float[] out, int n) {
        float[] in = inputs[0];
        for (int k = 0, end = n * shape.size(); k < end; k++) {
            out[k] = in[k] > 0f ? in[k] : 0f; // exactly what record + linear give: the input where on, else 0
        }
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        int[] on = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            // the value where on (state 1), else +0
            KERNELS.mask(in, r * size, on, (r / rowsPerSample) * size, out, r * size, size);
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int[] on = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            int rowBase = r * size;
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                if (on[sampleBase + k] != 0) {
                    gradIn[rowBase + k] += gradOut[rowBase + k];
                }
            }
        }
    }

    @Override
    public void sources(Switches switches, int sample, int[] indices, int count) {
        int[] on = switches.states();
        int base = sample * switches.perSample();
        for (int i = 0; i < count; i++) {
            int k = indices[i];
            if (k >= 0 && on[base + k] == 0) {
                indices[i] = -1;
            }
        }
    }

    @Override
    public int source(Switches switches, int sample, int index) {
        return switches.state(sample, index) != 0 ? index : -1;
    }

    @Override
    public void nearTies(float[][] inputs, int sample, Switches switches, float limit, NearTieSink sink) {
        float[] preActivation = inputs[0];
        int size = shape.size();
        for (int k = 0; k < size; k++) {
            float margin = Math.abs(preActivation[sample * size + k]);
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

    @Override
    public String describe() {
        return "on iff input > 0";
    }
}
