// Advanced indexing: indexSelect, gather, scatterAdd, oneHot.
// Each views its operands as [outer, axis, inner] blocks around the indexed axis.

/// Sizes of the dimensions before and after `axis`.
private func blocks(_ shape: [Int], _ axis: Int) -> (outer: Int, inner: Int) {
    (shape[..<axis].reduce(1, *), shape[(axis + 1)...].reduce(1, *))
}

/// Int64 indices of `index`, each checked against `bound`.
private func checkedIndices(_ index: Tensor, bound: Int, op: String, allowNegative: Bool = true) -> [Int] {
    require(index.dtype == .int64, "\(op): indices must be int64, got \(index.dtype)")
    return index.toArray(as: Int64.self).map { v in
        let i = Int(v)
        require(i >= (allowNegative ? -bound : 0) && i < bound, "\(op): index \(v) out of range for dimension of size \(bound)")
        return i < 0 ? i + bound : i
    }
}

private struct IndexSelectKernel: TypedKernel {
    let x: Tensor, indices: [Int], axis: Int
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
        var shape = x.shape
        let d = shape[axis]
        shape[axis] = indices.count
        let (outer, inner) = blocks(x.shape, axis)
        let out = Tensor(uninitialized: shape, dtype: x.dtype)
        let src = x.storage.pointer(T.self) + x.offset, dst = out.storage.pointer(T.self)
        // Slices are copied on the thread pool: gathering a minibatch from a large data set is
        // bound by memory latency, which two threads overlap.
        let slices = outer * indices.count
        indices.withUnsafeBufferPointer { idx in
            ThreadPool.shared.parallelRanges(slices, grain: Swift.max(1, Kernels.parallelGrain / Swift.max(inner, 1))) { range in
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
private struct IndexAddKernel: NumericKernel {
    let base: Tensor, source: Tensor, indices: [Int], axis: Int
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        let d = base.shape[axis]
        let (outer, inner) = blocks(base.shape, axis)
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

private struct GatherKernel: TypedKernel {
    let x: Tensor, index: [Int], indexShape: [Int], axis: Int
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
        let (outer, inner) = blocks(indexShape, axis)
        let k = indexShape[axis], d = x.shape[axis]
        let out = Tensor(uninitialized: indexShape, dtype: x.dtype)
        let src = x.storage.pointer(T.self) + x.offset, dst = out.storage.pointer(T.self)
        for o in 0..<outer {
            for j in 0..<k {
                let row = (o * k + j) * inner
                for i in 0..<inner { dst[row + i] = src[(o * d + index[row + i]) * inner + i] }
            }
        }
        return out
    }
}

private struct ScatterAddKernel: NumericKernel {
    let base: Tensor, source: Tensor, index: [Int], axis: Int
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        let (outer, inner) = blocks(source.shape, axis)
        let k = source.shape[axis], d = base.shape[axis]
        var out = base.contiguous()
        out.node = nil
        out.makeStorageUnique()
        let src = source.storage.pointer(T.self) + source.offset, dst = out.storage.pointer(T.self) + out.offset
        for o in 0..<outer {
            for j in 0..<k {
                let row = (o * k + j) * inner
                for i in 0..<inner { dst[(o * d + index[row + i]) * inner + i] += src[row + i] }
            }
        }
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
            g.dtype.dispatch(IndexAddKernel(base: .zeros(inShape, dtype: g.dtype), source: g.contiguous(), indices: idx, axis: a),
                             op: "indexSelect backward")
        }
    }

    /// `out[…, j, …] = self[…, index[…, j, …], …]` along `axis` (`torch.gather`).
    ///
    /// `index` (int64) has the rank of `self` and, except along `axis`, the same sizes.
    public func gather(axis: Int, index: Tensor) -> Tensor {
        let a = normalizedAxis(axis, op: "gather")
        checkIndexShape(index.shape, against: shape, axis: a, op: "gather")
        let idx = checkedIndices(index.contiguous(), bound: shape[a], op: "gather")
        let x = contiguous()
        let out = dtype.dispatch(GatherKernel(x: x, index: idx, indexShape: index.shape, axis: a))
        let inShape = shape
        return recordUnary("gather", x, out) { g in
            g.dtype.dispatch(ScatterAddKernel(base: .zeros(inShape, dtype: g.dtype), source: g.contiguous(), index: idx, axis: a),
                             op: "gather backward")
        }
    }

    /// A copy of `self` with `source` added at positions `index` along `axis` (`torch.scatter_add`);
    /// repeated indices accumulate.
    public func scatterAdd(axis: Int, index: Tensor, source: Tensor) -> Tensor {
        let a = normalizedAxis(axis, op: "scatterAdd")
        require(index.shape == source.shape, "scatterAdd: index shape \(index.shape) != source shape \(source.shape)")
        checkIndexShape(index.shape, against: shape, axis: a, op: "scatterAdd")
        // Only the dtypes are unified: source may be longer or shorter than self along `axis`.
        let (base, src) = Elementwise.promoteTypes(self, source)
        let idx = checkedIndices(index.contiguous(), bound: shape[a], op: "scatterAdd")
        let s = src.contiguous()
        let out = base.dtype.dispatch(ScatterAddKernel(base: base, source: s, index: idx, axis: a), op: "scatterAdd")
        guard shouldRecord(base, s) else { return out }
        let indexShape = index.shape
        return record("scatterAdd", base, s, out) { g in
            [g, g.dtype.dispatch(GatherKernel(x: g.contiguous(), index: idx, indexShape: indexShape, axis: a))]
        }
    }

    private func checkIndexShape(_ indexShape: [Int], against shape: [Int], axis: Int, op: String) {
        require(indexShape.count == shape.count, "\(op): index of shape \(indexShape) must have the rank of \(shape)")
        for d in 0..<shape.count where d != axis {
            require(indexShape[d] == shape[d], "\(op): index shape \(indexShape) must match \(shape) except along axis \(axis)")
        }
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
