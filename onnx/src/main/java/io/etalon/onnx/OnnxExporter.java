package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
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
import java.util.List;

/**
 * Writes a {@link Network} as an ONNX model (opset 13, IR version 7) that PyTorch and ONNX Runtime open.
 * Node names and their output names are Etalon's layer names, so neuron specs such as {@code fc1:5} survive a
 * round trip; the graph input is {@code input} with a dynamic batch dimension, the output {@code output}.
 */
final class OnnxExporter {

    static final int OPSET = 13;
    static final long IR_VERSION = 7;

    private OnnxExporter() {
    }

    static ModelProto export(Network network) {
        GraphProto.Builder graph = GraphProto.newBuilder().setName("etalon");
        graph.addInput(valueInfo("input", network.inputShape()));
        for (int k = 0; k < network.size(); k++) {
            Network.Node node = network.node(k);
            String[] inputs = new String[node.inputs().length];
            for (int i = 0; i < inputs.length; i++) {
                inputs[i] = tensorName(network, node.inputs()[i]);
            }
            String output = tensorName(network, k);
            graph.addNode(exportNode(graph, node.name(), node.op(), inputs, output));
        }
        graph.addOutput(valueInfo("output", network.outputShape()));
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("etalon")
                .setProducerVersion("0.1")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build();
    }

    private static String tensorName(Network network, int node) {
        if (node == Network.INPUT) {
            return "input";
        }
        return node == network.outputIndex() ? "output" : network.node(node).name();
    }

    private static NodeProto exportNode(GraphProto.Builder graph, String name, Op op, String[] inputs, String output) {
        NodeProto.Builder node = NodeProto.newBuilder().setName(name).addOutput(output);
        for (String input : inputs) {
            node.addInput(input);
        }
        if (op instanceof Conv2d conv) {
            List<Tensor> parameters = conv.parameters();
            node.setOpType("Conv").addInput(initializer(graph, name + ".weight", parameters.get(0)))
                    .addInput(initializer(graph, name + ".bias", parameters.get(1)))
                    .addAttribute(ints("kernel_shape", conv.kernel()))
                    .addAttribute(ints("strides", conv.stride()))
                    .addAttribute(ints("pads", conv.pads()))
                    .addAttribute(ints("dilations", conv.dilation()))
                    .addAttribute(integer("group", conv.groups()));
        } else if (op instanceof io.etalon.op.ConvTranspose2d transposed) {
            List<Tensor> parameters = transposed.parameters();
            Conv2d adjoint = transposed.adjoint();
            node.setOpType("ConvTranspose").addInput(initializer(graph, name + ".weight", parameters.get(0)))
                    .addInput(initializer(graph, name + ".bias", parameters.get(1)))
                    .addAttribute(ints("kernel_shape", adjoint.kernel()))
                    .addAttribute(ints("strides", adjoint.stride()))
                    .addAttribute(ints("pads", adjoint.pads()))
                    .addAttribute(ints("dilations", adjoint.dilation()))
                    .addAttribute(integer("group", adjoint.groups()))
                    .addAttribute(ints("output_padding", transposed.outputPadding()));
        } else if (op instanceof MaxPool2d pool) {
            node.setOpType("MaxPool").addAttribute(ints("kernel_shape", pool.kernel()))
                    .addAttribute(ints("strides", pool.stride()))
                    .addAttribute(ints("pads", pool.pads()))
                    .addAttribute(integer("ceil_mode", pool.ceilMode() ? 1 : 0));
            if (pool.dilations()[0] != 1 || pool.dilations()[1] != 1) {
                node.addAttribute(ints("dilations", pool.dilations()));
            }
        } else if (op instanceof Relu) {
            node.setOpType("Relu");
        } else if (op instanceof Flatten) {
            node.setOpType("Flatten").addAttribute(AttributeProto.newBuilder().setName("axis")
                    .setType(AttributeProto.AttributeType.INT).setI(1));
        } else if (op instanceof Dense dense) {
            List<Tensor> parameters = dense.parameters();
            node.setOpType("Gemm").addInput(initializer(graph, name + ".weight", parameters.get(0)))
                    .addInput(initializer(graph, name + ".bias", parameters.get(1)))
                    .addAttribute(AttributeProto.newBuilder().setName("transB")
                            .setType(AttributeProto.AttributeType.INT).setI(1));
        } else if (op instanceof ChannelAffine affine && affine.parameters().get(0).size() == op.outputShape().size()
                && op.outputShape().size() != op.outputShape().dim(0)) {
            // one scale and shift per value: Mul then Add by constants of the sample's shape with a batch axis of 1
            Shape in = op.outputShape();
            int[] dims = new int[in.rank() + 1];
            dims[0] = 1;
            System.arraycopy(in.dims(), 0, dims, 1, in.rank());
            NodeProto mul = NodeProto.newBuilder().setName(name + ".mul").setOpType("Mul").addInput(inputs[0])
                    .addInput(initializer(graph, name + ".scale", new Tensor(Shape.of(dims), affine.parameters().get(0).data())))
                    .addOutput(name + ".scaled").build();
            graph.addNode(mul); // before the Add that reads it: the caller adds the returned node after this
            node.clearInput().addInput(name + ".scaled").setOpType("Add")
                    .addInput(initializer(graph, name + ".shift", new Tensor(Shape.of(dims), affine.parameters().get(1).data())));
        } else if (op instanceof ChannelAffine affine) {
            // inference batch normalisation with mean 0, variance 1 and epsilon 0 is exactly x * scale + shift
            List<Tensor> parameters = affine.parameters();
            int channels = parameters.get(0).size();
            if (channels != op.inputShapes().get(0).dim(0)) {
                Tensor scale = parameters.get(0);
                Tensor shift = parameters.get(1);
                parameters = List.of(new Tensor(Shape.of(op.inputShapes().get(0).dim(0)), filled(op.inputShapes().get(0).dim(0), scale.get(0))),
                        new Tensor(Shape.of(op.inputShapes().get(0).dim(0)), filled(op.inputShapes().get(0).dim(0), shift.get(0))));
                channels = op.inputShapes().get(0).dim(0);
            }
            node.setOpType("BatchNormalization").addInput(initializer(graph, name + ".scale", parameters.get(0)))
                    .addInput(initializer(graph, name + ".shift", parameters.get(1)))
                    .addInput(initializer(graph, name + ".mean", Tensor.zeros(Shape.of(channels))))
                    .addInput(initializer(graph, name + ".variance", new Tensor(Shape.of(channels), filled(channels, 1f))))
                    .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT).setF(0f));
        } else if (op instanceof AvgPool2d pool) {
            node.setOpType("AveragePool").addAttribute(ints("kernel_shape", pool.kernel()))
                    .addAttribute(ints("strides", pool.stride()))
                    .addAttribute(ints("pads", pool.pads()))
                    .addAttribute(integer("count_include_pad", pool.countPadding() ? 1 : 0))
                    .addAttribute(integer("ceil_mode", pool.ceilMode() ? 1 : 0));
        } else if (op instanceof LeakyRelu leaky) {
            float[] slopes = leaky.slopes();
            if (slopes.length == 1) {
                node.setOpType("LeakyRelu").addAttribute(AttributeProto.newBuilder().setName("alpha")
                        .setType(AttributeProto.AttributeType.FLOAT).setF(slopes[0]));
            } else {
                Shape in = op.inputShapes().get(0);
                int[] dims = new int[in.rank()];
                java.util.Arrays.fill(dims, 1);
                dims[0] = slopes.length;
                if (slopes.length == in.size()) {
                    dims = in.dims(); // one slope per value
                }
                node.setOpType("PRelu").addInput(initializer(graph, name + ".slope", new Tensor(Shape.of(dims), slopes)));
            }
        } else if (op instanceof Clip clip) {
            node.setOpType("Clip").addInput(initializer(graph, name + ".min", new Tensor(Shape.of(1), new float[] {clip.min()}), true))
                    .addInput(initializer(graph, name + ".max", new Tensor(Shape.of(1), new float[] {clip.max()}), true));
        } else if (op instanceof io.etalon.op.PiecewiseLinear function && function.pieces() == 2) {
            // max(x, c) or min(x, c): a breakpoint at c with the identity on one side and c on the other
            float[] slopes = function.pieceSlopes();
            boolean max = slopes[1] == 1f;
            for (int g = 0; g < slopes.length / 2; g++) {
                if (slopes[2 * g] != (max ? 0f : 1f) || slopes[2 * g + 1] != (max ? 1f : 0f)) {
                    throw new IllegalStateException("no ONNX export for " + function.describe());
                }
            }
            Shape in = op.inputShapes().get(0);
            float[] c = function.breakpoints();
            int[] dims = new int[in.rank() + 1];
            java.util.Arrays.fill(dims, 1);
            if (c.length == in.size()) {
                System.arraycopy(in.dims(), 0, dims, 1, in.rank());
            } else if (c.length > 1) {
                dims[1] = c.length; // one per channel
            }
            node.setOpType(max ? "Max" : "Min").addInput(initializer(graph, name + ".bound", new Tensor(Shape.of(dims), c)));
        } else if (op instanceof Add) {
            node.setOpType("Add");
        } else if (op instanceof io.etalon.op.Extremum extremum) {
            node.setOpType(extremum.isMinimum() ? "Min" : "Max");
        } else if (op instanceof io.etalon.op.Upsample2d upsample) {
            // nearest with asymmetric coordinates and floor: output y reads input floor(y / s), exactly the op
            int[] f = upsample.factors();
            node.setOpType("Resize").addInput("").addInput(initializer(graph, name + ".scales",
                            new Tensor(io.etalon.tensor.Shape.of(4), new float[] {1, 1, f[0], f[1]})))
                    .addAttribute(text("mode", "nearest"))
                    .addAttribute(text("coordinate_transformation_mode", "asymmetric"))
                    .addAttribute(text("nearest_mode", "floor"));
        } else if (op instanceof io.etalon.op.Bilinear2d bilinear) {
            // sizes would fix the batch; scales give floor(n * s) rows, so the scale is nudged up where float rounding
            // would lose the last row (a relative 1e-7 change in where the rows sample)
            double[] scales = bilinear.scales();
            float[] stated = {1, 1, 0, 0};
            for (int axis = 0; axis < 2; axis++) {
                int n = bilinear.inputShapes().get(0).dim(axis + 1);
                int m = bilinear.outputShape().dim(axis + 1);
                float scale = (float) scales[axis];
                while (Math.floor(n * (double) scale) < m) {
                    scale = Math.nextUp(scale);
                }
                stated[axis + 2] = scale;
            }
            node.setOpType("Resize").addInput("").addInput(initializer(graph, name + ".scales",
                            new Tensor(io.etalon.tensor.Shape.of(4), stated)))
                    .addAttribute(text("mode", "linear"))
                    .addAttribute(text("coordinate_transformation_mode", bilinear.transform()));
        } else if (op instanceof Pad pad) {
            int[] p = pad.pads();
            node.setOpType("Pad").addInput(int64(graph, name + ".pads", new long[] {0, 0, p[0], p[1], 0, 0, p[2], p[3]}));
        } else if (op instanceof io.etalon.op.Reshape reshape) {
            int[] dims = reshape.outputShape().dims();
            long[] target = new long[dims.length + 1];
            for (int k = 0; k < dims.length; k++) {
                target[k + 1] = dims[k];
            }
            node.setOpType("Reshape").addInput(int64(graph, name + ".shape", target)); // 0 keeps the batch
        } else if (op instanceof io.etalon.op.Transpose transpose) {
            int[] sample = transpose.permutation();
            int[] perm = new int[sample.length + 1];
            for (int k = 0; k < sample.length; k++) {
                perm[k + 1] = sample[k] + 1;
            }
            node.setOpType("Transpose").addAttribute(ints("perm", perm));
        } else if (op instanceof io.etalon.op.Concat) {
            node.setOpType("Concat").addAttribute(AttributeProto.newBuilder().setName("axis")
                    .setType(AttributeProto.AttributeType.INT).setI(1));
        } else {
            throw new IllegalStateException("no ONNX export for " + op.kind());
        }
        return node.build();
    }

    private static float[] filled(int count, float value) {
        float[] values = new float[count];
        java.util.Arrays.fill(values, value);
        return values;
    }

    private static String int64(GraphProto.Builder graph, String name, long[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64.getNumber())
                .addDims(values.length).setRawData(ByteString.copyFrom(bytes.array())));
        return name;
    }

    /** A float initializer; {@code scalar} writes it with no dimensions (rank 0), as Clip's bounds must be. */
    private static String initializer(GraphProto.Builder graph, String name, Tensor tensor, boolean scalar) {
        if (!scalar) {
            return initializer(graph, name, tensor);
        }
        ByteBuffer bytes = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(tensor.get(0));
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(bytes.array())));
        return name;
    }

    private static String initializer(GraphProto.Builder graph, String name, Tensor tensor) {
        float[] values = tensor.data();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        TensorProto.Builder proto = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(bytes.array()));
        for (int d : tensor.shape().dims()) {
            proto.addDims(d);
        }
        graph.addInitializer(proto);
        return name;
    }

    private static AttributeProto text(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    private static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static AttributeProto ints(String name, int[] values) {
        AttributeProto.Builder attribute = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (int v : values) {
            attribute.addInts(v);
        }
        return attribute.build();
    }

    private static ValueInfoProto valueInfo(String name, Shape shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (int d : shape.dims()) {
            dims.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT.getNumber())
                        .setShape(dims))).build();
    }
}
