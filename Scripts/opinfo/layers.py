"""Layers and functions: group, instance, layer and RMS normalisation; the activations softplus,
softsign, hardsigmoid, hardswish, mish, logsigmoid, celu, relu6, glu, threshold, softshrink,
hardshrink, tanhshrink, softmin; channel dropout (its deterministic cases); embedding and
embedding bags."""
import torch
import torch.nn.functional as F

SEED = 2312080

F64 = torch.float64
F32 = torch.float32


def _outputs(*ts):
    return tuple(t for t in ts if t is not None)


def group_norm(x, w, b, numGroups, eps=1e-5):
    return F.group_norm(x, numGroups, w, b, eps)


def instance_norm(x, rm, rv, w, b, useInputStats=True, momentum=0.1, eps=1e-5):
    out = F.instance_norm(x, rm, rv, w, b, use_input_stats=useInputStats, momentum=momentum, eps=eps)
    return _outputs(out, None if rm is None else rm.clone(), None if rv is None else rv.clone())


def layer_norm(x, w, b, normalizedShape, eps=1e-5):
    return F.layer_norm(x, normalizedShape, w, b, eps)


def rms_norm(x, w, normalizedShape, eps=None):
    return F.rms_norm(x, normalizedShape, w, eps)


def embedding(idx, w, paddingIdx=None, maxNorm=None, normType=2.0, scaleGradByFreq=False):
    return F.embedding(idx, w, padding_idx=paddingIdx, max_norm=maxNorm, norm_type=normType,
                       scale_grad_by_freq=scaleGradByFreq)


def embedding_bag(inp, w, offsets, psw, mode="mean", paddingIdx=None, includeLastOffset=False, maxNorm=None,
                  normType=2.0, scaleGradByFreq=False):
    return F.embedding_bag(inp, w, offsets, max_norm=maxNorm, norm_type=normType, scale_grad_by_freq=scaleGradByFreq,
                           mode=mode, per_sample_weights=psw, include_last_offset=includeLastOffset,
                           padding_idx=paddingIdx)


def normalization(rec):
    # group norm
    rec.case("groupNorm", group_norm, [rec.randn(2, 4, 3), rec.randn(4), rec.randn(4)], args={"numGroups": 2})
    rec.case("groupNorm", group_norm, [rec.randn(3, 6, 4, 5, dtype=F32), rec.randn(6, dtype=F32), rec.randn(6, dtype=F32)],
             args={"numGroups": 3})
    rec.case("groupNorm", group_norm, [rec.randn(2, 3, 4), None, None], args={"numGroups": 1}, name="groupNorm one group")
    rec.case("groupNorm", group_norm, [rec.randn(2, 4, 3), rec.randn(4), None], args={"numGroups": 4},
             name="groupNorm a group per channel, weight only")
    rec.case("groupNorm", group_norm, [rec.randn(2, 4, 3, dtype=F32) * 3 + 5, None, rec.randn(4, dtype=F32)],
             args={"numGroups": 2, "eps": 1e-3}, name="groupNorm eps, bias only, shifted input")
    rec.case("groupNorm", group_norm, [rec.randn(4, 6), rec.randn(6), rec.randn(6)], args={"numGroups": 3}, name="groupNorm 2-D input")
    rec.case("groupNorm", group_norm, [rec.randn(2, 4, 2, 2, 2, dtype=F32), rec.randn(4, dtype=F32), rec.randn(4, dtype=F32)],
             args={"numGroups": 2}, name="groupNorm 3-D spatial")
    rec.case("groupNorm", group_norm, [torch.zeros(0, 4, 3, dtype=F64), rec.randn(4), rec.randn(4)], args={"numGroups": 2},
             name="groupNorm batch of 0")
    rec.case("groupNorm", group_norm, [torch.full((2, 4, 3), 2.5, dtype=F64), rec.randn(4), rec.randn(4)], args={"numGroups": 2},
             name="groupNorm constant input", gradcheck=False)
    for name, x, w, groups in [
        ("no channels", torch.zeros(2, 0, 3), None, 1),
        ("no spatial elements", torch.zeros(2, 4, 0), None, 2),
        ("channels not divisible", torch.zeros(2, 6, 3), None, 4),
        ("one value per group", torch.zeros(1, 4), None, 4),
        ("1-D input", torch.zeros(4), None, 2),
        ("int64 input", torch.zeros(2, 4, 3, dtype=torch.int64), None, 2),
        ("weight of wrong shape", torch.zeros(2, 4, 3), torch.ones(3), 2),
    ]:
        rec.case("groupNorm", group_norm, [x, w, None], args={"numGroups": groups}, name=f"groupNorm refuses {name}")

    # instance norm (running statistics are outputs 2 and 3 when given: PyTorch updates them in place)
    rec.case("instanceNorm", instance_norm, [rec.randn(2, 3, 4), None, None, rec.randn(3), rec.randn(3)], grad=[0, 3, 4])
    rec.case("instanceNorm", instance_norm, [rec.randn(2, 3, 4), rec.randn(3), rec.rand(3, low=0.5, high=2), None, None],
             grad=[0], gradcheck=False, name="instanceNorm updates running statistics")
    rec.case("instanceNorm", instance_norm, [rec.randn(2, 3, 4), rec.randn(3), rec.rand(3, low=0.5, high=2), rec.randn(3), rec.randn(3)],
             args={"useInputStats": False}, grad=[0, 3, 4], name="instanceNorm with running statistics (evaluation)")
    rec.case("instanceNorm", instance_norm, [rec.randn(2, 3, 4, 5, dtype=F32), rec.randn(3, dtype=F32), rec.rand(3, low=0.5, high=2, dtype=F32),
                                             rec.randn(3, dtype=F32), rec.randn(3, dtype=F32)],
             args={"momentum": 0.3, "eps": 1e-3}, grad=[0, 3, 4], name="instanceNorm float32 2-D, momentum 0.3")
    rec.case("instanceNorm", instance_norm, [torch.zeros(0, 3, 4, dtype=F64), None, None, None, None], name="instanceNorm batch of 0")
    rec.case("instanceNorm", instance_norm, [torch.zeros(2, 3, 1), None, None, None, None], name="instanceNorm refuses one spatial element")
    rec.case("instanceNorm", instance_norm, [torch.zeros(2, 3, 4), None, None, None, None], args={"useInputStats": False},
             name="instanceNorm refuses evaluation without running statistics")

    # layer norm
    rec.case("layerNorm", layer_norm, [rec.randn(2, 3, 4), rec.randn(3, 4), rec.randn(3, 4)], args={"normalizedShape": [3, 4]},
             gradcheck=True)
    rec.case("layerNorm", layer_norm, [rec.randn(4, 5, dtype=F32), rec.randn(5, dtype=F32), rec.randn(5, dtype=F32)],
             args={"normalizedShape": [5]})
    rec.case("layerNorm", layer_norm, [rec.randn(3, 4), rec.randn(4), None], args={"normalizedShape": [4], "eps": 1e-3},
             name="layerNorm weight only (bias false)")
    rec.case("layerNorm", layer_norm, [rec.randn(2, 2, 3), None, None], args={"normalizedShape": [2, 3]}, name="layerNorm no affine")
    rec.case("layerNorm", layer_norm, [torch.zeros(0, 3, dtype=F64), rec.randn(3), rec.randn(3)], args={"normalizedShape": [3]},
             name="layerNorm no rows")
    rec.case("layerNorm", layer_norm, [torch.zeros(2, 0, dtype=F64), None, None], args={"normalizedShape": [0]},
             name="layerNorm empty normalized shape size")
    rec.case("layerNorm", layer_norm, [torch.zeros(2, 3), None, None], args={"normalizedShape": [2]},
             name="layerNorm refuses a shape mismatch")
    rec.case("layerNorm", layer_norm, [torch.zeros(2, 3, dtype=torch.int64), None, None], args={"normalizedShape": [3]},
             name="layerNorm refuses int64")

    # RMS norm
    rec.case("rmsNorm", rms_norm, [rec.randn(2, 3, 4), rec.randn(4)], args={"normalizedShape": [4]})
    rec.case("rmsNorm", rms_norm, [rec.randn(3, 5, dtype=F32), rec.randn(5, dtype=F32)], args={"normalizedShape": [5]})
    rec.case("rmsNorm", rms_norm, [rec.randn(2, 3, 4), rec.randn(3, 4)], args={"normalizedShape": [3, 4], "eps": 1e-3},
             name="rmsNorm two axes, eps")
    rec.case("rmsNorm", rms_norm, [rec.randn(4, 3), None], args={"normalizedShape": [3]}, name="rmsNorm no weight")
    rec.case("rmsNorm", rms_norm, [torch.tensor([[1e-5, 0.0], [0.0, 0.0]], dtype=F32), None], args={"normalizedShape": [2]},
             name="rmsNorm float32 machine epsilon on tiny rows")
    rec.case("rmsNorm", rms_norm, [torch.tensor([[1e-9, 0.0], [0.0, 0.0]], dtype=F64), None], args={"normalizedShape": [2]},
             name="rmsNorm float64 machine epsilon on tiny rows", gradcheck=False)
    rec.case("rmsNorm", rms_norm, [torch.zeros(0, 3, dtype=F64), rec.randn(3)], args={"normalizedShape": [3]}, name="rmsNorm no rows")
    rec.case("rmsNorm", rms_norm, [torch.zeros(2, 3), None], args={"normalizedShape": [2]}, name="rmsNorm refuses a shape mismatch")
    rec.case("rmsNorm", rms_norm, [torch.zeros(2, 3), torch.ones(2)], args={"normalizedShape": [3]},
             name="rmsNorm refuses a weight of wrong shape")
    rec.case("rmsNorm", rms_norm, [torch.zeros(2, 3, dtype=torch.int64), None], args={"normalizedShape": [3]}, name="rmsNorm refuses int64")


ACTIVATIONS = [
    # name, PyTorch call, argument variants, (low, high), float-only
    ("softplus", lambda x, beta=1.0, threshold=20.0: F.softplus(x, beta, threshold), [{}, {"beta": 2.0, "threshold": 4.0}], (-6, 6), True),
    ("softsign", F.softsign, [{}], (-4, 4), False),
    ("hardsigmoid", F.hardsigmoid, [{}], (-5, 5), True),
    ("hardswish", F.hardswish, [{}], (-5, 5), True),
    ("mish", F.mish, [{}], (-5, 5), True),
    ("logsigmoid", F.logsigmoid, [{}], (-8, 8), True),
    ("celu", lambda x, alpha=1.0: F.celu(x, alpha), [{}, {"alpha": 0.5}, {"alpha": 2.0}], (-4, 4), True),
    ("relu6", F.relu6, [{}], (-3, 9), False),
    ("threshold", lambda x, threshold, value: F.threshold(x, threshold, value), [{"threshold": 0.5, "value": -2.0}], (-3, 3), False),
    ("softshrink", lambda x, **kw: F.softshrink(x, kw.get("lambda", 0.5)), [{}, {"lambda": 1.0}], (-3, 3), True),
    ("hardshrink", lambda x, **kw: F.hardshrink(x, kw.get("lambda", 0.5)), [{}, {"lambda": 1.0}], (-3, 3), True),
    ("tanhshrink", F.tanhshrink, [{}], (-3, 3), False),
]

# The kinks and special points of each function, besides NaN and ±inf.
KINKS = {
    "softplus": [0.0, 20.0, 19.999, 20.001, 100.0, -100.0],
    "softsign": [0.0],
    "hardsigmoid": [-3.0, 3.0, 0.0],
    "hardswish": [-3.0, 3.0, 0.0],
    "mish": [0.0, 30.0, -30.0],
    "logsigmoid": [0.0, 100.0, -100.0, 1000.0, -1000.0],
    "celu": [0.0],
    "relu6": [0.0, 6.0],
    "threshold": [0.5],
    "softshrink": [0.5, -0.5, 1.0, -1.0, 0.0],
    "hardshrink": [0.5, -0.5, 1.0, -1.0, 0.0],
    "tanhshrink": [0.0],
}


def activations(rec):
    for op, fn, variants, (low, high), float_only in ACTIVATIONS:
        for args in variants:
            rec.case(op, fn, [rec.rand(3, 4, low=low, high=high)], args=args)
            rec.case(op, fn, [rec.rand(7, low=low, high=high, dtype=F32)], args=args)
        # PyTorch's shrink gradients at NaN differ between its vector and scalar loops: no NaN there.
        special = [float("inf"), float("-inf")] if op.endswith("shrink") and op != "tanhshrink" else [float("nan"), float("inf"), float("-inf")]
        points = KINKS[op] + special
        for dtype in (F64, F32):
            rec.case(op, fn, [torch.tensor(points, dtype=dtype)], args=variants[-1], gradcheck=False,
                     name=f"{op} {str(dtype)[6:]} kinks and special values")
        rec.case(op, fn, [torch.zeros(2, 0, 3, dtype=F64)], args=variants[0], name=f"{op} zero-sized")
        rec.case(op, fn, [torch.tensor([[1, -2, 3], [0, 7, -5]])], args=variants[0], name=f"{op} int64 input")
    # glu and softmin take an axis
    glu = lambda x, axis=-1: F.glu(x, axis)  # noqa: E731
    rec.case("glu", glu, [rec.randn(3, 4)])
    rec.case("glu", glu, [rec.randn(4, 3)], args={"axis": 0})
    rec.case("glu", glu, [rec.randn(2, 6, 3, dtype=F32)], args={"axis": -2})
    rec.case("glu", glu, [torch.zeros(0, 4, dtype=F64)], name="glu zero-sized")
    rec.case("glu", glu, [torch.zeros(3, 3)], name="glu refuses an odd axis")
    rec.case("glu", glu, [torch.zeros(())], name="glu refuses a 0-d tensor")
    rec.case("glu", glu, [torch.zeros(2, 4, dtype=torch.int64)], name="glu refuses int64")
    softmin = lambda x, axis: F.softmin(x, axis)  # noqa: E731
    rec.case("softmin", softmin, [rec.randn(3, 4)], args={"axis": 1})
    rec.case("softmin", softmin, [rec.randn(3, 4, dtype=F32)], args={"axis": 0})
    rec.case("softmin", softmin, [rec.randn(2, 3, 2)], args={"axis": -2})
    rec.case("softmin", softmin, [torch.tensor([1.0, float("inf"), 2.0], dtype=F64)], args={"axis": 0}, grad=[],
             name="softmin infinity")
    rec.case("softmin", softmin, [torch.zeros(2, 0, dtype=F64)], args={"axis": 1}, name="softmin zero-sized")
    rec.case("softmin", softmin, [torch.tensor([1, 2, 3])], args={"axis": 0}, name="softmin refuses int64")
    rec.case("celu", lambda x, alpha: F.celu(x, alpha), [torch.zeros(3)], args={"alpha": 0.0}, name="celu refuses alpha 0")
    rec.case("softshrink", lambda x, **kw: F.softshrink(x, kw["lambda"]), [torch.zeros(3)], args={"lambda": -1.0},
             name="softshrink refuses a negative lambda")
    rec.case("hardshrink", lambda x, **kw: F.hardshrink(x, kw["lambda"]), [rec.rand(5, low=-2, high=2)], args={"lambda": -1.0},
             name="hardshrink negative lambda")


def dropouts(rec):
    # Random masks are not PyTorch's: only the deterministic cases (evaluation, p = 0, p = 1) and refusals.
    for op, fn, shape, bad in [
        ("dropout1d", F.dropout1d, (2, 3, 4), [(5,), (2, 3, 2, 2)]),
        ("dropout2d", F.dropout2d, (2, 3, 2, 2), [(5,)]),
        ("dropout3d", F.dropout3d, (2, 2, 2, 2, 2), []),
    ]:
        call = lambda x, p=0.5, training=True, fn=fn: fn(x, p, training)  # noqa: E731
        rec.case(op, call, [rec.randn(*shape)], args={"p": 0.5, "training": False}, name=f"{op} evaluation")
        rec.case(op, call, [rec.randn(*shape, dtype=F32)], args={"p": 0.0, "training": True}, name=f"{op} p 0")
        rec.case(op, call, [rec.randn(*shape)], args={"p": 1.0, "training": True}, name=f"{op} p 1", gradcheck=False)
        rec.case(op, call, [rec.randn(*shape[1:])], args={"p": 1.0, "training": True}, name=f"{op} unbatched p 1", gradcheck=False)
        rec.case(op, call, [torch.zeros((0,) + shape[1:], dtype=F64)], args={"p": 0.5, "training": True}, name=f"{op} batch of 0")
        rec.case(op, call, [torch.zeros(shape)], args={"p": 1.5, "training": True}, name=f"{op} refuses p above 1")
        rec.case(op, call, [torch.zeros(shape, dtype=torch.int64)], args={"p": 0.5, "training": True}, name=f"{op} refuses int64")
        for s in bad:
            rec.case(op, call, [torch.zeros(s)], args={"p": 0.5, "training": True}, name=f"{op} refuses rank {len(s)}")


def embeddings(rec):
    rec.case("embedding", embedding, [rec.randint(0, 5, 2, 3), rec.randn(5, 3)])
    rec.case("embedding", embedding, [torch.tensor([[1, 0, 1], [4, 1, 2]]), rec.randn(5, 3, dtype=F32)], args={"paddingIdx": 1},
             name="embedding padding row, float32")
    rec.case("embedding", embedding, [torch.tensor([3, 0, 3, 4]), rec.randn(5, 2)], args={"paddingIdx": -2},
             gradcheck=False, name="embedding negative padding index")
    rec.case("embedding", embedding, [torch.tensor([2, 2, 0, 2, 1]), rec.randn(4, 3)], args={"scaleGradByFreq": True},
             gradcheck=False, name="embedding gradient scaled by frequency")
    rec.case("embedding", embedding, [torch.tensor([1, 3, 1]), rec.randn(4, 3) * 2], args={"maxNorm": 1.0}, gradcheck=False,
             name="embedding maxNorm")
    rec.case("embedding", embedding, [torch.tensor([[0, 2], [2, 1]]), rec.randn(3, 4, dtype=F32) * 2],
             args={"maxNorm": 1.5, "normType": 1.0}, name="embedding maxNorm L1, float32")
    rec.case("embedding", embedding, [torch.tensor(2), rec.randn(3, 2)], name="embedding 0-d index")
    rec.case("embedding", embedding, [torch.zeros(0, dtype=torch.int64), rec.randn(3, 2)], name="embedding empty index")
    rec.case("embedding", embedding, [torch.zeros(2, 0, dtype=torch.int64), rec.randn(3, 2)], name="embedding 2x0 index")
    for name, idx, w, args in [
        ("float indices", torch.tensor([1.0]), torch.zeros(3, 2), {}),
        ("an index out of range", torch.tensor([3]), torch.zeros(3, 2), {}),
        ("a negative index", torch.tensor([-1]), torch.zeros(3, 2), {}),
        ("a 1-D weight", torch.tensor([1]), torch.zeros(3), {}),
        ("a padding index out of range", torch.tensor([1]), torch.zeros(3, 2), {"paddingIdx": 3}),
    ]:
        rec.case("embedding", embedding, [idx, w], args=args, name=f"embedding refuses {name}")

    bag = embedding_bag
    rec.case("embeddingBag", bag, [rec.randint(0, 5, 2, 3), rec.randn(5, 3), None, None], name="embeddingBag 2-D input, mean")
    rec.case("embeddingBag", bag, [torch.tensor([1, 2, 4, 4, 0]), rec.randn(5, 3), torch.tensor([0, 2, 2]), None],
             args={"mode": "sum"}, name="embeddingBag offsets with an empty bag, sum")
    rec.case("embeddingBag", bag, [torch.tensor([1, 2, 4, 3, 0]), rec.randn(5, 3), torch.tensor([0, 3]), None],
             args={"mode": "max"}, name="embeddingBag max")
    rec.case("embeddingBag", bag, [torch.tensor([1, 1, 4, 3, 0]), rec.randn(5, 3, dtype=F32), torch.tensor([0, 3, 3]), None],
             args={"mode": "max"}, name="embeddingBag max with a repeated row and an empty bag, float32")
    rec.case("embeddingBag", bag, [torch.tensor([1, 2, 4, 3, 2]), rec.randn(5, 2), torch.tensor([0, 2]), rec.randn(5)],
             args={"mode": "sum"}, name="embeddingBag per-sample weights")
    rec.case("embeddingBag", bag, [torch.tensor([[1, 2, 1], [0, 3, 3]]), rec.randn(4, 2), None, rec.randn(2, 3)],
             args={"mode": "sum", "paddingIdx": 3}, name="embeddingBag per-sample weights, 2-D, padding")
    rec.case("embeddingBag", bag, [torch.tensor([1, 2, 2, 0, 2]), rec.randn(4, 3), torch.tensor([0, 3]), None],
             args={"paddingIdx": 2}, name="embeddingBag mean skips the padding row")
    rec.case("embeddingBag", bag, [torch.tensor([2, 2, 1, 2]), rec.randn(4, 3), torch.tensor([0, 2]), None],
             args={"mode": "max", "paddingIdx": 2}, name="embeddingBag max, a bag of padding only")
    rec.case("embeddingBag", bag, [torch.tensor([1, 2, 3, 0]), rec.randn(4, 2), torch.tensor([0, 1, 4]), None],
             args={"includeLastOffset": True, "mode": "sum"}, name="embeddingBag include last offset")
    rec.case("embeddingBag", bag, [torch.tensor([1, 2, 1, 1, 0]), rec.randn(4, 2), torch.tensor([0, 2]), None],
             args={"scaleGradByFreq": True}, gradcheck=False, name="embeddingBag gradient scaled by frequency")
    rec.case("embeddingBag", bag, [torch.tensor([1, 2, 1, 0]), rec.randn(3, 3) * 2, torch.tensor([0, 2]), None],
             args={"maxNorm": 1.0}, gradcheck=False, name="embeddingBag maxNorm")
    rec.case("embeddingBag", bag, [torch.tensor([[1, 2], [0, 0], [2, 1]]), rec.randn(3, 4, dtype=F32), None, None],
             args={"mode": "sum"}, name="embeddingBag 2-D, float32")
    rec.case("embeddingBag", bag, [torch.zeros(0, dtype=torch.int64), rec.randn(3, 2), torch.tensor([0, 0]), None],
             name="embeddingBag empty input")
    w = torch.zeros(3, 2)
    for name, inp, offsets, psw, args in [
        ("offsets not starting at 0", torch.tensor([1, 2]), torch.tensor([1]), None, {}),
        ("an offset beyond the input", torch.tensor([1, 2]), torch.tensor([0, 3]), None, {}),
        ("a 1-D input without offsets", torch.tensor([1, 2]), None, None, {}),
        ("a 2-D input with offsets", torch.tensor([[1, 2]]), torch.tensor([0]), None, {}),
        ("a 3-D input", torch.zeros(1, 1, 1, dtype=torch.int64), None, None, {}),
        ("an index out of range", torch.tensor([3]), torch.tensor([0]), None, {}),
        ("per-sample weights with mean", torch.tensor([1, 2]), torch.tensor([0]), torch.ones(2), {}),
        ("per-sample weights of wrong shape", torch.tensor([1, 2]), torch.tensor([0]), torch.ones(3), {"mode": "sum"}),
        ("max with scaleGradByFreq", torch.tensor([1, 2]), torch.tensor([0]), None, {"mode": "max", "scaleGradByFreq": True}),
        ("2-D offsets", torch.tensor([1, 2]), torch.tensor([[0]]), None, {}),
    ]:
        rec.case("embeddingBag", bag, [inp, w, offsets, psw], args=args, name=f"embeddingBag refuses {name}")


def build(rec):
    normalization(rec)
    activations(rec)
    dropouts(rec)
    embeddings(rec)
