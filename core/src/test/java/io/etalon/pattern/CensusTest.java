package io.etalon.pattern;

import static org.assertj.core.api.Assertions.assertThat;

import io.etalon.graph.Network;
import io.etalon.graph.Trace;
import io.etalon.testing.RandomNetworks;
import java.io.IOException;
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
        assertThat(growth).extracting(point -> point[0]).containsExactly(1, 2, 4, 8, 16, 32, 64, 128, 150);
    }

    @Property(tries = 10)
    void partsMergedInAnyOrderAndSlicesAddUpToTheWhole(@ForAll long seed) throws IOException {
        Network network = RandomNetworks.network(seed);
        SplittableRandom random = new SplittableRandom(seed);
        List<float[]> bases = new ArrayList<>();
        for (int b = 0; b < 6; b++) {
            bases.add(RandomNetworks.image(random, network.inputShape(), 0.5));
        }
        int inputs = 1200 + random.nextInt(300);
        List<String> layers = network.forward(bases.get(0), 1).pattern(0).layers();
        Census whole = new Census(layers);
        int partCount = 1 + random.nextInt(5);
        List<Census> parts = new ArrayList<>();
        for (int p = 0; p < partCount; p++) {
            parts.add(new Census(layers));
        }
        for (int n = 0; n < inputs; n++) {
            float[] image = bases.get(random.nextInt(bases.size())).clone();
            if (random.nextInt(4) == 0) {
                image[random.nextInt(image.length)] += (float) random.nextDouble();
            }
            Trace trace = network.forward(image, 1);
            long etalon = Census.fingerprint(trace.output(0));
            whole.add(trace.pattern(0), etalon);
            // parts hold contiguous runs of inputs, as partitions of a data set do
            parts.get(Math.min(partCount - 1, n * partCount / inputs)).add(n, Census.layerFingerprints(trace.pattern(0)), etalon);
        }
        java.util.Collections.shuffle(parts, new java.util.Random(seed));
        Census merged = new Census(layers);
        for (Census part : parts) {
            merged.addAll(roundTrip(part));
        }
        assertThat(merged.counts()).isEqualTo(whole.counts());

        int slices = 1 + random.nextInt(7);
        CensusCounts sum = null;
        for (int s = 0; s < slices; s++) {
            Census slice = new Census(layers);
            for (Census part : parts) {
                slice.addAll(part.slice(s, slices));
            }
            sum = sum == null ? slice.counts() : sum.plus(slice.counts());
        }
        assertThat(sum).isEqualTo(whole.counts());
    }

    @Property(tries = 10)
    void countsInputsInRegionsOfAnotherCensus(@ForAll long seed) {
        Network network = RandomNetworks.network(seed);
        SplittableRandom random = new SplittableRandom(seed);
        float[] base = RandomNetworks.image(random, network.inputShape(), 0.5);
        List<String> layers = network.forward(base, 1).pattern(0).layers();
        Census first = new Census(layers);
        Census second = new Census(layers);
        Set<Long> firstRegions = new HashSet<>();
        int expected = 0;
        List<Pattern> later = new ArrayList<>();
        for (int n = 0; n < 80; n++) {
            float[] image = base.clone();
            image[random.nextInt(image.length)] += (float) random.nextDouble();
            Pattern pattern = network.forward(image, 1).pattern(0);
            if (n % 2 == 0) {
                first.add(pattern, n);
                firstRegions.add(Census.wholeFingerprint(pattern));
            } else {
                second.add(pattern, n);
                later.add(pattern);
            }
        }
        for (Pattern pattern : later) {
            expected += firstRegions.contains(Census.wholeFingerprint(pattern)) ? 1 : 0;
        }
        assertThat(second.inputsInRegionsOf(first)).isEqualTo(expected);
    }

    private static Census roundTrip(Census census) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        census.write(new java.io.DataOutputStream(bytes));
        return Census.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
    }
    @Property(tries = 50)
    void etalonFingerprintsAreThoseOfTheBitPatternsAndOfTheConcatenation(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] first = new float[random.nextInt(0, 20)];
        float[] second = new float[random.nextInt(0, 20)];
        for (float[] values : List.of(first, second)) {
            for (int i = 0; i < values.length; i++) {
                values[i] = random.nextInt(5) == 0 ? 0f : (float) random.nextGaussian();
            }
        }
        float[] joined = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, joined, first.length, second.length);
        int[] bits = new int[joined.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Float.floatToIntBits(joined[i]);
        }
        assertThat(Census.fingerprint(joined)).isEqualTo(Census.fingerprint(bits));
        assertThat(Census.fingerprint(List.of(first, second))).isEqualTo(Census.fingerprint(joined));
        // -0 and 0 are one etalon value
        float[] negated = joined.clone();
        for (int i = 0; i < negated.length; i++) {
            negated[i] = negated[i] == 0f ? -0f : negated[i];
        }
        assertThat(Census.fingerprint(negated)).isEqualTo(Census.fingerprint(joined));
    }
}
