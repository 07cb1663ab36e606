package io.etalon.bench;

import java.util.Arrays;

/**
 * Entry point of {@code ./etalon bench}: {@code --peers} runs the side-by-side comparison with PyTorch and ONNX
 * Runtime ({@link PeerComparison}), {@code --layers MODEL} plain inference layer by layer beside ONNX Runtime's
 * ({@link LayerComparison}); anything else is passed to JMH (for example {@code -h}, {@code -l}, or a benchmark name
 * pattern).
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--peers")) {
            PeerComparison.main(args);
        } else if (Arrays.asList(args).contains("--layers")) {
            LayerComparison.main(args);
        } else {
            org.openjdk.jmh.Main.main(args);
        }
    }
}
