#!/usr/bin/env python3
"""Reads a MasKD Playground token export (.safetensors) with the Python standard library only.

    python3 scripts/read-token-export.py maskd-tokens-segmentation-T6-C64.safetensors [--check-hwio tokens.json]

Prints each tensor's name, dtype and shape as JSON. With --check-hwio it compares every tensor
with the app's own form of the same state (tokens.json: tokens [T,C] and the token-weight branch
with tfjs HWIO kernels) and checks PyTorch's OIHW order element by element:
prob.0.weight[o][i][y][x] == HWIO[y][x][i][o]. Exit status 1 on any mismatch.

This proves the layout and names the reference `MaskModule` (hunto/MasKD) loads with
`module.load_state_dict(safetensors.torch.load_file(path))`, without needing torch here.
"""
import json
import struct
import sys

DTYPES = {"F32": ("f", 4), "F64": ("d", 8)}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    body = raw[8 + n :]
    tensors = {}
    for name, info in header.items():
        fmt, size = DTYPES[info["dtype"]]
        start, end = info["data_offsets"]
        count = 1
        for d in info["shape"]:
            count *= d
        if end - start != count * size:
            raise ValueError(f"{name}: {end - start} bytes for {count} values of {info['dtype']}")
        values = list(struct.unpack(f"<{count}{fmt}", body[start:end]))
        tensors[name] = {"dtype": info["dtype"], "shape": info["shape"], "values": values}
    return tensors, metadata


def hwio_to_oihw_index(shape_oihw, o, i, y, x):
    """Flat index of element (o, i, y, x) in the HWIO array of the same kernel."""
    O, I, H, W = shape_oihw
    return ((y * W + x) * I + i) * O + o


def check_hwio(tensors, source):
    problems = []
    tok = source["tokens"]
    if tensors["mask_token"]["shape"] != tok["shape"]:
        problems.append(f"mask_token shape {tensors['mask_token']['shape']} != {tok['shape']}")
    elif any(struct.unpack("<f", struct.pack("<f", a))[0] != b for a, b in zip(tok["data"], tensors["mask_token"]["values"])):
        problems.append("mask_token values differ")
    for name, hwio in (source.get("branch") or {}).items():
        t = tensors.get(name)
        if t is None:
            problems.append(f"{name} missing")
            continue
        data = [struct.unpack("<f", struct.pack("<f", v))[0] for v in hwio["data"]]
        if len(hwio["shape"]) == 1:
            if t["values"] != data:
                problems.append(f"{name} values differ")
            continue
        H, W, I, O = hwio["shape"]
        if t["shape"] != [O, I, H, W]:
            problems.append(f"{name} shape {t['shape']} is not OIHW {[O, I, H, W]}")
            continue
        k = 0
        for o in range(O):
            for i in range(I):
                for y in range(H):
                    for x in range(W):
                        if t["values"][k] != data[hwio_to_oihw_index([O, I, H, W], o, i, y, x)]:
                            problems.append(f"{name}[{o},{i},{y},{x}] differs from HWIO[{y},{x},{i},{o}]")
                            break
                        k += 1
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    tensors, metadata = read_safetensors(argv[1])
    print(json.dumps({"metadata": metadata, "tensors": {n: {"dtype": t["dtype"], "shape": t["shape"]} for n, t in tensors.items()}}))
    if "--check-hwio" in argv:
        with open(argv[argv.index("--check-hwio") + 1]) as f:
            problems = check_hwio(tensors, json.load(f))
        for p in problems:
            print(f"mismatch: {p}", file=sys.stderr)
        if problems:
            return 1
        print("layout ok: names, shapes and OIHW order match the app's tensors")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
