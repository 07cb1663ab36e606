#!/usr/bin/python3
"""ONNX test models whose dense layers hold one sample per column ([features, batch]), for Etalon's importer tests.

Gemm with transA=1 reads A stored as (K, M); together with the column-vector convention Y = W x it is what an
exporter writes when a model multiplies by the transposed activation. Each model below computes per sample, so Etalon
reads it as a stack of dense layers; the tests compare it with ONNX Runtime and check that its etalons are exact.

  columns_torch.onnx    exported by torch.onnx.export (opset 13) from a conv front end and dense layers written as
      torch.mm(W, x.t()) + b (PyTorch writes Gemm(A=W, B=x, transB=1) with a [H, 1] bias), then torch.mm(h.t(), W2)
      (Gemm with transA=1 on the column activation), then torch.mm(W3, y.t()).t() (Gemm then Transpose).
  columns_torch9.onnx   the same model exported at opset 9 (there PyTorch also writes a zero C with beta=0).
  columns_reshape.onnx  hand-written (opset 11): a batch of one, [1, 1, 8, 8], conv, relu and max-pool, a Reshape to
      [-1, 1] (one sample as a column) and Gemm(transA=1, transB=1) back to one sample per row, then a second Gemm.
  columns_chain.onnx    hand-written (opset 13), a dynamic batch: Flatten, a Transpose to [K, batch], Gemm(A=W, B=x)
      with a [H, 1] bias, Add, Mul and Sub of [H, 1] and scalar constants, PRelu with a [H, 1] slope, Clip, a residual
      Add of two column activations, MatMul(W, h), LeakyRelu, and a Gemm with transA=1 back to one sample per row.
  columns_input.onnx    hand-written (opset 13): the graph input itself is [64, batch], read by Gemm(transA=1); a
      Transpose to [H, batch], MatMul(W, h), a Gemm(A=W stored transposed, transA=1) and the output [5, batch].
  columns_vector.onnx   hand-written (opset 13): one image [64] with no batch axis, Unsqueeze of axis 1 to [64, 1],
      Gemm(W, x) layers with a residual Add, MatMul(W, h) and a Squeeze of axis 1 to [5] scores.
  vector_matmul.onnx    hand-written (opset 13): one image [64] with no batch axis, MatMul(W [H, 64], x [64]) giving
      [H] (ONNX's matrix-vector product), Add, Relu, then MatMul(h [H], W2 [H, 5]).

Usage (from the repository root):
    /usr/bin/python3 tools/onnx-fixtures/make_column_models.py onnx/src/test/resources/columns
"""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper


class ColumnsNet(torch.nn.Module):
    """Conv front end, then dense layers in the column-vector convention: 1x8x8 -> 5 scores."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 3, 3, padding=1)
        self.w1 = torch.nn.Parameter(torch.randn(12, 48) * 0.2)
        self.b1 = torch.nn.Parameter(torch.randn(12, 1) * 0.1)
        self.w2 = torch.nn.Parameter(torch.randn(12, 10) * 0.3)
        self.w3 = torch.nn.Parameter(torch.randn(5, 10) * 0.3)

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv(x)), 2)
        x = torch.flatten(x, 1)                           # [N, 48]
        h = torch.relu(torch.mm(self.w1, x.t()) + self.b1)  # [12, N]: one sample per column
        y = torch.relu(torch.mm(h.t(), self.w2))          # Gemm transA=1: [N, 10]
        return torch.mm(self.w3, y.t()).t()               # [5, N] then [N, 5]


class Graph:
    """Collects nodes and initializers for a hand-written model."""

    def __init__(self, seed):
        self.nodes = []
        self.initializers = []
        self.random = np.random.default_rng(seed)

    def weight(self, name, shape, scale=0.3):
        return self.constant(name, self.random.normal(0, scale, shape))

    def constant(self, name, values, dtype=np.float32):
        self.initializers.append(numpy_helper.from_array(np.asarray(values, dtype=dtype), name))
        return name

    def node(self, op, inputs, name, outputs=None, **attributes):
        outputs = outputs or [name]
        self.nodes.append(helper.make_node(op, inputs, outputs, name=name, **attributes))
        return outputs[0]

    def model(self, opset, inputs, outputs):
        graph = helper.make_graph(self.nodes, 'columns', inputs, outputs, self.initializers)
        model = helper.make_model(graph, producer_name='make_column_models.py',
                                  opset_imports=[helper.make_opsetid('', opset)])
        model.ir_version = {11: 6, 13: 7}[opset]
        return model


def columns_reshape():
    g = Graph(2030)
    x = g.node('Conv', ['input', g.weight('conv.weight', (3, 1, 3, 3)), g.weight('conv.bias', (3,), 0.1)], 'conv',
               kernel_shape=[3, 3], pads=[1, 1, 1, 1])
    x = g.node('Relu', [x], 'relu')
    x = g.node('MaxPool', [x], 'pool', kernel_shape=[2, 2], strides=[2, 2])  # [1, 3, 4, 4]
    x = g.node('Reshape', [x, g.constant('column', [-1, 1], np.int64)], 'to_column')  # [48, 1]
    # A = x stored (K, M) = (48, 1); B = W stored transposed (12, 48)
    x = g.node('Gemm', [x, g.weight('fc1.weight', (12, 48)), g.weight('fc1.bias', (12,), 0.1)], 'fc1',
               transA=1, transB=1, alpha=0.5, beta=2.0)  # [1, 12]
    x = g.node('Relu', [x], 'relu_fc1')
    g.node('Gemm', [x, g.weight('fc2.weight', (12, 5)), g.weight('fc2.bias', (1, 5), 0.1)], 'fc2', outputs=['scores'])
    return g.model(11, [helper.make_tensor_value_info('input', TensorProto.FLOAT, [1, 1, 8, 8])],
                   [helper.make_tensor_value_info('scores', TensorProto.FLOAT, [1, 5])])


def columns_chain():
    g = Graph(2031)
    x = g.node('Conv', ['input', g.weight('conv.weight', (2, 1, 3, 3)), g.weight('conv.bias', (2,), 0.1)], 'conv',
               kernel_shape=[3, 3], strides=[2, 2])  # [N, 2, 3, 3]
    x = g.node('Relu', [x], 'relu')
    x = g.node('Flatten', [x], 'flatten', axis=1)  # [N, 18]
    x = g.node('Transpose', [x], 'to_columns', perm=[1, 0])  # [18, N]
    h1 = g.node('Gemm', [g.weight('fc1.weight', (16, 18)), x, g.weight('fc1.bias', (16, 1), 0.1)], 'fc1')  # [16, N]
    x = g.node('Add', [h1, g.weight('shift.value', (16, 1), 0.1)], 'shift')
    x = g.node('Mul', [x, g.constant('scale.value', 1.5)], 'scale')
    x = g.node('Sub', [g.weight('offset.value', (16, 1), 0.1), x], 'offset')  # constant first: offset - x
    x = g.node('PRelu', [x, g.constant('prelu.slope', g.random.uniform(0, 0.3, (16, 1)))], 'prelu')
    x = g.node('Clip', [x, g.constant('clip.min', -1.0), g.constant('clip.max', 6.0)], 'clip')
    x = g.node('Add', [x, h1], 'residual')  # two activations, both one sample per column
    x = g.node('MatMul', [g.weight('fc2.weight', (10, 16)), x], 'fc2')  # [10, N]
    x = g.node('Div', [x, g.weight('fc2.scale', (10, 1), 0.1)], 'fc2_scale')
    x = g.node('LeakyRelu', [x], 'leaky', alpha=0.05)
    # A = x stored (K, M) = (10, N): transA=1 gives one sample per row again
    g.node('Gemm', [x, g.weight('fc3.weight', (10, 5)), g.weight('fc3.bias', (5,), 0.1)], 'fc3', outputs=['scores'],
           transA=1)
    return g.model(13, [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', 1, 7, 7])],
                   [helper.make_tensor_value_info('scores', TensorProto.FLOAT, ['N', 5])])


def columns_input():
    g = Graph(2032)
    x = g.node('Gemm', ['features', g.weight('fc1.weight', (64, 16), 0.2), g.weight('fc1.bias', (16,), 0.1)], 'fc1',
               transA=1)  # [N, 16]
    x = g.node('Relu', [x], 'relu1')
    x = g.node('Transpose', [x], 'to_columns')  # default perm reverses: [16, N]
    x = g.node('MatMul', [g.weight('fc2.weight', (12, 16)), x], 'fc2')  # [12, N]
    x = g.node('Relu', [x], 'relu2')
    # A = W stored (K, M) = (12, 5), transA=1: op(A) = [5, 12]; B = x [12, N]: output [5, N]
    g.node('Gemm', [g.weight('fc3.weight', (12, 5)), x, g.weight('fc3.bias', (5, 1), 0.1)], 'fc3', outputs=['scores'],
           transA=1)
    return g.model(13, [helper.make_tensor_value_info('features', TensorProto.FLOAT, [64, 'N'])],
                   [helper.make_tensor_value_info('scores', TensorProto.FLOAT, [5, 'N'])])


def columns_vector():
    g = Graph(2033)
    x = g.node('Unsqueeze', ['image', g.constant('axis1', [1], np.int64)], 'to_column')  # [64, 1]
    h1 = g.node('Gemm', [g.weight('fc1.weight', (16, 64), 0.2), x, g.weight('fc1.bias', (16, 1), 0.1)], 'fc1')
    h1 = g.node('Relu', [h1], 'relu1')
    h2 = g.node('Gemm', [g.weight('fc2.weight', (16, 16)), h1, g.constant('fc2.bias', 0.05)], 'fc2', beta=2.0)
    h2 = g.node('Relu', [h2], 'relu2')
    x = g.node('Add', [h1, h2], 'residual')
    x = g.node('MatMul', [g.weight('fc3.weight', (5, 16)), x], 'fc3')  # [5, 1]
    g.node('Squeeze', [x, g.constant('axis1_out', [1], np.int64)], 'squeeze', outputs=['scores'])
    return g.model(13, [helper.make_tensor_value_info('image', TensorProto.FLOAT, [64])],
                   [helper.make_tensor_value_info('scores', TensorProto.FLOAT, [5])])


def vector_matmul():
    g = Graph(2034)
    x = g.node('MatMul', [g.weight('fc1.weight', (16, 64), 0.2), 'image'], 'fc1')  # [16]
    x = g.node('Add', [x, g.weight('fc1.bias', (16,), 0.1)], 'fc1_bias')
    x = g.node('Relu', [x], 'relu1')
    g.node('MatMul', [x, g.weight('fc2.weight', (16, 5))], 'fc2', outputs=['scores'])  # [5]
    return g.model(13, [helper.make_tensor_value_info('image', TensorProto.FLOAT, [64])],
                   [helper.make_tensor_value_info('scores', TensorProto.FLOAT, [5])])


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2030)
    net = ColumnsNet().eval()
    example = torch.rand(2, 1, 8, 8)
    for opset, name in ((13, 'columns_torch'), (9, 'columns_torch9')):
        path = os.path.join(out, name + '.onnx')
        torch.onnx.export(net, example, path, opset_version=opset, input_names=['input'], output_names=['scores'],
                          dynamic_axes={'input': {0: 'batch'}, 'scores': {0: 'batch'}})
        onnx.checker.check_model(onnx.load(path), full_check=True)
        print('wrote', path)
    models = {'columns_reshape': columns_reshape(), 'columns_chain': columns_chain(), 'columns_input': columns_input(),
              'columns_vector': columns_vector(), 'vector_matmul': vector_matmul()}
    for name, model in models.items():
        onnx.checker.check_model(model, full_check=True)
        path = os.path.join(out, name + '.onnx')
        onnx.save(model, path)
        print('wrote', path)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'onnx/src/test/resources/columns')
