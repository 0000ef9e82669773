import Apus

/// Time of one decomposition or solve of a square float64 matrix, in ms (best of several runs):
/// `solve-512` (one right-hand side), `inv-512`, `det-512`, `cholesky-512`, `qr-512`,
/// `eigh-256` and `svd-256` (full matrices), and `inv-batch-10000x4x4` for the batched small
/// matrices common in deep learning. The matrices are random, shifted to be well conditioned
/// (symmetric positive definite for Cholesky, symmetric for eigh).
public enum LinalgBenchmark {
    /// The operations measured, by the name of their workload.
    public static let operations: [(name: String, summary: String)] = [
        ("solve-512", "solve(A, b), A float64 [512, 512], b [512], ms"),
        ("solve-512-f32", "solve(A, b), A float32 [512, 512], b [512], ms"),
        ("inv-512", "inv(A), A float64 [512, 512], ms"),
        ("det-512", "det(A), A float64 [512, 512], ms"),
        ("cholesky-512", "cholesky(A), A float64 [512, 512] symmetric positive definite, ms"),
        ("qr-512", "qr(A), A float64 [512, 512], ms"),
        ("eigh-256", "eigh(A), A float64 [256, 256] symmetric, ms"),
        ("svd-256", "svd(A), A float64 [256, 256], ms"),
        ("inv-batch-10000x4x4", "inv(A), A float64 [10000, 4, 4], ms"),
    ]

    /// One workload per entry of ``operations``.
    public static var workloads: [BenchmarkWorkload] {
        operations.map { op in
            BenchmarkWorkload(name: op.name, summary: op.summary) { scale in
                [BenchmarkResult(name: op.name, value: milliseconds(op.name, scale: scale), unit: "ms")]
            }
        }
    }

    /// Milliseconds per call of the operation named `name` (one of ``operations``).
    public static func milliseconds(_ name: String, scale: BenchmarkScale = .full) -> Double {
        let g = RandomGenerator(seed: 0)
        func square(_ n: Int) -> Tensor {
            Tensor.randn([n, n], dtype: .float64, generator: g) + Double(n).squareRoot() * Tensor.eye(n, dtype: .float64)
        }
        let body: () -> Void
        switch name {
        case "solve-512":
            let (a, b) = (square(512), Tensor.randn([512], dtype: .float64, generator: g))
            body = { blackHole(solve(a, b)) }
        case "solve-512-f32":
            let (a, b) = (square(512).cast(to: .float32), Tensor.randn([512], generator: g))
            body = { blackHole(solve(a, b)) }
        case "inv-512":
            let a = square(512)
            body = { blackHole(inv(a)) }
        case "det-512":
            let a = square(512)
            body = { blackHole(det(a)) }
        case "cholesky-512":
            let x = Tensor.randn([512, 512], dtype: .float64, generator: g)
            let a = matmul(x, x.transposed()) + 512 * Tensor.eye(512, dtype: .float64)
            body = { blackHole(cholesky(a)) }
        case "qr-512":
            let a = square(512)
            body = { blackHole(qr(a)) }
        case "eigh-256":
            let x = Tensor.randn([256, 256], dtype: .float64, generator: g)
            let a = x + x.transposed()
            body = { blackHole(eigh(a)) }
        case "svd-256":
            let a = Tensor.randn([256, 256], dtype: .float64, generator: g)
            body = { blackHole(svd(a)) }
        case "inv-batch-10000x4x4":
            let a = Tensor.randn([10000, 4, 4], dtype: .float64, generator: g) + 2 * Tensor.eye(4, dtype: .float64)
            body = { blackHole(inv(a)) }
        default:
            fatalError("LinalgBenchmark: unknown operation '\(name)'")
        }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 1, targetSeconds: 1, minRepetitions: 3, maxRepetitions: 50, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.1, minRepetitions: 1, maxRepetitions: 5, body)
        }
        return timing.best * 1000
    }
}
