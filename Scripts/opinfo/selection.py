"""Sorting and selection: sort, argsort, msort, topk, kthvalue, unique, unique_consecutive,
bincount, histc, searchsorted, bucketize, nonzero, argwhere, masked_select/fill/scatter, scatter,
scatter_reduce, scatter_add, gather, index_add/copy/fill, take_along_dim, take, put, and advanced
indexing (x[mask], x[indices], index_put).

Where PyTorch leaves an output open (the indices of equal elements in an unstable sort, top-k or
kthvalue; the order of unique(sorted=False) and topk(sorted=False)), the recorded call returns
what is specified instead: the values, and the input gathered at the returned indices (op names
ending in "Ties"), or the output put in sorted order.
"""
import torch

SEED = 5170231
F64 = torch.float64
F32 = torch.float32


def ties(rec, *shape, dtype=F64, high=4):
    """Small integers as floats: many equal elements."""
    return rec.randint(0, high, *shape).to(dtype)


def index_tuple(spec, tensors):
    out = []
    for item in spec:
        if isinstance(item, int):
            out.append(item)
        elif item == "all":
            out.append(slice(None))
        elif item == "new":
            out.append(None)
        elif item == "...":
            out.append(Ellipsis)
        elif isinstance(item, list):
            out.append(slice(*item))
        else:
            out.append(tensors[int(item[1:])])
    return tuple(out)


NOT_DIFFERENTIABLE = {"argsort", "sortTies", "topkTies", "kthvalueTies", "unique", "uniqueConsecutive", "bincount", "histc",
                      "searchsorted", "searchsortedScalar", "bucketize", "nonzero", "nonzeroTuple", "argwhere", "indexAssign"}


class _Cases:
    """The recorder, with no gradients asked of the ops PyTorch does not differentiate."""

    def __init__(self, rec):
        self.rec = rec

    def __getattr__(self, name):
        return getattr(self.rec, name)

    def case(self, op, fn, inputs, **kwargs):
        if op in NOT_DIFFERENTIABLE:
            kwargs.setdefault("grad", [])
        self.rec.case(op, fn, inputs, **kwargs)


def build(rec):
    rec = _Cases(rec)
    # ------------------------------------------------------------------ sort
    def sort(x, dim=-1, descending=False, stable=False):
        return torch.sort(x, dim=dim, descending=descending, stable=stable)

    def sort_ties(x, dim=-1, descending=False, stable=False):
        v, i = torch.sort(x, dim=dim, descending=descending, stable=stable)
        return v, x.gather(dim, i)

    rec.case("sort", sort, [rec.randn(3, 5)])
    rec.case("sort", sort, [rec.randn(3, 5)], args=dict(dim=0, descending=True))
    rec.case("sort", sort, [rec.randn(4, 6, dtype=F32)], args=dict(dim=-2))
    rec.case("sort", sort, [rec.randn(2, 3, 4)], args=dict(dim=1, descending=True))
    rec.case("sort", sort, [rec.randn(200, dtype=F32)], grad=[], name="sort float32 [200] (radix passes)")
    rec.case("sort", sort, [rec.randn(2, 300)], grad=[], args=dict(descending=True), name="sort float64 [2, 300] descending")
    rec.case("sort", sort, [ties(rec, 3, 40)], args=dict(stable=True), grad=[], name="sort ties stable")
    rec.case("sort", sort, [ties(rec, 2, 200, dtype=F32)], args=dict(stable=True, descending=True), grad=[],
             name="sort ties stable descending [2, 200]")
    rec.case("sort", sort, [ties(rec, 50, 3)], args=dict(dim=0, stable=True), grad=[], name="sort ties stable axis 0")
    rec.case("sortTies", sort_ties, [ties(rec, 4, 100)], grad=[], name="sort ties unstable")
    rec.case("sortTies", sort_ties, [ties(rec, 4, 30, dtype=F32)], args=dict(descending=True), grad=[],
             name="sort ties unstable descending")
    special = torch.tensor([3.0, float("nan"), 1.0, float("nan"), -float("inf"), float("inf"), 2.0, -0.0, 0.0, -1.0])
    rec.case("sort", sort, [special], args=dict(stable=True), grad=[], name="sort NaN and infinities")
    rec.case("sort", sort, [special.double()], args=dict(stable=True, descending=True), grad=[],
             name="sort NaN and infinities descending")
    rec.case("sort", sort, [torch.tensor([5, -3, 9, 0, -3, 7, 2**40, -(2**40)])], args=dict(stable=True), name="sort int64")
    rec.case("sort", sort, [torch.tensor([True, False, True, False, False])], args=dict(stable=True), name="sort bool")
    rec.case("sort", sort, [torch.zeros(2, 0, 3, dtype=F64)], args=dict(dim=1), name="sort zero-sized axis")
    rec.case("sort", sort, [torch.zeros(2, 0, 3, dtype=F64)], args=dict(dim=2), name="sort zero-sized other axis")
    rec.case("sort", sort, [torch.tensor(2.5, dtype=F64)], name="sort 0-d")
    rec.case("sort", sort, [rec.randn(3, 4)], args=dict(dim=2), name="sort axis out of range")
    rec.case("argsort", lambda x, dim=-1, descending=False, stable=False: torch.argsort(x, dim=dim, descending=descending, stable=stable),
             [ties(rec, 3, 20)], args=dict(stable=True), name="argsort ties stable")
    rec.case("argsort", lambda x, dim=-1, descending=False, stable=False: torch.argsort(x, dim=dim, descending=descending, stable=stable),
             [rec.randn(5, 4, dtype=F32)], args=dict(dim=0, descending=True), name="argsort axis 0 descending")
    rec.case("msort", torch.msort, [rec.randn(4, 3)])
    rec.case("msort", torch.msort, [rec.randn(5, dtype=F32)])

    # ------------------------------------------------------------------ topk, kthvalue
    def topk(x, k, dim=-1, largest=True, sorted=True):
        v, i = torch.topk(x, k, dim=dim, largest=largest, sorted=sorted)
        if not sorted:  # put the unordered result in order (inputs here have no ties)
            order = torch.argsort(v, dim=dim, descending=largest, stable=True)
            v, i = v.gather(dim, order), i.gather(dim, order)
        return v, i

    def topk_ties(x, k, dim=-1, largest=True):
        v, i = torch.topk(x, k, dim=dim, largest=largest)
        return v, x.gather(dim, i)

    rec.case("topk", topk, [rec.randn(3, 6)], args=dict(k=2))
    rec.case("topk", topk, [rec.randn(3, 6)], args=dict(k=3, largest=False))
    rec.case("topk", topk, [rec.randn(5, 3)], args=dict(k=2, dim=0))
    rec.case("topk", topk, [rec.randn(4, 5, dtype=F32)], args=dict(k=5, dim=-1, largest=False))
    rec.case("topk", topk, [rec.randn(2, 3, 4)], args=dict(k=1, dim=1, sorted=False), name="topk sorted=False")
    rec.case("topk", topk, [rec.randn(2, 300, dtype=F32)], args=dict(k=7), grad=[], name="topk float32 k 7 of 300 (heap)")
    rec.case("topk", topk, [rec.randn(2, 200)], args=dict(k=20, largest=False), grad=[], name="topk smallest 20 of 200 (heap)")
    rec.case("topk", topk, [torch.tensor([3, -1, 7, 2**40, 0])], args=dict(k=2), name="topk int64")
    distinct = torch.tensor([3.0, float("nan"), 1.0, -float("inf"), float("inf"), 2.0, -1.0])  # no ties
    rec.case("topk", topk, [distinct], args=dict(k=4), grad=[], name="topk NaN largest")
    rec.case("topk", topk, [distinct.double()], args=dict(k=7, largest=False), grad=[], name="topk NaN smallest")
    rec.case("topk", topk, [torch.zeros(2, 0, 3, dtype=F64)], args=dict(k=0, dim=1), name="topk k 0 of zero-sized axis")
    rec.case("topk", topk, [rec.randn(2, 3)], args=dict(k=0), name="topk k 0")
    rec.case("topk", topk, [torch.tensor(1.5, dtype=F64)], args=dict(k=1), name="topk 0-d")
    rec.case("topk", topk, [rec.randn(2, 3)], args=dict(k=4), name="topk k too large")
    rec.case("topk", topk, [torch.tensor([True, False])], args=dict(k=1), name="topk bool")
    rec.case("topkTies", topk_ties, [ties(rec, 3, 40)], args=dict(k=5), grad=[], name="topk ties")
    rec.case("topkTies", topk_ties, [ties(rec, 2, 300, dtype=F32)], args=dict(k=30, largest=False), grad=[],
             name="topk ties smallest (heap)")

    def kthvalue(x, k, dim=-1, keepdim=False):
        return torch.kthvalue(x, k, dim=dim, keepdim=keepdim)

    def kthvalue_ties(x, k, dim=-1, keepdim=False):
        v, i = torch.kthvalue(x, k, dim=dim, keepdim=True)
        g = x.gather(dim, i)
        return (v, g) if keepdim else (v.squeeze(dim), g.squeeze(dim))

    rec.case("kthvalue", kthvalue, [rec.randn(3, 5)], args=dict(k=2))
    rec.case("kthvalue", kthvalue, [rec.randn(4, 3)], args=dict(k=4, dim=0, keepdim=True))
    rec.case("kthvalue", kthvalue, [rec.randn(2, 3, 5, dtype=F32)], args=dict(k=1, dim=-1))
    rec.case("kthvalue", kthvalue, [rec.randn(2, 101)], args=dict(k=51), grad=[], name="kthvalue median of 101")
    rec.case("kthvalue", kthvalue, [torch.tensor([4, 1, 3, 2])], args=dict(k=3), name="kthvalue int64")
    rec.case("kthvalue", kthvalue, [torch.tensor([1.0, float("nan"), 3.0])], args=dict(k=3), grad=[], name="kthvalue NaN")
    rec.case("kthvalue", kthvalue, [torch.zeros(0, 3, dtype=F64)], args=dict(k=1, dim=1), name="kthvalue zero-sized other axis")
    rec.case("kthvalue", kthvalue, [torch.zeros(2, 0, dtype=F64)], args=dict(k=1), name="kthvalue zero-sized axis")
    rec.case("kthvalue", kthvalue, [rec.randn(2, 3)], args=dict(k=0), name="kthvalue k 0")
    rec.case("kthvalueTies", kthvalue_ties, [ties(rec, 3, 9)], args=dict(k=4), grad=[], name="kthvalue ties")

    # ------------------------------------------------------------------ unique
    def unique(x, sorted=True, return_inverse=False, return_counts=False, dim=None):
        out = torch.unique(x, sorted=sorted, return_inverse=return_inverse, return_counts=return_counts, dim=dim)
        if sorted:
            return out
        out = list(out) if isinstance(out, tuple) else [out]
        values = out[0]
        if dim is None and values.dim() == 1 and values.numel() > 0:  # put the open order in order
            order = torch.argsort(values, stable=True)
            rank = torch.empty_like(order)
            rank[order] = torch.arange(order.numel())
            out[0] = values[order]
            k = 1
            if return_inverse:
                out[k] = rank[out[k]]
                k += 1
            if return_counts:
                out[k] = out[k][order]
        return tuple(out)

    rec.case("unique", unique, [ties(rec, 3, 5, high=6)], grad=[])
    rec.case("unique", unique, [ties(rec, 3, 5, high=6, dtype=F32)], args=dict(return_inverse=True, return_counts=True), grad=[])
    rec.case("unique", unique, [torch.tensor([3, 1, 3, 2, 1, -5])], args=dict(return_inverse=True), name="unique int64 inverse")
    rec.case("unique", unique, [torch.tensor([3, 1, 3, 2, 1])], args=dict(sorted=False, return_inverse=True, return_counts=True),
             name="unique sorted=False")
    rec.case("unique", unique, [torch.tensor([True, False, True])], args=dict(return_counts=True), name="unique bool")
    rec.case("unique", unique, [torch.tensor([1.0, float("nan"), 2.0, float("nan"), 1.0, 0.0, -0.0])],
             args=dict(return_inverse=True, return_counts=True), grad=[], name="unique NaN and signed zeros")
    rec.case("unique", unique, [torch.zeros(2, 0, dtype=F64)], args=dict(return_inverse=True, return_counts=True), name="unique empty")
    rec.case("unique", unique, [torch.tensor(3.0, dtype=F64)], args=dict(return_inverse=True, return_counts=True), name="unique 0-d")
    rows = torch.tensor([[1, 2], [3, 4], [1, 2], [0, 5], [3, 4], [1, 1]])
    rec.case("unique", unique, [rows], args=dict(dim=0, return_inverse=True, return_counts=True), name="unique rows")
    rec.case("unique", unique, [rows.t().double()], args=dict(dim=-1, return_inverse=True, return_counts=True), name="unique columns")
    rec.case("unique", unique, [ties(rec, 2, 4, 3, high=2)], args=dict(dim=1, return_inverse=True, return_counts=True), grad=[],
             name="unique slices of a 3-d tensor")
    rec.case("unique", unique, [torch.zeros(2, 0, 3, dtype=F64)], args=dict(dim=1, return_inverse=True, return_counts=True),
             name="unique along a zero-sized axis")
    rec.case("unique", unique, [torch.zeros(2, 0, 3, dtype=F64)], args=dict(dim=0), name="unique with another axis zero-sized")
    rec.case("unique", unique, [ties(rec, 600, high=50, dtype=F32)], args=dict(return_inverse=True, return_counts=True), grad=[],
             name="unique float32 [600]")

    def unique_consecutive(x, return_inverse=False, return_counts=False, dim=None):
        return torch.unique_consecutive(x, return_inverse=return_inverse, return_counts=return_counts, dim=dim)

    rec.case("uniqueConsecutive", unique_consecutive, [torch.tensor([1, 1, 2, 2, 3, 1, 1, 2])],
             args=dict(return_inverse=True, return_counts=True), name="uniqueConsecutive int64")
    rec.case("uniqueConsecutive", unique_consecutive, [torch.tensor([1.0, float("nan"), float("nan"), 2.0, 2.0])],
             args=dict(return_counts=True), grad=[], name="uniqueConsecutive NaN")
    rec.case("uniqueConsecutive", unique_consecutive, [ties(rec, 2, 6, high=2, dtype=F32)], args=dict(return_inverse=True),
             grad=[], name="uniqueConsecutive float32 2-d")
    rec.case("uniqueConsecutive", unique_consecutive, [torch.tensor([[1, 1], [1, 1], [2, 3], [1, 1]])],
             args=dict(dim=0, return_inverse=True, return_counts=True), name="uniqueConsecutive rows")
    rec.case("uniqueConsecutive", unique_consecutive, [torch.zeros(0, dtype=F64)], args=dict(return_inverse=True, return_counts=True),
             name="uniqueConsecutive empty")

    # ------------------------------------------------------------------ bincount, histc
    def bincount(x, weights=None, minlength=0):
        return torch.bincount(x, weights, minlength=minlength)

    counts = torch.tensor([0, 1, 1, 3, 2, 1, 7])
    rec.case("bincount", bincount, [counts, None], name="bincount")
    rec.case("bincount", bincount, [counts, None], args=dict(minlength=10), name="bincount minLength")
    rec.case("bincount", bincount, [counts, rec.rand(7, dtype=F32)], grad=[], name="bincount float32 weights")
    rec.case("bincount", bincount, [counts, rec.rand(7)], grad=[], args=dict(minlength=3), name="bincount float64 weights")
    rec.case("bincount", bincount, [counts, torch.tensor([1, 2, 3, 4, 5, 6, 7])], name="bincount int64 weights")
    rec.case("bincount", bincount, [torch.zeros(0, dtype=torch.int64), None], args=dict(minlength=3), name="bincount empty")
    rec.case("bincount", bincount, [torch.tensor([-1, 2]), None], name="bincount negative")
    rec.case("bincount", bincount, [counts.double(), None], name="bincount float input")
    rec.case("bincount", bincount, [counts, rec.rand(3)], grad=[], name="bincount weights length")

    def histc(x, bins=100, min=0, max=0):
        return torch.histc(x, bins=bins, min=min, max=max)

    rec.case("histc", histc, [rec.randn(50)], grad=[], name="histc default bins, data range")
    rec.case("histc", histc, [rec.randn(4, 25, dtype=F32)], args=dict(bins=7, min=-1.0, max=1.5), grad=[], name="histc float32 range")
    rec.case("histc", histc, [torch.tensor([1.0, 2.0, 1.0, 4.0, 2.5, 9.0, -1.0, float("nan"), 3.0])],
             args=dict(bins=4, min=0.0, max=3.0), grad=[], name="histc outside, NaN, max itself")
    rec.case("histc", histc, [torch.tensor([2.0, 2.0, 2.0], dtype=F64)], args=dict(bins=4), grad=[], name="histc constant data")
    rec.case("histc", histc, [torch.zeros(0)], args=dict(bins=3), grad=[], name="histc empty")
    rec.case("histc", histc, [rec.rand(40, dtype=F32)], args=dict(bins=10, min=0.25, max=0.25), grad=[],
             name="histc min equal to max means data range")
    rec.case("histc", histc, [torch.tensor([1, 2, 3])], args=dict(bins=3), name="histc int64")
    rec.case("histc", histc, [torch.tensor([1.0, float("inf")])], args=dict(bins=3), grad=[], name="histc infinite data range")
    rec.case("histc", histc, [torch.tensor([1.0, 2.0])], args=dict(bins=3, min=3.0, max=1.0), grad=[], name="histc max below min")

    # ------------------------------------------------------------------ searchsorted, bucketize
    def searchsorted(seq, values, sorter=None, right=False, side=None):
        return torch.searchsorted(seq, values, right=right, side=side, sorter=sorter)

    seq = torch.tensor([1.0, 3.0, 3.0, 5.0, 7.0], dtype=F64)
    vals = torch.tensor([[3.0, 4.0, 0.0], [9.0, 7.0, 1.0]], dtype=F64)
    rec.case("searchsorted", searchsorted, [seq, vals, None], grad=[], name="searchsorted left")
    rec.case("searchsorted", searchsorted, [seq, vals, None], args=dict(right=True), grad=[], name="searchsorted right")
    rec.case("searchsorted", searchsorted, [seq.float(), vals.float(), None], args=dict(side="right"), grad=[], name="searchsorted side right")
    rec.case("searchsorted", searchsorted, [seq, vals, None], args=dict(right=True, side="left"), grad=[], name="searchsorted contradiction")
    rec.case("searchsorted", searchsorted, [torch.tensor([1.0, 2.0, float("nan")]), torch.tensor([float("nan"), 2.0, 5.0]), None],
             grad=[], name="searchsorted NaN")
    rec.case("searchsorted", searchsorted, [torch.tensor([1.0, 2.0, float("nan")]), torch.tensor([float("nan"), 2.0, 5.0]), None],
             args=dict(right=True), grad=[], name="searchsorted NaN right")
    nd = torch.sort(rec.randn(2, 3, 6), dim=-1).values
    rec.case("searchsorted", searchsorted, [nd, rec.randn(2, 3, 4), None], grad=[], name="searchsorted batched sequences")
    rec.case("searchsorted", searchsorted, [nd, rec.randn(3, 4), None], grad=[], name="searchsorted batched mismatch")
    rec.case("searchsorted", searchsorted, [torch.tensor([1, 3, 5]), torch.tensor([3.5, 4.0, 3.0]), None], grad=[],
             name="searchsorted int64 sequence, float values")
    rec.case("searchsorted", searchsorted, [torch.tensor([1, 3, 5]), torch.tensor([[3, 6], [0, 1]]), None],
             args=dict(right=True), name="searchsorted int64")
    rec.case("searchsorted", searchsorted, [torch.zeros(0, dtype=F64), torch.tensor([3.0, 4.0], dtype=F64), None], grad=[],
             name="searchsorted empty sequence")
    rec.case("searchsorted", searchsorted, [seq, torch.zeros(2, 0, dtype=F64), None], grad=[], name="searchsorted no values")
    rec.case("searchsorted", searchsorted, [seq, torch.tensor(4.0, dtype=F64), None], grad=[], name="searchsorted 0-d value")
    rec.case("searchsorted", searchsorted, [torch.tensor([5.0, 1.0, 3.0]), torch.tensor([3.0, 4.0, 0.0, 6.0]), torch.tensor([1, 2, 0])],
             grad=[], name="searchsorted sorter")
    rec.case("searchsorted", searchsorted, [torch.tensor(1.0), torch.tensor([3.0]), None], grad=[], name="searchsorted 0-d sequence")
    rec.case("searchsortedScalar", lambda seq, value, right=False: torch.searchsorted(seq, value, right=right), [seq],
             args=dict(value=3.0), grad=[], name="searchsorted number")
    rec.case("searchsortedScalar", lambda seq, value, right=False: torch.searchsorted(seq, value, right=right), [seq],
             args=dict(value=3.0, right=True), grad=[], name="searchsorted number right")
    rec.case("bucketize", lambda x, b, right=False: torch.bucketize(x, b, right=right), [vals, seq], grad=[], name="bucketize")
    rec.case("bucketize", lambda x, b, right=False: torch.bucketize(x, b, right=right), [vals.float(), seq.float()],
             args=dict(right=True), grad=[], name="bucketize right")

    # ------------------------------------------------------------------ nonzero, argwhere
    nz = torch.tensor([[0.0, 1.5, 0.0], [2.0, -0.0, float("nan")]], dtype=F64)
    rec.case("nonzero", torch.nonzero, [nz], grad=[], name="nonzero NaN and -0")
    rec.case("nonzero", torch.nonzero, [rec.randint(0, 2, 2, 3, 4) > 0], name="nonzero bool 3-d")
    rec.case("nonzero", torch.nonzero, [torch.tensor([0, 3, 0, -1])], name="nonzero int64")
    rec.case("nonzero", torch.nonzero, [torch.zeros(2, 3, dtype=torch.bool)], name="nonzero all false")
    rec.case("nonzero", torch.nonzero, [torch.zeros(2, 0, 3)], grad=[], name="nonzero zero-sized")
    rec.case("nonzero", torch.nonzero, [torch.tensor(3.0)], grad=[], name="nonzero 0-d")
    rec.case("nonzero", torch.nonzero, [torch.tensor(0.0)], grad=[], name="nonzero 0-d zero")
    rec.case("nonzeroTuple", lambda x: torch.nonzero(x, as_tuple=True), [nz], grad=[], name="nonzero asTuple")
    rec.case("nonzeroTuple", lambda x: torch.nonzero(x, as_tuple=True), [torch.tensor(2)], name="nonzero asTuple 0-d")
    rec.case("argwhere", torch.argwhere, [nz.float()], grad=[], name="argwhere")

    # ------------------------------------------------------------------ masked ops
    mask23 = torch.tensor([[True, False, True], [False, False, True]])
    rec.case("maskedSelect", torch.masked_select, [rec.randn(2, 3), mask23])
    rec.case("maskedSelect", torch.masked_select, [rec.randn(2, 3, dtype=F32), torch.tensor([True, False, True])],
             broadcast=True, name="maskedSelect broadcast mask")
    rec.case("maskedSelect", torch.masked_select, [rec.randn(3), torch.tensor([[True], [False]])], broadcast=True,
             name="maskedSelect broadcast both")
    rec.case("maskedSelect", torch.masked_select, [torch.tensor([1, 2, 3]), torch.tensor([False, False, False])],
             name="maskedSelect none")
    rec.case("maskedSelect", torch.masked_select, [rec.randn(2, 3), mask23.long()], name="maskedSelect int64 mask")
    fill = lambda x, m, value: x.masked_fill(m, float(value))  # "nan" travels as a string (JSON has no NaN)
    rec.case("maskedFill", fill, [rec.randn(2, 3), mask23], args=dict(value=-1.5))
    rec.case("maskedFill", fill, [rec.randn(2, 3, dtype=F32), torch.tensor([False, True, True])], args=dict(value="nan"),
             broadcast=True, name="maskedFill NaN, broadcast mask")
    rec.case("maskedFill", fill, [rec.randn(3), torch.tensor([[True], [False]])], args=dict(value=2.0), broadcast=True,
             name="maskedFill mask broadcasts self")
    rec.case("maskedFill", fill, [torch.tensor([1, 2, 3]), torch.tensor([True, False, True])], args=dict(value=2.7),
             name="maskedFill int64 truncates")
    rec.case("maskedFill", fill, [torch.tensor([True, False, True]), torch.tensor([True, True, False])], args=dict(value=0.0),
             name="maskedFill bool")
    rec.case("maskedFill", fill, [torch.tensor([1, 2, 3]), torch.tensor([True, False, True])], args=dict(value="nan"),
             name="maskedFill NaN into int64")
    rec.case("maskedFillTensor", lambda x, m, v: x.masked_fill(m, v), [rec.randn(2, 3), mask23, torch.tensor(0.75, dtype=F64)],
             name="maskedFill 0-d tensor value")
    rec.case("maskedFillTensor", lambda x, m, v: x.masked_fill(m, v), [rec.randn(2, 3), mask23, torch.tensor(0.75, dtype=F32)],
             grad=[0], name="maskedFill float32 value into float64")
    rec.case("maskedFillTensor", lambda x, m, v: x.masked_fill(m, v), [rec.randn(2, 3), mask23, torch.tensor([0.75], dtype=F64)],
             name="maskedFill 1-d value")
    rec.case("maskedScatter", lambda x, m, s: x.masked_scatter(m, s), [rec.randn(2, 3), mask23, rec.randn(5)])
    rec.case("maskedScatter", lambda x, m, s: x.masked_scatter(m, s), [rec.randn(2, 3, dtype=F32), torch.tensor([True, False, True]),
                                                                       rec.randn(2, 2, dtype=F32)], broadcast=True,
             name="maskedScatter broadcast mask")
    rec.case("maskedScatter", lambda x, m, s: x.masked_scatter(m, s), [rec.randn(2, 3), mask23, rec.randn(2)],
             name="maskedScatter source too short")

    # ------------------------------------------------------------------ scatter family
    def idx(high, *shape):
        return rec.randint(0, high, *shape)

    scatter = lambda x, index, src, dim: x.scatter(dim, index, src)
    rec.case("scatter", scatter, [rec.randn(3, 4), torch.tensor([[0, 1, 2, 0], [2, 0, 1, 1]]), rec.randn(2, 4)],
             args=dict(dim=0), name="scatter axis 0")
    rec.case("scatter", scatter, [rec.randn(3, 5), torch.tensor([[4, 0], [1, 2], [3, 3]]), rec.randn(3, 4)],
             args=dict(dim=-1), grad=[0], name="scatter index smaller than source")
    rec.case("scatter", scatter, [rec.randn(2, 3, 4, dtype=F32), idx(3, 2, 2, 4), rec.randn(2, 2, 4, dtype=F32)], args=dict(dim=1))
    rec.case("scatter", scatter, [torch.tensor([1, 2, 3, 4]), torch.tensor([3, 0]), torch.tensor([9, 8])], args=dict(dim=0),
             name="scatter int64")
    rec.case("scatter", scatter, [rec.randn(3, 4), torch.zeros(3, 0, dtype=torch.int64), rec.randn(3, 2)], args=dict(dim=1),
             grad=[0], name="scatter empty index")
    rec.case("scatter", scatter, [rec.randn(3, 4), torch.tensor([[4], [0], [1]]), rec.randn(3, 1)], args=dict(dim=1),
             name="scatter index out of range")
    rec.case("scatter", scatter, [rec.randn(3, 4), torch.tensor([[-1], [0], [1]]), rec.randn(3, 1)], args=dict(dim=1),
             name="scatter negative index")
    rec.case("scatter", scatter, [rec.randn(3, 4), torch.tensor([[0, 1, 2, 3, 0]]), rec.randn(3, 4)], args=dict(dim=1),
             name="scatter index larger than source")
    rec.case("scatter", scatter, [rec.randn(3, 4), torch.tensor([[0], [1], [1]]), rec.randn(3, 1, dtype=F32)], args=dict(dim=1),
             name="scatter dtype mismatch")
    rec.case("scatterValue", lambda x, index, dim, value: x.scatter(dim, index, value),
             [rec.randn(3, 4), torch.tensor([[0, 3], [2, 2], [1, 0]])], args=dict(dim=1, value=-2.5))
    rec.case("scatterValue", lambda x, index, dim, value: x.scatter(dim, index, value),
             [torch.tensor([1, 2, 3]), torch.tensor([0, 2])], args=dict(dim=0, value=2.7), name="scatterValue int64 truncates")
    rec.case("scatterValue", lambda x, index, dim, value: x.scatter(dim, index, value),
             [torch.tensor(5.0, dtype=F64), torch.tensor(0)], args=dict(dim=0, value=3.0), name="scatterValue 0-d")

    def scatter_reduce(x, index, src, dim, reduce, include_self=True):
        return x.scatter_reduce(dim, index, src, reduce, include_self=include_self)

    base_index = torch.tensor([[0, 1, 0, 2], [1, 1, 2, 0]])
    for reduce in ["sum", "prod", "mean", "amax", "amin"]:
        for include_self in [True, False]:
            rec.case("scatterReduce", scatter_reduce, [rec.randn(3, 4), base_index, rec.randn(2, 4)],
                     args=dict(dim=0, reduce=reduce, include_self=include_self))
        rec.case("scatterReduce", scatter_reduce, [rec.randn(2, 3, dtype=F32), torch.tensor([[2, 2, 0], [1, 1, 1]]),
                                                   rec.randn(2, 3, dtype=F32)], args=dict(dim=1, reduce=reduce))
        rec.case("scatterReduce", scatter_reduce, [torch.tensor([[1, -2, 3], [4, 5, -6]]), torch.tensor([[0, 0, 2], [1, 1, 1]]),
                                                   torch.tensor([[-7, 8, 9], [3, -4, 5]])],
                 args=dict(dim=1, reduce=reduce, include_self=False), name=f"scatterReduce int64 {reduce}")
    rec.case("scatterReduce", scatter_reduce,
             [torch.tensor([0.0, 2.0, 3.0, 1.5], dtype=F64), torch.tensor([0, 1, 1, 2, 0]),
              torch.tensor([4.0, 0.0, 0.0, 5.0, 0.0], dtype=F64)], args=dict(dim=0, reduce="prod"),
             name="scatterReduce prod with zeros")
    rec.case("scatterReduce", scatter_reduce,
             [torch.tensor([0.5, 2.0, 3.0], dtype=F64), torch.tensor([0, 1, 1, 2]),
              torch.tensor([4.0, 0.0, 2.5, 5.0], dtype=F64)], args=dict(dim=0, reduce="prod", include_self=False),
             name="scatterReduce prod with a zero, no self")
    rec.case("scatterReduce", scatter_reduce,
             [torch.tensor([5.0, 1.0, 2.0], dtype=F64), torch.tensor([0, 0, 1, 2, 2]),
              torch.tensor([5.0, 5.0, 0.5, 7.0, 7.0], dtype=F64)], args=dict(dim=0, reduce="amax"), gradcheck=False,
             name="scatterReduce amax ties share the gradient")
    rec.case("scatterReduce", scatter_reduce,
             [torch.tensor([5.0, 1.0, 2.0], dtype=F64), torch.tensor([0, 0, 1, 2, 2]),
              torch.tensor([-5.0, 3.0, 0.5, -7.0, -7.0], dtype=F64)], args=dict(dim=0, reduce="amin", include_self=False),
             gradcheck=False, name="scatterReduce amin ties, no self")
    rec.case("scatterReduce", scatter_reduce,
             [torch.tensor([1.0, 2.0, 3.0]), torch.tensor([0, 1]), torch.tensor([float("nan"), 1.0])],
             args=dict(dim=0, reduce="amax"), grad=[], name="scatterReduce amax NaN")
    rec.case("scatterReduce", scatter_reduce,
             [rec.randn(3, 4), base_index, rec.randn(2, 4, dtype=F32)], args=dict(dim=0, reduce="sum"),
             name="scatterReduce dtype mismatch")
    scatter_add = lambda x, index, src, dim: x.scatter_add(dim, index, src)
    rec.case("scatterAdd", scatter_add, [rec.randn(3, 5), torch.tensor([[4, 0], [1, 4], [3, 3]]), rec.randn(3, 4)],
             args=dict(dim=1), grad=[0], name="scatterAdd index smaller than source")
    rec.case("scatterAdd", scatter_add, [rec.randn(3, 4), torch.tensor([[-1], [0], [1]]), rec.randn(3, 1)], args=dict(dim=1),
             name="scatterAdd negative index")
    gather = lambda x, index, dim: x.gather(dim, index)
    rec.case("gather", gather, [rec.randn(3, 5), torch.tensor([[4, 0], [1, 4]])], args=dict(dim=1),
             name="gather index smaller than input")
    rec.case("gather", gather, [rec.randn(3, 5), torch.tensor([[4, 0], [1, 4], [0, 0], [1, 1]])], args=dict(dim=1),
             name="gather index larger than input")

    index_add = lambda x, index, source, dim, alpha=1: x.index_add(dim, index, source, alpha=alpha)
    rec.case("indexAdd", index_add, [rec.randn(3, 4), torch.tensor([0, 2, 0]), rec.randn(3, 3)], args=dict(dim=1))
    rec.case("indexAdd", index_add, [rec.randn(4, 2, dtype=F32), torch.tensor([3, 1]), rec.randn(2, 2, dtype=F32)],
             args=dict(dim=0, alpha=-2.5))
    rec.case("indexAdd", index_add, [torch.tensor([1, 2, 3]), torch.tensor([2, 2]), torch.tensor([5, 7])],
             args=dict(dim=0, alpha=3), name="indexAdd int64")
    rec.case("indexAdd", index_add, [rec.randn(3, 4), torch.tensor([-1]), rec.randn(3, 1)], args=dict(dim=1),
             name="indexAdd negative index")
    rec.case("indexAdd", index_add, [rec.randn(3, 4), torch.tensor([0, 1]), rec.randn(3, 3)], args=dict(dim=1),
             name="indexAdd source shape")
    index_copy = lambda x, index, source, dim: x.index_copy(dim, index, source)
    rec.case("indexCopy", index_copy, [rec.randn(3, 4), torch.tensor([3, 0]), rec.randn(3, 2)], args=dict(dim=1))
    rec.case("indexCopy", index_copy, [rec.randn(4, 2, dtype=F32), torch.tensor([2]), rec.randn(1, 2, dtype=F32)], args=dict(dim=0))
    rec.case("indexCopy", index_copy, [rec.randn(3, 4), torch.tensor([4]), rec.randn(3, 1)], args=dict(dim=1),
             name="indexCopy index out of range")
    index_fill = lambda x, index, dim, value: x.index_fill(dim, index, value)
    rec.case("indexFill", index_fill, [rec.randn(3, 4), torch.tensor([0, -1])], args=dict(dim=1, value=7.5))
    rec.case("indexFill", index_fill, [torch.tensor([[1, 2], [3, 4]]), torch.tensor([1])], args=dict(dim=0, value=-3.0),
             name="indexFill int64")

    take_along = lambda x, indices, dim=None: torch.take_along_dim(x, indices, dim=dim)
    rec.case("takeAlongDim", take_along, [rec.randn(3, 4), torch.tensor([[0, 3], [1, 1], [2, 0]])], args=dict(dim=1))
    rec.case("takeAlongDim", take_along, [rec.randn(3, 4), torch.tensor([[0, 2]])], args=dict(dim=1), broadcast=True,
             name="takeAlongDim broadcast indices")
    rec.case("takeAlongDim", take_along, [rec.randn(1, 4, dtype=F32), torch.tensor([[0], [3], [-1]])], args=dict(dim=1),
             broadcast=True, name="takeAlongDim broadcast input, negative index")
    rec.case("takeAlongDim", take_along, [rec.randn(3, 4), torch.tensor([7, 0, 11, 5])], args=dict(dim=None),
             name="takeAlongDim flattened")
    rec.case("takeAlongDim", take_along, [rec.randn(3, 4), torch.tensor([7, -1])], args=dict(dim=None),
             name="takeAlongDim flattened negative")
    rec.case("takeAlongDim", take_along, [rec.randn(3, 4), torch.tensor([[[0]]])], args=dict(dim=1), name="takeAlongDim rank")
    rec.case("take", torch.take, [rec.randn(3, 4), torch.tensor([[7, 0], [-1, 2]])])
    rec.case("take", torch.take, [rec.randn(2, 3, dtype=F32), torch.tensor([6])], name="take out of range")
    put = lambda x, index, source, accumulate=False: x.put(index, source, accumulate=accumulate)
    rec.case("put", put, [rec.randn(3, 4), torch.tensor([7, 0, -1]), rec.randn(3)])
    rec.case("put", put, [rec.randn(3, 4), torch.tensor([[7, 0], [7, 2]]), rec.randn(2, 2)], args=dict(accumulate=True))
    rec.case("put", put, [rec.randn(3, 4), torch.tensor([7, 0]), rec.randn(3)], name="put lengths differ")

    # ------------------------------------------------------------------ advanced indexing
    def index(x, *tensors, spec):
        return x[index_tuple(spec, tensors)]

    x4 = lambda dtype=F64: rec.randn(2, 3, 4, dtype=dtype)
    rec.case("index", index, [rec.randn(4, 3), torch.tensor([True, False, True, True])], args=dict(spec=["t0"]), name="x[mask] rows")
    rec.case("index", index, [rec.randn(3, 4, dtype=F32), rec.randn(3, 4) > 0], args=dict(spec=["t0"]), name="x[mask] elements")
    rec.case("index", index, [x4(), torch.tensor([[0, 2], [1, 1]])], args=dict(spec=["all", "t0"]), name="x[:, indices 2-d]")
    rec.case("index", index, [x4(), torch.tensor([1, -1, 0, 1])], args=dict(spec=["t0"]), name="x[indices] negative, repeated")
    rec.case("index", index, [x4(), torch.tensor([0, 2])], args=dict(spec=[0, "all", "t0"]), name="x[0, :, indices]")
    rec.case("index", index, [x4(), torch.tensor([[0], [1]]), torch.tensor([3, 0, 1])], args=dict(spec=["t0", "all", "t1"]),
             name="x[i, :, j] separated, broadcast")
    rec.case("index", index, [x4(), torch.tensor([2, 0]), torch.tensor([3, 1])], args=dict(spec=["all", "t0", "t1"]),
             name="x[:, i, j] adjacent")
    rec.case("index", index, [x4(), torch.tensor([[True, False, True, False]] * 3)], args=dict(spec=[1, "t0"]),
             name="x[1, mask over 2 axes]")
    rec.case("index", index, [x4(), torch.tensor([True, False, True])], args=dict(spec=["...", "t0", "all"]),
             name="x[..., mask, :]")
    rec.case("index", index, [x4(), torch.tensor([3, 0])], args=dict(spec=["new", "all", [0, 3, 2], "t0"]),
             name="x[None, :, 0:3:2, indices]")
    rec.case("index", index, [x4(), torch.tensor(1)], args=dict(spec=["all", "t0"]), name="x[:, 0-d index]")
    rec.case("index", index, [x4(), torch.tensor(True)], args=dict(spec=["t0"]), name="x[True]")
    rec.case("index", index, [x4(), torch.zeros(0, dtype=torch.int64)], args=dict(spec=["t0"]), name="x[empty indices]")
    rec.case("index", index, [x4(), torch.zeros(2, dtype=torch.bool)], args=dict(spec=["t0"]), name="x[all-false mask]")
    rec.case("index", index, [torch.tensor([[1, 2, 3], [4, 5, 6]]), torch.tensor([[1, 0, 1]])], args=dict(spec=["all", "t0"]),
             name="x[:, indices] int64")
    rec.case("index", index, [x4(), torch.tensor([2])], args=dict(spec=["t0"]), name="x[index out of range]")
    rec.case("index", index, [x4(), torch.tensor([-3])], args=dict(spec=["t0"]), name="x[negative index out of range]")
    rec.case("index", index, [x4(), torch.tensor([True, False, True])], args=dict(spec=["t0"]), name="x[mask of wrong shape]")
    rec.case("index", index, [x4(), torch.tensor([0, 1]), torch.tensor([0, 1, 2])], args=dict(spec=["t0", "t1"]),
             name="x[i, j] not broadcastable")
    rec.case("index", index, [x4(), torch.tensor([0.0, 1.0])], args=dict(spec=["t0"]), grad=[0], name="x[float indices]")

    def index_put(x, values, *tensors, spec, accumulate=False):
        return x.index_put(index_tuple(spec, tensors), values, accumulate=accumulate) if all(
            isinstance(s, str) and s.startswith("t") for s in spec) else _put_general(x, values, tensors, spec, accumulate)

    def _put_general(x, values, tensors, spec, accumulate):
        y = x.clone()
        key = index_tuple(spec, tensors)
        if accumulate:
            y[key] += values
        else:
            y[key] = values
        return y

    rec.case("indexPut", index_put, [rec.randn(4, 3), rec.randn(3), torch.tensor([True, False, True, False])],
             args=dict(spec=["t0"]), broadcast=True, name="indexPut mask rows, broadcast value")
    rec.case("indexPut", index_put, [rec.randn(3, 4), rec.randn(3), torch.tensor([0, 2, 0]), torch.tensor([1, 3, 1])],
             args=dict(spec=["t0", "t1"], accumulate=True), name="indexPut accumulate repeated")
    rec.case("indexPut", index_put, [rec.randn(3, 4, dtype=F32), rec.randn(3, 2, dtype=F32), torch.tensor([3, 1])],
             args=dict(spec=["all", "t0"]), name="indexPut x[:, indices]")
    rec.case("indexPut", index_put, [rec.randn(2, 3, 4), rec.randn(2, 2), torch.tensor([[0, 2], [1, 0]])], gradcheck=False,
             args=dict(spec=[1, "t0", 3]), name="indexPut x[1, indices, 3] repeated (last wins)")
    rec.case("indexPut", index_put, [rec.randn(2, 3, 4), rec.randn(1, 2), torch.tensor([[0, 2]])],
             args=dict(spec=[1, "t0", 3]), name="indexPut x[1, indices, 3]")
    rec.case("indexPut", index_put, [rec.randn(3, 4), rec.randn(3, 2), torch.tensor([0, 1])],
             args=dict(spec=["t0"]), name="indexPut value shape mismatch")

    def index_assign(x, values, *tensors, spec):
        y = x.clone()
        y[index_tuple(spec, tensors)] = values
        return y

    rec.case("indexAssign", index_assign, [rec.randn(3, 4), torch.tensor(-1.0, dtype=F64), rec.randn(3, 4) > 0],
             args=dict(spec=["t0"]), grad=[], name="x[mask] = number")
    rec.case("indexAssign", index_assign, [torch.arange(12).reshape(3, 4), torch.tensor([[7, 8], [9, 10], [11, 12]]),
                                           torch.tensor([3, 0])], args=dict(spec=["all", "t0"]), name="x[:, indices] = values int64")
    rec.case("indexAssign", index_assign, [rec.randn(2, 3, 4, dtype=F32), rec.randn(3, dtype=F32), torch.tensor([1, 0]),
                                           torch.tensor([1, 1])], args=dict(spec=["t0", "all", "t1"]), grad=[],
             name="x[i, :, j] = broadcast row")
