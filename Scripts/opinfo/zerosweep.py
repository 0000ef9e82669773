"""The zero-size sweep: every op of the table, fed empty versions of its own fixture inputs.

For each op the sweep replays the cases of the op's family (same seeds, so the same inputs) and,
for each case, empties one axis of its tensors: the first axis of the first tensor input, and
separately its last axis, emptying the same axis of every other input whose size there matches
(so that batches and broadcast partners stay consistent). Whatever PyTorch returns for such an
input (an empty result, an identity such as a sum of 0, NaN) is recorded under the op's own name,
so the Swift side runs the op's own table entry on it. Variants PyTorch refuses are left out (the
families record the refusals that matter, such as a max over nothing); a few per op are kept."""
import torch

from opinfo.recorder import replay_families

SEED = 2312081
PER_OP = 3
SKIPPED_FAMILIES = {"zerosize"}


def deviation(op, label, args, name):
    """Why an emptied variant where Apus deliberately differs from PyTorch's CPU kernels is left
    out (Docs/Ops.md lists these), or None."""
    if op in ("pixelShuffle", "pixelUnshuffle"):
        return "the CPU kernel returns an empty input unchanged; the shape family checks torch._refs' shape"
    if op in ("multiMarginLoss", "multilabelMarginLoss") and label == "first" and args.get("reduction", "mean") == "mean":
        return "the mean over an empty batch reads uninitialised memory; Apus gives NaN like every mean over nothing"
    if op == "instanceNorm" and label == "first" and "running" in name:
        return "an empty batch turns the running statistics into NaN; Apus leaves them as they are"
    return None


def emptied(inputs, axis):
    """`inputs` with `axis` (0 or -1) of the first tensor of rank ≥ 1 emptied, and the same axis of
    every other tensor whose size there matches; None when there is no such tensor or the axis is
    already empty."""
    first = next((t for t in inputs if isinstance(t, torch.Tensor) and t.dim() >= 1), None)
    if first is None or first.shape[axis] == 0:
        return None
    n = first.shape[axis]
    out = []
    for t in inputs:
        if isinstance(t, torch.Tensor) and t.dim() >= 1 and t.shape[axis] == n:
            out.append(t.narrow(axis, 0, 0).clone())
        else:
            out.append(t)
    return out


def build(rec):
    kept = {}

    def sweep(op, fn, inputs, args, grad, name):
        for axis, label in [(0, "first"), (-1, "last")]:
            if kept.get(op, 0) >= PER_OP:
                return
            variant = emptied(inputs, axis)
            if variant is None or deviation(op, label, args, name):
                continue
            try:
                with torch.no_grad():
                    fn(*[t.clone() if isinstance(t, torch.Tensor) else t for t in variant], **args)
            except Exception:
                continue  # PyTorch refuses it: not part of the sweep
            before = len(rec.cases)
            try:
                rec.case(op, fn, variant, args=args, grad=grad, gradcheck=False,
                         name=f"sweep: {name} with its {label} axis emptied")
            except Exception:
                continue  # PyTorch's backward refuses it: left out as well
            if len(rec.cases) > before and "outputs" in rec.cases[-1]:
                kept[op] = kept.get(op, 0) + 1
            elif len(rec.cases) > before:
                rec.cases.pop()  # refused with gradients on: left out too

    replay_families(sweep, skipping=SKIPPED_FAMILIES)
