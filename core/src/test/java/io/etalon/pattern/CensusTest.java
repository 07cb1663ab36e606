package io.etalon.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.testing.RandomNetworks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Census counts equal a brute-force count over full patterns on small data. */
class CensusTest {

    @Property(tries = 15)
    void countsEqualABruteForceCount(@ForAll long seed) {
        Network network = RandomNetworks.network(seed);
        SplittableRandom random = new SplittableRandom(seed);
        // a few base images, each repeated with small changes, so that inputs share regions as digits do
        List<float[]> bases = new ArrayList<>();
        for (int b = 0; b < 8; b++) {
            bases.add(RandomNetworks.image(random, network.inputShape(), 0.5));
        }
        Census census = null;
        Map<Pattern, Integer> brute = new HashMap<>();
        List<Set<List<Integer>>> layers = new ArrayList<>();
        for (int n = 0; n < 150; n++) {
            float[] image = bases.get(random.nextInt(bases.size())).clone();
            if (random.nextBoolean()) {
                image[random.nextInt(image.length)] += (float) random.nextDouble() * 0.5f;
            }
            Trace trace = network.forward(image, 1);
            Pattern pattern = trace.pattern(0);
            if (census == null) {
                census = new Census(pattern.layers());
                for (int i = 0; i < pattern.layers().size(); i++) {
                    layers.add(new HashSet<>());
                }
            }
            census.add(pattern, Census.fingerprint(trace.output(0)));
            brute.merge(pattern, 1, Integer::sum);
            int[][] states = pattern.states();
            for (int i = 0; i < states.length; i++) {
                layers.get(i).add(Arrays.stream(states[i]).boxed().toList());
            }
        }
        assertThat(census.inputs()).isEqualTo(150);
        assertThat(census.distinctPatterns()).isEqualTo(brute.size());
        int i = 0;
        for (int count : census.distinctPerLayer().values()) {
            assertThat(count).isEqualTo(layers.get(i++).size());
        }
        Map<Integer, Integer> sizes = new java.util.TreeMap<>();
        brute.values().forEach(count -> sizes.merge(count, 1, Integer::sum));
        assertThat(census.groupSizes()).isEqualTo(sizes);
        for (Pattern pattern : brute.keySet()) {
            assertThat(census.contains(Census.wholeFingerprint(pattern))).isTrue();
        }
        List<int[]> growth = census.growth();
        assertThat(growth.get(growth.size() - 1)).containsExactly(150, brute.size());
    }
}
