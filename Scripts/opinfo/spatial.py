"""Padding and spatial ops: pad (constant, reflect, replicate, circular) and the padding layers,
interpolate (nearest, nearest-exact, linear, bilinear, bicubic, trilinear, area; antialiasing)
and nn.Upsample, grid_sample (2-d and 3-d) and affine_grid."""
import torch
import torch.nn.functional as F

SEED = 2407061


def pad_fn(x, padding, mode="constant", value=None):
    # Non-finite values travel as the strings "nan", "inf" (JSON has no such numbers).
    return F.pad(x, padding, mode=mode, value=float(value) if isinstance(value, str) else value)


def interpolate_fn(x, **kw):
    return F.interpolate(x, **kw)


def grid_sample_fn(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False):
    return F.grid_sample(x, grid, mode=mode, padding_mode=padding_mode, align_corners=align_corners)


def affine_grid_fn(theta, size, align_corners=False):
    return F.affine_grid(theta, size, align_corners=align_corners)


MODULES = {
    "ZeroPad1d": torch.nn.ZeroPad1d, "ZeroPad2d": torch.nn.ZeroPad2d, "ZeroPad3d": torch.nn.ZeroPad3d,
    "ConstantPad1d": torch.nn.ConstantPad1d, "ConstantPad2d": torch.nn.ConstantPad2d, "ConstantPad3d": torch.nn.ConstantPad3d,
    "ReflectionPad1d": torch.nn.ReflectionPad1d, "ReflectionPad2d": torch.nn.ReflectionPad2d,
    "ReflectionPad3d": torch.nn.ReflectionPad3d,
    "ReplicationPad1d": torch.nn.ReplicationPad1d, "ReplicationPad2d": torch.nn.ReplicationPad2d,
    "ReplicationPad3d": torch.nn.ReplicationPad3d,
    "CircularPad1d": torch.nn.CircularPad1d, "CircularPad2d": torch.nn.CircularPad2d, "CircularPad3d": torch.nn.CircularPad3d,
}


def pad_module_fn(x, layer, padding, value=None):
    cls = MODULES[layer]
    return (cls(padding, value) if value is not None else cls(padding))(x)


def upsample_module_fn(x, **kw):
    return torch.nn.Upsample(**kw)(x)


def build(rec):
    build_pad(rec)
    build_interpolate(rec)
    build_grid_sample(rec)
    build_affine_grid(rec)


def build_pad(rec):
    def case(x, padding, name=None, **kw):
        rec.case("pad", pad_fn, [x], args=dict(padding=padding, **kw), name=name)

    # constant: any number of trailing dimensions, negative amounts crop
    case(rec.randn(2, 2, 3), [1, 2])
    case(rec.randn(2, 2, 3), [1, 2, 0, 1], value=1.5)
    case(rec.randn(2, 2, 2), [1, 0, 0, 1, 1, 1], value=-2.0)
    case(rec.randn(2, 3), [1, 1, 2, 0], name="pad constant every dimension")
    case(rec.randn(2, 3, 4), [-1, 2, 1, -1])
    case(rec.randn(2, 3, 4), [-1, -2], name="pad constant cropping only")
    case(rec.randn(2, 3, 4), [0, 0], name="pad constant zeros")
    case(rec.randn(2, 3, 4), [], name="pad constant empty padding")
    case(rec.randn(1, 1, 3, 4, dtype=torch.float32), [1, 2, 3, 0], value=0.25)
    case(rec.randn(7, dtype=torch.float32), [2, 3], name="pad constant 1-d input")
    case(rec.randint(-5, 5, 2, 3), [1, 1], value=2.7, name="pad constant int64 value truncates")
    case(rec.randint(-5, 5, 2, 3), [2, 0], value=-2.7, name="pad constant int64 negative value")
    case(rec.randint(0, 2, 2, 3) > 0, [1, 1], value=0.5, name="pad constant bool")
    case(rec.randn(2, 3, dtype=torch.float32), [1, 1], value="nan", name="pad constant nan value")
    case(rec.randn(0, 3, 4), [1, 1], name="pad constant empty batch")
    case(rec.randn(2, 0, 3), [1, 1, 1, 1], name="pad constant zero-sized padded dimension")
    case(rec.randn(2, 3, 4), [-4, 0], name="pad constant cropped to nothing")
    case(rec.randn(2, 3, 4), [-3, -2], name="pad constant cropping too much")
    case(rec.randn(2, 3, 4), [1, 2, 3], name="pad odd length")
    case(rec.randn(2, 3), [1, 1, 1, 1, 1, 1], name="pad too long")
    case(rec.randint(0, 3, 2, 3), [1, 1], value="inf", name="pad constant int64 infinite value")

    # reflect, replicate, circular: 1-d, 2-d, 3-d, batched or not
    for mode in ("reflect", "replicate", "circular"):
        def mcase(x, padding, name=None):
            rec.case("pad", pad_fn, [x], args=dict(padding=padding, mode=mode),
                     name=None if name is None else f"pad {mode} {name}")
        mcase(rec.randn(1, 2, 4), [2, 3])
        mcase(rec.randn(2, 4), [3, 1], name="1-d unbatched")
        mcase(rec.randn(1, 1, 4, 5), [1, 2, 3, 1])
        mcase(rec.randn(2, 3, 3), [2, 0, 1, 1], name="2-d unbatched")
        mcase(rec.randn(1, 1, 2, 2, 3), [1, 2, 1, 1, 1, 0])
        mcase(rec.randn(1, 2, 2, 3), [0, 1, 1, 0, 1, 0], name="3-d unbatched")
        mcase(rec.randn(1, 1, 4, 5), [-1, 2, 1, -1], name="negative")
        mcase(rec.randn(1, 1, 3, 4, dtype=torch.float32), [3, 2, 1, 2], name="float32")
        mcase(rec.randn(0, 2, 3, 4), [1, 1, 1, 1], name="empty batch")
        mcase(rec.randn(2, 0, 3, 4), [1, 1, 1, 1], name="zero channels")
        mcase(rec.randn(1, 1, 3, 4), [1, 1], name="1-d padding of a 4-d input")
        mcase(rec.randn(2, 3), [1, 1, 1, 1], name="2-d padding of a 2-d input")
        mcase(rec.randn(3), [1, 1], name="1-d input")
        mcase(rec.randn(1, 1, 3, 4), [0, 4, 0, 0], name="padding as large as the width")
        mcase(rec.randn(1, 1, 3, 4), [0, 0, 3, 0], name="padding as large as the height")
        mcase(rec.randn(1, 1, 3, 4), [5, 0, 0, 0], name="padding larger than the width")
        mcase(rec.randn(1, 1, 3, 4), [-2, -2, 0, 0], name="cropped to nothing")
        mcase(rec.randn(1, 1, 3, 4), [-3, -2, 0, 0], name="cropped below nothing")
        mcase(rec.randint(-5, 5, 1, 2, 4), [2, 1], name="int64")
        mcase(rec.randint(0, 2, 1, 2, 5) > 0, [1, 1], name="bool")
    rec.case("pad", pad_fn, [rec.randn(1, 1, 3)], args=dict(padding=[-1, 1], mode="circular"),
             name="pad circular crop then wrap")
    rec.case("pad", pad_fn, [rec.randn(1, 1, 3, 4)], args=dict(padding=[1, -1, -1, 2], mode="circular"),
             name="pad circular crop then wrap 2-d")
    rec.case("pad", pad_fn, [rec.randn(1, 1, 3)], args=dict(padding=[-2, 2], mode="circular"),
             name="pad circular wrap beyond what cropping leaves")
    rec.case("pad", pad_fn, [rec.randn(2, 3, 4, 0)], args=dict(padding=[0, 0, 1, 1], mode="circular"),
             name="pad circular zero-sized dimension")
    rec.case("pad", pad_fn, [rec.randn(1, 1, 2, 4)], args=dict(padding=[0, 0, 3, 2], mode="replicate"),
             name="pad replicate beyond the height")

    # the layers
    for layer, x, padding, value in [
        ("ZeroPad1d", rec.randn(1, 2, 4), 2, None),
        ("ZeroPad2d", rec.randn(1, 1, 3, 3), [1, 0, 2, 1], None),
        ("ZeroPad3d", rec.randn(1, 1, 2, 2, 2), 1, None),
        ("ConstantPad1d", rec.randn(2, 4), [1, 2], 3.5),
        ("ConstantPad2d", rec.randn(1, 3, 3), 1, -1.0),
        ("ConstantPad3d", rec.randn(1, 2, 2, 2), [0, 1, 1, 0, 1, 1], 0.5),
        ("ReflectionPad1d", rec.randn(1, 2, 4), [3, 1], None),
        ("ReflectionPad2d", rec.randn(1, 1, 3, 4), 2, None),
        ("ReflectionPad3d", rec.randn(1, 1, 2, 2, 3), 1, None),
        ("ReplicationPad1d", rec.randn(1, 2, 3), [4, 0], None),
        ("ReplicationPad2d", rec.randn(1, 3, 3), [1, 2, 0, 3], None),
        ("ReplicationPad3d", rec.randn(1, 1, 2, 2, 2), [1, 0, 1, 0, 0, 1], None),
        ("CircularPad1d", rec.randn(1, 2, 4), [4, 2], None),
        ("CircularPad2d", rec.randn(1, 1, 3, 3), 1, None),
        ("CircularPad3d", rec.randn(1, 1, 2, 2, 3), [1, 1, 0, 2, 1, 0], None),
    ]:
        args = dict(layer=layer, padding=padding)
        if value is not None:
            args["value"] = value
        rec.case("pad_layer", pad_module_fn, [x], args=args)


def build_interpolate(rec):
    def case(x, name=None, grad=None, **kw):
        rec.case("interpolate", interpolate_fn, [x], args=kw, name=name, grad=grad)

    # nearest and nearest-exact: 1-d, 2-d, 3-d, sizes and scale factors, up and down
    for mode in ("nearest", "nearest-exact"):
        case(rec.randn(1, 1, 3, 4), size=[5, 7], mode=mode)
        case(rec.randn(1, 1, 3, 3), scale_factor=1.5, mode=mode)
        case(rec.randn(1, 1, 3, 4), scale_factor=2.0, mode=mode)
        case(rec.randn(1, 1, 5, 6), size=[2, 3], mode=mode)
        case(rec.randn(2, 2, 5), size=8, mode=mode)
        case(rec.randn(1, 2, 7), scale_factor=0.6, mode=mode)
        case(rec.randn(1, 1, 2, 3, 2), size=[3, 2, 4], mode=mode)
        case(rec.randn(1, 1, 2, 3, 4), scale_factor=[1.5, 1.0, 0.5], mode=mode)
        case(rec.randn(1, 1, 4, 5), scale_factor=[1.01, 0.99], mode=mode)
        case(rec.randint(-16, 16, 1, 1, 9, 13, dtype=torch.float32) / 8, scale_factor=1.7, mode=mode, grad=[],
             name=f"interpolate {mode} float32 9x13 scale 1.7")
        case(rec.randn(1, 1, 5, 7, dtype=torch.float32), size=[11, 3], mode=mode,
             name=f"interpolate {mode} float32 5x7 to 11x3")
        case(rec.randn(1, 1, 6, 7, dtype=torch.float32), scale_factor=[2.9, 0.43], mode=mode,
             name=f"interpolate {mode} float32 scale (2.9, 0.43)")

    # outputs with height + width above 128 take PyTorch's generic kernel (elsewhere its channels-last one)
    for mode in ("nearest", "nearest-exact"):
        case(rec.randint(-8, 8, 1, 1, 2, 100, dtype=torch.float32), size=[3, 127], mode=mode, grad=[],
             name=f"interpolate {mode} float32 output wider than 128")
        case(rec.randint(-8, 8, 1, 1, 3, 101, dtype=torch.float32), scale_factor=[1.01, 1.3], mode=mode,
             name=f"interpolate {mode} float32 scale 1.3 output wider than 128")

    # linear, bilinear, bicubic, trilinear, each with and without aligned corners
    for align in (False, True):
        case(rec.randn(1, 2, 5), size=8, mode="linear", align_corners=align)
        case(rec.randn(2, 1, 6), scale_factor=1.7, mode="linear", align_corners=align)
        case(rec.randn(1, 2, 7), size=3, mode="linear", align_corners=align)
        case(rec.randn(1, 1, 3, 4), size=[5, 7], mode="bilinear", align_corners=align)
        case(rec.randn(1, 1, 6, 7), size=[3, 4], mode="bilinear", align_corners=align)
        case(rec.randn(1, 1, 3, 3), scale_factor=[1.5, 2.5], mode="bilinear", align_corners=align)
        case(rec.randn(1, 1, 5, 6), scale_factor=0.6, mode="bilinear", align_corners=align)
        case(rec.randn(1, 1, 4, 3), size=[1, 5], mode="bilinear", align_corners=align)
        case(rec.randn(1, 1, 3, 4), size=[5, 6], mode="bicubic", align_corners=align)
        case(rec.randn(1, 1, 6, 7), size=[4, 3], mode="bicubic", align_corners=align)
        case(rec.randn(1, 1, 3, 4), scale_factor=1.3, mode="bicubic", align_corners=align)
        case(rec.randn(1, 1, 2, 3, 3), size=[3, 2, 4], mode="trilinear", align_corners=align)
        case(rec.randn(1, 1, 3, 2, 4), scale_factor=[0.7, 1.5, 0.5], mode="trilinear", align_corners=align)
    case(rec.randn(1, 1, 5, 6), scale_factor=0.6, mode="bilinear", recompute_scale_factor=True)
    case(rec.randn(1, 1, 5, 6), scale_factor=0.6, mode="bicubic", recompute_scale_factor=False)
    case(rec.randn(1, 1, 3, 4), size=[3, 7], mode="bilinear", name="interpolate bilinear height unchanged")

    # PyTorch's coordinate mapping on larger float32 images (no gradient, to keep the fixture small)
    case(rec.randint(-16, 16, 1, 1, 17, 23, dtype=torch.float32) / 8, size=[31, 45], mode="bilinear",
         name="interpolate bilinear float32 17x23 to 31x45", grad=[])
    case(rec.randint(-16, 16, 1, 1, 9, 11, dtype=torch.float32) / 8, size=[17, 20], mode="bilinear",
         align_corners=True, name="interpolate bilinear float32 9x11 to 17x20 aligned", grad=[])
    case(rec.randint(-16, 16, 1, 1, 6, 7, dtype=torch.float32) / 8, scale_factor=1.9, mode="bilinear",
         name="interpolate bilinear float32 6x7 scale 1.9", grad=[])
    case(rec.randint(-16, 16, 1, 1, 8, 9, dtype=torch.float32) / 8, size=[13, 15], mode="bicubic",
         name="interpolate bicubic float32 8x9 to 13x15", grad=[])
    case(rec.randint(-16, 16, 1, 1, 23, 19, dtype=torch.float32) / 8, size=[9, 7], mode="bicubic",
         align_corners=True, name="interpolate bicubic float32 23x19 to 9x7 aligned", grad=[])
    case(rec.randint(-16, 16, 1, 1, 2, 5, 4, dtype=torch.float32) / 8, size=[3, 4, 7], mode="trilinear",
         name="interpolate trilinear float32 2x5x4 to 3x4x7", grad=[])
    case(rec.randn(1, 1, 4, 5, dtype=torch.float32), size=[3, 7], mode="bilinear", name="interpolate bilinear float32 with gradient")
    case(rec.randn(1, 1, 7, 6, dtype=torch.float32), size=[9, 4], mode="bicubic", name="interpolate bicubic float32 with gradient")

    # area (adaptive average pooling)
    case(rec.randn(1, 1, 6, 7), size=[4, 3], mode="area")
    case(rec.randn(1, 1, 3, 4), size=[5, 6], mode="area")
    case(rec.randn(1, 2, 7), size=3, mode="area")
    case(rec.randn(1, 1, 3, 4, 3), size=[2, 3, 2], mode="area")
    case(rec.randn(1, 1, 6, 5), scale_factor=0.5, mode="area")
    case(rec.randn(1, 1, 5, 6, dtype=torch.float32), size=1, mode="area")
    case(rec.randn(2, 0, 4, 5), size=[3, 2], mode="area", grad=[], name="interpolate area zero channels")
    case(rec.randn(2, 1, 3, 4), size=[0, 2], mode="area", grad=[], name="interpolate area empty output")
    case(rec.randn(2, 3, 0, 5), size=[3, 2], mode="area", name="interpolate area empty height")

    # antialiased downsampling (torchvision's Resize)
    case(rec.randn(1, 1, 6, 7), size=[3, 4], mode="bilinear", antialias=True)
    case(rec.randn(1, 1, 7, 6), size=[2, 4], mode="bicubic", antialias=True)
    case(rec.randn(1, 1, 5, 6), size=[3, 2], mode="bilinear", antialias=True, align_corners=True)
    case(rec.randn(1, 1, 4, 5), scale_factor=0.4, mode="bicubic", antialias=True)
    case(rec.randn(1, 1, 3, 4), size=[5, 2], mode="bilinear", antialias=True, name="interpolate antialias up and down")
    case(rec.randn(1, 1, 4, 6), size=[4, 3], mode="bicubic", antialias=True, name="interpolate antialias height unchanged")
    case(rec.randn(1, 1, 3, 4), size=[3, 4], mode="bilinear", antialias=True, name="interpolate antialias same size")
    case(rec.randint(-16, 16, 1, 1, 20, 24, dtype=torch.float32) / 8, size=[7, 9], mode="bilinear", antialias=True,
         name="interpolate antialias bilinear float32 20x24 to 7x9", grad=[])
    case(rec.randint(-16, 16, 1, 1, 21, 17, dtype=torch.float32) / 8, size=[6, 10], mode="bicubic", antialias=True,
         name="interpolate antialias bicubic float32 21x17 to 6x10", grad=[])

    # special values: PyTorch's arithmetic even on an unchanged axis (inf · 0 = NaN)
    x = rec.randn(1, 1, 2, 3)
    x[0, 0, 1, 1] = float("inf")
    case(x, size=[2, 5], mode="bilinear", grad=[], name="interpolate bilinear infinity")
    x = rec.randn(1, 1, 3, 3, dtype=torch.float32)
    x[0, 0, 0, 2] = float("nan")
    case(x, size=[5, 4], mode="nearest", grad=[], name="interpolate nearest nan")

    # empty inputs and refusals
    case(rec.randn(0, 2, 3, 4), size=[5, 6], mode="bilinear", name="interpolate bilinear empty batch")
    case(rec.randn(0, 2, 3, 4), size=[5, 6], mode="nearest", name="interpolate nearest empty batch")
    case(rec.randn(2, 0, 3, 4), size=[5, 6], mode="bilinear", name="interpolate bilinear zero channels")
    case(rec.randn(2, 1, 0, 4), size=[5, 6], mode="nearest", name="interpolate nearest empty height")
    case(rec.randn(2, 1, 3, 4), size=[0, 6], mode="bicubic", name="interpolate bicubic empty output")
    case(rec.randn(2, 1, 3, 4), scale_factor=0.2, mode="bilinear", name="interpolate scale to nothing")
    case(rec.randn(2, 1, 3, 4), size=[5, 6], mode="nearest", align_corners=False, name="interpolate nearest with align_corners")
    case(rec.randn(2, 1, 3, 4), size=[5, 6], mode="nearest", antialias=True, name="interpolate nearest antialias")
    case(rec.randn(2, 1, 3), size=5, mode="bilinear", name="interpolate bilinear of a 3-d input")
    case(rec.randn(2, 1, 3, 4), size=5, mode="trilinear", name="interpolate trilinear of a 4-d input")
    case(rec.randn(2, 1, 3, 4), size=5, mode="linear", name="interpolate linear of a 4-d input")
    case(rec.randn(2, 1, 3, 4, 2), size=5, mode="bicubic", name="interpolate bicubic of a 5-d input")
    case(rec.randn(3, 4), size=5, name="interpolate 2-d input")
    case(rec.randn(2, 1, 3, 4), size=[5, 6, 7], name="interpolate size of the wrong length")
    case(rec.randint(0, 5, 1, 1, 3, 4), size=[5, 6], name="interpolate int64 input")
    case(rec.randn(2, 1, 3, 4), size=[-1, 6], name="interpolate negative size")

    # nn.Upsample
    for kw, x in [
        (dict(scale_factor=1.5, mode="trilinear"), rec.randn(1, 1, 2, 2, 2)),
        (dict(size=5, mode="linear", align_corners=True), rec.randn(1, 2, 3)),
        (dict(scale_factor=1.5, mode="bicubic"), rec.randn(1, 1, 3, 4)),
        (dict(size=[3, 5], mode="nearest-exact"), rec.randn(1, 2, 4, 3)),
        (dict(scale_factor=0.7, mode="bilinear", recompute_scale_factor=True), rec.randn(1, 1, 5, 4)),
        (dict(size=2, mode="area"), rec.randn(1, 2, 4, 5)),
    ]:
        rec.case("Upsample", upsample_module_fn, [x], args=kw)


def build_grid_sample(rec):
    def case(x, grid, name=None, grad=None, **kw):
        rec.case("grid_sample", grid_sample_fn, [x, grid], args=kw, name=name, grad=grad)

    # 2-d: every mode, padding and alignment on a small input, gradchecked in x and the grid
    for mode in ("bilinear", "nearest", "bicubic"):
        for padding in ("zeros", "border", "reflection"):
            for align in (False, True):
                case(rec.randn(1, 2, 3, 3), rec.rand(1, 1, 3, 2, low=-1.25, high=1.25), mode=mode, padding_mode=padding,
                     align_corners=align)
    # far outside the input: several reflections
    for mode in ("bilinear", "bicubic"):
        case(rec.randn(1, 1, 3, 4), rec.rand(1, 2, 3, 2, low=-3.5, high=3.5), mode=mode, padding_mode="reflection",
             name=f"grid_sample {mode} reflection far outside")
        case(rec.randn(1, 1, 3, 4), rec.rand(1, 2, 3, 2, low=-3.5, high=3.5), mode=mode, padding_mode="reflection",
             align_corners=True, name=f"grid_sample {mode} reflection far outside aligned")
    case(rec.randn(1, 1, 1, 4), rec.rand(1, 2, 2, 2, low=-1.5, high=1.5), padding_mode="reflection", align_corners=True,
         name="grid_sample reflection of a one-row input aligned")
    # float32, larger
    for mode, padding in (("bilinear", "zeros"), ("bilinear", "reflection"), ("nearest", "border"), ("bicubic", "border")):
        case(rec.randn(1, 2, 4, 5, dtype=torch.float32), rec.rand(1, 3, 3, 2, low=-1.2, high=1.2, dtype=torch.float32),
             mode=mode, padding_mode=padding, name=f"grid_sample {mode} {padding} float32")
    # 3-d
    for mode in ("bilinear", "nearest", "bicubic"):
        for padding in ("zeros", "border", "reflection"):
            for align in (False, True):
                case(rec.randn(1, 1, 2, 2, 3), rec.rand(1, 2, 1, 1, 3, low=-1.25, high=1.25), mode=mode, padding_mode=padding,
                     align_corners=align)
    case(rec.randn(1, 2, 3, 3, 4, dtype=torch.float32), rec.rand(1, 2, 2, 2, 3, low=-1.2, high=1.2, dtype=torch.float32),
         name="grid_sample 3-d bilinear float32")
    # the identity: align_corners grid at the pixel centres reproduces the input
    theta = torch.tensor([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], dtype=torch.float64)
    case(rec.randn(1, 1, 3, 4), F.affine_grid(theta, [1, 1, 3, 4], align_corners=False), name="grid_sample identity grid", grad=[0])
    # special values and empty shapes
    g = rec.rand(1, 2, 2, 2, low=-1, high=1, dtype=torch.float32)
    g[0, 0, 1, 0] = float("nan")
    for padding in ("zeros", "border", "reflection"):
        case(rec.randn(1, 2, 3, 3, dtype=torch.float32), g, padding_mode=padding, grad=[],
             name=f"grid_sample nan position {padding}")
    g = rec.rand(1, 1, 2, 1, 3, low=-1, high=1, dtype=torch.float32)
    g[0, 0, 1, 0, 1] = float("nan")
    for padding in ("zeros", "border"):
        case(rec.randn(1, 1, 2, 3, 3, dtype=torch.float32), g, padding_mode=padding, grad=[],
             name=f"grid_sample 3-d nan position {padding}")
    case(rec.randn(0, 2, 3, 4), rec.rand(0, 2, 2, 2), name="grid_sample empty batch")
    case(rec.randn(2, 0, 3, 4), rec.rand(2, 2, 2, 2), name="grid_sample zero channels")
    case(rec.randn(2, 1, 3, 4), rec.rand(2, 0, 2, 2), name="grid_sample empty grid")
    case(rec.randn(2, 1, 0, 4), rec.rand(2, 2, 2, 2), name="grid_sample empty height")
    case(rec.randn(2, 1, 3, 4), rec.rand(3, 2, 2, 2), name="grid_sample batch mismatch")
    case(rec.randn(2, 1, 3, 4), rec.rand(2, 2, 2, 3), name="grid_sample grid of the wrong width")
    case(rec.randn(2, 1, 3, 4, dtype=torch.float32), rec.rand(2, 2, 2, 2), name="grid_sample dtype mismatch")
    case(rec.randn(1, 3, 4), rec.rand(1, 2, 2), name="grid_sample 3-d input")
    case(rec.randint(0, 5, 1, 1, 3, 4), rec.rand(1, 2, 2, 2).to(torch.int64), name="grid_sample int64")


def build_affine_grid(rec):
    def case(theta, size, name=None, **kw):
        rec.case("affine_grid", affine_grid_fn, [theta], args=dict(size=size, **kw), name=name)

    for align in (False, True):
        case(rec.randn(2, 2, 3), [2, 1, 3, 4], align_corners=align)
        case(rec.randn(1, 3, 4), [1, 1, 2, 2, 3], align_corners=align)
        case(rec.randn(1, 2, 3, dtype=torch.float32), [1, 1, 5, 7], align_corners=align, name=f"affine_grid float32 align {align}")
    case(rec.randn(1, 2, 3), [1, 1, 1, 5], align_corners=True, name="affine_grid one row aligned")
    case(rec.randn(1, 2, 3), [1, 1, 1, 5], name="affine_grid one row")
    case(rec.randn(2, 2, 3), [2, 3, 4], name="affine_grid size of length 3")
    case(rec.randn(2, 3, 3), [2, 3, 4, 5], name="affine_grid theta of the wrong shape")
    case(rec.randn(2, 2, 3), [2, 3, 0, 5], name="affine_grid empty size")
    case(rec.randn(3, 2, 3), [2, 3, 4, 5], name="affine_grid batch mismatch")
    case(rec.randint(0, 2, 2, 2, 3), [2, 3, 4, 5], name="affine_grid int64 theta")
