package io.etalon.pattern;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A census of activation patterns over a data set: how many distinct patterns (linear regions) the inputs fall in,
 * for the whole network and per layer, how many distinct output etalons they use, how large the groups sharing one
 * are, and how the count grows with the number of inputs. Inputs are added in order; memory grows with the number
 * of distinct patterns, not of inputs (each pattern is kept as a 64-bit fingerprint).
 *
 * <p>This is the measurement behind the paper's conjecture that the number and quality of etalons reflect the
 * complexity of the data.
 */
public final class Census {

    private final List<String> layers;
    private final Map<Long, Integer> patterns = new HashMap<>();
    private final List<Set<Long>> perLayer = new ArrayList<>();
    private final Set<Long> etalons = new HashSet<>();
    private final List<int[]> growth = new ArrayList<>();
    private int inputs;

    public Census(List<String> layers) {
        this.layers = List.copyOf(layers);
        for (int i = 0; i < layers.size(); i++) {
            perLayer.add(new HashSet<>());
        }
    }

    /** A 64-bit fingerprint of int states (FNV-1a over the values); equal states give equal fingerprints. */
    public static long fingerprint(int[] states) {
        long hash = 0xcbf29ce484222325L;
        for (int state : states) {
            hash ^= state;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** A fingerprint of float values (bit patterns), for output etalons. */
    public static long fingerprint(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToIntBits(values[i] == 0f ? 0f : values[i]);
        }
        return fingerprint(bits);
    }

    /**
     * Adds one input.
     *
     * @param etalonFingerprint fingerprint of the input's output etalons (see {@link #fingerprint(float[])})
     */
    public void add(Pattern pattern, long etalonFingerprint) {
        if (!pattern.layers().equals(layers)) {
            throw new IllegalArgumentException("the pattern's layers " + pattern.layers() + " differ from " + layers);
        }
        int[][] states = pattern.states();
        long[] layerPrints = new long[states.length];
        for (int i = 0; i < states.length; i++) {
            layerPrints[i] = fingerprint(states[i]);
            perLayer.get(i).add(layerPrints[i]);
        }
        long whole = combine(layerPrints);
        patterns.merge(whole, 1, Integer::sum);
        etalons.add(etalonFingerprint);
        inputs++;
        if (Integer.bitCount(inputs) == 1 || inputs % 1000 == 0) {
            growth.add(new int[] {inputs, patterns.size()});
        }
    }

    /** Fingerprint of a whole pattern, as the census counts it. */
    public static long wholeFingerprint(Pattern pattern) {
        int[][] states = pattern.states();
        long[] layerPrints = new long[states.length];
        for (int i = 0; i < states.length; i++) {
            layerPrints[i] = fingerprint(states[i]);
        }
        return combine(layerPrints);
    }

    private static long combine(long[] layerPrints) {
        long whole = 0x9e3779b97f4a7c15L;
        for (int i = 0; i < layerPrints.length; i++) {
            whole = (whole ^ layerPrints[i]) * 0x100000001b3L + i;
        }
        return whole;
    }

    public int inputs() {
        return inputs;
    }

    /** Distinct whole-network patterns: the number of linear regions the inputs fall in. */
    public int distinctPatterns() {
        return patterns.size();
    }

    /** Distinct patterns of each layer with switches, in network order. */
    public Map<String, Integer> distinctPerLayer() {
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            counts.put(layers.get(i), perLayer.get(i).size());
        }
        return counts;
    }

    /** Distinct sets of output etalons: regions that differ only where it does not change any output's rule count once. */
    public int distinctEtalons() {
        return etalons.size();
    }

    /** How many patterns are shared by exactly n inputs, by n. */
    public Map<Integer, Integer> groupSizes() {
        Map<Integer, Integer> sizes = new TreeMap<>();
        for (int count : patterns.values()) {
            sizes.merge(count, 1, Integer::sum);
        }
        return sizes;
    }

    /** Whether some earlier input fell in the region with this fingerprint. */
    public boolean contains(long wholeFingerprint) {
        return patterns.containsKey(wholeFingerprint);
    }

    /** (inputs seen, distinct patterns) at 1, 2, 4, ... and every 1000 inputs. */
    public List<int[]> growth() {
        List<int[]> copy = new ArrayList<>();
        for (int[] point : growth) {
            copy.add(point.clone());
        }
        if (inputs > 0 && (copy.isEmpty() || copy.get(copy.size() - 1)[0] != inputs)) {
            copy.add(new int[] {inputs, patterns.size()});
        }
        return copy;
    }

    @Override
    public String toString() {
        return "Census(" + inputs + " inputs, " + patterns.size() + " patterns, " + etalons.size() + " etalon sets, per layer "
                + distinctPerLayer() + ", groups " + Arrays.toString(groupSizes().entrySet().toArray()) + ")";
    }
}
