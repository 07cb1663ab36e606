/**
 * Activation patterns: which ReLUs are on and which max-pool inputs won, for one input. The paper calls this the
 * etalon subgraph; inputs with the same pattern share one linear region and so every etalon. A
 * {@link io.etalon.pattern.Pattern} is an immutable, hashable value with a Hamming distance, plus the tie counts and
 * margins that tell how close the input is to the region's boundary.
 */
package io.etalon.pattern;
