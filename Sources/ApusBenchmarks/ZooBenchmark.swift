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
///   seeded normal images, SGD with momentum; two untimed steps, then the best of several. It
///   also reports `resnet18-peak-rss` (MB of 10⁶ bytes), the process's peak resident memory
///   afterwards: the step's own figure when the workload runs alone (`--only resnet18-step`).
/// - `resnet50-step`, `vgg11bn-step`, `googlenet-step` (16×3×112×112) and `alexnet-step`
///   (16×3×224×224), images/s: the same kind of step for ResNet-50, VGG-11 with batch norm,
///   GoogLeNet (loss `CE(logits) + 0.3·(CE(aux1) + CE(aux2))` with its auxiliary classifiers, as
///   torchvision trains it) and AlexNet; one untimed step, then the best of three.
public enum ZooBenchmark {
    /// A training-step workload: name, model, batch shape.
    struct Step: Sendable {
        let name: String, model: String, shape: [Int], summary: String
    }

    static let steps: [Step] = [
        Step(name: "resnet50-step", model: "resnet50", shape: [16, 3, 112, 112], summary: "ResNet-50 training step on 16×3×112×112"),
        Step(name: "vgg11bn-step", model: "vgg11_bn", shape: [16, 3, 112, 112], summary: "VGG-11 with batch norm, training step on 16×3×112×112"),
        Step(name: "alexnet-step", model: "alexnet", shape: [16, 3, 224, 224], summary: "AlexNet training step on 16×3×224×224"),
        Step(name: "googlenet-step", model: "googlenet", shape: [16, 3, 112, 112],
             summary: "GoogLeNet training step (with its auxiliary classifiers) on 16×3×112×112"),
    ]

    public static var workloads: [BenchmarkWorkload] {
        [
            BenchmarkWorkload(name: "lenet5-epoch",
                              summary: "LeNet-5 training epoch, 60000 28×28 images, batch 64, SGD with momentum") { scale in
                [BenchmarkResult(name: "lenet5-epoch", value: lenetSecondsPerEpoch(scale: scale), unit: "s/epoch")]
            },
            BenchmarkWorkload(name: "resnet18-step", reports: ["resnet18-step", "resnet18-peak-rss"],
                              summary: "ResNet-18 training step on 32×3×64×64, SGD with momentum, images/s; then peak RSS") { scale in
                var results = [BenchmarkResult(name: "resnet18-step", value: resnetImagesPerSecond(scale: scale), unit: "images/s")]
                if let bytes = peakResidentMemoryBytes() {
                    results.append(BenchmarkResult(name: "resnet18-peak-rss", value: Double(bytes) / 1e6, unit: "MB"))
                }
                return results
            },
        ] + steps.map { step in
            BenchmarkWorkload(name: step.name, summary: step.summary + ", SGD with momentum, images/s") { scale in
                [BenchmarkResult(name: step.name, value: trainingImagesPerSecond(step, scale: scale), unit: "images/s")]
            }
        }
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

    /// Images per second of training steps of `step`'s model on seeded normal images and random labels.
    static func trainingImagesPerSecond(_ step: Step, scale: BenchmarkScale) -> Double {
        let generator = RandomGenerator(seed: 0)
        let model = ZooModels.make(step.model, generator: generator)
        let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
        let x = Tensor.normal(step.shape, generator: generator)
        let y = Tensor.randint(0, 1000, shape: [step.shape[0]], generator: generator)
        let seconds = Stopwatch.measure(warmup: 1, repetitions: scale == .full ? 3 : 1) {
            optimizer.zeroGrad()
            ZooModels.trainingLoss(model, x, y).backward()
            optimizer.step()
        }.best
        return Double(step.shape[0]) / seconds
    }
}
