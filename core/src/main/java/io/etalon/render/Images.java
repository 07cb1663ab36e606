package io.etalon.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns etalons, the maps made from them ({@link EtalonViews}) and inputs into pictures, each value a
 * {@code zoom x zoom} block. {@link #signed} is the paper's picture: one symmetric scale per image, the value of
 * largest magnitude full white or black, 0 the palette's middle. The others take a {@link ClipScale}, so several
 * pictures can share one scale and a few strong pixels do not wash out the rest.
 */
public final class Images {

    private Images() {
    }

    /**
     * An etalon (or any signed map) as a picture, each value a {@code zoom x zoom} block, on its own symmetric scale:
     * the largest magnitude is full colour (the paper's pictures).
     *
     * @param values not modified; {@code (height, width)} row-major, one channel
     */
    public static BufferedImage signed(float[] values, int height, int width, int zoom, Palette palette) {
        double scale = 0;
        for (int i = 0; i < height * width; i++) {
            scale = Math.max(scale, Math.abs(values[i]));
        }
        BufferedImage image = blank(height, width, zoom);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double v = scale == 0 ? 0 : values[y * width + x] / scale;
                fill(image, x * zoom, y * zoom, zoom, palette.rgb(v));
            }
        }
        return image;
    }

    /**
     * A signed map on a given scale: {@code ±clip.value()} and beyond are full colour, 0 the palette's middle.
     *
     * @param map not modified; {@code (height, width)} row-major
     */
    public static BufferedImage heat(float[] map, int height, int width, int zoom, ClipScale clip, Palette palette) {
        BufferedImage image = blank(height, width, zoom);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                fill(image, x * zoom, y * zoom, zoom, palette.rgb(clip.unit(map[y * width + x])));
            }
        }
        return image;
    }

    /**
     * A map of magnitudes (e.g. {@code |sum_c W[c]|}) on a given scale, in the {@link SequentialPalette}: white 0,
     * deep violet {@code clip.value()} and beyond. Signs are ignored.
     *
     * @param map not modified; {@code (height, width)} row-major
     */
    public static BufferedImage magnitude(float[] map, int height, int width, int zoom, ClipScale clip) {
        BufferedImage image = blank(height, width, zoom);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                fill(image, x * zoom, y * zoom, zoom, SequentialPalette.rgb(Math.abs(clip.unit(map[y * width + x]))));
            }
        }
        return image;
    }

    /**
     * A signed map laid over the photo it explains. The photo is shown greyed and at reduced contrast (its
     * luminance mapped to {@code [DIM_LOW, DIM_HIGH]}) so the map's colours stand out; each pixel then moves towards
     * the {@link Palette#DIVERGING} red (positive) or blue (negative) in proportion to {@code |v| / clip}, reaching
     * the pure colour at the clip value.
     *
     * @param map   not modified; {@code (height, width)}
     * @param photo not modified; {@code (channels, height, width)} in {@code [0, 1]}, one (grey) or three (RGB) channels
     */
    public static BufferedImage blend(float[] map, float[] photo, int channels, int height, int width, int zoom,
                                      ClipScale clip) {
        checkPhoto(photo, channels, height, width);
        int plane = height * width;
        BufferedImage image = blank(height, width, zoom);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                double base = DIM_LOW + (DIM_HIGH - DIM_LOW) * luminance(photo, channels, plane, i);
                fill(image, x * zoom, y * zoom, zoom, blendRgb(base, clip.unit(map[i])));
            }
        }
        return image;
    }

    /** One {@link #blend} pixel: grey level {@code base} in [0, 1] moved towards red or blue by {@code |v|}, v in [-1, 1]. */
    static int blendRgb(double base, double v) {
        int target = Palette.DIVERGING.rgb(v >= 0 ? 1 : -1);
        double t = Math.min(1, Math.abs(v));
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            rgb = (rgb << 8) | level(255 * base * (1 - t) + ((target >> shift) & 0xFF) * t);
        }
        return rgb;
    }

    /** Luminance of the darkest photo pixel in a {@link #blend}. */
    public static final double DIM_LOW = 0.25;
    /** Luminance of the brightest photo pixel in a {@link #blend}. */
    public static final double DIM_HIGH = 0.75;

    /**
     * A three-channel etalon as a colour image: each channel of W mapped around mid grey with the one scale given
     * for all three, {@code 127.5 + 127.5 * W[c] / clip} (clamped). A pixel is redder than grey where brightening
     * its red raises the score, and so on.
     *
     * @param weights not modified; {@code (3, height, width)}
     */
    public static BufferedImage colourEtalon(float[] weights, int height, int width, int zoom, ClipScale clip) {
        checkPhoto(weights, 3, height, width);
        int plane = height * width;
        BufferedImage image = blank(height, width, zoom);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    rgb = (rgb << 8) | level(127.5 + 127.5 * clip.unit(weights[c * plane + i]));
                }
                fill(image, x * zoom, y * zoom, zoom, rgb);
            }
        }
        return image;
    }

    /**
     * An input image with one (grey) or three (RGB) channels in {@code [0, 1]}, as the network sees it.
     *
     * @param pixels not modified; {@code (channels, height, width)}
     */
    public static BufferedImage photo(float[] pixels, int channels, int height, int width, int zoom) {
        checkPhoto(pixels, channels, height, width);
        if (channels == 1) {
            return grey(pixels, height, width, zoom);
        }
        int plane = height * width;
        BufferedImage image = blank(height, width, zoom);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    rgb = (rgb << 8) | level(255.0 * pixels[c * plane + i]);
                }
                fill(image, x * zoom, y * zoom, zoom, rgb);
            }
        }
        return image;
    }

    /**
     * An input image with pixels in {@code [0, 1]} as grey levels (0 black, 1 white).
     *
     * @param pixels not modified; {@code (height, width)}
     */
    public static BufferedImage grey(float[] pixels, int height, int width, int zoom) {
        BufferedImage image = new BufferedImage(width * zoom, height * zoom, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int level = Math.max(0, Math.min(255, Math.round(pixels[y * width + x] * 255)));
                fill(image, x * zoom, y * zoom, zoom, (level << 16) | (level << 8) | level);
            }
        }
        return image;
    }

    private static double luminance(float[] photo, int channels, int plane, int i) {
        double l = channels == 1 ? photo[i]
                : 0.299 * photo[i] + 0.587 * photo[plane + i] + 0.114 * photo[2 * plane + i];
        return Math.max(0, Math.min(1, l));
    }

    static int level(double level) {
        return (int) Math.max(0, Math.min(255, Math.round(level)));
    }

    private static BufferedImage blank(int height, int width, int zoom) {
        return new BufferedImage(width * zoom, height * zoom, BufferedImage.TYPE_INT_RGB);
    }

    private static void checkPhoto(float[] pixels, int channels, int height, int width) {
        if ((channels != 1 && channels != 3) || pixels.length != (long) channels * height * width) {
            throw new IllegalArgumentException("an image to draw must be 1 or 3 channels of " + height + "x" + width
                    + ", got " + pixels.length + " values for " + channels + " channel(s)");
        }
    }

    /**
     * A zoom x zoom square of one colour, written straight into the pixels of a {@link #blank} image: setRGB converts
     * each pixel through the colour model and took a sixth of a photo's {@code explain} with its views.
     */
    private static void fill(BufferedImage image, int left, int top, int zoom, int rgb) {
        int[] pixels = ((java.awt.image.DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int stride = image.getWidth();
        for (int dy = 0; dy < zoom; dy++) {
            int row = (top + dy) * stride + left;
            java.util.Arrays.fill(pixels, row, row + zoom, rgb & 0xffffff);
        }
    }

    /** Writes a PNG through a temporary file in the same folder, then moves it into place. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        io.etalon.data.AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer is available in this Java runtime");
            }
        });
    }
}
