"""Reductions and scans: sum, prod, mean, nansum, nanmean, var/std (and with the mean), amax/amin,
max/min (values, and with indices along a dim), aminmax, argmax/argmin, all/any, count_nonzero,
logsumexp, cumsum/cumprod/cummax/cummin/logcumsumexp, vector/matrix norms and torch.norm, median,
nanmedian, quantile, nanquantile, mode.

Each op is recorded with float32 and float64 inputs, negative dims and keepdim, zero-sized shapes
(PyTorch's identity, or its refusal), NaN and ties where they matter, integer and bool inputs with
PyTorch's result dtypes, and at least one float64 case small enough to gradcheck (distinct values,
away from kinks). The argument names are PyTorch's (dim, keepdim, correction, ord, p, q, ...);
OpInfo+Reductions.swift reads them by these names.
"""
import torch

SEED = 2312071

F32, F64, I64 = torch.float32, torch.float64, torch.int64
NAN, INF = float("nan"), float("inf")


def num(v):
    """A number from an argument: "inf", "-inf" and "nan" are written as strings (JSON has no infinity)."""
    return float(v) if isinstance(v, str) and v in ("inf", "-inf", "nan") else v


def arg(v):
    """An argument as the fixture writes it: infinities as strings."""
    if isinstance(v, float) and v in (INF, -INF):
        return "inf" if v > 0 else "-inf"
    return v


def _dims(dim, x):
    """PyTorch's dim for a reduction over `dim` (None: every axis)."""
    return tuple(range(x.dim())) if dim is None else dim


def reduce_call(fn):
    """fn(x, dim, keepdim) with dim None meaning every axis, as Apus's `axes: nil`."""
    def call(x, dim=None, keepdim=False, **kw):
        if dim is None and not keepdim:
            return fn(x, **kw)
        return fn(x, dim=_dims(dim, x), keepdim=keepdim, **kw)
    return call


def distinct(rec, *shape, dtype=F64, scale=1.0):
    """Values with gaps far larger than gradcheck's step: a random permutation of 0.5·k, shifted."""
    n = 1
    for s in shape:
        n *= s
    values = (rec.perm(n).to(F64) - n / 2) * 0.5 * scale + 0.125
    return values.reshape(*shape).to(dtype)


def build(rec):
    x34 = lambda dtype=F64: rec.randn(3, 4, dtype=dtype)
    empty = torch.zeros(2, 0, 4, dtype=F64)

    # ------------------------------------------------------------------ sum, prod, mean
    s = reduce_call(torch.sum)
    rec.case("sum", s, [x34()])
    rec.case("sum", s, [rec.randn(2, 3, 4, dtype=F32)], args={"dim": [0, 2]})
    rec.case("sum", s, [rec.randn(2, 3, 4)], args={"dim": [-1], "keepdim": True})
    rec.case("sum", s, [rec.randn(2, 3, 4)], args={"dim": [0, 1]})
    rec.case("sum", s, [rec.randn(2, 3, 4, dtype=F32)], args={"dim": [1]})
    rec.case("sum", s, [rec.randn(3, 5, dtype=F32)], args={"dim": None, "keepdim": True})
    rec.case("sum", s, [empty], args={"dim": [1]}, name="sum zero-sized axis 1")
    rec.case("sum", s, [empty], args={"dim": [1], "keepdim": True}, name="sum zero-sized axis 1 keepdim")
    rec.case("sum", s, [empty], args={"dim": [2]}, name="sum over a non-empty axis of a zero-sized tensor")
    rec.case("sum", s, [empty], name="sum of no elements")
    rec.case("sum", s, [rec.randint(-5, 5, 3, 4)], args={"dim": [0]})
    rec.case("sum", s, [rec.randint(0, 2, 3, 4).bool()], args={"dim": [1]})
    rec.case("sum", s, [torch.tensor([2**62, 2**62, 2**62])], name="sum int64 wraps around")
    rec.case("sum", s, [torch.tensor(2.5, dtype=F64)], args={"dim": [0]}, name="sum rank 0 over dim 0")

    p = reduce_call(lambda x, dim=None, keepdim=False: torch.prod(x) if dim is None
                    else (torch.prod(x, dim[0], keepdim=keepdim) if len(dim) == 1
                          else torch.prod(x.flatten(), 0) if not keepdim else torch.prod(x.flatten(), 0).reshape([1] * x.dim())))
    rec.case("prod", p, [rec.rand(3, 4, low=0.5, high=1.5)])
    rec.case("prod", p, [rec.rand(3, 4, low=-1.5, high=1.5, dtype=F32)], args={"dim": [1]})
    rec.case("prod", p, [rec.rand(2, 3, 4, low=0.5, high=1.5)], args={"dim": [-2], "keepdim": True})
    rec.case("prod", p, [rec.rand(2, 3, 4, low=0.5, high=1.5)], args={"dim": [0]})
    rec.case("prod", p, [torch.tensor([[2.0, 0.0, 3.0, 1.5], [0.0, 0.0, 2.0, 4.0], [1.0, 2.0, -3.0, 0.5]], dtype=F64)],
             args={"dim": [1]}, name="prod zeros: one, two, none per row")
    rec.case("prod", p, [torch.tensor([[2.0, 0.0], [0.5, 3.0], [4.0, 1.0]], dtype=F64)], args={"dim": [0]},
             name="prod zeros along dim 0")
    rec.case("prod", p, [torch.tensor([2.0, 0.0, 3.0], dtype=F64)], name="prod all with one zero")
    rec.case("prod", p, [torch.tensor([2.0, 0.0, 0.0, 3.0], dtype=F64)], name="prod all with two zeros")
    rec.case("prod", p, [empty], args={"dim": [1]}, name="prod zero-sized axis 1")
    rec.case("prod", p, [empty], name="prod of no elements")
    rec.case("prod", p, [empty], args={"dim": [2]}, name="prod over a non-empty axis of a zero-sized tensor")
    rec.case("prod", p, [rec.randint(-3, 4, 3, 4)], args={"dim": [1]})
    rec.case("prod", p, [rec.randint(0, 2, 2, 3).bool()], args={"dim": [0]})
    rec.case("prod", p, [torch.tensor([2**62, 4, 3])], name="prod int64 wraps around")

    m = reduce_call(torch.mean)
    rec.case("mean", m, [x34()])
    rec.case("mean", m, [rec.randn(2, 3, 4, dtype=F32)], args={"dim": [0, 2], "keepdim": True})
    rec.case("mean", m, [rec.randn(2, 3, 4)], args={"dim": [-1]})
    rec.case("mean", m, [empty], args={"dim": [1]}, name="mean zero-sized axis: NaN")
    rec.case("mean", m, [empty], name="mean of no elements: NaN")
    rec.case("mean", m, [empty], args={"dim": [2]}, name="mean over a non-empty axis of a zero-sized tensor")
    rec.case("mean", m, [rec.randint(0, 5, 3)], name="mean int64 refused")
    rec.case("mean", m, [torch.tensor([True, False])], name="mean bool refused")

    nans = torch.tensor([[1.0, NAN, 2.5, -1.0], [NAN, NAN, NAN, NAN], [0.5, 2.0, NAN, 3.0]], dtype=F64)
    rec.case("nansum", reduce_call(torch.nansum), [nans], args={"dim": [1]}, gradcheck=False)
    rec.case("nansum", reduce_call(torch.nansum), [nans.to(F32)], args={"dim": [0], "keepdim": True})
    rec.case("nansum", reduce_call(torch.nansum), [x34()], args={"dim": [-1]})
    rec.case("nansum", reduce_call(torch.nansum), [empty], args={"dim": [1]}, name="nansum zero-sized axis")
    rec.case("nansum", reduce_call(torch.nansum), [rec.randint(-4, 4, 2, 3)])
    rec.case("nanmean", reduce_call(torch.nanmean), [nans], args={"dim": [1]}, gradcheck=False)
    rec.case("nanmean", reduce_call(torch.nanmean), [nans.to(F32)])
    rec.case("nanmean", reduce_call(torch.nanmean), [x34()], args={"dim": [0], "keepdim": True})
    rec.case("nanmean", reduce_call(torch.nanmean), [empty], args={"dim": [1]}, name="nanmean zero-sized axis: NaN")
    rec.case("nanmean", reduce_call(torch.nanmean), [rec.randint(0, 4, 3)], name="nanmean int64 refused")

    # ------------------------------------------------------------------ var, std
    for op, fn in [("variance", torch.var), ("std", torch.std)]:
        v = reduce_call(lambda x, dim=None, keepdim=False, correction=1, fn=fn:
                        fn(x, dim=dim, correction=correction, keepdim=keepdim))
        rec.case(op, v, [distinct(rec, 3, 4)])
        rec.case(op, v, [distinct(rec, 2, 3, 4)], args={"dim": [0, 2], "correction": 0, "keepdim": True})
        rec.case(op, v, [rec.randn(2, 3, 4, dtype=F32)], args={"dim": [-1], "correction": 1})
        rec.case(op, v, [distinct(rec, 3, 5)], args={"dim": [1], "correction": 2})
        rec.case(op, v, [rec.randn(4, 3, dtype=F32)], args={"dim": [0], "correction": 0})
        rec.case(op, v, [torch.tensor([[1.0, 3.0], [2.0, 2.0]], dtype=F64)], args={"dim": [1], "correction": 2},
                 grad=[], name=f"{op} correction = N: inf, or NaN for equal values")
        rec.case(op, v, [torch.tensor([1.0, 3.0, 4.0], dtype=F64)], args={"correction": 5}, grad=[],
                 name=f"{op} correction > N: inf")
        rec.case(op, v, [torch.tensor([2.5], dtype=F64)], grad=[], name=f"{op} of one element: NaN")
        rec.case(op, v, [empty], args={"dim": [1]}, name=f"{op} zero-sized axis: NaN")
        rec.case(op, v, [empty], args={"dim": [2]}, name=f"{op} over a non-empty axis of a zero-sized tensor")
        rec.case(op, v, [rec.randint(0, 5, 4)], name=f"{op} int64 refused")
    rec.case("varMean", reduce_call(lambda x, dim=None, keepdim=False, correction=1:
                                    torch.var_mean(x, dim=dim, correction=correction, keepdim=keepdim)),
             [distinct(rec, 3, 4)], args={"dim": [1], "correction": 0})
    rec.case("varMean", reduce_call(lambda x, dim=None, keepdim=False, correction=1:
                                    torch.var_mean(x, dim=dim, correction=correction, keepdim=keepdim)),
             [rec.randn(2, 5, dtype=F32)], args={"dim": [0], "keepdim": True})
    rec.case("stdMean", reduce_call(lambda x, dim=None, keepdim=False, correction=1:
                                    torch.std_mean(x, dim=dim, correction=correction, keepdim=keepdim)),
             [distinct(rec, 3, 4)], args={"dim": [0, 1], "correction": 1})
    rec.case("stdMean", reduce_call(lambda x, dim=None, keepdim=False, correction=1:
                                    torch.std_mean(x, dim=dim, correction=correction, keepdim=keepdim)),
             [rec.randn(3, 4, dtype=F32)], args={"dim": [-1], "correction": 2})

    # ------------------------------------------------------------------ amax, amin, max, min
    ties = torch.tensor([[1.0, 3.0, 3.0, -2.0], [5.0, 5.0, 5.0, 0.0], [-1.0, -4.0, 2.0, -4.0]], dtype=F64)
    withnan = torch.tensor([[1.0, NAN, 3.0], [2.0, -1.0, 0.5]], dtype=F64)
    for op, fn in [("amax", torch.amax), ("amin", torch.amin)]:
        a = reduce_call(fn)
        rec.case(op, a, [distinct(rec, 3, 4)])
        rec.case(op, a, [distinct(rec, 2, 3, 4)], args={"dim": [0, 2]})
        rec.case(op, a, [distinct(rec, 2, 3, 4)], args={"dim": [-1], "keepdim": True})
        rec.case(op, a, [rec.randn(3, 5, dtype=F32)], args={"dim": [0]})
        rec.case(op, a, [ties], args={"dim": [1]}, gradcheck=False, name=f"{op} ties share the gradient")
        rec.case(op, a, [ties.to(F32)], gradcheck=False, name=f"{op} ties over all float32")
        rec.case(op, a, [withnan], args={"dim": [1]}, grad=[], name=f"{op} NaN wins")
        rec.case(op, a, [rec.randint(-9, 9, 3, 4)], args={"dim": [1]})
        rec.case(op, a, [torch.tensor([[True, False], [False, False]])], args={"dim": [1]})
        rec.case(op, a, [empty], args={"dim": [1]}, name=f"{op} zero-sized axis refused")
        rec.case(op, a, [empty], name=f"{op} of no elements refused")
        rec.case(op, a, [empty], args={"dim": [2]}, name=f"{op} over a non-empty axis of a zero-sized tensor")
        rec.case(op, a, [torch.tensor(1.5, dtype=F64)], args={"dim": [0]}, name=f"{op} rank 0 over dim 0")
    for op, fn in [("max", torch.amax), ("min", torch.amin)]:
        # Apus's values-only max/min: torch.max(x) over everything, amax over several axes; the
        # gradient is shared among ties in both.
        a = reduce_call(fn)
        rec.case(op, lambda x, fn=fn: (torch.max if op == "max" else torch.min)(x), [distinct(rec, 3, 4)], name=f"{op} of all")
        rec.case(op, a, [distinct(rec, 2, 3, 4)], args={"dim": [1, 2]})
        rec.case(op, lambda x, fn=fn: (torch.max if op == "max" else torch.min)(x), [ties], gradcheck=False,
                 name=f"{op} of all with ties")
        rec.case(op, lambda x, fn=fn: (torch.max if op == "max" else torch.min)(x),
                 [torch.tensor([1.0, NAN, 2.0, NAN], dtype=F64)], gradcheck=False, name=f"{op} of all: NaN shares among NaNs")
        rec.case(op, lambda x, fn=fn: (torch.max if op == "max" else torch.min)(x), [empty], name=f"{op} of no elements refused")
        rec.case(op, a, [rec.randint(-9, 9, 2, 3)], args={"dim": [0], "keepdim": True})
    for op, fn in [("maxWithIndices", torch.max), ("minWithIndices", torch.min)]:
        w = lambda x, dim, keepdim=False, fn=fn: tuple(fn(x, dim, keepdim=keepdim))
        rec.case(op, w, [distinct(rec, 3, 4)], args={"dim": 1})
        rec.case(op, w, [distinct(rec, 2, 3, 4)], args={"dim": -3, "keepdim": True})
        rec.case(op, w, [rec.randn(3, 5, dtype=F32)], args={"dim": 0})
        rec.case(op, w, [ties], args={"dim": 1}, gradcheck=False, name=f"{op} ties: the first index takes the gradient")
        rec.case(op, w, [ties], args={"dim": 0}, gradcheck=False, name=f"{op} ties along dim 0")
        rec.case(op, w, [withnan], args={"dim": 1}, grad=[], name=f"{op} NaN wins")
        rec.case(op, w, [rec.randint(-3, 3, 3, 4)], args={"dim": 1})
        rec.case(op, w, [torch.tensor([[True, False, True], [False, False, False]])], args={"dim": 1})
        rec.case(op, w, [empty], args={"dim": 1}, name=f"{op} zero-sized axis refused")
        rec.case(op, w, [empty], args={"dim": 2}, name=f"{op} over a non-empty axis of a zero-sized tensor")
        rec.case(op, w, [torch.tensor(1.5, dtype=F64)], args={"dim": 0}, name=f"{op} rank 0")
    am = lambda x, dim=None, keepdim=False: tuple(torch.aminmax(x, dim=dim, keepdim=keepdim))
    rec.case("aminmax", am, [distinct(rec, 3, 4)], args={"dim": 1})
    rec.case("aminmax", am, [rec.randn(2, 3, dtype=F32)], args={"dim": None})
    rec.case("aminmax", am, [ties], args={"dim": 0, "keepdim": True}, gradcheck=False)
    rec.case("aminmax", am, [empty], args={"dim": 1}, name="aminmax zero-sized axis refused")
    for op, fn in [("argmax", torch.argmax), ("argmin", torch.argmin)]:
        g = lambda x, dim=None, keepdim=False, fn=fn: fn(x, dim=dim, keepdim=keepdim)
        rec.case(op, g, [rec.randn(3, 4)])
        rec.case(op, g, [rec.randn(2, 3, 4, dtype=F32)], args={"dim": -2, "keepdim": True})
        rec.case(op, g, [ties], args={"dim": 1}, name=f"{op} ties: first index")
        rec.case(op, g, [withnan], args={"dim": 1}, name=f"{op} NaN wins")
        rec.case(op, g, [rec.randint(-3, 3, 4, 3)], args={"dim": 0})
        rec.case(op, g, [torch.tensor([False, True, True])])
        rec.case(op, g, [rec.randn(2, 3)], args={"keepdim": True}, name=f"{op} flattened keepdim")
        rec.case(op, g, [empty], args={"dim": 2}, name=f"{op} over a non-empty axis of a zero-sized tensor")
        rec.case(op, g, [empty], args={"dim": 1}, name=f"{op} zero-sized axis refused")
        rec.case(op, g, [empty], name=f"{op} of no elements refused")

    # ------------------------------------------------------------------ all, any, count_nonzero
    for op, fn in [("all", torch.all), ("any", torch.any)]:
        a = reduce_call(fn)
        rec.case(op, a, [torch.tensor([[True, True, False], [True, True, True]])], args={"dim": [1]})
        rec.case(op, a, [torch.tensor([[1.0, 0.0, NAN], [2.0, -1.0, 3.0]], dtype=F32)], args={"dim": [0], "keepdim": True})
        rec.case(op, a, [torch.tensor([[0, 2], [3, 4]])], args={"dim": [-1]})
        rec.case(op, a, [torch.tensor([[0, 2], [3, 4]])])
        rec.case(op, a, [rec.randint(0, 2, 2, 3, 2).bool()], args={"dim": [0, 2]})
        rec.case(op, a, [empty], args={"dim": [1]}, name=f"{op} zero-sized axis: the identity")
        rec.case(op, a, [empty], args={"dim": [2]}, name=f"{op} over a non-empty axis of a zero-sized tensor")
    cnz = lambda x, dim=None: torch.count_nonzero(x, dim=dim)
    rec.case("countNonzero", cnz, [torch.tensor([[1.0, 0.0, NAN], [0.0, -0.0, 3.0]], dtype=F64)])
    rec.case("countNonzero", cnz, [rec.randint(-1, 2, 3, 4)], args={"dim": [0]})
    rec.case("countNonzero", cnz, [rec.randint(0, 2, 2, 3, 4).bool()], args={"dim": [0, -1]})
    rec.case("countNonzero", cnz, [empty], args={"dim": [1]})

    # ------------------------------------------------------------------ logsumexp
    lse = lambda x, dim, keepdim=False: torch.logsumexp(x, dim=dim, keepdim=keepdim)
    rec.case("logSumExp", lse, [rec.randn(3, 4)], args={"dim": [1]})
    rec.case("logSumExp", lse, [rec.randn(2, 3, 4, dtype=F32, scale=30)], args={"dim": [0, 2], "keepdim": True})
    rec.case("logSumExp", lse, [torch.tensor([[-INF, -INF], [1.0, -INF], [INF, 2.0]], dtype=F64)], args={"dim": [1]},
             grad=[], name="logSumExp infinities")
    rec.case("logSumExp", lse, [empty], args={"dim": [1]}, name="logSumExp zero-sized axis: -inf")
    rec.case("logSumExp", lse, [empty], args={"dim": [0, 1, 2]}, name="logSumExp of no elements: -inf")
    rec.case("logSumExp", lse, [empty], args={"dim": [2]}, name="logSumExp over a non-empty axis of a zero-sized tensor")
    rec.case("logSumExp", lse, [rec.randint(0, 4, 2, 3)], args={"dim": [1]}, name="logSumExp int64 gives float32")

    # ------------------------------------------------------------------ scans
    cs = lambda x, dim: torch.cumsum(x, dim)
    rec.case("cumsum", cs, [rec.randn(3, 4)], args={"dim": 1})
    rec.case("cumsum", cs, [rec.randn(2, 3, 4, dtype=F32)], args={"dim": 0})
    rec.case("cumsum", cs, [rec.randn(2, 3, 4)], args={"dim": -2})
    rec.case("cumsum", cs, [rec.randint(-5, 5, 3, 4)], args={"dim": 1})
    rec.case("cumsum", cs, [rec.randint(0, 2, 2, 5).bool()], args={"dim": -1})
    rec.case("cumsum", cs, [torch.tensor([2**62, 2**62, 2**62])], args={"dim": 0}, name="cumsum int64 wraps around")
    rec.case("cumsum", cs, [empty], args={"dim": 1}, name="cumsum along a zero-sized axis")
    rec.case("cumsum", cs, [empty], args={"dim": 2}, name="cumsum of a zero-sized tensor")
    rec.case("cumsum", cs, [torch.tensor(1.5, dtype=F64)], args={"dim": 0}, name="cumsum rank 0")
    cp = lambda x, dim: torch.cumprod(x, dim)
    rec.case("cumprod", cp, [rec.rand(3, 4, low=0.5, high=1.5)], args={"dim": 1})
    rec.case("cumprod", cp, [rec.rand(2, 3, 4, low=-1.5, high=1.5, dtype=F32)], args={"dim": 0})
    rec.case("cumprod", cp, [rec.rand(2, 3, 4, low=0.5, high=1.5)], args={"dim": -2})
    rec.case("cumprod", cp, [torch.tensor([[2.0, 0.0, 3.0, 0.0, 5.0], [0.0, 1.5, 2.0, -1.0, 0.5], [1.0, 2.0, 3.0, 0.5, 0.0]],
                                          dtype=F64)], args={"dim": 1}, name="cumprod with zeros")
    rec.case("cumprod", cp, [torch.tensor([[2.0, 0.0], [0.0, 3.0], [1.5, 2.0]], dtype=F64)], args={"dim": 0},
             name="cumprod with zeros along dim 0")
    rec.case("cumprod", cp, [rec.randint(-3, 4, 3, 4)], args={"dim": 1})
    rec.case("cumprod", cp, [torch.tensor([2**40, 2**40, 3])], args={"dim": 0}, name="cumprod int64 wraps around")
    rec.case("cumprod", cp, [empty], args={"dim": 1}, name="cumprod along a zero-sized axis")
    for op, fn in [("cummax", torch.cummax), ("cummin", torch.cummin)]:
        c = lambda x, dim, fn=fn: tuple(fn(x, dim))
        rec.case(op, c, [distinct(rec, 3, 4)], args={"dim": 1})
        rec.case(op, c, [distinct(rec, 2, 3, 4)], args={"dim": 0})
        rec.case(op, c, [rec.randn(3, 5, dtype=F32)], args={"dim": -1})
        rec.case(op, c, [torch.tensor([[1.0, 3.0, 3.0, 2.0, 3.0], [2.0, 1.0, 1.0, 3.0, 1.0]], dtype=F64)], args={"dim": 1},
                 gradcheck=False, name=f"{op} ties: the last index")
        rec.case(op, c, [torch.tensor([[1.0, NAN, 3.0, NAN, 5.0], [1.0, NAN, 0.0, NAN, -5.0]], dtype=F64)], args={"dim": 1},
                 grad=[], name=f"{op} NaN stays")
        rec.case(op, c, [rec.randint(-3, 3, 3, 4)], args={"dim": 0})
        rec.case(op, c, [torch.tensor([True, False, True, False])], args={"dim": 0})
        rec.case(op, c, [empty], args={"dim": 1}, name=f"{op} along a zero-sized axis")
    lc = lambda x, dim: torch.logcumsumexp(x, dim)
    rec.case("logcumsumexp", lc, [rec.randn(3, 4)], args={"dim": 1})
    rec.case("logcumsumexp", lc, [rec.randn(2, 3, 4, dtype=F32, scale=30)], args={"dim": 0})
    rec.case("logcumsumexp", lc, [rec.randn(2, 3, 4, scale=20)], args={"dim": -2})
    rec.case("logcumsumexp", lc, [torch.tensor([[-INF, 1.0, 2.0], [1.0, INF, 2.0], [NAN, 0.0, 1.0], [-INF, -INF, 0.0]], dtype=F64)],
             args={"dim": 1}, grad=[], name="logcumsumexp infinities and NaN")
    rec.case("logcumsumexp", lc, [torch.tensor([0.0, -40.0, -80.0, 1e-20], dtype=F64)], args={"dim": 0},
             name="logcumsumexp tiny increments")
    rec.case("logcumsumexp", lc, [empty], args={"dim": 1}, name="logcumsumexp along a zero-sized axis")
    rec.case("logcumsumexp", lc, [rec.randint(0, 3, 4)], args={"dim": 0}, name="logcumsumexp int64 refused")

    # ------------------------------------------------------------------ norms
    vn = lambda x, ord=2, dim=None, keepdim=False: torch.linalg.vector_norm(x, ord=num(ord), dim=dim, keepdim=keepdim)
    for ord in [2, 1, INF, -INF, 0, 3, 0.5, -1]:
        rec.case("vectorNorm", vn, [distinct(rec, 3, 4, scale=0.7)], args={"ord": arg(ord), "dim": [1]},
                 gradcheck=ord != 0)
        rec.case("vectorNorm", vn, [rec.randn(2, 3, 4, dtype=F32)], args={"ord": arg(ord), "dim": [0, 2], "keepdim": True})
    rec.case("vectorNorm", vn, [distinct(rec, 2, 3, 4)])
    rec.case("vectorNorm", vn, [rec.randn(3, 4, dtype=F32)], args={"ord": "inf"})
    zeros_in = torch.tensor([[0.0, 0.0, 0.0], [0.0, 2.0, -3.0], [-1.0, -1.0, 0.5]], dtype=F64)
    for ord in [2, 1, INF, 3, 0.5, -1, 1.5]:
        rec.case("vectorNorm", vn, [zeros_in], args={"ord": arg(ord), "dim": [1]}, gradcheck=False,
                 name=f"vectorNorm ord {ord} with zeros: PyTorch's subgradient")
    rec.case("vectorNorm", vn, [torch.tensor([[3.0, NAN, 1.0], [INF, -2.0, 1.0]], dtype=F64)], args={"ord": "inf", "dim": [1]},
             grad=[], name="vectorNorm inf with NaN and inf")
    rec.case("vectorNorm", vn, [empty], args={"ord": 2}, name="vectorNorm 2 of no elements: 0")
    rec.case("vectorNorm", vn, [empty], args={"ord": 2, "dim": [1]}, name="vectorNorm 2 over a zero-sized axis: 0")
    rec.case("vectorNorm", vn, [empty], args={"ord": "inf", "dim": [2]}, name="vectorNorm inf over a non-empty axis of a zero-sized tensor")
    rec.case("vectorNorm", vn, [empty], args={"ord": "inf"}, name="vectorNorm inf of no elements refused")
    rec.case("vectorNorm", vn, [empty], args={"ord": -1, "dim": [1]}, name="vectorNorm -1 over a zero-sized axis refused")
    rec.case("vectorNorm", vn, [rec.randint(0, 3, 4)], name="vectorNorm int64 refused")
    mn = lambda x, ord="fro", dim=(-2, -1), keepdim=False: torch.linalg.matrix_norm(x, ord=num(ord), dim=dim, keepdim=keepdim)
    for ord in ["fro", 1, -1, INF, -INF]:
        rec.case("matrixNorm", mn, [distinct(rec, 2, 3, 4, scale=0.7)], args={"ord": arg(ord)})
        rec.case("matrixNorm", mn, [rec.randn(2, 3, 4, dtype=F32)], args={"ord": arg(ord), "dim": [2, 0], "keepdim": True})
        rec.case("matrixNorm", mn, [distinct(rec, 3, 4, 2, scale=0.7)], args={"ord": arg(ord), "dim": [0, 2]})
    rec.case("matrixNorm", mn, [torch.tensor([[1.0, -2.0], [3.0, 0.0]], dtype=F64)], args={"ord": "inf"}, gradcheck=False,
             name="matrixNorm inf with tied rows")
    for shape in [(2, 0), (0, 3)]:
        for ord in [1, -1, INF, -INF, "fro"]:
            rec.case("matrixNorm", mn, [torch.zeros(*shape, dtype=F64)], args={"ord": arg(ord)},
                     name=f"matrixNorm {ord} of a {shape[0]}x{shape[1]} matrix")
    rec.case("matrixNorm", mn, [rec.randn(3)], name="matrixNorm of a vector refused")
    rec.case("matrixNorm", mn, [rec.randn(2, 2)], args={"ord": 3}, name="matrixNorm order 3 refused")
    rec.case("matrixNorm", mn, [rec.randn(2, 2)], args={"dim": [1, 1]}, name="matrixNorm repeated dim refused")
    rec.case("matrixNorm", mn, [torch.ones(2, 2, dtype=I64)], name="matrixNorm int64 refused")
    nm = lambda x, p="fro", dim=None, keepdim=False: torch.norm(x, p=num(p), dim=dim, keepdim=keepdim)
    rec.case("norm", nm, [distinct(rec, 3, 4)])
    rec.case("norm", nm, [rec.randn(3, 4, dtype=F32)], args={"p": 1})
    rec.case("norm", nm, [distinct(rec, 2, 3, 4)], args={"p": "inf", "dim": [1, 2]})
    rec.case("norm", nm, [distinct(rec, 2, 3, 4)], args={"p": "fro", "dim": [0, 2], "keepdim": True})
    rec.case("norm", nm, [rec.randn(2, 3, 4, dtype=F32)], args={"p": 3, "dim": [-1]})
    rec.case("norm", nm, [rec.randn(2, 2, 2)], args={"p": "fro", "dim": [0, 1, 2]}, name="norm fro over three axes refused")
    rec.case("norm", nm, [torch.tensor([1, 2])], name="norm int64 refused")

    # ------------------------------------------------------------------ median, quantile, mode
    md = lambda x, dim=None, keepdim=False: torch.median(x) if dim is None else tuple(torch.median(x, dim, keepdim=keepdim))
    rec.case("median", md, [distinct(rec, 3, 5)])
    rec.case("median", md, [distinct(rec, 3, 4)], name="median of all, even count: the lower")
    rec.case("median", md, [distinct(rec, 3, 4)], args={"dim": 1})
    rec.case("median", md, [distinct(rec, 2, 5, 3)], args={"dim": -2, "keepdim": True})
    rec.case("median", md, [rec.randn(4, 5, dtype=F32)], args={"dim": 0})
    mties = torch.tensor([[1.0, 2.0, 2.0, 2.0, 3.0], [3.0, 1.0, 1.0, 1.0, 2.0], [2.0, 2.0, 1.0, 1.0, 2.0]], dtype=F64)
    rec.case("median", md, [mties], args={"dim": 1}, gradcheck=False, name="median ties: the stable middle")
    rec.case("median", md, [mties], gradcheck=False, name="median of all with ties shares the gradient")
    rec.case("median", md, [torch.tensor([[1.0, NAN, 3.0, NAN], [4.0, 2.0, 3.0, 1.0]], dtype=F64)], args={"dim": 1},
             grad=[], name="median NaN: the first NaN")
    rec.case("median", md, [torch.tensor([1.0, NAN, 3.0], dtype=F64)], grad=[], name="median of all with NaN")
    rec.case("median", md, [rec.randint(-5, 5, 3, 4)], args={"dim": 1})
    rec.case("median", md, [torch.tensor([4, 1, 3, 2])])
    rec.case("median", md, [empty], name="median of no elements: NaN")
    rec.case("median", md, [empty], args={"dim": 2}, name="median over a non-empty axis of a zero-sized tensor")
    rec.case("median", md, [empty], args={"dim": 1}, name="median zero-sized axis refused")
    rec.case("median", md, [torch.tensor([True, False])], args={"dim": 0}, name="median bool refused")
    nmd = lambda x, dim=None, keepdim=False: torch.nanmedian(x) if dim is None else tuple(torch.nanmedian(x, dim, keepdim=keepdim))
    # (Which NaN an all-NaN line reports is PyTorch's nth_element's choice; with up to 3 elements, the first.)
    rec.case("nanmedian", nmd, [torch.tensor([[1.0, NAN, 3.0], [NAN, NAN, NAN], [2.0, NAN, -1.0]], dtype=F64)],
             args={"dim": 1}, gradcheck=False)
    rec.case("nanmedian", nmd, [torch.tensor([[1.0, NAN, 3.0, 0.5], [NAN, 2.0, NAN, NAN], [2.0, NAN, -1.0, 4.0]], dtype=F64)],
             args={"dim": 1}, gradcheck=False)
    rec.case("nanmedian", nmd, [torch.tensor([1.0, NAN, 3.0, 2.0, NAN], dtype=F64)], gradcheck=False)
    rec.case("nanmedian", nmd, [distinct(rec, 3, 4)], args={"dim": 0, "keepdim": True})
    rec.case("nanmedian", nmd, [rec.randn(2, 5, dtype=F32)])
    rec.case("nanmedian", nmd, [rec.randint(-5, 5, 5)])
    qt = lambda x, q, dim=None, keepdim=False, interpolation="linear": torch.quantile(
        x, q if isinstance(q, float) else torch.tensor(q, dtype=x.dtype), dim=dim, keepdim=keepdim, interpolation=interpolation)
    for interp in ["linear", "lower", "higher", "midpoint", "nearest"]:
        rec.case("quantile", qt, [distinct(rec, 3, 5)], args={"q": 0.3, "dim": 1, "interpolation": interp})
        rec.case("quantile", qt, [rec.randn(4, 3, dtype=F32)], args={"q": [0.0, 0.25, 0.5, 0.9, 1.0], "dim": 0, "interpolation": interp})
        rec.case("quantile", qt, [distinct(rec, 2, 6)], args={"q": [0.1, 0.5, 0.7], "interpolation": interp})
    rec.case("quantile", qt, [distinct(rec, 2, 3, 4)], args={"q": 0.6, "dim": -2, "keepdim": True})
    rec.case("quantile", qt, [distinct(rec, 2, 3, 4)], args={"q": [0.2, 0.8], "dim": 2, "keepdim": True})
    rec.case("quantile", qt, [distinct(rec, 2, 3)], args={"q": [0.4], "keepdim": True})
    rec.case("quantile", qt, [distinct(rec, 2, 3)], args={"q": 0.4, "keepdim": True})
    rec.case("quantile", qt, [torch.tensor([[1.0, NAN, 3.0], [1.0, 2.0, 3.0]], dtype=F64)], args={"q": 0.5, "dim": 1},
             grad=[], name="quantile NaN")
    rec.case("quantile", qt, [empty], args={"q": 0.5, "dim": 2}, name="quantile of a zero-sized tensor refused")
    rec.case("quantile", qt, [torch.tensor([1.0, 2.0], dtype=F64)], args={"q": 1.5}, name="quantile q > 1 refused")
    rec.case("quantile", qt, [torch.tensor([1, 2])], args={"q": 0.5}, name="quantile int64 refused")
    rec.case("quantile", lambda x, q, q_dtype: torch.quantile(x, torch.tensor(q, dtype=getattr(torch, q_dtype))),
             [torch.tensor([1.0, 2.0], dtype=F64)], args={"q": [0.5], "q_dtype": "float32"},
             name="quantile q of another dtype refused")
    rec.case("quantile", qt, [torch.tensor([1.0, 2.0], dtype=F64)], args={"q": [[0.5]]}, name="quantile 2-D q refused")
    nq = lambda x, q, dim=None, keepdim=False, interpolation="linear": torch.nanquantile(
        x, q if isinstance(q, float) else torch.tensor(q, dtype=x.dtype), dim=dim, keepdim=keepdim, interpolation=interpolation)
    nqx = torch.tensor([[1.0, NAN, 3.0, 0.5, 2.0], [NAN, NAN, NAN, NAN, NAN], [2.0, NAN, -1.0, NAN, 4.0]], dtype=F64)
    # (Which NaN of an all-NaN line takes the gradient is PyTorch's sort's choice: not compared.)
    rec.case("nanquantile", nq, [nqx], args={"q": 0.4, "dim": 1}, grad=[])
    rec.case("nanquantile", nq, [nqx], args={"q": [0.25, 0.75], "dim": 1, "interpolation": "midpoint"}, grad=[])
    rec.case("nanquantile", nq, [torch.tensor([[1.0, NAN, 3.0, 0.5, 2.0], [2.0, NAN, -1.0, NAN, 4.0]], dtype=F64)],
             args={"q": [0.3, 0.6], "dim": 1}, gradcheck=False)
    rec.case("nanquantile", nq, [nqx.to(F32)], args={"q": 0.5, "interpolation": "nearest"})
    rec.case("nanquantile", nq, [distinct(rec, 3, 4)], args={"q": 0.7, "dim": 0})
    mo = lambda x, dim=-1, keepdim=False: tuple(torch.mode(x, dim, keepdim=keepdim))
    rec.case("mode", mo, [torch.tensor([[1.0, 2.0, 2.0, 1.0, 3.0, 3.0], [5.0, 4.0, 4.0, 5.0, 5.0, 4.0]], dtype=F64)],
             gradcheck=False, name="mode ties: the smallest value at its last index")
    rec.case("mode", mo, [torch.tensor([[1.0, 2.0, 2.0], [1.5, 1.5, 0.5], [3.0, 2.0, 1.0]], dtype=F64)], args={"dim": 0, "keepdim": True},
             gradcheck=False)
    rec.case("mode", mo, [torch.tensor([[1.0, 2.0, 2.0], [1.5, 1.5, 0.5], [3.0, 2.0, 1.0]], dtype=F64)], args={"dim": 1},
             gradcheck=False)
    rec.case("mode", mo, [distinct(rec, 3, 4)], args={"dim": 1}, name="mode of distinct values: the smallest")
    rec.case("mode", mo, [rec.randint(0, 3, 3, 5, dtype=I64).to(F32)], args={"dim": 1})
    rec.case("mode", mo, [rec.randint(0, 3, 4, 5)], args={"dim": 0})
    rec.case("mode", mo, [torch.tensor([True, False, True])])
    rec.case("mode", mo, [torch.zeros(2, 0)], args={"dim": 1}, name="mode zero-sized axis refused")
    rec.case("mode", mo, [torch.zeros(0, 2)], args={"dim": 1}, name="mode over a non-empty axis of a zero-sized tensor")
    # The singular-value norms: the spectral norm (2), the smallest singular value (-2), the nuclear norm.
    for ord in [2, -2, "nuc"]:
        rec.case("matrixNorm", mn, [distinct(rec, 2, 3, 4, scale=0.7)], args={"ord": arg(ord)}, name=f"matrixNorm {ord} by singular values")
        rec.case("matrixNorm", mn, [rec.randn(3, 2, 4, dtype=F32)], args={"ord": arg(ord), "dim": [2, 0], "keepdim": True},
                 name=f"matrixNorm {ord} over axes 2, 0 float32")
        rec.case("matrixNorm", mn, [distinct(rec, 4, 2, 3, scale=0.7)], args={"ord": arg(ord), "dim": [0, 2]},
                 name=f"matrixNorm {ord} over axes 0, 2")
    rec.case("norm", nm, [distinct(rec, 3, 4)], args={"p": "nuc"}, name="norm nuclear")
