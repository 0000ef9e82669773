import Apus

/// Seconds per training epoch of an MLP 784-256-128-10 on 60,000 synthetic 28×28 images,
/// and the process's peak resident memory afterwards.
///
/// Inputs are seeded uniform [0, 1) float32 values, labels seeded uniform in 0..<10. Each epoch
/// shuffles (``DataLoader``, batch 128, the last batch partial) and runs, per batch, `zeroGrad`,
/// forward, ``crossEntropy(_:_:reduction:)``, `backward()` and an ``Adam`` step with lr 1e-3.
/// Data generation and model creation are not timed.
///
/// Full scale: one untimed warm-up epoch, then the best of two timed epochs. Quick scale: 5
/// untimed batches, then 20 timed ones, extrapolated to a whole epoch (469 batches).
///
/// The peak RSS (`mlp-peak-rss`, in MB of 10⁶ bytes) is read after training; it covers the
/// whole process so far, so ``BenchmarkSuite`` runs this workload first.
public enum MLPTrainingBenchmark {
    public static let examples = 60_000
    public static let features = 28 * 28
    public static let classes = 10
    public static let hidden = [256, 128]
    public static let batchSize = 128

    /// The workload `mlp-epoch`, reporting `mlp-epoch` (s/epoch) and `mlp-peak-rss` (MB).
    public static var workload: BenchmarkWorkload {
        BenchmarkWorkload(name: "mlp-epoch", reports: ["mlp-epoch", "mlp-peak-rss"],
                          summary: "MLP 784-256-128-10 training epoch, 60000 examples, batch 128, Adam; then peak RSS") { scale in
            let seconds = secondsPerEpoch(scale: scale)
            var results = [BenchmarkResult(name: "mlp-epoch", value: seconds, unit: "s/epoch")]
            if let bytes = peakResidentMemoryBytes() {
                results.append(BenchmarkResult(name: "mlp-peak-rss", value: Double(bytes) / 1e6, unit: "MB"))
            }
            return results
        }
    }

    /// The synthetic training set: `[examples, 784]` float32 inputs and `[examples]` int64 labels.
    ///
    /// Filled 1,000 rows at a time, so building it needs little memory beyond the result.
    public static func syntheticData(examples: Int = examples, generator: RandomGenerator) -> TensorDataset {
        var inputs = Tensor.zeros([examples, features])
        var start = 0
        while start < examples {
            let end = Swift.min(examples, start + 1_000)
            inputs[start..<end] = Tensor.uniform([end - start, features], generator: generator)
            start = end
        }
        let labels = Tensor.randint(0, classes, shape: [examples], generator: generator)
        return TensorDataset(inputs: inputs, targets: labels)
    }

    /// Seconds per epoch (see the type's description for what is timed).
    public static func secondsPerEpoch(scale: BenchmarkScale = .full) -> Double {
        let generator = RandomGenerator(seed: 0)
        let data = syntheticData(generator: generator)
        let model = mlp(inputs: features, hidden: hidden, outputs: classes, generator: generator)
        let optimizer = Adam(model.parameters(), lr: 1e-3)
        let loader = DataLoader(data, batchSize: batchSize, shuffle: true, generator: generator)

        func train(_ x: Tensor, _ y: Tensor) {
            optimizer.zeroGrad()
            let loss = crossEntropy(model(x), y)
            loss.backward()
            optimizer.step()
        }
        func epoch() { for (x, y) in loader { train(x, y) } }

        switch scale {
        case .full:
            return Stopwatch.measure(warmup: 1, repetitions: 2, epoch).best
        case .quick:
            var batches = loader.makeIterator()
            for _ in 0..<5 { let (x, y) = batches.next()!; train(x, y) }
            let timed = 20
            let seconds = Stopwatch.time { for _ in 0..<timed { let (x, y) = batches.next()!; train(x, y) } }
            return seconds / Double(timed) * Double(loader.count)
        }
    }
}
