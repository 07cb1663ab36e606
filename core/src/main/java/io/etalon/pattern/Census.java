package io.etalon.pattern;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A census of activation patterns over a data set: how many distinct patterns (linear regions) the inputs fall in,
 * for the whole network and per layer, how many distinct output etalons they use, how large the groups sharing one
 * are, and how the count grows with the number of inputs. Memory grows with the number of distinct patterns, not of
 * inputs (each pattern is kept as a 64-bit fingerprint with its input count and the index of its first input).
 *
 * <p>Inputs are numbered: {@link #add(Pattern, long)} numbers them in order, {@link #add(int, long[], long)} takes the
 * number from the caller. Censuses of disjoint parts of a data set, numbered as in the whole, {@linkplain #addAll
 * merge} into the census of the whole, whatever the order of merging; and a census cut into {@linkplain #slice slices}
 * by fingerprint has counts that add up to those of the whole. That is what lets a cluster count a data set no single
 * machine holds.
 *
 * <p>This is the measurement behind the paper's conjecture that the number and quality of etalons reflect the
 * complexity of the data.
 */
public final class Census {

    private static final int FORMAT = 0x43454e31; // "CEN1"

    private final List<String> layers;
    /** Whole-pattern fingerprint to {inputs in the region, index of its first input}. */
    private final Map<Long, int[]> regions = new HashMap<>();
    private final List<Set<Long>> perLayer = new ArrayList<>();
    private final Set<Long> etalons = new HashSet<>();
    private int inputs;
    private int end;

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

    /** A fingerprint of float values (bit patterns, 0 and -0 alike), for output etalons. */
    public static long fingerprint(float[] values) {
        return fingerprint(List.of(values));
    }

    /**
     * {@link #fingerprint(float[])} of the arrays one after the other, without joining them: the fingerprint of the
     * etalons of several neurons. Cost: one pass over the values, no copy.
     *
     * @param parts not modified
     * @return the fingerprint of their concatenation
     */
    public static long fingerprint(List<float[]> parts) {
        long hash = 0xcbf29ce484222325L;
        for (float[] values : parts) {
            for (float value : values) {
                // as fingerprint(int[]) of the bit patterns: FNV-1a
                hash ^= Float.floatToIntBits(value == 0f ? 0f : value);
                hash *= 0x100000001b3L;
            }
        }
        return hash;
    }

    /** The fingerprint of each layer's states, in network order. */
    public static long[] layerFingerprints(Pattern pattern) {
        int[][] states = pattern.states();
        long[] prints = new long[states.length];
        for (int i = 0; i < states.length; i++) {
            prints[i] = fingerprint(states[i]);
        }
        return prints;
    }

    /** Fingerprint of a whole pattern, as the census counts it. */
    public static long wholeFingerprint(Pattern pattern) {
        return wholeFingerprint(layerFingerprints(pattern));
    }

    /** Fingerprint of a whole pattern from its {@linkplain #layerFingerprints layer fingerprints} (not modified). */
    public static long wholeFingerprint(long[] layerFingerprints) {
        long whole = 0x9e3779b97f4a7c15L;
        for (int i = 0; i < layerFingerprints.length; i++) {
            whole = (whole ^ layerFingerprints[i]) * 0x100000001b3L + i;
        }
        return whole;
    }

    /**
     * Adds the next input, numbered one past the largest number added so far.
     *
     * @param etalonFingerprint fingerprint of the input's output etalons (see {@link #fingerprint(float[])})
     */
    public void add(Pattern pattern, long etalonFingerprint) {
        if (!pattern.layers().equals(layers)) {
            throw new IllegalArgumentException("the pattern's layers " + pattern.layers() + " differ from " + layers);
        }
        add(end, layerFingerprints(pattern), etalonFingerprint);
    }

    /**
     * Adds input number {@code index} by the fingerprints of its pattern. Each input of a data set is added once, to
     * one census, with its own number.
     *
     * @param layerFingerprints not modified; one per layer, see {@link #layerFingerprints}
     */
    public void add(int index, long[] layerFingerprints, long etalonFingerprint) {
        if (layerFingerprints.length != layers.size()) {
            throw new IllegalArgumentException(layerFingerprints.length + " layer fingerprints for " + layers.size() + " layers " + layers);
        }
        if (index < 0 || index == Integer.MAX_VALUE) {
            throw new IllegalArgumentException("input number " + index + " is outside 0.." + (Integer.MAX_VALUE - 1));
        }
        for (int i = 0; i < layerFingerprints.length; i++) {
            perLayer.get(i).add(layerFingerprints[i]);
        }
        int[] region = regions.computeIfAbsent(wholeFingerprint(layerFingerprints), key -> new int[] {0, index});
        region[0]++;
        region[1] = Math.min(region[1], index);
        etalons.add(etalonFingerprint);
        inputs++;
        end = Math.max(end, index + 1);
    }

    /** Adds every input of another census of the same layers (not modified); their input numbers must differ. */
    public void addAll(Census other) {
        requireSameLayers(other);
        other.regions.forEach((fingerprint, region) -> regions.merge(fingerprint, region.clone(),
                (mine, theirs) -> new int[] {mine[0] + theirs[0], Math.min(mine[1], theirs[1])}));
        for (int i = 0; i < layers.size(); i++) {
            perLayer.get(i).addAll(other.perLayer.get(i));
        }
        etalons.addAll(other.etalons);
        inputs += other.inputs;
        end = Math.max(end, other.end);
    }

    /**
     * Slice {@code slice} of {@code slices}: the regions, layer patterns and output etalons whose fingerprints fall
     * in it. Over the slices, the counts (inputs, distinct patterns per layer and overall, distinct etalons, group
     * sizes, growth at equal points) add up to those of this census, and each slice of a whole census is the merge
     * of the same slices of its parts.
     */
    public Census slice(int slice, int slices) {
        if (slices <= 0 || slice < 0 || slice >= slices) {
            throw new IllegalArgumentException("slice " + slice + " of " + slices + " does not exist");
        }
        Census part = new Census(layers);
        regions.forEach((fingerprint, region) -> {
            if (sliceOf(fingerprint, slices) == slice) {
                part.regions.put(fingerprint, region.clone());
                part.inputs += region[0];
            }
        });
        for (int i = 0; i < layers.size(); i++) {
            for (long fingerprint : perLayer.get(i)) {
                if (sliceOf(fingerprint, slices) == slice) {
                    part.perLayer.get(i).add(fingerprint);
                }
            }
        }
        for (long fingerprint : etalons) {
            if (sliceOf(fingerprint, slices) == slice) {
                part.etalons.add(fingerprint);
            }
        }
        part.end = end;
        return part;
    }

    /** The slice (of {@code slices}) a fingerprint belongs to. */
    public static int sliceOf(long fingerprint, int slices) {
        long mixed = fingerprint * 0x9e3779b97f4a7c15L;
        return (int) Math.floorMod(mixed ^ (mixed >>> 32), (long) slices);
    }

    public List<String> layers() {
        return layers;
    }

    public int inputs() {
        return inputs;
    }

    /** One past the largest input number added (the number of inputs when they were added in order). */
    public int end() {
        return end;
    }

    /** Distinct whole-network patterns: the number of linear regions the inputs fall in. */
    public int distinctPatterns() {
        return regions.size();
    }

    /** Distinct patterns of each layer with switches, in network order. */
    public Map<String, Integer> distinctPerLayer() {
        Map<String, Integer> counts = new LinkedHashMap<>();
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
        for (int[] region : regions.values()) {
            sizes.merge(region[0], 1, Integer::sum);
        }
        return sizes;
    }

    /** Whether some input fell in the region with this fingerprint. */
    public boolean contains(long wholeFingerprint) {
        return regions.containsKey(wholeFingerprint);
    }

    /** How many inputs of this census fall in a region that some input of {@code other} (not modified) falls in. */
    public int inputsInRegionsOf(Census other) {
        int count = 0;
        for (Map.Entry<Long, int[]> region : regions.entrySet()) {
            if (other.regions.containsKey(region.getKey())) {
                count += region.getValue()[0];
            }
        }
        return count;
    }

    /** (inputs seen, distinct patterns) at 1, 2, 4, ... and every 1000 inputs, and at the end; see {@link #growth(int)}. */
    public List<int[]> growth() {
        return growth(end);
    }

    /** The counts of this census as one value; the counts of slices {@linkplain CensusCounts#plus add up}. */
    public CensusCounts counts() {
        return new CensusCounts(inputs, distinctPatterns(), distinctEtalons(), distinctPerLayer(), groupSizes(), growth());
    }

    /**
     * (n, distinct patterns among inputs numbered below n) for n = 1, 2, 4, ... and every multiple of 1000 up to
     * {@code last}, and n = {@code last}. Slices of one census give equal n for equal {@code last}.
     */
    public List<int[]> growth(int last) {
        java.util.TreeSet<Integer> points = new java.util.TreeSet<>();
        for (long n = 1; n <= last; n *= 2) {
            points.add((int) n);
        }
        for (long n = 1000; n <= last; n += 1000) {
            points.add((int) n);
        }
        if (last > 0) {
            points.add(last);
        }
        int[] firsts = regions.values().stream().mapToInt(region -> region[1]).sorted().toArray();
        List<int[]> growth = new ArrayList<>();
        int seen = 0;
        for (int n : points) {
            while (seen < firsts.length && firsts[seen] < n) {
                seen++;
            }
            growth.add(new int[] {n, seen});
        }
        return growth;
    }

    /** Writes the census in a compact binary form that {@link #read} reads back. */
    public void write(DataOutput out) throws IOException {
        out.writeInt(FORMAT);
        out.writeInt(layers.size());
        for (String layer : layers) {
            out.writeUTF(layer);
        }
        out.writeInt(inputs);
        out.writeInt(end);
        out.writeInt(regions.size());
        for (Map.Entry<Long, int[]> region : regions.entrySet()) {
            out.writeLong(region.getKey());
            out.writeInt(region.getValue()[0]);
            out.writeInt(region.getValue()[1]);
        }
        for (Set<Long> layer : perLayer) {
            writeSet(out, layer);
        }
        writeSet(out, etalons);
    }

    /** Reads a census written by {@link #write}. */
    public static Census read(DataInput in) throws IOException {
        if (in.readInt() != FORMAT) {
            throw new IOException("not a census written by Census.write");
        }
        int layerCount = in.readInt();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < layerCount; i++) {
            names.add(in.readUTF());
        }
        Census census = new Census(names);
        census.inputs = in.readInt();
        census.end = in.readInt();
        int regionCount = in.readInt();
        for (int r = 0; r < regionCount; r++) {
            long fingerprint = in.readLong();
            census.regions.put(fingerprint, new int[] {in.readInt(), in.readInt()});
        }
        for (int i = 0; i < layerCount; i++) {
            readSet(in, census.perLayer.get(i));
        }
        readSet(in, census.etalons);
        return census;
    }

    private static void writeSet(DataOutput out, Set<Long> set) throws IOException {
        out.writeInt(set.size());
        for (long value : set) {
            out.writeLong(value);
        }
    }

    private static void readSet(DataInput in, Set<Long> set) throws IOException {
        int size = in.readInt();
        for (int k = 0; k < size; k++) {
            set.add(in.readLong());
        }
    }

    private void requireSameLayers(Census other) {
        if (!other.layers.equals(layers)) {
            throw new IllegalArgumentException("a census of layers " + other.layers + " cannot join one of " + layers);
        }
    }

    @Override
    public String toString() {
        return "Census(" + inputs + " inputs, " + regions.size() + " patterns, " + etalons.size() + " etalon sets, per layer "
                + distinctPerLayer() + ", groups " + Arrays.toString(groupSizes().entrySet().toArray()) + ")";
    }
}
