"""Dtypes: conversions between all ten dtypes (rounding, wrapping, saturation, NaN and infinity as
PyTorch converts on x86-64), PyTorch's type promotion (tensors with dimensions, 0-d tensors and
Python numbers), integer arithmetic that wraps, true, floor and truncating division, and
float16/bfloat16 arithmetic, reductions and products computed in float32.

Op names carry the prefix `dtypes.`: these cases test dtype behaviour of ops that other families
test for their values and gradients."""
import torch

SEED = 2312079

ALL = [torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64,
       torch.float16, torch.bfloat16, torch.float32, torch.float64]
NAMES = {torch.bool: "bool", torch.uint8: "uint8", torch.int8: "int8", torch.int16: "int16", torch.int32: "int32",
         torch.int64: "int64", torch.float16: "float16", torch.bfloat16: "bfloat16", torch.float32: "float32",
         torch.float64: "float64"}
INTS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]


def build(rec):
    # ------------------------------------------------------------ conversions
    floats = torch.tensor([0.0, -0.0, 0.4, 0.5, 1.5, 2.5, -0.5, -1.5, 127.9, -128.9, 255.7, 256.0, 300.5, -300.5,
                           65504.0, 65519.0, 65520.0, 70000.0, 1e-8, 3e-8, 6e-5, 1.0039062, 1.01171875,
                           3.3895e38, 2.0 ** 31, -2.0 ** 31, 2.0 ** 40, 1e10, -1e10, 2.0 ** 63, 1e30,
                           float("inf"), float("-inf"), float("nan")], dtype=torch.float64)
    ints = torch.tensor([0, 1, -1, 127, 128, -128, -129, 255, 256, 300, -300, 32767, 32768, -32769, 65535,
                         2 ** 31 - 1, 2 ** 31, -2 ** 31 - 1, 2 ** 53 + 1, 2 ** 62, 2 ** 63 - 1, -2 ** 63], dtype=torch.int64)
    for source in ALL:
        if source.is_floating_point:
            x = floats.to(source) if source == torch.float64 else floats.to(torch.float32).to(source)
        elif source == torch.bool:
            x = torch.tensor([True, False, True])
        else:
            x = ints.to(source)
        for target in ALL:
            if target == source:
                continue
            rec.case("dtypes.cast", lambda x, dtype: x.to(getattr(torch, dtype)), [x], args={"dtype": NAMES[target]}, grad=[],
                     name=f"cast {NAMES[source]} to {NAMES[target]}")
    # float64 → half precision goes through float32 in PyTorch (double rounding).
    rec.case("dtypes.cast", lambda x, dtype: x.to(getattr(torch, dtype)),
             [torch.tensor([1.0 + 2 ** -11 + 2 ** -40, 1.0 + 2 ** -11 - 2 ** -40, 1.0 + 2 ** -8 + 2 ** -30], dtype=torch.float64)],
             args={"dtype": "float16"}, grad=[], name="cast float64 to float16 near ties")
    rec.case("dtypes.cast", lambda x, dtype: x.to(getattr(torch, dtype)),
             [torch.tensor([1.0 + 2 ** -8 + 2 ** -40, 1.0 + 2 ** -8 - 2 ** -40], dtype=torch.float64)],
             args={"dtype": "bfloat16"}, grad=[], name="cast float64 to bfloat16 near ties")

    # ------------------------------------------------------------ type promotion
    def sample(dtype, shape):
        if dtype == torch.bool:
            return torch.tensor([True, False, True])[: (shape[0] if shape else 1)].reshape(shape)
        if dtype.is_floating_point:
            return (rec.randn(*shape, dtype=torch.float32) * 3).to(dtype)
        return rec.randint(0, 100, *shape).to(dtype)

    for a in ALL:
        for b in ALL:
            rec.case("dtypes.add", torch.add, [sample(a, [3]), sample(b, [3])], grad=[], name=f"add {NAMES[a]} {NAMES[b]}")
            rec.case("dtypes.add", torch.add, [sample(a, [3]), sample(b, [])], grad=[], name=f"add {NAMES[a]} and 0-d {NAMES[b]}")
    for a in ALL:
        for number, kind in [(2, "int"), (2.5, "float"), (True, "bool")]:
            rec.case("dtypes.addNumber", lambda x, number, kind: x + number, [sample(a, [3])], args={"number": number, "kind": kind},
                     grad=[], name=f"{NAMES[a]} + {kind} {number}")
        rec.case("dtypes.multiplyNumber", lambda x, number, kind: x * number, [sample(a, [3])], args={"number": 3.0, "kind": "float"},
                 grad=[], name=f"{NAMES[a]} * float 3.0")
    for a in INTS:
        rec.case("dtypes.addNumber", lambda x, number, kind: x + number, [torch.tensor([1, 100, 0]).to(a)],
                 args={"number": 1000, "kind": "int"}, grad=[], name=f"{NAMES[a]} + int 1000 (the number wraps to the dtype)")
        rec.case("dtypes.lessThanNumber", lambda x, number, kind: x < number, [torch.tensor([1, 100, 0]).to(a)],
                 args={"number": 200, "kind": "int"}, grad=[], name=f"{NAMES[a]} < int 200")
        rec.case("dtypes.lessThanNumber", lambda x, number, kind: x < number, [torch.tensor([1, 100, 0]).to(a)],
                 args={"number": 2.5, "kind": "float"}, grad=[], name=f"{NAMES[a]} < float 2.5")

    # ------------------------------------------------------------ integer arithmetic wraps
    extremes = {torch.uint8: [0, 1, 200, 255], torch.int8: [-128, -1, 100, 127], torch.int16: [-32768, -1, 30000, 32767],
                torch.int32: [-2 ** 31, -1, 2 ** 30, 2 ** 31 - 1], torch.int64: [-2 ** 63, -1, 2 ** 62, 2 ** 63 - 1]}
    for a in INTS:
        x = torch.tensor(extremes[a], dtype=a)
        y = torch.tensor([1, 2, 3, 2], dtype=a) if a == torch.uint8 else torch.tensor([-1, 2, 3, 2], dtype=a)
        for op, fn in [("add", torch.add), ("subtract", torch.sub), ("multiply", torch.mul), ("neg", lambda x: -x)]:
            inputs = [x] if op == "neg" else [x, y]
            rec.case("dtypes." + op, fn, inputs, grad=[], name=f"{op} {NAMES[a]} wraps")
        rec.case("dtypes.sum", lambda x: x.sum(), [x], grad=[], name=f"sum {NAMES[a]} to int64")

    # ------------------------------------------------------------ division
    num = torch.tensor([7, -7, 7, -7, 0, 5, -9, 9], dtype=torch.int64)
    den = torch.tensor([2, 2, -2, -2, 3, 5, 4, -4], dtype=torch.int64)
    for dtype in [torch.int64, torch.int32, torch.int8, torch.uint8, torch.float32, torch.float64]:
        n = num.abs().to(dtype) if dtype == torch.uint8 else num.to(dtype)
        d = den.abs().to(dtype) if dtype == torch.uint8 else den.to(dtype)
        rec.case("dtypes.divide", torch.div, [n, d], grad=[], name=f"divide {NAMES[dtype]} true")
        for mode in ["floor", "trunc"]:
            rec.case("dtypes.divideRounding", lambda a, b, mode: torch.div(a, b, rounding_mode=mode), [n, d], args={"mode": mode},
                     grad=[], name=f"divide {NAMES[dtype]} rounding {mode}")
        rec.case("dtypes.floorDivide", torch.floor_divide, [n, d], grad=[], name=f"floorDivide {NAMES[dtype]}")
    zdiv = torch.tensor([1.0, -1.0, 0.0, 5.5], dtype=torch.float32)
    zden = torch.tensor([0.0, 0.0, 0.0, -0.0], dtype=torch.float32)
    for mode in ["floor", "trunc"]:
        rec.case("dtypes.divideRounding", lambda a, b, mode: torch.div(a, b, rounding_mode=mode), [zdiv, zden], args={"mode": mode},
                 grad=[], name=f"divide float32 by zero rounding {mode}")
    rec.case("dtypes.floorDivide", torch.floor_divide, [torch.tensor([5, 1]), torch.tensor([0, 1])], grad=[],
             name="floorDivide int64 by zero")
    rec.case("dtypes.divideRounding", lambda a, b, mode: torch.div(a, b, rounding_mode=mode),
             [torch.tensor([5, 1]), torch.tensor([0, 1])], args={"mode": "trunc"}, grad=[], name="divide int64 by zero rounding trunc")
    x = rec.randn(3, 4)
    y = rec.rand(4, low=0.5, high=2.0) * torch.tensor([1.0, -1.0, 1.0, -1.0], dtype=torch.float64)
    rec.case("dtypes.divideRounding", lambda a, b, mode: torch.div(a, b, rounding_mode=mode), [x * 5, y], args={"mode": "floor"},
             broadcast=True, name="divide float64 rounding floor broadcast")

    # ------------------------------------------------------------ half precision computes in float32
    for dtype in [torch.float16, torch.bfloat16]:
        a = rec.randn(4, 5, dtype=torch.float32).to(dtype)
        b = rec.randn(4, 5, dtype=torch.float32).to(dtype)
        for op, fn in [("add", torch.add), ("subtract", torch.sub), ("multiply", torch.mul), ("divide", torch.div),
                       ("maximum", torch.maximum)]:
            rec.case("dtypes." + op, fn, [a, b], grad=[], name=f"{op} {NAMES[dtype]}")
        for op, fn in [("exp", torch.exp), ("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu),
                       ("sqrt", lambda x: torch.sqrt(x.abs())), ("neg", torch.neg)]:
            rec.case("dtypes." + op, fn, [a], grad=[], name=f"{op} {NAMES[dtype]}")
        rec.case("dtypes.sum", lambda x: x.sum(), [a], grad=[], name=f"sum {NAMES[dtype]}")
        rec.case("dtypes.sumAxis", lambda x, axis: x.sum(axis), [a], args={"axis": 1}, grad=[], name=f"sum axis 1 {NAMES[dtype]}")
        rec.case("dtypes.mean", lambda x: x.mean(), [a], grad=[], name=f"mean {NAMES[dtype]}")
        rec.case("dtypes.max", lambda x: x.max(), [a], grad=[], name=f"max {NAMES[dtype]}")
        rec.case("dtypes.argmax", lambda x: x.argmax(), [a], grad=[], name=f"argmax {NAMES[dtype]}")
        rec.case("dtypes.matmul", torch.matmul, [a, b.T.contiguous()], grad=[], name=f"matmul {NAMES[dtype]}", rtol=2e-2, atol=2e-2)
        rec.case("dtypes.softmax", lambda x: torch.softmax(x, dim=-1), [a], grad=[], name=f"softmax {NAMES[dtype]}")
        rec.case("dtypes.lessThan", lambda x, y: x < y, [a, b], grad=[], name=f"lessThan {NAMES[dtype]}")
        rec.case("dtypes.where", lambda c, x, y: torch.where(c, x, y), [a > 0, a, b], grad=[], name=f"where {NAMES[dtype]}")
        rec.case("dtypes.addNumber", lambda x, number, kind: x + number, [a], args={"number": 0.1, "kind": "float"}, grad=[],
                 name=f"{NAMES[dtype]} + float 0.1")
        # Gradients flow through half precision as PyTorch's do (computed in float32, rounded to the dtype).
        rec.case("dtypes.multiply", torch.mul, [a, b], grad=[0, 1], gradcheck=False, name=f"multiply {NAMES[dtype]} with gradients")

    # ------------------------------------------------------------ bool arithmetic
    p = torch.tensor([True, True, False, False])
    q = torch.tensor([True, False, True, False])
    for op, fn in [("add", torch.add), ("multiply", torch.mul), ("maximum", torch.maximum), ("minimum", torch.minimum),
                   ("subtract", torch.sub)]:
        rec.case("dtypes." + op, fn, [p, q], grad=[], name=f"{op} bool")
