package io.etalon.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns etalons and inputs into pictures. Etalons use one symmetric scale per image, as in the paper: the value
 * of largest magnitude maps to full white or black, 0 to the palette's middle.
 */
public final class Images {

    private Images() {
    }

    /**
     * An etalon (or any signed map) as a picture, each value a {@code zoom x zoom} block.
     *
     * @param values not modified; {@code (height, width)} row-major, one channel
     */
    public static BufferedImage signed(float[] values, int height, int width, int zoom, Palette palette) {
        double scale = 0;
        for (int i = 0; i < height * width; i++) {
            scale = Math.max(scale, Math.abs(values[i]));
        }
        BufferedImage image = new BufferedImage(width * zoom, height * zoom, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double v = scale == 0 ? 0 : values[y * width + x] / scale;
                fill(image, x * zoom, y * zoom, zoom, palette.rgb(v));
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

    /**
     * A colour input image with values in {@code [0, 1]} (clamped), each channel rounded to {@code round(255 v)}.
     *
     * @param pixels not modified; {@code (3, height, width)} row-major RGB
     */
    public static BufferedImage colour(float[] pixels, int height, int width, int zoom) {
        BufferedImage image = new BufferedImage(width * zoom, height * zoom, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    rgb = (rgb << 8) | Math.max(0, Math.min(255, Math.round(pixels[c * plane + y * width + x] * 255)));
                }
                fill(image, x * zoom, y * zoom, zoom, rgb);
            }
        }
        return image;
    }

    private static void fill(BufferedImage image, int left, int top, int zoom, int rgb) {
        for (int dy = 0; dy < zoom; dy++) {
            for (int dx = 0; dx < zoom; dx++) {
                image.setRGB(left + dx, top + dy, rgb);
            }
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
