package io.etalon.cli.web;

import io.etalon.data.Photo;
import io.etalon.data.PhotoReader;
import io.etalon.data.Preprocessing;
import io.etalon.render.ClipScale;
import io.etalon.render.Images;
import io.etalon.render.Legend;
import io.etalon.render.Palette;
import io.etalon.render.View;
import io.etalon.render.ViewSet;
import io.etalon.tensor.Shape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The photo page's two steps around an explanation, each done by core's code as the command line does it: a photo
 * file becomes X ({@link PhotoReader}, {@link Preprocessing}), and X with its etalons becomes the pictures of
 * {@link ViewSet} and their {@link Legend}, as PNG data URLs the page shows.
 */
final class PhotoPictures {

    /** What the page calls the photo in messages: the file's name is the user's own and stays in the browser. */
    static final String NAME = "uploaded photo";

    private PhotoPictures() {
    }

    /**
     * The pictures of one photo's etalons.
     *
     * @param input  X as the network sees it, a PNG data URL
     * @param views  per etalon (in order), its picture of each view by the view's suffix ({@code blend}, {@code heat},
     *               {@code abs}, {@code colour}), PNG data URLs
     * @param legend per view: {@code view}, {@code words} (what its colours mean, the title first), {@code clip} (the
     *               value drawn at full colour), {@code percentile} and {@code picture} (its colour bar, end values
     *               and words, a PNG data URL)
     */
    record Drawn(String input, List<Map<String, String>> views, List<Map<String, Object>> legend) {
    }

    /**
     * X for a photo file: decoded, resized and cropped by {@code preprocessing}, as {@code etalon explain --image}
     * makes it.
     *
     * @param file  not modified; the bytes of a JPEG, PNG or BMP file
     * @param input the model's input shape {@code (C, H, W)}, which X must have
     * @throws IllegalArgumentException with one line for a file that is not an image, is damaged or too large, or does
     *                                  not give X of the model's shape (see {@link Preprocessing#input})
     */
    static float[] input(byte[] file, Preprocessing preprocessing, Shape input) {
        checkPixels(file);
        Photo photo = PhotoReader.decode(file, NAME);
        return preprocessing.input(photo, input.dim(0), input.dim(1), input.dim(2));
    }

    /** Draws X and every view of each etalon, one scale per view shared by all of them, and the legend. */
    static Drawn draw(float[] x, List<float[]> etalons, Shape input) {
        int channels = input.dim(0);
        int height = input.dim(1);
        int width = input.dim(2);
        List<Map<String, String>> views = new ArrayList<>();
        List<Map<String, Object>> legend = new ArrayList<>();
        if (channels == 3) {
            ViewSet set = ViewSet.draw(x, etalons, height, width, 1, Palette.DIVERGING, ClipScale.DEFAULT_PERCENTILE);
            for (Map<View, BufferedImage> pictures : set.pictures()) {
                Map<String, String> urls = new LinkedHashMap<>();
                for (View view : View.values()) {
                    urls.put(view.suffix(), dataUrl(pictures.get(view)));
                }
                views.add(urls);
            }
            for (Legend.Entry entry : set.legend(Palette.DIVERGING, "the same scale for all " + etalons.size() + " classes")) {
                Map<String, Object> block = new LinkedHashMap<>();
                block.put("view", entry.view().suffix());
                block.put("words", Legend.words(entry));
                block.put("clip", entry.clip().value());
                block.put("percentile", entry.clip().percentile());
                block.put("picture", dataUrl(Legend.draw(List.of(entry), 300)));
                legend.add(block);
            }
        } else {
            // a grey photo model: the etalon is one plane, shown in the paper's grey scale per class
            for (float[] weights : etalons) {
                views.add(Map.of("heat", dataUrl(Images.signed(weights, height, width, 1, Palette.GREY))));
            }
            legend.add(Map.of("view", "heat", "words", List.of("the etalon in the paper's grey scale, one scale per class",
                    "white: brightening the pixel raises the score (attention); black: lowers it (ignoring); mid grey: 0")));
        }
        return new Drawn(dataUrl(Images.photo(x, channels, height, width, 1)), views, legend);
    }

    /** The preprocessing in words, for the page. */
    static String describe(Preprocessing preprocessing) {
        List<String> steps = new ArrayList<>();
        if (preprocessing.resize() > 0) {
            steps.add("shorter side resized to " + preprocessing.resize() + " (bilinear, antialiased)");
        }
        if (preprocessing.cropHeight() > 0) {
            steps.add("centre " + preprocessing.cropWidth() + "x" + preprocessing.cropHeight() + " cropped");
        }
        if (steps.isEmpty()) {
            steps.add("no resize or crop");
        }
        return String.join(", ", steps);
    }

    /** Refuses a photo whose header states more than {@link EtalonApi#MAX_PHOTO_PIXELS} pixels, before decoding it. */
    static void checkPixels(byte[] file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return; // the decoder refuses it with its own message
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > EtalonApi.MAX_PHOTO_PIXELS) {
                    throw new IllegalArgumentException(NAME + " is " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels; the page takes at most " + EtalonApi.MAX_PHOTO_PIXELS / 1_000_000
                            + " megapixels, so scale it down");
                }
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(NAME + ": not a readable image (" + e.getMessage()
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
