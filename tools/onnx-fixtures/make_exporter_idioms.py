#!/usr/bin/python3
"""ONNX files in the idioms real exporters write, for Etalon's importer tests (onnx.helper, no exporter needed).

  tail_softmax_identity.onnx  keras2onnx's ending: Softmax -> Identity
  tail_softmax_log.onnx       LogSoftmax written as Softmax -> Log
  tail_sigmoid.onnx           a trailing Sigmoid
  folded_weights.onnx         weights computed from constants: CNTK's Reshape(initializer, shape) for a conv weight,
                              a Concat of two bias pieces, a Transpose and a Cast (float64) of a dense weight, a Mul of
                              constants, an Unsqueezed scalar, a ConstantOfShape bias, Expand and Tile of constants
  constant_forms.onnx         Constant nodes in every form: value_float, value_floats, value_int, value_ints,
                              value_string (unused), sparse_value, value
  functions.onnx              model-local functions (as the torch.onnx dynamo exporter writes submodules): a ConvAct
                              function called twice with different attribute values (ref_attr_name), opset imports of
                              its own domains
  qdq.onnx / qdq_float.onnx   a QDQ int8 model (per-channel int8 conv weights, int32 bias, uint8 activations) and the
                              float network it approximates (weights dequantized, activation Q/DQ pairs removed)
  qlinear.onnx / qlinear_float.onnx  the same in QLinear form: QLinearConv and QLinearMatMul
  more_ops.onnx               Split of channels, Max and Min of two branches, Sum, Mean, Neg, Max of a branch and a
                              per-channel constant, Min of a branch and two constants, ReduceSum over channels
  reduce_spatial.onnx         ReduceSum over the spatial axes (keepdims 0)
  reduce_rows.onnx            ReduceMean over the width axis only (a dense layer of 1/n per row)
  imagescaler.onnx / imagescaler_twin.onnx  ImageScaler (opset 9) and its twin written as Mul and Add

Usage (from the repository root):
    /usr/bin/python3 tools/onnx-fixtures/make_exporter_idioms.py onnx/src/test/resources/idioms
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(14)


def weight(shape, scale=None):
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    return rng.normal(0, scale if scale is not None else np.sqrt(2.0 / fan_in), shape).astype(np.float32)


def init(name, values, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(values, dtype=dtype), name)


def model(nodes, inits, opset=13, inputs=None, output_shape=(None, 10), functions=(), extra_opsets=(), ir=7):
    inputs = inputs or [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 8, 8])]
    graph = helper.make_graph(nodes, "idiom", inputs,
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(output_shape))], inits)
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets, producer_name="etalon-fixtures", functions=list(functions))
    m.ir_version = ir
    return m


def cnn_body(out="logits"):
    """x [N,1,8,8] -> conv 4x3x3 pad 1 -> relu -> maxpool 2 -> flatten -> gemm 10."""
    inits = [init("w1", weight((4, 1, 3, 3))), init("b1", weight((4,), 0.1)), init("w2", weight((10, 64))),
             init("b2", weight((10,), 0.1))]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
             helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p1"], ["f1"], name="flatten"),
             helper.make_node("Gemm", ["f1", "w2", "b2"], [out], name="fc", transB=1)]
    return nodes, inits


def tails():
    out = {}
    nodes, inits = cnn_body()
    out["tail_softmax_identity"] = model(nodes + [helper.make_node("Softmax", ["logits"], ["p"], name="softmax", axis=1),
                                                  helper.make_node("Identity", ["p"], ["y"], name="identity")], inits)
    nodes, inits = cnn_body()
    out["tail_softmax_log"] = model(nodes + [helper.make_node("Softmax", ["logits"], ["p"], name="softmax", axis=1),
                                             helper.make_node("Log", ["p"], ["y"], name="log")], inits)
    nodes, inits = cnn_body()
    out["tail_sigmoid"] = model(nodes + [helper.make_node("Sigmoid", ["logits"], ["y"], name="sigmoid")], inits)
    return out


def folded_weights():
    w1 = weight((4, 1, 3, 3))
    w2 = weight((10, 64))
    inits = [init("w1_flat", w1.reshape(-1)), init("w1_shape", [4, 1, 3, 3], np.int64),
             init("b1_a", weight((2,), 0.1)), init("b1_b", weight((2,), 0.1)),
             init("w2_t64", (w2.T / 2).astype(np.float64), np.float64), init("two", 2.0),
             init("scalar", 0.75), init("zero_axis", [0], np.int64), init("c_shape", [10], np.int64),
             init("shift4", weight((4, 1, 1), 0.2)), init("plane_shape", [4, 8, 8], np.int64),
             init("tile_me", weight((1, 4, 1, 1), 0.3) + 1), init("repeats", [1, 1, 8, 8], np.int64)]
    nodes = [helper.make_node("Reshape", ["w1_flat", "w1_shape"], ["w1"], name="cntk_reshape"),
             helper.make_node("Concat", ["b1_a", "b1_b"], ["b1"], name="bias_concat", axis=0),
             helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Expand", ["shift4", "plane_shape"], ["shift_plane"], name="expand_shift"),
             helper.make_node("Add", ["c1", "shift_plane"], ["c1s"], name="add_shift"),
             helper.make_node("Tile", ["tile_me", "repeats"], ["scale_plane"], name="tile_scale"),
             helper.make_node("Mul", ["c1s", "scale_plane"], ["c1m"], name="mul_scale"),
             helper.make_node("Relu", ["c1m"], ["r1"], name="relu1"),
             helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p1"], ["f1"], name="flatten"),
             helper.make_node("Cast", ["w2_t64"], ["w2_t32"], name="cast_weight", to=TensorProto.FLOAT),
             helper.make_node("Mul", ["w2_t32", "two"], ["w2_t"], name="mul_weight"),
             helper.make_node("Transpose", ["w2_t"], ["w2"], name="transpose_weight", perm=[1, 0]),
             helper.make_node("Unsqueeze", ["scalar", "zero_axis"], ["scale1"], name="unsqueeze_scalar"),
             helper.make_node("ConstantOfShape", ["c_shape"], ["c"], name="bias_of_shape",
                              value=helper.make_tensor("v", TensorProto.FLOAT, [1], [0.125])),
             helper.make_node("Gemm", ["f1", "w2", "c"], ["g"], name="fc", transB=1),
             helper.make_node("Mul", ["g", "scale1"], ["y"], name="scale_out")]
    return model(nodes, inits)


def constant_forms():
    w1 = weight((4, 1, 3, 3))
    sparse_values = numpy_helper.from_array(np.array([0.5, -0.25, 1.0], np.float32), "sv")
    sparse_indices = numpy_helper.from_array(np.array([1, 4, 9], np.int64), "si")
    nodes = [helper.make_node("Constant", [], ["w1"], name="k_value", value=numpy_helper.from_array(w1, "w1v")),
             helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Constant", [], ["gain"], name="k_float", value_float=1.5),
             helper.make_node("Mul", ["c1", "gain"], ["c1g"], name="gain"),
             helper.make_node("Constant", [], ["shift"], name="k_floats", value_floats=[0.1, -0.2, 0.3, 0.05]),
             helper.make_node("Constant", [], ["shift_shape"], name="k_ints", value_ints=[1, 4, 1, 1]),
             helper.make_node("Reshape", ["shift", "shift_shape"], ["shift4"], name="shape_shift"),
             helper.make_node("Add", ["c1g", "shift4"], ["c1s"], name="add_shift"),
             helper.make_node("Relu", ["c1s"], ["r1"], name="relu1"),
             helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Constant", [], ["batch_axis"], name="k_int", value_int=0),
             helper.make_node("Constant", [], ["minus_one"], name="k_int_flat", value_ints=[-1]),
             helper.make_node("Constant", [], ["batch_axis_axes"], name="k_axes", value_ints=[0]),
             helper.make_node("Unsqueeze", ["batch_axis", "batch_axis_axes"], ["batch_axis_1"], name="axes_of_int"),
             helper.make_node("Constant", [], ["zero"], name="k_zero_dim", value_ints=[0]),
             helper.make_node("Concat", ["zero", "minus_one"], ["flat_shape"], name="flat_shape", axis=0),
             helper.make_node("Reshape", ["p1", "flat_shape"], ["f1"], name="flatten"),
             helper.make_node("Constant", [], ["label"], name="k_string", value_string="unused label"),
             helper.make_node("Constant", [], ["w2"], name="k_w2", value=numpy_helper.from_array(weight((10, 64)), "w2v")),
             helper.make_node("Constant", [], ["b2"], name="k_sparse",
                              sparse_value=helper.make_sparse_tensor(sparse_values, sparse_indices, [10])),
             helper.make_node("Gemm", ["f1", "w2", "b2"], ["y"], name="fc", transB=1)]
    return model(nodes, [])


def attribute_ref(name, kind):
    attribute = onnx.AttributeProto()
    attribute.name = name
    attribute.ref_attr_name = name
    attribute.type = kind
    return attribute


def functions():
    leaky = helper.make_node("LeakyRelu", ["c"], ["out"], name="act")
    leaky.attribute.append(attribute_ref("alpha", onnx.AttributeProto.FLOAT))
    body = [helper.make_node("Conv", ["inp", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]), leaky]
    conv_act = helper.make_function("local.torch", "ConvAct", ["inp", "w", "b"], ["out"], body,
                                    [helper.make_opsetid("", 13)], ["alpha"])
    inits = [init("w1", weight((4, 1, 3, 3))), init("b1", weight((4,), 0.1)), init("w2", weight((4, 4, 3, 3))),
             init("b2", weight((4,), 0.1)), init("w3", weight((10, 64))), init("b3", weight((10,), 0.1))]
    nodes = [helper.make_node("ConvAct", ["x", "w1", "b1"], ["a1"], name="block1", domain="local.torch", alpha=0.1),
             helper.make_node("ConvAct", ["a1", "w2", "b2"], ["a2"], name="block2", domain="local.torch", alpha=0.3),
             helper.make_node("MaxPool", ["a2"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
             helper.make_node("Gemm", ["f", "w3", "b3"], ["y"], name="fc", transB=1)]
    return model(nodes, inits, functions=[conv_act], ir=8,
                 extra_opsets=[("local.torch", 1), ("pkg.onnxscript.torch_lib", 1)])


def quantized():
    """QDQ and QLinear forms of one small CNN, and the float network each approximates."""
    w1 = weight((4, 1, 3, 3))
    w_scale = (np.abs(w1).reshape(4, -1).max(axis=1) / 127).astype(np.float32)
    w1_q = np.clip(np.round(w1 / w_scale[:, None, None, None]), -127, 127).astype(np.int8)
    x_scale = np.float32(1 / 255)
    b1 = weight((4,), 0.1)
    b1_q = np.round(b1 / (x_scale * w_scale)).astype(np.int32)
    w2 = weight((64, 10))
    w2_scale = np.float32(np.abs(w2).max() / 127)
    w2_q = np.clip(np.round(w2 / w2_scale), -127, 127).astype(np.int8)
    b2 = weight((10,), 0.1)
    a_scale = np.float32(0.02)
    # the float twin: weights dequantized as ONNX Runtime computes (q - zero point) * scale in float32
    w1_f = (w1_q.astype(np.float32) * w_scale[:, None, None, None]).astype(np.float32)
    b1_f = (b1_q.astype(np.float32) * (x_scale * w_scale).astype(np.float32)).astype(np.float32)
    w2_f = (w2_q.astype(np.float32) * w2_scale).astype(np.float32)
    common = [init("x_scale", x_scale), init("x_zp", 0, np.uint8), init("a_scale", a_scale), init("a_zp", 0, np.uint8),
              init("w1_q", w1_q, np.int8), init("w1_scale", w_scale), init("w1_zp", np.zeros(4), np.int8),
              init("b1_q", b1_q, np.int32), init("w2_q", w2_q, np.int8), init("w2_scale", w2_scale),
              init("w2_zp", 0, np.int8), init("b2", b2), init("m_scale", np.float32(0.05)), init("m_zp", 128, np.uint8)]
    qdq_nodes = [helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"], name="quantize_input"),
                 helper.make_node("DequantizeLinear", ["xq", "x_scale", "x_zp"], ["xd"], name="dequantize_input"),
                 helper.make_node("DequantizeLinear", ["w1_q", "w1_scale", "w1_zp"], ["w1"], name="dequantize_w1", axis=0),
                 helper.make_node("Mul", ["x_scale", "w1_scale"], ["b1_scale"], name="bias_scale"),
                 helper.make_node("DequantizeLinear", ["b1_q", "b1_scale"], ["b1"], name="dequantize_b1", axis=0),
                 helper.make_node("Conv", ["xd", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
                 helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
                 helper.make_node("QuantizeLinear", ["r1", "a_scale", "a_zp"], ["r1q"], name="quantize_r1"),
                 helper.make_node("DequantizeLinear", ["r1q", "a_scale", "a_zp"], ["r1d"], name="dequantize_r1"),
                 helper.make_node("MaxPool", ["r1d"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
                 helper.make_node("Flatten", ["p1"], ["f1"], name="flatten"),
                 helper.make_node("DequantizeLinear", ["w2_q", "w2_scale", "w2_zp"], ["w2"], name="dequantize_w2"),
                 helper.make_node("MatMul", ["f1", "w2"], ["m"], name="fc"),
                 helper.make_node("Add", ["m", "b2"], ["y"], name="fc_bias")]
    qlinear_nodes = [helper.make_node("QuantizeLinear", ["x", "x_scale", "x_zp"], ["xq"], name="quantize_input"),
                     helper.make_node("QLinearConv", ["xq", "x_scale", "x_zp", "w1_q", "w1_scale", "w1_zp", "a_scale",
                                                      "a_zp", "b1_q"], ["c1q"], name="conv1", pads=[1, 1, 1, 1]),
                     helper.make_node("DequantizeLinear", ["c1q", "a_scale", "a_zp"], ["c1"], name="dequantize_c1"),
                     helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
                     helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
                     helper.make_node("Flatten", ["p1"], ["f1"], name="flatten"),
                     helper.make_node("QuantizeLinear", ["f1", "a_scale", "a_zp"], ["f1q"], name="quantize_f1"),
                     helper.make_node("QLinearMatMul", ["f1q", "a_scale", "a_zp", "w2_q", "w2_scale", "w2_zp", "m_scale",
                                                        "m_zp"], ["mq"], name="fc"),
                     helper.make_node("DequantizeLinear", ["mq", "m_scale", "m_zp"], ["m"], name="dequantize_fc"),
                     helper.make_node("Add", ["m", "b2"], ["y"], name="fc_bias")]
    float_inits = [init("w1", w1_f), init("b1", b1_f), init("w2", w2_f), init("b2", b2)]
    float_nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
                   helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
                   helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
                   helper.make_node("Flatten", ["p1"], ["f1"], name="flatten"),
                   helper.make_node("MatMul", ["f1", "w2"], ["m"], name="fc"),
                   helper.make_node("Add", ["m", "b2"], ["y"], name="fc_bias")]
    twin = model(float_nodes, float_inits)
    return {"qdq": model(qdq_nodes, common), "qdq_float": twin, "qlinear": model(qlinear_nodes, common),
            "qlinear_float": twin}


def more_ops():
    inits = [init("w1", weight((4, 1, 3, 3))), init("b1", weight((4,), 0.1)), init("w2", weight((10, 16))),
             init("b2", weight((10,), 0.1)), init("split", [2, 2], np.int64), init("axes1", [1], np.int64),
             init("floor", weight((1, 2, 1, 1), 0.2)), init("ceiling", 0.8), init("ceiling2", weight((2, 8, 8), 0.5) + 0.6)]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Split", ["c1", "split"], ["a", "b"], name="split", axis=1),
             helper.make_node("Max", ["a", "b"], ["hi"], name="max"),
             helper.make_node("Min", ["a", "b"], ["lo"], name="min"),
             helper.make_node("Sum", ["hi", "lo", "a"], ["s"], name="sum"),
             helper.make_node("Mean", ["s", "b"], ["t"], name="mean"),
             helper.make_node("Neg", ["t"], ["u"], name="neg"),
             helper.make_node("Relu", ["u"], ["r"], name="relu"),
             helper.make_node("Max", ["r", "floor"], ["rf"], name="max_constant"),
             helper.make_node("Min", ["rf", "ceiling", "ceiling2"], ["rfc"], name="min_constants"),
             helper.make_node("Concat", ["rfc", "hi"], ["rc"], name="join", axis=1),
             helper.make_node("ReduceSum", ["rc", "axes1"], ["rs"], name="reduce_channels", keepdims=1),
             helper.make_node("MaxPool", ["rs"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"], name="flatten"),
             helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], name="fc", transB=1)]
    return model(nodes, inits)


def reduce_spatial():
    inits = [init("w1", weight((6, 1, 3, 3))), init("b1", weight((6,), 0.1)), init("w2", weight((10, 6))),
             init("b2", weight((10,), 0.1)), init("axes", [2, 3], np.int64)]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
             helper.make_node("ReduceSum", ["r1", "axes"], ["s"], name="global_sum", keepdims=0),
             helper.make_node("Gemm", ["s", "w2", "b2"], ["y"], name="fc", transB=1)]
    return model(nodes, inits)


def reduce_rows():
    inits = [init("w1", weight((6, 1, 3, 3))), init("b1", weight((6,), 0.1)), init("w2", weight((10, 48))),
             init("b2", weight((10,), 0.1))]
    nodes = [helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
             helper.make_node("ReduceMean", ["r1"], ["m"], name="row_means", axes=[3], keepdims=1),
             helper.make_node("Flatten", ["m"], ["f"], name="flatten"),
             helper.make_node("Gemm", ["f", "w2", "b2"], ["y"], name="fc", transB=1)]
    return model(nodes, inits)


def image_scaler():
    scale, bias = 0.5, [-0.25]
    nodes, inits = cnn_body("y")
    nodes[0].input[0] = "xs"
    scaler = model([helper.make_node("ImageScaler", ["x"], ["xs"], name="scaler", scale=scale, bias=bias)] + nodes,
                   inits, opset=9, ir=4)
    twin_inits = inits + [init("s", scale), init("t", np.array(bias).reshape(1, 1, 1))]
    twin = model([helper.make_node("Mul", ["x", "s"], ["xm"], name="scale"),
                  helper.make_node("Add", ["xm", "t"], ["xs"], name="bias")] + nodes, twin_inits, opset=9, ir=4)
    return {"imagescaler": scaler, "imagescaler_twin": twin}


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    models = {}
    models.update(tails())
    models["folded_weights"] = folded_weights()
    models["constant_forms"] = constant_forms()
    models["functions"] = functions()
    models.update(quantized())
    models["more_ops"] = more_ops()
    models["reduce_spatial"] = reduce_spatial()
    models.update(image_scaler())
    models["reduce_rows"] = reduce_rows()
    for name, m in sorted(models.items()):
        if name != "imagescaler":  # ImageScaler left the standard at opset 10; the checker no longer knows it
            onnx.checker.check_model(m)
        onnx.save(m, os.path.join(folder, name + ".onnx"))
        print("wrote", name)


if __name__ == "__main__":
    main()
