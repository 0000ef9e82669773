"""Writes Tests/ApusTests/Fixtures/pooling.json: PyTorch outputs and input gradients of max/avg
pooling (1-d and 2-d: stride, padding, dilation, ceil mode, count_include_pad, divisor_override),
adaptive and global pooling, interpolate (nearest, bilinear with both align_corners) and
local_response_norm, for the inputs and upstream gradients stored beside them.

Each case is computed in float64 (y, dx) and, from the same values rounded to float32, in
float32 (y32, dx32). The Swift test (Tests/ApusTests/Ops/PoolingTests.swift) runs the same ops
by case name. Run from the repository root: python3 Scripts/make_pooling_fixture.py
"""
import json
import torch
import torch.nn.functional as F

torch.manual_seed(0)

# name -> (input shape, function); the Swift test maps each name to the same call.
CASES = {
    "maxPool2d k2": ((2, 3, 6, 7), lambda x: F.max_pool2d(x, 2)),
    "maxPool2d k3 s2 p1": ((2, 2, 9, 8), lambda x: F.max_pool2d(x, 3, stride=2, padding=1)),
    "maxPool2d k3 s2 ceil": ((1, 2, 7, 6), lambda x: F.max_pool2d(x, 3, stride=2, ceil_mode=True)),
    "maxPool2d k3 s2 p1 ceil": ((1, 2, 8, 7), lambda x: F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)),
    "maxPool2d k(2,3) s(1,2) p1": ((2, 2, 5, 9), lambda x: F.max_pool2d(x, (2, 3), stride=(1, 2), padding=1)),
    "maxPool2d k3 p1 dilation2": ((1, 2, 8, 9), lambda x: F.max_pool2d(x, 3, stride=1, padding=1, dilation=2)),
    "maxPool2d unbatched k2 s1": ((3, 5, 5), lambda x: F.max_pool2d(x, 2, stride=1)),
    "maxPool2d ties k3 s2 p1": ((1, 2, 7, 7), lambda x: F.max_pool2d(x, 3, stride=2, padding=1)),
    "maxPool1d k3 s2 p1 ceil": ((2, 3, 10), lambda x: F.max_pool1d(x, 3, stride=2, padding=1, ceil_mode=True)),
    "avgPool2d k2": ((2, 3, 6, 7), lambda x: F.avg_pool2d(x, 2)),
    "avgPool2d k3 s2 p1": ((2, 2, 9, 8), lambda x: F.avg_pool2d(x, 3, stride=2, padding=1)),
    "avgPool2d k3 s2 p1 exclude pad": ((2, 2, 9, 8), lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=False)),
    "avgPool2d k3 s2 p1 ceil": ((1, 2, 8, 7), lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True)),
    "avgPool2d k3 s2 p1 ceil exclude pad": ((1, 2, 8, 7), lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
    "avgPool2d k3 s2 ceil no pad": ((1, 2, 7, 6), lambda x: F.avg_pool2d(x, 3, stride=2, ceil_mode=True)),
    "avgPool2d k3 s2 p1 divisor 5": ((1, 2, 6, 6), lambda x: F.avg_pool2d(x, 3, stride=2, padding=1, divisor_override=5)),
    "avgPool2d k(2,3) s(2,1) p(1,0)": ((2, 2, 5, 6), lambda x: F.avg_pool2d(x, (2, 3), stride=(2, 1), padding=(1, 0))),
    "avgPool1d k4 s3 p2 ceil exclude pad": ((2, 3, 10), lambda x: F.avg_pool1d(x, 4, stride=3, padding=2, ceil_mode=True, count_include_pad=False)),
    "adaptiveAvgPool2d (3,4)": ((2, 3, 7, 10), lambda x: F.adaptive_avg_pool2d(x, (3, 4))),
    "adaptiveAvgPool2d 1": ((2, 3, 5, 6), lambda x: F.adaptive_avg_pool2d(x, 1)),
    "adaptiveAvgPool2d 5 from 3": ((1, 2, 3, 3), lambda x: F.adaptive_avg_pool2d(x, 5)),
    "adaptiveMaxPool2d (3,4)": ((2, 3, 7, 10), lambda x: F.adaptive_max_pool2d(x, (3, 4))),
    "globalAvgPool2d": ((2, 3, 5, 6), lambda x: x.mean(dim=(2, 3))),
    "upsample nearest size (8,11)": ((2, 2, 5, 7), lambda x: F.interpolate(x, size=(8, 11), mode="nearest")),
    "upsample nearest scale 2": ((1, 2, 3, 4), lambda x: F.interpolate(x, scale_factor=2, mode="nearest")),
    "upsample nearest scale 1.5": ((1, 2, 5, 5), lambda x: F.interpolate(x, scale_factor=1.5, mode="nearest")),
    "upsample nearest size (3,4)": ((1, 2, 7, 9), lambda x: F.interpolate(x, size=(3, 4), mode="nearest")),
    "upsample bilinear size (8,11)": ((2, 2, 5, 7), lambda x: F.interpolate(x, size=(8, 11), mode="bilinear", align_corners=False)),
    "upsample bilinear size (8,11) align": ((2, 2, 5, 7), lambda x: F.interpolate(x, size=(8, 11), mode="bilinear", align_corners=True)),
    "upsample bilinear scale (1.5,2.5)": ((1, 2, 5, 5), lambda x: F.interpolate(x, scale_factor=(1.5, 2.5), mode="bilinear", align_corners=False)),
    "upsample bilinear scale 2 align": ((1, 2, 3, 4), lambda x: F.interpolate(x, scale_factor=2, mode="bilinear", align_corners=True)),
    "upsample bilinear size (3,4)": ((1, 2, 7, 9), lambda x: F.interpolate(x, size=(3, 4), mode="bilinear", align_corners=False)),
    "upsample bilinear size (1,4) align": ((1, 2, 3, 5), lambda x: F.interpolate(x, size=(1, 4), mode="bilinear", align_corners=True)),
    "localResponseNorm size 5": ((2, 7, 3, 4), lambda x: F.local_response_norm(x, 5, alpha=0.5, beta=0.75, k=2.0)),
    "localResponseNorm size 4 rank 3": ((2, 6, 5), lambda x: F.local_response_norm(x, 4, alpha=0.3, beta=0.5, k=1.0)),
    "localResponseNorm size 3 rank 5 defaults": ((1, 4, 2, 2, 3), lambda x: F.local_response_norm(x * 30, 3) / 30),
}


def values(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def run(fn, x, g, dtype):
    x = x.detach().to(dtype).clone().requires_grad_()
    y = fn(x)
    y.backward(g.to(dtype))
    return y, x.grad


cases = {}
for name, (shape, fn) in CASES.items():
    if "ties" in name:
        x = torch.randint(-2, 3, shape).double() / 2  # many equal values in each window
    else:
        x = torch.randn(*shape, dtype=torch.float64)
    with torch.no_grad():
        g = torch.randn(fn(x).shape, dtype=torch.float64)
    y, dx = run(fn, x, g, torch.float64)
    y32, dx32 = run(fn, x, g, torch.float32)
    cases[name] = {
        "xShape": list(shape), "yShape": list(y.shape),
        "x": values(x), "g": values(g), "y": values(y), "dx": values(dx), "y32": values(y32), "dx32": values(dx32),
    }

with open("Tests/ApusTests/Fixtures/pooling.json", "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
