// Reductions over any set of axes: sum, prod, mean, nansum, nanmean, max/min and amax/amin (with
// indices along one axis), argmax/argmin, aminmax, variance/std (and with the mean), all/any,
// countNonzero. Each runs one kernel over the input seen as [outer, n, inner] blocks
// (ReductionLayout) and follows PyTorch on empty inputs: sums give 0, products 1, means and
// variances NaN, and the reductions without an identity (max, min, argmax, ...) stop.

/// How a reduction sees its input: a contiguous block `[outer, length, inner]` whose middle axis
/// runs over the reduced elements.
///
/// When the reduced axes are adjacent (one axis, or a run such as `[1, 2]`) the block is the input
/// itself (no copy when it is contiguous); otherwise the kept axes after the last reduced axis stay
/// innermost and the other axes move around them (`[0, 2]` of `[A, B, C, D]` becomes
/// `[B, A·C, D]`), one copy. A reduction then either walks rows (`inner == 1`) or adds whole
/// `inner`-long rows of the block together, both contiguous loops.
struct ReductionLayout {
    /// The reduced axes, sorted.
    let axes: [Int]
    /// Input shape with reduced axes set to 1.
    let keptShape: [Int]
    /// Result shape (`keptShape`, or without the reduced axes).
    let outShape: [Int]
    let outer: Int
    /// Elements each result combines.
    let length: Int
    let inner: Int
    /// The input, contiguous, with its axes in `order`: `[outer, length, inner]` row-major.
    let block: Tensor
    /// The input's axes in the order of `block`, nil when it is the input's own order.
    let order: [Int]?
    /// The shape of `block` before flattening (the input's shape permuted by `order`).
    let orderedShape: [Int]
    let inShape: [Int]

    /// The number of results (`outer · inner`).
    var results: Int { outer * inner }

    /// A rank-0 tensor accepts axis 0 and −1, as in PyTorch (they reduce nothing).
    init(_ x: Tensor, axes: [Int]?, keepDims: Bool, op: String) {
        let rank = x.rank
        let listed = (axes ?? Array(0..<rank)).map { x.normalizedAxis($0, op: op, rank: Swift.max(rank, 1)) }
        let reduced = Set(listed)
        require(reduced.count == listed.count, "\(op): axes \(axes ?? []) name the same axis twice (shape \(x.shape))")
        let sortedAxes = rank == 0 ? [] : reduced.sorted()
        self.axes = sortedAxes
        inShape = x.shape
        let all = Array(0..<rank)
        let kept = all.filter { !reduced.contains($0) }
        keptShape = all.map { reduced.contains($0) ? 1 : x.shape[$0] }
        outShape = keepDims ? keptShape : kept.map { x.shape[$0] }
        let last = sortedAxes.last ?? rank
        let before = kept.filter { $0 < last }, after = kept.filter { $0 > last }
        let ordered = before + sortedAxes + after
        outer = before.map { x.shape[$0] }.reduce(1, *)
        length = sortedAxes.map { x.shape[$0] }.reduce(1, *)
        inner = after.map { x.shape[$0] }.reduce(1, *)
        orderedShape = ordered.map { x.shape[$0] }
        if ordered == all {
            order = nil
            block = x.detached().contiguous()
        } else {
            order = ordered
            block = noGrad { x.detached().permute(ordered).contiguous() }
        }
    }

    /// `t`, laid out like ``block`` (a gradient computed line by line), in the input's axis order and shape.
    func restored(_ t: Tensor) -> Tensor {
        guard let order else { return t.reshape(inShape) }
        var inverse = [Int](repeating: 0, count: order.count)
        for (i, a) in order.enumerated() { inverse[a] = i }
        return t.reshape(orderedShape).permute(inverse)
    }

    /// Runs `r` over every line of ``block`` into a new tensor of ``outShape``.
    func reduce<R: Reducer>(_ r: R) -> Tensor where R.Element: TensorScalar, R.Output: TensorScalar {
        let out = Tensor(uninitialized: outShape, dtype: R.Output.dtype)
        Kernels.reduce(r, block.elementPointer(R.Element.self), outer: outer, n: length, inner: inner, into: out.storage.pointer(R.Output.self))
        return out
    }

    /// The reduced axes for a message: "axis 1 (size 0)" or "axes [0, 2] (sizes [2, 0])".
    var axesDescription: String {
        axes.count == 1 ? "axis \(axes[0]) of size \(inShape[axes[0]])" : "axes \(axes) of sizes \(axes.map { inShape[$0] })"
    }
}

extension Tensor {
    /// The first element of a contiguous tensor, typed (kernels read through it).
    func elementPointer<T: TensorScalar>(_: T.Type) -> UnsafePointer<T> {
        UnsafePointer(storage.pointer(T.self) + offset)
    }

    /// The tensor a kernel computes on: float32 or float64 as is, other floating-point types as
    /// float32 (the result is converted back), integers and booleans as int64 when `integers` says so.
    func reductionOperand(integersToInt64: Bool) -> Tensor {
        if dtype == .float32 || dtype == .float64 { return self }
        if dtype.isFloatingPoint { return cast(to: .float32) }
        return integersToInt64 ? cast(to: .int64) : self
    }

    /// Stops unless the dtype is floating point, naming `op` (PyTorch refuses these ops on integers).
    func requireFloatingPoint(_ op: String) {
        require(dtype.isFloatingPoint, "\(op): expected a floating-point tensor, got \(dtype) (shape \(shape)); cast it first, as PyTorch requires")
    }
}

// MARK: - Sums and products

private struct SumKernel: FloatingPointKernel {
    let layout: ReductionLayout
    func run<T: FloatScalar>(_: T.Type) -> Tensor { layout.reduce(SumReducer<T>()) }
}

private struct ProdKernel: FloatingPointKernel {
    let layout: ReductionLayout
    func run<T: FloatScalar>(_: T.Type) -> Tensor { layout.reduce(ProdReducer<T>()) }
}

/// The gradient of a product: `g · out / x` without zeros in a line; with one zero, the product of
/// the others at the zero and 0 elsewhere; with two or more, 0 (PyTorch's results, without dividing by 0).
private struct ProdBackwardKernel: FloatingPointKernel {
    let layout: ReductionLayout, out: Tensor, g: Tensor
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let (outer, n, inner) = (layout.outer, layout.length, layout.inner)
        let grad = Tensor(uninitialized: layout.orderedShape, dtype: T.dtype)
        let x = layout.block.elementPointer(T.self), r = out.elementPointer(T.self), gp = g.elementPointer(T.self)
        let dst = grad.storage.pointer(T.self)
        Kernels.forEachLineGroup(outer: outer, n: n, inner: inner) { base, line, width in
            for k in 0..<width {
                let (result, up) = (r[line + k], gp[line + k])
                var zeros = 0, firstZero = 0
                var others: T = 1
                for j in 0..<n {
                    let v = x[base + j * inner + k]
                    if v == 0 {
                        if zeros == 0 { firstZero = j }
                        zeros += 1
                    } else {
                        others *= v
                    }
                }
                for j in 0..<n {
                    let at = base + j * inner + k
                    switch zeros {
                    case 0: dst[at] = up * (result / x[at])
                    case 1: dst[at] = j == firstZero ? up * others : 0
                    default: dst[at] = 0
                    }
                }
            }
        }
        return layout.restored(grad)
    }
}

/// `Σ x` of int64 values, wrapping around on overflow as PyTorch's integer sums do.
struct WrappingSumReducer: Reducer {
    var initial: Int64 { 0 }
    @inline(__always) func combine(_ a: Int64, _ x: Int64) -> Int64 { a &+ x }
    @inline(__always) func merge(_ a: Int64, _ b: Int64) -> Int64 { a &+ b }
    @inline(__always) func finish(_ a: Int64) -> Int64 { a }
}

private struct NaNSumKernel: FloatingPointKernel {
    let layout: ReductionLayout, count: Bool
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        count ? layout.reduce(NotNaNCountReducer<T>()) : layout.reduce(NaNSumReducer<T>())
    }
}

extension Tensor {
    /// Sum over `axes` (all when nil), as `torch.sum`; the reduced axes stay with size 1 when
    /// `keepDims`. Integers and booleans sum to int64 (wrapping around on overflow, as PyTorch's
    /// do); a sum over no elements is 0.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let x = reductionOperand(integersToInt64: true)
        let layout = ReductionLayout(x, axes: axes, keepDims: keepDims, op: "sum")
        let out = x.dtype == .int64 ? layout.reduce(WrappingSumReducer()) : x.dtype.dispatchFloatingPoint(SumKernel(layout: layout), op: "sum")
        let (inShape, kept) = (x.shape, layout.keptShape)
        let result = recordUnary("sum", x, out) { g in g.reshape(kept).expand(to: inShape) }
        return dtype.isFloatingPoint ? result.cast(to: dtype) : result
    }

    /// Sum over one axis.
    public func sum(axis: Int, keepDims: Bool = false) -> Tensor { sum(axes: [axis], keepDims: keepDims) }

    /// Product of the elements over `axes` (all when nil), as `torch.prod` (which takes one axis or
    /// all); a product over no elements is 1. Integers and booleans multiply as int64, wrapping
    /// around on overflow.
    ///
    /// The gradient is PyTorch's also where `x` has zeros: `g · Π x / xᵢ` in a line without zeros;
    /// with one zero, the product of the others at the zero and 0 elsewhere; with more, 0.
    public func prod(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        let x = reductionOperand(integersToInt64: true)
        let layout = ReductionLayout(x, axes: axes, keepDims: keepDims, op: "prod")
        let out = x.dtype == .int64 ? layout.reduce(WrappingProdReducer()) : x.dtype.dispatchFloatingPoint(ProdKernel(layout: layout), op: "prod")
        let (values, kept) = (out.detached(), layout.keptShape)
        let result = recordUnary("prod", x, out) { g in
            let up = g.reshape(kept).contiguous()
            return g.dtype.dispatchFloatingPoint(ProdBackwardKernel(layout: layout, out: values.contiguous(), g: up), op: "prod backward")
        }
        return dtype.isFloatingPoint ? result.cast(to: dtype) : result
    }

    /// Product over one axis (`torch.prod(x, dim)`).
    public func prod(axis: Int, keepDims: Bool = false) -> Tensor { prod(axes: [axis], keepDims: keepDims) }

    /// Sum over `axes` (all when nil) treating NaN as 0, as `torch.nansum`; integers and booleans
    /// sum as ``sum(axes:keepDims:)``. The gradient is 0 at the NaNs.
    public func nansum(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        guard dtype.isFloatingPoint else { return sum(axes: axes, keepDims: keepDims) }
        let x = reductionOperand(integersToInt64: false)
        let layout = ReductionLayout(x, axes: axes, keepDims: keepDims, op: "nansum")
        let out = x.dtype.dispatchFloatingPoint(NaNSumKernel(layout: layout, count: false), op: "nansum")
        let (dx, kept) = (x.detached(), layout.keptShape)
        let result = recordUnary("nansum", x, out) { g in g.reshape(kept) * (dx .== dx).cast(to: g.dtype) }
        return result.cast(to: dtype)
    }

    /// Mean of the elements that are not NaN over `axes` (all when nil), as `torch.nanmean`; NaN
    /// where every element is NaN (or there are none). Floating-point tensors only.
    public func nanmean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        requireFloatingPoint("nanmean")
        let x = reductionOperand(integersToInt64: false)
        let layout = ReductionLayout(x, axes: axes, keepDims: keepDims, op: "nanmean")
        let counts = x.dtype.dispatchFloatingPoint(NaNSumKernel(layout: layout, count: true), op: "nanmean")
        return (x.nansum(axes: axes, keepDims: keepDims) / counts).cast(to: dtype)
    }

    /// Number of elements each output of a reduction over `axes` combines; repeated axes are an error.
    private func reducedCount(_ axes: [Int]?, op: String) -> Int {
        let listed = (axes ?? Array(0..<rank)).map { normalizedAxis($0, op: op, rank: Swift.max(rank, 1)) }
        require(Set(listed).count == listed.count, "\(op): axes \(axes ?? []) name the same axis twice (shape \(shape))")
        return rank == 0 ? 1 : listed.map { shape[$0] }.reduce(1, *)
    }

    /// Mean over `axes` (all when nil), as `torch.mean`: NaN over no elements; floating-point
    /// tensors only (PyTorch refuses integers: cast them first).
    public func mean(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        requireFloatingPoint("mean")
        // float16 and bfloat16 accumulate and divide in float32, rounded once at the end, as in PyTorch.
        if dtype.isReducedPrecision { return cast(to: .float32).mean(axes: axes, keepDims: keepDims).cast(to: dtype) }
        let n = reducedCount(axes, op: "mean")
        return sum(axes: axes, keepDims: keepDims) / Double(n)
    }

    /// Mean over one axis.
    public func mean(axis: Int, keepDims: Bool = false) -> Tensor { mean(axes: [axis], keepDims: keepDims) }

    /// Variance over `axes` (all when nil), `Σ(x − mean)² / (N − correction)`, as
    /// `torch.var(correction:)`: Bessel's correction (1) by default, 0 for the population variance.
    /// When `N − correction ≤ 0` the divisor is 0 and the result ∞ (NaN where the elements are all
    /// equal), as in PyTorch. Floating-point tensors only.
    public func variance(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        requireFloatingPoint("variance")
        if dtype.isReducedPrecision {
            return cast(to: .float32).variance(axes: axes, correction: correction, keepDims: keepDims).cast(to: dtype)
        }
        let n = reducedCount(axes, op: "variance")
        let centered = self - mean(axes: axes, keepDims: true)
        return (centered * centered).sum(axes: axes, keepDims: keepDims) / Double(Swift.max(0, n - correction))
    }

    /// Variance over one axis.
    public func variance(axis: Int, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        variance(axes: [axis], correction: correction, keepDims: keepDims)
    }

    /// Standard deviation over `axes`: the square root of ``variance(axes:correction:keepDims:)`` (`torch.std`).
    public func std(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        Apus.sqrt(variance(axes: axes, correction: correction, keepDims: keepDims))
    }

    /// Standard deviation over one axis.
    public func std(axis: Int, correction: Int = 1, keepDims: Bool = false) -> Tensor {
        std(axes: [axis], correction: correction, keepDims: keepDims)
    }

    /// Variance and mean over `axes` together, as `torch.var_mean`.
    public func varMean(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> (variance: Tensor, mean: Tensor) {
        (variance(axes: axes, correction: correction, keepDims: keepDims), mean(axes: axes, keepDims: keepDims))
    }

    /// Standard deviation and mean over `axes` together, as `torch.std_mean`.
    public func stdMean(axes: [Int]? = nil, correction: Int = 1, keepDims: Bool = false) -> (std: Tensor, mean: Tensor) {
        (std(axes: axes, correction: correction, keepDims: keepDims), mean(axes: axes, keepDims: keepDims))
    }
}

// MARK: - Largest and smallest

private struct ExtremeKernel: NumericKernel {
    let layout: ReductionLayout, largest: Bool
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        layout.reduce(ExtremeReducer<T>(largest: largest, initial: extremeIdentity(T.self, largest: largest)))
    }
}

private struct ExtremeWithIndexKernel: NumericKernel {
    let layout: ReductionLayout, largest: Bool, wantValues: Bool
    func run<T: NumericScalar>(_: T.Type) -> (values: Tensor?, indices: Tensor) {
        let values = wantValues ? Tensor(uninitialized: layout.outShape, dtype: T.dtype) : nil
        let indices = Tensor(uninitialized: layout.outShape, dtype: .int64)
        Kernels.extremeWithIndex(layout.block.elementPointer(T.self), outer: layout.outer, n: layout.length, inner: layout.inner,
                                 largest: largest, values: values?.storage.pointer(T.self), indices: indices.storage.pointer(Int64.self))
        return (values, indices)
    }
}

/// Adds `g` (shaped like `index`, `[outer, m, inner]`) at the positions `index` along the middle axis
/// of a zero `[outer, n, inner]` gradient.
struct ScatterAlongAxisKernel: FloatingPointKernel {
    let g: Tensor, index: Tensor, outer: Int, m: Int, n: Int, inner: Int, shape: [Int]
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let grad = Tensor(uninitialized: shape, dtype: T.dtype)
        let (gc, ic) = (g.contiguous(), index.contiguous())
        withExtendedLifetime((gc, ic)) {
            Kernels.scatterAlongAxis(gc.elementPointer(T.self), index: ic.elementPointer(Int64.self),
                                     outer: outer, m: m, n: n, inner: inner, into: grad.storage.pointer(T.self))
        }
        return grad
    }
}

extension ReductionLayout {
    /// The gradient of values picked at `index` (one per line, shaped like the result): `g` at
    /// those positions, 0 elsewhere.
    func scatter(_ g: Tensor, at index: Tensor) -> Tensor {
        restored(g.dtype.dispatchFloatingPoint(ScatterAlongAxisKernel(g: g, index: index, outer: outer, m: 1, n: length,
                                                                      inner: inner, shape: orderedShape), op: "scatter"))
    }
}

extension Tensor {
    /// Stops when a reduction without an identity (max, min, argmax, …) meets an empty reduced axis
    /// or an empty tensor, as PyTorch does.
    fileprivate func requireNonEmpty(_ layout: ReductionLayout, op: String, all: Bool) {
        if all {
            require(count > 0, "\(op): the tensor of shape \(shape) has no elements, and \(op) of nothing is undefined; name a non-empty axis")
        } else {
            require(layout.length > 0, "\(op): reducing \(layout.axesDescription) (shape \(shape)): \(op) of nothing is undefined")
        }
    }

    /// Largest value over `axes` (all when nil), as `torch.amax`; the gradient is shared evenly among tied maxima.
    ///
    /// NaN is the largest value. An empty reduced axis (or an empty tensor) is an error, since a
    /// maximum of nothing is undefined. Integers keep their dtype, booleans stay booleans.
    public func amax(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extreme(axes: axes, keepDims: keepDims, largest: true, op: "amax", nanTies: false)
    }

    /// Smallest value over `axes` (all when nil), as `torch.amin`; the gradient is shared evenly among tied minima.
    public func amin(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extreme(axes: axes, keepDims: keepDims, largest: false, op: "amin", nanTies: false)
    }

    /// Largest value over `axes` (all when nil): ``amax(axes:keepDims:)``, whose gradient is shared
    /// evenly among tied maxima, as `torch.max(x)` and `torch.amax` do (and, with a NaN maximum,
    /// among the NaNs, as `torch.max(x)` does). For PyTorch's `torch.max(x, dim)`, which also returns
    /// the indices and sends the gradient to one of them, see ``maxWithIndices(axis:keepDims:)``.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extreme(axes: axes, keepDims: keepDims, largest: true, op: "max", nanTies: true)
    }
    /// Largest value over one axis (values only; see ``maxWithIndices(axis:keepDims:)``).
    public func max(axis: Int, keepDims: Bool = false) -> Tensor { max(axes: [axis], keepDims: keepDims) }
    /// Smallest value over `axes` (all when nil): ``amin(axes:keepDims:)``, the gradient shared among ties.
    public func min(axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        extreme(axes: axes, keepDims: keepDims, largest: false, op: "min", nanTies: true)
    }
    /// Smallest value over one axis (values only; see ``minWithIndices(axis:keepDims:)``).
    public func min(axis: Int, keepDims: Bool = false) -> Tensor { min(axes: [axis], keepDims: keepDims) }

    private func extreme(axes: [Int]?, keepDims: Bool, largest: Bool, op: String, nanTies: Bool) -> Tensor {
        let x = dtype == .bool ? cast(to: .int64) : reductionOperand(integersToInt64: false)
        let layout = ReductionLayout(x, axes: axes, keepDims: keepDims, op: op)
        x.requireNonEmpty(layout, op: op, all: axes == nil)
        let out = x.dtype.dispatch(ExtremeKernel(layout: layout, largest: largest), op: op)
        if dtype == .bool { return out.cast(to: .bool) }
        let (dx, kept) = (x.detached(), layout.keptShape)
        let value = out.detached().reshape(kept)
        let result = recordUnary(op, x, out) { g in
            g.reshape(kept) * evenShare(of: dx, equalTo: value, axes: layout.axes, nanTies: nanTies)
        }
        return result.cast(to: dtype)
    }

    /// Largest value along `axis` and its index, as `torch.max(x, dim)`: the first index among tied
    /// maxima (the first NaN, if any), and the gradient goes to that element only.
    ///
    /// `values` has the input's dtype, `indices` is int64; both have the input's shape without
    /// `axis` (kept with size 1 when `keepDims`). An empty `axis` is an error. (``max(axis:keepDims:)``
    /// returns the values alone and shares the gradient among ties.)
    public func maxWithIndices(axis: Int, keepDims: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremeWithIndices(axis: axis, keepDims: keepDims, largest: true, op: "maxWithIndices")
    }

    /// Smallest value along `axis` and its index, as `torch.min(x, dim)`; see ``maxWithIndices(axis:keepDims:)``.
    public func minWithIndices(axis: Int, keepDims: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremeWithIndices(axis: axis, keepDims: keepDims, largest: false, op: "minWithIndices")
    }

    private func extremeWithIndices(axis: Int, keepDims: Bool, largest: Bool, op: String) -> (values: Tensor, indices: Tensor) {
        let x = dtype == .bool ? cast(to: .int64) : reductionOperand(integersToInt64: false)
        let layout = ReductionLayout(x, axes: [axis], keepDims: keepDims, op: op)
        x.requireNonEmpty(layout, op: op, all: false)
        let (v, indices) = x.dtype.dispatch(ExtremeWithIndexKernel(layout: layout, largest: largest, wantValues: true), op: op)
        let out = v!
        if dtype == .bool { return (out.cast(to: .bool), indices) }
        let values = recordUnary(op, x, out) { g in layout.scatter(g, at: indices) }
        return (values.cast(to: dtype), indices)
    }

    /// Smallest and largest value over `axis` (all when nil) in one call, as `torch.aminmax`; the
    /// gradients are those of ``amin(axes:keepDims:)`` and ``amax(axes:keepDims:)``.
    public func aminmax(axis: Int? = nil, keepDims: Bool = false) -> (min: Tensor, max: Tensor) {
        let axes = axis.map { [$0] }
        return (amin(axes: axes, keepDims: keepDims), amax(axes: axes, keepDims: keepDims))
    }

    /// Index of the largest element along `axis` (of the flattened tensor when nil), as int64 (`torch.argmax`).
    ///
    /// The first index among ties; NaN counts as the largest value. An empty axis, or an empty
    /// tensor without an axis, is an error, and so is a bool tensor (as in PyTorch).
    public func argmax(axis: Int? = nil, keepDims: Bool = false) -> Tensor { argExtreme(axis: axis, keepDims: keepDims, largest: true) }
    /// Index of the smallest element along `axis` (of the flattened tensor when nil), as int64 (`torch.argmin`).
    public func argmin(axis: Int? = nil, keepDims: Bool = false) -> Tensor { argExtreme(axis: axis, keepDims: keepDims, largest: false) }

    private func argExtreme(axis: Int?, keepDims: Bool, largest: Bool) -> Tensor {
        let op = largest ? "argmax" : "argmin"
        require(dtype != .bool, "\(op): not defined for bool tensors (shape \(shape)), as in PyTorch; cast to int64 first")
        var x = reductionOperand(integersToInt64: false).detached()
        if axis == nil { x = x.reshape([count]) }
        let layout = ReductionLayout(x, axes: [axis ?? 0], keepDims: keepDims && axis != nil, op: op)
        requireNonEmpty(layout, op: op, all: axis == nil)
        let idx = x.dtype.dispatch(ExtremeWithIndexKernel(layout: layout, largest: largest, wantValues: false), op: op).indices
        if axis == nil { return idx.reshape(keepDims ? [Int](repeating: 1, count: rank) : []) }
        return idx
    }
}

/// `1/k` at the `k` elements of each reduced line equal to its result `value` (kept dimensions),
/// 0 elsewhere: how a maximum shares its gradient among ties. With `nanTies` a NaN result is shared
/// among the line's NaNs (`torch.max(x)`); without, it gives NaN (`torch.amax`).
func evenShare(of x: Tensor, equalTo value: Tensor, axes: [Int], nanTies: Bool) -> Tensor {
    var equal = x .== value
    if nanTies { equal = equal | ((x .!= x) & (value .!= value)) }
    let mask = equal.cast(to: x.dtype)
    return mask / mask.sum(axes: axes, keepDims: true)
}

// MARK: - Logical reductions and counts

extension Tensor {
    /// Whether every element over `axes` (all when nil) is true (non-zero, NaN included), as a bool
    /// tensor (`torch.all(x, dim)`); true over no elements. ``all()`` answers for the whole tensor as a `Bool`.
    public func all(axes: [Int]?, keepDims: Bool = false) -> Tensor { logical(axes: axes, keepDims: keepDims, all: true) }
    /// Whether every element along `axis` is true.
    public func all(axis: Int, keepDims: Bool = false) -> Tensor { all(axes: [axis], keepDims: keepDims) }
    /// Whether some element over `axes` (all when nil) is true (non-zero, NaN included), as a bool
    /// tensor (`torch.any(x, dim)`); false over no elements. ``any()`` answers for the whole tensor as a `Bool`.
    public func any(axes: [Int]?, keepDims: Bool = false) -> Tensor { logical(axes: axes, keepDims: keepDims, all: false) }
    /// Whether some element along `axis` is true.
    public func any(axis: Int, keepDims: Bool = false) -> Tensor { any(axes: [axis], keepDims: keepDims) }

    private func logical(axes: [Int]?, keepDims: Bool, all: Bool) -> Tensor {
        let x = detached().cast(to: .bool)
        let layout = ReductionLayout(x, axes: axes, keepDims: keepDims, op: all ? "all" : "any")
        let out = layout.reduce(LogicalReducer(all: all))
        // PyTorch answers in uint8 for uint8 input, in bool otherwise.
        return dtype.description == "uint8" ? out.cast(to: dtype) : out
    }

    /// The number of non-zero elements over `axes` (all when nil), as int64 (`torch.count_nonzero`);
    /// NaN counts as non-zero.
    public func countNonzero(axes: [Int]? = nil) -> Tensor {
        let x = detached().cast(to: .bool)
        return ReductionLayout(x, axes: axes, keepDims: false, op: "countNonzero").reduce(TrueCountReducer())
    }

    /// The number of non-zero elements along `axis`, as int64.
    public func countNonzero(axis: Int) -> Tensor { countNonzero(axes: [axis]) }
}
