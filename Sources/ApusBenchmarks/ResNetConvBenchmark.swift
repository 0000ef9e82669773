import Foundation
import Apus

/// Every distinct convolution of ResNet-18 and ResNet-50 (torchvision's, stride on the 3×3) on
/// 224×224 images, batch 16: forward and backward (input and weight gradients; the stem's input
/// needs none), no bias, ms (best of several runs). Named `conv-KxKsS-CINtoCOUT-SIZE`, SIZE being
/// the input's height and width.
public enum ResNetConvBenchmark {
    /// (kernel, stride, input channels, output channels, input size).
    static let shapes: [(kernel: Int, stride: Int, cin: Int, cout: Int, size: Int)] = [
        (7, 2, 3, 64, 224),
        (3, 1, 64, 64, 56), (3, 1, 128, 128, 28), (3, 1, 256, 256, 14), (3, 1, 512, 512, 7),
        (3, 2, 64, 128, 56), (3, 2, 128, 256, 28), (3, 2, 256, 512, 14),
        (3, 2, 128, 128, 56), (3, 2, 256, 256, 28), (3, 2, 512, 512, 14),
        (1, 2, 64, 128, 56), (1, 2, 128, 256, 28), (1, 2, 256, 512, 14),
        (1, 2, 256, 512, 56), (1, 2, 512, 1024, 28), (1, 2, 1024, 2048, 14),
        (1, 1, 64, 64, 56), (1, 1, 64, 256, 56), (1, 1, 256, 64, 56), (1, 1, 256, 128, 56),
        (1, 1, 128, 512, 28), (1, 1, 512, 128, 28), (1, 1, 512, 256, 28),
        (1, 1, 256, 1024, 14), (1, 1, 1024, 256, 14), (1, 1, 1024, 512, 14),
        (1, 1, 512, 2048, 7), (1, 1, 2048, 512, 7),
    ]
    static let batch = 16

    static func name(_ s: (kernel: Int, stride: Int, cin: Int, cout: Int, size: Int)) -> String {
        "conv-\(s.kernel)x\(s.kernel)s\(s.stride)-\(s.cin)to\(s.cout)-\(s.size)"
    }

    public static var workloads: [BenchmarkWorkload] {
        shapes.map { s in
            let name = name(s)
            return BenchmarkWorkload(name: name, summary: "ResNet conv \(s.kernel)×\(s.kernel) stride \(s.stride), \(s.cin)→\(s.cout) channels, [\(batch), \(s.cin), \(s.size), \(s.size)], forward+backward, ms") { scale in
                // APUS_BENCH_CONV_PARTS=1: also the forward alone and with each gradient alone; =fwd,
                // fwd+w or fwd+x: that part only (for a profiler). The stem's input has no gradient.
                let setting = ProcessInfo.processInfo.environment["APUS_BENCH_CONV_PARTS"]
                let parts: [Part] = switch setting {
                case "1": s.cin == 3 ? [.forward, .all] : [.forward, .forwardAndWeightGradient, .forwardAndInputGradient, .all]
                case let suffix?: Part(rawValue: "-" + suffix).map { [$0] } ?? [.all]
                case nil: [.all]
                }
                return parts.map { BenchmarkResult(name: name + $0.rawValue, value: milliseconds(s, scale: scale, part: $0), unit: "ms") }
            }
        }
    }

    /// What one timed run does (the name's suffix).
    enum Part: String {
        case all = "", forward = "-fwd", forwardAndWeightGradient = "-fwd+w", forwardAndInputGradient = "-fwd+x"
    }

    static func milliseconds(_ s: (kernel: Int, stride: Int, cin: Int, cout: Int, size: Int), scale: BenchmarkScale,
                             part: Part = .all) -> Double {
        let g = RandomGenerator(seed: 0)
        let batch = scale == .quick ? 2 : Self.batch
        let padding = s.kernel / 2
        var x = Tensor.randn([batch, s.cin, s.size, s.size], generator: g)
        if s.cin != 3 && (part == .all || part == .forwardAndInputGradient) { x = x.requiringGrad() }
        var w = Tensor.randn([s.cout, s.cin, s.kernel, s.kernel], generator: g)
        if part == .all || part == .forwardAndWeightGradient { w = w.requiringGrad() }
        let out = convOutputSize(s.size, kernel: s.kernel, stride: s.stride, padding: padding)
        let upstream = Tensor.randn([batch, s.cout, out, out], generator: g)
        let body = {
            if part == .forward { _ = conv2d(x, weight: w, stride: IntPair(s.stride), padding: .explicit(IntPair(padding))); return }
            conv2d(x, weight: w, stride: IntPair(s.stride), padding: .explicit(IntPair(padding))).backward(upstream)
            x.zeroGrad()
            w.zeroGrad()
        }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 2, targetSeconds: 0.5, minRepetitions: 3, maxRepetitions: 100, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.02, minRepetitions: 1, maxRepetitions: 3, body)
        }
        return timing.best * 1e3
    }
}
