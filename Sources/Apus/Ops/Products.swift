// Products of vectors, matrices and batches beyond matmul: bmm, baddbmm, addmm, addmv, mv, dot,
// vdot, inner, outer, cross, kron, tensordot, multiDot, matrixPower. Each is PyTorch's op of the
// same name; the matrix products run on matmul's GEMM, tensordot and inner on einsum's contraction.

/// Batched matrix product of two 3-D tensors, as `torch.bmm`: `[b, n, m] · [b, m, p] → [b, n, p]`.
///
/// Unlike ``matmul(_:_:)`` the batch dimension does not broadcast. int64 batches give int64.
public func bmm(_ a: Tensor, _ b: Tensor) -> Tensor {
    require(a.rank == 3 && b.rank == 3, "bmm: expected two 3-D tensors, got shapes \(a.shape) and \(b.shape)")
    require(a.shape[0] == b.shape[0] && a.shape[2] == b.shape[1],
            "bmm: shapes \(a.shape) and \(b.shape) do not fit [b, n, m] · [b, m, p]")
    return matmul(a, b)
}

/// Matrix–vector product, as `torch.mv`: `[n, m] · [m] → [n]`.
public func mv(_ matrix: Tensor, _ vector: Tensor) -> Tensor {
    require(matrix.rank == 2 && vector.rank == 1 && matrix.shape[1] == vector.shape[0],
            "mv: expected a matrix [n, m] and a vector [m], got shapes \(matrix.shape) and \(vector.shape)")
    return matmul(matrix, vector)
}

/// `beta · input + alpha · (batch1 · batch2)` over a batch, as `torch.baddbmm`: `batch1` `[b, n, m]`,
/// `batch2` `[b, m, p]`, `input` broadcastable to `[b, n, p]`; the result is `[b, n, p]`.
///
/// With `beta` 0 `input` is ignored (NaN in it does not propagate); with `alpha` 0 the product
/// still counts (`0 · NaN` is NaN), as in PyTorch, where ``addmm(_:_:_:beta:alpha:)`` skips it.
/// For integer tensors `beta` and `alpha` are truncated to integers, as PyTorch does.
public func baddbmm(_ input: Tensor, _ batch1: Tensor, _ batch2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
    require(batch1.rank == 3 && batch2.rank == 3, "baddbmm: batch1 and batch2 must be 3-D, got shapes \(batch1.shape) and \(batch2.shape)")
    require(batch1.shape[0] == batch2.shape[0] && batch1.shape[2] == batch2.shape[1],
            "baddbmm: shapes \(batch1.shape) and \(batch2.shape) do not fit [b, n, m] · [b, m, p]")
    return scaledSum(input, [batch1.shape[0], batch1.shape[1], batch2.shape[2]], beta: beta, alpha: alpha,
                     factors: (batch1, batch2), skipsZeroProduct: false, op: "baddbmm")
}

/// `beta · input + alpha · (mat1 · mat2)`, as `torch.addmm`: `mat1` `[n, m]`, `mat2` `[m, p]`,
/// `input` broadcastable to `[n, p]`; the result is `[n, p]`.
///
/// With `beta` 0 `input` is ignored, with `alpha` 0 the product (NaN in either does not
/// propagate, as in PyTorch's BLAS-style addmm). For integer tensors `beta` and `alpha` are
/// truncated to integers, as PyTorch does.
public func addmm(_ input: Tensor, _ mat1: Tensor, _ mat2: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
    require(mat1.rank == 2 && mat2.rank == 2 && mat1.shape[1] == mat2.shape[0],
            "addmm: expected matrices [n, m] and [m, p], got shapes \(mat1.shape) and \(mat2.shape)")
    return scaledSum(input, [mat1.shape[0], mat2.shape[1]], beta: beta, alpha: alpha, factors: (mat1, mat2), skipsZeroProduct: true, op: "addmm")
}

/// `beta · input + alpha · (mat · vec)`, as `torch.addmv`: `mat` `[n, m]`, `vec` `[m]`, `input`
/// broadcastable to `[n]`; the result is `[n]`. `beta` and `alpha` as in
/// ``addmm(_:_:_:beta:alpha:)``: a zero factor drops its term.
public func addmv(_ input: Tensor, _ mat: Tensor, _ vec: Tensor, beta: Double = 1, alpha: Double = 1) -> Tensor {
    require(mat.rank == 2 && vec.rank == 1 && mat.shape[1] == vec.shape[0],
            "addmv: expected a matrix [n, m] and a vector [m], got shapes \(mat.shape) and \(vec.shape)")
    return scaledSum(input, [mat.shape[0]], beta: beta, alpha: alpha, factors: (mat, vec), skipsZeroProduct: true, op: "addmv")
}

/// `beta · input + alpha · matmul(factors)` with `input` broadcast to `shape` (baddbmm, addmm,
/// addmv); `beta` 0 drops the input's term, and `alpha` 0 the product's when `skipsZeroProduct`.
private func scaledSum(_ input: Tensor, _ shape: [Int], beta: Double, alpha: Double, factors: (Tensor, Tensor),
                       skipsZeroProduct: Bool, op: String) -> Tensor {
    require(input.rank <= shape.count && zip(input.shape.reversed(), shape.reversed()).allSatisfy { $0 == $1 || $0 == 1 },
            "\(op): input of shape \(input.shape) does not broadcast to the product's shape \(shape)")
    let (f1, f2) = productOperands(factors.0, factors.1, op: op)
    require(input.dtype != .bool, "\(op): not defined for bool tensors (input \(input.shape)); cast it first")
    let dtype = DType.promoted(input.dtype, f1.dtype)
    // Integer results take integer factors: PyTorch truncates beta and alpha.
    let (beta, alpha) = dtype.isFloatingPoint ? (beta, alpha) : (beta.rounded(.towardZero), alpha.rounded(.towardZero))
    var product: Tensor? = nil
    if alpha != 0 || !skipsZeroProduct {
        let p = matmul(f1, f2).cast(to: dtype)
        product = alpha == 1 ? p : scaledBy(p, alpha)
    }
    let x = input.cast(to: dtype)
    let scaled: Tensor? = beta == 0 ? nil : (beta == 1 ? x : scaledBy(x, beta))
    switch (scaled, product) {
    case let (s?, p?): return s + p
    case let (s?, nil): return s.expand(to: shape).contiguous()
    case let (nil, p?): return p
    case (nil, nil): return Tensor.zeros(shape, dtype: dtype)
    }
}

/// `t · factor` in `t`'s dtype: an integer tensor is scaled by the (whole) factor as an integer, a
/// number that would otherwise make it float32.
private func scaledBy(_ t: Tensor, _ factor: Double) -> Tensor {
    if t.dtype.isFloatingPoint { return t * factor }
    require(Swift.abs(factor) < 0x1p63, "beta and alpha of an integer product must fit in int64, got \(factor)")
    return t * Int(factor)
}

/// Dot product of two 1-D tensors of the same length, as `torch.dot`: a 0-d tensor (0 for empty vectors).
public func dot(_ a: Tensor, _ b: Tensor) -> Tensor {
    require(a.rank == 1 && b.rank == 1, "dot: expected two 1-D tensors, got shapes \(a.shape) and \(b.shape)")
    require(a.shape == b.shape, "dot: vectors of shapes \(a.shape) and \(b.shape) differ in length")
    let (x, y) = productOperands(a, b, op: "dot")
    return matmul(x, y)
}

/// `Σᵢ conj(aᵢ)·bᵢ`, as `torch.vdot`; for real tensors the same as ``dot(_:_:)``.
public func vdot(_ a: Tensor, _ b: Tensor) -> Tensor {
    require(a.rank == 1 && b.rank == 1, "vdot: expected two 1-D tensors, got shapes \(a.shape) and \(b.shape)")
    require(a.shape == b.shape, "vdot: vectors of shapes \(a.shape) and \(b.shape) differ in length")
    let (x, y) = productOperands(a, b, op: "vdot")
    return matmul(x, y)
}

/// Inner product over the last dimension, as `torch.inner`: `a` `[…, n]` and `b` `[…, n]` give
/// `a.shape.dropLast() + b.shape.dropLast()`, `out[i, j] = Σₖ a[i, k]·b[j, k]`. A 0-d operand
/// multiplies the other.
public func inner(_ a: Tensor, _ b: Tensor) -> Tensor {
    if a.rank == 0 || b.rank == 0 {
        require(a.dtype != .bool || b.dtype != .bool, "inner: not defined for two bool tensors")
        return a * b
    }
    require(a.shape[a.rank - 1] == b.shape[b.rank - 1],
            "inner: the last dimensions of shapes \(a.shape) and \(b.shape) differ")
    return tensordot(a, b, axes: ([a.rank - 1], [b.rank - 1]))
}

/// Outer product of two 1-D tensors, as `torch.outer`: `[n] ⊗ [m] → [n, m]`, `out[i, j] = aᵢ·bⱼ`.
///
/// Dtypes promote as in `*`; two bool vectors give their logical and.
public func outer(_ a: Tensor, _ b: Tensor) -> Tensor {
    require(a.rank == 1 && b.rank == 1, "outer: expected two 1-D tensors, got shapes \(a.shape) and \(b.shape)")
    return boolPreservingProduct(a.reshape([a.count, 1]), b.reshape([1, b.count]))
}

/// `a * b`, bool when both are bool (a logical and, as PyTorch's `mul` of bools).
private func boolPreservingProduct(_ a: Tensor, _ b: Tensor) -> Tensor {
    let p = a * b
    return a.dtype == .bool && b.dtype == .bool ? p.cast(to: .bool) : p
}

/// Kronecker product, as `torch.kron`: the shapes are padded with leading 1s to the same rank,
/// and the result has size `aᵢ·bᵢ` along each dimension, with
/// `out[i·B + j] = a[i]·b[j]` in each (B the size of `b` along that dimension): block `i` of the
/// result is `a[i]` times `b`.
public func kron(_ a: Tensor, _ b: Tensor) -> Tensor {
    let rank = Swift.max(a.rank, b.rank)
    let sa = [Int](repeating: 1, count: rank - a.rank) + a.shape
    let sb = [Int](repeating: 1, count: rank - b.rank) + b.shape
    // a as [a₀, 1, a₁, 1, …] and b as [1, b₀, 1, b₁, …]: their product is [a₀, b₀, a₁, b₁, …].
    let p = boolPreservingProduct(a.reshape(sa.flatMap { [$0, 1] }), b.reshape(sb.flatMap { [1, $0] }))
    return p.reshape(zip(sa, sb).map { $0 * $1 })
}

/// Cross product of 3-vectors along `axis`, as `torch.linalg.cross`: both tensors have the same
/// rank and size 3 along `axis`; the other dimensions broadcast.
/// `out = (a₁b₂ − a₂b₁, a₂b₀ − a₀b₂, a₀b₁ − a₁b₀)`.
public func cross(_ a: Tensor, _ b: Tensor, axis: Int = -1) -> Tensor {
    require(a.rank == b.rank, "cross: inputs must have the same number of dimensions, got shapes \(a.shape) and \(b.shape)")
    let ax = a.normalizedAxis(axis, op: "cross")
    require(a.shape[ax] == 3 && b.shape[ax] == 3,
            "cross: inputs must have size 3 along axis \(axis), got shapes \(a.shape) and \(b.shape)")
    let shape = broadcastShapes(a.shape, b.shape, op: "cross")
    let (x, y) = productOperands(a, b, op: "cross")
    let out: Tensor
    switch x.dtype {
    case .float32: out = crossKernel(Float.self, x, y, shape: shape, axis: ax)
    case .float64: out = crossKernel(Double.self, x, y, shape: shape, axis: ax)
    case .int64: out = crossKernel(Int64.self, x, y, shape: shape, axis: ax)
    default:
        let wide: DType = x.dtype.isFloatingPoint ? .float32 : .int64
        return cross(x.cast(to: wide), y.cast(to: wide), axis: axis).cast(to: x.dtype)
    }
    guard shouldRecord(x, y) else { return out }
    let (dx, dy) = (x.detached(), y.detached())
    let (rx, ry) = (x.requiresGrad, y.requiresGrad)
    // ⟨g, a × b⟩ = ⟨a, b × g⟩ = ⟨b, g × a⟩.
    return record("cross", x, y, out) { g in
        [rx ? cross(dy, g, axis: ax).sum(toShape: dx.shape) : nil,
         ry ? cross(g, dx, axis: ax).sum(toShape: dy.shape) : nil]
    }
}

/// The cross product of the broadcast operands, computed with `axis` moved last (a view) and the
/// result returned as a view with `axis` back in place.
private func crossKernel<T: NumericScalar>(_: T.Type, _ a: Tensor, _ b: Tensor, shape: [Int], axis: Int) -> Tensor {
    let order = (0..<shape.count).filter { $0 != axis } + [axis]
    func moved(_ t: Tensor) -> Tensor {
        let e = t.broadcastView(to: shape)
        return Tensor(storage: e.storage, shape: order.map { e.shape[$0] }, strides: order.map { e.strides[$0] }, offset: e.offset)
    }
    let (ea, eb) = (moved(a), moved(b))
    let movedShape = order.map { shape[$0] }
    let out = Tensor(uninitialized: movedShape, dtype: T.dtype)
    let pa = UnsafePointer(ea.storage.pointer(T.self)), pb = UnsafePointer(eb.storage.pointer(T.self))
    let po = out.storage.pointer(T.self)
    let (sa, sb) = (ea.strides[ea.rank - 1], eb.strides[eb.rank - 1])
    // Each "row" of the iteration is one 3-vector.
    forEachRow(shape: movedShape, stridesA: ea.strides, offsetA: ea.offset, stridesB: eb.strides, offsetB: eb.offset) { row, oa, ob in
        let (a0, a1, a2) = (pa[oa], pa[oa + sa], pa[oa + 2 * sa])
        let (b0, b1, b2) = (pb[ob], pb[ob + sb], pb[ob + 2 * sb])
        let o = po + 3 * row
        o[0] = a1 * b2 - a2 * b1
        o[1] = a2 * b0 - a0 * b2
        o[2] = a0 * b1 - a1 * b0
    }
    var back = [Int](repeating: 0, count: shape.count)
    for (i, d) in order.enumerated() { back[d] = i }
    return Tensor(storage: out.storage, shape: shape, strides: back.map { out.strides[$0] }, offset: 0)
}

/// Tensor contraction over the last `axes` dimensions of `a` and the first `axes` of `b`, as
/// `torch.tensordot(a, b, dims=axes)`: `[…, k₁…kₙ] · [k₁…kₙ, …] → [a's others…, b's others…]`.
/// `axes` 0 is the outer product.
public func tensordot(_ a: Tensor, _ b: Tensor, axes: Int = 2) -> Tensor {
    require(axes >= 0, "tensordot: axes must be non-negative, got \(axes)")
    require(axes <= a.rank && axes <= b.rank,
            "tensordot: cannot contract \(axes) dimensions of shapes \(a.shape) and \(b.shape)")
    return tensordot(a, b, axes: (Array((a.rank - axes)..<a.rank), Array(0..<axes)))
}

/// Tensor contraction over the dimensions `axes.a` of `a` paired with `axes.b` of `b`, as
/// `torch.tensordot(a, b, dims=(axes_a, axes_b))`: the result has `a`'s other dimensions, then
/// `b`'s, in order. Paired sizes match, or one is 1 (it broadcasts). Negative axes count from the end.
public func tensordot(_ a: Tensor, _ b: Tensor, axes: (a: [Int], b: [Int])) -> Tensor {
    require(axes.a.count == axes.b.count,
            "tensordot: \(axes.a) and \(axes.b) list different numbers of axes (shapes \(a.shape) and \(b.shape))")
    let da = axes.a.map { a.normalizedAxis($0, op: "tensordot") }, db = axes.b.map { b.normalizedAxis($0, op: "tensordot") }
    require(Set(da).count == da.count && Set(db).count == db.count,
            "tensordot: an axis appears twice in \(axes.a) or \(axes.b) (shapes \(a.shape) and \(b.shape))")
    for (i, j) in zip(da, db) {
        require(a.shape[i] == b.shape[j] || a.shape[i] == 1 || b.shape[j] == 1,
                "tensordot: axis \(i) of \(a.shape) (size \(a.shape[i])) and axis \(j) of \(b.shape) (size \(b.shape[j])) differ")
    }
    let (x, y) = productOperands(a, b, op: "tensordot")
    // Labels: a's dimensions 0..<rank(a); b's contracted ones take their partner's, its others follow.
    var lb = Array(a.rank..<(a.rank + b.rank))
    for (i, j) in zip(da, db) { lb[j] = i }
    let output = (0..<a.rank).filter { !da.contains($0) } + lb.filter { $0 >= a.rank }
    return Contraction.evaluate([LabeledTensor(x, Array(0..<a.rank)), LabeledTensor(y, lb)], output: output)
}

/// The product of a chain of matrices in the cheapest order, as `torch.linalg.multi_dot`: the first
/// tensor may be a vector `[n]` (a row) and the last `[m]` (a column), the others are matrices;
/// the vectors' dimensions are dropped from the result. The order of the products is chosen by
/// dynamic programming over the chain's sizes (fewest multiply-adds).
public func multiDot(_ tensors: [Tensor]) -> Tensor {
    require(tensors.count >= 2, "multiDot: expected at least 2 tensors, got \(tensors.count)")
    let shapes = tensors.map(\.shape)
    let n = tensors.count
    require(tensors[0].rank == 1 || tensors[0].rank == 2, "multiDot: the first tensor must be 1-D or 2-D (shapes \(shapes))")
    require(tensors[n - 1].rank == 1 || tensors[n - 1].rank == 2, "multiDot: the last tensor must be 1-D or 2-D (shapes \(shapes))")
    for i in 1..<(n - 1) { require(tensors[i].rank == 2, "multiDot: tensor \(i) must be 2-D (shapes \(shapes))") }
    var matrices = tensors
    if tensors[0].rank == 1 { matrices[0] = tensors[0].unsqueezed(axis: 0) }
    if tensors[n - 1].rank == 1 { matrices[n - 1] = tensors[n - 1].unsqueezed(axis: 1) }
    for i in 0..<(n - 1) {
        require(matrices[i].shape[1] == matrices[i + 1].shape[0],
                "multiDot: tensors \(i) and \(i + 1) of shapes \(shapes[i]) and \(shapes[i + 1]) cannot be multiplied (shapes \(shapes))")
    }
    for t in tensors { require(t.dtype != .bool, "multiDot: not defined for bool tensors (shapes \(shapes))") }
    // Matrix-chain order: cost[i][j] the fewest multiply-adds for matrices i...j, split[i][j] where.
    let dims = matrices.map { $0.shape[0] } + [matrices[n - 1].shape[1]]
    var cost = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    var split = [[Int]](repeating: [Int](repeating: 0, count: n), count: n)
    for length in 1..<n {
        for i in 0..<(n - length) {
            let j = i + length
            cost[i][j] = .infinity
            for s in i..<j {
                let c = cost[i][s] + cost[s + 1][j] + Double(dims[i]) * Double(dims[s + 1]) * Double(dims[j + 1])
                if c < cost[i][j] { (cost[i][j], split[i][j]) = (c, s) }
            }
        }
    }
    func product(_ i: Int, _ j: Int) -> Tensor {
        i == j ? matrices[i] : matmul(product(i, split[i][j]), product(split[i][j] + 1, j))
    }
    var result = product(0, n - 1)
    if tensors[n - 1].rank == 1 { result = result.squeezed(axis: 1) }
    if tensors[0].rank == 1 { result = result.squeezed(axis: 0) }
    return result
}

/// The `n`-th power of square matrices, as `torch.linalg.matrix_power`: `a` `[…, m, m]`, `n ≥ 0`
/// (the identity for 0), by repeated squaring.
///
/// Negative powers (powers of the inverse) are not supported yet.
public func matrixPower(_ a: Tensor, _ n: Int) -> Tensor {
    require(a.rank >= 2, "matrixPower: expected a matrix or a batch of matrices, got shape \(a.shape)")
    require(a.shape[a.rank - 1] == a.shape[a.rank - 2], "matrixPower: matrices must be square, got shape \(a.shape)")
    require(a.dtype != .bool, "matrixPower: not defined for bool tensors (shape \(a.shape))")
    require(n >= 0, "matrixPower: negative powers (\(n)) need the matrix inverse, which is not supported (shape \(a.shape))")
    if n == 0 {
        let m = a.shape[a.rank - 1]
        return Tensor.eye(m, dtype: a.dtype).expand(to: a.shape).contiguous()
    }
    var result: Tensor? = nil, base = a, e = n
    while true {
        if e & 1 == 1 { result = result.map { matmul($0, base) } ?? base }
        e >>= 1
        if e == 0 { break }
        base = matmul(base, base)
    }
    return result!
}

extension Tensor {
    /// Batched matrix product with `other` (see ``bmm(_:_:)``).
    public func bmm(_ other: Tensor) -> Tensor { Apus.bmm(self, other) }
    /// This matrix times the vector `vector` (see ``mv(_:_:)``).
    public func mv(_ vector: Tensor) -> Tensor { Apus.mv(self, vector) }
    /// Dot product with `other` (see ``dot(_:_:)``).
    public func dot(_ other: Tensor) -> Tensor { Apus.dot(self, other) }
    /// Inner product with `other` over the last dimension (see ``inner(_:_:)``).
    public func inner(_ other: Tensor) -> Tensor { Apus.inner(self, other) }
    /// Outer product with `other` (see ``outer(_:_:)``).
    public func outer(_ other: Tensor) -> Tensor { Apus.outer(self, other) }
    /// Cross product with `other` along `axis` (see ``cross(_:_:axis:)``).
    public func cross(_ other: Tensor, axis: Int = -1) -> Tensor { Apus.cross(self, other, axis: axis) }
    /// Kronecker product with `other` (see ``kron(_:_:)``).
    public func kron(_ other: Tensor) -> Tensor { Apus.kron(self, other) }
    /// The `n`-th power of this square matrix (see ``matrixPower(_:_:)``).
    public func matrixPower(_ n: Int) -> Tensor { Apus.matrixPower(self, n) }
}
