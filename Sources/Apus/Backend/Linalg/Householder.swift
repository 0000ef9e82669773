// Householder QR (LAPACK's geqrf, orgqr, ormqr and geqp3), with LAPACK's sign convention so that
// Q and R equal LAPACK's, not merely up to the signs of R's rows.

enum Householder {
    /// Makes the reflector `H = I − τ·v·vᵀ` with `H·[α; x] = [β; 0]` (LAPACK's larfg): returns
    /// `(β, τ)` and overwrites `x` with `v` below its implied leading 1.
    ///
    /// `β = −sign(α)·‖[α; x]‖`, so R's diagonal may be negative; when `x` is zero there is nothing
    /// to annihilate and `H = I` (`τ = 0`, `β = α`), keeping α's sign.
    static func reflector(alpha: Double, _ x: UnsafeMutablePointer<Double>, count: Int, stride: Int) -> (beta: Double, tau: Double) {
        let xnorm = Dense.norm(x, count: count, stride: stride)
        if xnorm == 0 { return (alpha, 0) }
        let norm = hypot(alpha, xnorm)
        let beta = alpha.sign == .minus ? norm : -norm
        let tau = (beta - alpha) / beta
        let scale = 1 / (alpha - beta)
        for i in 0..<count { x[i * stride] *= scale }
        return (beta, tau)
    }

    /// Applies `H = I − τ·v·vᵀ` from the left to `c` (`v` of `c.rows` elements, `v[0] = 1`
    /// implied, the others at `v[stride·i]`): `C −= τ·v·(vᵀ·C)`. `w` holds `c.cols` doubles.
    static func applyLeft(tau: Double, _ v: UnsafePointer<Double>, stride: Int, to c: DenseMatrix,
                          work w: UnsafeMutablePointer<Double>) {
        if tau == 0 || c.cols == 0 || c.rows == 0 { return }
        let n = c.cols
        w.update(from: c.row(0), count: n)
        for i in 1..<c.rows {
            let vi = v[i * stride], ri = c.row(i)
            for j in 0..<n { w[j] += vi * ri[j] }
        }
        let r0 = c.row(0)
        for j in 0..<n { r0[j] -= tau * w[j] }
        for i in 1..<c.rows {
            let f = tau * v[i * stride], ri = c.row(i)
            for j in 0..<n { ri[j] -= f * w[j] }
        }
    }

    /// QR of `a` (`m × n`) in place: R on and above the diagonal, the reflectors' vectors below
    /// it; `tau` gets `min(m, n)` values and `work` must hold `n` doubles (LAPACK's geqrf).
    static func factor(_ a: DenseMatrix, tau: UnsafeMutablePointer<Double>, work: UnsafeMutablePointer<Double>) {
        let (m, n) = (a.rows, a.cols)
        for j in 0..<Swift.min(m, n) {
            let (beta, t) = reflector(alpha: a[j, j], a.row(j) + a.ld + j, count: m - j - 1, stride: a.ld)
            tau[j] = t
            a[j, j] = beta
            if j + 1 < n {
                applyLeft(tau: t, a.row(j) + j, stride: a.ld, to: a.block(j, j + 1, rows: m - j, cols: n - j - 1), work: work)
            }
        }
    }

    /// QR with column pivoting (LAPACK's geqp3): `A·P = Q·R` with `|R₀₀| ≥ |R₁₁| ≥ …` in
    /// practice; `perm[j]` is the column of `A` moved to position `j`. Each step brings forward
    /// the remaining column of largest norm below the rows already reduced (first on ties).
    /// `work` holds `n` doubles.
    static func factorPivoted(_ a: DenseMatrix, perm: UnsafeMutablePointer<Int>, tau: UnsafeMutablePointer<Double>,
                              work: UnsafeMutablePointer<Double>) {
        let (m, n) = (a.rows, a.cols)
        for j in 0..<n { perm[j] = j }
        for j in 0..<Swift.min(m, n) {
            var p = j, best = -1.0
            for c in j..<n {
                let norm = Dense.norm(a.row(j) + c, count: m - j, stride: a.ld)
                if norm > best { best = norm; p = c }
            }
            if p != j {
                for i in 0..<m { let t = a[i, j]; a[i, j] = a[i, p]; a[i, p] = t }
                let t = perm[j]; perm[j] = perm[p]; perm[p] = t
            }
            let (beta, t) = reflector(alpha: a[j, j], a.row(j) + a.ld + j, count: m - j - 1, stride: a.ld)
            tau[j] = t
            a[j, j] = beta
            if j + 1 < n {
                applyLeft(tau: t, a.row(j) + j, stride: a.ld, to: a.block(j, j + 1, rows: m - j, cols: n - j - 1), work: work)
            }
        }
    }

    /// Writes the first `q.cols` columns of `Q = H₀·H₁⋯H_{k−1}` (`m × m`) into `q` from the
    /// reflectors `factor` left in `a` (LAPACK's orgqr), `k = min(m, a.cols)`. `work` holds
    /// `q.cols` doubles.
    static func formQ(_ a: DenseMatrix, tau: UnsafePointer<Double>, into q: DenseMatrix, work: UnsafeMutablePointer<Double>) {
        let m = a.rows, k = Swift.min(m, a.cols)
        q.setIdentity()
        for j in stride(from: k - 1, through: 0, by: -1) where j < q.cols {
            applyLeft(tau: tau[j], a.row(j) + j, stride: a.ld, to: q.block(j, j, rows: m - j, cols: q.cols - j), work: work)
        }
    }

    /// `B = Qᵀ·B` for the `Q` of `factor` (LAPACK's ormqr, left, transposed); `b` has `a.rows`
    /// rows, `work` holds `b.cols` doubles.
    static func applyQTransposed(_ a: DenseMatrix, tau: UnsafePointer<Double>, to b: DenseMatrix, work: UnsafeMutablePointer<Double>) {
        let m = a.rows
        for j in 0..<Swift.min(m, a.cols) {
            applyLeft(tau: tau[j], a.row(j) + j, stride: a.ld, to: b.block(j, 0, rows: m - j, cols: b.cols), work: work)
        }
    }

    /// `B = Q·B` for the `Q` of `factor` (LAPACK's ormqr, left, not transposed).
    static func applyQ(_ a: DenseMatrix, tau: UnsafePointer<Double>, to b: DenseMatrix, work: UnsafeMutablePointer<Double>) {
        let m = a.rows
        for j in stride(from: Swift.min(m, a.cols) - 1, through: 0, by: -1) {
            applyLeft(tau: tau[j], a.row(j) + j, stride: a.ld, to: b.block(j, 0, rows: m - j, cols: b.cols), work: work)
        }
    }
}

import Foundation
