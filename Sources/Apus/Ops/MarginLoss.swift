// Margin and embedding losses, as torch.nn.functional: soft margin (logistic) losses for ±1 and
// multi-label targets, hinge and ranking losses on pairs, cosine embedding, the multi-class and
// multi-label hinge losses, and the triplet loss. The module forms are in NN/Losses.swift.
//
// PyTorch clamps these hinges with `clamp_min(·, 0)`, whose gradient at exactly 0 is 0: they are
// written with `relu`, which has the same value, NaN propagation and subgradient.

// MARK: - Soft margin (logistic) losses

/// The two-class logistic loss (`torch.nn.functional.soft_margin_loss`): `log(1 + e^(−y·x))` per
/// element, for targets y = ±1.
///
/// `target` broadcasts to the input's shape (the loss keeps the input's shape). Computed as a
/// stable softplus, so it stays finite where PyTorch's `log1p(exp(·))` overflows to ∞ (e^(−yx)
/// beyond the dtype's range). Differentiable with respect to the input only, as in PyTorch: a
/// target that requires gradients is refused.
public func softMarginLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
    let shape = broadcastShapes(input.shape, target.shape, op: "softMarginLoss")
    require(shape == input.shape, """
        softMarginLoss: target of shape \(target.shape) would broadcast the input of shape \(input.shape) to \(shape); \
        the loss keeps the input's shape
        """)
    require(!(target.requiresGrad && GradMode.isEnabled),
            "softMarginLoss: not differentiable with respect to the target (shape \(target.shape)); pass target.detached()")
    if let y = inFloat32IfReduced(input, target, { softMarginLoss($0, $1, reduction: reduction) }) { return y }
    return reduction.apply(softplusStable(-(input * target.detached())))
}

/// The multi-label one-versus-all logistic loss (`torch.nn.functional.multilabel_soft_margin_loss`):
/// for scores x `[N, C]` and targets y ∈ [0, 1] of the same shape, the loss of sample i is
/// `−(1/C)·Σ_c w_c·(y·log σ(x) + (1 − y)·log σ(−x))`.
///
/// The classes are the input's last axis (`[C]` is one sample); `target` and `weight` (e.g. one per
/// class, `[C]`) broadcast. `.none` gives one loss per sample. Differentiable with respect to
/// input, target and weight; stable for any scores.
public func multilabelSoftMarginLoss(_ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean) -> Tensor {
    require(input.rank >= 1, "multilabelSoftMarginLoss: input must have a class axis (its last), got a 0-d tensor")
    requireBroadcastable(input, target, op: "multilabelSoftMarginLoss", ("input", "target"))
    if let weight {
        let shape = broadcastShapes(input.shape, target.shape, op: "multilabelSoftMarginLoss")
        requireBroadcastable(shape, weight.shape, op: "multilabelSoftMarginLoss", ("input and target", "weight"))
    }
    if let y = inFloat32IfReduced(optional: [input, target, weight], { x in
        multilabelSoftMarginLoss(x[0]!, x[1]!, weight: x[2], reduction: reduction)
    }) { return y }
    // −log σ(x) = softplus(−x), −log σ(−x) = softplus(x).
    var loss = target * softplusStable(-input) + (1 - target) * softplusStable(input)
    if let weight { loss = loss * weight }
    // The class axis is counted from the front, as PyTorch does (it matters when the target has more axes).
    let classAxis = input.rank - 1
    let perSample = loss.sum(axis: classAxis) / Double(input.shape[classAxis])
    return reduction.apply(perSample)
}

// MARK: - Pairs

/// The hinge embedding loss (`torch.nn.functional.hinge_embedding_loss`) of distances `input`
/// with labels y = ±1: `x` where y = 1, `max(0, margin − x)` where y = −1.
///
/// Shapes broadcast; a label that is neither 1 nor −1 gets both terms, as in PyTorch.
/// Differentiable with respect to the input.
public func hingeEmbeddingLoss(_ input: Tensor, _ target: Tensor, margin: Double = 1, reduction: Reduction = .mean) -> Tensor {
    require(input.dtype.isFloatingPoint, "hingeEmbeddingLoss: input must be floating point, got \(input.dtype)")
    requireBroadcastable(input, target, op: "hingeEmbeddingLoss", ("input", "target"))
    if let y = inFloat32IfReduced(input, { hingeEmbeddingLoss($0, target, margin: margin, reduction: reduction) }) { return y }
    let t = target.detached(), zero = Tensor.zeros([], dtype: input.dtype)
    let loss = `where`(t .!= 1, relu(margin - input), zero) + `where`(t .!= -1, input, zero)
    return reduction.apply(loss)
}

/// The margin ranking loss (`torch.nn.functional.margin_ranking_loss`): `max(0, −y·(x₁ − x₂) + margin)`,
/// where y = 1 asks x₁ to rank above x₂ and y = −1 below.
///
/// The three operands must have the same rank (as in PyTorch) and broadcast. Differentiable with
/// respect to all three.
public func marginRankingLoss(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                              reduction: Reduction = .mean) -> Tensor {
    require(input1.rank == input2.rank && input1.rank == target.rank, """
        marginRankingLoss: input1 \(input1.shape), input2 \(input2.shape) and target \(target.shape) must have \
        the same number of dimensions
        """)
    requireBroadcastable(input1, input2, op: "marginRankingLoss", ("input1", "input2"))
    requireBroadcastable(broadcastShapes(input1.shape, input2.shape, op: "marginRankingLoss"), target.shape,
                         op: "marginRankingLoss", ("inputs", "target"))
    if let y = inFloat32IfReduced([input1, input2, target], { x in
        marginRankingLoss(x[0], x[1], x[2], margin: margin, reduction: reduction)
    }) { return y }
    return reduction.apply(relu(-target * (input1 - input2) + margin))
}

/// The cosine embedding loss (`torch.nn.functional.cosine_embedding_loss`): with the cosine
/// similarity c of two embeddings, `1 − c` for label y = 1 and `max(0, c − margin)` for y = −1
/// (0 for any other label, as in PyTorch).
///
/// `input1`, `input2` `[N, D]` with `target` `[N]`, or `[D]` with a 0-d target; the inputs
/// broadcast. The cosine is `x₁·x₂ / √((|x₁|² + ε)(|x₂|² + ε))` with ε = 10⁻¹² (as a float32, also
/// for float64), as PyTorch computes it. Differentiable with respect to both inputs.
public func cosineEmbeddingLoss(_ input1: Tensor, _ input2: Tensor, _ target: Tensor, margin: Double = 0,
                                reduction: Reduction = .mean) -> Tensor {
    require(target.rank <= 1, "cosineEmbeddingLoss: target must be 0-d or 1-d (one label per pair), got shape \(target.shape)")
    if target.rank == 1 {
        require(input1.rank == 2 && input2.rank == 2,
                "cosineEmbeddingLoss: a 1-d target needs 2-d inputs [N, D], got \(input1.shape) and \(input2.shape)")
    } else {
        require(input1.rank == 1 && input2.rank == 1,
                "cosineEmbeddingLoss: a 0-d target needs 1-d inputs [D], got \(input1.shape) and \(input2.shape)")
    }
    let pairs = broadcastShapes(input1.shape, input2.shape, op: "cosineEmbeddingLoss")
    requireBroadcastable(Array(pairs.dropLast()), target.shape, op: "cosineEmbeddingLoss", ("inputs", "target"))
    let x1 = input1.dtype.isFloatingPoint ? input1 : input1.cast(to: .float32)
    let x2 = input2.dtype.isFloatingPoint ? input2 : input2.cast(to: .float32)
    if let y = inFloat32IfReduced(x1, x2, { cosineEmbeddingLoss($0, $1, target, margin: margin, reduction: reduction) }) { return y }
    let epsilon = Double(Float(1e-12))  // PyTorch's ε is the float 1e-12, also for float64
    let cosine: Tensor
    if x1.shape == x2.shape && x1.dtype == x2.dtype && (x1.dtype == .float32 || x1.dtype == .float64) {
        cosine = rowEmbeddingCosines(x1, x2, epsilon: epsilon)
    } else {
        let axis = target.rank
        let product = (x1 * x2).sum(axis: axis)
        let squares1 = (x1 * x1).sum(axis: axis) + epsilon, squares2 = (x2 * x2).sum(axis: axis) + epsilon
        cosine = product / sqrt(squares1 * squares2)
    }
    let t = target.detached(), zero = Tensor.zeros([], dtype: cosine.dtype)
    let loss = `where`(t .== 1, 1 - cosine, zero) + `where`(t .== -1, relu(cosine - margin), zero)
    return reduction.apply(loss)
}

/// The cosines of ``cosineEmbeddingLoss(_:_:_:margin:reduction:)`` for inputs of one shape and
/// dtype by one kernel, differentiable: `[N]` for `[N, D]`, 0-d for `[D]`.
private func rowEmbeddingCosines(_ x1: Tensor, _ x2: Tensor, epsilon: Double) -> Tensor {
    let shape = x1.shape
    let n = shape[shape.count - 1], rows = shape.dropLast().reduce(1, *)
    let a = x1.detached().contiguous(), b = x2.detached().contiguous()
    let (cosines, squares1, squares2) = Kernels.rowEmbeddingCosines(a, b, epsilon: epsilon, rows: rows, n: n)
    let out = cosines.reshape(Array(shape.dropLast()))
    guard shouldRecord(x1, x2) else { return out }
    let (needs1, needs2) = (x1.requiresGrad, x2.requiresGrad)
    return record("cosineEmbeddingLoss", x1, x2, out) { g in
        let (g1, g2) = Kernels.rowEmbeddingCosinesBackward(g.reshape([rows]).contiguous(), a, b, cosines, squares1, squares2,
                                                           rows: rows, n: n, first: needs1, second: needs2)
        return [g1?.reshape(shape), g2?.reshape(shape)]
    }
}

/// The triplet margin loss (`torch.nn.functional.triplet_margin_loss`):
/// `max(0, margin + d(a, p) − d(a, n))` with d the ``pairwiseDistance(_:_:p:eps:keepDims:)`` of
/// order `p` (with its `eps`) along the last axis.
///
/// `swap` (the distance swap of Balntas et al.) uses `min(d(a, n), d(p, n))` as the negative
/// distance. `anchor`, `positive` and `negative` must have the same rank (e.g. `[N, D]`) and
/// broadcast; `margin` must be positive. Differentiable with respect to all three.
public func tripletMarginLoss(_ anchor: Tensor, _ positive: Tensor, _ negative: Tensor, margin: Double = 1, p: Double = 2,
                              eps: Double = 1e-6, swap: Bool = false, reduction: Reduction = .mean) -> Tensor {
    require(anchor.rank == positive.rank && positive.rank == negative.rank, """
        tripletMarginLoss: anchor \(anchor.shape), positive \(positive.shape) and negative \(negative.shape) must have \
        the same number of dimensions
        """)
    require(margin > 0, "tripletMarginLoss: margin must be positive, got \(margin)")
    if let y = inFloat32IfReduced([anchor, positive, negative], { x in
        tripletMarginLoss(x[0], x[1], x[2], margin: margin, p: p, eps: eps, swap: swap, reduction: reduction)
    }) { return y }
    let positiveDistance = pairwiseDistance(anchor, positive, p: p, eps: eps)
    var negativeDistance = pairwiseDistance(anchor, negative, p: p, eps: eps)
    if swap { negativeDistance = minimum(negativeDistance, pairwiseDistance(positive, negative, p: p, eps: eps)) }
    return reduction.apply(relu(margin + positiveDistance - negativeDistance))
}

// MARK: - Multi-class and multi-label hinge losses

/// `(N, C)` of a class-score input `[N, C]`, `[C]` (one sample) or 0-d (one sample, one class),
/// stopping unless C > 0 (N may be 0), as PyTorch's margin losses require.
private func classScoreShape(_ input: Tensor, op: String) -> (n: Int, c: Int) {
    let valid = input.rank == 0 || (input.rank == 1 && input.shape[0] > 0) || (input.rank == 2 && input.shape[1] > 0)
    require(valid, "\(op): input must be scores [C] or [N, C] with C > 0 (N may be 0), got shape \(input.shape)")
    require(input.dtype == .float32 || input.dtype == .float64,
            "\(op): input must be float32 or float64 (PyTorch's CPU kernel has no other dtype), got \(input.dtype)")
    switch input.rank {
    case 0: return (1, 1)
    case 1: return (1, input.shape[0])
    default: return (input.shape[0], input.shape[1])
    }
}

/// Per-sample losses `[n]` reduced: `.none` reshapes them to `noneShape`.
private func reducePerSample(_ losses: Tensor, _ reduction: Reduction, noneShape: [Int]) -> Tensor {
    reduction == .none ? losses.reshape(noneShape) : reduction.apply(losses)
}

/// The multi-class hinge loss (`torch.nn.functional.multi_margin_loss`): for scores x `[N, C]`
/// and int64 class indices y `[N]`, the loss of sample i is
/// `(1/C)·Σ_{j ≠ yᵢ} w[yᵢ]·max(0, margin − x[i, yᵢ] + x[i, j])^p`.
///
/// `p` is 1 or 2; `weight` `[C]` (optional, the input's dtype, not differentiable) weights each
/// sample by its class. A single sample may be `[C]` with a 0-d or `[1]` target; `.none` gives
/// one loss per sample (0-d for a 0-d target). float32 and float64 only, as PyTorch's CPU kernel.
/// Backward w.r.t. the input: for each term with z = margin − x[i, y] + x[i, j] > 0,
/// `w[y]·p·z^(p−1)/C` to x[i, j] and its negative to x[i, y].
public func multiMarginLoss(_ input: Tensor, _ target: Tensor, p: Int = 1, margin: Double = 1, weight: Tensor? = nil,
                            reduction: Reduction = .mean) -> Tensor {
    require(p == 1 || p == 2, "multiMarginLoss: p must be 1 or 2, got \(p)")
    let (n, c) = classScoreShape(input, op: "multiMarginLoss")
    require(target.dtype == .int64, "multiMarginLoss: target must hold int64 class indices, got \(target.dtype)")
    require(target.rank <= 1 && target.count == n, """
        multiMarginLoss: target of shape \(target.shape) must be 1-d with one class index per sample (\(n)) \
        for input of shape \(input.shape)
        """)
    if let weight {
        require(weight.rank == 1 && weight.count == c,
                "multiMarginLoss: weight of shape \(weight.shape) must be 1-d with one weight per class (\(c))")
        require(weight.dtype == input.dtype, "multiMarginLoss: weight (\(weight.dtype)) must have the input's dtype (\(input.dtype))")
        require(!(weight.requiresGrad && GradMode.isEnabled),
                "multiMarginLoss: not differentiable with respect to weight; pass weight.detached()")
    }
    let targets = target.detached().reshape([n]).contiguous()
    if let bad = targets.toArray(as: Int64.self).first(where: { $0 < 0 || $0 >= c }) {
        require(false, "multiMarginLoss: target \(bad) is out of range for \(c) classes (input shape \(input.shape))")
    }
    let scores = input.reshape([n, c])
    let x = scores.detached().contiguous(), w = weight?.detached().contiguous()
    let losses = Kernels.multiMargin(x, targets: targets, weight: w, n: n, c: c, p: p, margin: margin)
    let recorded = recordUnary("multiMarginLoss", scores, losses) { g in
        Kernels.multiMarginBackward(g.contiguous(), x, targets: targets, weight: w, n: n, c: c, p: p, margin: margin)
    }
    return reducePerSample(recorded, reduction, noneShape: target.rank == 0 ? [] : [n])
}

/// The multi-label hinge loss (`torch.nn.functional.multilabel_margin_loss`): for scores x `[N, C]`
/// and int64 targets of the same shape listing each sample's classes, ended by the first −1
/// (`[3, 0, -1, 1]` means classes 3 and 0), the loss of sample i is
/// `(1/C)·Σ_{j listed} Σ_{k not listed} max(0, 1 − (x[i, j] − x[i, k]))`.
///
/// A single sample may be `[C]` with targets `[C]`; `.none` gives one loss per sample (0-d for a
/// single sample). Entries must lie in −1..<C (also after the first −1). float32 and float64 only,
/// as PyTorch's CPU kernel. Backward w.r.t. the input: each positive term gives −1/C to x[i, j]
/// and +1/C to x[i, k].
public func multilabelMarginLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
    let (n, c) = classScoreShape(input, op: "multilabelMarginLoss")
    require(target.dtype == .int64, "multilabelMarginLoss: target must hold int64 class indices, got \(target.dtype)")
    let fits = input.rank <= 1 ? target.rank <= 1 && target.count == c : target.shape == input.shape
    require(fits, "multilabelMarginLoss: target of shape \(target.shape) does not match input of shape \(input.shape)")
    let targets = target.detached().reshape([n, c]).contiguous()
    if let bad = targets.toArray(as: Int64.self).first(where: { $0 < -1 || $0 >= c }) {
        require(false, "multilabelMarginLoss: target \(bad) is out of range for \(c) classes (−1 ends a sample's list)")
    }
    let scores = input.reshape([n, c])
    let x = scores.detached().contiguous()
    let losses = Kernels.multilabelMargin(x, targets: targets, n: n, c: c)
    let recorded = recordUnary("multilabelMarginLoss", scores, losses) { g in
        Kernels.multilabelMarginBackward(g.contiguous(), x, targets: targets, n: n, c: c)
    }
    return reducePerSample(recorded, reduction, noneShape: input.rank <= 1 ? [] : [n])
}
