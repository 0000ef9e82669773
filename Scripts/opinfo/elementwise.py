"""Elementwise math: trigonometric, hyperbolic, rounding, special functions, predicates."""
import torch

SEED = 2312070


def build(rec):
    for op, fn, low, high in [
        ("sin", torch.sin, -4.0, 4.0),
        ("cos", torch.cos, -4.0, 4.0),
    ]:
        rec.case(op, fn, [rec.rand(3, 4, low=low, high=high)])
        rec.case(op, fn, [rec.rand(5, low=low, high=high, dtype=torch.float32)])
        rec.case(op, fn, [torch.tensor([0.0, -0.0, float("inf"), float("-inf"), float("nan")], dtype=torch.float64)],
                 grad=[], name=f"{op} special values")
        rec.case(op, fn, [torch.zeros(2, 0, 3, dtype=torch.float64)], name=f"{op} zero-sized")
        rec.case(op, fn, [torch.tensor([1, -2, 3])], name=f"{op} int64 input")
