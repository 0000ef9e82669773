#!/usr/bin/env python3
"""Writes a two-class image folder, torchvision's ImageFolder layout, for trying `apus train
--dataset image-folder` (CI trains ResNet-18 on it) and for comparing with torchvision.

    python3 Scripts/make_image_folder.py DIR [--per-class 200] [--seed 0]

DIR/circles/*.jpg|png and DIR/squares/*.jpg|png: a filled circle or square on a noisy
background, 40–96 px on each side, every other file a JPEG (quality 90) and the rest PNGs
(one in eight grey). Circles are warm-coloured and squares cool-coloured, so a network can learn
them from shape and colour in a few epochs, even from random crops. Needs Pillow and numpy.
"""
import argparse
import os

import numpy as np
from PIL import Image


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("directory")
    p.add_argument("--per-class", type=int, default=200)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    rng = np.random.default_rng(args.seed)
    for shape in ("circles", "squares"):
        folder = os.path.join(args.directory, shape)
        os.makedirs(folder, exist_ok=True)
        for i in range(args.per_class):
            w, h = rng.integers(40, 97, 2)
            r = min(w, h) * rng.uniform(0.3, 0.45)
            cx, cy = rng.uniform(r, w - r), rng.uniform(r, h - r)
            yy, xx = np.mgrid[0:h, 0:w]
            inside = ((xx - cx) ** 2 + (yy - cy) ** 2 <= r * r) if shape == "circles" else \
                ((abs(xx - cx) <= r) & (abs(yy - cy) <= r))
            warm = rng.uniform(0.6, 1.0) if shape == "circles" else rng.uniform(0.0, 0.4)
            colour = np.array([255 * warm, rng.uniform(40, 200), 255 * (1 - warm)])
            background = rng.uniform(60, 160, 3)
            pixels = np.where(inside[..., None], colour, background) + rng.normal(0, 12, (h, w, 3))
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
            if i % 8 == 7:
                image = image.convert("L")
            name = os.path.join(folder, f"{i:04d}.{'jpg' if i % 2 == 0 else 'png'}")
            image.save(name, quality=90) if name.endswith(".jpg") else image.save(name)


if __name__ == "__main__":
    main()
