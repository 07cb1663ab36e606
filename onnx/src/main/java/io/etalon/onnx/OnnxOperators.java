package io.etalon.onnx;

import java.util.Map;
import java.util.Set;

/**
 * The ONNX operators Etalon reads, in one table. Each maps to an op of {@code io.etalon.op}:
 *
 * <table>
 *   <caption>Supported operators</caption>
 *   <tr><th>ONNX</th><th>Etalon op</th><th>notes</th></tr>
 *   <tr><td>Conv</td><td>Conv2d</td><td>2-D; strides, pads, dilations, group (grouped and depthwise), auto_pad
 *   NOTSET/VALID/SAME_UPPER/SAME_LOWER</td></tr>
 *   <tr><td>MaxPool</td><td>MaxPool2d</td><td>2-D; strides, pads, ceil_mode; no dilations; one output</td></tr>
 *   <tr><td>Relu</td><td>Relu</td><td></td></tr>
 *   <tr><td>Gemm</td><td>Dense</td><td>transA 0; transB 0 or 1; alpha and beta folded into the weights; broadcast (opset
 *   6)</td></tr>
 *   <tr><td>MatMul</td><td>Dense</td><td>an activation [batch, K] times a constant [K, M] (tf2onnx's dense layers, whose
 *   bias follows as an Add)</td></tr>
 *   <tr><td>Flatten</td><td>Flatten</td><td>axis 1</td></tr>
 *   <tr><td>Reshape</td><td>Flatten</td><td>target shape known at load time that keeps the batch and flattens the rest</td></tr>
 *   <tr><td>Shape, Gather, Unsqueeze, Squeeze, Concat, Cast</td><td>(none)</td><td>folded to constants when they compute a
 *   shape (PyTorch's {@code x.view(x.size(0), -1)})</td></tr>
 *   <tr><td>BatchNormalization</td><td>ChannelAffine</td><td>inference form, folded to a per-channel scale and shift</td></tr>
 *   <tr><td>AveragePool, GlobalAveragePool</td><td>AvgPool2d</td><td>2-D; strides, pads, count_include_pad, ceil_mode</td></tr>
 *   <tr><td>LeakyRelu, PRelu</td><td>LeakyRelu</td><td>one slope, or one per channel</td></tr>
 *   <tr><td>Clip</td><td>Clip</td><td>constant bounds (ReLU6), as attributes or inputs</td></tr>
 *   <tr><td>Pad</td><td>Pad</td><td>constant zero padding of H and W</td></tr>
 *   <tr><td>Add</td><td>Add</td><td>two activations of one shape: a residual join</td></tr>
 *   <tr><td>Add, Sub, Mul, Div</td><td>ChannelAffine</td><td>with a scalar or per-channel constant (normalisation)</td></tr>
 *   <tr><td>Transpose</td><td>Transpose</td><td>any permutation that keeps the batch axis first (NHWC models)</td></tr>
 *   <tr><td>Concat</td><td>Concat</td><td>activations joined along the channel axis</td></tr>
 *   <tr><td>Reshape, Squeeze, Unsqueeze</td><td>Reshape</td><td>new shapes of activations that keep the batch axis; an
 *   Unsqueeze of axis 0 or a Reshape to [1, ...] gives an input without a batch axis (one [C, H, W] image) its batch of
 *   one, and a Squeeze of axis 0 or a Reshape to one axis drops it again</td></tr>
 *   <tr><td>Identity, Dropout, Cast</td><td>(none)</td><td>passed through (inference)</td></tr>
 *   <tr><td>Transpose, Identity of a weight</td><td>(none)</td><td>computed at load time</td></tr>
 *   <tr><td>Softmax, LogSoftmax</td><td>(none)</td><td>dropped when they produce the graph output, as the paper does</td></tr>
 * </table>
 *
 * Ops that are not piecewise linear are refused by name; the message says which ops work.
 */
final class OnnxOperators {

    /** Operators that map to an Etalon op. */
    static final Set<String> SUPPORTED = Set.of("Conv", "MaxPool", "Relu", "Gemm", "MatMul", "Flatten", "Reshape", "Identity",
            "Dropout", "Softmax", "LogSoftmax", "BatchNormalization", "AveragePool", "GlobalAveragePool", "LeakyRelu",
            "PRelu", "Clip", "Pad", "Add", "Sub", "Mul", "Div", "Transpose", "Squeeze", "Unsqueeze", "Concat", "Cast");

    /** Element-wise arithmetic: a residual Add of two activations, or an affine map by a constant. */
    static final Set<String> ARITHMETIC = Set.of("Add", "Sub", "Mul", "Div");

    /** Operators folded at load time when they only compute shapes. */
    static final Set<String> SHAPE_OPS = Set.of("Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast");

    /** Operators that are not piecewise linear, with a word on why, for the refusal message. */
    static final Map<String, String> NOT_PIECEWISE_LINEAR = Map.ofEntries(
            Map.entry("Sigmoid", "smooth"), Map.entry("Tanh", "smooth"), Map.entry("Softmax", "smooth"),
            Map.entry("LogSoftmax", "smooth"), Map.entry("Exp", "smooth"), Map.entry("Log", "smooth"),
            Map.entry("Elu", "smooth"), Map.entry("Selu", "smooth"), Map.entry("Softplus", "smooth"),
            Map.entry("Softsign", "smooth"), Map.entry("HardSigmoid", "not supported yet"), Map.entry("Gelu", "smooth"),
            Map.entry("Erf", "smooth"), Map.entry("Pow", "polynomial"), Map.entry("Sqrt", "smooth"),
            Map.entry("Mish", "smooth"), Map.entry("HardSwish", "piecewise quadratic"), Map.entry("Celu", "smooth"),
            Map.entry("LRN", "smooth"), Map.entry("LayerNormalization", "depends on the input's statistics"),
            Map.entry("InstanceNormalization", "depends on the input's statistics"));

    /** The list shown to users. */
    static final String PIECEWISE_LINEAR_OPS = "Conv, Gemm, MatMul, Relu, LeakyRelu, PRelu, Clip, MaxPool, AveragePool, "
            + "BatchNormalization, Add, Flatten, Reshape";

    private OnnxOperators() {
    }
}
