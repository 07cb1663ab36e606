/**
 * Pictures: etalons in the paper's grey scale (per-image symmetric scale, 0 mid grey, positive white, negative
 * black) or a diverging colour map, inputs in grey or colour, the Figure 11 grid, and atomic PNG writing. For colour
 * etalons, the {@link io.etalon.render.View}s people read (the channel-summed heat map, its magnitude, the
 * contribution over the dimmed photo, the etalon as a colour image), each clipped at a stated percentile
 * ({@link io.etalon.render.ClipScale}) with one scale across a set of pictures, and a {@link io.etalon.render.Legend}
 * saying what the colours mean.
 */
package io.etalon.render;
