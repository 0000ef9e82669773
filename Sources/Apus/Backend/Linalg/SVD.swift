// Singular value decomposition by one-sided Jacobi rotations (Hestenes; Demmel and Veselić):
// pairs of columns are rotated until they are orthogonal to working precision, which gives
// singular values to high relative accuracy. A tall matrix is first reduced to its square R
// by Householder QR, so the rotations work on `min(m, n)` columns of `min(m, n)` elements.

import Foundation

enum SVD {
    /// `A = U·diag(s)·Vᵀ` for `a` (`m × n`, overwritten), singular values descending in `s`
    /// (`k = min(m, n)` of them). `u` gets `m × (fullU ? m : k)`, `vt` gets `(fullV ? n : k) × n`
    /// (either may be nil when not wanted). Columns for zero singular values, and the extra columns
    /// of the full forms, complete the others to an orthonormal basis. Returns false when `a` has
    /// a NaN or an infinity (nothing written).
    static func decompose(_ a: DenseMatrix, s: UnsafeMutablePointer<Double>, u: DenseMatrix?, vt: DenseMatrix?) -> Bool {
        let scratch = LinalgScratch()
        return withExtendedLifetime(scratch) { decompose(a, s: s, u: u, vt: vt, scratch: scratch) }
    }

    private static func decompose(_ a: DenseMatrix, s: UnsafeMutablePointer<Double>, u: DenseMatrix?, vt: DenseMatrix?,
                                  scratch: LinalgScratch) -> Bool {
        let (m, n) = (a.rows, a.cols)
        for i in 0..<m { for j in 0..<n where !a[i, j].isFinite { return false } }
        let k = Swift.min(m, n)
        if k == 0 {
            u?.setIdentity()
            vt?.setIdentity()
            return true
        }
        // Work on B = A (m ≥ n) or B = Aᵀ (m < n): M × N with M ≥ N = k.
        let transposed = m < n
        let bigM = Swift.max(m, n)
        func take(_ count: Int) -> UnsafeMutablePointer<Double> { scratch.doubles(count) }
        let b = DenseMatrix(take(bigM * k), rows: bigM, cols: k)
        if transposed { b.copyTransposed(from: a) } else { b.copy(from: a) }
        let tau = take(k), work = take(bigM)
        // G: the k × k matrix the rotations orthogonalise (R of B = Q·R, or B itself when square),
        // stored transposed so that its columns are contiguous rows.
        let gt = DenseMatrix(take(k * k), rows: k, cols: k)
        let vtk = DenseMatrix(take(k * k), rows: k, cols: k)
        let square = bigM == k
        if square {
            gt.copyTransposed(from: b)
        } else {
            Householder.factor(b, tau: tau, work: work)
            for i in 0..<k { for j in 0..<k { gt[j, i] = j >= i ? b[i, j] : 0 } }
        }
        vtk.setIdentity()
        rotateUntilOrthogonal(gt, vtk)
        // Singular values, and the order that sorts them descending (stable).
        let norms = take(k)
        for j in 0..<k { norms[j] = Dense.norm(gt.row(j), count: k) }
        let order = (0..<k).sorted { norms[$0] > norms[$1] || (norms[$0] == norms[$1] && $0 < $1) }
        for (i, j) in order.enumerated() { s[i] = norms[j] }
        // Left vectors of B: the normalised columns of G (zero columns left for completion), then
        // Q·[·; 0] for a tall B. `left` holds them as columns of an M × M matrix.
        let left = DenseMatrix(take(bigM * bigM), rows: bigM, cols: bigM)
        for i in 0..<bigM { left.row(i).update(repeating: 0, count: bigM) }
        let tiny = s[0] * Double(bigM) * Double.ulpOfOne
        var rank = 0
        while rank < k && s[rank] > tiny && s[rank] > 0 { rank += 1 }
        for (c, j) in order.enumerated() where c < rank {
            let g = gt.row(j), sigma = norms[j]
            for i in 0..<k { left[i, c] = g[i] / sigma }
        }
        if !square {
            Householder.applyQ(b, tau: tau, to: left.block(0, 0, rows: bigM, cols: rank), work: work)
        }
        let leftCount = transposed ? (vt.map { $0.rows } ?? 0) : (u.map { $0.cols } ?? 0)
        if leftCount > rank { complete(left, from: rank, to: leftCount) }
        // Right vectors of B: the rows of vtk in the sorted order.
        let right = DenseMatrix(take(k * k), rows: k, cols: k)  // right[i, :] = i-th right vector
        for (c, j) in order.enumerated() { right.row(c).update(from: vtk.row(j), count: k) }
        // A = B (U_A = left, Vᵀ_A = rightᵀ…) or A = Bᵀ (U_A = right vectors, Vᵀ_A = leftᵀ).
        if !transposed {
            if let u { for i in 0..<m { for j in 0..<u.cols { u[i, j] = left[i, j] } } }
            if let vt { for i in 0..<vt.rows { vt.row(i).update(from: right.row(i), count: n) } }
        } else {
            if let u { for i in 0..<m { for j in 0..<u.cols { u[i, j] = right[j, i] } } }
            if let vt { for i in 0..<vt.rows { for j in 0..<n { vt[i, j] = left[j, i] } } }
        }
        return true
    }

    /// Cyclic one-sided Jacobi: rotates pairs of rows of `gt` (columns of G) until every pair is
    /// orthogonal to working precision, applying the same rotations to the rows of `vt`. The
    /// squared row norms are recomputed at the start of each sweep and updated by each rotation
    /// (`α − tγ`, `β + tγ`), so a pair costs one dot product besides the rotation itself.
    private static func rotateUntilOrthogonal(_ gt: DenseMatrix, _ vt: DenseMatrix) {
        let k = gt.rows, len = gt.cols
        let tol = Double.ulpOfOne * Double(Swift.max(len, 1))
        let norms = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(k, 1))
        defer { norms.deallocate() }
        for _ in 0..<80 {
            for j in 0..<k { norms[j] = Dense.dot(gt.row(j), gt.row(j), count: len) }
            var rotated = false
            for p in 0..<k {
                for q in (p + 1)..<Swift.max(k, p + 1) {
                    let gp = gt.row(p), gq = gt.row(q)
                    let alpha = norms[p], beta = norms[q]
                    let gamma = Dense.dot(gp, gq, count: len)
                    if gamma == 0 || Swift.abs(gamma) <= tol * (alpha * beta).squareRoot() { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot(), s = c * t
                    norms[p] = alpha - t * gamma
                    norms[q] = beta + t * gamma
                    for i in 0..<len {
                        let x = gp[i], y = gq[i]
                        gp[i] = c * x - s * y
                        gq[i] = s * x + c * y
                    }
                    let vp = vt.row(p), vq = vt.row(q)
                    for i in 0..<vt.cols {
                        let x = vp[i], y = vq[i]
                        vp[i] = c * x - s * y
                        vq[i] = s * x + c * y
                    }
                }
            }
            if !rotated { return }
        }
    }

    /// Fills columns `from..<to` of `q` (`M × M`, columns `0..<from` orthonormal) with an
    /// orthonormal completion: the trailing columns of the Householder Q of the first `from`
    /// columns.
    private static func complete(_ q: DenseMatrix, from r: Int, to count: Int) {
        let scratch = LinalgScratch()
        withExtendedLifetime(scratch) { complete(q, from: r, to: count, scratch: scratch) }
    }

    private static func complete(_ q: DenseMatrix, from r: Int, to count: Int, scratch: LinalgScratch) {
        let bigM = q.rows
        let full = DenseMatrix(scratch.doubles(bigM * bigM), rows: bigM, cols: bigM)
        if r == 0 {
            full.setIdentity()
        } else {
            let f = DenseMatrix(scratch.doubles(bigM * r), rows: bigM, cols: r)
            let tau = scratch.doubles(r), work = scratch.doubles(bigM)
            for i in 0..<bigM { for j in 0..<r { f[i, j] = q[i, j] } }
            Householder.factor(f, tau: tau, work: work)
            Householder.formQ(f, tau: tau, into: full, work: work)
        }
        for i in 0..<bigM { for j in r..<count { q[i, j] = full[i, j] } }
    }
}
