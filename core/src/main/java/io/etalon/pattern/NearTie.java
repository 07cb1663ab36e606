package io.etalon.pattern;

/**
 * One decision of an input's pattern that float round-off could turn: a ReLU whose pre-activation is within a small
 * threshold of 0, a Clip input that close to a bound, or a max-pool window whose winner leads its nearest rival by
 * that little. Another engine, or float64, may take such a decision the other way; both sides are valid etalons of
 * neighbouring regions that meet at X, and the difference between them is confined to the units this names.
 *
 * @param layer  the op's name (the ONNX node name for an imported model)
 * @param kind   the op's kind ({@code Relu}, {@code Clip}, {@code MaxPool2d}, {@code LeakyRelu})
 * @param unit   the switch's flat index in the op's output, {@code c*H*W + h*W + w}
 * @param state  the recorded state (ReLU 1 on, 0 off; Clip 0 below, 1 inside, 2 above; max-pool the winner's flat
 *               index in the pool's input)
 * @param rival  the state on the other side of the decision (for a pool, the flat input index of the best other
 *               value of the window)
 * @param margin how far apart the deciding values are: |pre-activation|, the distance to the nearer bound, or the
 *               winner's lead; positive
 * @param scale  the layer's largest |input| for this sample, the scale the threshold is relative to
 */
public record NearTie(String layer, String kind, int unit, int state, int rival, float margin, float scale) {

    public NearTie {
        if (layer == null || kind == null || unit < 0 || !(margin > 0f) || !(scale >= margin)) {
            throw new IllegalArgumentException("a near-tie needs a layer, a kind, a unit >= 0 and 0 < margin <= scale; got "
                    + layer + " " + kind + " unit " + unit + " margin " + margin + " scale " + scale);
        }
    }

    /** The margin relative to the layer's scale. */
    public double relativeMargin() {
        return (double) margin / scale;
    }

    @Override
    public String toString() {
        return String.format("%s unit %d (%s): state %d, rival %d, margin %.3g (%.3g of the layer's scale %.4g)", layer,
                unit, kind, state, rival, margin, relativeMargin(), scale);
    }
}
