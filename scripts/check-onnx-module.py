#!/usr/bin/env python3
"""Runs a module generated from an ONNX graph by MasKD Playground (src/pytorch/onnxModuleSource.ts)
and compares it with what it should equal.

    /usr/bin/python3 scripts/check-onnx-module.py DIR [DIR ...]

Each DIR holds model.py (class Net, self-contained), state.safetensors or model.safetensors (the
state dict under the graph's initialiser names), case.safetensors (`input`, NCHW, and `expected_<i>`) and case.json:
  {"original": <fixture name in scripts/make-onnx-fixtures.py> or null, "train": bool,
   "assign": [[parameter, key, row or null], ...], "keep": <page layer name> (optional)}
The state loads into Net with load_state_dict(strict=True); Net runs in eval mode (float32) and
its outputs are compared with expected_<i> (and with "keep", net(x, keep=(name,))'s value with
`kept`). With "train": Net also runs once in train mode
against `train_<i>`, and its running statistics against state_after.safetensors (the page's after
the same step). With "original": the fixture's own PyTorch class takes the state dict (strict
when it has exactly these keys; else the keys it has, and each "assign" key copied into its
parameter, or row of it, by hand) and runs on the same input. Prints one JSON line per DIR; errors
are relative: max |a - b| / max |b|.
"""
import importlib.util
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def rel(outs, wants):
    outs = outs if isinstance(outs, tuple) else (outs,)
    worst = 0.0
    for out, want in zip(outs, wants):
        if tuple(out.shape) != tuple(want.shape):
            raise ValueError(f"shape {list(out.shape)} != {list(want.shape)}")
        worst = max(worst, float((out.double() - want.double()).abs().max() / want.double().abs().max()))
    return worst


def check(folder):
    gen = load(os.path.join(folder, "model.py"), "generated_" + os.path.basename(folder).replace("-", "_"))
    state_file = os.path.join(folder, "state.safetensors")
    state = gen.read_safetensors(state_file if os.path.exists(state_file) else os.path.join(folder, "model.safetensors"))
    case = gen.read_safetensors(os.path.join(folder, "case.safetensors"))
    with open(os.path.join(folder, "case.json")) as f:
        spec = json.load(f)
    x = case["input"]
    n_out = len([k for k in case if k.startswith("expected_")])
    net = gen.Net()
    net.load_state_dict(state, strict=True)
    net.eval()
    with torch.no_grad():
        outs = net(x)
    result = {"dir": folder, "rel": rel(outs, [case[f"expected_{i}"] for i in range(n_out)])}
    if spec.get("keep"):
        with torch.no_grad():
            _, kept = net(x, keep=(spec["keep"],))
        result["keptRel"] = rel(kept[spec["keep"]], [case["kept"]])
    if spec.get("train"):
        net.train()
        with torch.no_grad():
            train_outs = net(x)
        result["trainRel"] = rel(train_outs, [case[f"train_{i}"] for i in range(n_out)])
        after = gen.read_safetensors(os.path.join(folder, "state_after.safetensors"))
        mine = net.state_dict()
        stats = [k for k in after if k.endswith("running_mean") or k.endswith("running_var")]
        result["statsRel"] = max(float((mine[k].double() - after[k].double()).abs().max() / after[k].double().abs().max()) for k in stats)
        net.eval()
    if spec.get("original"):
        fixtures = load(os.path.join(HERE, "make-onnx-fixtures.py"), "make_onnx_fixtures")
        original = fixtures.MODELS[spec["original"]][0]()
        keys = set(original.state_dict())
        result["missing"] = sorted(keys - set(state))
        result["unexpected"] = sorted(set(state) - keys)
        # "assign": [[parameter, key, row or null]]: a key the export made from a parameter, put back by hand.
        assign = spec.get("assign") or []
        if assign and sorted(a[0] for a in assign) == result["missing"] and sorted(a[1] for a in assign) == result["unexpected"]:
            original.load_state_dict({k: v for k, v in state.items() if k in keys}, strict=False)
            with torch.no_grad():
                for target, key, row in assign:
                    p = original.get_parameter(target)
                    dest = p if row is None else p[row]
                    dest.copy_(state[key].reshape(dest.shape))
        elif not result["missing"] and not result["unexpected"]:
            original.load_state_dict(state, strict=True)
        if assign or (not result["missing"] and not result["unexpected"]):
            original.eval()
            with torch.no_grad():
                theirs = original(x)
            theirs = theirs if isinstance(theirs, tuple) else (theirs,)
            result["originalRel"] = rel(outs, theirs)
            result["originalVsPageRel"] = rel(theirs, [case[f"expected_{i}"] for i in range(n_out)])
    return result


if __name__ == "__main__":
    torch.manual_seed(0)
    for d in sys.argv[1:]:
        try:
            print(json.dumps(check(d)), flush=True)
        except Exception as e:  # one line per DIR, whatever went wrong
            print(json.dumps({"dir": d, "error": f"{type(e).__name__}: {e}"}), flush=True)
