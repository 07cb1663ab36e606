package io.etalon.onnx;

import io.etalon.graph.Network;
import java.util.List;

/**
 * A network read from an ONNX file, with notes for the user about what the import changed (for example a dropped
 * trailing Softmax).
 *
 * <p>The network reads and returns one sample at a time. Most models hold a batch with one sample per row
 * ({@code [batch, ...]}); a model in the column-vector convention ({@code W x}) holds one per column
 * ({@code [features, batch]}). The two flags say so for the graph's input and its output, for whoever feeds the file
 * a batch laid out as the graph declares it; with a batch of one the two layouts hold the same values.
 *
 * @param inputBatchLast  the graph input is {@code [features, batch]}
 * @param outputBatchLast the graph output is {@code [outputs, batch]}
 */
public record LoadedModel(Network network, List<String> notes, boolean inputBatchLast, boolean outputBatchLast) {

    public LoadedModel {
        notes = List.copyOf(notes);
    }

    /** A model whose input and output hold one sample per row (or have no batch axis). */
    public LoadedModel(Network network, List<String> notes) {
        this(network, notes, false, false);
    }
}
