#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (Fuzz/corpus/<target>/): small valid files of each
format, so that libFuzzer starts from inputs that reach deep into the readers. Scripts/fuzz.sh also
reads the test fixtures of the same formats (PNG, JPEG, gzip, safetensors) as seeds.

Usage: python3 Scripts/make_fuzz_corpus.py   (standard library only; the output is committed)
"""
import gzip
import json
import os
import struct
import zlib

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Fuzz", "corpus")


def write(target, name, data):
    folder = os.path.join(root, target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def idx(type_code, shape, payload):
    return bytes([0, 0, type_code, len(shape)]) + b"".join(struct.pack(">I", d) for d in shape) + payload


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def safetensors(tensors, metadata=None, checksum=False):
    """tensors: list of (name, dtype, shape, raw bytes), written in order."""
    header, offset, data = {}, 0, b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        data += raw
    meta = dict(metadata or {})
    if checksum:
        meta["data_crc32c"] = "%08x" % crc32c(data)
    if meta:
        header = {"__metadata__": meta, **header}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + data


# IDX: each element type, MNIST-like images and labels, gzip-compressed.
images = idx(0x08, [2, 3, 3], bytes(range(18)))
write("FuzzIDX", "ubyte_images", images)
write("FuzzIDX", "ubyte_labels", idx(0x08, [4], bytes([0, 9, 3, 1])))
write("FuzzIDX", "byte", idx(0x09, [3], bytes([0x80, 0x7F, 0xFF])))
write("FuzzIDX", "short", idx(0x0B, [2], struct.pack(">hh", -2, 300)))
write("FuzzIDX", "int", idx(0x0C, [2, 1], struct.pack(">ii", -70000, 5)))
write("FuzzIDX", "float", idx(0x0D, [2], struct.pack(">ff", 1.5, -0.25)))
write("FuzzIDX", "double", idx(0x0E, [1], struct.pack(">d", 3.0)))
write("FuzzIDX", "empty_dimension", idx(0x08, [0, 28, 28], b""))
write("FuzzIDX", "images.gz", gzip.compress(images, mtime=0))

# Gzip: one member, two members, stored blocks, zero padding.
text = b"Apus reads gzip through zlib with a cap on the output.\n" * 8
write("FuzzGzip", "text.gz", gzip.compress(text, mtime=0))
write("FuzzGzip", "two_members.gz", gzip.compress(b"first\n", mtime=0) + gzip.compress(b"second\n", mtime=0))
write("FuzzGzip", "stored.gz", gzip.compress(bytes(range(256)), compresslevel=0, mtime=0))
write("FuzzGzip", "padded.gz", gzip.compress(b"x", mtime=0) + bytes(4))

# Safetensors: each dtype Apus reads, metadata, a checksum, an empty tensor.
write("FuzzSafetensors", "f32", safetensors([("w", "F32", [2, 2], struct.pack("<4f", 1, 2, 3, 4))]))
write("FuzzSafetensors", "mixed_checksum", safetensors(
    [("a", "I64", [2], struct.pack("<2q", -1, 2)), ("b", "F64", [1], struct.pack("<d", 0.5)),
     ("c", "BOOL", [3], bytes([0, 1, 1])), ("d", "F16", [2], struct.pack("<2H", 0x3C00, 0xC000)),
     ("e", "BF16", [1], struct.pack("<H", 0x3F80)), ("f", "U8", [2], bytes([0, 255])),
     ("g", "I8", [1], bytes([0x80])), ("h", "I16", [1], struct.pack("<h", -300)),
     ("i", "I32", [1], struct.pack("<i", -70000)), ("z", "F32", [0, 3], b"")],
    metadata={"format": "apus.training-checkpoint", "epoch": "1"}, checksum=True))
write("FuzzSafetensors", "metadata_only", safetensors([], metadata={"k": "v"}))

# CSV: the first byte holds the options (see Fuzz/Sources/FuzzCSV/main.swift): 0 is a header,
# the last column as target, commas, finite numbers only, 1-byte reads.
write("FuzzCSV", "numeric", b"\x00x1,x2,y\n1,2.5,0\n-3e2,.5,1\n")
write("FuzzCSV", "labels", b"\x20a,b,species\n5.1,1.4,setosa\n6.3,6.0,virginica\n")
write("FuzzCSV", "quoted_crlf", b"\x68\xef\xbb\xbf\"a;b\";c;y\r\n1;\"2\";\"x \"\"q\"\"\r\nz\"\r\n\r\n3;4;w")
write("FuzzCSV", "no_header_nonfinite", b"\x13nan,1,inf\n2,-inf,3\n")
