#!/usr/bin/python3
"""Makes the ImageNet-size workloads of `./etalon bench --peers`, with Debian's python3-torch and python3-torchvision.

Writes into OUT (default bench/generated/, git-ignored; about 100 MB, so not committed):

* squeezenet1_1.pt: TorchScript of torchvision's SqueezeNet 1.1 carrying the weights of the shipped
  models/squeezenet1_1.onnx (the initializers are named as torchvision names its parameters), so PyTorch and Etalon
  run the same network;
* resnet18.onnx and resnet18.pt: torchvision's ResNet-18 architecture with seeded random weights (torch.manual_seed(0);
  batch-norm statistics random too, so folding them is not trivial), exported by torch.onnx (opset 13, batch axis
  dynamic) and as TorchScript; random weights cost the same as trained ones;
* mobilenet_v2.onnx and mobilenet_v2.pt: torchvision's MobileNet-V2 (depthwise layers, ReLU6) the same way;
* photos.npy: the shipped photos (data/photos), resized to 256 on the shorter side, centre-cropped to 224 and
  normalised with ImageNet's mean and standard deviation, float32 [N, 3, 224, 224]: the input every engine gets.

Usage: /usr/bin/python3 tools/bench/export_imagenet.py [--out bench/generated]
"""
import argparse
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torchvision
from PIL import Image
from torchvision import transforms


def squeezenet(root):
    model = torchvision.models.squeezenet1_1()
    shipped = onnx.load(os.path.join(root, "models/squeezenet1_1.onnx"))
    weights = {t.name: torch.from_numpy(onnx.numpy_helper.to_array(t).copy()) for t in shipped.graph.initializer}
    state = model.state_dict()
    missing = [name for name in state if name not in weights]
    if missing:
        sys.exit("models/squeezenet1_1.onnx lacks torchvision's parameters " + ", ".join(missing[:5]))
    model.load_state_dict({name: weights[name] for name in state})
    return model.eval()


def resnet18():
    return with_random_batch_norm(torchvision.models.resnet18, 0)


def mobilenet_v2():
    return with_random_batch_norm(torchvision.models.mobilenet_v2, 1)


def with_random_batch_norm(architecture, seed):
    """The architecture with weights drawn from the seed, and batch-norm statistics and affine terms random too."""
    torch.manual_seed(seed)
    model = architecture()
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_(-0.1, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.1, 0.1)
    return model.eval()


def photos(root):
    preprocess = transforms.Compose([
        transforms.Resize(256),
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])
    folder = os.path.join(root, "data/photos")
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith((".png", ".jpg", ".jpeg")))
    return torch.stack([preprocess(Image.open(os.path.join(folder, n)).convert("RGB")) for n in names])


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(root, "bench/generated"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    example = torch.zeros(1, 3, 224, 224)
    with torch.no_grad():
        torch.jit.trace(squeezenet(root), example).save(os.path.join(args.out, "squeezenet1_1.pt"))
        for name, model in (("resnet18", resnet18()), ("mobilenet_v2", mobilenet_v2())):
            torch.jit.trace(model, example).save(os.path.join(args.out, name + ".pt"))
            torch.onnx.export(model, example, os.path.join(args.out, name + ".onnx"), opset_version=13,
                              input_names=["input"], output_names=["output"],
                              dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})
    np.save(os.path.join(args.out, "photos.npy"), photos(root).numpy().astype(np.float32))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
