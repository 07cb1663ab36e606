package io.etalon.onnx;

import io.etalon.graph.Network;
import java.util.List;
import java.util.Map;

/**
 * A network read from an ONNX file, with notes for the user about what the import changed (for example a dropped
 * trailing Softmax).
 *
 * <p>The network reads and returns one sample at a time. Most models hold a batch with one sample per row
 * ({@code [batch, ...]}); a model in the column-vector convention ({@code W x}) holds one per column
 * ({@code [features, batch]}). The two flags say so for the graph's input and its output, for whoever feeds the file
 * a batch laid out as the graph declares it; with a batch of one the two layouts hold the same values.
 *
 * <p>The model's metadata ({@code metadata_props}) is kept as it was written: some models state there how their
 * input is scaled (for example Windows ML's {@code Image.NominalPixelRange}), which the command line reads.
 *
 * @param inputBatchLast  the graph input is {@code [features, batch]}
 * @param outputBatchLast the graph output is {@code [outputs, batch]}
 * @param metadata        the model's metadata_props, key to value
 */
public record LoadedModel(Network network, List<String> notes, boolean inputBatchLast, boolean outputBatchLast,
        Map<String, String> metadata) {

    public LoadedModel {
        notes = List.copyOf(notes);
        metadata = Map.copyOf(metadata);
    }

    /** A model without metadata. */
    public LoadedModel(Network network, List<String> notes, boolean inputBatchLast, boolean outputBatchLast) {
        this(network, notes, inputBatchLast, outputBatchLast, Map.of());
    }

    /** A model whose input and output hold one sample per row (or have no batch axis), without metadata. */
    public LoadedModel(Network network, List<String> notes) {
        this(network, notes, false, false);
    }
}
