package io.etalon.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etalon.etalon.Etalon;
import io.etalon.etalon.Neuron;
import io.etalon.etalon.ReverseMode;
import io.etalon.op.Clip;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Relu;
import io.etalon.pattern.NearTie;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Near-tied decisions by hand: a ReLU a few float steps from 0 and a max-pool window whose winner leads by a few
 * float steps are listed with their margins, exact ties are not, and forcing a listed decision the other way gives
 * exactly the etalons of the input nudged across it (the neighbouring region).
 */
class NearTiesTest {

    private static final float STEP = 4 * Math.ulp(0.5f); // 2.4e-7: a lead float32 round-off can erase
    private static final double THRESHOLD = 1e-5;

    /** relu (1x4x4) -> 2x2 max-pool -> flatten -> dense 3. */
    private static Network poolNetwork() {
        Shape image = Shape.of(1, 4, 4);
        float[] weight = {1f, -2f, 0.5f, 3f, -1f, 0.25f, 2f, 1f, 0.75f, 1.5f, -0.5f, -1f};
        return new Network(image, List.of(
                new Network.Node("relu", new Relu(image), new int[] {Network.INPUT}),
                new Network.Node("pool", MaxPool2d.of(image, 2), new int[] {0}),
                new Network.Node("flat", new Flatten(Shape.of(1, 2, 2)), new int[] {1}),
                new Network.Node("fc", new Dense(Shape.of(4), new Tensor(Shape.of(3, 4), weight),
                        new Tensor(Shape.of(3), new float[] {0.1f, -0.2f, 0.3f})), new int[] {2})));
    }

    /** Window 0 near-tied (0.5 against 0.5 + STEP), ReLU 5 at 2e-7, ReLU 7 exactly 0, window 2 exactly tied. */
    private static float[] image() {
        return new float[] {
            0.5f, 0.5f + STEP, 0.3f, 0.1f,
            -0.2f, 2e-7f, 0.2f, 0f,
            0.4f, 0.4f, 0.9f, 0.8f,
            0.4f, 0.4f, -0.7f, -0.5f};
    }

    @Test
    void listsTheReluAndThePoolWindowThatRoundOffCouldTurnButNotTheExactTies() {
        Trace trace = poolNetwork().forward(image(), 1);
        List<NearTie> ties = trace.nearTies(0, THRESHOLD);
        assertThat(ties).containsExactly(
                new NearTie("relu", "Relu", 5, 1, 0, 2e-7f, 0.9f),
                new NearTie("pool", "MaxPool2d", 0, 1, 0, STEP, 0.9f));
        assertThat(ties.get(1).relativeMargin()).isCloseTo(STEP / 0.9, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(trace.pattern(0).totalTies()).as("ReLU 7 at exactly 0 and window 2 of equal values").isEqualTo(2);
        assertThat(trace.nearTies(0, 1e-7)).as("a threshold below both margins").isEmpty();
    }

    @Test
    void forcingANearTieGivesTheEtalonsOfTheInputNudgedAcrossIt() {
        Network network = poolNetwork();
        List<Neuron> outputs = Neuron.parse("output", network);
        Trace trace = network.forward(image(), 1);
        float[] poolOther = image();
        poolOther[0] += 2 * STEP; // now input 0 wins window 0; nothing else changes
        float[] reluOther = image();
        reluOther[5] = -2e-7f; // ReLU 5 off
        check(trace.withSwitch("pool", 0, 0, 0), network.forward(poolOther, 1), outputs);
        check(trace.withSwitch("relu", 0, 5, 0), network.forward(reluOther, 1), outputs);
        List<Etalon> own = new ReverseMode().solve(network, trace, outputs);
        List<Etalon> forced = new ReverseMode().solve(network, trace.withSwitch("pool", 0, 0, 0), outputs);
        assertThat(forced.get(0).weights()).as("the forced pattern is another region").isNotEqualTo(own.get(0).weights());
        assertThat(trace.withSwitch("pool", 0, 0, 0).pattern(0).hamming(trace.pattern(0))).isEqualTo(1);
        assertThat(trace.pattern(0).states("pool")[0]).as("the trace itself is not changed").isEqualTo(1);
    }

    @Test
    void laterDecisionsAreRecordedAnewFromTheForcedValues() {
        // window 3 holds one barely positive ReLU among negatives: forced off, the window is all exact zeros and its
        // winner goes back to the first input, as the forward pass of an input across that ReLU's boundary records it
        Network network = poolNetwork();
        float[] x = image();
        x[10] = -0.3f;
        x[11] = 3e-7f;
        x[14] = -0.7f;
        x[15] = -0.5f;
        Trace trace = network.forward(x, 1);
        assertThat(trace.pattern(0).states("pool")[3]).isEqualTo(11);
        assertThat(trace.nearTies(0, THRESHOLD)).contains(new NearTie("relu", "Relu", 11, 1, 0, 3e-7f, 0.7f),
                new NearTie("pool", "MaxPool2d", 3, 11, 10, 3e-7f, 0.5f + STEP));
        Trace forced = trace.withSwitch("relu", 0, 11, 0);
        assertThat(forced.pattern(0).states("pool")[3]).as("the first of four exact zeros").isEqualTo(10);
        x[11] = -3e-7f;
        check(forced, network.forward(x, 1), Neuron.parse("output", network));
        assertThat(forced.output(0)).containsExactly(network.forward(x, 1).output(0));
    }

    private static void check(Trace forced, Trace across, List<Neuron> outputs) {
        assertThat(forced.pattern(0)).isEqualTo(across.pattern(0));
        List<Etalon> ours = new ReverseMode().solve(forced.network(), forced, outputs);
        List<Etalon> theirs = new ReverseMode().solve(across.network(), across, outputs);
        for (int p = 0; p < outputs.size(); p++) {
            assertThat(ours.get(p).weights()).containsExactly(theirs.get(p).weights());
            assertThat(ours.get(p).bias()).isCloseTo(theirs.get(p).bias(), org.assertj.core.data.Offset.offset(1e-7));
            // the neighbouring region's map, evaluated at X, misses the recorded score by about the margin
            assertThat(ours.get(p).relativeResidual()).isLessThan(1e-5);
        }
    }

    @Test
    void clipNearItsBoundsNamesTheRegionAcrossTheNearerBound() {
        Shape four = Shape.of(4);
        Network network = new Network(four, List.of(
                new Network.Node("relu6", new Clip(four, 0f, 6f), new int[] {Network.INPUT}),
                new Network.Node("fc", new Dense(four, new Tensor(Shape.of(1, 4), new float[] {1f, 2f, 3f, 4f}), null),
                        new int[] {0})));
        float below6 = Math.nextDown(Math.nextDown(6f));
        Trace trace = network.forward(new float[] {1e-7f, below6, 3f, -2f}, 1);
        assertThat(trace.nearTies(0, THRESHOLD)).containsExactly(
                new NearTie("relu6", "Clip", 0, 1, 0, 1e-7f, below6),
                new NearTie("relu6", "Clip", 1, 1, 2, 6f - below6, below6)); // the scale: the largest |input|
        Trace above = trace.withSwitch("relu6", 0, 1, 2);
        assertThat(new ReverseMode().solve(network, above, Neuron.parse("output", network)).get(0).weights())
                .containsExactly(1f, 0f, 3f, 0f);
    }

    @Test
    void forcingAStateTheUnitCannotTakeIsRefusedByName() {
        Trace trace = poolNetwork().forward(image(), 1);
        assertThatThrownBy(() -> trace.withSwitch("pool", 0, 0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unit 0 of layer 'pool' (MaxPool2d) cannot take state 2");
        assertThatThrownBy(() -> trace.withSwitch("relu", 0, 3, 2)).hasMessageContaining("cannot take state 2");
        assertThatThrownBy(() -> trace.withSwitch("fc", 0, 0, 0)).hasMessage("layer 'fc' (Dense) has no switches to force");
        assertThatThrownBy(() -> trace.withSwitch("conv9", 0, 0, 0)).hasMessage("no layer named 'conv9'");
        assertThatThrownBy(() -> new NearTie("relu", "Relu", 1, 1, 0, 0f, 1f)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPoolAdmitsExactlyTheInputsOfItsWindow() {
        // padding, dilation and ceil mode: the admitted winners are the taps the definition lists
        Shape in = Shape.of(2, 7, 6);
        MaxPool2d pool = new MaxPool2d(in, new int[] {3, 2}, new int[] {2, 2}, new int[] {1, 1, 1, 0}, new int[] {1, 2}, true);
        int outH = pool.outputShape().dim(1);
        int outW = pool.outputShape().dim(2);
        for (int unit = 0; unit < pool.outputShape().size(); unit++) {
            int c = unit / (outH * outW);
            int y = unit / outW % outH;
            int x = unit % outW;
            boolean[] taps = new boolean[in.size()];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    int h = y * 2 - 1 + i;
                    int w = x * 2 - 1 + 2 * j;
                    if (h >= 0 && h < 7 && w >= 0 && w < 6) {
                        taps[(c * 7 + h) * 6 + w] = true;
                    }
                }
            }
            for (int state = -1; state <= in.size(); state++) {
                boolean expected = state >= 0 && state < in.size() && taps[state];
                assertThat(pool.admits(unit, state)).as("unit %d state %d", unit, state).isEqualTo(expected);
            }
        }
    }
}
