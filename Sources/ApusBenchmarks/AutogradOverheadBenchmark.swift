import Apus

/// Fixed cost of one small operation that records autograd history, in µs per op.
///
/// Adds two 1-element float32 tensors, one of which requires grad, many times in a row
/// (100,000 per timed run; 10,000 in quick mode) and divides the best run by the count. The
/// arithmetic is negligible, so this is dispatch, allocation and graph-node overhead.
public enum AutogradOverheadBenchmark {
    /// The workload `autograd-add-1elem`.
    public static var workload: BenchmarkWorkload {
        BenchmarkWorkload(name: "autograd-add-1elem",
                          summary: "1-element add recording autograd (one input requires grad), µs/op") { scale in
            [BenchmarkResult(name: "autograd-add-1elem", value: microsecondsPerOp(scale: scale), unit: "µs/op")]
        }
    }

    /// Microseconds per recorded 1-element add.
    public static func microsecondsPerOp(scale: BenchmarkScale = .full) -> Double {
        let ops = scale == .full ? 100_000 : 10_000
        let a = Tensor([1.0]).requiringGrad()
        let b = Tensor([2.0])
        let timing = Stopwatch.measure(warmup: 1, repetitions: scale == .full ? 5 : 2) {
            for _ in 0..<ops { blackHole(a + b) }
        }
        return timing.best / Double(ops) * 1e6
    }
}
