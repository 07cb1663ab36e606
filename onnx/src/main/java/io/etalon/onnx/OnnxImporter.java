package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import io.etalon.graph.Network;
import io.etalon.op.Add;
import io.etalon.op.AvgPool2d;
import io.etalon.op.ChannelAffine;
import io.etalon.op.Clip;
import io.etalon.op.Conv2d;
import io.etalon.op.LeakyRelu;
import io.etalon.op.Pad;
import io.etalon.op.Dense;
import io.etalon.op.Flatten;
import io.etalon.op.MaxPool2d;
import io.etalon.op.Op;
import io.etalon.op.Relu;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * Reads an ONNX graph into a {@link Network}; see {@link OnnxOperators} for what is supported. Nodes may be listed
 * in any order (they are sorted), weights may also be listed as graph inputs, and a trailing Softmax or
 * LogSoftmax is dropped with a note. Every problem becomes a one-line {@link ModelFormatException} or
 * {@link UnsupportedOpException} naming the file and node.
 */
final class OnnxImporter {

    /** Refuse tensors declaring more values than this (a corrupt or hostile file). */
    private static final long MAX_VALUES = 1L << 28;

    private final String file;
    private final GraphProto graph;
    private final Map<String, TensorProto> constants = new HashMap<>();
    /** Tensor name -> producing node index in the network being built, or Network.INPUT. */
    private final Map<String, Integer> producers = new HashMap<>();
    private final List<Network.Node> nodes = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Set<String> usedNames = new HashSet<>();
    /**
     * Activations without a batch axis, by tensor name: the graph input of a model that takes one image ([C,H,W]) and
     * what is computed from it until an Unsqueeze or Reshape adds a leading axis of 1, which then serves as the batch.
     * Their sample shape is their whole shape.
     */
    private final Set<String> unbatched = new HashSet<>();
    /** Ops that read [N, C, H, W]: refused on an activation without a batch axis (Gemm checks for itself). */
    private static final Set<String> NEEDS_BATCH = Set.of("Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "ReduceMean", "ReduceMax", "Resize", "Upsample",
            "BatchNormalization", "Pad");
    /**
     * Activations that hold one sample per column, [K, batch], by tensor name: the column-vector convention of a Gemm
     * or MatMul that multiplies a weight by the activation ({@code W x}, which PyTorch writes for
     * {@code torch.mm(W, x.t())}), a Transpose of [batch, K], a Reshape to [K, 1], or a graph input that such a product
     * reads. Their sample shape is [K]. A Gemm with transA=1 or a Transpose turns them back into one sample per row.
     */
    private final Set<String> batchLast = new HashSet<>();
    /** Ops that read an activation with one sample per column: element-wise, or they move the batch axis. */
    private static final Set<String> COLUMN_OPS = Set.of("Identity", "Dropout", "Cast", "Relu", "LeakyRelu", "PRelu",
            "Clip", "Transpose", "Reshape", "Squeeze", "Flatten", "Neg", "QuantizeLinear", "DequantizeLinear");
    private boolean inputBatchLast;
    /** Small int64 vectors computed from shapes at load time (Shape, Gather, Unsqueeze, Concat), by tensor name. */
    private final Map<String, long[]> shapeValues = new HashMap<>();
    /** Stands for the batch dimension, unknown until run time, inside folded shape vectors. */
    private static final long BATCH = Long.MIN_VALUE;
    private Shape inputShape;
    private final long opset;
    /** The model's own folder, the only place external weight files are read from; null for in-memory models. */
    private final java.nio.file.Path folder;
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
        this.folder = folder;
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
        for (var entry : model.getMetadataPropsList()) {
            metadata.putIfAbsent(entry.getKey(), entry.getValue());
        }
    }

    LoadedModel read() {
        for (TensorProto initializer : graph.getInitializerList()) {
            constants.put(initializer.getName(), initializer);
        }
        List<NodeProto> inlined = Quantization.rewrite(FunctionInlining.inline(file, model), dequantize, file, notes);
        graphNodes = new ConstantFolding(file, opset).fold(topologicalOrder(inlined), constants,
                (tensor, node) -> ConstantTensor.read(constant(tensor, node), file, node));
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
        for (int k = 0; k < graphNodes.size(); k++) {
            NodeProto node = graphNodes.get(k);
            if (node.getOutputList().stream().anyMatch(needed::contains)) {
                failedAt = k;
                importNode(node);
            }
        }
        failedAt = -1;
        Integer producer = producers.get(output);
        if (producer != null && producer == Network.INPUT) {
            // every node passes the input through (Identity, Dropout, an Unsqueeze of an image): the network is one no-op
            nodes.add(new Network.Node(output, new io.etalon.op.Reshape(inputShape, inputShape), new int[] {Network.INPUT}));
            producer = 0;
        }
        if (producer == null) {
            throw new ModelFormatException(file + ": graph output '" + output + "' is not produced by any supported node");
        }
        if (producer != nodes.size() - 1) {
            throw new UnsupportedOpException(file + ": graph output '" + output + "' is not computed by the last node;"
                    + " only the part of the graph that feeds the output is supported");
        }
        boolean outputBatchLast = batchLast.contains(output);
        if (outputBatchLast) {
            notes.add("graph output '" + output + "' holds one sample per column ([" + nodes.get(producer).op().outputShape()
                    + ", batch]); its neurons are read per sample");
        }
        try {
            return new LoadedModel(new Network(inputShape, nodes), notes, inputBatchLast, outputBatchLast, metadata);
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
        inputShape = Shape.of(shape);
        producers.put(input.getName(), Network.INPUT);
        if (!batched) {
            unbatched.add(input.getName());
            notes.add("graph input '" + input.getName() + "' " + Arrays.toString(shape) + " has no batch axis (the model"
                    + " adds it itself); it is read as one image of shape " + inputShape);
        }
        if (inputBatchLast) {
            batchLast.add(input.getName());
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
            if (gemm && node.getInput(0).equals(input) && intAttribute(node, "transA", 0) != 0
                    || node.getInput(1).equals(input) && !(gemm && intAttribute(node, "transB", 0) != 0)) {
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
                long[] axes = attribute(node, "axes") != null
                        ? attribute(node, "axes").getIntsList().stream().mapToLong(Long::longValue).toArray()
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
            return proto == null ? null : longs(proto, tensor, tensor);
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
        Set<String> available = new HashSet<>(constants.keySet());
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
                    throw new ModelFormatException(file + ": node '" + displayName(node) + "' (" + node.getOpType()
                            + ") reads " + missing + ", which no node, input or initializer provides (or the graph has a cycle)");
                }
            }
        }
        return ordered;
    }

    /**
     * Why a node is refused whatever its settings (a custom-domain op, one that is not piecewise linear, one Etalon
     * does not know), without the file name; null if its type is one Etalon reads.
     */
    private static String refusalByType(NodeProto node) {
        String type = node.getOpType();
        String name = Messages.nodeName(node);
        if (!node.getDomain().isEmpty() && !node.getDomain().equals("ai.onnx")) {
            return "node '" + name + "' is " + node.getDomain() + "." + type
                    + ", a custom-domain op; etalons need standard piecewise-linear ops (" + OnnxOperators.PIECEWISE_LINEAR_OPS + ")";
        }
        if (OnnxOperators.NOT_PIECEWISE_LINEAR.containsKey(type)) {
            return "node '" + name + "' is " + type + " (" + OnnxOperators.NOT_PIECEWISE_LINEAR.get(type)
                    + "); etalons need piecewise-linear ops (" + OnnxOperators.PIECEWISE_LINEAR_OPS + ")";
        }
        if (!OnnxOperators.SUPPORTED.contains(type) && !OnnxOperators.SHAPE_OPS.contains(type)) {
            return "node '" + name + "' is " + type + ", which Etalon does not support;"
                    + " supported ops are " + OnnxOperators.PIECEWISE_LINEAR_OPS + ", Identity, Dropout";
        }
        return null;
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
                String refusal = refusalByType(node);
                if (refusal != null && node.getOutputList().stream().anyMatch(neededTensors::contains)) {
                    all.add(file + ": " + refusal);
                }
            }
            return all;
        }
    }

    private void importNode(NodeProto node) {
        String type = node.getOpType();
        String name = displayName(node);
        String refusal = refusalByType(node);
        if (refusal != null && !OnnxOperators.NOT_PIECEWISE_LINEAR.containsKey(type)) {
            throw new UnsupportedOpException(file + ": " + refusal);
        }
        if (OnnxOperators.SHAPE_OPS.contains(type)
                && (type.equals("Shape") || node.getInputList().stream().noneMatch(producers::containsKey))) {
            foldShapeComputation(node, name, type);
            return;
        }
        if (type.equals("Concat")) {
            concat(node, name);
            return;
        }
        if (refusal != null) {
            throw new UnsupportedOpException(file + ": " + refusal);
        }
        if (node.getInputCount() == 0 || node.getOutputCount() == 0) {
            throw new ModelFormatException(file + ": node '" + name + "' (" + type + ") has no input or no output");
        }
        if (OnnxOperators.ARITHMETIC.contains(type)) {
            arithmetic(node, name, type);
            return;
        }
        switch (type) {
            case "Sum", "Mean", "Max", "Min" -> {
                branches(node, name, type);
                return;
            }
            case "Split" -> {
                split(node, name);
                return;
            }
            default -> { }
        }
        if (type.equals("Gemm") || type.equals("MatMul")) {
            product(node, name, type);
            return;
        }
        Integer source = producers.get(node.getInput(0));
        if (source == null) {
            throw new ModelFormatException(file + ": node '" + name + "' (" + type + ") reads '" + node.getInput(0)
                    + "', which is a constant; etalons need a path from the graph input");
        }
        Shape in = source == Network.INPUT ? inputShape : nodes.get(source).op().outputShape();
        boolean flat = unbatched.contains(node.getInput(0));
        if (flat && NEEDS_BATCH.contains(type)) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' reads '" + node.getInput(0) + "' of shape "
                    + in + ", which has no batch axis; " + type + " needs one first: add an Unsqueeze of axis 0 before it");
        }
        boolean columns = batchLast.contains(node.getInput(0));
        if (columns && !COLUMN_OPS.contains(type)) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' reads '" + node.getInput(0)
                    + "', which holds one sample per column ([" + in + ", batch], from a Gemm or MatMul in the"
                    + " column-vector convention); " + type + " needs one sample per row: add a Transpose (perm [1, 0]) before it");
        }
        // element-wise ops keep the batch axis, its place or its absence; the ops that reshape decide for themselves
        setUnbatched(node.getOutput(0), flat);
        setBatchLast(node.getOutput(0), columns);
        if (type.equals("ReduceSum")) {
            reduceSum(node, name, in, source, flat);
            return;
        }
        if (type.equals("ReduceMean") || type.equals("ReduceMax")) {
            spatialReduction(node, name, type, in, source);
            return;
        }
        if (type.equals("Resize") || type.equals("Upsample")) {
            resize(node, name, type, in, source);
            return;
        }
        Op op;
        try {
            op = switch (type) {
                case "Identity", "Dropout" -> null;
                case "Relu" -> new Relu(in);
                case "Flatten" -> flatten(node, name, in, flat, columns);
                case "Reshape" -> reshape(node, name, in, flat, columns);
                case "Conv" -> conv(node, name, in);
                case "ConvTranspose" -> convTranspose(node, name, in);
                case "MaxPool" -> maxPool(node, name, in);
                case "BatchNormalization" -> batchNorm(node, name, in);
                case "AveragePool" -> averagePool(node, name, in);
                case "GlobalAveragePool" -> AvgPool2d.global(in);
                case "GlobalMaxPool" -> globalMaxPool(in);
                case "LeakyRelu" -> new LeakyRelu(in, new Tensor(Shape.of(1), new float[] {floatAttribute(node, "alpha", 0.01f)}));
                case "PRelu" -> prelu(node, name, in, flat, columns);
                case "Clip" -> clip(node, name, in);
                case "Pad" -> pad(node, name, in);
                case "Transpose" -> transpose(node, name, in, flat, columns);
                case "Squeeze", "Unsqueeze" -> squeeze(node, name, in, type, flat, columns);
                case "Cast" -> null;
                case "QuantizeLinear", "DequantizeLinear" -> droppedRounding(node, name, type);
                case "Neg" -> new ChannelAffine(in, new Tensor(Shape.of(1), new float[] {-1}), new Tensor(Shape.of(1), new float[1]));
                case "ImageScaler" -> imageScaler(node, name, in);
                default -> throw new IllegalStateException(type);
            };
        } catch (ModelFormatException | UnsupportedOpException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": node '" + name + "' (" + type + "): " + e.getMessage());
        }
        if (op == null) {
            producers.put(node.getOutput(0), source);
            return;
        }
        addNode(node, name, op, new int[] {source});
    }

    /**
     * A QuantizeLinear or DequantizeLinear on an activation, under --dequantize: the activation stays in float (the
     * quantized model's rounding is what the float model does not have); its scale is still checked.
     */
    private Op droppedRounding(NodeProto node, String name, String type) {
        if (node.getInputCount() < 2 || !constants.containsKey(node.getInput(1))) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' has a scale computed from the image;"
                    + " only constant quantization scales are supported");
        }
        Quantization.checkScale(ConstantTensor.read(constant(node.getInput(1), name), file, name), file, name, type);
        return null;
    }

    /** ImageScaler (opsets 1 to 9): {@code scale x + bias[c]}, a per-channel affine map. */
    private Op imageScaler(NodeProto node, String name, Shape in) {
        float scale = floatAttribute(node, "scale", 1f);
        AttributeProto bias = attribute(node, "bias");
        int channels = in.dim(0);
        float[] scales = new float[channels];
        float[] shifts = new float[channels];
        if (bias != null && bias.getFloatsCount() != channels) {
            throw new ModelFormatException(file + ": ImageScaler node '" + name + "' has " + bias.getFloatsCount()
                    + " biases for " + channels + " channels");
        }
        for (int c = 0; c < channels; c++) {
            scales[c] = scale;
            shifts[c] = bias == null ? 0f : bias.getFloats(c);
        }
        return new ChannelAffine(in, new Tensor(Shape.of(channels), scales), new Tensor(Shape.of(channels), shifts));
    }

    /**
     * Sum, Mean, Max and Min of activations of one shape (branches of the graph): a chain of {@link Add} (then a scale by
     * 1/n for Mean), or of {@link io.etalon.op.Extremum}, a switch that records which branch wins each unit.
     */
    private void branches(NodeProto node, String name, String type) {
        List<Integer> sources = new ArrayList<>();
        Shape shape = null;
        for (String input : node.getInputList()) {
            Integer source = producers.get(input);
            if (source == null) {
                throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' combines the activation with the"
                        + " constant '" + input + "'; only " + type + " of activations (branches of the graph) is supported");
            }
            Shape each = shapeOf(source);
            if (shape != null && !shape.equals(each) || unbatched.contains(input) != unbatched.contains(node.getInput(0))
                    || batchLast.contains(input) != batchLast.contains(node.getInput(0))) {
                throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' combines activations of different"
                        + " shapes or layouts (" + shape + ", " + each + "); only equal shapes are supported");
            }
            shape = each;
            sources.add(source);
        }
        setUnbatched(node.getOutput(0), unbatched.contains(node.getInput(0)));
        setBatchLast(node.getOutput(0), batchLast.contains(node.getInput(0)));
        if (sources.size() == 1) {
            producers.put(node.getOutput(0), sources.get(0));
            return;
        }
        boolean mean = type.equals("Mean");
        int last = sources.get(0);
        for (int k = 1; k < sources.size(); k++) {
            Op join = switch (type) {
                case "Max" -> io.etalon.op.Extremum.max(shape);
                case "Min" -> io.etalon.op.Extremum.min(shape);
                default -> new Add(shape);
            };
            if (k == sources.size() - 1 && !mean) {
                addNode(node, name, join, new int[] {last, sources.get(k)});
                return;
            }
            last = addInternal(name + "/" + k, join, last, sources.get(k));
        }
        addNode(node, name, new ChannelAffine(shape, new Tensor(Shape.of(1), new float[] {1f / sources.size()}),
                new Tensor(Shape.of(1), new float[1])), new int[] {last});
    }

    /**
     * Split of an activation along an axis of its sample into parts: each part a 1x1 convolution that selects its
     * channels (of an image), or a dense layer that selects its features (of a vector): exact copies, as weights of 0
     * and 1 add nothing else.
     */
    private void split(NodeProto node, String name) {
        Integer source = producers.get(node.getInput(0));
        if (source == null) {
            throw new ModelFormatException(file + ": Split node '" + name + "' reads the constant '" + node.getInput(0)
                    + "' with a split computed from the image; not supported");
        }
        Shape in = shapeOf(source);
        boolean flat = unbatched.contains(node.getInput(0));
        long axis = intAttribute(node, "axis", 0);
        long sampleAxis = (axis < 0 ? axis + in.rank() + (flat ? 0 : 1) : axis) - (flat ? 0 : 1);
        if (batchLast.contains(node.getInput(0)) || sampleAxis != 0 || in.rank() != 1 && in.rank() != 3) {
            throw new UnsupportedOpException(file + ": Split node '" + name + "' splits axis " + axis + " of a " + in
                    + " activation; only the channels of an image or the features of a vector can be split");
        }
        long[] sizes;
        try {
            long[] given = opset >= 13 && node.getInputCount() > 1 && !node.getInput(1).isEmpty()
                    ? staticValues(node.getInput(1), name) : null;
            sizes = SplitSizes.of(node, opset, in.dim(0), given);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": Split node '" + name + "': " + e.getMessage());
        }
        int channels = in.dim(0);
        int start = 0;
        for (int part = 0; part < sizes.length; part++) {
            int size = (int) sizes[part];
            String output = node.getOutput(part);
            if (size == 0 || output.isEmpty()) {
                start += size;
                continue;
            }
            float[] select = new float[size * channels];
            for (int k = 0; k < size; k++) {
                select[k * channels + start + k] = 1f;
            }
            Op op = in.rank() == 1 ? new Dense(in, new Tensor(Shape.of(size, channels), select), null)
                    : new Conv2d(in, new Tensor(Shape.of(size, channels, 1, 1), select), null, new int[] {1, 1},
                    new int[] {0, 0, 0, 0}, new int[] {1, 1});
            String layer = usedNames.add(output) ? output : name + "/" + part;
            usedNames.add(layer);
            producers.put(output, addInternal(layer, op, source));
            setUnbatched(output, flat);
            start += size;
        }
    }

    /**
     * ReduceSum over the two spatial axes of an image (a depthwise convolution with a kernel of ones over the whole
     * plane), over its channels (a 1x1 convolution of ones), or over all features of a vector (a dense layer of
     * ones); keepdims 0 or 1.
     */
    private void reduceSum(NodeProto node, String name, Shape in, int source, boolean flat) {
        long[] axes = opset < 13 ? longsAttribute(node, "axes")
                : node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? staticValues(node.getInput(1), name) : null;
        boolean keep = intAttribute(node, "keepdims", 1) != 0;
        java.util.Set<Long> sampleAxes = new java.util.TreeSet<>();
        int offset = flat ? 0 : 1;
        if (axes == null) {
            for (long a = 0; a < in.rank(); a++) {
                sampleAxes.add(a);
            }
            if (!flat) {
                sampleAxes.add(-1L); // the batch axis too
            }
        } else {
            for (long axis : axes) {
                sampleAxes.add((axis < 0 ? axis + in.rank() + offset : axis) - offset);
            }
        }
        Op op;
        Shape result;
        if (in.rank() == 3 && sampleAxes.equals(java.util.Set.of(1L, 2L))) {
            float[] ones = new float[in.dim(0) * in.dim(1) * in.dim(2)];
            Arrays.fill(ones, 1f);
            op = new Conv2d(in, new Tensor(Shape.of(in.dim(0), 1, in.dim(1), in.dim(2)), ones), null, new int[] {1, 1},
                    new int[] {0, 0, 0, 0}, new int[] {1, 1}, in.dim(0));
            result = keep ? op.outputShape() : Shape.of(in.dim(0));
        } else if (in.rank() == 3 && sampleAxes.equals(java.util.Set.of(0L))) {
            float[] ones = new float[in.dim(0)];
            Arrays.fill(ones, 1f);
            op = new Conv2d(in, new Tensor(Shape.of(1, in.dim(0), 1, 1), ones), null, new int[] {1, 1},
                    new int[] {0, 0, 0, 0}, new int[] {1, 1});
            result = keep ? op.outputShape() : Shape.of(in.dim(1), in.dim(2));
        } else if (in.rank() == 1 && sampleAxes.equals(java.util.Set.of(0L))) {
            float[] ones = new float[in.dim(0)];
            Arrays.fill(ones, 1f);
            op = new Dense(in, new Tensor(Shape.of(1, in.dim(0)), ones), null);
            result = op.outputShape();
        } else {
            throw new UnsupportedOpException(file + ": ReduceSum node '" + name + "' sums axes "
                    + (axes == null ? "(all)" : Arrays.toString(axes)) + " of a [batch, " + in + "] activation; only the"
                    + " spatial axes or the channels of an image, or the features of a vector, are supported");
        }
        if (result.equals(op.outputShape())) {
            addNode(node, name, op, new int[] {source});
            return;
        }
        int summed = addInternal(name + "/sum", op, source);
        addNode(node, name, new io.etalon.op.Reshape(op.outputShape(), result), new int[] {summed});
    }

    private void setUnbatched(String tensor, boolean noBatchAxis) {
        if (noBatchAxis) {
            unbatched.add(tensor);
        } else {
            unbatched.remove(tensor);
        }
    }

    private void setBatchLast(String tensor, boolean samplesAsColumns) {
        if (samplesAsColumns) {
            batchLast.add(tensor);
        } else {
            batchLast.remove(tensor);
        }
    }

    /**
     * Gemm ({@code Y = alpha op(A) op(B) + beta C}) and MatMul ({@code Y = A B}) with one constant operand: one dense
     * layer per sample. A rank-2 activation holds one sample per row ([batch, K]) or, in the column-vector convention,
     * one per column ([K, batch]; see {@link #batchLast}). The product maps each sample on its own when the samples are
     * the rows of op(A) (a layer {@code x W}; the result holds one sample per row) or the columns of op(B) (a layer
     * {@code W x}; one sample per column). Otherwise it sums over the batch axis, and a product of two activations is
     * bilinear: both are refused. MatMul also multiplies a vector without batch axis, from either side.
     */
    private void product(NodeProto node, String name, String type) {
        boolean gemm = type.equals("Gemm");
        if (node.getInputCount() < 2 || !gemm && node.getInputCount() != 2) {
            throw new ModelFormatException(file + ": " + type + " node '" + name + "' needs two inputs, A and B");
        }
        Integer left = producers.get(node.getInput(0));
        Integer right = producers.get(node.getInput(1));
        if (left != null && right != null) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' multiplies two activations ('"
                    + node.getInput(0) + "' and '" + node.getInput(1) + "'): the product is bilinear in the image, not"
                    + " piecewise linear; etalons need one operand to be a constant weight");
        }
        if (left == null && right == null) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' has no input that depends on the image");
        }
        boolean activationIsA = left != null;
        String operand = activationIsA ? "A" : "B";
        String activation = node.getInput(activationIsA ? 0 : 1);
        int source = activationIsA ? left : right;
        Shape in = shapeOf(source);
        boolean flat = unbatched.contains(activation);
        boolean columns = batchLast.contains(activation);
        boolean transA = gemm && intAttribute(node, "transA", 0) != 0;
        boolean transB = gemm && intAttribute(node, "transB", 0) != 0;
        if (in.rank() != 1 || flat && gemm) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' reads '" + activation + "' of shape "
                    + (flat ? bracketed(in) + ", which has no batch axis" : "[batch, " + bracketed(in).substring(1))
                    + "; only [batch, K] " + (gemm ? "" : "or [K] ") + "activations are multiplied (add a Flatten or an"
                    + " Unsqueeze of axis 0 before it)");
        }
        boolean samplesAsRows = columns == (activationIsA ? transA : transB); // of op(activation)
        if (!flat && samplesAsRows != activationIsA) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' multiplies over the batch axis: its "
                    + operand + " '" + activation + "' holds one sample per " + (columns ? "column ([K, batch])" : "row ([batch, K])")
                    + " and op(" + operand + ") needs them as " + (activationIsA ? "rows" : "columns")
                    + (gemm ? "; export it with trans" + operand + "=" + ((activationIsA ? transA : transB) ? 0 : 1)
                    : "; multiply the other way round"));
        }
        Tensor weight = floats(node.getInput(activationIsA ? 1 : 0), name);
        if (weight.shape().rank() != 2) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' multiplies a " + in.dim(0) + "-feature activation by a "
                    + bracketed(weight.shape()) + " weight; only a 2-D weight matrix (a dense layer) is supported");
        }
        // op(constant) is [K, M] after the activation, [M, K] before it; stored as (M, K) or as (K, M)
        boolean storedOutIn = activationIsA ? transB : !transA;
        int outputs = weight.shape().dim(storedOutIn ? 0 : 1);
        int inputs = weight.shape().dim(storedOutIn ? 1 : 0);
        if (inputs != in.dim(0)) {
            throw new ModelFormatException(file + ": " + type + " node '" + name + "' multiplies " + in.dim(0) + " features by a "
                    + bracketed(weight.shape()) + " weight" + (gemm ? " (transA=" + (transA ? 1 : 0) + ", transB=" + (transB ? 1 : 0) + ")" : "")
                    + "; the sizes do not match");
        }
        float alpha = gemm ? floatAttribute(node, "alpha", 1f) : 1f;
        float[] stored = weight.data();
        float[] dense = new float[outputs * inputs];
        for (int o = 0; o < outputs; o++) {
            for (int i = 0; i < inputs; i++) {
                dense[o * inputs + i] = alpha * (storedOutIn ? stored[o * inputs + i] : stored[i * outputs + o]);
            }
        }
        boolean columnsOut = !flat && !activationIsA;
        Tensor bias = gemm && node.getInputCount() > 2 && !node.getInput(2).isEmpty()
                ? gemmBias(node, name, outputs, columnsOut) : null;
        Op op;
        try {
            op = new Dense(in, new Tensor(Shape.of(outputs, inputs), dense), bias);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": node '" + name + "' (" + type + "): " + e.getMessage());
        }
        addNode(node, name, op, new int[] {source});
        setUnbatched(node.getOutput(0), flat);
        setBatchLast(node.getOutput(0), columnsOut);
    }

    /**
     * Gemm's C times beta, one value per output: a scalar, or [M] / [1, M] after samples as rows, [M, 1] after samples as
     * columns. A C that varies along the batch axis would give each sample of a batch its own bias: refused.
     */
    private Tensor gemmBias(NodeProto node, String name, int outputs, boolean columns) {
        if (producers.containsKey(node.getInput(2))) {
            throw new UnsupportedOpException(file + ": Gemm node '" + name + "' adds the activation '" + node.getInput(2)
                    + "' as C; only a constant bias is supported (write the sum as an Add after the Gemm)");
        }
        Tensor c = floats(node.getInput(2), name);
        float beta = floatAttribute(node, "beta", 1f);
        int[] dims = c.shape().dims();
        int rows = dims.length == 2 ? dims[0] : 1;
        int cols = dims.length == 2 ? dims[1] : dims[0];
        boolean fits = c.size() == 1 || dims.length <= 2 && (columns ? cols == 1 && rows == outputs : rows == 1 && cols == outputs);
        if (!fits) {
            boolean alongBatch = dims.length == 2 && (columns ? rows == outputs : cols == outputs);
            String expected = columns ? "[" + outputs + ", 1]" : "[" + outputs + "] or [1, " + outputs + "]";
            String problem = file + ": Gemm node '" + name + "' has a bias C of shape " + bracketed(c.shape())
                    + "; expected a scalar or " + expected;
            if (alongBatch) {
                throw new UnsupportedOpException(problem + ": this C varies along the batch axis, so each sample would get its own bias");
            }
            throw new ModelFormatException(problem);
        }
        float[] values = new float[outputs];
        for (int o = 0; o < outputs; o++) {
            values[o] = beta * c.get(c.size() == 1 ? 0 : o);
        }
        return new Tensor(Shape.of(outputs), values);
    }

    /** A node of Etalon's own inside one ONNX node (a transpose around a pooling, say); returns its index. */
    private int addInternal(String layer, Op op, int... sources) {
        nodes.add(new Network.Node(layer, op, sources));
        return nodes.size() - 1;
    }

    private void addNode(NodeProto node, String name, Op op, int[] sources) {
        String layer = usedNames.add(name) ? name : node.getOutput(0);
        usedNames.add(layer);
        producers.put(node.getOutput(0), addInternal(layer, op, sources));
    }

    /**
     * Add, Sub, Mul, Div. Two activations of one shape (a residual join) become {@link Add}; an activation and a
     * constant that is a scalar or one value per channel become a {@link ChannelAffine} (input normalisation,
     * a conv bias added separately).
     */
    private void arithmetic(NodeProto node, String name, String type) {
        if (node.getInputCount() != 2) {
            throw new ModelFormatException(file + ": " + type + " node '" + name + "' needs two inputs");
        }
        Integer left = producers.get(node.getInput(0));
        Integer right = producers.get(node.getInput(1));
        if (left != null && right != null) {
            Shape a = shapeOf(left);
            Shape b = shapeOf(right);
            boolean flat = unbatched.contains(node.getInput(0));
            if (flat != unbatched.contains(node.getInput(1))) {
                throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' adds an activation with a batch"
                        + " axis to one without; give both the same rank");
            }
            boolean columns = batchLast.contains(node.getInput(0));
            if (columns != batchLast.contains(node.getInput(1))) {
                throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' combines an activation with one"
                        + " sample per row and one with one sample per column; add a Transpose (perm [1, 0]) to one of them");
            }
            setUnbatched(node.getOutput(0), flat);
            setBatchLast(node.getOutput(0), columns);
            if (!type.equals("Add") || !a.equals(b)) {
                throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' combines two activations ("
                        + a + ", " + b + "); only Add of equal shapes (a residual join) is supported");
            }
            addNode(node, name, new Add(a), new int[] {left, right});
            return;
        }
        if (left == null && right == null) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' has no input that depends on the image");
        }
        boolean constantFirst = left == null;
        int source = constantFirst ? right : left;
        Shape in = shapeOf(source);
        Tensor constant = floats(node.getInput(constantFirst ? 0 : 1), name);
        // without a batch axis, a constant of one more axis (such as [1, C, 1, 1]) broadcasts one in
        setUnbatched(node.getOutput(0), unbatched.contains(node.getInput(constantFirst ? 1 : 0))
                && constant.shape().rank() <= in.rank());
        boolean columns = batchLast.contains(node.getInput(constantFirst ? 1 : 0));
        setBatchLast(node.getOutput(0), columns);
        // before opset 7, broadcast=1 with axis=1 aligned a one-axis constant with the channel axis
        boolean legacyChannels = opset < 7 && intAttribute(node, "axis", -1) == 1 && constant.shape().rank() == 1
                && constant.size() == in.dim(0);
        float[] values = legacyChannels ? constant.data()
                : columns ? perFeatureOfColumns(constant, in, name, type) : perChannel(constant, in, name, type);
        int channels = values.length;
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            float v = values[c];
            switch (type) {
                case "Add" -> { scale[c] = 1; shift[c] = v; }
                case "Sub" -> { scale[c] = constantFirst ? -1 : 1; shift[c] = constantFirst ? v : -v; }
                case "Mul" -> scale[c] = v;
                default -> {
                    if (constantFirst) {
                        throw new UnsupportedOpException(file + ": Div node '" + name + "' divides a constant by the"
                                + " image; that is not piecewise linear");
                    }
                    if (v == 0) {
                        throw new ModelFormatException(file + ": Div node '" + name + "' divides by zero");
                    }
                    scale[c] = 1 / v;
                }
            }
        }
        addNode(node, name, new ChannelAffine(in, new Tensor(Shape.of(channels), scale),
                new Tensor(Shape.of(channels), shift)), new int[] {source});
    }

    /**
     * For an activation with one sample per column ([K, batch]): a scalar, or one value per feature laid out as
     * [K, 1]. A [K] constant would broadcast along the batch axis.
     */
    private float[] perFeatureOfColumns(Tensor constant, Shape in, String name, String type) {
        int[] dims = constant.shape().dims();
        if (constant.size() == 1 && dims.length <= 2 || dims.length == 2 && dims[0] == in.dim(0) && dims[1] == 1) {
            return constant.data();
        }
        throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' uses a constant of shape "
                + bracketed(constant.shape()) + " on an activation with one sample per column ([" + in.dim(0)
                + ", batch]); only a scalar or one value per feature laid out as [" + in.dim(0) + ", 1] is supported");
    }

    /** A scalar, or one value per channel laid out as [C], [C,1,1] or [1,C,1,1]. */
    private float[] perChannel(Tensor constant, Shape in, String name, String type) {
        if (constant.size() == 1) {
            return constant.data();
        }
        int[] dims = constant.shape().dims();
        int nonUnit = 0;
        int length = 1;
        for (int d : dims) {
            if (d != 1) {
                nonUnit++;
                length = d;
            }
        }
        boolean channelAxis = dims.length == in.rank() ? dims[0] == length
                : dims.length == in.rank() + 1 && dims[1] == length;
        if (in.rank() == 1) {
            channelAxis = dims[dims.length - 1] == length;
        }
        if (nonUnit != 1 || length != in.dim(0) || !channelAxis) {
            float[] each = perValue(constant, in);
            if (each != null) {
                return each;
            }
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' uses a constant of shape "
                    + constant.shape() + " on a " + in + " activation; only a scalar, one value per channel (" + in.dim(0)
                    + " values laid out as [" + in.dim(0) + (in.rank() > 1 ? ", 1".repeat(in.rank() - 1) : "") + "]) or a "
                    + "constant that broadcasts to the activation's shape (such as a mean image) is supported");
        }
        return constant.data();
    }

    /**
     * A constant that broadcasts to one sample (numpy rules, with an optional leading batch axis of 1), expanded to
     * one value per value of the sample; {@code null} if it does not broadcast so.
     */
    private static float[] perValue(Tensor constant, Shape in) {
        int[] dims = constant.shape().dims();
        int offset = dims.length - in.rank(); // constant axis i + offset aligns with sample axis i
        if (offset > 1 || offset == 1 && dims[0] != 1) {
            return null;
        }
        int rank = in.rank();
        int[] cdims = new int[rank];
        for (int i = 0; i < rank; i++) {
            int k = i + offset;
            cdims[i] = k < 0 ? 1 : dims[k];
            if (cdims[i] != 1 && cdims[i] != in.dim(i)) {
                return null;
            }
        }
        float[] data = constant.data();
        float[] out = new float[in.size()];
        int[] index = new int[rank];
        for (int flat = 0; flat < out.length; flat++) {
            int source = 0;
            for (int i = 0; i < rank; i++) {
                source = source * cdims[i] + (cdims[i] == 1 ? 0 : index[i]);
            }
            out[flat] = data[source];
            for (int i = rank - 1; i >= 0 && ++index[i] == in.dim(i); i--) {
                index[i] = 0;
            }
        }
        return out;
    }

    /** A shape as ONNX tools print it: [6, 3]. */
    private static String bracketed(Shape shape) {
        return Arrays.toString(shape.dims());
    }

    private Shape shapeOf(int producer) {
        return producer == Network.INPUT ? inputShape : nodes.get(producer).op().outputShape();
    }

    private void concat(NodeProto node, String name) {
        long axis = intAttribute(node, "axis", 1);
        List<Shape> shapes = new ArrayList<>();
        int[] sources = new int[node.getInputCount()];
        for (int i = 0; i < sources.length; i++) {
            Integer source = producers.get(node.getInput(i));
            if (source == null) {
                throw new UnsupportedOpException(file + ": Concat node '" + name + "' joins an activation with a constant; not supported");
            }
            if (unbatched.contains(node.getInput(i))) {
                throw new UnsupportedOpException(file + ": Concat node '" + name + "' joins '" + node.getInput(i)
                        + "', which has no batch axis; add an Unsqueeze of axis 0 before it");
            }
            if (batchLast.contains(node.getInput(i))) {
                throw new UnsupportedOpException(file + ": Concat node '" + name + "' joins '" + node.getInput(i)
                        + "', which holds one sample per column; add a Transpose (perm [1, 0]) before it");
            }
            sources[i] = source;
            shapes.add(shapeOf(source));
        }
        int rank = shapes.get(0).rank();
        long sampleAxis = (axis < 0 ? axis + rank + 1 : axis) - 1; // the batch axis comes first
        if (sampleAxis < 0 || sampleAxis >= rank || shapes.stream().anyMatch(shape -> shape.rank() != rank)) {
            throw new UnsupportedOpException(file + ": Concat node '" + name + "' joins along axis " + axis + " of "
                    + shapes + " (after the batch axis); only the axes of one sample are supported, in inputs of one rank");
        }
        try {
            if (sampleAxis == 0) {
                addNode(node, name, new io.etalon.op.Concat(shapes), sources);
                return;
            }
            // along another axis (Keras joins channels-last activations along their last axis): move that axis first,
            // join, and move it back
            int[] forward = new int[rank];
            int[] back = new int[rank];
            forward[0] = (int) sampleAxis;
            for (int k = 1, d = 0; k < rank; k++, d++) {
                forward[k] = d == sampleAxis ? ++d : d;
            }
            for (int k = 0; k < rank; k++) {
                back[forward[k]] = k;
            }
            List<Shape> moved = new ArrayList<>();
            for (int i = 0; i < sources.length; i++) {
                io.etalon.op.Transpose first = new io.etalon.op.Transpose(shapes.get(i), forward);
                sources[i] = addInternal(name + "/to-axis-0/" + i, first, sources[i]);
                moved.add(first.outputShape());
            }
            io.etalon.op.Concat join = new io.etalon.op.Concat(moved);
            int joined = addInternal(name + "/join", join, sources);
            addNode(node, name, new io.etalon.op.Transpose(join.outputShape(), back), new int[] {joined});
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(file + ": Concat node '" + name + "': " + e.getMessage());
        }
    }

    private Op transpose(NodeProto node, String name, Shape in, boolean flat, boolean columns) {
        int[] perm = ints(node, "perm", null);
        if (!flat && in.rank() == 1) {
            // [batch, K] <-> [K, batch]: the same samples, one per row or one per column
            if (perm == null || Arrays.equals(perm, new int[] {1, 0})) {
                setBatchLast(node.getOutput(0), !columns);
                return null;
            }
            if (Arrays.equals(perm, new int[] {0, 1})) {
                return null;
            }
        }
        if (perm == null) {
            perm = new int[in.rank() + (flat ? 0 : 1)];
            for (int k = 0; k < perm.length; k++) {
                perm[k] = perm.length - 1 - k;
            }
        }
        if (flat) {
            if (perm.length != in.rank()) {
                throw new ModelFormatException(file + ": Transpose node '" + name + "' has perm " + Arrays.toString(perm)
                        + " for a " + in + " activation");
            }
            return new io.etalon.op.Transpose(in, perm);
        }
        if (perm.length != in.rank() + 1 || perm[0] != 0) {
            throw new UnsupportedOpException(file + ": Transpose node '" + name + "' moves the batch axis (perm "
                    + Arrays.toString(perm) + "); only permutations that keep it first are supported");
        }
        int[] sample = new int[in.rank()];
        for (int k = 0; k < sample.length; k++) {
            sample[k] = perm[k + 1] - 1;
        }
        return new io.etalon.op.Transpose(in, sample);
    }

    /**
     * Squeeze and Unsqueeze of activations only relabel the shape. Squeezing the batch axis leaves an activation
     * without one (a model that returns [classes] for one image); an Unsqueeze of axis 0 gives an activation without a
     * batch axis its batch of one.
     */
    private Op squeeze(NodeProto node, String name, Shape in, String type, boolean flat, boolean columns) {
        long[] axes = null;
        if (opset >= 13 && node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
            axes = staticValues(node.getInput(1), name);
        } else if (attribute(node, "axes") != null) {
            axes = java.util.Arrays.stream(ints(node, "axes", new int[0])).asLongStream().toArray();
        }
        if (columns) {
            // [K, batch] -> [K]: the batch axis of one is dropped (a model that returns one sample's scores)
            if (axes == null || axes.length == 1 && (axes[0] == 1 || axes[0] == -1)) {
                setBatchLast(node.getOutput(0), false);
                setUnbatched(node.getOutput(0), true);
                return null;
            }
            throw new UnsupportedOpException(file + ": Squeeze node '" + name + "' removes axes " + Arrays.toString(axes)
                    + " of an activation with one sample per column ([" + in.dim(0) + ", batch]); only the batch axis, 1, can go");
        }
        if (flat && type.equals("Unsqueeze") && in.rank() == 1 && axes != null && axes.length == 1
                && (axes[0] == 1 || axes[0] == -1)) {
            // [K] -> [K, 1]: one sample as a column, for a W x product after it
            setUnbatched(node.getOutput(0), false);
            setBatchLast(node.getOutput(0), true);
            return null;
        }
        List<Integer> dims = new ArrayList<>();
        if (!flat) {
            dims.add(-1); // the batch
        }
        for (int d : in.dims()) {
            dims.add(d);
        }
        boolean batchAfter = !flat;
        if (type.equals("Squeeze")) {
            List<Integer> kept = new ArrayList<>();
            for (int axis = 0; axis < dims.size(); axis++) {
                final int a = axis;
                boolean named = axes == null ? dims.get(axis) == 1
                        : java.util.Arrays.stream(axes).anyMatch(x -> (x < 0 ? x + dims.size() : x) == a);
                if (!named) {
                    kept.add(dims.get(axis));
                } else if (axis == 0 && !flat) {
                    batchAfter = false;
                }
            }
            dims.clear();
            dims.addAll(kept);
        } else {
            if (axes == null) {
                throw new ModelFormatException(file + ": Unsqueeze node '" + name + "' has no axes");
            }
            long[] sortedAxes = axes.clone();
            int rank = dims.size() + sortedAxes.length;
            for (int k = 0; k < sortedAxes.length; k++) {
                sortedAxes[k] = sortedAxes[k] < 0 ? sortedAxes[k] + rank : sortedAxes[k];
            }
            java.util.Arrays.sort(sortedAxes);
            for (long axis : sortedAxes) {
                if (axis < (flat ? 0 : 1) || axis > dims.size()) {
                    throw new UnsupportedOpException(file + ": Unsqueeze node '" + name + "' inserts axis " + axis
                            + " before the batch axis or out of range");
                }
                batchAfter |= axis == 0;
                dims.add((int) axis, 1);
            }
        }
        if (batchAfter) {
            dims.remove(0);
        }
        setUnbatched(node.getOutput(0), !batchAfter);
        int[] sample = dims.stream().mapToInt(Integer::intValue).toArray();
        if (sample.length == 0) {
            sample = new int[] {1};
        }
        return Shape.of(sample).equals(in) ? null : new io.etalon.op.Reshape(in, Shape.of(sample));
    }

    private Op batchNorm(NodeProto node, String name, Shape in) {
        if (intAttribute(node, "training_mode", 0) != 0 || node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
            throw new UnsupportedOpException(file + ": BatchNormalization node '" + name + "' is in training mode (it uses"
                    + " the batch's statistics); export the model in inference mode (model.eval())");
        }
        float epsilon = floatAttribute(node, "epsilon", 1e-5f);
        float[] gamma = floats(node.getInput(1), name).data();
        float[] beta = floats(node.getInput(2), name).data();
        float[] mean = floats(node.getInput(3), name).data();
        float[] variance = floats(node.getInput(4), name).data();
        int channels = in.dim(0);
        if (gamma.length != channels || beta.length != channels || mean.length != channels || variance.length != channels) {
            throw new ModelFormatException(file + ": BatchNormalization node '" + name + "' has statistics that do not fit "
                    + channels + " channels");
        }
        float[] scale = new float[channels];
        float[] shift = new float[channels];
        for (int c = 0; c < channels; c++) {
            scale[c] = (float) (gamma[c] / Math.sqrt((double) variance[c] + epsilon));
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return new ChannelAffine(in, new Tensor(Shape.of(channels), scale), new Tensor(Shape.of(channels), shift));
    }

    private Op averagePool(NodeProto node, String name, Shape in) {
        int[] kernel = ints(node, "kernel_shape", null);
        if (kernel == null || kernel.length != 2 || in.rank() != 3) {
            throw new UnsupportedOpException(file + ": AveragePool node '" + name + "' is not a 2-D pooling");
        }
        int[] strides = ints(node, "strides", new int[] {1, 1});
        return new AvgPool2d(in, kernel, strides, pads(node, name, in, kernel, strides, new int[] {1, 1}),
                intAttribute(node, "count_include_pad", 0) != 0, intAttribute(node, "ceil_mode", 0) != 0);
    }

    private Op prelu(NodeProto node, String name, Shape in, boolean flat, boolean columns) {
        Tensor slope = floats(node.getInput(1), name);
        if (columns) {
            return new LeakyRelu(in, new Tensor(Shape.of(slope.size()), perFeatureOfColumns(slope, in, name, "PRelu")));
        }
        setUnbatched(node.getOutput(0), flat && slope.shape().rank() <= in.rank());
        if (opset < 7 && slope.shape().rank() == 1 && slope.size() == in.dim(0)) {
            // before opset 7 a one-axis slope was one value per channel, not broadcast from the right
            return new LeakyRelu(in, new Tensor(Shape.of(slope.size()), slope.data()));
        }
        float[] slopes = perChannel(slope, in, name, "PRelu");
        return new LeakyRelu(in, new Tensor(Shape.of(slopes.length), slopes));
    }

    private Op clip(NodeProto node, String name, Shape in) {
        float min = Float.NEGATIVE_INFINITY;
        float max = Float.POSITIVE_INFINITY;
        if (opset < 11) {
            min = floatAttribute(node, "min", min);
            max = floatAttribute(node, "max", max);
        } else {
            if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
                min = floats(node.getInput(1), name).get(0);
            }
            if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
                max = floats(node.getInput(2), name).get(0);
            }
        }
        return new Clip(in, min, max);
    }

    private Op pad(NodeProto node, String name, Shape in) {
        String mode = attribute(node, "mode") == null ? "constant" : attribute(node, "mode").getS().toStringUtf8();
        if (!mode.equals("constant")) {
            throw new UnsupportedOpException(file + ": Pad node '" + name + "' uses mode " + mode + "; only constant zero padding is supported");
        }
        long[] pads;
        if (opset < 11) {
            int[] attributePads = ints(node, "pads", null);
            pads = attributePads == null ? null : java.util.Arrays.stream(attributePads).asLongStream().toArray();
            if (floatAttribute(node, "value", 0f) != 0f) {
                throw new UnsupportedOpException(file + ": Pad node '" + name + "' pads with a non-zero value");
            }
        } else {
            pads = staticValues(node.getInput(1), name);
            if (node.getInputCount() > 2 && !node.getInput(2).isEmpty() && floats(node.getInput(2), name).get(0) != 0f) {
                throw new UnsupportedOpException(file + ": Pad node '" + name + "' pads with a non-zero value");
            }
        }
        if (pads == null || pads.length != 8 || in.rank() != 3 || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0) {
            throw new UnsupportedOpException(file + ": Pad node '" + name + "' pads " + java.util.Arrays.toString(pads)
                    + "; only the two spatial dimensions of an NCHW tensor can be padded");
        }
        return new Pad(in, new int[] {(int) pads[2], (int) pads[3], (int) pads[6], (int) pads[7]});
    }

    /**
     * Folds the shape arithmetic exporters write before a Reshape (PyTorch's {@code x.view(x.size(0), -1)} becomes
     * Shape, Gather, Unsqueeze, Concat) into a constant vector, with {@link #BATCH} for the batch dimension.
     */
    private void foldShapeComputation(NodeProto node, String name, String type) {
        long[] result;
        switch (type) {
            case "Shape" -> {
                Integer source = producers.get(node.getInput(0));
                if (source == null) {
                    throw new UnsupportedOpException(file + ": Shape node '" + name + "' reads a constant; not supported");
                }
                int[] dims = (source == Network.INPUT ? inputShape : nodes.get(source).op().outputShape()).dims();
                int first = unbatched.contains(node.getInput(0)) ? 0 : 1;
                result = new long[dims.length + first];
                result[0] = BATCH;
                for (int i = 0; i < dims.length; i++) {
                    result[i + first] = dims[i];
                }
                if (batchLast.contains(node.getInput(0))) {
                    result = new long[] {dims[0], BATCH};
                }
                // opset 15 added start and end: a part of the shape, with the clamping rules of Slice
                if (attribute(node, "start") != null || attribute(node, "end") != null) {
                    result = slice(result, intAttribute(node, "start", 0), intAttribute(node, "end", Long.MAX_VALUE), 1, name);
                }
            }
            case "Slice" -> {
                long[] data = staticValues(node.getInput(0), name);
                long[] starts;
                long[] ends;
                long[] axes;
                long[] steps = null;
                if (opset < 10) {
                    starts = longsAttribute(node, "starts");
                    ends = longsAttribute(node, "ends");
                    axes = longsAttribute(node, "axes");
                } else {
                    starts = node.getInputCount() > 1 ? staticValues(node.getInput(1), name) : null;
                    ends = node.getInputCount() > 2 ? staticValues(node.getInput(2), name) : null;
                    axes = node.getInputCount() > 3 && !node.getInput(3).isEmpty() ? staticValues(node.getInput(3), name) : null;
                    steps = node.getInputCount() > 4 && !node.getInput(4).isEmpty() ? staticValues(node.getInput(4), name) : null;
                }
                if (starts == null || ends == null || starts.length != 1 || ends.length != 1
                        || axes != null && (axes.length != 1 || axes[0] != 0 && axes[0] != -1)
                        || steps != null && steps.length != 1) {
                    throw new UnsupportedOpException(file + ": Slice node '" + name + "' on a shape must take one range of its"
                            + " only axis (starts, ends, axes [0] and steps of one value each)");
                }
                result = slice(data, starts[0], ends[0], steps == null ? 1 : steps[0], name);
            }
            case "Gather" -> {
                long[] data = staticValues(node.getInput(0), name);
                long[] indices = staticValues(node.getInput(1), name);
                if (intAttribute(node, "axis", 0) != 0) {
                    throw new UnsupportedOpException(file + ": Gather node '" + name + "' on a shape uses an axis other than 0");
                }
                result = new long[indices.length];
                for (int i = 0; i < indices.length; i++) {
                    long index = indices[i] < 0 ? indices[i] + data.length : indices[i];
                    if (index < 0 || index >= data.length) {
                        throw new ModelFormatException(file + ": Gather node '" + name + "' index " + indices[i] + " is out of range");
                    }
                    result[i] = data[(int) index];
                }
            }
            case "Unsqueeze", "Squeeze", "Identity", "Cast" -> result = staticValues(node.getInput(0), name);
            case "Concat" -> {
                List<Long> joined = new ArrayList<>();
                for (String input : node.getInputList()) {
                    for (long v : staticValues(input, name)) {
                        joined.add(v);
                    }
                }
                result = joined.stream().mapToLong(Long::longValue).toArray();
            }
            default -> throw new IllegalStateException(type);
        }
        shapeValues.put(node.getOutput(0), result);
    }

    /** Elements start, start + step, ... before end of a shape vector; negative and too large bounds clamp as in ONNX Slice. */
    private long[] slice(long[] data, long start, long end, long step, String name) {
        if (step == 0) {
            throw new ModelFormatException(file + ": Slice node '" + name + "' has a step of 0; a slice needs a non-zero step");
        }
        int n = data.length;
        if (n == 0) {
            return data;
        }
        long first = start < 0 ? start + n : start;
        long stop = end < 0 ? end + n : end;
        if (step > 0) {
            first = Math.max(0, Math.min(first, n));
            stop = Math.max(0, Math.min(stop, n));
        } else {
            first = Math.max(0, Math.min(first, n - 1));
            stop = Math.max(-1, Math.min(stop, n - 1));
        }
        List<Long> kept = new ArrayList<>();
        for (long i = first; step > 0 ? i < stop : i > stop; i += step) {
            kept.add(data[(int) i]);
        }
        return kept.stream().mapToLong(Long::longValue).toArray();
    }

    private long[] longsAttribute(NodeProto node, String name) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? null : attribute.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The values of an int64 tensor known at load time: a folded shape vector or an int64 constant. */
    private long[] staticValues(String tensor, String node) {
        long[] folded = shapeValues.get(tensor);
        if (folded != null) {
            return folded;
        }
        long[] constant = longs(tensor, node);
        if (constant == null) {
            throw new UnsupportedOpException(file + ": node '" + node + "' computes with '" + tensor
                    + "', which is not known at load time; only shape arithmetic on constants can be folded");
        }
        return constant;
    }

    private String displayName(NodeProto node) {
        return Messages.nodeName(node);
    }

    private Op flatten(NodeProto node, String name, Shape in, boolean flat, boolean columns) {
        long axis = intAttribute(node, "axis", 1);
        if (columns) {
            // [K, batch] stays [K, batch] with axis 1; axis 0 makes it [1, K x batch], one sample per row for a batch of one
            if (axis != 0 && axis != 1 && axis != -1) {
                throw new UnsupportedOpException(file + ": Flatten node '" + name + "' has axis " + axis + " on an activation"
                        + " with one sample per column; only axis 0 or 1 is supported");
            }
            setBatchLast(node.getOutput(0), axis != 0);
            return null;
        }
        if (flat) {
            // [d0, ..., dn] -> [d0 * ... * d(axis-1), rest]: with a leading 1 that is the batch of one
            long normal = axis < 0 ? axis + in.rank() : axis;
            long outer = 1;
            for (int k = 0; k < normal && k < in.rank(); k++) {
                outer *= in.dim(k);
            }
            if (normal < 0 || normal > in.rank() || outer != 1) {
                throw new UnsupportedOpException(file + ": Flatten node '" + name + "' has axis " + axis + " on a " + in
                        + " activation without a batch axis; only a flatten to [1, " + in.size() + "] is supported");
            }
            setUnbatched(node.getOutput(0), false);
            return new Flatten(in);
        }
        if (axis != 1) {
            throw new UnsupportedOpException(file + ": Flatten node '" + name + "' has axis " + axis + "; only axis 1 (keep the batch) is supported");
        }
        return new Flatten(in);
    }

    private Op reshape(NodeProto node, String name, Shape in, boolean flat, boolean columns) {
        if (node.getInputCount() < 2) {
            throw new UnsupportedOpException(file + ": Reshape node '" + name + "' has no target shape");
        }
        long[] target = staticValues(node.getInput(1), name);
        if (flat) {
            return reshapeWithoutBatch(node, name, in, in, target);
        }
        if (columns) {
            // Etalon reads one sample at a time: [K, batch] is then the whole tensor [K, 1]
            return reshapeWithoutBatch(node, name, in, Shape.of(in.dim(0), 1), target);
        }
        if (target.length == 2 && target[1] == 1 && (target[0] == -1 || target[0] == in.size()) && in.size() > 1) {
            // [1, ...] -> [K, 1]: a batch of one becomes one sample as a column (for a Gemm with transA=1 after it)
            setBatchLast(node.getOutput(0), true);
            return in.rank() == 1 ? null : new Flatten(in);
        }
        if (target.length == 1 && (target[0] == in.size() || target[0] == -1)) {
            // [1, ...] -> [size]: the batch of one is dropped (a model that returns one image's scores)
            setUnbatched(node.getOutput(0), true);
            return in.rank() == 1 ? null : new Flatten(in);
        }
        boolean flattens = target.length == 2 && (target[1] == -1 || target[1] == in.size())
                && (target[0] == BATCH || target[0] == -1 || target[0] == 0 || target[0] == 1);
        if (flattens) {
            return new Flatten(in);
        }
        boolean keepsBatch = target.length >= 2 && (target[0] == BATCH || target[0] == 0 || target[0] == -1 || target[0] == 1);
        if (keepsBatch) {
            int[] sample = new int[target.length - 1];
            int unknown = -1;
            long known = 1;
            for (int k = 1; k < target.length; k++) {
                long d = target[k] == 0 && k <= in.rank() ? in.dim(k - 1) : target[k];
                if (d == -1 && unknown < 0 && target[0] != -1) {
                    unknown = k - 1;
                } else if (d <= 0 || d > in.size()) {
                    keepsBatch = false;
                    break;
                } else {
                    sample[k - 1] = (int) d;
                    known *= d;
                }
            }
            if (keepsBatch && unknown >= 0 && known > 0 && in.size() % known == 0) {
                sample[unknown] = (int) (in.size() / known);
                known *= sample[unknown];
            }
            if (keepsBatch && known == in.size()) {
                return new io.etalon.op.Reshape(in, Shape.of(sample));
            }
        }
        if (!flattens) {
            throw new UnsupportedOpException(file + ": Reshape node '" + name + "' reshapes to "
                    + Arrays.toString(target).replace(String.valueOf(BATCH), "batch")
                    + "; only flattening to [batch, " + in.size() + "] is supported");
        }
        return new Flatten(in);
    }

    /**
     * Reshape of an activation without a batch axis, or with one sample as a column ({@code whole} is then [K, 1]): the
     * target is its whole new shape (0 copies a size, -1 is inferred). A target with a leading 1 and at least two axes
     * gives the activation its batch of one; a target [K, 1] makes it one sample as a column.
     */
    private Op reshapeWithoutBatch(NodeProto node, String name, Shape in, Shape whole, long[] target) {
        int unknown = -1;
        long known = 1;
        long[] resolved = new long[target.length];
        for (int k = 0; k < target.length; k++) {
            long d = target[k] == 0 && k < whole.rank() ? whole.dim(k) : target[k];
            if (d == -1 && unknown < 0) {
                unknown = k;
            } else if (d <= 0 || d > in.size() || known * d > in.size()) {
                throw new UnsupportedOpException(file + ": Reshape node '" + name + "' reshapes a " + bracketed(whole) + " activation to "
                        + Arrays.toString(target).replace(String.valueOf(BATCH), "batch") + ", which does not keep its values");
            } else {
                resolved[k] = d;
                known *= d;
            }
        }
        if (unknown >= 0 && known > 0 && in.size() % known == 0) {
            resolved[unknown] = in.size() / known;
            known *= resolved[unknown];
        }
        if (target.length == 0 || known != in.size()) {
            throw new UnsupportedOpException(file + ": Reshape node '" + name + "' reshapes a " + bracketed(whole) + " activation to "
                    + Arrays.toString(target).replace(String.valueOf(BATCH), "batch") + ", which does not keep its values");
        }
        boolean batchAfter = resolved.length >= 2 && resolved[0] == 1;
        boolean column = resolved.length == 2 && resolved[0] > 1 && resolved[1] == 1;
        setUnbatched(node.getOutput(0), !batchAfter && !column);
        setBatchLast(node.getOutput(0), column);
        int[] sample = Arrays.stream(resolved).limit(column ? 1 : resolved.length).skip(batchAfter ? 1 : 0)
                .mapToInt(d -> (int) d).toArray();
        return Shape.of(sample).equals(in) ? null : new io.etalon.op.Reshape(in, Shape.of(sample));
    }

    private Op conv(NodeProto node, String name, Shape in) {
        Tensor weight = floats(node.getInput(1), name);
        Tensor bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? floats(node.getInput(2), name) : null;
        if (weight.shape().rank() != 4 || in.rank() != 3) {
            throw new UnsupportedOpException(file + ": Conv node '" + name + "' is not a 2-D convolution (weight " + weight.shape() + ")");
        }
        long group = intAttribute(node, "group", 1);
        if (group < 1 || group > in.dim(0) || in.dim(0) % group != 0) {
            throw new ModelFormatException(file + ": Conv node '" + name + "' has group " + group + ", which does not divide its "
                    + in.dim(0) + " input channels; the model is inconsistent, re-export it");
        }
        int[] kernel = {weight.shape().dim(2), weight.shape().dim(3)};
        int[] strides = ints(node, "strides", new int[] {1, 1});
        int[] dilations = ints(node, "dilations", new int[] {1, 1});
        int[] pads = pads(node, name, in, kernel, strides, dilations);
        return new Conv2d(in, weight, bias, strides, pads, dilations, (int) group);
    }

    /**
     * ConvTranspose, 2-D. Pads come from {@code pads}, or, as the ONNX definition says, from {@code output_shape} or a
     * SAME auto_pad (output = input x stride): the total cut is split with the smaller half first for SAME_UPPER, last
     * otherwise; an output_shape a little larger than the kernels reach adds output padding.
     */
    private Op convTranspose(NodeProto node, String name, Shape in) {
        Tensor weight = floats(node.getInput(1), name);
        Tensor bias = node.getInputCount() > 2 && !node.getInput(2).isEmpty() ? floats(node.getInput(2), name) : null;
        if (weight.shape().rank() != 4 || in.rank() != 3) {
            throw new UnsupportedOpException(file + ": ConvTranspose node '" + name + "' is not a 2-D transposed convolution"
                    + " (weight " + weight.shape() + ")");
        }
        long group = intAttribute(node, "group", 1);
        if (group < 1 || weight.shape().dim(0) != in.dim(0) || in.dim(0) % group != 0) {
            throw new ModelFormatException(file + ": ConvTranspose node '" + name + "' has weight " + weight.shape() + " and group "
                    + group + ", which do not fit its " + in.dim(0) + " input channels; the model is inconsistent, re-export it");
        }
        int[] kernel = {weight.shape().dim(2), weight.shape().dim(3)};
        int[] strides = ints(node, "strides", new int[] {1, 1});
        int[] dilations = ints(node, "dilations", new int[] {1, 1});
        int[] outputPadding = ints(node, "output_padding", new int[] {0, 0});
        int[] outputShape = ints(node, "output_shape", null);
        if (strides.length != 2 || dilations.length != 2 || outputPadding.length != 2
                || outputShape != null && outputShape.length != 2 && outputShape.length != 4) {
            throw new ModelFormatException(file + ": ConvTranspose node '" + name + "' needs 2 strides, dilations, output"
                    + " paddings and output sizes for 2-D");
        }
        AttributeProto autoPad = attribute(node, "auto_pad");
        String mode = autoPad == null ? "NOTSET" : autoPad.getS().toStringUtf8();
        int[] pads;
        if (outputShape == null && !mode.startsWith("SAME")) {
            pads = mode.equals("VALID") ? new int[4] : ints(node, "pads", new int[4]);
            if (pads.length != 4) {
                throw new ModelFormatException(file + ": node '" + name + "' has " + pads.length + " pads; expected 4 for 2-D");
            }
        } else {
            pads = new int[4];
            for (int axis = 0; axis < 2; axis++) {
                int target = outputShape != null ? outputShape[outputShape.length - 2 + axis] : in.dim(axis + 1) * strides[axis];
                int total = strides[axis] * (in.dim(axis + 1) - 1) + outputPadding[axis] + dilations[axis] * (kernel[axis] - 1) + 1
                        - target;
                if (total < 0 && outputPadding[axis] - total < Math.max(strides[axis], dilations[axis])) {
                    // a larger output than the kernels reach: the extra rows at the end hold the bias, as output padding
                    outputPadding[axis] -= total;
                    total = 0;
                } else if (total < 0) {
                    throw new UnsupportedOpException(file + ": ConvTranspose node '" + name + "' asks for output size " + target
                            + ", larger than the " + (target + total) + " its input, kernel and strides give; not supported");
                }
                boolean upper = mode.equals("SAME_UPPER");
                pads[axis] = upper ? total / 2 : total - total / 2;
                pads[axis + 2] = total - pads[axis];
            }
        }
        return new io.etalon.op.ConvTranspose2d(in, weight, bias, strides, pads, dilations, (int) group, outputPadding);
    }

    /**
     * Resize or Upsample on the spatial axes of NCHW (of NHWC too, between two transposes). Linear mode becomes {@link
     * io.etalon.op.Bilinear2d} (any size;
     * opsets before 11 use asymmetric coordinates). Nearest mode by whole factors becomes {@link
     * io.etalon.op.Upsample2d}, which copies input {@code floor(y / s)} to output y: the coordinate transformation and
     * rounding the node states are worked through for every output row and column, and the node is taken only if they
     * give exactly those blocks (they do for the usual settings; opsets before 11 use floor by definition).
     */
    private void resize(NodeProto node, String name, String type, Shape in, int source) {
        if (in.rank() != 3) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' resizes a [batch, " + in
                    + "] activation; only images (NCHW or NHWC) are supported");
        }
        double[] factors = new double[4];
        long[] sizes = null;
        AttributeProto scalesAttribute = attribute(node, "scales");
        if (scalesAttribute != null) { // Upsample, opset 7
            for (int k = 0; k < Math.min(4, scalesAttribute.getFloatsCount()); k++) {
                factors[k] = scalesAttribute.getFloats(k);
            }
        } else {
            int scalesInput = type.equals("Resize") && opset >= 11 ? 2 : 1;
            TensorProto stated = node.getInputCount() > scalesInput ? constants.get(node.getInput(scalesInput)) : null;
            boolean empty = stated != null && stated.getDimsList().contains(0L); // exporters write [0] for "use sizes"
            if (node.getInputCount() > scalesInput && !node.getInput(scalesInput).isEmpty() && !empty) {
                float[] scales = floats(node.getInput(scalesInput), name).data();
                for (int k = 0; k < Math.min(4, scales.length); k++) {
                    factors[k] = scales[k];
                }
            } else if (node.getInputCount() > 3 && !node.getInput(3).isEmpty()) {
                sizes = staticValues(node.getInput(3), name);
            }
        }
        if (sizes != null && sizes.length != 4) {
            throw new ModelFormatException(file + ": " + type + " node '" + name + "' gives " + sizes.length
                    + " sizes for a 4-axis activation; the model is inconsistent, re-export it");
        }
        // channels last (tf2onnx's resize of NHWC): the two middle axes scale, the last keeps its size
        boolean channelsLast = sizes != null ? sizes[3] == in.dim(2) && sizes[1] != in.dim(0)
                : factors[0] == 1 && factors[3] == 1 && factors[1] != 1;
        if (!channelsLast) {
            addNode(node, name, upsample(node, name, type, in, factors, sizes), new int[] {source});
            return;
        }
        Shape image = Shape.of(in.dim(2), in.dim(0), in.dim(1));
        double[] reordered = {factors[0], factors[3], factors[1], factors[2]};
        long[] reorderedSizes = sizes == null ? null : new long[] {sizes[0], sizes[3], sizes[1], sizes[2]};
        io.etalon.op.Transpose first = new io.etalon.op.Transpose(in, new int[] {2, 0, 1});
        int channelsFirst = addInternal(name + "/to-nchw", first, source);
        Op resized = upsample(node, name, type, image, reordered, reorderedSizes);
        int done = addInternal(name + "/nchw", resized, channelsFirst);
        addNode(node, name, new io.etalon.op.Transpose(resized.outputShape(), new int[] {1, 2, 0}), new int[] {done});
    }

    private Op upsample(NodeProto node, String name, String type, Shape in, double[] factors, long[] sizes) {
        AttributeProto modeAttribute = attribute(node, "mode");
        String mode = modeAttribute == null ? "nearest" : modeAttribute.getS().toStringUtf8();
        boolean linear = mode.equals("linear") || mode.equals("bilinear");
        if (!mode.equals("nearest") && !linear) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' uses mode " + mode
                    + "; only nearest and linear are supported");
        }
        boolean channelsKept = sizes != null ? sizes[1] == in.dim(0) : factors[0] == 1 && factors[1] == 1;
        if (!channelsKept) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' resizes the batch or channel axis;"
                    + " only the two spatial axes of NCHW or NHWC are supported");
        }
        String transform = opset < 11 ? "asymmetric" : stringAttribute(node, "coordinate_transformation_mode", "half_pixel");
        if (linear) {
            // output size floor(n * scale), or the size given (and then the scale is output / input), as ONNX defines
            int[] size = new int[2];
            double[] scale = new double[2];
            for (int axis = 0; axis < 2; axis++) {
                int n = in.dim(axis + 1);
                size[axis] = sizes != null ? (int) sizes[axis + 2] : (int) Math.floor(n * factors[axis + 2]);
                scale[axis] = sizes != null ? (double) sizes[axis + 2] / n : factors[axis + 2];
                if (size[axis] < 1 || size[axis] > 1 << 14) {
                    throw new ModelFormatException(file + ": " + type + " node '" + name + "' resizes axis " + (axis + 2)
                            + " to " + size[axis] + " values; the model is inconsistent, re-export it");
                }
                if (intAttribute(node, "antialias", 0) != 0 && size[axis] < n) {
                    throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' shrinks with antialias;"
                            + " only resizing without antialias is supported");
                }
            }
            if (!java.util.Set.of("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric").contains(transform)) {
                throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' uses coordinate_transformation_mode "
                        + transform + "; linear resizing supports half_pixel, pytorch_half_pixel, align_corners and asymmetric");
            }
            return new io.etalon.op.Bilinear2d(in, size, transform, scale);
        }
        int[] whole = new int[2];
        for (int axis = 0; axis < 2; axis++) {
            int n = in.dim(axis + 1);
            double factor = sizes != null ? (double) sizes[axis + 2] / n : factors[axis + 2];
            whole[axis] = (int) Math.round(factor);
            if (whole[axis] < 1 || Math.abs(factor - whole[axis]) > 1e-6) {
                throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' scales axis " + (axis + 2)
                        + " by " + factor + "; nearest resizing supports whole factors of at least 1");
            }
        }
        String rounding = opset < 11 ? "floor" : stringAttribute(node, "nearest_mode", "round_prefer_floor");
        for (int axis = 0; axis < 2; axis++) {
            int n = in.dim(axis + 1);
            int s = whole[axis];
            for (int y = 0; y < n * s; y++) {
                if (nearestSource(y, n, s, transform, rounding, name, type) != y / s) {
                    throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' with coordinate_transformation_mode "
                            + transform + " and nearest_mode " + rounding + " reads input " + nearestSource(y, n, s, transform,
                            rounding, name, type) + " for output " + y + " at factor " + s + ", not whole blocks; not supported");
                }
            }
        }
        return new io.etalon.op.Upsample2d(in, whole);
    }

    /** The input index ONNX's nearest Resize reads for output index y (input size n, factor s), clamped to the input. */
    private long nearestSource(int y, int n, int s, String transform, String rounding, String name, String type) {
        double x;
        try {
            x = io.etalon.op.ResizeCoordinates.source(transform, y, n, s);
        } catch (IllegalArgumentException e) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name
                    + "' uses coordinate_transformation_mode " + transform + "; not supported");
        }
        double fraction = x - Math.floor(x);
        long index = switch (rounding) {
            case "floor" -> (long) Math.floor(x);
            case "ceil" -> (long) Math.ceil(x);
            case "round_prefer_floor" -> fraction == 0.5 ? (long) Math.floor(x) : Math.round(x);
            case "round_prefer_ceil" -> fraction == 0.5 ? (long) Math.ceil(x) : Math.round(x);
            default -> throw new ModelFormatException(file + ": " + type + " node '" + name + "' has nearest_mode " + rounding
                    + ", which ONNX does not define");
        };
        return Math.max(0, Math.min(n - 1, index));
    }

    private String stringAttribute(NodeProto node, String name, String fallback) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? fallback : attribute.getS().toStringUtf8();
    }

    private static MaxPool2d globalMaxPool(Shape in) {
        return new MaxPool2d(in, new int[] {in.dim(1), in.dim(2)}, new int[] {1, 1}, new int[] {0, 0, 0, 0});
    }

    /**
     * ReduceMean or ReduceMax over the two spatial axes of an image-shaped activation, as Keras's global pooling layers
     * reach ONNX through tf2onnx: axes [2, 3] of NCHW (a global pool), or axes [1, 2] of NHWC (a transpose to CHW, the
     * pool, then the values as the node's output shape; the order of C values is the same). Other axes are refused.
     */
    private void spatialReduction(NodeProto node, String name, String type, Shape in, int source) {
        long[] axes = attribute(node, "axes") != null ? longsAttribute(node, "axes")
                : node.getInputCount() > 1 && !node.getInput(1).isEmpty() ? staticValues(node.getInput(1), name) : null;
        boolean keep = intAttribute(node, "keepdims", 1) != 0;
        java.util.Set<Long> sampleAxes = new java.util.TreeSet<>();
        for (long axis : axes == null ? new long[0] : axes) {
            sampleAxes.add((axis < 0 ? axis + in.rank() + 1 : axis) - 1); // the batch axis comes first
        }
        boolean channelsFirst = in.rank() == 3 && sampleAxes.equals(java.util.Set.of(1L, 2L));
        boolean channelsLast = in.rank() == 3 && sampleAxes.equals(java.util.Set.of(0L, 1L));
        if (!channelsFirst && !channelsLast) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' reduces axes "
                    + (axes == null ? "(all)" : Arrays.toString(axes)) + " of a [batch, " + in + "] activation; only the two"
                    + " spatial axes (a global pool: [2, 3] of NCHW or [1, 2] of NHWC) are supported");
        }
        Shape image = channelsFirst ? in : Shape.of(in.dim(2), in.dim(0), in.dim(1));
        int channels = image.dim(0);
        List<Op> chain = new ArrayList<>();
        if (channelsLast) {
            chain.add(new io.etalon.op.Transpose(in, new int[] {2, 0, 1}));
        }
        chain.add(type.equals("ReduceMean") ? AvgPool2d.global(image) : globalMaxPool(image));
        Shape pooled = Shape.of(channels, 1, 1);
        Shape result = !keep ? Shape.of(channels) : channelsFirst ? pooled : Shape.of(1, 1, channels);
        if (!result.equals(pooled)) {
            chain.add(new io.etalon.op.Reshape(pooled, result));
        }
        int from = source;
        for (int k = 0; k < chain.size() - 1; k++) {
            from = addInternal(name + "/" + chain.get(k).kind().toLowerCase(java.util.Locale.ROOT), chain.get(k), from);
        }
        addNode(node, name, chain.get(chain.size() - 1), new int[] {from});
    }

    private Op maxPool(NodeProto node, String name, Shape in) {
        if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()) {
            throw new UnsupportedOpException(file + ": MaxPool node '" + name + "' also outputs indices; this is not supported");
        }
        int[] kernel = ints(node, "kernel_shape", null);
        if (kernel == null || kernel.length != 2) {
            throw new ModelFormatException(file + ": MaxPool node '" + name + "' needs a 2-D kernel_shape");
        }
        int[] strides = ints(node, "strides", new int[] {1, 1});
        int[] dilations = ints(node, "dilations", new int[] {1, 1});
        if (strides.length != 2 || dilations.length != 2) {
            throw new ModelFormatException(file + ": MaxPool node '" + name + "' has " + strides.length + " strides and "
                    + dilations.length + " dilations; expected 2 of each for 2-D");
        }
        return new MaxPool2d(in, kernel, strides, pads(node, name, in, kernel, strides, dilations), dilations,
                intAttribute(node, "ceil_mode", 0) != 0);
    }

    /** Explicit pads, or pads computed from auto_pad (ONNX's SAME_UPPER puts the odd pixel at the end). */
    private int[] pads(NodeProto node, String name, Shape in, int[] kernel, int[] strides, int[] dilations) {
        AttributeProto autoPad = attribute(node, "auto_pad");
        String mode = autoPad == null ? "NOTSET" : autoPad.getS().toStringUtf8();
        if (mode.equals("NOTSET")) {
            int[] pads = ints(node, "pads", new int[] {0, 0, 0, 0});
            if (pads.length != 4) {
                throw new ModelFormatException(file + ": node '" + name + "' has " + pads.length + " pads; expected 4 for 2-D");
            }
            return pads;
        }
        if (mode.equals("VALID")) {
            return new int[] {0, 0, 0, 0};
        }
        int[] pads = new int[4];
        for (int axis = 0; axis < 2; axis++) {
            int size = in.dim(axis + 1);
            int out = (size + strides[axis] - 1) / strides[axis];
            int total = Math.max(0, (out - 1) * strides[axis] + dilations[axis] * (kernel[axis] - 1) + 1 - size);
            int small = total / 2;
            boolean upper = mode.equals("SAME_UPPER");
            pads[axis] = upper ? small : total - small;
            pads[axis + 2] = upper ? total - small : small;
        }
        return pads;
    }

    private AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute;
            }
        }
        return null;
    }

    private long intAttribute(NodeProto node, String name, long fallback) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? fallback : attribute.getI();
    }

    private float floatAttribute(NodeProto node, String name, float fallback) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? fallback : attribute.getF();
    }

    private int[] ints(NodeProto node, String name, int[] fallback) {
        AttributeProto attribute = attribute(node, name);
        if (attribute == null) {
            return fallback;
        }
        int[] values = new int[attribute.getIntsCount()];
        for (int i = 0; i < values.length; i++) {
            long v = attribute.getInts(i);
            if (v < 0 || v > 1 << 16) {
                throw new ModelFormatException(file + ": node '" + displayName(node) + "' has " + name + " value " + v + "; out of range");
            }
            values[i] = (int) v;
        }
        return values;
    }

    private TensorProto constant(String tensor, String node) {
        TensorProto proto = constants.get(tensor);
        if (proto == null) {
            throw new ModelFormatException(file + ": node '" + node + "' needs the weight '" + tensor
                    + "', which is not an initializer or constant; re-export the model with its weights");
        }
        if (proto.hasDataLocation() && proto.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            proto = external(proto, node);
            constants.put(tensor, proto);
        }
        return proto;
    }

    /**
     * Reads the bytes of a weight stored in a file beside the model (ONNX external data). Only files inside the
     * model's own folder are read: absolute paths and {@code ..} are refused.
     */
    private TensorProto external(TensorProto proto, String node) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (var entry : proto.getExternalDataList()) {
            switch (entry.getKey()) {
                case "location" -> location = entry.getValue();
                case "offset" -> offset = parseLong(entry.getValue(), proto, node);
                case "length" -> length = parseLong(entry.getValue(), proto, node);
                default -> { }
            }
        }
        if (folder == null) {
            throw new UnsupportedOpException(file + ": weight '" + proto.getName() + "' is stored in an external file,"
                    + " which an in-memory model cannot read");
        }
        if (location == null || location.isEmpty()) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' is external but names no file");
        }
        java.nio.file.Path relative = java.nio.file.Path.of(location).normalize();
        java.nio.file.Path resolved = folder.resolve(relative).normalize();
        if (relative.isAbsolute() || relative.startsWith("..") || !resolved.startsWith(folder.normalize())) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' points to '" + location
                    + "', outside the model's folder; external weight files must sit beside the model");
        }
        int[] dims = dims(proto, node);
        long count = 1;
        for (int d : dims) {
            count *= d;
        }
        int width = proto.getDataType() == TensorProto.DataType.DOUBLE.getNumber()
                || proto.getDataType() == TensorProto.DataType.INT64.getNumber() ? 8 : 4;
        long bytes = length >= 0 ? length : count * width;
        if (bytes != count * width) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' declares " + bytes
                    + " external bytes for " + count + " values");
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(resolved)) {
            if (offset < 0 || offset + bytes > channel.size()) {
                throw new ModelFormatException(file + ": weight '" + proto.getName() + "' needs bytes " + offset + ".."
                        + (offset + bytes) + " of '" + location + "', which has " + channel.size());
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) bytes);
            channel.read(buffer, offset);
            return proto.toBuilder().clearExternalData().clearDataLocation()
                    .setRawData(com.google.protobuf.ByteString.copyFrom(buffer.flip())).build();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' is stored in '" + location
                    + "', which is missing from the model's folder");
        } catch (java.io.IOException e) {
            throw new ModelFormatException(file + ": cannot read external weight file '" + location + "': " + e.getMessage());
        }
    }

    private long parseLong(String text, TensorProto proto, String node) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ModelFormatException(file + ": weight '" + proto.getName() + "' of node '" + node
                    + "' has external-data field '" + text + "', not a number");
        }
    }

    private int[] dims(TensorProto proto, String node) {
        long count = 1;
        int[] dims = new int[proto.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            long d = proto.getDims(i);
            if (d <= 0 || d > MAX_VALUES) {
                throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has dimension " + d);
            }
            count *= d;
            if (count > MAX_VALUES) {
                throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' declares over "
                        + MAX_VALUES + " values; the file is corrupt");
            }
            dims[i] = (int) d;
        }
        return dims;
    }

    private Tensor floats(String tensor, String node) {
        TensorProto proto = constant(tensor, node);
        int[] dims = dims(proto, node);
        int count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        float[] values = new float[count];
        if (proto.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
            if (!proto.getRawData().isEmpty()) {
                checkBytes(proto, node, count, 4);
                proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            } else {
                checkCount(proto, node, count, proto.getFloatDataCount());
                for (int i = 0; i < count; i++) {
                    values[i] = proto.getFloatData(i);
                }
            }
        } else if (proto.getDataType() == TensorProto.DataType.DOUBLE.getNumber()) {
            if (!proto.getRawData().isEmpty()) {
                checkBytes(proto, node, count, 8);
                ByteBuffer buffer = proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    values[i] = (float) buffer.getDouble();
                }
            } else {
                checkCount(proto, node, count, proto.getDoubleDataCount());
                for (int i = 0; i < count; i++) {
                    values[i] = (float) proto.getDoubleData(i);
                }
            }
        } else {
            throw new UnsupportedOpException(file + ": weight '" + tensor + "' of node '" + node + "' has data type "
                    + proto.getDataType() + "; only float32 and float64 weights are supported");
        }
        for (int i = 0; i < count; i++) {
            if (!Float.isFinite(values[i])) {
                throw new ModelFormatException(file + ": weight '" + tensor + "' of node '" + node + "' holds " + values[i]
                        + " at index " + i + "; the model's weights must be finite (was training diverging?)");
            }
        }
        return new Tensor(dims.length == 0 ? Shape.of(1) : Shape.of(dims), values);
    }

    private long[] longs(String tensor, String node) {
        TensorProto proto = constants.get(tensor);
        return proto == null ? null : longs(proto, tensor, node);
    }

    private long[] longs(TensorProto proto, String tensor, String node) {
        int[] dims = dims(proto, node);
        int count = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        if (proto.getDataType() != TensorProto.DataType.INT64.getNumber()) {
            throw new ModelFormatException(file + ": shape tensor '" + tensor + "' of node '" + node + "' is not int64");
        }
        long[] values = new long[count];
        if (!proto.getRawData().isEmpty()) {
            checkBytes(proto, node, count, 8);
            proto.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(values);
        } else {
            checkCount(proto, node, count, proto.getInt64DataCount());
            for (int i = 0; i < count; i++) {
                values[i] = proto.getInt64Data(i);
            }
        }
        return values;
    }

    private void checkBytes(TensorProto proto, String node, int count, int width) {
        if (proto.getRawData().size() != (long) count * width) {
            throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has "
                    + proto.getRawData().size() + " bytes for " + count + " values; the file is corrupt");
        }
    }

    private void checkCount(TensorProto proto, String node, int count, int found) {
        if (found != count) {
            throw new ModelFormatException(file + ": tensor '" + proto.getName() + "' of node '" + node + "' has "
                    + found + " values, its shape needs " + count + "; the file is corrupt");
        }
    }
}
