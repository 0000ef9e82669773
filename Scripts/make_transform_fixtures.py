"""Writes Tests/ApusTests/Fixtures/images/transforms/: three small test images (PNG) and manifest.json,
which holds each image's pixels and what torchvision's transforms on the PIL image make of them, for
ImageTransformTests.swift.

The images come from a fixed numpy seed: rgb (37 wide, 23 high, RGB) and grey (29 wide, 31 high, L) are
gradients plus noise, for resizing and cropping; noise (19 wide, 13 high, RGB) is uniform noise, every
colour equally likely, for the colour adjustments and ToTensor. The manifest stores their pixels (HWC bytes),
so the Swift test needs no PNG decoder, and per case the transform's arguments and torchvision's output:
bytes for resizing, cropping and colour adjustments, floats for ToTensor + Normalize.

Pillow 13 resizes vertically first when the height loses more than twice as many pixels as the width (older
versions always go horizontally first, up to one level apart); the cases include both orders.

    pip install torch torchvision pillow
    python3 Scripts/make_transform_fixtures.py
"""
import json
import os

import numpy as np
import PIL
import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Tests", "ApusTests", "Fixtures", "images", "transforms")

rng = np.random.default_rng(20240611)


def make_image(width, height, channels):
    """Diagonal gradients (a different direction per channel) plus uniform noise of ±40 levels."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    planes = []
    for c in range(channels):
        a, b = [(1.0, 0.3), (-0.4, 1.0), (0.7, -0.8)][c]
        g = a * x / width + b * y / height
        g = (g - g.min()) / (g.max() - g.min()) * 215 + 20
        planes.append(g + rng.uniform(-40, 40, size=g.shape))
    pixels = np.clip(np.rint(np.stack(planes, axis=-1)), 0, 255).astype(np.uint8)
    return Image.fromarray(pixels[..., 0] if channels == 1 else pixels, "L" if channels == 1 else "RGB")


def pixels(img):
    return np.asarray(img, dtype=np.uint8).reshape(-1).tolist()


def entry(img):
    return {"width": img.width, "height": img.height, "channels": len(img.getbands()), "pixels": pixels(img)}


images = {"rgb": make_image(37, 23, 3), "grey": make_image(29, 31, 1),
          "noise": Image.fromarray(rng.integers(0, 256, size=(13, 19, 3), dtype=np.uint8), "RGB")}
geometry = ["rgb", "grey"]
os.makedirs(OUT, exist_ok=True)
for name, img in images.items():
    img.save(os.path.join(OUT, f"{name}.png"))

# Resize: an int is the shorter side ([h, w] is exact); max_size caps the longer side.
resize_cases = []
for name in geometry:
    img = images[name]
    for size, max_size in [([17], None), ([26], None), ([15, 26], None), ([30, 20], None), ([4, 5], None),
                           ([20], 25)]:
        out = F.resize(img, size if len(size) == 2 else size[0], max_size=max_size)
        resize_cases.append({"image": name, "size": size, "max_size": max_size, "output": entry(out)})

# CenterCrop: odd and even margins (ties round to even), crops larger than the image in one or both axes.
crop_sizes = {"rgb": [[10, 10], [12, 20], [11, 21], [40, 40], [10, 45]], "grey": [[10, 10], [11, 12], [34, 20]]}
crop_cases = []
for name in geometry:
    for size in crop_sizes[name]:
        crop_cases.append({"image": name, "size": size, "output": entry(F.center_crop(images[name], size))})

# RandomResizedCrop's crop + resize for fixed crop boxes (top, left, height, width) -> [h, w].
resized_crop_cases = []
for name in geometry:
    img = images[name]
    for (top, left, h, w), size in [((3, 5, 15, 22), [9, 11]), ((2, 1, 10, 8), [16, 16]),
                                    ((0, 0, img.height, img.width), [7, 7]), ((5, 4, 17, 9), [6, 13]),
                                    ((1, 2, 20, 20), [20, 20])]:
        out = F.resized_crop(img, top, left, h, w, size)
        resized_crop_cases.append({"image": name, "box": [top, left, h, w], "size": size, "output": entry(out)})

# ColorJitter's four adjustments with fixed factors (torchvision's functional versions on PIL images).
adjust = {"brightness": F.adjust_brightness, "contrast": F.adjust_contrast,
          "saturation": F.adjust_saturation, "hue": F.adjust_hue}
factors = {"noise": [("brightness", 0.6), ("brightness", 1.7), ("contrast", 0.4), ("contrast", 1.8),
                     ("saturation", 0.3), ("saturation", 1.9), ("hue", -0.5), ("hue", -0.3), ("hue", -0.01),
                     ("hue", 0.12), ("hue", 0.5)],
           "grey": [("brightness", 0.6), ("brightness", 1.7), ("contrast", 0.4), ("contrast", 1.8)]}
jitter_cases = []
for name, cases in factors.items():
    for op, f in cases:
        jitter_cases.append({"image": name, "op": op, "factor": f, "output": entry(adjust[op](images[name], f))})

# ToTensor + Normalize: float32 [C, H, W].
# The values are written in float32's shortest form, which a reader turns back into the same float32.
normalize_cases = []
for name, mean, std in [("noise", [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]), ("grey", [0.5], [0.25])]:
    x = T.Normalize(mean, std)(T.ToTensor()(images[name]))
    normalize_cases.append({"image": name, "mean": mean, "std": std, "shape": list(x.shape),
                            "values": [float(str(v)) for v in x.reshape(-1).numpy()]})

manifest = {
    "versions": {"torch": torch.__version__, "torchvision": torchvision.__version__, "pillow": PIL.__version__},
    "images": {name: entry(img) for name, img in images.items()},
    "resize": resize_cases,
    "center_crop": crop_cases,
    "resized_crop": resized_crop_cases,
    "jitter": jitter_cases,
    "normalize": normalize_cases,
}
path = os.path.join(OUT, "manifest.json")
with open(path, "w") as f:
    json.dump(manifest, f, separators=(",", ":"))
print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")
