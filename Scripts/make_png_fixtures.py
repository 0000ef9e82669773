"""Writes the PNG fixtures of Tests/ApusTests/Vision/PNGDecoderTests.swift and Pillow's pixels for them.

Pillow cannot write interlaced PNG, 16-bit colour, low-bit-depth grey or grey + alpha at every
depth, so most files come from the small PNG encoder below (zlib and struct, nothing else): it
writes every colour type at every bit depth PNG allows, Adam7 or not, with the row filters cycling
through all five types (row y uses filter y mod 5), the image data split over several IDAT
chunks and an ancillary tEXt chunk before it. A few more files are saved by Pillow itself (its
own filter choice). Pillow then DECODES every file, and that is the reference:

- grey and grey + alpha files: `convert("L")`; colour, palette and RGBA files: `convert("RGB")`
  (alpha and tRNS are dropped, palettes expanded, 1/2/4-bit grey scaled to 0..255).
- 16-bit grey: Pillow opens it as mode I;16 and `convert("L")` clips values to 255, which is not a
  picture anyone wants; the expectation is Pillow's 16-bit values >> 8 (the high byte), what the
  Swift decoder returns for every 16-bit kind. For 16-bit RGB, RGBA and grey + alpha Pillow keeps
  the high byte itself, and the script checks that the two agree.

manifest.json holds, for every file, width, height, channels and the expected HWC bytes in base64.
Run from the repository root: python3 Scripts/make_png_fixtures.py  (needs pillow and numpy)
"""
import base64
import io
import json
import os
import struct
import zlib

import numpy as np
from PIL import Image

OUT = "Tests/ApusTests/Fixtures/images/png"
SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # samples per pixel of each colour type
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def filter_row(kind, row, above, bpp):
    """PNG filter `kind` (0 none, 1 sub, 2 up, 3 average, 4 Paeth) applied to the bytes of `row`."""
    out = bytearray(len(row))
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = above[i]
        c = above[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out[i] = (x - predictor) & 0xFF
    return bytes(out)


def pack_row(samples, depth):
    """One row of samples (ints) as PNG bytes: big-endian 16-bit, or packed from the high bit below 8."""
    if depth == 16:
        return b"".join(struct.pack(">H", int(v)) for v in samples)
    if depth == 8:
        return bytes(int(v) for v in samples)
    out = bytearray((len(samples) * depth + 7) // 8)
    for i, v in enumerate(samples):
        bit = i * depth
        out[bit // 8] |= int(v) << (8 - depth - bit % 8)
    return bytes(out)


def encode(samples, color_type, depth, interlace=False, palette=None, trns=None):
    """PNG bytes of `samples` (H x W x samples-per-pixel ints) with every filter type in turn."""
    height, width, _ = samples.shape
    bpp = max(1, SAMPLES[color_type] * depth // 8)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    raw = bytearray()
    for x0, y0, dx, dy in passes:
        sub = samples[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        above = bytes(len(pack_row(sub[0].reshape(-1), depth)))
        for y, row in enumerate(sub):
            packed = pack_row(row.reshape(-1), depth)
            kind = y % 5
            raw += bytes([kind]) + filter_row(kind, packed, above, bpp)
            above = packed
    compressed = zlib.compress(bytes(raw), 9)
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, int(interlace)))
    png += chunk(b"tEXt", b"Comment\x00Apus PNG fixture")
    if palette is not None:
        png += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        png += chunk(b"tRNS", trns)
    third = max(1, len(compressed) // 3)  # several IDAT chunks: the decoder must join them
    for start in range(0, len(compressed), third):
        png += chunk(b"IDAT", compressed[start:start + third])
    png += chunk(b"IEND", b"")
    return png


def content(width, height, channels, maximum, seed):
    """Gradients, a flat block and some noise, so that every filter has work to do."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    planes = []
    for c in range(channels):
        smooth = (x * (c + 1) * 3 + y * (channels - c) * 5) / (3 * width + 5 * height) * maximum
        noise = rng.integers(0, maximum + 1, size=(height, width))
        plane = np.where((x + y + c) % 4 == 0, noise, smooth)
        plane[height // 3:2 * height // 3, width // 4:width // 2] = maximum * (c + 1) // (channels + 1)
        planes.append(plane)
    return np.clip(np.rint(np.stack(planes, axis=-1)), 0, maximum).astype(np.int64)


def expectation(png, color_type, depth):
    """What Pillow decodes from `png`, as the Swift decoder must return it (see the module docstring)."""
    image = Image.open(io.BytesIO(png))
    image.load()
    if color_type in (0, 4):
        if color_type == 0 and depth == 16:
            return (np.asarray(image).astype(np.int64) >> 8).astype(np.uint8), 1
        return np.asarray(image.convert("L")), 1
    return np.asarray(image.convert("RGB")), 3


def high_bytes(samples, color_type):
    """The expected pixels of 16-bit `samples` computed directly: high bytes, alpha dropped."""
    keep = samples[..., :1] if color_type in (0, 4) else samples[..., :3]
    return (keep >> 8).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    fixtures = []

    def add(name, png, kind, color_type, depth, samples=None):
        pixels, channels = expectation(png, color_type, depth)
        height, width = pixels.shape[:2]
        if depth == 16 and samples is not None:
            assert np.array_equal(pixels.reshape(height, width, channels), high_bytes(samples, color_type)), name
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(png)
        fixtures.append({"file": name, "kind": kind, "width": width, "height": height, "channels": channels,
                         "pixels": base64.b64encode(np.ascontiguousarray(pixels, dtype=np.uint8).tobytes()).decode()})

    seed = 0
    for color_type, depths, name in [(0, [1, 2, 4, 8, 16], "grey"), (2, [8, 16], "rgb"), (3, [1, 2, 4, 8], "palette"),
                                     (4, [8, 16], "grey_alpha"), (6, [8, 16], "rgba")]:
        for depth in depths:
            for interlace in (False, True):
                for width, height in [(13, 9)] + ([(3, 2)] if interlace and depth == 8 else []):
                    seed += 1
                    maximum = (1 << depth) - 1
                    palette = trns = None
                    if color_type == 3:
                        entries = min(1 << depth, 200)  # an 8-bit palette need not be full
                        maximum = entries - 1
                        rng = np.random.default_rng(seed + 1000)
                        palette = rng.integers(0, 256, size=(entries, 3))
                        if depth in (2, 8):  # transparency for some entries: ignored in RGB
                            trns = bytes(rng.integers(0, 256, size=entries // 2).astype(np.uint8))
                    elif color_type == 0 and depth == 8:
                        trns = struct.pack(">H", 7)  # grey value 7 is transparent: ignored in L
                    elif color_type == 2 and depth == 8:
                        trns = struct.pack(">HHH", 1, 2, 3)
                    samples = content(width, height, SAMPLES[color_type], maximum, seed)
                    png = encode(samples, color_type, depth, interlace, palette, trns)
                    kind = f"{name} {depth}-bit" + (" Adam7" if interlace else "")
                    file = f"{name}{depth}{'_adam7' if interlace else ''}{'' if (width, height) == (13, 9) else f'_{width}x{height}'}.png"
                    add(file, png, kind, color_type, depth, samples)

    # Files Pillow writes itself (its own filter choice), one wider than the filters' 8-byte reach.
    rgb = content(33, 17, 3, 255, 99).astype(np.uint8)
    for mode, color_type in [("RGB", 2), ("L", 0), ("RGBA", 6), ("LA", 4), ("P", 3)]:
        if mode == "RGBA":
            image = Image.fromarray(np.concatenate([rgb, rgb[..., :1]], axis=-1), "RGBA")
        elif mode == "LA":
            image = Image.fromarray(rgb[..., :2].copy(), "LA")
        else:
            image = Image.fromarray(rgb, "RGB").convert(mode)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=mode == "P")
        add(f"pillow_{mode.lower()}.png", buffer.getvalue(), f"Pillow {mode}", color_type, 8)

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"fixtures": fixtures}, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, name)) for name in os.listdir(OUT))
    print(f"{len(fixtures)} fixtures, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
