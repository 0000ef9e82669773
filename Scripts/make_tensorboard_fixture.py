#!/usr/bin/env python3
"""Writes Tests/ApusTests/Fixtures/tensorboard_events.json: event records written by PyTorch's
torch.utils.tensorboard.SummaryWriter, for SummaryWriterTests to compare Apus's encoding with.

For each add_scalar / add_histogram call it stores the arguments and the bytes PyTorch wrote:
the framed TFRecord (length, masked CRC-32C, payload, masked CRC-32C) and its payload (the
serialized Event). The histograms take float64 values, so numpy bins them in float64 as Apus does.

Usage: python3 Scripts/make_tensorboard_fixture.py
"""

import glob
import json
import os
import struct
import tempfile

import torch
from torch.utils.tensorboard import SummaryWriter

CALLS = [
    {"kind": "scalar", "tag": "loss/train", "value": 0.8125, "step": 0, "wall_time": 1700000000.25},
    {"kind": "scalar", "tag": "loss/train", "value": 0.1, "step": 1, "wall_time": 1700000001.5},
    {"kind": "scalar", "tag": "accuracy", "value": 0.0, "step": 12345, "wall_time": 1700000002.0},
    {"kind": "scalar", "tag": "lr", "value": -3.5e-4, "step": -2, "wall_time": 1700000003.0},
    {"kind": "histogram", "tag": "weights/0.weight", "step": 3, "bins": 8, "wall_time": 1700000004.0,
     "values": [-1.5, -0.25, 0.0, 0.1, 0.3, 0.3, 0.7, 2.25, 2.0, -1.0, 0.05, 1.2]},
    # Values only in the middle bins of 10: the empty end bins are trimmed.
    {"kind": "histogram", "tag": "weights/edges", "step": 4, "bins": 10, "wall_time": 1700000005.0,
     "values": [0.0, 10.0, 4.5, 4.6, 4.7, 5.0, 5.2, 0.0, 10.0]},
    # All values equal: numpy uses the range [v - 0.5, v + 0.5].
    {"kind": "histogram", "tag": "gradients/0.bias", "step": 5, "bins": 4, "wall_time": 1700000006.0,
     "values": [0.5, 0.5, 0.5]},
]


def records(path):
    data = open(path, "rb").read()
    i, out = 0, []
    while i < len(data):
        (length,) = struct.unpack("<Q", data[i:i + 8])
        end = i + 12 + length + 4
        out.append((data[i:end], data[i + 12:i + 12 + length]))
        i = end
    return out


def main():
    with tempfile.TemporaryDirectory() as logdir:
        writer = SummaryWriter(logdir)
        for c in CALLS:
            if c["kind"] == "scalar":
                writer.add_scalar(c["tag"], c["value"], c["step"], walltime=c["wall_time"])
            else:
                values = torch.tensor(c["values"], dtype=torch.float64)
                writer.add_histogram(c["tag"], values, c["step"], bins=c["bins"], walltime=c["wall_time"])
        writer.close()
        (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
        recs = records(path)
    # The first record holds the file version; then one record per call.
    assert len(recs) == len(CALLS) + 1, len(recs)
    for c, (record, payload) in zip(CALLS, recs[1:]):
        c["record_hex"] = record.hex()
        c["payload_hex"] = payload.hex()
    out = os.path.join(os.path.dirname(__file__), "..", "Tests", "ApusTests", "Fixtures", "tensorboard_events.json")
    with open(out, "w") as f:
        json.dump({"torch_version": torch.__version__, "first_record_payload_hex": recs[0][1].hex(),
                   "calls": CALLS}, f, indent=1)
        f.write("\n")
    print("wrote", os.path.normpath(out))


if __name__ == "__main__":
    main()
