package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Quantized models (the int8 models of the ONNX model zoo) in their two forms: QDQ (QuantizeLinear and
 * DequantizeLinear around weights and activations) and QLinear (QLinearConv, QLinearMatMul). Etalon explains the float
 * network they approximate, and only when asked ({@code --dequantize}): weights are dequantized exactly
 * ({@code (q - zero point) x scale}, as ONNX Runtime computes it), QLinear ops become DequantizeLinear of their weights
 * and the float op, and each quantize-dequantize step on an activation is dropped.
 */
final class Quantization {

    /** Ops that only exist in quantized models. */
    static final Set<String> OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul",
            "DynamicQuantizeLinear", "ConvInteger", "MatMulInteger");
    /** Ops on activations that --dequantize drops: the activation stays in float. */
    static final Set<String> ROUNDING = Set.of("QuantizeLinear", "DequantizeLinear");

    private Quantization() {
    }

    /**
     * The pass before constant folding: without {@code dequantize}, refuses the first quantized op naming the option;
     * with it, rewrites QLinearConv and QLinearMatMul into DequantizeLinear of their weights and the float op.
     */
    static List<NodeProto> rewrite(List<NodeProto> nodes, boolean dequantize, String file, List<String> notes) {
        List<NodeProto> out = new ArrayList<>();
        int dropped = 0;
        for (NodeProto node : nodes) {
            String type = node.getOpType();
            if (!OPS.contains(type) || !(node.getDomain().isEmpty() || node.getDomain().equals("ai.onnx"))) {
                out.add(node);
                continue;
            }
            if (!dequantize) {
                throw new UnsupportedOpException(file + ": node '" + Messages.nodeName(node) + "' is " + type
                        + ": the model is quantized; load the float network it approximates with --dequantize");
            }
            switch (type) {
                case "QLinearConv" -> out.addAll(qlinear(node, "Conv", 3, 8, file));
                case "QLinearMatMul" -> out.addAll(qlinear(node, "MatMul", 3, -1, file));
                case "QuantizeLinear", "DequantizeLinear" -> {
                    out.add(node);
                    dropped++;
                }
                default -> throw new UnsupportedOpException(file + ": node '" + Messages.nodeName(node) + "' is " + type
                        + ", which --dequantize does not read; only QDQ models and QLinearConv/QLinearMatMul are supported");
            }
        }
        if (dropped > 0) {
            notes.add("--dequantize: weights dequantized exactly, quantize-dequantize steps on activations dropped;"
                    + " etalons explain the float network the quantized model approximates");
        }
        return out;
    }

    /**
     * QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp[, B]) or QLinearMatMul (a, a_scale, a_zp, b,
     * b_scale, b_zp, y_scale, y_zp) as DequantizeLinear(w) and the float op; Conv's int32 bias B is dequantized with
     * scale x_scale x w_scale.
     */
    private static List<NodeProto> qlinear(NodeProto node, String floatOp, int weightInput, int biasInput, String file) {
        if (node.getInputCount() < 8) {
            throw new ModelFormatException(file + ": " + node.getOpType() + " node '" + Messages.nodeName(node)
                    + "' has " + node.getInputCount() + " inputs; it needs 8");
        }
        String prefix = node.getOutput(0) + "/dequantized/";
        List<NodeProto> out = new ArrayList<>();
        String weight = prefix + "weight";
        out.add(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(prefix + "weight")
                .addInput(node.getInput(weightInput)).addInput(node.getInput(weightInput + 1))
                .addInput(node.getInput(weightInput + 2)).addOutput(weight)
                .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                        .setI(floatOp.equals("Conv") ? 0 : 1)).build());
        NodeProto.Builder op = NodeProto.newBuilder().setOpType(floatOp).setName(Messages.nodeName(node))
                .addInput(node.getInput(0)).addInput(weight).addOutput(node.getOutput(0))
                .addAllAttribute(node.getAttributeList());
        if (biasInput > 0 && node.getInputCount() > biasInput && !node.getInput(biasInput).isEmpty()) {
            String scale = prefix + "bias_scale";
            out.add(NodeProto.newBuilder().setOpType("Mul").setName(scale).addInput(node.getInput(1))
                    .addInput(node.getInput(weightInput + 1)).addOutput(scale).build());
            out.add(NodeProto.newBuilder().setOpType("DequantizeLinear").setName(prefix + "bias")
                    .addInput(node.getInput(biasInput)).addInput(scale).addOutput(prefix + "bias")
                    .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                            .setI(0)).build());
            op.addInput(prefix + "bias");
        }
        out.add(op.build());
        return out;
    }

    /**
     * {@code (x - zeroPoint) x scale}, per tensor or per slice along {@code axis}, as ONNX Runtime computes it in float.
     *
     * @throws ModelFormatException if a scale is 0, negative, NaN or infinite, or the sizes do not fit
     */
    static ConstantTensor dequantize(ConstantTensor x, ConstantTensor scale, ConstantTensor zeroPoint, long axis,
                                     String file, String name) {
        checkScale(scale, file, name, "DequantizeLinear");
        int[] slice = slices(x, scale, zeroPoint, axis, file, name, "DequantizeLinear");
        double[] values = new double[x.size()];
        for (int i = 0; i < values.length; i++) {
            int c = slice[i];
            double zero = zeroPoint == null ? 0 : zeroPoint.values()[zeroPoint.size() == 1 ? 0 : c];
            double s = scale.values()[scale.size() == 1 ? 0 : c];
            values[i] = (float) (x.values()[i] - zero) * s; // the integer difference as float, then one float product
        }
        return ConstantTensor.of(scale.type(), x.dims(), values);
    }

    /** {@code saturate(round_half_even(x / scale) + zeroPoint)} to the zero point's type (uint8 without one). */
    static ConstantTensor quantize(ConstantTensor x, ConstantTensor scale, ConstantTensor zeroPoint, long axis,
                                   String file, String name) {
        checkScale(scale, file, name, "QuantizeLinear");
        int[] slice = slices(x, scale, zeroPoint, axis, file, name, "QuantizeLinear");
        int type = zeroPoint == null ? TensorProto.DataType.UINT8.getNumber() : zeroPoint.type();
        double low = type == TensorProto.DataType.INT8.getNumber() ? -128 : type == TensorProto.DataType.UINT8.getNumber() ? 0
                : type == TensorProto.DataType.INT16.getNumber() ? -32768 : 0;
        double high = type == TensorProto.DataType.INT8.getNumber() ? 127 : type == TensorProto.DataType.UINT8.getNumber() ? 255
                : type == TensorProto.DataType.INT16.getNumber() ? 32767 : 65535;
        double[] values = new double[x.size()];
        for (int i = 0; i < values.length; i++) {
            int c = slice[i];
            double zero = zeroPoint == null ? 0 : zeroPoint.values()[zeroPoint.size() == 1 ? 0 : c];
            double s = scale.values()[scale.size() == 1 ? 0 : c];
            values[i] = Math.max(low, Math.min(high, Math.rint((float) (x.values()[i] / s)) + zero));
        }
        return new ConstantTensor(type, x.dims(), values);
    }

    static void checkScale(ConstantTensor scale, String file, String name, String type) {
        if (scale == null || scale.size() == 0) {
            throw new ModelFormatException(file + ": " + type + " node '" + name + "' has no scale");
        }
        for (double s : scale.values()) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new ModelFormatException(file + ": " + type + " node '" + name + "' has a scale of " + s
                        + "; a quantization scale must be positive and finite (the model is corrupt)");
            }
        }
    }

    /** For each value of x, its index along the quantization axis (0 when the scale is one value). */
    private static int[] slices(ConstantTensor x, ConstantTensor scale, ConstantTensor zeroPoint, long axis, String file,
                                String name, String type) {
        int[] slice = new int[x.size()];
        if (scale.size() == 1) {
            return slice;
        }
        int a = x.rank() == 0 ? -1 : (int) (axis < 0 ? axis + x.rank() : axis);
        if (a < 0 || a >= x.rank() || x.dims()[a] != scale.size()
                || zeroPoint != null && zeroPoint.size() != 1 && zeroPoint.size() != scale.size()) {
            throw new ModelFormatException(file + ": " + type + " node '" + name + "' has " + scale.size()
                    + " scales for axis " + axis + " of a tensor of dimensions " + java.util.Arrays.toString(x.dims()));
        }
        long inner = ConstantTensor.count(java.util.Arrays.copyOfRange(x.dims(), a + 1, x.rank()));
        for (int i = 0; i < slice.length; i++) {
            slice[i] = (int) ((i / inner) % x.dims()[a]);
        }
        return slice;
    }
}
