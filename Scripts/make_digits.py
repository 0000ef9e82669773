#!/usr/bin/env python3
"""Packs scikit-learn's copy of the UCI 8x8 digits into Apus's compact resource.

Usage: python3 Scripts/make_digits.py digits.csv.gz Sources/Apus/Resources/digits.bin

digits.csv.gz ships inside the scikit-learn wheel (sklearn/datasets/data/digits.csv.gz):
1,797 rows of 64 pixel counts in 0...16 followed by the label 0...9.

Layout of digits.bin (little endian):
  bytes 0..<8   magic "APUSDIG1"
  bytes 8..<12  UInt32 number of images (1797)
  bytes 12..<16 UInt32 pixels per image (64)
  then count*64 pixel bytes (row-major 8x8, values 0...16)
  then count label bytes (0...9)
"""
import gzip
import struct
import sys

src, dst = sys.argv[1], sys.argv[2]
rows = [list(map(int, line.split(","))) for line in gzip.open(src, "rt") if line.strip()]
assert all(len(r) == 65 for r in rows)
assert all(0 <= v <= 16 for r in rows for v in r[:64])
assert all(0 <= r[64] <= 9 for r in rows)
with open(dst, "wb") as f:
    f.write(b"APUSDIG1")
    f.write(struct.pack("<II", len(rows), 64))
    f.write(bytes(v for r in rows for v in r[:64]))
    f.write(bytes(r[64] for r in rows))
print(f"wrote {len(rows)} images to {dst}")
