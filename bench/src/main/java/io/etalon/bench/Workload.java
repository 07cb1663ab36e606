package io.etalon.bench;

import io.etalon.data.Idx;
import io.etalon.data.ImageSet;
import io.etalon.graph.Network;
import io.etalon.onnx.OnnxModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * What every engine is measured on: the shipped LeNet and the first images of the shipped held-out digits.
 * Files are found under the system property {@code etalon.home}, else the current or parent folder.
 */
public record Workload(Path modelFile, Network network, float[] images, int count) {

    /** Loads the shipped model and the first {@code count} test images. */
    public static Workload load(int count) {
        Path root = root();
        try {
            Path model = root.resolve("models/lenet-mnist.onnx");
            Network network = OnnxModels.load(model).network();
            ImageSet test = Idx.readImages(root.resolve("data/mnist/test-images-idx3-ubyte.gz"));
            int n = Math.min(count, test.count());
            return new Workload(model, network, Arrays.copyOf(test.pixels(), n * 784), n);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code n} images taken cyclically from the workload, back to back. */
    public float[] batch(int first, int n) {
        int size = network.inputShape().size();
        float[] batch = new float[n * size];
        for (int k = 0; k < n; k++) {
            System.arraycopy(images, ((first + k) % count) * size, batch, k * size, size);
        }
        return batch;
    }

    /** The repository root holding models/, data/ and tools/. */
    static Path root() {
        String home = System.getProperty("etalon.home");
        if (home != null) {
            return Path.of(home);
        }
        return Files.exists(Path.of("models/lenet-mnist.onnx")) ? Path.of("") : Path.of("..");
    }
}
