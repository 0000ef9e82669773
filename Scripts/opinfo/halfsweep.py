"""The 16-bit sweep: every op of the table, fed float16 and bfloat16 versions of its own fixture
inputs.

For each op the sweep replays the cases of the op's family (same seeds, so the same inputs) and
rounds every float32/float64 input to float16, and separately to bfloat16. What PyTorch's CPU
returns for them (values and gradients) is recorded under the op's own name, so the Swift side runs
the op's own table entry on it; one case per op and dtype. Variants PyTorch refuses ("not
implemented for 'Half'") are left out. The tolerances are those of 16-bit results computed in
float32 and rounded once, with room for a different order of accumulation (PyTorch sometimes
accumulates in the 16-bit type itself)."""
import torch
import torch.nn.functional as F

from opinfo.recorder import replay_families

SEED = 2312082
DTYPES = [(torch.float16, "float16", 1e-2), (torch.bfloat16, "bfloat16", 4e-2)]


def rounded(inputs, dtype):
    """`inputs` with each float32/float64 tensor rounded to `dtype`; None when there is none."""
    if not any(isinstance(t, torch.Tensor) and t.dtype in (torch.float32, torch.float64) for t in inputs):
        return None
    return [t.to(dtype) if isinstance(t, torch.Tensor) and t.dtype in (torch.float32, torch.float64) else t
            for t in inputs]


def build(rec):
    done = set()

    def sweep(op, fn, inputs, args, grad, name):
        for dtype, label, tol in DTYPES:
            if (op, label) in done:
                continue
            variant = rounded(inputs, dtype)
            if variant is None or any(isinstance(t, torch.Tensor) and t.numel() == 0 for t in variant):
                continue
            try:
                with torch.no_grad():
                    out = fn(*[t.clone() if isinstance(t, torch.Tensor) else t for t in variant], **args)
            except Exception:
                continue  # PyTorch refuses it: not part of the sweep
            outs = out if isinstance(out, (tuple, list)) else [out]
            if not all(isinstance(o, torch.Tensor) for o in outs):
                continue
            scale = max([1.0] + [o.detach().abs().max().item() for o in outs
                                 if o.is_floating_point() and o.numel() > 0 and o.isfinite().all()])
            diff = [i for i, t in enumerate(variant) if isinstance(t, torch.Tensor) and t.dtype == dtype
                    and (grad is None or i in grad)]
            before = len(rec.cases)
            try:
                rec.case(op, fn, variant, args=args, grad=diff, gradcheck=False, rtol=tol, atol=tol * scale,
                         name=f"sweep: {name} in {label}")
            except Exception:
                rec.case(op, fn, variant, args=args, grad=[], gradcheck=False, rtol=tol, atol=tol * scale,
                         name=f"sweep: {name} in {label} (no gradients)")
            if len(rec.cases) > before and "outputs" in rec.cases[-1]:
                done.add((op, label))
            elif len(rec.cases) > before:
                rec.cases.pop()

    replay_families(sweep, skipping={"dtypes"})
    older_ops(rec)


def older_ops(rec):
    """The ops from before the op set, whose table entries (`zero.*`, fixed arguments) the
    zero-size family made for empty inputs: here with ordinary 16-bit inputs and gradients."""
    def case(op, fn, inputs, grad=None, args=None):
        for dtype, label, tol in DTYPES:
            xs = [t.to(dtype) if isinstance(t, torch.Tensor) and t.is_floating_point() else t for t in inputs]
            with torch.no_grad():
                outs = fn(*xs, **(args or {}))
            outs = outs if isinstance(outs, (tuple, list)) else [outs]
            scale = max([1.0] + [o.abs().max().item() for o in outs if o.is_floating_point() and o.numel() > 0])
            diff = [i for i, t in enumerate(xs) if isinstance(t, torch.Tensor) and t.dtype == dtype and (grad is None or i in grad)]
            rec.case(op, fn, xs, args=args, grad=diff, gradcheck=False, rtol=tol, atol=tol * scale, name=f"sweep: {op} in {label}")

    a, b = rec.randn(3, 4), rec.randn(4)
    for op, fn in [("add", torch.add), ("subtract", torch.sub), ("multiply", torch.mul), ("maximum", torch.maximum),
                   ("minimum", torch.minimum)]:
        case(f"zero.{op}", fn, [a, b])
    case("zero.divide", torch.div, [a, rec.rand(4, low=0.5, high=2)])
    case("zero.pow", torch.pow, [rec.rand(3, 4, low=0.5, high=2), rec.randn(4)])
    for op, fn in [("neg", torch.neg), ("abs", torch.abs), ("exp", torch.exp), ("tanh", torch.tanh), ("sigmoid", torch.sigmoid),
                   ("relu", torch.relu), ("leakyRelu", F.leaky_relu), ("elu", F.elu), ("selu", F.selu), ("gelu", F.gelu),
                   ("silu", F.silu), ("clamp", lambda x: torch.clamp(x, -1, 1))]:
        case(f"zero.{op}", fn, [rec.randn(2, 5)])
    for op, fn in [("log", torch.log), ("sqrt", torch.sqrt)]:
        case(f"zero.{op}", fn, [rec.rand(2, 5, low=0.5, high=3)])
    case("zero.prelu", lambda x, w: F.prelu(x, w), [rec.randn(2, 3, 4), torch.full((3,), 0.25, dtype=torch.float64)])
    case("zero.matmul", torch.matmul, [rec.randn(3, 8), rec.randn(8, 5)])
    case("zero.linear", lambda x, w, bias: F.linear(x, w, bias), [rec.randn(4, 6), rec.randn(3, 6), rec.randn(3)])
    case("zero.conv2d", lambda x, w, bias: F.conv2d(x, w, bias, padding=1), [rec.randn(2, 3, 5, 5), rec.randn(4, 3, 3, 3), rec.randn(4)])
    case("zero.conv1d", lambda x, w: F.conv1d(x, w), [rec.randn(2, 2, 7), rec.randn(3, 2, 3)])
    case("zero.convTranspose2d", lambda x, w: F.conv_transpose2d(x, w, stride=2), [rec.randn(1, 3, 4, 4), rec.randn(3, 2, 3, 3)])
    case("zero.maxPool2d", lambda x: F.max_pool2d(x, 2), [rec.randn(2, 3, 4, 4)])
    case("zero.avgPool2d", lambda x: F.avg_pool2d(x, 2), [rec.randn(2, 3, 4, 4)])
    case("zero.adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, 1), [rec.randn(2, 3, 4, 4)])
    case("zero.batchNormTraining", lambda x, w, bias: F.batch_norm(x, None, None, w, bias, training=True),
         [rec.randn(6, 3), rec.randn(3), rec.randn(3)])
    case("zero.batchNormEval", lambda x, m, v: F.batch_norm(x, m, v, training=False),
         [rec.randn(2, 3, 2, 2), rec.randn(3), rec.rand(3, low=0.5, high=2)], grad=[0])
    case("zero.layerNorm", lambda x: F.layer_norm(x, [3]), [rec.randn(2, 4, 3)])
    case("zero.softmax", lambda x: torch.softmax(x, 1), [rec.randn(2, 5, 3)])
    case("zero.logSoftmax", lambda x: torch.log_softmax(x, 1), [rec.randn(2, 5, 3)])
    case("zero.logSumExp", lambda x: torch.logsumexp(x, 1), [rec.randn(2, 5, 3)])
    for reduction in ["mean", "sum"]:
        case("zero.mseLoss", lambda p, t, reduction: F.mse_loss(p, t, reduction=reduction), [rec.randn(4, 3), rec.randn(4, 3)],
             args={"reduction": reduction})
        case("zero.crossEntropy", lambda z, y, reduction: F.cross_entropy(z, y, reduction=reduction),
             [rec.randn(5, 4), rec.randint(0, 4, 5)], args={"reduction": reduction})
        case("zero.binaryCrossEntropyWithLogits",
             lambda z, y, reduction: F.binary_cross_entropy_with_logits(z, y, reduction=reduction),
             [rec.randn(6), rec.rand(6)], args={"reduction": reduction}, grad=[0])
    case("zero.upsample", lambda x: F.interpolate(x, scale_factor=2), [rec.randn(1, 2, 3, 3)])
    case("zero.indexSelect", lambda x, i: torch.index_select(x, 0, i), [rec.randn(3, 2), torch.tensor([2, 0, 2])])
    case("zero.gather", lambda x, i: torch.gather(x, 1, i), [rec.randn(3, 2), torch.tensor([[1], [0], [1]])])
    case("zero.scatterAdd", lambda x, i, src: x.scatter_add(0, i, src), [rec.randn(3, 2), torch.tensor([[0, 2], [0, 1]]),
         rec.randn(2, 2)])
