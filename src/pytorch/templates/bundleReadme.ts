// README.md of a run bundle: the two commands, what each file is, how to point it at a GPU.
export interface ReadmeFacts {
  readonly task: string;
  readonly method: string;
  readonly step: number;
  readonly totalSteps: number;
  readonly recorded: number;
  readonly batch: number;
  /** What train.py draws the steps past the recorded ones from: scenes.py, dataset.py, or nothing. */
  readonly drawn: 'scenes' | 'dataset' | null;
}

export function bundleReadme(f: ReadmeFacts): string {
  const last = f.step + f.recorded;
  const data = f.drawn === 'dataset'
    ? `The data: dataset.safetensors holds your dataset as the page held it (float32 images, resized;
class maps or boxes) and dataset.py draws every global batch from it in the page's order for the
run's seed (the same epoch-by-epoch shuffles), with CenterNet's targets for detection.`
    : f.drawn
    ? `The data: batches.safetensors holds the page's global batches for steps ${f.step + 1}–${last}; past them
train.py draws the page's scenes itself with scenes.py (a port of the page's generator that gives
the same images bit for bit) from digits.safetensors, in the page's seed and order.`
    : `The data: batches.safetensors holds the page's global batches for steps ${f.step + 1}–${last}, so
train.py can run ${f.recorded} step(s) from here (this task's data are not drawn in Python yet).`;
  return `# MasKD Playground run, continued in PyTorch

${f.task}, ${f.method} distillation, handed over after step ${f.step} of ${f.totalSteps}
(global batch ${f.batch}). Needs Python 3, PyTorch >= 1.13 and numpy; nothing else.

## Run it

    python train.py --steps 50
    torchrun --standalone --nproc_per_node=2 train.py --steps 50

Each of the N processes takes 1/N of every global batch (the batch must split evenly); BatchNorm
uses the whole global batch's statistics, so 1 and N processes take the same steps. On CPU the
processes talk over gloo; with CUDA, train.py picks the GPU (one per process under torchrun, over
nccl); \`--device cpu\` forces the CPU. With torch 1.13 on Python 3.11 torchrun can fail at start
with "'NoneType' object has no attribute 'get'": add \`--redirects 1 --tee 1\`.

    python train.py --check     # the page's own next steps from this state, beside PyTorch's

Options: \`--steps N\` (default: to the run's last step), \`--batch B\` (default the page's global
batch; ${f.drawn ? 'any that splits over the processes' : 'at most the recorded one'}), \`--lr LR\` (base rate of the cosine schedule; default the page's), \`--eval-every K\`
(every K steps and at the last: score the student on the page's validation scenes, or your
dataset's validation images, keep the best, write a checkpoint; default: only a checkpoint at the
end), \`--no-test\` (do not score the final student on the page's test scenes, or for a dataset
its validation images), \`--out DIR\` (default ./out), \`--json\` (one JSON line per step).

${data}

## Files

| file | what |
|---|---|
| train.py | the stage-2 loop: task loss + the method's term, Adam, cosine schedule, DDP |
| maskd_nn.py | helpers of the generated modules (TF's 'same' padding, TF.js BatchNorm, safetensors I/O) |
| teacher.py, teacher.safetensors | the teacher as an nn.Module generated from its TF.js model, and its weights (frozen, eval mode) |
| student.py, student.safetensors | the student, likewise (trained) |
| align.py, align.safetensors | the align module: 1x1 conv to the teacher's width (+ resize) |
| tokens.safetensors | the receptive tokens (+ token-weight branch) under the reference MaskModule's names |
| optimizer.safetensors | Adam's moments and step (absent at step 0) |
| run.json | task, taps, method and its parameters, schedule position, seed, history |
| batches.safetensors | the recorded global batches, NHWC as the page made them |
| scenes.py, digits.safetensors | the page's scene generator in Python and its training digits (demo runs) |
| dataset.py, dataset.safetensors | your dataset's training and validation images and labels, and the page's sampling order (dataset runs) |
| page.json, page_run.py, metrics.py | the way back: the page's settings, tokens and curve, how each weight goes back to the page's layout; the page's metrics |
| heldout.safetensors, page-best.safetensors | the validation and test digits the page scores on (demo runs); the page's best student so far, if any |

Outputs in out/: student/align/optimizer .safetensors and run.json with the PyTorch steps added to
the history (where: "pytorch"). Every generated module loads with load_state_dict(strict=True);
4-D tensors are NCHW, and \`net(x, keep=("neck",))\` also returns that layer's output.

## Back to the page

With page.json, train.py also writes out/maskd-run-<task>-step<k>.json at the end and
at every --eval-every step: a run file of the page's own. It holds the whole curve (the page's
steps, then these, with a marker where the run changed hands), the validation metric where
train.py scored, the final student's test metric on the page's test scenes (not with --no-test;
a dataset has no test split: as the page does, its validation images, and the file says "val"),
and the trained student, align module and Adam's state in the page's layouts. Open it in the page
with Export -> Open run or tokens... (or drop it on the page): the student can be distilled further
there (Resume) or exported again.
`;
}
