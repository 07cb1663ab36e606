package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.etalon.graph.Network;
import io.etalon.tensor.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX graph into a {@link Network} in passes, each its own class:
 * <ol>
 *   <li>{@link FunctionInlining}: calls of model-local functions replaced by their bodies;</li>
 *   <li>{@link Quantization}: quantized models refused, or rewritten to their float ops under --dequantize;</li>
 *   <li>topological order (exporters do not always list nodes in order);</li>
 *   <li>{@link ConstantFolding}: every node whose inputs are all constants computed at load time;</li>
 *   <li>the graph input read (its shape, whether it has a batch axis, one sample per row or per column), which is
 *   the shape inference the later passes start from: every translator knows its input's sample shape;</li>
 *   <li>{@link TailStripping}: a trailing chain of monotone ops (Softmax, Log, Sigmoid, ...) dropped with a note;</li>
 *   <li>{@link Lowering}: each node that feeds the output lowered to Etalon ops by its op type's translator in
 *   {@link OnnxOperators#TRANSLATORS}.</li>
 * </ol>
 * Every problem becomes a one-line {@link ModelFormatException} or {@link UnsupportedOpException} naming the file and
 * node.
 */
final class OnnxImporter {

    private final String file;
    private final GraphProto graph;
    private final ModelConstants constants;
    private final List<String> notes = new ArrayList<>();
    private final long opset;
    /** The last pass, and the state its translators share. */
    private final Lowering lowering;
    private boolean inputBatchLast;
    /** The graph output to explain; null for the first. */
    private final String outputName;
    private final Map<String, String> metadata = new java.util.LinkedHashMap<>();
    private final ModelProto model;
    /** Load a quantized model as the float network it approximates. */
    private final boolean dequantize;
    /** The graph's nodes after functions are inlined and constants folded, in topological order. */
    private List<NodeProto> graphNodes;
    /** The tensors the explained output depends on, and the index in graphNodes of the node being lowered. */
    private Set<String> neededTensors = Set.of();
    private int failedAt = -1;

    OnnxImporter(String file, ModelProto model, java.nio.file.Path folder, String outputName, boolean dequantize) {
        this.file = file;
        this.constants = new ModelConstants(file, folder);
        this.outputName = outputName;
        this.model = model;
        this.dequantize = dequantize;
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new ModelFormatException(file + ": the model has no graph nodes; is it an ONNX model file?");
        }
        this.graph = model.getGraph();
        long version = 1;
        for (var opset : model.getOpsetImportList()) {
            if (opset.getDomain().isEmpty() || opset.getDomain().equals("ai.onnx")) {
                version = opset.getVersion();
            }
        }
        this.opset = version;
        this.lowering = new Lowering(file, version, constants, notes);
        for (var entry : model.getMetadataPropsList()) {
            metadata.putIfAbsent(entry.getKey(), entry.getValue());
        }
    }

    LoadedModel read() {
        for (TensorProto initializer : graph.getInitializerList()) {
            constants.map().put(initializer.getName(), initializer);
        }
        List<NodeProto> inlined = Quantization.rewrite(FunctionInlining.inline(file, model), dequantize, file, notes);
        graphNodes = new ConstantFolding(file, opset).fold(topologicalOrder(inlined), constants.map(),
                (tensor, node) -> ConstantTensor.read(constants.constant(tensor, node), file, node));
        readInput();
        if (graph.getOutputCount() == 0) {
            throw new ModelFormatException(file + ": the graph declares no output");
        }
        String output = graph.getOutput(0).getName();
        if (outputName != null) {
            List<String> names = graph.getOutputList().stream().map(ValueInfoProto::getName).toList();
            if (!names.contains(outputName)) {
                throw new ModelFormatException(file + ": the graph has no output named '" + outputName + "'; its outputs are "
                        + String.join(", ", names));
            }
            output = outputName;
        } else if (graph.getOutputCount() > 1) {
            notes.add("the graph has " + graph.getOutputCount() + " outputs; explaining the first, '" + output
                    + "' (choose another with --output)");
        }
        output = TailStripping.explained(graphNodes, output, notes);
        Set<String> needed = ancestors(output);
        neededTensors = needed;
        lowering.needed = needed;
        for (int k = 0; k < graphNodes.size(); k++) {
            NodeProto node = graphNodes.get(k);
            if (node.getOutputList().stream().anyMatch(needed::contains)) {
                failedAt = k;
                lowering.lower(node);
            }
        }
        failedAt = -1;
        Integer producer = lowering.producers.get(output);
        if (producer != null && producer == Network.INPUT) {
            // every node passes the input through (Identity, Dropout, an Unsqueeze of an image): the network is one no-op
            lowering.nodes.add(new Network.Node(output, new io.etalon.op.Reshape(lowering.inputShape, lowering.inputShape), new int[] {Network.INPUT}));
            producer = 0;
        }
        if (producer == null) {
            throw new ModelFormatException(file + ": graph output '" + output + "' is not produced by any supported node");
        }
        if (producer != lowering.nodes.size() - 1) {
            throw new UnsupportedOpException(file + ": graph output '" + output + "' is not computed by the last node;"
                    + " only the part of the graph that feeds the output is supported");
        }
        boolean outputBatchLast = lowering.batchLast.contains(output);
        if (outputBatchLast) {
            notes.add("graph output '" + output + "' holds one sample per column ([" + lowering.nodes.get(producer).op().outputShape()
                    + ", batch]); its neurons are read per sample");
        }
        try {
            return new LoadedModel(new Network(lowering.inputShape, lowering.nodes), notes, inputBatchLast, outputBatchLast, metadata);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage());
        }
    }

    private void readInput() {
        ValueInfoProto input = null;
        for (ValueInfoProto candidate : graph.getInputList()) {
            if (!constants.containsKey(candidate.getName())) {
                input = candidate;
                break;
            }
        }
        if (input == null) {
            throw new ModelFormatException(file + ": the graph has no input that is not a weight");
        }
        if (!input.getType().hasTensorType() || !input.getType().getTensorType().hasShape()) {
            throw new ModelFormatException(file + ": graph input '" + input.getName() + "' has no tensor shape; export with a fixed input shape");
        }
        if (input.getType().getTensorType().getElemType() != TensorProto.DataType.FLOAT.getNumber()) {
            throw new ModelFormatException(file + ": graph input '" + input.getName() + "' is not float32");
        }
        List<TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        boolean batched = hasBatchAxis(input.getName(), dims);
        if (dims.isEmpty() || dims.size() > 5 || batched && dims.size() < 2) {
            throw new ModelFormatException(file + ": graph input '" + input.getName() + "' has rank " + dims.size()
                    + "; expected a batch dimension first, as in [batch, C, H, W] or [batch, features], or one image [C, H, W]");
        }
        // a named first size is the batch; a fixed one may be the features of a [K, batch] input
        inputBatchLast = batched && dims.size() == 2 && dims.get(0).hasDimValue() && readAsColumns(input.getName());
        int first = batched && !inputBatchLast ? 1 : 0;
        int last = inputBatchLast ? 1 : dims.size();
        int[] shape = new int[last - first];
        for (int d = first; d < last; d++) {
            if (!dims.get(d).hasDimValue() || dims.get(d).getDimValue() <= 0 || dims.get(d).getDimValue() > 1 << 16) {
                throw new ModelFormatException(file + ": dimension " + d + " of graph input '" + input.getName()
                        + "' is not a fixed size (found '" + dims.get(d) .toString().trim() + "'); export with a fixed input size");
            }
            shape[d - first] = (int) dims.get(d).getDimValue();
        }
        lowering.inputShape = Shape.of(shape);
        lowering.producers.put(input.getName(), Network.INPUT);
        if (!batched) {
            lowering.unbatched.add(input.getName());
            notes.add("graph input '" + input.getName() + "' " + Arrays.toString(shape) + " has no batch axis (the model"
                    + " adds it itself); it is read as one image of shape " + lowering.inputShape);
        }
        if (inputBatchLast) {
            lowering.batchLast.add(input.getName());
            notes.add("graph input '" + input.getName() + "' holds one sample per column ([" + shape[0] + ", batch], as"
                    + " the Gemm or MatMul reading it multiplies it); each sample is " + shape[0] + " values");
        }
    }

    /**
     * Whether a Gemm or MatMul reads the rank-2 graph input with one sample per column: as A with transA=1, or as B
     * without transB (the column-vector convention {@code W x}).
     */
    private boolean readAsColumns(String input) {
        for (NodeProto node : graphNodes) {
            boolean gemm = node.getOpType().equals("Gemm");
            if (!gemm && !node.getOpType().equals("MatMul") || node.getInputCount() < 2) {
                continue;
            }
            if (gemm && node.getInput(0).equals(input) && lowering.intAttribute(node, "transA", 0) != 0
                    || node.getInput(1).equals(input) && !(gemm && lowering.intAttribute(node, "transB", 0) != 0)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the graph input's first axis is the batch. It is not when the input is a vector, or when its first size
     * is fixed and a node reading it adds a leading axis itself: an Unsqueeze of axis 0 (what PyTorch writes for a
     * model that takes one [C, H, W] image), or a Reshape to a higher rank of an input whose first size is not 1 (a
     * first size of 1 reads as a batch of one either way, as in [1, 784] reshaped to [1, 1, 28, 28]).
     */
    private boolean hasBatchAxis(String input, List<TensorShapeProto.Dimension> dims) {
        if (dims.size() == 1) {
            return false;
        }
        if (dims.isEmpty() || !dims.get(0).hasDimValue()) {
            return true;
        }
        for (NodeProto node : graphNodes) {
            if (node.getInputCount() == 0 || !node.getInput(0).equals(input)) {
                continue;
            }
            if (node.getOpType().equals("Unsqueeze")) {
                long[] axes = lowering.attribute(node, "axes") != null
                        ? lowering.attribute(node, "axes").getIntsList().stream().mapToLong(Long::longValue).toArray()
                        : node.getInputCount() > 1 ? lookAheadLongs(node.getInput(1)) : null;
                if (axes != null && Arrays.stream(axes).anyMatch(axis -> axis == 0 || axis == -(dims.size() + axes.length))) {
                    return false;
                }
            } else if (node.getOpType().equals("Reshape") && node.getInputCount() > 1) {
                long[] target = lookAheadLongs(node.getInput(1));
                if (target != null && target.length > dims.size() && dims.get(0).getDimValue() != 1) {
                    return false;
                }
            }
        }
        return true;
    }

    /** An int64 constant's value (an initializer, a Constant node or a folded one); null if there is none. */
    private long[] lookAheadLongs(String tensor) {
        TensorProto proto = constants.get(tensor);
        try {
            return proto == null ? null : constants.longs(proto, tensor, tensor);
        } catch (ModelFormatException e) {
            return null; // reported when the node itself is imported
        }
    }

    /** Names of every tensor the chosen output depends on, itself included. */
    private Set<String> ancestors(String output) {
        Map<String, NodeProto> producerOf = new HashMap<>();
        for (NodeProto node : graphNodes) {
            for (String name : node.getOutputList()) {
                producerOf.put(name, node);
            }
        }
        Set<String> needed = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(output));
        while (!pending.isEmpty()) {
            String tensor = pending.removeFirst();
            if (!needed.add(tensor)) {
                continue;
            }
            NodeProto node = producerOf.get(tensor);
            if (node != null) {
                pending.addAll(node.getInputList());
            }
        }
        return needed;
    }

    /** Kahn's algorithm over tensor names: exporters do not always list nodes in order. */
    private List<NodeProto> topologicalOrder(List<NodeProto> nodes) {
        Set<String> available = new HashSet<>(constants.map().keySet());
        graph.getInputList().forEach(input -> available.add(input.getName()));
        available.add("");
        Deque<NodeProto> pending = new ArrayDeque<>(nodes);
        List<NodeProto> ordered = new ArrayList<>();
        int stalled = 0;
        while (!pending.isEmpty()) {
            NodeProto node = pending.removeFirst();
            if (available.containsAll(node.getInputList())) {
                ordered.add(node);
                available.addAll(node.getOutputList());
                stalled = 0;
            } else {
                pending.addLast(node);
                if (++stalled > pending.size()) {
                    List<String> missing = new ArrayList<>(node.getInputList());
                    missing.removeAll(available);
                    throw new ModelFormatException(file + ": node '" + Messages.nodeName(node) + "' (" + node.getOpType()
                            + ") reads " + missing + ", which no node, input or initializer provides (or the graph has a cycle)");
                }
            }
        }
        return ordered;
    }

    /**
     * Every reason the model cannot load: the first node the lowering refuses (the message {@link #read} throws),
     * then each later node feeding the output whose op type is refused whatever its settings. Empty if it loads.
     */
    List<String> refusals() {
        try {
            read();
            return List.of();
        } catch (UnsupportedOpException | ModelFormatException first) {
            List<String> all = new ArrayList<>(List.of(first.getMessage()));
            if (graphNodes == null || failedAt < 0) {
                return all;
            }
            for (int k = failedAt + 1; k < graphNodes.size(); k++) {
                NodeProto node = graphNodes.get(k);
                String refusal = Lowering.refusalByType(node);
                if (refusal != null && node.getOutputList().stream().anyMatch(neededTensors::contains)) {
                    all.add(file + ": " + refusal);
                }
            }
            return all;
        }
    }
}
