package io.etalon.op;

/**
 * An op whose frozen linear map copies each output from one input or sets it to zero: a ReLU (the input itself, or
 * zero when off), a max-pool (the window's winner), a flatten (the same index). A chain of them composes into one
 * selection, so the transposed pass can jump over the chain and touch only what the pattern kept.
 */
public interface Selection {

    /**
     * The flat input index that output {@code index} of sample {@code sample} copies under the recorded switches, or
     * -1 when the pattern zeroes it.
     */
    int source(Switches switches, int sample, int index);

    /**
     * {@link #source} of many outputs at once, in place: each non-negative entry of {@code indices[0..count)} is
     * replaced by the input index it copies, or -1; entries that are already -1 stay.
     */
    default void sources(Switches switches, int sample, int[] indices, int count) {
        for (int i = 0; i < count; i++) {
            if (indices[i] >= 0) {
                indices[i] = source(switches, sample, indices[i]);
            }
        }
    }
}
