package io.etalon.bench;

import io.etalon.data.Npy;
import io.etalon.graph.Network;
import io.etalon.onnx.OnnxModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An ImageNet-size workload of the peer comparison: a 224x224 CNN as ONNX (for Etalon and ONNX Runtime) and as
 * TorchScript with the same weights (for PyTorch through DJL), and the shipped photos preprocessed as torchvision does
 * (resize 256, centre crop 224, ImageNet mean and standard deviation), {@code (count, 3, 224, 224)}.
 *
 * <p>The TorchScript files, the ResNet-18-shaped ONNX file and the photo tensor are generated (about 100 MB, so not
 * committed) into {@code bench/generated/} by {@code /usr/bin/python3 tools/bench/export_imagenet.py}.
 *
 * @param flops multiply-adds times two of one image's forward pass, counted over the network's convolutions and
 *              dense layers: the unit of the GFLOP/s figures
 */
record ImagenetWorkload(String name, Path onnxFile, Path torchScript, Network network, float[] images, int count,
                        double flops) {

    static final String GENERATOR = "/usr/bin/python3 tools/bench/export_imagenet.py";

    /**
     * {@code squeezenet1_1} (the shipped pretrained model), {@code resnet18} (the ResNet-18-shaped network) or
     * {@code mobilenet_v2} (MobileNet-V2-shaped, with depthwise layers and ReLU6); its generated files must exist
     * ({@link #missing}).
     */
    static ImagenetWorkload load(String name) {
        Path root = Workload.root();
        Path generated = root.resolve("bench/generated");
        float[] photos = photos(generated.resolve("photos.npy"));
        return load(name, onnxFile(name), generated.resolve(name + ".pt"), photos);
    }

    /** The ONNX file of workload {@code name}: the shipped model, or one the generator made. */
    private static Path onnxFile(String name) {
        Path root = Workload.root();
        return switch (name) {
            case "squeezenet1_1" -> root.resolve("models/squeezenet1_1.onnx");
            case "resnet18", "mobilenet_v2" -> root.resolve("bench/generated").resolve(name + ".onnx");
            default -> throw new IllegalArgumentException("no ImageNet-size workload " + name);
        };
    }

    /** Whether workload {@code name}'s generated files exist: null if so, else a message saying how to make them. */
    static String missing(String name) {
        Path generated = Workload.root().resolve("bench/generated");
        for (Path file : new Path[] {generated.resolve("photos.npy"), generated.resolve(name + ".pt"), onnxFile(name)}) {
            if (!Files.exists(file)) {
                return file + " is missing; make the ImageNet-size workloads with " + GENERATOR;
            }
        }
        return null;
    }

    private static float[] photos(Path file) {
        try {
            Npy.Array array = Npy.read(file);
            int[] shape = array.shape();
            if (shape.length != 4 || shape[1] != 3 || shape[2] != 224 || shape[3] != 224) {
                throw new IllegalStateException(file + " is not [N, 3, 224, 224]; make it again with " + GENERATOR);
            }
            double[] values = array.values();
            float[] images = new float[values.length];
            for (int i = 0; i < values.length; i++) {
                images[i] = (float) values[i];
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ImagenetWorkload load(String name, Path onnx, Path torchScript, float[] photos) {
        try {
            Network network = OnnxModels.load(onnx).network();
            int size = network.inputShape().size();
            return new ImagenetWorkload(name, onnx, torchScript, network, photos, photos.length / size, flops(network));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Two times the multiply-adds of one image's forward pass through the convolutions and dense layers. */
    static double flops(Network network) {
        return 2.0 * network.multiplyAdds();
    }

    /** {@code n} images taken cyclically, back to back. */
    float[] batch(int n) {
        int size = network.inputShape().size();
        float[] batch = new float[n * size];
        for (int k = 0; k < n; k++) {
            System.arraycopy(images, (k % count) * size, batch, k * size, size);
        }
        return batch;
    }
}
