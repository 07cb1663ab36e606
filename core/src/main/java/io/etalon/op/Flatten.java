package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/** Reinterprets a {@code (C,H,W)} sample as a vector of {@code C*H*W} values; the data are unchanged. */
public final class Flatten implements Op, Selection {

    private final Shape inputShape;
    private final Shape outputShape;

    public Flatten(Shape inputShape) {
        this.inputShape = inputShape;
        this.outputShape = Shape.of(inputShape.size());
    }

    @Override
    public String kind() {
        return "Flatten";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        System.arraycopy(inputs[0], 0, out, 0, rows * outputShape.size());
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        for (int k = 0, end = rows * outputShape.size(); k < end; k++) {
            gradIn[k] += gradOut[k];
        }
    }

    @Override
    public void sources(Switches switches, int sample, int[] indices, int count) {
        // the same index: nothing to do
    }

    @Override
    public int source(Switches switches, int sample, int index) {
        return index;
    }

    @Override
    public String describe() {
        return inputShape + " -> " + outputShape;
    }
}
