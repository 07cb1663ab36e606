package io.etalon.cli;

import java.nio.file.Files;
import java.nio.file.Path;

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

    /** The shipped MNIST folder. */
    static Path mnist() {
        return root().resolve("data").resolve("mnist");
    }

    static Path testImages(Path folder) {
        return folder.resolve("test-images-idx3-ubyte.gz");
    }

    static Path testLabels(Path folder) {
        return folder.resolve("test-labels-idx1-ubyte.gz");
    }

    static Path trainImages(Path folder) {
        return folder.resolve("train-images-idx3-ubyte.gz");
    }

    static Path trainLabels(Path folder) {
        return folder.resolve("train-labels-idx1-ubyte.gz");
    }

    /** Fails with a one-line message if a file the command needs is missing. */
    static Path existing(Path file, String what) throws java.nio.file.NoSuchFileException {
        if (!Files.isRegularFile(file)) {
            throw new java.nio.file.NoSuchFileException(file + ": " + what + " not found");
        }
        return file;
    }
}
