// Indexing along an axis: indexSelect, gather, scatterAdd, oneHot, and the helpers the scatter
// family (Scatter.swift), sorting and advanced indexing share.
// Each views its operands as [outer, axis, inner] blocks around the indexed axis, or walks an index
// tensor over operands of other shapes (IndexWalk).

/// Sizes of the dimensions before and after `axis`.
func axisBlocks(_ shape: [Int], _ axis: Int) -> (outer: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[(axis + 1)...].reduce(1, *))
}

/// Int64 indices of `index` in row-major order, each checked against `bound` (negative ones count
/// from the end when `allowNegative`); a bad one stops with a message naming it, the axis and the size.
func checkedIndices(_ index: Tensor, bound: Int, op: String, allowNegative: Bool = true, axis: Int? = nil) -> [Int] {
    require(index.dtype == .int64, "\(op): indices must be int64, got \(index.dtype)")
    let c = index.contiguous()
    let p = c.storage.pointer(Int64.self) + c.offset
    var out = [Int](repeating: 0, count: c.count)
    let lowest = allowNegative ? -bound : 0
    for k in 0..<c.count {
        let i = Int(p[k])
        if i < lowest || i >= bound {
            let dim = axis.map { " \($0)" } ?? ""
            fatalError("\(op): index \(p[k]) is out of bounds for dimension\(dim) with size \(bound)")
        }
        out[k] = i < 0 ? i + bound : i
    }
    return out
}

/// Walks the positions of an index tensor (contiguous, shape `indexShape`) over a target and a
/// source whose shapes may be larger (PyTorch's rule for gather and scatter: the index is no
/// larger than the target except along `axis`, and no larger than the source): position `p` of
/// the index is element `source + …` of the source and, with the index value `i` along `axis`,
/// element `target + i · axisStride` of the target. Both operands are contiguous.
struct IndexWalk {
    let indexShape: [Int]
    let targetStrides: [Int]
    let sourceStrides: [Int]
    let axisStride: Int

    init(indexShape: [Int], axis: Int, targetShape: [Int], sourceShape: [Int]) {
        self.indexShape = indexShape
        var t = Tensor.contiguousStrides(for: targetShape)
        axisStride = t.isEmpty ? 1 : t[axis]
        if !t.isEmpty { t[axis] = 0 }
        targetStrides = t
        sourceStrides = Tensor.contiguousStrides(for: sourceShape)
    }

    /// `body(position, targetOffsetWithoutAxis, sourceOffset)` for every index position in row-major order.
    @inline(__always)
    func forEach(_ body: (_ position: Int, _ target: Int, _ source: Int) -> Void) {
        if indexShape.contains(0) { return }
        let n = indexShape.last ?? 1
        let ts = targetStrides.last ?? 0, ss = sourceStrides.last ?? 1
        forEachRow(shape: indexShape, stridesA: targetStrides, offsetA: 0, stridesB: sourceStrides, offsetB: 0) { row, ta, sb in
            let p = row * n
            for j in 0..<n { body(p + j, ta + j * ts, sb + j * ss) }
        }
    }
}

/// Stops unless `indexShape` may index `shape` along `axis` (same rank; no larger elsewhere) and,
/// when given, fits in `sourceShape`: PyTorch's rule for gather and the scatters.
func checkIndexShape(_ indexShape: [Int], against shape: [Int], source sourceShape: [Int]? = nil, axis: Int, op: String) {
    require(indexShape.count == shape.count,
            "\(op): index of shape \(indexShape) must have the rank of the tensor of shape \(shape)")
    for d in 0..<shape.count where d != axis {
        require(indexShape[d] <= shape[d],
                "\(op): index of shape \(indexShape) is larger than the tensor of shape \(shape) along axis \(d) (axis \(axis) is indexed)")
    }
    if let sourceShape {
        require(sourceShape.count == indexShape.count,
                "\(op): index of shape \(indexShape) must have the rank of the source of shape \(sourceShape)")
        for d in 0..<sourceShape.count {
            require(indexShape[d] <= sourceShape[d], "\(op): index of shape \(indexShape) is larger than the source of shape \(sourceShape)")
        }
    }
}

/// The slices of contiguous `x` at `indices` along `axis`, in that order.
struct IndexSelectKernel: TypedKernel {
    let x: Tensor, indices: [Int], axis: Int
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
        var shape = x.shape
        let d = shape[axis]
        shape[axis] = indices.count
        let (outer, inner) = axisBlocks(x.shape, axis)
        let out = Tensor(uninitialized: shape, dtype: x.dtype)
        let src = x.storage.pointer(T.self) + x.offset, dst = out.storage.pointer(T.self)
        // Slices are copied on the thread pool: gathering a minibatch from a large data set is
        // bound by memory latency, which two threads overlap.
        let slices = outer * indices.count
        indices.withUnsafeBufferPointer { idx in
            ThreadPool.shared.parallelRanges(slices, grain: Swift.max(1, Kernels.parallelGrain / Swift.max(inner, 1))) { range in
                if inner == 1 {
                    // Single elements (a mask over every axis): no call per element.
                    for s in range {
                        let (o, k) = s.quotientAndRemainder(dividingBy: idx.count)
                        dst[s] = src[o * d + idx[k]]
                    }
                    return
                }
                for s in range {
                    let (o, k) = s.quotientAndRemainder(dividingBy: idx.count)
                    (dst + s * inner).update(from: src + (o * d + idx[k]) * inner, count: inner)
                }
            }
        }
        return out
    }
}

/// Adds slices of `source` into `base` at `indices` along `axis` (the backward of indexSelect).
struct IndexAddKernel: NumericKernel {
    let base: Tensor, source: Tensor, indices: [Int], axis: Int
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        let d = base.shape[axis]
        let (outer, inner) = axisBlocks(base.shape, axis)
        var out = base.contiguous()
        out.node = nil
        out.makeStorageUnique()
        let src = source.storage.pointer(T.self) + source.offset, dst = out.storage.pointer(T.self) + out.offset
        for o in 0..<outer {
            for (k, i) in indices.enumerated() {
                let s = src + (o * indices.count + k) * inner, t = dst + (o * d + i) * inner
                for j in 0..<inner { t[j] += s[j] }
            }
        }
        return out
    }
}

/// `out[p] = x[p with index[p] along axis]` for every position `p` of the index (`torch.gather`).
struct GatherKernel: TypedKernel {
    let x: Tensor, index: [Int], indexShape: [Int], axis: Int
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
        let out = Tensor(uninitialized: indexShape, dtype: x.dtype)
        let src = x.storage.pointer(T.self) + x.offset, dst = out.storage.pointer(T.self)
        if indexShape.isEmpty {
            if index.count == 1 { dst[0] = src[index[0]] }
            return out
        }
        if (0..<x.rank).allSatisfy({ $0 == axis || x.shape[$0] == indexShape[$0] }) {
            // Same sizes but along the axis: plain [outer, k, inner] blocks.
            let (outer, inner) = axisBlocks(indexShape, axis)
            let k = indexShape[axis], d = x.shape[axis]
            for o in 0..<outer {
                for j in 0..<k {
                    let row = (o * k + j) * inner
                    for i in 0..<inner { dst[row + i] = src[(o * d + index[row + i]) * inner + i] }
                }
            }
            return out
        }
        let walk = IndexWalk(indexShape: indexShape, axis: axis, targetShape: x.shape, sourceShape: indexShape)
        walk.forEach { p, t, _ in dst[p] = src[t + index[p] * walk.axisStride] }
        return out
    }
}

/// A copy of `base` with `source[p]` added at `p with index[p] along axis` for every index position.
struct ScatterAddKernel: NumericKernel {
    let base: Tensor, source: Tensor, index: [Int], indexShape: [Int], axis: Int
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        var out = Tensor(uninitialized: base.shape, dtype: base.dtype)
        Kernels.copy(from: base, into: &out)
        let src = source.storage.pointer(T.self) + source.offset, dst = out.storage.pointer(T.self)
        let walk = IndexWalk(indexShape: indexShape, axis: axis, targetShape: base.shape, sourceShape: source.shape)
        walk.forEach { p, t, s in dst[t + index[p] * walk.axisStride] += src[s] }
        return out
    }
}

extension Tensor {
    /// The slices at `indices` (1-D int64) along `axis`, in that order (`torch.index_select`).
    public func indexSelect(axis: Int, indices: Tensor) -> Tensor {
        let a = normalizedAxis(axis, op: "indexSelect")
        require(indices.rank == 1, "indexSelect: indices must be 1-D, got shape \(indices.shape)")
        let idx = checkedIndices(indices, bound: shape[a], op: "indexSelect")
        let x = contiguous()
        let out = dtype.dispatch(IndexSelectKernel(x: x, indices: idx, axis: a))
        let inShape = shape
        return recordUnary("indexSelect", x, out) { g in
            inFloat32IfReduced(accumulating: g) { g in
                g.dtype.dispatch(IndexAddKernel(base: .zeros(inShape, dtype: g.dtype), source: g.contiguous(), indices: idx, axis: a),
                                 op: "indexSelect backward")
            }
        }
    }

    /// `out[…, j, …] = self[…, index[…, j, …], …]` along `axis` (`torch.gather`).
    ///
    /// `index` (int64) has the rank of `self` and, except along `axis`, sizes no larger than
    /// `self`'s; the result has the index's shape. Negative indices count from the end.
    public func gather(axis: Int, index: Tensor) -> Tensor {
        let a = rank == 0 ? normalizedAxis(axis, op: "gather", rank: 1) : normalizedAxis(axis, op: "gather")
        checkIndexShape(index.shape, against: shape, axis: a, op: "gather")
        let idx = checkedIndices(index, bound: rank == 0 ? 1 : shape[a], op: "gather", axis: a)
        let x = contiguous()
        let out = dtype.dispatch(GatherKernel(x: x, index: idx, indexShape: index.shape, axis: a))
        let inShape = shape, indexShape = index.shape
        return recordUnary("gather", x, out) { g in
            inFloat32IfReduced(accumulating: g) { g in
                g.dtype.dispatch(ScatterAddKernel(base: .zeros(inShape, dtype: g.dtype), source: g.contiguous(), index: idx,
                                                  indexShape: indexShape, axis: a),
                                 op: "gather backward")
            }
        }
    }

    /// A copy of `self` with `source` added at positions `index` along `axis` (`torch.scatter_add`);
    /// repeated indices accumulate.
    ///
    /// `index` (int64) has the rank of `self`, is no larger than `source` and, except along
    /// `axis`, no larger than `self`; element `p` of `source` goes to `p` with `index[p]` along
    /// `axis`, for each position `p` of `index`.
    public func scatterAdd(axis: Int, index: Tensor, source: Tensor) -> Tensor {
        if rank == 0 {
            return reshape([1]).scatterAdd(axis: normalizedAxis(axis, op: "scatterAdd", rank: 1), index: index.reshape([-1]),
                                           source: source.reshape([-1])).reshape([])
        }
        let a = normalizedAxis(axis, op: "scatterAdd")
        checkIndexShape(index.shape, against: shape, source: source.shape, axis: a, op: "scatterAdd")
        // Only the dtypes are unified: source may be longer or shorter than self along `axis`.
        let (base, src) = Elementwise.promoteTypes(self, source)
        if let r = inFloat32IfReduced(base, src, { $0.scatterAdd(axis: a, index: index, source: $1) }) { return r }
        let idx = checkedIndices(index, bound: shape[a], op: "scatterAdd", allowNegative: false, axis: a)
        let s = src.contiguous()
        let indexShape = index.shape
        let out = base.dtype.dispatch(ScatterAddKernel(base: base, source: s, index: idx, indexShape: indexShape, axis: a), op: "scatterAdd")
        guard shouldRecord(base, s) else { return out }
        let sourceShape = s.shape
        return record("scatterAdd", base, s, out) { g in
            let picked = g.dtype.dispatch(GatherKernel(x: g.contiguous(), index: idx, indexShape: indexShape, axis: a))
            return [g, picked.padded(to: sourceShape)]
        }
    }

    /// `self` (whose sizes are no larger than `shape`'s) written into the leading corner of zeros of
    /// `shape`: the gradient of a source an index smaller than it walked over.
    func padded(to shape: [Int]) -> Tensor {
        if self.shape == shape { return self }
        let sizes = self.shape
        return Tensor.scatteredIntoZeros(self, shape: shape) { z in z.leadingCorner(sizes) }
    }

    /// The view of the first `sizes[d]` positions along every axis `d`.
    func leadingCorner(_ sizes: [Int]) -> Tensor {
        var t = self
        for (d, n) in sizes.enumerated() where n != shape[d] { t = t.slice(axis: d, start: 0, end: n) }
        return t
    }
}

/// One-hot encoding of int64 class indices: shape `indices.shape + [classes]`.
public func oneHot(_ indices: Tensor, classes: Int, dtype: DType = .float32) -> Tensor {
    require(classes > 0, "oneHot: classes must be positive, got \(classes)")
    let idx = checkedIndices(indices.contiguous(), bound: classes, op: "oneHot", allowNegative: false)
    var values = [Double](repeating: 0, count: idx.count * classes)
    for (r, i) in idx.enumerated() { values[r * classes + i] = 1 }
    return Tensor(shape: indices.shape + [classes], values: values, dtype: dtype)
}
