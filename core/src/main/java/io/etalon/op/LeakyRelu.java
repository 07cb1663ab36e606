package io.etalon.op;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;

/**
 * Leaky ReLU and PReLU: {@code out = in} if {@code in > 0}, else {@code slope[c] * in}, with one slope for all values
 * (LeakyRelu), one per channel (PRelu) or one per value: a {@link PiecewiseLinear} op of two pieces meeting at 0. Its
 * switch is the sign, as for ReLU (1 above 0); a pre-activation exactly 0 is a tie and takes the slope.
 */
public final class LeakyRelu extends PiecewiseLinear {

    private final Shape shape;
    private final float[] slope;

    /** @param slope {@code (1)}, {@code (C)} or one per value, copied */
    public LeakyRelu(Shape shape, Tensor slope) {
        super(shape, 2, new float[checked(shape, slope)], new boolean[] {false}, pieceSlopes(slope.data()),
                new float[2 * slope.size()], true);
        this.shape = shape;
        this.slope = slope.data();
    }

    private static int checked(Shape shape, Tensor slope) {
        if (slope.size() != 1 && slope.size() != shape.dim(0) && slope.size() != shape.size()) { // all, per channel, per value
            throw new IllegalArgumentException("slope of " + slope.size() + " values does not fit " + shape);
        }
        return slope.size();
    }

    /** Per group: the slope below 0, then 1 above. */
    private static float[] pieceSlopes(float[] slope) {
        float[] pieces = new float[2 * slope.length];
        for (int g = 0; g < slope.length; g++) {
            pieces[2 * g] = slope[g];
            pieces[2 * g + 1] = 1f;
        }
        return pieces;
    }

    @Override
    public String kind() {
        return "LeakyRelu";
    }

    /** The slopes below 0 (copies): one value, one per channel, or one per value. */
    public float[] slopes() {
        return slope.clone();
    }

    @Override
    public Op withoutBias() {
        return this; // no intercepts
    }

    @Override
    public String describe() {
        if (slope.length == 1) {
            return "slope " + slope[0] + " below 0";
        }
        return slope.length == shape.dim(0) ? slope.length + " per-channel slopes below 0" : "one slope per value below 0";
    }
}
