// Loss functions, as torch.nn.functional: regression (MSE, L1, Huber, smooth L1), binary classification
// (BCE on probabilities or logits) and multi-class classification (cross-entropy, NLL).
// Each takes a `reduction`; the module forms are in NN/Losses.swift. Likelihood and divergence
// losses are in ProbabilisticLoss.swift, margin and embedding losses in MarginLoss.swift.

/// How a loss combines per-element values (PyTorch's `reduction`).
public enum Reduction: Sendable {
    /// The average over all elements (for weighted class losses: the weighted average).
    case mean
    /// The sum over all elements.
    case sum
    /// No reduction: one loss per element (per sample for the class losses).
    case none

    /// The reduced loss; the mean of no elements is NaN, as in PyTorch (an empty batch).
    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .mean: x.count == 0 ? x.sum() / 0.0 : x.mean()
        case .sum: x.sum()
        case .none: x
        }
    }
}

/// Stops with a message naming `op` when the shapes do not broadcast together.
func requireBroadcastable(_ a: Tensor, _ b: Tensor, op: String, _ names: (String, String)) {
    requireBroadcastable(a.shape, b.shape, op: op, names)
}

/// Stops with a message naming `op` when the shapes do not broadcast together.
func requireBroadcastable(_ a: [Int], _ b: [Int], op: String, _ names: (String, String)) {
    let rank = max(a.count, b.count)
    let pa = Array(repeating: 1, count: rank - a.count) + a, pb = Array(repeating: 1, count: rank - b.count) + b
    require(zip(pa, pb).allSatisfy { $0 == $1 || $0 == 1 || $1 == 1 },
            "\(op): \(names.0) of shape \(a) and \(names.1) of shape \(b) do not broadcast together")
}

// MARK: - Regression

/// Mean squared error `mean((prediction − target)²)` (shapes broadcast), `torch.nn.functional.mse_loss`.
///
/// Courses often write the squared error with a ½, `L = ½·mean((p − t)²)`, so that its gradient
/// is `(p − t)/N` without a 2: that is `mseLoss(p, t) / 2` (tested). Backward: `2(p − t)/N`.
public func mseLoss(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
    requireBroadcastable(prediction, target, op: "mseLoss", ("prediction", "target"))
    let d = prediction - target
    return reduction.apply(d * d)
}

/// Mean absolute error `mean(|prediction − target|)` (shapes broadcast), `torch.nn.functional.l1_loss`.
///
/// Backward: `sign(p − t)/N`, 0 where p = t.
public func l1Loss(_ prediction: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
    requireBroadcastable(prediction, target, op: "l1Loss", ("prediction", "target"))
    return reduction.apply(abs(prediction - target))
}

/// Huber loss (`torch.nn.functional.huber_loss`): with d = prediction − target,
/// `½d²` where |d| < δ, else `δ(|d| − ½δ)`: quadratic near 0, linear (robust to outliers) beyond δ.
///
/// Backward: d where |d| < δ, else δ·sign(d). Shapes broadcast.
public func huberLoss(_ prediction: Tensor, _ target: Tensor, delta: Double = 1, reduction: Reduction = .mean) -> Tensor {
    require(delta > 0, "huberLoss: delta must be positive, got \(delta)")
    requireBroadcastable(prediction, target, op: "huberLoss", ("prediction", "target"))
    let d = prediction - target
    let a = abs(d)
    // Plain Double arithmetic first: mixed into a tensor expression, `0.5 * delta` could be
    // typed as a (float32) literal tensor times a Double.
    let halfDelta: Double = 0.5 * delta
    let quadratic = 0.5 * d * d, linear = delta * (a - halfDelta)
    return reduction.apply(`where`(a.detached() .< delta, quadratic, linear))
}

/// Smooth L1 loss (`torch.nn.functional.smooth_l1_loss`): with d = prediction − target,
/// `½d²/β` where |d| < β, else `|d| − ½β`. Quadratic near 0 and linear beyond β like
/// ``huberLoss(_:_:delta:reduction:)``, but scaled so that the linear part has slope 1 for every β
/// (Huber with δ = β equals β times this loss); `beta: 0` is ``l1Loss(_:_:reduction:)``.
///
/// Backward: d/β where |d| < β, else sign(d). Shapes broadcast.
public func smoothL1Loss(_ prediction: Tensor, _ target: Tensor, beta: Double = 1, reduction: Reduction = .mean) -> Tensor {
    require(beta >= 0 && beta.isFinite, "smoothL1Loss: beta must be non-negative, got \(beta)")
    requireBroadcastable(prediction, target, op: "smoothL1Loss", ("prediction", "target"))
    guard beta > 0 else { return l1Loss(prediction, target, reduction: reduction) }
    let d = prediction - target
    let a = abs(d)
    // Plain Double arithmetic first (see huberLoss).
    let (halfOverBeta, halfBeta): (Double, Double) = (0.5 / beta, 0.5 * beta)
    let quadratic = halfOverBeta * d * d, linear = a - halfBeta
    return reduction.apply(`where`(a.detached() .< beta, quadratic, linear))
}

// MARK: - Binary classification

/// Binary cross-entropy on probabilities (`torch.nn.functional.binary_cross_entropy`):
/// `−w·(y·log p + (1 − y)·log(1 − p))`, each log clamped at −100 as in PyTorch, so p = 0 or 1
/// gives a finite loss.
///
/// `probabilities` and `targets` have the same shape (targets in [0, 1], not necessarily 0/1);
/// `weight` (optional) broadcasts to them and rescales each element; `.mean` averages over all
/// elements. Backward: `∂p = w(p − y)/max(p(1 − p), 10⁻¹²)`, `∂y = w(log(1 − p) − log p)`.
/// For raw scores use ``binaryCrossEntropyWithLogits(_:_:weight:posWeight:reduction:)``, which is
/// more stable.
public func binaryCrossEntropy(_ probabilities: Tensor, _ targets: Tensor, weight: Tensor? = nil,
                               reduction: Reduction = .mean) -> Tensor {
    let p = probabilities, y = targets
    require(p.shape == y.shape,
            "binaryCrossEntropy: targets of shape \(y.shape) must have the shape of the probabilities \(p.shape)")
    require(p.dtype.isFloatingPoint && y.dtype.isFloatingPoint,
            "binaryCrossEntropy: probabilities (\(p.dtype)) and targets (\(y.dtype)) must be floating point")
    if let weight { requireBroadcastable(p, weight, op: "binaryCrossEntropy", ("probabilities", "weight")) }
    let pd = p.detached(), yd = y.detached().cast(to: p.dtype)
    require(p.count == 0 || (pd.min().item() >= 0 && pd.max().item() <= 1),
            "binaryCrossEntropy: probabilities must lie in [0, 1], got values in [\(pd.min().item()), \(pd.max().item())]; for raw scores use binaryCrossEntropyWithLogits")
    let (logP, logNotP) = noGrad { (clamp(log(pd), min: -100), clamp(log(1 - pd), min: -100)) }
    var loss = noGrad { -(yd * logP + (1 - yd) * logNotP) }
    if shouldRecord(p, y) {
        loss = record("binaryCrossEntropy", p, y, loss) { g in
            // PyTorch's ε is the float 1e-12.
            let dp = g * (pd - yd) / maximum(pd * (1 - pd), Tensor(scalar: Double(Float(1e-12)), dtype: pd.dtype))
            return [dp, g * (logNotP - logP)]
        }
    }
    if let weight { loss = loss * weight }
    return reduction.apply(loss)
}

/// Binary cross-entropy on logits (`torch.nn.functional.binary_cross_entropy_with_logits`):
/// `BCE(σ(x), y)` computed without forming σ(x), as
/// `(1 − y)·x + c·(max(−x, 0) + log(1 + e^(−|x|)))` with `c = 1 + (posWeight − 1)·y`
/// (without `posWeight`: `max(x, 0) − x·y + log(1 + e^(−|x|))`), finite for any x (±1000 included).
///
/// `logits` and `targets` have the same shape; `weight` broadcasts to them and rescales each
/// element; `posWeight` (e.g. `[C]` for `[N, C]` logits) weights the positive term, per class
/// (> 1 raises recall). Backward w.r.t. logits: `w·((1 − y) − c·σ(−x))` = `w·(σ(x) − y)` without
/// `posWeight`; differentiable w.r.t. targets, weight and posWeight as well.
public func binaryCrossEntropyWithLogits(_ logits: Tensor, _ targets: Tensor, weight: Tensor? = nil,
                                         posWeight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
    let x = logits, y = targets
    require(x.shape == y.shape,
            "binaryCrossEntropyWithLogits: targets of shape \(y.shape) must have the shape of the logits \(x.shape)")
    require(x.dtype.isFloatingPoint && y.dtype.isFloatingPoint,
            "binaryCrossEntropyWithLogits: logits (\(x.dtype)) and targets (\(y.dtype)) must be floating point")
    if let weight { requireBroadcastable(x, weight, op: "binaryCrossEntropyWithLogits", ("logits", "weight")) }
    if let posWeight { requireBroadcastable(x, posWeight, op: "binaryCrossEntropyWithLogits", ("logits", "posWeight")) }
    let softplusOfMinusX = softplusStable(-x)  // −log σ(x)
    var loss = (1 - y) * x + (posWeight.map { (1 + ($0 - 1) * y) * softplusOfMinusX } ?? softplusOfMinusX)
    if let weight { loss = loss * weight }
    return reduction.apply(loss)
}

// MARK: - Multi-class classification

/// Stops unless `input` is `[N, C]` or `[N, C, d1, …]` and `labels` are int64 class indices of shape
/// `[N]` or `[N, d1, …]` (PyTorch's "K-dimensional" case, e.g. a class per pixel for segmentation).
private func checkClassShapes(_ input: Tensor, _ labels: Tensor, op: String, name: String) {
    require(input.rank >= 2, "\(op): \(name) must be [N, C] or [N, C, d1, …], got shape \(input.shape)")
    require(labels.dtype == .int64, "\(op): labels must be int64 class indices, got \(labels.dtype)")
    let expected = [input.shape[0]] + Array(input.shape.dropFirst(2))
    require(labels.shape == expected,
            "\(op): labels of shape \(labels.shape) do not match \(name) of shape \(input.shape) (expected labels \(expected))")
}

/// `[N, C, d1, …]` with the class axis moved last and the rest flattened: `[N·d1·…, C]`, rows in
/// the order of the labels' elements; `[N, C]` is returned as it is.
private func classesLast(_ x: Tensor) -> Tensor {
    guard x.rank > 2 else { return x }
    return x.permute([0] + Array(2..<x.rank) + [1]).reshape([-1, x.shape[1]])
}

/// A class weight `[C]` shaped to broadcast along axis 1 of a rank-`rank` input: `[1, C, 1, …]`.
private func classAxisShaped(_ weight: Tensor, rank: Int, dtype: DType) -> Tensor {
    weight.cast(to: dtype).reshape([1, weight.shape[0]] + Array(repeating: 1, count: rank - 2))
}

/// Negative log-likelihood (`torch.nn.functional.nll_loss`) of `logProbabilities` `[N, C]` or
/// `[N, C, d1, …]` (e.g. from ``logSoftmax(_:axis:)`` along axis 1) against int64 class `labels`
/// `[N]` or `[N, d1, …]`: the loss of element `i` is `−w[yᵢ]·logp[i, yᵢ]`.
///
/// - `weight` `[C]`: a weight per class; `.mean` is then the weighted mean
///   `Σᵢ w[yᵢ]·lᵢ / Σᵢ w[yᵢ]` over the elements not ignored, as PyTorch.
/// - `ignoreIndex` (PyTorch's default −100): elements with this label contribute 0 and are left
///   out of the mean's denominator.
/// - `.none` gives one loss per label, shaped like `labels`.
public func nllLoss(_ logProbabilities: Tensor, _ labels: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                    reduction: Reduction = .mean) -> Tensor {
    checkClassShapes(logProbabilities, labels, op: "nllLoss", name: "input")
    return classLoss(logProbabilities, labels, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, op: "nllLoss").loss
}

/// Checks the labels and returns the NLL loss with the per-element weights, flattened to
/// `[N·d1·…]` (w[yᵢ], 0 for ignored elements; nil when there is no class weight and nothing is
/// ignored). Shapes are checked by the caller (``checkClassShapes(_:_:op:name:)``).
private func classLoss(_ logp: Tensor, _ labels: Tensor, weight: Tensor?, ignoreIndex: Int, reduction: Reduction, op: String)
    -> (loss: Tensor, sampleWeights: Tensor?)
{
    let classes = logp.shape[1]
    if let weight {
        require(weight.shape == [classes], "\(op): weight must have shape [\(classes)] (one per class), got \(weight.shape)")
    }
    let flat = classesLast(logp)
    let values = labels.toArray(as: Int64.self)
    for v in values where Int(v) != ignoreIndex {
        require(v >= 0 && v < classes, """
            \(op): label \(v) is out of range for \(classes) classes (input shape \(logp.shape)); \
            only ignoreIndex \(ignoreIndex) may lie outside
            """)
    }
    let shape = labels.shape
    guard weight != nil || values.contains(Int64(ignoreIndex)) else {
        let picked = flat.gather(axis: 1, index: labels.reshape([-1, 1])).reshape(shape)
        return (reduction.apply(-picked), nil)
    }
    let safe = Tensor(shape: [values.count], values: values.map { Int($0) == ignoreIndex ? 0 : Double($0) }, dtype: .int64)
    let kept = Tensor(shape: [values.count], values: values.map { Int($0) == ignoreIndex ? 0 : 1 }, dtype: logp.dtype)
    let sampleWeights = weight.map { $0.cast(to: logp.dtype).indexSelect(axis: 0, indices: safe) * kept } ?? kept
    let losses = -flat.gather(axis: 1, index: safe.reshape([-1, 1])).reshape([-1]) * sampleWeights
    switch reduction {
    case .mean:
        let total = sampleWeights.sum()
        // Every element ignored (an all-void crop): the mean of nothing is NaN, as PyTorch's, and
        // its gradient 0, as PyTorch's backward gives (0/0 would make it NaN).
        if total.item() == 0 { return (losses.sum() * 0 + Double.nan, sampleWeights) }
        return (losses.sum() / total, sampleWeights)
    case .sum: return (losses.sum(), sampleWeights)
    case .none: return (losses.reshape(shape), sampleWeights)
    }
}

/// Cross-entropy of `logits` `[N, C]` or `[N, C, d1, …]` (`torch.nn.functional.cross_entropy`):
/// `nllLoss(logSoftmax(logits, axis: 1))`, stable for any logits (±1000 included).
///
/// `targets` are either int64 class indices `[N]` (or `[N, d1, …]`: a class per pixel, for
/// segmentation), or class probabilities shaped like the logits (floating point, summing to 1
/// along axis 1): then the loss of element i is `−Σ_c w[c]·t[i,c]·logp[i,c]` and `.mean` divides
/// by the number of elements `N·d1·…`.
/// - `weight` `[C]`: a weight per class; with indices `.mean` is the weighted mean `Σ w[yᵢ]lᵢ / Σ w[yᵢ]`
///   over the elements not ignored.
/// - `ignoreIndex` (PyTorch's default −100): elements with this label contribute 0 and are left out
///   of the mean (indices only; with probability targets it must stay negative, as in PyTorch).
/// - `labelSmoothing` ε ∈ [0, 1]: the target becomes `(1 − ε)·onehot + ε/C`; with indices the loss is
///   `(1 − ε)·nll + (ε/C)·Σ_c −w[c]·logp[i,c]`, reduced like the nll term, as PyTorch.
/// - `.none` gives one loss per element, shaped `[N, d1, …]`.
public func crossEntropy(_ logits: Tensor, _ targets: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
                         reduction: Reduction = .mean, labelSmoothing: Double = 0) -> Tensor {
    require(logits.rank >= 2, "crossEntropy: logits must be [N, C] or [N, C, d1, …], got shape \(logits.shape)")
    require((0...1).contains(labelSmoothing), "crossEntropy: labelSmoothing must be in [0, 1], got \(labelSmoothing)")
    let classes = logits.shape[1]
    if let weight {
        require(weight.shape == [classes], "crossEntropy: weight must have shape [\(classes)] (one per class), got \(weight.shape)")
    }
    let logp = logSoftmax(logits, axis: 1)
    let classWeight = weight.map { classAxisShaped($0, rank: logits.rank, dtype: logp.dtype) }
    let (keep, spread): (Double, Double) = (1 - labelSmoothing, labelSmoothing / Double(classes))

    if targets.dtype.isFloatingPoint {
        require(targets.shape == logits.shape,
                "crossEntropy: probability targets of shape \(targets.shape) must have the shape of the logits \(logits.shape)")
        require(ignoreIndex < 0, "crossEntropy: ignoreIndex \(ignoreIndex) applies to class-index targets only, not to probability targets")
        var t = targets.cast(to: logp.dtype)
        if labelSmoothing > 0 { t = t * keep + spread }
        var product = logp * t
        if let classWeight { product = product * classWeight }
        let perElement = -product.sum(axis: 1)
        switch reduction {
        case .mean: return perElement.sum() / Double(perElement.count)
        case .sum: return perElement.sum()
        case .none: return perElement
        }
    }

    require(targets.dtype == .int64, "crossEntropy: labels must be int64 class indices or floating-point probabilities, got \(targets.dtype)")
    checkClassShapes(logits, targets, op: "crossEntropy", name: "logits")
    let (nll, sampleWeights) = classLoss(logp, targets, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
                                         op: "crossEntropy")
    guard labelSmoothing > 0 else { return nll }
    var smooth = -(classWeight.map { logp * $0 } ?? logp).sum(axis: 1).reshape([-1])
    if sampleWeights != nil {
        // Ignored elements contribute nothing to the smoothing term either.
        let kept = Tensor(shape: [targets.count], values: targets.toArray(as: Int64.self).map { Int($0) == ignoreIndex ? 0 : 1 },
                          dtype: logp.dtype)
        smooth = smooth * kept
    }
    let reduced: Tensor
    switch reduction {
    case .mean: reduced = sampleWeights.map { smooth.sum() / $0.sum() } ?? smooth.mean()
    case .sum: reduced = smooth.sum()
    case .none: reduced = smooth.reshape(targets.shape)
    }
    return keep * nll + spread * reduced
}

// MARK: - Helpers of the loss and distance ops

/// `max(x, lo)` (NaN stays NaN) whose gradient passes to `x` unchanged, also where it was clamped:
/// what PyTorch's losses get by clamping a clone in place under `no_grad` (the variance of
/// gaussian_nll_loss, the norms of cosine_similarity).
func clampedMinPassingGradient(_ x: Tensor, _ lo: Double) -> Tensor {
    let out = noGrad { clamp(x.detached(), min: lo) }
    return recordUnary("clampMin", x, out) { g in g }
}
