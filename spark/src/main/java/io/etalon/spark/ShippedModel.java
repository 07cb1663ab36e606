package io.etalon.spark;

import io.etalon.graph.Network;
import io.etalon.onnx.LoadedModel;
import io.etalon.onnx.OnnxModels;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A model on its way to the executors: its bytes, broadcast once per executor, and their SHA-256, under which each
 * executor keeps the loaded network ({@link ModelCache}). Small enough to go into every task.
 *
 * @param name    the model's file name, for messages
 * @param sha256  hex SHA-256 of the bytes together with the output name
 * @param bytes   the model file's bytes
 * @param output  graph output to explain, or null for the first
 */
record ShippedModel(String name, String sha256, Broadcast<byte[]> bytes, String output) implements Serializable {

    /** Largest model shipped: as large as the importer reads. */
    private static final long MAX_BYTES = 1L << 30;

    /**
     * Reads the model on the driver, checks that it loads (a broken model fails here, in one line, before any task
     * starts), and broadcasts its bytes.
     *
     * @return the shipped model and the network the driver loaded, with the importer's notes
     */
    static Loaded ship(JavaSparkContext context, String location, String output) throws IOException {
        Path path = new Path(location);
        FileSystem files = path.getFileSystem(context.hadoopConfiguration());
        if (!files.exists(path)) {
            throw new java.nio.file.NoSuchFileException(location + ": no such model file");
        }
        long size = files.getFileStatus(path).getLen();
        if (size > MAX_BYTES) {
            throw new io.etalon.onnx.ModelFormatException(location + ": the file is " + size + " bytes, larger than the 1 GiB Etalon reads");
        }
        byte[] content = new byte[(int) size];
        try (FSDataInputStream in = files.open(path)) {
            in.readFully(content);
        }
        LoadedModel model = OnnxModels.load(content, location, output);
        String hash = sha256(content, output);
        return new Loaded(new ShippedModel(path.getName(), hash, context.broadcast(content), output), model.network(), model.notes());
    }

    /** The network, loaded once per executor JVM. */
    Network network() {
        return ModelCache.network(sha256, () -> OnnxModels.load(bytes.value(), name, output).network());
    }

    private static String sha256(byte[] content, String output) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(content);
            digest.update((output == null ? "" : "\0" + output).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }

    /** What the driver has after shipping: the shipped model, its network and the importer's notes. */
    record Loaded(ShippedModel shipped, Network network, List<String> notes) {
    }
}
