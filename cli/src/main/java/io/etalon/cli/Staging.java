package io.etalon.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A hidden folder inside the output folder where a command writes everything first; {@link #publish} then moves
 * each finished entry into place, and {@link #close} removes what is left. A failed run leaves no half-written
 * output behind.
 */
final class Staging implements AutoCloseable {

    private final Path target;
    private final Path folder;

    Staging(Path target) throws IOException {
        this.target = target;
        Files.createDirectories(target);
        this.folder = Files.createTempDirectory(target, ".etalon-staging-");
    }

    /** Where to write entry {@code name} before it is published. */
    Path resolve(String name) {
        return folder.resolve(name);
    }

    /** Moves entry {@code name} (file or folder) into the output folder, replacing an older one. */
    Path publish(String name) throws IOException {
        Path destination = target.resolve(name);
        deleteRecursively(destination);
        return Files.move(folder.resolve(name), destination, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() throws IOException {
        deleteRecursively(folder);
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
