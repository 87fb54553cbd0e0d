#!/usr/bin/env python3
"""Loads a MasKD Playground token export into a PyTorch MaskModule and recomputes the app's numbers.

    python3 scripts/check-pytorch-reference.py tokens.safetensors case.json

`case.json` (written by src/share/pytorchReference.test.ts) holds teacher and student features
in NHWC, and what the app computed from them with TensorFlow.js: masks [N,H,W,T], token weights
[N,T], the Dice diversity and the masked distillation loss with and without the weights.

The module below has the reference MaskModule's (hunto/MasKD) parameter names and layers:
`mask_token` [T,C] and, with token weights, `prob` = Conv2d(C,C,3,pad 1), AdaptiveAvgPool2d(1),
Conv2d(C,T,1). `load_state_dict(strict=True)` takes the export as is, and the forward passes follow
the reference's formulas (sigmoid of token·feature, softmax of `prob`, Dice over token pairs, the
per-token normalised squared error of MasKDLoss without student-mask customisation).

Prints one JSON line of relative errors; exit status 1 when any is over --tolerance.
"""
import argparse
import importlib.util
import json
import pathlib
import sys

import torch
import torch.nn as nn

HERE = pathlib.Path(__file__).resolve().parent


def load_reader():
    spec = importlib.util.spec_from_file_location("read_token_export", HERE / "read-token-export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class MaskModule(nn.Module):
    def __init__(self, channels, num_tokens, weight_mask):
        super().__init__()
        self.weight_mask = weight_mask
        self.mask_token = nn.Parameter(torch.zeros(num_tokens, channels))
        if weight_mask:
            self.prob = nn.Sequential(
                nn.Conv2d(channels, channels, kernel_size=3, padding=1),
                nn.AdaptiveAvgPool2d(1),
                nn.Conv2d(channels, num_tokens, kernel_size=1),
            )

    def forward_mask(self, x):
        n, c, h, w = x.shape
        attn = self.mask_token.expand(n, -1, -1) @ x.reshape(n, c, h * w)
        return attn.sigmoid().reshape(n, -1, h, w)

    def forward_prob(self, x):
        return self.prob(x).flatten(1).softmax(1)


def dice_diversity(mask):
    m = mask.flatten(2)  # [N,T,P]
    n, t, _ = m.shape
    inter = m @ m.transpose(1, 2)
    sq = (m * m).sum(-1)
    dice = 2 * inter / ((sq[:, :, None] + 1e-12) + (sq[:, None, :] + 1e-12))
    off = 1 - torch.eye(t, dtype=m.dtype)
    return (dice * off).sum() / (n * t * (t - 1))


def masked_distill(y_s, y_t, mask, weights):
    masked_s = y_s.unsqueeze(1) * mask.unsqueeze(2)
    masked_t = y_t.unsqueeze(1) * mask.unsqueeze(2)
    loss = ((masked_s - masked_t) ** 2).sum((3, 4)) / mask.sum((2, 3)).unsqueeze(-1)  # [N,T,C]
    if weights is not None:
        return (loss.mean(-1) * weights).sum(-1).mean()
    return loss.mean()


def nchw(values, shape):
    return torch.tensor(values, dtype=torch.float64).reshape(shape).permute(0, 3, 1, 2)


def rel_error(got, want):
    got = torch.as_tensor(got, dtype=torch.float64)
    want = torch.as_tensor(want, dtype=torch.float64)
    return float((got - want).abs().max() / want.abs().max().clamp_min(1e-30))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("weights")
    parser.add_argument("case")
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    tensors, _ = load_reader().read_safetensors(args.weights)
    state = {k: torch.tensor(v["values"], dtype=torch.float32).reshape(v["shape"]) for k, v in tensors.items()}
    num_tokens, channels = state["mask_token"].shape
    module = MaskModule(channels, num_tokens, weight_mask="prob.0.weight" in state)
    module.load_state_dict(state, strict=True)
    module = module.double()

    case = json.loads(pathlib.Path(args.case).read_text())
    shape = case["shape"]  # [N,H,W,C]
    y_t = nchw(case["teacher"], shape)
    y_s = nchw(case["student"], shape)
    with torch.no_grad():
        mask = module.forward_mask(y_t)  # [N,T,H,W]
        weights = module.forward_prob(y_t) if module.weight_mask else None
        app_masks = torch.tensor(case["masks"], dtype=torch.float64).reshape(shape[0], shape[1], shape[2], num_tokens).permute(0, 3, 1, 2)
        errors = {
            "masks": rel_error(mask, app_masks),
            "dice": rel_error(dice_diversity(mask), case["dice"]),
            "loss": rel_error(masked_distill(y_s, y_t, mask, None), case["loss"]),
        }
        if weights is not None:
            errors["weights"] = rel_error(weights, torch.tensor(case["weights"]).reshape(shape[0], num_tokens))
            errors["lossWeighted"] = rel_error(masked_distill(y_s, y_t, mask, weights), case["lossWeighted"])
    print(json.dumps({"loaded": sorted(state), "torch": torch.__version__, "relativeErrors": errors}))
    bad = {k: v for k, v in errors.items() if not v <= args.tolerance}
    if bad:
        print(f"over tolerance {args.tolerance}: {json.dumps(bad)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
