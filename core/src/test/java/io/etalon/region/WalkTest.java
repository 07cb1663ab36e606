package io.etalon.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.LeNet;
import io.etalon.graph.Network;
import io.etalon.testing.RandomNetworks;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The path between two images: each reported region holds at its midpoint, and each breakpoint is a real flip. */
class WalkTest {

    /** Regions thinner than this along t are below what float32 inputs resolve; they are not probed. */
    private static final double RESOLVABLE = 1e-4;

    private static int patternAt(Network network, float[] a, float[] b, double t) {
        float[] direction = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            direction[i] = b[i] - a[i];
        }
        return network.forward(Walk.at(a, direction, t), 1).pattern(0).hashCode();
    }

    private static void checkWalk(Network network, float[] a, float[] b) {
        List<Walk.Segment> segments = Walk.between(network, a, b);
        assertThat(segments).isNotEmpty();
        assertThat(segments.get(0).start()).isZero();
        assertThat(segments.get(segments.size() - 1).end()).isEqualTo(1.0);
        // probing costs three forward passes per region: check at most about 150 regions, spread along the path
        int every = Math.max(1, segments.size() / 150);
        for (int k = 0; k < segments.size(); k++) {
            Walk.Segment segment = segments.get(k);
            if (k > 0) {
                assertThat(segment.start()).isEqualTo(segments.get(k - 1).end());
            }
            double length = segment.end() - segment.start();
            if (length < RESOLVABLE || k % every != 0) {
                continue;
            }
            assertThat(patternAt(network, a, b, (segment.start() + segment.end()) / 2))
                    .as("pattern at the middle of region %d [%s, %s]", k, segment.start(), segment.end())
                    .isEqualTo(segment.patternHash());
            if (k + 1 < segments.size() && segments.get(k + 1).end() - segment.end() >= RESOLVABLE) {
                double eta = Math.min(length, segments.get(k + 1).end() - segment.end()) / 4;
                assertThat(patternAt(network, a, b, segment.end() + eta))
                        .as("breakpoint %s at t = %s (%s) is a real flip", k, segment.end(), segment.flipAtEnd())
                        .isNotEqualTo(patternAt(network, a, b, segment.end() - eta));
            }
        }
    }

    @Property(tries = 20)
    void regionsHoldAndBreakpointsFlip(@ForAll long seed) {
        Network network = RandomNetworks.network(seed);
        SplittableRandom random = new SplittableRandom(seed);
        checkWalk(network, RandomNetworks.image(random, network.inputShape(), 0.0),
                RandomNetworks.image(random, network.inputShape(), 0.0));
    }

    @Property(tries = 8)
    void theSameOnNetworksWithEveryOtherOp(@ForAll long seed) {
        Network network = RandomNetworks.richNetwork(seed);
        SplittableRandom random = new SplittableRandom(seed);
        checkWalk(network, RandomNetworks.image(random, network.inputShape(), 0.0),
                RandomNetworks.image(random, network.inputShape(), 0.0));
    }

    @Property(tries = 8)
    void theSameOnNetworksWhoseBranchesMeetInMaxAndMin(@ForAll long seed) {
        Network network = RandomNetworks.branchNetwork(seed);
        SplittableRandom random = new SplittableRandom(seed);
        checkWalk(network, RandomNetworks.image(random, network.inputShape(), 0.0),
                RandomNetworks.image(random, network.inputShape(), 0.0));
    }

    @Test
    void leNetCrossesManyRegionsBetweenTwoImages() {
        Network lenet = LeNet.create(2);
        SplittableRandom random = new SplittableRandom(4);
        float[] a = RandomNetworks.image(random, lenet.inputShape(), 0.6);
        float[] b = RandomNetworks.image(random, lenet.inputShape(), 0.6);
        List<Walk.Segment> segments = Walk.between(lenet, a, b);
        assertThat(segments.size()).isGreaterThan(10);
        checkWalk(lenet, a, b);
    }
}
