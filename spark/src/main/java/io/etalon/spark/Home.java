package io.etalon.spark;

import java.nio.file.Path;

/**
 * The shipped model and data, as the {@code etalon} command finds them: under the folder named by the system property
 * {@code etalon.home} (the launcher sets it to the repository), else the current folder.
 */
final class Home {

    private Home() {
    }

    static String model() {
        return root().resolve("models").resolve("lenet-mnist.onnx").toString();
    }

    static String mnist() {
        return root().resolve("data").resolve("mnist").toString();
    }

    private static Path root() {
        String home = System.getProperty("etalon.home");
        return home == null ? Path.of("") : Path.of(home);
    }
}
