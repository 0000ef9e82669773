import Apus

/// Inference speed of the zoo, images/s: one model per family in evaluation mode (batch norm on
/// its running statistics, dropout off) under `noGrad`, on seeded normal images of batch 1 and
/// batch 16 at 224×224 (LeNet-5 at its own 1×28×28), best of several runs after warm-up.
/// Workloads are named `MODEL-infer-b1` and `MODEL-infer-b16`.
public enum InferenceBenchmark {
    /// (model, input shape of one image).
    static let models: [(name: String, image: [Int])] = [
        ("lenet5", [1, 28, 28]), ("alexnet", [3, 224, 224]), ("vgg11", [3, 224, 224]),
        ("googlenet", [3, 224, 224]), ("resnet18", [3, 224, 224]), ("resnet50", [3, 224, 224]),
    ]
    static let batches = [1, 16]

    public static var workloads: [BenchmarkWorkload] {
        models.flatMap { model in
            batches.map { batch in
                let name = "\(model.name)-infer-b\(batch)"
                return BenchmarkWorkload(name: name, summary: "\(model.name) inference, batch \(batch) of \(model.image.map(String.init).joined(separator: "×")), eval mode, no gradients, images/s") { scale in
                    [BenchmarkResult(name: name, value: imagesPerSecond(model.name, shape: [batch] + model.image, scale: scale),
                                     unit: "images/s")]
                }
            }
        }
    }

    static func imagesPerSecond(_ name: String, shape: [Int], scale: BenchmarkScale) -> Double {
        let generator = RandomGenerator(seed: 0)
        let model = ZooModels.make(name, generator: generator)
        model.eval()
        let x = Tensor.normal(shape, generator: generator)
        let body = { noGrad { blackHole(model(x)) } }
        let timing = switch scale {
        case .full: Stopwatch.measure(warmup: 2, targetSeconds: 1, minRepetitions: 3, maxRepetitions: 50, body)
        case .quick: Stopwatch.measure(warmup: 1, targetSeconds: 0.05, minRepetitions: 1, maxRepetitions: 5, body)
        }
        return Double(shape[0]) / timing.best
    }
}
