package io.etalon.op;

import java.util.function.Supplier;

/**
 * A value an op builds on first use and then keeps (a plan, turned filters), fixed by the op's shapes and weights, so
 * that a race between threads builds an equal value twice, harmlessly. The value may be null (nothing to build).
 */
final class Lazy<T> {

    /** Boxes the value, so that a built null is told apart from not built yet. */
    private record Built<T>(T value) {
    }

    private final Supplier<T> build;
    private volatile Built<T> built;

    Lazy(Supplier<T> build) {
        this.build = build;
    }

    T get() {
        Built<T> value = built;
        if (value == null) {
            value = new Built<>(build.get());
            built = value;
        }
        return value.value();
    }
}
