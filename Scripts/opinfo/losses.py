"""Losses and distances: KL divergence, Poisson and Gaussian NLL, soft margin and multi-label soft
margin, hinge embedding, margin ranking, cosine embedding, triplet margin, multi-class and
multi-label margin losses; cosine similarity, pairwise distance and cdist; and the regression
losses (MSE, L1, Huber, smooth L1) for broadcasting and empty batches.

Every reduction mode, broadcasting where PyTorch broadcasts, zero-sized batches (the mean of
nothing is NaN), NaN and infinity, the subgradients PyTorch gives at kinks (zero distances, ties,
hinges at exactly 0), refusals, and float16/bfloat16 where PyTorch's CPU computes them. Apus
computes the 16-bit types in float32 with one rounding at the end, where PyTorch rounds after each
step of its composite losses: those cases carry the tolerance that difference needs (measured here
against PyTorch's own float32 result rounded once)."""
import math

import torch
import torch.nn.functional as F

SEED = 2312085

HALF = [torch.float16, torch.bfloat16]


def build(rec):
    # JSON has no infinities: a non-finite argument is stored as the string "inf", "-inf" or "nan"
    # (OpArgs reads those as numbers) and turned back into a float for the PyTorch call.
    plain_case = rec.case

    def case(op, fn, inputs, args=None, **kw):
        args = dict(args or {})
        if not any(isinstance(v, float) and not math.isfinite(v) for v in args.values()):
            return plain_case(op, fn, inputs, args=args, **kw)
        stored = {k: str(v) if isinstance(v, float) and not math.isfinite(v) else v for k, v in args.items()}
        call = lambda *xs, **a: fn(*xs, **{k: float(v) if v in ("inf", "-inf", "nan") else v for k, v in a.items()})
        return plain_case(op, call, inputs, args=stored, **kw)

    rec.case = case

    def reduced_case(op, fn, inputs, args=None, name=None):
        """A float16/bfloat16 case whose absolute tolerance covers PyTorch's per-step rounding: twice
        the largest distance between PyTorch's result and its float32 result rounded once (the
        relative tolerance stays the dtype's default)."""
        args = dict(args or {})
        dtype = next(t.dtype for t in inputs if isinstance(t, torch.Tensor) and t.dtype in HALF)
        got = fn(*inputs, **args)
        wide = fn(*[t.float() if isinstance(t, torch.Tensor) and t.dtype in HALF else t for t in inputs], **args).to(dtype)
        finite = torch.isfinite(got.double()) & torch.isfinite(wide.double())
        gap = (got.double() - wide.double()).abs()[finite]
        atol = max(1e-5, 2 * float(gap.max())) if gap.numel() else 1e-5
        rec.case(op, fn, inputs, args=args, grad=[], name=name, atol=float(f"{atol:.2g}"))

    def reductions(op, fn, inputs, extra=None, modes=("mean", "sum", "none"), **kw):
        for mode in modes:
            rec.case(op, fn, inputs, args={**(extra or {}), "reduction": mode}, **kw)

    def log_probs(*shape, dtype=torch.float64):
        return torch.log_softmax(rec.randn(*shape), dim=-1).to(dtype)

    def probs(*shape, dtype=torch.float64):
        return torch.softmax(rec.randn(*shape), dim=-1).to(dtype)

    def signs(*shape, dtype=torch.float64):
        return (rec.randint(0, 2, *shape) * 2 - 1).to(dtype)

    nan, inf = float("nan"), float("inf")

    # ------------------------------------------------------------ kl_div
    kl = lambda x, t, **kw: F.kl_div(x, t, **kw)
    reductions("klDiv", kl, [log_probs(3, 4), probs(3, 4)], extra={"log_target": False},
               modes=("mean", "batchmean", "sum", "none"))
    reductions("klDiv", kl, [log_probs(3, 4), log_probs(3, 4)], extra={"log_target": True},
               modes=("mean", "batchmean", "sum", "none"))
    rec.case("klDiv", kl, [log_probs(5, 6, dtype=torch.float32), probs(5, 6, dtype=torch.float32)],
             args={"reduction": "batchmean"})
    rec.case("klDiv", kl, [log_probs(5, 6, dtype=torch.float32), log_probs(5, 6, dtype=torch.float32)],
             args={"reduction": "mean", "log_target": True})
    rec.case("klDiv", kl, [log_probs(3, 4), probs(4)], args={"reduction": "none"}, broadcast=True,
             name="klDiv broadcast target [4] against [3, 4]")
    rec.case("klDiv", kl, [log_probs(4, dtype=torch.float32), probs(2, 4, dtype=torch.float32)],
             args={"reduction": "batchmean"}, name="klDiv broadcast input [4] against [2, 4], batchmean divides by 4")
    for mode in ("mean", "batchmean", "sum", "none"):
        rec.case("klDiv", kl, [torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0, 4, dtype=torch.float64)],
                 args={"reduction": mode}, name=f"klDiv empty batch {mode}")
    rec.case("klDiv", kl, [rec.randn(5), torch.tensor([0.0, 0.5, -1.0, nan, 1.0], dtype=torch.float64)],
             args={"reduction": "none"}, gradcheck=False, name="klDiv targets 0, negative and NaN")
    rec.case("klDiv", kl, [rec.randn(5), torch.tensor([0.0, -inf, 0.5, inf, nan], dtype=torch.float64)],
             args={"reduction": "none", "log_target": True}, gradcheck=False, name="klDiv log targets 0, ±inf and NaN")
    rec.case("klDiv", kl, [torch.tensor(-0.7, dtype=torch.float64), torch.tensor(0.4, dtype=torch.float64)],
             args={"reduction": "batchmean"}, name="klDiv 0-d batchmean is the sum")
    rec.case("klDiv", kl, [log_probs(3, 4, dtype=torch.float32), probs(3, 4)], args={"reduction": "sum"},
             name="klDiv float32 input float64 target")
    rec.case("klDiv", kl, [log_probs(3, 4), torch.tensor([[0, 1, 0, 0]] * 3)], args={"reduction": "sum"},
             name="klDiv int64 target refused")
    rec.case("klDiv", kl, [log_probs(3, 4), probs(3, 5)], args={"reduction": "sum"}, name="klDiv shapes do not broadcast")
    for dtype in HALF:
        reduced_case("klDiv", kl, [log_probs(4, 5, dtype=dtype), probs(4, 5, dtype=dtype)], args={"reduction": "batchmean"})
        reduced_case("klDiv", kl, [log_probs(4, 5, dtype=dtype), log_probs(4, 5, dtype=dtype)],
                     args={"reduction": "none", "log_target": True})

    # ------------------------------------------------------------ poisson_nll_loss
    pnll = lambda x, t, **kw: F.poisson_nll_loss(x, t, **kw)
    counts = lambda *s, dtype=torch.float64: rec.randint(0, 6, *s).to(dtype)
    reductions("poissonNLLLoss", pnll, [rec.randn(3, 4), counts(3, 4)])
    reductions("poissonNLLLoss", pnll, [rec.rand(3, 4, low=0.2, high=3.0), rec.rand(3, 4, low=1.2, high=6.0)],
               extra={"log_input": False, "full": True})
    rec.case("poissonNLLLoss", pnll, [rec.randn(3, 4), rec.rand(3, 4, low=0.1, high=0.9)],
             args={"full": True, "reduction": "sum"}, name="poissonNLLLoss full, targets below 1 (no Stirling term)")
    rec.case("poissonNLLLoss", pnll, [torch.tensor([0.0, 0.5, 2.0, 0.0], dtype=torch.float64),
                                      torch.tensor([0.0, 1.0, 3.0, 2.0], dtype=torch.float64)],
             args={"log_input": False, "full": True, "eps": 1e-3, "reduction": "none"}, gradcheck=False,
             name="poissonNLLLoss rate 0 uses eps, target 0 and 1")
    rec.case("poissonNLLLoss", pnll, [rec.randn(3, 4), counts(4)], args={"reduction": "none"}, broadcast=True,
             name="poissonNLLLoss broadcast target [4]")
    rec.case("poissonNLLLoss", pnll, [rec.randn(6, 5, dtype=torch.float32), counts(6, 5, dtype=torch.float32)],
             args={"full": True})
    rec.case("poissonNLLLoss", pnll, [rec.randn(4, dtype=torch.float32), torch.tensor([0, 1, 2, 7])],
             args={"reduction": "none"}, name="poissonNLLLoss int64 target")
    for mode in ("mean", "sum", "none"):
        rec.case("poissonNLLLoss", pnll, [torch.zeros(2, 0, dtype=torch.float64), torch.zeros(2, 0, dtype=torch.float64)],
                 args={"reduction": mode}, name=f"poissonNLLLoss empty {mode}")
    rec.case("poissonNLLLoss", pnll, [torch.tensor([nan, inf, -inf, 1.0], dtype=torch.float64),
                                      torch.tensor([1.0, 2.0, 3.0, nan], dtype=torch.float64)],
             args={"reduction": "none"}, grad=[], name="poissonNLLLoss NaN and infinities")
    rec.case("poissonNLLLoss", pnll, [rec.randn(3, 4), counts(3)], name="poissonNLLLoss shapes do not broadcast")
    for dtype in HALF:
        reduced_case("poissonNLLLoss", pnll, [rec.randn(4, 5, dtype=dtype), counts(4, 5, dtype=dtype)],
                     args={"full": True, "reduction": "none"})

    # ------------------------------------------------------------ gaussian_nll_loss
    gnll = lambda x, t, v, **kw: F.gaussian_nll_loss(x, t, v, **kw)
    reductions("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(3, 4), rec.rand(3, 4, low=0.2, high=2.0)])
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(3, 4), rec.rand(3, 4, low=0.2, high=2.0)],
             args={"full": True, "reduction": "sum"})
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(3, 4), rec.rand(3, low=0.2, high=2.0)],
             args={"reduction": "none"}, broadcast=True, name="gaussianNLLLoss variance [3] per row of [3, 4]")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(3, 4), rec.rand(3, 1, low=0.2, high=2.0)],
             args={"reduction": "mean"}, broadcast=True, name="gaussianNLLLoss variance [3, 1]")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(2, 3, 4), rec.randn(2, 3, 4), rec.rand(2, 1, 4, low=0.2, high=2.0)],
             args={"reduction": "sum"}, name="gaussianNLLLoss variance [2, 1, 4] shared along axis 1")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(3, 4), rec.rand(1, 4, low=0.2, high=2.0)],
             args={"reduction": "none"}, broadcast=True, name="gaussianNLLLoss variance [1, 4]")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(4), rec.randn(4), torch.tensor(0.7, dtype=torch.float64)],
             args={"reduction": "none"}, name="gaussianNLLLoss 1-d input, 0-d variance")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(4), rec.rand(3, 4, low=0.2, high=2.0)],
             args={"reduction": "none"}, broadcast=True, name="gaussianNLLLoss target [4] broadcasts")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3), rec.randn(3), torch.tensor([1e-9, 0.0, 2.0], dtype=torch.float64)],
             args={"reduction": "none", "eps": 1e-4}, gradcheck=False,
             name="gaussianNLLLoss variance below eps is clamped, gradient passes")
    rec.case("gaussianNLLLoss", lambda x, t, **kw: F.gaussian_nll_loss(x, t, **kw), [rec.randn(3, 4), rec.randn(3, 4)],
             args={"var": 0.5, "reduction": "mean"}, name="gaussianNLLLoss float variance")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(5, 3, dtype=torch.float32), rec.randn(5, 3, dtype=torch.float32),
                                       rec.rand(5, 3, low=0.1, high=2.0, dtype=torch.float32)], args={"full": True})
    for mode in ("mean", "sum", "none"):
        rec.case("gaussianNLLLoss", gnll, [torch.zeros(0, 3, dtype=torch.float64), torch.zeros(0, 3, dtype=torch.float64),
                                           torch.ones(0, 3, dtype=torch.float64)],
                 args={"reduction": mode}, name=f"gaussianNLLLoss empty {mode}")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(3, 4), torch.tensor([[-1.0]], dtype=torch.float64).expand(3, 4)],
             name="gaussianNLLLoss negative variance")
    rec.case("gaussianNLLLoss", lambda x, t, **kw: F.gaussian_nll_loss(x, t, **kw), [rec.randn(3), rec.randn(3)],
             args={"var": -0.5}, name="gaussianNLLLoss negative float variance")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(3, 4), rec.rand(4, low=0.2, high=2.0)],
             name="gaussianNLLLoss variance [4] fits no rule")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(3, 4), rec.rand(1, 1, low=0.2, high=2.0)],
             name="gaussianNLLLoss variance [1, 1] differs in two axes")
    rec.case("gaussianNLLLoss", gnll, [rec.randn(3, 4), rec.randn(2, 4), rec.rand(3, 4, low=0.2, high=2.0)],
             name="gaussianNLLLoss target does not broadcast")
    for dtype in HALF:
        reduced_case("gaussianNLLLoss", gnll, [rec.randn(4, 5, dtype=dtype), rec.randn(4, 5, dtype=dtype),
                                               rec.rand(4, 5, low=0.2, high=2.0, dtype=dtype)], args={"reduction": "none"})

    # ------------------------------------------------------------ soft_margin_loss
    sml = lambda x, t, **kw: F.soft_margin_loss(x, t, **kw)
    reductions("softMarginLoss", sml, [rec.randn(3, 4), signs(3, 4)], grad=[0])
    rec.case("softMarginLoss", sml, [rec.randn(3, 4, dtype=torch.float32), signs(4, dtype=torch.float32)],
             args={"reduction": "none"}, grad=[0], name="softMarginLoss target [4] broadcasts to [3, 4]")
    rec.case("softMarginLoss", sml, [rec.randn(5, dtype=torch.float32), torch.tensor([1, -1, 1, 1, -1])],
             args={"reduction": "sum"}, grad=[0], name="softMarginLoss int64 target")
    rec.case("softMarginLoss", sml, [rec.randn(3, 4, scale=20.0), signs(3, 4)], args={"reduction": "none"}, grad=[0],
             name="softMarginLoss scores up to ±60")
    rec.case("softMarginLoss", sml, [torch.zeros(0, 3, dtype=torch.float64), torch.zeros(0, 3, dtype=torch.float64)],
             grad=[0], name="softMarginLoss empty mean")
    rec.case("softMarginLoss", sml, [rec.randn(2), signs(2, 1)], grad=[0], name="softMarginLoss target widens the input")
    for dtype in HALF:
        reduced_case("softMarginLoss", sml, [rec.randn(4, 5, dtype=dtype), signs(4, 5, dtype=dtype)], args={"reduction": "none"})

    # ------------------------------------------------------------ multilabel_soft_margin_loss
    mlsm = lambda x, t, w, **kw: F.multilabel_soft_margin_loss(x, t, weight=w, **kw)
    binary = lambda *s, dtype=torch.float64: rec.randint(0, 2, *s).to(dtype)
    reductions("multilabelSoftMarginLoss", mlsm, [rec.randn(3, 4), binary(3, 4), None])
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(3, 4), rec.rand(3, 4), rec.rand(4, low=0.5, high=2.0)],
             args={"reduction": "none"}, broadcast=True, name="multilabelSoftMarginLoss class weights, soft targets")
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(4), binary(4), None], args={"reduction": "none"},
             name="multilabelSoftMarginLoss one sample [4]")
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(2, 3, 4), binary(2, 3, 4), None], args={"reduction": "none"},
             name="multilabelSoftMarginLoss [2, 3, 4]: classes last")
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(3, 4), binary(4), None], args={"reduction": "none"}, broadcast=True,
             name="multilabelSoftMarginLoss target [4] broadcasts")
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(4), binary(3, 4), None], args={"reduction": "none"},
             name="multilabelSoftMarginLoss input [4], target [3, 4]: sums over axis 0 as PyTorch")
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(3, 4), binary(3, 4), rec.rand(3, 1)], args={"reduction": "sum"},
             name="multilabelSoftMarginLoss weight [3, 1]")
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(6, 5, dtype=torch.float32), binary(6, 5, dtype=torch.float32), None])
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(3, 4, dtype=torch.float32), torch.tensor([[1, 0, 0, 1]] * 3), None],
             args={"reduction": "none"}, name="multilabelSoftMarginLoss int64 target")
    rec.case("multilabelSoftMarginLoss", mlsm, [torch.tensor([[-200.0, 200.0, 0.0]], dtype=torch.float32),
                                                torch.tensor([[1.0, 0.0, 1.0]], dtype=torch.float32), None],
             args={"reduction": "none"}, name="multilabelSoftMarginLoss scores ±200")
    rec.case("multilabelSoftMarginLoss", mlsm, [torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0, 4, dtype=torch.float64), None],
             name="multilabelSoftMarginLoss empty batch mean")
    rec.case("multilabelSoftMarginLoss", mlsm, [torch.zeros(3, 0, dtype=torch.float64), torch.zeros(3, 0, dtype=torch.float64), None],
             args={"reduction": "none"}, name="multilabelSoftMarginLoss no classes")
    rec.case("multilabelSoftMarginLoss", mlsm, [torch.tensor(1.0, dtype=torch.float64), torch.tensor(1.0, dtype=torch.float64), None],
             name="multilabelSoftMarginLoss 0-d input")
    rec.case("multilabelSoftMarginLoss", mlsm, [rec.randn(3, 4), binary(3, 4), rec.rand(3)],
             name="multilabelSoftMarginLoss weight [3] does not broadcast")
    for dtype in HALF:
        reduced_case("multilabelSoftMarginLoss", mlsm, [rec.randn(4, 5, dtype=dtype), binary(4, 5, dtype=dtype), None],
                     args={"reduction": "none"})

    # ------------------------------------------------------------ hinge_embedding_loss
    hel = lambda x, t, **kw: F.hinge_embedding_loss(x, t, **kw)
    reductions("hingeEmbeddingLoss", hel, [rec.rand(3, 4, low=0.0, high=3.0), signs(3, 4)], grad=[0])
    rec.case("hingeEmbeddingLoss", hel, [rec.rand(3, 4, low=-1.0, high=3.0), signs(3, 4)],
             args={"margin": 2.5, "reduction": "sum"}, grad=[0])
    rec.case("hingeEmbeddingLoss", hel, [rec.randn(4, dtype=torch.float32), torch.tensor([1.0, -1.0, 0.0, 2.0])],
             args={"reduction": "none"}, grad=[0], name="hingeEmbeddingLoss labels 0 and 2 get both terms")
    rec.case("hingeEmbeddingLoss", hel, [rec.rand(3, 2, high=2.0), signs(2)], args={"reduction": "none"}, grad=[0],
             broadcast=True, name="hingeEmbeddingLoss target [2] broadcasts")
    rec.case("hingeEmbeddingLoss", hel, [rec.rand(2, dtype=torch.float32), torch.tensor([[1], [-1]])],
             args={"reduction": "none"}, grad=[0], name="hingeEmbeddingLoss int64 target [2, 1] widens")
    rec.case("hingeEmbeddingLoss", hel, [torch.tensor([1.0, 0.5, 2.0, 1.0], dtype=torch.float64),
                                         torch.tensor([1.0, -1.0, -1.0, -1.0], dtype=torch.float64)],
             args={"reduction": "sum"}, grad=[0], gradcheck=False, name="hingeEmbeddingLoss at the margin")
    rec.case("hingeEmbeddingLoss", hel, [torch.zeros(0, dtype=torch.float64), torch.zeros(0, dtype=torch.float64)],
             grad=[0], name="hingeEmbeddingLoss empty mean")
    rec.case("hingeEmbeddingLoss", hel, [rec.randn(3), signs(2)], grad=[0], name="hingeEmbeddingLoss shapes do not broadcast")
    for dtype in HALF:
        reduced_case("hingeEmbeddingLoss", hel, [rec.rand(4, 5, high=2.0, dtype=dtype), signs(4, 5, dtype=dtype)],
                     args={"reduction": "none"})

    # ------------------------------------------------------------ margin_ranking_loss
    mrl = lambda a, b, y, **kw: F.margin_ranking_loss(a, b, y, **kw)
    reductions("marginRankingLoss", mrl, [rec.randn(5), rec.randn(5), signs(5)])
    rec.case("marginRankingLoss", mrl, [rec.randn(2, 3), rec.randn(2, 3), signs(2, 3)], args={"margin": 0.5, "reduction": "none"})
    rec.case("marginRankingLoss", mrl, [rec.randn(4), rec.randn(1), signs(4)], args={"reduction": "none"}, broadcast=True,
             name="marginRankingLoss input2 [1] broadcasts")
    rec.case("marginRankingLoss", mrl, [rec.randn(6, dtype=torch.float32), rec.randn(6, dtype=torch.float32),
                                        torch.tensor([1, -1, 1, 1, -1, -1])], args={"margin": 0.2},
             name="marginRankingLoss int64 target")
    rec.case("marginRankingLoss", mrl, [torch.tensor([1.0, 2.0, 0.5], dtype=torch.float64), torch.tensor([1.0, 3.0, 0.5], dtype=torch.float64),
                                        torch.tensor([1.0, 1.0, -1.0], dtype=torch.float64)],
             args={"reduction": "sum"}, gradcheck=False, name="marginRankingLoss at the hinge")
    rec.case("marginRankingLoss", mrl, [torch.zeros(0, dtype=torch.float64)] * 3, name="marginRankingLoss empty mean")
    rec.case("marginRankingLoss", mrl, [rec.randn(3), rec.randn(3, 1), signs(3)], name="marginRankingLoss ranks differ")
    for dtype in HALF:
        reduced_case("marginRankingLoss", mrl, [rec.randn(6, dtype=dtype), rec.randn(6, dtype=dtype), signs(6, dtype=dtype)],
                     args={"reduction": "none", "margin": 0.1})

    # ------------------------------------------------------------ cosine_embedding_loss
    cel = lambda a, b, y, **kw: F.cosine_embedding_loss(a, b, y, **kw)
    reductions("cosineEmbeddingLoss", cel, [rec.randn(3, 4), rec.randn(3, 4), torch.tensor([1, -1, -1])], grad=[0, 1])
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(4, 3), rec.randn(4, 3), torch.tensor([1.0, -1.0, -1.0, 1.0], dtype=torch.float64)],
             args={"margin": -0.3, "reduction": "none"}, grad=[0, 1])
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(5), rec.randn(5), torch.tensor(-1)], args={"margin": -0.5}, grad=[0, 1],
             name="cosineEmbeddingLoss one pair, 0-d target")
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(3, 4), rec.randn(1, 4), torch.tensor([1, -1, 1])],
             args={"reduction": "none"}, grad=[0, 1], broadcast=True, name="cosineEmbeddingLoss input2 [1, 4] broadcasts")
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(3, 4, dtype=torch.float32), rec.randn(3, 4, dtype=torch.float32),
                                          torch.tensor([1, 0, 2])], args={"reduction": "none"}, grad=[0, 1],
             name="cosineEmbeddingLoss labels 0 and 2 cost nothing")
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(3, 4, dtype=torch.float32), rec.randn(3, 4, dtype=torch.float32),
                                          torch.tensor([True, False, True])], grad=[0, 1], name="cosineEmbeddingLoss bool target")
    rec.case("cosineEmbeddingLoss", cel, [torch.zeros(2, 3, dtype=torch.float64), rec.randn(2, 3), torch.tensor([1, -1])],
             args={"margin": -0.5, "reduction": "none"}, grad=[0, 1], gradcheck=False, name="cosineEmbeddingLoss zero vectors")
    rec.case("cosineEmbeddingLoss", cel, [torch.tensor([[1, 2, 3], [0, 1, 0]]), torch.tensor([[1, 0, 1], [0, 2, 0]]),
                                          torch.tensor([1, -1])], args={"reduction": "none"}, name="cosineEmbeddingLoss int64 inputs")
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(8, 5, dtype=torch.float32), rec.randn(8, 5, dtype=torch.float32),
                                          signs(8, dtype=torch.float32)], args={"margin": 0.1}, grad=[0, 1])
    rec.case("cosineEmbeddingLoss", cel, [torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0, 4, dtype=torch.float64),
                                          torch.zeros(0, dtype=torch.int64)], grad=[0, 1], name="cosineEmbeddingLoss empty mean")
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(2, 3, 4), rec.randn(2, 3, 4), torch.ones(2, 3)], grad=[0, 1],
             name="cosineEmbeddingLoss 2-d target refused")
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(4), rec.randn(4), torch.tensor([1])], grad=[0, 1],
             name="cosineEmbeddingLoss 1-d target with 1-d inputs")
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(3, 4), rec.randn(3, 5), torch.ones(3)], grad=[0, 1],
             name="cosineEmbeddingLoss embedding sizes differ")
    rec.case("cosineEmbeddingLoss", cel, [rec.randn(3, 4), rec.randn(3, 4), torch.ones(2)], grad=[0, 1],
             name="cosineEmbeddingLoss target length differs")
    for dtype in HALF:
        reduced_case("cosineEmbeddingLoss", cel, [rec.randn(4, 5, dtype=dtype), rec.randn(4, 5, dtype=dtype),
                                                  torch.tensor([1, -1, 1, -1])], args={"reduction": "none"})

    # ------------------------------------------------------------ triplet_margin_loss
    tml = lambda anchor, positive, negative, **kw: F.triplet_margin_loss(anchor, positive, negative, **kw)
    reductions("tripletMarginLoss", tml, [rec.randn(3, 3), rec.randn(3, 3), rec.randn(3, 3)], extra={"margin": 2.0})
    rec.case("tripletMarginLoss", tml, [rec.randn(3, 3), rec.randn(3, 3), rec.randn(3, 3)],
             args={"p": 1.0, "swap": True, "margin": 1.5, "reduction": "none"})
    rec.case("tripletMarginLoss", tml, [rec.randn(3, 3), rec.randn(3, 3), rec.randn(3, 3)],
             args={"p": 3.0, "eps": 0.0, "margin": 2.0, "reduction": "none"})
    rec.case("tripletMarginLoss", tml, [rec.randn(4), rec.randn(4), rec.randn(4)], args={"margin": 3.0, "reduction": "none"},
             name="tripletMarginLoss one triplet [4]")
    rec.case("tripletMarginLoss", tml, [rec.randn(3, 3), rec.randn(1, 3), rec.randn(3, 3)],
             args={"margin": 2.0, "swap": True, "reduction": "none"}, broadcast=True, name="tripletMarginLoss positive [1, 3] broadcasts")
    rec.case("tripletMarginLoss", tml, [rec.randn(8, 5, dtype=torch.float32), rec.randn(8, 5, dtype=torch.float32),
                                        rec.randn(8, 5, dtype=torch.float32)])
    rec.case("tripletMarginLoss", tml, [rec.randn(2, 3, 4, dtype=torch.float32), rec.randn(2, 3, 4, dtype=torch.float32),
                                        rec.randn(2, 3, 4, dtype=torch.float32)], args={"reduction": "none", "p": float("inf")},
             name="tripletMarginLoss [2, 3, 4] inf-norm")
    rec.case("tripletMarginLoss", tml, [torch.zeros(0, 3, dtype=torch.float64)] * 3, name="tripletMarginLoss empty mean")
    rec.case("tripletMarginLoss", tml, [rec.randn(3, 4), rec.randn(4), rec.randn(3, 4)], name="tripletMarginLoss ranks differ")
    rec.case("tripletMarginLoss", tml, [rec.randn(3, 4), rec.randn(3, 4), rec.randn(3, 4)], args={"margin": 0.0},
             name="tripletMarginLoss margin 0 refused")
    for dtype in HALF:
        reduced_case("tripletMarginLoss", tml, [rec.randn(4, 5, dtype=dtype), rec.randn(4, 5, dtype=dtype),
                                                rec.randn(4, 5, dtype=dtype)], args={"reduction": "none"})

    # ------------------------------------------------------------ multi_margin_loss
    mml = lambda x, t, w, **kw: F.multi_margin_loss(x, t, weight=w, **kw)
    reductions("multiMarginLoss", mml, [rec.randn(3, 4), torch.tensor([0, 3, 1]), None], grad=[0])
    rec.case("multiMarginLoss", mml, [rec.randn(3, 4), torch.tensor([2, 2, 0]), rec.rand(4, low=0.5, high=2.0)],
             args={"p": 2, "margin": 0.7, "reduction": "none"}, grad=[0], name="multiMarginLoss p 2, margin, class weights")
    rec.case("multiMarginLoss", mml, [rec.randn(3, 4), torch.tensor([1, 0, 3]), rec.rand(4, low=0.5, high=2.0)],
             args={"reduction": "mean"}, grad=[0], name="multiMarginLoss class weights mean")
    rec.case("multiMarginLoss", mml, [rec.randn(5), torch.tensor(2), None], args={"reduction": "none"}, grad=[0],
             name="multiMarginLoss one sample, 0-d target")
    rec.case("multiMarginLoss", mml, [rec.randn(5), torch.tensor([4]), None], args={"reduction": "none"}, grad=[0],
             name="multiMarginLoss one sample, target [1]")
    rec.case("multiMarginLoss", mml, [torch.tensor(0.3, dtype=torch.float64), torch.tensor(0), None], grad=[0],
             name="multiMarginLoss 0-d input")
    rec.case("multiMarginLoss", mml, [rec.randn(8, 6, dtype=torch.float32), rec.randint(0, 6, 8), None],
             args={"margin": 2.0}, grad=[0])
    rec.case("multiMarginLoss", mml, [rec.randn(8, 6, dtype=torch.float32), rec.randint(0, 6, 8), rec.rand(6, dtype=torch.float32)],
             args={"p": 2, "reduction": "sum"}, grad=[0])
    rec.case("multiMarginLoss", mml, [torch.tensor([[1.0, 0.0, 2.0], [1.0, 1.5, -0.5]], dtype=torch.float64), torch.tensor([0, 1]), None],
             args={"reduction": "none"}, grad=[0], gradcheck=False, name="multiMarginLoss hinge exactly 0")
    rec.case("multiMarginLoss", mml, [torch.tensor([[nan, 0.0, 2.0], [1.0, nan, 2.0]]), torch.tensor([0, 0]), None],
             args={"reduction": "none"}, grad=[0], name="multiMarginLoss NaN scores drop out")
    rec.case("multiMarginLoss", mml, [torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0, dtype=torch.int64), None],
             args={"reduction": "none"}, grad=[0], name="multiMarginLoss empty batch none")
    bad = [("p 3", [rec.randn(3, 4), torch.tensor([0, 1, 2]), None], {"p": 3}),
           ("target out of range", [rec.randn(3, 4), torch.tensor([0, 4, 1]), None], {}),
           ("negative target", [rec.randn(3, 4), torch.tensor([0, -1, 1]), None], {}),
           ("target length differs", [rec.randn(3, 4), torch.tensor([0, 1]), None], {}),
           ("2-d target", [rec.randn(3, 4), torch.tensor([[0], [1], [2]]), None], {}),
           ("float target", [rec.randn(3, 4), torch.tensor([0.0, 1.0, 2.0]), None], {}),
           ("int32 target", [rec.randn(3, 4), torch.tensor([0, 1, 2], dtype=torch.int32), None], {}),
           ("weight size", [rec.randn(3, 4), torch.tensor([0, 1, 2]), torch.ones(3, dtype=torch.float64)], {}),
           ("2-d weight", [rec.randn(3, 4), torch.tensor([0, 1, 2]), torch.ones(1, 4, dtype=torch.float64)], {}),
           ("weight dtype", [rec.randn(3, 4), torch.tensor([0, 1, 2]), torch.ones(4, dtype=torch.float32)], {}),
           ("3-d input", [rec.randn(2, 3, 4), torch.tensor([0, 1]), None], {}),
           ("no classes", [torch.zeros(3, 0, dtype=torch.float64), torch.tensor([0, 0, 0]), None], {}),
           ("int64 input", [torch.ones(3, 4, dtype=torch.int64), torch.tensor([0, 1, 2]), None], {}),
           ("float16 input", [rec.randn(3, 4, dtype=torch.float16), torch.tensor([0, 1, 2]), None], {})]
    for label, inputs, args in bad:
        rec.case("multiMarginLoss", mml, inputs, args=args, grad=[], name=f"multiMarginLoss {label} refused")

    # ------------------------------------------------------------ multilabel_margin_loss
    mlm = lambda x, t, **kw: F.multilabel_margin_loss(x, t, **kw)
    lists = torch.tensor([[3, 0, -1, 1], [1, 2, 3, 0], [-1, 2, 2, 2]])
    reductions("multilabelMarginLoss", mlm, [rec.randn(3, 4), lists])
    rec.case("multilabelMarginLoss", mlm, [rec.randn(2, 4), torch.tensor([[3, 3, 0, -1], [2, -1, 0, 0]])],
             args={"reduction": "none"}, name="multilabelMarginLoss repeated target counts twice")
    rec.case("multilabelMarginLoss", mlm, [rec.randn(4), torch.tensor([2, 0, -1, 3])], args={"reduction": "none"},
             name="multilabelMarginLoss one sample [4]")
    rec.case("multilabelMarginLoss", mlm, [torch.tensor(0.2, dtype=torch.float64), torch.tensor(0)],
             name="multilabelMarginLoss 0-d input")
    rec.case("multilabelMarginLoss", mlm, [rec.randn(6, 5, dtype=torch.float32), torch.tensor([[4, 1, -1, 0, 0]] * 3 + [[0, 1, 2, 3, 4]] * 3)],
             args={"reduction": "sum"})
    rec.case("multilabelMarginLoss", mlm, [rec.randn(6, 5, dtype=torch.float32), torch.tensor([[2, -1, 0, 0, 0]] * 6)])
    rec.case("multilabelMarginLoss", mlm, [torch.tensor([[0.0, 1.0, 0.5, 0.8]], dtype=torch.float64), torch.tensor([[1, -1, 0, 0]])],
             args={"reduction": "sum"}, gradcheck=False, name="multilabelMarginLoss hinge exactly 0")
    rec.case("multilabelMarginLoss", mlm, [torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0, 4, dtype=torch.int64)],
             args={"reduction": "none"}, name="multilabelMarginLoss empty batch none")
    bad = [("target above range", [rec.randn(2, 4), torch.tensor([[4, -1, 0, 0], [0, -1, 0, 0]])]),
           ("target below -1", [rec.randn(2, 4), torch.tensor([[-2, -1, 0, 0], [0, -1, 0, 0]])]),
           ("out of range after -1", [rec.randn(2, 4), torch.tensor([[0, -1, 7, 0], [0, -1, 0, 0]])]),
           ("target shape", [rec.randn(2, 4), torch.tensor([[0, -1, 0], [0, -1, 0]])]),
           ("3-d input", [rec.randn(2, 4, 1), torch.zeros(2, 4, 1, dtype=torch.int64)]),
           ("no classes", [torch.zeros(3, 0, dtype=torch.float64), torch.zeros(3, 0, dtype=torch.int64)]),
           ("int32 target", [rec.randn(1, 4), torch.tensor([[-1, 0, 1, 2]], dtype=torch.int32)]),
           ("bfloat16 input", [rec.randn(1, 4, dtype=torch.bfloat16), torch.tensor([[1, -1, 0, 0]])])]
    for label, inputs in bad:
        rec.case("multilabelMarginLoss", mlm, inputs, name=f"multilabelMarginLoss {label} refused")

    # ------------------------------------------------------------ cosine_similarity
    cs = lambda a, b, **kw: F.cosine_similarity(a, b, **kw)
    rec.case("cosineSimilarity", cs, [rec.randn(3, 4), rec.randn(3, 4)])
    rec.case("cosineSimilarity", cs, [rec.randn(3, 4), rec.randn(3, 4)], args={"dim": 0})
    rec.case("cosineSimilarity", cs, [rec.randn(2, 3, 4), rec.randn(2, 3, 4)], args={"dim": -1})
    rec.case("cosineSimilarity", cs, [rec.randn(2, 1, 3), rec.randn(4, 3)], args={"dim": -1}, broadcast=True,
             name="cosineSimilarity [2, 1, 3] against [4, 3]")
    rec.case("cosineSimilarity", cs, [rec.randn(3, 1, 4, dtype=torch.float32), rec.randn(5, 4, dtype=torch.float32)],
             args={"dim": 2}, name="cosineSimilarity broadcast float32")
    rec.case("cosineSimilarity", cs, [rec.randn(6, 8, dtype=torch.float32), rec.randn(6, 8, dtype=torch.float32)])
    rec.case("cosineSimilarity", cs, [rec.randn(4), rec.randn(4)], args={"dim": 0}, name="cosineSimilarity vectors")
    rec.case("cosineSimilarity", cs, [torch.tensor(2.0, dtype=torch.float64), torch.tensor(-3.0, dtype=torch.float64)],
             args={"dim": 0}, name="cosineSimilarity 0-d")
    rec.case("cosineSimilarity", cs, [torch.tensor([[0.0, 0.0, 0.0], [1e-9, 0.0, 0.0]], dtype=torch.float64), rec.randn(2, 3)],
             gradcheck=False, name="cosineSimilarity zero and tiny vectors")
    rec.case("cosineSimilarity", cs, [rec.randn(3, 4, scale=0.05), rec.randn(3, 4)], args={"eps": 0.5}, gradcheck=False,
             name="cosineSimilarity norms below eps are clamped, gradient passes")
    rec.case("cosineSimilarity", cs, [rec.randn(2, 3, scale=1e20), rec.randn(2, 3, scale=1e20)], gradcheck=False,
             name="cosineSimilarity large values")
    rec.case("cosineSimilarity", cs, [torch.tensor([[1, 2], [3, 0]]), rec.randn(2, 2)], name="cosineSimilarity int64 and float64")
    rec.case("cosineSimilarity", cs, [torch.tensor([[nan, 1.0], [inf, 1.0]]), torch.tensor([[1.0, 1.0], [1.0, 1.0]])], grad=[],
             name="cosineSimilarity NaN and inf")
    rec.case("cosineSimilarity", cs, [torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0, 4, dtype=torch.float64)],
             name="cosineSimilarity empty batch")
    rec.case("cosineSimilarity", cs, [torch.zeros(3, 0, dtype=torch.float64), torch.zeros(3, 0, dtype=torch.float64)],
             name="cosineSimilarity empty vectors")
    rec.case("cosineSimilarity", cs, [torch.tensor([[1, 2]]), torch.tensor([[3, 4]])], name="cosineSimilarity two int64 refused")
    rec.case("cosineSimilarity", cs, [rec.randn(2, 3), rec.randn(2, 3)], args={"dim": 2}, name="cosineSimilarity axis out of range")
    rec.case("cosineSimilarity", cs, [rec.randn(2, 3), rec.randn(2, 4)], name="cosineSimilarity shapes do not broadcast")
    for dtype in HALF:
        reduced_case("cosineSimilarity", cs, [rec.randn(4, 6, dtype=dtype), rec.randn(4, 6, dtype=dtype)])

    # ------------------------------------------------------------ pairwise_distance
    pd = lambda a, b, **kw: F.pairwise_distance(a, b, **kw)
    rec.case("pairwiseDistance", pd, [rec.randn(3, 4), rec.randn(3, 4)])
    for p in [0.0, 1.0, 1.5, 3.0, 0.5, -1.0, inf, -inf]:
        rec.case("pairwiseDistance", pd, [rec.randn(3, 4), rec.randn(3, 4)], args={"p": p})
    rec.case("pairwiseDistance", pd, [rec.randn(3, 4), rec.randn(3, 4)], args={"keepdim": True, "eps": 0.0})
    rec.case("pairwiseDistance", pd, [rec.randn(3, 4), rec.randn(4)], broadcast=True, name="pairwiseDistance [3, 4] against [4]")
    rec.case("pairwiseDistance", pd, [rec.randn(4), rec.randn(2, 4)], args={"p": 1.0}, broadcast=True,
             name="pairwiseDistance [4] against [2, 4]")
    rec.case("pairwiseDistance", pd, [rec.randn(3, 1), rec.randn(1, 4)], args={"keepdim": True}, broadcast=True,
             name="pairwiseDistance [3, 1] against [1, 4]")
    rec.case("pairwiseDistance", pd, [rec.randn(2, 3, 4, dtype=torch.float32), rec.randn(2, 3, 4, dtype=torch.float32)],
             args={"p": 3.0})
    rec.case("pairwiseDistance", pd, [rec.randn(4, 8, dtype=torch.float32), rec.randn(4, 8, dtype=torch.float32)])
    rec.case("pairwiseDistance", pd, [rec.randn(5), rec.randn(5)], name="pairwiseDistance vectors give 0-d")
    rec.case("pairwiseDistance", pd, [torch.tensor(1.0, dtype=torch.float64), torch.tensor(3.0, dtype=torch.float64)],
             args={"keepdim": True}, name="pairwiseDistance 0-d")
    same = rec.randn(2, 3)
    for p in [2.0, 1.0, 0.5, 1.5, 3.0, inf]:
        rec.case("pairwiseDistance", pd, [same, same.clone()], args={"p": p, "eps": 0.0}, gradcheck=False,
                 name=f"pairwiseDistance equal rows p {p}: zero subgradient")
    rec.case("pairwiseDistance", pd, [torch.tensor([[1.0, -2.0, 2.0], [0.5, 0.5, -0.5]], dtype=torch.float64),
                                      torch.zeros(2, 3, dtype=torch.float64)],
             args={"p": inf, "eps": 0.0}, gradcheck=False, name="pairwiseDistance inf-norm ties share the gradient")
    rec.case("pairwiseDistance", pd, [torch.tensor([[1.0, nan, 2.0], [inf, 0.0, 1.0]]), torch.zeros(2, 3)], grad=[],
             name="pairwiseDistance NaN and inf")
    rec.case("pairwiseDistance", pd, [torch.tensor([[1.0, nan, 2.0], [inf, 0.0, 1.0]]), torch.zeros(2, 3)],
             args={"p": inf}, grad=[], name="pairwiseDistance NaN and inf, inf-norm")
    rec.case("pairwiseDistance", pd, [torch.tensor([[1, 2], [3, 5]]), torch.tensor([[3, 4], [3, 4]])], name="pairwiseDistance int64")
    rec.case("pairwiseDistance", pd, [torch.zeros(0, 4, dtype=torch.float64), torch.zeros(0, 4, dtype=torch.float64)],
             name="pairwiseDistance empty batch")
    rec.case("pairwiseDistance", pd, [torch.zeros(3, 0, dtype=torch.float64), torch.zeros(3, 0, dtype=torch.float64)],
             name="pairwiseDistance empty vectors")
    rec.case("pairwiseDistance", pd, [torch.zeros(3, 0, dtype=torch.float64), torch.zeros(3, 0, dtype=torch.float64)],
             args={"p": inf}, name="pairwiseDistance inf-norm of empty vectors refused")
    rec.case("pairwiseDistance", pd, [rec.randn(3, 4), rec.randn(3, 5)], name="pairwiseDistance shapes do not broadcast")
    for dtype in HALF:
        reduced_case("pairwiseDistance", pd, [rec.randn(4, 6, dtype=dtype), rec.randn(4, 6, dtype=dtype)])

    # ------------------------------------------------------------ cdist
    cd = lambda a, b, **kw: torch.cdist(a, b, **kw)
    rec.case("cdist", cd, [rec.randn(3, 3), rec.randn(4, 3)])
    for p in [0.0, 1.0, 0.5, 1.5, 3.0, inf]:
        rec.case("cdist", cd, [rec.randn(2, 3), rec.randn(3, 3)], args={"p": p})
    rec.case("cdist", cd, [rec.randn(3, 3), rec.randn(4, 3)], args={"compute_mode": "use_mm_for_euclid_dist"},
             name="cdist through the matrix product")
    rec.case("cdist", cd, [rec.randn(2, 1, 2, 3), rec.randn(3, 2, 3)], broadcast=True, name="cdist batch [2, 1] against [3]")
    rec.case("cdist", cd, [rec.randn(2, 1, 2, 3), rec.randn(3, 2, 3)], args={"compute_mode": "use_mm_for_euclid_dist"},
             broadcast=True, name="cdist batch [2, 1] against [3] through the matrix product")
    rec.case("cdist", cd, [rec.randn(2, 3, 4, dtype=torch.float32), rec.randn(2, 5, 4, dtype=torch.float32)], args={"p": 1.0})
    rec.case("cdist", cd, [rec.randn(30, 2, dtype=torch.float32), rec.randn(2, 2, dtype=torch.float32)],
             name="cdist 30 rows: matrix product by default")
    rec.case("cdist", cd, [rec.randn(2, 3), rec.randn(26, 3)], name="cdist 26 rows in x2: matrix product by default")
    rec.case("cdist", cd, [rec.randn(30, 2, dtype=torch.float32), rec.randn(2, 2, dtype=torch.float32)],
             args={"compute_mode": "donot_use_mm_for_euclid_dist"}, name="cdist 30 rows without the matrix product")
    rec.case("cdist", cd, [rec.randn(25, 2, dtype=torch.float32), rec.randn(3, 2, dtype=torch.float32)],
             name="cdist 25 rows: differences")
    rec.case("cdist", cd, [rec.randn(2, 4, 3, dtype=torch.float32), rec.randn(1, 3, 3, dtype=torch.float32)], args={"p": 2.5},
             name="cdist batched p 2.5")
    x = rec.randn(2, 3)
    for p, mode in [(2.0, "donot_use_mm_for_euclid_dist"), (2.0, "use_mm_for_euclid_dist"), (1.0, None), (0.5, None),
                    (1.5, None), (3.0, None), (inf, None)]:
        args = {"p": p} if mode is None else {"p": p, "compute_mode": mode}
        rec.case("cdist", cd, [x, torch.cat([x[:1], rec.randn(1, 3)])], args=args, gradcheck=False,
                 name=f"cdist coinciding rows p {p}{' ' + mode if mode else ''}: zero subgradient")
    rec.case("cdist", cd, [torch.tensor([[1.0, -2.0, 2.0], [0.5, 0.0, 1.0]], dtype=torch.float64),
                           torch.tensor([[0.0, 0.0, 0.0], [1.0, 0.0, 3.0]], dtype=torch.float64)],
             args={"p": inf}, gradcheck=False, name="cdist inf-norm ties each get the full gradient")
    rec.case("cdist", cd, [torch.tensor([[nan, 2.0, 3.0], [1.0, inf, 3.0]]), torch.tensor([[1.0, 0.0, 3.0], [0.0, 0.0, 0.0]])],
             grad=[], name="cdist NaN and inf p 2")
    for p in [0.0, 1.0, 3.0, inf]:
        rec.case("cdist", cd, [torch.tensor([[nan, 2.0, 3.0], [1.0, inf, 3.0]]), torch.tensor([[1.0, 0.0, 3.0], [0.0, 0.0, 0.0]])],
                 args={"p": p}, grad=[], name=f"cdist NaN and inf p {p}")
    rec.case("cdist", cd, [torch.zeros(0, 4, dtype=torch.float64), rec.randn(3, 4)], name="cdist no rows in x1")
    rec.case("cdist", cd, [torch.zeros(3, 0, dtype=torch.float64), torch.zeros(2, 0, dtype=torch.float64)],
             name="cdist no columns: zeros")
    rec.case("cdist", cd, [torch.zeros(0, 3, 4, dtype=torch.float64), torch.zeros(0, 2, 4, dtype=torch.float64)],
             name="cdist empty batch")
    bad = [("1-d x1", [rec.randn(4), rec.randn(5, 4)], {}),
           ("columns differ", [rec.randn(3, 4), rec.randn(5, 3)], {}),
           ("negative p", [rec.randn(3, 4), rec.randn(5, 4)], {"p": -1.0}),
           ("int64", [torch.ones(3, 4, dtype=torch.int64), torch.ones(5, 4, dtype=torch.int64)], {}),
           ("float32 and float64", [rec.randn(3, 4, dtype=torch.float32), rec.randn(5, 4)], {}),
           ("batches do not broadcast", [rec.randn(2, 3, 4), rec.randn(3, 5, 4)], {}),
           ("float16 without the matrix product", [rec.randn(3, 4, dtype=torch.float16), rec.randn(5, 4, dtype=torch.float16)], {}),
           ("bfloat16 p 1", [rec.randn(30, 4, dtype=torch.bfloat16), rec.randn(5, 4, dtype=torch.bfloat16)], {"p": 1.0})]
    for label, inputs, args in bad:
        rec.case("cdist", cd, inputs, args=args, name=f"cdist {label} refused")
    for dtype in HALF:
        reduced_case("cdist", cd, [rec.randn(30, 2, dtype=dtype), rec.randn(3, 2, dtype=dtype)])

    # ------------------------------------------------------------ regression losses: broadcasting, empty batches
    for op, fn, extra in [("mseLoss", F.mse_loss, {}), ("l1Loss", F.l1_loss, {}),
                          ("huberLoss", F.huber_loss, {"delta": 0.5}), ("smoothL1Loss", F.smooth_l1_loss, {"beta": 0.5})]:
        f = lambda a, b, _fn=fn, **kw: _fn(a, b, **kw)
        rec.case(op, f, [rec.randn(3, 4), rec.randn(3, 4)], args={**extra, "reduction": "mean"})
        rec.case(op, f, [rec.randn(3, 4), rec.randn(4)], args={**extra, "reduction": "none"}, broadcast=True,
                 name=f"{op} target [4] broadcasts")
        rec.case(op, f, [rec.randn(5, 6, dtype=torch.float32), rec.randn(5, 6, dtype=torch.float32)],
                 args={**extra, "reduction": "sum"})
        for mode in ("mean", "sum", "none"):
            rec.case(op, f, [torch.zeros(0, 3, dtype=torch.float64), torch.zeros(0, 3, dtype=torch.float64)],
                     args={**extra, "reduction": mode}, name=f"{op} empty batch {mode}")
