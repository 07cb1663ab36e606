package io.etalon.etalon;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Supplier;

/** The etalon solvers by the names the command line uses. */
public enum Method {
    AUTO(Auto::new),
    REVERSE(ReverseMode::new),
    FORWARD(ForwardMode::new),
    COORDINATE(CoordinateImages::new);

    private final Supplier<EtalonSolver> factory;

    Method(Supplier<EtalonSolver> factory) {
        this.factory = factory;
    }

    public EtalonSolver solver() {
        return factory.get();
    }

    /** Lower-case name, e.g. {@code coordinate}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a method name, case-insensitively. */
    public static Method parse(String name) {
        for (Method method : values()) {
            if (method.cliName().equalsIgnoreCase(name.trim())) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name + "'; choose one of "
                + String.join(", ", Arrays.stream(values()).map(Method::cliName).toList()));
    }
}
