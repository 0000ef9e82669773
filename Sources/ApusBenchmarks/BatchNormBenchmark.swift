import Apus

/// Batch normalisation in training mode (batch statistics, running statistics updated, affine
/// weight and bias) on ResNet's activation shapes at 224×224, batch 16: forward and backward
/// (gradients of input, weight and bias), ms, best of several runs. Named `batchnorm-NxCxHxW`.
public enum BatchNormBenchmark {
    static let shapes: [[Int]] = [[16, 64, 112, 112], [16, 256, 56, 56], [16, 512, 28, 28], [16, 1024, 14, 14], [16, 2048, 7, 7]]

    static func name(_ shape: [Int]) -> String { "batchnorm-" + shape.map(String.init).joined(separator: "x") }

    public static var workloads: [BenchmarkWorkload] {
        shapes.map { shape in
            let name = name(shape)
            return BenchmarkWorkload(name: name, summary: "batch norm (training) on float32 \(shape), forward+backward, ms") { scale in
                [BenchmarkResult(name: name, value: milliseconds(shape, scale: scale), unit: "ms")]
            }
        }
    }

    static func milliseconds(_ shape: [Int], scale: BenchmarkScale) -> Double {
        let g = RandomGenerator(seed: 0)
        let shape = scale == .quick ? [2] + shape.dropFirst() : shape
        let layer = BatchNorm2d(shape[1])
        let x = Tensor.randn(shape, generator: g).requiringGrad()
        let upstream = Tensor.randn(shape, generator: g)
        let body = {
            layer(x).backward(upstream)
            x.zeroGrad()
            layer.zeroGrad()
        }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 2, targetSeconds: 0.5, minRepetitions: 5, maxRepetitions: 100, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.02, minRepetitions: 1, maxRepetitions: 3, body)
        }
        return timing.best * 1e3
    }
}
