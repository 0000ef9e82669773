#!/usr/bin/env python3
"""Writes Tests/ApusTests/Fixtures/conv.json: conv1d, conv2d and conv_transpose2d outputs and
gradients computed by PyTorch in float64, the oracle of Tests/ApusTests/Ops/ConvolutionTests.swift.

Each case holds the inputs (x, weight, optional bias), the hyper-parameters, an upstream gradient
`grad_out` of the output's shape, the output `y` and the gradients of `(y * grad_out).sum()`
with respect to x, weight and bias. Run from the repository root: python3 Scripts/make_conv_fixture.py
"""
import json
import os

import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ApusTests", "Fixtures", "conv.json")

# name, op, x shape, weight shape, bias, keyword arguments (padding: int, pair or "same")
CASES = [
    ("conv2d 3x3 pad 1", "conv2d", [2, 3, 7, 6], [4, 3, 3, 3], True, dict(stride=1, padding=1)),
    ("conv2d stride 2 pad (1,2) dilation (2,1)", "conv2d", [2, 3, 9, 8], [4, 3, 3, 3], True,
     dict(stride=2, padding=(1, 2), dilation=(2, 1))),
    ("conv2d stride (2,3) kernel (3,2) groups 2", "conv2d", [2, 4, 8, 9], [6, 2, 3, 2], True,
     dict(stride=(2, 3), padding=0, groups=2)),
    ("conv2d depthwise x2 same", "conv2d", [2, 3, 6, 5], [6, 1, 3, 3], True, dict(padding="same", groups=3)),
    ("conv2d same even kernel dilation 2", "conv2d", [1, 2, 7, 6], [3, 2, 4, 2], True,
     dict(padding="same", dilation=2)),
    ("conv2d 1x1 no bias", "conv2d", [3, 5, 4, 4], [7, 5, 1, 1], False, dict()),
    ("conv2d lenet 5x5 pad 2", "conv2d", [2, 1, 12, 12], [6, 1, 5, 5], True, dict(padding=2)),
    ("conv1d stride 2 pad 1 dilation 2", "conv1d", [2, 3, 11], [5, 3, 3], True, dict(stride=2, padding=1, dilation=2)),
    ("conv1d same groups 3", "conv1d", [2, 6, 9], [3, 2, 4], False, dict(padding="same", groups=3)),
    ("conv_transpose2d stride 2 pad 1 output_padding 1 groups 2", "conv_transpose2d", [2, 4, 4, 5], [4, 3, 3, 3], True,
     dict(stride=2, padding=1, output_padding=1, groups=2)),
    ("conv_transpose2d dilation 2 no bias", "conv_transpose2d", [1, 3, 5, 4], [3, 2, 2, 3], False,
     dict(dilation=2)),
    ("conv_transpose2d stride (2,1) pad (0,1)", "conv_transpose2d", [2, 2, 3, 4], [2, 3, 3, 3], True,
     dict(stride=(2, 1), padding=(0, 1))),
]


def tensor_json(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def main():
    torch.manual_seed(0)
    cases = []
    for name, op, xs, ws, has_bias, kw in CASES:
        x = torch.randn(*xs, dtype=torch.float64, requires_grad=True)
        w = torch.randn(*ws, dtype=torch.float64, requires_grad=True)
        out_channels = ws[1] * kw.get("groups", 1) if op == "conv_transpose2d" else ws[0]
        b = torch.randn(out_channels, dtype=torch.float64, requires_grad=True) if has_bias else None
        fn = {"conv2d": F.conv2d, "conv1d": F.conv1d, "conv_transpose2d": F.conv_transpose2d}[op]
        y = fn(x, w, b, **kw)
        g = torch.randn(*y.shape, dtype=torch.float64)
        (y * g).sum().backward()
        params = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
        case = {"name": name, "op": op, "params": params, "x": tensor_json(x), "weight": tensor_json(w),
                "grad_out": tensor_json(g), "y": tensor_json(y), "dx": tensor_json(x.grad), "dw": tensor_json(w.grad)}
        if b is not None:
            case["bias"] = tensor_json(b)
            case["db"] = tensor_json(b.grad)
        cases.append(case)
    with open(OUT, "w") as f:
        json.dump({"generator": "Scripts/make_conv_fixture.py", "torch": torch.__version__, "cases": cases}, f)
    print(f"wrote {len(cases)} cases to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
