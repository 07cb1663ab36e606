package io.etalon.cli.web;

import io.etalon.tensor.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The photo page's two steps around an explanation, each done by the same code as the command line: a photo file
 * becomes X, and X with its etalons becomes pictures the page shows as PNG data URLs.
 */
final class PhotoPictures {

    private PhotoPictures() {
    }

    /**
     * The pictures of one photo's etalons.
     *
     * @param input  X as the network sees it, a PNG data URL
     * @param views  per etalon (in order), its pictures by view name ({@code blend}, {@code heat}, ...)
     * @param legend per view, what its colours mean: {@code view}, {@code words} (lines), {@code clip}, {@code percentile}
     */
    record Drawn(String input, List<Map<String, String>> views, List<Map<String, Object>> legend) {
    }

    /**
     * X for a photo file: decoded, resized and cropped by {@code preprocessing}.
     *
     * @param file  not modified; the bytes of a JPEG, PNG or BMP file
     * @param input the model's input shape {@code (C, H, W)}, which X must have
     * @throws IllegalArgumentException with one line for a file that is not an image, is damaged, too large, or does
     *                                  not give X of the model's shape
     */
    static float[] input(byte[] file, Preprocessing preprocessing, Shape input) {
        checkPixels(file);
        if (input.dim(0) != 3 || preprocessing.cropHeight() != input.dim(1) || preprocessing.cropWidth() != input.dim(2)) {
            throw new IllegalArgumentException("the preprocessing does not give this model's input " + input);
        }
        return InterimPhotos.input(file, preprocessing.resize(), preprocessing.cropHeight());
    }

    /** Draws X and the views of each etalon, one scale per view for all of them. */
    static Drawn draw(float[] x, List<float[]> etalons, Shape input) {
        return InterimPhotos.draw(x, etalons, input.dim(1), input.dim(2));
    }

    /** The preprocessing in words, for the page. */
    static String describe(Preprocessing preprocessing, Shape input) {
        StringBuilder text = new StringBuilder();
        if (preprocessing.resize() > 0) {
            text.append("shorter side resized to ").append(preprocessing.resize()).append(", ");
        }
        if (preprocessing.cropHeight() > 0) {
            text.append("centre ").append(preprocessing.cropWidth()).append("x").append(preprocessing.cropHeight())
                    .append(" cropped, ");
        }
        text.append("RGB in 0..1 (").append(input).append(")");
        if (preprocessing.mean().length > 0) {
            text.append("; normalised by mean ").append(java.util.Arrays.toString(preprocessing.mean())).append(" and std ")
                    .append(java.util.Arrays.toString(preprocessing.std())).append(" inside the network");
        }
        return text.toString();
    }

    /** Refuses a photo whose header states more than {@link EtalonApi#MAX_PHOTO_PIXELS} pixels, before decoding it. */
    static void checkPixels(byte[] file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IllegalArgumentException("the photo is not an image Etalon reads; send a JPEG, PNG or BMP file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > EtalonApi.MAX_PHOTO_PIXELS) {
                    throw new IllegalArgumentException("the photo is " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels; at most " + EtalonApi.MAX_PHOTO_PIXELS / 1_000_000 + " megapixels, so scale it down");
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the photo's header cannot be read (" + e.getMessage()
                    + "); send a whole JPEG, PNG or BMP file");
        }
    }

    /** A picture as a {@code data:image/png;base64,...} URL. */
    static String dataUrl(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }
}
