#!/usr/bin/env python3
"""Checks an event file written by Apus's SummaryWriter with TensorBoard's own reader.

Usage: python3 Scripts/check_tensorboard.py <logdir> <expected.json>

Reads <logdir> with tensorboard.backend.event_processing.event_accumulator.EventAccumulator
(which also verifies the TFRecord checksums) and compares it with <expected.json>, written by the
Swift side:

    {"scalars":    {"<tag>": [{"step": 0, "value": 1.5}, ...], ...},
     "histograms": {"<tag>": [{"step": 0, "num": 12, "min": -1.0, "max": 2.0, "sum": 3.5}, ...], ...}}

Tags must match exactly (no missing and no extra tags); scalars are compared at float32
precision, histogram num/min/max/sum with a relative tolerance of 1e-9, and each histogram's
bucket counts must add up to num with increasing bucket limits. Exits 0 and prints a summary
when everything agrees, 1 with the list of differences otherwise.
"""

import json
import math
import sys

from tensorboard.backend.event_processing import event_accumulator


def close(a, b, rel):
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel)


def main(logdir, expected_path):
    with open(expected_path) as f:
        expected = json.load(f)
    acc = event_accumulator.EventAccumulator(
        logdir, size_guidance={event_accumulator.SCALARS: 0, event_accumulator.HISTOGRAMS: 0})
    acc.Reload()
    tags = acc.Tags()
    problems = []

    if acc.file_version != 2.0:
        problems.append(f"file_version is {acc.file_version}, expected 2.0 (brain.Event:2)")

    want_scalars = expected.get("scalars", {})
    if sorted(tags["scalars"]) != sorted(want_scalars):
        problems.append(f"scalar tags {sorted(tags['scalars'])} != expected {sorted(want_scalars)}")
    for tag, points in want_scalars.items():
        if tag not in tags["scalars"]:
            continue
        got = [(e.step, e.value) for e in acc.Scalars(tag)]
        want = [(p["step"], p["value"]) for p in points]
        if [s for s, _ in got] != [s for s, _ in want]:
            problems.append(f"{tag}: steps {[s for s, _ in got]} != expected {[s for s, _ in want]}")
            continue
        for (step, g), (_, w) in zip(got, want):
            if not close(g, w, 1e-6):
                problems.append(f"{tag} step {step}: value {g} != expected {w}")

    want_histograms = expected.get("histograms", {})
    if sorted(tags["histograms"]) != sorted(want_histograms):
        problems.append(f"histogram tags {sorted(tags['histograms'])} != expected {sorted(want_histograms)}")
    for tag, items in want_histograms.items():
        if tag not in tags["histograms"]:
            continue
        got = acc.Histograms(tag)
        if [e.step for e in got] != [h["step"] for h in items]:
            problems.append(f"{tag}: steps {[e.step for e in got]} != expected {[h['step'] for h in items]}")
            continue
        for event, want in zip(got, items):
            h = event.histogram_value
            for field in ("num", "min", "max", "sum"):
                if field in want and not close(getattr(h, field), want[field], 1e-9):
                    problems.append(f"{tag} step {event.step}: {field} {getattr(h, field)} != expected {want[field]}")
            if sum(h.bucket) != h.num:
                problems.append(f"{tag} step {event.step}: bucket counts add up to {sum(h.bucket)}, num is {h.num}")
            if any(b <= a for a, b in zip(h.bucket_limit, h.bucket_limit[1:])):
                problems.append(f"{tag} step {event.step}: bucket limits are not increasing")

    if problems:
        print("check_tensorboard: MISMATCH\n  " + "\n  ".join(problems))
        return 1
    print(f"check_tensorboard: OK ({len(want_scalars)} scalar tags, {len(want_histograms)} histogram tags "
          f"read by tensorboard's EventAccumulator)")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
