import Apus

/// Throughput of `einsum` against the same product written with
/// ``matmul(_:_:)``, float32, GFLOP/s (`2·multiply-adds / seconds`, best of several runs).
///
/// - `einsum-bij,bjk`: `einsum("bij,bjk->bik")` on `[32, 196, 256] · [32, 256, 256]` (a batch of
///   ResNet-sized position × channel products, 14×14 positions); `matmul-bij,bjk` is `matmul(a, b)`.
/// - `einsum-bhqd,bhkd`: attention scores `einsum("bhqd,bhkd->bhqk")` on two `[8, 12, 128, 64]`
///   tensors (batch 8, 12 heads, 128 tokens, 64 features per head); `matmul-bhqd,bhkd` is
///   `matmul(q, k.transposed(-1, -2))`.
///
/// einsum turns both into one batched matrix product on the operands as they lie, so each
/// `einsum-*` figure should equal its `matmul-*` twin.
public enum EinsumBenchmark {
    /// The products measured: workload name, equation, operand shapes.
    public static let products: [(name: String, equation: String, a: [Int], b: [Int])] = [
        ("bij,bjk", "bij,bjk->bik", [32, 196, 256], [32, 256, 256]),
        ("bhqd,bhkd", "bhqd,bhkd->bhqk", [8, 12, 128, 64], [8, 12, 128, 64]),
    ]

    /// Two workloads per product: `einsum-NAME` and `matmul-NAME`.
    public static var workloads: [BenchmarkWorkload] {
        products.flatMap { p in
            ["einsum", "matmul"].map { kind in
                let name = "\(kind)-\(p.name)"
                return BenchmarkWorkload(name: name, summary: "float32 \(kind) \(p.equation) on \(p.a) and \(p.b), GFLOP/s") { scale in
                    [BenchmarkResult(name: name, value: gflops(p.equation, a: p.a, b: p.b, einsum: kind == "einsum", scale: scale),
                                     unit: "GFLOP/s")]
                }
            }
        }
    }

    /// GFLOP/s of `equation` on random operands of shapes `a` and `b`, computed by `einsum` or by
    /// the equivalent `matmul` (`bhqd,bhkd->bhqk` as `q · kᵀ`, anything else as `a · b`).
    public static func gflops(_ equation: String, a: [Int], b: [Int], einsum useEinsum: Bool,
                              scale: BenchmarkScale = .full) -> Double {
        let generator = RandomGenerator(seed: 0)
        let x = Tensor.uniform(a, low: -1, high: 1, generator: generator)
        let y = Tensor.uniform(b, low: -1, high: 1, generator: generator)
        let transposeB = equation == "bhqd,bhkd->bhqk"
        let body: () -> Void = useEinsum
            ? { blackHole(einsum(equation, x, y)) }
            : { blackHole(matmul(x, transposeB ? y.transposed(-1, -2) : y)) }
        // Multiply-adds: every output element sums over the last dimension of `a`.
        let outputs = einsum(equation, x, y).count
        let flops = 2 * Double(outputs) * Double(a[a.count - 1])
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 2, targetSeconds: 1, minRepetitions: 5, maxRepetitions: 200, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.1, minRepetitions: 1, maxRepetitions: 10, body)
        }
        return flops / timing.best / 1e9
    }
}
