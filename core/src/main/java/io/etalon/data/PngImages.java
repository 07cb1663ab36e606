package io.etalon.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Reads PNG (or any format the JDK's ImageIO reads) as grey images in {@code [0, 1]}. Colour becomes luminance
 * {@code 0.299 R + 0.587 G + 0.114 B}; transparent pixels count as black (the MNIST background), i.e. colour is
 * multiplied by alpha. Images must already have the model's size: digits are expected white on black, as in MNIST.
 */
public final class PngImages {

    private PngImages() {
    }

    /** Reads images of exactly {@code height x width} pixels, one channel each. */
    public static ImageSet read(List<Path> files, int height, int width) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no image files were given");
        }
        float[] pixels = new float[files.size() * height * width];
        for (int k = 0; k < files.size(); k++) {
            Path file = files.get(k);
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file + ": no such file");
            }
            BufferedImage image;
            try {
                image = ImageIO.read(file.toFile());
            } catch (IOException | RuntimeException e) {
                throw new DataFormatException(file + ": not a readable image (" + e.getMessage() + "); give a PNG file");
            }
            if (image == null) {
                throw new DataFormatException(file + ": not a readable image; give a PNG file");
            }
            if (image.getHeight() != height || image.getWidth() != width) {
                throw new DataFormatException(file + ": image is " + image.getWidth() + "x" + image.getHeight()
                        + " pixels but the model takes " + width + "x" + height + "; resize it to " + width + "x" + height);
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int argb = image.getRGB(x, y);
                    double alpha = ((argb >>> 24) & 0xFF) / 255.0;
                    double luminance = 0.299 * ((argb >> 16) & 0xFF) + 0.587 * ((argb >> 8) & 0xFF) + 0.114 * (argb & 0xFF);
                    pixels[(k * height + y) * width + x] = (float) (alpha * luminance / 255.0);
                }
            }
        }
        return new ImageSet(files.size(), 1, height, width, pixels);
    }
}
