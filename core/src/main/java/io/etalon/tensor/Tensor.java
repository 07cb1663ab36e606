package io.etalon.tensor;

import java.util.Arrays;

/**
 * An immutable tensor: a flat row-major {@code float[]} with its {@link Shape}. Used for parameters
 * (weights, biases) and single results; batches of activations travel as plain arrays for speed.
 */
public record Tensor(Shape shape, float[] data) {

    /** Copies the data in and checks that its length matches the shape. */
    public Tensor {
        if (shape == null || data == null) {
            throw new IllegalArgumentException("a tensor needs a shape and data");
        }
        if (data.length != shape.size()) {
            throw new IllegalArgumentException(
                    "tensor of shape " + shape + " needs " + shape.size() + " values, got " + data.length);
        }
        data = data.clone();
    }

    public static Tensor zeros(Shape shape) {
        return new Tensor(shape, new float[shape.size()]);
    }

    /** A copy of the values. */
    @Override
    public float[] data() {
        return data.clone();
    }

    public int size() {
        return data.length;
    }

    public float get(int flatIndex) {
        return data[flatIndex];
    }

    /** Index of the first non-finite value, or -1. */
    public int firstNonFinite() {
        return Floats.firstNonFinite(data);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tensor tensor && shape.equals(tensor.shape) && Arrays.equals(data, tensor.data);
    }

    @Override
    public int hashCode() {
        return 31 * shape.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor[" + shape + "]";
    }
}
