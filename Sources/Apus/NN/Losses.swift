// Loss modules, as torch.nn's: each stores its options and calls the function in Ops/Loss.swift,
// Ops/ProbabilisticLoss.swift or Ops/MarginLoss.swift.

/// Mean squared error as a module, as `torch.nn.MSELoss`. See ``mseLoss(_:_:reduction:)``.
public final class MSELoss: Module {
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss; `.mean` averages `(pᵢ − tᵢ)²` over all elements, `.sum` adds them, `.none` keeps them.
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// The squared error of `prediction` against `target` (shapes broadcast): a scalar, or per element with `.none`.
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor { mseLoss(prediction, target, reduction: reduction) }
}

/// Mean absolute error as a module, as `torch.nn.L1Loss`. See ``l1Loss(_:_:reduction:)``.
public final class L1Loss: Module {
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss; `.mean` averages `|pᵢ − tᵢ|` over all elements, `.sum` adds them, `.none` keeps them.
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// The absolute error of `prediction` against `target` (shapes broadcast): a scalar, or per element with `.none`.
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor { l1Loss(prediction, target, reduction: reduction) }
}

/// Huber loss as a module, as `torch.nn.HuberLoss`. See ``huberLoss(_:_:delta:reduction:)``.
public final class HuberLoss: Module {
    /// δ: where the loss turns from quadratic to linear.
    public let delta: Double
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `½d²` for `|d| < δ`, else `δ(|d| − ½δ)`, with `d = prediction − target`; `delta` must be positive.
    public init(delta: Double = 1, reduction: Reduction = .mean) {
        require(delta > 0, "HuberLoss: delta must be positive, got \(delta)")
        self.delta = delta
        self.reduction = reduction
    }
    /// The Huber loss of `prediction` against `target` (shapes broadcast), reduced by ``reduction``.
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        huberLoss(prediction, target, delta: delta, reduction: reduction)
    }
}

/// Smooth L1 loss as a module, as `torch.nn.SmoothL1Loss`. See ``smoothL1Loss(_:_:beta:reduction:)``.
public final class SmoothL1Loss: Module {
    /// β: where the loss turns from quadratic to linear (0: plain L1).
    public let beta: Double
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `½d²/β` for `|d| < β`, else `|d| − ½β`, with `d = prediction − target`; `beta` must be ≥ 0.
    public init(beta: Double = 1, reduction: Reduction = .mean) {
        require(beta >= 0 && beta.isFinite, "SmoothL1Loss: beta must be non-negative, got \(beta)")
        self.beta = beta
        self.reduction = reduction
    }
    /// The smooth L1 loss of `prediction` against `target` (shapes broadcast), reduced by ``reduction``.
    public func callAsFunction(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        smoothL1Loss(prediction, target, beta: beta, reduction: reduction)
    }
}

/// Binary cross-entropy on probabilities as a module, as `torch.nn.BCELoss`.
/// See ``binaryCrossEntropy(_:_:weight:reduction:)``.
public final class BCELoss: Module {
    /// Per-element weight, broadcast to the input; nil for none.
    public let weight: Tensor?
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `−w·(y·log p + (1 − y)·log(1 − p))`, with an optional per-element weight `w`.
    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
    }
    /// The loss of `probabilities` (in [0, 1], e.g. after a sigmoid) against `targets` of the same shape.
    public func callAsFunction(_ probabilities: Tensor, _ targets: Tensor) -> Tensor {
        binaryCrossEntropy(probabilities, targets, weight: weight, reduction: reduction)
    }
}

/// Binary cross-entropy on logits as a module, as `torch.nn.BCEWithLogitsLoss`.
/// See ``binaryCrossEntropyWithLogits(_:_:weight:posWeight:reduction:)``.
public final class BCEWithLogitsLoss: Module {
    /// Per-element weight, broadcast to the input; nil for none.
    public let weight: Tensor?
    /// Weight of the positive term, e.g. one per class `[C]`; nil for none.
    public let posWeight: Tensor?
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `BCE(σ(x), y)`, computed stably from the logits `x`; `posWeight` > 1 weights the positives up
    /// (higher recall), e.g. one value per class `[C]` for `[N, C]` logits.
    public init(weight: Tensor? = nil, posWeight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.posWeight = posWeight
        self.reduction = reduction
    }
    /// The loss of raw scores `logits` (any real numbers) against `targets` in [0, 1] of the same shape.
    public func callAsFunction(_ logits: Tensor, _ targets: Tensor) -> Tensor {
        binaryCrossEntropyWithLogits(logits, targets, weight: weight, posWeight: posWeight, reduction: reduction)
    }
}

/// Negative log-likelihood on log-probabilities as a module, as `torch.nn.NLLLoss`.
/// See ``nllLoss(_:_:weight:ignoreIndex:reduction:)``.
public final class NLLLoss: Module {
    /// Weight per class `[C]`; nil for none.
    public let weight: Tensor?
    /// A label whose elements are left out (PyTorch's default −100).
    public let ignoreIndex: Int
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `−w[yᵢ]·logp[i, yᵢ]` per element; with a class `weight`, `.mean` is the weighted mean.
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
    }
    /// The loss of `logProbabilities` `[N, C]` or `[N, C, d1, …]` (from ``logSoftmax(_:axis:)`` along axis 1)
    /// against int64 `labels` `[N]` or `[N, d1, …]`.
    public func callAsFunction(_ logProbabilities: Tensor, _ labels: Tensor) -> Tensor {
        nllLoss(logProbabilities, labels, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
    }
}

/// Cross-entropy on logits as a module, as `torch.nn.CrossEntropyLoss`: integer labels or
/// probability targets, `[N, C]` or `[N, C, d1, …]` inputs, class weights, an ignored label and label smoothing.
/// See ``crossEntropy(_:_:weight:ignoreIndex:reduction:labelSmoothing:)``.
public final class CrossEntropyLoss: Module {
    /// Weight per class `[C]`; nil for none.
    public let weight: Tensor?
    /// A label whose elements are left out (PyTorch's default −100).
    public let ignoreIndex: Int
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// ε: the target becomes (1 − ε)·onehot + ε/C.
    public let labelSmoothing: Double
    /// Creates the loss `−log softmax(x)[y]` per element, with optional class weights, an ignored label and
    /// label smoothing ε ∈ [0, 1].
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean, labelSmoothing: Double = 0) {
        require((0...1).contains(labelSmoothing), "CrossEntropyLoss: labelSmoothing must be in [0, 1], got \(labelSmoothing)")
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        self.labelSmoothing = labelSmoothing
    }
    /// The loss of raw scores `logits` `[N, C]` (or `[N, C, d1, …]`) against int64 class indices `[N]`
    /// (or `[N, d1, …]`), or against class probabilities shaped like the logits.
    public func callAsFunction(_ logits: Tensor, _ targets: Tensor) -> Tensor {
        crossEntropy(logits, targets, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, labelSmoothing: labelSmoothing)
    }
}

// MARK: - Likelihood and divergence losses

/// The Kullback–Leibler divergence loss as a module, as `torch.nn.KLDivLoss`.
/// See ``klDiv(_:_:reduction:logTarget:)``.
public final class KLDivLoss: Module {
    /// How the pointwise terms are combined; `.batchMean` is the KL divergence per sample.
    public let reduction: KLDivReduction
    /// Whether the target holds log-probabilities.
    public let logTarget: Bool
    /// Creates the loss `p·(log p − input)` of log-probabilities `input` against probabilities p
    /// (or log-probabilities with `logTarget`); PyTorch's default reduction `.mean` averages over all elements.
    public init(reduction: KLDivReduction = .mean, logTarget: Bool = false) {
        self.reduction = reduction
        self.logTarget = logTarget
    }
    /// The divergence of the target distribution from `input` (log-probabilities); shapes broadcast.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        klDiv(input, target, reduction: reduction, logTarget: logTarget)
    }
}

/// The Poisson negative log-likelihood as a module, as `torch.nn.PoissonNLLLoss`.
/// See ``poissonNLLLoss(_:_:logInput:full:eps:reduction:)``.
public final class PoissonNLLLoss: Module {
    /// Whether the input is the log of the rate (else the rate itself).
    public let logInput: Bool
    /// Whether Stirling's approximation of `log t!` is added.
    public let full: Bool
    /// Added to the rate inside the log when `logInput` is false.
    public let eps: Double
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `eˣ − t·x` (log-rate input) or `λ − t·log(λ + eps)` (rate input), optionally `full`.
    public init(logInput: Bool = true, full: Bool = false, eps: Double = 1e-8, reduction: Reduction = .mean) {
        self.logInput = logInput
        self.full = full
        self.eps = eps
        self.reduction = reduction
    }
    /// The loss of the predicted (log-)rates `input` against observed counts `target`; shapes broadcast.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        poissonNLLLoss(input, target, logInput: logInput, full: full, eps: eps, reduction: reduction)
    }
}

/// The Gaussian negative log-likelihood as a module, as `torch.nn.GaussianNLLLoss`.
/// See `gaussianNLLLoss(_:_:variance:full:eps:reduction:)`.
public final class GaussianNLLLoss: Module {
    /// Whether the constant `½·log 2π` is added.
    public let full: Bool
    /// The variance is clamped to at least this for stability.
    public let eps: Double
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `½·(log σ² + (input − target)²/σ²)`.
    public init(full: Bool = false, eps: Double = 1e-6, reduction: Reduction = .mean) {
        self.full = full
        self.eps = eps
        self.reduction = reduction
    }
    /// The loss of predicted means `input` and variances `variance` against observations `target`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor, variance: Tensor) -> Tensor {
        gaussianNLLLoss(input, target, variance: variance, full: full, eps: eps, reduction: reduction)
    }
    /// The loss with one variance shared by every element.
    public func callAsFunction(_ input: Tensor, _ target: Tensor, variance: Double) -> Tensor {
        gaussianNLLLoss(input, target, variance: variance, full: full, eps: eps, reduction: reduction)
    }
}

// MARK: - Margin and embedding losses

/// The two-class logistic loss as a module, as `torch.nn.SoftMarginLoss`.
/// See ``softMarginLoss(_:_:reduction:)``.
public final class SoftMarginLoss: Module {
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `log(1 + e^(−y·x))` for targets y = ±1.
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// The loss of scores `input` against ±1 `target` (broadcast to the input's shape).
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { softMarginLoss(input, target, reduction: reduction) }
}

/// The multi-label one-versus-all logistic loss as a module, as `torch.nn.MultiLabelSoftMarginLoss`.
/// See ``multilabelSoftMarginLoss(_:_:weight:reduction:)``.
public final class MultiLabelSoftMarginLoss: Module {
    /// Weight per class `[C]` (or any shape broadcasting to the input); nil for none.
    public let weight: Tensor?
    /// How per-sample losses are combined.
    public let reduction: Reduction
    /// Creates the loss `−(1/C)·Σ_c w_c·(y·log σ(x) + (1 − y)·log σ(−x))` per sample.
    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
    }
    /// The loss of scores `input` `[N, C]` against 0/1 (or soft) targets of the same shape.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        multilabelSoftMarginLoss(input, target, weight: weight, reduction: reduction)
    }
}

/// The hinge embedding loss as a module, as `torch.nn.HingeEmbeddingLoss`.
/// See ``hingeEmbeddingLoss(_:_:margin:reduction:)``.
public final class HingeEmbeddingLoss: Module {
    /// The margin of dissimilar pairs.
    public let margin: Double
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `x` for y = 1 and `max(0, margin − x)` for y = −1.
    public init(margin: Double = 1, reduction: Reduction = .mean) {
        self.margin = margin
        self.reduction = reduction
    }
    /// The loss of distances `input` against ±1 labels `target` (shapes broadcast).
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        hingeEmbeddingLoss(input, target, margin: margin, reduction: reduction)
    }
}

/// The margin ranking loss as a module, as `torch.nn.MarginRankingLoss`.
/// See ``marginRankingLoss(_:_:_:margin:reduction:)``.
public final class MarginRankingLoss: Module {
    /// The margin by which the preferred input should win.
    public let margin: Double
    /// How per-element losses are combined.
    public let reduction: Reduction
    /// Creates the loss `max(0, −y·(x₁ − x₂) + margin)`.
    public init(margin: Double = 0, reduction: Reduction = .mean) {
        self.margin = margin
        self.reduction = reduction
    }
    /// The loss of scores `input1`, `input2` with labels `target` (1: the first ranks higher, −1: the second).
    public func callAsFunction(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
        marginRankingLoss(input1, input2, target, margin: margin, reduction: reduction)
    }
}

/// The cosine embedding loss as a module, as `torch.nn.CosineEmbeddingLoss`.
/// See ``cosineEmbeddingLoss(_:_:_:margin:reduction:)``.
public final class CosineEmbeddingLoss: Module {
    /// The cosine below which dissimilar pairs cost nothing.
    public let margin: Double
    /// How per-pair losses are combined.
    public let reduction: Reduction
    /// Creates the loss `1 − cos` for y = 1 and `max(0, cos − margin)` for y = −1.
    public init(margin: Double = 0, reduction: Reduction = .mean) {
        self.margin = margin
        self.reduction = reduction
    }
    /// The loss of embeddings `input1`, `input2` `[N, D]` with labels `target` `[N]` (1: similar, −1: dissimilar).
    public func callAsFunction(_ input1: Tensor, _ input2: Tensor, _ target: Tensor) -> Tensor {
        cosineEmbeddingLoss(input1, input2, target, margin: margin, reduction: reduction)
    }
}

/// The triplet margin loss as a module, as `torch.nn.TripletMarginLoss`.
/// See ``tripletMarginLoss(_:_:_:margin:p:eps:swap:reduction:)``.
public final class TripletMarginLoss: Module {
    /// How much closer the positive should be than the negative (positive).
    public let margin: Double
    /// The order of the distance's norm.
    public let p: Double
    /// Added to the differences before the norm.
    public let eps: Double
    /// Whether the negative distance is the smaller of anchor–negative and positive–negative.
    public let swap: Bool
    /// How per-triplet losses are combined.
    public let reduction: Reduction
    /// Creates the loss `max(0, margin + d(a, p) − d(a, n))`.
    public init(margin: Double = 1, p: Double = 2, eps: Double = 1e-6, swap: Bool = false, reduction: Reduction = .mean) {
        self.margin = margin
        self.p = p
        self.eps = eps
        self.swap = swap
        self.reduction = reduction
    }
    /// The loss of embeddings `anchor`, `positive`, `negative` (e.g. `[N, D]` each).
    public func callAsFunction(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor) -> Tensor {
        tripletMarginLoss(anchor, positive, negative, margin: margin, p: p, eps: eps, swap: swap, reduction: reduction)
    }
}

/// The multi-class hinge loss as a module, as `torch.nn.MultiMarginLoss`.
/// See ``multiMarginLoss(_:_:p:margin:weight:reduction:)``.
public final class MultiMarginLoss: Module {
    /// The exponent of the hinge terms, 1 or 2.
    public let p: Int
    /// The margin the target's score should win by.
    public let margin: Double
    /// Weight per class `[C]`; nil for none.
    public let weight: Tensor?
    /// How per-sample losses are combined.
    public let reduction: Reduction
    /// Creates the loss `(1/C)·Σ_{j≠y} w[y]·max(0, margin − x[y] + x[j])^p`; `p` must be 1 or 2.
    public init(p: Int = 1, margin: Double = 1, weight: Tensor? = nil, reduction: Reduction = .mean) {
        require(p == 1 || p == 2, "MultiMarginLoss: p must be 1 or 2, got \(p)")
        self.p = p
        self.margin = margin
        self.weight = weight
        self.reduction = reduction
    }
    /// The loss of scores `input` `[N, C]` against int64 class indices `target` `[N]`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        multiMarginLoss(input, target, p: p, margin: margin, weight: weight, reduction: reduction)
    }
}

/// The multi-label hinge loss as a module, as `torch.nn.MultiLabelMarginLoss`.
/// See ``multilabelMarginLoss(_:_:reduction:)``.
public final class MultiLabelMarginLoss: Module {
    /// How per-sample losses are combined.
    public let reduction: Reduction
    /// Creates the loss `(1/C)·Σ_{j listed} Σ_{k not listed} max(0, 1 − (x[j] − x[k]))` per sample.
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// The loss of scores `input` `[N, C]` against int64 class lists `target` `[N, C]`, each ended by −1.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor { multilabelMarginLoss(input, target, reduction: reduction) }
}
