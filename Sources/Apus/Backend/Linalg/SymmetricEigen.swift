// Eigenvalues and eigenvectors of a symmetric matrix: Householder reduction to tridiagonal form,
// then the implicit QL algorithm with Wilkinson-like shifts (EISPACK's tred2 and tql2, as in the
// public-domain JAMA). Eigenvalues come out ascending, as LAPACK's syevd returns them.

import Foundation

enum SymmetricEigen {
    /// Scratch doubles ``decompose(_:values:vectors:scratch:)`` needs for an `n × n` matrix.
    static func scratchCount(_ n: Int) -> Int { n }

    /// Eigen-decomposition `A = V·diag(λ)·Vᵀ` of the symmetric matrix whose lower triangle is in
    /// `a` (`n × n`, overwritten; the strict upper triangle is not read). `values` gets the `n`
    /// eigenvalues ascending; `vectors` (`n × n`, may be nil) the orthonormal eigenvectors as
    /// columns. A matrix with a NaN or an infinity gives NaN everywhere.
    static func decompose(_ a: DenseMatrix, values: UnsafeMutablePointer<Double>, vectors: DenseMatrix?,
                          scratch: UnsafeMutablePointer<Double>) {
        let n = a.rows
        if n == 0 { return }
        for i in 0..<n {
            for j in 0...i where !a[i, j].isFinite {
                values.update(repeating: .nan, count: n)
                if let vectors { for r in 0..<n { vectors.row(r).update(repeating: .nan, count: n) } }
                return
            }
        }
        // The full symmetric matrix from its lower triangle; tred2 leaves Vᵀ in its place, whose
        // rows (V's columns) tql2 rotates in pairs.
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { a[i, j] = a[j, i] } }
        let d = values, e = scratch
        tridiagonalize(a, d: d, e: e)
        diagonalize(d: d, e: e, vt: a)
        if let vectors { vectors.copyTransposed(from: a) }
    }

    /// Householder reduction of the symmetric matrix `t` to tridiagonal form: diagonal `d`,
    /// subdiagonal `e[1..<n]`; `t` becomes `Vᵀ`, the accumulated orthogonal transformation
    /// transposed (EISPACK tred2). tred2 walks V by columns; on `t = Vᵀ` (the same numbers for
    /// a symmetric input) its inner loops run along rows, in contiguous memory.
    private static func tridiagonalize(_ t: DenseMatrix, d: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>) {
        let n = t.rows
        for j in 0..<n { d[j] = t[j, n - 1] }
        for i in stride(from: n - 1, to: 0, by: -1) {
            var scale = 0.0, h = 0.0
            for k in 0..<i { scale += Swift.abs(d[k]) }
            if scale == 0 {
                e[i] = d[i - 1]
                for j in 0..<i {
                    d[j] = t[j, i - 1]
                    t[j, i] = 0
                    t[i, j] = 0
                }
            } else {
                for k in 0..<i {
                    d[k] /= scale
                    h += d[k] * d[k]
                }
                var f = d[i - 1]
                var g = h.squareRoot()
                if f > 0 { g = -g }
                e[i] = scale * g
                h -= f * g
                d[i - 1] = f - g
                for j in 0..<i { e[j] = 0 }
                for j in 0..<i {
                    f = d[j]
                    t[i, j] = f
                    g = e[j] + t[j, j] * f
                    if j + 1 <= i - 1 {
                        for k in (j + 1)...(i - 1) {
                            g += t[j, k] * d[k]
                            e[k] += t[j, k] * f
                        }
                    }
                    e[j] = g
                }
                f = 0
                for j in 0..<i {
                    e[j] /= h
                    f += e[j] * d[j]
                }
                let hh = f / (h + h)
                for j in 0..<i { e[j] -= hh * d[j] }
                for j in 0..<i {
                    f = d[j]
                    g = e[j]
                    for k in j...(i - 1) { t[j, k] -= f * e[k] + g * d[k] }
                    d[j] = t[j, i - 1]
                    t[j, i] = 0
                }
            }
            d[i] = h
        }
        // Accumulate the transformations.
        for i in 0..<(n - 1) {
            t[i, n - 1] = t[i, i]
            t[i, i] = 1
            let h = d[i + 1]
            if h != 0 {
                for k in 0...i { d[k] = t[i + 1, k] / h }
                for j in 0...i {
                    var g = 0.0
                    for k in 0...i { g += t[i + 1, k] * t[j, k] }
                    for k in 0...i { t[j, k] -= g * d[k] }
                }
            }
            for k in 0...i { t[i + 1, k] = 0 }
        }
        for j in 0..<n {
            d[j] = t[j, n - 1]
            t[j, n - 1] = 0
        }
        t[n - 1, n - 1] = 1
        e[0] = 0
    }

    /// Implicit QL iterations on the tridiagonal matrix (`d`, `e[1..<n]`) until the subdiagonal
    /// vanishes; the rotations are applied to the rows of `vt` (the eigenvectors, transposed).
    /// Sorts the eigenvalues ascending with their vectors (EISPACK tql2).
    private static func diagonalize(d: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>, vt: DenseMatrix) {
        let n = vt.rows
        for i in 1..<Swift.max(n, 1) { e[i - 1] = e[i] }
        e[n - 1] = 0
        var f = 0.0, tst1 = 0.0
        let eps = Double.ulpOfOne
        for l in 0..<n {
            tst1 = Swift.max(tst1, Swift.abs(d[l]) + Swift.abs(e[l]))
            var m = l
            while m < n - 1 && !(Swift.abs(e[m]) <= eps * tst1) { m += 1 }
            if m > l {
                var iterations = 0
                repeat {
                    iterations += 1
                    var g = d[l]
                    var p = (d[l + 1] - g) / (2 * e[l])
                    var r = hypot(p, 1)
                    if p < 0 { r = -r }
                    d[l] = e[l] / (p + r)
                    d[l + 1] = e[l] * (p + r)
                    let dl1 = d[l + 1]
                    var h = g - d[l]
                    if l + 2 < n { for i in (l + 2)..<n { d[i] -= h } }
                    f += h
                    p = d[m]
                    var c = 1.0, c2 = 1.0, c3 = 1.0
                    let el1 = e[l + 1]
                    var s = 0.0, s2 = 0.0
                    for i in stride(from: m - 1, through: l, by: -1) {
                        c3 = c2
                        c2 = c
                        s2 = s
                        g = c * e[i]
                        h = c * p
                        r = hypot(p, e[i])
                        e[i + 1] = s * r
                        s = e[i] / r
                        c = p / r
                        p = c * d[i] - s * g
                        d[i + 1] = h + s * (c * g + s * d[i])
                        let vi = vt.row(i), vi1 = vt.row(i + 1)
                        for k in 0..<n {
                            let t = vi1[k]
                            vi1[k] = s * vi[k] + c * t
                            vi[k] = c * vi[k] - s * t
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1
                    e[l] = s * p
                    d[l] = c * p
                } while Swift.abs(e[l]) > eps * tst1 && iterations < 64
            }
            d[l] += f
            e[l] = 0
        }
        // Selection sort, ascending, the vectors following their values.
        for i in 0..<(n - 1) {
            var k = i, p = d[i]
            for j in (i + 1)..<n where d[j] < p { k = j; p = d[j] }
            if k != i {
                d[k] = d[i]
                d[i] = p
                vt.swapRows(i, k)
            }
        }
    }
}
