package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.tensor.Shape;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The unrolled 2x2 max-pool records the same winners, ties and margins as the general window loop, and the general loop
 * picks, with any strides, pads and dilations, the first maximum of the taps it should compare.
 */
class MaxPool2dRecordProperties {

    @Property(tries = 80)
    void twoByTwoPathEqualsTheGeneralLoop(@ForAll @IntRange(min = 1, max = 4) int channels,
                                          @ForAll @IntRange(min = 1, max = 6) int halfHeight,
                                          @ForAll @IntRange(min = 1, max = 6) int halfWidth,
                                          @ForAll @IntRange(min = 1, max = 5) int samples,
                                          @ForAll @IntRange(min = 2, max = 6) int levels,
                                          @ForAll long seed) {
        MaxPool2d pool = MaxPool2d.of(Shape.of(channels, 2 * halfHeight, 2 * halfWidth), 2);
        SplittableRandom random = new SplittableRandom(seed);
        int size = pool.inputShapes().get(0).size();
        float[] in = new float[samples * size];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextInt(levels) * 0.5f - 1f; // few levels: ties in many windows
        }
        Switches fast = new Switches(samples, pool.switchesPerSample());
        Switches general = new Switches(samples, pool.switchesPerSample());
        pool.record(new float[][] {in}, samples, fast);
        pool.recordAnyWindow(in, samples, general);
        for (int s = 0; s < samples; s++) {
            assertThat(fast.sampleStates(s)).as("winners of sample %d", s).isEqualTo(general.sampleStates(s));
            assertThat(fast.ties(s)).as("ties of sample %d", s).isEqualTo(general.ties(s));
            assertThat(fast.margin(s)).as("margin of sample %d", s).isEqualTo(general.margin(s));
        }
    }

    @Property(tries = 200)
    void separablePassesEqualTheGeneralLoop(@ForAll @IntRange(min = 1, max = 3) int channels,
                                            @ForAll @IntRange(min = 3, max = 13) int height,
                                            @ForAll @IntRange(min = 3, max = 13) int width,
                                            @ForAll @IntRange(min = 1, max = 3) int kernel,
                                            @ForAll @IntRange(min = 1, max = 3) int stride,
                                            @ForAll @IntRange(min = 0, max = 2) int padBefore,
                                            @ForAll @IntRange(min = 0, max = 2) int padAfter,
                                            @ForAll boolean ceil,
                                            @ForAll @IntRange(min = 1, max = 3) int samples,
                                            @ForAll long seed) {
        net.jqwik.api.Assume.that(padBefore < kernel && padAfter < kernel);
        Shape shape = Shape.of(channels, height, width);
        MaxPool2d pool;
        try {
            pool = new MaxPool2d(shape, new int[] {kernel, kernel + 1}, new int[] {stride, stride + 1},
                    new int[] {padBefore, padAfter, padAfter, padBefore}, new int[] {1, 1}, ceil);
        } catch (IllegalArgumentException e) {
            net.jqwik.api.Assume.that(false);
            return;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] in = new float[samples * shape.size()];
        for (int i = 0; i < in.length; i++) {
            // few levels and both zeros: ties, and -0 against 0, in many windows
            int level = random.nextInt(5);
            in[i] = level == 4 ? -0f : level * 0.5f - 0.5f;
        }
        Switches fast = new Switches(samples, pool.switchesPerSample());
        Switches general = new Switches(samples, pool.switchesPerSample());
        pool.record(new float[][] {in}, samples, fast);
        pool.recordAnyWindow(in, samples, general);
        for (int s = 0; s < samples; s++) {
            assertThat(fast.sampleStates(s)).as("winners of sample %d", s).isEqualTo(general.sampleStates(s));
            assertThat(fast.ties(s)).as("ties of sample %d", s).isEqualTo(general.ties(s));
            assertThat(fast.margin(s)).as("margin of sample %d", s).isEqualTo(general.margin(s));
        }
        float[] inferred = new float[samples * pool.outputShape().size()];
        float[] recorded = new float[inferred.length];
        pool.infer(new float[][] {in}, inferred, samples);
        pool.linear(new float[][] {in}, recorded, samples, general, 1);
        for (int i = 0; i < inferred.length; i++) {
            assertThat(Float.floatToRawIntBits(inferred[i])).as("value %d", i).isEqualTo(Float.floatToRawIntBits(recorded[i]));
        }
        // a ReLU's outputs, compared as the ints of their bits, give the floats the float comparisons give
        float[] rectified = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            rectified[i] = in[i] > 0f ? in[i] : 0f;
        }
        float[] byFloats = new float[inferred.length];
        float[] byInts = new float[inferred.length];
        pool.infer(new float[][] {rectified}, byFloats, samples);
        pool.inferRectified(rectified, byInts, samples);
        assertThat(byInts).isEqualTo(byFloats);
    }

    @Property(tries = 200)
    void dilatedWindowsPickTheFirstMaximumOfTheirTaps(@ForAll @IntRange(min = 3, max = 9) int height,
                                                      @ForAll @IntRange(min = 3, max = 9) int width,
                                                      @ForAll @IntRange(min = 1, max = 3) int kernel,
                                                      @ForAll @IntRange(min = 1, max = 3) int stride,
                                                      @ForAll @IntRange(min = 1, max = 3) int dilation,
                                                      @ForAll @IntRange(min = 0, max = 3) int padBefore,
                                                      @ForAll @IntRange(min = 0, max = 3) int padAfter,
                                                      @ForAll boolean ceil,
                                                      @ForAll long seed) {
        int extent = (kernel - 1) * dilation + 1;
        net.jqwik.api.Assume.that(padBefore < extent && padAfter < extent);
        Shape shape = Shape.of(2, height, width);
        MaxPool2d pool;
        try {
            // kernel along H, kernel + 1 along W: the two axes must not be mixed up
            pool = new MaxPool2d(shape, new int[] {kernel, kernel + 1}, new int[] {stride, stride},
                    new int[] {padBefore, 0, padAfter, 0}, new int[] {dilation, 1}, ceil);
        } catch (IllegalArgumentException e) {
            net.jqwik.api.Assume.that(false); // a window larger than the input, or one that covers only padding
            return;
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] in = new float[shape.size()];
        for (int i = 0; i < in.length; i++) {
            in[i] = random.nextInt(4) * 0.5f - 1f;
        }
        Switches switches = new Switches(1, pool.switchesPerSample());
        pool.record(new float[][] {in}, 1, switches);
        Shape out = pool.outputShape();
        for (int c = 0; c < 2; c++) {
            for (int y = 0; y < out.dim(1); y++) {
                for (int x = 0; x < out.dim(2); x++) {
                    int expected = -1;
                    for (int i = 0; i < kernel; i++) {
                        for (int j = 0; j < kernel + 1; j++) {
                            int h = y * stride - padBefore + i * dilation;
                            int w = x * stride + j;
                            if (h < 0 || h >= height || w >= width) {
                                continue;
                            }
                            int k = (c * height + h) * width + w;
                            if (expected < 0 || in[k] > in[expected]) {
                                expected = k;
                            }
                        }
                    }
                    assertThat(switches.sampleStates(0)[(c * out.dim(1) + y) * out.dim(2) + x])
                            .as("window %d,%d,%d of %s", c, y, x, pool.describe()).isEqualTo(expected);
                }
            }
        }
    }
}
