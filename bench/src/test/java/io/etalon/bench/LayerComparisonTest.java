package io.etalon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code ./etalon bench --layers} reads its options, puts each of ONNX Runtime's nodes beside the step of Etalon's
 * plan that runs the node it stands for, and times both engines on a real ONNX file.
 */
class LayerComparisonTest {

    @Test
    void optionsNameTheModelAndDefaultToEveryCore() {
        LayerComparison.Options options = LayerComparison.Options.parse(new String[] {"--layers", "resnet18"}, 2);
        assertThat(options.model()).isEqualTo("resnet18");
        assertThat(options.threads()).isEqualTo(2);
        assertThat(options.runs()).isEqualTo(100);
        options = LayerComparison.Options.parse(new String[] {"--runs", "7", "--threads", "1", "--layers", "m.onnx"}, 2);
        assertThat(options.model()).isEqualTo("m.onnx");
        assertThat(options.threads()).isEqualTo(1);
        assertThat(options.runs()).isEqualTo(7);
    }

    @Test
    void aWrongOptionIsNamedWithWhatItTakes() {
        assertRefused("--layers needs a model", "--layers");
        assertRefused("--layers needs a model", "--runs", "3");
        assertRefused("unknown option --run", "--layers", "lenet", "--run", "3");
        assertRefused("--runs takes a whole number of runs, 1 or more, not 0", "--layers", "lenet", "--runs", "0");
        assertRefused("--threads takes a whole number of threads", "--layers", "lenet", "--threads", "x");
    }

    @Test
    void aPeerNodeStandsForTheOnnxNodeItsNameComesFrom() {
        assertThat(LayerComparison.standsFor("/layer1/layer1.0/relu/Relu_output_0_nchwc"))
                .isEqualTo("/layer1/layer1.0/relu/Relu");
        assertThat(LayerComparison.standsFor("/maxpool/MaxPool_output_0")).isEqualTo("/maxpool/MaxPool");
        assertThat(LayerComparison.standsFor("fused fc1")).isEqualTo("fc1");
        assertThat(LayerComparison.standsFor("/fc/Gemm")).isEqualTo("/fc/Gemm");
        assertThat(LayerComparison.standsFor("ReorderOutput")).isEqualTo("ReorderOutput");
    }

    @Test
    void eachPeerNodeGoesBesideTheStepRunningItsNodeOrApart() {
        List<List<String>> steps = List.of(List.of("/conv1/Conv", "/relu/Relu", "/maxpool/MaxPool"), List.of("/fc/Gemm"));
        double[][] ours = {{1.0, 3.0, 2.0}, {0.5, 0.5, 0.7}};
        Map<String, List<Double>> peer = new LinkedHashMap<>();
        peer.put("/relu/Relu_output_0_nchwc", List.of(1.5, 1.5, 1.0));
        peer.put("/maxpool/MaxPool_output_0_nchwc", List.of(0.25, 0.25, 0.25));
        peer.put("ReorderOutput", List.of(0.125, 0.125, 0.125));
        peer.put("/fc/Gemm", List.of(0.25, 0.5, 0.75));
        LayerComparison.Comparison comparison = LayerComparison.match(steps, ours, peer, 4.0, 3.0);
        LayerComparison.Line first = comparison.lines().get(0);
        assertThat(first.etalonMillis()).isEqualTo(2.0);
        assertThat(first.peerNodes()).containsExactly("/relu/Relu_output_0_nchwc", "/maxpool/MaxPool_output_0_nchwc");
        assertThat(first.peerMillis()).isEqualTo(1.75);
        assertThat(comparison.lines().get(1).etalonMillis()).isEqualTo(0.5);
        assertThat(comparison.lines().get(1).peerMillis()).isEqualTo(0.5);
        assertThat(comparison.peerOnly()).containsExactly(Map.entry("ReorderOutput", 0.125));
    }

    @Test
    void bothEnginesAreTimedLayerByLayerOnTheShippedLeNet() throws Exception {
        LayerComparison.Comparison comparison = LayerComparison.compare(LayerComparison.modelFile("lenet"), 1, 5);
        assertThat(comparison.lines()).extracting(LayerComparison.Line::nodes)
                .startsWith(List.of("conv1", "relu1", "pool1"), List.of("conv2", "relu2", "pool2"));
        assertThat(comparison.lines()).allSatisfy(line -> assertThat(line.etalonMillis()).isGreaterThanOrEqualTo(0));
        // ONNX Runtime's first convolution (its ReLU and pool fused or not) stands beside Etalon's fused first step
        assertThat(comparison.lines().get(0).peerNodes()).isNotEmpty();
        assertThat(comparison.lines().get(0).peerMillis()).isPositive();
        assertThat(comparison.etalonCallMillis()).isPositive();
        assertThat(comparison.peerCallMillis()).isPositive();
    }

    private static void assertRefused(String message, String... args) {
        assertThatThrownBy(() -> LayerComparison.Options.parse(args, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
