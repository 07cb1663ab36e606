package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/**
 * Rectified linear unit: {@code out = max(0, in)}. Its switch is on iff the pre-activation is {@code > 0};
 * a pre-activation exactly 0 is off and counted as a tie (the input lies on the unit's boundary).
 */
public final class Relu implements Op, Selection {

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
        for (int s = 0; s < n; s++) {
            int ties = 0;
            float margin = Float.POSITIVE_INFINITY; // locals, not the Switches' fields, so the loop stays in registers
            for (int k = s * size, end = k + size; k < end; k++) {
                float z = preActivation[k];
                on[k] = z > 0f ? 1 : 0;
                float a = Math.abs(z);
                ties += a == 0f ? 1 : 0;
                margin = a > 0f && a < margin ? a : margin;
            }
            switches.addTies(s, ties);
            switches.offerMargin(s, margin);
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
            int rowBase = r * size;
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                out[rowBase + k] = on[sampleBase + k] != 0 ? in[rowBase + k] : 0f;
            }
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
    public String describe() {
        return "on iff input > 0";
    }
}
