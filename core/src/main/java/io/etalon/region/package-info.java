/**
 * Region geometry: how far an input's etalons hold. {@link io.etalon.region.Radius} finds the exact radius of the
 * input's linear region in L2 and L-infinity, the decision that flips first, the faces the input sits on (exact
 * ties) and the distance to the nearest class boundary inside the region.
 */
package io.etalon.region;
