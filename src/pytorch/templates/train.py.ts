// train.py of a run bundle: stage 2 continued in PyTorch (python or torchrun; see its docstring).
// Held as a string so that the page and Node write the same bytes.
export const TRAIN_PY = String.raw`#!/usr/bin/env python3
"""Stage 2 of a MasKD Playground run (masked distillation), continued in PyTorch.

    python train.py --steps 50                                 # one process
    torchrun --standalone --nproc_per_node=2 train.py --steps 50   # DDP: gloo on CPU, nccl on GPU

Reads the bundle beside this file: run.json (task, method and its parameters, schedule, step,
history), teacher.py/.safetensors, student.py/.safetensors, align.py/.safetensors (modules
generated from the page's TF.js models), tokens.safetensors (the reference MaskModule's state:
mask_token and, with token weights, prob.*), optimizer.safetensors (Adam moments, if the run had
taken steps) and the data (batches.safetensors: the batches of the steps to run, NHWC as the page
made them). Each rank takes its share of every global batch; BatchNorm uses the global batch's
statistics, so N processes take the same steps as one. Writes student/align/optimizer
.safetensors and run.json (with the new steps in its history) to --out.

The way back (bundles exported from the page: page.json): --eval-every N scores the student every
N steps and at the last on the page's own validation scenes (its metric: mIoU, or AP@0.5 with its
decode; metrics.py) and keeps the best (out/best-student.safetensors); at the end the student is
scored once on the page's test scenes (not with --no-test). A dropped dataset's run scores on the
dataset's validation images as the page does, the final number too (a dataset has no test split). At the end and at every evaluation,
out/maskd-run-<task>-step<k>.json is the page's run file: open it in the page (Export -> Open run
or tokens..., or drop it) for the whole curve, the test result and the trained student.

Losses as in the page (src/maskd/methods.ts, ops.ts, methods.losses.ts, src/models/losses.ts):
task loss (pixel cross-entropy, or CenterNet focal + 0.1 L1 size + L1 offset) plus the method's
term: maskd (masks from the frozen tokens on the teacher feature, optional token weights, custom
mask after its warm-up), cwd, fitnet or none. Adam (TF.js's epsilon) with cosine decay of the
learning rate over the run's total steps.
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from maskd_nn import read_safetensors, write_safetensors  # noqa: E402


# ---- distributed -------------------------------------------------------------------------------

def world():
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def rank():
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def global_sum(x):
    """Sum over the ranks of a gradient-free tensor (the global batch's count or sum)."""
    x = x.detach().clone()
    if world() > 1:
        dist.all_reduce(x)
    return x


# ---- the receptive tokens: the reference MaskModule's names ------------------------------------

class MaskModule(nn.Module):
    def __init__(self, channels, num_tokens, weight_mask):
        super().__init__()
        self.weight_mask = weight_mask
        self.mask_token = nn.Parameter(torch.zeros(num_tokens, channels), requires_grad=False)
        if weight_mask:
            self.prob = nn.Sequential(
                nn.Conv2d(channels, channels, kernel_size=3, padding=1),
                nn.AdaptiveAvgPool2d(1),
                nn.Conv2d(channels, num_tokens, kernel_size=1),
            )
            self.prob.requires_grad_(False)

    def forward_mask(self, x):
        """[N,C,H,W] -> masks [N,T,H,W] = sigmoid(token . feature)."""
        return torch.einsum("tc,nchw->nthw", self.mask_token, x).sigmoid()

    def forward_prob(self, x):
        return self.prob(x).flatten(1).softmax(1)


# ---- losses -------------------------------------------------------------------------------------

def maskd_loss(p, tokens, s, t, step, total_steps):
    masks = tokens.forward_mask(t)
    weights = tokens.forward_prob(t) if tokens.weight_mask else None
    start = round(p["customMaskWarmupShare"] * total_steps) if p["customMask"] else None
    if start is not None and start < total_steps and step >= start:
        masks = masks * tokens.forward_mask(s).detach()
    num = torch.einsum("nthw,nchw->ntc", masks * masks, (s - t) ** 2)
    per = num / (masks.sum((2, 3)) + p["eps"]).unsqueeze(-1)  # [N,T,C]
    loss = per.mean() if weights is None else (per.mean(2) * weights).sum(1).mean()
    return loss * (p["lossWeight"] * p["factor"])


def cwd_loss(p, s, t):
    n, c, h, w = t.shape
    tau = p["tau"]
    log_pt = F.log_softmax(t.reshape(n, c, h * w) / tau, dim=2)
    log_ps = F.log_softmax(s.reshape(n, c, h * w) / tau, dim=2)
    kl = (log_pt.exp() * (log_pt - log_ps)).sum()
    return kl * (tau * tau / (n * c)) * p["lossWeight"]


def distill_loss(method, tokens, s, t, step, total_steps):
    name, p = method["name"], method["params"]
    if name == "maskd":
        return maskd_loss(p, tokens, s, t, step, total_steps)
    if name == "cwd":
        return cwd_loss(p, s, t)
    if name == "fitnet":
        return ((s - t) ** 2).mean() * p["lossWeight"]
    raise ValueError(f"unknown method {name}")


def segmentation_loss(logits, labels):
    return F.cross_entropy(logits, labels.long())


def detection_loss(out, batch, classes):
    """CenterNet: focal (alpha 2, beta 4) / centres + 0.1 * L1(size) + L1(offset) / masked values,
    each normalised by the global batch's counts; x world size so that DDP's mean is the global loss."""
    heat, size, offset = out[:, :classes], out[:, classes : classes + 2], out[:, classes + 2 : classes + 4]
    target, mask = batch["heatmap"], batch["mask"]
    p = heat.sigmoid()
    log_p, log_1mp = -F.softplus(-heat), -F.softplus(heat)
    pos = (target == 1).float()
    pos_loss = log_p * (1 - p) ** 2 * pos
    neg_loss = log_1mp * p ** 2 * (1 - target) ** 4 * (1 - pos)
    num_pos = global_sum(pos.sum()).clamp_min(1)
    focal = -(pos_loss.sum() + neg_loss.sum()) / num_pos
    m = mask.expand_as(size)
    count = global_sum(m.sum()) + 1e-4
    l1_size = ((size - batch["size"]).abs() * m).sum() / count
    l1_offset = ((offset - batch["offset"]).abs() * m).sum() / count
    return (focal + 0.1 * l1_size + l1_offset) * world()


def cosine_lr(base, step, total):
    t = min(max(step / max(total, 1), 0.0), 1.0)
    return base * 0.5 * (1 + math.cos(math.pi * t))


# ---- the run ------------------------------------------------------------------------------------

def load_module(name):
    mod = __import__(name)
    net = mod.Net()
    net.load_state_dict(read_safetensors(os.path.join(HERE, f"{name}.safetensors")), strict=True)
    return net


class Trainee(nn.Module):
    """The student and the align module: what stage 2 trains."""

    def __init__(self, student, align, tap):
        super().__init__()
        self.student, self.align, self.tap = student, align, tap

    def forward(self, images, with_feature):
        if not with_feature:
            return self.student(images), None
        out, kept = self.student(images, keep=(self.tap,))
        return out, self.align(kept[self.tap])


def nchw(x):
    return x.permute(0, 3, 1, 2) if x.dim() == 4 else x


def rank_batch(data, index, device):
    """Global batch number index of the recorded data, this rank's share, NCHW."""
    out = {}
    for key, value in data.items():
        b = value.shape[1]
        if b % world():
            raise SystemExit(f"the global batch ({b}) does not split over {world()} processes")
        share = b // world()
        out[key] = nchw(value[index, rank() * share : (rank() + 1) * share]).to(device)
    return out


def scene_source(run, device):
    """Batches drawn by scenes.py from digits.safetensors (the page's generator, same seed and order),
    for the steps the recorded data do not hold: images and labels, or CenterNet's targets."""
    spec = run.get("data") or {}
    if spec.get("kind") != "scenes" or not os.path.exists(os.path.join(HERE, "digits.safetensors")):
        return None
    from scenes import encode_centernet, scene_batch

    pool = read_safetensors(os.path.join(HERE, "digits.safetensors"))
    pixels, labels = pool["pixels"].numpy(), pool["labels"].numpy()

    def draw(step, batch):
        scenes = scene_batch(pixels, labels, spec["seed"], step, batch, spec.get("scene"))
        share = batch // world()
        mine = scenes[rank() * share : (rank() + 1) * share]
        images = torch.from_numpy(np.stack([s[0] for s in mine])).permute(0, 3, 1, 2).to(device)
        if run["task"] == "segmentation":
            return {"images": images, "labels": torch.from_numpy(np.stack([s[1] for s in mine]).astype(np.int64)).to(device)}
        h, w = mine[0][1].shape
        targets = [encode_centernet(s[2], h, w, num_classes=run["numClasses"]) for s in mine]
        out = {"images": images}
        for i, key in enumerate(("heatmap", "size", "offset", "mask")):
            out[key] = torch.from_numpy(np.stack([t[i] for t in targets])).permute(0, 3, 1, 2).to(device)
        return out

    return draw


def dataset_source(run, device):
    """Batches drawn by dataset.py from dataset.safetensors (a dropped dataset, in the page's order
    for the run's seed): images and labels, or CenterNet's targets."""
    spec = run.get("data") or {}
    if spec.get("kind") != "dataset":
        return None
    from dataset import DatasetStream

    arrays = {k: v.numpy() for k, v in read_safetensors(os.path.join(HERE, "dataset.safetensors")).items()}
    stream = DatasetStream(arrays, run["task"], run["numClasses"])

    def draw(step, batch):
        share = batch // world()
        mine = stream.indices(spec["seed"], step, batch)[rank() * share : (rank() + 1) * share]
        return {k: nchw(torch.from_numpy(v)).to(device) for k, v in stream.samples(mine).items()}

    return draw


def take(data, batch):
    """The first --batch samples of every recorded global batch (--batch below the page's)."""
    if batch is None:
        return data
    have = data["images"].shape[1]
    if not 0 < batch <= have:
        raise SystemExit(f"--batch {batch}: the recorded batches hold {have} samples each")
    return {k: v[:, :batch] for k, v in data.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--steps", type=int, default=None, help="steps to run from here (default: to the run's total)")
    ap.add_argument("--batch", type=int, default=None, help="global batch (default: the recorded one); must split over the processes")
    ap.add_argument("--lr", type=float, default=None, help="base learning rate of the cosine schedule (default: the page's)")
    ap.add_argument("--eval-every", type=int, default=0, help="every N steps and at the last: score the student on the page's validation scenes, keep the best, write a checkpoint and the page's run file (0: only at the end, unscored)")
    ap.add_argument("--no-test", action="store_true", help="do not score the final student on the page's test scenes (a dataset's validation images)")
    ap.add_argument("--data", default=os.path.join(HERE, "batches.safetensors"))
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--json", action="store_true", help="print each step as a JSON line")
    ap.add_argument("--check", action="store_true", help="take the steps the page took after the hand-over (run.json's check) and compare the losses; writes nothing")
    args = ap.parse_args()

    distributed = int(os.environ.get("WORLD_SIZE", "1")) > 1
    device = torch.device(args.device)
    if distributed:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
        if device.type == "cuda":
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
            torch.cuda.set_device(device)

    with open(os.path.join(HERE, "run.json")) as f:
        run = json.load(f)
    method, schedule = run["method"], run["schedule"]
    task, classes = run["task"], run["numClasses"]
    base_lr = args.lr if args.lr is not None else schedule["baseLr"]
    total = schedule["totalSteps"]
    step0 = schedule["step"]
    feature_free = method["name"] == "none"

    teacher = None if feature_free else load_module("teacher").to(device).eval().requires_grad_(False)
    tokens = None
    if method["name"] == "maskd":
        state = read_safetensors(os.path.join(HERE, "tokens.safetensors"))
        t, c = state["mask_token"].shape
        tokens = MaskModule(c, t, "prob.0.weight" in state)
        tokens.load_state_dict(state, strict=True)
        tokens = tokens.to(device).eval()
    trainee = Trainee(load_module("student"), load_module("align"), run["tap"]["student"]).to(device).train()
    if feature_free:
        # The student alone never runs the align module (nor does the page's): left trainable,
        # DDP would wait for its gradients forever; Adam holds no state for it on either side.
        trainee.align.requires_grad_(False)
    names = [n for n, p in trainee.named_parameters() if p.requires_grad]
    opt = torch.optim.Adam([p for p in trainee.parameters() if p.requires_grad], lr=base_lr, betas=(run["optimizer"]["beta1"], run["optimizer"]["beta2"]), eps=run["optimizer"]["epsilon"])
    opt_path = os.path.join(HERE, "optimizer.safetensors")
    if os.path.exists(opt_path):
        moments = read_safetensors(opt_path)
        for name, p in zip(names, [p for p in trainee.parameters() if p.requires_grad]):
            opt.state[p] = {"step": moments["step"].to(torch.float32).reshape(()).clone(), "exp_avg": moments[f"exp_avg.{name}"].to(device), "exp_avg_sq": moments[f"exp_avg_sq.{name}"].to(device)}
    model = nn.parallel.DistributedDataParallel(trainee) if distributed else trainee

    draw = scene_source(run, device) or dataset_source(run, device)
    # A dataset bundle records no batches: dataset.py draws every step.
    data = read_safetensors(args.data) if os.path.exists(args.data) or draw is None else {"images": torch.zeros(0, 0)}
    first = int(data.pop("first_step").item()) if "first_step" in data else step0
    if draw is not None and args.batch is not None and args.batch > data["images"].shape[1]:
        data = {k: v[:0] for k, v in data.items()}  # a bigger batch than recorded: draw every step
    else:
        data = take(data, args.batch)
    global_batch = args.batch or (run.get("data") or {}).get("batch") or data["images"].shape[1]
    if global_batch % world():
        raise SystemExit(f"the global batch ({global_batch}) does not split over {world()} processes")
    steps = args.steps if args.steps is not None else total - step0
    check = run.get("check", []) if args.check else []
    if args.check:
        if not check:
            raise SystemExit("run.json records no steps of the page to check against")
        steps = len(check)
    history = list(run.get("history", []))
    first_ours = len(history)
    back = page_return(args)
    for step in range(step0, step0 + steps):
        index = step - first
        if 0 <= index < data["images"].shape[0]:
            batch = rank_batch(data, index, device)
        elif draw is not None:
            batch = draw(step, global_batch)
        else:
            raise SystemExit(f"{args.data} holds no batch for step {step + 1} (and this task's data cannot be drawn here)")
        for g in opt.param_groups:
            g["lr"] = cosine_lr(base_lr, step, total)
        images = batch["images"]
        out, aligned = model(images, not feature_free)
        task_loss = segmentation_loss(out, batch["labels"]) if task == "segmentation" else detection_loss(out, batch, classes)
        if feature_free:
            distill = torch.zeros((), device=device)
        else:
            with torch.no_grad():
                _, kept = teacher(images, keep=(run["tap"]["teacher"],))
            distill = distill_loss(method, tokens, aligned, kept[run["tap"]["teacher"]], step, total)
        loss = task_loss + distill
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        row = global_sum(torch.stack([task_loss, distill, loss]).detach()) / world()
        entry = {"step": step + 1, "task": float(row[0]), "distill": float(row[1]), "total": float(row[2]), "lr": cosine_lr(base_lr, step, total), "where": "pytorch"}
        done = step + 1 == step0 + steps
        at_eval = bool(args.eval_every) and not args.check and ((step + 1 - step0) % args.eval_every == 0 or done)
        if at_eval and back is not None and rank() == 0:
            entry["metric"] = {"name": back.metric, "value": back.score(trainee.student, "val", device)}
            if back.keep_if_best(entry["metric"]["value"], step + 1, trainee.student):
                os.makedirs(args.out, exist_ok=True)
                write_safetensors(os.path.join(args.out, "best-student.safetensors"), trainee.student.state_dict())
        history.append(entry)
        if rank() == 0:
            metric = f", val {entry['metric']['name']} {entry['metric']['value']:.4f}" if "metric" in entry else ""
            print(json.dumps(entry) if args.json else f"step {step + 1}: total {entry['total']:.6f} (task {entry['task']:.6f}, distill {entry['distill']:.6f}){metric}", flush=True)
        if args.check:
            continue
        if rank() == 0 and (done or at_eval):
            save(args.out, run, trainee, opt, names, step + 1, history, base_lr)
            if back is not None:
                result = None
                if done and not args.no_test:
                    value = back.score(trainee.student, "test", device)
                    result = {"split": back.reported_split, "metric": back.metric, "value": value, "step": step + 1, "scenes": len(back.scenes("test"))}
                    if result["split"] != "test":
                        print(f"the dataset has no test split: the final student is scored on its {result['split']} split ({result['scenes']} images), as the page reports a dataset run", file=sys.stderr, flush=True)
                path = back.write(args.out, trainee, opt, step + 1, history[first_ours:], result, world(), device)
                test = f"; {result['split']} {back.metric} {result['value']:.4f} on {result['scenes']} {'images' if 'dataset' in back.spec else 'scenes'}" if result else ""
                print(f"run file for the page: {path}{test}", file=sys.stderr if args.json else sys.stdout, flush=True)
    bad = report_check(check, history[len(history) - len(check) :]) if args.check and rank() == 0 else False
    if distributed:
        dist.destroy_process_group()
    if bad:
        sys.exit(1)


def page_return(args):
    """The way back to the page (page_run.py), when the bundle came from the page's checkpoint (page.json)."""
    if not os.path.exists(os.path.join(HERE, "page.json")):
        if args.eval_every and rank() == 0:
            print("no page.json in this bundle: checkpoints are written without a validation metric or a run file for the page", file=sys.stderr)
        return None
    from page_run import PageReturn

    return PageReturn(HERE)


def report_check(page, ours):
    """Prints the page's losses beside ours; True when any is over its tolerance (1e-4 relative
    at the first step after the hand-over, 1e-3 after it)."""
    print(f"{'step':>6} {'page total':>14} {'pytorch total':>14} {'rel. diff':>10}  tolerance")
    bad = False
    for i, (p, o) in enumerate(zip(page, ours)):
        rel = abs(o["total"] - p["total"]) / max(abs(p["total"]), 1e-12)
        tol = 1e-4 if i == 0 else 1e-3
        bad = bad or not rel <= tol
        print(f"{p['step']:>6} {p['total']:>14.7g} {o['total']:>14.7g} {rel:>10.2e}  {tol:g}{'  OVER' if not rel <= tol else ''}")
    print("hand-over check: " + ("FAILED" if bad else "passed"))
    return bad


def save(out, run, trainee, opt, names, step, history, base_lr):
    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "student.safetensors"), trainee.student.state_dict())
    write_safetensors(os.path.join(out, "align.safetensors"), trainee.align.state_dict())
    params = dict(trainee.named_parameters())
    moments = {"step": torch.tensor(step, dtype=torch.int64)}
    for name in names:
        s = opt.state.get(params[name])
        if s:
            moments[f"exp_avg.{name}"] = s["exp_avg"]
            moments[f"exp_avg_sq.{name}"] = s["exp_avg_sq"]
            moments["step"] = torch.tensor(int(s["step"]), dtype=torch.int64)
    write_safetensors(os.path.join(out, "optimizer.safetensors"), moments)
    state = dict(run, history=history, schedule=dict(run["schedule"], step=step, baseLr=base_lr))
    with open(os.path.join(out, "run.json"), "w") as f:
        json.dump(state, f, indent=1)


if __name__ == "__main__":
    main()
`;
