package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Forward values of each op against values computed by hand. */
class OpForwardTest {

    private static float[] forward(Op op, float[] input, Switches switches) {
        float[] out = new float[op.outputShape().size()];
        op.record(new float[][] {input}, 1, switches);
        op.linear(new float[][] {input}, out, 1, switches, 1);
        op.addBias(out, 1, switches, 1);
        return out;
    }

    private static float[] forward(Op op, float[] input) {
        return forward(op, input, new Switches(1, op.switchesPerSample()));
    }

    @Test
    void convolutionWithPaddingMatchesHandComputation() {
        // in 1x2x2 = [[1,2],[3,4]], weight 1x1x2x2 = [[1,0],[0,-1]], bias 0.5, pad 1 -> out 1x3x3
        Conv2d conv = Conv2d.of(Shape.of(1, 2, 2), new Tensor(Shape.of(1, 1, 2, 2), new float[] {1, 0, 0, -1}),
                new Tensor(Shape.of(1), new float[] {0.5f}), 1);
        assertThat(conv.outputShape()).isEqualTo(Shape.of(1, 3, 3));
        // out[y,x] = in[y-1,x-1] - in[y,x] + 0.5
        assertThat(forward(conv, new float[] {1, 2, 3, 4}))
                .containsExactly(-0.5f, -1.5f, 0.5f, -2.5f, -2.5f, 2.5f, 0.5f, 3.5f, 4.5f);
    }

    @Test
    void convolutionWithStrideAndDilation() {
        // in 1x1x5 row 0..4; weight 1x1x1x2 = [1, 10], dilation 2, stride 2: out[x] = in[2x] + 10 in[2x+2]
        Conv2d conv = new Conv2d(Shape.of(1, 1, 5), new Tensor(Shape.of(1, 1, 1, 2), new float[] {1, 10}), null,
                new int[] {1, 2}, new int[] {0, 0, 0, 0}, new int[] {1, 2});
        assertThat(conv.outputShape()).isEqualTo(Shape.of(1, 1, 2));
        assertThat(forward(conv, new float[] {0, 1, 2, 3, 4})).containsExactly(20f, 42f);
    }

    @Test
    void convolutionMixesChannels() {
        // in 2x1x1 = [2, 3]; weight 2x2x1x1 = [[1, 1], [1, -1]] -> [5, -1]
        Conv2d conv = Conv2d.of(Shape.of(2, 1, 1), new Tensor(Shape.of(2, 2, 1, 1), new float[] {1, 1, 1, -1}), null, 0);
        assertThat(forward(conv, new float[] {2, 3})).containsExactly(5f, -1f);
    }

    @Test
    void nearestUpsamplingCopiesBlocksAndItsTransposeSumsThem() {
        // in 1x2x2 = [[1,2],[3,4]], factors 1x2 -> [[1,1,2,2],[3,3,4,4]]; the transpose adds each pair back
        Upsample2d upsample = new Upsample2d(Shape.of(1, 2, 2), new int[] {1, 2});
        assertThat(upsample.outputShape()).isEqualTo(Shape.of(1, 2, 4));
        assertThat(forward(upsample, new float[] {1, 2, 3, 4})).containsExactly(1, 1, 2, 2, 3, 3, 4, 4);
        float[] grad = {0.5f, 0, 0, 0};
        upsample.transpose(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new float[][] {grad}, 1, Switches.none(1), 1);
        assertThat(grad).containsExactly(3.5f, 7, 11, 15);
    }

    @Test
    void bilinearResizingInterpolatesBetweenNeighboursAndClampsAtTheBorder() {
        Shape row = Shape.of(1, 1, 2);
        // half_pixel, scale 2: columns sample -0.25, 0.25, 0.75, 1.25 of [0, 1]; outside the image the edge value
        Bilinear2d half = new Bilinear2d(row, new int[] {1, 4}, "half_pixel", new double[] {1, 2});
        assertThat(forward(half, new float[] {0, 1})).containsExactly(0f, 0.25f, 0.75f, 1f);
        // align_corners to 3 columns: 0, 0.5, 1
        Bilinear2d corners = new Bilinear2d(row, new int[] {1, 3}, "align_corners", new double[] {1, 1.5});
        assertThat(forward(corners, new float[] {0, 1})).containsExactly(0f, 0.5f, 1f);
        // the transpose hands each output's gradient back with the same weights
        float[] grad = new float[2];
        half.transpose(new float[] {1, 1, 1, 1}, new float[][] {grad}, 1, Switches.none(1), 1);
        assertThat(grad).containsExactly(2f, 2f);
    }

    @Test
    void denseMatchesHandComputation() {
        Dense dense = new Dense(Shape.of(3), new Tensor(Shape.of(2, 3), new float[] {1, 2, 3, -1, 0, 1}),
                new Tensor(Shape.of(2), new float[] {1, -1}));
        assertThat(forward(dense, new float[] {1, 1, 2})).containsExactly(10f, 0f);
    }

    @Test
    void reluIsOnOnlyAboveZeroAndCountsZeroAsTie() {
        Relu relu = new Relu(Shape.of(4));
        Switches switches = new Switches(1, 4);
        assertThat(forward(relu, new float[] {-1, 0, 0.25f, 3}, switches)).containsExactly(0f, 0f, 0.25f, 3f);
        assertThat(switches.sampleStates(0)).containsExactly(0, 0, 1, 1);
        assertThat(switches.ties(0)).isEqualTo(1);
        assertThat(switches.margin(0)).isEqualTo(0.25f);
    }

    @Test
    void maxPoolTakesTheFirstMaximumInRowMajorOrder() {
        // 1x2x4: window 0 = [[1,1],[0,1]] (tie: first max is index 0), window 1 = [[0,2],[3,1]] (winner index 6)
        MaxPool2d pool = MaxPool2d.of(Shape.of(1, 2, 4), 2);
        Switches switches = new Switches(1, 2);
        float[] out = forward(pool, new float[] {1, 1, 0, 2, 0, 1, 3, 1}, switches);
        assertThat(out).containsExactly(1f, 3f);
        assertThat(switches.sampleStates(0)).containsExactly(0, 6);
        assertThat(switches.ties(0)).isEqualTo(1);
        assertThat(switches.margin(0)).isEqualTo(1f);
    }

    @Test
    void maxPoolPaddingNeverWins() {
        // all inputs negative; padding must not produce a 0
        MaxPool2d pool = new MaxPool2d(Shape.of(1, 2, 2), new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1, 1, 1});
        assertThat(forward(pool, new float[] {-4, -3, -2, -1})).containsExactly(-4f, -3f, -2f, -1f);
    }

    @Test
    void maxPoolInCeilModeAddsAPartialLastWindow() {
        // ONNX test_maxpool_2d_ceil: 1x4x4 of 1..16, window 3, stride 2 -> 2x2 (floor mode gives 1x1)
        float[] in = new float[16];
        for (int i = 0; i < 16; i++) {
            in[i] = i + 1;
        }
        MaxPool2d pool = new MaxPool2d(Shape.of(1, 4, 4), new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0, 0, 0}, true);
        Switches switches = new Switches(1, 4);
        assertThat(forward(pool, in, switches)).containsExactly(11f, 12f, 15f, 16f);
        assertThat(switches.sampleStates(0)).containsExactly(10, 11, 14, 15);
        assertThat(new MaxPool2d(Shape.of(1, 4, 4), new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0, 0, 0}).outputShape())
                .isEqualTo(Shape.of(1, 1, 1));
        assertThat(pool.describe()).contains("ceil mode");
    }

    @Test
    void ceilModeDropsAWindowThatWouldStartInTheTrailingPadding() {
        // width 5, window 2, stride 2, pads 1,1: ceil(5/2) + 1 = 4 windows, but the 4th starts at 5, past the input
        MaxPool2d pool = new MaxPool2d(Shape.of(1, 1, 5), new int[] {1, 2}, new int[] {1, 2}, new int[] {0, 1, 0, 1}, true);
        assertThat(pool.outputShape()).isEqualTo(Shape.of(1, 1, 3));
        assertThat(forward(pool, new float[] {-1, -2, -3, -4, -5})).containsExactly(-1f, -2f, -4f);
    }

    @Test
    void averagePoolInCeilModeCountsOnlyWhatTheLastWindowCovers() {
        // ONNX test_averagepool_2d_ceil: 1x4x4 of 1..16, window 3, stride 2 -> [[6, 7.5], [12, 13.5]]
        float[] in = new float[16];
        for (int i = 0; i < 16; i++) {
            in[i] = i + 1;
        }
        AvgPool2d pool = new AvgPool2d(Shape.of(1, 4, 4), new int[] {3, 3}, new int[] {2, 2}, new int[] {0, 0, 0, 0}, false, true);
        assertThat(forward(pool, in)).containsExactly(new float[] {6f, 7.5f, 12f, 13.5f}, org.assertj.core.data.Offset.offset(1e-5f));
        // row [1,2,3,4], window 3, stride 2, pads 1,1: windows [p,1,2], [2,3,4], [4,p,-]; the position past the
        // padding never counts, the padding counts only with count_include_pad
        int[] window = {1, 3};
        int[] stride = {1, 2};
        int[] pads = {0, 1, 0, 1};
        float[] row = {1, 2, 3, 4};
        assertThat(forward(new AvgPool2d(Shape.of(1, 1, 4), window, stride, pads, true, true), row))
                .containsExactly(new float[] {1f, 3f, 2f}, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(forward(new AvgPool2d(Shape.of(1, 1, 4), window, stride, pads, false, true), row))
                .containsExactly(new float[] {1.5f, 3f, 4f}, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void globalAveragePoolSumsEachPlaneAsAnyOtherWindowDoes() {
        // the global pool's sums (the vector kernels' sixteen channels at a time, the rest eight at a time, then one)
        // against the general loop: a window of the whole plane whose output row goes on into an uncounted column of
        // padding, so that it is not global; the first output of each channel is then the same window, summed in the
        // same order; a thousand channels (SqueezeNet's classes) shared out between two threads
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        io.etalon.kernel.Parallel.runIn(new java.util.concurrent.ForkJoinPool(2),
                () -> assertGlobalMeansAreWindows(random, new int[] {3, 8, 19, 16, 37, 1000, 1003}));
    }

    private void assertGlobalMeansAreWindows(java.util.SplittableRandom random, int[] channelCounts) {
        for (int channels : channelCounts) {
            Shape shape = Shape.of(channels, 13, 11);
            float[] in = new float[shape.size()];
            for (int i = 0; i < in.length; i++) {
                in[i] = (float) (random.nextDouble() * 4 - 2);
            }
            AvgPool2d global = AvgPool2d.global(shape);
            AvgPool2d general = new AvgPool2d(shape, new int[] {13, 11}, new int[] {1, 1}, new int[] {0, 0, 0, 1}, false);
            float[] means = forward(global, in);
            float[] windows = forward(general, in);
            for (int c = 0; c < channels; c++) {
                assertThat(means[c]).as("channel %d of %d", c, channels).isEqualTo(windows[2 * c]);
            }
        }
    }

    @Test
    void flattenKeepsValues() {
        Flatten flatten = new Flatten(Shape.of(2, 1, 2));
        assertThat(flatten.outputShape()).isEqualTo(Shape.of(4));
        assertThat(forward(flatten, new float[] {1, 2, 3, 4})).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void shapesThatDoNotFitAreRefusedWithTheShapes() {
        assertThatThrownBy(() -> new Dense(Shape.of(3), Tensor.zeros(Shape.of(2, 4)), null))
                .hasMessageContaining("2x4").hasMessageContaining("3");
        assertThatThrownBy(() -> Conv2d.of(Shape.of(1, 2, 2), Tensor.zeros(Shape.of(1, 1, 3, 3)), null, 0))
                .hasMessageContaining("larger than the padded input");
    }
}
