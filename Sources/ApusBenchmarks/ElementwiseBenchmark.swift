import Apus

/// Throughput of memory-bound float32 operations on a million elements, in Melem/s
/// (millions of input elements processed per second, best of many runs).
///
/// `add` and `mul` combine two `[1_000_000]` vectors, `exp`, `tanh` and `sum` (to a scalar)
/// read one, and `softmax` normalises each row of a `[1000, 1000]` matrix. No input requires
/// grad, so nothing is recorded.
public enum ElementwiseBenchmark {
    /// The operations measured, by the name of their workload.
    public static let operations: [(name: String, summary: String)] = [
        ("add-1M", "a + b on two float32 [1000000] vectors, Melem/s"),
        ("mul-1M", "a * b on two float32 [1000000] vectors, Melem/s"),
        ("exp-1M", "exp(a) on a float32 [1000000] vector, Melem/s"),
        ("tanh-1M", "tanh(a) on a float32 [1000000] vector, Melem/s"),
        ("sum-1M", "a.sum() of a float32 [1000000] vector, Melem/s"),
        ("softmax-1000x1000", "softmax over the rows of a float32 [1000, 1000] matrix, Melem/s"),
    ]

    /// One workload per entry of ``operations``.
    public static var workloads: [BenchmarkWorkload] {
        operations.map { op in
            BenchmarkWorkload(name: op.name, summary: op.summary) { scale in
                [BenchmarkResult(name: op.name, value: melemPerSecond(op.name, scale: scale), unit: "Melem/s")]
            }
        }
    }

    /// Millions of elements per second of the operation named `name` (one of ``operations``).
    public static func melemPerSecond(_ name: String, scale: BenchmarkScale = .full) -> Double {
        let count = 1_000_000
        let generator = RandomGenerator(seed: 0)
        let a = Tensor.uniform([count], low: -1, high: 1, generator: generator)
        let b = Tensor.uniform([count], low: -1, high: 1, generator: generator)
        let matrix = a.reshape([1000, 1000])
        let body: () -> Void = switch name {
        case "add-1M": { blackHole(a + b) }
        case "mul-1M": { blackHole(a * b) }
        case "exp-1M": { blackHole(a.exp()) }
        case "tanh-1M": { blackHole(a.tanh()) }
        case "sum-1M": { blackHole(a.sum()) }
        case "softmax-1000x1000": { blackHole(matrix.softmax(axis: 1)) }
        default: fatalError("ElementwiseBenchmark: unknown operation '\(name)'")
        }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 3, targetSeconds: 0.5, minRepetitions: 10, maxRepetitions: 500, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.05, minRepetitions: 3, maxRepetitions: 50, body)
        }
        return Double(count) / timing.best / 1e6
    }
}
