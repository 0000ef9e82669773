// Loss modules, as torch.nn's: each stores its options and calls the function in Ops/Loss.swift.

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
