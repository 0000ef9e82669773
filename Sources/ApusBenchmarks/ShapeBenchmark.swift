import Apus

/// Milliseconds for one float32 shape op that copies (best of several runs, nothing recorded):
/// flipping and rolling a batch of feature maps, repeating a matrix, the lower triangle of a batch
/// of attention-sized matrices, pixel shuffle, im2col (`unfold`) and repeatInterleave.
public enum ShapeBenchmark {
    /// The workloads, by name, with what each one does.
    public static let cases: [(name: String, summary: String)] = [
        ("flip-16x64x56x56", "x.flip(axes: [3]) of a float32 [16, 64, 56, 56], ms"),
        ("roll-16x64x56x56", "x.roll(shifts: [3, -5], axes: [2, 3]) of a float32 [16, 64, 56, 56], ms"),
        ("repeat-1024x256-by-1x8", "x.repeat([1, 8]) of a float32 [1024, 256], ms"),
        ("tril-16x512x512", "x.tril() of a float32 [16, 512, 512], ms"),
        ("pixelshuffle-16x256x32x32", "pixelShuffle(x, upscaleFactor: 2) of a float32 [16, 256, 32, 32], ms"),
        ("unfold-8x32x56x56-k3p1", "unfold(x, kernelSize: 3, padding: 1) of a float32 [8, 32, 56, 56], ms"),
        ("repeatinterleave-1000x1000", "x.repeatInterleave(repeats: 2, axis: 1) of a float32 [1000, 1000], ms"),
    ]

    /// One workload per entry of ``cases``.
    public static var workloads: [BenchmarkWorkload] {
        cases.map { c in
            BenchmarkWorkload(name: c.name, summary: c.summary) { scale in
                [BenchmarkResult(name: c.name, value: milliseconds(c.name, scale: scale), unit: "ms")]
            }
        }
    }

    /// Milliseconds per call of the case named `name` (one of ``cases``).
    public static func milliseconds(_ name: String, scale: BenchmarkScale = .full) -> Double {
        let body = call(name)
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 3, targetSeconds: 0.5, minRepetitions: 10, maxRepetitions: 500, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.05, minRepetitions: 2, maxRepetitions: 20, body)
        }
        return timing.best * 1e3
    }

    /// The measured call of case `name`, its input made once.
    static func call(_ name: String) -> () -> Void {
        let generator = RandomGenerator(seed: 0)
        func input(_ shape: [Int]) -> Tensor { Tensor.randn(shape, generator: generator) }
        switch name {
        case "flip-16x64x56x56":
            let x = input([16, 64, 56, 56])
            return { blackHole(x.flip(axes: [3])) }
        case "roll-16x64x56x56":
            let x = input([16, 64, 56, 56])
            return { blackHole(x.roll(shifts: [3, -5], axes: [2, 3])) }
        case "repeat-1024x256-by-1x8":
            let x = input([1024, 256])
            return { blackHole(x.repeat([1, 8])) }
        case "tril-16x512x512":
            let x = input([16, 512, 512])
            return { blackHole(x.tril()) }
        case "pixelshuffle-16x256x32x32":
            let x = input([16, 256, 32, 32])
            return { blackHole(pixelShuffle(x, upscaleFactor: 2)) }
        case "unfold-8x32x56x56-k3p1":
            let x = input([8, 32, 56, 56])
            return { blackHole(unfold(x, kernelSize: 3, padding: 1)) }
        case "repeatinterleave-1000x1000":
            let x = input([1000, 1000])
            return { blackHole(x.repeatInterleave(repeats: 2, axis: 1)) }
        default:
            fatalError("ShapeBenchmark: unknown case '\(name)'")
        }
    }
}
