// Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix (LAPACK's potrf, lower).

enum Cholesky {
    /// Overwrites the lower triangle of `a` with `L` (`A = L·Lᵀ`) and zeroes the strict upper
    /// triangle; only the lower triangle of `A` is read. Returns 0, or the order of the first
    /// leading minor that is not positive definite (LAPACK's `info`; a NaN counts as not positive).
    ///
    /// Row by row (Cholesky–Banachiewicz): every element is one dot product of two contiguous rows
    /// of L already computed.
    static func factor(_ a: DenseMatrix) -> Int {
        let n = a.rows
        for i in 0..<n {
            let ri = a.row(i)
            for j in 0..<i {
                let rj = a.row(j)
                ri[j] = (ri[j] - Dense.dot(ri, rj, count: j)) / rj[j]
            }
            let d = ri[i] - Dense.dot(ri, ri, count: i)
            if !(d > 0) { return i + 1 }
            ri[i] = d.squareRoot()
        }
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { a[i, j] = 0 } }
        return 0
    }
}
