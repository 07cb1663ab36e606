package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/**
 * A new shape for the same values in the same order (ONNX Reshape, Squeeze, Unsqueeze). The identity map on the
 * data; only the shape the next op sees changes. {@link Flatten} is the common special case.
 */
public final class Reshape implements Op {

    private final Shape inputShape;
    private final Shape outputShape;

    public Reshape(Shape inputShape, Shape outputShape) {
        if (inputShape.size() != outputShape.size()) {
            throw new IllegalArgumentException("cannot reshape " + inputShape + " to " + outputShape + ": sizes differ");
        }
        this.inputShape = inputShape;
        this.outputShape = outputShape;
    }

    @Override
    public String kind() {
        return "Reshape";
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
    public String describe() {
        return inputShape + " -> " + outputShape;
    }
}
