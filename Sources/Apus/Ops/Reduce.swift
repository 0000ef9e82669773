// Reductions over any set of axes: sum, mean, max, min, argmax, argmin, variance, std.

/// How a reduction sees its input: the reduced axes moved last and flattened into rows.
struct ReductionLayout {
    let axes: [Int]
    /// Input shape with reduced axes set to 1.
    let keptShape: [Int]
    /// Result shape (`keptShape`, or without the reduced axes).
    let outShape: [Int]
    let rows: Int
    let length: Int
    /// The input, contiguous, as `[rows, length]`.
    let block: Tensor

    init(_ x: Tensor, axes: [Int]?, keepDims: Bool, op: String) {
        let all = Array(0..<x.rank)
        let listed = (axes ?? all).map { x.normalizedAxis($0, op: op) }
        let reduced = Set(listed)
        require(reduced.count == listed.count, "\(op): axes \(axes ?? all) name the same axis twice (shape \(x.shape))")
        let sortedAxes = reduced.sorted()
        self.axes = sortedAxes
        let kept = all.filter { !reduced.contains($0) }
        keptShape = all.map { reduced.contains($0) ? 1 : x.shape[$0] }
        outShape = keepDims ? keptShape : kept.map { x.shape[$0] }
        rows = kept.map { x.shape[$0] }.reduce(1, *)
        length = sortedAxes.map { x.shape[$0] }.reduce(1, *)
        block = noGrad { x.detached().permute(kept + sortedAxes).contiguous() }
    }
}

extension Tensor {
    /// Sum over `axes` (all when nil). Integers and booleans sum to int64 (wrapping on overflow);
    /// float16 and bfloat16 accumulate in float32 and round the sums to their dtype, as in PyTorch.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        if dtype.isReducedPrecision { return cast(to: .float32).sum(axes: axes, keepDims: keepDims).cast(to: dtype) }
        let x = dtype == .bool || dtype.isIntegral ? cast(to: .int64) : self
        if let leading = x.leadingReduction(axes), x.dtype.isFloatingPoint {
            // Reducing leading axes of a contiguous tensor (a batch): add whole rows, no transpose.
            let outShape = (keepDims ? [Int](repeating: 1, count: leading) : []) + Array(shape[leading...])
            let kept = [Int](repeating: 1, count: leading) + Array(shape[leading...])
            let out = Kernels.sumLeadingRows(x, rows: shape[..<leading].reduce(1, *), columns: shape[leading...].reduce(1, *))
                .reshape(outShape)
            let inShape = shape
            return recordUnary("sum", x, out) { g in g.reshape(kept).expand(to: inShape) }
        }
        let layout = ReductionLayout(x, axes: axes, keepDims: keepDims, op: "sum")
        let out: Tensor
        switch x.dtype {
        case .float32:
            out = Tensor(scalars: Kernels.reduceRows(layout.block, rows: layout.rows, length: layout.length, Float.self, to: Float.self,
                                                     layout.rows == 1 ? Kernels.parallelSum : Kernels.sum),
                         shape: layout.outShape)
        case .float64:
            out = Tensor(scalars: Kernels.reduceRows(layout.block, rows: layout.rows, length: layout.length, Double.self, to: Double.self, Kernels.sum),
                         shape: layout.outShape)
        default:
            out = Tensor(scalars: Kernels.reduceRows(layout.block, rows: layout.rows, length: layout.length, Int64.self, to: Int64.self) { p, n in
                (0..<n).reduce(0) { $0 &+ p[$1] }
            }, shape: layout.outShape)
        }
        let (inShape, kept) = (shape, layout.keptShape)
        return recordUnary("sum", x, out) { g in g.reshape(kept).expand(to: inShape) }
    }

    /// Number of elements each output of a reduction over `axes` combines; repeated axes are an error.
    private func reducedCount(_ axes: [Int]?, op: String) -> Int {
        let listed = (axes ?? Array(0..<rank)).map { normalizedAxis($0, op: op) }
        require(Set(listed).count == listed.count, "\(op): axes \(axes ?? []) name the same axis twice (shape \(shape))")
        return listed.map { shape[$0] }.reduce(1, *)
    }

    /// How many leading axes `axes` reduces, when it is exactly `0..<p` (p < rank) of a contiguous tensor.
    fileprivate func leadingReduction(_ axes: [Int]?) -> Int? {
        guard let axes, isContiguous, !axes.isEmpty else { return nil }
        let sorted = axes.map { normalizedAxis($0, op: "sum") }.sorted()
        guard sorted == Array(0..<sorted.count), sorted.count < rank else { return nil }
        return sorted.count
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Mean over `axes` (all when nil).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        if dtype.isReducedPrecision { return cast(to: .float32).mean(axes: axes, keepDims: keepDims).cast(to: dtype) }
        let x = dtype.isFloatingPoint ? self : cast(to: .float32)
        let n = reducedCount(axes, op: "mean")
        return x.sum(axes: axes, keepDims: keepDims) / Double(n)  // 0 / 0: NaN over nothing, as in PyTorch
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes` with Bessel's correction by default (`correction` 1 divides by N − 1, 0 by N).
    public func variance(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        if dtype.isReducedPrecision { return cast(to: .float32).variance(axes: axes, correction: correction, keepDims: keepDims).cast(to: dtype) }
        let n = reducedCount(axes, op: "variance")
        require(n - correction > 0, "variance: \(n) elements with correction \(correction)")
        let centered = self - mean(axes: axes, keepDims: true)
        return (centered * centered).sum(axes: axes, keepDims: keepDims) / Double(n - correction)
    }

    /// Variance over one axis.
    public func variance(axis: Int, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        variance(axes: [axis], correction: correction, keepDims: keepDims)
    }

    /// Standard deviation over `axes`: the square root of ``variance(axes:correction:keepDims:)``.
    public func std(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        Apus.sqrt(variance(axes: axes, correction: correction, keepDims: keepDims))
    }

    /// Standard deviation over one axis.
    public func std(axis: Int, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        std(axes: [axis], correction: correction, keepDims: keepDims)
    }

    /// Largest value over `axes` (all when nil); the gradient is shared evenly among tied maxima.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor { extreme(axes: axes, keepDims: keepDims, largest: true) }
    /// Largest value over one axis.
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }
    /// Smallest value over `axes` (all when nil); the gradient is shared evenly among tied minima.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor { extreme(axes: axes, keepDims: keepDims, largest: false) }
    /// Smallest value over one axis.
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

    private func extreme(axes: [Int]?, keepDims: Bool, largest: Bool) -> Tensor {
        let op = largest ? "max" : "min"
        let layout = ReductionLayout(self, axes: axes, keepDims: keepDims, op: op)
        require(layout.length > 0, "\(op): reducing over an empty dimension of shape \(shape)")
        let index = layout.block.argExtremeRows(layout, largest: largest)
        let values = layout.block.reshape([layout.rows, layout.length])
            .gatherRows(index).reshape(layout.outShape)
        let (dx, kept) = (detached(), layout.keptShape)
        let keptValues = values.reshape(kept)
        return recordUnary(op, self, values) { g in
            let mask = (dx .== keptValues).cast(to: g.dtype)
            return g.reshape(kept) * mask / mask.sum(axes: layout.axes, keepDims: true)
        }
    }

    /// Index of the largest element along `axis` (of the flattened tensor when nil), as int64.
    public func argmax(axis: Int? = nil, keepDims: Bool = false) -> Tensor { argExtreme(axis: axis, keepDims: keepDims, largest: true) }
    /// Index of the smallest element along `axis` (of the flattened tensor when nil), as int64.
    public func argmin(axis: Int? = nil, keepDims: Bool = false) -> Tensor { argExtreme(axis: axis, keepDims: keepDims, largest: false) }

    private func argExtreme(axis: Int?, keepDims: Bool, largest: Bool) -> Tensor {
        let op = largest ? "argmax" : "argmin"
        let x = axis == nil ? detached().reshape([count]) : detached()
        let layout = ReductionLayout(x, axes: [axis ?? 0], keepDims: keepDims && axis != nil, op: op)
        require(layout.length > 0, "\(op): empty dimension in shape \(shape)")
        let idx = layout.block.argExtremeRows(layout, largest: largest)
        if axis == nil { return idx.reshape(keepDims ? [Int](repeating: 1, count: rank) : []) }
        return idx.reshape(layout.outShape)
    }

    /// Per-row index of the extreme value of a `[rows, length]` block, as an int64 vector.
    private func argExtremeRows(_ layout: ReductionLayout, largest: Bool) -> Tensor {
        let idx: [Int64]
        switch dtype {
        case .float32: idx = Kernels.reduceRows(self, rows: layout.rows, length: layout.length, Float.self, to: Int64.self) { Int64(Kernels.argExtreme($0, $1, largest: largest)) }
        case .float64: idx = Kernels.reduceRows(self, rows: layout.rows, length: layout.length, Double.self, to: Int64.self) { Int64(Kernels.argExtreme($0, $1, largest: largest)) }
        case .int64: idx = Kernels.reduceRows(self, rows: layout.rows, length: layout.length, Int64.self, to: Int64.self) { Int64(Kernels.argExtreme($0, $1, largest: largest)) }
        // Exact: 16-bit floats widen to float32 and narrow integers to int64 without changing order.
        default: return cast(to: dtype.isFloatingPoint ? .float32 : .int64).argExtremeRows(layout, largest: largest)
        }
        return Tensor(scalars: idx)
    }

    /// `self[r, index[r]]` for each row `r` of a matrix (no autograd).
    private func gatherRows(_ index: Tensor) -> Tensor {
        noGrad { gather(axis: 1, index: index.reshape([-1, 1])).reshape([-1]) }
    }
}
