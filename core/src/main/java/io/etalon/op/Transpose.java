package io.etalon.op;

import io.etalon.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A permutation of a sample's axes (ONNX Transpose with the batch axis kept first), for example NHWC to NCHW in
 * models converted from TensorFlow: {@code out[i_perm[0], i_perm[1], ...] = in[i_0, i_1, ...]}. Linear; its transpose
 * is the inverse permutation.
 */
public final class Transpose implements Op {

    private final Shape inputShape;
    private final Shape outputShape;
    private final int[] permutation;
    /** For each output flat index, the input flat index it copies. */
    private final int[] source;

    /** @param permutation output axis k takes input axis {@code permutation[k]} (sample axes only, 0-based) */
    public Transpose(Shape inputShape, int[] permutation) {
        int rank = inputShape.rank();
        int[] sorted = permutation.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < sorted.length; k++) {
            if (sorted.length != rank || sorted[k] != k) {
                throw new IllegalArgumentException("permutation " + Arrays.toString(permutation) + " does not fit shape " + inputShape);
            }
        }
        this.inputShape = inputShape;
        this.permutation = permutation.clone();
        int[] dims = new int[rank];
        for (int k = 0; k < rank; k++) {
            dims[k] = inputShape.dim(permutation[k]);
        }
        this.outputShape = Shape.of(dims);
        this.source = new int[inputShape.size()];
        for (int flat = 0; flat < source.length; flat++) {
            int[] out = outputShape.coordinates(flat);
            int[] in = new int[rank];
            for (int k = 0; k < rank; k++) {
                in[permutation[k]] = out[k];
            }
            source[flat] = inputShape.flatIndex(in);
        }
    }

    @Override
    public String kind() {
        return "Transpose";
    }

    @Override
    public List<Shape> inputShapes() {
        return List.of(inputShape);
    }

    @Override
    public Shape outputShape() {
        return outputShape;
    }

    public int[] permutation() {
        return permutation.clone();
    }

    @Override
    public void linear(float[][] inputs, float[] out, int rows, Switches switches, int rowsPerSample) {
        float[] in = inputs[0];
        int size = source.length;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < size; k++) {
                out[r * size + k] = in[r * size + source[k]];
            }
        }
    }

    @Override
    public void transpose(float[] gradOut, float[][] gradInputs, int rows, Switches switches, int rowsPerSample) {
        float[] gradIn = gradInputs[0];
        if (gradIn == null) {
            return;
        }
        int size = source.length;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < size; k++) {
                gradIn[r * size + source[k]] += gradOut[r * size + k];
            }
        }
    }

    @Override
    public String describe() {
        return inputShape + " -> " + outputShape + ", axes " + Arrays.toString(permutation);
    }
}
