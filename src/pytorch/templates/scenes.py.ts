// scenes.py of a run bundle: the digit scene generator (src/data/scenes.ts, rng.ts, resample.ts,
// sceneBatch) and CenterNet's target encoder (src/data/centernet.ts) in Python with numpy. Held as a string.
export const SCENES_PY = String.raw`"""The playground's digit scenes (src/data/scenes.ts, rng.ts, resample.ts, batches.ts' sceneBatch)
in Python: the same seed, step and batch give the same images (bit for bit, float32) and labels.
Only exact operations, as there: mulberry32 on uint32, + - * / and floor on doubles, float32 stores."""
import math

import numpy as np

M32 = 0xFFFFFFFF


def _imul(a, b):
    return (a * b) & M32


def mix_seed(seed, index):
    h = (seed & M32) ^ _imul(index & M32, 0x9E3779B1)
    h = _imul(h ^ (h >> 16), 0x85EBCA6B)
    h = _imul(h ^ (h >> 13), 0xC2B2AE35)
    return (h ^ (h >> 16)) & M32


def _mulberry(s):
    """Outputs for the states s (uint64 array holding uint32 values): vectorised mulberry32."""
    t = s.copy()
    t = ((t ^ (t >> 15)) * (t | 1)) & M32
    t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32
    return (t ^ (t >> 14)) & M32


class Rng:
    def __init__(self, seed):
        self.s = seed & M32

    def u32(self):
        self.s = (self.s + 0x6D2B79F5) & M32
        return int(_mulberry(np.array([self.s], dtype=np.uint64))[0])

    def u32s(self, n):
        """The next n outputs at once (the state only advances by a constant)."""
        k = np.arange(1, n + 1, dtype=np.uint64)
        states = (np.uint64(self.s) + k * np.uint64(0x6D2B79F5)) & np.uint64(M32)
        self.s = int(states[-1]) if n else self.s
        return _mulberry(states)

    def uniform(self, lo=0.0, hi=1.0):
        return lo + (hi - lo) * (self.u32() / 4294967296)

    def int(self, lo, hi):
        return lo + int(np.floor((self.u32() / 4294967296) * (hi - lo + 1)))


DEFAULT = dict(height=64, width=64, minDigits=1, maxDigits=4, minSize=18, maxSize=32, maxIoU=0.3, maxCover=0.5, maxTries=20, inkThreshold=0.5, noise=0.1, minContrast=0.9, bold=2)


def bold_digit(img, bold):
    if bold <= 0:
        return img
    rows, cols = img.shape
    across = np.zeros_like(img)
    for x in range(cols):
        across[:, x] = img[:, max(0, x - bold) : min(cols - 1, x + bold) + 1].max(1)
    out = np.zeros_like(img)
    for y in range(rows):
        out[y] = across[max(0, y - bold) : min(rows - 1, y + bold) + 1].max(0)
    return out


def resample_digit(img, size, bold):
    rows, cols = img.shape
    px = bold_digit(img, bold).astype(np.float64)

    def axis(n):
        s = ((np.arange(size) + 0.5) * n) / size - 0.5
        s = np.clip(s, 0, n - 1)
        i0 = np.floor(s).astype(np.int64)
        i1 = np.where(i0 + 1 < n, i0 + 1, i0)
        return i0, i1, s - i0

    y0, y1, fy = axis(rows)
    x0, x1, fx = axis(cols)
    top = px[y0][:, x0] + (px[y0][:, x1] - px[y0][:, x0]) * fx
    bot = px[y1][:, x0] + (px[y1][:, x1] - px[y1][:, x0]) * fx
    return (top + (bot - top) * fy[:, None]) / 255


def ink_box(ink, threshold):
    ys, xs = np.nonzero(ink > threshold)
    if len(xs) == 0:
        return None
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def _inter(a, b):
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0


def _area(b):
    return (b[2] - b[0]) * (b[3] - b[1])


def fits(box, placed, cfg):
    for p in placed:
        inter = _inter(box, p)
        union = _area(box) + _area(p) - inter
        if (inter / union if union > 0 else 0) > cfg["maxIoU"]:
            return False
        if inter > cfg["maxCover"] * min(_area(box), _area(p)):
            return False
    return True


def generate_scene(pixels, labels, seed, cfg):
    """(image float32 [H,W,3], labels uint8 [H,W], boxes [(x0,y0,x1,y1,cls)])."""
    rng = Rng(seed)
    H, W = cfg["height"], cfg["width"]
    c0 = [rng.uniform() for _ in range(3)]
    c1 = [rng.uniform() for _ in range(3)]
    d = rng.int(0, 3)
    denom = max(1, (W if d == 0 else H) - 1) if d < 2 else max(1, W + H - 2)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float64)
    t = (xx if d == 0 else yy if d == 1 else xx + yy if d == 2 else W - 1 - xx + yy) / denom
    noise = rng.u32s(H * W * 3).reshape(H, W, 3) / 4294967296
    c0a, c1a = np.array(c0), np.array(c1)
    image = np.clip(c0a + (c1a - c0a) * t[..., None] + cfg["noise"] * (2 * noise - 1), 0, 1).astype(np.float32)
    lab = np.zeros((H, W), dtype=np.uint8)
    boxes = []
    for _ in range(rng.int(cfg["minDigits"], cfg["maxDigits"])):
        for _attempt in range(cfg["maxTries"]):
            index = rng.int(0, len(labels) - 1)
            size = rng.int(cfg["minSize"], cfg["maxSize"])
            x = rng.int(0, W - size)
            y = rng.int(0, H - size)
            ink = resample_digit(pixels[index], size, cfg["bold"])
            local = ink_box(ink, cfg["inkThreshold"])
            if local is None:
                continue
            cls = int(labels[index])
            box = (x + local[0], y + local[1], x + local[2], y + local[3], cls)
            if not fits(box, boxes, cfg):
                continue
            colour = None
            for _i in range(16):
                col = [rng.uniform() for _ in range(3)]
                if sum(abs(a - b) for a, b in zip(col, c0)) >= cfg["minContrast"] and sum(abs(a - b) for a, b in zip(col, c1)) >= cfg["minContrast"]:
                    colour = col
                    break
            if colour is None:
                colour = [1.0 if (c0[c] + c1[c]) / 2 < 0.5 else 0.0 for c in range(3)]
            a = ink[..., None]
            region = image[y : y + size, x : x + size]
            blended = (region.astype(np.float64) * (1 - a) + np.array(colour) * a).astype(np.float32)
            image[y : y + size, x : x + size] = np.where(a != 0, blended, region)
            lab[y : y + size, x : x + size][ink > cfg["inkThreshold"]] = cls + 1
            boxes.append(box)
            break
    return image, lab, boxes


def scene_batch(pixels, labels, seed, step, batch, cfg=None):
    """Batch number step of the stream seed: scenes [step*batch, (step+1)*batch), as sceneBatch."""
    cfg = dict(DEFAULT, **(cfg or {}))
    return [generate_scene(pixels, labels, mix_seed(seed, step * batch + i), cfg) for i in range(batch)]


def gaussian_radius(height, width, min_overlap=0.7):
    b1 = height + width
    c1 = (width * height * (1 - min_overlap)) / (1 + min_overlap)
    r1 = (b1 + math.sqrt(b1 * b1 - 4 * c1)) / 2
    b2 = 2 * (height + width)
    c2 = (1 - min_overlap) * width * height
    r2 = (b2 + math.sqrt(b2 * b2 - 16 * c2)) / 2
    a3 = 4 * min_overlap
    b3 = -2 * min_overlap * (height + width)
    c3 = (min_overlap - 1) * width * height
    r3 = (b3 + math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2
    return min(r1, r2, r3)


def encode_centernet(boxes, image_h, image_w, stride=4, num_classes=10, min_overlap=0.7):
    """CenterNet targets as src/data/centernet.ts: heatmap [gh,gw,K], size and offset [gh,gw,2], mask [gh,gw,1]."""
    gh, gw = image_h // stride, image_w // stride
    heat = np.zeros((gh, gw, num_classes), dtype=np.float32)
    size = np.zeros((gh, gw, 2), dtype=np.float32)
    offset = np.zeros((gh, gw, 2), dtype=np.float32)
    mask = np.zeros((gh, gw, 1), dtype=np.float32)
    for x0, y0, x1, y1, cls in boxes:
        w, h = (x1 - x0) / stride, (y1 - y0) / stride
        cx, cy = (x0 + x1) / 2 / stride, (y0 + y1) / 2 / stride
        ix, iy = min(gw - 1, max(0, math.floor(cx))), min(gh - 1, max(0, math.floor(cy)))
        radius = max(0, math.floor(gaussian_radius(h, w, min_overlap)))
        sigma = (2 * radius + 1) / 6
        for dy in range(-radius, radius + 1):
            y = iy + dy
            if y < 0 or y >= gh:
                continue
            for dx in range(-radius, radius + 1):
                x = ix + dx
                if x < 0 or x >= gw:
                    continue
                g = math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))
                if g < 2.220446049250313e-16:
                    g = 0.0
                if g > heat[y, x, cls]:
                    heat[y, x, cls] = g
        size[iy, ix] = (w, h)
        offset[iy, ix] = (cx - ix, cy - iy)
        mask[iy, ix, 0] = 1
    return heat, size, offset, mask
`;
