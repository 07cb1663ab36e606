#!/usr/bin/python3
"""What PyTorch says of the shipped photos with the shipped SqueezeNet 1.1, for the command line's photo test.

torchvision's squeezenet1_1 is loaded with the weights of models/squeezenet1_1.onnx (same names), each photo goes
through the ImageNet pipeline (convert('RGB'), Resize(256), CenterCrop(224), ToTensor, Normalize), and the 5 best
classes with their scores (logits) are written to cli/src/test/resources/io/etalon/cli/squeezenet-top5.csv.
Run from the repository root with Debian's python3-torch, python3-torchvision, python3-onnx and python3-pil:
    /usr/bin/python3 tools/photos/squeezenet_scores.py
"""
import csv

import onnx
import torch
import torchvision
import torchvision.transforms as T
from onnx import numpy_helper
from PIL import Image

model = onnx.load("models/squeezenet1_1.onnx")
weights = {tensor.name: torch.from_numpy(numpy_helper.to_array(tensor).copy()) for tensor in model.graph.initializer}
net = torchvision.models.squeezenet1_1()
net.load_state_dict({name: weights[name] for name in net.state_dict()})
net.eval()
classes = open("models/imagenet_classes.txt").read().splitlines()
pipeline = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(),
                      T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
with open("cli/src/test/resources/io/etalon/cli/squeezenet-top5.csv", "w", newline="") as out:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["photo", "rank", "class", "name", "score"])
    for photo in ["chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"]:
        with Image.open("data/photos/" + photo) as image:
            x = pipeline(image.convert("RGB")).unsqueeze(0)
        with torch.no_grad():
            scores = net(x)[0]
        best = torch.topk(scores, 5)
        for rank, (score, index) in enumerate(zip(best.values.tolist(), best.indices.tolist()), start=1):
            writer.writerow([photo, rank, index, classes[index], f"{score:.6f}"])
