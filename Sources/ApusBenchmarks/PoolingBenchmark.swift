import Apus

/// Milliseconds for one forward pass (`NAME-forward`, nothing recorded) and for one forward and
/// backward pass (`NAME`) of float32 pooling, best of several runs: max pooling on the shapes of
/// LeNet's first pooling layer (`[64, 6, 28, 28]`, 2×2 stride 2) and ResNet's stem
/// (`[32, 64, 112, 112]`, 3×3 stride 2 padding 1), and 3-d max and average pooling on a video
/// stem's shape (`[4, 64, 16, 56, 56]`, 3×3×3 stride 2 padding 1). The input requires grad; the
/// upstream gradient is a fixed tensor of the output's shape.
public enum PoolingBenchmark {
    /// Which pooling a workload runs.
    enum Kind: Sendable { case max2d, max3d, avg3d }

    /// The workloads, by name: (name, kind, input shape, kernel, stride, padding).
    static let cases: [(name: String, kind: Kind, shape: [Int], kernel: Int, stride: Int, padding: Int)] = [
        ("maxpool2x2-64x6x28x28", .max2d, [64, 6, 28, 28], 2, 2, 0),
        ("maxpool3x3s2p1-32x64x112x112", .max2d, [32, 64, 112, 112], 3, 2, 1),
        ("maxpool3d-3x3x3s2p1-4x64x16x56x56", .max3d, [4, 64, 16, 56, 56], 3, 2, 1),
        ("avgpool3d-3x3x3s2p1-4x64x16x56x56", .avg3d, [4, 64, 16, 56, 56], 3, 2, 1),
    ]

    /// One workload per entry of ``cases``.
    public static var workloads: [BenchmarkWorkload] {
        cases.map { c in
            let what = switch c.kind {
            case .max2d: "max pooling \(c.kernel)×\(c.kernel)"
            case .max3d: "3-d max pooling \(c.kernel)×\(c.kernel)×\(c.kernel)"
            case .avg3d: "3-d average pooling \(c.kernel)×\(c.kernel)×\(c.kernel)"
            }
            return BenchmarkWorkload(name: c.name, reports: [c.name + "-forward", c.name],
                                     summary: "\(what) stride \(c.stride) padding \(c.padding) on float32 \(c.shape): forward; forward + backward, ms") { scale in
                [BenchmarkResult(name: c.name + "-forward", value: milliseconds(c.name, backward: false, scale: scale), unit: "ms"),
                 BenchmarkResult(name: c.name, value: milliseconds(c.name, scale: scale), unit: "ms")]
            }
        }
    }

    /// Milliseconds per forward + backward (or forward only) of the case named `name` (at `.quick` scale the batch is 2).
    public static func milliseconds(_ name: String, backward: Bool = true, scale: BenchmarkScale = .full) -> Double {
        guard let c = cases.first(where: { $0.name == name }) else { fatalError("PoolingBenchmark: unknown case '\(name)'") }
        let shape = scale == .quick ? [2] + c.shape.dropFirst() : c.shape
        let generator = RandomGenerator(seed: 0)
        let x = Tensor.randn(shape, generator: generator)
        let pool: (Tensor) -> Tensor = switch c.kind {
        case .max2d: { maxPool2d($0, kernelSize: IntPair(c.kernel), stride: IntPair(c.stride), padding: IntPair(c.padding)) }
        case .max3d: { maxPool3d($0, kernelSize: IntTriple(c.kernel), stride: IntTriple(c.stride), padding: IntTriple(c.padding)) }
        case .avg3d: { avgPool3d($0, kernelSize: IntTriple(c.kernel), stride: IntTriple(c.stride), padding: IntTriple(c.padding)) }
        }
        let g = noGrad { Tensor.randn(pool(x).shape, generator: generator) }
        let body = backward ? {
            let leaf = x.requiringGrad()
            pool(leaf).backward(g)
            blackHole(leaf.grad)
        } : { blackHole(pool(x)) }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 2, targetSeconds: 1, minRepetitions: 5, maxRepetitions: 200, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.05, minRepetitions: 2, maxRepetitions: 20, body)
        }
        return timing.best * 1e3
    }
}
