package io.etalon.op;

/**
 * The layout in which a stride-1 convolution's correlation reads its input ({@link Conv2d#paddedInput}): each channel's
 * plane surrounded by its zero padding, {@code rowStride} floats a row, value (c, h, w) at
 * {@code c * channelPlane + origin + h * rowStride + w}, every other float of a plane zero. A convolution read by such
 * a convolution alone can write its output in this layout ({@link Conv2d#inferPadded}), and the reader then correlates
 * it where it lies, not first copying it into padded planes of its own: ResNet's residual blocks hand their first
 * layer's output to their second so.
 *
 * @param channels     the input channels C
 * @param height       each plane's rows H, padding excluded
 * @param width        each row's values W, padding excluded
 * @param rowStride    the distance between two rows: W and its padding, which a row may share with the next
 * @param origin       where value (c, 0, 0) lies from its plane's start: the top padding's rows, the left padding
 * @param channelPlane the distance between two channels' planes
 * @param reach        how far past a sample's start the correlation reads: at least {@link #sampleFloats}, a little
 *                     more, as the last row's right padding lies past the last plane, and the last vector of results
 *                     runs on past the output (values it drops)
 */
public record PaddedPlanes(int channels, int height, int width, int rowStride, int origin, int channelPlane,
                           int reach) {

    public PaddedPlanes {
        if (channels <= 0 || height <= 0 || width <= 0 || rowStride < width || origin < 0
                || origin + (height - 1) * rowStride + width > channelPlane || reach < channels * channelPlane) {
            throw new IllegalArgumentException("padded planes of " + channels + "x" + height + "x" + width
                    + " do not fit rows of " + rowStride + " from " + origin + " in planes of " + channelPlane);
        }
    }

    /** The floats of one sample: its C planes, padding included. */
    public int sampleFloats() {
        return channels * channelPlane;
    }

    /** The floats that {@code n} samples take when the reader reads them: to the last one's {@link #reach}. */
    public int floatsRead(int n) {
        return (n - 1) * sampleFloats() + reach;
    }

    /**
     * Zeroes what the reader reads past the last of {@code n} samples: the right padding of the last channel's last
     * row lies past its plane, where the next sample's first plane would start with zeros.
     */
    void clearPast(float[] a, int n) {
        java.util.Arrays.fill(a, n * sampleFloats(), floatsRead(n), 0f);
    }

    /**
     * Zeroes the padding of the channel plane that starts at {@code a[plane]}: every float but its values, which are
     * left as they are. Between two rows the padding is one stretch (a row's right padding, the next one's left).
     */
    void clearPadding(float[] a, int plane) {
        java.util.Arrays.fill(a, plane, plane + origin, 0f);
        // a 3x3 layer's rows share one zero each: plain stores, not a call per row (the step writing them 1.05x)
        int gap = rowStride - width;
        for (int end = plane + origin + width, last = end + (height - 1) * rowStride; end < last; end += rowStride) {
            for (int k = 0; k < gap; k++) {
                a[end + k] = 0f;
            }
        }
        java.util.Arrays.fill(a, plane + origin + (height - 1) * rowStride + width, plane + channelPlane, 0f);
    }
}
