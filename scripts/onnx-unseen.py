#!/usr/bin/env python3
"""The acceptance check on torchvision families the ONNX fixtures do not hold (docs/onnx.md, Unseen families).

Exports eight seeded, randomly initialised torchvision models (eval mode, BatchNorm statistics set
away from 0/1 as a trained net's are) at the opsets below into OUT_DIR: <name>-op<k>.onnx, the
input <name>.input.npy (float32 NCHW, batch 2) and PyTorch's output for it, <name>.expected.npy.
Not committed: the files are 1.5-92 MB. Then, for each:

  /usr/bin/python3 scripts/onnx-unseen.py /tmp/unseen
  npm run onnx:check -- /tmp/unseen/<name>-op<k>.onnx --input /tmp/unseen/<name>.input.npy \\
      --expected /tmp/unseen/<name>.expected.npy

Needs Debian's python3-torch and python3-torchvision (PyTorch 1.13).
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision
from torchvision.models.segmentation import deeplabv3_mobilenet_v3_large


class OutOnly(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.n = net  # named n: the node names of the files this check was first run on (/n/backbone/…)

    def forward(self, x):
        return self.n(x)['out']


# name: (constructor, opset, input side)
MODELS = {
    'squeezenet1_1': (lambda: torchvision.models.squeezenet1_1(weights=None, num_classes=10), 11, 96),
    'shufflenet_v2_x0_5': (lambda: torchvision.models.shufflenet_v2_x0_5(weights=None, num_classes=10), 13, 64),
    'mnasnet0_5': (lambda: torchvision.models.mnasnet0_5(weights=None, num_classes=10), 17, 64),
    'efficientnet_b0': (lambda: torchvision.models.efficientnet_b0(weights=None, num_classes=10), 14, 64),
    # Dilated depthwise convs (dilation 2) in MobileNetV3's last stages; ASPP at dilations 12, 24, 36.
    'deeplabv3_mobilenet_v3_large': (lambda: OutOnly(deeplabv3_mobilenet_v3_large(weights=None, weights_backbone=None, num_classes=4, aux_loss=False)), 12, 64),
    'regnet_x_400mf': (lambda: torchvision.models.regnet_x_400mf(weights=None, num_classes=10), 16, 64),
    'densenet121': (lambda: torchvision.models.densenet121(weights=None, num_classes=10), 11, 64),
    'resnext50_32x4d': (lambda: torchvision.models.resnext50_32x4d(weights=None, num_classes=10), 15, 64),
}


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: onnx-unseen.py OUT_DIR')
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(7)
    for name, (make, opset, side) in MODELS.items():
        m = make().eval()
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.2, 0.2)
                mod.running_var.uniform_(0.5, 1.5)
        x = torch.randn(2, 3, side, side)
        with torch.no_grad():
            y = m(x)
        torch.onnx.export(m, x, os.path.join(out, f'{name}-op{opset}.onnx'), opset_version=opset,
                          input_names=['image'], output_names=['out'],
                          dynamic_axes={'image': {0: 'n'}, 'out': {0: 'n'}})
        np.save(os.path.join(out, f'{name}.input.npy'), x.numpy())
        np.save(os.path.join(out, f'{name}.expected.npy'), y.numpy())
        print(name, opset, side, tuple(y.shape), flush=True)


if __name__ == '__main__':
    main()
