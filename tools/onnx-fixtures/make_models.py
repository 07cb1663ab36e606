#!/usr/bin/python3
"""ONNX test models exported by PyTorch, for Etalon's importer tests.

Writes, under the output folder, small CNNs exported with torch.onnx.export (opset 13) and, for each, the scores
PyTorch computes for a fixed batch of inputs (inputs.npy, <name>.scores.npy):
  cnn_view.onnx     conv/relu/maxpool, flattened with x.view(n, -1) (exported as Reshape of a computed shape)
  cnn_flatten.onnx  the same with torch.flatten and a trailing softmax (which Etalon drops)
  cnn_sigmoid.onnx  a sigmoid inside the graph (which Etalon refuses)
  resnet_bn.onnx    batch norm, LeakyReLU, a residual block, average pooling, global average pooling, a trailing
                    log-softmax and input normalisation, as in small ResNets
and, each with its own inputs (<name>.inputs.npy) and scores:
  grouped_ceil.onnx  grouped and depthwise convolutions, max and average pooling with ceil_mode=True (including a
                     last window that would start in the padding, which PyTorch drops, and count_include_pad)
  nobatch_cnn.onnx   a model called on one [1, 28, 28] image: it adds the batch axis itself (x.unsqueeze(0)) and
                     returns [10] scores (.squeeze(0)); exported with an input that has no batch dimension
  upsampling.onnx    transposed convolutions, as decoders and segmentation heads use them: one with stride 2, padding
                     and output_padding, one grouped and dilated; then nearest upsampling by 2 and a bilinear resize
                     to 17x17 (two Resizes, the second with sizes)
  global_pools.onnx  the global poolings PyTorch writes: GlobalMaxPool, ReduceMean and ReduceMax over axes [2, 3]
  shuffle_dense.onnx the idioms of torchvision's ShuffleNet-V2 and DenseNet: x.chunk(2, dim=1) (two Slices whose bounds
                     are computed from the shape: Shape, Gather, Add, Div, Mul), a channel shuffle (view, transpose,
                     view) and torch.cat of a single tensor (a Concat of one input)
  nobatch_pool.onnx  a model that pools one unbatched image itself: PyTorch 1.13 writes a MaxPool on a [C, H, W]
                     tensor, which ONNX does not define (its checker refuses it) and Etalon refuses with the fix
Usage (from the repository root):
    /usr/bin/python3 tools/onnx-fixtures/make_models.py onnx/src/test/resources/pytorch
"""
import os
import sys

import numpy as np
import torch


class Cnn(torch.nn.Module):
    def __init__(self, flatten='view', head=None, act=torch.nn.ReLU):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(4, 8, 3, stride=2)
        self.fc1 = torch.nn.Linear(8 * 3 * 3, 16)
        self.fc2 = torch.nn.Linear(16, 5)
        self.act = act()
        self.flatten, self.head = flatten, head

    def forward(self, x):
        x = torch.nn.functional.max_pool2d(self.act(self.conv1(x)), 2)
        x = torch.relu(self.conv2(x))
        x = x.view(x.size(0), -1) if self.flatten == 'view' else torch.flatten(x, 1)
        x = self.fc2(torch.relu(self.fc1(x)))
        return torch.softmax(x, dim=1) if self.head == 'softmax' else x


class ResNetBn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(1, 6, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(6)
        self.conv_a = torch.nn.Conv2d(6, 6, 3, padding=1)
        self.bn_a = torch.nn.BatchNorm2d(6)
        self.conv_b = torch.nn.Conv2d(6, 6, 3, padding=1)
        self.fc = torch.nn.Linear(6, 5)

    def forward(self, x):
        x = (x - 0.1307) / 0.3081
        x = torch.nn.functional.leaky_relu(self.bn1(self.stem(x)), 0.1)
        x = torch.nn.functional.avg_pool2d(x, 2)
        y = torch.relu(self.bn_a(self.conv_a(x)))
        x = torch.relu(x + self.conv_b(y))
        x = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return torch.log_softmax(self.fc(x), dim=1)


class GroupedCeil(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 6, 3, padding=1)
        self.depthwise = torch.nn.Conv2d(6, 6, 3, padding=1, groups=6)
        self.grouped = torch.nn.Conv2d(6, 4, 3, groups=2, bias=False)
        self.fc = torch.nn.Linear(4 * 2 * 2, 5)

    def forward(self, x):  # 3x13x13
        x = torch.relu(self.conv1(x))
        x = torch.nn.functional.max_pool2d(x, 2, stride=2, padding=1, ceil_mode=True)  # 13 -> 7, a window dropped
        x = torch.relu(self.depthwise(x))
        x = torch.nn.functional.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=True)  # 7 -> 4
        x = torch.relu(self.grouped(x))  # 4 -> 2
        return self.fc(torch.flatten(x, 1))


class NoBatchCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 4, 5, padding=2)
        self.conv2 = torch.nn.Conv2d(4, 8, 3, groups=4)
        self.fc1 = torch.nn.Linear(8 * 6 * 6, 16)
        self.fc2 = torch.nn.Linear(16, 10)

    def forward(self, x):  # 1x28x28, no batch dimension
        x = x.unsqueeze(0)
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv1(x)), 2)
        x = torch.nn.functional.max_pool2d(torch.relu(self.conv2(x)), 2, ceil_mode=True)
        x = self.fc2(torch.relu(self.fc1(torch.flatten(x, 1))))
        return x.squeeze(0)


class NoBatchPool(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)

    def forward(self, x):  # 1x28x28: conv2d and max_pool2d accept an image without batch dimension
        return torch.flatten(torch.nn.functional.max_pool2d(torch.relu(self.conv(x)), 2), 0)


class Upsampling(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.down = torch.nn.Conv2d(1, 4, 3, stride=2, padding=1)
        self.up = torch.nn.ConvTranspose2d(4, 4, 3, stride=2, padding=1, output_padding=1)
        self.up_grouped = torch.nn.ConvTranspose2d(4, 2, 2, groups=2, dilation=2)
        self.fc = torch.nn.Linear(2 * 17 * 17, 4)

    def forward(self, x):  # 1x12x12
        x = torch.relu(self.down(x))  # 12 -> 6
        x = torch.relu(self.up(x))  # 6 -> 12
        x = torch.nn.functional.max_pool2d(torch.relu(self.up_grouped(x)), 2)  # 12 -> 14 -> 7
        x = torch.nn.functional.interpolate(x, scale_factor=2, mode='nearest')  # 7 -> 14, exported as Resize
        x = torch.nn.functional.interpolate(x, size=(17, 17), mode='bilinear', align_corners=False)  # 14 -> 17
        return self.fc(torch.flatten(x, 1))


class GlobalPools(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.fc = torch.nn.Linear(3 * 4, 3)

    def forward(self, x):  # 2x9x9
        x = torch.relu(self.conv(x))
        highest = torch.flatten(torch.nn.functional.adaptive_max_pool2d(x, 1), 1)  # GlobalMaxPool
        mean = x.mean(dim=(2, 3))  # ReduceMean over axes [2, 3], keepdims 0
        peak = torch.flatten(x.amax(dim=(2, 3), keepdim=True), 1)  # ReduceMax over axes [2, 3], keepdims 1
        return self.fc(torch.cat([highest, mean, peak], 1))


class ShuffleDense(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.branch = torch.nn.Conv2d(4, 4, 3, padding=1, groups=4)
        self.dense = torch.nn.Conv2d(8, 4, 1)
        self.fc = torch.nn.Linear(12, 3)

    def forward(self, x):  # 3x8x8
        x = torch.relu(self.stem(x))
        kept, changed = x.chunk(2, dim=1)  # ShuffleNet-V2's split, bounds computed from x.shape
        x = torch.cat([kept, torch.relu(self.branch(changed))], 1)
        n, c, h, w = x.shape
        x = x.view(n, 2, c // 2, h, w).transpose(1, 2).contiguous().view(n, c, h, w)  # channel shuffle
        features = torch.cat([x], 1)  # DenseNet's first layer of a block joins a list of one
        x = torch.cat([features, torch.relu(self.dense(features))], 1)
        return self.fc(torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1))


def export_shuffle_dense(out):
    torch.manual_seed(2026)
    images = torch.rand(3, 3, 8, 8)
    images[:, :, :2, :] = 0
    export_own_inputs(out, 'shuffle_dense', ShuffleDense(), images, images[:1])


def export_own_inputs(out, name, model, inputs, example):
    """Exports a model with a fixed input shape and writes its inputs and PyTorch's scores for each."""
    model.eval()
    path = os.path.join(out, name + '.onnx')
    torch.onnx.export(model, example, path, opset_version=13, input_names=['input'], output_names=['scores'])
    np.save(os.path.join(out, name + '.inputs.npy'), inputs.numpy())
    with torch.no_grad():
        scores = torch.stack([model(image.reshape(example.shape)).reshape(-1) for image in inputs])
    np.save(os.path.join(out, name + '.scores.npy'), scores.numpy())
    print('wrote', path)


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2018)
    inputs = torch.rand(4, 1, 14, 14)
    inputs[:, :, :3, :] = 0  # exact zeros, as in MNIST backgrounds
    np.save(os.path.join(out, 'inputs.npy'), inputs.numpy())
    models = {'cnn_view': Cnn('view'), 'cnn_flatten': Cnn('flatten', 'softmax'),
              'cnn_sigmoid': Cnn('view', act=torch.nn.Sigmoid), 'resnet_bn': ResNetBn()}
    for name, model in models.items():
        if name == 'resnet_bn':  # give batch norm non-trivial statistics before freezing it
            model.train()
            with torch.no_grad():
                model(torch.rand(64, 1, 14, 14))
        model.eval()
        path = os.path.join(out, name + '.onnx')
        torch.onnx.export(model, inputs[:1], path, opset_version=13, input_names=['input'], output_names=['scores'],
                          dynamic_axes={'input': {0: 'batch'}, 'scores': {0: 'batch'}})
        with torch.no_grad():
            scores = model(inputs)
            if name == 'cnn_flatten':
                scores = torch.log(scores)  # before the softmax, up to a per-row constant; see the test
        np.save(os.path.join(out, name + '.scores.npy'), scores.numpy())
        print('wrote', path)
    images = torch.rand(3, 3, 13, 13)
    images[:, :, :4, :] = 0
    export_own_inputs(out, 'grouped_ceil', GroupedCeil(), images, images[:1])
    digits = torch.rand(3, 1, 28, 28)
    digits[:, :, :6, :] = 0
    export_own_inputs(out, 'nobatch_cnn', NoBatchCnn(), digits, digits[0])
    torch.onnx.export(NoBatchPool().eval(), digits[0], os.path.join(out, 'nobatch_pool.onnx'), opset_version=13,
                      input_names=['input'], output_names=['features'])
    small = torch.rand(3, 1, 12, 12)
    small[:, :, :3, :] = 0
    export_own_inputs(out, 'upsampling', Upsampling(), small, small[:1])
    pairs = torch.rand(3, 2, 9, 9)
    pairs[:, :, :2, :] = 0
    export_own_inputs(out, 'global_pools', GlobalPools(), pairs, pairs[:1])
    export_shuffle_dense(out)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'onnx/src/test/resources/pytorch')
