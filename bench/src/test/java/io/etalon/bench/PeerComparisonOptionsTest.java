package io.etalon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./etalon bench --peers} reads its options, and says in one line which one is wrong and what it takes. */
class PeerComparisonOptionsTest {

    @Test
    void optionsDefaultToEveryModelOnEveryCore() {
        PeerComparison.Options options = PeerComparison.Options.parse(new String[] {"--peers"}, 2);
        assertThat(options.threads()).isEqualTo(2);
        assertThat(options.seconds()).isEqualTo(5);
        assertThat(options.json()).isNull();
        assertThat(options.models()).containsExactly("lenet", "squeezenet1_1", "resnet18", "mobilenet_v2");
        assertThat(options.help()).isFalse();
    }

    @Test
    void optionsAreReadInAnyOrder() {
        PeerComparison.Options options = PeerComparison.Options.parse(new String[] {"--models", "resnet18,lenet",
                "--json", "out.json", "--peers", "--seconds", "0.5", "--threads", "1"}, 2);
        assertThat(options.threads()).isEqualTo(1);
        assertThat(options.seconds()).isEqualTo(0.5);
        assertThat(options.json()).isEqualTo(Path.of("out.json"));
        assertThat(options.models()).isEqualTo(List.of("resnet18", "lenet"));
        assertThat(PeerComparison.Options.parse(new String[] {"--peers", "--help"}, 2).help()).isTrue();
    }

    @Test
    void aWrongOptionIsNamedWithWhatItTakes() {
        assertRefused("unknown option --thread", "--peers", "--thread", "2");
        assertRefused("--threads needs a value", "--peers", "--threads");
        assertRefused("--threads needs a value", "--peers", "--threads", "--seconds", "1");
        assertRefused("--threads takes a whole number of threads, 1 or more, not two", "--threads", "two");
        assertRefused("not 0", "--threads", "0");
        assertRefused("--seconds takes a positive number of seconds per round, not -1", "--seconds", "-1");
        assertRefused("not NaN", "--seconds", "NaN");
        assertRefused("unknown model vgg16; use --models with some of lenet,squeezenet1_1,resnet18,mobilenet_v2", "--models",
                "lenet,vgg16");
    }

    private static void assertRefused(String message, String... args) {
        assertThatThrownBy(() -> PeerComparison.Options.parse(args, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
