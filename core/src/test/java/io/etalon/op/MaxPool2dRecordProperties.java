package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.tensor.Shape;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** The unrolled 2x2 max-pool records the same winners, ties and margins as the general window loop. */
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
}
