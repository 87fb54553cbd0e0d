// Python helpers every generated module starts with (see the docstrings inside). Held as a string so
// that the page and Node write the same bytes; src/pytorch/moduleSource.ts prepends it.
import { READ_SAFETENSORS_PY } from './readSafetensors.py';

export const PRELUDE_PY = String.raw`# Helpers of the modules generated from TF.js layers models (MasKD Playground, src/pytorch/).
# Layout: 4-D tensors are NCHW here (TF.js holds them NHWC); tensors of any other rank keep
# TF.js's layout. Layers that reshape, permute or flatten go through TF.js's layout (to_tf, from_tf)
# so that they move the same elements as TF.js did.
import json
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def to_tf(x):
    return x.permute(0, 2, 3, 1) if x.dim() == 4 else x


def from_tf(x):
    return x.permute(0, 3, 1, 2) if x.dim() == 4 else x


def _same_pads(size, k, s, d):
    """TF's 'same' padding of one spatial dimension: (before, after), after >= before."""
    eff = (k - 1) * d + 1
    out = -(-size // s)
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def same_pad(x, k, s, d=(1, 1), value=0.0):
    """Pads NCHW x as TF's 'same' does (the odd pixel goes bottom/right), for a kernel k, stride s, dilation d."""
    top, bottom = _same_pads(x.shape[2], k[0], s[0], d[0])
    left, right = _same_pads(x.shape[3], k[1], s[1], d[1])
    if top == bottom == left == right == 0:
        return x
    return F.pad(x, (left, right, top, bottom), value=value)


def avg_pool_same(x, k, s):
    """TF's AveragePooling2D with 'same' padding: padded pixels are not counted."""
    ones = torch.ones_like(x[:, :1])
    total = F.avg_pool2d(same_pad(x, k, s), k, s, divisor_override=1)
    count = F.avg_pool2d(same_pad(ones, k, s), k, s, divisor_override=1)
    return total / count


def resize_bilinear_legacy(x, height, width):
    """tf.image.resizeBilinear without alignCorners or half-pixel centres (TF.js UpSampling2D 'bilinear')."""
    _, _, h, w = x.shape

    def axis(n_in, n_out):
        src = torch.arange(n_out, dtype=torch.float64) * (n_in / n_out)
        lo = src.floor().clamp(max=n_in - 1)
        frac = (src - lo).to(x.dtype)
        lo = lo.long()
        hi = (lo + 1).clamp(max=n_in - 1)
        return lo.to(x.device), hi.to(x.device), frac.to(x.device)

    y0, y1, fy = axis(h, height)
    x0, x1, fx = axis(w, width)
    top = x[:, :, y0] + (x[:, :, y1] - x[:, :, y0]) * fy[:, None]
    return top[:, :, :, x0] + (top[:, :, :, x1] - top[:, :, :, x0]) * fx


class TfBatchNorm(nn.BatchNorm2d):
    """BatchNorm with TF.js's semantics: the moving variance tracks the biased batch variance
    (PyTorch's own tracks the unbiased one), momentum here = 1 - TF's momentum, and under
    torch.distributed the batch statistics are those of the global batch (summed over ranks,
    with gradients through the sums), so N processes train as one does on the whole batch."""

    def _check_input_dim(self, x):
        if x.dim() not in (2, 4):
            raise ValueError(f"TfBatchNorm takes [N,C] or [N,C,H,W], got {x.dim()}-D")

    def forward(self, x):
        if not self.training:
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps)
        dims = [0] + list(range(2, x.dim()))
        shape = [1, x.shape[1]] + [1] * (x.dim() - 2)
        count = x.numel() // x.shape[1]
        distributed = torch.distributed.is_available() and torch.distributed.is_initialized() and torch.distributed.get_world_size() > 1
        if distributed:
            import torch.distributed.nn.functional as dist_fn

            count *= torch.distributed.get_world_size()  # every rank holds an equal share
        total = x.sum(dims)
        mean = (dist_fn.all_reduce(total) if distributed else total) / count
        centred = x - mean.reshape(shape)
        squares = (centred * centred).sum(dims)
        var = (dist_fn.all_reduce(squares) if distributed else squares) / count
        with torch.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(mean.detach() * self.momentum)
            self.running_var.mul_(1 - self.momentum).add_(var.detach() * self.momentum)
            self.num_batches_tracked.add_(1)
        y = centred * torch.rsqrt(var.reshape(shape) + self.eps)
        return y * self.weight.reshape(shape) + self.bias.reshape(shape)


class SeparableConv(nn.Module):
    """TF's SeparableConv2D: a depthwise conv (groups = input channels) then a 1x1 conv."""

    def __init__(self, cin, cout, k, s, d, multiplier, bias):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin * multiplier, k, stride=s, dilation=d, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin * multiplier, cout, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class TfConvTranspose(nn.Module):
    """TF's Conv2DTranspose: the full transposed conv, cropped ('same': out = in * stride, the
    crop's odd pixel at the bottom/right) or kept whole ('valid'), then the bias."""

    def __init__(self, cin, cout, k, s, same, bias):
        super().__init__()
        self.k, self.s, self.same = k, s, same
        self.weight = nn.Parameter(torch.zeros(cin, cout, k[0], k[1]))
        self.bias = nn.Parameter(torch.zeros(cout)) if bias else None

    def forward(self, x):
        y = F.conv_transpose2d(x, self.weight, stride=self.s)
        if self.same:
            h, w = x.shape[2] * self.s[0], x.shape[3] * self.s[1]
            top, left = max(self.k[0] - self.s[0], 0) // 2, max(self.k[1] - self.s[1], 0) // 2
            y = y[:, :, top : top + h, left : left + w]
            y = F.pad(y, (0, w - y.shape[3], 0, h - y.shape[2]))
        return y if self.bias is None else y + self.bias.reshape(1, -1, 1, 1)


${READ_SAFETENSORS_PY}

def write_safetensors(path, tensors, metadata=None):
    """{name: tensor} to a .safetensors file (float32/float64/int64/int32/uint8)."""
    names = {np.dtype(v): k for k, v in _DTYPES.items()}
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name].detach().cpu().numpy())
        data = arr.tobytes()
        header[name] = {"dtype": names[arr.dtype], "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little"))
        f.write(text)
        for b in blobs:
            f.write(b)
`;
