#!/usr/bin/env python3
"""Writes Tests/ApusTests/Fixtures/optimizers.json: parameter trajectories of torch.optim optimizers.

Usage: python3 Scripts/make_optimizer_fixture.py   (needs PyTorch; run from the repository root)

The problem is a tiny linear regression in float64: y ≈ x·Wᵀ + b with a fixed x, y, W₀ and b₀,
loss = mean squared error (mean over all elements), gradients by torch autograd. Every case puts
W in parameter group 0 and b in parameter group 1 (with its own options), runs `steps` steps and
records [W (row-major)..., b...] after each step. At the steps listed in `bias_without_grad`,
b has no gradient (b.grad = None) and must be skipped with its state unchanged.
Optimizers run their single-tensor implementation (foreach=False), PyTorch's default on CPU.
"""
import json
import torch

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(0)
X = torch.randn(6, 3, generator=gen)
Y = torch.randn(6, 2, generator=gen)
W0 = torch.randn(2, 3, generator=gen) * 0.5
B0 = torch.randn(2, generator=gen) * 0.5
STEPS = 12
BIAS_WITHOUT_GRAD = [4]

OPTIMIZERS = {
    "SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW,
    "Adagrad": torch.optim.Adagrad, "RMSprop": torch.optim.RMSprop,
}

# (name, optimizer, defaults, options of group 1 (b); group 0 (W) takes the defaults)
CASES = [
    ("sgd", "SGD", {"lr": 0.1}, {}),
    ("sgd_momentum", "SGD", {"lr": 0.1, "momentum": 0.9}, {}),
    ("sgd_momentum_dampening_wd", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.1}, {}),
    ("sgd_nesterov_wd", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}, {}),
    ("sgd_groups", "SGD", {"lr": 0.01, "momentum": 0.9}, {"lr": 0.2, "momentum": 0.5, "weight_decay": 0.1}),
    ("adam", "Adam", {"lr": 0.05}, {}),
    ("adam_wd_betas", "Adam", {"lr": 0.05, "betas": [0.8, 0.95], "eps": 1e-6, "weight_decay": 0.1}, {}),
    ("adam_amsgrad", "Adam", {"lr": 0.1, "amsgrad": True}, {}),
    ("adam_groups", "Adam", {"lr": 0.01}, {"lr": 0.1, "amsgrad": True, "weight_decay": 0.05}),
    ("adamw", "AdamW", {"lr": 0.05}, {}),
    ("adamw_amsgrad_wd", "AdamW", {"lr": 0.1, "weight_decay": 0.2, "amsgrad": True}, {}),
    ("adamw_groups", "AdamW", {"lr": 0.05, "weight_decay": 0.1}, {"lr": 0.02, "weight_decay": 0.0}),
    ("adagrad", "Adagrad", {"lr": 0.1}, {}),
    ("adagrad_decay_wd_init", "Adagrad", {"lr": 0.2, "lr_decay": 0.05, "weight_decay": 0.1,
                                          "initial_accumulator_value": 0.1, "eps": 1e-6}, {}),
    ("adagrad_groups", "Adagrad", {"lr": 0.05, "initial_accumulator_value": 0.2}, {"lr": 0.3, "lr_decay": 0.1, "weight_decay": 0.05}),
    ("rmsprop", "RMSprop", {"lr": 0.01}, {}),
    ("rmsprop_momentum_wd", "RMSprop", {"lr": 0.01, "momentum": 0.9, "weight_decay": 0.1, "alpha": 0.9}, {}),
    ("rmsprop_centered", "RMSprop", {"lr": 0.01, "centered": True}, {}),
    ("rmsprop_centered_momentum", "RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "eps": 1e-4}, {}),
    ("rmsprop_groups", "RMSprop", {"lr": 0.01, "alpha": 0.95}, {"lr": 0.02, "momentum": 0.9, "centered": True}),
]


def run(optimizer, defaults, group1):
    w = torch.nn.Parameter(W0.clone())
    b = torch.nn.Parameter(B0.clone())
    opt = OPTIMIZERS[optimizer]([{"params": [w]}, {"params": [b], **group1}], foreach=False, **defaults)
    trajectory = []
    for step in range(STEPS):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(X @ w.T + b, Y)
        loss.backward()
        if step in BIAS_WITHOUT_GRAD:
            b.grad = None
        opt.step()
        trajectory.append(w.detach().flatten().tolist() + b.detach().tolist())
    return trajectory


fixture = {
    "generator": "Scripts/make_optimizer_fixture.py",
    "torch": torch.__version__,
    "x": X.tolist(), "y": Y.tolist(), "w0": W0.tolist(), "b0": B0.tolist(),
    "steps": STEPS, "bias_without_grad": BIAS_WITHOUT_GRAD,
    "cases": [{"name": name, "optimizer": optimizer, "defaults": defaults, "group1": group1,
               "trajectory": run(optimizer, defaults, group1)}
              for name, optimizer, defaults, group1 in CASES],
}
with open("Tests/ApusTests/Fixtures/optimizers.json", "w") as f:
    json.dump(fixture, f, indent=1)
print(f"wrote {len(CASES)} cases")
