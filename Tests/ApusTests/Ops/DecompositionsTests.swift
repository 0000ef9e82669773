import Testing
@testable import Apus

// Properties of the decompositions and solvers beyond the PyTorch fixtures: sizes large enough for
// the blocked paths, orthogonality and reconstruction, rank-deficient inputs, the normal equations
// of linear regression, and the gradients PyTorch refuses.

/// The largest absolute element of `x`.
private func maxAbs(_ x: Tensor) -> Double { x.toDoubles().map { Swift.abs($0) }.max() ?? 0 }

/// A well-conditioned random `n × n` float64 matrix (diagonal shifted by `n`).
private func wellConditioned(_ n: Int, seed: UInt64) -> Tensor {
    let g = RandomGenerator(seed: seed)
    return Tensor.randn([n, n], dtype: .float64, generator: g) + Double(n).squareRoot() * 2 * Tensor.eye(n, dtype: .float64)
}

@Suite struct DecompositionsTests {
    @Test func blockedSolveAndInverseHaveSmallResiduals() {
        let n = 150  // several blocks of 48
        let a = wellConditioned(n, seed: 1)
        let b = Tensor.randn([n, 3], dtype: .float64, generator: RandomGenerator(seed: 2))
        let x = solve(a, b)
        #expect(maxAbs(matmul(a, x) - b) < 1e-10)
        let ai = inv(a)
        #expect(maxAbs(matmul(a, ai) - Tensor.eye(n, dtype: .float64)) < 1e-10)
        // The same system in float32 (factored in float64, rounded once).
        let x32 = solve(a.cast(to: .float32), b.cast(to: .float32))
        #expect(x32.dtype == .float32)
        #expect(maxAbs(x32.cast(to: .float64) - x) < 1e-5 * (maxAbs(x) + 1))
        // det from the same factorisation: log|det| agrees with slogdet.
        let (sign, logAbs) = slogdet(a)
        #expect(sign.item() == 1 || sign.item() == -1)
        #expect(logAbs.item().isFinite)
    }

    @Test func blockedTriangularSolveMatchesSubstitution() {
        let n = 100
        let a = wellConditioned(n, seed: 3)
        let b = Tensor.randn([n, 4], dtype: .float64, generator: RandomGenerator(seed: 4))
        for upper in [false, true] {
            let x = solveTriangular(a, b, upper: upper)
            let t = linalgTriangle(a, upper: upper)
            #expect(maxAbs(matmul(t, x) - b) < 1e-10)
            let xr = solveTriangular(a, b.transposed(-2, -1), upper: upper, left: false)
            #expect(maxAbs(matmul(xr, t) - b.transposed(-2, -1)) < 1e-10)
        }
    }

    @Test func qrIsOrthogonalAndTriangular() {
        let a = Tensor.randn([120, 70], dtype: .float64, generator: RandomGenerator(seed: 5))
        let (q, r) = qr(a)
        #expect(q.shape == [120, 70] && r.shape == [70, 70])
        #expect(maxAbs(matmul(q.transposed(-2, -1), q) - Tensor.eye(70, dtype: .float64)) < 1e-12)
        #expect(maxAbs(matmul(q, r) - a) < 1e-12)
        #expect(maxAbs(r - linalgTriangle(r, upper: true)) == 0)
        let (qc, rc) = qr(a, mode: .complete)
        #expect(qc.shape == [120, 120] && rc.shape == [120, 70])
        #expect(maxAbs(matmul(qc.transposed(-2, -1), qc) - Tensor.eye(120, dtype: .float64)) < 1e-12)
        #expect(maxAbs(matmul(qc, rc) - a) < 1e-12)
    }

    @Test func eighReconstructsAndSortsAscending() {
        let x = Tensor.randn([60, 60], dtype: .float64, generator: RandomGenerator(seed: 6))
        let a = x + x.transposed(-2, -1)
        let (l, v) = eigh(a)
        let values = l.toDoubles()
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(maxAbs(matmul(v.transposed(-2, -1), v) - Tensor.eye(60, dtype: .float64)) < 1e-12)
        #expect(maxAbs(matmul(v * l.unsqueezed(axis: -2), v.transposed(-2, -1)) - a) < 1e-11)
        #expect(maxAbs(eigvalsh(a) - l) == 0)
    }

    @Test(arguments: [[80, 30], [30, 80], [40, 40]])
    func svdReconstructs(_ shape: [Int]) {
        let a = Tensor.randn(shape, dtype: .float64, generator: RandomGenerator(seed: 7))
        let (m, n) = (shape[0], shape[1])
        let (u, s, vh) = svd(a)
        #expect(u.shape == [m, m] && s.shape == [min(m, n)] && vh.shape == [n, n])
        #expect(maxAbs(matmul(u.transposed(-2, -1), u) - Tensor.eye(m, dtype: .float64)) < 1e-12)
        #expect(maxAbs(matmul(vh, vh.transposed(-2, -1)) - Tensor.eye(n, dtype: .float64)) < 1e-12)
        let k = min(m, n)
        let uk = u.slice(axis: -1, start: 0, end: k), vk = vh.slice(axis: -2, start: 0, end: k)
        #expect(maxAbs(matmul(uk * s.unsqueezed(axis: -2), vk) - a) < 1e-12)
        let values = s.toDoubles()
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(maxAbs(svdvals(a) - s) == 0)
    }

    @Test func rankDeficientSVDCompletesTheBases() {
        // A 12 × 9 matrix of rank 4: the left vectors of the zero singular values are a completion.
        let g = RandomGenerator(seed: 8)
        let a = matmul(Tensor.randn([12, 4], dtype: .float64, generator: g), Tensor.randn([4, 9], dtype: .float64, generator: g))
        let (u, s, vh) = svd(a)
        #expect(maxAbs(matmul(u.transposed(-2, -1), u) - Tensor.eye(12, dtype: .float64)) < 1e-12)
        #expect(maxAbs(matmul(vh, vh.transposed(-2, -1)) - Tensor.eye(9, dtype: .float64)) < 1e-12)
        #expect(s.toDoubles()[4...].allSatisfy { $0 < 1e-12 })
        #expect(matrixRank(a).item() == 4)
        // The pseudo-inverse and the minimum-norm least-squares solution agree.
        let b = Tensor.randn([12, 2], dtype: .float64, generator: g)
        let r = lstsq(a, b)
        #expect(r.rank.item() == 4)
        #expect(maxAbs(r.solution - matmul(pinv(a), b)) < 1e-10)
    }

    @Test func normalEquationsAgreeWithLeastSquares() {
        // Linear regression: y = X·w + noise, w from solve(XᵀX, Xᵀy) and from lstsq(X, y).
        let g = RandomGenerator(seed: 9)
        let features = Tensor.randn([50, 3], dtype: .float64, generator: g)
        let design = concat([Tensor.ones([50, 1], dtype: .float64), features], axis: 1)
        let w = Tensor([[0.5], [2.0], [-1.0], [3.0]]).cast(to: .float64)
        let y = matmul(design, w) + 0.01 * Tensor.randn([50, 1], dtype: .float64, generator: g)
        let xt = design.transposed(-2, -1)
        let normal = solve(matmul(xt, design), matmul(xt, y))
        let least = lstsq(design, y).solution
        #expect(maxAbs(normal - least) < 1e-10)
        #expect(maxAbs(least - w) < 0.01)
    }

    @Test func choleskySolveMatchesSolve() {
        let x = Tensor.randn([5, 5], dtype: .float64, generator: RandomGenerator(seed: 10))
        let a = matmul(x, x.transposed(-2, -1)) + 5 * Tensor.eye(5, dtype: .float64)
        let b = Tensor.randn([5, 2], dtype: .float64, generator: RandomGenerator(seed: 11))
        #expect(maxAbs(choleskySolve(b, cholesky(a)) - solve(a, b)) < 1e-12)
        #expect(maxAbs(choleskySolve(b, cholesky(a, upper: true), upper: true) - solve(a, b)) < 1e-12)
        // det of an SPD matrix is the squared product of its Cholesky diagonal.
        let l = cholesky(a)
        let diagonal: Double = linalgDiagonal(l).toDoubles().reduce(1.0) { $0 * $1 }
        let d = det(a).item()
        #expect(Swift.abs(d - diagonal * diagonal) < 1e-9 * Swift.abs(d))
    }

    @Test func batchesSplitOverThreadsGiveEachMatrixItsOwnResult() {
        // 300 small systems: the batch loop runs on several threads; each result must be its own.
        let g = RandomGenerator(seed: 12)
        let a = Tensor.randn([300, 3, 3], dtype: .float64, generator: g) + 3 * Tensor.eye(3, dtype: .float64)
        let inverses = inv(a)
        for i in [0, 137, 299] {
            #expect(maxAbs(inverses[i] - inv(a[i])) == 0)
        }
    }

    @Test func qrModeRHasNoGradient() async {
        await #expect(processExitsWith: .failure) {
            let a = Tensor.randn([3, 2], dtype: .float64).requiringGrad()
            qr(a, mode: .r).r.sum().backward()
        }
    }

    @Test func completeQROfATallMatrixHasNoGradient() async {
        await #expect(processExitsWith: .failure) {
            let a = Tensor.randn([3, 2], dtype: .float64).requiringGrad()
            qr(a, mode: .complete).q.sum().backward()
        }
    }
}
