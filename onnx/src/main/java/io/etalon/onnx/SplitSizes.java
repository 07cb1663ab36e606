package io.etalon.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Arrays;

/** The sizes of a Split node's parts along its axis, in each opset's form; shared by folding and lowering. */
final class SplitSizes {

    private SplitSizes() {
    }

    /**
     * The part sizes: the {@code split} attribute (before opset 13) or input (from 13), else {@code num_outputs} (opset
     * 18) or the number of outputs, in equal parts (the last smaller when the length does not divide).
     *
     * @param length    the size of the split axis
     * @param fromInput the split input's values, or null
     * @throws IllegalArgumentException if the sizes do not add up to the length
     */
    static long[] of(NodeProto node, long opset, long length, long[] fromInput) {
        long[] sizes = fromInput;
        if (sizes == null) {
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.getName().equals("split")) {
                    sizes = attribute.getIntsList().stream().mapToLong(Long::longValue).toArray();
                }
            }
        }
        if (sizes == null) {
            long parts = node.getOutputCount();
            for (AttributeProto attribute : node.getAttributeList()) {
                if (attribute.getName().equals("num_outputs")) {
                    parts = attribute.getI();
                }
            }
            if (parts < 1 || parts > length) {
                throw new IllegalArgumentException("cannot split " + length + " values into " + parts + " parts");
            }
            long each = (length + parts - 1) / parts;
            sizes = new long[(int) parts];
            for (int k = 0; k < parts; k++) {
                sizes[k] = Math.max(0, Math.min(each, length - k * each));
            }
        }
        if (Arrays.stream(sizes).anyMatch(s -> s < 0) || Arrays.stream(sizes).sum() != length
                || sizes.length != node.getOutputCount()) {
            throw new IllegalArgumentException("split sizes " + Arrays.toString(sizes) + " do not cut " + length
                    + " values into its " + node.getOutputCount() + " outputs");
        }
        return sizes;
    }
}
