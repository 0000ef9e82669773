import Foundation
import Testing
@testable import Apus

// The training options `apus train` exposes, at library level: ClassificationRunConfig's model,
// optimizer and schedule builders, the Trainer's regularizer and before-step hook, and the
// GradientClipper, TensorBoard and CSV callbacks.

private func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-options-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// The learning rates of `epochs` epochs: the rate each epoch trains with, stepping once after each.
private func schedule(_ config: ClassificationRunConfig, epochs: Int, metrics: [Double] = []) -> [Double] {
    let optimizer = SGD([Parameter(Tensor(scalar: 0))], lr: config.lr)
    let scheduler = config.makeScheduler(optimizer)
    var rates: [Double] = []
    for e in 0..<epochs {
        rates.append(optimizer.lr)
        scheduler?.step(metric: e < metrics.count ? metrics[e] : nil)
    }
    return rates
}

private func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

struct TrainingOptionsTests {
    // MARK: Validation

    @Test func validateRejectsBadOptions() {
        let cases: [(String, (inout ClassificationRunConfig) -> Void)] = [
            ("--weight-decay", { $0.weightDecay = -1 }),
            ("--lr-schedule", { $0.lrSchedule = "linear" }),
            ("--lr-step", { $0.lrSchedule = "step"; $0.lrStep = 0 }),
            ("--lr-step", { $0.lrStep = 3 }),                                   // no schedule uses it
            ("--lr-gamma", { $0.lrSchedule = "exponential"; $0.lrGamma = 1 }),
            ("--lr-gamma", { $0.lrSchedule = "cosine"; $0.lrGamma = 0.5 }),    // cosine has no gamma
            ("--warmup", { $0.warmup = 30 }),                                   // not less than --epochs 30
            ("--warmup", { $0.warmup = -1 }),
            ("--dropout", { $0.dropout = 1 }),
            ("--activation", { $0.activation = "swish" }),
            ("--init", { $0.initializer = "orthogonal" }),
            ("--l1", { $0.l1 = -0.1 }),
            ("--l2", { $0.l2 = .nan }),
            ("--clip-norm", { $0.clipNorm = 0 }),
        ]
        for (flag, change) in cases {
            var config = ClassificationRunConfig()
            change(&config)
            #expect(throws: ApusError.self, "\(flag)") { try config.validate() }
            do { try config.validate() } catch { #expect("\(error)".contains(flag), "\(error)") }
        }
        // Edge values that are allowed.
        var ok = ClassificationRunConfig()
        ok.weightDecay = 0
        ok.dropout = 0.99
        ok.warmup = 29
        ok.lrSchedule = "plateau"
        ok.lrStep = 1
        ok.lrGamma = 0.5
        #expect(throws: Never.self) { try ok.validate() }
    }

    // MARK: Model

    @Test func modelLayersFollowTheOptions() throws {
        var config = ClassificationRunConfig()
        config.hidden = [16, 8]
        let plain = config.makeModel(inputs: 64, outputs: 10, generator: RandomGenerator(seed: 0))
        #expect(plain.layers.map { "\(type(of: $0))" } == ["Linear", "ReLU", "Linear", "ReLU", "Linear"])
        // Same numbers as mlp(…) for the same seed: the default run does not change.
        let reference = mlp(inputs: 64, hidden: [16, 8], outputs: 10, generator: RandomGenerator(seed: 0))
        #expect(plain.stateDict().map(\.tensor) == reference.stateDict().map(\.tensor))

        config.batchNorm = true
        config.dropout = 0.25
        config.activation = "tanh"
        let model = config.makeModel(inputs: 64, outputs: 10, generator: RandomGenerator(seed: 0))
        #expect(model.layers.map { "\(type(of: $0))" }
                == ["Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear", "BatchNorm1d", "Tanh", "Dropout", "Linear"])
        // Batch norm adds a weight and a bias per hidden unit: 2·(16 + 8).
        #expect(model.parameterCount == plain.parameterCount + 48)
        #expect((model.layers[3] as? Dropout)?.p == 0.25)
        for (name, typeName) in [("leaky-relu", "LeakyReLU"), ("elu", "ELU"), ("selu", "SELU"), ("sigmoid", "Sigmoid"),
                                 ("gelu", "GELU"), ("silu", "SiLU")] {
            config.activation = name
            #expect("\(type(of: config.makeModel(inputs: 4, outputs: 2, generator: .default).layers[2]))" == typeName)
        }
    }

    @Test func initializersHaveTheirVariances() throws {
        // 256 inputs, 512 outputs: 131072 weights, so the sample std is within 1% of the true one.
        func stds(_ initializer: String, _ activation: String) -> (hidden: Double, output: Double, biasesZero: Bool) {
            var config = ClassificationRunConfig()
            config.hidden = [512]
            config.initializer = initializer
            config.activation = activation
            let model = config.makeModel(inputs: 256, outputs: 256, generator: RandomGenerator(seed: 3))
            let (h, o) = (model.layers[0] as! Linear, model.layers[2] as! Linear)
            func std(_ t: Tensor) -> Double {
                let v = t.toDoubles()
                let m = v.reduce(0, +) / Double(v.count)
                return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(v.count)).squareRoot()
            }
            let zero = (h.bias!.value.toDoubles() + o.bias!.value.toDoubles()).allSatisfy { $0 == 0 }
            return (std(h.weight.value), std(o.weight.value), zero)
        }
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) < 0.01 * b }
        // he, relu: N(0, 2/fanIn); the output layer gain 1: N(0, 1/fanIn).
        let he = stds("he", "relu")
        #expect(near(he.hidden, (2.0 / 256).squareRoot()) && near(he.output, (1.0 / 512).squareRoot()) && he.biasesZero)
        // he, tanh: gain 5/3.
        #expect(near(stds("he", "tanh").hidden, 5.0 / 3 / 16))
        // he for selu and lecun: N(0, 1/fanIn).
        #expect(near(stds("he", "selu").hidden, 1.0 / 16) && near(stds("lecun", "relu").hidden, 1.0 / 16))
        // xavier: U(±√(6/(in+out))) has std √(2/(in+out)).
        let xavier = stds("xavier", "relu")
        #expect(near(xavier.hidden, (2.0 / 768).squareRoot()) && near(xavier.output, (2.0 / 768).squareRoot()))
        // default: U(±1/√in), std 1/√(3·in); biases not zero.
        let pytorch = stds("default", "relu")
        #expect(near(pytorch.hidden, 1 / (3.0 * 256).squareRoot()) && !pytorch.biasesZero)
    }

    // MARK: Optimizers

    @Test func optimizersGetTheirWeightDecay() throws {
        let p = [Parameter(Tensor(shape: [2], values: [1, 2]))]
        var config = ClassificationRunConfig()
        config.weightDecay = 0.3
        #expect((ClassificationRunConfig.optimizer(named: "sgd")!.make(p, config) as! SGD).groups[0].options.weightDecay == 0.3)
        #expect((ClassificationRunConfig.optimizer(named: "rmsprop")!.make(p, config) as! RMSprop).groups[0].options.weightDecay == 0.3)
        #expect((ClassificationRunConfig.optimizer(named: "adagrad")!.make(p, config) as! Adagrad).groups[0].options.weightDecay == 0.3)
        let adam = ClassificationRunConfig.optimizer(named: "adam")!.make(p, config) as! Adam
        #expect(!(adam is AdamW) && adam.options.weightDecay == 0.3 && !adam.options.decoupledWeightDecay)
        let adamw = ClassificationRunConfig.optimizer(named: "adamw")!.make(p, config) as! AdamW
        #expect(adamw.options.weightDecay == 0.3 && adamw.options.decoupledWeightDecay)
        // Unset: 0, and PyTorch's 0.01 for AdamW.
        config.weightDecay = nil
        #expect((ClassificationRunConfig.optimizer(named: "adamw")!.make(p, config) as! AdamW).options.weightDecay == 0.01)
        #expect((ClassificationRunConfig.optimizer(named: "sgd")!.make(p, config) as! SGD).groups[0].options.weightDecay == 0)
        #expect(ClassificationRunConfig.optimizers.map(\.defaultLR) == [0.05, 0.001, 0.001, 0.01, 0.01])
    }

    // MARK: Schedules

    @Test func schedulesGiveTheirLearningRates() {
        var c = ClassificationRunConfig()
        c.lr = 0.1
        #expect(schedule(c, epochs: 3) == [0.1, 0.1, 0.1])
        #expect(c.makeScheduler(SGD([Parameter(Tensor(scalar: 0))], lr: 0.1)) == nil)
        c.lrSchedule = "step"
        c.lrStep = 2
        #expect(close(schedule(c, epochs: 5), [0.1, 0.1, 0.01, 0.01, 0.001]))
        c.lrStep = nil
        // Default step 10, gamma 0.1.
        #expect(close(Array(schedule(c, epochs: 12).suffix(3)), [0.1, 0.01, 0.01]))
        c.lrSchedule = "exponential"
        #expect(close(schedule(c, epochs: 3), [0.1, 0.095, 0.09025]))   // default gamma 0.95
        c.lrSchedule = "cosine"
        c.epochs = 4
        // lr·(1 + cos(π·t/4))/2 for t = 0…3.
        #expect(close(schedule(c, epochs: 4), (0..<4).map { 0.1 * (1 + cos(Double.pi * Double($0) / 4)) / 2 }))
        // Warm-up of 2 epochs: lr·1/3, lr·2/3, then cosine over the remaining 2 epochs.
        c.warmup = 2
        #expect(close(schedule(c, epochs: 4), [0.1 / 3, 0.2 / 3, 0.1, 0.05]))
        c.lrSchedule = "none"
        #expect(close(schedule(c, epochs: 4), [0.1 / 3, 0.2 / 3, 0.1, 0.1]))
        c.lrSchedule = "step"
        c.lrStep = 1
        c.lrGamma = 0.5
        #expect(close(schedule(c, epochs: 5), [0.1 / 3, 0.2 / 3, 0.1, 0.05, 0.025]))
    }

    @Test func plateauWithWarmupReducesAfterTheWarmupOnly() throws {
        var c = ClassificationRunConfig()
        c.lr = 0.1
        c.lrSchedule = "plateau"
        c.lrStep = 1        // patience
        c.lrGamma = 0.5
        c.warmup = 1
        // Metrics seen after each epoch: the warm-up epoch's is ignored; 3.0 after 2.0 is a bad epoch
        // (patience 1 is exceeded at the second bad one).
        let metrics = [9.0, 2.0, 3.0, 3.0, 1.0, 1.5, 1.5]
        #expect(close(schedule(c, epochs: 7, metrics: metrics), [0.05, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05]))

        // Its state survives the checkpoint metadata: a fresh scheduler continues identically.
        let optimizer = SGD([Parameter(Tensor(scalar: 0))], lr: 0.1)
        let scheduler = try #require(c.makeScheduler(optimizer))
        for m in metrics.prefix(4) { scheduler.step(metric: m) }
        let saved = SchedulerMetadata.encode(scheduler)
        let lr = optimizer.lr
        let other = SGD([Parameter(Tensor(scalar: 0))], lr: 0.1)
        let restored = try #require(c.makeScheduler(other))
        other.lr = lr       // the optimizer's rate comes from the checkpoint
        try SchedulerMetadata.restore(restored, from: saved, path: "x")
        for m in metrics.suffix(3) {
            scheduler.step(metric: m)
            restored.step(metric: m)
            #expect(other.lr == optimizer.lr)
        }
        #expect(throws: ApusError.self) { try SchedulerMetadata.restore(restored, from: ["scheduler.best": "1:2,3"], path: "x") }
    }

    // MARK: Trainer hooks

    @Test func regularizerPenalisesOnlyTheTrainingObjective() throws {
        // SGD on loss + λ·Σw² equals SGD with weight decay 2λ on the same weights (bias not penalised
        // here, so compare with a bias-free layer).
        let data = blobs(16, seed: 4)
        func run(l2: Double, weightDecay: Double) throws -> (Tensor, History) {
            let model = Linear(2, 2, bias: false, dtype: .float64, generator: RandomGenerator(seed: 1))
            let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1, weightDecay: weightDecay))
            if l2 > 0 { trainer.regularizer = { penalty([model.weight], l2: l2) } }
            let history = try trainer.fit(DataLoader(TensorDataset(inputs: data.inputs.cast(to: .float64), targets: data.targets),
                                                     batchSize: 4), validation: nil, epochs: 2)
            return (model.weight.value, history)
        }
        let (penalised, h1) = try run(l2: 0.05, weightDecay: 0)
        let (decayed, h2) = try run(l2: 0, weightDecay: 0.1)
        let (plain, _) = try run(l2: 0, weightDecay: 0)
        #expect(close(penalised.toDoubles(), decayed.toDoubles(), tolerance: 1e-12))
        #expect(!close(penalised.toDoubles(), plain.toDoubles(), tolerance: 1e-6))
        // The logged loss is the data loss in both.
        #expect(close(h1["loss"], h2["loss"], tolerance: 1e-12))
    }

    @Test func gradientClipperCapsTheUpdate() throws {
        // One batch, SGD without momentum: the update is lr·g, with ‖g‖ clipped to 1e-3.
        let data = blobs(8, seed: 5)
        let model = Linear(2, 2, dtype: .float64, generator: RandomGenerator(seed: 2))
        let before = model.parameters().map { $0.value.toDoubles() }
        let clipper = GradientClipper(maxNorm: 1e-3)
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 1))
        try trainer.fit(DataLoader(TensorDataset(inputs: data.inputs.cast(to: .float64), targets: data.targets), batchSize: 8),
                        epochs: 1, callbacks: [clipper])
        let after = model.parameters().map { $0.value.toDoubles() }
        let step = zip(before.joined(), after.joined()).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        #expect(clipper.lastNorm > 0.01 && clipper.clippedBatches == 1)
        #expect(abs(step - 1e-3 * clipper.lastNorm / (clipper.lastNorm + 1e-6)) < 1e-12)
    }

    // MARK: Logging callbacks

    @Test func tensorBoardAndCSVCallbacksWriteOneEntryPerEpoch() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1), metrics: [.accuracy])
        let writer = try SummaryWriter(logDirectory: dir.appendingPathComponent("tb").path)
        let csvPath = dir.appendingPathComponent("log.csv").path
        let data = blobs(12, seed: 2)
        let history = try trainer.fit(DataLoader(data, batchSize: 4), validation: data, epochs: 3,
                                      callbacks: [TensorBoardCallback(writer), CSVLoggerCallback(try CSVLogger(path: csvPath))])
        // CSV: header and one row per epoch, the history's numbers.
        let lines = try String(contentsOfFile: csvPath, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.first == "epoch,accuracy,loss,lr,val_accuracy,val_loss")
        #expect(lines.count == 4)
        #expect(lines[3] == "3,\(history["accuracy"][2]),\(history["loss"][2]),0.1,\(history["val_accuracy"][2]),\(history["val_loss"][2])")
        // TensorBoard: the file-version event, then per epoch 5 scalars and weight + gradient
        // histograms of 2 parameters.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: writer.path)))
        let payloads = try TFRecord.payloads(in: bytes, path: writer.path)
        #expect(payloads.count == 1 + 3 * (5 + 4))
        func count(_ tag: String) -> Int {
            // A Summary.Value's tag is field 1 (length-delimited): 0x0A, length, bytes.
            let needle = [0x0A, UInt8(tag.utf8.count)] + Array(tag.utf8)
            return payloads.filter { p in (0...(p.count - needle.count)).contains { Array(p[$0..<$0 + needle.count]) == needle } }.count
        }
        for tag in ["loss", "accuracy", "val_loss", "val_accuracy", "lr", "weights/weight", "gradients/bias"] {
            #expect(count(tag) == 3, "\(tag)")
        }
    }
}
