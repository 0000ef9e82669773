// Writing along an axis: scatter (src or value), scatterReduce, indexAdd, indexCopy, indexFill,
// takeAlongDim, take and put, each with PyTorch's gradients beside it. The kernels walk the index
// tensor over operands of other shapes (IndexWalk in Indexing.swift).

/// How ``Tensor/scatterReduce(axis:index:source:reduce:includeSelf:)`` combines the values that meet
/// at one position (PyTorch's `reduce` strings).
public enum ScatterReduction: Sendable, CaseIterable {
    /// The sum of the values.
    case sum
    /// Their product.
    case prod
    /// Their mean (rounded down for integers, as PyTorch's floor division).
    case mean
    /// The largest of them; NaN wins.
    case amax
    /// The smallest of them; NaN wins.
    case amin
}

/// `a / n` in the element type: rounded down for integers (PyTorch's `scatter_reduce` mean).
@inline(__always)
private func divided<T: NumericScalar>(_ a: T, by n: Int) -> T {
    if T.self == Float.self { return unsafeBitCast(unsafeBitCast(a, to: Float.self) / Float(n), to: T.self) }
    if T.self == Double.self { return unsafeBitCast(unsafeBitCast(a, to: Double.self) / Double(n), to: T.self) }
    if T.self == Int64.self {
        let v = unsafeBitCast(a, to: Int64.self), d = Int64(n)
        let (q, r) = v.quotientAndRemainder(dividingBy: d)
        return unsafeBitCast(r != 0 && (r < 0) != (d < 0) ? q - 1 : q, to: T.self)
    }
    return T(fromDouble: (a.doubleValue / Double(n)).rounded(.down))
}

/// A copy of `base` with `source[p]` (or `value`) written at `p with index[p] along axis`; the last
/// write to a position wins, as on PyTorch's CPU.
private struct ScatterKernel: TypedKernel {
    let base: Tensor, source: Tensor?, value: Double, index: [Int], indexShape: [Int], axis: Int
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
        var out = Tensor(uninitialized: base.shape, dtype: base.dtype)
        Kernels.copy(from: base, into: &out)
        let dst = out.storage.pointer(T.self)
        let walk = IndexWalk(indexShape: indexShape, axis: axis, targetShape: base.shape, sourceShape: source?.shape ?? indexShape)
        if let source {
            let src = source.storage.pointer(T.self) + source.offset
            walk.forEach { p, t, s in dst[t + index[p] * walk.axisStride] = src[s] }
        } else {
            let v = T(fromDouble: value)
            walk.forEach { p, t, _ in dst[t + index[p] * walk.axisStride] = v }
        }
        return out
    }
}

private struct ScatterReduceKernel: NumericKernel {
    let base: Tensor, source: Tensor, index: [Int], indexShape: [Int], axis: Int
    let reduce: ScatterReduction, includeSelf: Bool
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        var out = Tensor(uninitialized: base.shape, dtype: base.dtype)
        Kernels.copy(from: base, into: &out)
        let dst = out.storage.pointer(T.self), src = source.storage.pointer(T.self) + source.offset
        let walk = IndexWalk(indexShape: indexShape, axis: axis, targetShape: base.shape, sourceShape: source.shape)
        let a = walk.axisStride
        if !includeSelf {
            let identity: T = switch reduce {
            case .sum, .mean: T(fromDouble: 0)
            case .prod: T(fromDouble: 1)
            case .amax: T.dtype.isFloatingPoint ? T(fromDouble: -.infinity) : T(fromInt64: T.dtype.integerRange!.lowerBound)
            case .amin: T.dtype.isFloatingPoint ? T(fromDouble: .infinity) : T(fromInt64: T.dtype.integerRange!.upperBound)
            }
            walk.forEach { p, t, _ in dst[t + index[p] * a] = identity }
        }
        switch reduce {
        case .sum: walk.forEach { p, t, s in dst[t + index[p] * a] += src[s] }
        case .prod: walk.forEach { p, t, s in dst[t + index[p] * a] *= src[s] }
        case .amax:
            walk.forEach { p, t, s in
                let v = src[s], o = t + index[p] * a
                if v != v || v > dst[o] { dst[o] = v }
            }
        case .amin:
            walk.forEach { p, t, s in
                let v = src[s], o = t + index[p] * a
                if v != v || v < dst[o] { dst[o] = v }
            }
        case .mean:
            var counts = [Int](repeating: includeSelf ? 1 : 0, count: out.count)
            counts.withUnsafeMutableBufferPointer { c in
                walk.forEach { p, t, s in
                    let o = t + index[p] * a
                    dst[o] += src[s]
                    c[o] += 1
                }
                for o in 0..<c.count where c[o] > 1 { dst[o] = divided(dst[o], by: c[o]) }
            }
        }
        return out
    }
}

extension Tensor {
    /// Resolves `axis` for the scatter family, where a 0-d tensor has one axis of size 1.
    fileprivate func scatterAxis(_ axis: Int, op: String) -> Int {
        normalizedAxis(axis, op: op, rank: Swift.max(rank, 1))
    }

    /// A copy of `self` with `source`'s elements written where `index` points along `axis`
    /// (`torch.scatter` with `src`): `out[…, index[p], …] = source[p]` for every position `p` of
    /// `index`.
    ///
    /// `index` (int64) has the rank of `self`, is no larger than `source` and, except along
    /// `axis`, no larger than `self`; `source` has `self`'s dtype. Where indices repeat, the last
    /// write wins. Gradients: `self` gets the output's gradient where nothing was written,
    /// `source` the gradient gathered at the positions it went to.
    public func scatter(axis: Int, index: Tensor, source: Tensor) -> Tensor {
        let a = scatterAxis(axis, op: "scatter")
        require(source.dtype == dtype, "scatter: source is \(source.dtype) but self is \(dtype); they must match")
        if rank == 0 {
            return reshape([1]).scatter(axis: a, index: index.reshape([-1]), source: source.reshape([-1])).reshape([])
        }
        checkIndexShape(index.shape, against: shape, source: source.shape, axis: a, op: "scatter")
        let idx = checkedIndices(index, bound: shape[a], op: "scatter", allowNegative: false, axis: a)
        let s = source.contiguous()
        let indexShape = index.shape
        let out = dtype.dispatch(ScatterKernel(base: self, source: s, value: 0, index: idx, indexShape: indexShape, axis: a))
        guard shouldRecord(self, s) else { return out }
        let sourceShape = s.shape
        return record("scatter", self, s, out) { g in
            let gc = g.contiguous()
            return [g.dtype.dispatch(ScatterKernel(base: gc, source: nil, value: 0, index: idx, indexShape: indexShape, axis: a)),
                    g.dtype.dispatch(GatherKernel(x: gc, index: idx, indexShape: indexShape, axis: a)).padded(to: sourceShape)]
        }
    }

    /// A copy of `self` with `value` written where `index` points along `axis` (`torch.scatter`
    /// with a number): `out[…, index[p], …] = value`. The value takes `self`'s dtype (truncated
    /// for integers). The gradient of `self` is the output's, zero where `value` was written.
    public func scatter(axis: Int, index: Tensor, value: Double) -> Tensor {
        let a = scatterAxis(axis, op: "scatter")
        if rank == 0 { return reshape([1]).scatter(axis: a, index: index.reshape([-1]), value: value).reshape([]) }
        checkIndexShape(index.shape, against: shape, axis: a, op: "scatter")
        let idx = checkedIndices(index, bound: shape[a], op: "scatter", allowNegative: false, axis: a)
        let indexShape = index.shape
        let out = dtype.dispatch(ScatterKernel(base: self, source: nil, value: value, index: idx, indexShape: indexShape, axis: a))
        return recordUnary("scatter", self, out) { g in
            g.dtype.dispatch(ScatterKernel(base: g, source: nil, value: 0, index: idx, indexShape: indexShape, axis: a))
        }
    }

    /// A copy of `self` where the elements of `source` that `index` sends to one position are
    /// combined by `reduce`, with that position's own value unless `includeSelf` is false
    /// (`torch.scatter_reduce`). Positions no index reaches keep their value.
    ///
    /// Shapes as in ``scatter(axis:index:source:)``; `source` has `self`'s dtype (bool is refused).
    /// Gradients follow PyTorch: `sum` passes the gradient through, `mean` divides it by the
    /// number of values combined, `amax`/`amin` share it evenly among the values equal to the
    /// result, and `prod` is the product of the other values (exact where some are zero). One
    /// difference: with `includeSelf: false` a position's own value takes no share of an
    /// `amax`/`amin` gradient even when it equals the result (PyTorch counts it and then drops its
    /// share, so the shares no longer add up to the gradient).
    public func scatterReduce(axis: Int, index: Tensor, source: Tensor, reduce: ScatterReduction,
                              includeSelf: Bool = true) -> Tensor {
        let a = scatterAxis(axis, op: "scatterReduce")
        require(source.dtype == dtype, "scatterReduce: source is \(source.dtype) but self is \(dtype); they must match")
        if let r = inFloat32IfReduced(self, source, { $0.scatterReduce(axis: a, index: index, source: $1, reduce: reduce, includeSelf: includeSelf) }) {
            return r
        }
        if rank == 0 {
            return reshape([1]).scatterReduce(axis: a, index: index.reshape([-1]), source: source.reshape([-1]), reduce: reduce,
                                              includeSelf: includeSelf).reshape([])
        }
        checkIndexShape(index.shape, against: shape, source: source.shape, axis: a, op: "scatterReduce")
        let idx = checkedIndices(index, bound: shape[a], op: "scatterReduce", allowNegative: false, axis: a)
        let s = source.contiguous()
        let indexShape = index.shape
        let out = dtype.dispatch(ScatterReduceKernel(base: self, source: s, index: idx, indexShape: indexShape, axis: a,
                                                     reduce: reduce, includeSelf: includeSelf), op: "scatterReduce")
        guard shouldRecord(self, s) else { return out }
        let (x, src, result) = (detached(), s.detached(), out)
        return record("scatterReduce", self, s, out) { g in
            let index = Tensor(scalars: idx.map { Int64($0) }, shape: indexShape)
            let region = src.leadingCorner(indexShape)
            var gSelf: Tensor, gSrc: Tensor
            switch reduce {
            case .sum:
                gSelf = g
                gSrc = g.gather(axis: a, index: index)
            case .mean:
                var n = Tensor.full(x.shape, value: includeSelf ? 1 : 0, dtype: g.dtype)
                    .scatterAdd(axis: a, index: index, source: .ones(indexShape, dtype: g.dtype))
                n = n.maskedFill(n .== 0, value: 1)
                gSelf = g / n
                gSrc = gSelf.gather(axis: a, index: index)
            case .amax, .amin:
                let value = result.gather(axis: a, index: index)
                var selfIsResult = (x .== result).cast(to: g.dtype)
                if !includeSelf { selfIsResult = selfIsResult.scatter(axis: a, index: index, value: 0) }
                let srcIsResult = (region .== value).cast(to: g.dtype)
                let shared = g / selfIsResult.scatterAdd(axis: a, index: index, source: srcIsResult)
                gSelf = selfIsResult * shared
                gSrc = srcIsResult * shared.gather(axis: a, index: index)
            case .prod:
                // PyTorch's formula: products of the other values, computed with the zeros masked
                // out so that a single zero still gets the product of the rest.
                let maskedSelf = x.maskedFill(x .== 0, value: 1)
                let maskedSelfResult = maskedSelf.scatterReduce(axis: a, index: index, source: region, reduce: .prod, includeSelf: includeSelf)
                gSelf = g * maskedSelfResult / maskedSelf
                let srcZero = region .== 0
                let zerosThere = Tensor.zeros(x.shape, dtype: g.dtype)
                    .scatterAdd(axis: a, index: index, source: srcZero.cast(to: g.dtype)).gather(axis: a, index: index)
                let singleZero = srcZero & (zerosThere .== 1)
                let maskedSrcResult = x.scatterReduce(axis: a, index: index, source: region.maskedFill(singleZero, value: 1),
                                                      reduce: .prod, includeSelf: includeSelf)
                gSrc = `where`(singleZero, (g * maskedSrcResult).gather(axis: a, index: index),
                               (g * result).gather(axis: a, index: index) / region.maskedFill(srcZero, value: 1))
            }
            if !includeSelf { gSelf = gSelf.scatter(axis: a, index: index, value: 0) }
            return [gSelf, gSrc.padded(to: src.shape)]
        }
    }

    /// The int64 indices of a 1-D (or 0-d) index along `axis` of size `bound` for the index ops.
    fileprivate func axisIndices(_ index: Tensor, bound: Int, op: String, axis: Int, allowNegative: Bool) -> [Int] {
        require(index.rank <= 1, "\(op): index must be 1-D, got shape \(index.shape)")
        return checkedIndices(index, bound: bound, op: op, allowNegative: allowNegative, axis: axis)
    }

    /// `self` with `alpha · source` added to the slices `index` names along `axis`
    /// (`torch.index_add`): `out[…, index[j], …] += alpha · source[…, j, …]`; repeated indices add up.
    ///
    /// `index` is 1-D int64 with one entry per slice of `source`, whose shape is `self`'s with
    /// `index.count` along `axis`, and whose dtype is `self`'s. Gradients: `self` gets the output's,
    /// `source` the output's slices at `index` times `alpha`.
    public func indexAdd(axis: Int, index: Tensor, source: Tensor, alpha: Double = 1) -> Tensor {
        let a = scatterAxis(axis, op: "indexAdd")
        require(source.dtype == dtype, "indexAdd: source is \(source.dtype) but self is \(dtype); they must match")
        if let r = inFloat32IfReduced(self, source, { $0.indexAdd(axis: a, index: index, source: $1, alpha: alpha) }) { return r }
        let (selfShape, srcShape) = (rank == 0 ? [1] : shape, source.rank == 0 ? [1] : source.shape)
        let idx = axisIndices(index, bound: selfShape[a], op: "indexAdd", axis: a, allowNegative: false)
        var expected = selfShape
        expected[a] = idx.count
        require(srcShape == expected, "indexAdd: source of shape \(source.shape) must be \(expected) for \(idx.count) indices into shape \(shape) along axis \(a)")
        require(dtype.isFloatingPoint || (alpha.rounded() == alpha && Swift.abs(alpha) < 0x1p63),
                "indexAdd: alpha \(alpha) must be a whole number for \(dtype) tensors")
        // A whole alpha scales an integer source as an integer (a Double would make it float32).
        let scaled = alpha == 1 ? source : noGrad { dtype.isFloatingPoint ? source.detached() * alpha : source.detached() * Int(alpha) }
        let base = reshape(selfShape)
        let out = dtype.dispatch(IndexAddKernel(base: base.detached(), source: scaled.reshape(srcShape).contiguous().detached(), indices: idx, axis: a),
                                 op: "indexAdd").reshape(shape)
        guard shouldRecord(self, source) else { return out }
        let (inShape, sShape) = (shape, source.shape)
        return record("indexAdd", self, source, out) { g in
            let picked = g.reshape(selfShape).contiguous().dtype.dispatch(
                IndexSelectKernel(x: g.reshape(selfShape).contiguous(), indices: idx, axis: a)).reshape(sShape)
            return [g.reshape(inShape), alpha == 1 ? picked : picked * alpha]
        }
    }

    /// `self` with the slices `index` names along `axis` replaced by the slices of `source`
    /// (`torch.index_copy`): `out[…, index[j], …] = source[…, j, …]`. Shapes as in
    /// ``indexAdd(axis:index:source:alpha:)``; where indices repeat, the last slice wins.
    /// Gradients: `self` gets the output's, zero on the replaced slices; `source` the output's slices.
    public func indexCopy(axis: Int, index: Tensor, source: Tensor) -> Tensor {
        let a = scatterAxis(axis, op: "indexCopy")
        require(source.dtype == dtype, "indexCopy: source is \(source.dtype) but self is \(dtype); they must match")
        let (selfShape, srcShape) = (rank == 0 ? [1] : shape, source.rank == 0 ? [1] : source.shape)
        let idx = axisIndices(index, bound: selfShape[a], op: "indexCopy", axis: a, allowNegative: false)
        var expected = selfShape
        expected[a] = idx.count
        require(srcShape == expected, "indexCopy: source of shape \(source.shape) must be \(expected) for \(idx.count) indices into shape \(shape) along axis \(a)")
        let out = Self.copyingSlices(reshape(selfShape).detached(), axis: a, indices: idx, from: source.reshape(srcShape).detached()).reshape(shape)
        guard shouldRecord(self, source) else { return out }
        let (inShape, sShape) = (shape, source.shape)
        return record("indexCopy", self, source, out) { g in
            let g2 = g.reshape(selfShape)
            return [Self.fillingSlices(g2, axis: a, indices: idx, value: 0).reshape(inShape),
                    g2.contiguous().dtype.dispatch(IndexSelectKernel(x: g2.contiguous(), indices: idx, axis: a)).reshape(sShape)]
        }
    }

    /// `self` with every element of the slices `index` names along `axis` set to `value`
    /// (`torch.index_fill`); negative indices count from the end. The value takes `self`'s dtype.
    /// The gradient of `self` is the output's, zero on the filled slices.
    public func indexFill(axis: Int, index: Tensor, value: Double) -> Tensor {
        let a = scatterAxis(axis, op: "indexFill")
        let selfShape = rank == 0 ? [1] : shape
        let idx = axisIndices(index, bound: selfShape[a], op: "indexFill", axis: a, allowNegative: true)
        let out = Self.fillingSlices(reshape(selfShape).detached(), axis: a, indices: idx, value: value).reshape(shape)
        let inShape = shape
        return recordUnary("indexFill", self, out) { g in
            Self.fillingSlices(g.reshape(selfShape), axis: a, indices: idx, value: 0).reshape(inShape)
        }
    }

    /// A contiguous copy of `x` with slices `indices` along `axis` replaced by `source`'s slices.
    private static func copyingSlices(_ x: Tensor, axis: Int, indices: [Int], from source: Tensor) -> Tensor {
        x.dtype.dispatch(SliceWriteKernel(x: x, axis: axis, indices: indices, source: source.contiguous(), value: 0))
    }

    /// A contiguous copy of `x` with the slices `indices` along `axis` set to `value`.
    static func fillingSlices(_ x: Tensor, axis: Int, indices: [Int], value: Double) -> Tensor {
        x.dtype.dispatch(SliceWriteKernel(x: x, axis: axis, indices: indices, source: nil, value: value))
    }

    /// The elements at `indices` along `axis`, with `indices` and `self` broadcast against each
    /// other except along `axis` (`torch.take_along_dim`); negative indices count from the end.
    /// With `axis` nil, both are flattened and the result is 1-D (negative indices are refused
    /// there, as in PyTorch). The gradient adds the output's back at the positions taken.
    public func takeAlongDim(_ indices: Tensor, axis: Int? = nil) -> Tensor {
        require(indices.dtype == .int64, "takeAlongDim: indices must be int64, got \(indices.dtype)")
        guard let axis else {
            let flat = reshape([-1])
            let idx = checkedIndices(indices, bound: flat.shape[0], op: "takeAlongDim", allowNegative: false, axis: 0)
            return flat.gather(axis: 0, index: Tensor(scalars: idx.map { Int64($0) }, shape: [idx.count]))
        }
        require(indices.rank == rank, "takeAlongDim: indices of shape \(indices.shape) must have the rank of the input of shape \(shape)")
        let a = scatterAxis(axis, op: "takeAlongDim")
        if rank == 0 { return reshape([1]).takeAlongDim(indices.reshape([1]), axis: 0).reshape([]) }
        var selfSizes = shape, indexSizes = indices.shape
        selfSizes[a] = indices.shape[a]
        indexSizes[a] = shape[a]
        let indexTarget = broadcastShapes(selfSizes, indices.shape, op: "takeAlongDim")
        let selfTarget = broadcastShapes(indexSizes, shape, op: "takeAlongDim")
        let idx = checkedIndices(indices.broadcastView(to: indexTarget), bound: shape[a], op: "takeAlongDim", axis: a)
        return expand(to: selfTarget).gather(axis: a, index: Tensor(scalars: idx.map { Int64($0) }, shape: indexTarget))
    }

    /// The elements of the flattened `self` at `index` (any shape; negative counts from the end),
    /// in the index's shape (`torch.take`).
    public func take(_ index: Tensor) -> Tensor {
        let idx = checkedIndices(index, bound: count, op: "take", axis: 0)
        return reshape([-1]).gather(axis: 0, index: Tensor(scalars: idx.map { Int64($0) }, shape: [idx.count])).reshape(index.shape)
    }

    /// A copy of `self` with the elements of the flattened tensor at `index` set to `source`'s
    /// (or, with `accumulate`, increased by them) (`torch.put`): `index` and `source` have the same
    /// number of elements, negative indices count from the end, and the last of repeated indices
    /// wins unless `accumulate`. Gradients: `self` gets the output's (zero where overwritten),
    /// `source` the output's at `index`.
    public func put(_ index: Tensor, source: Tensor, accumulate: Bool = false) -> Tensor {
        require(source.dtype == dtype, "put: source is \(source.dtype) but self is \(dtype); they must match")
        require(index.count == source.count, "put: index has \(index.count) elements but source has \(source.count)")
        let idx = checkedIndices(index, bound: count, op: "put", axis: 0)
        let flatIndex = Tensor(scalars: idx.map { Int64($0) }, shape: [idx.count])
        let flatSource = source.reshape([-1])
        let flat = reshape([-1])
        let out = accumulate ? flat.scatterAdd(axis: 0, index: flatIndex, source: flatSource)
            : flat.scatter(axis: 0, index: flatIndex, source: flatSource)
        return out.reshape(shape)
    }
}

/// A contiguous copy of `x` with the slices `indices` along `axis` replaced by the slices of
/// contiguous `source` (one per index) or set to `value` (indexCopy, indexFill).
private struct SliceWriteKernel: TypedKernel {
    let x: Tensor, axis: Int, indices: [Int], source: Tensor?, value: Double
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
        var out = Tensor(uninitialized: x.shape, dtype: x.dtype)
        Kernels.copy(from: x, into: &out)
        let (outer, inner) = axisBlocks(x.shape, axis)
        let d = x.shape[axis], k = indices.count
        let dst = out.storage.pointer(T.self)
        if let source {
            let src = source.storage.pointer(T.self) + source.offset
            for o in 0..<outer {
                for (j, i) in indices.enumerated() { (dst + (o * d + i) * inner).update(from: src + (o * k + j) * inner, count: inner) }
            }
        } else {
            let v = T(fromDouble: value)
            for o in 0..<outer {
                for i in indices { (dst + (o * d + i) * inner).update(repeating: v, count: inner) }
            }
        }
        return out
    }
}
