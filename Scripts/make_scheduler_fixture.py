#!/usr/bin/env python3
"""Writes Tests/ApusTests/Fixtures/schedulers.json: learning-rate sequences of torch.optim.lr_scheduler.

Usage: python3 Scripts/make_scheduler_fixture.py   (needs PyTorch; run from the repository root)

Each case builds an SGD optimizer with two parameter groups (base learning rates `base_lrs`),
creates the scheduler described by `scheduler` (torch's class name and arguments), and records
both groups' learning rates right after creation and after each of `steps` calls of
`scheduler.step()` (`scheduler.step(metric)` with the listed metrics for ReduceLROnPlateau).
"""
import json
import torch
from torch.optim import lr_scheduler as S

BASE_LRS = [0.1, 0.02]


def build(spec, opt):
    kind = spec["type"]
    args = {k: v for k, v in spec.items() if k != "type"}
    if kind == "SequentialLR":
        schedulers = [build(s, opt) for s in args.pop("schedulers")]
        return S.SequentialLR(opt, schedulers, **args)
    return getattr(S, kind)(opt, **args)


def plateau_metrics(n):
    # Improves, stalls, improves a little (below and above the threshold), stalls again.
    values, v = [], 10.0
    for i in range(n):
        if i < 5:
            v -= 1.0
        elif i < 12:
            v -= 1e-6 if i % 2 else 0.0
        elif i < 16:
            v *= 0.9
        values.append(v)
    return values


CASES = [
    ("step", {"type": "StepLR", "step_size": 3, "gamma": 0.5}, 12, None),
    ("step_default_gamma", {"type": "StepLR", "step_size": 2}, 8, None),
    ("multistep", {"type": "MultiStepLR", "milestones": [2, 5, 5, 9], "gamma": 0.3}, 12, None),
    ("exponential", {"type": "ExponentialLR", "gamma": 0.9}, 30, None),
    ("exponential_per_batch", {"type": "ExponentialLR", "gamma": 0.99998}, 300, None),
    ("cosine", {"type": "CosineAnnealingLR", "T_max": 10}, 25, None),
    ("cosine_eta_min", {"type": "CosineAnnealingLR", "T_max": 7, "eta_min": 0.001}, 20, None),
    ("linear_default", {"type": "LinearLR"}, 8, None),
    ("linear_custom", {"type": "LinearLR", "start_factor": 0.1, "end_factor": 0.5, "total_iters": 4}, 8, None),
    ("sequential_warmup_cosine", {"type": "SequentialLR", "milestones": [5], "schedulers": [
        {"type": "LinearLR", "start_factor": 0.1, "total_iters": 5},
        {"type": "CosineAnnealingLR", "T_max": 10}]}, 20, None),
    ("sequential_three", {"type": "SequentialLR", "milestones": [3, 8], "schedulers": [
        {"type": "LinearLR"}, {"type": "StepLR", "step_size": 2, "gamma": 0.5},
        {"type": "ExponentialLR", "gamma": 0.9}]}, 15, None),
    ("plateau_default", {"type": "ReduceLROnPlateau"}, 30, plateau_metrics(30)),
    ("plateau_min_patience", {"type": "ReduceLROnPlateau", "factor": 0.5, "patience": 2}, 30, plateau_metrics(30)),
    ("plateau_max_abs_cooldown", {"type": "ReduceLROnPlateau", "mode": "max", "factor": 0.3, "patience": 1,
                                  "threshold": 0.5, "threshold_mode": "abs", "cooldown": 2, "min_lr": 0.004},
     30, [-m for m in plateau_metrics(30)]),
]


def run(spec, steps, metrics):
    params = [torch.nn.Parameter(torch.zeros(1)) for _ in BASE_LRS]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, BASE_LRS)])
    sched = build(spec, opt)
    lrs = [[g["lr"] for g in opt.param_groups]]
    for t in range(steps):
        opt.step()
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[t])
        lrs.append([g["lr"] for g in opt.param_groups])
    return lrs


fixture = {
    "generator": "Scripts/make_scheduler_fixture.py",
    "torch": torch.__version__,
    "base_lrs": BASE_LRS,
    "cases": [{"name": name, "scheduler": spec, "metrics": metrics, "lrs": run(spec, steps, metrics)}
              for name, spec, steps, metrics in CASES],
}
with open("Tests/ApusTests/Fixtures/schedulers.json", "w") as f:
    json.dump(fixture, f)
print(f"wrote {len(CASES)} cases")
