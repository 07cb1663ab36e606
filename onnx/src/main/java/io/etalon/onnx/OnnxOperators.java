package io.etalon.onnx;

import io.etalon.op.AvgPool2d;
import io.etalon.op.Relu;
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
 *   <tr><td>ConvTranspose</td><td>ConvTranspose2d</td><td>2-D; strides, pads, dilations, group, output_padding,
 *   output_shape, auto_pad (the linear part is the transpose of the matching Conv)</td></tr>
 *   <tr><td>MaxPool</td><td>MaxPool2d</td><td>2-D; strides, pads, auto_pad, dilations, ceil_mode; one output</td></tr>
 *   <tr><td>Relu</td><td>Relu</td><td></td></tr>
 *   <tr><td>Gemm</td><td>Dense</td><td>one operand constant; transA and transB 0 or 1; alpha and beta folded into the
 *   weights; broadcast (opset 6). The activation holds one sample per row ([batch, K]) or, in the column-vector
 *   convention, one per column ([K, batch]: a Transpose or a Reshape to [K, 1] before a Gemm with transA=1, or
 *   {@code W x} as PyTorch exports {@code torch.mm(W, x.t())}); the samples must be the rows of op(A) or the columns
 *   of op(B). C is a scalar, [M] or [1, M] after rows, [M, 1] after columns. Two activations (bilinear), a product over
 *   the batch axis, a C that varies along the batch or is an activation are refused</td></tr>
 *   <tr><td>MatMul</td><td>Dense</td><td>an activation [batch, K] times a constant [K, M] (tf2onnx's dense layers, whose
 *   bias follows as an Add), a constant [M, K] times an activation [K, batch], or a matrix times a vector [K] without
 *   batch axis, from either side</td></tr>
 *   <tr><td>Flatten</td><td>Flatten</td><td>axis 1</td></tr>
 *   <tr><td>Reshape</td><td>Flatten</td><td>target shape known at load time that keeps the batch and flattens the rest</td></tr>
 *   <tr><td>Shape, Gather, Slice, Unsqueeze, Squeeze, Concat, Cast, and Add, Sub, Mul, Div of their values</td><td>(none)</td><td>folded to constants when they
 *   compute a shape (PyTorch's {@code x.view(x.size(0), -1)}; tf2onnx's {@code Concat(Slice(Shape(x), 0, 1), [-1])});
 *   Shape's start and end (opset 15) and Slice's clamped, negative and backward bounds as ONNX defines them</td></tr>
 *   <tr><td>BatchNormalization</td><td>ChannelAffine</td><td>inference form, folded to a per-channel scale and shift</td></tr>
 *   <tr><td>AveragePool, GlobalAveragePool</td><td>AvgPool2d</td><td>2-D; strides, pads, count_include_pad, ceil_mode</td></tr>
 *   <tr><td>GlobalMaxPool</td><td>MaxPool2d</td><td>one window over the whole plane</td></tr>
 *   <tr><td>Resize, Upsample</td><td>Upsample2d, Bilinear2d</td><td>on the spatial axes of NCHW (scales or sizes):
 *   nearest by whole factors, with any coordinate transformation and rounding that copies whole blocks (checked per
 *   row and column); linear to any size with half_pixel, pytorch_half_pixel, align_corners or asymmetric coordinates,
 *   without antialias when shrinking</td></tr>
 *   <tr><td>ReduceMean, ReduceMax</td><td>AvgPool2d, MaxPool2d</td><td>over the two spatial axes only (Keras's global
 *   pooling through tf2onnx): axes [2, 3] of NCHW, or [1, 2] of NHWC (with a Transpose first); keepdims 0 or 1</td></tr>
 *   <tr><td>LeakyRelu, PRelu</td><td>LeakyRelu (a PiecewiseLinear of two pieces)</td><td>one slope, one per channel, or a slope tensor that broadcasts to
 *   one sample</td></tr>
 *   <tr><td>Clip</td><td>Clip (a PiecewiseLinear of three pieces)</td><td>constant bounds (ReLU6), as attributes or inputs</td></tr>
 *   <tr><td>Pad</td><td>Pad</td><td>constant zero padding of H and W</td></tr>
 *   <tr><td>Add</td><td>Add</td><td>two activations of one shape: a residual join</td></tr>
 *   <tr><td>Add, Sub, Mul, Div</td><td>ChannelAffine</td><td>with a scalar, a per-channel constant or one that broadcasts to
 *   one sample (normalisation, a mean image); on
 *   one sample per column, a scalar or [K, 1]</td></tr>
 *   <tr><td>Transpose</td><td>Transpose</td><td>any permutation that keeps the batch axis first (NHWC models); [batch, K]
 *   to [K, batch] and back (no op: the samples become columns or rows)</td></tr>
 *   <tr><td>Concat</td><td>Concat</td><td>activations joined along the channel axis</td></tr>
 *   <tr><td>Reshape, Squeeze, Unsqueeze</td><td>Reshape</td><td>new shapes of activations that keep the batch axis; an
 *   Unsqueeze of axis 0 or a Reshape to [1, ...] gives an input without a batch axis (one [C, H, W] image) its batch of
 *   one, and a Squeeze of axis 0 or a Reshape to one axis drops it again; a Reshape to [K, 1] or an Unsqueeze of axis 1
 *   of a vector makes one sample a column, and a Squeeze of axis 1 drops that batch axis</td></tr>
 *   <tr><td>Identity, Dropout, Cast</td><td>(none)</td><td>passed through (inference)</td></tr>
 *   <tr><td>Transpose, Identity of a weight</td><td>(none)</td><td>computed at load time</td></tr>
 *   <tr><td>Softmax, LogSoftmax, Sigmoid, Tanh, Log, Exp, Softplus</td><td>(none)</td><td>a trailing chain of them (with
 *   Identity or Dropout between) is dropped with a note ({@link TailStripping}), as the paper drops LeNet's Softmax</td></tr>
 *   <tr><td>any node whose inputs are all constants</td><td>(none)</td><td>computed at load time by {@link ConstantFolding}
 *   (its {@code OPS}); Constant in every form ({@link ConstantValues})</td></tr>
 *   <tr><td>a model-local function</td><td>(its body)</td><td>inlined by {@link FunctionInlining}</td></tr>
 *   <tr><td>Sum, Mean</td><td>Add, ChannelAffine</td><td>of activations of one shape</td></tr>
 *   <tr><td>Max, Min</td><td>Extremum, PiecewiseLinear</td><td>of two or more activations of one shape: a switch per unit
 *   (which branch wins); with constants too, {@code max(x, c)} or {@code min(x, c)} for their bound c (a scalar, one
 *   per channel, or one per value): one breakpoint at c</td></tr>
 *   <tr><td>Neg, ImageScaler</td><td>ChannelAffine</td><td>ImageScaler's scale and per-channel bias (opsets 1 to 9)</td></tr>
 *   <tr><td>Split, Slice</td><td>Conv2d, Dense</td><td>of the channels of an image (1x1 convolutions of 0 and 1) or the features
 *   of a vector; a Slice's bounds may come from shape arithmetic (ShuffleNet-V2's {@code x.chunk(2, dim=1)}), and a
 *   Slice of every channel in order, like a Concat of one input (DenseNet's {@code torch.cat([x])}), is its input</td></tr>
 *   <tr><td>ReduceSum</td><td>Conv2d, Dense</td><td>over the two spatial axes or the channels of an image, or all features of
 *   a vector; over other axes of a small sample a dense layer of ones; keepdims 0 or 1</td></tr>
 *   <tr><td>QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul</td><td>(the float ops)</td><td>only with
 *   {@code --dequantize} ({@link Quantization}): weights dequantized exactly, activations' quantize steps dropped</td></tr>
 * </table>
 *
 * Ops that are not piecewise linear are refused by name; the message says which ops work.
 */
final class OnnxOperators {

    /**
     * The one table of operators Etalon reads: each op type and the translator that lowers its nodes (see the table
     * above for what each takes). Adding an operator means adding its row here.
     */
    static final Map<String, Translator> TRANSLATORS = Map.ofEntries(
            // convolutions and pooling
            Map.entry("Conv", Translator.unary((l, node, name, in) -> ConvTranslators.conv(l, node, name, in.shape()))),
            Map.entry("ConvTranspose", Translator.unary((l, node, name, in) -> ConvTranslators.convTranspose(l, node, name, in.shape()))),
            Map.entry("MaxPool", Translator.unary((l, node, name, in) -> PoolTranslators.maxPool(l, node, name, in.shape()))),
            Map.entry("AveragePool", Translator.unary((l, node, name, in) -> PoolTranslators.averagePool(l, node, name, in.shape()))),
            Map.entry("GlobalAveragePool", Translator.unary((l, node, name, in) -> AvgPool2d.global(in.shape()))),
            Map.entry("GlobalMaxPool", Translator.unary((l, node, name, in) -> PoolTranslators.globalMaxPool(in.shape()))),
            Map.entry("ReduceMean", Translator.placed(PoolTranslators::spatialReduction)),
            Map.entry("ReduceMax", Translator.placed(PoolTranslators::spatialReduction)),
            Map.entry("ReduceSum", Translator.placed(PoolTranslators::reduceSum)),
            Map.entry("Resize", Translator.placed(ResizeTranslators::resize)),
            Map.entry("Upsample", Translator.placed(ResizeTranslators::resize)),
            // dense layers
            Map.entry("Gemm", ProductTranslators::product),
            Map.entry("MatMul", ProductTranslators::product),
            // element-wise switches
            Map.entry("Relu", Translator.unary((l, node, name, in) -> new Relu(in.shape()))),
            Map.entry("LeakyRelu", Translator.unary(ActivationTranslators::leakyRelu)),
            Map.entry("PRelu", Translator.unary(ActivationTranslators::prelu)),
            Map.entry("Clip", Translator.unary((l, node, name, in) -> ActivationTranslators.clip(l, node, name, in.shape()))),
            Map.entry("QuantizeLinear", Translator.unary(ActivationTranslators::droppedRounding)),
            Map.entry("DequantizeLinear", Translator.unary(ActivationTranslators::droppedRounding)),
            // affine maps and joins of branches
            Map.entry("Add", ArithmeticTranslators::arithmetic),
            Map.entry("Sub", ArithmeticTranslators::arithmetic),
            Map.entry("Mul", ArithmeticTranslators::arithmetic),
            Map.entry("Div", ArithmeticTranslators::arithmetic),
            Map.entry("Sum", ArithmeticTranslators::branches),
            Map.entry("Mean", ArithmeticTranslators::branches),
            Map.entry("Max", ArithmeticTranslators::branches),
            Map.entry("Min", ArithmeticTranslators::branches),
            Map.entry("Neg", Translator.unary((l, node, name, in) -> ArithmeticTranslators.neg(in.shape()))),
            Map.entry("ImageScaler", Translator.unary((l, node, name, in) -> ArithmeticTranslators.imageScaler(l, node, name, in.shape()))),
            Map.entry("BatchNormalization", Translator.unary((l, node, name, in) -> ArithmeticTranslators.batchNorm(l, node, name, in.shape()))),
            // moving and relabelling values
            Map.entry("Flatten", Translator.unary(ShapeTranslators::flatten)),
            Map.entry("Reshape", Translator.unary(ShapeTranslators::reshape)),
            Map.entry("Transpose", Translator.unary(ShapeTranslators::transpose)),
            Map.entry("Squeeze", Translator.unary(ShapeTranslators::squeeze)),
            Map.entry("Unsqueeze", Translator.unary(ShapeTranslators::squeeze)),
            Map.entry("Pad", Translator.unary((l, node, name, in) -> ShapeTranslators.pad(l, node, name, in.shape()))),
            Map.entry("Concat", ShapeTranslators::concat),
            Map.entry("Split", ShapeTranslators::split),
            Map.entry("Slice", ShapeTranslators::slice),
            Map.entry("Identity", Translator.unary((l, node, name, in) -> null)),
            Map.entry("Dropout", Translator.unary((l, node, name, in) -> null)),
            Map.entry("Cast", Translator.unary((l, node, name, in) -> null)));

    /** Operators folded at load time when they only compute shapes. */
    static final Set<String> SHAPE_OPS = Set.of("Shape", "Gather", "Slice", "Unsqueeze", "Squeeze", "Concat", "Cast");

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
    static final String PIECEWISE_LINEAR_OPS = "Conv, ConvTranspose, Gemm, MatMul, Relu, LeakyRelu, PRelu, Clip, MaxPool, "
            + "AveragePool, GlobalMaxPool, BatchNormalization, Add, Sum, Max, Min, Flatten, Reshape";

    private OnnxOperators() {
    }
}
