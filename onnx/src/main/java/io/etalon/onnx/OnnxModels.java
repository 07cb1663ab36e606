package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etalon.graph.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Loads and saves networks as ONNX, the model file format of Etalon.
 *
 * <pre>{@code
 * LoadedModel model = OnnxModels.load(Path.of("models/lenet-mnist.onnx"));
 * model.notes().forEach(System.err::println);   // e.g. a dropped trailing Softmax
 * OnnxModels.save(model.network(), Path.of("copy.onnx"));
 * }</pre>
 */
public final class OnnxModels {

    /** Largest model file read: far above any CNN Etalon explains, well below what would exhaust memory. */
    private static final long MAX_FILE_BYTES = 1L << 30;

    private OnnxModels() {
    }

    /**
     * Reads an ONNX model.
     *
     * @throws NoSuchFileException     if the file does not exist
     * @throws ModelFormatException    if the file is not a valid model Etalon can read
     * @throws UnsupportedOpException  if the model uses an op that is not piecewise linear or not supported
     */
    public static LoadedModel load(Path file) throws IOException {
        return load(file, null);
    }

    /**
     * Reads an ONNX model and explains the graph output named {@code output} (null: the first output).
     *
     * @throws ModelFormatException if there is no such output, or as {@link #load(Path)}
     */
    public static LoadedModel load(Path file, String output) throws IOException {
        return load(file, output, false);
    }

    /**
     * Reads an ONNX model, explaining the graph output named {@code output} (null: the first); with
     * {@code dequantize}, a quantized model (QDQ or QLinear ops) loads as the float network it approximates.
     *
     * @throws UnsupportedOpException if the model is quantized and {@code dequantize} is false, or as {@link #load(Path)}
     */
    public static LoadedModel load(Path file, String output, boolean dequantize) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file + ": no such model file");
        }
        long size = Files.size(file);
        if (size == 0) {
            throw new ModelFormatException(file + ": the file is empty; give an ONNX model file");
        }
        if (size > MAX_FILE_BYTES) {
            throw new ModelFormatException(file + ": the file is " + size + " bytes, larger than the 1 GiB Etalon reads");
        }
        return new OnnxImporter(file.toString(), parse(file.toString(), Files.readAllBytes(file)),
                file.toAbsolutePath().getParent(), output, dequantize).read();
    }

    /**
     * Why a model cannot load, for {@code etalon inspect}: the first node refused (the message {@link #load} throws) and
     * every later node whose op Etalon refuses whatever its settings, one line each; empty if the model loads.
     */
    public static java.util.List<String> refusals(Path file, String output, boolean dequantize) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0 || Files.size(file) > MAX_FILE_BYTES) {
            load(file, output, dequantize); // throws the one-line message
        }
        try {
            return new OnnxImporter(file.toString(), parse(file.toString(), Files.readAllBytes(file)),
                    file.toAbsolutePath().getParent(), output, dequantize).refusals();
        } catch (ModelFormatException e) {
            return java.util.List.of(e.getMessage());
        }
    }

    /**
     * Reads an ONNX model from the bytes of its file, for a model shipped in memory (to the workers of a cluster).
     * Weights in external-data files are refused: there is no folder to read them from.
     *
     * @param content not modified; the bytes of the model file
     * @param name    what to call the model in messages, usually its file name
     * @param output  the graph output to explain (null: the first)
     * @throws ModelFormatException   if the bytes are not a valid model Etalon can read
     * @throws UnsupportedOpException if the model uses an op that is not piecewise linear or not supported
     */
    public static LoadedModel load(byte[] content, String name, String output) {
        if (content.length == 0) {
            throw new ModelFormatException(name + ": the file is empty; give an ONNX model file");
        }
        return new OnnxImporter(name, parse(name, content), null, output, false).read();
    }

    private static ModelProto parse(String name, byte[] content) {
        try {
            CodedInputStream in = CodedInputStream.newInstance(content);
            in.setRecursionLimit(64);
            return ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelFormatException(name + ": not a valid ONNX model (" + firstLine(e.getMessage())
                    + "); check that the file is complete and was written by an ONNX exporter");
        } catch (IOException e) {
            // a stream over an array in memory has nothing else to fail on
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Imports an already parsed model; {@code name} stands for the file in messages. */
    static LoadedModel read(String name, ModelProto model) {
        return read(name, model, false);
    }

    /** Imports an already parsed model, dequantizing it if asked; {@code name} stands for the file in messages. */
    static LoadedModel read(String name, ModelProto model, boolean dequantize) {
        return new OnnxImporter(name, model, null, null, dequantize).read();
    }

    /** Writes a network as ONNX (opset 13) through a temporary file that is then moved into place. */
    public static void save(Network network, Path file) throws IOException {
        io.etalon.data.AtomicFiles.write(file, OnnxExporter.export(network).toByteArray());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable protobuf";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
