// Similarities and distances, as torch.nn.functional and torch: cosine similarity along an axis,
// the p-norm distance of paired rows, and the distances between all rows of two (batched) sets.
// The module forms are in NN/Distances.swift.

/// How ``cdist(_:_:p:computeMode:)`` computes Euclidean distances (PyTorch's `compute_mode`).
public enum CDistComputeMode: Sendable {
    /// Through a matrix product when either set has more than 25 rows, else from the differences
    /// (PyTorch's default, `"use_mm_for_euclid_dist_if_necessary"`).
    case useMatmulIfNecessary
    /// Always through a matrix product, `√max(0, |x|² + |y|² − 2x·y)`: fast for many rows, less
    /// accurate for close points (`"use_mm_for_euclid_dist"`).
    case useMatmul
    /// Always from the differences of the coordinates (`"donot_use_mm_for_euclid_dist"`).
    case doNotUseMatmul
}

/// The Euclidean norm of `x` along `axis`, keeping the axis; gradient `x/‖x‖`, 0 where the norm is 0
/// (as PyTorch's `linalg.vector_norm`).
private func euclideanNorm(_ x: Tensor, axis: Int) -> Tensor {
    let dx = x.detached()
    let norm = noGrad { sqrt((dx * dx).sum(axes: [axis], keepDims: true)) }
    return recordUnary("norm", x, norm) { g in
        g * `where`(norm .== 0, Tensor.zeros([], dtype: norm.dtype), dx / norm)
    }
}

/// The p-norm of `x` over its last axis (of its one element when 0-d), as PyTorch's
/// `linalg.vector_norm`, with its gradient.
private func lastAxisNorm(_ x: Tensor, p: Double, keepDims: Bool, op: String) -> Tensor {
    let n = x.rank == 0 ? 1 : x.shape[x.rank - 1]
    let rows = x.rank == 0 ? 1 : x.shape.dropLast().reduce(1, *)
    let order = DistanceOrder(p)
    require(n > 0 || (order != .infinity && order != .negativeInfinity),
            "\(op): the \(p)-norm over an empty last axis is undefined (shape \(x.shape))")
    let outShape = x.rank == 0 ? [] : Array(x.shape.dropLast()) + (keepDims ? [1] : [])
    let dx = x.detached().contiguous()
    let norms = Kernels.rowNorms(dx, rows: rows, n: n, order: order)
    let inShape = x.shape
    return recordUnary(op, x, norms.reshape(outShape)) { g in
        Kernels.rowNormsBackward(g.reshape([rows]).contiguous(), dx, norms, rows: rows, n: n, order: order).reshape(inShape)
    }
}

/// Cosine similarity along `axis` (`torch.nn.functional.cosine_similarity`), by PyTorch 2's
/// formula: `Σ (x₁/max(‖x₁‖, eps))·(x₂/max(‖x₂‖, eps))`, each operand normalised first, so the result
/// stays in [−1, 1] and no product of norms can overflow.
///
/// The operands broadcast; the result has their broadcast shape without `axis` (negative counts
/// from the end). An integer operand is converted to the other's floating-point dtype; two integer
/// operands are refused. The clamp at `eps` only guards the division: the gradient passes through
/// it as through the norm, whose gradient is 0 at a zero vector (PyTorch's).
public func cosineSimilarity(_ x1: Tensor, _ x2: Tensor, axis: Int = 1, eps: Double = 1e-8) -> Tensor {
    let common = Elementwise.resultType(x1, x2)
    require(common.isFloatingPoint, "cosineSimilarity: needs a floating-point operand, got \(x1.dtype) and \(x2.dtype)")
    let shape = broadcastShapes(x1.shape, x2.shape, op: "cosineSimilarity")
    let rank = Swift.max(shape.count, 1)
    require(axis >= -rank && axis < rank, "cosineSimilarity: axis \(axis) out of range for operands of shapes \(x1.shape) and \(x2.shape)")
    let a0 = x1.dtype.isFloatingPoint ? x1 : x1.cast(to: common), b0 = x2.dtype.isFloatingPoint ? x2 : x2.cast(to: common)
    if let y = inFloat32IfReduced(a0, b0, { cosineSimilarity($0, $1, axis: axis, eps: eps) }) { return y }
    if shape.isEmpty { return cosineSimilarity(a0.reshape([1]), b0.reshape([1]), axis: 0, eps: eps).reshape([]) }
    let ax = axis < 0 ? axis + shape.count : axis
    if a0.shape == b0.shape && a0.dtype == b0.dtype && ax == shape.count - 1 { return rowCosineSimilarity(a0, b0, eps: eps) }
    let (a1, b1) = Elementwise.promoteTypes(a0, b0, floating: true)
    let a = a1.expand(to: shape), b = b1.expand(to: shape)
    let na = clampedMinPassingGradient(euclideanNorm(a, axis: ax), eps), nb = clampedMinPassingGradient(euclideanNorm(b, axis: ax), eps)
    return ((a / na) * (b / nb)).sum(axis: ax)
}

/// ``cosineSimilarity(_:_:axis:eps:)`` along the last axis of two float32 or float64 operands of one
/// shape and dtype, by one kernel (PyTorch composes it of nine elementwise ops and reductions).
private func rowCosineSimilarity(_ x1: Tensor, _ x2: Tensor, eps: Double) -> Tensor {
    let shape = x1.shape
    let n = shape[shape.count - 1], rows = shape.dropLast().reduce(1, *)
    let a = x1.detached().contiguous(), b = x2.detached().contiguous()
    let (y, norms1, norms2) = Kernels.rowCosineSimilarities(a, b, eps: eps, rows: rows, n: n)
    let out = y.reshape(Array(shape.dropLast()))
    guard shouldRecord(x1, x2) else { return out }
    let (needs1, needs2) = (x1.requiresGrad, x2.requiresGrad)
    return record("cosineSimilarity", x1, x2, out) { g in
        let (g1, g2) = Kernels.rowCosineSimilaritiesBackward(g.reshape([rows]).contiguous(), a, b, y, norms1, norms2, eps: eps,
                                                             rows: rows, n: n, first: needs1, second: needs2)
        return [g1?.reshape(shape), g2?.reshape(shape)]
    }
}

/// The p-norm distance between paired rows (`torch.nn.functional.pairwise_distance`):
/// `‖x₁ − x₂ + eps‖_p` over the last axis of the operands' broadcast shape.
///
/// `p` may be any real number or ±∞ (0 counts the differing coordinates, ∞ takes the largest
/// difference); `eps` is added to the difference, as PyTorch does, which keeps the 2-norm's
/// gradient finite for equal rows. The result has the broadcast shape without its last axis
/// (kept as 1 with `keepDims`). Gradients as PyTorch's norms: 0 where the norm is 0, the ∞-norm's
/// shared among tied coordinates, none for p = 0.
public func pairwiseDistance(_ x1: Tensor, _ x2: Tensor, p: Double = 2, eps: Double = 1e-6, keepDims: Bool = false) -> Tensor {
    requireBroadcastable(x1, x2, op: "pairwiseDistance", ("x1", "x2"))
    if let y = inFloat32IfReduced(x1, x2, { pairwiseDistance($0, $1, p: p, eps: eps, keepDims: keepDims) }) { return y }
    let sameFloats = x1.dtype == x2.dtype && (x1.dtype == .float32 || x1.dtype == .float64)
    guard x1.shape == x2.shape && x1.rank >= 1 && sameFloats else {
        return lastAxisNorm(x1 - x2 + eps, p: p, keepDims: keepDims, op: "pairwiseDistance")
    }
    // Operands of one shape: the differences are never materialised.
    let shape = x1.shape
    let n = shape[shape.count - 1], rows = shape.dropLast().reduce(1, *)
    let order = DistanceOrder(p)
    require(n > 0 || (order != .infinity && order != .negativeInfinity),
            "pairwiseDistance: the \(p)-norm over an empty last axis is undefined (shape \(shape))")
    let a = x1.detached().contiguous(), b = x2.detached().contiguous()
    let norms = Kernels.rowDistanceNorms(a, b, eps: eps, rows: rows, n: n, order: order)
    let out = norms.reshape(Array(shape.dropLast()) + (keepDims ? [1] : []))
    guard shouldRecord(x1, x2) else { return out }
    let (needs1, needs2) = (x1.requiresGrad, x2.requiresGrad)
    return record("pairwiseDistance", x1, x2, out) { g in
        let gd = Kernels.rowDistanceNormsBackward(g.reshape([rows]).contiguous(), a, b, norms, eps: eps, rows: rows, n: n, order: order)
            .reshape(shape)
        return [needs1 ? gd : nil, needs2 ? -gd : nil]
    }
}

/// The p-norm distances between every row of `x1` `[…, P, M]` and every row of `x2` `[…, R, M]`
/// (`torch.cdist`): `[…, P, R]`, batch axes broadcast.
///
/// `p` ≥ 0: 0 counts the differing coordinates, ∞ takes the largest difference (a NaN difference is
/// passed over, as PyTorch's kernel does), others `(Σ|d|^p)^(1/p)`. For p = 2 `computeMode` decides,
/// with PyTorch's rules, whether the distances come from a matrix product,
/// `√max(0, |x|² + |y|² − 2x·y)`, with its cancellation for close points, or from the
/// differences. The operands must have the same floating-point dtype; float16 and bfloat16
/// (computed in float32) only on the matrix-product path, as in PyTorch.
///
/// Gradients as PyTorch's: 0 where a distance is 0 (the subgradient at coinciding points), for
/// p < 1 also where a coordinate's difference is 0; the ∞-norm passes the full gradient to every
/// coordinate attaining the maximum; none for p = 0.
public func cdist(_ x1: Tensor, _ x2: Tensor, p: Double = 2, computeMode: CDistComputeMode = .useMatmulIfNecessary) -> Tensor {
    require(x1.rank >= 2, "cdist: x1 must have at least 2 dimensions [..., P, M], got shape \(x1.shape)")
    require(x2.rank >= 2, "cdist: x2 must have at least 2 dimensions [..., R, M], got shape \(x2.shape)")
    require(x1.shape[x1.rank - 1] == x2.shape[x2.rank - 1],
            "cdist: x1 of shape \(x1.shape) and x2 of shape \(x2.shape) must have the same number of columns")
    require(p >= 0, "cdist: p must be non-negative, got \(p)")
    require(x1.dtype.isFloatingPoint && x2.dtype.isFloatingPoint,
            "cdist: operands must be floating point, got \(x1.dtype) and \(x2.dtype)")
    require(x1.dtype == x2.dtype, "cdist: x1 (\(x1.dtype)) and x2 (\(x2.dtype)) must have the same dtype")
    let (r1, r2, m) = (x1.shape[x1.rank - 2], x2.shape[x2.rank - 2], x1.shape[x1.rank - 1])
    let batch = broadcastShapes(Array(x1.shape.dropLast(2)), Array(x2.shape.dropLast(2)),
                                op: "cdist: batch dimensions of \(x1.shape) and \(x2.shape)")
    let viaMatmul = p == 2 && (computeMode == .useMatmul || (computeMode == .useMatmulIfNecessary && (r1 > 25 || r2 > 25)))
    if x1.dtype.isReducedPrecision {
        require(viaMatmul || x1.count == 0 || x2.count == 0, """
            cdist: \(x1.dtype) distances are computed only through the matrix product (p = 2 with more than 25 rows, \
            or computeMode .useMatmul), as in PyTorch; cast to float32
            """)
        return cdist(x1.cast(to: .float32), x2.cast(to: .float32), p: p, computeMode: computeMode).cast(to: x1.dtype)
    }
    let batches = batch.reduce(1, *)
    let outShape = batch + [r1, r2]
    let (shape1, shape2) = (x1.shape, x2.shape)
    if batches * r1 * r2 == 0 || m == 0 {
        let out = Tensor.zeros(outShape, dtype: x1.dtype)
        guard shouldRecord(x1, x2) else { return out }
        return record("cdist", x1, x2, out) { g in [Tensor.zeros(shape1, dtype: g.dtype), Tensor.zeros(shape2, dtype: g.dtype)] }
    }
    let a = noGrad { x1.detached().broadcastView(to: batch + [r1, m]).reshape([batches, r1, m]).contiguous() }
    let b = noGrad { x2.detached().broadcastView(to: batch + [r2, m]).reshape([batches, r2, m]).contiguous() }
    let order = DistanceOrder(p)
    let dist = viaMatmul ? euclideanDistancesByMatmul(a, b, batches: batches, r1: r1, r2: r2, m: m)
                         : Kernels.cdist(a, b, batches: batches, p1: r1, p2: r2, m: m, order: order)
    let out = dist.reshape(outShape)
    guard shouldRecord(x1, x2) else { return out }
    let (needs1, needs2) = (x1.requiresGrad, x2.requiresGrad)
    return record("cdist", x1, x2, out) { g in
        let g3 = g.reshape([batches, r1, r2]).contiguous()
        var grad1: Tensor?, grad2: Tensor?
        if viaMatmul {
            // PyTorch's _euclidean_dist_backward: ratio = g/dist (0 where dist = 0).
            let ratio = `where`(dist .== 0, Tensor.zeros([], dtype: dist.dtype), g3 / dist)
            if needs1 { grad1 = a * ratio.sum(axis: -1, keepDims: true) - matmul(ratio, b) }
            if needs2 { grad2 = b * ratio.sum(axis: -2).unsqueezed(axis: -1) - matmul(ratio.transposed(-1, -2), a) }
        } else {
            if needs1 { grad1 = Kernels.cdistBackward(g3, a, b, dist, batches: batches, p1: r1, p2: r2, m: m, order: order) }
            if needs2 {
                let gT = g3.transposed(-1, -2).contiguous(), distT = dist.transposed(-1, -2).contiguous()
                grad2 = Kernels.cdistBackward(gT, b, a, distT, batches: batches, p1: r2, p2: r1, m: m, order: order)
            }
        }
        return [grad1?.reshape(batch + [r1, m]).sum(toShape: shape1), grad2?.reshape(batch + [r2, m]).sum(toShape: shape2)]
    }
}

/// Euclidean distances `[batches, r1, r2]` between the rows of the contiguous `a` `[batches, r1, m]`
/// and `b` `[batches, r2, m]` through the matrix product, as PyTorch's `_euclidean_dist`:
/// `√max(0, |aᵢ|² + |bⱼ|² − 2aᵢ·bⱼ)`.
private func euclideanDistancesByMatmul(_ a: Tensor, _ b: Tensor, batches: Int, r1: Int, r2: Int, m: Int) -> Tensor {
    noGrad {
        let products = matmul(a, b.transposed(-1, -2)).contiguous()
        return Kernels.euclideanDistances(fromProducts: products, a, b, batches: batches, r1: r1, r2: r2, m: m)
    }
}
