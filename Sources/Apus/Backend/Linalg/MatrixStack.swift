// The bridge between tensors and the matrix kernels: each matrix of a batch as a contiguous
// row-major float64 copy (whatever the tensor's dtype and strides), and the loop that runs a
// kernel over a batch on the thread pool.

/// A batch of matrices as float64 working copies: `[batch…, rows, cols]`, contiguous, owned.
struct MatrixStack {
    let tensor: Tensor
    let batchShape: [Int]
    let rows: Int
    let cols: Int
    var count: Int { batchShape.reduce(1, *) }

    /// Fresh copies of `x`'s matrices (any strides and float dtype; broadcast views materialise).
    /// A float64 input is copied too (a cast to its own dtype returns the tensor itself): the
    /// kernels factor the matrices in place.
    init(copying x: Tensor) {
        let x = x.detached()
        self.init(tensor: x.dtype == .float64 ? Kernels.map(x, Double.self, to: Double.self) { $0 } : Kernels.cast(x, to: .float64))
    }

    /// Uninitialised matrices of the given shape.
    init(batchShape: [Int], rows: Int, cols: Int) {
        self.init(tensor: Tensor(uninitialized: batchShape + [rows, cols], dtype: .float64))
    }

    private init(tensor: Tensor) {
        self.tensor = tensor
        batchShape = Array(tensor.shape.dropLast(2))
        rows = tensor.shape[tensor.rank - 2]
        cols = tensor.shape[tensor.rank - 1]
    }

    /// The `b`-th matrix.
    func matrix(_ b: Int) -> DenseMatrix {
        DenseMatrix(tensor.storage.pointer(Double.self) + tensor.offset + b * rows * cols, rows: rows, cols: cols)
    }

    /// The matrices in `dtype` (a copy rounded once for float32).
    func result(as dtype: DType) -> Tensor { linalgResult(tensor, as: dtype) }
}

/// A float64 kernel result in the caller's dtype.
func linalgResult(_ t: Tensor, as dtype: DType) -> Tensor {
    dtype == .float64 ? t : Kernels.cast(t, to: dtype)
}

/// Runs `body` over `0..<count` matrices split into ranges across the thread pool when the work,
/// about `count · cost` multiply–adds, is worth it; each range gets scratch memory that lives
/// until `body` returns. Every matrix is computed by one thread in a fixed order, so results do
/// not depend on the thread count.
func forEachMatrixRange(_ count: Int, cost: Int, _ body: (Range<Int>, LinalgScratch) -> Void) {
    if count == 0 { return }
    let grain = Swift.max(1, (1 << 15) / Swift.max(cost, 1))
    ThreadPool.shared.parallelRanges(count, grain: grain) { range in
        let scratch = LinalgScratch()
        withExtendedLifetime(scratch) { body(range, scratch) }
    }
}
