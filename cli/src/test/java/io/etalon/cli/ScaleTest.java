package io.etalon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.etalon.Method;
import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.op.ChannelAffine;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests too big for the machine are refused at once, with the estimate and the way to restrict them. */
class ScaleTest {

    private final Network lenet = LeNet.create(1);
    /** A network on 3x224x224 photos: one per-channel affine step is enough to have the input size of ImageNet models. */
    private final Network photoModel = new Network(Shape.of(3, 224, 224), List.of(new Network.Node("normalize",
            new ChannelAffine(Shape.of(3, 224, 224), new Tensor(Shape.of(3), new float[] {1, 1, 1}),
                    new Tensor(Shape.of(3), new float[] {0, 0, 0})), new int[] {Network.INPUT})));

    @Test
    void coordinateImagesAreRefusedOnPhotosButNotOnDigits() {
        Scale.checkMethod(Method.FORWARD, lenet);
        Scale.checkMethod(Method.COORDINATE, lenet);
        Scale.checkMethod(Method.REVERSE, photoModel);
        assertThatThrownBy(() -> Scale.checkMethod(Method.FORWARD, photoModel))
                .hasMessage("--method forward pushes one coordinate image per input value, 150,528 frozen passes for this"
                        + " 3x224x224 input (hours, and every neuron's etalon in memory); use --method reverse or auto,"
                        + " one transposed pass per requested neuron");
    }

    @Test
    void imagesInFlightShrinkToTheHeapAndOneImageTooBigIsRefused() {
        long twoGigabytes = 2L << 30;
        assertThat(Scale.imagesInFlight(256, 10, lenet, "--neuron output", twoGigabytes)).isEqualTo(256);
        // five etalons of a photo are 3 MB: a quarter of 2 GB holds 178 photos' worth
        assertThat(Scale.imagesInFlight(256, 5, photoModel, "--neuron top:5", twoGigabytes)).isEqualTo(178);
        assertThatThrownBy(() -> Scale.imagesInFlight(256, 5000, photoModel, "--neuron output", twoGigabytes))
                .hasMessage("--neuron output asks for 5,000 etalons of 3x224x224 per image: 2.8 GB of floats, more than"
                        + " this run's heap (2.0 GB) can hold beside the network; ask for fewer neurons (e.g. --neuron top:5)"
                        + " or give Java more memory (JAVA_OPTS=-Xmx15g)");
    }

    @Test
    void manyPassesOverAPhotoAreAnnounced() {
        assertThat(Scale.passesNote(1000, photoModel)).contains("1,000 etalons per image").contains("--neuron top:5");
        assertThat(Scale.passesNote(5, photoModel)).isNull();
        assertThat(Scale.passesNote(1000, lenet)).isNull();
    }

    @Test
    void regionRefusesPhotoModelsWithItsQuadraticCost() {
        Scale.checkRegion(lenet, 2L << 30);
        assertThatThrownBy(() -> Scale.checkRegion(photoModel, 2L << 30))
                .hasMessageStartingWith("region takes the gradient of every ReLU and pool decision over every input value"
                        + " by forward mode: 337.6 GB for this 3x224x224 model");
    }
}
