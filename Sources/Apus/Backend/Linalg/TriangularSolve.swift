// Triangular solves with many right-hand sides (BLAS trsm, left side, no transpose).

enum Triangular {
    /// Solves `T·X = B` in place in `b` (`n × nrhs`), `T` the upper or lower triangle of `t`
    /// (`n × n`; the other triangle is not read), with ones on the diagonal when `unit`.
    ///
    /// A zero on the diagonal gives infinities and NaNs, as LAPACK's trtrs without its check.
    /// Blocks of ``Dense/blockSize`` rows: the part of each block that depends on the rows already
    /// solved is one GEMM; the rest is substitution row by row (each row an axpy over the
    /// right-hand sides).
    static func solve(_ t: DenseMatrix, _ b: DenseMatrix, upper: Bool, unit: Bool) {
        let n = t.rows, nrhs = b.cols
        if n == 0 || nrhs == 0 { return }
        let nb = Dense.blockSize
        if !upper {
            var i0 = 0
            while i0 < n {
                let i1 = Swift.min(i0 + nb, n)
                if i0 > 0 {
                    Dense.subtractProduct(t.block(i0, 0, rows: i1 - i0, cols: i0),
                                          b.block(0, 0, rows: i0, cols: nrhs),
                                          from: b.block(i0, 0, rows: i1 - i0, cols: nrhs))
                }
                for i in i0..<i1 {
                    let xi = b.row(i), ti = t.row(i)
                    for p in i0..<i {
                        let l = ti[p], xp = b.row(p)
                        for c in 0..<nrhs { xi[c] -= l * xp[c] }
                    }
                    if !unit {
                        let d = ti[i]
                        for c in 0..<nrhs { xi[c] /= d }
                    }
                }
                i0 = i1
            }
        } else {
            var i1 = n
            while i1 > 0 {
                let i0 = Swift.max(i1 - nb, 0)
                if i1 < n {
                    Dense.subtractProduct(t.block(i0, i1, rows: i1 - i0, cols: n - i1),
                                          b.block(i1, 0, rows: n - i1, cols: nrhs),
                                          from: b.block(i0, 0, rows: i1 - i0, cols: nrhs))
                }
                for i in stride(from: i1 - 1, through: i0, by: -1) {
                    let xi = b.row(i), ti = t.row(i)
                    for p in (i + 1)..<Swift.max(i1, i + 1) {
                        let u = ti[p], xp = b.row(p)
                        for c in 0..<nrhs { xi[c] -= u * xp[c] }
                    }
                    if !unit {
                        let d = ti[i]
                        for c in 0..<nrhs { xi[c] /= d }
                    }
                }
                i1 = i0
            }
        }
    }
}
