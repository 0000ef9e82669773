// LU factorisation with partial pivoting (LAPACK's getrf) and what it gives: solves, inverses,
// determinants.

enum LU {
    /// Factors the square matrix `a` in place, `P·A = L·U`: U on and above the diagonal, L's
    /// multipliers below it (its unit diagonal implied). `pivots[k]` is the row exchanged with row
    /// `k` at step `k` (LAPACK's ipiv, zero-based). Returns 0, or the 1-based index of the first
    /// pivot that is exactly zero (LAPACK's `info`; the factorisation still completes).
    ///
    /// Each step takes the first row with the largest magnitude in the column (BLAS `iamax`) and
    /// scales the column by the pivot's reciprocal, as getrf does. Blocks of ``Dense/blockSize``
    /// columns: the panel is factored column by column, then U's block row by a triangular solve
    /// and the trailing matrix by one GEMM.
    static func factor(_ a: DenseMatrix, pivots: UnsafeMutablePointer<Int>) -> Int {
        let n = a.rows
        var info = 0
        var k0 = 0
        while k0 < n {
            let end = Swift.min(k0 + Dense.blockSize, n)
            for j in k0..<end {
                var p = j
                var best = Swift.abs(a[j, j])
                for i in (j + 1)..<Swift.max(n, j + 1) {
                    let v = Swift.abs(a[i, j])
                    if v > best { best = v; p = i }
                }
                pivots[j] = p
                a.swapRows(j, p)
                let pivot = a[j, j]
                if pivot != 0 {
                    if Swift.abs(pivot) >= Double.leastNormalMagnitude {
                        let r = 1 / pivot
                        for i in (j + 1)..<Swift.max(n, j + 1) { a[i, j] *= r }
                    } else {
                        for i in (j + 1)..<Swift.max(n, j + 1) { a[i, j] /= pivot }
                    }
                } else if info == 0 {
                    info = j + 1
                }
                // Rank-one update of the rest of the panel.
                if j + 1 < end {
                    let uj = a.row(j)
                    for i in (j + 1)..<n {
                        let ri = a.row(i), l = ri[j]
                        for c in (j + 1)..<end { ri[c] -= l * uj[c] }
                    }
                }
            }
            if end < n {
                // U12 = L11⁻¹·A12, then A22 −= L21·U12.
                for i in (k0 + 1)..<end {
                    let ri = a.row(i)
                    for p in k0..<i {
                        let l = ri[p], rp = a.row(p)
                        for c in end..<n { ri[c] -= l * rp[c] }
                    }
                }
                Dense.subtractProduct(a.block(end, k0, rows: n - end, cols: end - k0),
                                      a.block(k0, end, rows: end - k0, cols: n - end),
                                      from: a.block(end, end, rows: n - end, cols: n - end))
            }
            k0 = end
        }
        return info
    }

    /// Solves `A·X = B` in place in `b` (`n × nrhs`) from the factors of ``factor(_:pivots:)``.
    static func solve(_ lu: DenseMatrix, pivots: UnsafePointer<Int>, _ b: DenseMatrix) {
        for k in 0..<lu.rows where pivots[k] != k { b.swapRows(k, pivots[k]) }
        Triangular.solve(lu, b, upper: false, unit: true)
        Triangular.solve(lu, b, upper: true, unit: false)
    }

    /// Writes `A⁻¹` into `x` (`n × n`) from the factors (LAPACK's getri, by another route):
    /// `A⁻¹ = U⁻¹·L⁻¹·P`. `L⁻¹` is lower triangular, so its forward substitution skips the
    /// zeros above the diagonal, a third of the work of solving against the identity.
    static func invert(_ lu: DenseMatrix, pivots: UnsafePointer<Int>, into x: DenseMatrix) {
        let n = lu.rows
        x.setIdentity()
        let nb = Dense.blockSize
        var i0 = 0
        while i0 < n {
            let i1 = Swift.min(i0 + nb, n)
            if i0 > 0 {
                // Rows above this block are zero right of column i0 − 1.
                Dense.subtractProduct(lu.block(i0, 0, rows: i1 - i0, cols: i0),
                                      x.block(0, 0, rows: i0, cols: i0),
                                      from: x.block(i0, 0, rows: i1 - i0, cols: i0))
            }
            for i in i0..<i1 {
                let xi = x.row(i), li = lu.row(i)
                for p in i0..<i {
                    let l = li[p], xp = x.row(p)
                    for c in 0...p { xi[c] -= l * xp[c] }
                }
            }
            i0 = i1
        }
        Triangular.solve(lu, x, upper: true, unit: false)
        for k in stride(from: n - 1, through: 0, by: -1) where pivots[k] != k {
            let p = pivots[k]
            for i in 0..<n {
                let r = x.row(i)
                let t = r[k]; r[k] = r[p]; r[p] = t
            }
        }
    }

    /// `det A` from the factors: the product of U's diagonal, negated once per row exchange.
    static func determinant(_ lu: DenseMatrix, pivots: UnsafePointer<Int>) -> Double {
        var d = 1.0
        for k in 0..<lu.rows {
            d *= lu[k, k]
            if pivots[k] != k { d = -d }
        }
        return d
    }

    /// `(sign, log|det A|)` from the factors: sign 0 and −∞ for a singular matrix.
    static func logDeterminant(_ lu: DenseMatrix, pivots: UnsafePointer<Int>) -> (sign: Double, logAbs: Double) {
        var sign = 1.0, logAbs = 0.0
        for k in 0..<lu.rows {
            let u = lu[k, k]
            if u < 0 { sign = -sign } else if u == 0 { sign = 0 } else if u.isNaN { sign = .nan }
            logAbs += Foundation.log(Swift.abs(u))
            if pivots[k] != k { sign = -sign }
        }
        return (sign, logAbs)
    }
}

import Foundation
