// Loss functions, as torch.nn.functional: regression (MSE, L1, Huber), binary classification
// (BCE on probabilities or logits) and multi-class classification (cross-entropy, NLL).
// Each takes a `reduction`; the module forms are in NN/Losses.swift.

/// How a loss combines per-element values (PyTorch's `reduction`).
public enum Reduction: Sendable {
    /// The average over all elements (for weighted class losses: the weighted average).
    case mean
    /// The sum over all elements.
    case sum
    /// No reduction: one loss per element (per sample for the class losses).
    case none

    func apply(_ x: Tensor) -> Tensor {
        switch self {
        case .mean: x.mean()
        case .sum: x.sum()
        case .none: x
        }
    }
}

/// Stops with a message naming `op` when the shapes do not broadcast together.
private func requireBroadcastable(_ a: Tensor, _ b: Tensor, op: String, _ names: (String, String)) {
    let rank = max(a.rank, b.rank)
    let pa = Array(repeating: 1, count: rank - a.rank) + a.shape, pb = Array(repeating: 1, count: rank - b.rank) + b.shape
    require(zip(pa, pb).allSatisfy { $0 == $1 || $0 == 1 || $1 == 1 },
            "\(op): \(names.0) of shape \(a.shape) and \(names.1) of shape \(b.shape) do not broadcast together")
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
        loss = record("binaryCrossEntropy", [p, y], loss) { g in
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

/// Negative log-likelihood (`torch.nn.functional.nll_loss`) of `logProbabilities` `[N, C]`
/// (e.g. from ``logSoftmax(_:axis:)``) against int64 class `labels` `[N]`: `−w[yᵢ]·logp[i, yᵢ]`.
///
/// - `weight` `[C]`: a weight per class; `.mean` is then the weighted mean
///   `Σᵢ w[yᵢ]·lᵢ / Σᵢ w[yᵢ]`, as PyTorch.
/// - `ignoreIndex`: samples with this label contribute 0 and are left out of the mean's
///   denominator (PyTorch's default is −100; here none unless given).
public func nllLoss(_ logProbabilities: Tensor, _ labels: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil,
                    reduction: Reduction = .mean) -> Tensor {
    classLoss(logProbabilities, labels, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction, op: "nllLoss").loss
}

/// Checks the shapes and labels and returns the NLL loss with the per-sample weights (w[yᵢ],
/// 0 for ignored samples; nil when there is no class weight and nothing is ignored).
private func classLoss(_ logp: Tensor, _ labels: Tensor, weight: Tensor?, ignoreIndex: Int?, reduction: Reduction, op: String)
    -> (loss: Tensor, sampleWeights: Tensor?)
{
    require(logp.rank == 2, "\(op): input must be [N, C], got shape \(logp.shape)")
    require(labels.dtype == .int64, "\(op): labels must be int64 class indices, got \(labels.dtype)")
    require(labels.shape == [logp.shape[0]],
            "\(op): labels of shape \(labels.shape) do not match input of shape \(logp.shape)")
    let classes = logp.shape[1]
    if let weight {
        require(weight.shape == [classes], "\(op): weight must have shape [\(classes)] (one per class), got \(weight.shape)")
    }
    let values = labels.toArray(as: Int64.self)
    for v in values where Int(v) != ignoreIndex {
        require(v >= 0 && v < classes, "\(op): label \(v) is out of range for \(classes) classes (input shape \(logp.shape))")
    }
    guard weight != nil || (ignoreIndex != nil && values.contains(Int64(ignoreIndex!))) else {
        let picked = logp.gather(axis: 1, index: labels.reshape([-1, 1])).reshape([-1])
        return (reduction.apply(-picked), nil)
    }
    let safe = Tensor(shape: labels.shape, values: values.map { Int($0) == ignoreIndex ? 0 : Double($0) }, dtype: .int64)
    let kept = Tensor(shape: labels.shape, values: values.map { Int($0) == ignoreIndex ? 0 : 1 }, dtype: logp.dtype)
    let sampleWeights = weight.map { $0.cast(to: logp.dtype).indexSelect(axis: 0, indices: safe) * kept } ?? kept
    let losses = -logp.gather(axis: 1, index: safe.reshape([-1, 1])).reshape([-1]) * sampleWeights
    switch reduction {
    case .mean: return (losses.sum() / sampleWeights.sum(), sampleWeights)
    case .sum: return (losses.sum(), sampleWeights)
    case .none: return (losses, sampleWeights)
    }
}

/// Cross-entropy of `logits` `[N, C]` (`torch.nn.functional.cross_entropy`): `nllLoss(logSoftmax(logits))`,
/// stable for any logits (±1000 included).
///
/// `targets` are either int64 class indices `[N]`, or class probabilities shaped like the logits
/// (floating point, rows summing to 1): then the loss of sample i is `−Σ_c w[c]·t[i,c]·logp[i,c]`
/// and `.mean` divides by N.
/// - `weight` `[C]`: a weight per class; with indices `.mean` is the weighted mean `Σ w[yᵢ]lᵢ / Σ w[yᵢ]`.
/// - `ignoreIndex`: samples with this label contribute 0 and are left out of the mean (indices only).
/// - `labelSmoothing` ε ∈ [0, 1]: the target becomes `(1 − ε)·onehot + ε/C`; with indices the loss is
///   `(1 − ε)·nll + (ε/C)·Σ_c −w[c]·logp[i,c]`, reduced like the nll term, as PyTorch.
public func crossEntropy(_ logits: Tensor, _ targets: Tensor, weight: Tensor? = nil, ignoreIndex: Int? = nil,
                         reduction: Reduction = .mean, labelSmoothing: Double = 0) -> Tensor {
    require(logits.rank == 2, "crossEntropy: logits must be [N, C], got \(logits.shape)")
    require((0...1).contains(labelSmoothing), "crossEntropy: labelSmoothing must be in [0, 1], got \(labelSmoothing)")
    let classes = logits.shape[1]
    if let weight {
        require(weight.shape == [classes], "crossEntropy: weight must have shape [\(classes)] (one per class), got \(weight.shape)")
    }
    let logp = logSoftmax(logits, axis: 1)
    let classWeight = weight.map { $0.cast(to: logp.dtype).reshape([1, classes]) }

    if targets.dtype.isFloatingPoint {
        require(targets.shape == logits.shape,
                "crossEntropy: probability targets of shape \(targets.shape) must have the shape of the logits \(logits.shape)")
        require(ignoreIndex == nil, "crossEntropy: ignoreIndex applies to class-index targets only, not to probability targets")
        var t = targets.cast(to: logp.dtype)
        let (keep, spread): (Double, Double) = (1 - labelSmoothing, labelSmoothing / Double(classes))
        if labelSmoothing > 0 { t = t * keep + spread }
        var product = logp * t
        if let classWeight { product = product * classWeight }
        let perSample = -product.sum(axis: 1)
        switch reduction {
        case .mean: return perSample.sum() / Double(logits.shape[0])
        case .sum: return perSample.sum()
        case .none: return perSample
        }
    }

    require(targets.dtype == .int64, "crossEntropy: labels must be int64 class indices or floating-point probabilities, got \(targets.dtype)")
    let (nll, sampleWeights) = classLoss(logp, targets, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
                                         op: "crossEntropy")
    guard labelSmoothing > 0 else { return nll }
    var smooth = -(classWeight.map { logp * $0 } ?? logp).sum(axis: 1)
    if let ignoreIndex {
        let kept = Tensor(shape: targets.shape, values: targets.toArray(as: Int64.self).map { Int($0) == ignoreIndex ? 0 : 1 },
                          dtype: logp.dtype)
        smooth = smooth * kept
    }
    let reduced: Tensor
    switch reduction {
    case .mean: reduced = sampleWeights.map { smooth.sum() / $0.sum() } ?? smooth.mean()
    case .sum: reduced = smooth.sum()
    case .none: reduced = smooth
    }
    let (keep, spread): (Double, Double) = (1 - labelSmoothing, labelSmoothing / Double(classes))
    return keep * nll + spread * reduced
}
