#!/usr/bin/python3
"""Golden etalons of colour photos made by PyTorch autograd, for Etalon's tests.

Three models, each with its own folder under the output folder:
  squeezenet  the shipped models/squeezenet1_1.onnx, its weights loaded into torchvision's squeezenet1_1(), on
              three shipped photos preprocessed the torchvision way (Resize(256), CenterCrop(224), ToTensor), with
              the ImageNet normalisation as the model's first step so that the gradient is taken with respect to the
              0..1 pixels X the network sees
  resnet      a CIFAR-style residual network with BatchNorm (seeded random weights and running statistics, eval
              mode): 3x32x32 input, basic blocks with residual Add, one strided block with a 1x1 projection, global
              average pooling, linear 10; exported here by torch.onnx.export (resnet.onnx)
  mobilenet   a MobileNet-style network: inverted residual blocks (1x1 expansion, depthwise 3x3, ReLU6 exported as
              Clip, 1x1 projection, residual Add), global average pooling, linear 10 (mobilenet.onnx)
The two small models see the shipped photos resized to 32x32 by PIL (Resize(32), CenterCrop(32), ToTensor).

For every photo the top 3 classes' input gradients are the etalons W_p (inside X's linear region the gradient is
W_p); the bias is b_p = score - <W_p, X>. Files per model folder:
  pixels.npy     uint8 [photos, 3, H, W]: the pixels of the resized crop; X is them divided by 255 in float32, as
                 ToTensor computes it
  etalons.npy    float32 [photos, 3, 3, H, W]: W_p of the top 3 classes
  scores.npy     float32 [photos, 3]: their scores;  classes.npy  int64 [photos, 3]: their class indices
  patterns.tsv   per photo and switching layer (ONNX node name), the SHA-256 of PyTorch's switch states in Etalon's
                 encoding (int32 little-endian; ReLU 1 iff z > 0; max-pool the winner's flat index c*H*W + h*W + w
                 in the pool's input, first maximum on ties; Clip 0 below, 1 inside or at a bound, 2 above)
  neartie.tsv    per photo, PyTorch's near-tied units: a ReLU or Clip input within THRESHOLD x the layer's largest
                 |input| of a bound, or a max-pool window whose best two values differ by no more than that, but not
                 exactly (exact ties are decided by the first-maximum rule in every engine that follows it);
                 layer, unit (flat output index), PyTorch's state there, margin, layer scale
A pattern that differs from PyTorch's only at such units is a near-tie broken the other way, not a bug; the tests
check that.

Usage (from the repository root):
    /usr/bin/python3 tools/golden/make_golden_photos.py onnx/src/test/resources/golden-photos
Needs Debian's python3-torch, python3-torchvision, python3-onnx, python3-numpy and python3-pil.
"""
import hashlib
import os
import sys

import numpy as np
import onnx
import torch
import torchvision
from onnx import numpy_helper
from PIL import Image
from torch.nn.modules.utils import _pair
from torchvision import transforms

PHOTOS = ['chelsea.png', 'coffee.png', 'rocket.jpg']
SMALL_PHOTOS = ['chelsea.png', 'coffee.png', 'rocket.jpg', 'astronaut.png']
TOP = 3
# near-tie threshold, relative to the layer's largest |input| for that photo: float32 engines disagree on decisions
# whose deciding values differ by round-off, about 1e-7 of the values summed; this leaves a wide margin over it
THRESHOLD = 1e-5
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


class Normalise(torch.nn.Module):
    """(x - mean) / std per channel, as the model's first step."""

    def __init__(self, mean, std):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1))
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1))

    def forward(self, x):
        return (x - self.mean) / self.std


class BasicBlock(torch.nn.Module):
    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(inputs, outputs, 3, stride=stride, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(outputs)
        self.relu1 = torch.nn.ReLU()
        self.conv2 = torch.nn.Conv2d(outputs, outputs, 3, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(outputs)
        self.relu2 = torch.nn.ReLU()
        self.projection = None
        if stride != 1 or inputs != outputs:
            self.projection = torch.nn.Sequential(torch.nn.Conv2d(inputs, outputs, 1, stride=stride, bias=False),
                                                  torch.nn.BatchNorm2d(outputs))

    def forward(self, x):
        shortcut = x if self.projection is None else self.projection(x)
        return self.relu2(self.bn2(self.conv2(self.relu1(self.bn1(self.conv1(x))))) + shortcut)


class ResNet(torch.nn.Module):
    """CIFAR-style: stem, two basic blocks at 16 channels, one strided block to 32 with a 1x1 projection, one more."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, padding=1, bias=False), torch.nn.BatchNorm2d(16),
                                        torch.nn.ReLU())
        self.blocks = torch.nn.Sequential(BasicBlock(16, 16, 1), BasicBlock(16, 16, 1), BasicBlock(16, 32, 2),
                                          BasicBlock(32, 32, 1))
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(32, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))


class InvertedResidual(torch.nn.Module):
    def __init__(self, inputs, outputs, stride, expansion):
        super().__init__()
        hidden = inputs * expansion
        self.residual = stride == 1 and inputs == outputs
        self.block = torch.nn.Sequential(
            torch.nn.Conv2d(inputs, hidden, 1, bias=False), torch.nn.BatchNorm2d(hidden), torch.nn.ReLU6(),
            torch.nn.Conv2d(hidden, hidden, 3, stride=stride, padding=1, groups=hidden, bias=False),
            torch.nn.BatchNorm2d(hidden), torch.nn.ReLU6(),
            torch.nn.Conv2d(hidden, outputs, 1, bias=False), torch.nn.BatchNorm2d(outputs))

    def forward(self, x):
        return x + self.block(x) if self.residual else self.block(x)


class MobileNet(torch.nn.Module):
    """Stem 3x3 stride 2 with ReLU6, inverted residual blocks (two with a residual Add), pooling, linear 10."""

    def __init__(self):
        super().__init__()
        self.stem = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 3, stride=2, padding=1, bias=False),
                                        torch.nn.BatchNorm2d(16), torch.nn.ReLU6())
        self.blocks = torch.nn.Sequential(InvertedResidual(16, 16, 1, 4), InvertedResidual(16, 24, 2, 4),
                                          InvertedResidual(24, 24, 1, 4))
        self.pool = torch.nn.AdaptiveAvgPool2d(1)
        self.fc = torch.nn.Linear(24, 10)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))


def randomise(model, seed):
    """Seeded weights, and batch norms with non-trivial affine parameters and running statistics; eval mode."""
    torch.manual_seed(seed)
    for module in model.modules():
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            torch.nn.init.kaiming_normal_(module.weight, nonlinearity='relu')
            if module.bias is not None:
                torch.nn.init.uniform_(module.bias, -0.1, 0.1)
        elif isinstance(module, torch.nn.BatchNorm2d):
            with torch.no_grad():
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.2, 0.2)
                module.running_mean.uniform_(-0.3, 0.3)
                module.running_var.uniform_(0.5, 2.0)
    return model.eval()


def squeezenet(path):
    """torchvision's squeezenet1_1() with the weights of the shipped ONNX file (its initializers carry the names)."""
    model = onnx.load(path)
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    net = torchvision.models.squeezenet1_1()
    net.load_state_dict(weights, strict=True)
    for module in net.modules():
        if isinstance(module, torch.nn.ReLU):
            module.inplace = False  # the hooks below must see each pre-activation
    return net.eval()


def pixels(path, size, crop):
    """The torchvision way: PIL, RGB, Resize (shorter side, bilinear with antialiasing), CenterCrop, ToTensor."""
    image = Image.open(path).convert('RGB')
    x = transforms.Compose([transforms.Resize(size), transforms.CenterCrop(crop), transforms.ToTensor()])(image)
    assert torch.equal(x, torch.round(x * 255) / 255), 'ToTensor gives uint8 / 255 in float32'
    return x


class Recorder:
    """Forward hooks on every switching module, in call order: each records the module's input."""

    def __init__(self, net):
        self.calls = []
        for module in net.modules():
            if isinstance(module, (torch.nn.ReLU, torch.nn.ReLU6, torch.nn.MaxPool2d)):
                module.register_forward_pre_hook(self.hook)

    def hook(self, module, inputs):
        self.calls.append((module, inputs[0].detach()[0].clone()))


def switch_nodes(onnx_path):
    """ONNX node names of the switching ops (Relu, Clip, MaxPool), in graph order: Etalon's layer names."""
    return [(n.name, n.op_type) for n in onnx.load(onnx_path).graph.node if n.op_type in ('Relu', 'Clip', 'MaxPool')]


def states_and_ties(module, z):
    """Etalon's switch states of one layer for one sample's input z [C, H, W], and its near-tied units."""
    scale = float(z.abs().max())
    limit = THRESHOLD * scale
    ties = []
    if isinstance(module, torch.nn.MaxPool2d):
        # the function autograd uses: its indices are the winners backward routes to (first maximum of the window)
        out, index = torch.nn.functional.max_pool2d(z[None], module.kernel_size, module.stride, module.padding,
                                                    module.dilation, module.ceil_mode, return_indices=True)
        out, index = out[0], index[0]
        channels, height, width = z.shape
        winners = (index + torch.arange(channels).view(-1, 1, 1) * height * width).flatten()
        # runner-up: the largest other value of each window (windows overlap, so each is taken apart by unfold, with
        # -inf in the padding and past the edge that ceil mode reaches, and the flat input index of every tap beside it)
        kh, kw = _pair(module.kernel_size)
        sh, sw = _pair(module.stride if module.stride is not None else module.kernel_size)
        ph, pw = _pair(module.padding)
        dh, dw = _pair(module.dilation)
        oh, ow = out.shape[1:]
        # exactly as far as the last window reaches: more where ceil mode reaches past the edge, less (a crop) where
        # floor mode leaves a remainder, so that unfold makes exactly oh x ow windows
        extra_h = (oh - 1) * sh + (kh - 1) * dh + 1 - (height + 2 * ph)
        extra_w = (ow - 1) * sw + (kw - 1) * dw + 1 - (width + 2 * pw)
        padding = (pw, pw + extra_w, ph, ph + extra_h)
        values = torch.nn.functional.pad(z.double(), padding, value=-float('inf'))
        where = torch.nn.functional.pad(torch.arange(channels * height * width, dtype=torch.float64)
                                        .view(channels, height, width), padding, value=-1)
        taps = [torch.nn.functional.unfold(t[:, None], (kh, kw), (dh, dw), 0, (sh, sw)) for t in (values, where)]
        assert taps[0].shape[2] == oh * ow  # each [C, K, oh * ow]
        assert torch.equal(taps[0].max(dim=1).values.view(channels, oh, ow).float(), out)
        others = torch.where(taps[1] == winners.view(channels, 1, -1).double(), -float('inf'), taps[0])
        second = others.max(dim=1).values.view(channels, oh, ow).float()
        lead = (out - second).flatten()
        for unit in torch.nonzero((lead > 0) & (lead <= limit)).flatten().tolist():
            ties.append((unit, int(winners[unit]), float(lead[unit])))
        return winners.numpy().astype('<i4'), scale, ties
    flat = z.flatten()
    if isinstance(module, torch.nn.ReLU6):
        # at a bound exactly, ReLU6's backward passes no gradient while Etalon's Clip counts the bound as inside (as
        # torch.clamp's backward does): both are one-sided etalons of a face, so such a photo would not pin one rule
        assert not bool(((flat == 0) | (flat == 6)).any()), 'a ReLU6 input sits exactly on a bound; choose other inputs'
        states = torch.where(flat < 0, 0, torch.where(flat > 6, 2, 1))
        margin = torch.minimum(flat.abs(), (flat - 6).abs())
    else:
        states = (flat > 0).int()
        margin = flat.abs()
    for unit in torch.nonzero((margin > 0) & (margin <= limit)).flatten().tolist():
        ties.append((unit, int(states[unit]), float(margin[unit])))
    return states.numpy().astype('<i4'), scale, ties


def golden(out, name, net, onnx_path, photos):
    """Top-3 etalons of every photo by autograd, PyTorch's pattern digests and near-ties, saved under out/name."""
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    nodes = switch_nodes(onnx_path)
    recorder = Recorder(net)
    count = len(photos)
    size = photos[0].shape
    etalons = np.zeros((count, TOP) + tuple(size), dtype=np.float32)
    scores = np.zeros((count, TOP), dtype=np.float32)
    classes = np.zeros((count, TOP), dtype=np.int64)
    digests, near = [], []
    for n, photo in enumerate(photos):
        recorder.calls.clear()
        x = photo[None].clone().requires_grad_(True)
        logits = net(x)[0]
        assert len(recorder.calls) == len(nodes), f'{name}: {len(recorder.calls)} switching calls, {len(nodes)} nodes'
        top = torch.argsort(logits, descending=True)[:TOP]
        for k, c in enumerate(top.tolist()):
            grad, = torch.autograd.grad(logits[c], x, retain_graph=True)
            etalons[n, k] = grad[0].numpy()
            scores[n, k] = float(logits[c])
            classes[n, k] = c
        for (module, z), (layer, op) in zip(recorder.calls, nodes):
            expected = {'MaxPool': torch.nn.MaxPool2d, 'Clip': torch.nn.ReLU6, 'Relu': torch.nn.ReLU}[op]
            assert type(module) is expected, f'{layer} is {op} but the module is {type(module).__name__}'
            states, scale, ties = states_and_ties(module, z)
            digests.append(f'{n}\t{layer}\t{hashlib.sha256(states.tobytes()).hexdigest()}')
            near += [f'{n}\t{layer}\t{unit}\t{state}\t{margin:.9g}\t{scale:.9g}' for unit, state, margin in ties]
    x = np.stack([p.numpy() for p in photos]).astype(np.float32)
    np.save(os.path.join(folder, 'pixels.npy'), np.round(x * 255).astype(np.uint8))
    np.save(os.path.join(folder, 'etalons.npy'), etalons)
    np.save(os.path.join(folder, 'scores.npy'), scores)
    np.save(os.path.join(folder, 'classes.npy'), classes)
    with open(os.path.join(folder, 'patterns.tsv'), 'w') as f:
        f.write('photo\tlayer\tsha256\n' + '\n'.join(digests) + '\n')
    with open(os.path.join(folder, 'neartie.tsv'), 'w') as f:
        f.write('photo\tlayer\tunit\tstate\tmargin\tscale\n' + ''.join(line + '\n' for line in near))
    bias = scores - np.einsum('nchw,nkchw->nk', x.astype(np.float64), etalons.astype(np.float64))
    print(f'{name}: {count} photos x top {TOP}: classes {classes.tolist()}; max |etalon| {np.abs(etalons).max():.4g}; '
          f'bias {bias.min():.4g}..{bias.max():.4g}; {len(near)} near-ties in {len(nodes)} switching layers')


def export(net, path, size):
    example = torch.rand(1, 3, size, size)
    # keep BatchNormalization as its own node (no folding into the convolutions), as a model file may have it
    torch.onnx.export(net, example, path, opset_version=13, input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'N'}, 'logits': {0: 'N'}}, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.PRESERVE)


def main(out):
    torch.set_num_threads(1)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
    photos = os.path.join(root, 'data', 'photos')
    os.makedirs(out, exist_ok=True)
    net = torch.nn.Sequential(Normalise(MEAN, STD), squeezenet(os.path.join(root, 'models', 'squeezenet1_1.onnx')))
    golden(out, 'squeezenet', net.eval(), os.path.join(root, 'models', 'squeezenet1_1.onnx'),
           [pixels(os.path.join(photos, p), 256, 224) for p in PHOTOS])
    small = [pixels(os.path.join(photos, p), 32, 32) for p in SMALL_PHOTOS]
    for name, model, seed in (('resnet', ResNet(), 13), ('mobilenet', MobileNet(), 14)):
        model = randomise(model, seed)
        path = os.path.join(out, name, name + '.onnx')
        os.makedirs(os.path.dirname(path), exist_ok=True)
        export(model, path, 32)
        onnx.checker.check_model(onnx.load(path))
        golden(out, name, model, path, small)
    print(f'torch {torch.__version__}, torchvision {torchvision.__version__}')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'onnx/src/test/resources/golden-photos')
