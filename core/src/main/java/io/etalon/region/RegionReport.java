package io.etalon.region;

import java.util.List;

/**
 * The geometry of an input's linear region: how far the etalons hold.
 *
 * @param radiusL2         the largest L2 ball around X inside the region: 0 when X sits on a face (a tie)
 * @param radiusLinf       the same in L-infinity
 * @param tiedConstraints  how many faces X sits on exactly
 * @param faceRadiusL2     the radius ignoring the tied faces: how far X can move within the face it sits on
 * @param faceRadiusLinf   the same in L-infinity
 * @param firstFlip        the face nearest X in L2 among the untied ones: the decision that changes first
 * @param towardFirstFlip  the unit L2 direction from X to that face (same shape as X)
 * @param decisionDistanceL2 L2 distance from X to the nearest class boundary of the region's affine output map
 * @param decisionRival    the class on the other side of that boundary
 * @param nearest          the few nearest untied faces, nearest first
 * @param constraints      number of faces examined
 */
public record RegionReport(double radiusL2, double radiusLinf, int tiedConstraints, double faceRadiusL2,
                           double faceRadiusLinf, Constraint firstFlip, float[] towardFirstFlip,
                           double decisionDistanceL2, int decisionRival, List<Constraint> nearest, int constraints) {

    public RegionReport {
        towardFirstFlip = towardFirstFlip == null ? null : towardFirstFlip.clone();
        nearest = List.copyOf(nearest);
    }

    @Override
    public float[] towardFirstFlip() {
        return towardFirstFlip == null ? null : towardFirstFlip.clone();
    }
}
