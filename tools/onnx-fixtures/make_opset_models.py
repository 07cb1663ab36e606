#!/usr/bin/python3
"""Hand-written ONNX test models across opsets 6..21, for Etalon's importer tests.

The models are written node by node with onnx.helper (no exporter involved), so that each opset's own form of an
operator appears as the specification defines it:

  cnn_opset{7,9,11,13,17,21}.onnx  one small CNN written in each opset's forms: input normalisation (Sub, Div), a Conv
      without bias followed by an Add of a [C,1,1] tensor, SAME_UPPER auto_pad, max-pool before ReLU (ceil_mode from
      opset 10 on), a grouped Conv with asymmetric pads, BatchNormalization, Clip (min/max as attributes before opset
      11, as inputs from 11 on), zero Pad (pads as attribute before 11, as input from 11 on), a depthwise Conv, PRelu,
      AveragePool with count_include_pad, Flatten or Reshape, Dropout, Gemm, a BatchNormalization on the dense
      features wrapped in Unsqueeze/Squeeze (axes as attribute before 13, as input from 13 on), two Gemm layers with
      no ReLU between them, and from opset 13 on a trailing Softmax.
  cnn_opset6.onnx   the opset-7 model's twin in the opset-6 forms that were removed in opset 7: Gemm with `broadcast`,
      Dropout and BatchNormalization with `is_test`, Add/Sub/Div with `broadcast` (and `axis` for a per-channel bias),
      a one-axis PRelu slope per channel, and a Pad before the AveragePool instead of count_include_pad. Same weights,
      so the same scores.
  nhwc_tf2onnx.onnx  a Keras-style MNIST CNN as tf2onnx writes it (TensorFlow is not installed here, so this is
      written by hand after tf2onnx's output): input NHWC [unk__6, 28, 28, 1], a Transpose to NCHW, conv/relu/pool
      twice, a Transpose back to NHWC, a Reshape with a constant shape [-1, 576], dense layers as MatMul then Add, and
      a trailing Softmax; tensor names with '/' and ':0' as TensorFlow names them.
  nhwc_dynamic.onnx  the same style at opset 15 with the shapes tf2onnx computes from the batch size: a strided
      SAME_UPPER Conv, a flatten Reshape whose target is Concat(Slice(Shape(x), 0, 1), [-1]), and a last Reshape to
      Concat(Shape(scores, start=0, end=1), [10]).
  nhwc_gap.onnx  Keras's Concatenate and global average and max pooling as tf2onnx writes them at opset 18: two
      conv branches joined along axis -1 of NHWC, UpSampling2D as a nearest Resize of NHWC by [1, 2, 2, 1],
      ReduceMean and ReduceMax over axes [1, 2] (axes as an input), a
      Concat of the pooled vectors along axis -1, MatMul, Add and Softmax.
  shape_slices.onnx  Slices of a shape whose bounds ONNX clamps (a start of -100 or 100, an end of 2^40) and one that
      runs backwards (step -1): an [N, 2, 3, 4] activation reshaped to [N, 4, 3, 2].
  pool_ceil.onnx    ceil_mode's two corners, where ONNX Runtime 1.20 differs from the ONNX specification and from
      PyTorch: a MaxPool whose last window would start in the right padding (ONNX drops it; ONNX Runtime keeps it
      and outputs -FLT_MAX), and an AveragePool with count_include_pad whose last window runs past the input (ONNX
      divides by the positions inside the padded input; ONNX Runtime by the kernel size). Its expected scores for
      pool_ceil.inputs.npy are computed here in NumPy from the specification (pool_ceil.scores.npy).
  nobatch_rgb.onnx  a model that takes one [3, 28, 28] image with no batch dimension: a Reshape to [1, 3, 28, 28],
      per-channel normalisation with [1, 3, 1, 1] constants, a depthwise Conv, a Conv, MaxPool with ceil_mode, a
      Gemm, and a Reshape to [10] scores.

The tests compare Etalon's forward pass with ONNX Runtime on random images and check that the etalons are exact.
Usage (from the repository root):
    /usr/bin/python3 tools/onnx-fixtures/make_opset_models.py onnx/src/test/resources/opsets
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# ONNX's own checker knows opsets up to 17 in the Debian package (onnx 1.12); later models are checked by ONNX Runtime
CHECKER_MAX_OPSET = 17
# IR version by opset, as ONNX ties them
IR_VERSION = {6: 3, 7: 3, 9: 4, 11: 6, 13: 7, 17: 8, 21: 10}


class Graph:
    """Collects nodes and initializers; names are readable so the tests can address layers."""

    def __init__(self, opset, seed):
        self.opset = opset
        self.nodes = []
        self.initializers = []
        self.random = np.random.default_rng(seed)

    def weight(self, name, shape, scale=None):
        fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
        scale = scale if scale is not None else np.sqrt(2.0 / fan_in)
        return self.constant(name, self.random.normal(0, scale, shape))

    def constant(self, name, values, dtype=np.float32):
        self.initializers.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    def node(self, op, inputs, name, outputs=None, **attributes):
        outputs = outputs or [name]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attributes))
        return outputs[0]

    def model(self, inputs, outputs, ir_version):
        if ir_version < 4:  # before IR 4 every initializer also had to be a graph input
            inputs = inputs + [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in self.initializers]
        graph = helper.make_graph(self.nodes, 'opset%d' % self.opset, inputs, outputs, self.initializers)
        model = helper.make_model(graph, producer_name='make_opset_models.py',
                                  opset_imports=[helper.make_opsetid('', self.opset)])
        model.ir_version = ir_version
        return model


def batch_norm(g, x, name, channels, old_forms):
    inputs = [x, g.constant(name + '.scale', g.random.uniform(0.5, 1.5, channels)),
              g.constant(name + '.bias', g.random.normal(0, 0.2, channels)),
              g.constant(name + '.mean', g.random.normal(0, 0.2, channels)),
              g.constant(name + '.var', g.random.uniform(0.5, 2.0, channels))]
    attributes = {'epsilon': 1e-5}
    if old_forms:
        attributes['is_test'] = 1
    return g.node('BatchNormalization', inputs, name, **attributes)


def clip(g, x, name, low, high):
    if g.opset < 11:
        return g.node('Clip', [x], name, min=low, max=high)
    return g.node('Clip', [x, g.constant(name + '.min', low), g.constant(name + '.max', high)], name)


def pad(g, x, name, pads):
    if g.opset < 11:
        return g.node('Pad', [x], name, mode='constant', pads=pads, value=0.0)
    return g.node('Pad', [x, g.constant(name + '.pads', pads, np.int64)], name, mode='constant')


def unsqueeze(g, x, name, axes):
    if g.opset < 13:
        return g.node('Unsqueeze', [x], name, axes=axes)
    return g.node('Unsqueeze', [x, g.constant(name + '.axes', axes, np.int64)], name)


def squeeze(g, x, name, axes):
    if g.opset < 13:
        return g.node('Squeeze', [x], name, axes=axes)
    return g.node('Squeeze', [x, g.constant(name + '.axes', axes, np.int64)], name)


def cnn(opset, old_forms=False):
    """The opset matrix model: input [N, 1, 12, 12] -> 5 scores."""
    g = Graph(opset, seed=2018 + (7 if old_forms else opset))
    # before opset 7, arithmetic broadcast only when asked to, and a per-channel [C] constant was aligned with `axis`
    legacy = {'broadcast': 1} if old_forms else {}
    x = g.node('Sub', ['input', g.constant('mean', 0.1307)], 'normalize_mean', **legacy)
    x = g.node('Div', [x, g.constant('std', 0.3081)], 'normalize_std', **legacy)
    x = g.node('Conv', [x, g.weight('conv1.weight', (4, 1, 3, 3))], 'conv1', auto_pad='SAME_UPPER',
               kernel_shape=[3, 3])
    bias = g.random.normal(0, 0.1, (4, 1, 1))
    if old_forms:
        x = g.node('Add', [x, g.constant('conv1.bias', bias.reshape(4))], 'conv1_bias', axis=1, **legacy)
    else:
        x = g.node('Add', [x, g.constant('conv1.bias', bias)], 'conv1_bias')
    if opset >= 10:  # 12x12 -> 6x6; ceil_mode exists from opset 10 on
        x = g.node('MaxPool', [x], 'pool1', kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)
    else:
        x = g.node('MaxPool', [x], 'pool1', kernel_shape=[2, 2], strides=[2, 2])
    x = g.node('Relu', [x], 'relu1')
    x = g.node('Conv', [x, g.weight('conv2.weight', (8, 2, 3, 3)), g.weight('conv2.bias', (8,), 0.1)], 'conv2',
               kernel_shape=[3, 3], pads=[1, 0, 0, 1], group=2)  # 6x6 -> 5x5
    x = batch_norm(g, x, 'bn2', 8, old_forms)
    x = clip(g, x, 'relu6', 0.0, 6.0)
    x = pad(g, x, 'pad3', [0, 0, 1, 1, 0, 0, 1, 1])  # 5x5 -> 7x7
    x = g.node('Conv', [x, g.weight('conv3.weight', (8, 1, 3, 3)), g.weight('conv3.bias', (8,), 0.1)], 'conv3',
               kernel_shape=[3, 3], group=8)  # depthwise, 7x7 -> 5x5
    slope = g.random.uniform(0, 0.3, (8, 1, 1))
    x = g.node('PRelu', [x, g.constant('prelu3.slope', slope.reshape(8) if old_forms else slope)], 'prelu3')
    if old_forms:  # count_include_pad came in opset 7: pad with zeros first, which the average then counts
        x = pad(g, x, 'pool3_pad', [0, 0, 0, 0, 0, 0, 1, 1])
        x = g.node('AveragePool', [x], 'pool3', kernel_shape=[2, 2], strides=[2, 2])  # 5x5 -> 3x3
    else:
        x = g.node('AveragePool', [x], 'pool3', kernel_shape=[2, 2], strides=[2, 2], pads=[0, 0, 1, 1],
                   count_include_pad=1)  # 5x5 -> 3x3
    if opset in (9, 13, 21):
        x = g.node('Reshape', [x, g.constant('flatten.shape', [0, -1], np.int64)], 'flatten')
    else:
        x = g.node('Flatten', [x], 'flatten', axis=1)
    if old_forms:
        x = g.node('Dropout', [x], 'dropout', is_test=1, ratio=0.3)
    else:
        x = g.node('Dropout', [x], 'dropout')
    gemm = {'broadcast': 1} if old_forms else {}
    x = g.node('Gemm', [x, g.weight('fc1.weight', (16, 72)), g.weight('fc1.bias', (16,), 0.1)], 'fc1', transB=1, **gemm)
    x = unsqueeze(g, x, 'fc1_unsqueeze', [2])
    x = batch_norm(g, x, 'bn_fc1', 16, old_forms)
    x = squeeze(g, x, 'fc1_squeeze', [2])
    x = g.node('Relu', [x], 'relu_fc1')
    x = g.node('Gemm', [x, g.weight('fc2.weight', (16, 12)), g.weight('fc2.bias', (12,), 0.1)], 'fc2', **gemm)
    # no ReLU between fc2 and fc3: two affine maps in a row
    x = g.node('Gemm', [x, g.weight('fc3.weight', (5, 12)), g.weight('fc3.bias', (5,), 0.1)], 'fc3', transB=1,
               alpha=0.5, beta=2.0, **gemm)
    if opset >= 13:
        g.node('Softmax', [x], 'softmax', outputs=['scores'], axis=1)
    else:
        g.nodes[-1].output[0] = 'scores'
    inputs = [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 1, 12, 12])]
    outputs = [helper.make_tensor_value_info('scores', TensorProto.FLOAT, ['N', 5])]
    return g.model(inputs, outputs, IR_VERSION[opset])


def nhwc_tf2onnx():
    """tf2onnx's rendering of a Keras Sequential MNIST CNN in channels-last layout (opset 13)."""
    g = Graph(13, seed=2021)
    prefix = 'StatefulPartitionedCall/sequential/'
    x = g.node('Transpose', ['input_1'], prefix + 'conv2d/Conv2D__6', outputs=[prefix + 'conv2d/Conv2D__6:0'],
               perm=[0, 3, 1, 2])
    x = g.node('Conv', [x, g.weight('conv2d/kernel:0', (8, 1, 3, 3)), g.weight('conv2d/bias:0', (8,), 0.1)],
               prefix + 'conv2d/BiasAdd', outputs=[prefix + 'conv2d/BiasAdd:0'], kernel_shape=[3, 3], pads=[1, 1, 1, 1],
               strides=[1, 1], dilations=[1, 1], group=1)
    x = g.node('Relu', [x], prefix + 'conv2d/Relu:0')
    x = g.node('MaxPool', [x], prefix + 'max_pooling2d/MaxPool:0', kernel_shape=[2, 2], strides=[2, 2])
    x = g.node('Conv', [x, g.weight('conv2d_1/kernel:0', (16, 8, 3, 3)), g.weight('conv2d_1/bias:0', (16,), 0.1)],
               prefix + 'conv2d_1/BiasAdd', outputs=[prefix + 'conv2d_1/BiasAdd:0'], kernel_shape=[3, 3],
               auto_pad='VALID', strides=[1, 1], dilations=[1, 1], group=1)  # 14 -> 12
    x = g.node('Relu', [x], prefix + 'conv2d_1/Relu:0')
    x = g.node('MaxPool', [x], prefix + 'max_pooling2d_1/MaxPool:0', kernel_shape=[2, 2], strides=[2, 2])  # 6x6
    x = g.node('Transpose', [x], prefix + 'max_pooling2d_1/MaxPool__20', outputs=[prefix + 'max_pooling2d_1/MaxPool__20:0'],
               perm=[0, 2, 3, 1])
    x = g.node('Reshape', [x, g.constant('const_fold_opt__30', [-1, 576], np.int64)], prefix + 'flatten/Reshape:0')
    x = g.node('MatMul', [x, g.constant('dense/MatMul/ReadVariableOp:0', g.random.normal(0, np.sqrt(2 / 576), (576, 32)))],
               prefix + 'dense/MatMul:0')
    x = g.node('Add', [x, g.constant('dense/BiasAdd/ReadVariableOp:0', g.random.normal(0, 0.1, (32,)))],
               prefix + 'dense/BiasAdd:0')
    x = g.node('Relu', [x], prefix + 'dense/Relu:0')
    x = g.node('MatMul', [x, g.constant('dense_1/MatMul/ReadVariableOp:0', g.random.normal(0, np.sqrt(2 / 32), (32, 10)))],
               prefix + 'dense_1/MatMul:0')
    x = g.node('Add', [x, g.constant('dense_1/BiasAdd/ReadVariableOp:0', g.random.normal(0, 0.1, (10,)))],
               prefix + 'dense_1/BiasAdd:0')
    g.node('Softmax', [x], prefix + 'dense_1/Softmax', outputs=['dense_1'], axis=-1)
    inputs = [helper.make_tensor_value_info('input_1', TensorProto.FLOAT, ['unk__6', 28, 28, 1])]
    outputs = [helper.make_tensor_value_info('dense_1', TensorProto.FLOAT, ['unk__7', 10])]
    return g.model(inputs, outputs, IR_VERSION[13])


def nhwc_dynamic():
    """tf2onnx's rendering when the flatten and the output shape are computed from the batch size (opset 15)."""
    g = Graph(15, seed=2025)
    prefix = 'StatefulPartitionedCall/model/'
    x = g.node('Transpose', ['input_1'], prefix + 'conv2d/Conv2D__5', outputs=[prefix + 'conv2d/Conv2D__5:0'],
               perm=[0, 3, 1, 2])
    x = g.node('Conv', [x, g.weight('conv2d/kernel:0', (6, 1, 5, 5)), g.weight('conv2d/bias:0', (6,), 0.1)],
               prefix + 'conv2d/BiasAdd', outputs=[prefix + 'conv2d/BiasAdd:0'], kernel_shape=[5, 5], strides=[2, 2],
               auto_pad='SAME_UPPER', dilations=[1, 1], group=1)  # 28 -> 14
    x = g.node('Relu', [x], prefix + 'conv2d/Relu:0')
    x = g.node('MaxPool', [x], prefix + 'max_pooling2d/MaxPool:0', kernel_shape=[2, 2], strides=[2, 2])  # 7x7
    features = g.node('Transpose', [x], prefix + 'max_pooling2d/MaxPool__12', perm=[0, 2, 3, 1],
                      outputs=[prefix + 'max_pooling2d/MaxPool__12:0'])
    # tf.reshape(x, [tf.shape(x)[0], -1]): Shape, a Slice of the batch size, Concat with -1
    shape = g.node('Shape', [features], prefix + 'flatten/Shape:0')
    batch = g.node('Slice', [shape, g.constant('slice_start__14', [0], np.int64), g.constant('slice_end__15', [1], np.int64),
                             g.constant('slice_axes__16', [0], np.int64), g.constant('slice_steps__17', [1], np.int64)],
                   prefix + 'flatten/strided_slice:0')
    target = g.node('Concat', [batch, g.constant('const_fold_opt__21', [-1], np.int64)], prefix + 'flatten/Reshape/shape:0',
                    axis=0)
    x = g.node('Reshape', [features, target], prefix + 'flatten/Reshape:0')
    x = g.node('MatMul', [x, g.constant('dense/MatMul/ReadVariableOp:0', g.random.normal(0, np.sqrt(2 / 294), (294, 10)))],
               prefix + 'dense/MatMul:0')
    x = g.node('Add', [x, g.constant('dense/BiasAdd/ReadVariableOp:0', g.random.normal(0, 0.1, (10,)))],
               prefix + 'dense/BiasAdd:0')
    # the scores reshaped to [batch, 10] again, the batch size read with opset 15's Shape start/end
    batch = g.node('Shape', [x], prefix + 'output/Shape:0', start=0, end=1)
    target = g.node('Concat', [batch, g.constant('const_fold_opt__25', [10], np.int64)], prefix + 'output/shape:0', axis=0)
    g.node('Reshape', [x, target], prefix + 'output/Reshape', outputs=['dense'])
    inputs = [helper.make_tensor_value_info('input_1', TensorProto.FLOAT, ['unk__30', 28, 28, 1])]
    outputs = [helper.make_tensor_value_info('dense', TensorProto.FLOAT, ['unk__31', 10])]
    return g.model(inputs, outputs, 8)


def nhwc_gap():
    """Keras's Concatenate, UpSampling2D and global pooling layers on channels-last activations as tf2onnx writes them
    at opset 18: two conv branches joined along axis -1 of NHWC, a nearest Resize of NHWC, then ReduceMean and
    ReduceMax over axes [1, 2] (the axes as an input) joined along axis -1 of the pooled vectors."""
    g = Graph(18, seed=2027)
    prefix = 'StatefulPartitionedCall/model/'
    x = g.node('Transpose', ['input_1'], prefix + 'conv2d/Conv2D__6', outputs=[prefix + 'conv2d/Conv2D__6:0'],
               perm=[0, 3, 1, 2])
    branches = []
    for b, kernel in (('conv2d', 3), ('conv2d_1', 5)):
        y = g.node('Conv', [x, g.weight(b + '/kernel:0', (6, 3, kernel, kernel)), g.weight(b + '/bias:0', (6,), 0.1)],
                   prefix + b + '/BiasAdd', outputs=[prefix + b + '/BiasAdd:0'], kernel_shape=[kernel, kernel],
                   strides=[2, 2], auto_pad='SAME_UPPER', dilations=[1, 1], group=1)  # 16 -> 8
        y = g.node('Relu', [y], prefix + b + '/Relu:0')
        branches.append(g.node('Transpose', [y], prefix + b + '/Relu__10', outputs=[prefix + b + '/Relu__10:0'],
                               perm=[0, 2, 3, 1]))
    x = g.node('Concat', branches, prefix + 'concatenate/concat:0', axis=-1)  # [N, 8, 8, 12]
    # UpSampling2D: TensorFlow's nearest resize with half-pixel centres, on NHWC
    x = g.node('Resize', [x, '', g.constant('up_sampling2d/scales', [1, 2, 2, 1])], prefix + 'up_sampling2d/resize:0',
               mode='nearest', coordinate_transformation_mode='tf_half_pixel_for_nn', nearest_mode='floor')
    axes = g.constant('const_axes__12', [1, 2], np.int64)
    mean = g.node('ReduceMean', [x, axes], prefix + 'global_average_pooling2d/Mean:0', keepdims=0)
    peak = g.node('ReduceMax', [x, axes], prefix + 'global_max_pooling2d/Max:0', keepdims=0)
    x = g.node('Concat', [mean, peak], prefix + 'concatenate_1/concat:0', axis=-1)
    x = g.node('MatMul', [x, g.constant('dense/MatMul/ReadVariableOp:0', g.random.normal(0, 0.5, (24, 4)))],
               prefix + 'dense/MatMul:0')
    x = g.node('Add', [x, g.constant('dense/BiasAdd/ReadVariableOp:0', g.random.normal(0, 0.1, (4,)))],
               prefix + 'dense/BiasAdd:0')
    g.node('Softmax', [x], prefix + 'dense/Softmax', outputs=['dense'], axis=-1)
    inputs = [helper.make_tensor_value_info('input_1', TensorProto.FLOAT, ['unk__20', 16, 16, 3])]
    outputs = [helper.make_tensor_value_info('dense', TensorProto.FLOAT, ['unk__21', 4])]
    return g.model(inputs, outputs, 8)


def shape_slices():
    """Slices of a shape with negative, clamped and backward bounds (opset 13): [N, 2, 3, 4] read as [N, 4, 3, 2]."""
    g = Graph(13, seed=2026)
    x = g.node('Conv', ['input', g.weight('conv.weight', (2, 2, 1, 1)), g.weight('conv.bias', (2,), 0.1)], 'conv',
               kernel_shape=[1, 1])
    x = g.node('Relu', [x], 'relu')
    shape = g.node('Shape', [x], 'shape')
    ints = lambda name, values: g.constant(name, values, np.int64)
    batch = g.node('Slice', [shape, ints('from_far_left', [-100]), ints('to_one', [1])], 'batch')  # start clamps to 0
    # from the last axis back to (not including) the first: [4, 3, 2]; the start clamps to 3, the last axis
    rest = g.node('Slice', [shape, ints('from_far_right', [100]), ints('to_first', [-4]), ints('axis0', [0]),
                            ints('backwards', [-1])], 'rest_reversed')
    rest = g.node('Slice', [rest, ints('from_zero', [0]), ints('to_far_right', [1 << 40])], 'rest_all')  # end clamps to 3
    x = g.node('Reshape', [x, g.node('Concat', [batch, rest], 'target', axis=0)], 'reinterpret')
    x = g.node('MaxPool', [x], 'pool', kernel_shape=[2, 2], strides=[1, 1])  # [N, 4, 2, 1]
    x = g.node('Flatten', [x], 'flatten', axis=1)
    g.node('Gemm', [x, g.weight('fc.weight', (3, 8)), g.weight('fc.bias', (3,), 0.1)], 'fc', outputs=['scores'], transB=1)
    inputs = [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 2, 3, 4])]
    outputs = [helper.make_tensor_value_info('scores', TensorProto.FLOAT, ['N', 3])]
    return g.model(inputs, outputs, IR_VERSION[13])


def nobatch_rgb():
    """One [3, 28, 28] image in, [10] scores out; the model adds and removes the batch axis itself (opset 11)."""
    g = Graph(11, seed=2022)
    x = g.node('Reshape', ['image', g.constant('batch_of_one', [1, 3, 28, 28], np.int64)], 'add_batch')
    x = g.node('Sub', [x, g.constant('mean', [[[[0.485]], [[0.456]], [[0.406]]]])], 'normalize_mean')
    x = g.node('Div', [x, g.constant('std', [[[[0.229]], [[0.224]], [[0.225]]]])], 'normalize_std')
    x = g.node('Conv', [x, g.weight('depthwise.weight', (3, 1, 3, 3)), g.weight('depthwise.bias', (3,), 0.1)],
               'depthwise', kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=3)
    x = g.node('Relu', [x], 'relu1')
    x = g.node('Conv', [x, g.weight('conv2.weight', (6, 3, 3, 3)), g.weight('conv2.bias', (6,), 0.1)], 'conv2',
               kernel_shape=[3, 3], strides=[2, 2])  # 28 -> 13
    x = g.node('Relu', [x], 'relu2')
    x = g.node('MaxPool', [x], 'pool2', kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)  # 13 -> 7
    x = g.node('Flatten', [x], 'flatten', axis=1)
    x = g.node('Gemm', [x, g.weight('fc.weight', (10, 294)), g.weight('fc.bias', (10,), 0.1)], 'fc', transB=1)
    g.node('Reshape', [x, g.constant('drop_batch', [-1], np.int64)], 'drop_batch', outputs=['scores'])
    inputs = [helper.make_tensor_value_info('image', TensorProto.FLOAT, [3, 28, 28])]
    outputs = [helper.make_tensor_value_info('scores', TensorProto.FLOAT, [10])]
    return g.model(inputs, outputs, IR_VERSION[11])


def pool_ceil():
    """ceil_mode corners (opset 13): input [N, 2, 8, 8] -> 3 scores."""
    g = Graph(13, seed=2023)
    x = g.node('Conv', ['input', g.weight('conv.weight', (2, 2, 4, 4)), g.weight('conv.bias', (2,), 0.1)], 'conv',
               kernel_shape=[4, 4])  # 8 -> 5
    # 5 + 2 - 2 = 5: ceil gives 4 windows, but the 4th would start at 6 = 5 + 1, in the padding: 3 remain
    x = g.node('MaxPool', [x], 'maxpool', kernel_shape=[2, 2], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)
    # 3 - 2 = 1: ceil gives 2 windows; the 2nd covers one input and one position past it, so it divides by 1
    x = g.node('AveragePool', [x], 'avgpool', kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1, count_include_pad=1)
    x = g.node('Flatten', [x], 'flatten', axis=1)
    g.node('Gemm', [x, g.weight('fc.weight', (3, 8)), g.weight('fc.bias', (3,), 0.1)], 'fc', outputs=['scores'],
           transB=1)
    inputs = [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 2, 8, 8])]
    outputs = [helper.make_tensor_value_info('scores', TensorProto.FLOAT, ['N', 3])]
    return g.model(inputs, outputs, IR_VERSION[13])


def reference_pool_ceil(model, images):
    """The pool_ceil model's scores in float64 NumPy, written from the ONNX definitions of its operators."""
    w = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    x = images.astype(np.float64)
    n, k = x.shape[0], 4
    conv = np.zeros((n, 2, 5, 5))
    for y in range(5):
        for z in range(5):
            conv[:, :, y, z] = np.einsum('ncij,ocij->no', x[:, :, y:y + k, z:z + k], w['conv.weight']) + w['conv.bias']
    # MaxPool, window 2, stride 2, pads 1: windows start at -1, 1, 3 (the one at 5 = input + leading pad is dropped)
    pooled = np.zeros((n, 2, 3, 3))
    for y in range(3):
        for z in range(3):
            rows = range(max(0, 2 * y - 1), min(5, 2 * y + 1))
            cols = range(max(0, 2 * z - 1), min(5, 2 * z + 1))
            pooled[:, :, y, z] = conv[:, :, rows][:, :, :, cols].max(axis=(2, 3))
    # AveragePool, window 2, stride 2, no pads, count_include_pad: the window at 2 holds one input, divided by 1
    averaged = np.zeros((n, 2, 2, 2))
    for y in range(2):
        for z in range(2):
            averaged[:, :, y, z] = pooled[:, :, 2 * y:2 * y + 2, 2 * z:2 * z + 2].mean(axis=(2, 3))
    return averaged.reshape(n, 8) @ w['fc.weight'].T + w['fc.bias']


def main(out):
    os.makedirs(out, exist_ok=True)
    models = {'cnn_opset%d' % opset: cnn(opset) for opset in (7, 9, 11, 13, 17, 21)}
    models['cnn_opset6'] = cnn(6, old_forms=True)
    models['nhwc_tf2onnx'] = nhwc_tf2onnx()
    models['nhwc_dynamic'] = nhwc_dynamic()
    models['shape_slices'] = shape_slices()
    models['nhwc_gap'] = nhwc_gap()
    models['nobatch_rgb'] = nobatch_rgb()
    models['pool_ceil'] = pool_ceil()
    for name, model in models.items():
        opset = model.opset_import[0].version
        if opset <= CHECKER_MAX_OPSET:
            onnx.checker.check_model(model, full_check=True)
        path = os.path.join(out, name + '.onnx')
        onnx.save(model, path)
        print('wrote', path)
    images = np.random.default_rng(2024).random((4, 2, 8, 8)).astype(np.float32)
    images[:, :, :2, :] = 0
    np.save(os.path.join(out, 'pool_ceil.inputs.npy'), images)
    np.save(os.path.join(out, 'pool_ceil.scores.npy'), reference_pool_ceil(models['pool_ceil'], images))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'onnx/src/test/resources/opsets')
