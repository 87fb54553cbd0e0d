// page_run.py of a run bundle: the way back to the page. Scores the student as the page does on
// its own validation and test scenes, and writes the page's run file (formatVersion 2) with the
// curve, the hand-over, the test result and the trained weights as a page checkpoint.
// Held as a string so that the page and Node write the same bytes.
export const PAGE_RUN_PY = String.raw`"""The way back to MasKD Playground (docs/pytorch.md, "The way back").

page.json (written by the export) holds the page's Setup, tokens and curve, the exported checkpoint
without its arrays, and for every array of the student, the align module and Adam's state its page
name, TF.js shape and the PyTorch tensor it comes from: tf = torch.reshape(view).permute(perm).
heldout.safetensors holds the validation and test digits; scenes.py draws the page's scenes from
them (same seeds and counts) and metrics.py scores them as the page does. A dropped dataset's run
scores on the first images of its split in dataset.safetensors instead (page.json's eval names the
split and the count): the page's validation images, and, a dataset having no test split, the
reported number on its validation split too, as the page reports it."""
import datetime
import json
import math
import os
import re
import sys

import numpy as np
import torch

from maskd_nn import read_safetensors
from metrics import accumulate_confusion, argmax_labels, average_precision, decode_centernet, mean_iou
from scenes import scene_batch

LOSS_TERMS = ("task", "distill", "total")


def tf_array(tensor, entry):
    """A PyTorch tensor in its page array's TF.js layout, flat (float32)."""
    t = tensor.detach().to("cpu", torch.float32).reshape(entry["view"]).permute(entry["perm"]).contiguous()
    if list(t.shape) != list(entry["shape"]):
        raise ValueError(f"{entry['name']}: {entry['key']} gives {list(t.shape)}, the page wants {entry['shape']}")
    return t.numpy().ravel()


class Float32Lists:
    """float32 arrays spliced into the JSON text as number lists of 9 significant digits: enough for
    each to read back as the same float32, about half the text of a double's shortest form."""

    def __init__(self):
        self.arrays = []
        self.count = 0

    def named(self, name, shape, values):
        values = np.asarray(values, dtype=np.float32).ravel()
        if not np.isfinite(values).all():
            raise SystemExit(f"{name} holds a non-finite value: no run file written")
        self.arrays.append(values)
        self.count += values.size
        return {"name": name, "shape": list(shape), "data": f"@float32:{len(self.arrays) - 1}@"}

    def splice(self, text):
        return re.sub(r'"@float32:(\d+)@"', lambda m: "[" + ",".join(np.char.mod("%.9g", self.arrays[int(m.group(1))]).tolist()) + "]", text)


class PageReturn:
    def __init__(self, here):
        self.here = here
        with open(os.path.join(here, "page.json")) as f:
            self.page = json.load(f)
        self.spec = self.page["eval"]
        self.metric = self.spec["metric"]
        self._held = None
        self._scenes = {}
        best = self.page["checkpoint"].get("best")
        self.best = None
        if best:
            arrays = read_safetensors(os.path.join(here, best["file"]))
            self.best = {"metric": best["metric"], "step": best["step"], "arrays": [arrays[str(i)].numpy().ravel() for i in range(len(arrays))]}

    @property
    def handover_step(self):
        return self.page["checkpoint"]["step"]

    @property
    def reported_split(self):
        """The split the final number is reported on: "test", or "val" for a dataset (no test split)."""
        return self.spec["test"].get("split", "test")

    def scenes(self, split):
        """The page's scenes of split ("val" or "test"): its seed, its count, its digits; for a
        dataset the first count images of the split named there."""
        if split not in self._scenes and "dataset" in self.spec:
            from dataset import DatasetStream

            if self._held is None:
                self._held = {k: v.numpy() for k, v in read_safetensors(os.path.join(self.here, self.spec["dataset"]["file"])).items()}
            s = self.spec[split]
            stream = DatasetStream(self._held, self.spec["task"], self.spec["numClasses"], split=s["split"])
            idx = list(range(min(s["count"], stream.count)))
            if self.spec["task"] == "segmentation":
                self._scenes[split] = [(stream.images[k], stream.labels[k]) for k in idx]
            else:
                self._scenes[split] = [(stream.images[k], None, stream.boxes_of(k)) for k in idx]
        if split not in self._scenes:
            if self._held is None:
                self._held = read_safetensors(os.path.join(self.here, "heldout.safetensors"))
            s = self.spec[split]
            pixels, labels = self._held[f"{split}_pixels"].numpy(), self._held[f"{split}_labels"].numpy()
            self._scenes[split] = scene_batch(pixels, labels, s["seed"], 0, s["count"], self.spec["scene"])
        return self._scenes[split]

    def score(self, student, split, device):
        """The page's metric (mIoU or AP@0.5) of student in eval mode on split's scenes."""
        scenes = self.scenes(split)
        was = student.training
        student.eval()
        try:
            with torch.no_grad():
                return score_scenes(student, scenes, self.spec, device)
        finally:
            student.train(was)

    def keep_if_best(self, value, step, student):
        """Keeps student's weights (page layout) when value beats the best so far, as the page's Distiller."""
        if self.best is not None and not value > self.best["metric"]:
            return False
        state = {f"student.{k}": v for k, v in student.state_dict().items()}
        self.best = {"metric": value, "step": step, "arrays": [tf_array(state[e["key"]], e) for e in self.page["arrays"]["student"]]}
        return True

    def series(self, ours):
        """The browser's loss and metric series with our steps appended (keys as the page's)."""
        method = self.page["checkpoint"]["config"]["method"]
        losses = [dict(s, points=list(s["points"])) for s in self.page["history"]["losses"]]
        metrics = [dict(s, points=list(s["points"])) for s in self.page["history"]["metrics"]]

        def add(lst, term, step, value):
            for s in lst:
                if s["stage"] == "distill" and s["method"] == method and s["term"] == term:
                    break
            else:
                s = {"stage": "distill", "method": method, "term": term, "points": []}
                lst.append(s)
            s["points"].append([step, value if math.isfinite(value) else None])

        for h in ours:
            for term in LOSS_TERMS:
                add(losses, term, h["step"], h[term])
            if "metric" in h:
                add(metrics, h["metric"]["name"], h["step"], h["metric"]["value"])
        return {"losses": losses, "metrics": metrics}

    def write(self, out, trainee, opt, step, ours, result, processes, device):
        """Writes out/maskd-run-<task>-step<step>.json; returns its path. ours: our history entries."""
        cp = self.page["checkpoint"]
        arrays = self.page["arrays"]
        state = trainee.state_dict()
        params = dict(trainee.named_parameters())
        lists = Float32Lists()
        named = lists.named
        student = [named(e["name"], e["shape"], tf_array(state[e["key"]], e)) for e in arrays["student"]]
        align = [named(e["name"], e["shape"], tf_array(state[e["key"]], e)) for e in arrays["align"]]
        moments, iterations = [], None
        for e in arrays["optimizer"]["moments"]:
            s = opt.state.get(params[e["key"]])
            if not s:
                moments = None
                break
            iterations = int(s["step"])
            moments.append(named(e["name"], e["shape"], tf_array(s[e["moment"]], e)))
        optimizer = [named(arrays["optimizer"]["iterations"], [], [iterations])] + moments if moments else []
        best = None
        if self.best is not None:
            best = {"metric": self.best["metric"], "step": self.best["step"], "weights": [named(e["name"], e["shape"], a) for e, a in zip(arrays["student"], self.best["arrays"])]}
        history = list(cp["history"]) + [
            dict({"step": h["step"], "losses": {t: h[t] for t in LOSS_TERMS}}, **({"metric": h["metric"]} if "metric" in h else {})) for h in ours
        ]
        checkpoint = dict(
            {k: v for k, v in cp.items() if k != "best"},
            step=step,
            total=max(cp["total"], step),
            savedAt=int(datetime.datetime.now(datetime.timezone.utc).timestamp() * 1000),
            reason="export",
            backend="pytorch",
            student=student,
            align=align,
            optimizer=optimizer,
            best=best,
            history=history,
        )
        run = {
            "format": "maskd-playground.run",
            "formatVersion": 2,
            "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "app": "maskd-playground train.py",
            "config": self.page["config"],
            "tokens": self.page["tokens"],
            "history": self.series(ours),
            "handover": {"step": self.handover_step, "engine": "pytorch", "processes": processes, "device": device.type, "torch": torch.__version__},
            "result": result,
            "checkpoint": checkpoint,
        }
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, f"maskd-run-{self.spec['task']}-step{step}.json")
        text = lists.splice(json.dumps(run, allow_nan=False, separators=(",", ":"))) + "\n"
        with open(path, "w") as f:
            f.write(text)
        self.warn_over_limits(path, len(text.encode()), lists.count, len(history))
        return path

    def warn_over_limits(self, path, size, values, entries):
        """The page refuses a run file over its limits (src/limits.ts): say so now rather than there."""
        limits = self.page.get("limits", {})
        over = [f"{what} {have} over the page's {limit}" for what, have, limit in (
            ("bytes", size, limits.get("runFileBytes")),
            ("weight values", values, limits.get("checkpointValues")),
            ("history entries", entries, limits.get("checkpointHistory")),
        ) if limit is not None and have > limit]
        if over:
            print(f"warning: the page will refuse {path}: {', '.join(over)}", file=sys.stderr)


def score_scenes(student, scenes, spec, device):
    k, batch = spec["numClasses"], spec["batch"]
    counts = np.zeros(k * k)
    detections, truth = [], []
    for i in range(0, len(scenes), batch):
        part = scenes[i : i + batch]
        images = torch.from_numpy(np.stack([s[0] for s in part])).permute(0, 3, 1, 2).to(device)
        out = student(images)
        if isinstance(out, (tuple, list)):
            out = out[0]
        if spec["task"] == "segmentation":
            pred = argmax_labels(out.permute(0, 2, 3, 1).to("cpu", torch.float32).numpy())
            for s, p in zip(part, pred):
                accumulate_confusion(counts, k, s[1], p)
            continue
        nhwc = lambda t: t.permute(0, 2, 3, 1).to("cpu", torch.float32).numpy()  # noqa: E731
        heat, size, offset = nhwc(out[:, :k].sigmoid()), nhwc(out[:, k : k + 2]), nhwc(out[:, k + 2 : k + 4])
        d = spec["decode"]
        for j, s in enumerate(part):
            detections.append(decode_centernet(heat[j], size[j], offset[j], d["stride"], k, d["topK"], d["threshold"]))
            truth.append(s[2])
    if spec["task"] == "segmentation":
        return mean_iou(counts, k)
    ap, _ = average_precision(detections, truth, k)
    return 0.0 if ap != ap else ap
`;
