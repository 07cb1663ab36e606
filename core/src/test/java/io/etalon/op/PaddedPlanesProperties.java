package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.tensor.Shape;
import io.etalon.testing.RandomNetworks;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * A convolution hands its output to the stride-1 convolution that reads it in that one's padded planes
 * ({@link Conv2d#inferPadded}), which correlates them where they lie: the same floats as each convolution's own
 * inference in turn, every float of the planes written, their padding zero.
 */
class PaddedPlanesProperties {

    @Property(tries = 60)
    void aConvolutionReadingItsInputInPaddedPlanesGivesTheFloatsOfTheTwoInTurn(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int channels = 1 + random.nextInt(6);
        int middle = 1 + random.nextInt(9);
        int outChannels = 1 + random.nextInt(9);
        // the writer: any kernel, stride and padding; the reader: stride 1 with some padding, perhaps dilated
        int kernel = 1 + random.nextInt(3);
        int stride = 1 + random.nextInt(2);
        int[] pads = {random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel), random.nextInt(kernel)};
        int readerKernel = 1 + random.nextInt(5);
        int dilation = random.nextInt(4) == 0 ? 2 : 1;
        int[] readerPads = {random.nextInt(readerKernel + 1), random.nextInt(readerKernel + 1),
                random.nextInt(readerKernel + 1), 1 + random.nextInt(readerKernel)};
        // planes from a few rows to a photo's, whose one sample is shared out among threads
        int size = random.nextInt(4) == 0 ? 60 + random.nextInt(60) : kernel + readerKernel * dilation + random.nextInt(14);
        Shape input = Shape.of(channels, size, size + random.nextInt(3));
        Conv2d writer = new Conv2d(input, RandomNetworks.tensor(random, Shape.of(middle, channels, kernel, kernel), 1.0),
                RandomNetworks.tensor(random, Shape.of(middle), 0.5), new int[] {stride, stride}, pads,
                new int[] {1, 1}, 1);
        Shape between = writer.outputShape();
        Conv2d reader = new Conv2d(between,
                RandomNetworks.tensor(random, Shape.of(outChannels, middle, readerKernel, readerKernel), 0.5),
                RandomNetworks.tensor(random, Shape.of(outChannels), 0.5), new int[] {1, 1}, readerPads,
                new int[] {dilation, dilation}, 1);
        Shape out = reader.outputShape();
        PaddedPlanes planes = reader.paddedInput();
        assertThat(planes).as(reader.describe()).isNotNull();
        int rows = 1 + random.nextInt(3);
        float[] x = RandomNetworks.values(random, rows * input.size(), 2.0);
        // the writer ends a residual block (an Add then a ReLU), has its own ReLU or Clip, or none; so does the reader
        float[] writerSkip = random.nextBoolean() ? RandomNetworks.values(random, rows * between.size(), 1.0) : null;
        Op writerSwitch = switchOf(random, writerSkip != null, between);
        float[] readerSkip = random.nextBoolean() ? RandomNetworks.values(random, rows * out.size(), 1.0) : null;
        Op readerSwitch = switchOf(random, readerSkip != null, out);

        float[] dense = new float[rows * between.size()];
        writer.inferPadded(x, false, writerSkip, writerSwitch, dense, null, rows);
        float[] expected = new float[rows * out.size()];
        reader.inferPadded(dense, false, readerSkip, readerSwitch, expected, null, rows);

        // planes left full of another layer's values: every float must be written, the padding zeroed
        float[] padded = new float[planes.floatsRead(rows)];
        java.util.Arrays.fill(padded, Float.NaN);
        writer.inferPadded(x, false, writerSkip, writerSwitch, padded, planes, rows);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < middle; c++) {
                int plane = r * planes.sampleFloats() + c * planes.channelPlane();
                float[] expectedPlane = new float[planes.channelPlane()];
                for (int h = 0; h < between.dim(1); h++) {
                    System.arraycopy(dense, ((r * middle + c) * between.dim(1) + h) * between.dim(2), expectedPlane,
                            planes.origin() + h * planes.rowStride(), between.dim(2));
                }
                assertThat(java.util.Arrays.copyOfRange(padded, plane, plane + planes.channelPlane()))
                        .as("sample %d channel %d of %s", r, c, writer.describe()).containsExactly(expectedPlane);
            }
        }
        float[] read = new float[rows * out.size()];
        reader.inferPadded(padded, true, readerSkip, readerSwitch, read, null, rows);
        assertThat(read).as("%s after %s", reader.describe(), writer.describe()).containsExactly(expected);
        // and its own inference is that of the fused switch or residual end, or the convolution's alone
        float[] own = new float[rows * out.size()];
        if (readerSkip != null) {
            reader.inferResidual(dense, readerSkip, own, rows);
        } else if (readerSwitch == null) {
            reader.infer(new float[][] {dense}, own, rows);
        } else {
            reader.inferActivated(dense, own, rows, readerSwitch, null, 0, out.size());
        }
        assertThat(read).containsExactly(own);
    }

    /** A ReLU after a residual's Add; else a ReLU, a Clip, or none (null), one in three each. */
    private static Op switchOf(SplittableRandom random, boolean residual, Shape shape) {
        return switch (residual ? 0 : random.nextInt(3)) {
            case 0 -> new Relu(shape);
            case 1 -> new Clip(shape, -1f, 1f);
            default -> null;
        };
    }

    @Property(tries = 10)
    void onlyAStrideOneConvolutionWithPaddingReadsPaddedPlanes(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Shape input = Shape.of(2, 9, 9);
        int[] stride = random.nextBoolean() ? new int[] {2, 2} : new int[] {1, 2};
        Conv2d strided = new Conv2d(input, RandomNetworks.tensor(random, Shape.of(3, 2, 3, 3), 1.0), null, stride,
                new int[] {1, 1, 1, 1}, new int[] {1, 1}, 1);
        Conv2d unpadded = new Conv2d(input, RandomNetworks.tensor(random, Shape.of(3, 2, 3, 3), 1.0), null,
                new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 1);
        Conv2d grouped = new Conv2d(input, RandomNetworks.tensor(random, Shape.of(2, 1, 3, 3), 1.0), null,
                new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1}, 2);
        assertThat(strided.paddedInput()).isNull();
        assertThat(unpadded.paddedInput()).isNull();
        assertThat(grouped.paddedInput()).isNull();
        float[] x = RandomNetworks.values(random, input.size(), 1.0);
        assertThatThrownBy(() -> strided.inferPadded(x, true, null, new Relu(strided.outputShape()),
                new float[strided.outputShape().size()], null, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("padding at stride 1");
        Conv2d reader = Conv2d.of(Shape.of(4, 9, 9), RandomNetworks.tensor(random, Shape.of(1, 4, 3, 3), 1.0), null, 1);
        assertThatThrownBy(() -> unpadded.inferPadded(x, false, null, new Relu(unpadded.outputShape()),
                new float[100], reader.paddedInput(), 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot hold the output");
    }
}
