package io.etalon.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.pattern.Pattern;
import io.etalon.testing.RandomNetworks;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The region radius is exact: inside it the pattern is constant, at it the named decision flips. */
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

    private static void checkRadius(Network network, float[] image, long seed) {
        RegionReport report = Radius.of(network, image);
        Pattern pattern = network.forward(image, 1).pattern(0);
        net.jqwik.api.Assume.that(pattern.smallestMargin() >= RESOLVABLE);
        if (report.tiedConstraints() > 0) {
            assertThat(report.radiusL2()).isZero();
        }
        double radius = report.faceRadiusL2();
        if (report.tiedConstraints() > 0 || !Double.isFinite(radius)) {
            return;
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
}
