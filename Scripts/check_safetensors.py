#!/usr/bin/env python3
"""Checks a safetensors file written by Apus with Python's safetensors (numpy API, no torch needed).

Usage: python3 Scripts/check_safetensors.py FILE EXPECTED.json

EXPECTED.json is {"tensors": {name: {"dtype": "float32", "shape": [...], "values": [...]}},
"metadata": {key: value}} with values row-major ("inf", "-inf", "nan" for non-finite floats).
The file must hold exactly these tensors with these dtypes, shapes and values (bit for bit) and exactly
this metadata. Prints "ok: N tensors" and exits 0, or prints every difference and exits 1.
Tests/ApusTests/IO/SafetensorsTests.swift runs it when python3 can import safetensors and numpy.
"""
import json
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import load_file


def main():
    path, expected_path = sys.argv[1], sys.argv[2]
    with open(expected_path) as f:
        expected = json.load(f)
    tensors = load_file(path)
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    problems = []
    want = expected["tensors"]
    if set(tensors) != set(want):
        problems.append(f"names differ: file has {sorted(tensors)}, expected {sorted(want)}")
    for name, spec in want.items():
        if name not in tensors:
            continue
        t = tensors[name]
        if str(t.dtype) != spec["dtype"]:
            problems.append(f"{name}: dtype {t.dtype}, expected {spec['dtype']}")
            continue
        if list(t.shape) != spec["shape"]:
            problems.append(f"{name}: shape {list(t.shape)}, expected {spec['shape']}")
            continue
        values = np.array([float(v) if isinstance(v, str) else v for v in spec["values"]], dtype=t.dtype)
        if not np.array_equal(t.reshape(-1), values, equal_nan=t.dtype.kind == "f"):
            problems.append(f"{name}: values {t.reshape(-1).tolist()}, expected {values.tolist()}")
    if metadata != expected.get("metadata", {}):
        problems.append(f"metadata {metadata}, expected {expected.get('metadata', {})}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    print(f"ok: {len(tensors)} tensors")


if __name__ == "__main__":
    main()
