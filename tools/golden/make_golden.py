#!/usr/bin/python3
"""Golden etalons made by PyTorch autograd, for Etalon's tests.

Reads an ONNX model saved by Etalon (Conv, Relu, MaxPool, Flatten, Gemm), rebuilds it as a torch.nn.Sequential
with the same weights, and for the first N held-out MNIST test images computes the gradient of each output score
with respect to the input: inside the input's linear region that gradient is the etalon image W_p. PyTorch's
max-pool backward sends the gradient to the first maximum of each window in row-major order, so these files pin
the tie rule, which the exactness invariant alone cannot check.

Usage (from the repository root):
    /usr/bin/python3 tools/golden/make_golden.py models/lenet-mnist.onnx data/mnist/test-images-idx3-ubyte.gz \
        onnx/src/test/resources/golden --count 20
Needs Debian's python3-torch, python3-onnx and python3-numpy.
"""
import argparse
import gzip
import os
import struct

import numpy as np
import onnx
import torch
from onnx import numpy_helper


def attributes(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def build(model_path):
    model = onnx.load(model_path)
    onnx.checker.check_model(model)
    weights = {t.name: numpy_helper.to_array(t).copy() for t in model.graph.initializer}
    layers = []
    for node in model.graph.node:
        attrs = attributes(node)
        if node.op_type == 'Conv':
            w = torch.from_numpy(weights[node.input[1]])
            b = torch.from_numpy(weights[node.input[2]]) if len(node.input) > 2 else None
            top, left, bottom, right = attrs.get('pads', [0, 0, 0, 0])
            assert top == bottom and left == right, 'symmetric pads only'
            conv = torch.nn.Conv2d(w.shape[1], w.shape[0], tuple(w.shape[2:]), stride=tuple(attrs.get('strides', [1, 1])),
                                   padding=(top, left), dilation=tuple(attrs.get('dilations', [1, 1])), bias=b is not None)
            conv.weight.data.copy_(w)
            if b is not None:
                conv.bias.data.copy_(b)
            layers.append(conv)
        elif node.op_type == 'Relu':
            layers.append(torch.nn.ReLU())
        elif node.op_type == 'MaxPool':
            top, left, bottom, right = attrs.get('pads', [0, 0, 0, 0])
            layers.append(torch.nn.MaxPool2d(tuple(attrs['kernel_shape']), stride=tuple(attrs.get('strides', [1, 1])),
                                             padding=(top, left)))
        elif node.op_type == 'Flatten':
            layers.append(torch.nn.Flatten())
        elif node.op_type == 'Gemm':
            w = weights[node.input[1]]
            if not attrs.get('transB', 0):
                w = w.T
            linear = torch.nn.Linear(w.shape[1], w.shape[0])
            linear.weight.data.copy_(torch.from_numpy(np.ascontiguousarray(w)) * attrs.get('alpha', 1.0))
            linear.bias.data.copy_(torch.from_numpy(weights[node.input[2]]) * attrs.get('beta', 1.0))
            layers.append(linear)
        else:
            raise SystemExit(f'{model_path}: op {node.op_type} is not handled by this script')
    return torch.nn.Sequential(*layers).eval()


def read_images(path, count):
    with gzip.open(path, 'rb') as f:
        magic, n, rows, cols = struct.unpack('>IIII', f.read(16))
        assert magic == 0x803, f'{path}: not an IDX image file'
        data = np.frombuffer(f.read(count * rows * cols), dtype=np.uint8)
    return (data.astype(np.float32) / np.float32(255)).reshape(count, 1, rows, cols)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('model')
    parser.add_argument('images')
    parser.add_argument('out')
    parser.add_argument('--count', type=int, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    net = build(args.model)
    images = read_images(args.images, args.count)
    x = torch.from_numpy(images).requires_grad_(True)
    scores = net(x)
    classes = scores.shape[1]
    etalons = np.zeros((args.count, classes) + images.shape[1:], dtype=np.float32)
    for c in range(classes):
        grad, = torch.autograd.grad(scores[:, c].sum(), x, retain_graph=True)
        etalons[:, c] = grad.numpy()
    scores = scores.detach().numpy().astype(np.float32)
    os.makedirs(args.out, exist_ok=True)
    np.save(os.path.join(args.out, 'etalons.npy'), etalons)
    np.save(os.path.join(args.out, 'scores.npy'), scores)
    np.save(os.path.join(args.out, 'indices.npy'), np.arange(args.count, dtype=np.int64))
    linear = np.einsum('nchw,nkchw->nk', images.astype(np.float64), etalons.astype(np.float64))
    print(f'{args.count} images x {classes} outputs; max |etalon| {np.abs(etalons).max():.4g}; '
          f'bias range {np.min(scores - linear):.4g}..{np.max(scores - linear):.4g}; torch {torch.__version__}')


if __name__ == '__main__':
    main()
