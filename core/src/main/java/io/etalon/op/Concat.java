package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Joins inputs along their first sample axis (the channel axis of {@code (C,H,W)}, ONNX Concat with axis 1): the
 * other dimensions must agree. Linear; its transpose splits the gradient back.
 */
public final class Concat implements Op {

    private final List<Shape> inputShapes;
    private final Shape outputShape;

    public Concat(List<Shape> inputShapes) {
        if (inputShapes.size() < 2) {
            throw new IllegalArgumentException("Concat needs at least two inputs");
        }
        Shape first = inputShapes.get(0);
        int channels = 0;
        for (Shape shape : inputShapes) {
            if (shape.rank() != first.rank()) {
                throw new IllegalArgumentException("Concat inputs " + inputShapes + " differ in rank");
            }
            for (int axis = 1; axis < shape.rank(); axis++) {
                if (shape.dim(axis) != first.dim(axis)) {
                    throw new IllegalArgumentException("Concat inputs " + inputShapes + " differ outside the channel axis");
                }
            }
            channels += shape.dim(0);
        }
        int[] dims = first.dims();
        dims[0] = channels;
        this.inputShapes = List.copyOf(new ArrayList<>(inputShapes));
        this.outputShape = Shape.of(dims);
    }

    @Override
    public String kind() {
        return "Concat";
    }

    @Override
    public List<Shape> inputShapes() {
        return inputShapes;
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        int outSize = outputShape.size();
        for (int r = 0; r < rows; r++) {
            int offset = r * outSize;
            for (int i = 0; i < inputs.length; i++) {
                int size = inputShapes.get(i).size();
                System.arraycopy(inputs[i], r * size, out, offset, size);
                offset += size;
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        int outSize = outputShape.size();
        for (int r = 0; r < rows; r++) {
            int offset = r * outSize;
            for (int i = 0; i < gradInputs.length; i++) {
                int size = inputShapes.get(i).size();
                if (gradInputs[i] != null) {
                    for (int k = 0; k < size; k++) {
                        gradInputs[i][r * size + k] += gradOut[offset + k];
                    }
                }
                offset += size;
            }
        }
    }

    @Override
    public String describe() {
        return inputShapes.size() + " inputs joined along channels";
    }
}
