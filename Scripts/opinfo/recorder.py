"""The recorder behind Scripts/make_op_fixtures.py: runs a PyTorch call on given inputs and writes
what Apus must reproduce (outputs, gradients, or the fact that PyTorch refuses the call).

A family module (Scripts/opinfo/<family>.py) defines `build(rec)` and calls `rec.case(...)` once per
case. Cases are appended at the end of a family, so that the random inputs of earlier cases stay
the same; each family draws from its own generator, so regenerating one family changes no other.

JSON layout of a tensor: {"dtype": "float32", "shape": [2, 3], "values": [...]}, values in
row-major order; floats are written with repr (every digit survives), non-finite floats as the
strings "nan", "inf", "-inf"; integers exactly; booleans as true/false.
"""
import importlib
import json
import math
import os

import torch

DTYPE_NAMES = {
    torch.bool: "bool", torch.uint8: "uint8", torch.int8: "int8", torch.int16: "int16", torch.int32: "int32",
    torch.int64: "int64", torch.float16: "float16", torch.bfloat16: "bfloat16", torch.float32: "float32",
    torch.float64: "float64",
}


def _float(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def tensor_json(t):
    t = t.detach()
    if t.dtype not in DTYPE_NAMES:
        raise TypeError(f"no Apus dtype for {t.dtype}")
    flat = t.reshape(-1).tolist()
    if t.dtype.is_floating_point:
        values = [_float(float(v)) for v in flat]
    elif t.dtype == torch.bool:
        values = [bool(v) for v in flat]
    else:
        values = [int(v) for v in flat]
    return {"dtype": DTYPE_NAMES[t.dtype], "shape": list(t.shape), "values": values}


def _as_tensors(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        result = []
        for o in out:
            result.extend(_as_tensors(o))
        return result
    if isinstance(out, bool):
        return [torch.tensor(out)]
    if isinstance(out, int):
        return [torch.tensor(out, dtype=torch.int64)]
    if isinstance(out, float):
        return [torch.tensor(out, dtype=torch.float64)]
    raise TypeError(f"cannot record output of type {type(out)}")


def _describe(inputs, args):
    parts = []
    for t in inputs:
        if isinstance(t, torch.Tensor):
            parts.append(f"{DTYPE_NAMES[t.dtype]}{list(t.shape)}")
    for k, v in args.items():
        parts.append(f"{k}={v}")
    return " ".join(parts)


def _shape(shape):
    """`rec.randn(2, 3)` and `rec.randn((2, 3))` (or `rec.randn(())`, a 0-d tensor) alike."""
    return tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list, torch.Size)) else shape


class Recorder:
    def __init__(self, family, seed):
        self.family = family
        self.gen = torch.Generator().manual_seed(seed)
        self.cases = []
        self.names = set()

    # ------------------------------------------------------------------ inputs
    def randn(self, *shape, dtype=torch.float64, scale=1.0):
        shape = _shape(shape)
        return (torch.randn(tuple(shape), generator=self.gen, dtype=torch.float64) * scale).to(dtype)

    def rand(self, *shape, low=0.0, high=1.0, dtype=torch.float64):
        shape = _shape(shape)
        return (low + (high - low) * torch.rand(tuple(shape), generator=self.gen, dtype=torch.float64)).to(dtype)

    def randint(self, low, high, *shape, dtype=torch.int64):
        return torch.randint(low, high, tuple(shape), generator=self.gen).to(dtype)

    def perm(self, n):
        return torch.randperm(n, generator=self.gen)

    # ------------------------------------------------------------------ cases
    def case(self, op, fn, inputs, args=None, grad=None, name=None, rtol=None, atol=None,
             broadcast=False, gradcheck=None, note=None):
        """Records `fn(*inputs, **args)`.

        op        the Apus op this case tests (the key of its OpInfo entry in the Swift table)
        fn        the PyTorch call; it may return a tensor, a tuple of tensors or a Python number
        inputs    the tensor inputs, in the order the Swift entry receives them (None allowed)
        args      the non-tensor arguments, passed to `fn` as keywords and written to the fixture
                  under the same names (the Swift entry reads them by these names)
        grad      indices of the inputs to differentiate; default: every floating-point input
        gradcheck whether the Swift test also runs gradcheck on this case (default: there are
                  float64 inputs to differentiate)
        broadcast the inputs broadcast against each other (the gradcheck table counts such rows)
        rtol/atol tolerances of the comparison (defaults in the Swift harness by dtype)
        """
        args = dict(args or {})
        if grad is None:
            grad = [i for i, t in enumerate(inputs)
                    if isinstance(t, torch.Tensor) and t.dtype in (torch.float32, torch.float64)]
        grad = list(grad)
        leaves = []
        for i, t in enumerate(inputs):
            if t is None:
                leaves.append(None)
            else:
                c = t.detach().clone()
                if i in grad:
                    c.requires_grad_(True)
                leaves.append(c)
        base = name or f"{op} {_describe(inputs, args)}"
        unique, n = base, 2
        while unique in self.names:
            unique, n = f"{base} #{n}", n + 1
        self.names.add(unique)
        record = {"op": op, "name": unique, "args": args,
                  "inputs": [None if t is None else tensor_json(t) for t in inputs]}
        if note:
            record["note"] = note
        if rtol is not None:
            record["rtol"] = rtol
        if atol is not None:
            record["atol"] = atol
        if broadcast:
            record["broadcast"] = True
        try:
            outputs = _as_tensors(fn(*leaves, **args))
        except Exception as error:  # PyTorch refuses the call: Apus must stop too
            record["raises"] = str(error).split("\n")[0]
            self.cases.append(record)
            return
        record["outputs"] = [tensor_json(o) for o in outputs]
        differentiable = [o for o in outputs if o.requires_grad]
        if grad and differentiable:
            ups = []
            total = None
            for o in outputs:
                if o.requires_grad:
                    up = self.randn(*o.shape, dtype=o.dtype) if o.dim() > 0 else torch.tensor(1.0, dtype=o.dtype)
                    ups.append(tensor_json(up))
                    term = (o * up).sum()
                    total = term if total is None else total + term
                else:
                    ups.append(None)
            total.backward()
            record["grad"] = grad
            record["up"] = ups
            record["grads"] = [tensor_json(leaves[i].grad) if i in grad and leaves[i].grad is not None
                               else (tensor_json(torch.zeros_like(leaves[i])) if i in grad else None)
                               for i in range(len(inputs))]
            if gradcheck is None:
                gradcheck = all(inputs[i].dtype == torch.float64 for i in grad)
            record["gradcheck"] = bool(gradcheck)
        self.cases.append(record)

    def write(self, path):
        with open(path, "w") as f:
            json.dump({"family": self.family, "torch": torch.__version__, "cases": self.cases}, f, separators=(",", ":"))
            f.write("\n")


# ---------------------------------------------------------------------- sweeps over the table
class Replay:
    """A recorder for one family's `build` that records nothing itself: each case goes to `sweep`
    (a sweep family's function), which records variants of it in the sweep's own recorder."""

    def __init__(self, family, seed, sweep):
        self.inner = Recorder(family, seed)
        self.gen = self.inner.gen
        self.sweep = sweep

    def randn(self, *a, **k):
        return self.inner.randn(*a, **k)

    def rand(self, *a, **k):
        return self.inner.rand(*a, **k)

    def randint(self, *a, **k):
        return self.inner.randint(*a, **k)

    def perm(self, n):
        return self.inner.perm(n)

    def case(self, op, fn, inputs, args=None, grad=None, name=None, **_):
        self.sweep(op, fn, inputs, args or {}, grad, name or op)

def replay_families(sweep, skipping):
    """Runs every family's `build` (except the sweeps, `*sweep.py`, and `skipping`) with a `Replay`, so that `sweep`
    sees each case's op, PyTorch call, inputs (the family's own, from its own seed), arguments,
    differentiated inputs and name."""
    here = os.path.dirname(os.path.abspath(__file__))
    names = sorted(f[:-3] for f in os.listdir(here) if f.endswith(".py") and f not in ("__init__.py", "recorder.py"))
    for family in names:
        if family in skipping or family.endswith("sweep"):
            continue
        module = importlib.import_module(f"opinfo.{family}")
        module.build(Replay(family, module.SEED, sweep))
