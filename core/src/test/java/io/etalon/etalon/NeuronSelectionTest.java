package io.etalon.etalon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NeuronSelectionTest {

    private final Network lenet = LeNet.create(1);

    @Test
    void rankedNeuronsAreTheBestScoresBestFirstLowerIndexOnTies() {
        float[] scores = {0.5f, 3f, -1f, 3f, 2f, 0f, 0f, 0f, 0f, 0f};
        NeuronSelection selection = NeuronSelection.parse(List.of("top:3", "predicted", "fc3:9"), lenet);
        assertThat(selection.count()).isEqualTo(5);
        assertThat(selection.ranked()).isTrue();
        assertThat(selection.resolve(scores)).extracting(Neuron::id)
                .containsExactly("fc3:1", "fc3:3", "fc3:4", "fc3:1", "fc3:9");
    }

    @Test
    void fixedSpecsResolveAsNeuronParseDoes() {
        NeuronSelection selection = NeuronSelection.parse(List.of("fc3:1", "conv2:3,4,4"), lenet);
        assertThat(selection.ranked()).isFalse();
        assertThat(selection.fixed()).containsExactly(new Neuron("fc3", lenet.outputIndex(), 1), new Neuron("conv2", 3, 344));
        assertThat(selection.resolve(new float[10])).isEqualTo(selection.fixed());
    }

    @Test
    void explainingTheTopClassesBuildsOnlyTheirEtalonsAndReproducesTheScores() {
        SplittableRandom random = new SplittableRandom(7);
        float[] image = new float[lenet.inputShape().size()];
        for (int i = 0; i < image.length; i++) {
            image[i] = (float) random.nextDouble();
        }
        Explainer explainer = new Explainer(lenet, Method.REVERSE.solver(), 1);
        Explanation top = explainer.explain(image, NeuronSelection.parse(List.of("top:2"), lenet));
        int[] best = NeuronSelection.best(top.scores(), 2);
        assertThat(top.etalons()).extracting(etalon -> etalon.neuron().index()).containsExactly(best[0], best[1]);
        assertThat(best[0]).isEqualTo(top.predicted());
        assertThat(top.scores()[best[0]]).isGreaterThanOrEqualTo(top.scores()[best[1]]);
        Explanation all = explainer.explain(image, Neuron.parse("output", lenet));
        for (Etalon etalon : top.etalons()) {
            assertThat(etalon.relativeResidual()).isLessThan(1e-5);
            // the same etalon, to round-off: two rows and ten may take different kernels through the transposed pass
            float[] reference = all.etalons().get(etalon.neuron().index()).weights();
            float scale = 0;
            for (float w : reference) {
                scale = Math.max(scale, Math.abs(w));
            }
            assertThat(etalon.weights()).containsExactly(reference, org.assertj.core.data.Offset.offset(1e-5f * scale));
        }
    }

    @Test
    void badRanksAreNamedWithTheFix() {
        assertThatThrownBy(() -> NeuronSelection.parse(List.of("top:11"), lenet)).isInstanceOf(UnknownNeuronException.class)
                .hasMessage("neuron 'top:11' asks for 11 ranked outputs; the model has 10, so give top:1 to top:10");
        assertThatThrownBy(() -> NeuronSelection.parse(List.of("top:0"), lenet)).hasMessageContaining("top:1 to top:10");
        assertThatThrownBy(() -> NeuronSelection.parse(List.of("top:five"), lenet)).hasMessageContaining("e.g. top:5");
        assertThatThrownBy(() -> NeuronSelection.parse(List.of(), lenet)).hasMessageStartingWith("no neurons were given");
        assertThatThrownBy(() -> NeuronSelection.parse(List.of("top:2"), lenet).fixed())
                .isInstanceOf(IllegalStateException.class);
    }
}
