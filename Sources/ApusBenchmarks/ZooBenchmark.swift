import Apus
import ApusVision

/// Training speed of zoo models on synthetic data, for `apus bench` and the comparison with
/// PyTorch (`Benchmarks/compare_pytorch.py`).
///
/// - `lenet5-epoch` (s/epoch): LeNet-5 over 60,000 seeded uniform 1×28×28 images with labels in
///   0..<10, batch 64, SGD with lr 0.01 and momentum 0.9, per batch `zeroGrad`, forward,
///   cross-entropy, `backward()`, step. Full scale: 20 untimed batches, then one timed epoch;
///   quick: 50 timed batches extrapolated to the epoch.
/// - `resnet18-step` (images/s): ResNet-18 (1000 classes) training steps on a batch of 32×3×64×64
///   seeded normal images, SGD with momentum; two untimed steps, then the best of several.
public enum ZooBenchmark {
    public static var workloads: [BenchmarkWorkload] {
        [
            BenchmarkWorkload(name: "lenet5-epoch",
                              summary: "LeNet-5 training epoch, 60000 28×28 images, batch 64, SGD with momentum") { scale in
                [BenchmarkResult(name: "lenet5-epoch", value: lenetSecondsPerEpoch(scale: scale), unit: "s/epoch")]
            },
            BenchmarkWorkload(name: "resnet18-step",
                              summary: "ResNet-18 training step on 32×3×64×64, SGD with momentum, images/s") { scale in
                [BenchmarkResult(name: "resnet18-step", value: resnetImagesPerSecond(scale: scale), unit: "images/s")]
            },
        ]
    }

    static func lenetSecondsPerEpoch(scale: BenchmarkScale) -> Double {
        let generator = RandomGenerator(seed: 0)
        let examples = 60_000
        let data = TensorDataset(inputs: .uniform([examples, 1, 28, 28], generator: generator),
                                 targets: .randint(0, 10, shape: [examples], generator: generator))
        let model = LeNet5(generator: generator)
        let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
        let loader = DataLoader(data, batchSize: 64, shuffle: true, generator: generator)
        func step(_ x: Tensor, _ y: Tensor) {
            optimizer.zeroGrad()
            crossEntropy(model(x), y).backward()
            optimizer.step()
        }
        var batches = loader.makeIterator()
        switch scale {
        case .full:
            for _ in 0..<20 { let (x, y) = batches.next()!; step(x, y) }
            return Stopwatch.time { for (x, y) in loader { step(x, y) } }
        case .quick:
            for _ in 0..<5 { let (x, y) = batches.next()!; step(x, y) }
            let timed = 50
            let seconds = Stopwatch.time { for _ in 0..<timed { let (x, y) = batches.next()!; step(x, y) } }
            return seconds / Double(timed) * Double(loader.count)
        }
    }

    static func resnetImagesPerSecond(scale: BenchmarkScale) -> Double {
        let generator = RandomGenerator(seed: 0)
        let model = ResNet(.resnet18, generator: generator)
        let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
        let x = Tensor.normal([32, 3, 64, 64], generator: generator)
        let y = Tensor.randint(0, 1000, shape: [32], generator: generator)
        let seconds = Stopwatch.measure(warmup: 2, repetitions: scale == .full ? 5 : 2) {
            optimizer.zeroGrad()
            crossEntropy(model(x), y).backward()
            optimizer.step()
        }.best
        return 32 / seconds
    }
}
