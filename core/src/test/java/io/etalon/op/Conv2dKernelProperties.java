package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.Network;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import io.etalon.testing.RandomNetworks;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The fast (im2col) convolution kernels equal their direct loop-nest twins on random shapes and row counts. */
class Conv2dKernelProperties {

    @Property(tries = 60)
    void fastKernelsEqualTheDirectLoops(@ForAll long seed, @ForAll @IntRange(min = 1, max = 70) int rows) {
        Network network = RandomNetworks.network(seed);
        SplittableRandom random = new SplittableRandom(seed);
        for (Network.Node node : network.nodes()) {
            if (!(node.op() instanceof Conv2d conv)) {
                continue;
            }
            int in = conv.inputShapes().get(0).size();
            int out = conv.outputShape().size();
            valueOfTheKernels(conv, RandomNetworks.values(random, rows * in, 1.0), rows);
            float[] g = RandomNetworks.values(random, rows * out, 1.0);
            float[] fastGrad = RandomNetworks.values(random, rows * in, 1.0);
            float[] directGrad = fastGrad.clone();
            conv.transpose(g, new float[][] {fastGrad}, rows, Switches.none(rows), 1);
            conv.transposeDirect(g, directGrad, rows);
            assertClose(fastGrad, directGrad, conv.describe());
            // the dense adjoint of the etalon solvers: a turned-filter correlation at stride 1, else the im2col product
            float[] denseGrad = RandomNetworks.values(random, rows * in, 1.0);
            float[] denseDirect = denseGrad.clone();
            conv.transposeDense(g, denseGrad, rows);
            conv.transposeDirect(g, denseDirect, rows);
            assertClose(denseGrad, denseDirect, conv.describe() + " (dense)");
            // mostly-zero gradients (one in ten non-zero, as behind a max-pool and a ReLU) take the sparse scatter path
            for (int k = 0; k < g.length; k++) {
                if (random.nextInt(10) != 0) {
                    g[k] = 0f;
                }
            }
            float[] sparseGrad = new float[rows * in];
            float[] sparseDirect = new float[rows * in];
            conv.transpose(g, new float[][] {sparseGrad}, rows, Switches.none(rows), 1);
            conv.transposeDirect(g, sparseDirect, rows);
            assertClose(sparseGrad, sparseDirect, conv.describe() + " (sparse)");
        }
    }

    /**
     * Plain inference fuses a convolution's bias and the ReLU or Clip (ReLU6) that follows it, also after a depthwise
     * convolution (MobileNet's): the floats of the convolution's inference and then the switch's, written into each
     * sample's stretch of a larger output (a concatenation's part) and nowhere else.
     */
    @Property(tries = 60)
    void aFusedSwitchGivesTheFloatsOfTheConvolutionThenTheSwitch(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        boolean depthwise = random.nextBoolean();
        int channels = 1 + random.nextInt(depthwise ? 12 : 5);
        int outChannels = depthwise ? channels : 1 + random.nextInt(9);
        int kernel = 1 + random.nextInt(3);
        int stride = 1 + random.nextInt(2);
        int[] pads = {random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel)};
        // planes from a few rows to a photo's, whose one sample is shared out among threads
        int size = random.nextInt(4) == 0 ? 60 + random.nextInt(60) : kernel + random.nextInt(14);
        Shape input = Shape.of(channels, size, size + random.nextInt(3));
        Conv2d conv = new Conv2d(input,
                RandomNetworks.tensor(random, Shape.of(outChannels, depthwise ? 1 : channels, kernel, kernel), 1.0),
                RandomNetworks.tensor(random, Shape.of(outChannels), 0.5), new int[] {stride, stride}, pads,
                new int[] {1, 1}, depthwise ? channels : 1);
        Shape out = conv.outputShape();
        Op activation = switch (random.nextInt(3)) {
            case 0 -> new Relu(out);
            case 1 -> new Clip(out, 0f, 6f);
            default -> new Clip(out, (float) -Math.abs(random.nextGaussian()), (float) Math.abs(random.nextGaussian()));
        };
        assertThat(conv.fuses(activation)).isTrue();
        int rows = 1 + random.nextInt(3);
        float[] x = RandomNetworks.values(random, rows * input.size(), 2.0);
        float[] value = new float[rows * out.size()];
        conv.infer(new float[][] {x}, value, rows);
        assertFusedSwitchGives(conv, activation, x, rows, value, random);
    }

    /**
     * A 1x1 layer of few channels over a photo-sized plane (MobileNet-V2's at 112x112) shares one sample out by
     * positions; where each channel's results are its whole plane it correlates straight into the output and biases and
     * switches there. Either way: the floats of the value ({@link Conv2d#linear}, which takes neither path), its bias,
     * then the switch, in each sample's stretch of a larger output and nowhere else.
     */
    @Property(tries = 20)
    void aPointwiseLayerSharedByPositionsGivesTheFloatsOfItsValueThenTheSwitch(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int channels = 12 + random.nextInt(12);
        int outChannels = 1 + random.nextInt(40);
        // at least 2^17 input floats; a plane of whole vectors (in place) or not (through the result buffer)
        int height = 96 + random.nextInt(24);
        int width = random.nextBoolean() ? 112 : 97 + 2 * random.nextInt(8);
        Shape input = Shape.of(channels, height, width);
        Conv2d conv = new Conv2d(input, RandomNetworks.tensor(random, Shape.of(outChannels, channels, 1, 1), 0.5),
                RandomNetworks.tensor(random, Shape.of(outChannels), 0.5), new int[] {1, 1}, new int[] {0, 0, 0, 0},
                new int[] {1, 1}, 1);
        Shape out = conv.outputShape();
        Op activation = random.nextBoolean() ? new Relu(out) : new Clip(out, 0f, 6f);
        int rows = 1 + random.nextInt(2);
        float[] x = RandomNetworks.values(random, rows * input.size(), 2.0);
        float[] value = new float[rows * out.size()];
        conv.linear(new float[][] {x}, value, rows, Switches.none(rows), 1);
        conv.addBias(value, rows, Switches.none(rows), 1);
        assertFusedSwitchGives(conv, activation, x, rows, value, random);
    }

    /**
     * A layer of many channels over a small plane (ResNet's at 7x7 to 28x28) correlates by segments of seven positions,
     * its outputs in the vector lanes ({@link io.etalon.kernel.Kernels#correlateSegments}), whose last segment in a row
     * overlaps the one before when the row is not a multiple of seven long, at stride 1 or 2: the floats of its value, its bias, then the
     * switch, in each sample's stretch of a larger output and nowhere else.
     */
    @Property(tries = 30)
    void aSmallPlaneOfManyChannelsCorrelatesBySegmentsAsItsValueThenTheSwitch(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int channels = 1 + random.nextInt(20);
        int outChannels = 32 + random.nextInt(50);
        int kernel = 2 + random.nextInt(2);
        int[] pads = {random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel)};
        // into planes up to 28x28, or at stride 2 over the phases up to 14x14
        int stride = 1 + random.nextInt(2);
        int sizes = stride == 1 ? 22 : 8;
        Shape input = Shape.of(channels, stride * (7 + random.nextInt(sizes)), stride * (8 + random.nextInt(sizes - 1)));
        Conv2d conv = new Conv2d(input, RandomNetworks.tensor(random, Shape.of(outChannels, channels, kernel, kernel), 0.5),
                RandomNetworks.tensor(random, Shape.of(outChannels), 0.5), new int[] {stride, stride}, pads,
                new int[] {1, 1}, 1);
        Shape out = conv.outputShape();
        Op activation = random.nextBoolean() ? new Relu(out) : new Clip(out, 0f, 6f);
        int rows = 1 + random.nextInt(2);
        float[] x = RandomNetworks.values(random, rows * input.size(), 2.0);
        float[] value = valueOfTheKernels(conv, x, rows);
        conv.addBias(value, rows, Switches.none(rows), 1);
        assertFusedSwitchGives(conv, activation, x, rows, value, random);
    }

    /**
     * Samples too large to batch (a photo) take other paths: the correlation over the padded planes, split into phases
     * at a stride, for the value; one stride-1 correlation per phase for the transpose; a matrix product for a 1x1
     * convolution. They too equal the loops.
     */
    @Property(tries = 40)
    void photoSizedSamplesCorrelateByPhasesAsTheDirectLoopsDo(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int rows) {
        SplittableRandom random = new SplittableRandom(seed);
        // one in four a 1x1 convolution of stride 1 with no padding, which is a plain matrix product
        boolean pointwise = random.nextInt(4) == 0;
        int kernelH = pointwise ? 1 : 1 + random.nextInt(5);
        int kernelW = pointwise ? 1 : 1 + random.nextInt(5);
        int strideH = pointwise ? 1 : 1 + random.nextInt(3);
        int strideW = pointwise ? 1 : 1 + random.nextInt(3);
        int dilation = !pointwise && random.nextInt(4) == 0 ? 2 : 1;
        int[] pads = {random.nextInt(kernelH), random.nextInt(kernelW), random.nextInt(kernelH), random.nextInt(kernelW)};
        int outH = 24 + random.nextInt(20);
        int outW = 24 + random.nextInt(20);
        int inH = (outH - 1) * strideH + dilation * (kernelH - 1) + 1 - pads[0] - pads[2] + random.nextInt(strideH);
        int inW = (outW - 1) * strideW + dilation * (kernelW - 1) + 1 - pads[1] - pads[3] + random.nextInt(strideW);
        // enough channels that one sample's patch matrix is past the block the batched product takes
        int channels = (1 << 16) / (kernelH * kernelW * outH * outW) + 1 + random.nextInt(3);
        int outChannels = 1 + random.nextInt(9);
        Tensor weight = new Tensor(Shape.of(outChannels, channels, kernelH, kernelW),
                RandomNetworks.values(random, outChannels * channels * kernelH * kernelW, 0.3));
        Tensor bias = new Tensor(Shape.of(outChannels), RandomNetworks.values(random, outChannels, 0.3));
        Conv2d conv = new Conv2d(Shape.of(channels, inH, inW), weight, bias, new int[] {strideH, strideW}, pads,
                new int[] {dilation, dilation});
        int in = conv.inputShapes().get(0).size();
        int out = conv.outputShape().size();
        float[] x = RandomNetworks.values(random, rows * in, 1.0);
        float[] fast = valueOfTheKernels(conv, x, rows);
        // plain inference with the ReLU fused: exactly the value, its bias added and rectified
        float[] rectified = new float[rows * out];
        conv.inferRectified(x, rectified, rows, null);
        conv.addBias(fast, rows, Switches.none(rows), 1);
        for (int k = 0; k < fast.length; k++) {
            assertThat(rectified[k]).as("%s rectified at %d", conv.describe(), k).isEqualTo(fast[k] > 0f ? fast[k] : 0f);
        }
        float[] g = RandomNetworks.values(random, rows * out, 1.0);
        float[] fastGrad = RandomNetworks.values(random, rows * in, 1.0);
        float[] directGrad = fastGrad.clone();
        float[] denseGrad = fastGrad.clone();
        conv.transpose(g, new float[][] {fastGrad}, rows, Switches.none(rows), 1);
        conv.transposeDirect(g, directGrad, rows);
        assertClose(fastGrad, directGrad, conv.describe() + " (transpose)");
        conv.transposeDense(g, denseGrad, rows);
        assertClose(denseGrad, directGrad, conv.describe() + " (dense transpose)");
    }

    /**
     * The compact scatter of few rows (top-5 etalons) puts its lanes over the input channels instead of the rows: the
     * same terms in the same order, so exactly the same floats.
     */
    @Property(tries = 30)
    void fewRowsScatterByChannelsExactlyAsByRows(@ForAll long seed, @ForAll @IntRange(min = 1, max = 8) int rows) {
        SplittableRandom random = new SplittableRandom(seed);
        int channels = 16 * (1 + random.nextInt(2));
        int kernel = 1 + random.nextInt(3);
        int stride = 1 + random.nextInt(2);
        int pad = random.nextInt(kernel);
        int outputs = 1 + random.nextInt(6);
        int size = 6 + random.nextInt(8);
        Conv2d conv = new Conv2d(Shape.of(channels, size, size),
                new Tensor(Shape.of(outputs, channels, kernel, kernel),
                        RandomNetworks.values(random, outputs * channels * kernel * kernel, 0.5)),
                null, new int[] {stride, stride}, new int[] {pad, pad, pad, pad}, new int[] {1, 1});
        int outSize = conv.outputShape().size();
        int[] positions = new int[outSize];
        int count = 0;
        for (int q = 0; q < outSize; q++) {
            if (random.nextInt(4) == 0) {
                positions[count++] = q;
            }
        }
        int lanes = Conv2d.paddedRows(rows);
        float[] values = new float[count * lanes];
        for (int s = 0; s < count; s++) {
            for (int r = 0; r < rows; r++) {
                values[s * lanes + r] = random.nextInt(5) == 0 ? 0f : (float) random.nextGaussian();
            }
        }
        float[] byRows = RandomNetworks.values(random, rows * conv.inputShapes().get(0).size(), 1.0);
        float[] byChannels = byRows.clone();
        conv.transposeAtByRows(positions, count, values, lanes, rows, byRows);
        conv.transposeAtByChannels(positions, count, values, lanes, rows, byChannels);
        assertThat(byChannels).isEqualTo(byRows);
    }

    /** The frozen linear value of {@code rows} samples by the fast kernels, checked against the direct loops. */
    /**
     * {@link Conv2d#inferActivated} of {@code x} into each sample's stretch of a larger output (a concatenation's part,
     * at a random offset and sample stride) gives, bit for bit, {@code activation}'s floats of {@code value} (the
     * convolution's biased value, made another way), and writes nothing outside those stretches.
     */
    private static void assertFusedSwitchGives(Conv2d conv, Op activation, float[] x, int rows, float[] value,
                                               SplittableRandom random) {
        Shape out = conv.outputShape();
        float[] expected = new float[value.length];
        activation.infer(new float[][] {value}, expected, rows);
        int offset = random.nextInt(5);
        int sampleStride = out.size() + random.nextInt(7);
        float[] fused = new float[offset + rows * sampleStride + 3];
        java.util.Arrays.fill(fused, 7f);
        conv.inferActivated(x, fused, rows, activation, null, offset, sampleStride);
        for (int k = 0; k < fused.length; k++) {
            int sample = (k - offset) / sampleStride;
            int at = (k - offset) % sampleStride;
            boolean inside = k >= offset && sample < rows && at < out.size();
            float want = inside ? expected[sample * out.size() + at] : 7f;
            assertThat(Float.floatToRawIntBits(fused[k])).as("%s then %s at %d", conv.describe(), activation.describe(), k)
                    .isEqualTo(Float.floatToRawIntBits(want));
        }
    }

    private static float[] valueOfTheKernels(Conv2d conv, float[] x, int rows) {
        int out = conv.outputShape().size();
        float[] fast = new float[rows * out];
        float[] direct = new float[rows * out];
        conv.linear(new float[][] {x}, fast, rows, Switches.none(rows), 1);
        conv.linearDirect(x, direct, rows);
        assertClose(fast, direct, conv.describe());
        return fast;
    }

    private static void assertClose(float[] actual, float[] expected, String what) {
        for (int i = 0; i < actual.length; i++) {
            assertThat(actual[i]).as("%s at %d", what, i)
                    .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f * (1 + Math.abs(expected[i]))));
        }
    }
}
