package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import io.etalon.graph.Network;
import io.etalon.op.Op;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last pass: lowers each ONNX node (in topological order, after functions are inlined, constants folded and the
 * tail stripped) to Etalon ops, through the translator its op type has in {@link OnnxOperators#TRANSLATORS}. Holds
 * what the translators share: which network node produces each tensor, which activations have no batch axis or hold
 * one sample per column, the shape vectors folded so far, and the helpers that read attributes and constants.
 */
final class Lowering {

    /** Stands for the batch dimension, unknown until run time, inside folded shape vectors. */
    static final long BATCH = Long.MIN_VALUE;
    /** Ops that read [N, C, H, W]: refused on an activation without a batch axis (Gemm checks for itself). */
    private static final Set<String> NEEDS_BATCH = Set.of("Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool",
            "GlobalMaxPool", "ReduceMean", "ReduceMax", "Resize", "Upsample",
            "BatchNormalization", "Pad");
    /** Ops that read an activation with one sample per column: element-wise, or they move the batch axis. */
    private static final Set<String> COLUMN_OPS = Set.of("Identity", "Dropout", "Cast", "Relu", "LeakyRelu", "PRelu",
            "Clip", "Transpose", "Reshape", "Squeeze", "Flatten", "Neg", "QuantizeLinear", "DequantizeLinear");

    final String file;
    final long opset;
    final ModelConstants constants;
    final List<String> notes;
    /** Tensor name -> producing node index in the network being built, or Network.INPUT. */
    final Map<String, Integer> producers = new HashMap<>();
    final List<Network.Node> nodes = new ArrayList<>();
    final Set<String> usedNames = new HashSet<>();
    /**
     * Activations without a batch axis, by tensor name: the graph input of a model that takes one image ([C,H,W]) and
     * what is computed from it until an Unsqueeze or Reshape adds a leading axis of 1, which then serves as the batch.
     * Their sample shape is their whole shape.
     */
    final Set<String> unbatched = new HashSet<>();
    /**
     * Activations that hold one sample per column, [K, batch], by tensor name: the column-vector convention of a Gemm
     * or MatMul that multiplies a weight by the activation ({@code W x}, which PyTorch writes for
     * {@code torch.mm(W, x.t())}), a Transpose of [batch, K], a Reshape to [K, 1], or a graph input that such a product
     * reads. Their sample shape is [K]. A Gemm with transA=1 or a Transpose turns them back into one sample per row.
     */
    final Set<String> batchLast = new HashSet<>();
    /** Small int64 vectors computed from shapes at load time (Shape, Gather, Unsqueeze, Concat), by tensor name. */
    final Map<String, long[]> shapeValues = new HashMap<>();
    /** One sample of the graph input; set by the importer before the first node is lowered. */
    Shape inputShape;
    /** The tensors the explained output depends on; ops of several outputs add only these. */
    Set<String> needed = Set.of();

    Lowering(String file, long opset, ModelConstants constants, List<String> notes) {
        this.file = file;
        this.opset = opset;
        this.constants = constants;
        this.notes = notes;
    }

    /** The activation an element-wise or windowed op reads: its producer, sample shape and batch layout. */
    record Activation(int source, Shape shape, boolean flat, boolean columns) {
    }

    /**
     * Lowers one node: refused by name if its type is (a custom domain, not piecewise linear, unknown), folded if it
     * only computes a shape, else handed to its translator.
     */
    void lower(NodeProto node) {
        String type = node.getOpType();
        String name = displayName(node);
        String refusal = refusalByType(node);
        if (refusal != null) {
            throw new UnsupportedOpException(file + ": " + refusal);
        }
        boolean onShapes = node.getInputList().stream().noneMatch(producers::containsKey);
        if (OnnxOperators.SHAPE_OPS.contains(type) && (type.equals("Shape") || onShapes)
                || ShapeFolding.ARITHMETIC.contains(type) && onShapes
                && node.getInputList().stream().anyMatch(shapeValues::containsKey)) {
            ShapeFolding.foldShapeComputation(this, node, name, type);
            return;
        }
        if (node.getInputCount() == 0 || node.getOutputCount() == 0) {
            throw new ModelFormatException(file + ": node '" + name + "' (" + type + ") has no input or no output");
        }
        Translator translator = OnnxOperators.TRANSLATORS.get(type);
        if (translator == null) {
            throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' computes with an activation; Etalon"
                    + " folds " + type + " only where it computes a shape or a constant");
        }
        translator.lower(this, node, name);
    }

    /**
     * The activation input 0 of an op that maps each sample on its own, checked against what the op needs (a batch
     * axis, one sample per row); the op's output keeps the input's batch layout unless the translator says otherwise.
     */
    Activation activation(NodeProto node, String name) {
        String type = node.getOpType();
        Integer source = producers.get(node.getInput(0));
        if (source == null) {
            throw new ModelFormatException(file + ": node '" + name + "' (" + type + ") reads '" + node.getInput(0)
                    + "', which is a constant; etalons need a path from the graph input");
        }
        Shape in = shapeOf(source);
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
        return new Activation(source, in, flat, columns);
    }

    /** Adds the op a translator made for a node that reads one activation; null passes the activation through. */
    void addUnary(NodeProto node, String name, Activation in, Op op) {
        if (op == null) {
            producers.put(node.getOutput(0), in.source());
            return;
        }
        addNode(node, name, op, new int[] {in.source()});
    }

    Tensor floats(String tensor, String node) {
        return constants.floats(tensor, node);
    }

    long[] longs(String tensor, String node) {
        return constants.longs(tensor, node);
    }

    TensorProto constant(String tensor, String node) {
        return constants.constant(tensor, node);
    }

    /**
     * Why a node is refused whatever its settings (a custom-domain op, one that is not piecewise linear, one Etalon
     * does not know), without the file name; null if its type is one Etalon reads.
     */
    static String refusalByType(NodeProto node) {
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
        if (!OnnxOperators.TRANSLATORS.containsKey(type) && !OnnxOperators.SHAPE_OPS.contains(type)) {
            return "node '" + name + "' is " + type + ", which Etalon does not support;"
                    + " supported ops are " + OnnxOperators.PIECEWISE_LINEAR_OPS + ", Identity, Dropout";
        }
        return null;
    }

    void setUnbatched(String tensor, boolean noBatchAxis) {
        if (noBatchAxis) {
            unbatched.add(tensor);
        } else {
            unbatched.remove(tensor);
        }
    }

    void setBatchLast(String tensor, boolean samplesAsColumns) {
        if (samplesAsColumns) {
            batchLast.add(tensor);
        } else {
            batchLast.remove(tensor);
        }
    }

    /** A node of Etalon's own inside one ONNX node (a transpose around a pooling, say); returns its index. */
    int addInternal(String layer, Op op, int... sources) {
        nodes.add(new Network.Node(layer, op, sources));
        return nodes.size() - 1;
    }

    void addNode(NodeProto node, String name, Op op, int[] sources) {
        String layer = usedNames.add(name) ? name : node.getOutput(0);
        usedNames.add(layer);
        producers.put(node.getOutput(0), addInternal(layer, op, sources));
    }

    /**
     * For an activation with one sample per column ([K, batch]): a scalar, or one value per feature laid out as
     * [K, 1]. A [K] constant would broadcast along the batch axis.
     */
    float[] perFeatureOfColumns(Tensor constant, Shape in, String name, String type) {
        int[] dims = constant.shape().dims();
        if (constant.size() == 1 && dims.length <= 2 || dims.length == 2 && dims[0] == in.dim(0) && dims[1] == 1) {
            return constant.data();
        }
        throw new UnsupportedOpException(file + ": " + type + " node '" + name + "' uses a constant of shape "
                + bracketed(constant.shape()) + " on an activation with one sample per column ([" + in.dim(0)
                + ", batch]); only a scalar or one value per feature laid out as [" + in.dim(0) + ", 1] is supported");
    }

    /** A scalar, or one value per channel laid out as [C], [C,1,1] or [1,C,1,1]. */
    float[] perChannel(Tensor constant, Shape in, String name, String type) {
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
    static float[] perValue(Tensor constant, Shape in) {
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
    static String bracketed(Shape shape) {
        return Arrays.toString(shape.dims());
    }

    Shape shapeOf(int producer) {
        return producer == Network.INPUT ? inputShape : nodes.get(producer).op().outputShape();
    }

    long[] longsAttribute(NodeProto node, String name) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? null : attribute.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    /** The values of an int64 tensor known at load time: a folded shape vector or an int64 constant. */
    long[] staticValues(String tensor, String node) {
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

    String displayName(NodeProto node) {
        return Messages.nodeName(node);
    }

    String stringAttribute(NodeProto node, String name, String fallback) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? fallback : attribute.getS().toStringUtf8();
    }

    AttributeProto attribute(NodeProto node, String name) {
        for (AttributeProto attribute : node.getAttributeList()) {
            if (attribute.getName().equals(name)) {
                return attribute;
            }
        }
        return null;
    }

    long intAttribute(NodeProto node, String name, long fallback) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? fallback : attribute.getI();
    }

    float floatAttribute(NodeProto node, String name, float fallback) {
        AttributeProto attribute = attribute(node, name);
        return attribute == null ? fallback : attribute.getF();
    }

    int[] ints(NodeProto node, String name, int[] fallback) {
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
}
