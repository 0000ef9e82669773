// Softmax and log-softmax along an axis, stabilised by subtracting the maximum.

/// `exp(x) / sum(exp(x))` along `axis`; never overflows (the maximum is subtracted first).
///
/// Backward: ∂x = y ⊙ (g − Σ g⊙y).
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    if let y = inFloat32IfReduced(x, { softmax($0, axis: axis) }) { return y }
    let a = x.normalizedAxis(axis, op: "softmax")
    if x.count == 0 { return x.dtype.isFloatingPoint ? x * 1 : Tensor.zeros(x.shape) }  // nothing to normalise
    let out = fusedRows(x, axis: a, log: false) ?? noGrad { () -> Tensor in
        let xf = x.dtype.isFloatingPoint ? x.detached() : x.detached().cast(to: .float32)
        let e = exp(xf - xf.max(axis: a, keepDims: true))
        return e / e.sum(axis: a, keepDims: true)
    }
    let y = out.detached()
    return recordUnary("softmax", x, out) { g in y * (g - (g * y).sum(axis: a, keepDims: true)) }
}

/// `x − log Σ exp(x)` along `axis`, computed stably (log-sum-exp with the maximum factored out).
///
/// Backward: ∂x = g − softmax(x) ⊙ Σ g.
public func logSoftmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    if let y = inFloat32IfReduced(x, { logSoftmax($0, axis: axis) }) { return y }
    let a = x.normalizedAxis(axis, op: "logSoftmax")
    if x.count == 0 { return x.dtype.isFloatingPoint ? x * 1 : Tensor.zeros(x.shape) }  // nothing to normalise
    let out = fusedRows(x, axis: a, log: true) ?? noGrad { () -> Tensor in
        let xf = x.dtype.isFloatingPoint ? x.detached() : x.detached().cast(to: .float32)
        let shifted = xf - xf.max(axis: a, keepDims: true)
        return shifted - log(exp(shifted).sum(axis: a, keepDims: true))
    }
    let y = out.detached()
    return recordUnary("logSoftmax", x, out) { g in g - exp(y) * g.sum(axis: a, keepDims: true) }
}

/// The one-pass kernel when `axis` is the last of a contiguous floating-point tensor; nil otherwise.
private func fusedRows(_ x: Tensor, axis: Int, log: Bool) -> Tensor? {
    guard x.dtype.isFloatingPoint, x.isContiguous, axis == x.rank - 1, x.count > 0 else { return nil }
    let n = x.shape[axis]
    return Kernels.softmaxRows(x, rows: x.count / n, length: n, log: log)
}

/// `log Σ exp(x)` over `axes` (all when nil), as `torch.logsumexp`, stable for large inputs: the
/// maximum `m` is factored out, `m + log Σ exp(x − m)` (an infinite `m` is replaced by 0, so a
/// slice of −∞ gives −∞, not NaN). Like the other reductions, `keepDims` keeps the reduced axes with size 1.
///
/// Backward: `∂x = g · softmax(x)` over the reduced axes.
public func logSumExp(_ x: Tensor, axes: [Int]?, keepDims: Bool = false) -> Tensor {
    let xf = x.dtype.isFloatingPoint ? x : x.cast(to: .float32)
    let reduced = Set((axes ?? Array(0..<xf.rank)).map { xf.normalizedAxis($0, op: "logSumExp", rank: Swift.max(xf.rank, 1)) })
        .filter { $0 < xf.rank }
    if reduced.contains(where: { xf.shape[$0] == 0 }) {
        // A sum of no exponentials is 0: −∞, as in PyTorch (the input has no elements, nor gradient).
        let shape = xf.shape.indices.compactMap { reduced.contains($0) ? (keepDims ? 1 : nil) : xf.shape[$0] }
        let inShape = xf.shape
        return recordUnary("logSumExp", xf, Tensor.full(shape, value: -.infinity, dtype: xf.dtype)) { g in .zeros(inShape, dtype: g.dtype) }
    }
    let m = noGrad { () -> Tensor in
        // No elements: nothing to factor out, and the sum of nothing gives log 0 = −∞.
        if xf.count == 0 { return Tensor.zeros(xf.shape.indices.map { reduced.contains($0) ? 1 : xf.shape[$0] }, dtype: xf.dtype) }
        let max = xf.detached().max(axes: axes, keepDims: true)
        return `where`(abs(max) .< Double.infinity, max, Tensor(scalar: 0, dtype: max.dtype))
    }
    let r = log(exp(xf - m).sum(axes: axes, keepDims: true)) + m
    return keepDims ? r : r.reshape(xf.shape.indices.filter { !reduced.contains($0) }.map { xf.shape[$0] })
}

/// `log Σ exp(x)` along one axis: ``logSumExp(_:axes:keepDims:)`` with `axes: [axis]`.
public func logSumExp(_ x: Tensor, axis: Int, keepDims: Bool = false) -> Tensor {
    logSumExp(x, axes: [axis], keepDims: keepDims)
}

/// `log Σ exp(x)` along the last axis, the old default.
@available(*, deprecated, message: "name the axes, as torch.logsumexp does: logSumExp(x, axis: -1)")
public func logSumExp(_ x: Tensor, keepDims: Bool = false) -> Tensor { logSumExp(x, axes: [-1], keepDims: keepDims) }

extension Tensor {
    /// `log Σ exp` over `axes` (all when nil): see ``logSumExp(_:axes:keepDims:)``.
    public func logSumExp(axes: [Int]?, keepDims: Bool = false) -> Tensor { Apus.logSumExp(self, axes: axes, keepDims: keepDims) }
    /// `log Σ exp` along one axis.
    public func logSumExp(axis: Int, keepDims: Bool = false) -> Tensor { Apus.logSumExp(self, axes: [axis], keepDims: keepDims) }
    /// Softmax along `axis`.
    public func softmax(axis: Int = -1) -> Tensor { Apus.softmax(self, axis: axis) }
    /// Log-softmax along `axis`.
    public func logSoftmax(axis: Int = -1) -> Tensor { Apus.logSoftmax(self, axis: axis) }
}
