#!/usr/bin/env python3
"""Writes Tests/ApusTests/Fixtures/ops/<family>.json: PyTorch's results for the op table that
Tests/ApusTests/OpInfo/ compares Apus with (forward values, gradients, refusals).

Usage: python3 Scripts/make_op_fixtures.py [FAMILY ...]   (needs torch; all families by default)

Each family lives in Scripts/opinfo/<family>.py as a `build(rec)` function; see
Scripts/opinfo/recorder.py for what a case records.
"""
import importlib
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
OUT = os.path.join(HERE, "..", "Tests", "ApusTests", "Fixtures", "ops")

from opinfo.recorder import Recorder  # noqa: E402


def families():
    return sorted(f[:-3] for f in os.listdir(os.path.join(HERE, "opinfo"))
                  if f.endswith(".py") and f not in ("__init__.py", "recorder.py"))


def main():
    names = sys.argv[1:] or families()
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    for name in names:
        module = importlib.import_module(f"opinfo.{name}")
        rec = Recorder(name, seed=module.SEED)
        module.build(rec)
        path = os.path.join(OUT, f"{name}.json")
        rec.write(path)
        print(f"{name}: {len(rec.cases)} cases -> {os.path.relpath(path)}")


if __name__ == "__main__":
    main()
