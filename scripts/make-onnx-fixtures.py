#!/usr/bin/env python3
"""Small, seeded, width-reduced torchvision-family models exported to ONNX, with PyTorch's outputs.

Writes src/onnx/fixtures/: for each model <name>-op<k>.onnx at opsets 11, 13 and 17 (BatchNorm kept as nodes
in three of them, folded into the convs in LR-ASPP), one input
<name>.input.npy (float32, NCHW, batch 2) and PyTorch's output for it, <name>.expected.npy (eval
mode). The converter's tests check its outputs against these and against ONNX Runtime.

fresh_bn-op13.onnx is an untrained Conv/BatchNorm net, exported as it is: torch merges its equal
parameters and statistics (1s and 0s) into shared initialisers read through Identity nodes. With it,
PyTorch's train-mode output (fresh_bn.train.npy), the running statistics after that step
(fresh_bn.stats.npy: b1 mean, b1 var, b2 mean, b2 var) and the eval output then (fresh_bn.eval.npy).

  /usr/bin/python3 scripts/make-onnx-fixtures.py            # the committed fixtures
  /usr/bin/python3 scripts/make-onnx-fixtures.py --fresh    # only fresh_bn
  /usr/bin/python3 scripts/make-onnx-fixtures.py --bench /tmp/bench.onnx   # a ~10 MB model

Needs Debian's python3-torch and python3-torchvision (PyTorch 1.13); the onnx package is not used.
"""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from torchvision.models.resnet import BasicBlock
from torchvision.models.segmentation.fcn import FCN, FCNHead
from torchvision.models.segmentation.lraspp import LRASPP

OPSETS = (11, 13, 17)
OUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'onnx', 'fixtures')


class OutOnly(nn.Module):
    """torchvision's segmenters return {'out': ...}: export the tensor."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)['out']


def lraspp():
    backbone = torchvision.models.mobilenet_v3_small(weights=None, width_mult=0.25, dilated=True).features
    stages = [0] + [i for i, b in enumerate(backbone) if getattr(b, '_is_cn', False)] + [len(backbone) - 1]
    low, high = stages[-4], stages[-1]
    low_ch, high_ch = backbone[low].out_channels, backbone[high].out_channels
    getter = torchvision.models._utils.IntermediateLayerGetter(backbone, return_layers={str(low): 'low', str(high): 'high'})
    return OutOnly(LRASPP(getter, low_ch, high_ch, num_classes=3, inter_channels=16))


class SmallResNet18(nn.Module):
    """torchvision's ResNet-18 layout (stem, 4 stages of 2 BasicBlocks) at 1/`div` of its widths."""

    def __init__(self, div=8):
        super().__init__()
        w = [64 // div, 128 // div, 256 // div, 512 // div]
        self.inplanes = w[0]
        self.conv1 = nn.Conv2d(3, w[0], 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(w[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._stage(w[0], 1)
        self.layer2 = self._stage(w[1], 2)
        self.layer3 = self._stage(w[2], 2)
        self.layer4 = self._stage(w[3], 2)
        self.out_channels = w[3]

    def _stage(self, planes, stride):
        down = None
        if stride != 1 or self.inplanes != planes:
            down = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
        blocks = [BasicBlock(self.inplanes, planes, stride, down), BasicBlock(planes, planes)]
        self.inplanes = planes
        return nn.Sequential(*blocks)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return {'out': x}


def fcn_resnet18(div=16, classes=5):
    body = SmallResNet18(div)
    return OutOnly(FCN(body, FCNHead(body.out_channels, classes)))


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class UNet(nn.Module):
    """A three-level U-Net: max-pool down, one transposed-conv and one nearest up, skip concats."""

    def __init__(self, w=8, classes=2):
        super().__init__()
        self.d1, self.d2, self.d3 = double_conv(3, w), double_conv(w, 2 * w), double_conv(2 * w, 4 * w)
        self.up2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2)
        self.u2 = double_conv(4 * w, 2 * w)
        self.up1 = nn.Upsample(scale_factor=2, mode='nearest')
        self.u1 = double_conv(3 * w, w)
        self.head = nn.Conv2d(w, classes, 1)

    def forward(self, x):
        a = self.d1(x)
        b = self.d2(F.max_pool2d(a, 2))
        c = self.d3(F.max_pool2d(b, 2))
        b = self.u2(torch.cat([self.up2(c), b], 1))
        a = self.u1(torch.cat([self.up1(b), a], 1))
        return self.head(a)


class OpZoo(nn.Module):
    """One of each remaining op the converter covers, in a small net with two outputs."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, stride=2, padding=(1, 2), dilation=(1, 2))
        self.dw = nn.Conv2d(8, 8, 3, padding=2, dilation=2, groups=8)
        self.grouped = nn.Conv2d(8, 12, 3, padding=1, groups=2, bias=False)
        self.bn = nn.BatchNorm2d(12)
        self.prelu = nn.PReLU(12)
        self.up = nn.ConvTranspose2d(12, 6, 3, stride=2, padding=1, output_padding=1)
        self.pw = nn.Conv2d(12, 12, 1)
        self.fc = nn.Linear(12 * 4 * 4, 7)
        self.proj = nn.Parameter(torch.randn(12, 5) * 0.3)
        self.table = nn.Parameter(torch.randn(4, 12) * 0.5)

    def forward(self, x):
        x = F.pad(x, (1, 0, 2, 1))
        x = F.leaky_relu(self.stem(x), 0.1)
        x = F.elu(self.dw(x)) + F.gelu(x)
        x = self.prelu(self.bn(self.grouped(x)))
        n, c, h, w = x.shape
        x = x.view(n, 2, c // 2, h, w).transpose(1, 2).reshape(n, c, h, w)  # channel shuffle
        a, b = x.chunk(2, dim=1)
        x = torch.cat([torch.tanh(a) * F.hardsigmoid(b), F.hardswish(b) - a / (1.5 + torch.sigmoid(a))], 1)
        x = x + self.table[1].view(1, 12, 1, 1)
        x = F.relu6(x) + torch.sqrt(x * x + 1.0) ** 2 * 0.1
        s = x.mean(dim=(2, 3), keepdim=True)
        x = self.pw(x) * torch.sigmoid(s)
        m = F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)
        p = F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
        q = F.interpolate(F.avg_pool2d(x, 2), scale_factor=2, mode='bilinear', align_corners=True)
        x = m + p + F.interpolate(q, size=m.shape[-2:], mode='bilinear', align_corners=False)
        d = self.up(x)[:, :, 1:-1, 2:]
        d = torch.softmax(d, dim=1) + F.interpolate(F.interpolate(d, scale_factor=0.5, mode='nearest'), size=d.shape[-2:], mode='nearest')
        v = F.avg_pool2d(x[:, :, :8, :8], 2).flatten(1)
        g = F.adaptive_avg_pool2d(x, 1).squeeze(-1).squeeze(-1)
        v = self.fc(v) + (g @ self.proj).unsqueeze(1).mean(dim=1).sum(dim=1, keepdim=True) + x[:, 0].mean(dim=(1, 2)).unsqueeze(1)
        return d, v


class FreshBn(nn.Module):
    """Two Conv/BatchNorm blocks of equal width, untrained, and a [1, C, 1, 1] layer scale."""

    def __init__(self):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(3, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4)
        self.c2, self.b2 = nn.Conv2d(4, 4, 1), nn.BatchNorm2d(4)
        self.scale = nn.Parameter(torch.linspace(0.5, 2, 4).view(1, 4, 1, 1))

    def forward(self, x):
        x = torch.relu(self.b1(self.c1(x)))
        return self.b2(self.c2(x)) * self.scale + x


def fresh_bn():
    torch.manual_seed(300)
    net = FreshBn().eval()
    x = torch.randn(2, 3, 8, 6) * 2 + 0.5
    np.save(os.path.join(OUT, 'fresh_bn.input.npy'), x.numpy())
    with torch.no_grad():
        export(net, x, os.path.join(OUT, 'fresh_bn-op13.onnx'), 13, True)
        net.train()
        np.save(os.path.join(OUT, 'fresh_bn.train.npy'), net(x).numpy())
        stats = [net.b1.running_mean, net.b1.running_var, net.b2.running_mean, net.b2.running_var]
        np.save(os.path.join(OUT, 'fresh_bn.stats.npy'), torch.stack(stats).numpy())
        np.save(os.path.join(OUT, 'fresh_bn.eval.npy'), net.eval()(x).numpy())
    print('fresh_bn:', os.path.getsize(os.path.join(OUT, 'fresh_bn-op13.onnx')), 'bytes')


MODELS = {
    'lraspp_mnv3': (lraspp, 64, False),
    'fcn_resnet18': (fcn_resnet18, 64, True),
    'unet': (UNet, 32, True),
    'opzoo': (OpZoo, 32, True),
}


def seeded(build, seed):
    torch.manual_seed(seed)
    net = build()
    # Non-trivial BatchNorm statistics, as a trained net has.
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    return net.eval()


def export(net, x, path, opset, keep_bn):
    outs = net(x)
    names = ['output'] if isinstance(outs, torch.Tensor) else [f'output{i}' for i in range(len(outs))]
    torch.onnx.export(net, x, path, opset_version=opset, input_names=['input'], output_names=names,
                      dynamic_axes={n: {0: 'batch'} for n in ['input'] + names},
                      # PRESERVE keeps BatchNormalization nodes (a student trains them); EVAL folds them into the convs.
                      training=torch.onnx.TrainingMode.PRESERVE if keep_bn else torch.onnx.TrainingMode.EVAL)
    return [outs] if isinstance(outs, torch.Tensor) else list(outs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bench', help='write a ~10 MB FCN-ResNet-18 (half width) here instead')
    ap.add_argument('--fresh', action='store_true', help='write only the untrained fresh_bn fixture')
    args = ap.parse_args()
    if args.bench:
        net = seeded(lambda: fcn_resnet18(div=2, classes=8), 0)
        export(net, torch.randn(1, 3, 128, 128), args.bench, 13, True)
        print(args.bench, os.path.getsize(args.bench), 'bytes')
        return
    os.makedirs(OUT, exist_ok=True)
    fresh_bn()
    if args.fresh:
        return
    for i, (name, (build, side, keep_bn)) in enumerate(MODELS.items()):
        net = seeded(build, 100 + i)
        torch.manual_seed(200 + i)
        x = torch.randn(2, 3, side, side)
        np.save(os.path.join(OUT, f'{name}.input.npy'), x.numpy())
        with torch.no_grad():
            for opset in OPSETS:
                outs = export(net, x, os.path.join(OUT, f'{name}-op{opset}.onnx'), opset, keep_bn)
        for k, o in enumerate(outs):
            suffix = '' if len(outs) == 1 else str(k)
            np.save(os.path.join(OUT, f'{name}.expected{suffix}.npy'), o.detach().numpy().astype(np.float32))
        size = os.path.getsize(os.path.join(OUT, f'{name}-op17.onnx'))
        print(f'{name}: input {tuple(x.shape)}, outputs {[tuple(o.shape) for o in outs]}, {size} bytes per opset')


if __name__ == '__main__':
    main()
