package io.etalon.cli;

import io.etalon.graph.Network;
import io.etalon.onnx.LoadedModel;
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
        return loadModel(file, output, false, err);
    }

    /** @param dequantize load a quantized model (QDQ or QLinear) as the float network it approximates */
    static LoadedModel loadModel(Path file, String output, boolean dequantize, PrintWriter err) throws IOException {
        LoadedModel model = OnnxModels.load(file, output, dequantize);
        for (String note : model.notes()) {
            err.println("etalon: note: " + note);
        }
        return model;
    }
}
