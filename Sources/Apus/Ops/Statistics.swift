// Order statistics: median, nanmedian, quantile, nanquantile, mode. Each line of the input (the
// [outer, n, inner] blocks of ReductionLayout) is sorted once by value, NaN last, ties by position;
// the gradient goes to the elements the results were read from.

/// How `quantile(q:axis:keepDims:interpolation:)` reads a quantile that falls between two sorted
/// values `a ≤ b` at fractional position `i + f` (PyTorch's `interpolation`).
public enum QuantileInterpolation: Sendable, CaseIterable {
    /// `a + f·(b − a)`.
    case linear
    /// `a`.
    case lower
    /// `b`.
    case higher
    /// `(a + b) / 2`.
    case midpoint
    /// `a` or `b`, whichever position is nearer (ties to the even position, as `torch.round`).
    case nearest
}

/// The median (lower of the two middle values) or the mode of each line, and its position.
private struct OrderStatisticKernel: NumericKernel {
    enum Statistic { case median, nanmedian, mode }
    let layout: ReductionLayout, statistic: Statistic
    func run<T: NumericScalar>(_: T.Type) -> (values: Tensor, indices: Tensor) {
        let values = Tensor(uninitialized: layout.outShape, dtype: T.dtype)
        let indices = Tensor(uninitialized: layout.outShape, dtype: .int64)
        let (vp, ip) = (values.storage.pointer(T.self), indices.storage.pointer(Int64.self))
        let n = layout.length
        Kernels.forEachSortedLine(layout.block.elementPointer(T.self), outer: layout.outer, n: n, inner: layout.inner) { line, v, order, nans in
            let valid = n - nans
            var pick: Int
            switch statistic {
            case .median:
                // A NaN makes the median NaN: the first NaN is reported.
                pick = nans > 0 ? order[valid] : order[(valid - 1) / 2]
            case .nanmedian:
                pick = valid == 0 ? order[0] : order[(valid - 1) / 2]
            case .mode:
                // The most frequent value (the smallest among equally frequent ones), reported at
                // its last position, as PyTorch's CPU kernel does.
                pick = order[0]
                var (run, best) = (0, 0)
                for i in 0..<n {
                    run += 1
                    if i == n - 1 || v[order[i]] != v[order[i + 1]] {
                        if run > best { (best, pick) = (run, order[i]) }
                        run = 0
                    }
                }
            }
            vp[line] = v[pick]
            ip[line] = Int64(pick)
        }
        return (values, indices)
    }
}

/// Quantiles of each line: for each `q`, the value and the two positions it interpolates between
/// with the weight of the upper one.
private struct QuantileKernel: FloatingPointKernel {
    let layout: ReductionLayout, qs: [Double], interpolation: QuantileInterpolation, ignoreNaN: Bool
    func run<T: FloatScalar>(_: T.Type) -> (values: Tensor, below: Tensor, above: Tensor, weights: Tensor) {
        let shape = [qs.count, layout.results]
        let values = Tensor(uninitialized: shape, dtype: T.dtype), weights = Tensor(uninitialized: shape, dtype: T.dtype)
        let below = Tensor(uninitialized: shape, dtype: .int64), above = Tensor(uninitialized: shape, dtype: .int64)
        let (vp, wp) = (values.storage.pointer(T.self), weights.storage.pointer(T.self))
        let (bp, ap) = (below.storage.pointer(Int64.self), above.storage.pointer(Int64.self))
        let (n, lines) = (layout.length, layout.results)
        let qT = qs.map { T($0) }
        Kernels.forEachSortedLine(layout.block.elementPointer(T.self), outer: layout.outer, n: n, inner: layout.inner) { line, v, order, nans in
            for (k, q) in qT.enumerated() {
                // PyTorch's ranks, in the input's precision: a NaN puts quantile at the last (NaN)
                // position; nanquantile ranks the values that are not NaN (position 0 if none).
                var rank: T
                if ignoreNaN {
                    rank = Swift.max(0, q * T(n - nans - 1))
                } else {
                    rank = nans > 0 ? T(n - 1) : q * T(n - 1)
                }
                switch interpolation {
                case .lower: rank.round(.down)
                case .higher: rank.round(.up)
                case .nearest: rank.round(.toNearestOrEven)
                case .linear, .midpoint: break
                }
                let lo = Int(rank)
                var (hi, w): (Int, T) = (lo, 0)
                if interpolation == .linear || interpolation == .midpoint {
                    hi = Int(rank.rounded(.up))
                    w = interpolation == .midpoint ? 0.5 : rank - T(lo)
                }
                let (a, b) = (v[order[lo]], v[order[hi]])
                // torch.lerp: from the nearer end, for accuracy.
                let at = k * lines + line
                vp[at] = Swift.abs(w) < 0.5 ? a + w * (b - a) : b - (b - a) * (1 - w)
                wp[at] = w
                bp[at] = Int64(order[lo])
                ap[at] = Int64(order[hi])
            }
        }
        return (values, below, above, weights)
    }
}

/// The gradient of quantiles: `g·(1 − w)` to the lower position and `g·w` to the upper one of each line.
private struct QuantileBackwardKernel: FloatingPointKernel {
    let layout: ReductionLayout, g: Tensor, below: Tensor, above: Tensor, weights: Tensor, count: Int
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let (n, inner, lines) = (layout.length, layout.inner, layout.results)
        let grad = Tensor.zeros(layout.orderedShape, dtype: T.dtype)
        let dst = grad.storage.pointer(T.self)
        let (gp, wp) = (g.elementPointer(T.self), weights.elementPointer(T.self))
        let (bp, ap) = (below.elementPointer(Int64.self), above.elementPointer(Int64.self))
        for k in 0..<count {
            for line in 0..<lines {
                let o = line / inner, i = line - o * inner
                let base = o * n * inner + i
                let at = k * lines + line
                dst[base + Int(bp[at]) * inner] += gp[at] * (1 - wp[at])
                dst[base + Int(ap[at]) * inner] += gp[at] * wp[at]
            }
        }
        return layout.restored(grad)
    }
}

extension Tensor {
    /// The median of all elements, as `torch.median(x)`: the lower of the two middle values when
    /// the count is even (no averaging), NaN when any element is NaN or there are none. The gradient
    /// is shared evenly among the elements equal to the median, as in PyTorch.
    public func median() -> Tensor { wholeMedian(ignoreNaN: false, op: "median") }

    /// The median of the elements that are not NaN, as `torch.nanmedian(x)` (NaN when all are).
    public func nanmedian() -> Tensor { wholeMedian(ignoreNaN: true, op: "nanmedian") }

    private func wholeMedian(ignoreNaN: Bool, op: String) -> Tensor {
        require(dtype != .bool, "\(op): not defined for bool tensors (shape \(shape)), as in PyTorch")
        if count == 0 {
            requireFloatingPoint(op)
            let inShape = shape
            return recordUnary(op, self, Tensor.full([], value: .nan, dtype: dtype)) { g in .zeros(inShape, dtype: g.dtype) }
        }
        let x = reductionOperand(integersToInt64: false)
        let layout = ReductionLayout(x.reshape([count]), axes: [0], keepDims: false, op: op)
        let out = x.dtype.dispatch(OrderStatisticKernel(layout: layout, statistic: ignoreNaN ? .nanmedian : .median), op: op).values
        let (dx, value) = (x.detached(), out.detached())
        let result = recordUnary(op, x, out) { g in g * evenShare(of: dx, equalTo: value, axes: Array(0..<dx.rank), nanTies: true) }
        return dtype.isFloatingPoint ? result.cast(to: dtype) : result
    }

    /// The median along `axis` and its index, as `torch.median(x, dim)`: the lower middle value, at
    /// the position a stable sort puts it (among equal values the middle one in order of position);
    /// a line with a NaN gives NaN at its first NaN. `values` has the input's dtype, `indices` is
    /// int64, both without `axis` (kept with size 1 when `keepDims`). The gradient goes to the index.
    public func median(axis: Int, keepDims: Bool = false) -> (values: Tensor, indices: Tensor) {
        orderStatistic(axis: axis, keepDims: keepDims, .median, op: "median")
    }

    /// The median along `axis` of the elements that are not NaN, and its index, as `torch.nanmedian(x, dim)`.
    public func nanmedian(axis: Int, keepDims: Bool = false) -> (values: Tensor, indices: Tensor) {
        orderStatistic(axis: axis, keepDims: keepDims, .nanmedian, op: "nanmedian")
    }

    /// The most frequent value along `axis` (the last by default) and its index, as `torch.mode`:
    /// the smallest among equally frequent values, at its last position. The gradient goes to the index.
    public func mode(axis: Int = -1, keepDims: Bool = false) -> (values: Tensor, indices: Tensor) {
        orderStatistic(axis: axis, keepDims: keepDims, .mode, op: "mode")
    }

    private func orderStatistic(axis: Int, keepDims: Bool, _ statistic: OrderStatisticKernel.Statistic,
                                op: String) -> (values: Tensor, indices: Tensor) {
        require(dtype != .bool || statistic == .mode, "\(op): not defined for bool tensors (shape \(shape)), as in PyTorch")
        let x = dtype == .bool ? cast(to: .int64) : reductionOperand(integersToInt64: false)
        let layout = ReductionLayout(x, axes: [axis], keepDims: keepDims, op: op)
        require(layout.length > 0, "\(op): reducing \(layout.axesDescription) (shape \(shape)): the \(op) of nothing is undefined")
        let (out, indices) = x.dtype.dispatch(OrderStatisticKernel(layout: layout, statistic: statistic), op: op)
        if dtype == .bool { return (out.cast(to: .bool), indices) }
        let values = recordUnary(op, x, out) { g in layout.scatter(g, at: indices) }
        return (values.cast(to: dtype), indices)
    }

    /// The `q`-quantile (0 ≤ q ≤ 1) along `axis` (of all elements when nil), as `torch.quantile`:
    /// the value at position `q·(n − 1)` of the sorted line, read between its neighbours as
    /// `interpolation` says. A line with a NaN gives NaN. Floating-point tensors with elements only.
    ///
    /// The result has the input's shape without `axis` (kept with size 1 when `keepDims`; without
    /// `axis`, `keepDims` keeps every axis with size 1). The gradient goes to the one or two elements
    /// the quantile was read from (`1 − f` and `f` of it for linear interpolation).
    public func quantile(q: Double, axis: Int? = nil, keepDims: Bool = false,
                         interpolation: QuantileInterpolation = .linear) -> Tensor {
        quantiles([q], qShape: [], axis: axis, keepDims: keepDims, interpolation: interpolation, ignoreNaN: false, op: "quantile")
    }

    /// Quantiles for each `q` of a scalar or 1-D tensor (of the input's dtype), stacked along a new
    /// first axis of length `q.count`, as `torch.quantile` with a tensor `q`.
    public func quantile(q: Tensor, axis: Int? = nil, keepDims: Bool = false,
                         interpolation: QuantileInterpolation = .linear) -> Tensor {
        let (qs, qShape) = quantileLevels(q, op: "quantile")
        return quantiles(qs, qShape: qShape, axis: axis, keepDims: keepDims, interpolation: interpolation, ignoreNaN: false, op: "quantile")
    }

    /// The `q`-quantile of the elements that are not NaN, as `torch.nanquantile` (NaN when all are).
    public func nanquantile(q: Double, axis: Int? = nil, keepDims: Bool = false,
                            interpolation: QuantileInterpolation = .linear) -> Tensor {
        quantiles([q], qShape: [], axis: axis, keepDims: keepDims, interpolation: interpolation, ignoreNaN: true, op: "nanquantile")
    }

    /// Quantiles of the elements that are not NaN for each `q` of a scalar or 1-D tensor, as `torch.nanquantile`.
    public func nanquantile(q: Tensor, axis: Int? = nil, keepDims: Bool = false,
                            interpolation: QuantileInterpolation = .linear) -> Tensor {
        let (qs, qShape) = quantileLevels(q, op: "nanquantile")
        return quantiles(qs, qShape: qShape, axis: axis, keepDims: keepDims, interpolation: interpolation, ignoreNaN: true, op: "nanquantile")
    }

    private func quantileLevels(_ q: Tensor, op: String) -> ([Double], [Int]) {
        require(q.rank <= 1, "\(op): q must be a scalar or a 1-D tensor, got shape \(q.shape)")
        require(q.dtype == dtype, "\(op): q (\(q.dtype)) must have the input's dtype (\(dtype))")
        return (q.toDoubles(), q.shape)
    }

    private func quantiles(_ qs: [Double], qShape: [Int], axis: Int?, keepDims: Bool, interpolation: QuantileInterpolation,
                           ignoreNaN: Bool, op: String) -> Tensor {
        requireFloatingPoint(op)
        require(count > 0, "\(op): the input has no elements (shape \(shape))")
        for q in qs { require(q >= 0 && q <= 1, "\(op): q must be in [0, 1], got \(q)") }
        let x = reductionOperand(integersToInt64: false)
        let layout = ReductionLayout(axis == nil ? x.reshape([count]) : x, axes: [axis ?? 0], keepDims: keepDims, op: op)
        let (out, below, above, weights) = x.dtype.dispatchFloatingPoint(
            QuantileKernel(layout: layout, qs: qs, interpolation: interpolation, ignoreNaN: ignoreNaN), op: op)
        let reducedShape = axis == nil ? (keepDims ? [Int](repeating: 1, count: rank) : []) : layout.outShape
        let flatShape = [qs.count, layout.results], inShape = x.shape
        let result = recordUnary(op, x, out.reshape(qShape + reducedShape)) { g in
            g.dtype.dispatchFloatingPoint(QuantileBackwardKernel(layout: layout, g: g.reshape(flatShape).contiguous(), below: below,
                                                                 above: above, weights: weights, count: qs.count), op: "\(op) backward")
                .reshape(inShape)
        }
        return result.cast(to: dtype)
    }
}
