package io.etalon.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Reads PNG (or any format the JDK's ImageIO reads) as grey images in {@code [0, 1]}, and writes grey PNGs. Colour
 * becomes luminance {@code 0.299 R + 0.587 G + 0.114 B}; transparent pixels count as black (the MNIST background),
 * i.e. colour is multiplied by alpha. Images must already have the model's size: digits are expected white on black,
 * as in MNIST.
 *
 * <p>Grey PNGs (8 or 16 bit, with or without alpha) are read from their stored samples, {@code sample / (2^bits - 1)}:
 * Java treats their colour space as linear and {@code BufferedImage.getRGB} would brighten mid greys (128 reads as
 * 188), so a grey digit would not read back as the levels it was saved with.
 *
 * <p>Example: {@code PngImages.write(file, pixels, 28, 28); ImageSet digit = PngImages.read(List.of(file), 28, 28);}
 * gives back {@code pixels} rounded to multiples of 1/255.
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
            readGrey(checked(image, file.toString(), height, width), pixels, k * height * width);
        }
        return new ImageSet(files.size(), 1, height, width, pixels);
    }

    /**
     * Decodes one image from the bytes of a PNG (or other ImageIO) file, as {@link #read} reads a file.
     *
     * @param content not modified; the bytes of the file
     * @param name    what to call the image in messages (a file name, a table row)
     * @return {@code height * width} grey levels in {@code [0, 1]}, row-major
     */
    public static float[] decode(byte[] content, String name, int height, int width) {
        BufferedImage image;
        try {
            image = ImageIO.read(new java.io.ByteArrayInputStream(content));
        } catch (IOException | RuntimeException e) {
            throw new DataFormatException(name + ": not a readable image (" + e.getMessage() + "); give PNG bytes");
        }
        float[] pixels = new float[height * width];
        readGrey(checked(image, name, height, width), pixels, 0);
        return pixels;
    }

    private static BufferedImage checked(BufferedImage image, String name, int height, int width) {
        if (image == null) {
            throw new DataFormatException(name + ": not a readable image; give a PNG file");
        }
        if (image.getHeight() != height || image.getWidth() != width) {
            throw new DataFormatException(name + ": image is " + image.getWidth() + "x" + image.getHeight()
                    + " pixels but the model takes " + width + "x" + height + "; resize it to " + width + "x" + height);
        }
        return image;
    }

    /**
     * Writes one grey image as an 8-bit greyscale PNG, through a temporary file in the same folder that is then moved
     * into place. Pixels are clamped to {@code [0, 1]} and rounded to {@code round(255 p)}.
     *
     * @param pixels not modified; {@code (height, width)} row-major, finite
     */
    public static void write(Path file, float[] pixels, int height, int width) throws IOException {
        if (height <= 0 || width <= 0 || pixels.length != (long) height * width) {
            throw new IllegalArgumentException("a " + height + "x" + width + " grey image needs " + (long) height * width
                    + " pixels, got " + pixels.length);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int i = 0; i < pixels.length; i++) {
            if (!Float.isFinite(pixels[i])) {
                throw new IllegalArgumentException(file + ": pixel " + i + " is " + pixels[i] + "; pixels must be finite numbers");
            }
            // set the sample, not the RGB: setRGB on a grey image would apply the same linear/sRGB conversion as getRGB
            raster.setSample(i % width, i / width, 0, Math.round(Math.max(0f, Math.min(1f, pixels[i])) * 255));
        }
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer is available in this Java runtime");
            }
        });
    }

    /** Writes one image's grey levels in {@code [0, 1]} into {@code pixels} from {@code offset} (modified). */
    private static void readGrey(BufferedImage image, float[] pixels, int offset) {
        int height = image.getHeight();
        int width = image.getWidth();
        ColorModel model = image.getColorModel();
        Raster raster = image.getRaster();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1
                && raster.getNumBands() == model.getNumComponents()) {
            double greyMax = (1 << model.getComponentSize(0)) - 1;
            boolean alpha = model.hasAlpha();
            double alphaMax = alpha ? (1 << model.getComponentSize(1)) - 1 : 1;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double level = raster.getSample(x, y, 0) / greyMax;
                    double opacity = alpha ? raster.getSample(x, y, 1) / alphaMax : 1;
                    pixels[offset + y * width + x] = (float) (opacity * level);
                }
            }
            return;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int argb = image.getRGB(x, y);
                double opacity = ((argb >>> 24) & 0xFF) / 255.0;
                double luminance = 0.299 * ((argb >> 16) & 0xFF) + 0.587 * ((argb >> 8) & 0xFF) + 0.114 * (argb & 0xFF);
                pixels[offset + y * width + x] = (float) (opacity * luminance / 255.0);
            }
        }
    }
}
