package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import io.etalon.testing.RandomNetworks;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Transposed convolution: its forward pass is the definition's scatter (the float64 reference), its frozen linear map
 * and transpose are adjoint, its bias contribution and parameter gradients are what their definitions say.
 */
class ConvTranspose2dTest {

    private static final double TOLERANCE = 1e-5;

    @Test
    void eachInputValueStampsItsKernelAtStrideSteps() {
        // in 1x1x2 = [1, 2]; kernel 1x1x1x2 = [1, 10]; stride 2 -> [1, 10, 2, 20]; bias 0.5 on every output
        ConvTranspose2d up = new ConvTranspose2d(Shape.of(1, 1, 2), new Tensor(Shape.of(1, 1, 1, 2), new float[] {1, 10}),
                new Tensor(Shape.of(1), new float[] {0.5f}), new int[] {1, 2}, new int[4], new int[] {1, 1}, 1, new int[2]);
        assertThat(up.outputShape()).isEqualTo(Shape.of(1, 1, 4));
        assertThat(ConvolutionChecks.forward(up, new float[] {1, 2})).containsExactly(1.5f, 10.5f, 2.5f, 20.5f);
        // overlapping stamps add up: stride 1 -> [1, 10 + 2, 20]
        ConvTranspose2d overlapping = new ConvTranspose2d(Shape.of(1, 1, 2), new Tensor(Shape.of(1, 1, 1, 2), new float[] {1, 10}),
                null, new int[] {1, 1}, new int[4], new int[] {1, 1}, 1, new int[2]);
        assertThat(ConvolutionChecks.forward(overlapping, new float[] {1, 2})).containsExactly(1f, 12f, 20f);
        // output padding adds a column only the bias reaches; pads cut the first column
        ConvTranspose2d padded = new ConvTranspose2d(Shape.of(1, 1, 2), new Tensor(Shape.of(1, 1, 1, 2), new float[] {1, 10}),
                new Tensor(Shape.of(1), new float[] {0.5f}), new int[] {1, 2}, new int[] {0, 1, 0, 0}, new int[] {1, 1}, 1,
                new int[] {0, 1});
        assertThat(ConvolutionChecks.forward(padded, new float[] {1, 2})).containsExactly(10.5f, 2.5f, 20.5f, 0.5f);
        assertThat(padded.describe()).contains("output padding 0,1");
    }

    @Test
    void settingsWithoutAnOutputOrBeyondTheStrideAreRefused() {
        Tensor weight = Tensor.zeros(Shape.of(2, 1, 3, 3));
        assertThatThrownBy(() -> new ConvTranspose2d(Shape.of(2, 4, 4), weight, null, new int[] {2, 2}, new int[4],
                new int[] {1, 1}, 1, new int[] {2, 0})).hasMessageContaining("output padding 2 must be at least 0 and below");
        assertThatThrownBy(() -> new ConvTranspose2d(Shape.of(3, 4, 4), weight, null, new int[] {1, 1}, new int[4],
                new int[] {1, 1}, 1, new int[2])).hasMessageContaining("does not fit input 3x4x4");
        assertThatThrownBy(() -> new ConvTranspose2d(Shape.of(2, 1, 1), weight, null, new int[] {1, 1}, new int[] {2, 0, 1, 0},
                new int[] {1, 1}, 1, new int[2])).hasMessageContaining("leave no output");
    }

    @Property(tries = 80)
    void transposedConvolutionAgreesWithItsDefinitionAndItsTranspose(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        ConvTranspose2d up = randomTransposedConv(random);
        Shape in = up.inputShapes().get(0);
        Shape out = up.outputShape();
        String what = up.describe() + " on " + in;
        int rows = 1 + random.nextInt(4);

        // forward = the float64 scatter of the definition
        float[] x = RandomNetworks.values(random, rows * in.size(), 1.0);
        ConvolutionChecks.assertValueIsTheReference(up, x, ConvolutionChecks.value(up, x, rows), rows, what);

        // transpose accumulates and is the adjoint of linear; the bias terms are <u, bias per output channel>
        float[] u = RandomNetworks.values(random, rows * out.size(), 1.0);
        float[] start = RandomNetworks.values(random, rows * in.size(), 1.0);
        float[] grad = start.clone();
        up.transpose(u, new float[][] {grad}, rows, Switches.none(rows), 1);
        float[] linear = new float[rows * out.size()];
        up.linear(new float[][] {x}, linear, rows, Switches.none(rows), 1);
        ConvolutionChecks.assertAdjoint(x, linear, u, start, grad, what);
        ConvolutionChecks.assertChannelBiasContribution(up, u, rows, what);
        int plane = out.dim(1) * out.dim(2);

        // weight gradient of <u, A_W x>: linear in W, so entry k is <u, A_{e_k} x>, the output of a one-hot weight
        float[][] grads = {new float[up.parameters().get(0).size()], new float[out.dim(0)]};
        up.accumulateGradients(new float[][] {x}, u, rows, grads);
        Tensor weight = up.parameters().get(0);
        Tensor noBias = Tensor.zeros(Shape.of(out.dim(0)));
        for (int k = 0; k < weight.size(); k += 1 + random.nextInt(3)) {
            float[] oneHot = new float[weight.size()];
            oneHot[k] = 1;
            Op single = up.withParameters(List.of(new Tensor(weight.shape(), oneHot), noBias));
            float[] response = new float[rows * out.size()];
            single.linear(new float[][] {x}, response, rows, Switches.none(rows), 1);
            double expected = ConvolutionChecks.dot(response, u);
            assertThat((double) grads[0][k]).as("weight gradient %d of %s", k, what)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(TOLERANCE * (1 + Math.abs(expected)) * 10));
        }
        for (int o = 0; o < out.dim(0); o++) {
            double expected = 0;
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < plane; i++) {
                    expected += u[(r * out.dim(0) + o) * plane + i];
                }
            }
            assertThat((double) grads[1][o]).as("bias gradient %d of %s", o, what)
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(TOLERANCE * (1 + Math.abs(expected)) * 10));
        }
    }

    /** A random transposed convolution: groups, strides, pads, dilations and output padding below the stride. */
    static ConvTranspose2d randomTransposedConv(SplittableRandom random) {
        int groups = 1 + random.nextInt(3);
        int inPerGroup = 1 + random.nextInt(2);
        int outPerGroup = 1 + random.nextInt(3);
        int size = 2 + random.nextInt(5);
        Shape in = Shape.of(groups * inPerGroup, size, size + random.nextInt(3));
        int kernel = 1 + random.nextInt(4);
        int dilation = 1 + random.nextInt(2);
        int stride = 1 + random.nextInt(3);
        int most = dilation * (kernel - 1) / 2; // pads of at most half the kernel's reach on each side leave an output
        int[] pads = {random.nextInt(most + 1), random.nextInt(most + 1), random.nextInt(most + 1), random.nextInt(most + 1)};
        int[] outputPadding = {random.nextInt(stride), random.nextInt(stride)};
        return new ConvTranspose2d(in, RandomNetworks.tensor(random, Shape.of(groups * inPerGroup, outPerGroup, kernel, kernel), 1.0),
                RandomNetworks.tensor(random, Shape.of(groups * outPerGroup), 0.5), new int[] {stride, stride}, pads,
                new int[] {dilation, dilation}, groups, outputPadding);
    }

}
