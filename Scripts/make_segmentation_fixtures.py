#!/usr/bin/env python3
"""Writes the fixtures of Tests/ApusTests/Vision/SegmentationDataTests.swift and
Tests/ApusTests/Train/SegmentationMetricsTests.swift into Tests/ApusTests/Fixtures/segmentation/:

- masks/*.png: masks saved by Pillow (palette with index 255, 8-bit grey, 16-bit grey, 1-bit, 4-bit
  grey, and an RGB file that must be refused), with masks.json holding what
  `numpy.array(PIL.Image.open(path))` reads from each: the values torchvision's references take.
- nearest.json: a mask cropped and resized by nearest neighbour as torchvision's `F.resized_crop(mask,
  ..., NEAREST)` on a PIL image does (`crop(box).resize(size, NEAREST)`), for random boxes and sizes.
- metrics.json: predictions and targets with void pixels (255) and a class absent from both, in two
  batches, with torchvision's `references/segmentation/utils.py` ConfusionMatrix results (its
  formulas on the accumulated matrix) and torchmetrics' `MulticlassJaccardIndex` (macro and per class).
- voc/ and folder/: a tiny Pascal VOC segmentation layout (JPEG images, palette masks, split lists)
  and a plain images/ + masks/ folder, with the masks' values in datasets.json.

Run from the repository root: python3 Scripts/make_segmentation_fixtures.py
(needs numpy, Pillow, torch and torchmetrics).
"""
import json
import os

import numpy as np
import torch
from PIL import Image
from torchmetrics.classification import MulticlassJaccardIndex

OUT = "Tests/ApusTests/Fixtures/segmentation"
rng = np.random.default_rng(2024)


def voc_palette():
    """Pascal VOC's colour map (bit interleaving of the index), 256 RGB triples."""
    pal = []
    for i in range(256):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        pal += [r, g, b]
    return pal


def save_palette(values, path):
    im = Image.fromarray(values.astype(np.uint8), mode="P")
    im.putpalette(voc_palette())
    im.save(path)


def read(path):
    return np.array(Image.open(path)).astype(np.int64)


def masks():
    d = os.path.join(OUT, "masks")
    os.makedirs(d, exist_ok=True)
    expected = {}
    pal = rng.integers(0, 21, (7, 9))
    pal[0, :] = 255
    pal[3, 2:6] = 255
    save_palette(pal, os.path.join(d, "palette.png"))
    Image.fromarray(rng.integers(0, 256, (5, 6)).astype(np.uint8), mode="L").save(os.path.join(d, "gray8.png"))
    g16 = rng.integers(0, 65536, (4, 5)).astype(np.uint16)
    g16[0, 0], g16[0, 1] = 300, 255
    Image.fromarray(g16).save(os.path.join(d, "gray16.png"))
    Image.fromarray(rng.integers(0, 2, (6, 11)).astype(bool)).save(os.path.join(d, "gray1.png"))
    Image.fromarray((rng.integers(0, 16, (3, 7)) * 17).astype(np.uint8), mode="L").save(os.path.join(d, "gray4.png"), bits=4)
    Image.fromarray(rng.integers(0, 256, (4, 4, 3)).astype(np.uint8), mode="RGB").save(os.path.join(d, "rgb.png"))
    Image.fromarray(rng.integers(0, 256, (4, 4, 4)).astype(np.uint8), mode="RGBA").save(os.path.join(d, "rgba.png"))
    for name in ["palette", "gray8", "gray16", "gray1", "gray4"]:
        im = Image.open(os.path.join(d, name + ".png"))
        v = read(os.path.join(d, name + ".png"))
        expected[name] = {"mode": im.mode, "height": v.shape[0], "width": v.shape[1], "values": v.reshape(-1).tolist()}
    with open(os.path.join(OUT, "masks.json"), "w") as f:
        json.dump(expected, f)


def nearest():
    cases = []
    for _ in range(30):
        H, W = (int(x) for x in rng.integers(1, 24, 2))
        m = rng.integers(0, 256, (H, W)).astype(np.uint8)
        top, left = int(rng.integers(0, H)), int(rng.integers(0, W))
        h, w = int(rng.integers(1, H - top + 1)), int(rng.integers(1, W - left + 1))
        oh, ow = (int(x) for x in rng.integers(1, 36, 2))
        out = np.array(Image.fromarray(m, mode="L").crop((left, top, left + w, top + h)).resize((ow, oh), Image.NEAREST))
        cases.append({"height": H, "width": W, "values": m.reshape(-1).tolist(), "box": [top, left, h, w],
                      "out": [oh, ow], "expected": out.reshape(-1).tolist()})
    with open(os.path.join(OUT, "nearest.json"), "w") as f:
        json.dump(cases, f)


def metrics():
    k = 6  # class 5 appears in neither predictions nor targets
    target = torch.from_numpy(rng.integers(0, 5, (2, 2, 7, 9)))
    pred = torch.from_numpy(rng.integers(0, 5, (2, 2, 7, 9)))
    agree = torch.from_numpy(rng.random((2, 2, 7, 9)) < 0.5)
    pred = torch.where(agree, target, pred)  # better than chance, so IoUs differ from class to class
    target[torch.from_numpy(rng.random((2, 2, 7, 9)) < 0.15)] = 255
    pred[0, 0, 0, 0] = 3  # a prediction where the target is void must not count
    target[0, 0, 0, 0] = 255
    # torchvision references/segmentation/utils.py ConfusionMatrix, accumulated over both batches
    mat = torch.zeros((k, k), dtype=torch.int64)
    for a, b in zip(target, pred):
        a, b = a.flatten(), b.flatten()
        keep = (a >= 0) & (a < k)
        inds = k * a[keep].to(torch.int64) + b[keep]
        mat += torch.bincount(inds, minlength=k ** 2).reshape(k, k)
    h = mat.double()
    acc_global = (torch.diag(h).sum() / h.sum()).item()
    acc = (torch.diag(h) / h.sum(1)).tolist()
    iu = torch.diag(h) / (h.sum(1) + h.sum(0) - torch.diag(h))
    macro = MulticlassJaccardIndex(num_classes=k, ignore_index=255, average="macro")
    per_class = MulticlassJaccardIndex(num_classes=k, ignore_index=255, average="none")
    for a, b in zip(target, pred):
        macro.update(b, a)
        per_class.update(b, a)

    def nan(x):
        return ["nan" if v != v else v for v in x]

    data = {"classes": k, "shape": list(target.shape[1:]),
            "targets": target.reshape(-1).tolist(), "predictions": pred.reshape(-1).tolist(),
            "matrix": mat.reshape(-1).tolist(),
            "torchvision": {"acc_global": acc_global, "acc": nan(acc), "iu": nan(iu.tolist()),
                            "iu_mean": "nan" if iu.mean().isnan() else iu.mean().item()},
            "torchmetrics": {"version": __import__("torchmetrics").__version__, "macro": macro.compute().item(),
                             "none": per_class.compute().tolist()}}
    with open(os.path.join(OUT, "metrics.json"), "w") as f:
        json.dump(data, f)


def datasets():
    expected = {}
    voc = os.path.join(OUT, "voc")
    for sub in ["JPEGImages", "SegmentationClass", "ImageSets/Segmentation"]:
        os.makedirs(os.path.join(voc, sub), exist_ok=True)
    names = ["2007_000001", "2007_000002", "2007_000003", "2007_000004"]
    sizes = [(10, 14), (12, 9), (10, 14), (8, 8)]
    for name, (h, w) in zip(names, sizes):
        Image.fromarray(rng.integers(0, 256, (h, w, 3)).astype(np.uint8)).save(os.path.join(voc, "JPEGImages", name + ".jpg"), quality=95)
        m = rng.integers(0, 4, (h, w))
        m[0, :] = 255
        save_palette(m, os.path.join(voc, "SegmentationClass", name + ".png"))
        expected["voc/" + name] = read(os.path.join(voc, "SegmentationClass", name + ".png")).reshape(-1).tolist()
    with open(os.path.join(voc, "ImageSets/Segmentation/train.txt"), "w") as f:
        f.write("\n".join(names[:3]) + "\n")
    with open(os.path.join(voc, "ImageSets/Segmentation/val.txt"), "w") as f:
        f.write(names[3] + "\n")
    folder = os.path.join(OUT, "folder")
    os.makedirs(os.path.join(folder, "images"), exist_ok=True)
    os.makedirs(os.path.join(folder, "masks"), exist_ok=True)
    for i in range(10):
        name = f"img{i:02d}"
        Image.fromarray(rng.integers(0, 256, (6, 7, 3)).astype(np.uint8)).save(os.path.join(folder, "images", name + ".png"))
        m = rng.integers(0, 3, (6, 7)).astype(np.uint8)
        m[0, 0] = 255
        Image.fromarray(m, mode="L").save(os.path.join(folder, "masks", name + ".png"))
        expected["folder/" + name] = read(os.path.join(folder, "masks", name + ".png")).reshape(-1).tolist()
    with open(os.path.join(OUT, "datasets.json"), "w") as f:
        json.dump(expected, f)


if __name__ == "__main__":
    masks()
    nearest()
    metrics()
    datasets()
