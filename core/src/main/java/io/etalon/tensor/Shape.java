package io.etalon.tensor;

import java.util.Arrays;

/**
 * The shape of one sample's tensor, without the batch dimension: {@code (C,H,W)} for feature maps,
 * {@code (F)} for vectors. Row-major; the last dimension varies fastest.
 *
 * <pre>{@code
 * Shape image = Shape.of(1, 28, 28);   // image.size() == 784, image.dim(1) == 28
 * }</pre>
 */
public final class Shape {

    private final int[] dims;
    private final int size; // cached: size() sits in the inner loops of every op

    /** Validates that every dimension is positive and copies the array in. */
    public Shape(int[] dims) {
        if (dims == null || dims.length == 0) {
            throw new IllegalArgumentException("a shape needs at least one dimension");
        }
        dims = dims.clone();
        long size = 1;
        for (int d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has a non-positive dimension");
            }
            size *= d;
            if (size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31 elements");
            }
        }
        this.dims = dims;
        this.size = (int) size;
    }

    public static Shape of(int... dims) {
        return new Shape(dims);
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    /** Number of elements of one sample. */
    public int size() {
        return size;
    }

    /**
     * Flat row-major index of a multi-index, e.g. {@code (c,h,w)} of a {@code (C,H,W)} shape.
     *
     * @throws IndexOutOfBoundsException if the rank differs or a coordinate is out of range
     */
    public int flatIndex(int... coordinates) {
        if (coordinates.length != dims.length) {
            throw new IndexOutOfBoundsException(
                    "index " + Arrays.toString(coordinates) + " has " + coordinates.length + " coordinates; shape "
                            + this + " needs " + dims.length);
        }
        int flat = 0;
        for (int axis = 0; axis < dims.length; axis++) {
            if (coordinates[axis] < 0 || coordinates[axis] >= dims[axis]) {
                throw new IndexOutOfBoundsException(
                        "index " + Arrays.toString(coordinates) + " is outside shape " + this);
            }
            flat = flat * dims[axis] + coordinates[axis];
        }
        return flat;
    }

    /** The multi-index of a flat row-major index. */
    public int[] coordinates(int flatIndex) {
        if (flatIndex < 0 || flatIndex >= size()) {
            throw new IndexOutOfBoundsException("flat index " + flatIndex + " is outside shape " + this);
        }
        int[] coordinates = new int[dims.length];
        for (int axis = dims.length - 1; axis >= 0; axis--) {
            coordinates[axis] = flatIndex % dims[axis];
            flatIndex /= dims[axis];
        }
        return coordinates;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Shape shape && Arrays.equals(dims, shape.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** {@code 1x28x28}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (int axis = 0; axis < dims.length; axis++) {
            text.append(axis == 0 ? "" : "x").append(dims[axis]);
        }
        return text.toString();
    }
}
