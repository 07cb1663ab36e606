package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import io.etalon.testing.RandomNetworks;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Grouped and depthwise convolution: forward, the frozen linear map, its transpose, the bias contribution and the
 * parameter gradients agree with each other, with the float64 reference and with an ungrouped convolution whose
 * weight is block diagonal (zero between groups).
 */
class GroupedConvTest {

    @Test
    void depthwiseConvolutionKeepsChannelsApart() {
        // in 2x1x2 = [[1,2]], [[3,4]]; weight 2x1x1x2 = [1,1], [1,-1]; bias [0.5, 0] -> [1+2+0.5, 3-4]
        Conv2d conv = new Conv2d(Shape.of(2, 1, 2), new Tensor(Shape.of(2, 1, 1, 2), new float[] {1, 1, 1, -1}),
                new Tensor(Shape.of(2), new float[] {0.5f, 0}), new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 2);
        assertThat(conv.outputShape()).isEqualTo(Shape.of(2, 1, 1));
        assertThat(ConvolutionChecks.forward(conv, new float[] {1, 2, 3, 4})).containsExactly(3.5f, -1f);
        assertThat(conv.describe()).contains("2->2 channels").contains("2 groups");
    }

    @Test
    void twoGroupsOfTwoChannelsEachReadTheirOwnHalf() {
        // in 4x1x1 = [1,2,3,4]; 2 groups, 1 output each, weight 2x2x1x1 = [1,10], [100,1000]
        Conv2d conv = new Conv2d(Shape.of(4, 1, 1), new Tensor(Shape.of(2, 2, 1, 1), new float[] {1, 10, 100, 1000}),
                null, new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 2);
        assertThat(ConvolutionChecks.forward(conv, new float[] {1, 2, 3, 4})).containsExactly(21f, 4300f);
    }

    @Test
    void groupsThatDoNotDivideTheChannelsAreRefused() {
        assertThatThrownBy(() -> new Conv2d(Shape.of(3, 4, 4), Tensor.zeros(Shape.of(4, 1, 3, 3)), null,
                new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("groups 2 must divide");
        assertThatThrownBy(() -> new Conv2d(Shape.of(4, 4, 4), Tensor.zeros(Shape.of(4, 1, 3, 3)), null,
                new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected Ox2xKHxKW for 2 groups");
    }

    @Property(tries = 80)
    void groupedConvolutionAgreesWithItsReferencesAndItsTranspose(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Conv2d conv = randomGroupedConv(random);
        Shape in = conv.inputShapes().get(0);
        Shape out = conv.outputShape();
        String what = conv.describe();
        int rows = 1 + random.nextInt(5);

        // forward = float64 reference = ungrouped convolution with a block-diagonal weight
        float[] x = RandomNetworks.values(random, rows * in.size(), 1.0);
        float[] y = ConvolutionChecks.value(conv, x, rows);
        Conv2d dense = blockDiagonal(conv);
        ConvolutionChecks.assertValueIsTheReference(conv, x, y, rows, what);
        assertAllClose(y, ConvolutionChecks.value(dense, x, rows), what + " vs block-diagonal");

        // the naive twins
        float[] direct = new float[y.length];
        conv.linearDirect(x, direct, rows);
        float[] fast = new float[y.length];
        conv.linear(new float[][] {x}, fast, rows, Switches.none(rows), 1);
        assertAllClose(fast, direct, what + " linear vs linearDirect");

        // transpose: accumulates, is the adjoint, equals the block-diagonal transpose, on dense and mostly-zero gradients
        for (double zeros : new double[] {0, 0.9}) {
            float[] u = RandomNetworks.values(random, rows * out.size(), 1.0);
            for (int i = 0; i < u.length; i++) {
                if (random.nextDouble() < zeros) {
                    u[i] = 0;
                }
            }
            float[] start = RandomNetworks.values(random, rows * in.size(), 1.0);
            float[] grad = start.clone();
            conv.transpose(u, new float[][] {grad}, rows, Switches.none(rows), 1);
            float[] gradDirect = start.clone();
            conv.transposeDirect(u, gradDirect, rows);
            float[] gradDense = start.clone();
            dense.transpose(u, new float[][] {gradDense}, rows, Switches.none(rows), 1);
            assertAllClose(grad, gradDirect, what + " transpose vs transposeDirect");
            assertAllClose(grad, gradDense, what + " transpose vs block-diagonal");
            ConvolutionChecks.assertAdjoint(x, fast, u, start, grad, what);
            ConvolutionChecks.assertChannelBiasContribution(conv, u, rows, what);
        }

        // parameter gradients equal the block-diagonal ones on the weights that exist
        float[] u = RandomNetworks.values(random, rows * out.size(), 1.0);
        float[][] grads = {new float[conv.parameters().get(0).size()], new float[out.dim(0)]};
        conv.accumulateGradients(new float[][] {x}, u, rows, grads);
        float[][] denseGrads = {new float[dense.parameters().get(0).size()], new float[out.dim(0)]};
        dense.accumulateGradients(new float[][] {x}, u, rows, denseGrads);
        assertAllClose(grads[1], denseGrads[1], what + " bias gradient");
        assertAllClose(grads[0], groupedPart(conv, denseGrads[0]), what + " weight gradient");
    }

    @Property(tries = 60)
    void aDepthwiseChannelGivesTheFloatsOfItsOwnConvolution(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] stride = {1 + random.nextInt(2), 1 + random.nextInt(2)};
        int[] dilation = {1 + random.nextInt(2), 1 + random.nextInt(2)};
        Conv2d conv = randomDepthwise(random, stride, dilation);
        Shape in = conv.inputShapes().get(0);
        int channels = in.dim(0);
        int kernel = conv.kernel()[0];
        int[] pads = conv.pads();
        Tensor weight = conv.parameters().get(0);
        int rows = 1 + random.nextInt(3);
        float[] x = RandomNetworks.values(random, rows * in.size(), 1.0);
        float[] y = new float[rows * conv.outputShape().size()];
        conv.linear(new float[][] {x}, y, rows, Switches.none(rows), 1);

        // each channel as the one-channel convolution it is, all rows at once, as the groups used to run
        Shape plane = Shape.of(1, in.dim(1), in.dim(2));
        int inPlane = plane.size();
        int taps = kernel * kernel;
        for (int c = 0; c < channels; c++) {
            float[] w = java.util.Arrays.copyOfRange(weight.data(), c * taps, (c + 1) * taps);
            Conv2d own = new Conv2d(plane, new Tensor(Shape.of(1, 1, kernel, kernel), w), null, stride, pads, dilation);
            int outPlane = own.outputShape().size();
            float[] ownIn = new float[rows * inPlane];
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, (r * channels + c) * inPlane, ownIn, r * inPlane, inPlane);
            }
            float[] ownOut = new float[rows * outPlane];
            own.linear(new float[][] {ownIn}, ownOut, rows, Switches.none(rows), 1);
            for (int r = 0; r < rows; r++) {
                float[] channel = java.util.Arrays.copyOfRange(y, (r * channels + c) * outPlane,
                        (r * channels + c + 1) * outPlane);
                float[] expected = java.util.Arrays.copyOfRange(ownOut, r * outPlane, (r + 1) * outPlane);
                assertThat(channel).as("%s, channel %d of row %d", conv.describe(), c, r).containsExactly(expected);
            }
        }
    }

    @Property(tries = 60)
    void aDepthwiseTransposeIsTheAdjointOfItsForward(@ForAll long seed) {
        // at a stride the gradient is spread onto a stride-1 plane first; with a dilation it goes group by group
        SplittableRandom random = new SplittableRandom(seed);
        int[] stride = {1 + random.nextInt(2), 1 + random.nextInt(2)};
        int dilation = random.nextInt(5) == 0 ? 2 : 1;
        Conv2d conv = randomDepthwise(random, stride, new int[] {dilation, dilation});
        Shape in = conv.inputShapes().get(0);
        int rows = 1 + random.nextInt(3);
        String what = conv.describe();
        float[] x = RandomNetworks.values(random, rows * in.size(), 1.0);
        float[] y = new float[rows * conv.outputShape().size()];
        conv.linear(new float[][] {x}, y, rows, Switches.none(rows), 1);
        float[] u = RandomNetworks.values(random, y.length, 1.0);
        float[] start = RandomNetworks.values(random, x.length, 1.0);
        float[] grad = start.clone();
        conv.transpose(u, new float[][] {grad}, rows, Switches.none(rows), 1);
        float[] gradDirect = start.clone();
        conv.transposeDirect(u, gradDirect, rows);
        assertAllClose(grad, gradDirect, what + " transpose vs transposeDirect");
        ConvolutionChecks.assertAdjoint(x, y, u, start, grad, what);
    }

    /** A random depthwise convolution without bias: 1 to 6 channels of 5 to 15 rows, a square kernel of 1 to 3. */
    private static Conv2d randomDepthwise(SplittableRandom random, int[] stride, int[] dilation) {
        int channels = 1 + random.nextInt(6);
        int size = 5 + random.nextInt(11);
        int kernel = 1 + random.nextInt(3);
        int[] pads = {random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel)};
        return new Conv2d(Shape.of(channels, size, size + random.nextInt(3)),
                RandomNetworks.tensor(random, Shape.of(channels, 1, kernel, kernel), 1.0), null, stride, pads, dilation,
                channels);
    }

    /** A random grouped convolution: G groups, a channel multiplier, strides, pads, dilations; often depthwise. */
    static Conv2d randomGroupedConv(SplittableRandom random) {
        int groups = 1 + random.nextInt(4);
        int inPerGroup = random.nextBoolean() ? 1 : 1 + random.nextInt(3);
        int outPerGroup = 1 + random.nextInt(3);
        int size = 5 + random.nextInt(5);
        Shape in = Shape.of(groups * inPerGroup, size, size + random.nextInt(3));
        int kernel = 1 + random.nextInt(3);
        int dilation = 1 + random.nextInt(2);
        int stride = 1 + random.nextInt(2);
        int[] pads = {random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel)};
        return new Conv2d(in, RandomNetworks.tensor(random, Shape.of(groups * outPerGroup, inPerGroup, kernel, kernel), 1.0),
                RandomNetworks.tensor(random, Shape.of(groups * outPerGroup), 0.5), new int[] {stride, stride}, pads,
                new int[] {dilation, dilation}, groups);
    }

    /** The same convolution as one group: weight (O,C,KH,KW), zero between different groups. */
    private static Conv2d blockDiagonal(Conv2d conv) {
        Tensor weight = conv.parameters().get(0);
        int outChannels = weight.shape().dim(0);
        int inPerGroup = weight.shape().dim(1);
        int taps = weight.shape().dim(2) * weight.shape().dim(3);
        int inChannels = conv.inputShapes().get(0).dim(0);
        int outPerGroup = outChannels / conv.groups();
        float[] full = new float[outChannels * inChannels * taps];
        for (int o = 0; o < outChannels; o++) {
            int first = (o / outPerGroup) * inPerGroup;
            for (int c = 0; c < inPerGroup; c++) {
                System.arraycopy(weight.data(), (o * inPerGroup + c) * taps, full, (o * inChannels + first + c) * taps, taps);
            }
        }
        return new Conv2d(conv.inputShapes().get(0), new Tensor(Shape.of(outChannels, inChannels, weight.shape().dim(2),
                weight.shape().dim(3)), full), conv.parameters().get(1), conv.stride(), conv.pads(), conv.dilation());
    }

    /** The entries of a block-diagonal (O,C,KH,KW) array that a grouped (O,C/G,KH,KW) weight holds. */
    private static float[] groupedPart(Conv2d conv, float[] full) {
        Shape w = conv.parameters().get(0).shape();
        int inPerGroup = w.dim(1);
        int taps = w.dim(2) * w.dim(3);
        int inChannels = conv.inputShapes().get(0).dim(0);
        int outPerGroup = w.dim(0) / conv.groups();
        float[] part = new float[w.size()];
        for (int o = 0; o < w.dim(0); o++) {
            int first = (o / outPerGroup) * inPerGroup;
            for (int c = 0; c < inPerGroup; c++) {
                System.arraycopy(full, (o * inChannels + first + c) * taps, part, (o * inPerGroup + c) * taps, taps);
            }
        }
        return part;
    }

    private static void assertAllClose(float[] actual, float[] expected, String what) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertClose(actual[i], expected[i], what);
        }
    }

    private static void assertClose(float actual, double expected, String what) {
        assertThat((double) actual).as("%s", what)
                .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-4 * (1 + Math.abs(expected))));
    }
}
