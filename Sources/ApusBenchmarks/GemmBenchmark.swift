import Apus

/// Throughput of float32 matrix products through the public ``matmul(_:_:)``.
///
/// `C[M×N] = A[M×K]·B[K×N]` on contiguous random operands, or with `A` or `B` a transposed
/// view (`.T`) of a contiguous matrix, as the backward pass of a linear layer uses them. The
/// figure is `2·M·N·K / seconds` in GFLOP/s, for the best of several timed products (the
/// output allocation is part of the timed work, as it is for every call of `matmul`).
public enum GemmBenchmark {
    /// How the operands are laid out.
    public enum Layout: Sendable {
        /// `A·B`, both contiguous.
        case plain
        /// `Aᵀ·B`: `A` is the `.T` view of a contiguous `[K, M]` matrix (a weight gradient `Xᵀ·G`).
        case transposedA
        /// `A·Bᵀ`: `B` is the `.T` view of a contiguous `[N, K]` matrix (an input gradient `G·Wᵀ`).
        case transposedB
    }

    /// A workload named `name` measuring `[m×k]·[k×n]` with the given layout.
    public static func workload(name: String, m: Int, k: Int, n: Int, layout: Layout = .plain) -> BenchmarkWorkload {
        let shapes = switch layout {
        case .plain: "[\(m)×\(k)]·[\(k)×\(n)]"
        case .transposedA: "[\(k)×\(m)]ᵀ·[\(k)×\(n)]"
        case .transposedB: "[\(m)×\(k)]·[\(n)×\(k)]ᵀ"
        }
        return BenchmarkWorkload(name: name, summary: "float32 matmul \(shapes), GFLOP/s") { scale in
            [BenchmarkResult(name: name, value: gflops(m: m, k: k, n: n, layout: layout, scale: scale), unit: "GFLOP/s")]
        }
    }

    /// GFLOP/s of the best of several products.
    public static func gflops(m: Int, k: Int, n: Int, layout: Layout = .plain, scale: BenchmarkScale = .full) -> Double {
        let generator = RandomGenerator(seed: 0)
        let a = switch layout {
        case .transposedA: Tensor.uniform([k, m], low: -1, high: 1, generator: generator).T
        default: Tensor.uniform([m, k], low: -1, high: 1, generator: generator)
        }
        let b = switch layout {
        case .transposedB: Tensor.uniform([n, k], low: -1, high: 1, generator: generator).T
        default: Tensor.uniform([k, n], low: -1, high: 1, generator: generator)
        }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 1, targetSeconds: 1, minRepetitions: 3, maxRepetitions: 200) { blackHole(matmul(a, b)) }
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.1, minRepetitions: 1, maxRepetitions: 10) { blackHole(matmul(a, b)) }
        }
        return 2 * Double(m) * Double(n) * Double(k) / timing.best / 1e9
    }
}
