package io.etalon.op;

import io.etalon.kernel.Parallel;
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
        // one photo's large layer shared out among idle threads in blocks of whole vectors; ties add up and margins
        // take the least, so the blocks give what one pass gives
        int blocks = Parallel.blocksOfValues(size, size / KERNELS.lanes());
        for (int s = 0; s < n; s++) {
            int sample = s;
            int[] ties = new int[blocks];
            float[] margins = new float[blocks];
            java.util.Arrays.fill(margins, Float.POSITIVE_INFINITY);
            Parallel.forRanges(size, blocks, KERNELS.lanes(), (block, first, end) -> {
                float[] margin = {Float.POSITIVE_INFINITY};
                ties[block] = KERNELS.reluStates(preActivation, sample * size + first, end - first, on,
                        sample * size + first, margin);
                margins[block] = margin[0];
            });
            for (int block = 0; block < blocks; block++) {
                switches.addTies(s, ties[block]);
                switches.offerMargin(s, margins[block]);
            }
        }
    }

    @Override
    public void infer(float[][] inputs, float[] out, int n) {
        // exactly what record + linear give: the input where on (> 0), else +0, which is what adding a bias of +0 and
        // rectifying gives (x + 0 is x but for -0, which is off either way); large layers shared out by blocks
        float[] in = inputs[0];
        int values = n * shape.size();
        int blocks = Parallel.blocksOfValues(values, values / KERNELS.lanes());
        Parallel.forRanges(values, blocks, KERNELS.lanes(), (block, first, end) ->
                KERNELS.biasRelu(in, first, end - first, 1, end - first, 0f, out, first, end));
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        int[] on = switches.states();
        int size = shape.size();
        // the value where on (state 1), else +0; one photo's large layer shared out among idle threads in blocks of
        // whole vectors
        int blocks = Parallel.blocksOfValues(size, size / KERNELS.lanes());
        for (int r = 0; r < rows; r++) {
            int row = r;
            Parallel.forRanges(size, blocks, KERNELS.lanes(), (block, first, end) -> KERNELS.mask(in, row * size + first,
                    on, (row / rowsPerSample) * size + first, out, row * size + first, end - first));
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
