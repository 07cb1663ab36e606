package io.etalon.cli;

import io.etalon.data.DataFormatException;
import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.data.PngImages;
import io.etalon.graph.Network;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

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
