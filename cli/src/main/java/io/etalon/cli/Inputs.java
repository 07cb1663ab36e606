package io.etalon.cli;

import io.etalon.data.DataFormatException;
import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.Photo;
import io.etalon.data.PhotoReader;
import io.etalon.data.PngImages;
import io.etalon.data.Preprocessing;
import io.etalon.graph.Network;
import io.etalon.tensor.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the images a command is asked about and checks that they fit the model. */
final class Inputs {

    private Inputs() {
    }

    static ImageSet idx(Path file, Network network) throws IOException {
        ImageSet images = Idx.readImages(Home.existing(file, "image file"));
        return checkFits(images, file.toString(), network);
    }

    static ImageSet png(List<Path> files, Network network) throws IOException {
        if (network.inputShape().rank() != 3 || network.inputShape().dim(0) != 1) {
            throw new IllegalArgumentException("PNG input needs a model with one input channel; this model takes "
                    + network.inputShape());
        }
        return PngImages.read(files, network.inputShape().dim(1), network.inputShape().dim(2));
    }

    /**
     * Photos read and preprocessed into the model's input X.
     *
     * @param images  X of each photo, {@code (N, C, H, W)} in {@code [0, 1]}
     * @param files   the photo files, in the order of {@code images}
     * @param records what was done to each photo, for summary.json
     */
    record Photos(ImageSet images, List<Path> files, List<Map<String, Object>> records) {
    }

    /** A network loaded for its inputs, and those inputs: from an IDX file, or from a folder of photos. */
    record Loaded(Network network, ImageSet images, Photos photos) {
    }

    /** Loads the model and reads {@code images}: a folder of photos (preprocessed) or an IDX file (grey, as it is). */
    static Loaded idxOrPhotos(InputOptions input, Path model, Path images, PrintWriter err) throws IOException {
        if (Files.isDirectory(images)) {
            Network network = input.loadForPhotos(model, err);
            Photos photos = photos(List.of(images), network, input.preprocessing(), err);
            return new Loaded(network, photos.images(), photos);
        }
        Network network = input.load(model, err);
        return new Loaded(network, idx(images, network), null);
    }

    /**
     * Reads photo files (folders meaning their image files in name order) as the network's input X: decoded (colour
     * stays colour; see {@link Photo#asChannels} for grey files and alpha), resized and centre-cropped by
     * {@code preprocessing}.
     *
     * @param network a network loaded by {@link InputOptions#loadForPhotos}, taking {@code CxHxW} images
     * @param err     where the note on alpha goes, once, when a photo has an alpha channel
     * @throws DataFormatException if a photo is not of the model's size after preprocessing (naming the options that
     *                             make it so), is smaller than the crop, or cannot be read
     */
    static Photos photos(List<Path> filesOrFolders, Network network, Preprocessing preprocessing, PrintWriter err)
            throws IOException {
        List<Path> files = PhotoReader.files(filesOrFolders);
        Shape shape = network.inputShape();
        int channels = shape.dim(0);
        int height = shape.dim(1);
        int width = shape.dim(2);
        float[] pixels = new float[files.size() * shape.size()];
        List<Map<String, Object>> records = new ArrayList<>();
        boolean told = false;
        for (int k = 0; k < files.size(); k++) {
            Path file = files.get(k);
            Photo photo = PhotoReader.read(file);
            if (photo.alpha() != null && !told) {
                err.println("etalon: note: " + file + " has an alpha channel; " + (channels == 3
                        ? "this colour model sees its colour with alpha dropped, as PIL's convert('RGB')"
                        : "this one-channel model sees its luminance times alpha (transparent = black)"));
                told = true;
            }
            float[] x = preprocessing.input(photo, channels, height, width);
            System.arraycopy(x, 0, pixels, k * shape.size(), x.length);
            records.add(record(photo, channels, preprocessing));
        }
        return new Photos(new ImageSet(files.size(), channels, height, width, pixels), files, records);
    }

    /** What was done to a photo, as summary.json states it. */
    private static Map<String, Object> record(Photo photo, int channels, Preprocessing preprocessing) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("format", photo.format());
        record.put("originalWidth", photo.width());
        record.put("originalHeight", photo.height());
        record.put("fileChannels", photo.grey() ? "grey" : "RGB");
        record.put("bitsPerSample", photo.bits());
        record.put("exifOrientation", photo.orientation());
        record.put("alpha", photo.alpha() == null ? "none" : Photo.ALPHA_POLICY);
        record.put("modelChannels", channels);
        record.put("preset", preprocessing.name());
        int[] resized = preprocessing.resizedSize(photo.height(), photo.width());
        // ordered maps: the same photo gives the same summary.json, byte for byte, run after run
        record.put("resize", preprocessing.resize() == 0 ? null : ordered("shorterSide", preprocessing.resize(),
                "width", resized[1], "height", resized[0], "filter", "bilinear, antialiased (PIL Image.resize)"));
        int[] offsets = preprocessing.cropOffsets(resized[0], resized[1]);
        record.put("crop", preprocessing.cropHeight() == 0 ? null : ordered("width", preprocessing.cropWidth(),
                "height", preprocessing.cropHeight(), "left", offsets[1], "top", offsets[0]));
        record.put("values", "0..1 (ToTensor), before normalisation");
        record.put("mean", preprocessing.mean());
        record.put("std", preprocessing.std());
        return record;
    }

    /** Keys and values, alternating, as a map that keeps their order. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static ImageSet checkFits(ImageSet images, String source, Network network) {
        checkFits(images.shape(), source, network);
        return images;
    }

    static void checkFits(io.etalon.tensor.Shape shape, String source, Network network) {
        if (!shape.equals(network.inputShape())) {
            throw new DataFormatException(source + ": images are " + shape + " but the model takes "
                    + network.inputShape() + "; give images of the model's input size");
        }
    }

    /** The first {@code limit} images, or all when {@code limit} is null. */
    static ImageSet first(ImageSet images, Integer limit, String option) {
        if (limit == null || limit >= images.count()) {
            return images;
        }
        if (limit <= 0) {
            throw new IllegalArgumentException(option + " must be positive, got " + limit);
        }
        return images.select(java.util.stream.IntStream.range(0, limit).toArray());
    }

    static int[] labels(Path file, int expected) throws IOException {
        int[] labels = Idx.readLabels(Home.existing(file, "label file"));
        if (labels.length != expected) {
            throw new DataFormatException(file + ": holds " + labels.length + " labels but the image file holds "
                    + expected + " images; give the matching label file");
        }
        return labels;
    }
}
