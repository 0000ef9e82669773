import Apus

/// Milliseconds for one forward pass (`NAME-forward`, nothing recorded) and for one forward and
/// backward pass (`NAME`) of the float32 spatial ops a segmentation or detection model runs:
/// bilinear upsampling of `[8, 21, 64, 64]` logits ×8 (align_corners=False), reflect padding of a
/// `[8, 64, 128, 128]` feature map by 1 on every side, and bilinear `gridSample` of
/// `[8, 3, 224, 224]` images at a `[8, 224, 224, 2]` grid (zeros padding; gradients for the
/// input and the grid). Best of several runs; the upstream gradient is a fixed tensor.
public enum SpatialBenchmark {
    /// The workloads, by name, with their input shape.
    static let cases: [(name: String, shape: [Int], summary: String)] = [
        ("upsample-bilinear-x8-8x21x64x64", [8, 21, 64, 64], "bilinear upsampling ×8 (align_corners=False) of float32 [8, 21, 64, 64]"),
        ("pad-reflect-8x64x128x128", [8, 64, 128, 128], "reflect padding by 1 of float32 [8, 64, 128, 128]"),
        ("gridsample-bilinear-8x3x224x224", [8, 3, 224, 224], "bilinear gridSample of float32 [8, 3, 224, 224] at a [8, 224, 224, 2] grid"),
    ]

    /// One workload per entry of ``cases``.
    public static var workloads: [BenchmarkWorkload] {
        cases.map { c in
            BenchmarkWorkload(name: c.name, reports: [c.name + "-forward", c.name], summary: c.summary + ": forward; forward + backward, ms") { scale in
                [BenchmarkResult(name: c.name + "-forward", value: milliseconds(c.name, backward: false, scale: scale), unit: "ms"),
                 BenchmarkResult(name: c.name, value: milliseconds(c.name, scale: scale), unit: "ms")]
            }
        }
    }

    /// Milliseconds per forward + backward (or forward only) of the case named `name` (at `.quick` scale the batch is 1).
    public static func milliseconds(_ name: String, backward: Bool = true, scale: BenchmarkScale = .full) -> Double {
        guard let c = cases.first(where: { $0.name == name }) else { fatalError("SpatialBenchmark: unknown case '\(name)'") }
        let shape = scale == .quick ? [1] + c.shape.dropFirst() : c.shape
        let generator = RandomGenerator(seed: 0)
        let x = Tensor.randn(shape, generator: generator)
        let op: ([Tensor]) -> Tensor
        var inputs = [x]
        switch c.name {
        case "upsample-bilinear-x8-8x21x64x64":
            op = { interpolate($0[0], scaleFactor: 8, mode: .bilinear, alignCorners: false) }
        case "pad-reflect-8x64x128x128":
            op = { pad($0[0], [1, 1, 1, 1], mode: .reflect) }
        default:
            inputs.append(Tensor.uniform([shape[0], shape[2], shape[3], 2], low: -1.1, high: 1.1, generator: generator))
            op = { gridSample($0[0], grid: $0[1]) }
        }
        let g = noGrad { Tensor.randn(op(inputs).shape, generator: generator) }
        let body = backward ? {
            let leaves = inputs.map { $0.requiringGrad() }
            op(leaves).backward(g)
            for leaf in leaves { blackHole(leaf.grad) }
        } : { blackHole(op(inputs)) }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 2, targetSeconds: 1, minRepetitions: 5, maxRepetitions: 200, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.05, minRepetitions: 2, maxRepetitions: 20, body)
        }
        return timing.best * 1e3
    }
}
