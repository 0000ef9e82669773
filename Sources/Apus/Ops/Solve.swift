// Linear systems as in torch.linalg: general (LU), triangular, Cholesky-factored, and least
// squares; batched with broadcast batch dimensions, each with PyTorch's gradient beside it.

// MARK: General systems

/// The solution `X` of `A·X = B` (or `X·A = B` when `left` is false), as `torch.linalg.solve`.
///
/// `A` `[…, n, n]`; `B` a matrix `[…, n, k]` (`[…, k, n]` for `X·A = B`) or a vector: `B` of
/// rank 1, or of shape `A.shape.dropLast()` (one vector per matrix). Batch dimensions broadcast;
/// the result has `B`'s form. LU with partial pivoting; a singular `A` stops with PyTorch's message.
/// Faster and more accurate than `inv(A)·B`: the normal equations of least squares,
/// `solve(Xᵀ·X, Xᵀ·y)`, are one call. Gradients: `ḡB = A⁻ᵀ·ḡX`, `ḡA = −ḡB·Xᵀ` (`−Xᵀ·ḡB` for
/// `X·A = B`).
public func solve(_ a: Tensor, _ b: Tensor, left: Bool = true) -> Tensor {
    let op = "linalg.solve"
    LinalgCheck.matrices(a, op, square: true)
    LinalgCheck.floating(b, op)
    LinalgCheck.sameDType(a, b, op)
    require(b.rank >= 1, "\(op): The input tensor B must have at least 1 dimension.")
    let n = a.shape[a.rank - 1]
    let vectorCase = b.rank == 1 || (b.rank == a.rank - 1 && b.shape == Array(a.shape.dropLast()))
    let bm = vectorCase ? b.unsqueezed(axis: -1) : b
    let (br, bc) = (bm.shape[bm.rank - 2], bm.shape[bm.rank - 1])
    require(left ? br == n : bc == n,
            "\(op): Incompatible shapes of A and B for the equation \(left ? "AX = B" : "XA = B") (\(n)x\(n) and \(br)x\(bc))")
    let batch = broadcastShapes(Array(a.shape.dropLast(2)), Array(bm.shape.dropLast(2)), op: op)
    let x = solveSystems(a, bm, batch: batch, left: left, op: "torch.linalg.solve")
    let out = vectorCase ? x.squeezed(axis: -1) : x
    guard shouldRecord(a, b) else { return out }
    let (da, dx) = (a.detached(), x.detached())
    let (aShape, bShape) = (a.shape, b.shape)
    return record(op, a, b, out) { g in
        let gx = vectorCase ? g.unsqueezed(axis: -1) : g
        let gb = solveSystems(da.matrixTransposed, gx, batch: batch, left: left, op: "torch.linalg.solve")
        let ga = left ? -matmul(gb, dx.matrixTransposed) : -matmul(dx.matrixTransposed, gb)
        return [ga.sum(toShape: aShape), (vectorCase ? gb.squeezed(axis: -1) : gb).sum(toShape: bShape)]
    }
}

/// `A⁻¹·B` (or `B·A⁻¹`) for matrices `a` and `b` whose batch dimensions broadcast to `batch`, in
/// their dtype; stops when a matrix is singular.
private func solveSystems(_ a: Tensor, _ b: Tensor, batch: [Int], left: Bool, op: String) -> Tensor {
    let n = a.shape[a.rank - 1]
    let ab = a.broadcastView(to: batch + [n, n])
    let bb = b.broadcastView(to: batch + Array(b.shape.suffix(2)))
    // X·A = B is Aᵀ·Xᵀ = Bᵀ.
    let (x, infos) = left ? Lapack.solve(ab, bb) : Lapack.solve(ab.matrixTransposed, bb.matrixTransposed)
    if let i = firstFailure(infos)?.index {
        require(false, "\(op): \(LinalgCheck.batchPrefix(i, batchCount: infos.count))The solver failed because the input matrix is singular.")
    }
    let out = linalgResult(x, as: a.dtype)
    return left ? out : out.matrixTransposed.contiguous()
}

// MARK: Triangular systems

/// The solution `X` of `T·X = B` (or `X·T = B` when `left` is false) for triangular `T`, as
/// `torch.linalg.solve_triangular`.
///
/// `T` is the upper triangle of `a` when `upper`, else the lower one (the other triangle is not
/// read), with ones on its diagonal when `unitriangular` (the diagonal is not read). `a`
/// `[…, n, n]`, `b` `[…, n, k]` (`[…, k, n]` when not `left`); batch dimensions broadcast. A zero
/// on the diagonal gives infinities, as in PyTorch. `b` is converted to `a`'s dtype, as PyTorch
/// does. Gradients: `ḡB = T⁻ᵀ·ḡX`, `ḡT = −ḡB·Xᵀ` restricted to the triangle.
public func solveTriangular(_ a: Tensor, _ b: Tensor, upper: Bool, left: Bool = true, unitriangular: Bool = false) -> Tensor {
    let op = "linalg.solve_triangular"
    LinalgCheck.matrices(a, op, square: true)
    LinalgCheck.floating(b, op)
    require(b.rank >= 2, "\(op): The input tensor B must have at least 2 dimensions.")
    let b = b.cast(to: a.dtype)
    let n = a.shape[a.rank - 1]
    let (br, bc) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    require(left ? br == n : bc == n,
            "\(op): Incompatible shapes of A and B for the equation \(left ? "AX = B" : "XA = B") (\(n)x\(n) and \(br)x\(bc))")
    _ = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: op)
    let out = triangularSolve(a, b, upper: upper, left: left, unit: unitriangular)
    guard shouldRecord(a, b) else { return out }
    let (da, dx) = (a.detached(), out.detached())
    let (aShape, bShape) = (a.shape, b.shape)
    return record(op, a, b, out) { g in
        let gb = triangularSolve(da.matrixTransposed, g, upper: !upper, left: left, unit: unitriangular)
        let full = left ? -matmul(gb, dx.matrixTransposed) : -matmul(dx.matrixTransposed, gb)
        let ga = linalgTriangle(full, upper: upper, offset: unitriangular ? (upper ? 1 : -1) : 0)
        return [ga.sum(toShape: aShape), gb.sum(toShape: bShape)]
    }
}

/// `T⁻¹·B` (or `B·T⁻¹`) for the chosen triangle of `a`, batch dimensions broadcast, in `a`'s
/// dtype; not recorded (the forward of ``solveTriangular(_:_:upper:left:unitriangular:)`` and a
/// step of several gradients).
func triangularSolve(_ a: Tensor, _ b: Tensor, upper: Bool, left: Bool, unit: Bool = false) -> Tensor {
    let n = a.shape[a.rank - 1]
    let batch = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "linalg.solve_triangular")
    let ab = a.broadcastView(to: batch + [n, n])
    let bb = b.broadcastView(to: batch + Array(b.shape.suffix(2)))
    // X·T = B is Tᵀ·Xᵀ = Bᵀ, and Tᵀ is in the other triangle of Aᵀ.
    let x = left ? Lapack.triangularSolve(ab, bb, upper: upper, unit: unit)
        : Lapack.triangularSolve(ab.matrixTransposed, bb.matrixTransposed, upper: !upper, unit: unit)
    let out = linalgResult(x, as: a.dtype)
    return left ? out : out.matrixTransposed.contiguous()
}

// MARK: Cholesky-factored systems

/// The solution `X` of `A·X = B` given the Cholesky factor of `A`, as `torch.cholesky_solve`:
/// `A = L·Lᵀ` with `l` lower triangular, or `A = Uᵀ·U` with `l` upper triangular when `upper`
/// (the other triangle is not read).
///
/// `b` `[…, n, k]`, `l` `[…, n, n]`; batch dimensions broadcast. Two triangular solves. Gradients
/// (PyTorch's `cholesky_solve_backward`): `ḡB = A⁻¹·ḡX` and, with `C = ḡB·Xᵀ + X·ḡBᵀ`,
/// `ḡL = −C·L` (`−U·C` when `upper`).
public func choleskySolve(_ b: Tensor, _ l: Tensor, upper: Bool = false) -> Tensor {
    let op = "cholesky_solve"
    LinalgCheck.floating(b, op)
    LinalgCheck.floating(l, op)
    LinalgCheck.sameDType(b, l, op, names: ("B", "L"))
    require(b.rank >= 2, "b should have at least 2 dimensions, but has \(b.rank) dimensions instead")
    require(l.rank >= 2, "u should have at least 2 dimensions, but has \(l.rank) dimensions instead")
    let n = l.shape[l.rank - 1]
    require(l.shape[l.rank - 2] == n && b.shape[b.rank - 2] == n,
            "Incompatible matrix sizes for cholesky_solve: each A matrix is \(l.shape[l.rank - 2]) by \(n) but each b matrix is \(b.shape[b.rank - 2]) by \(b.shape[b.rank - 1])")
    _ = broadcastShapes(Array(l.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: op)
    let out = choleskySolved(b, l, upper: upper)
    guard shouldRecord(b, l) else { return out }
    let (dl, dx) = (l.detached(), out.detached())
    let (bShape, lShape) = (b.shape, l.shape)
    return record(op, b, l, out) { g in
        let gb = choleskySolved(g, dl, upper: upper)
        var common = matmul(gb, dx.matrixTransposed)
        common = common + common.matrixTransposed
        let gl = upper ? -matmul(dl, common) : -matmul(common, dl)
        return [gb.sum(toShape: bShape), gl.sum(toShape: lShape)]
    }
}

/// `(L·Lᵀ)⁻¹·B` or `(Uᵀ·U)⁻¹·B`, not recorded.
private func choleskySolved(_ b: Tensor, _ l: Tensor, upper: Bool) -> Tensor {
    if upper {
        let y = triangularSolve(l.matrixTransposed, b, upper: false, left: true)
        return triangularSolve(l, y, upper: true, left: true)
    }
    let y = triangularSolve(l, b, upper: false, left: true)
    return triangularSolve(l.matrixTransposed, y, upper: true, left: true)
}

// MARK: Least squares

/// The least-squares solution of `A·X ≈ B`, as `torch.linalg.lstsq` with its CPU default driver
/// `'gelsy'`: `X` minimises `‖A·X − B‖` and, among the minimisers, has the least norm (so a wide
/// full-rank system gets its minimum-norm solution).
///
/// `A` `[…, m, n]`; `B` `[…, m, k]` (batch dimensions broadcast) or `[…, m]` (a vector per
/// matrix). QR with column pivoting; the rank is the number of leading diagonal elements of R with
/// `|R_ii| > rcond·|R₀₀|` (`rcond` defaults to `ε·max(m, n)`, ε of the dtype); when it is below
/// `n`, a second orthogonal factorisation gives the minimum-norm solution (LAPACK's complete
/// orthogonal decomposition). The fields, as PyTorch's gelsy fills them:
/// - `solution`: `X`, `[…, n, k]` (`[…, n]` for a vector `B`);
/// - `residuals`: empty (gelsy does not compute them; `(A·X − B)²` summed over rows gives them);
/// - `rank`: the effective rank of each `A`, int64 `[…]`;
/// - `singularValues`: empty (gelsy does not compute them; see ``svdvals(_:)``).
///
/// Gradients through the pseudo-inverse, as PyTorch's `linalg_lstsq_backward`.
public func lstsq(_ a: Tensor, _ b: Tensor, rcond: Double? = nil)
    -> (solution: Tensor, residuals: Tensor, rank: Tensor, singularValues: Tensor) {
    let op = "torch.linalg.lstsq"
    LinalgCheck.floating(a, op)
    LinalgCheck.floating(b, op)
    require(a.rank >= 2, "\(op): input must have at least 2 dimensions.")
    require(a.rank >= b.rank && a.rank - b.rank <= 1,
            "\(op): input.dim() must be greater or equal to other.dim() and (input.dim() - other.dim()) <= 1")
    require(a.dtype == b.dtype, "\(op): Expected input and other to have the same dtype, but got input's dtype \(a.dtype) and other's dtype \(b.dtype)")
    let (m, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let vectorCase = b.rank == a.rank - 1
    let bm = vectorCase ? b.unsqueezed(axis: -1) : b
    require(bm.shape[bm.rank - 2] == m, "\(op): input.size(-2) should match other.size(\(vectorCase ? -1 : -2))")
    let batch = broadcastShapes(Array(a.shape.dropLast(2)), Array(bm.shape.dropLast(2)), op: op)
    let k = bm.shape[bm.rank - 1]
    let (x64, ranks) = Lapack.leastSquares(a.broadcastView(to: batch + [m, n]), bm.broadcastView(to: batch + [m, k]),
                                           rcond: rcond ?? epsilon(a.dtype) * Double(Swift.max(m, n)))
    let x = linalgResult(x64, as: a.dtype)
    let solution = vectorCase ? x.squeezed(axis: -1) : x
    let empty = Tensor.zeros([0], dtype: a.dtype)
    let rank = Tensor(scalars: ranks.map(Int64.init), shape: batch)
    let (da, dbm) = (a.detached(), bm.detached())
    let (aShape, bShape) = (a.shape, b.shape)
    let outs = recordOutputs(op, inputs: [a, b], outputs: [solution, empty]) { grads in
        guard let g = grads[0] else { return [nil, nil] }
        let gx = vectorCase ? g.unsqueezed(axis: -1) : g
        let pinvA = pinv(da)
        let ga = pinvBackward(matmul(gx, dbm.matrixTransposed), pinvA: pinvA, a: da)
        let gb = matmul(pinvA.matrixTransposed, gx)
        return [ga.sum(toShape: aShape), (vectorCase ? gb.squeezed(axis: -1) : gb).sum(toShape: bShape)]
    }
    return (outs[0], outs[1], rank, empty)
}
