// Softmax and log-softmax along an axis, stabilised by subtracting the maximum.

/// `exp(x) / sum(exp(x))` along `axis`; never overflows (the maximum is subtracted first).
///
/// Backward: ∂x = y ⊙ (g − Σ g⊙y).
public func softmax(_ x: Tensor, axis: Int = -1) -> Tensor {
    let a = x.normalizedAxis(axis, op: "softmax")
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
    let a = x.normalizedAxis(axis, op: "logSoftmax")
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

/// `log Σ exp(x)` along `axis`, stable for large inputs.
public func logSumExp(_ x: Tensor, axis: Int = -1, keepDims: Bool = false) -> Tensor {
    let m = x.detached().max(axis: axis, keepDims: true)
    let r = log(exp(x - m).sum(axis: axis, keepDims: true)) + m
    return keepDims ? r : r.squeezed(axis: axis)
}

extension Tensor {
    /// Softmax along `axis`.
    public func softmax(axis: Int = -1) -> Tensor { Apus.softmax(self, axis: axis) }
    /// Log-softmax along `axis`.
    public func logSoftmax(axis: Int = -1) -> Tensor { Apus.logSoftmax(self, axis: axis) }
}
