// The batch drivers of the decompositions and solvers: each runs one of the matrix kernels
// (LU, Cholesky, Householder, SymmetricEigen, SVD, Triangular) over every matrix of a tensor,
// in float64, on the thread pool, and returns float64 tensors with LAPACK's status codes.
// Callers check shapes and broadcast batch dimensions first: operands share their batch shape.

enum Lapack {
    /// Inverses of the square matrices of `a` (`[…, n, n]`), and each matrix's LU status (0, or
    /// the 1-based index of its first zero pivot; that matrix's inverse is then not computed).
    /// With `zeroPivot`, exactly zero pivots are replaced by it and every inverse is computed
    /// (the perturbation PyTorch's determinant gradient uses at singular matrices).
    static func inverse(_ a: Tensor, zeroPivot: Double? = nil) -> (inverse: Tensor, infos: [Int]) {
        let s = MatrixStack(copying: a)
        let n = s.rows
        let out = MatrixStack(batchShape: s.batchShape, rows: n, cols: n)
        var infos = [Int](repeating: 0, count: s.count)
        infos.withUnsafeMutableBufferPointer { infos in
            forEachMatrixRange(s.count, cost: n * n * n) { range, scratch in
                let pivots = scratch.ints(n)
                for b in range {
                    let lu = s.matrix(b), x = out.matrix(b)
                    var info = LU.factor(lu, pivots: pivots)
                    if info != 0, let zeroPivot {
                        for i in 0..<n where lu[i, i] == 0 { lu[i, i] = zeroPivot }
                        info = 0
                    }
                    infos[b] = info
                    if info != 0 {
                        for i in 0..<n { x.row(i).update(repeating: .nan, count: n) }
                        continue
                    }
                    LU.invert(lu, pivots: pivots, into: x)
                }
            }
        }
        return (out.tensor, infos)
    }

    /// Determinants of the square matrices of `a`, shape `[…]`.
    static func determinant(_ a: Tensor) -> Tensor {
        let s = MatrixStack(copying: a)
        let n = s.rows
        let out = Tensor(uninitialized: s.batchShape, dtype: .float64)
        let po = out.storage.pointer(Double.self)
        forEachMatrixRange(s.count, cost: n * n * n) { range, scratch in
            let pivots = scratch.ints(n)
            for b in range {
                let lu = s.matrix(b)
                _ = LU.factor(lu, pivots: pivots)
                po[b] = LU.determinant(lu, pivots: pivots)
            }
        }
        return out
    }

    /// Signs and logarithms of the absolute determinants of the square matrices of `a`.
    static func logDeterminant(_ a: Tensor) -> (sign: Tensor, logAbs: Tensor) {
        let s = MatrixStack(copying: a)
        let n = s.rows
        let sign = Tensor(uninitialized: s.batchShape, dtype: .float64)
        let logAbs = Tensor(uninitialized: s.batchShape, dtype: .float64)
        let ps = sign.storage.pointer(Double.self), pl = logAbs.storage.pointer(Double.self)
        forEachMatrixRange(s.count, cost: n * n * n) { range, scratch in
            let pivots = scratch.ints(n)
            for b in range {
                let lu = s.matrix(b)
                _ = LU.factor(lu, pivots: pivots)
                (ps[b], pl[b]) = LU.logDeterminant(lu, pivots: pivots)
            }
        }
        return (sign, logAbs)
    }

    /// `X` with `A·X = B` for `a` `[…, n, n]` and `b` `[…, n, k]` (same batch), and each
    /// matrix's LU status (nonzero: singular, that solution not computed).
    static func solve(_ a: Tensor, _ b: Tensor) -> (x: Tensor, infos: [Int]) {
        let s = MatrixStack(copying: a), x = MatrixStack(copying: b)
        let n = s.rows
        var infos = [Int](repeating: 0, count: s.count)
        infos.withUnsafeMutableBufferPointer { infos in
            forEachMatrixRange(s.count, cost: n * n * (n + x.cols)) { range, scratch in
                let pivots = scratch.ints(n)
                for i in range {
                    let lu = s.matrix(i)
                    infos[i] = LU.factor(lu, pivots: pivots)
                    let xi = x.matrix(i)
                    if infos[i] == 0 {
                        LU.solve(lu, pivots: pivots, xi)
                    } else {
                        for r in 0..<n { xi.row(r).update(repeating: .nan, count: xi.cols) }
                    }
                }
            }
        }
        return (x.tensor, infos)
    }

    /// `X` with `T·X = B`, `T` the upper or lower triangle of `a` `[…, n, n]` (unit diagonal
    /// when `unit`), `b` `[…, n, k]` with the same batch.
    static func triangularSolve(_ a: Tensor, _ b: Tensor, upper: Bool, unit: Bool) -> Tensor {
        let s = MatrixStack(copying: a), x = MatrixStack(copying: b)
        let n = s.rows
        forEachMatrixRange(s.count, cost: n * n * x.cols) { range, _ in
            for i in range { Triangular.solve(s.matrix(i), x.matrix(i), upper: upper, unit: unit) }
        }
        return x.tensor
    }

    /// Lower Cholesky factors of the square matrices of `a` (their lower triangles are read),
    /// and each matrix's status (the order of the first leading minor that is not positive definite).
    static func cholesky(_ a: Tensor) -> (l: Tensor, infos: [Int]) {
        let s = MatrixStack(copying: a)
        let n = s.rows
        var infos = [Int](repeating: 0, count: s.count)
        infos.withUnsafeMutableBufferPointer { infos in
            forEachMatrixRange(s.count, cost: n * n * n / 3 + 1) { range, _ in
                for i in range { infos[i] = Cholesky.factor(s.matrix(i)) }
            }
        }
        return (s.tensor, infos)
    }

    /// Householder QR of the matrices of `a` (`[…, m, n]`, `k = min(m, n)`): `Q` with
    /// `qColumns` columns (`k` reduced, `m` complete; nil for none) and `R` with `rRows` rows.
    static func qr(_ a: Tensor, qColumns: Int?, rRows: Int) -> (q: Tensor?, r: Tensor) {
        let s = MatrixStack(copying: a)
        let (m, n) = (s.rows, s.cols)
        let q = qColumns.map { MatrixStack(batchShape: s.batchShape, rows: m, cols: $0) }
        let r = MatrixStack(batchShape: s.batchShape, rows: rRows, cols: n)
        forEachMatrixRange(s.count, cost: m * n * Swift.min(m, n) + 1) { range, scratch in
            let tau = scratch.doubles(Swift.min(m, n)), work = scratch.doubles(Swift.max(m, n))
            for b in range {
                let f = s.matrix(b)
                Householder.factor(f, tau: tau, work: work)
                let rb = r.matrix(b)
                for i in 0..<rRows {
                    for j in 0..<n { rb[i, j] = j >= i ? f[i, j] : 0 }
                }
                if let q { Householder.formQ(f, tau: tau, into: q.matrix(b), work: work) }
            }
        }
        return (q?.tensor, r.tensor)
    }

    /// Eigenvalues (`[…, n]`, ascending) and, when `vectors`, eigenvectors (`[…, n, n]`, as
    /// columns) of the symmetric matrices whose lower triangles `a` holds.
    static func eigh(_ a: Tensor, vectors: Bool) -> (values: Tensor, vectors: Tensor?) {
        let s = MatrixStack(copying: a)
        let n = s.rows
        let values = Tensor(uninitialized: s.batchShape + [n], dtype: .float64)
        let pv = values.storage.pointer(Double.self)
        let v = vectors ? MatrixStack(batchShape: s.batchShape, rows: n, cols: n) : nil
        forEachMatrixRange(s.count, cost: 9 * n * n * n + 1) { range, scratchMemory in
            let scratch = scratchMemory.doubles(SymmetricEigen.scratchCount(n))
            for b in range {
                SymmetricEigen.decompose(s.matrix(b), values: pv + b * n, vectors: v?.matrix(b), scratch: scratch)
            }
        }
        return (values, v?.tensor)
    }

    /// Singular values (`[…, k]`, descending) and, when `vectors`, `U` (`[…, m, k or m]`) and
    /// `Vᴴ` (`[…, k or n, n]`) of the matrices of `a`; `full` gives the square forms. The index
    /// of the first matrix with a NaN or an infinity, if any (its results are not computed).
    static func svd(_ a: Tensor, vectors: Bool, full: Bool) -> (u: Tensor?, s: Tensor, vh: Tensor?, nonFinite: Int?) {
        let w = MatrixStack(copying: a)
        let (m, n) = (w.rows, w.cols)
        let k = Swift.min(m, n)
        let s = Tensor(uninitialized: w.batchShape + [k], dtype: .float64)
        let ps = s.storage.pointer(Double.self)
        let u = vectors ? MatrixStack(batchShape: w.batchShape, rows: m, cols: full ? m : k) : nil
        let vh = vectors ? MatrixStack(batchShape: w.batchShape, rows: full ? n : k, cols: n) : nil
        var finite = [Bool](repeating: true, count: w.count)
        finite.withUnsafeMutableBufferPointer { finite in
            forEachMatrixRange(w.count, cost: 20 * m * n * k + 1) { range, _ in
                for b in range {
                    finite[b] = SVD.decompose(w.matrix(b), s: ps + b * k, u: u?.matrix(b), vt: vh?.matrix(b))
                }
            }
        }
        return (u?.tensor, s, vh?.tensor, finite.firstIndex(of: false))
    }

    /// Least-squares solutions of `A·X ≈ B` (`a` `[…, m, n]`, `b` `[…, m, k]`, same batch) as
    /// LAPACK's gelsy computes them: QR with column pivoting, the rank `r` from R's diagonal
    /// (`|R_ii| > rcond·|R₀₀|`), and the minimum-norm solution of the rank-`r` problem through
    /// a second QR of `R[0..<r, :]ᵀ` when `r < n`. Returns `X` (`[…, n, k]`) and the ranks.
    static func leastSquares(_ a: Tensor, _ b: Tensor, rcond: Double) -> (x: Tensor, rank: [Int]) {
        let s = MatrixStack(copying: a), rhs = MatrixStack(copying: b)
        let (m, n, k) = (s.rows, s.cols, rhs.cols)
        let x = MatrixStack(batchShape: s.batchShape, rows: n, cols: k)
        var ranks = [Int](repeating: 0, count: s.count)
        ranks.withUnsafeMutableBufferPointer { ranks in
            forEachMatrixRange(s.count, cost: m * n * (n + k) + 1) { range, scratch in
                let big = Swift.max(m, n, k, 1)
                let perm = scratch.ints(n), tau = scratch.doubles(Swift.min(m, n)), work = scratch.doubles(big)
                let tau2 = scratch.doubles(Swift.min(m, n)), y = scratch.doubles(n * k)
                let tt = scratch.doubles(n * Swift.min(m, n)), lowerBuffer = scratch.doubles(Swift.min(m, n) * Swift.min(m, n))
                for bi in range {
                    let f = s.matrix(bi), c = rhs.matrix(bi), xb = x.matrix(bi)
                    Householder.factorPivoted(f, perm: perm, tau: tau, work: work)
                    let r0 = Swift.min(m, n) > 0 ? Swift.abs(f[0, 0]) : 0
                    var r = 0
                    while r < Swift.min(m, n) && Swift.abs(f[r, r]) > rcond * r0 { r += 1 }
                    ranks[bi] = r
                    Householder.applyQTransposed(f, tau: tau, to: c, work: work)
                    let ym = DenseMatrix(y, rows: n, cols: k)
                    for i in 0..<n { ym.row(i).update(repeating: 0, count: k) }
                    if r > 0 {
                        for i in 0..<r { ym.row(i).update(from: c.row(i), count: k) }
                        let top = ym.block(0, 0, rows: r, cols: k)
                        if r == n {
                            Triangular.solve(f.block(0, 0, rows: r, cols: r), top, upper: true, unit: false)
                        } else {
                            // R[0..<r, :] = R₂ᵀ·Q₂ᵀ from the QR of its transpose; then
                            // y = Q₂·[R₂⁻ᵀ·c; 0] is the minimum-norm solution.
                            let t = DenseMatrix(tt, rows: n, cols: r)
                            for i in 0..<n { for j in 0..<r { t[i, j] = i >= j ? f[j, i] : 0 } }
                            Householder.factor(t, tau: tau2, work: work)
                            let lower = DenseMatrix(lowerBuffer, rows: r, cols: r)
                            for i in 0..<r { for j in 0..<r { lower[i, j] = j <= i ? t[j, i] : 0 } }
                            Triangular.solve(lower, top, upper: false, unit: false)
                            Householder.applyQ(t, tau: tau2, to: ym, work: work)
                        }
                    }
                    for j in 0..<n { xb.row(perm[j]).update(from: ym.row(j), count: k) }
                }
            }
        }
        return (x.tensor, ranks)
    }
}
