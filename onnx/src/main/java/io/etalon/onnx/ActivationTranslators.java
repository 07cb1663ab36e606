package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.NodeProto;
import io.etalon.op.Clip;
import io.etalon.op.LeakyRelu;
import io.etalon.op.Op;
import io.etalon.tensor.Shape;
import io.etalon.tensor.Tensor;

/** The element-wise switches: LeakyRelu, PRelu and Clip (Relu needs no settings); QuantizeLinear and
 * DequantizeLinear on activations, dropped under --dequantize. */
final class ActivationTranslators {

    private ActivationTranslators() {
    }

    /** LeakyRelu: one slope below 0 (alpha, 0.01 by default). */
    static Op leakyRelu(Lowering l, NodeProto node, String name, Lowering.Activation in) {
        return new LeakyRelu(in.shape(), new Tensor(Shape.of(1), new float[] {l.floatAttribute(node, "alpha", 0.01f)}));
    }

    static Op prelu(Lowering l, NodeProto node, String name, Lowering.Activation activation) {
        Shape in = activation.shape();
        boolean flat = activation.flat();
        boolean columns = activation.columns();
        Tensor slope = l.floats(node.getInput(1), name);
        if (columns) {
            return new LeakyRelu(in, new Tensor(Shape.of(slope.size()), l.perFeatureOfColumns(slope, in, name, "PRelu")));
        }
        l.setUnbatched(node.getOutput(0), flat && slope.shape().rank() <= in.rank());
        if (l.opset < 7 && slope.shape().rank() == 1 && slope.size() == in.dim(0)) {
            // before l.opset 7 a one-axis slope was one value per channel, not broadcast from the right
            return new LeakyRelu(in, new Tensor(Shape.of(slope.size()), slope.data()));
        }
        float[] slopes = l.perChannel(slope, in, name, "PRelu");
        return new LeakyRelu(in, new Tensor(Shape.of(slopes.length), slopes));
    }

    static Op clip(Lowering l, NodeProto node, String name, Shape in) {
        float min = Float.NEGATIVE_INFINITY;
        float max = Float.POSITIVE_INFINITY;
        if (l.opset < 11) {
            min = l.floatAttribute(node, "min", min);
            max = l.floatAttribute(node, "max", max);
        } else {
            if (node.getInputCount() > 1 && !node.getInput(1).isEmpty()) {
                min = l.floats(node.getInput(1), name).get(0);
            }
            if (node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
                max = l.floats(node.getInput(2), name).get(0);
            }
        }
        return new Clip(in, min, max);
    }

    /**
     * A QuantizeLinear or DequantizeLinear on an activation, under --dequantize: the activation stays in float (the
     * quantized model's rounding is what the float model does not have); its scale is still checked.
     */
    static Op droppedRounding(Lowering l, NodeProto node, String name, Lowering.Activation in) {
        String type = node.getOpType();
        if (node.getInputCount() < 2 || !l.constants.containsKey(node.getInput(1))) {
            throw new UnsupportedOpException(l.file + ": " + type + " node '" + name + "' has a scale computed from the image;"
                    + " only constant quantization scales are supported");
        }
        Quantization.checkScale(ConstantTensor.read(l.constant(node.getInput(1), name), l.file, name), l.file, name, type);
        return null;
    }
}
