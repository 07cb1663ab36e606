package io.etalon.onnx;

import io.etalon.graph.Network;
import java.util.List;

/**
 * A network read from an ONNX file, with notes for the user about what the import changed (for example a dropped
 * trailing Softmax).
 */
public record LoadedModel(Network network, List<String> notes) {

    public LoadedModel {
        notes = List.copyOf(notes);
    }
}
