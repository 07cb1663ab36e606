#!/usr/bin/python3
"""ONNX test models exported by PyTorch, for Etalon's importer tests.

Writes, under the output folder, small CNNs exported with torch.onnx.export (opset 13) and, for each, the scores
PyTorch computes for a fixed batch of inputs (inputs.npy, <name>.scores.npy):
  cnn_view.onnx     conv/relu/maxpool, flattened with x.view(n, -1) (exported as Reshape of a computed shape)
  cnn_flatten.onnx  the same with torch.flatten and a trailing softmax (which Etalon drops)
  cnn_sigmoid.onnx  a sigmoid inside the graph (which Etalon refuses)
  resnet_bn.onnx    batch norm, LeakyReLU, a residual block, average pooling, global average pooling, a trailing
                    log-softmax and input normalisation, as in small ResNets
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


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'onnx/src/test/resources/pytorch')
