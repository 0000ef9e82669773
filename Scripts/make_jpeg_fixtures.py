"""Writes the JPEG fixtures of Tests/ApusTests/Vision/JPEGDecoderTests.swift and Pillow's pixels for them.

Each fixture is a small picture (smooth gradients, a flat rectangle with sharp edges, a bright
diagonal) saved as one kind of JPEG: grey, YCbCr 4:4:4 / 4:2:2 / 4:2:0 / 4:4:0 / 4:1:1, Adobe
CMYK and YCCK, baseline and progressive, sizes that are not a multiple of the MCU. Pillow writes
most of them; it cannot write 4:4:0, 4:1:1 or YCCK, so those come from the TurboJPEG API of the
system's libjpeg-turbo through ctypes (`apt-get install libturbojpeg0`). manifest.json holds, for
every file, what Pillow decodes (`convert("L")` for grey, `convert("RGB")` otherwise) as base64
HWC bytes: the reference the Swift decoder must match within ±1.
Run from the repository root: python3 Scripts/make_jpeg_fixtures.py  (needs pillow and numpy)
"""
import base64
import ctypes
import ctypes.util
import io
import json
import os

import numpy as np
from PIL import Image

OUT = "Tests/ApusTests/Fixtures/images/jpeg"

# turbojpeg.h (libjpeg-turbo 2.x): TJPF_RGB = 0, TJPF_CMYK = 11; TJSAMP_420 = 2, TJSAMP_440 = 4, TJSAMP_411 = 5.
TJPF_RGB, TJPF_CMYK = 0, 11
TJSAMP_420, TJSAMP_440, TJSAMP_411 = 2, 4, 5


def picture(width, height, phase):
    """An RGB picture as uint8 HWC: gradients in R and G, a wave in B, edges to ring."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    rgb = np.stack([255 * x / (width - 1),
                    255 * y / (height - 1),
                    127.5 + 120 * np.sin((x + 2 * y) / 3.5 + phase)], axis=-1)
    rgb[height // 4:height // 2 + 1, width // 3:2 * width // 3 + 1] = (20, 200, 40)
    rgb[np.abs(x - y * (width - 1) / (height - 1)) < 0.8] = (250, 250, 230)
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


def cmyk_picture(width, height, phase):
    """A CMYK picture as uint8 HWC (ink amounts, 255 = full ink), with some black (K) in it."""
    rgb = picture(width, height, phase).astype(np.int32)
    k = np.clip(255 - rgb.max(axis=-1) + np.arange(width)[None, :] * 40 // width, 0, 255)
    cmy = np.clip(255 - rgb - k[..., None], 0, 255)
    return np.concatenate([cmy, k[..., None]], axis=-1).astype(np.uint8)


def turbojpeg_compress(pixels, pixel_format, subsampling, quality=90):
    """JPEG bytes from libjpeg-turbo's tjCompress2 (which writes TJPF_CMYK input as YCCK)."""
    name = ctypes.util.find_library("turbojpeg") or "libturbojpeg.so.0"
    tj = ctypes.CDLL(name)
    tj.tjInitCompress.restype = ctypes.c_void_p
    tj.tjCompress2.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                               ctypes.c_int, ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)),
                               ctypes.POINTER(ctypes.c_ulong), ctypes.c_int, ctypes.c_int, ctypes.c_int]
    tj.tjDestroy.argtypes = [ctypes.c_void_p]
    tj.tjFree.argtypes = [ctypes.POINTER(ctypes.c_ubyte)]
    tj.tjGetErrorStr2.restype = ctypes.c_char_p
    tj.tjGetErrorStr2.argtypes = [ctypes.c_void_p]
    handle = tj.tjInitCompress()
    out, size = ctypes.POINTER(ctypes.c_ubyte)(), ctypes.c_ulong(0)
    height, width, _ = pixels.shape
    data = np.ascontiguousarray(pixels).tobytes()
    if tj.tjCompress2(handle, data, width, 0, height, pixel_format, ctypes.byref(out), ctypes.byref(size),
                      subsampling, quality, 0) != 0:
        raise RuntimeError(tj.tjGetErrorStr2(handle).decode())
    result = ctypes.string_at(out, size.value)
    tj.tjFree(out)
    tj.tjDestroy(handle)
    return result


# The sampling factors each kind must have (the word before "baseline"/"progressive" in its name).
SAMPLING = {"grey": "1x1", "4:4:4": "1x1 1x1 1x1", "4:2:2": "2x1 1x1 1x1", "4:2:0": "2x2 1x1 1x1",
            "4:4:0": "1x2 1x1 1x1", "4:1:1": "4x1 1x1 1x1", "CMYK": "1x1 1x1 1x1 1x1",
            "YCCK-4:2:0": "2x2 1x1 1x1 2x2"}


def pillow_save(image, **options):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def fixtures():
    """(file name, kind, JPEG bytes) for every fixture."""
    yield "grey_baseline.jpg", "grey baseline", \
        pillow_save(Image.fromarray(picture(17, 11, 0.0)).convert("L"), quality=90)
    yield "grey_progressive.jpg", "grey progressive", \
        pillow_save(Image.fromarray(picture(23, 19, 0.5)).convert("L"), quality=85, progressive=True)
    yield "ycbcr444_baseline.jpg", "4:4:4 baseline", \
        pillow_save(Image.fromarray(picture(24, 16, 1.0)), quality=90, subsampling=0)
    yield "ycbcr422_baseline.jpg", "4:2:2 baseline", \
        pillow_save(Image.fromarray(picture(33, 17, 1.5)), quality=90, subsampling=1)
    yield "ycbcr420_baseline.jpg", "4:2:0 baseline", \
        pillow_save(Image.fromarray(picture(40, 30, 2.0)), quality=75, subsampling=2)
    # 17×11 is a partial 16×16 MCU in both directions.
    yield "ycbcr420_odd_size.jpg", "4:2:0 baseline", \
        pillow_save(Image.fromarray(picture(17, 11, 2.5)), quality=90, subsampling=2)
    yield "ycbcr420_restarts.jpg", "4:2:0 baseline", \
        pillow_save(Image.fromarray(picture(35, 21, 2.7)), quality=90, subsampling=2, restart_marker_blocks=1)
    yield "ycbcr444_progressive.jpg", "4:4:4 progressive", \
        pillow_save(Image.fromarray(picture(21, 13, 3.0)), quality=90, subsampling=0, progressive=True)
    yield "ycbcr422_progressive.jpg", "4:2:2 progressive", \
        pillow_save(Image.fromarray(picture(30, 20, 3.5)), quality=80, subsampling=1, progressive=True)
    yield "ycbcr420_progressive.jpg", "4:2:0 progressive", \
        pillow_save(Image.fromarray(picture(37, 29, 4.0)), quality=85, subsampling=2, progressive=True,
                    optimize=True)
    yield "ycbcr440_baseline.jpg", "4:4:0 baseline", turbojpeg_compress(picture(26, 22, 4.5), TJPF_RGB, TJSAMP_440)
    yield "ycbcr411_baseline.jpg", "4:1:1 baseline", turbojpeg_compress(picture(35, 14, 5.0), TJPF_RGB, TJSAMP_411)
    # Pillow stores its CMYK inverted, as Adobe's programs do, and marks the file with an Adobe segment.
    yield "cmyk_baseline.jpg", "Adobe CMYK baseline", \
        pillow_save(Image.fromarray(cmyk_picture(20, 15, 5.5), "CMYK"), quality=90)
    yield "cmyk_progressive.jpg", "Adobe CMYK progressive", \
        pillow_save(Image.fromarray(cmyk_picture(19, 13, 6.0), "CMYK"), quality=90, progressive=True)
    yield "ycck_420.jpg", "Adobe YCCK-4:2:0 baseline", \
        turbojpeg_compress(cmyk_picture(22, 18, 6.5), TJPF_CMYK, TJSAMP_420)


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = []
    for name, kind, data in fixtures():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        image = Image.open(io.BytesIO(data))
        progressive = bool(image.info.get("progressive"))
        assert progressive == ("progressive" in kind), (name, image.info)
        # Sampling factors per component as libjpeg reads them from the frame header, e.g. "2x2 1x1 1x1".
        sampling = " ".join(f"{h}x{v}" for _, h, v, _ in image.layer)
        assert sampling == SAMPLING[kind.split(" ")[-2]], (name, sampling)
        assert (image.mode == "CMYK") == ("Adobe" in kind) == ("adobe" in image.info), (name, image.info)
        decoded = image.convert("L" if image.mode == "L" else "RGB")
        pixels = np.asarray(decoded, dtype=np.uint8)
        channels = 1 if decoded.mode == "L" else 3
        entries.append({
            "file": name, "kind": kind, "mode": image.mode, "sampling": sampling,
            "width": decoded.width, "height": decoded.height, "channels": channels,
            "pixels": base64.b64encode(pixels.tobytes()).decode("ascii"),
        })
        print(f"{name}: {kind}, mode {image.mode}, sampling {sampling}, {decoded.width}×{decoded.height}, "
              f"{len(data)} bytes")
    manifest = {
        "comment": "Written by Scripts/make_jpeg_fixtures.py: Pillow's decoded pixels (HWC, base64), "
                   "convert('L') for grey files and convert('RGB') for the rest.",
        "fixtures": entries,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
