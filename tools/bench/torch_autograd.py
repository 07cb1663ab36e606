#!/usr/bin/python3
"""PyTorch autograd as an etalon peer, for `./etalon bench --peers`.

Rebuilds the ONNX LeNet in PyTorch (as tools/golden/make_golden.py does), computes the etalons of all outputs of
the first images by autograd (each image repeated once per class, one forward and one backward pass), checks them
against Etalon's (an .npy file of shape [n, classes, 1, 28, 28]) and times batches. Prints one JSON object per line.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'golden'))
from make_golden import build, read_images  # noqa: E402


def etalons(net, images):
    batch, classes = images.shape[0], 10
    x = torch.from_numpy(images).repeat_interleave(classes, dim=0).requires_grad_(True)
    one_hot = torch.eye(classes).repeat(batch, 1)
    (net(x) * one_hot).sum().backward()
    return x.grad.view(batch, classes, *images.shape[1:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--model', required=True)
    parser.add_argument('--images', required=True)
    parser.add_argument('--ours', required=True, help="Etalon's etalons of the first images, .npy")
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--seconds', type=float, default=5)
    parser.add_argument('--batches', default='1,16,64,256')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    net = build(args.model)
    images = read_images(args.images, 256)
    ours = np.load(args.ours)
    theirs = etalons(net, images[:ours.shape[0]]).numpy()
    scale = np.abs(theirs).reshape(ours.shape[0], ours.shape[1], -1).max(axis=2)[..., None]
    difference = np.abs(ours - theirs).reshape(ours.shape[0], ours.shape[1], -1) / np.maximum(scale, 1e-30)
    print(json.dumps({'engine': 'pytorch-python', 'version': torch.__version__,
                      'maxRelativeDifference': float(difference.max())}), flush=True)
    for batch in [int(b) for b in args.batches.split(',')]:
        chunk = images[:batch]
        warm_end = time.perf_counter() + min(2.0, args.seconds / 2)
        while time.perf_counter() < warm_end:
            etalons(net, chunk)
        runs, start = 0, time.perf_counter()
        while time.perf_counter() - start < args.seconds or runs < 3:
            etalons(net, chunk)
            runs += 1
        rate = runs * batch / (time.perf_counter() - start)
        print(json.dumps({'engine': 'pytorch-python', 'batch': batch, 'imagesPerSecond': rate}), flush=True)


if __name__ == '__main__':
    with torch.no_grad():
        torch.set_grad_enabled(True)
        main()
