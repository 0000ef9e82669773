// Decompositions and solvers: the op table's entries (cases in Scripts/opinfo/decompositions.py).
// Eigenvectors and singular vectors are compared sign-normalised, and the extra columns of the SVD's
// full forms through their projectors, exactly as the script's functions do.

@testable import Apus

/// Each column of `v` (`[…, r, k]`) times the sign of its largest-magnitude entry (the first on
/// ties), and those signs `[…, 1, k]`: the fixture script's `signfix`.
private func signFixed(_ v: Tensor) -> (Tensor, Tensor) {
    let (r, k) = (v.shape[v.rank - 2], v.shape[v.rank - 1])
    let batch = Array(v.shape.dropLast(2))
    if r == 0 || k == 0 { return (v, Tensor.ones(batch + [1, k], dtype: v.dtype)) }
    let values = v.detached().toDoubles()
    var signs = [Double](repeating: 1, count: batch.reduce(1, *) * k)
    for b in 0..<(signs.count / k) {
        for j in 0..<k {
            var best = -1.0, value = 0.0
            for i in 0..<r {
                let x = values[b * r * k + i * k + j]
                if Swift.abs(x) > best { best = Swift.abs(x); value = x }
            }
            signs[b * k + j] = value < 0 ? -1 : 1
        }
    }
    let s = Tensor(shape: batch + [1, k], values: signs, dtype: v.dtype)
    return (v * s, s)
}

/// `x·xᵀ` for `x` `[…, m, c]` (zeros when `c` is 0).
private func projector(_ x: Tensor) -> Tensor {
    let m = x.shape[x.rank - 2]
    if x.shape[x.rank - 1] == 0 { return Tensor.zeros(Array(x.shape.dropLast(2)) + [m, m], dtype: x.dtype) }
    return matmul(x, x.transposed(-2, -1))
}

private func symmetrized(_ a: Tensor, _ args: OpArgs) -> Tensor {
    args.bool("symmetrize", default: false) ? a + a.transposed(-2, -1) : a
}

private func triangle(_ args: OpArgs) -> MatrixTriangle {
    args.string("uplo", default: "L") == "U" ? .upper : .lower
}

private func qrMode(_ name: String) -> QRMode {
    switch name {
    case "complete": .complete
    case "r": .r
    default: .reduced
    }
}

extension OpInfoTable {
    static let decompositions: [OpInfo] = [
        .unary("det") { det($0) },
        OpInfo("slogdet") { x, _ in
            let r = slogdet(x[0]!)
            return [r.sign, r.logAbsDet]
        },
        .unary("inv") { inv($0) },
        OpInfo("solve") { x, args in [solve(x[0]!, x[1]!, left: args.bool("left", default: true))] },
        OpInfo("lstsq") { x, _ in
            let r = lstsq(x[0]!, x[1]!)
            return [r.solution, r.residuals, r.rank, r.singularValues]
        },
        OpInfo("cholesky") { x, args in
            [cholesky(symmetrized(x[0]!, args), upper: args.bool("upper", default: false))]
        },
        OpInfo("qr") { x, args in
            let r = qr(x[0]!, mode: qrMode(args.string("mode", default: "reduced")))
            return [r.q, r.r]
        },
        OpInfo("eigh") { x, args in
            let r = eigh(symmetrized(x[0]!, args), uplo: triangle(args))
            return [r.eigenvalues, signFixed(r.eigenvectors).0]
        },
        OpInfo("eigvalsh") { x, args in [eigvalsh(symmetrized(x[0]!, args), uplo: triangle(args))] },
        OpInfo("svd") { x, args in
            let full = args.bool("full_matrices", default: true)
            let (u, s, vh) = svd(x[0]!, fullMatrices: full)
            let k = s.shape.last!
            let (uk, signs) = signFixed(u.slice(axis: -1, start: 0, end: k))
            let vhk = vh.slice(axis: -2, start: 0, end: k) * signs.transposed(-2, -1)
            guard full else { return [uk, s, vhk] }
            let u2 = u.detached().slice(axis: -1, start: k), v2 = vh.detached().slice(axis: -2, start: k)
            return [uk, s, vhk, projector(u2), projector(v2.transposed(-2, -1))]
        },
        .unary("svdvals") { svdvals($0) },
        OpInfo("pinv") { x, args in
            [pinv(x[0]!, atol: args.optionalDouble("atol"), rtol: args.optionalDouble("rtol"),
                  hermitian: args.bool("hermitian", default: false))]
        },
        OpInfo("matrixRank", differentiable: false) { x, args in
            [matrixRank(x[0]!, atol: args.optionalDouble("atol"), rtol: args.optionalDouble("rtol"),
                        hermitian: args.bool("hermitian", default: false))]
        },
        OpInfo("solveTriangular") { x, args in
            [solveTriangular(x[0]!, x[1]!, upper: args.bool("upper"), left: args.bool("left", default: true),
                             unitriangular: args.bool("unitriangular", default: false))]
        },
        OpInfo("choleskySolve") { x, args in
            let upper = args.bool("upper", default: false)
            var l = x[1]!
            if args.bool("masked", default: false) {
                let n = l.shape[l.rank - 1]
                l = l * linalgTriangle(Tensor.ones([n, n], dtype: l.dtype), upper: upper)
            }
            return [choleskySolve(x[0]!, l, upper: upper)]
        },
    ]
}
