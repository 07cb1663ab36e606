package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etalon.graph.Network;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

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
        return load(file, output, null, false);
    }

    /**
     * Reads an ONNX model whose input images may have a free size (named dimensions such as {@code H} and {@code W}),
     * fixing the last two dimensions of its input to {@code inputSize = {height, width}}; null leaves them as the file
     * has them. Only the declared input shape changes; the importer then works out every other shape from it.
     *
     * @throws ModelFormatException if the input has fewer than three dimensions, or a fixed size other than the one
     *                              asked for, or as {@link #load(Path, String)}
     */
    public static LoadedModel load(Path file, String output, int[] inputSize) throws IOException {
        return load(file, output, inputSize, false);
    }

    /**
     * Reads an ONNX model, explaining the graph output named {@code output} (null: the first); with
     * {@code dequantize}, a quantized model (QDQ or QLinear ops) loads as the float network it approximates.
     *
     * @throws UnsupportedOpException if the model is quantized and {@code dequantize} is false, or as {@link #load(Path)}
     */
    public static LoadedModel load(Path file, String output, boolean dequantize) throws IOException {
        return load(file, output, null, dequantize);
    }

    /** {@link #load(Path, String, int[])} and {@link #load(Path, String, boolean)} together. */
    public static LoadedModel load(Path file, String output, int[] inputSize, boolean dequantize) throws IOException {
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
        ModelProto model = parse(file.toString(), Files.readAllBytes(file));
        if (inputSize != null) {
            model = withInputSize(model, inputSize, file.toString());
        }
        return new OnnxImporter(file.toString(), model, file.toAbsolutePath().getParent(), output, dequantize).read();
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

    /** The model with the last two dimensions of its first graph input (not an initializer) set to {@code size}. */
    static ModelProto withInputSize(ModelProto model, int[] size, String name) {
        if (size.length != 2 || size[0] <= 0 || size[1] <= 0) {
            throw new IllegalArgumentException("--input-size must be HxW with positive sizes, got " + Arrays.toString(size));
        }
        Set<String> weights = new HashSet<>();
        model.getGraph().getInitializerList().forEach(tensor -> weights.add(tensor.getName()));
        ModelProto.Builder builder = model.toBuilder();
        for (int i = 0; i < builder.getGraph().getInputCount(); i++) {
            if (weights.contains(builder.getGraph().getInput(i).getName())) {
                continue;
            }
            TensorShapeProto.Builder shape = builder.getGraphBuilder().getInputBuilder(i).getTypeBuilder()
                    .getTensorTypeBuilder().getShapeBuilder();
            int rank = shape.getDimCount();
            if (rank < 3) {
                throw new ModelFormatException(name + ": the graph input has " + rank + " dimensions, not an image's;"
                        + " drop --input-size");
            }
            for (int k = 0; k < 2; k++) {
                TensorShapeProto.Dimension.Builder dim = shape.getDimBuilder(rank - 2 + k);
                if (dim.hasDimValue() && dim.getDimValue() != size[k]) {
                    throw new ModelFormatException(name + ": the model's input size is fixed at "
                            + shape.getDim(rank - 2).getDimValue() + "x" + shape.getDim(rank - 1).getDimValue()
                            + "; drop --input-size or give that size");
                }
                dim.clearDimParam().setDimValue(size[k]);
            }
            return builder.build();
        }
        throw new ModelFormatException(name + ": the graph has no input besides its weights");
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
