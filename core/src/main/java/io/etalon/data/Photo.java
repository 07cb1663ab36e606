package io.etalon.data;

import java.util.Arrays;

/**
 * One decoded photo, upright (EXIF orientation applied), with its values as stored in the file: sRGB code values (or
 * grey levels) divided by {@code 2^bits - 1}, no colour management, as PIL gives them. Alpha is kept apart; what it
 * becomes depends on the model (see {@link #asChannels}).
 *
 * @param name        what to call the photo in messages (its file name)
 * @param format      the file's format as ImageIO names it ({@code JPEG}, {@code png}, {@code bmp})
 * @param grey        whether the file itself is grey (a grey colour type, or a palette of greys); then
 *                    {@code pixels} has one channel, else three (RGB)
 * @param height      rows, after orientation
 * @param width       columns, after orientation
 * @param pixels      {@code (C, height, width)} row-major values in {@code [0, 1]}, {@code C = grey ? 1 : 3}
 *                    (copied in and out)
 * @param alpha       {@code (height, width)} opacities in {@code [0, 1]}, or null when the file has no alpha
 *                    (copied in and out)
 * @param bits        bits per stored sample: 8 for 8-bit files and for every palette, 1-, 2- or 4-bit file (their
 *                    values are still exact multiples of 1/255 only when 8 bits or fewer), 16 for 16-bit PNGs
 * @param orientation the EXIF orientation that was applied, 1 (none) to 8
 */
public record Photo(String name, String format, boolean grey, int height, int width, float[] pixels, float[] alpha,
                    int bits, int orientation) {

    /** The alpha policy, one line, as commands state it. */
    public static final String ALPHA_POLICY = "colour models: alpha dropped, as PIL's convert('RGB'); "
            + "one-channel models: luminance times alpha (transparent = black)";

    public Photo {
        if (height <= 0 || width <= 0) {
            throw new DataFormatException(name + ": the image has no pixels (" + width + "x" + height + ")");
        }
        int channels = grey ? 1 : 3;
        if (pixels.length != (long) channels * height * width) {
            throw new IllegalArgumentException(name + ": " + channels + "x" + height + "x" + width + " needs "
                    + (long) channels * height * width + " values, got " + pixels.length);
        }
        if (alpha != null && alpha.length != (long) height * width) {
            throw new IllegalArgumentException(name + ": alpha needs " + (long) height * width + " values, got " + alpha.length);
        }
        if (orientation < 1 || orientation > 8) {
            throw new IllegalArgumentException(name + ": EXIF orientation must be 1 to 8, got " + orientation);
        }
        pixels = pixels.clone();
        alpha = alpha == null ? null : alpha.clone();
    }

    @Override
    public float[] pixels() {
        return pixels.clone();
    }

    @Override
    public float[] alpha() {
        return alpha == null ? null : alpha.clone();
    }

    /** Channels of {@link #pixels}: 1 for a grey file, 3 for a colour one. */
    public int channels() {
        return grey ? 1 : 3;
    }

    /**
     * The photo as a model of {@code channels} channels sees it, {@code (channels, height, width)} row-major:
     * <ul>
     * <li>3 channels: colour as stored, a grey file replicated to R, G and B; alpha dropped, as PIL's
     *     {@code convert('RGB')} does, which is what torchvision pipelines see;</li>
     * <li>1 channel: grey as stored, colour as luminance {@code 0.299 R + 0.587 G + 0.114 B}; both multiplied by alpha,
     *     so transparent pixels are black (the MNIST background), as {@link PngImages} has always read them.</li>
     * </ul>
     *
     * @throws DataFormatException for any other channel count ("Etalon reads 1- or 3-channel images")
     */
    public float[] asChannels(int channels) {
        int plane = height * width;
        if (channels == 3) {
            if (!grey) {
                return pixels.clone();
            }
            float[] rgb = new float[3 * plane];
            for (int c = 0; c < 3; c++) {
                System.arraycopy(pixels, 0, rgb, c * plane, plane);
            }
            return rgb;
        }
        if (channels == 1) {
            float[] out = new float[plane];
            for (int i = 0; i < plane; i++) {
                double level = grey ? pixels[i]
                        : 0.299 * pixels[i] + 0.587 * pixels[plane + i] + 0.114 * pixels[2 * plane + i];
                double opacity = alpha == null ? 1 : alpha[i];
                out[i] = (float) (opacity * level);
            }
            return out;
        }
        throw new DataFormatException(name + ": the model takes " + channels + "-channel images; Etalon reads 1- or"
                + " 3-channel images; give a model whose input has 1 or 3 channels");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Photo p && name.equals(p.name) && format.equals(p.format) && grey == p.grey
                && height == p.height && width == p.width && Arrays.equals(pixels, p.pixels) && Arrays.equals(alpha, p.alpha)
                && bits == p.bits && orientation == p.orientation;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "Photo[" + name + ", " + format + ", " + (grey ? "grey" : "RGB") + (alpha == null ? "" : "+alpha") + ", "
                + width + "x" + height + ", " + bits + " bits, orientation " + orientation + "]";
    }
}
