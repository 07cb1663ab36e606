package io.etalon.pattern;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers of a {@link Census}: inputs, distinct whole-network patterns, distinct output etalons, distinct
 * patterns per layer, group sizes (how many patterns are shared by exactly n inputs, by n) and the growth curve
 * ((n, distinct patterns among the first n inputs) pairs).
 *
 * <p>The counts of {@linkplain Census#slice slices} of one census {@linkplain #plus add up} to the counts of the
 * whole, because slices hold disjoint fingerprints. Serializable, so that counts computed on the machines of a
 * cluster can be sent back and added up.
 *
 * @param distinctPerLayer layer name to distinct patterns, in network order (copied)
 * @param groupSizes       group size to number of patterns, ascending (copied)
 * @param growth           (n, distinct) pairs, ascending in n (copied in and out)
 */
public record CensusCounts(int inputs, int distinctPatterns, int distinctEtalons, Map<String, Integer> distinctPerLayer,
                           Map<Integer, Integer> groupSizes, List<int[]> growth) implements java.io.Serializable {

    public CensusCounts {
        distinctPerLayer = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(distinctPerLayer));
        groupSizes = java.util.Collections.unmodifiableMap(new TreeMap<>(groupSizes));
        growth = copy(growth);
    }

    @Override
    public List<int[]> growth() {
        return copy(growth);
    }

    /**
     * The counts of two slices of one census together.
     *
     * @throws IllegalArgumentException if the layers or the growth points differ (not slices of one census)
     */
    public CensusCounts plus(CensusCounts other) {
        if (!distinctPerLayer.keySet().stream().toList().equals(other.distinctPerLayer.keySet().stream().toList())
                || growth.size() != other.growth.size()) {
            throw new IllegalArgumentException("counts of different layers or growth points do not add up");
        }
        Map<String, Integer> layers = new LinkedHashMap<>(distinctPerLayer);
        other.distinctPerLayer.forEach((layer, count) -> layers.merge(layer, count, Integer::sum));
        Map<Integer, Integer> groups = new TreeMap<>(groupSizes);
        other.groupSizes.forEach((size, count) -> groups.merge(size, count, Integer::sum));
        List<int[]> points = new ArrayList<>();
        for (int i = 0; i < growth.size(); i++) {
            int[] mine = growth.get(i);
            int[] theirs = other.growth.get(i);
            if (mine[0] != theirs[0]) {
                throw new IllegalArgumentException("growth points " + mine[0] + " and " + theirs[0] + " differ");
            }
            points.add(new int[] {mine[0], mine[1] + theirs[1]});
        }
        return new CensusCounts(inputs + other.inputs, distinctPatterns + other.distinctPatterns,
                distinctEtalons + other.distinctEtalons, layers, groups, points);
    }

    private static List<int[]> copy(List<int[]> points) {
        List<int[]> copy = new ArrayList<>(points.size());
        for (int[] point : points) {
            if (point.length != 2) {
                throw new IllegalArgumentException("a growth point is (inputs, distinct patterns)");
            }
            copy.add(point.clone());
        }
        return List.copyOf(copy);
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof CensusCounts counts) || inputs != counts.inputs || distinctPatterns != counts.distinctPatterns
                || distinctEtalons != counts.distinctEtalons || !distinctPerLayer.equals(counts.distinctPerLayer)
                || !groupSizes.equals(counts.groupSizes) || growth.size() != counts.growth.size()) {
            return false;
        }
        for (int i = 0; i < growth.size(); i++) {
            if (!java.util.Arrays.equals(growth.get(i), counts.growth.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(inputs, distinctPatterns, distinctEtalons, distinctPerLayer, groupSizes);
    }

    @Override
    public String toString() {
        return "CensusCounts(" + inputs + " inputs, " + distinctPatterns + " patterns, " + distinctEtalons + " etalon sets, per layer "
                + distinctPerLayer + ", groups " + groupSizes + ")";
    }
}
