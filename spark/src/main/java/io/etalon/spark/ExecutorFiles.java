package io.etalon.spark;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Files that executors read and write themselves, on whatever file system a path names. */
final class ExecutorFiles {

    private ExecutorFiles() {
    }

    /** One Hadoop configuration per executor JVM: the cluster's settings from its classpath. */
    static Configuration configuration() {
        return Holder.CONFIGURATION;
    }

    /**
     * Writes a file whole: to a temporary name beside it, then renamed over it, so that a reader never sees half a
     * file and a retried task simply writes it again.
     */
    static void writeWhole(String file, byte[] content) throws IOException {
        Path target = new Path(file);
        FileSystem files = target.getFileSystem(configuration());
        if (files instanceof org.apache.hadoop.fs.LocalFileSystem local) {
            files = local.getRaw(); // no .crc file beside each output
        }
        Path temporary = new Path(target.getParent(), "." + target.getName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try (FSDataOutputStream out = files.create(temporary, true)) {
            out.write(content);
        }
        files.delete(target, false);
        if (!files.rename(temporary, target)) {
            files.delete(temporary, false);
            throw new IOException(file + ": could not move the finished file into place");
        }
    }

    private static final class Holder {
        private static final Configuration CONFIGURATION = new Configuration();
    }
}
