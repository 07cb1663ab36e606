package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import io.etalon.testing.RandomNetworks;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Winograd's F(2x2, 3x3) gives the 3x3 convolution's sums, to a few roundings, on any plane, padding and channels. */
class WinogradProperties {

    @Property(tries = 40)
    void minimalFilteringGivesTheConvolution(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int channels = 1 + random.nextInt(12);
        int outputs = 1 + random.nextInt(12);
        int[] pads = {random.nextInt(3), random.nextInt(3), random.nextInt(3), random.nextInt(3)};
        // odd and even planes, so that the last tile row and column are cut in half as often as not
        int inH = 13 + random.nextInt(10);
        int inW = 13 + random.nextInt(10);
        Conv2d conv = new Conv2d(Shape.of(channels, inH, inW),
                new Tensor(Shape.of(outputs, channels, 3, 3), RandomNetworks.values(random, outputs * channels * 9, 0.5)),
                null, new int[] {1, 1}, pads, new int[] {1, 1});
        Shape out = conv.outputShape();
        int rows = 1 + random.nextInt(2);
        float[] x = RandomNetworks.values(random, rows * channels * inH * inW, 1.0);
        float[] direct = new float[rows * out.size()];
        conv.linearDirect(x, direct, rows);
        Winograd winograd = new Winograd(conv.parameters().get(0).data(), outputs, channels, inH, inW, pads[0], pads[1],
                out.dim(1), out.dim(2));
        float[] written = RandomNetworks.values(random, rows * out.size(), 1.0);
        float[] start = RandomNetworks.values(random, rows * out.size(), 1.0);
        float[] added = start.clone();
        for (int r = 0; r < rows; r++) {
            winograd.apply(x, r, written, false);
            winograd.apply(x, r, added, true);
        }
        for (int i = 0; i < direct.length; i++) {
            // the round-off scale of one output: its channels' absolute terms, about 9 C of them of size 0.5
            double scale = 1 + 4.5 * channels;
            assertThat((double) written[i]).as("output %d of %s", i, conv.describe())
                    .isCloseTo(direct[i], org.assertj.core.data.Offset.offset(1e-5 * scale));
            assertThat((double) added[i]).as("output %d added onto another", i)
                    .isCloseTo(start[i] + direct[i], org.assertj.core.data.Offset.offset(1e-5 * scale));
        }
    }

    @Property(tries = 5)
    void theTransposedPassOfALargeLayerTakesItAndStaysTheAdjoint(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        // many channels in and out, as in the layers where it gains
        int channels = 64 + random.nextInt(40);
        int outputs = 64 + random.nextInt(40);
        int size = 14 + random.nextInt(4);
        Conv2d conv = Conv2d.of(Shape.of(channels, size, size),
                new Tensor(Shape.of(outputs, channels, 3, 3), RandomNetworks.values(random, outputs * channels * 9, 0.5)),
                null, 1);
        int rows = 1 + random.nextInt(3);
        float[] g = RandomNetworks.values(random, rows * conv.outputShape().size(), 1.0);
        float[] fast = RandomNetworks.values(random, rows * channels * size * size, 1.0);
        float[] direct = fast.clone();
        conv.transposeDense(g, fast, rows);
        conv.transposeDirect(g, direct, rows);
        for (int i = 0; i < fast.length; i++) {
            assertThat(fast[i]).as("input gradient %d", i)
                    .isCloseTo(direct[i], org.assertj.core.data.Offset.offset(1e-5f * (1 + 4.5f * outputs)));
        }
        assertThat(conv.adjointUsesWinograd()).as("the adjoint of %s runs by minimal filtering", conv.describe()).isTrue();
    }
}
