"""Pooling: max pooling (with indices, dilation, ceil mode), average pooling (count_include_pad,
divisor_override, ceil mode), power-average (LP) pooling, adaptive average and max pooling, and
max unpooling, over one, two and three spatial axes; batched and unbatched inputs, empty
batches, NaN and ties in windows, float16/bfloat16 computed in float32, and the calls PyTorch
refuses (padding over half the kernel, windows larger than the padded input, empty channels...).

Arguments carry Apus's names (kernelSize, stride, padding, dilation, ceilMode, countIncludePad,
divisorOverride, normType, outputSize); a missing argument is PyTorch's default."""
import torch
import torch.nn.functional as F

SEED = 2312093

F64, F32 = torch.float64, torch.float32


def _opt(v):
    return None if v is None else v


# PyTorch calls with Apus's argument names.
def max_pool(dim, with_indices=False):
    fn = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}[dim]

    def call(x, kernelSize, stride=None, padding=0, dilation=1, ceilMode=False):
        return fn(x, kernelSize, stride, padding, dilation, ceil_mode=ceilMode, return_indices=with_indices)
    return call


def avg_pool(dim):
    fn = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}[dim]

    def call(x, kernelSize, stride=None, padding=0, ceilMode=False, countIncludePad=True, divisorOverride=None):
        kw = {} if dim == 1 else {"divisor_override": divisorOverride}
        return fn(x, kernelSize, stride, padding, ceil_mode=ceilMode, count_include_pad=countIncludePad, **kw)
    return call


def avg_pool3d_in_float32(x, kernelSize, stride=None, padding=0, ceilMode=False, countIncludePad=True, divisorOverride=None):
    """PyTorch's CPU has no float16/bfloat16 avg_pool3d; what it computes for every other pool:
    float32, rounded back."""
    y = F.avg_pool3d(x.float(), kernelSize, stride, padding, ceil_mode=ceilMode, count_include_pad=countIncludePad,
                     divisor_override=divisorOverride)
    return y.to(x.dtype)


def lp_pool(dim):
    fn = {1: F.lp_pool1d, 2: F.lp_pool2d, 3: F.lp_pool3d}[dim]

    def call(x, normType, kernelSize, stride=None, ceilMode=False):
        return fn(x, float(normType), kernelSize, stride, ceil_mode=ceilMode)
    return call


def adaptive_avg(dim):
    fn = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}[dim]
    return lambda x, outputSize: fn(x, outputSize)


def adaptive_max(dim, with_indices=False):
    fn = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}[dim]
    return lambda x, outputSize: fn(x, outputSize, return_indices=with_indices)


def max_unpool(dim):
    fn = {1: F.max_unpool1d, 2: F.max_unpool2d, 3: F.max_unpool3d}[dim]

    def call(x, indices, kernelSize, stride=None, padding=0, outputSize=None):
        return fn(x, indices, kernelSize, stride, padding, outputSize)
    return call


def build(rec):
    # Inputs on a grid of 1/256 (exact in every float dtype up to bfloat16's rounding): their
    # decimal forms are short, which keeps the fixture small.
    def randn(*shape, dtype=F64):
        return (rec.randn(*shape) * 256).round().div(256).to(dtype)

    def rand(*shape, low=0.0, high=1.0, dtype=F64):
        return (rec.rand(*shape, low=low, high=high) * 256).round().div(256).to(dtype)

    def distinct(*shape, dtype=F64):
        """Values with no ties (a random permutation, scaled), so that gradients are unambiguous."""
        n = 1
        for s in shape:
            n *= s
        return ((rec.perm(n).to(F64) - n / 2) / 4).reshape(shape).to(dtype)

    def ties(*shape, dtype=F64):
        """Small integers as floats: windows with several equal maxima."""
        return rec.randint(0, 3, *shape).to(dtype)

    def with_nan(x, *positions):
        x = x.clone()
        flat = x.view(-1)
        for p in positions:
            flat[p] = float("nan")
        return x

    # ------------------------------------------------------------------ max pooling
    for dim, op in [(1, "maxPool1d"), (2, "maxPool2d"), (3, "maxPool3d")]:
        sp = {1: [9], 2: [4, 6], 3: [3, 4, 4]}[dim]
        C = 1 if dim == 3 else 2  # channels: 3-d cases stay small
        small = {1: [7], 2: [4, 5], 3: [2, 3, 4]}[dim]
        for indices in (False, True):
            name = op + ("WithIndices" if indices else "")
            f = max_pool(dim, indices)
            rec.case(name, f, [randn(2 if dim < 3 else 1, 2, *sp, dtype=F32)], args={"kernelSize": 2})
            rec.case(name, f, [distinct(1, 2, *small)], args={"kernelSize": 2, "stride": 1}, gradcheck=True)
            rec.case(name, f, [distinct(1, 1, *sp)], args={"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True},
                     gradcheck=dim < 3)
            rec.case(name, f, [randn(1, C, *sp)], args={"kernelSize": 2, "stride": 2, "padding": 1, "dilation": 2},
                     gradcheck=False)
            rec.case(name, f, [ties(1, C, *sp)], args={"kernelSize": 3, "stride": 2, "padding": 1}, gradcheck=False,
                     name=f"{name} ties")
            rec.case(name, f, [with_nan(randn(1, 2, *sp), 1, 5, 6, 12, 13)], args={"kernelSize": 2, "stride": 1},
                     gradcheck=False, name=f"{name} NaN in windows")
            rec.case(name, f, [torch.zeros(0, 2, *sp)], args={"kernelSize": 2}, name=f"{name} empty batch")
            if indices:
                continue
            rec.case(name, f, [randn(1, C, *sp, dtype=F32)], args={"kernelSize": 3, "stride": 2, "padding": 1})
            rec.case(name, f, [randn(2, *sp)], args={"kernelSize": 2}, gradcheck=False, name=f"{name} unbatched")
            rec.case(name, f, [torch.full((1, 1, *small), float("-inf"), dtype=F64)],
                     args={"kernelSize": 2, "stride": 2, "padding": 1}, gradcheck=False, name=f"{name} all -inf")
        f = max_pool(dim)
        # Per-axis sizes.
        k = {1: 4, 2: [2, 3], 3: [1, 2, 3]}[dim]
        s = {1: 3, 2: [1, 2], 3: [2, 1, 2]}[dim]
        p = {1: 2, 2: [1, 0], 3: [0, 1, 1]}[dim]
        d = {1: 2, 2: [2, 1], 3: [1, 2, 1]}[dim]
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"kernelSize": k, "stride": s, "padding": p, "dilation": d})
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)],
                 args={"kernelSize": k, "stride": s, "padding": p, "dilation": d, "ceilMode": True}, name=f"{op} per-axis ceil")
        # Ceil mode: the last window must start inside the input or the left padding.
        rec.case(op, f, [randn(1, 1, *{1: [5], 2: [5, 3], 3: [5, 3, 3]}[dim], dtype=F32)], args={"kernelSize": 2, "stride": 2, "padding": 1,
                                                                         "ceilMode": True}, name=f"{op} ceil dropped window")
        rec.case(op, f, [randn(1, 1, *{1: [6], 2: [6, 4], 3: [6, 4, 4]}[dim], dtype=F32)], args={"kernelSize": 3, "stride": 2, "ceilMode": True},
                 name=f"{op} ceil partial window")
        for dt in (torch.float16, torch.bfloat16):
            rec.case(op, f, [randn(1, C, *sp, dtype=dt)], args={"kernelSize": 3, "stride": 2, "padding": 1})
        # Refusals.
        tiny = [4] * dim
        rec.case(op, f, [torch.zeros(1, 1, *tiny)], args={"kernelSize": 2, "padding": 2}, name=f"{op} padding over half the kernel")
        rec.case(op, f, [torch.zeros(1, 1, *tiny)], args={"kernelSize": 5}, name=f"{op} kernel larger than the input")
        rec.case(op, f, [torch.zeros(1, 1, *tiny)], args={"kernelSize": 3, "padding": 1, "dilation": 3},
                 name=f"{op} dilated kernel larger than the padded input")
        rec.case(op, f, [torch.zeros(2, 0, *tiny)], args={"kernelSize": 2}, name=f"{op} empty channels")
        rec.case(op, f, [torch.zeros(0, *tiny)], args={"kernelSize": 2}, name=f"{op} unbatched empty channels")
        rec.case(op, f, [torch.zeros(*tiny)], args={"kernelSize": 2}, name=f"{op} missing channel axis")
        rec.case(op, f, [torch.zeros(1, 1, *tiny)], args={"kernelSize": 2, "stride": 0}, name=f"{op} stride 0")
        rec.case(op, f, [torch.zeros(1, 1, *tiny)], args={"kernelSize": 2, "dilation": 0}, name=f"{op} dilation 0")

    # ------------------------------------------------------------------ average pooling
    for dim, op in [(1, "avgPool1d"), (2, "avgPool2d"), (3, "avgPool3d")]:
        sp = {1: [9], 2: [4, 6], 3: [3, 4, 4]}[dim]
        C = 1 if dim == 3 else 2  # channels: 3-d cases stay small
        small = {1: [7], 2: [4, 5], 3: [2, 3, 4]}[dim]
        f = avg_pool(dim)
        rec.case(op, f, [randn(2 if dim < 3 else 1, 2, *sp, dtype=F32)], args={"kernelSize": 2})
        rec.case(op, f, [randn(1, 2, *small)], args={"kernelSize": 2, "stride": 1}, gradcheck=True)
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"kernelSize": 3, "stride": 2, "padding": 1})
        rec.case(op, f, [randn(1, 1, *sp)], args={"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": False},
                 gradcheck=dim < 3)
        rec.case(op, f, [randn(1, 1, *sp)],
                 args={"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True, "countIncludePad": False},
                 gradcheck=dim == 1)
        rec.case(op, f, [randn(1, 1, *{1: [6], 2: [6, 4], 3: [6, 4, 4]}[dim], dtype=F32)], args={"kernelSize": 3, "stride": 2, "ceilMode": True},
                 name=f"{op} ceil partial window")
        rec.case(op, f, [randn(1, 1, *{1: [5], 2: [5, 3], 3: [5, 3, 3]}[dim], dtype=F32)], args={"kernelSize": 2, "stride": 2, "padding": 1,
                                                                         "ceilMode": True}, name=f"{op} ceil dropped window")
        k = {1: 4, 2: [2, 3], 3: [1, 2, 3]}[dim]
        s = {1: 3, 2: [1, 2], 3: [2, 1, 2]}[dim]
        p = {1: 2, 2: [1, 0], 3: [0, 1, 1]}[dim]
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"kernelSize": k, "stride": s, "padding": p})
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"kernelSize": k, "stride": s, "padding": p, "ceilMode": True,
                                                                  "countIncludePad": False}, name=f"{op} per-axis ceil exclude pad")
        rec.case(op, f, [randn(2, *sp)], args={"kernelSize": 2}, gradcheck=False, name=f"{op} unbatched")
        rec.case(op, f, [torch.zeros(0, 2, *sp)], args={"kernelSize": 2}, name=f"{op} empty batch")
        rec.case(op, f, [with_nan(randn(1, 1, *sp), 3)], args={"kernelSize": 2}, gradcheck=False, name=f"{op} NaN")
        if dim > 1:
            rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"kernelSize": 3, "stride": 2, "padding": 1, "divisorOverride": 5})
            rec.case(op, f, [randn(1, 1, *small)], args={"kernelSize": 2, "stride": 1, "padding": 1, "divisorOverride": -3},
                     gradcheck=dim == 2, name=f"{op} negative divisorOverride")
            rec.case(op, f, [torch.zeros(1, 1, *[4] * dim)], args={"kernelSize": 2, "divisorOverride": 0}, name=f"{op} divisorOverride 0")
        if dim < 3:
            for dt in (torch.float16, torch.bfloat16):
                rec.case(op, f, [randn(1, C, *sp, dtype=dt)], args={"kernelSize": 3, "stride": 2, "padding": 1})
        else:
            for dt in (torch.float16, torch.bfloat16):
                rec.case(op, avg_pool3d_in_float32, [randn(1, C, *sp, dtype=dt)], args={"kernelSize": 3, "stride": 2, "padding": 1},
                         note="PyTorch's CPU has no reduced-precision avg_pool3d: float32, rounded back")
        tiny = [4] * dim
        rec.case(op, f, [torch.zeros(1, 1, *tiny)], args={"kernelSize": 3, "padding": 2}, name=f"{op} padding over half the kernel")
        rec.case(op, f, [torch.zeros(1, 1, *tiny)], args={"kernelSize": 5}, name=f"{op} kernel larger than the input")
        rec.case(op, f, [torch.zeros(2, 0, *tiny)], args={"kernelSize": 2}, name=f"{op} empty channels")
        rec.case(op, f, [torch.zeros(*tiny)], args={"kernelSize": 2}, name=f"{op} missing channel axis")

    # ------------------------------------------------------------------ LP pooling
    for dim, op in [(1, "lpPool1d"), (2, "lpPool2d"), (3, "lpPool3d")]:
        sp = {1: [9], 2: [4, 6], 3: [3, 4, 4]}[dim]
        C = 1 if dim == 3 else 2  # channels: 3-d cases stay small
        small = {1: [8], 2: [4, 4], 3: [2, 2, 4]}[dim]
        f = lp_pool(dim)
        rec.case(op, f, [randn(2 if dim < 3 else 1, 2, *sp, dtype=F32)], args={"normType": 2, "kernelSize": 2})
        # Away from zero sums, where the root's gradient is unbounded.
        rec.case(op, f, [rand(1, 1, *small, low=0.5, high=2.0)], args={"normType": 2, "kernelSize": 2}, gradcheck=True)
        rec.case(op, f, [rand(1, 1, *small, low=0.5, high=2.0)], args={"normType": 1.5, "kernelSize": 2, "stride": 1},
                 gradcheck=dim < 3)
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"normType": 3, "kernelSize": 2, "stride": 1},
                 name=f"{op} odd power of signed inputs")
        rec.case(op, f, [rand(1, C, *sp, low=0.5, high=2.0, dtype=F32)], args={"normType": -1, "kernelSize": 2})
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"normType": "inf", "kernelSize": 2}, name=f"{op} infinite norm")
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"normType": "-inf", "kernelSize": 2, "stride": 1},
                 name=f"{op} minus infinite norm")
        rec.case(op, f, [randn(1, C, *sp)], args={"normType": 2, "kernelSize": 3, "stride": 2, "ceilMode": True},
                 gradcheck=False, name=f"{op} ceil partial window")
        rec.case(op, f, [randn(1, C, *sp, dtype=F32)], args={"normType": "inf", "kernelSize": 3, "stride": 2, "ceilMode": True},
                 name=f"{op} infinite norm ceil")
        zeros = torch.zeros(1, 1, *small, dtype=F64)
        zeros.view(-1)[:3] = torch.tensor([1.0, -2.0, 0.5], dtype=F64)
        rec.case(op, f, [zeros], args={"normType": 2, "kernelSize": 2}, gradcheck=False, name=f"{op} zero windows")
        rec.case(op, f, [randn(2, *sp)], args={"normType": 2, "kernelSize": 2}, gradcheck=False, name=f"{op} unbatched")
        rec.case(op, f, [torch.zeros(0, 2, *sp)], args={"normType": 2, "kernelSize": 2}, name=f"{op} empty batch")
        if dim < 3:
            for dt in (torch.float16, torch.bfloat16):
                rec.case(op, f, [rand(1, C, *sp, low=0.5, high=2.0, dtype=dt)], args={"normType": 2, "kernelSize": 2},
                         rtol=4e-3 if dt == torch.float16 else 3e-2)
        rec.case(op, f, [torch.zeros(1, 1, *[4] * dim)], args={"normType": 0, "kernelSize": 2}, name=f"{op} normType 0")
        rec.case(op, f, [torch.zeros(1, 1, *[4] * dim)], args={"normType": 2, "kernelSize": 5}, name=f"{op} kernel larger than the input")

    # ------------------------------------------------------------------ adaptive pooling
    for dim, (avg_op, max_op) in [(1, ("adaptiveAvgPool1d", "adaptiveMaxPool1d")), (2, ("adaptiveAvgPool2d", "adaptiveMaxPool2d")),
                                  (3, ("adaptiveAvgPool3d", "adaptiveMaxPool3d"))]:
        sp = {1: [10], 2: [7, 9], 3: [3, 4, 5]}[dim]
        C = 1 if dim == 3 else 2  # channels: 3-d cases stay small
        small = {1: [7], 2: [4, 5], 3: [3, 3, 3]}[dim]
        out = {1: 4, 2: [3, 4], 3: [2, 3, 2]}[dim]
        up = {1: 13, 2: [6, 7], 3: [4, 4, 5]}[dim]
        fa = adaptive_avg(dim)
        rec.case(avg_op, fa, [randn(2 if dim < 3 else 1, 2, *sp, dtype=F32)], args={"outputSize": out})
        rec.case(avg_op, fa, [randn(1, 1, *small)], args={"outputSize": {1: 3, 2: [3, 2], 3: 2}[dim]}, gradcheck=True)
        rec.case(avg_op, fa, [randn(1, 1, *small, dtype=F32)], args={"outputSize": up}, name=f"{avg_op} larger than the input")
        rec.case(avg_op, fa, [randn(1, C, *sp, dtype=F32)], args={"outputSize": 1}, name=f"{avg_op} global")
        rec.case(avg_op, fa, [randn(2, *small)], args={"outputSize": 2}, gradcheck=False, name=f"{avg_op} unbatched")
        rec.case(avg_op, fa, [torch.zeros(0, 2, *sp)], args={"outputSize": out}, name=f"{avg_op} empty batch")
        # (PyTorch's backward refuses empty channels: no gradient recorded.)
        rec.case(avg_op, fa, [torch.zeros(2, 0, *sp)], args={"outputSize": out}, grad=[], name=f"{avg_op} empty channels")
        rec.case(avg_op, fa, [torch.zeros(2, 2, *([0] + sp[1:]))], args={"outputSize": 1}, name=f"{avg_op} global of an empty plane")
        rec.case(avg_op, fa, [torch.zeros(2, 2, *([0] + sp[1:]))], args={"outputSize": out}, name=f"{avg_op} empty plane")
        rec.case(avg_op, fa, [randn(1, C, *sp)], args={"outputSize": {1: 0, 2: [0, 3], 3: [2, 0, 1]}[dim]}, grad=[],
                 name=f"{avg_op} zero output size")
        rec.case(avg_op, fa, [torch.zeros(1, 1, *[3] * dim)], args={"outputSize": -1}, name=f"{avg_op} negative output size")
        for dt in (torch.float16, torch.bfloat16):
            if dim < 3:
                rec.case(avg_op, fa, [randn(1, C, *sp, dtype=dt)], args={"outputSize": out})
            else:
                rec.case(avg_op, lambda x, outputSize: F.adaptive_avg_pool3d(x.float(), outputSize).to(x.dtype),
                         [randn(1, C, *sp, dtype=dt)], args={"outputSize": out},
                         note="PyTorch's CPU sums 16-bit adaptive_avg_pool3d windows in the 16-bit type; Apus in float32, "
                              "as PyTorch's other pools: float32, rounded back")
        for indices in (False, True):
            name = max_op + ("WithIndices" if indices else "")
            fm = adaptive_max(dim, indices)
            rec.case(name, fm, [randn(2 if dim < 3 else 1, 2, *sp, dtype=F32)], args={"outputSize": out})
            rec.case(name, fm, [distinct(1, 1, *small)], args={"outputSize": {1: 3, 2: [3, 2], 3: 2}[dim]}, gradcheck=True)
            if not indices:
                rec.case(name, fm, [randn(1, 1, *small, dtype=F32)], args={"outputSize": up}, name=f"{name} larger than the input")
            rec.case(name, fm, [ties(1, C, *sp)], args={"outputSize": out}, gradcheck=False, name=f"{name} ties")
            rec.case(name, fm, [with_nan(randn(1, C, *sp), 0, 4, 9)], args={"outputSize": out}, gradcheck=False,
                     name=f"{name} NaN")
            if indices:
                continue
            rec.case(name, fm, [randn(2, *small)], args={"outputSize": 2}, gradcheck=False, name=f"{name} unbatched")
            rec.case(name, fm, [torch.zeros(0, 2, *sp)], args={"outputSize": out}, name=f"{name} empty batch")
            rec.case(name, fm, [randn(1, C, *sp)], args={"outputSize": {1: 0, 2: [0, 3], 3: [2, 0, 1]}[dim]}, grad=[],
                     name=f"{name} zero output size")
        fm = adaptive_max(dim)
        rec.case(max_op, fm, [torch.zeros(2, 0, *sp)], args={"outputSize": out}, name=f"{max_op} empty channels")
        rec.case(max_op, fm, [torch.zeros(0, *sp)], args={"outputSize": out}, name=f"{max_op} unbatched empty channels")
        rec.case(max_op, fm, [torch.zeros(1, 1, *[3] * dim)], args={"outputSize": -1}, name=f"{max_op} negative output size")
        rec.case(max_op, fm, [torch.zeros(2, 2, *([0] + sp[1:]))], args={"outputSize": out}, name=f"{max_op} empty plane")
        for dt in (torch.float16, torch.bfloat16):
            rec.case(max_op, fm, [randn(1, C, *sp, dtype=dt)], args={"outputSize": out})

    # ------------------------------------------------------------------ max unpooling
    for dim, op in [(1, "maxUnpool1d"), (2, "maxUnpool2d"), (3, "maxUnpool3d")]:
        sp = {1: [9], 2: [5, 6], 3: [3, 4, 6]}[dim]
        C = 1 if dim == 3 else 2  # channels: 3-d cases stay small
        pool = max_pool(dim, True)
        f = max_unpool(dim)

        def pooled(x, **kw):
            v, i = pool(x, **kw)
            return v.detach(), i

        v, i = pooled(distinct(1, 2, *sp), kernelSize=2)
        rec.case(op, f, [v, i], args={"kernelSize": 2}, grad=[0], gradcheck=True)
        v, i = pooled(randn(1, C, *sp, dtype=F32), kernelSize=2)
        rec.case(op, f, [v, i], args={"kernelSize": 2}, grad=[0])
        full = {1: [9], 2: [5, 6], 3: [3, 4, 7]}[dim]
        rec.case(op, f, [v, i], args={"kernelSize": 2, "outputSize": full}, grad=[0], name=f"{op} outputSize")
        rec.case(op, f, [v, i], args={"kernelSize": 2, "outputSize": [2, 2] + full}, grad=[], name=f"{op} whole outputSize")
        v, i = pooled(randn(1, C, *sp), kernelSize=3, stride=2, padding=1)
        rec.case(op, f, [v, i], args={"kernelSize": 3, "stride": 2, "padding": 1, "outputSize": sp}, grad=[0], gradcheck=False,
                 name=f"{op} padding")
        # Overlapping windows: repeated indices, the later value wins; the gradient gathers.
        v, i = pooled(ties(1, C, *sp), kernelSize=3, stride=1)
        rec.case(op, f, [v, i], args={"kernelSize": 3, "stride": 1}, grad=[0], gradcheck=False, name=f"{op} repeated indices")
        v, i = pooled(randn(2, *sp), kernelSize=2)
        rec.case(op, f, [v, i], args={"kernelSize": 2}, grad=[0], gradcheck=False, name=f"{op} unbatched")
        rec.case(op, f, [torch.zeros(0, 2, *([2] * dim)), torch.zeros(0, 2, *([2] * dim), dtype=torch.int64)],
                 args={"kernelSize": 2}, grad=[0], name=f"{op} empty batch")
        v, i = pooled(randn(1, C, *sp, dtype=F32), kernelSize=2)
        for dt in (torch.float16, torch.bfloat16):
            rec.case(op, f, [v.to(dt), i], args={"kernelSize": 2}, grad=[])
        # Refusals.
        small = [2 * s - 2 for s in v.shape[2:]]
        rec.case(op, f, [v, i], args={"kernelSize": 2, "outputSize": small}, grad=[0], name=f"{op} outputSize out of range")
        rec.case(op, f, [v, i], args={"kernelSize": 2, "stride": 1}, grad=[0], name=f"{op} index outside the output")
        rec.case(op, f, [v, -i], args={"kernelSize": 2}, grad=[0], name=f"{op} negative index")
        rec.case(op, f, [v, i.to(torch.int32)], args={"kernelSize": 2}, grad=[0], name=f"{op} int32 indices")
        rec.case(op, f, [v, i[..., :1]], args={"kernelSize": 2}, grad=[0], name=f"{op} indices of another shape")
        rec.case(op, f, [torch.zeros(1, 0, *([2] * dim)), torch.zeros(1, 0, *([2] * dim), dtype=torch.int64)],
                 args={"kernelSize": 2}, grad=[0], name=f"{op} empty channels")

    # ------------------------------------------------------------------ integer inputs
    # PyTorch's CPU max-pools every integer dtype in 2-d and 3-d (1-d only when it returns
    # indices), and average-pools int64 with an integer sum and truncating division.
    for dim, op in [(2, "maxPool2d"), (3, "maxPool3d")]:
        sp = {2: [4, 6], 3: [3, 4, 4]}[dim]
        for dt in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64):
            low = 0 if dt == torch.uint8 else -100
            rec.case(op, max_pool(dim), [rec.randint(low, 100, 1, 2, *sp).to(dt)], args={"kernelSize": 3, "stride": 2, "padding": 1})
        rec.case(op + "WithIndices", max_pool(dim, True), [rec.randint(-3, 3, 1, 2, *sp)], args={"kernelSize": 2, "stride": 1},
                 name=f"{op}WithIndices int64 ties")
        rec.case(op, max_pool(dim), [torch.tensor([True, False]).repeat(2 ** dim * sp[-1] // 2).reshape(1, 2, *([2] * (dim - 1)), sp[-1])],
                 args={"kernelSize": 2}, name=f"{op} bool refused")
    rec.case("maxPool1dWithIndices", max_pool(1, True), [rec.randint(-9, 9, 1, 2, 9)], args={"kernelSize": 3, "stride": 2, "padding": 1})
    rec.case("maxPool1d", max_pool(1), [rec.randint(-9, 9, 1, 2, 9)], args={"kernelSize": 3}, name="maxPool1d int64 refused")
    for dim, op in [(1, "avgPool1d"), (2, "avgPool2d"), (3, "avgPool3d")]:
        sp = {1: [9], 2: [4, 6], 3: [3, 4, 4]}[dim]
        f = avg_pool(dim)
        rec.case(op, f, [rec.randint(-50, 50, 1, 2, *sp)], args={"kernelSize": 3, "stride": 2, "padding": 1}, name=f"{op} int64")
        rec.case(op, f, [rec.randint(-50, 50, 1, 2, *sp)], args={"kernelSize": 3, "stride": 2, "padding": 1, "ceilMode": True,
                                                                 "countIncludePad": False}, name=f"{op} int64 exclude pad")
        if dim > 1:
            rec.case(op, f, [rec.randint(-50, 50, 1, 2, *sp)], args={"kernelSize": 2, "divisorOverride": -3},
                     name=f"{op} int64 negative divisorOverride")
        rec.case(op, f, [rec.randint(-50, 50, 1, 2, *sp).to(torch.int32)], args={"kernelSize": 2}, name=f"{op} int32 refused")
    rec.case("adaptiveAvgPool2d", adaptive_avg(2), [rec.randint(0, 9, 1, 2, 4, 6)], args={"outputSize": 2},
             name="adaptiveAvgPool2d int64 refused")
    rec.case("adaptiveMaxPool2d", adaptive_max(2), [rec.randint(0, 9, 1, 2, 4, 6)], args={"outputSize": 2},
             name="adaptiveMaxPool2d int64 refused")
