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

    build_trigonometric(rec)
    build_rounding(rec)
    build_special(rec)
    build_predicates(rec)
    build_where_and_clamp(rec)
    build_comparisons(rec)
    build_logical_and_bitwise(rec)


NAN, INF = float("nan"), float("inf")
F32, F64, I64 = torch.float32, torch.float64, torch.int64
# Exact comparison (signed zeros included) for ops whose results are exact in any correct implementation.
EXACT = dict(rtol=0.0, atol=0.0)


def specials(*extra, dtype=F64):
    return torch.tensor([0.0, -0.0, INF, -INF, NAN, *extra], dtype=dtype)


def unary_cases(rec, op, fn, low, high, extra=(), ints=True, bools=False, exact=False):
    """The usual cases of a float function of one tensor: float64 [2, 3] (gradchecked) and a 0-d
    one, float32, special values, a zero-sized tensor, integer and bool inputs."""
    tol = EXACT if exact else {}
    rec.case(op, fn, [rec.rand(2, 3, low=low, high=high)], **tol)
    rec.case(op, fn, [rec.rand(1, low=low, high=high).reshape(())], name=f"{op} 0-d float64", **tol)
    rec.case(op, fn, [rec.rand(7, low=low, high=high, dtype=F32)], **tol)
    rec.case(op, fn, [specials(*extra)], grad=[], name=f"{op} special values", **tol)
    rec.case(op, fn, [specials(*extra, dtype=F32)], grad=[], name=f"{op} special values float32", **tol)
    rec.case(op, fn, [torch.zeros(2, 0, 3, dtype=F64)], name=f"{op} zero-sized")
    if ints:
        rec.case(op, fn, [torch.tensor([[1, -2, 3], [0, 5, -7]])], name=f"{op} int64 input", **tol)
    if bools:
        rec.case(op, fn, [torch.tensor([True, False])], name=f"{op} bool input", **tol)


def build_trigonometric(rec):
    for op, fn, low, high, extra in [
        ("tan", torch.tan, -1.4, 1.4, (1.5707963267948966, 100.0)),
        ("asin", torch.asin, -0.95, 0.95, (1.0, -1.0, 1.5)),
        ("acos", torch.acos, -0.95, 0.95, (1.0, -1.0, 1.5)),
        ("atan", torch.atan, -4.0, 4.0, (1e30,)),
        ("sinh", torch.sinh, -3.0, 3.0, (100.0, 1e-20)),
        ("cosh", torch.cosh, -3.0, 3.0, (100.0,)),
        ("tanh", torch.tanh, -3.0, 3.0, (20.0, -20.0, 1e-20)),
        ("asinh", torch.asinh, -4.0, 4.0, (1e30, 1e-20)),
        ("acosh", torch.acosh, 1.2, 5.0, (1.0, 0.5, 1e30)),
        ("atanh", torch.atanh, -0.95, 0.95, (1.0, -1.0, 1.5)),
        ("deg2rad", torch.deg2rad, -360.0, 360.0, (180.0,)),
        ("rad2deg", torch.rad2deg, -7.0, 7.0, (3.141592653589793,)),
    ]:
        unary_cases(rec, op, fn, low, high, extra, bools=op in ("tan", "deg2rad"))
    # tanh's float32 kernel is vectorised: a tensor long enough for its vector loop and tail.
    rec.case("tanh", torch.tanh, [rec.rand(37, low=-10.0, high=10.0, dtype=F32)], name="tanh float32 vector loop")
    rec.case("sin", torch.sin, [rec.rand(37, low=-100.0, high=100.0, dtype=F32)], name="sin float32 large arguments")

    # atan2(y, x): all four quadrants, signed zeros, infinities; broadcasting and promotion.
    rec.case("atan2", torch.atan2, [rec.randn(2, 3), rec.randn(2, 3)])
    rec.case("atan2", torch.atan2, [rec.randn(2, 3), rec.randn(3)], broadcast=True)
    rec.case("atan2", torch.atan2, [rec.randn(4, dtype=F32), rec.randn(4, dtype=F32)])
    y = torch.tensor([0.0, -0.0, 0.0, -0.0, 1.0, -1.0, INF, -INF, INF, NAN, 1.0, 2.0], dtype=F64)
    x = torch.tensor([0.0, 0.0, -0.0, -0.0, INF, -INF, INF, INF, -INF, 1.0, NAN, 0.0], dtype=F64)
    rec.case("atan2", torch.atan2, [y, x], grad=[], name="atan2 special values", **EXACT)
    rec.case("atan2", torch.atan2, [torch.tensor([1, -2, 3]), torch.tensor([[2], [-1]])], name="atan2 int64 inputs broadcast")
    # PyTorch squares the float32 operand in float32 in the backward; Apus promotes it first.
    rec.case("atan2", torch.atan2, [rec.randn(3, dtype=F32), rec.randn(3)], name="atan2 float32 and float64", rtol=1e-6)
    rec.case("atan2", torch.atan2, [torch.zeros(0, 3, dtype=F64), torch.zeros(3, dtype=F64)], name="atan2 zero-sized")


def build_rounding(rec):
    halves = torch.tensor([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, 2.4, -2.6, 1e300, 4503599627370497.0],
                          dtype=F64)
    for op, fn in [("floor", torch.floor), ("ceil", torch.ceil), ("trunc", torch.trunc), ("round", torch.round)]:
        rec.case(op, fn, [rec.rand(2, 3, low=-3.0, high=3.0)])
        rec.case(op, fn, [halves], grad=[], name=f"{op} halves and large values", **EXACT)
        rec.case(op, fn, [halves.to(F32)], grad=[], name=f"{op} halves float32", **EXACT)
        rec.case(op, fn, [specials()], grad=[], name=f"{op} special values", **EXACT)
        rec.case(op, fn, [torch.zeros(2, 0, 3, dtype=F64)], name=f"{op} zero-sized")
        rec.case(op, fn, [torch.tensor([[3, -3], [2**62, -(2**63)]])], name=f"{op} int64 input stays int64")
        rec.case(op, fn, [torch.tensor([True, False])], name=f"{op} bool input")

    rnd = lambda x, decimals: torch.round(x, decimals=decimals)
    values = torch.tensor([1.2345, -1.2355, 2.5e-3, 125.0, 135.0, -145.0, 0.125, 1e-10, NAN, INF], dtype=F64)
    for d in (1, 2, 3, -1, -2):
        rec.case("round", rnd, [values], args={"decimals": d}, grad=[], name=f"round decimals={d}", **EXACT)
        rec.case("round", rnd, [values.to(F32)], args={"decimals": d}, grad=[], name=f"round decimals={d} float32", **EXACT)
    rec.case("round", rnd, [rec.rand(2, 3, low=-30.0, high=30.0)], args={"decimals": 1}, name="round decimals=1 gradient")
    rec.case("round", rnd, [torch.tensor([15, -25])], args={"decimals": -1}, name="round decimals int64 input")

    rec.case("frac", torch.frac, [rec.rand(2, 3, low=-3.0, high=3.0)])
    rec.case("frac", torch.frac, [rec.rand(5, low=-3.0, high=3.0, dtype=F32)])
    rec.case("frac", torch.frac, [specials(2.5, -2.5, 1e300)], grad=[], name="frac special values", **EXACT)
    rec.case("frac", torch.frac, [torch.tensor([3, -3])], name="frac int64 input")

    # fmod (C: the dividend's sign) and remainder (Python: the divisor's sign).
    a = torch.tensor([5.5, -5.5, 5.5, -5.5, 3.0, -3.0, 0.0, -0.0, 1.0, INF, NAN, 5.0, -5.0, 1e300], dtype=F64)
    b = torch.tensor([2.0, 2.0, -2.0, -2.0, 1.5, 1.5, 2.0, -2.0, 0.0, 2.0, 2.0, INF, INF, 3.0], dtype=F64)
    ia = torch.tensor([7, -7, 7, -7, 6, 0, -(2**63), 2**62 + 1])
    ib = torch.tensor([3, 3, -3, -3, 3, -5, -1, 7])
    for op, fn in [("fmod", torch.fmod), ("remainder", torch.remainder)]:
        rec.case(op, fn, [rec.randn(2, 3, scale=4.0), rec.rand(2, 3, low=0.5, high=2.0)])
        rec.case(op, fn, [rec.randn(2, 3, scale=4.0), -rec.rand(3, low=0.5, high=2.0)], broadcast=True)
        rec.case(op, fn, [rec.randn(6, scale=4.0, dtype=F32), rec.randn(6, dtype=F32)])
        rec.case(op, fn, [a, b], grad=[], name=f"{op} signs, zeros and infinities", **EXACT)
        rec.case(op, fn, [a.to(F32), b.to(F32)], grad=[], name=f"{op} signs float32", **EXACT)
        rec.case(op, fn, [ia, ib], name=f"{op} int64")
        rec.case(op, fn, [ia, torch.tensor(3)], name=f"{op} int64 by 0-d")
        rec.case(op, fn, [ia.reshape(2, 4), torch.tensor([0, 1, 1, 1])], name=f"{op} int64 by zero")
        rec.case(op, fn, [torch.tensor([True, False]), torch.tensor([True, True])], name=f"{op} bool")
        rec.case(op, fn, [torch.tensor([7, -7]), torch.tensor([2.5, 2.5])], name=f"{op} int64 and float32")
        rec.case(op, lambda x, other: fn(x, other), [rec.randn(2, 3, scale=4.0)], args={"other": -1.5},
                 name=f"{op} by a number")
        rec.case(op, lambda x, other: fn(x, other), [ia], args={"other": 3}, name=f"{op} int64 by an integer")
        rec.case(op, lambda x, other: fn(x, other), [ia], args={"other": 0}, name=f"{op} int64 by integer zero")
        rec.case(op, lambda x, other: fn(x, other), [ia], args={"other": 2.5}, name=f"{op} int64 by a fraction")
        rec.case(op, fn, [torch.zeros(2, 0, dtype=F64), torch.ones(1, dtype=F64)], name=f"{op} zero-sized")
    rec.case("remainder", lambda x, input: torch.remainder(input, x), [torch.tensor([3.0, -3.0, 2.0], dtype=F64)],
             args={"input": 5.5}, grad=[], name="remainder of a number")
    rec.case("remainder", lambda x, input: torch.remainder(input, x), [torch.tensor([3, -3, 2])],
             args={"input": 7}, name="remainder of an integer")


def build_special(rec):
    for op, fn, low, high, extra, bools in [
        ("reciprocal", torch.reciprocal, 0.5, 2.0, (), True),
        ("rsqrt", torch.rsqrt, 0.3, 3.0, (-1.0, 4.0), True),
        ("exp2", torch.exp2, -3.0, 3.0, (200.0, -200.0, 1024.0), True),
        ("expm1", torch.expm1, -2.0, 2.0, (1e-10, -1e-10, 100.0), False),
        ("log2", torch.log2, 0.2, 5.0, (-1.0, 1.0, 8.0), False),
        ("log10", torch.log10, 0.2, 5.0, (-1.0, 1.0, 1000.0), False),
        ("log1p", torch.log1p, -0.5, 3.0, (-1.0, -2.0, 1e-10), False),
        ("erf", torch.erf, -2.5, 2.5, (1e-10, 6.0, -6.0), True),
        ("erfc", torch.erfc, -2.5, 2.5, (10.0, 26.0, -6.0), False),
        ("erfinv", torch.erfinv, -0.9, 0.9, (1.0, -1.0, 1.5, 0.5, 1e-300), True),
        ("sinc", torch.sinc, -2.5, 2.5, (1.0, 0.5, -3.0, 1e-20), True),
    ]:
        unary_cases(rec, op, fn, low, high, extra, bools=bools)
    # erfinv near ±1, where erf loses the digits: float64 and float32, up to the last float below 1.
    near_one = torch.tensor([0.99, 0.999999, 1 - 1e-10, 1 - 1e-14, 1 - 2**-53, -(1 - 2**-53), -(1 - 1e-12), 0.5 + 2**-40,
                             1e-300, 5e-324], dtype=F64)
    rec.case("erfinv", torch.erfinv, [near_one], grad=[], name="erfinv near ±1")
    near_one32 = torch.tensor([0.99, 0.9999, 0.9999999, 1 - 2**-24, -(1 - 2**-24), 0.7, 0.5, 1e-30], dtype=F32)
    rec.case("erfinv", torch.erfinv, [near_one32], grad=[], name="erfinv near ±1 float32")
    rec.case("erfinv", torch.erfinv, [rec.rand(2, 3, low=0.95, high=0.999)], name="erfinv gradient near 1")

    # square keeps integers (wrapping on overflow) and makes bool int64.
    rec.case("square", torch.square, [rec.randn(2, 3)])
    rec.case("square", torch.square, [rec.randn(5, dtype=F32)])
    rec.case("square", torch.square, [specials()], grad=[], name="square special values")
    rec.case("square", torch.square, [torch.tensor([3, -4, 2**32 + 1, -(2**62)])], name="square int64 wraps")
    rec.case("square", torch.square, [torch.tensor([True, False])], name="square bool input")
    rec.case("square", torch.square, [torch.zeros(2, 0, dtype=F64)], name="square zero-sized")

    # logit with and without eps.
    lg = lambda x, eps=None: torch.logit(x, eps=eps)
    edge = torch.tensor([0.0, 1.0, 0.5, 0.1, 0.95, -0.1, 1.2, NAN], dtype=F64)
    rec.case("logit", lg, [rec.rand(2, 3, low=0.05, high=0.95)])
    rec.case("logit", lg, [rec.rand(5, low=0.05, high=0.95, dtype=F32)])
    rec.case("logit", lg, [edge], name="logit edges", gradcheck=False)
    for eps in (0.2, 0.0, -0.1, 0.7, 1e-6):
        rec.case("logit", lg, [edge], args={"eps": eps}, name=f"logit edges eps={eps}", gradcheck=False)
        rec.case("logit", lg, [edge.to(F32)], args={"eps": eps}, name=f"logit edges eps={eps} float32")
    rec.case("logit", lg, [rec.rand(2, 3, low=0.0, high=1.0)], args={"eps": 0.25}, name="logit eps=0.25 gradient")
    rec.case("logit", lg, [torch.tensor([0, 1])], name="logit int64 input")
    rec.case("logit", lg, [torch.zeros(0, 2, dtype=F64)], name="logit zero-sized")

    # hypot: floating point only.
    rec.case("hypot", torch.hypot, [rec.randn(2, 3), rec.randn(2, 3)])
    rec.case("hypot", torch.hypot, [rec.randn(2, 3), rec.randn(2, 1)], broadcast=True)
    rec.case("hypot", torch.hypot, [rec.randn(4, dtype=F32), rec.randn(4, dtype=F32)])
    rec.case("hypot", torch.hypot, [torch.tensor([3.0, 1e300, INF, NAN, NAN, 0.0], dtype=F64),
                                    torch.tensor([4.0, 1e300, NAN, INF, 1.0, -0.0], dtype=F64)],
             grad=[], name="hypot special values")
    rec.case("hypot", torch.hypot, [rec.randn(3, dtype=F32), torch.tensor([1, 2, 3])], name="hypot float32 and int64")
    rec.case("hypot", torch.hypot, [torch.tensor([3, 5]), torch.tensor([4, 12])], name="hypot int64")

    # lerp with a number or a tensor weight.
    lw = lambda s, e, weight: torch.lerp(s, e, weight)
    for w in (0.3, 0.75, -0.6, 1.5):
        rec.case("lerp", lw, [rec.randn(2, 3), rec.randn(2, 3)], args={"weight": w}, name=f"lerp weight={w}")
    rec.case("lerp", lw, [rec.randn(3), rec.randn(2, 1)], args={"weight": 0.3}, broadcast=True, name="lerp broadcast")
    rec.case("lerp", lw, [rec.randn(4, dtype=F32), rec.randn(4, dtype=F32)], args={"weight": 0.7}, name="lerp float32")
    rec.case("lerp", torch.lerp, [rec.randn(2, 3), rec.randn(2, 3), rec.rand(2, 3, low=-0.5, high=1.5)],
             name="lerp tensor weight")
    rec.case("lerp", torch.lerp, [rec.randn(3), rec.randn(2, 1), rec.rand(2, 3, low=0.0, high=1.0)], broadcast=True,
             name="lerp tensor weight broadcast")
    rec.case("lerp", torch.lerp, [rec.randn(5, dtype=F32), rec.randn(5, dtype=F32), rec.rand(5, dtype=F32)],
             name="lerp tensor weight float32")
    rec.case("lerp", torch.lerp, [torch.tensor([1.0, -2.0, INF, 0.0], dtype=F64), torch.tensor([3.0, NAN, INF, 1.0], dtype=F64),
                                  torch.tensor([0.0, 0.5, 1.0, 1.0], dtype=F64)], grad=[], name="lerp ends and special values")
    rec.case("lerp", lw, [rec.randn(3, dtype=F32), rec.randn(3)], args={"weight": 0.5}, name="lerp float32 and float64")
    rec.case("lerp", torch.lerp, [rec.randn(3), rec.randn(3), rec.rand(3, dtype=F32)], name="lerp float32 weight")
    rec.case("lerp", lw, [torch.tensor([1, 2]), torch.tensor([3, 4])], args={"weight": 0.5}, name="lerp int64")
    rec.case("lerp", lw, [torch.zeros(0, 3, dtype=F64), torch.zeros(3, dtype=F64)], args={"weight": 0.5}, name="lerp zero-sized")

    # xlogy: 0 where x = 0, NaN where y is NaN.
    rec.case("xlogy", torch.xlogy, [rec.randn(2, 3), rec.rand(2, 3, low=0.2, high=3.0)])
    rec.case("xlogy", torch.xlogy, [rec.randn(2, 3), rec.rand(3, low=0.2, high=3.0)], broadcast=True)
    rec.case("xlogy", torch.xlogy, [rec.randn(4, dtype=F32), rec.rand(4, low=0.2, high=3.0, dtype=F32)])
    rec.case("xlogy", torch.xlogy, [torch.tensor([0.0, 0.0, 0.0, 1.0, 2.0, NAN, -1.0, 0.0], dtype=F64),
                                    torch.tensor([0.0, NAN, INF, 0.0, -1.0, 1.0, INF, -1.0], dtype=F64)],
             grad=[], name="xlogy zeros and special values", **EXACT)
    rec.case("xlogy", torch.xlogy, [torch.tensor([0.0, 0.0, 1.5], dtype=F64), rec.rand(3, low=0.5, high=2.0)],
             name="xlogy gradient at x = 0")
    rec.case("xlogy", torch.xlogy, [torch.tensor([0, 1, 2]), torch.tensor([3, 0, 2])], name="xlogy int64")
    rec.case("xlogy", lambda x, other: torch.xlogy(x, other), [rec.rand(2, 3, low=0.5, high=2.0)], args={"other": 2.5},
             name="xlogy of a number y")
    rec.case("xlogy", lambda y, input: torch.xlogy(input, y), [rec.rand(2, 3, low=0.5, high=2.0)], args={"input": 1.5},
             name="xlogy of a number x")

    # copysign: the sign bit of the second operand (−0 and −NaN count).
    rec.case("copysign", torch.copysign, [rec.randn(2, 3), rec.randn(2, 3)])
    rec.case("copysign", torch.copysign, [rec.randn(2, 3), rec.randn(3)], broadcast=True)
    rec.case("copysign", torch.copysign, [torch.tensor([1.0, 1.0, -2.0, NAN, INF, 0.0, 3.0], dtype=F64),
                                          torch.tensor([-0.0, 0.0, NAN, -1.0, -1.0, -1.0, -5e-324], dtype=F64)],
             grad=[], name="copysign signed zeros and NaN", **EXACT)
    rec.case("copysign", torch.copysign, [rec.randn(4, dtype=F32), rec.randn(4, dtype=F32)], **EXACT)
    rec.case("copysign", torch.copysign, [torch.tensor([1, -2, 3]), torch.tensor([-1, 1, 0])], name="copysign int64")
    rec.case("copysign", lambda x, other: torch.copysign(x, other), [rec.randn(2, 3)], args={"other": -0.5},
             name="copysign by a number")

    # nextafter: exact, not differentiable.
    rec.case("nextafter", torch.nextafter, [torch.tensor([1.0, 1.0, 0.0, 0.0, -0.0, NAN, 2.0, INF, 1.0], dtype=F64),
                                            torch.tensor([2.0, 0.0, 1.0, -1.0, 1.0, 1.0, 2.0, 0.0, NAN], dtype=F64)],
             grad=[], name="nextafter float64", **EXACT)
    rec.case("nextafter", torch.nextafter, [rec.randn(2, 3, dtype=F32), rec.randn(3, dtype=F32)], grad=[], **EXACT)
    rec.case("nextafter", torch.nextafter, [rec.randn(3), rec.randn(3, dtype=F32)], grad=[],
             name="nextafter float64 and float32", **EXACT)
    rec.case("nextafter", torch.nextafter, [torch.tensor([1, 2]), torch.tensor([3, 0])], grad=[], name="nextafter int64")

    # float_power: always float64.
    rec.case("floatPower", torch.float_power, [rec.rand(2, 3, low=0.5, high=2.0), rec.randn(2, 3)])
    rec.case("floatPower", torch.float_power, [rec.rand(3, low=0.5, high=2.0, dtype=F32), rec.randn(3, dtype=F32)],
             name="floatPower float32 inputs")
    rec.case("floatPower", torch.float_power, [torch.tensor([2, 3, -2]), torch.tensor([3, -1, 2])], name="floatPower int64")
    rec.case("floatPower", lambda x, exponent: torch.float_power(x, exponent), [rec.rand(2, 3, low=0.5, high=2.0)],
             args={"exponent": 2.5}, name="floatPower to a number")


def build_predicates(rec):
    # (−NaN is left out: the fixtures write NaN without its sign.)
    values = torch.tensor([0.0, -0.0, 1.5, -2.0, INF, -INF, NAN, -5e-324, 1e-45, 3e38], dtype=F64)
    for op, fn in [("isnan", torch.isnan), ("isinf", torch.isinf), ("isfinite", torch.isfinite),
                   ("isposinf", torch.isposinf), ("isneginf", torch.isneginf), ("signbit", torch.signbit)]:
        rec.case(op, fn, [values], name=f"{op} float64")
        rec.case(op, fn, [values.to(F32).reshape(2, 5)], name=f"{op} float32")
        rec.case(op, fn, [torch.tensor([0, -3, 2**63 - 1])], name=f"{op} int64")
        rec.case(op, fn, [torch.tensor([True, False])], name=f"{op} bool")
        rec.case(op, fn, [torch.zeros(2, 0, dtype=F64)], name=f"{op} zero-sized")

    n2n = lambda x, nan=0.0, posinf=None, neginf=None: torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)
    rec.case("nanToNum", n2n, [values], grad=[], name="nanToNum defaults float64", **EXACT)
    rec.case("nanToNum", n2n, [values.to(F32)], grad=[], name="nanToNum defaults float32", **EXACT)
    rec.case("nanToNum", n2n, [values], args={"nan": 1.5, "posinf": 100.0, "neginf": -7.0}, grad=[], name="nanToNum replacements",
             **EXACT)
    rec.case("nanToNum", n2n, [values.to(F32)], args={"nan": -0.5, "posinf": 1e39}, grad=[],
             name="nanToNum replacement out of float32 range", **EXACT)
    x = rec.randn(2, 4)
    x[0, 1], x[1, 2], x[1, 3] = NAN, INF, -INF
    rec.case("nanToNum", n2n, [x], name="nanToNum gradient", gradcheck=False)
    rec.case("nanToNum", n2n, [rec.randn(2, 3)], name="nanToNum finite gradcheck")
    rec.case("nanToNum", n2n, [torch.tensor([1, -2])], name="nanToNum int64")
    rec.case("nanToNum", n2n, [torch.tensor([True, False])], name="nanToNum bool")

    # sign and sgn: −1, 0, 1 (0 for NaN); integers stay integers; gradient 0.
    for op, fn in [("sign", torch.sign), ("sgn", torch.sgn)]:
        # PyTorch's gradient of sign is a zero tensor without storage, which cannot be written out;
        # adding 0·x makes it the same zeros in an ordinary tensor.
        rec.case(op, lambda x: fn(x) + 0 * x, [rec.randn(2, 3)], name=f"{op} float64[2, 3]")
        rec.case(op, fn, [specials(2.5, -1e-300)], grad=[], name=f"{op} special values", **EXACT)
        rec.case(op, fn, [rec.randn(4, dtype=F32)], grad=[], **EXACT)
        rec.case(op, fn, [torch.tensor([5, 0, -3, -(2**63)])], name=f"{op} int64")
        rec.case(op, fn, [torch.tensor([True, False])], name=f"{op} bool")


def build_where_and_clamp(rec):
    c = torch.tensor([[True, False, True], [False, False, True]])
    rec.case("where", torch.where, [c, rec.randn(2, 3), rec.randn(2, 3)])
    rec.case("where", torch.where, [torch.tensor([True, False, True]), rec.randn(2, 1), rec.randn(2, 3)], broadcast=True)
    rec.case("where", torch.where, [torch.tensor([[True], [False]]), rec.randn(3), rec.randn(())], broadcast=True,
             name="where condition [2,1], a [3], b 0-d")
    rec.case("where", torch.where, [c, torch.tensor([1.0, NAN, INF], dtype=F64), torch.tensor([NAN, 2.0, -INF], dtype=F64)],
             name="where leaves the other side's NaN out", gradcheck=False)
    rec.case("where", torch.where, [c, rec.randn(2, 3, dtype=F32), rec.randn(3)], name="where float32 and float64")
    rec.case("where", torch.where, [c, torch.tensor([1, 2, 3]), rec.randn(3, dtype=F32)], name="where int64 and float32")
    rec.case("where", torch.where, [c, torch.tensor([1, 2, 3]), torch.tensor([[-1], [-2]])], name="where int64")
    rec.case("where", torch.where, [c, torch.tensor([True, True, False]), torch.tensor([False, True, True])], name="where bool")
    rec.case("where", torch.where, [c, torch.tensor([True, True, False]), torch.tensor([7, 8, 9])], name="where bool and int64")
    rec.case("where", torch.where, [torch.zeros(0, 3, dtype=torch.bool), rec.randn(3), rec.randn(3)], name="where zero-sized")
    rec.case("where", torch.where, [torch.tensor([1, 0, 1]), rec.randn(3), rec.randn(3)], name="where int64 condition")
    rec.case("where", torch.where, [torch.tensor([True, False]), rec.randn(3), rec.randn(3)], name="where shapes mismatch")
    # Numbers for one side or both: PyTorch's result dtypes.
    w_other = lambda cond, x, other: torch.where(cond, x, other)
    w_input = lambda cond, y, input: torch.where(cond, input, y)
    w_both = lambda cond, input, other: torch.where(cond, input, other)
    rec.case("where", w_other, [c, rec.randn(2, 3)], args={"other": 2.5}, name="where tensor, number")
    rec.case("where", w_other, [c, rec.randn(3, dtype=F32)], args={"other": -1.5}, name="where float32 tensor, number")
    rec.case("where", w_other, [c, torch.tensor([1, 2, 3])], args={"other": 2.5}, name="where int64 tensor, fractional number")
    rec.case("where", w_other, [c, torch.tensor([1, 2, 3])], args={"other": -4}, name="where int64 tensor, integer")
    rec.case("where", w_other, [c, torch.tensor([True, False, True])], args={"other": 2}, name="where bool tensor, integer")
    rec.case("where", w_other, [c, torch.tensor([True, False, True])], args={"other": False}, name="where bool tensor, bool")
    rec.case("where", w_input, [c, rec.randn(2, 3)], args={"input": 0.5}, name="where number, tensor")
    rec.case("where", w_input, [c, torch.tensor([1, 2, 3])], args={"input": 9}, name="where integer, int64 tensor")
    rec.case("where", w_both, [c], args={"input": 1.5, "other": -2.5}, name="where number, number")
    rec.case("where", w_both, [c], args={"input": 1, "other": 2}, name="where integer, integer")
    rec.case("where", w_both, [c], args={"input": True, "other": False}, name="where bool, bool")

    # clamp with number bounds (PyTorch's rule for min > max: max everywhere).
    cl = lambda x, min=None, max=None: torch.clamp(x, min=min, max=max)
    x = torch.tensor([-2.0, -0.5, 0.0, 0.5, 1.0, 3.0, NAN, INF, -INF], dtype=F64)
    for bounds in ({"min": -0.5, "max": 1.0}, {"min": 0.25}, {"max": 0.25}, {"min": 1.0, "max": -1.0}, {"min": 0.5, "max": 0.5}):
        label = ", ".join(f"{k}={v}" for k, v in bounds.items())
        rec.case("clamp", cl, [x], args=bounds, name=f"clamp {label} with ties and specials", gradcheck=False)
    rec.case("clamp", cl, [rec.randn(2, 3)], args={"min": 1.0, "max": -1.0}, name="clamp min > max gradient")
    rec.case("clamp", cl, [x.to(F32)], args={"min": -1.5, "max": 2.5}, name="clamp float32")
    rec.case("clamp", cl, [torch.tensor([-5, 5, 50])], args={"min": 0, "max": 10}, name="clamp int64 integer bounds")
    rec.case("clamp", cl, [torch.tensor([-5, 5, 50])], args={"min": 0.5}, name="clamp int64 fractional bound")
    rec.case("clamp", cl, [torch.tensor([-5, 5, 50])], args={"min": 9, "max": 3}, name="clamp int64 min > max")
    rec.case("clamp", cl, [rec.randn(2, 3)], name="clamp without bounds")
    # clamp with tensor bounds: broadcasting, gradients to all three, min > max in places.
    rec.case("clamp", cl, [rec.randn(2, 3), rec.randn(2, 3) - 0.5, rec.randn(2, 3) + 0.5], name="clamp tensor bounds")
    rec.case("clamp", cl, [rec.randn(2, 3), rec.randn(3), rec.randn(2, 1)], broadcast=True, name="clamp tensor bounds broadcast")
    rec.case("clamp", cl, [rec.randn(3), rec.randn(2, 1), None], broadcast=True, name="clamp tensor min only, output broadcast")
    rec.case("clamp", cl, [rec.randn(2, 3), None, rec.randn(3)], broadcast=True, name="clamp tensor max only")
    rec.case("clamp", cl, [torch.tensor([-1.0, 0.0, 1.0, 2.0, NAN, 0.5], dtype=F64),
                           torch.tensor([0.0, 0.0, 0.0, 3.0, 0.0, NAN], dtype=F64),
                           torch.tensor([1.0, 1.0, 1.0, 1.0, 1.0, 1.0], dtype=F64)],
             name="clamp tensor bounds ties, min > max and NaN", gradcheck=False)
    xs = torch.tensor([-1.0, 0.0, 0.5, 1.0, 2.0, NAN], dtype=F64)
    grid = [(a, b, c) for a in xs.tolist() for b in (0.0, NAN, 1.5, 1.0) for c in (1.0, NAN, 0.0)]
    gx, glo, ghi = (torch.tensor([r[k] for r in grid], dtype=F64) for k in range(3))
    rec.case("clamp", cl, [gx, glo, ghi], name="clamp tensor bounds: every order, tie and NaN", gradcheck=False)
    rec.case("clamp", cl, [gx, glo, None], name="clamp tensor min: every order, tie and NaN", gradcheck=False)
    rec.case("clamp", cl, [gx, None, ghi], name="clamp tensor max: every order, tie and NaN", gradcheck=False)
    rec.case("clamp", cl, [rec.randn(4, dtype=F32), rec.randn(4, dtype=F32), rec.randn(4, dtype=F32)], name="clamp tensor float32")
    rec.case("clamp", cl, [torch.tensor([1, 5, 9]), torch.tensor([2, 2, 2]), torch.tensor([6, 6, 6])], name="clamp tensor int64")
    rec.case("clamp", cl, [torch.tensor([1, 5, 9]), torch.tensor(2.5), None], name="clamp int64 with float32 tensor bound")
    rec.case("clamp", cl, [rec.randn(3, dtype=F32), rec.randn(3), None], name="clamp float32 with float64 tensor bound")
    rec.case("clamp", cl, [rec.randn(3), rec.randn(2), None], name="clamp tensor bound shapes mismatch")

    rec.case("clampMin", lambda x, min: torch.clamp_min(x, min), [rec.randn(2, 3)], args={"min": 0.1})
    rec.case("clampMin", torch.clamp_min, [rec.randn(2, 3), rec.randn(3)], broadcast=True)
    rec.case("clampMin", torch.clamp_min, [rec.randn(2, 3), rec.randn(2, 3)], name="clampMin tensor bound")
    rec.case("clampMax", lambda x, max: torch.clamp_max(x, max), [rec.randn(2, 3)], args={"max": 0.1})
    rec.case("clampMax", torch.clamp_max, [rec.randn(2, 3), rec.randn(2, 1)], broadcast=True)
    rec.case("clampMax", torch.clamp_max, [rec.randn(2, 3), rec.randn(2, 3)], name="clampMax tensor bound")


def build_comparisons(rec):
    # Ties from small integers, NaN, mixed dtypes, broadcasting, numbers.
    a = rec.randint(-2, 3, 2, 3).to(F32)
    a[0, 0] = NAN
    b = rec.randint(-2, 3, 3).to(F32)
    b[2] = NAN
    for op, fn in [("eq", torch.eq), ("ne", torch.ne), ("lt", torch.lt), ("le", torch.le), ("gt", torch.gt), ("ge", torch.ge)]:
        rec.case(op, fn, [a, b], name=f"{op} float32 broadcast with ties and NaN")
        rec.case(op, fn, [rec.randint(-2, 3, 4), rec.randint(-2, 3, 4).to(F64) + 0.5], name=f"{op} int64 and float64")
        rec.case(op, fn, [torch.tensor([2**53 + 1, 3]), torch.tensor([2**53, 3])], name=f"{op} large int64")
        rec.case(op, fn, [torch.tensor([True, False, True]), torch.tensor([[True], [False]])], name=f"{op} bool")
        rec.case(op, fn, [torch.tensor([True, False]), torch.tensor([1, 0])], name=f"{op} bool and int64")
        rec.case(op, lambda x, other: fn(x, other), [a], args={"other": 1.0}, name=f"{op} with a number")
        rec.case(op, lambda x, other: fn(x, other), [torch.tensor([0, 1, 2])], args={"other": 1.5}, name=f"{op} int64 with a fraction")
        rec.case(op, lambda x, other: fn(x, other), [torch.tensor([0, 1, 2])], args={"other": 1}, name=f"{op} int64 with an integer")
        rec.case(op, fn, [torch.zeros(0, 3), torch.zeros(3)], name=f"{op} zero-sized")
    rec.case("eq", torch.eq, [rec.randn(3), rec.randn(2)], name="eq shapes mismatch")

    rec.case("equal", torch.equal, [torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.0])], name="equal same")
    rec.case("equal", torch.equal, [torch.tensor([1, 2]), torch.tensor([1.0, 2.0])], name="equal int64 and float32")
    rec.case("equal", torch.equal, [torch.tensor([1.0, 2.0]), torch.tensor([1.0, 2.5])], name="equal different values")
    rec.case("equal", torch.equal, [torch.tensor([1.0, 2.0]), torch.tensor([[1.0, 2.0]])], name="equal different shapes")
    rec.case("equal", torch.equal, [torch.tensor([1.0, NAN]), torch.tensor([1.0, NAN])], name="equal NaN")
    rec.case("equal", torch.equal, [torch.zeros(0), torch.zeros(0)], name="equal empty")

    ic = lambda x, y, rtol=1e-05, atol=1e-08, equal_nan=False: torch.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    x = rec.randn(8)
    y = x + rec.randn(8) * 1e-5 * torch.tensor([0.1, 0.5, 1, 2, 5, 10, 100, 0.0], dtype=F64)
    sx = torch.tensor([INF, -INF, INF, NAN, NAN, 1.0, 0.0, 0.0, 1e-9], dtype=F64)
    sy = torch.tensor([INF, INF, 1.0, NAN, 1.0, NAN, 1e-8, 2e-8, 0.0], dtype=F64)
    rec.case("isclose", ic, [x, y], name="isclose float64 near the tolerance")
    rec.case("isclose", ic, [x.to(F32), y.to(F32)], name="isclose float32")
    rec.case("isclose", ic, [sx, sy], name="isclose infinities and NaN")
    rec.case("isclose", ic, [sx, sy], args={"equal_nan": True}, name="isclose equal_nan")
    rec.case("isclose", ic, [x, y], args={"rtol": 0.0, "atol": 0.0}, name="isclose zero tolerances")
    rec.case("isclose", ic, [x, y], args={"rtol": 1e-3, "atol": 1e-6}, name="isclose rtol and atol")
    rec.case("isclose", ic, [x.reshape(2, 4), x[:4]], name="isclose broadcast")
    rec.case("isclose", ic, [torch.tensor([10, 100, -5, 2**62]), torch.tensor([11, 102, -5, -(2**62)])], args={"rtol": 0.05},
             name="isclose int64")
    rec.case("isclose", ic, [torch.tensor([True, False]), torch.tensor([True, True])], args={"atol": 1.0}, name="isclose bool")
    rec.case("isclose", ic, [x.to(F32), x], name="isclose dtypes differ")
    rec.case("isclose", ic, [x, y], args={"rtol": -1.0}, name="isclose negative rtol")
    ac = lambda x, y, rtol=1e-05, atol=1e-08, equal_nan=False: torch.allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    rec.case("allclose", ac, [x, x + 1e-9], name="allclose true")
    rec.case("allclose", ac, [x, y], name="allclose false")
    rec.case("allclose", ac, [sx[:5], sy[:5]], args={"equal_nan": True}, name="allclose NaN and infinities")
    rec.case("allclose", ac, [x.reshape(2, 4), x[:4]], name="allclose broadcast")


def build_logical_and_bitwise(rec):
    mixed = torch.tensor([0.0, -0.0, 2.5, NAN, INF, 0.0], dtype=F64)
    ints = torch.tensor([[0, 3, 0], [-1, 0, 7]])
    bools = torch.tensor([True, False, True])
    for op, fn in [("logicalAnd", torch.logical_and), ("logicalOr", torch.logical_or), ("logicalXor", torch.logical_xor)]:
        rec.case(op, fn, [mixed, torch.tensor([1.0, 1.0, 0.0, 1.0, NAN, 0.0], dtype=F32)], name=f"{op} float with NaN and -0")
        rec.case(op, fn, [ints, bools], name=f"{op} int64 and bool broadcast")
        rec.case(op, fn, [bools, torch.tensor([[True], [False]])], name=f"{op} bool")
        rec.case(op, fn, [torch.zeros(0, 3), bools], name=f"{op} zero-sized")
    for x in (mixed, ints, bools, torch.zeros(2, 0)):
        rec.case("logicalNot", torch.logical_not, [x])

    big = torch.tensor([[0, 5, -6, 2**62 + 3], [-(2**63), 2**63 - 1, 12, -1]])
    other = torch.tensor([3, -4, 2**40 + 1, 255])
    for op, fn in [("bitwiseAnd", torch.bitwise_and), ("bitwiseOr", torch.bitwise_or), ("bitwiseXor", torch.bitwise_xor)]:
        rec.case(op, fn, [big, other], name=f"{op} int64 broadcast")
        rec.case(op, fn, [bools, torch.tensor([[True], [False]])], name=f"{op} bool")
        rec.case(op, fn, [bools, torch.tensor([2, 3, 4])], name=f"{op} bool and int64")
        rec.case(op, lambda x, other: fn(x, other), [big], args={"other": 0x7FFF_FFFF_FFFF_FFF0}, name=f"{op} with an integer")
        rec.case(op, lambda x, other: fn(x, other), [bools], args={"other": True}, name=f"{op} bool with a bool")
        rec.case(op, lambda x, other: fn(x, other), [bools], args={"other": 6}, name=f"{op} bool with an integer")
        rec.case(op, fn, [torch.tensor([1.0, 2.0]), torch.tensor([1, 2])], name=f"{op} float refused")
        rec.case(op, fn, [torch.zeros(0, 4, dtype=I64), other], name=f"{op} zero-sized")
    rec.case("bitwiseNot", torch.bitwise_not, [big])
    rec.case("bitwiseNot", torch.bitwise_not, [bools])
    rec.case("bitwiseNot", torch.bitwise_not, [torch.tensor([1.5])], name="bitwiseNot float refused")

    values = torch.tensor([[1, -1, 5, -5, 2**62, -(2**63)]])
    counts = torch.tensor([[0], [1], [3], [63], [64], [100], [-1], [-70]])
    for op, fn in [("bitwiseLeftShift", torch.bitwise_left_shift), ("bitwiseRightShift", torch.bitwise_right_shift)]:
        rec.case(op, fn, [values, counts], name=f"{op} counts in and out of range")
        rec.case(op, lambda x, other: fn(x, other), [values], args={"other": 3}, name=f"{op} by an integer")
        rec.case(op, lambda y, input: fn(input, y), [torch.tensor([0, 1, 2, 65])], args={"input": -3}, name=f"{op} of an integer")
        rec.case(op, fn, [bools, torch.tensor([1, 1, 1])], name=f"{op} bool and int64")
        rec.case(op, fn, [bools, bools], name=f"{op} bool refused")
        rec.case(op, fn, [torch.tensor([1.0]), torch.tensor([1])], name=f"{op} float refused")
