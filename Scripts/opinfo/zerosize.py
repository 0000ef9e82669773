"""Zero-sized tensors through the ops Apus had before the op-set work: every shape with a 0 gives
what PyTorch gives (an empty result, an identity such as a sum of 0, NaN for a mean over nothing)
or is refused where PyTorch refuses it. Op names carry the prefix `zero.`; the other families
cover their own ops' zero-sized cases."""
import torch
import torch.nn.functional as F

SEED = 2312071


def build(rec):
    e = torch.zeros(2, 0, 3, dtype=torch.float64)
    f = torch.zeros(0, 4, dtype=torch.float32)
    # ---------------------------------------------------------------- elementwise
    for op, fn in [("add", torch.add), ("subtract", torch.sub), ("multiply", torch.mul), ("divide", torch.div),
                   ("pow", torch.pow), ("maximum", torch.maximum), ("minimum", torch.minimum)]:
        rec.case(f"zero.{op}", fn, [e, torch.zeros(3, dtype=torch.float64)], name=f"zero.{op} [2, 0, 3] with [3]")
        rec.case(f"zero.{op}", fn, [torch.zeros(0, 1, dtype=torch.float64), torch.ones(1, 4, dtype=torch.float64)],
                 name=f"zero.{op} [0, 1] with [1, 4]")
    rec.case("zero.add", torch.add, [torch.zeros(0, dtype=torch.int64), torch.zeros(0, dtype=torch.int64)], name="zero.add int64")
    rec.case("zero.add", torch.add, [torch.zeros(2, 0), torch.zeros(3, 1)], name="zero.add [2, 0] with [3, 1] refused")
    for op, fn in [("neg", torch.neg), ("abs", torch.abs), ("exp", torch.exp), ("log", torch.log), ("sqrt", torch.sqrt),
                   ("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu),
                   ("leakyRelu", F.leaky_relu), ("elu", F.elu), ("selu", F.selu), ("gelu", F.gelu), ("silu", F.silu),
                   ("clamp", lambda x: torch.clamp(x, -1, 1))]:
        rec.case(f"zero.{op}", fn, [e], name=f"zero.{op} float64")
        rec.case(f"zero.{op}", fn, [f], name=f"zero.{op} float32")
    rec.case("zero.prelu", lambda x, w: F.prelu(x, w), [torch.zeros(0, 3, 5, dtype=torch.float64), torch.full((3,), 0.25, dtype=torch.float64)])
    for op, fn in [("lessThan", torch.lt), ("equal", torch.eq)]:
        rec.case(f"zero.{op}", fn, [e, torch.zeros(1, 3, dtype=torch.float64)], grad=[])
    rec.case("zero.where", torch.where, [torch.zeros(2, 0, 3, dtype=torch.bool), e, torch.zeros(3, dtype=torch.float64)])
    rec.case("zero.cast", lambda x: x.to(torch.int32), [e], grad=[])
    # ---------------------------------------------------------------- products
    rec.case("zero.matmul", torch.matmul, [torch.zeros(2, 0, dtype=torch.float64), torch.zeros(0, 3, dtype=torch.float64)],
             name="zero.matmul empty inner dimension gives zeros")
    rec.case("zero.matmul", torch.matmul, [torch.zeros(0, 4), torch.randn(4, 3, generator=rec.gen)], name="zero.matmul no rows")
    rec.case("zero.matmul", torch.matmul, [rec.randn(2, 4, dtype=torch.float32), torch.zeros(4, 0)], name="zero.matmul no columns")
    rec.case("zero.matmul", torch.matmul, [torch.zeros(0, 2, 4), rec.randn(4, 3, dtype=torch.float32)], name="zero.matmul empty batch")
    rec.case("zero.matmul", torch.matmul, [torch.zeros(0, dtype=torch.float64), torch.zeros(0, dtype=torch.float64)],
             name="zero.matmul empty vectors give 0")
    rec.case("zero.linear", lambda x, w, b: F.linear(x, w, b), [torch.zeros(0, 4, dtype=torch.float64), rec.randn(3, 4), rec.randn(3)],
             name="zero.linear empty batch")
    rec.case("zero.linear", lambda x, w, b: F.linear(x, w, b), [rec.randn(2, 0), torch.zeros(3, 0, dtype=torch.float64), rec.randn(3)],
             name="zero.linear no input features gives the bias")
    # ---------------------------------------------------------------- convolution, pooling, resampling
    rec.case("zero.conv2d", lambda x, w, b: F.conv2d(x, w, b, padding=1), [torch.zeros(0, 3, 5, 5, dtype=torch.float64),
             rec.randn(4, 3, 3, 3), rec.randn(4)], name="zero.conv2d empty batch")
    rec.case("zero.conv1d", lambda x, w: F.conv1d(x, w), [torch.zeros(0, 2, 7, dtype=torch.float32), rec.randn(3, 2, 3, dtype=torch.float32)],
             name="zero.conv1d empty batch")
    rec.case("zero.convTranspose2d", lambda x, w: F.conv_transpose2d(x, w, stride=2), [torch.zeros(0, 3, 4, 4, dtype=torch.float64),
             rec.randn(3, 2, 3, 3)], name="zero.convTranspose2d empty batch")
    rec.case("zero.maxPool2d", lambda x: F.max_pool2d(x, 2), [torch.zeros(0, 3, 4, 4, dtype=torch.float64)], name="zero.maxPool2d empty batch")
    rec.case("zero.avgPool2d", lambda x: F.avg_pool2d(x, 2), [torch.zeros(0, 3, 4, 4, dtype=torch.float64)], name="zero.avgPool2d empty batch")
    rec.case("zero.adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, 1), [torch.zeros(0, 3, 4, 4, dtype=torch.float64)],
             name="zero.adaptiveAvgPool2d empty batch")
    rec.case("zero.maxPool2d", lambda x: F.max_pool2d(x, 2), [torch.zeros(2, 0, 4, 4, dtype=torch.float64)], name="zero.maxPool2d no channels")
    # ---------------------------------------------------------------- normalisation, softmax
    rec.case("zero.batchNormTraining", lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
             [torch.zeros(0, 3, dtype=torch.float64), rec.randn(3), rec.randn(3)], name="zero.batchNormTraining empty batch")
    rec.case("zero.batchNormEval", lambda x, m, v: F.batch_norm(x, m, v, training=False),
             [torch.zeros(0, 3, 2, 2, dtype=torch.float64), rec.randn(3), rec.rand(3, low=0.5, high=2)], grad=[0],
             name="zero.batchNormEval empty batch")
    rec.case("zero.layerNorm", lambda x: F.layer_norm(x, [3]), [e], name="zero.layerNorm empty rows")
    for op, fn in [("softmax", lambda x: torch.softmax(x, 1)), ("logSoftmax", lambda x: torch.log_softmax(x, 1))]:
        rec.case(f"zero.{op}", fn, [e], name=f"zero.{op} over the empty axis")
        rec.case(f"zero.{op}", fn, [torch.zeros(0, 5, dtype=torch.float64)], name=f"zero.{op} no rows")
    rec.case("zero.logSumExp", lambda x: torch.logsumexp(x, 1), [e], name="zero.logSumExp over the empty axis gives -inf")
    # ---------------------------------------------------------------- losses
    for reduction in ["mean", "sum", "none"]:
        rec.case("zero.mseLoss", lambda p, t, reduction: F.mse_loss(p, t, reduction=reduction),
                 [torch.zeros(0, 3, dtype=torch.float64), torch.zeros(0, 3, dtype=torch.float64)], args={"reduction": reduction})
        rec.case("zero.crossEntropy", lambda z, y, reduction: F.cross_entropy(z, y, reduction=reduction),
                 [torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0, dtype=torch.int64)], args={"reduction": reduction})
        rec.case("zero.binaryCrossEntropyWithLogits", lambda z, y, reduction: F.binary_cross_entropy_with_logits(z, y, reduction=reduction),
                 [torch.zeros(0, dtype=torch.float64), torch.zeros(0, dtype=torch.float64)], args={"reduction": reduction})
    # ---------------------------------------------------------------- shapes, joining, indexing
    rec.case("zero.reshape", lambda x: x.reshape(3, 0, 2), [e], name="zero.reshape [2, 0, 3] to [3, 0, 2]")
    rec.case("zero.reshapeInfer", lambda x, shape: x.reshape(shape), [e], args={"shape": [0, -1]}, name="zero.reshape with -1 next to 0 refused")
    rec.case("zero.reshapeInfer", lambda x, shape: x.reshape(shape), [e], args={"shape": [-1, 3]}, name="zero.reshape with -1 and 3")
    rec.case("zero.permute", lambda x: x.permute(2, 0, 1), [e])
    rec.case("zero.concat", lambda a, b: torch.cat([a, b], 1), [e, rec.randn(2, 2, 3)], name="zero.concat an empty part")
    rec.case("zero.concat", lambda a, b: torch.cat([a, b], 0), [e, torch.zeros(1, 0, 3, dtype=torch.float64)], name="zero.concat empty tensors")
    rec.case("zero.stack", lambda a, b: torch.stack([a, b], 0), [e, e])
    rec.case("zero.split", lambda x: x.split(2, dim=1), [torch.zeros(2, 0, 3, dtype=torch.float64)], name="zero.split an empty axis")
    rec.case("zero.chunk", lambda x: x.chunk(2, dim=0), [torch.zeros(0, 3, dtype=torch.float64)], name="zero.chunk an empty axis")
    rec.case("zero.indexSelect", lambda x, i: torch.index_select(x, 0, i), [rec.randn(3, 2), torch.zeros(0, dtype=torch.int64)],
             name="zero.indexSelect no indices")
    rec.case("zero.gather", lambda x, i: torch.gather(x, 1, i), [rec.randn(3, 2), torch.zeros(3, 0, dtype=torch.int64)],
             name="zero.gather an empty index")
    rec.case("zero.scatterAdd", lambda x, i, s: x.scatter_add(0, i, s), [rec.randn(3, 2), torch.zeros(0, 2, dtype=torch.int64),
             torch.zeros(0, 2, dtype=torch.float64)], name="zero.scatterAdd nothing scattered")
    rec.case("zero.oneHot", lambda i: F.one_hot(i, 4), [torch.zeros(0, dtype=torch.int64)], grad=[], name="zero.oneHot no labels")
    rec.case("zero.upsample", lambda x: F.interpolate(x, scale_factor=2), [torch.zeros(0, 2, 3, 3, dtype=torch.float64)],
             name="zero.upsample empty batch")
