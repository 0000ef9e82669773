#!/usr/bin/env python3
"""Writes Tests/ApusTests/Fixtures/activations_losses.json: PyTorch's values and gradients for
the activations (torch.nn.functional.*) and losses that Tests/ApusTests/NN/PyTorchReferenceTests.swift
compares Apus against.

Usage: python3 Scripts/make_activation_loss_fixture.py   (needs PyTorch; produced with torch 2.15.0)

New cases are appended at the end, so that the random inputs of the earlier cases stay the same.

Every case names the Apus call (the test maps the name to a closure), its inputs (float64 or
int64, with shapes), which inputs are differentiated, an upstream gradient `up`, the output,
and the gradient of sum(output · up) w.r.t. each differentiated input. Values are written with
repr, so every digit survives.
"""
import json
import math
import pathlib

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(20261125)


def randn(*shape, scale=1.0):
    return torch.randn(*shape, generator=gen) * scale


def rand(*shape, low=0.0, high=1.0):
    return low + (high - low) * torch.rand(*shape, generator=gen)


def tensor_json(t):
    return {"shape": list(t.shape), "dtype": "int64" if t.dtype == torch.int64 else "float64",
            "values": [float(v) for v in t.flatten().tolist()]}


cases = []


def case(name, fn, inputs, grad=()):
    """`inputs`: name → tensor; `grad`: the names differentiated; `fn(**inputs)` is the PyTorch call."""
    leaves = {k: (v.clone().requires_grad_(True) if k in grad else v.clone()) for k, v in inputs.items()}
    out = fn(**leaves)
    up = randn(*out.shape) if out.dim() > 0 else torch.tensor(1.0)
    grads = {}
    if grad:
        (out * up).sum().backward()
        grads = {k: tensor_json(leaves[k].grad) for k in grad}
    cases.append({"name": name, "inputs": {k: tensor_json(v) for k, v in inputs.items()},
                  "grad": list(grad), "up": tensor_json(up), "output": tensor_json(out.detach()), "grads": grads})


# ---------------------------------------------------------------- activations
x = randn(4, 6, scale=2.0)
x[0, 0] = 0.0           # the kink / the step
x[0, 1] = -0.0
x[1, 0], x[1, 1] = 30.0, -30.0   # saturation
x[2, 0], x[2, 1] = 1000.0, -1000.0  # no overflow
x[3, 0], x[3, 1] = 1e-8, -1e-8
acts = {
    "step": lambda x: torch.heaviside(x, torch.tensor(0.0)),
    "leakyRelu": lambda x: F.leaky_relu(x),
    "leakyRelu(0.2)": lambda x: F.leaky_relu(x, 0.2),
    "elu": lambda x: F.elu(x),
    "elu(0.5)": lambda x: F.elu(x, alpha=0.5),
    "selu": lambda x: F.selu(x),
    "gelu": lambda x: F.gelu(x),
    "gelu(tanh)": lambda x: F.gelu(x, approximate="tanh"),
    "silu": lambda x: F.silu(x),
    "softmax(axis: 1)": lambda x: F.softmax(x, dim=1),
    "logSoftmax(axis: 1)": lambda x: F.log_softmax(x, dim=1),
}
for name, fn in acts.items():
    # torch.heaviside has no gradient; Apus's step has gradient 0, checked in the Swift test.
    case(name, fn, {"x": x}, grad=() if name == "step" else ("x",))

case("prelu shared", lambda x, weight: F.prelu(x, weight), {"x": x, "weight": torch.tensor([0.25])}, grad=("x", "weight"))
x3 = randn(2, 3, 4)
case("prelu per channel", lambda x, weight: F.prelu(x, weight), {"x": x3, "weight": torch.tensor([0.1, -0.3, 0.7])},
     grad=("x", "weight"))

# ---------------------------------------------------------------- regression losses
p, t = randn(3, 4), randn(3, 4)
t[0, 0] = p[0, 0]   # a zero difference
for red in ("mean", "sum", "none"):
    case(f"mseLoss {red}", lambda p, t, red=red: F.mse_loss(p, t, reduction=red), {"p": p, "t": t}, grad=("p", "t"))
    case(f"l1Loss {red}", lambda p, t, red=red: F.l1_loss(p, t, reduction=red), {"p": p, "t": t}, grad=("p", "t"))
    case(f"huberLoss {red}", lambda p, t, red=red: F.huber_loss(p, t, reduction=red), {"p": p, "t": t}, grad=("p", "t"))
case("huberLoss delta 0.5", lambda p, t: F.huber_loss(p, t, delta=0.5), {"p": p, "t": t}, grad=("p", "t"))
case("huberLoss delta 2 sum", lambda p, t: F.huber_loss(p, t, delta=2.0, reduction="sum"), {"p": p, "t": t}, grad=("p", "t"))

# ---------------------------------------------------------------- binary cross-entropy
prob = rand(3, 4, low=0.02, high=0.98)
y01 = (rand(3, 4) < 0.5).double()
ysoft = rand(3, 4)
w = rand(3, 4, low=0.5, high=2.0)
for red in ("mean", "sum", "none"):
    case(f"binaryCrossEntropy {red}", lambda p, y, red=red: F.binary_cross_entropy(p, y, reduction=red),
         {"p": prob, "y": y01}, grad=("p", "y"))
case("binaryCrossEntropy soft targets", lambda p, y: F.binary_cross_entropy(p, y), {"p": prob, "y": ysoft}, grad=("p", "y"))
case("binaryCrossEntropy weight", lambda p, y, w: F.binary_cross_entropy(p, y, weight=w), {"p": prob, "y": y01, "w": w},
     grad=("p",))
case("binaryCrossEntropy weight [4] sum", lambda p, y, w: F.binary_cross_entropy(p, y, weight=w, reduction="sum"),
     {"p": prob, "y": y01, "w": w[0]}, grad=("p",))
# p = 0 and 1 exactly: the logs are clamped at −100.
pe = torch.tensor([0.0, 0.0, 1.0, 1.0, 0.5, 1e-60])
ye = torch.tensor([0.0, 1.0, 0.0, 1.0, 1.0, 1.0])
case("binaryCrossEntropy clamped logs", lambda p, y: F.binary_cross_entropy(p, y, reduction="none"), {"p": pe, "y": ye}, grad=("p",))

logits = randn(3, 4, scale=3.0)
logits[0, 0], logits[0, 1], logits[0, 2], logits[0, 3] = 1000.0, -1000.0, 0.0, 1000.0
y01b = y01.clone()
y01b[0] = torch.tensor([1.0, 0.0, 1.0, 0.0])
posw = torch.tensor([0.5, 1.0, 2.0, 3.0])
for red in ("mean", "sum", "none"):
    case(f"binaryCrossEntropyWithLogits {red}", lambda x, y, red=red: F.binary_cross_entropy_with_logits(x, y, reduction=red),
         {"x": logits, "y": y01b}, grad=("x", "y"))
case("binaryCrossEntropyWithLogits soft targets", lambda x, y: F.binary_cross_entropy_with_logits(x, y),
     {"x": logits, "y": ysoft}, grad=("x", "y"))
case("binaryCrossEntropyWithLogits weight", lambda x, y, w: F.binary_cross_entropy_with_logits(x, y, weight=w),
     {"x": logits, "y": y01b, "w": w}, grad=("x", "y"))
case("binaryCrossEntropyWithLogits posWeight", lambda x, y, pw: F.binary_cross_entropy_with_logits(x, y, pos_weight=pw),
     {"x": logits, "y": ysoft, "pw": posw}, grad=("x", "y"))
case("binaryCrossEntropyWithLogits weight posWeight none",
     lambda x, y, w, pw: F.binary_cross_entropy_with_logits(x, y, weight=w, pos_weight=pw, reduction="none"),
     {"x": logits, "y": y01b, "w": w[0], "pw": posw}, grad=("x",))

# ---------------------------------------------------------------- cross-entropy and NLL
z = randn(5, 4, scale=2.0)
z[0] = torch.tensor([1000.0, -1000.0, 0.0, 500.0])
z[1] = torch.tensor([-1000.0, -1000.0, -999.0, -1000.0])
labels = torch.tensor([0, 3, 2, 1, 2])
labels_ignored = torch.tensor([0, -100, 2, 1, -100])
labels_ignore1 = torch.tensor([0, 1, 2, 1, 3])
cw = torch.tensor([1.0, 2.0, 0.5, 3.0])
probs = torch.softmax(randn(5, 4), dim=1)
for red in ("mean", "sum", "none"):
    case(f"crossEntropy {red}", lambda z, y, red=red: F.cross_entropy(z, y, reduction=red), {"z": z, "y": labels}, grad=("z",))
    case(f"crossEntropy weight {red}", lambda z, y, w, red=red: F.cross_entropy(z, y, weight=w, reduction=red),
         {"z": z, "y": labels, "w": cw}, grad=("z",))
    case(f"crossEntropy ignoreIndex -100 {red}", lambda z, y, red=red: F.cross_entropy(z, y, reduction=red),
         {"z": z, "y": labels_ignored}, grad=("z",))
    case(f"crossEntropy labelSmoothing {red}", lambda z, y, red=red: F.cross_entropy(z, y, reduction=red, label_smoothing=0.1),
         {"z": z, "y": labels}, grad=("z",))
    case(f"crossEntropy weight ignoreIndex 1 labelSmoothing {red}",
         lambda z, y, w, red=red: F.cross_entropy(z, y, weight=w, ignore_index=1, reduction=red, label_smoothing=0.2),
         {"z": z, "y": labels_ignore1, "w": cw}, grad=("z",))
    case(f"crossEntropy probabilities {red}", lambda z, t, red=red: F.cross_entropy(z, t, reduction=red),
         {"z": z, "t": probs}, grad=("z", "t"))
    case(f"crossEntropy probabilities weight labelSmoothing {red}",
         lambda z, t, w, red=red: F.cross_entropy(z, t, weight=w, reduction=red, label_smoothing=0.3),
         {"z": z, "t": probs, "w": cw}, grad=("z", "t"))
    case(f"nllLoss {red}", lambda lp, y, red=red: F.nll_loss(lp, y, reduction=red),
         {"lp": F.log_softmax(z, dim=1), "y": labels}, grad=("lp",))
    case(f"nllLoss weight ignoreIndex -100 {red}", lambda lp, y, w, red=red: F.nll_loss(lp, y, weight=w, reduction=red),
         {"lp": F.log_softmax(z, dim=1), "y": labels_ignored, "w": cw}, grad=("lp",))

# ---------------------------------------------------------------- added later (appended, so the cases above keep their numbers)
# hardtanh, with inputs exactly on the boundaries (gradient 0 there, as PyTorch's hardtanh_backward).
xh = randn(4, 5, scale=1.5)
xh[0, 0], xh[0, 1], xh[0, 2], xh[0, 3] = -1.0, 1.0, -0.5, 2.0
case("hardtanh", lambda x: F.hardtanh(x), {"x": xh}, grad=("x",))
case("hardtanh(-0.5, 2)", lambda x: F.hardtanh(x, min_val=-0.5, max_val=2.0), {"x": xh}, grad=("x",))

# smooth L1 for several β (β = 0 is L1), with differences on both sides of β.
ps, ts = randn(3, 5, scale=2.0), randn(3, 5)
for red in ("mean", "sum", "none"):
    case(f"smoothL1Loss {red}", lambda p, t, red=red: F.smooth_l1_loss(p, t, reduction=red), {"p": ps, "t": ts}, grad=("p", "t"))
case("smoothL1Loss beta 0.5", lambda p, t: F.smooth_l1_loss(p, t, beta=0.5), {"p": ps, "t": ts}, grad=("p", "t"))
case("smoothL1Loss beta 2 sum", lambda p, t: F.smooth_l1_loss(p, t, beta=2.0, reduction="sum"), {"p": ps, "t": ts}, grad=("p", "t"))
case("smoothL1Loss beta 0 none", lambda p, t: F.smooth_l1_loss(p, t, beta=0.0, reduction="none"), {"p": ps, "t": ts}, grad=("p", "t"))

# Cross-entropy and NLL on [N, C, d1, d2] logits with [N, d1, d2] labels (a class per pixel), and
# on [N, C, d] with [N, d]; −100 labels are ignored by default.
zs = randn(2, 3, 4, 5, scale=2.0)
ys = torch.randint(0, 3, (2, 4, 5), generator=gen)
ys_ignored = ys.clone()
ys_ignored[0, 0, 0], ys_ignored[0, 1, 2], ys_ignored[1, 3, 4] = -100, -100, -100
cw3 = torch.tensor([0.5, 2.0, 1.5])
probs_s = torch.softmax(randn(2, 3, 4, 5), dim=1)
z1 = randn(2, 3, 6)
y1 = torch.randint(0, 3, (2, 6), generator=gen)
for red in ("mean", "sum", "none"):
    case(f"crossEntropy spatial {red}", lambda z, y, red=red: F.cross_entropy(z, y, reduction=red), {"z": zs, "y": ys}, grad=("z",))
    case(f"crossEntropy spatial ignored {red}", lambda z, y, red=red: F.cross_entropy(z, y, reduction=red),
         {"z": zs, "y": ys_ignored}, grad=("z",))
    case(f"crossEntropy spatial weight labelSmoothing ignored {red}",
         lambda z, y, w, red=red: F.cross_entropy(z, y, weight=w, reduction=red, label_smoothing=0.15),
         {"z": zs, "y": ys_ignored, "w": cw3}, grad=("z",))
    case(f"crossEntropy spatial probabilities weight labelSmoothing {red}",
         lambda z, t, w, red=red: F.cross_entropy(z, t, weight=w, reduction=red, label_smoothing=0.15),
         {"z": zs, "t": probs_s, "w": cw3}, grad=("z", "t"))
    case(f"crossEntropy 1-d ignoreIndex 2 weight {red}",
         lambda z, y, w, red=red: F.cross_entropy(z, y, weight=w, ignore_index=2, reduction=red),
         {"z": z1, "y": y1, "w": cw3}, grad=("z",))
    case(f"nllLoss spatial weight ignored {red}", lambda lp, y, w, red=red: F.nll_loss(lp, y, weight=w, reduction=red),
         {"lp": F.log_softmax(zs, dim=1), "y": ys_ignored, "w": cw3}, grad=("lp",))

out = pathlib.Path(__file__).resolve().parent.parent / "Tests/ApusTests/Fixtures/activations_losses.json"
out.write_text(json.dumps({"torch": torch.__version__.split("+")[0], "cases": cases}, indent=None, separators=(",", ":")) + "\n")
print(f"wrote {len(cases)} cases to {out}")
