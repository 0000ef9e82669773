"""3-D convolutions and transposed convolutions: conv3d, conv_transpose3d and conv_transpose1d with
stride, padding (integers, triples, 'same', 'valid'), dilation, groups and output_padding; batched
and unbatched inputs, zero batches and zero channels, float16/bfloat16 computed in float32, the
calls PyTorch refuses, and small float64 cases for gradcheck.

Arguments are PyTorch's keyword names (stride, padding, dilation, groups, output_padding); the
Swift entries (Tests/ApusTests/OpInfo/OpInfo+Conv3d.swift) read them by these names."""
import torch
import torch.nn.functional as F

SEED = 3303

# float32 sums of a few hundred products: PyTorch's summation order differs from Apus's.
F32 = dict(atol=2e-5)


def conv3d(x, w, b, **kw):
    return F.conv3d(x, w, b, **kw)


def conv_transpose3d(x, w, b, **kw):
    return F.conv_transpose3d(x, w, b, **kw)


def conv_transpose1d(x, w, b, **kw):
    return F.conv_transpose1d(x, w, b, **kw)


def build(rec):
    f32, f64 = torch.float32, torch.float64

    # ------------------------------------------------------------ conv3d, float32
    def c3(xs, ws, bias=True, dtype=f32, name=None, **args):
        x = rec.randn(*xs, dtype=dtype)
        w = rec.randn(*ws, dtype=dtype)
        b = rec.randn(ws[0], dtype=dtype) if bias else None
        tol = F32 if dtype == f32 else {}
        rec.case("conv3d", conv3d, [x, w, b], args=args, name=name, **tol)

    c3([2, 2, 3, 3, 4], [3, 2, 2, 2, 2])
    c3([1, 1, 5, 5, 5], [2, 1, 3, 3, 3], stride=2, padding=1)
    c3([1, 2, 4, 4, 5], [2, 2, 2, 2, 2], stride=[1, 2, 3], padding=[0, 1, 1], dilation=[2, 1, 1])
    c3([1, 1, 4, 4, 4], [1, 1, 2, 2, 2], dilation=2, padding=1)
    c3([1, 4, 3, 3, 3], [4, 2, 2, 1, 2], groups=2)
    c3([1, 3, 3, 3, 4], [3, 1, 2, 2, 2], groups=3)
    c3([1, 2, 3, 4, 5], [2, 2, 2, 3, 2], padding="same", dilation=[1, 2, 1])
    c3([1, 2, 3, 3, 4], [2, 2, 2, 2, 2], padding="valid")
    c3([1, 2, 3, 3, 3], [2, 2, 2, 2, 2], bias=False, padding=[1, 0, 1])
    c3([2, 3, 3, 4], [2, 2, 2, 2, 2], name="conv3d unbatched [C, D, H, W]")
    c3([2, 3, 3, 3], [2, 2, 3, 3, 3], padding="same", name="conv3d unbatched, padding same")
    c3([0, 3, 4, 4, 4], [2, 3, 2, 2, 2], name="conv3d zero batch")
    c3([2, 3, 1, 1, 1], [5, 3, 1, 1, 1], name="conv3d 1×1×1 on 1×1×1 volumes")
    c3([2, 4, 2, 3, 3], [3, 4, 1, 1, 1], name="conv3d pointwise")
    c3([1, 1, 1, 3, 40], [2, 1, 1, 2, 3], stride=[1, 2, 3], padding=[0, 1, 4], name="conv3d wide rows, strided columns")

    # ------------------------------------------------------------ conv3d, float64 (gradcheck)
    c3([1, 2, 3, 3, 3], [2, 2, 2, 2, 2], dtype=f64, name="conv3d float64 small")
    c3([1, 2, 4, 3, 3], [2, 2, 2, 2, 1], dtype=f64, stride=[2, 1, 2], padding=[1, 0, 1], name="conv3d float64 stride and padding")
    c3([1, 2, 5, 3, 3], [2, 2, 2, 2, 2], dtype=f64, dilation=[2, 1, 1], padding=[0, 1, 0], name="conv3d float64 dilation")
    c3([1, 4, 2, 3, 3], [4, 2, 1, 2, 2], dtype=f64, groups=2, name="conv3d float64 groups")
    c3([1, 2, 3, 3, 2], [2, 2, 2, 2, 2], dtype=f64, padding="same", name="conv3d float64 padding same")
    c3([2, 3, 3, 3], [2, 2, 2, 2, 2], dtype=f64, name="conv3d float64 unbatched")
    # Larger float64 cases (not gradchecked: too many elements).
    x, w, b = rec.randn(1, 2, 3, 4, 5), rec.randn(2, 2, 3, 3, 3), rec.randn(2)
    rec.case("conv3d", conv3d, [x, w, b], args={"stride": [1, 2, 1], "padding": 1}, gradcheck=False,
             name="conv3d float64 larger, stride and padding")

    # ------------------------------------------------------------ conv3d, half precision (computed in float32)
    for dtype, tol in [(torch.float16, dict(rtol=2e-3, atol=2e-3)), (torch.bfloat16, dict(rtol=1.6e-2, atol=1e-2))]:
        x, w, b = rec.randn(1, 2, 3, 3, 3, dtype=dtype), rec.randn(2, 2, 2, 2, 2, dtype=dtype), rec.randn(2, dtype=dtype)
        rec.case("conv3d", conv3d, [x, w, b], args={"padding": 1}, **tol)

    # ------------------------------------------------------------ conv3d, refusals
    def refuse(xs, ws, bs=None, name=None, **args):
        x, w = rec.randn(*xs, dtype=f32), rec.randn(*ws, dtype=f32)
        b = rec.randn(*bs, dtype=f32) if bs else None
        rec.case("conv3d", conv3d, [x, w, b], args=args, name=name)

    refuse([1, 4, 2, 2, 2], [2, 3, 1, 1, 1], name="conv3d refuses a weight for 3 channels on 4")
    refuse([1, 4, 2, 2, 2], [6, 2, 1, 1, 1], groups=3, name="conv3d refuses groups that do not divide the channels")
    refuse([1, 4, 2, 2, 2], [5, 2, 1, 1, 1], groups=2, name="conv3d refuses groups that do not divide the output channels")
    refuse([1, 1, 2, 3, 3], [1, 1, 3, 3, 3], name="conv3d refuses a kernel deeper than the input")
    refuse([1, 1, 3, 3, 3], [1, 1, 2, 2, 2], dilation=3, name="conv3d refuses a dilated kernel larger than the input")
    refuse([1, 1, 3, 3, 3], [1, 1, 2, 2, 2], stride=2, padding="same", name="conv3d refuses padding same with stride 2")
    refuse([1, 1, 3, 3, 3], [1, 1, 2, 2, 2], padding=-1, name="conv3d refuses negative padding")
    refuse([1, 1, 3, 3, 3], [1, 1, 2, 2, 2], stride=0, name="conv3d refuses stride 0")
    refuse([1, 1, 3, 3, 3], [2, 1, 2, 2, 2], bs=[3], name="conv3d refuses a bias of the wrong size")
    refuse([2, 3, 3], [2, 2, 2, 2, 2], name="conv3d refuses a 3-d input")
    refuse([1, 2, 0, 3, 3], [2, 2, 1, 1, 1], padding=1, name="conv3d refuses an empty depth")

    # ------------------------------------------------------------ conv_transpose3d
    def t3(xs, ws, bias=True, dtype=f32, name=None, **args):
        x = rec.randn(*xs, dtype=dtype)
        w = rec.randn(*ws, dtype=dtype)
        b = rec.randn(ws[1] * args.get("groups", 1), dtype=dtype) if bias else None
        tol = F32 if dtype == f32 else {}
        rec.case("convTranspose3d", conv_transpose3d, [x, w, b], args=args, name=name, **tol)

    t3([2, 2, 2, 2, 3], [2, 2, 2, 2, 2])
    t3([1, 2, 2, 2, 3], [2, 2, 2, 2, 2], stride=2, padding=1, output_padding=1)
    t3([1, 2, 2, 2, 2], [2, 1, 2, 3, 2], stride=[1, 2, 3], padding=[0, 1, 1], output_padding=[0, 1, 2])
    t3([1, 2, 2, 2, 2], [2, 1, 2, 2, 2], dilation=[2, 1, 2], output_padding=[1, 0, 1], name="convTranspose3d output padding from the dilation")
    t3([1, 4, 2, 2, 2], [4, 1, 2, 2, 2], groups=2, stride=2)
    t3([1, 2, 2, 3, 3], [2, 2, 2, 2, 2], bias=False, padding=[1, 0, 1])
    t3([2, 2, 2, 3], [2, 2, 2, 2, 2], stride=2, name="convTranspose3d unbatched")
    t3([0, 2, 3, 3, 3], [2, 2, 2, 2, 2], name="convTranspose3d zero batch")
    t3([1, 2, 2, 2, 3], [2, 2, 2, 2, 2], dtype=f64, name="convTranspose3d float64 small")
    t3([1, 2, 2, 2, 2], [2, 1, 2, 2, 3], dtype=f64, stride=[2, 1, 2], padding=[0, 0, 1], output_padding=[1, 0, 0],
       name="convTranspose3d float64 stride, padding, output padding")
    t3([1, 2, 2, 2, 2], [2, 1, 2, 1, 2], dtype=f64, groups=2, dilation=[1, 1, 2], name="convTranspose3d float64 groups and dilation")
    t3([2, 2, 2, 2], [2, 2, 2, 2, 2], dtype=f64, stride=2, name="convTranspose3d float64 unbatched")
    for dtype, tol in [(torch.float16, dict(rtol=2e-3, atol=2e-3)), (torch.bfloat16, dict(rtol=1.6e-2, atol=1e-2))]:
        x, w, b = rec.randn(1, 2, 2, 2, 2, dtype=dtype), rec.randn(2, 2, 2, 2, 2, dtype=dtype), rec.randn(2, dtype=dtype)
        rec.case("convTranspose3d", conv_transpose3d, [x, w, b], args={"stride": 2}, **tol)

    def refuse_t3(xs, ws, bs=None, name=None, **args):
        x, w = rec.randn(*xs, dtype=f32), rec.randn(*ws, dtype=f32)
        b = rec.randn(*bs, dtype=f32) if bs else None
        rec.case("convTranspose3d", conv_transpose3d, [x, w, b], args=args, name=name)

    refuse_t3([1, 2, 2, 2, 2], [2, 1, 2, 2, 2], stride=2, output_padding=2,
              name="convTranspose3d refuses an output padding as large as the stride")
    refuse_t3([1, 3, 2, 2, 2], [4, 2, 1, 1, 1], name="convTranspose3d refuses a weight for 4 channels on 3")
    refuse_t3([1, 4, 2, 2, 2], [4, 2, 1, 1, 1], groups=3, name="convTranspose3d refuses groups that do not divide the channels")
    refuse_t3([1, 4, 1, 1, 1], [4, 2, 1, 1, 1], padding=1, name="convTranspose3d refuses an empty output")
    refuse_t3([1, 2, 2, 2, 2], [2, 2, 1, 1, 1], bs=[4], name="convTranspose3d refuses a bias of the wrong size")
    refuse_t3([1, 2, 2, 2, 2], [2, 2, 1, 1, 1], padding=-1, name="convTranspose3d refuses negative padding")

    # ------------------------------------------------------------ conv_transpose1d
    def t1(xs, ws, bias=True, dtype=f32, name=None, **args):
        x = rec.randn(*xs, dtype=dtype)
        w = rec.randn(*ws, dtype=dtype)
        b = rec.randn(ws[1] * args.get("groups", 1), dtype=dtype) if bias else None
        tol = F32 if dtype == f32 else {}
        rec.case("convTranspose1d", conv_transpose1d, [x, w, b], args=args, name=name, **tol)

    t1([2, 4, 7], [4, 3, 3])
    t1([2, 4, 7], [4, 3, 3], stride=3, padding=1, output_padding=2)
    t1([2, 4, 6], [4, 2, 4], groups=2, stride=2, padding=1)
    t1([1, 3, 5], [3, 2, 3], dilation=3, output_padding=2, name="convTranspose1d output padding from the dilation")
    t1([2, 4, 7], [4, 3, 3], bias=False, padding=2)
    t1([4, 7], [4, 3, 3], stride=2, name="convTranspose1d unbatched")
    t1([0, 4, 7], [4, 3, 3], name="convTranspose1d zero batch")
    t1([1, 2, 7], [2, 8, 5], padding=2, name="convTranspose1d 8 output channels, stride 1")
    t1([1, 2, 4], [2, 2, 3], dtype=f64, name="convTranspose1d float64 small")
    t1([1, 2, 4], [2, 1, 3], dtype=f64, stride=2, padding=1, output_padding=1, groups=2, name="convTranspose1d float64 options")
    t1([3, 4], [3, 2, 2], dtype=f64, dilation=2, name="convTranspose1d float64 unbatched")
    x, w, b = rec.randn(1, 3, 6, dtype=torch.float16), rec.randn(3, 2, 3, dtype=torch.float16), rec.randn(2, dtype=torch.float16)
    rec.case("convTranspose1d", conv_transpose1d, [x, w, b], args={"stride": 2}, rtol=2e-3, atol=2e-3)

    def refuse_t1(xs, ws, bs=None, name=None, **args):
        x, w = rec.randn(*xs, dtype=f32), rec.randn(*ws, dtype=f32)
        b = rec.randn(*bs, dtype=f32) if bs else None
        rec.case("convTranspose1d", conv_transpose1d, [x, w, b], args=args, name=name)

    refuse_t1([1, 4, 5], [4, 2, 3], stride=2, output_padding=2, name="convTranspose1d refuses an output padding as large as the stride")
    refuse_t1([1, 3, 5], [4, 2, 3], name="convTranspose1d refuses a weight for 4 channels on 3")
    refuse_t1([1, 4, 5], [4, 2, 3], groups=3, name="convTranspose1d refuses groups that do not divide the channels")
    refuse_t1([1, 4, 0], [4, 2, 3], name="convTranspose1d refuses an empty length")
    refuse_t1([1, 4, 1], [4, 2, 1], padding=1, name="convTranspose1d refuses an empty output")
