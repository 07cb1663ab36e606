package io.etalon.region;

/**
 * One face of an input's linear region: a switch decision that holds inside the region, written as an affine
 * function of the input that must keep its sign, {@code g(X') = margin + <gradient, X' - X>}.
 *
 * @param layer     the op whose decision it is ({@code relu2}, {@code pool1})
 * @param index     the unit (ReLU, piecewise-linear, Max/Min) or window (pool) in that op's output
 * @param rival     for a pool window, the flat input index of the rival that would win instead; -1 otherwise
 * @param piece     for a unit of a piecewise-linear op with two breakpoints or more (Clip), the piece it would move to
 *                  across this face; -1 otherwise (a unit with one breakpoint has one face)
 * @param margin    the decision's value at X: |pre-activation|, the distance to the breakpoint, the winning branch's
 *                  lead over the other, or the pool winner's lead over the rival (0 for a tie)
 * @param distanceL2   {@code margin / ||gradient||_2}: how far X is from this face in L2
 * @param distanceLinf {@code margin / ||gradient||_1}: how far in L-infinity
 */
public record Constraint(String layer, int index, int rival, int piece, double margin, double distanceL2, double distanceLinf) {

    /**
     * {@code layer:index}, with {@code (rival input r)} for a pool window or {@code (toward piece p)} for a unit with
     * several breakpoints.
     */
    public String name() {
        return Decisions.name(layer, index, rival, piece);
    }

    /** True when X sits exactly on this face (an exact tie, as in flat MNIST backgrounds). */
    public boolean tied() {
        return margin == 0;
    }
}
