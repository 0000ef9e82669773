// Sorting and selection along an axis: sort, argsort, msort, topk, kthvalue. Values' gradients
// go back through the indices. Kernels: Backend/SortKernels.swift.

/// Runs the sort kernel for a dtype with a sort key.
private struct SortKernel: SortKeyKernel {
    let x: Tensor, rows: SortRows, descending: Bool, values: Tensor, indices: Tensor
    func run<T: SortKeyScalar>(_: T.Type) {
        SortKernels.sort(T.self, x, rows: rows, descending: descending, values: values, indices: indices)
    }
}

/// Runs the top-k kernel for a dtype with a sort key.
private struct TopkKernel: SortKeyKernel {
    let x: Tensor, rows: SortRows, k: Int, largest: Bool, values: Tensor, indices: Tensor
    func run<T: SortKeyScalar>(_: T.Type) {
        SortKernels.topk(T.self, x, rows: rows, k: k, largest: largest, values: values, indices: indices)
    }
}

extension Tensor {
    /// `values` of `self` with the elements at `indices` along `axis`, and its gradient: the
    /// output's gradient put back at the indices (the backward of every sort-like op).
    fileprivate func takingValues(_ values: Tensor, at indices: Tensor, axis: Int, op: String) -> Tensor {
        let inShape = shape
        return recordUnary(op, self, values) { g in
            Tensor.zeros(inShape, dtype: g.dtype).scatterAdd(axis: axis, index: indices, source: g)
        }
    }

    /// Sorts along `axis`: the values in ascending (or `descending`) order and, as int64, where
    /// each came from (`torch.sort`).
    ///
    /// NaN counts as larger than every number (last ascending, first descending) and `−0` equals
    /// `0`, as in PyTorch. The sort is always stable: equal elements keep their order, so
    /// `stable: true` (PyTorch's guarantee of it) changes nothing. Rows are radix-sorted on keys
    /// that order the bits as numbers, split over the thread pool. The gradient of `values`
    /// goes back to the positions in `indices`. A 0-d tensor sorts to itself with index 0.
    ///
    /// - Returns: `values` and `indices`, both of `self`'s shape.
    public func sort(axis: Int = -1, descending: Bool = false, stable: Bool = false) -> (values: Tensor, indices: Tensor) {
        if rank == 0 {
            _ = normalizedAxis(axis, op: "sort", rank: 1)
            return (takingValues(detached(), at: Tensor(scalars: [Int64(0)], shape: []), axis: 0, op: "sort"),
                    Tensor(scalars: [Int64(0)], shape: []))
        }
        let a = normalizedAxis(axis, op: "sort")
        require(shape[a] <= Int(UInt32.max), "sort: axis \(a) of shape \(shape) is too long")
        let rows = SortRows(shape: shape, axis: a)
        let x = detached().contiguous()
        let indices = Tensor(uninitialized: shape, dtype: .int64), values = Tensor(uninitialized: shape, dtype: dtype)
        if count > 0,
           x.dtype.dispatchSortable(SortKernel(x: x, rows: rows, descending: descending, values: values, indices: indices)) == nil {
            // A dtype without a sort key: sort its float64 image (exact), then take the values.
            let order = x.cast(to: .float64).sort(axis: a, descending: descending).indices
            return (gather(axis: a, index: order), order)
        }
        return (takingValues(values, at: indices, axis: a, op: "sort"), indices)
    }

    /// The indices that sort `self` along `axis` (the `indices` of ``sort(axis:descending:stable:)``,
    /// `torch.argsort`), int64 of `self`'s shape.
    public func argsort(axis: Int = -1, descending: Bool = false, stable: Bool = false) -> Tensor {
        detached().sort(axis: axis, descending: descending, stable: stable).indices
    }

    /// `self` sorted along its first axis, values only (`torch.msort`).
    public func msort() -> Tensor { sort(axis: 0).values }

    /// The `k` largest (or, with `largest: false`, smallest) elements along `axis` and their
    /// int64 indices (`torch.topk`).
    ///
    /// NaN counts as the largest value. The results are always in order (largest first, or
    /// smallest first), so `sorted: false` changes nothing; among equal elements the lower index
    /// comes first (PyTorch leaves that order open). When `k` is at most an eighth of the axis, a
    /// bounded heap selects them in one pass (a long single row split over the threads), else
    /// the row is sorted. The gradient of `values` goes back to the positions in `indices`.
    ///
    /// - Returns: `values` and `indices` of `self`'s shape with `k` along `axis`.
    public func topk(_ k: Int, axis: Int = -1, largest: Bool = true, sorted: Bool = true) -> (values: Tensor, indices: Tensor) {
        require(dtype != .bool, "topk: not defined for bool tensors")
        let a = normalizedAxis(axis, op: "topk", rank: Swift.max(rank, 1))
        let n = rank == 0 ? 1 : shape[a]
        require(k >= 0 && k <= n, "topk: k = \(k) out of range for axis \(a) of size \(n) (shape \(shape))")
        if rank == 0 {
            // PyTorch keeps a 0-d input whole for k 0 and 1.
            return sort(axis: a)
        }
        var outShape = shape
        outShape[a] = k
        let rows = SortRows(shape: shape, axis: a)
        let x = detached().contiguous()
        let values = Tensor(uninitialized: outShape, dtype: dtype), indices = Tensor(uninitialized: outShape, dtype: .int64)
        if k > 0 && rows.rows > 0 {
            if x.dtype.dispatchSortable(TopkKernel(x: x, rows: rows, k: k, largest: largest, values: values, indices: indices)) == nil {
                let picked = x.cast(to: .float64).topk(k, axis: a, largest: largest).indices
                return (gather(axis: a, index: picked), picked)
            }
        }
        return (takingValues(values, at: indices, axis: a, op: "topk"), indices)
    }

    /// The `k`-th smallest element along `axis` (`k` from 1) and its int64 index
    /// (`torch.kthvalue`); NaN counts as the largest value, and among equal elements the one
    /// whose stable sorted position is `k` is returned. `keepDims` keeps `axis` with size 1.
    /// The gradient goes to the returned position.
    public func kthvalue(_ k: Int, axis: Int = -1, keepDims: Bool = false) -> (values: Tensor, indices: Tensor) {
        require(dtype != .bool, "kthvalue: not defined for bool tensors")
        let a = normalizedAxis(axis, op: "kthvalue", rank: Swift.max(rank, 1))
        let n = rank == 0 ? 1 : shape[a]
        require(k >= 1 && k <= n, "kthvalue: k = \(k) out of range for axis \(a) of size \(n) (shape \(shape))")
        if rank == 0 { return sort(axis: a) }
        let picked = detached().topk(k, axis: a, largest: false).indices.slice(axis: a, start: k - 1, end: k)
        let index = picked.contiguous()
        var outShape = shape
        outShape[a] = 1
        let values = gather(axis: a, index: index)
        if keepDims { return (values, index) }
        outShape.remove(at: a)
        return (values.reshape(outShape), index.reshape(outShape))
    }
}
