// Triangles and diagonals of matrices: tril, triu (batched), diag, diagonal (a view), diagEmbed,
// trace.

extension Tensor {
    /// The lower triangle of each matrix in the last two axes (`torch.tril`): elements `(i, j)`
    /// with `j ≤ i + diagonal` are kept, the others set to zero. `diagonal` 0 is the main
    /// diagonal, positive values keep more superdiagonals, negative ones drop subdiagonals.
    /// Input `[*, R, C]`, output the same shape; the gradient is the same triangle of the gradient.
    public func tril(diagonal: Int = 0) -> Tensor {
        let out = triangle(lower: true, diagonal: diagonal, op: "tril")
        return recordUnary("tril", self, out) { g in g.tril(diagonal: diagonal) }
    }

    /// The upper triangle of each matrix in the last two axes (`torch.triu`): elements `(i, j)`
    /// with `j ≥ i + diagonal` are kept, the others set to zero. Input `[*, R, C]`, output the same
    /// shape; the gradient is the same triangle of the gradient.
    public func triu(diagonal: Int = 0) -> Tensor {
        let out = triangle(lower: false, diagonal: diagonal, op: "triu")
        return recordUnary("triu", self, out) { g in g.triu(diagonal: diagonal) }
    }

    /// tril/triu's forward: one pass over the rows, each a copy of its kept run and a zero fill.
    private func triangle(lower: Bool, diagonal k: Int, op: String) -> Tensor {
        require(rank >= 2, "\(op): input must have at least 2 dimensions, got shape \(shape)")
        let out = Tensor(uninitialized: shape, dtype: dtype)
        if count == 0 { return out }
        let (rows, columns) = (shape[rank - 2], shape[rank - 1])
        let (rowStride, columnStride) = (strides[rank - 2], strides[rank - 1])
        let size = dtype.byteSize
        let batch = StridedWalk(shape: Array(shape[..<(rank - 2)]), dstStrides: Array(out.strides[..<(rank - 2)]),
                                srcStrides: Array(strides[..<(rank - 2)]))
        struct Kernel: WidthKernel {
            let batch: StridedWalk, src: UnsafeMutableRawPointer, dst: UnsafeMutableRawPointer
            let rows: Int, columns: Int, rowStride: Int, columnStride: Int, lower: Bool, k: Int
            func run<W: ElementBits>(_: W.Type) {
                let size = MemoryLayout<W>.stride
                // Rows i of the matrix at (dst, src) offsets: [lo, hi) copied, the rest zeroed.
                func matrix(_ od: Int, _ os: Int, _ range: Range<Int>) {
                    for i in range {
                        let (lo, hi) = lower ? (0, Swift.min(columns, Swift.max(0, i + k + 1)))
                                             : (Swift.min(columns, Swift.max(0, i + k)), columns)
                        let d = od + i * columns, s = os + i * rowStride
                        Movement.zero(dst + d * size, count: lo, elementSize: size)
                        Movement.copyRow(W.self, hi - lo, from: src, s + lo * columnStride, step: columnStride, to: dst, d + lo, step: 1)
                        Movement.zero(dst + (d + Swift.max(hi, lo)) * size, count: columns - Swift.max(hi, lo), elementSize: size)
                    }
                }
                let perMatrix = rows * columns
                if batch.count == 1 {
                    ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, Movement.parallelGrain / columns)) { r in matrix(0, 0, r) }
                    return
                }
                let grain = Swift.max(1, Movement.parallelGrain / (perMatrix * batch.length))
                ThreadPool.shared.parallelRanges(batch.rows, grain: grain) { range in
                    batch.forEachRow(range) { od, os in
                        for j in 0..<batch.length {
                            matrix(od + j * batch.dstStep, os + j * batch.srcStep, 0..<rows)
                        }
                    }
                }
            }
        }
        dispatchWidth(size, Kernel(batch: batch, src: rawBase, dst: out.rawBase, rows: rows, columns: columns,
                                   rowStride: rowStride, columnStride: columnStride, lower: lower, k: k))
        return out
    }

    /// Resolves `diagonal(offset:axis1:axis2:)`'s axes: distinct, each within the rank.
    private func diagonalAxes(_ axis1: Int, _ axis2: Int, op: String, rank r: Int? = nil) -> (Int, Int) {
        let (a1, a2) = (normalizedAxis(axis1, op: op, rank: r), normalizedAxis(axis2, op: op, rank: r))
        require(a1 != a2, "\(op): axis1 and axis2 must differ, got \(axis1) and \(axis2) (shape \(shape))")
        return (a1, a2)
    }

    /// The diagonal view without autograd: axes `a1` and `a2` removed, the diagonal appended last.
    func diagonalView(offset k: Int, _ a1: Int, _ a2: Int) -> Tensor {
        let (n1, n2) = (shape[a1], shape[a2])
        let length = Swift.max(0, k >= 0 ? Swift.min(n1, n2 - k) : Swift.min(n1 + k, n2))
        var off = offset
        if length > 0 { off += k >= 0 ? k * strides[a2] : -k * strides[a1] }
        var (s, st) = (shape, strides)
        for a in [a1, a2].sorted(by: >) { s.remove(at: a); st.remove(at: a) }
        return restrided(shape: s + [length], strides: st + [strides[a1] + strides[a2]], offset: off)
    }

    /// The diagonal of the matrices in axes `axis1` and `axis2` (`torch.diagonal`), as a view: those
    /// two axes are removed and the diagonal becomes the last axis, `out[…, i] = self[…, i, …, i + offset, …]`
    /// (`offset` > 0 above the main diagonal, < 0 below). Its length is
    /// `max(0, min(n₁, n₂ − offset))` for `offset ≥ 0` and `max(0, min(n₁ + offset, n₂))` otherwise.
    /// The gradient writes the output's gradient onto that diagonal of zeros.
    public func diagonal(offset: Int = 0, axis1: Int = 0, axis2: Int = 1) -> Tensor {
        let (a1, a2) = diagonalAxes(axis1, axis2, op: "diagonal")
        let out = diagonalView(offset: offset, a1, a2)
        let inShape = shape
        return recordUnary("diagonal", self, out) { g in
            Tensor.scatteredIntoZeros(g, shape: inShape) { $0.diagonalView(offset: offset, a1, a2) }
        }
    }

    /// Zeros of one more axis with the last axis of `self` on the diagonal of axes `a1`, `a2` (no autograd).
    private func embeddedDiagonal(offset k: Int, _ a1: Int, _ a2: Int) -> Tensor {
        let n = (shape.last ?? 1) + Swift.abs(k)
        var outShape = Array(shape.dropLast())
        for a in [a1, a2].sorted() { outShape.insert(n, at: a) }
        let out = Tensor.zeros(outShape, dtype: dtype)
        let view = out.diagonalView(offset: k, a1, a2)
        Movement.copy(shape: view.shape, elementSize: dtype.byteSize, from: rawBase, strides: strides,
                      to: view.rawBase, strides: view.strides)
        return out
    }

    /// Matrices with the last axis of `self` on their diagonal (`torch.diag_embed`): for input
    /// `[*, n]` the output has one more axis, with axes `axis1` and `axis2` (of the output) of size
    /// `n + |offset|` and `out[…, i, …, i + offset, …] = self[…, i]`, zeros elsewhere. The gradient
    /// is that diagonal of the gradient.
    public func diagEmbed(offset: Int = 0, axis1: Int = -2, axis2: Int = -1) -> Tensor {
        let (a1, a2) = diagonalAxes(axis1, axis2, op: "diagEmbed", rank: rank + 1)
        let out = embeddedDiagonal(offset: offset, a1, a2)
        return recordUnary("diagEmbed", self, out) { g in g.diagonal(offset: offset, axis1: a1, axis2: a2) }
    }

    /// `torch.diag`: a vector `[n]` becomes the square matrix `[n + |diagonal|, n + |diagonal|]` with
    /// the vector on its `diagonal`-th diagonal; a matrix gives its `diagonal`-th diagonal as a new
    /// vector (a copy; ``diagonal(offset:axis1:axis2:)`` is the view). Other ranks are refused.
    public func diag(diagonal k: Int = 0) -> Tensor {
        require(rank == 1 || rank == 2, "diag: expected a 1-D or 2-D tensor, got shape \(shape)")
        if rank == 1 {
            let out = embeddedDiagonal(offset: k, 0, 1)
            return recordUnary("diag", self, out) { g in g.diagonal(offset: k) }
        }
        let out = diagonalView(offset: k, 0, 1).materialized()
        let inShape = shape
        return recordUnary("diag", self, out) { g in
            Tensor.scatteredIntoZeros(g, shape: inShape) { $0.diagonalView(offset: k, 0, 1) }
        }
    }

    /// The sum of a matrix's main diagonal (`torch.trace`), a 0-d tensor (int64 for int64 input;
    /// bool is refused, as in PyTorch). The gradient is the identity pattern scaled by the output's gradient.
    public func trace() -> Tensor {
        require(rank == 2, "trace: expected a matrix, got shape \(shape)")
        require(dtype != .bool, "trace: not defined for bool tensors; cast first")
        return diagonal().sum()
    }
}
