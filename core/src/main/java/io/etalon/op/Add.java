package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.List;

/**
 * Sum of two inputs of the same shape: the residual connection. Linear, no switches; its transpose sends the
 * gradient to both inputs.
 */
public final class Add implements Op {

    private final Shape shape;

    public Add(Shape shape) {
        this.shape = shape;
    }

    @Override
    public String kind() {
        return "Add";
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
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] a = inputs[0];
        float[] b = inputs[1];
        for (int k = 0, end = rows * shape.size(); k < end; k++) {
            out[k] = a[k] + b[k];
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        for (float[] gradIn : gradInputs) {
            if (gradIn == null) {
                continue;
            }
            for (int k = 0, end = rows * shape.size(); k < end; k++) {
                gradIn[k] += gradOut[k];
            }
        }
    }

    @Override
    public String describe() {
        return "two branches summed";
    }
}
