// dataset.py of a run bundle: a dropped dataset's training stream as the page draws it
// (src/train/dataSource.ts: customSource, epochOrder) and its targets as the page builds them
// (src/data/batches.ts). Uses scenes.py's mulberry32 and CenterNet encoder. Held as a string.
export const DATASET_PY = String.raw`"""A dropped dataset's samples in the order the page draws them (src/train/dataSource.ts).

Sample i of the stream seed is order(seed, i // N)[i % N] of the N training images, where
order(seed, epoch) is a Fisher-Yates permutation driven by mulberry32 seeded with
mix_seed(seed, epoch); batch step of size n holds samples [step*n, (step+1)*n). Images are the
page's float32 RGB in [0, 1] (NHWC, already resized); segmentation labels are class maps,
detection labels are boxes, encoded into CenterNet's targets per image as the page does."""
import math

import numpy as np

from scenes import Rng, encode_centernet, mix_seed


def epoch_order(seed, epoch, count):
    """The page's epochOrder: Fisher-Yates from the end, j = rng.int(0, i)."""
    order = np.arange(count, dtype=np.int64)
    draws = Rng(mix_seed(seed, epoch)).u32s(max(count - 1, 0))
    for k, i in enumerate(range(count - 1, 0, -1)):
        j = math.floor((int(draws[k]) / 4294967296) * (i + 1))
        order[i], order[j] = order[j], order[i]
    return order


class DatasetStream:
    """One split of dataset.safetensors (train by default): {split}.images [N,H,W,3] float32 and
    {split}.labels [N,H,W] uint8, or {split}.boxes [M,4] float64 (x0, y0, x1, y1 in pixels),
    {split}.classes [M] int32 and {split}.box_start [N+1] int32 (image k's boxes are rows
    box_start[k]:box_start[k+1])."""

    def __init__(self, arrays, task, num_classes, split="train"):
        self.task, self.num_classes = task, num_classes
        self.images = arrays[f"{split}.images"]
        self.count = self.images.shape[0]
        if task == "segmentation":
            self.labels = arrays[f"{split}.labels"]
        else:
            self.boxes, self.classes, self.box_start = arrays[f"{split}.boxes"], arrays[f"{split}.classes"], arrays[f"{split}.box_start"]
        self._orders = {}

    def order(self, seed, epoch):
        key = (seed, epoch)
        if key not in self._orders:
            if len(self._orders) > 8:
                self._orders.clear()
            self._orders[key] = epoch_order(seed, epoch, self.count)
        return self._orders[key]

    def indices(self, seed, step, batch):
        """The training images of batch step (the page's trainBatch(seed, step, batch)), in order."""
        out = []
        for k in range(batch):
            i = step * batch + k
            epoch = i // self.count
            out.append(int(self.order(seed, epoch)[i - epoch * self.count]))
        return out

    def boxes_of(self, k):
        a, b = int(self.box_start[k]), int(self.box_start[k + 1])
        return [(*(float(v) for v in self.boxes[r]), int(self.classes[r])) for r in range(a, b)]

    def samples(self, idx):
        """Images idx as the page's batch: images [n,H,W,3] and labels [n,H,W] (int64), or
        CenterNet's heatmap, size, offset and mask, NHWC."""
        images = self.images[idx]
        if self.task == "segmentation":
            return {"images": images, "labels": self.labels[idx].astype(np.int64)}
        h, w = images.shape[1:3]
        targets = [encode_centernet(self.boxes_of(k), h, w, num_classes=self.num_classes) for k in idx]
        out = {"images": images}
        for i, key in enumerate(("heatmap", "size", "offset", "mask")):
            out[key] = np.stack([t[i] for t in targets])
        return out
`;
