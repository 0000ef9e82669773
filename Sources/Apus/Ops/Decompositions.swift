// Matrix decompositions as in torch.linalg: determinant, inverse, Cholesky, QR, symmetric
// eigen-decomposition, SVD, pseudo-inverse and rank, batched over leading dimensions, each with
// PyTorch's gradient formula (torch/csrc/autograd/FunctionsManual.cpp) beside it.
//
// The factorisations are Apus's own Swift kernels (Backend/Linalg), run in float64 for float32
// inputs too; their results are rounded once to the input's dtype.

import Foundation

// MARK: Determinant and inverse

/// The determinant of each square matrix, as `torch.linalg.det`: `A` `[…, n, n]` → `[…]`
/// (1 for a 0×0 matrix).
///
/// Computed from the LU factorisation with partial pivoting. Gradient `det(A)·A⁻ᵀ`; at an exactly
/// singular matrix PyTorch's LU-based formula gives 0 (its zero pivots replaced by ε), and so does
/// Apus.
public func det(_ a: Tensor) -> Tensor {
    LinalgCheck.matrices(a, "linalg.det", square: true)
    let out = linalgResult(Lapack.determinant(a), as: a.dtype)
    guard shouldRecord(a) else { return out }
    let da = a.detached(), d = out.detached()
    return recordUnary("linalg.det", a, out) { g in
        if da.count == 0 { return Tensor.zeros(da.shape, dtype: da.dtype) }
        let invT = linalgResult(Lapack.inverse(da.matrixTransposed, zeroPivot: epsilon(da.dtype)).inverse, as: da.dtype)
        return invT * (g * d).unsqueezed(axis: -1).unsqueezed(axis: -1)
    }
}

/// The sign and the natural logarithm of the absolute value of each determinant, as
/// `torch.linalg.slogdet`: `A` `[…, n, n]` → two `[…]` tensors. A singular matrix gives sign 0
/// and `−∞`. Safer than `log(det(A))` when the determinant under- or overflows.
///
/// Gradient of `logAbsDet`: `A⁻ᵀ` times its upstream gradient; the sign has none (real inputs).
public func slogdet(_ a: Tensor) -> (sign: Tensor, logAbsDet: Tensor) {
    LinalgCheck.matrices(a, "linalg.slogdet", square: true)
    let (s, l) = Lapack.logDeterminant(a)
    let da = a.detached()
    let outs = recordOutputs("linalg.slogdet", inputs: [a], outputs: [linalgResult(s, as: a.dtype), linalgResult(l, as: a.dtype)]) { grads in
        guard let g = grads[1] else { return [nil] }
        let invT = linalgResult(Lapack.inverse(da.matrixTransposed).inverse, as: da.dtype)
        return [invT * g.unsqueezed(axis: -1).unsqueezed(axis: -1)]
    }
    return (outs[0], outs[1])
}

/// The inverse of each square matrix, as `torch.linalg.inv`: `A` `[…, n, n]` → `[…, n, n]`.
///
/// LU with partial pivoting, then `n` triangular solves. A singular matrix (an exactly zero pivot)
/// stops with PyTorch's message. Gradient `−A⁻ᵀ·G·A⁻ᵀ`. To solve `A·x = b`, ``solve(_:_:left:)``
/// is faster and more accurate than `inv(A)·b`.
public func inv(_ a: Tensor) -> Tensor {
    let op = "linalg.inv"
    LinalgCheck.matrices(a, op, square: true)
    let (x, infos) = Lapack.inverse(a)
    if let failure = firstFailure(infos) {
        require(false, "\(op): \(LinalgCheck.batchPrefix(failure.index, batchCount: infos.count))The diagonal element \(failure.info) is zero, the inversion could not be completed because the input matrix is singular.")
    }
    let out = linalgResult(x, as: a.dtype)
    let y = out.detached()
    return recordUnary(op, a, out) { g in
        let yt = y.matrixTransposed
        return -matmul(matmul(yt, g), yt)
    }
}

// MARK: Cholesky

/// The Cholesky factor of each symmetric positive-definite matrix, as `torch.linalg.cholesky`:
/// lower triangular `L` with `A = L·Lᵀ`, or upper triangular `U = Lᵀ` with `A = Uᵀ·U` when `upper`.
///
/// Only the lower triangle of `A` is read (the upper one when `upper`). A matrix that is not
/// positive definite stops with PyTorch's message, naming the order of the first leading minor
/// that is not. Gradient (PyTorch's `cholesky_backward`): `L⁻ᵀ·Φ(Lᵀ·Ḡ)·L⁻¹`, with
/// `Φ(X) = ½(tril(X) + tril(X, −1)ᵀ)`, symmetric.
public func cholesky(_ a: Tensor, upper: Bool = false) -> Tensor {
    let op = "linalg.cholesky"
    LinalgCheck.matrices(a, op, square: true)
    // The upper factor of A is the transposed lower factor of Aᵀ, whose lower triangle is A's upper one.
    let (l, infos) = Lapack.cholesky(upper ? a.matrixTransposed : a)
    if let failure = firstFailure(infos) {
        require(false, "\(op): \(LinalgCheck.batchPrefix(failure.index, batchCount: infos.count))The factorization could not be completed because the input is not positive-definite (the leading minor of order \(failure.info) is not positive-definite).")
    }
    let lower = linalgResult(l, as: a.dtype)
    let out = upper ? lower.matrixTransposed.contiguous() : lower
    let dl = lower.detached()
    return recordUnary(op, a, out) { g in
        let gl = upper ? g.matrixTransposed : g
        var ga = linalgTriangle(matmul(dl.matrixTransposed, gl), upper: false)
        ga = 0.5 * (ga + linalgTriangle(ga, upper: false, offset: -1).matrixTransposed)
        ga = triangularSolve(dl.matrixTransposed, ga, upper: true, left: true)
        return triangularSolve(dl, ga, upper: false, left: false)
    }
}

// MARK: QR

/// Which factors ``qr(_:mode:)`` returns, as `torch.linalg.qr`'s `mode`.
public enum QRMode: Sendable {
    /// `Q` `[…, m, k]` and `R` `[…, k, n]`, `k = min(m, n)` (PyTorch's default `'reduced'`).
    case reduced
    /// `Q` `[…, m, m]` and `R` `[…, m, n]` (`'complete'`).
    case complete
    /// `R` `[…, k, n]` only; `Q` is an empty tensor (`'r'`). Not differentiable.
    case r
}

/// The QR decomposition of each matrix, as `torch.linalg.qr`: `A = Q·R`, `Q` with orthonormal
/// columns, `R` upper triangular (shapes by `mode`).
///
/// Householder reflections with LAPACK's sign convention (`geqrf`: each reflector maps its column
/// onto `−sign(α)·‖x‖·e₁`), so `R`'s diagonal may be negative and `Q` and `R` equal PyTorch's
/// exactly, not only up to signs. Gradient: PyTorch's `linalg_qr_backward`; defined for
/// `.reduced`, and for `.complete` when `m ≤ n` (backward stops otherwise, as PyTorch's does).
public func qr(_ a: Tensor, mode: QRMode = .reduced) -> (q: Tensor, r: Tensor) {
    let op = "linalg.qr"
    LinalgCheck.matrices(a, op)
    let (m, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let k = Swift.min(m, n)
    let (q64, r64) = Lapack.qr(a, qColumns: mode == .r ? nil : (mode == .complete ? m : k), rRows: mode == .complete ? m : k)
    let r = linalgResult(r64, as: a.dtype)
    let q = q64.map { linalgResult($0, as: a.dtype) } ?? Tensor.zeros([0], dtype: a.dtype)
    let outs = recordOutputs(op, inputs: [a], outputs: [q, r]) { grads in
        require(mode != .r, "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        require(mode == .reduced || m <= n, "The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        return [qrBackward(grads[0], grads[1], q: q.detached(), r: r.detached(), m: m, n: n)]
    }
    return (outs[0], outs[1])
}

/// PyTorch's `linalg_qr_backward` for `Q` `[…, m, k]`, `R` `[…, k, n]`.
private func qrBackward(_ gQ: Tensor?, _ gR: Tensor?, q: Tensor, r: Tensor, m: Int, n: Int) -> Tensor? {
    if gQ == nil && gR == nil { return nil }
    var gA: Tensor
    switch (gQ, gR) {
    case let (gQ?, gR?): gA = matmul(gR, r.matrixTransposed) - matmul(q.matrixTransposed, gQ)
    case let (gQ?, nil): gA = -matmul(q.matrixTransposed, gQ)
    case let (nil, gR?): gA = matmul(gR, r.matrixTransposed)
    default: return nil
    }
    if m >= n {
        let t = linalgTriangle(gA, upper: true)
        gA = matmul(q, linalgScalingDiagonal(t + t.matrixTransposed, by: 0.5))
        if let gQ { gA = gA + gQ }
        return triangularSolve(r.matrixTransposed, gA, upper: false, left: false)
    }
    let neg = -gA
    gA = matmul(q, linalgTriangle(neg - neg.matrixTransposed, upper: false))
    gA = triangularSolve(r.slice(axis: -1, start: 0, end: m).matrixTransposed, gA, upper: false, left: false)
    gA = concat([gA, Tensor.zeros(Array(gA.shape.dropLast()) + [n - m], dtype: gA.dtype)], axis: -1)
    if let gR { gA = gA + matmul(q, gR) }
    return gA
}

// MARK: Symmetric eigen-decomposition

/// Which triangle of a symmetric matrix is read, as PyTorch's `UPLO` (`'L'` or `'U'`).
public enum MatrixTriangle: Sendable {
    /// The lower triangle and the diagonal (`UPLO='L'`, the default).
    case lower
    /// The upper triangle and the diagonal (`UPLO='U'`).
    case upper
}

/// Eigenvalues and eigenvectors of each real symmetric matrix, as `torch.linalg.eigh`:
/// `A = V·diag(λ)·Vᵀ`, eigenvalues `[…, n]` ascending, orthonormal eigenvectors `[…, n, n]` as
/// columns. Only the `uplo` triangle of `A` is read.
///
/// Householder tridiagonalisation and implicit QL iterations (EISPACK's tred2/tql2), in float64.
/// Each eigenvector is defined up to sign (and within a repeated eigenvalue's space only the space
/// is): compare or differentiate sign-invariant functions of them. Gradient (PyTorch's
/// `linalg_eig_backward` for Hermitian input): `V·(diag(ḡλ) + sym(Vᵀ·ḡV)/E)·Vᵀ` with
/// `E_ij = λ_j − λ_i`, which assumes distinct eigenvalues; it is symmetric, as PyTorch's.
public func eigh(_ a: Tensor, uplo: MatrixTriangle = .lower) -> (eigenvalues: Tensor, eigenvectors: Tensor) {
    let op = "linalg.eigh"
    LinalgCheck.matrices(a, op, square: true)
    // The upper triangle of A is the lower triangle of Aᵀ.
    let (l64, v64) = Lapack.eigh(uplo == .upper ? a.matrixTransposed : a, vectors: true)
    let l = linalgResult(l64, as: a.dtype), v = linalgResult(v64!, as: a.dtype)
    let outs = recordOutputs(op, inputs: [a], outputs: [l, v]) { grads in
        [eighBackward(grads[0], grads[1], values: l.detached(), vectors: v.detached())]
    }
    return (outs[0], outs[1])
}

/// The eigenvalues of each real symmetric matrix, ascending, as `torch.linalg.eigvalsh`
/// (see ``eigh(_:uplo:)``). Gradient `V·diag(ḡ)·Vᵀ`.
public func eigvalsh(_ a: Tensor, uplo: MatrixTriangle = .lower) -> Tensor {
    let op = "linalg.eigvalsh"
    LinalgCheck.matrices(a, op, square: true)
    let recording = shouldRecord(a)
    let (l64, v64) = Lapack.eigh(uplo == .upper ? a.matrixTransposed : a, vectors: recording)
    let l = linalgResult(l64, as: a.dtype)
    guard recording, let v64 else { return l }
    let v = linalgResult(v64, as: a.dtype)
    return recordUnary(op, a, l) { g in eighBackward(g, nil, values: l.detached(), vectors: v)! }
}

/// PyTorch's `linalg_eig_backward` for symmetric input.
private func eighBackward(_ gL: Tensor?, _ gV: Tensor?, values l: Tensor, vectors v: Tensor) -> Tensor? {
    guard let gV else {
        guard let gL else { return nil }
        return matmul(v * gL.unsqueezed(axis: -2), v.matrixTransposed)
    }
    var vhgv = matmul(v.matrixTransposed, gV)
    vhgv = 0.5 * (vhgv - vhgv.matrixTransposed)
    let e = linalgFillingDiagonal(l.unsqueezed(axis: -2) - l.unsqueezed(axis: -1), with: 1)
    var inner = vhgv / e
    if let gL { inner = inner + linalgDiagonalMatrix(gL) }
    return matmul(v, matmul(inner, v.matrixTransposed))
}

// MARK: Singular value decomposition

/// The singular value decomposition of each matrix, as `torch.linalg.svd`: `A = U·diag(S)·Vᴴ`,
/// singular values `S` `[…, k]` descending (`k = min(m, n)`), `U` `[…, m, m]` and `Vᴴ`
/// `[…, n, n]` when `fullMatrices` (PyTorch's default), else `[…, m, k]` and `[…, k, n]`.
///
/// One-sided Jacobi rotations (after a Householder QR for non-square inputs), in float64: singular
/// values to high relative accuracy. Singular vectors are defined up to a common sign per pair
/// `(uᵢ, vᵢ)`, and the extra columns of the full forms only as a basis of their space: compare or
/// differentiate sign-invariant functions such as `U·diag(S)·Vᴴ`. A NaN or an infinity stops with
/// PyTorch's message. Gradient: PyTorch's `svd_backward` (distinct singular values assumed; the
/// full forms' extra columns get no gradient, as in PyTorch).
public func svd(_ a: Tensor, fullMatrices: Bool = true) -> (u: Tensor, s: Tensor, vh: Tensor) {
    let op = "linalg.svd"
    LinalgCheck.matrices(a, op)
    let (u64, s64, vh64, bad) = Lapack.svd(a, vectors: true, full: fullMatrices)
    checkFinite(bad, a)
    let u = linalgResult(u64!, as: a.dtype), s = linalgResult(s64, as: a.dtype), vh = linalgResult(vh64!, as: a.dtype)
    let k = s.shape.last!
    let outs = recordOutputs(op, inputs: [a], outputs: [u, s, vh]) { grads in
        let narrowU = { (t: Tensor) in fullMatrices ? t.slice(axis: -1, start: 0, end: k) : t }
        let narrowVh = { (t: Tensor) in fullMatrices ? t.slice(axis: -2, start: 0, end: k) : t }
        return [svdBackward(grads[0].map(narrowU), grads[1], grads[2].map(narrowVh),
                            u: narrowU(u.detached()), s: s.detached(), vh: narrowVh(vh.detached()))]
    }
    return (outs[0], outs[1], outs[2])
}

/// The singular values of each matrix, descending, as `torch.linalg.svdvals` (see
/// ``svd(_:fullMatrices:)``). Gradient `U·diag(ḡ)·Vᴴ`.
public func svdvals(_ a: Tensor) -> Tensor {
    let op = "linalg.svdvals"
    LinalgCheck.matrices(a, op)
    let recording = shouldRecord(a)
    let (u64, s64, vh64, bad) = Lapack.svd(a, vectors: recording, full: false)
    checkFinite(bad, a)
    let s = linalgResult(s64, as: a.dtype)
    guard recording, let u64, let vh64 else { return s }
    let u = linalgResult(u64, as: a.dtype), vh = linalgResult(vh64, as: a.dtype)
    return recordUnary(op, a, s) { g in svdBackward(nil, g, nil, u: u, s: s.detached(), vh: vh)! }
}

private func checkFinite(_ bad: Int?, _ a: Tensor) {
    if let bad {
        let count = a.shape.dropLast(2).reduce(1, *)
        require(false, "linalg.svd: \(LinalgCheck.batchPrefix(bad, batchCount: count))The algorithm failed to converge because the input matrix contained non-finite values.")
    }
}

/// PyTorch's `svd_backward` for `U` `[…, m, k]`, `S` `[…, k]`, `Vᴴ` `[…, k, n]`.
private func svdBackward(_ gU: Tensor?, _ gS: Tensor?, _ gVh: Tensor?, u: Tensor, s: Tensor, vh: Tensor) -> Tensor? {
    let (m, n) = (u.shape[u.rank - 2], vh.shape[vh.rank - 1])
    if gU == nil && gVh == nil {
        guard let gS else { return nil }
        return m >= n ? matmul(u, gS.unsqueezed(axis: -1) * vh) : matmul(u * gS.unsqueezed(axis: -2), vh)
    }
    let skew = { (x: Tensor) in x - x.matrixTransposed }
    let uhgu = gU.map { skew(matmul(u.matrixTransposed, $0)) }
    let vhgv = gVh.map { skew(matmul(vh, $0.matrixTransposed)) }
    let s2 = s * s
    let e = linalgFillingDiagonal(s2.unsqueezed(axis: -2) - s2.unsqueezed(axis: -1), with: 1)
    var inner: Tensor
    switch (uhgu, vhgv) {
    case let (x?, y?): inner = (x * s.unsqueezed(axis: -2) + s.unsqueezed(axis: -1) * y) / e
    case let (x?, nil): inner = (x / e) * s.unsqueezed(axis: -2)
    case let (nil, y?): inner = s.unsqueezed(axis: -1) * (y / e)
    default: return nil
    }
    if let gS { inner = inner + linalgDiagonalMatrix(gS) }
    if m > n, let gU {
        var gA = matmul(u, inner)
        let gUSinv = gU / s.unsqueezed(axis: -2)
        gA = gA + gUSinv - matmul(u, matmul(u.matrixTransposed, gUSinv))
        return matmul(gA, vh)
    }
    if m < n, let gVh {
        var gA = matmul(inner, vh)
        let sinvgVh = gVh / s.unsqueezed(axis: -1)
        gA = gA + sinvgVh - matmul(matmul(sinvgVh, vh.matrixTransposed), vh)
        return matmul(u, gA)
    }
    return m >= n ? matmul(u, matmul(inner, vh)) : matmul(matmul(u, inner), vh)
}

// MARK: Pseudo-inverse and rank

/// The Moore–Penrose pseudo-inverse of each matrix, as `torch.linalg.pinv`: `A` `[…, m, n]` →
/// `A⁺` `[…, n, m]`.
///
/// From the SVD (from ``eigh(_:uplo:)`` when `hermitian`, reading the lower triangle): singular
/// values at or below `max(atol, rtol·σ_max)` count as zero. Without tolerances, `rtol` is
/// `ε·max(m, n)` (ε of the dtype); with only `atol` above zero, `rtol` is 0, as in PyTorch.
/// Gradient: PyTorch's `pinv_backward`.
public func pinv(_ a: Tensor, atol: Double? = nil, rtol: Double? = nil, hermitian: Bool = false) -> Tensor {
    let op = "linalg.pinv"
    LinalgCheck.matrices(a, op, square: hermitian)
    let (m, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (absTol, relTol) = rankTolerances(atol: atol, rtol: rtol, m: m, n: n, dtype: a.dtype)
    let p64: Tensor
    if hermitian {
        let (l, v) = Lapack.eigh(a, vectors: true)
        let scaled = noGrad { v! * invertedAboveTolerance(l, atol: absTol, rtol: relTol).unsqueezed(axis: -2) }
        p64 = noGrad { matmul(scaled, v!.matrixTransposed) }
    } else {
        let (u, s, vh, bad) = Lapack.svd(a, vectors: true, full: false)
        checkFinite(bad, a)
        let scaled = noGrad { vh!.matrixTransposed * invertedAboveTolerance(s, atol: absTol, rtol: relTol).unsqueezed(axis: -2) }
        p64 = noGrad { matmul(scaled, u!.matrixTransposed) }
    }
    let out = linalgResult(p64.contiguous(), as: a.dtype)
    let (da, dp) = (a.detached(), out.detached())
    return recordUnary(op, a, out) { g in pinvBackward(g, pinvA: dp, a: da) }
}

/// PyTorch's `pinv_backward`: the gradient of `A⁺` with respect to `A` for upstream gradient `g`.
func pinvBackward(_ g: Tensor, pinvA: Tensor, a: Tensor) -> Tensor {
    let (m, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let pinvAh = pinvA.matrixTransposed, gh = g.matrixTransposed
    if m <= n {
        let k = matmul(gh, pinvA)
        let kpinvAh = matmul(k, pinvAh)
        return -matmul(pinvA, k).matrixTransposed + kpinvAh - matmul(matmul(a, pinvA), kpinvAh)
            + matmul(matmul(pinvAh, pinvA), gh - matmul(k, a))
    }
    let k = matmul(pinvA, gh)
    let pinvAhK = matmul(pinvAh, k)
    return -matmul(k, pinvA).matrixTransposed + matmul(matmul(gh - matmul(a, k), pinvA), pinvAh) + pinvAhK
        - matmul(matmul(pinvAhK, pinvA), a)
}

/// The numerical rank of each matrix, as `torch.linalg.matrix_rank`: the number of singular values
/// (absolute eigenvalues when `hermitian`) above `max(atol, rtol·σ_max)`, with the defaults of
/// ``pinv(_:atol:rtol:hermitian:)``. `A` `[…, m, n]` → int64 `[…]`; not differentiable.
public func matrixRank(_ a: Tensor, atol: Double? = nil, rtol: Double? = nil, hermitian: Bool = false) -> Tensor {
    let op = "linalg.matrix_rank"
    LinalgCheck.matrices(a, op, square: hermitian)
    let (m, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (absTol, relTol) = rankTolerances(atol: atol, rtol: rtol, m: m, n: n, dtype: a.dtype)
    let values: Tensor
    if hermitian {
        values = Lapack.eigh(a, vectors: false).values
    } else {
        let r = Lapack.svd(a, vectors: false, full: false)
        checkFinite(r.nonFinite, a)
        values = r.s
    }
    let k = values.shape.last!
    let v = values.toDoubles()
    let count = v.count / Swift.max(k, 1)
    var ranks = [Int64](repeating: 0, count: k == 0 ? Array(values.shape.dropLast()).reduce(1, *) : count)
    for b in 0..<(k == 0 ? 0 : count) {
        let row = v[(b * k)..<((b + 1) * k)].map { Swift.abs($0) }
        let tol = Swift.max(absTol, relTol * (row.max() ?? 0))
        ranks[b] = Int64(row.filter { $0 > tol }.count)
    }
    return Tensor(scalars: ranks, shape: Array(values.shape.dropLast()))
}

/// `(atol, rtol)` with PyTorch's defaults for ``pinv(_:atol:rtol:hermitian:)`` and ``matrixRank(_:atol:rtol:hermitian:)``.
private func rankTolerances(atol: Double?, rtol: Double?, m: Int, n: Int, dtype: DType) -> (Double, Double) {
    let absTol = atol ?? 0
    let relTol = rtol ?? (absTol > 0 ? 0 : epsilon(dtype) * Double(Swift.max(m, n)))
    return (absTol, relTol)
}

/// `1/σ` where `|σ| > max(atol, rtol·max|σ|)` along the last axis, else 0 (float64 `[…, k]`).
private func invertedAboveTolerance(_ s: Tensor, atol: Double, rtol: Double) -> Tensor {
    let k = s.shape.last!
    var v = s.toDoubles()
    if k > 0 {
        for b in 0..<(v.count / k) {
            let tol = Swift.max(atol, rtol * v[(b * k)..<((b + 1) * k)].map { Swift.abs($0) }.max()!)
            for i in (b * k)..<((b + 1) * k) { v[i] = Swift.abs(v[i]) > tol ? 1 / v[i] : 0 }
        }
    }
    return Tensor(shape: s.shape, values: v, dtype: .float64)
}

/// Machine epsilon of a floating dtype (float32's for float32, else float64's).
func epsilon(_ dtype: DType) -> Double {
    dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne
}

extension Tensor {
    /// The determinant of each square matrix (see ``det(_:)``).
    public func det() -> Tensor { Apus.det(self) }
    /// The inverse of each square matrix (see ``inv(_:)``).
    public func inv() -> Tensor { Apus.inv(self) }
    /// The pseudo-inverse of each matrix (see ``pinv(_:atol:rtol:hermitian:)``).
    public func pinv() -> Tensor { Apus.pinv(self) }
}
