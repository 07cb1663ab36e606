package io.etalon.cli;

import io.etalon.api.Etalons;
import io.etalon.graph.Network;
import java.util.List;

/**
 * The neurons a command explains when the user names none: every output of a small classifier (LeNet's 10 digits, as
 * the paper draws them), the 5 best classes of a big one (an ImageNet model's 1,000 outputs would cost 1,000
 * transposed passes and 600 MB per photo); the command says which in its closing line. The rule is the library's,
 * {@link Etalons#defaultNeurons}.
 */
final class DefaultNeurons {

    /** Models with at most this many outputs get all of them by default. */
    static final int ALL_OUTPUTS_UP_TO = Etalons.ALL_OUTPUTS_UP_TO;

    private DefaultNeurons() {
    }

    /** {@code specs} when given, else {@code output} or {@code top:5} as the class comment says. */
    static List<String> orDefault(List<String> specs, Network network) {
        if (specs != null && !specs.isEmpty()) {
            return specs;
        }
        return Etalons.defaultNeurons(network);
    }

    /** What the closing line adds when the default was taken on a big model, else an empty string. */
    static String remark(List<String> given, Network network) {
        boolean defaulted = given == null || given.isEmpty();
        return defaulted && network.outputShape().size() > ALL_OUTPUTS_UP_TO ? String.format(java.util.Locale.ROOT,
                " (the 5 best of %,d outputs by default; --neuron output for all)", network.outputShape().size()) : "";
    }
}
