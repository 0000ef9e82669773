import Apus

/// Group normalisation (weight and bias, 32 groups) on a detection head's activation shape,
/// `[8, 256, 64, 64]` float32 (FCOS and RetinaNet heads use GroupNorm(32, 256)): forward and
/// backward (gradients of input, weight and bias), ms, best of several runs. Named `group-norm`.
public enum GroupNormBenchmark {
    static let shape = [8, 256, 64, 64]
    static let groups = 32

    public static var workloads: [BenchmarkWorkload] {
        [BenchmarkWorkload(name: "group-norm", summary: "group norm (32 groups) on float32 \(shape), forward+backward, ms") { scale in
            [BenchmarkResult(name: "group-norm", value: milliseconds(scale: scale), unit: "ms")]
        }]
    }

    static func milliseconds(scale: BenchmarkScale) -> Double {
        let g = RandomGenerator(seed: 0)
        let shape = scale == .quick ? [1] + shape.dropFirst() : shape
        let layer = GroupNorm(numGroups: groups, numChannels: shape[1])
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
