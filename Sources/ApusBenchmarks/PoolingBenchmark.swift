import Apus

/// Milliseconds for one forward pass (`NAME-forward`, nothing recorded) and for one forward and
/// backward pass (`NAME`) of float32 max pooling on the shapes of
/// LeNet's first pooling layer (`[64, 6, 28, 28]`, 2×2 stride 2) and ResNet's stem
/// (`[32, 64, 112, 112]`, 3×3 stride 2 padding 1), best of several runs. The input requires
/// grad; the upstream gradient is a fixed tensor of the output's shape.
public enum PoolingBenchmark {
    /// The workloads, by name: (name, input shape, kernel, stride, padding).
    static let cases: [(name: String, shape: [Int], kernel: Int, stride: Int, padding: Int)] = [
        ("maxpool2x2-64x6x28x28", [64, 6, 28, 28], 2, 2, 0),
        ("maxpool3x3s2p1-32x64x112x112", [32, 64, 112, 112], 3, 2, 1),
    ]

    /// One workload per entry of ``cases``.
    public static var workloads: [BenchmarkWorkload] {
        cases.map { c in
            BenchmarkWorkload(name: c.name, reports: [c.name + "-forward", c.name],
                              summary: "max pooling \(c.kernel)×\(c.kernel) stride \(c.stride) padding \(c.padding) on float32 \(c.shape): forward; forward + backward, ms") { scale in
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
        let g = noGrad { Tensor.randn(maxPool2d(x, kernelSize: IntPair(c.kernel), stride: IntPair(c.stride), padding: IntPair(c.padding)).shape, generator: generator) }
        let body = backward ? {
            let leaf = x.requiringGrad()
            maxPool2d(leaf, kernelSize: IntPair(c.kernel), stride: IntPair(c.stride), padding: IntPair(c.padding)).backward(g)
            blackHole(leaf.grad)
        } : { blackHole(maxPool2d(x, kernelSize: IntPair(c.kernel), stride: IntPair(c.stride), padding: IntPair(c.padding))) }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 2, targetSeconds: 1, minRepetitions: 5, maxRepetitions: 200, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.05, minRepetitions: 2, maxRepetitions: 20, body)
        }
        return timing.best * 1e3
    }
}
