package io.etalon.op;

import io.etalon.tensor.Shape;

/**
 * Clipping to {@code [min, max]} (ReLU6 is {@code [0, 6]}): a {@link PiecewiseLinear} op of three pieces. Its switch per
 * unit is 0 below {@code min} (constant {@code min}), 1 inside (identity), 2 above {@code max} (constant {@code max});
 * a value exactly at a bound is a tie and counts as inside. The constants are the op's bias in the frozen map.
 */
public final class Clip extends PiecewiseLinear {

    private final Shape shape;
    private final float min;
    private final float max;

    public Clip(Shape shape, float min, float max) {
        this(shape, min, max, true);
    }

    private Clip(Shape shape, float min, float max, boolean constants) {
        super(shape, 3, bounds(min, max), new boolean[] {true, false}, new float[] {0f, 1f, 0f},
                new float[] {min, 0f, max}, constants);
        this.shape = shape;
        this.min = min;
        this.max = max;
    }

    private static float[] bounds(float min, float max) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("Clip needs min <= max, got " + min + " and " + max);
        }
        return new float[] {min, max};
    }

    @Override
    public String kind() {
        return "Clip";
    }

    public float min() {
        return min;
    }

    public float max() {
        return max;
    }

    @Override
    public Op withoutBias() {
        return new Clip(shape, min, max, false);
    }

    @Override
    public String describe() {
        return "clip to [" + min + ", " + max + "]";
    }
}
