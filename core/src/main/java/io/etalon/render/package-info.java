/**
 * Pictures: etalons in the paper's grey scale (per-image symmetric scale, 0 mid grey, positive white, negative
 * black) or a diverging colour map, inputs in grey, the Figure 11 grid, and atomic PNG writing.
 */
package io.etalon.render;
