package io.etalon.region;

/**
 * One face of an input's linear region: a switch decision that holds inside the region, written as an affine
 * function of the input that must keep its sign, {@code g(X') = margin + <gradient, X' - X>}.
 *
 * @param layer     the op whose decision it is ({@code relu2}, {@code pool1})
 * @param index     the unit (ReLU) or window (pool) in that op's output
 * @param rival     for a pool window, the flat input index of the rival that would win instead; -1 otherwise
 * @param margin    the decision's value at X: |pre-activation|, or the winner's lead over the rival (0 for a tie)
 * @param distanceL2   {@code margin / ||gradient||_2}: how far X is from this face in L2
 * @param distanceLinf {@code margin / ||gradient||_1}: how far in L-infinity
 */
public record Constraint(String layer, int index, int rival, double margin, double distanceL2, double distanceLinf) {

    /** {@code layer:index}, or {@code layer:index vs input rival} for a pool window. */
    public String name() {
        return Decisions.name(layer, index, rival);
    }

    /** True when X sits exactly on this face (an exact tie, as in flat MNIST backgrounds). */
    public boolean tied() {
        return margin == 0;
    }
}
