package io.etalon.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ClipScaleTest {

    private static final double EXACT = 1e-6;

    @Test
    void the99thPercentileOfOneTo101Is100() {
        float[] values = new float[101];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i % 2 == 0 ? 1 : -1) * (i + 1);
        }
        // position 0.99 * 100 = 99: the 100th smallest magnitude
        assertThat(ClipScale.of(values, 99).value()).isCloseTo(100, within(EXACT));
        assertThat(ClipScale.of(values, 50).value()).isCloseTo(51, within(EXACT));
        assertThat(ClipScale.of(values, 100).value()).isCloseTo(101, within(EXACT));
    }

    @Test
    void interpolatesBetweenOrderStatistics() {
        // magnitudes 0, 0, 0, 4; position 0.99 * 3 = 2.97, so 0 + 0.97 * (4 - 0)
        assertThat(ClipScale.of(new float[] {0, -4, 0, 0}, 99).value()).isCloseTo(3.88, within(EXACT));
    }

    @Test
    void aMapZeroAlmostEverywhereIsScaledByItsLargestValue() {
        float[] values = new float[1000];
        values[7] = -5;
        assertThat(ClipScale.of(values, 99).value()).isEqualTo(5);
        assertThat(ClipScale.of(new float[10], 99).value()).isZero();
    }

    @Test
    void aSharedScalePoolsTheMagnitudesOfEveryMap() {
        float[] small = new float[99];
        for (int i = 0; i < small.length; i++) {
            small[i] = i + 1;
        }
        float[] large = {-1000};
        // pooled: 1..99 and 1000; position 0.99 * 99 = 98.01 lies between 99 and 1000
        assertThat(ClipScale.shared(List.of(small, large), 99).value()).isCloseTo(99 + 0.01 * 901, within(1e-4));
        assertThat(ClipScale.of(small, 99).value()).isCloseTo(98.02, within(1e-4));
    }

    @Test
    void clampsValuesBeyondTheClipToFullColour() {
        ClipScale clip = new ClipScale(99, 2);
        assertThat(clip.unit(1)).isEqualTo(0.5);
        assertThat(clip.unit(-7)).isEqualTo(-1);
        assertThat(clip.unit(3)).isEqualTo(1);
        assertThat(new ClipScale(99, 0).unit(3)).isZero();
    }

    @Test
    void namesItsPercentile() {
        assertThat(new ClipScale(99, 1).percentileName()).isEqualTo("99th percentile");
        assertThat(new ClipScale(91, 1).percentileName()).isEqualTo("91st percentile");
        assertThat(new ClipScale(92, 1).percentileName()).isEqualTo("92nd percentile");
        assertThat(new ClipScale(13, 1).percentileName()).isEqualTo("13th percentile");
        assertThat(new ClipScale(99.5, 1).percentileName()).isEqualTo("99.5th percentile");
    }

    @Test
    void refusesPercentilesOutsideZeroToHundredAndNonFiniteValues() {
        assertThatThrownBy(() -> ClipScale.of(new float[] {1}, 0)).hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> ClipScale.of(new float[] {1}, 100.5)).hasMessageContaining("(0, 100]");
        assertThatThrownBy(() -> ClipScale.of(new float[] {1, Float.NaN}, 99)).hasMessageContaining("finite");
    }

    @Property(tries = 300)
    void selectionFindsTheValueASortPutsAtK(@ForAll @IntRange(min = 1, max = 400) int length,
                                            @ForAll @IntRange(min = 1, max = 50) int distinct, @ForAll long seed) {
        Random random = new Random(seed);
        float[] values = new float[length];
        for (int i = 0; i < length; i++) {
            values[i] = random.nextInt(distinct) * 0.25f; // many ties, as the zeros of a mostly flat map
        }
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int k = random.nextInt(length);
        float[] work = values.clone();
        assertThat(ClipScale.select(work, k)).isEqualTo(sorted[k]);
        float[] again = work.clone();
        Arrays.sort(again);
        assertThat(again).as("a permutation of the values").isEqualTo(sorted);
        for (int i = 0; i < k; i++) {
            assertThat(work[i]).isLessThanOrEqualTo(sorted[k]);
        }
        for (int i = k + 1; i < length; i++) {
            assertThat(work[i]).isGreaterThanOrEqualTo(sorted[k]);
        }
    }
}
