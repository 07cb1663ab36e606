package io.etalon.spark;

import java.io.IOException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * A hidden folder inside the output folder, on any file system Spark writes, where a job writes everything first
 * (Spark's own task commits included); {@link #publish} then renames each finished entry into place, and {@link
 * #close} removes what is left. A failed job leaves no half-written output behind, and Spark's readers skip the
 * hidden folder. (On object stores such as S3 a rename is a copy: publishing is then complete but not atomic.)
 */
final class Staging implements AutoCloseable {

    private final FileSystem files;
    private final Path target;
    private final Path folder;

    Staging(SparkSession session, String out) throws IOException {
        this.target = new Path(out);
        FileSystem system = target.getFileSystem(session.sparkContext().hadoopConfiguration());
        // locally, write the summaries without a .crc file beside them, as the command line does
        this.files = system instanceof org.apache.hadoop.fs.LocalFileSystem local ? local.getRaw() : system;
        if (files.exists(target) && !files.getFileStatus(target).isDirectory()) {
            throw new java.nio.file.FileAlreadyExistsException(out + ": exists and is not a folder; give an output folder");
        }
        this.folder = new Path(target, ".etalon-staging-" + java.util.UUID.randomUUID());
        if (!files.mkdirs(folder)) {
            throw new IOException(out + ": cannot create the output folder");
        }
    }

    /** Where to write entry {@code name} before it is published. */
    String resolve(String name) {
        return new Path(folder, name).toString();
    }

    /** Writes a small file of the staging folder (a JSON summary) from the driver. */
    void write(String name, byte[] content) throws IOException {
        try (FSDataOutputStream out = files.create(new Path(folder, name), false)) {
            out.write(content);
        }
    }

    /** Moves entry {@code name} (file or folder) into the output folder, replacing an older one. */
    void publish(String name) throws IOException {
        Path destination = new Path(target, name);
        if (files.exists(destination)) {
            files.delete(destination, true);
        }
        if (!files.rename(new Path(folder, name), destination)) {
            throw new IOException(destination + ": could not move the finished output into place");
        }
    }

    /** The output folder as a fully qualified path, for messages. */
    String target() {
        return files.makeQualified(target).toString();
    }

    @Override
    public void close() throws IOException {
        files.delete(folder, true);
    }
}
