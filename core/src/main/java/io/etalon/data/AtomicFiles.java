package io.etalon.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files all or nothing: the content goes to a hidden temporary file in the target's folder, which is then
 * moved over the target in one step. A failed or interrupted write leaves no half-written file behind.
 */
public final class AtomicFiles {

    /** Writes the content of a file to a stream. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code file} through a temporary file; creates missing parent folders. */
    public static void write(Path file, Writer writer) throws IOException {
        Path folder = file.toAbsolutePath().getParent();
        Files.createDirectories(folder);
        Path temporary = Files.createTempFile(folder, ".etalon-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temporary)) {
                writer.write(out);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Writes bytes to {@code file} through a temporary file. */
    public static void write(Path file, byte[] content) throws IOException {
        write(file, out -> out.write(content));
    }
}
