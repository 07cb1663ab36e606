package io.etalon.op;

import java.util.Arrays;

/**
 * The switches one op recorded for a batch of samples: for each sample, {@code perSample} integer states
 * (ReLU: 1 on, 0 off; max-pool: the flat input index of the winner), plus how many of its decisions were
 * exact ties (a pre-activation exactly 0, or a pool window with several equal maxima) and the smallest
 * non-zero margin of any decision (|pre-activation|, or the winner's lead over the runner-up).
 *
 * <p>Mutable scratch owned by one forward pass; {@link io.etalon.pattern.Pattern} is the immutable value.
 */
public final class Switches {

    private final int samples;
    private final int perSample;
    private final int[] states;
    private final int[] ties;
    private final float[] margins;

    public Switches(int samples, int perSample) {
        this.samples = samples;
        this.perSample = perSample;
        this.states = new int[samples * perSample];
        this.ties = new int[samples];
        this.margins = new float[samples];
        Arrays.fill(margins, Float.POSITIVE_INFINITY);
    }

    public int samples() {
        return samples;
    }

    public int perSample() {
        return perSample;
    }

    /** The backing state array, {@code (samples, perSample)}; ops write it in {@code record}. */
    int[] states() {
        return states;
    }

    public int state(int sample, int index) {
        return states[sample * perSample + index];
    }

    /** A copy of one sample's states. */
    public int[] sampleStates(int sample) {
        return Arrays.copyOfRange(states, sample * perSample, (sample + 1) * perSample);
    }

    public int ties(int sample) {
        return ties[sample];
    }

    /** Smallest non-zero decision margin of the sample; +infinity when there was no decision with a margin. */
    public float margin(int sample) {
        return margins[sample];
    }

    /** Number of states equal to {@code value} for one sample (e.g. active ReLUs: value 1). */
    public int count(int sample, int value) {
        int count = 0;
        for (int i = sample * perSample, end = i + perSample; i < end; i++) {
            if (states[i] == value) {
                count++;
            }
        }
        return count;
    }

    void addTie(int sample) {
        ties[sample]++;
    }

    void addTies(int sample, int count) {
        ties[sample] += count;
    }

    void offerMargin(int sample, float margin) {
        if (margin > 0 && margin < margins[sample]) { // also ignores +infinity: "no margin"
            margins[sample] = margin;
        }
    }

    /**
     * A copy with one state replaced: the pattern of a neighbouring region, for a decision taken the other way (a
     * near-tie that another engine or precision breaks differently). Ties and margins are copied unchanged.
     */
    public Switches withState(int sample, int index, int state) {
        if (sample < 0 || sample >= samples || index < 0 || index >= perSample) {
            throw new IllegalArgumentException("switch " + index + " of sample " + sample + " is outside " + samples
                    + " samples of " + perSample + " switches");
        }
        Switches copy = new Switches(samples, perSample);
        System.arraycopy(states, 0, copy.states, 0, states.length);
        System.arraycopy(ties, 0, copy.ties, 0, ties.length);
        System.arraycopy(margins, 0, copy.margins, 0, margins.length);
        copy.states[sample * perSample + index] = state;
        return copy;
    }

    /** Switches for affine ops, which have none. */
    public static Switches none(int samples) {
        return new Switches(samples, 0);
    }
}
