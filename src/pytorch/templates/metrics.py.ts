// metrics.py of a run bundle: the page's validation metrics in Python (segmentation mIoU, detection
// AP@0.5 with CenterNet's decode), written to give the page's numbers from the same outputs.
// Held as a string so that the page and Node write the same bytes.
export const METRICS_PY = String.raw`"""The page's metrics in Python: src/models/metrics.ts (confusion, mIoU, pixel accuracy, VOC AP
with all-point interpolation), src/data/centernet.ts's decodeCenterNet and src/data/boxes.ts's IoU.
Outputs are channels-last numpy arrays as the page reads them ([H,W,K] logits, [gh,gw,C]
probabilities); every sum and box coordinate is a Python float (double), as JavaScript's numbers."""
import numpy as np


def argmax_labels(logits):
    """[..., K] -> class index of the largest value, the first one on a tie (as the page)."""
    return np.argmax(logits, axis=-1)


def accumulate_confusion(counts, num_classes, gt, pred):
    """Adds per-pixel labels to counts[gt * K + pred] (a float64 array of K*K)."""
    gt = np.asarray(gt, dtype=np.int64).ravel()
    pred = np.asarray(pred, dtype=np.int64).ravel()
    if gt.shape != pred.shape:
        raise ValueError(f"confusion: {gt.size} labels vs {pred.size} predictions")
    if gt.size and (gt.min() < 0 or gt.max() >= num_classes or pred.min() < 0 or pred.max() >= num_classes):
        raise ValueError("confusion: class out of range")
    counts += np.bincount(gt * num_classes + pred, minlength=num_classes * num_classes)


def class_iou(counts, num_classes):
    """TP / (TP + FP + FN) per class; NaN for a class absent from both truth and prediction."""
    out = []
    for cls in range(num_classes):
        row = 0.0
        col = 0.0
        for j in range(num_classes):
            row += float(counts[cls * num_classes + j])
            col += float(counts[j * num_classes + cls])
        tp = float(counts[cls * num_classes + cls])
        union = row + col - tp
        out.append(tp / union if union > 0 else float("nan"))
    return out


def mean_iou(counts, num_classes):
    """Mean over the classes present in truth or prediction; NaN without pixels."""
    present = [v for v in class_iou(counts, num_classes) if v == v]
    total = 0.0
    for v in present:
        total += v
    return total / len(present) if present else float("nan")


def decode_centernet(heat, size, offset, stride=4, num_classes=10, top_k=100, threshold=0.05):
    """Boxes (x0, y0, x1, y1, cls, score) from one image's heads: heat [gh,gw,C] probabilities
    (float32), size and offset [gh,gw,2]. A peak is at least threshold and no smaller than any of
    its 3x3 neighbours in its class; sorted by score, ties by cell then class."""
    heat = np.asarray(heat, dtype=np.float32)
    gh, gw, nc = heat.shape
    if nc != num_classes:
        raise ValueError(f"decode: heatmap has {nc} classes, expected {num_classes}")
    padded = np.pad(heat, ((1, 1), (1, 1), (0, 0)), constant_values=-np.inf)
    around = np.full_like(heat, -np.inf)
    for dy in range(3):
        for dx in range(3):
            around = np.fmax(around, padded[dy : dy + gh, dx : dx + gw])
    peak = (heat.astype(np.float64) >= threshold) & ~(around > heat)
    ks = np.flatnonzero(peak.ravel())
    scores = heat.ravel()[ks]
    order = np.lexsort((ks, -scores.astype(np.float64)))[:top_k]
    boxes = []
    for k, score in zip(ks[order], scores[order]):
        cell, cls = divmod(int(k), nc)
        iy, ix = divmod(cell, gw)
        cx = (ix + float(offset[iy, ix, 0])) * stride
        cy = (iy + float(offset[iy, ix, 1])) * stride
        w = float(size[iy, ix, 0]) * stride
        h = float(size[iy, ix, 1]) * stride
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, cls, float(score)))
    return boxes


def _area(b):
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def iou(a, b):
    """Intersection over union of (x0, y0, x1, y1, ...) boxes, 0 when both are empty."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    inter = w * h if w > 0 and h > 0 else 0.0
    union = _area(a) + _area(b) - inter
    return inter / union if union > 0 else 0.0


def ap_from_matches(tp, n_gt):
    """All-point interpolated AP from the TP flags of score-sorted detections."""
    recall, precision = [0.0], [0.0]
    cum = 0
    for i, t in enumerate(tp):
        cum += t
        recall.append(cum / n_gt)
        precision.append(cum / (i + 1))
    recall.append(1.0)
    precision.append(0.0)
    for i in range(len(precision) - 2, -1, -1):
        precision[i] = max(precision[i], precision[i + 1])
    ap = 0.0
    for i in range(1, len(recall)):
        ap += (recall[i] - recall[i - 1]) * precision[i]
    return ap


def average_precision(detections, truth, num_classes=10, iou_threshold=0.5):
    """VOC AP per class over all images (detections[i] and truth[i] belong to image i; a truth box
    is (x0, y0, x1, y1, cls)): (mean over the classes with truth boxes or NaN, per class or None)."""
    if len(detections) != len(truth):
        raise ValueError(f"AP: {len(detections)} detection lists for {len(truth)} images")
    per_class = []
    for cls in range(num_classes):
        gts = [[g for g in boxes if g[4] == cls] for boxes in truth]
        n_gt = sum(len(g) for g in gts)
        if n_gt == 0:
            per_class.append(None)
            continue
        dets = [(d, img) for img, boxes in enumerate(detections) for d in boxes if d[4] == cls]
        dets = [x for _, x in sorted(enumerate(dets), key=lambda e: (-e[1][0][5], e[0]))]
        used = [[False] * len(g) for g in gts]
        tp = []
        for d, img in dets:
            best, best_iou = -1, -1.0
            for j, g in enumerate(gts[img]):
                v = iou(d, g)
                if v > best_iou:
                    best_iou, best = v, j
            hit = best >= 0 and best_iou >= iou_threshold and not used[img][best]
            if hit:
                used[img][best] = True
            tp.append(1 if hit else 0)
        per_class.append(ap_from_matches(tp, n_gt))
    valid = [v for v in per_class if v is not None]
    total = 0.0
    for v in valid:
        total += v
    return (total / len(valid) if valid else float("nan")), per_class
`;
