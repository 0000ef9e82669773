import Apus
import ApusVision
import Foundation

/// Reading a folder of photos for training, for `apus bench` and the comparison with
/// torchvision (`Benchmarks/compare_pytorch.py`).
///
/// `image-pipeline` (images/s): an ``ImageFolder`` of 128 photo-like 500×375 JPEGs (quality 90,
/// 4:2:0) in two classes, read by a ``DataLoader`` with 2 workers in shuffled batches of 32:
/// decode, `RandomResizedCrop(224)`, `RandomHorizontalFlip()`, floats standardised with ImageNet's
/// statistics. One untimed pass, then the best of several. `APUS_BENCH_IMAGES=DIR` reads the
/// folder `DIR` instead (compare_pytorch.py passes the files torchvision reads).
public enum ImagePipelineBenchmark {
    public static var workload: BenchmarkWorkload {
        BenchmarkWorkload(name: "image-pipeline",
                          summary: "JPEG folder → RandomResizedCrop(224) + flip + normalise, batch 32, 2 workers, images/s") { scale in
            [BenchmarkResult(name: "image-pipeline", value: imagesPerSecond(scale: scale), unit: "images/s")]
        }
    }

    static func imagesPerSecond(scale: BenchmarkScale) -> Double {
        do {
            let given = ProcessInfo.processInfo.environment["APUS_BENCH_IMAGES"]
            let root = try given ?? writeImages(count: 128)
            defer { if given == nil { try? FileManager.default.removeItem(atPath: root) } }
            let folder = try ImageFolder(root: root, transform: ImageCompose([RandomResizedCrop(224), RandomHorizontalFlip()]),
                                         normalization: .imageNet)
            let loader = DataLoader(folder, batchSize: 32, shuffle: true, generator: RandomGenerator(seed: 0), workers: 2)
            var failure: Error?
            let seconds = Stopwatch.measure(warmup: 1, repetitions: scale == .full ? 5 : 2) {
                do {
                    var batches = loader.batches()
                    while try batches.next() != nil {}
                } catch { failure = error }
            }.best
            if let failure { throw failure }
            return Double(folder.count) / seconds
        } catch {
            FileHandle.standardError.write(Data("image-pipeline: \(error)\n".utf8))
            return .nan
        }
    }

    /// Writes `count` photo-like JPEGs (smooth colour waves with noise, as compare_pytorch.py's)
    /// into two class folders of a new temporary directory; returns its path.
    static func writeImages(count: Int) throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("apus-bench-images-\(UUID().uuidString)").path
        let generator = RandomGenerator(seed: 0)
        let (width, height) = (500, 375)
        for i in 0..<count {
            let folder = root + "/class\(i % 2)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let f = generator.uniforms(3).map { 0.005 + 0.025 * $0 }
            let noise = generator.normals(width * height * 3)
            var pixels = [UInt8](repeating: 0, count: width * height * 3)
            for y in 0..<height {
                for x in 0..<width {
                    let (fx, fy, p) = (Double(x), Double(y), (y * width + x) * 3)
                    let waves = [sin(fx * f[0] + Double(i)), cos(fy * f[1] - Double(i)), sin((fx + fy) * f[2])]
                    for c in 0..<3 {
                        let v = (waves[c] * 0.4 + 0.5 + 0.08 * noise[p + c]) * 255
                        pixels[p + c] = UInt8(Swift.max(0, Swift.min(255, v)))
                    }
                }
            }
            let image = Image(width: width, height: height, channels: 3, pixels: pixels)
            try Data(image.jpegData(quality: 90)).write(to: URL(fileURLWithPath: folder + String(format: "/%04d.jpg", i)))
        }
        return root
    }
}
