package io.etalon.op;

import io.etalon.kernel.Parallel;
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
        // one photo's inputs shared out among idle threads, one input (a fire module's two branches) per task, unless
        // one node is concatenated twice and its gradient would be added to by two tasks at once
        int blocks = distinct(gradInputs) ? Parallel.blocksOfValues(outSize, gradInputs.length) : 1;
        for (int r = 0; r < rows; r++) {
            int row = r;
            if (blocks <= 1) {
                for (int i = 0; i < gradInputs.length; i++) {
                    addSlice(gradOut, gradInputs, row, i);
                }
            } else {
                Parallel.forEach(gradInputs.length, i -> addSlice(gradOut, gradInputs, row, i));
            }
        }
    }

    private static boolean distinct(float[][] arrays) {
        for (int i = 0; i < arrays.length; i++) {
            for (int j = 0; j < i; j++) {
                if (arrays[i] != null && arrays[i] == arrays[j]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Adds input i's slice of row r of the output gradient to that input's gradient. */
    private void addSlice(float[] gradOut, float[][] gradInputs, int r, int i) {
        if (gradInputs[i] == null) {
            return;
        }
        int offset = r * outputShape.size();
        for (int j = 0; j < i; j++) {
            offset += inputShapes.get(j).size();
        }
        int size = inputShapes.get(i).size();
        float[] gradIn = gradInputs[i];
        for (int k = 0; k < size; k++) {
            gradIn[r * size + k] += gradOut[offset + k];
        }
    }

    @Override
    public String describe() {
        return inputShapes.size() + " inputs joined along channels";
    }
}
