import Apus

/// Time of one forward and backward pass of float32 convolution layers, in ms (best of many runs).
///
/// - `conv2d-lenet-fwd-bwd`: LeNet-5's two convolutions on a batch of 64: `[64, 1, 28, 28]`
///   through 1→6 channels, 5×5, padding 2 (no input gradient: it is the first layer), then
///   `[64, 6, 14, 14]` through 6→16 channels, 5×5 (with input gradient); with bias.
/// - `conv2d-resnet-fwd-bwd`: a ResNet stage-1 convolution: `[32, 64, 56, 56]` through 64→64
///   channels, 3×3, padding 1, no bias (as in ResNet), gradients for input and weight.
/// - `conv3d-video-fwd-bwd`: a video network's 3-D convolution (R3D-18's stage 1 on 16 frames of
///   56×56): `[4, 64, 16, 56, 56]` through 64→64 channels, 3×3×3, padding 1, no bias, gradients
///   for input and weight.
///
/// Backward is seeded with a fixed upstream gradient; weights' gradients are cleared each run.
public enum ConvBenchmark {
    /// The workloads, by name and what they measure.
    public static let layers: [(name: String, summary: String)] = [
        ("conv2d-lenet-fwd-bwd", "LeNet-5 convs, batch 64: 1→6 28×28 5×5 pad 2 and 6→16 14×14 5×5, forward+backward, ms"),
        ("conv2d-resnet-fwd-bwd", "ResNet conv, [32, 64, 56, 56], 64→64 3×3 pad 1, forward+backward, ms"),
        ("conv3d-video-fwd-bwd", "video conv3d, [4, 64, 16, 56, 56], 64→64 3×3×3 pad 1, forward+backward, ms"),
    ]

    /// One workload per entry of ``layers``.
    public static var workloads: [BenchmarkWorkload] {
        layers.map { layer in
            BenchmarkWorkload(name: layer.name, summary: layer.summary) { scale in
                [BenchmarkResult(name: layer.name, value: milliseconds(layer.name, scale: scale), unit: "ms")]
            }
        }
    }

    /// One convolution (2-D, or 3-D for 5-D shapes): input (requiring grad or not), weight, bias and options.
    private struct Layer {
        let x: Tensor, w: Tensor, b: Tensor?, padding: Int, upstream: Tensor

        init(_ input: [Int], _ weight: [Int], bias: Bool, padding: Int, inputGrad: Bool, generator: RandomGenerator) {
            var x = Tensor.randn(input, generator: generator)
            if inputGrad { x = x.requiringGrad() }
            self.x = x
            w = Tensor.randn(weight, generator: generator).requiringGrad()
            b = bias ? Tensor.randn([weight[0]], generator: generator).requiringGrad() : nil
            self.padding = padding
            let out = (2..<input.count).map { convOutputSize(input[$0], kernel: weight[$0], padding: padding) }
            upstream = Tensor.randn([input[0], weight[0]] + out, generator: generator)
        }

        func run() {
            let y = x.rank == 5 ? conv3d(x, weight: w, bias: b, padding: .explicit(IntTriple(padding)))
                                : conv2d(x, weight: w, bias: b, padding: .explicit(IntPair(padding)))
            y.backward(upstream)
            for t in [x, w] + (b.map { [$0] } ?? []) { t.zeroGrad() }
        }
    }

    /// Milliseconds per forward+backward of the workload named `name` (one of ``layers``).
    public static func milliseconds(_ name: String, scale: BenchmarkScale = .full) -> Double {
        let g = RandomGenerator(seed: 0)
        let layers: [Layer] = switch name {
        case "conv2d-lenet-fwd-bwd":
            [Layer([64, 1, 28, 28], [6, 1, 5, 5], bias: true, padding: 2, inputGrad: false, generator: g),
             Layer([64, 6, 14, 14], [16, 6, 5, 5], bias: true, padding: 0, inputGrad: true, generator: g)]
        case "conv2d-resnet-fwd-bwd":
            [Layer([32, 64, 56, 56], [64, 64, 3, 3], bias: false, padding: 1, inputGrad: true, generator: g)]
        case "conv3d-video-fwd-bwd":
            [Layer([4, 64, 16, 56, 56], [64, 64, 3, 3, 3], bias: false, padding: 1, inputGrad: true, generator: g)]
        default: fatalError("ConvBenchmark: unknown workload '\(name)'")
        }
        let body = { for layer in layers { layer.run() } }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 2, targetSeconds: 1, minRepetitions: 5, maxRepetitions: 200, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.1, minRepetitions: 2, maxRepetitions: 20, body)
        }
        return timing.best * 1e3
    }
}
