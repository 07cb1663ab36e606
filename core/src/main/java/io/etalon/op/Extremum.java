package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/**
 * The element-wise maximum (or minimum) of two branches of one shape, ONNX's Max and Min of two activations. Its switch
 * per unit says which branch wins: 0 the first, 1 the second. The first wins ties ({@code a == b}), which are counted;
 * either branch is a valid one-sided rule there. Frozen, it copies each unit from its winning branch: linear, no bias.
 */
public final class Extremum implements Op {

    private final Shape shape;
    private final boolean minimum;

    private Extremum(Shape shape, boolean minimum) {
        this.shape = shape;
        this.minimum = minimum;
    }

    /** {@code out = max(a, b)} per unit. */
    public static Extremum max(Shape shape) {
        return new Extremum(shape, false);
    }

    /** {@code out = min(a, b)} per unit. */
    public static Extremum min(Shape shape) {
        return new Extremum(shape, true);
    }

    /** True for Min, false for Max. */
    public boolean isMinimum() {
        return minimum;
    }

    @Override
    public String kind() {
        return minimum ? "Min" : "Max";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(shape, shape);
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
        float[] a = inputs[0];
        float[] b = inputs[1];
        int[] second = switches.states();
        int size = shape.size();
        for (int s = 0; s < n; s++) {
            for (int k = s * size, end = k + size; k < end; k++) {
                boolean secondWins = minimum ? b[k] < a[k] : b[k] > a[k];
                second[k] = secondWins ? 1 : 0;
                if (a[k] == b[k]) {
                    switches.addTie(s);
                } else {
                    switches.offerMargin(s, Math.abs(a[k] - b[k]));
                }
            }
        }
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] a = inputs[0];
        float[] b = inputs[1];
        int[] second = switches.states();
        int size = shape.size();
        for (int r = 0; r < rows; r++) {
            int rowBase = r * size;
            int sampleBase = (r / rowsPerSample) * size;
            for (int k = 0; k < size; k++) {
                out[rowBase + k] = second[sampleBase + k] != 0 ? b[rowBase + k] : a[rowBase + k];
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        int[] second = switches.states();
        int size = shape.size();
        for (int branch = 0; branch < 2; branch++) {
            float[] gradIn = gradInputs[branch];
            if (gradIn == null) {
                continue;
            }
            for (int r = 0; r < rows; r++) {
                int rowBase = r * size;
                int sampleBase = (r / rowsPerSample) * size;
                for (int k = 0; k < size; k++) {
                    if (second[sampleBase + k] == branch) {
                        gradIn[rowBase + k] += gradOut[rowBase + k];
                    }
                }
            }
        }
    }

    @Override
    public String describe() {
        return (minimum ? "smaller" : "larger") + " of two branches per unit; the first wins ties";
    }
}
