package io.etalon.pattern;

import java.util.Arrays;
import java.util.List;

/**
 * The activation pattern of one input, the paper's "etalon subgraph": for every op with switches, its states
 * (ReLU: 1 on, 0 off; max-pool: the flat input index of each window's winner). Two inputs with equal patterns lie
 * in the same linear region and share every etalon.
 *
 * <p>A value: {@link #equals} and {@link #hashCode} look at the states only. The tie counts and margins are
 * statistics of the input that recorded it: how many decisions were exact ties (the input lies on a face between
 * regions) and the smallest non-zero margin (how close float round-off is to changing a decision).
 *
 * @param layers  names of the ops with switches, in network order
 * @param kinds   their op kinds ({@code Relu}, {@code MaxPool2d})
 * @param states  per layer, its switch states
 * @param ties    per layer, the number of tied decisions
 * @param margins per layer, the smallest non-zero decision margin (+infinity if none)
 */
public record Pattern(List<String> layers, List<String> kinds, int[][] states, int[] ties, float[] margins) {

    public Pattern {
        layers = List.copyOf(layers);
        kinds = List.copyOf(kinds);
        if (states.length != layers.size() || ties.length != layers.size() || margins.length != layers.size()
                || kinds.size() != layers.size()) {
            throw new IllegalArgumentException("a pattern needs as many states, ties and margins as layers");
        }
        int[][] copy = new int[states.length][];
        for (int i = 0; i < states.length; i++) {
            copy[i] = states[i].clone();
        }
        states = copy;
        ties = ties.clone();
        margins = margins.clone();
    }

    /** A copy of the states of every layer. */
    @Override
    public int[][] states() {
        int[][] copy = new int[states.length][];
        for (int i = 0; i < states.length; i++) {
            copy[i] = states[i].clone();
        }
        return copy;
    }

    @Override
    public int[] ties() {
        return ties.clone();
    }

    @Override
    public float[] margins() {
        return margins.clone();
    }

    /** A copy of the states of one layer. */
    public int[] states(String layer) {
        return states[layerIndex(layer)].clone();
    }

    /** Number of switches that are 1 in a ReLU layer (active units); for a pool layer, its window count. */
    public int active(String layer) {
        int i = layerIndex(layer);
        if (!kinds.get(i).equals("Relu")) {
            return states[i].length;
        }
        int count = 0;
        for (int state : states[i]) {
            count += state;
        }
        return count;
    }

    /** Number of switches of one layer. */
    public int size(String layer) {
        return states[layerIndex(layer)].length;
    }

    /** Total number of tied decisions over all layers. */
    public int totalTies() {
        return Arrays.stream(ties).sum();
    }

    /** Smallest non-zero margin over all layers (+infinity if none). */
    public float smallestMargin() {
        float smallest = Float.POSITIVE_INFINITY;
        for (float margin : margins) {
            smallest = Math.min(smallest, margin);
        }
        return smallest;
    }

    /** Number of switches that differ between two patterns of the same network (Hamming distance). */
    public int hamming(Pattern other) {
        if (!layers.equals(other.layers)) {
            throw new IllegalArgumentException("patterns of different networks cannot be compared");
        }
        int distance = 0;
        for (int i = 0; i < states.length; i++) {
            for (int k = 0; k < states[i].length; k++) {
                if (states[i][k] != other.states[i][k]) {
                    distance++;
                }
            }
        }
        return distance;
    }

    /** Patterns are equal when every switch is equal; statistics are ignored. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Pattern pattern && layers.equals(pattern.layers) && Arrays.deepEquals(states, pattern.states);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(states);
    }

    private int layerIndex(String layer) {
        int i = layers.indexOf(layer);
        if (i < 0) {
            throw new IllegalArgumentException("no layer with switches named '" + layer + "'; layers are " + layers);
        }
        return i;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Pattern(");
        for (int i = 0; i < layers.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(layers.get(i)).append(' ').append(active(layers.get(i))).append('/')
                    .append(states[i].length).append(" ties ").append(ties[i]);
        }
        return text.append(')').toString();
    }
}
