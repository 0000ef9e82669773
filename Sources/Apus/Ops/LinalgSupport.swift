// What the decompositions and solvers share: input checks with torch.linalg's messages, float64
// working copies and batch loops, recording of ops with several differentiable outputs, and the
// small matrix helpers (triangles, diagonals) that their gradients are written with.

enum LinalgCheck {
    /// Stops unless `a` holds float32 or float64 matrices (rank ≥ 2), square when `square`.
    ///
    /// Integers are refused as torch.linalg refuses them; so are the half types, which PyTorch's
    /// CPU LAPACK kernels do not take either.
    static func matrices(_ a: Tensor, _ op: String, square: Bool = false, name: String = "A") {
        floating(a, op)
        require(a.rank >= 2, "\(op): The input tensor \(name) must have at least 2 dimensions.")
        if square {
            let (r, c) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
            require(r == c, "\(op): \(name) must be batches of square matrices, but they are \(r) by \(c) matrices")
        }
    }

    /// Stops unless `a` is float32 or float64.
    static func floating(_ a: Tensor, _ op: String) {
        require(a.dtype.isFloatingPoint, "\(op): Expected a floating point tensor as input. Got \(a.dtype)")
        require(a.dtype.byteSize >= 4,
                "\(op): \(a.dtype) is not supported (the decompositions run on float32 and float64, as PyTorch's CPU LAPACK); cast to float32 first")
    }

    /// Stops unless `a` and `b` have the same dtype.
    static func sameDType(_ a: Tensor, _ b: Tensor, _ op: String, names: (String, String) = ("A", "B")) {
        require(a.dtype == b.dtype, "\(op): Expected \(names.0) and \(names.1) to have the same dtype, but found \(names.0) of type \(a.dtype) and \(names.1) of type \(b.dtype) instead")
    }

    /// The message prefix naming the batch element, as LAPACK errors in PyTorch carry it.
    static func batchPrefix(_ index: Int, batchCount: Int) -> String {
        batchCount > 1 ? "(Batch element \(index)): " : ""
    }
}

/// The first batch element whose status is not 0, with its status.
func firstFailure(_ infos: [Int]) -> (index: Int, info: Int)? {
    guard let i = infos.firstIndex(where: { $0 != 0 }) else { return nil }
    return (i, infos[i])
}

/// Records an op with several outputs as one node: the outputs become views of one packed buffer,
/// and `backward` receives each output's gradient, or nil for outputs whose gradient is zero
/// (unused), as PyTorch's formulas receive undefined gradients. All outputs share one dtype.
func recordOutputs(_ op: String, inputs: [Tensor], outputs: [Tensor],
                   backward: @escaping ([Tensor?]) -> [Tensor?]) -> [Tensor] {
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return outputs }
    let shapes = outputs.map(\.shape), counts = outputs.map(\.count)
    let packed = noGrad { concat(outputs.map { $0.detached().contiguous().reshape([-1]) }, axis: 0) }
    let node = record(op, inputs, packed) { g in
        var offset = 0
        var grads: [Tensor?] = []
        for (shape, n) in zip(shapes, counts) {
            let part = g.slice(axis: 0, start: offset, end: offset + n).contiguous().reshape(shape)
            grads.append(isZero(part) ? nil : part)
            offset += n
        }
        return backward(grads)
    }
    var offset = 0
    return zip(shapes, counts).map { shape, n in
        defer { offset += n }
        return node.slice(axis: 0, start: offset, end: offset + n).reshape(shape)
    }
}

/// Whether every element of the float tensor `t` is zero (true when it has none).
private func isZero(_ t: Tensor) -> Bool {
    let c = t.contiguous()
    func run<T: FloatScalar>(_: T.Type) -> Bool {
        let p = c.storage.pointer(T.self) + c.offset
        for i in 0..<c.count where p[i] != 0 { return false }
        return true
    }
    return c.dtype == .float32 ? run(Float.self) : run(Double.self)
}

// MARK: Matrix helpers for the gradient formulas (no autograd: backward runs without recording)

/// The matrices of `x` with every element outside the chosen triangle set to zero: `triu(x, k)`
/// when `upper` (elements with `j − i ≥ k` kept), else `tril(x, k)` (`j − i ≤ k` kept).
func linalgTriangle(_ x: Tensor, upper: Bool, offset k: Int = 0) -> Tensor {
    let s = MatrixStack(copying: x)
    for b in 0..<s.count {
        let m = s.matrix(b)
        for i in 0..<m.rows {
            for j in 0..<m.cols where upper ? j - i < k : j - i > k { m[i, j] = 0 }
        }
    }
    return s.result(as: x.dtype)
}

/// The diagonals of `x`'s matrices, `[…, min(rows, cols)]`.
func linalgDiagonal(_ x: Tensor) -> Tensor {
    let s = MatrixStack(copying: x)
    let k = Swift.min(s.rows, s.cols)
    var out = [Double](repeating: 0, count: s.count * k)
    for b in 0..<s.count {
        let m = s.matrix(b)
        for i in 0..<k { out[b * k + i] = m[i, i] }
    }
    return Tensor(shape: s.batchShape + [k], values: out, dtype: x.dtype)
}

/// Square matrices with `v` (`[…, n]`) on their diagonals and zeros elsewhere.
func linalgDiagonalMatrix(_ v: Tensor) -> Tensor {
    let n = v.shape.last ?? 1
    let values = v.toDoubles()
    let batch = values.count / Swift.max(n, 1)
    var out = [Double](repeating: 0, count: batch * n * n)
    for b in 0..<batch { for i in 0..<n { out[b * n * n + i * n + i] = values[b * n + i] } }
    return Tensor(shape: v.shape + [n], values: out, dtype: v.dtype)
}

/// `x` with the diagonal of each matrix multiplied by `factor`.
func linalgScalingDiagonal(_ x: Tensor, by factor: Double) -> Tensor {
    let s = MatrixStack(copying: x)
    for b in 0..<s.count {
        let m = s.matrix(b)
        for i in 0..<Swift.min(m.rows, m.cols) { m[i, i] *= factor }
    }
    return s.result(as: x.dtype)
}

/// `x` with the diagonal of each matrix replaced by `value`.
func linalgFillingDiagonal(_ x: Tensor, with value: Double) -> Tensor {
    let s = MatrixStack(copying: x)
    for b in 0..<s.count {
        let m = s.matrix(b)
        for i in 0..<Swift.min(m.rows, m.cols) { m[i, i] = value }
    }
    return s.result(as: x.dtype)
}

extension Tensor {
    /// The matrix transpose of the last two axes (a view).
    var matrixTransposed: Tensor { transposed(-2, -1) }
}
