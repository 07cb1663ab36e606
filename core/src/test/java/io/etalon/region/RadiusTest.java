package io.etalon.region;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.op.Clip;
import io.etalon.op.Conv2d;
import io.etalon.op.Dense;
import io.etalon.op.Extremum;
import io.etalon.op.Flatten;
import io.etalon.op.LeakyRelu;
import io.etalon.op.Op;
import io.etalon.op.PiecewiseLinear;
import io.etalon.op.Switches;
import io.etalon.pattern.Pattern;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import io.etalon.testing.RandomNetworks;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The region radius is exact: inside it the pattern is constant, at it the named decision flips. Every switch op bounds
 * the region: ReLU and LeakyRelu signs, the piece of a Clip (ReLU6) or {@code max(x, c)} unit, the winning branch of a
 * Max, the winner of a pool window.
 */
class RadiusTest {

    private static float[] moved(float[] image, float[] direction, double step) {
        float[] moved = image.clone();
        for (int i = 0; i < moved.length; i++) {
            moved[i] += (float) (step * direction[i]);
        }
        return moved;
    }

    /**
     * float32 cannot resolve a decision within about 1e-6 of its boundary, so at 0.999 r only regions whose every
     * margin is at least {@value #RESOLVABLE} are checked (DESIGN.md, "Float precision").
     */
    private static final double RESOLVABLE = 1e-3;

    /** Checks the radius of one input and returns its report; regions X sits on the face of are not probed. */
    private static RegionReport checkRadius(Network network, float[] image, long seed) {
        RegionReport report = Radius.of(network, image);
        Pattern pattern = network.forward(image, 1).pattern(0);
        Assume.that(pattern.smallestMargin() >= RESOLVABLE);
        if (report.tiedConstraints() > 0) {
            assertThat(report.radiusL2()).isZero();
        }
        double radius = report.faceRadiusL2();
        if (report.tiedConstraints() > 0 || !Double.isFinite(radius)) {
            return report;
        }
        assertThat(radius).isEqualTo(report.radiusL2());
        // the pattern is constant inside the radius, in any direction
        SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 20; trial++) {
            float[] direction = RandomNetworks.values(random, image.length, 1.0);
            double norm = 0;
            for (float d : direction) {
                norm += d * d;
            }
            float[] unit = moved(new float[image.length], direction, 1 / Math.sqrt(norm));
            assertThat(network.forward(moved(image, unit, 0.999 * radius), 1).pattern(0))
                    .as("pattern at 0.999 r, direction %d", trial).isEqualTo(pattern);
        }
        // just past the radius, toward the first face, exactly that decision changes
        Pattern beyond = network.forward(moved(image, report.towardFirstFlip(), radius * 1.001 + 1e-6), 1).pattern(0);
        String layer = report.firstFlip().layer();
        assertThat(beyond.states(layer)).as("decisions of %s past the radius (first flip %s)", layer, report.firstFlip().name())
                .isNotEqualTo(pattern.states(layer));
        assertThat(network.forward(moved(image, report.towardFirstFlip(), radius * 0.999), 1).pattern(0)).isEqualTo(pattern);
        return report;
    }

    @Property(tries = 40)
    void patternIsConstantInsideTheRadiusAndFlipsAtIt(@ForAll long seed) {
        Network network = RandomNetworks.network(seed);
        checkRadius(network, RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.0), seed);
    }

    @Property(tries = 20)
    void theSameOnNetworksWithEveryOtherOp(@ForAll long seed) {
        Network network = RandomNetworks.richNetwork(seed);
        checkRadius(network, RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.0), seed);
    }

    @Test
    void anInputWithTiedPoolWindowsSitsOnAFace() {
        Network lenet = LeNet.create(3);
        float[] image = new float[784]; // all background: every pool window is a tie
        image[14 * 28 + 14] = 1f;
        RegionReport report = Radius.of(lenet, image);
        assertThat(report.tiedConstraints()).isPositive();
        assertThat(report.radiusL2()).isZero();
        assertThat(report.radiusLinf()).isZero();
        assertThat(report.faceRadiusL2()).isPositive();
        assertThat(report.decisionRival()).isBetween(0, 9);
    }

    @Test
    void leNetOnANoisyImageFlipsItsNearestDecisionAtTheRadius() {
        Network lenet = LeNet.create(3);
        float[] image = RandomNetworks.image(new SplittableRandom(9), lenet.inputShape(), 0.0);
        RegionReport report = Radius.of(lenet, image);
        assertThat(report.tiedConstraints()).isZero();
        assertThat(report.radiusL2()).isPositive().isEqualTo(report.firstFlip().distanceL2());
        assertThat(report.radiusLinf()).isPositive().isLessThanOrEqualTo(report.radiusL2());
        Constraint first = report.firstFlip();
        Pattern pattern = lenet.forward(image, 1).pattern(0);
        Pattern beyond = lenet.forward(moved(image, report.towardFirstFlip(), 1.01 * report.radiusL2()), 1).pattern(0);
        int unit = first.index();
        assertThat(beyond.states(first.layer())[unit]).as("the named decision %s past the radius", first.name())
                .isNotEqualTo(pattern.states(first.layer())[unit]);
    }

    @Property(tries = 20)
    void theSameOnNetworksWhoseBranchesMeetInMaxAndMin(@ForAll long seed) {
        Network network = RandomNetworks.branchNetwork(seed);
        RegionReport report = checkRadius(network, RandomNetworks.image(new SplittableRandom(seed), network.inputShape(), 0.0), seed);
        assertThat(report.constraints()).as("faces of max, min, the three pieces and the floor").isPositive();
    }

    // Networks whose only switch op is the one under test: its decisions alone bound the region, so the radius is
    // finite and the first flip is one of its units.

    private static final Shape PICTURE = Shape.of(1, 5, 5);

    /** A 3x3 convolution of a 5x5 picture (weights within {@code +-scale}), the op named {@code layer}, two scores. */
    private static Network convolutionThen(SplittableRandom random, double scale, String layer, Function<Shape, Op> op) {
        Conv2d conv = new Conv2d(PICTURE, RandomNetworks.tensor(random, Shape.of(2, 1, 3, 3), scale),
                RandomNetworks.tensor(random, Shape.of(2), 0.3), new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        Shape shape = conv.outputShape();
        return new Network(PICTURE, List.of(
                new Network.Node("conv", conv, new int[] {Network.INPUT}),
                new Network.Node(layer, op.apply(shape), new int[] {0}),
                new Network.Node("flatten", new Flatten(shape), new int[] {1}),
                scores(random, shape.size(), 2)));
    }

    private static Network.Node scores(SplittableRandom random, int inputs, int node) {
        return new Network.Node("fc", new Dense(Shape.of(inputs), RandomNetworks.tensor(random, Shape.of(2, inputs), 1.0),
                RandomNetworks.tensor(random, Shape.of(2), 0.3)), new int[] {node});
    }

    /** The pattern holds inside the radius and the nearest face belongs to {@code layer}, the only switch op. */
    private static void checkRegionBoundedBy(Network network, String layer, float[] picture, long seed) {
        RegionReport report = checkRadius(network, picture, seed);
        assertThat(report.tiedConstraints()).isZero();
        assertThat(report.radiusL2()).as("radius of a region bounded by %s alone", layer).isPositive().isFinite();
        assertThat(report.firstFlip().layer()).isEqualTo(layer);
    }

    @Property(tries = 10)
    void thePatternIsConstantInsideTheRadiusOfALeakyReluNetwork(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Network network = convolutionThen(random, 1.0, "leaky",
                shape -> new LeakyRelu(shape, new Tensor(Shape.of(1), new float[] {0.1f})));
        checkRegionBoundedBy(network, "leaky", RandomNetworks.image(random, PICTURE, 0.0), seed);
    }

    @Property(tries = 10)
    void thePatternIsConstantInsideTheRadiusOfAReLU6Network(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Network network = convolutionThen(random, 6.0, "relu6", shape -> new Clip(shape, 0f, 6f));
        float[] picture = RandomNetworks.image(random, PICTURE, 0.0);
        Switches pieces = network.forward(picture, 1).switches(1);
        Assume.that(pieces.count(0, 0) > 0 && pieces.count(0, 2) > 0); // units clipped at 0 and at 6
        checkRegionBoundedBy(network, "relu6", picture, seed);
    }

    @Property(tries = 10)
    void thePatternIsConstantInsideTheRadiusOfAMaxWithAConstant(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] floor = RandomNetworks.values(random, 2, 0.5); // one constant per channel
        Network network = convolutionThen(random, 1.0, "floor", shape -> PiecewiseLinear.maxWith(shape, floor));
        checkRegionBoundedBy(network, "floor", RandomNetworks.image(random, PICTURE, 0.0), seed);
    }

    @Property(tries = 10)
    void thePatternIsConstantInsideTheRadiusOfTheMaxOfTwoBranches(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Conv2d left = new Conv2d(PICTURE, RandomNetworks.tensor(random, Shape.of(2, 1, 3, 3), 1.0),
                RandomNetworks.tensor(random, Shape.of(2), 0.3), new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        Conv2d right = new Conv2d(PICTURE, RandomNetworks.tensor(random, Shape.of(2, 1, 3, 3), 1.0),
                RandomNetworks.tensor(random, Shape.of(2), 0.3), new int[] {1, 1}, new int[] {1, 1, 1, 1}, new int[] {1, 1});
        Shape shape = left.outputShape();
        Network network = new Network(PICTURE, List.of(
                new Network.Node("left", left, new int[] {Network.INPUT}),
                new Network.Node("right", right, new int[] {Network.INPUT}),
                new Network.Node("max", Extremum.max(shape), new int[] {0, 1}),
                new Network.Node("flatten", new Flatten(shape), new int[] {2}),
                scores(random, shape.size(), 3)));
        checkRegionBoundedBy(network, "max", RandomNetworks.image(random, PICTURE, 0.0), seed);
    }

    // Hand-checked: two input values, so every face is a line in the plane.

    private static Network.Node twoScores(int node, int inputs) {
        return new Network.Node("fc", new Dense(Shape.of(inputs), new Tensor(Shape.of(2, inputs), new float[2 * inputs]),
                Tensor.zeros(Shape.of(2))), new int[] {node});
    }

    @Test
    void reLU6NearItsTopIsOneTopAwayFromClipping() {
        Shape pair = Shape.of(2);
        Network network = new Network(pair, List.of(new Network.Node("relu6", new Clip(pair, 0f, 6f), new int[] {Network.INPUT}),
                twoScores(0, 2)));
        // x = (5.5, 1): unit 0 is 0.5 below 6 (the nearest face), unit 1 is 1 above 0
        RegionReport report = Radius.of(network, new float[] {5.5f, 1f});
        assertThat(report.radiusL2()).isEqualTo(0.5);
        assertThat(report.radiusLinf()).isEqualTo(0.5);
        assertThat(report.firstFlip().name()).isEqualTo("relu6:0 (toward piece 2)");
        assertThat(report.towardFirstFlip()).containsExactly(1f, 0f);
        assertThat(report.constraints()).as("both bounds of unit 0 and of unit 1").isEqualTo(4);
        assertThat(network.forward(new float[] {6.01f, 1f}, 1).pattern(0).states("relu6")).containsExactly(2, 1);
        assertThat(network.forward(new float[] {5.99f, 1f}, 1).pattern(0).states("relu6")).containsExactly(1, 1);
    }

    @Test
    void theMaxOfTwoBranchesHoldsWhileTheWinnerLeads() {
        Shape pair = Shape.of(2);
        Shape one = Shape.of(1);
        Network network = new Network(pair, List.of(
                new Network.Node("left", new Dense(pair, new Tensor(Shape.of(1, 2), new float[] {1, 0}), Tensor.zeros(one)),
                        new int[] {Network.INPUT}),
                new Network.Node("right", new Dense(pair, new Tensor(Shape.of(1, 2), new float[] {0, 1}), Tensor.zeros(one)),
                        new int[] {Network.INPUT}),
                new Network.Node("max", Extremum.max(one), new int[] {0, 1}),
                twoScores(2, 1)));
        // max(x0, x1) at (0.3, 0.1): the left branch leads by 0.2 on the face x0 - x1 = 0, gradient (1, -1)
        RegionReport report = Radius.of(network, new float[] {0.3f, 0.1f});
        assertThat(report.radiusL2()).isCloseTo(0.2 / Math.sqrt(2), within(1e-7));
        assertThat(report.radiusLinf()).isCloseTo(0.1, within(1e-7));
        assertThat(report.firstFlip().name()).isEqualTo("max:0");
        float half = (float) Math.sqrt(0.5);
        assertThat(report.towardFirstFlip()).containsExactly(new float[] {-half, half}, within(1e-7f));
        assertThat(network.forward(new float[] {0.19f, 0.21f}, 1).pattern(0).states("max")).containsExactly(1);
        assertThat(network.forward(new float[] {0.21f, 0.19f}, 1).pattern(0).states("max")).containsExactly(0);
    }
}
