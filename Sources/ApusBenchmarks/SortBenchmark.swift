import Apus

/// Sorting and top-k selection on float32 data, in µs per call (best of many runs).
///
/// `sort-10k` sorts one `[10000]` vector (values and indices: the scores of an NMS step),
/// `sort-256x1000` sorts each row of a `[256, 1000]` matrix (rows spread over the threads), and
/// `topk-1000-of-100k` takes the 1000 largest of a `[100000]` vector with their indices (top-k
/// candidates of a detection level). Inputs are uniform in [-1, 1); nothing requires grad.
public enum SortBenchmark {
    /// The operations measured, by the name of their workload.
    public static let operations: [(name: String, summary: String)] = [
        ("sort-10k", "sort of a float32 [10000] vector (values and indices), µs/op"),
        ("sort-256x1000", "sort of each row of a float32 [256, 1000] matrix, µs/op"),
        ("topk-1000-of-100k", "the 1000 largest of a float32 [100000] vector with indices, µs/op"),
    ]

    /// One workload per entry of ``operations``.
    public static var workloads: [BenchmarkWorkload] {
        operations.map { op in
            BenchmarkWorkload(name: op.name, summary: op.summary) { scale in
                [BenchmarkResult(name: op.name, value: microsecondsPerCall(op.name, scale: scale), unit: "µs/op")]
            }
        }
    }

    /// Microseconds per call of the operation named `name` (one of ``operations``).
    public static func microsecondsPerCall(_ name: String, scale: BenchmarkScale = .full) -> Double {
        let generator = RandomGenerator(seed: 0)
        let body: () -> Void
        switch name {
        case "sort-10k":
            let x = Tensor.uniform([10_000], low: -1, high: 1, generator: generator)
            body = { blackHole(x.sort().values) }
        case "sort-256x1000":
            let x = Tensor.uniform([256, 1000], low: -1, high: 1, generator: generator)
            body = { blackHole(x.sort().values) }
        case "topk-1000-of-100k":
            let x = Tensor.uniform([100_000], low: -1, high: 1, generator: generator)
            body = { blackHole(x.topk(1000).values) }
        default: fatalError("SortBenchmark: unknown operation '\(name)'")
        }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 3, targetSeconds: 0.5, minRepetitions: 10, maxRepetitions: 2000, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.05, minRepetitions: 3, maxRepetitions: 50, body)
        }
        return timing.best * 1e6
    }
}
