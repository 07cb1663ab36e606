package io.etalon.op;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The element-wise piecewise-linear op by hand: its pieces, ties at breakpoints, frozen map and bias, and LeakyRelu
 * and Clip as its two- and three-piece cases with the switch rules they always had. The random-network properties
 * (adjoint, solvers, float64 twin) run on {@code RandomNetworks.branchNetwork} in {@link ExtremumTest} and
 * {@link OpAdjointProperties}.
 */
class PiecewiseLinearTest {

    @Test
    void threePiecesWithTheirTieRules() {
        // below -1: 0.5 x + 0; between: x + 0.5; above 1: 2 x - 0.5 (continuous); ties: -1 goes up, 1 goes down
        PiecewiseLinear f = new PiecewiseLinear(Shape.of(5), 3, new float[] {-1, 1}, new boolean[] {true, false},
                new float[] {0.5f, 1, 2}, new float[] {0, 0.5f, -0.5f});
        float[] x = {-2, -1, 0, 1, 3};
        Switches switches = new Switches(1, 5);
        f.record(new float[][] {x}, 1, switches);
        assertThat(switches.sampleStates(0)).containsExactly(0, 1, 1, 1, 2);
        assertThat(switches.ties(0)).isEqualTo(2);
        assertThat(switches.margin(0)).isEqualTo(1f);
        float[] out = new float[5];
        f.infer(new float[][] {x}, out, 1);
        assertThat(out).containsExactly(-1, -0.5f, 0.5f, 1.5f, 5.5f);
        float[] frozen = new float[5];
        f.withoutBias().linear(new float[][] {x}, frozen, 1, switches, 1);
        f.withoutBias().addBias(frozen, 1, switches, 1);
        assertThat(frozen).containsExactly(-1, -1, 0, 1, 6);
        float[] grad = new float[5];
        f.transpose(new float[] {1, 1, 1, 1, 1}, new float[][] {grad}, 1, switches, 1);
        assertThat(grad).containsExactly(0.5f, 1, 1, 1, 2);
    }

    @Test
    void maxAndMinWithAConstantPerChannel() {
        Shape shape = Shape.of(2, 1, 2);
        float[] x = {-1, 3, 0.5f, -2};
        float[] out = new float[4];
        PiecewiseLinear.maxWith(shape, new float[] {0, 1}).infer(new float[][] {x}, out, 1);
        assertThat(out).containsExactly(0, 3, 1, 1);
        PiecewiseLinear.minWith(shape, new float[] {0, 1}).infer(new float[][] {x}, out, 1);
        assertThat(out).containsExactly(-1, 0, 0.5f, -2);
    }

    @Test
    void leakyReluAndClipKeepTheirSwitchRules() {
        float[] x = {-1, 0, 0.5f, 6, 7};
        Switches leaky = new Switches(1, 5);
        new LeakyRelu(Shape.of(5), new Tensor(Shape.of(1), new float[] {0.1f})).record(new float[][] {x}, 1, leaky);
        assertThat(leaky.sampleStates(0)).containsExactly(0, 0, 1, 1, 1); // 1 iff > 0
        assertThat(leaky.ties(0)).isEqualTo(1);
        Switches clip = new Switches(1, 5);
        Clip relu6 = new Clip(Shape.of(5), 0, 6);
        relu6.record(new float[][] {x}, 1, clip);
        assertThat(clip.sampleStates(0)).containsExactly(0, 1, 1, 1, 2); // a value at a bound is inside
        assertThat(clip.ties(0)).isEqualTo(2);
        float[] out = new float[5];
        relu6.infer(new float[][] {x}, out, 1);
        assertThat(out).containsExactly(0, 0, 0.5f, 6, 6);
        assertThat(relu6.withoutBias().kind()).isEqualTo("Clip");
    }

    @Test
    void badParametersAreRefused() {
        assertThatThrownBy(() -> new PiecewiseLinear(Shape.of(3), 3, new float[] {1, -1}, new boolean[2], new float[3],
                new float[3])).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascend");
        assertThatThrownBy(() -> new Clip(Shape.of(3), 2, 1)).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> PiecewiseLinear.maxWith(Shape.of(2, 3), new float[] {1, 2, 3}))
                .hasMessageContaining("do not fit");
    }

    @Property(tries = 200)
    void inferenceGivesTheFloatsOfTheRecordedPiecesBitForBit(@ForAll @IntRange(min = 0, max = 2) int grouping,
                                                            @ForAll @IntRange(min = 1, max = 4) int pieces,
                                                            @ForAll @IntRange(min = 1, max = 3) int n,
                                                            @ForAll long seed) {
        java.util.Random random = new java.util.Random(seed);
        Shape shape = Shape.of(3, 2, 5);
        int groups = grouping == 0 ? 1 : grouping == 1 ? 3 : shape.size();
        float[] breakpoints = new float[groups * (pieces - 1)];
        for (int g = 0; g < groups; g++) {
            float at = -1;
            for (int b = 0; b < pieces - 1; b++) {
                at += random.nextInt(3) * 0.5f; // some equal neighbours: an empty middle piece
                breakpoints[g * (pieces - 1) + b] = at;
            }
        }
        boolean[] tieAbove = new boolean[pieces - 1];
        for (int b = 0; b < tieAbove.length; b++) {
            tieAbove[b] = random.nextBoolean();
        }
        float[] slopes = new float[groups * pieces];
        float[] intercepts = new float[groups * pieces];
        for (int i = 0; i < slopes.length; i++) {
            slopes[i] = random.nextInt(3) == 0 ? 0f : (float) random.nextGaussian(); // flat pieces give +0
            intercepts[i] = random.nextInt(3) == 0 ? 0f : (float) random.nextGaussian();
        }
        PiecewiseLinear f = new PiecewiseLinear(shape, pieces, breakpoints, tieAbove, slopes, intercepts);
        float[] x = new float[n * shape.size()];
        for (int i = 0; i < x.length; i++) {
            int kind = random.nextInt(5);
            x[i] = kind == 0 ? -0f : kind == 1 && breakpoints.length > 0
                    ? breakpoints[random.nextInt(breakpoints.length)] : (float) random.nextGaussian() * 2;
        }
        for (PiecewiseLinear op : new PiecewiseLinear[] {f, (PiecewiseLinear) f.withoutBias()}) {
            Switches switches = new Switches(n, op.switchesPerSample());
            op.record(new float[][] {x}, n, switches);
            float[] expected = new float[x.length];
            op.linear(new float[][] {x}, expected, n, switches, 1);
            op.addBias(expected, n, switches, 1);
            float[] inferred = new float[x.length];
            op.infer(new float[][] {x}, inferred, n);
            for (int i = 0; i < x.length; i++) {
                assertThat(Float.floatToRawIntBits(inferred[i])).as("unit %d of %s at %s", i, op.describe(), x[i])
                        .isEqualTo(Float.floatToRawIntBits(expected[i]));
            }
        }
    }
}
