// The safetensors reader (numpy only) that both the TF.js-born modules' helpers (prelude.py.ts)
// and the self-contained modules generated from ONNX graphs (../onnxModuleSource.ts) carry.
export const READ_SAFETENSORS_PY = String.raw`_DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32, "U8": np.uint8}


def read_safetensors(path):
    """A .safetensors file as {name: torch tensor} (numpy only; no safetensors package needed)."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    body = memoryview(raw)[8 + n :]
    out = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        arr = np.frombuffer(body[start:end], dtype=_DTYPES[info["dtype"]]).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out
`;
