package io.etalon.cli;

import io.etalon.graph.Network;
import io.etalon.onnx.LoadedModel;
import io.etalon.onnx.ModelFormatException;
import io.etalon.onnx.OnnxModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Loads a model for a command and tells the user what the import changed. */
final class Models {

    private Models() {
    }

    static Network load(Path file, PrintWriter err) throws IOException {
        return load(file, null, err);
    }

    static Network load(Path file, String output, PrintWriter err) throws IOException {
        return loadModel(file, output, err).network();
    }

    static LoadedModel loadModel(Path file, String output, PrintWriter err) throws IOException {
        return loadModel(file, output, null, false, err);
    }

    /**
     * Loads a model, its input's last two dimensions fixed to {@code inputSize} ({@code {H, W}}) when not null, a
     * quantized model as the float network it approximates with {@code dequantize}. A model whose input size is free
     * and not given is refused with a message that names {@code --input-size}.
     */
    static LoadedModel loadModel(Path file, String output, int[] inputSize, boolean dequantize, PrintWriter err)
            throws IOException {
        LoadedModel model;
        try {
            model = OnnxModels.load(file, output, inputSize, dequantize);
        } catch (ModelFormatException e) {
            // the importer's refusal of a named (free) input dimension: for an image model the user can fix it here
            if (inputSize == null && e.getMessage().contains("is not a fixed size")) {
                throw new ModelFormatException(e.getMessage() + ", or give --input-size HxW (e.g. --input-size 224x224)");
            }
            throw e;
        }
        for (String note : model.notes()) {
            err.println("etalon: note: " + note);
        }
        return model;
    }
}
