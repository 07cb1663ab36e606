#!/usr/bin/python3
"""A PyTorch model with branches and per-channel arithmetic, exported for Etalon's importer tests.

  branches.onnx          torch.onnx.export at opset 13 of a small CNN for [N, 3, 16, 16] images: per-channel input
      normalisation ((x - mean) / std with [1, 3, 1, 1] constants: Sub, Div), a Conv without bias followed by the
      Add of a [8, 1, 1] bias and the Mul of a [8, 1, 1] gain, PReLU with one slope per channel, two branches (a 1x1
      and a dilated 3x3 Conv) joined by torch.cat along channels (Concat), ReLU6 (Clip with min and max as inputs), a
      dilated MaxPool with padding, global average pooling, and two Linear layers with no ReLU between them.
  branches_external.onnx the same model exported at opset 11 and saved with every weight in the external-data file
      branches_external.weights beside it, as onnx.save_model writes large models.

The tests compare Etalon with ONNX Runtime on random images and check that the etalons are exact with every solver.
Usage (from the repository root):
    /usr/bin/python3 tools/onnx-fixtures/make_branch_models.py onnx/src/test/resources/pytorch
"""
import os
import sys

import onnx
import torch


class Branches(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('mean', torch.tensor([0.485, 0.456, 0.406]).reshape(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor([0.229, 0.224, 0.225]).reshape(1, 3, 1, 1))
        self.stem = torch.nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.stem_bias = torch.nn.Parameter(torch.randn(8, 1, 1) * 0.1)
        self.gain = torch.nn.Parameter(torch.rand(8, 1, 1) + 0.5)
        self.prelu = torch.nn.PReLU(8)
        self.branch_a = torch.nn.Conv2d(8, 4, 1)
        self.branch_b = torch.nn.Conv2d(8, 4, 3, padding=2, dilation=2)
        self.fc1 = torch.nn.Linear(8, 12)
        self.fc2 = torch.nn.Linear(12, 5)
        with torch.no_grad():
            self.prelu.weight.uniform_(0.0, 0.3)

    def forward(self, x):
        x = (x - self.mean) / self.std
        x = (self.stem(x) + self.stem_bias) * self.gain
        x = self.prelu(x)
        x = torch.cat([self.branch_a(x), self.branch_b(x)], 1)
        x = torch.nn.functional.relu6(x)
        x = torch.nn.functional.max_pool2d(x, 3, stride=2, padding=1, dilation=2)  # 16 -> 7
        x = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(x, 1), 1)
        return self.fc2(self.fc1(x))


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(2040)
    model = Branches().eval()
    example = torch.rand(1, 3, 16, 16)
    axes = {'input': {0: 'batch'}, 'scores': {0: 'batch'}}
    path = os.path.join(out, 'branches.onnx')
    torch.onnx.export(model, example, path, opset_version=13, input_names=['input'], output_names=['scores'],
                      dynamic_axes=axes)
    onnx.checker.check_model(onnx.load(path), full_check=True)
    print('wrote', path)
    path = os.path.join(out, 'branches_external.onnx')
    torch.onnx.export(model, example, path, opset_version=11, input_names=['input'], output_names=['scores'],
                      dynamic_axes=axes)
    exported = onnx.load(path)
    onnx.save_model(exported, path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location='branches_external.weights', size_threshold=0)
    onnx.checker.check_model(path)
    print('wrote', path)


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'onnx/src/test/resources/pytorch')
