package io.etalon.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the shipped model and data live: the folder named by the system property {@code etalon.home} (set by the
 * {@code etalon} launcher to the repository root), else the current folder.
 */
final class Home {

    private Home() {
    }

    static Path root() {
        String home = System.getProperty("etalon.home");
        return home == null ? Path.of("") : Path.of(home);
    }

    /** The shipped LeNet. */
    static Path model() {
        return root().resolve("models").resolve("lenet-mnist.onnx");
    }

    /** The shipped ImageNet model, SqueezeNet 1.1 (see models/README.md). */
    static Path photoModel() {
        return root().resolve("models").resolve("squeezenet1_1.onnx");
    }

    /** The names of its 1,000 classes. */
    static Path imagenetClasses() {
        return root().resolve("models").resolve("imagenet_classes.txt");
    }

    /** The shipped photos (see data/photos/NOTICE). */
    static Path photos() {
        return root().resolve("data").resolve("photos");
    }

    /** The shipped MNIST folder. */
    static Path mnist() {
        return root().resolve("data").resolve("mnist");
    }

    static Path testImages(Path folder) {
        return idxFile(folder, "test", "images-idx3-ubyte");
    }

    static Path testLabels(Path folder) {
        return idxFile(folder, "test", "labels-idx1-ubyte");
    }

    static Path trainImages(Path folder) {
        return idxFile(folder, "train", "images-idx3-ubyte");
    }

    static Path trainLabels(Path folder) {
        return idxFile(folder, "train", "labels-idx1-ubyte");
    }

    /**
     * An IDX file of a data folder: {@code SPLIT-KIND.gz}, where the test split may also use the original MNIST name
     * {@code t10k} (as Fashion-MNIST and Debian's dataset packages do), gzipped or not. The first that exists, else the
     * shipped naming, for the error message.
     */
    private static Path idxFile(Path folder, String split, String kind) {
        List<String> prefixes = split.equals("test") ? List.of("test", "t10k") : List.of(split);
        for (String prefix : prefixes) {
            for (String suffix : List.of(".gz", "")) {
                Path candidate = folder.resolve(prefix + "-" + kind + suffix);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        return folder.resolve(split + "-" + kind + ".gz");
    }

    /** Fails with a one-line message if a file the command needs is missing. */
    static Path existing(Path file, String what) throws java.nio.file.NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file + ": " + what + " not found");
        }
        return file;
    }
}
