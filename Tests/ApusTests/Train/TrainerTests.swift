import Foundation
import Testing
@testable import Apus

/// y = 2·x₀ − x₁ + 0.5 on a grid, for regression.
private func line(_ n: Int) -> TensorDataset {
    var xs: [Double] = []
    for i in 0..<n { xs += [Double(i) / Double(n) - 0.5, Double(i % 3) / 3] }
    var ys: [Double] = []
    for i in 0..<n { ys.append(2 * xs[2 * i] - xs[2 * i + 1] + 0.5) }
    return TensorDataset(inputs: Tensor(shape: [n, 2], values: xs), targets: Tensor(shape: [n, 1], values: ys))
}

/// A metric whose value is scripted per epoch (set by the test through `epoch`).
private final class Script: @unchecked Sendable {
    var epoch = 0
    let values: [Double]
    init(_ values: [Double]) { self.values = values }
    var metric: Metric { Metric("scripted") { [self] _, _ in values[epoch - 1] } }
    var tracker: LambdaCallback { LambdaCallback(onEpochBegin: { [self] e, _ in epoch = e }) }
}

/// Halves the learning rate at every step and records the metrics it was given.
private final class HalvingScheduler: LRScheduler {
    let optimizer: any Optimizer
    var metrics: [Double?] = []
    init(_ optimizer: any Optimizer) { self.optimizer = optimizer }
    func step(metric: Double?) {
        metrics.append(metric)
        optimizer.lr /= 2
    }
}

private func weights(_ model: Module) -> [Tensor] { model.stateDict().map(\.tensor) }

struct TrainerTests {
    @Test func fitGivesTheSameNumbersAsClassifierTrainer() throws {
        func make() -> (Sequential, RandomGenerator) {
            let g = RandomGenerator(seed: 10)
            return (mlp(inputs: 2, hidden: [8], outputs: 2, generator: g), g)
        }
        let train = blobs(100, seed: 1), validation = blobs(40, seed: 2)
        let (m1, g1) = make(), (m2, g2) = make()
        let reports = ClassifierTrainer(model: m1, optimizer: SGD(m1.parameters(), lr: 0.1, momentum: 0.9))
            .fit(DataLoader(train, batchSize: 16, shuffle: true, generator: g1), validation: validation, epochs: 3)
        let trainer = Trainer(model: m2, optimizer: SGD(m2.parameters(), lr: 0.1, momentum: 0.9), metrics: [.accuracy])
        let history = try trainer.fit(DataLoader(train, batchSize: 16, shuffle: true, generator: g2),
                                      validation: validation, epochs: 3)
        #expect(history.epochs == [1, 2, 3])
        #expect(history["loss"] == reports.map(\.trainLoss))
        #expect(history["accuracy"] == reports.map(\.trainAccuracy))
        #expect(history["val_accuracy"] == reports.map { $0.validation!.accuracy })
        #expect(Approx.equal(history["val_loss"], reports.map { $0.validation!.loss }, absolute: 1e-7))
        #expect(history["lr"] == [0.1, 0.1, 0.1])
        #expect(history.last!.keys == ["loss", "accuracy", "val_loss", "val_accuracy", "lr"])
        #expect(zip(weights(m1), weights(m2)).allSatisfy { $0 == $1 })
        #expect(trainer.epoch == 3 && trainer.globalStep == 3 * 7)
    }

    @Test func regressionWithErrorMetrics() throws {
        let model = Linear(2, 1, generator: RandomGenerator(seed: 3))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.2, momentum: 0.5),
                              loss: { mseLoss($0, $1) }, metrics: [.meanAbsoluteError, .meanSquaredError])
        let data = line(30)
        let history = try trainer.fit(DataLoader(data, batchSize: 8), validation: data, epochs: 40)
        #expect(history.last!.keys == ["loss", "mae", "mse", "val_loss", "val_mae", "val_mse", "lr"])
        // The loss is the MSE: per-batch means weighted by batch size are the epoch's MSE either way.
        #expect(Approx.equal(history["loss"], history["mse"], absolute: 1e-9))
        #expect(Approx.equal(history["val_loss"], history["val_mse"], absolute: 1e-9))
        #expect(history["val_mse"].last! < 1e-3)
        #expect(Approx.equal(model.weight.value, [2, -1], absolute: 0.05))
        // evaluate gives the last epoch's validation numbers.
        let e = trainer.evaluate(data)
        #expect(e.keys == ["loss", "mae", "mse"] && e["mse"] == history.last!["val_mse"])
    }

    @Test func evaluateAndPredictOnAKnownModel() {
        // Identity weights: logits are the inputs; predictions 0, 1, 0 against labels 0, 1, 1.
        let layer = Linear(2, 2, generator: RandomGenerator(seed: 0))
        layer.weight.assign(Tensor([[1.0, 0.0], [0.0, 1.0]]))
        layer.bias!.assign(Tensor([0.0, 0.0]))
        let data = TensorDataset(inputs: Tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]]), targets: Tensor([0, 1, 1]))
        let trainer = Trainer(model: layer, optimizer: SGD(layer.parameters(), lr: 0.1), metrics: [.accuracy, .topKAccuracy(2)])
        // Rows 0 and 1 lose log(1 + e⁻¹); row 2 (label 1) loses log(1 + e).
        let expectedLoss = (2 * log(1 + exp(-1.0)) + log(1 + exp(1.0))) / 3
        for batchSize in [512, 2, 1] {
            let logs = trainer.evaluate(data, batchSize: batchSize)
            #expect(abs(logs["loss"]! - expectedLoss) < 1e-6)
            #expect(abs(logs["accuracy"]! - 2.0 / 3) < 1e-12 && logs["top2_accuracy"] == 1)
        }
        let x = Tensor(shape: [5, 2], values: (0..<10).map(Double.init))
        #expect(trainer.predict(x) == x)
        #expect(trainer.predict(x, batchSize: 2) == x)
        #expect(layer.weight.grad == nil && layer.training)
    }

    @Test func aPoisonedBatchStopsTrainingNamingEpochAndStep() throws {
        // Example 5 holds a NaN: with batches of 2 in order it is in step 3 of epoch 1.
        var xs = (0..<16).map { Double($0) / 16 }
        xs[10] = .nan
        let data = TensorDataset(inputs: Tensor(shape: [8, 2], values: xs), targets: Tensor(scalars: [Int64](repeating: 1, count: 8)))
        let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
        var afterStep2: [Tensor] = []
        let snapshot = LambdaCallback(onBatchEnd: { batch, _, t in if batch == 2 { afterStep2 = weights(t.model) } })
        do {
            try trainer.fit(DataLoader(data, batchSize: 2), epochs: 2, callbacks: [snapshot])
            Issue.record("fit did not throw")
        } catch let error as ApusError {
            guard case .nonFiniteLoss(let epoch, let step, let loss) = error else { Issue.record("\(error)"); return }
            #expect(epoch == 1 && step == 3 && loss.isNaN)
            #expect(error.description.contains("loss is nan at epoch 1, step 3"))
        }
        // The poisoned batch changed nothing.
        #expect(weights(model) == afterStep2)
        #expect(trainer.globalStep == 2)
    }

    @Test func aHugeLearningRateDiverges() {
        let model = mlp(inputs: 2, hidden: [8], outputs: 2, generator: RandomGenerator(seed: 2))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 1e30))
        #expect {
            try trainer.fit(DataLoader(blobs(64, seed: 3), batchSize: 8), epochs: 3)
        } throws: { error in
            guard case ApusError.nonFiniteLoss(let epoch, let step, _) = error else { return false }
            // Step 1 computes a finite loss with the initial weights; the first update overflows.
            return epoch == 1 && step >= 2 && "\(error)".contains("epoch 1, step \(step)")
        }
    }

    @Test func callbacksRunInOrderAndCanStopTraining() throws {
        let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
        var events: [String] = []
        let recorder = LambdaCallback(
            onTrainBegin: { _ in events.append("begin") },
            onEpochBegin: { e, _ in events.append("epoch \(e)") },
            onBatchEnd: { b, logs, t in
                events.append("batch \(b)")
                if t.epoch == 1 && b == 1 { t.stopTraining = true }  // during epoch 2 (epoch 1 completed)
            },
            onEpochEnd: { e, logs, _ in events.append("end \(e) \(logs.keys.joined(separator: ","))") },
            onTrainEnd: { _, h in events.append("done \(h.epochs)") })
        let history = try trainer.fit(DataLoader(blobs(6, seed: 1), batchSize: 4), epochs: 5, callbacks: [recorder])
        #expect(events == ["begin", "epoch 1", "batch 1", "batch 2", "end 1 loss,lr",
                           "epoch 2", "batch 1", "end 2 loss,lr", "done [1, 2]"])
        #expect(history.epochs == [1, 2] && trainer.globalStep == 3)
        // initialEpoch continues the numbering; a new fit clears stopTraining.
        let more = try trainer.fit(DataLoader(blobs(6, seed: 1), batchSize: 4), epochs: 4, initialEpoch: 2)
        #expect(more.epochs == [3, 4] && trainer.epoch == 4 && trainer.globalStep == 7)
    }

    // MARK: Early stopping

    @Test func earlyStoppingOnAScriptedSequence() throws {
        let model = Linear(1, 1, generator: RandomGenerator(seed: 1))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
        /// Feeds `values` as val_loss (the weight set to the epoch number) until the callback stops.
        func run(_ stopper: EarlyStopping, _ values: [Double]) throws -> Int {
            trainer.stopTraining = false
            try stopper.onTrainBegin(trainer)
            var last = 0
            for (i, v) in values.enumerated() {
                model.weight.assign(Tensor(shape: [1, 1], values: [Double(i + 1)]))
                try stopper.onEpochEnd(i + 1, logs: Logs([stopper.monitor: v]), trainer: trainer)
                last = i + 1
                if trainer.stopTraining { break }
            }
            try stopper.onTrainEnd(trainer, history: History())
            return last
        }
        // Best 0.8 at epoch 2; epochs 3 and 4 do not improve → stop after epoch 4 with patience 2.
        let a = EarlyStopping(monitor: "val_loss", patience: 2, restoreBestWeights: true)
        #expect(try run(a, [1.0, 0.8, 0.9, 0.85, 0.7]) == 4)
        #expect(a.stoppedEpoch == 4 && a.bestEpoch == 2 && a.best == 0.8)
        #expect(model.weight.value.item() == 2)  // epoch 2's weights restored
        // Patience 0 stops at the first epoch without improvement.
        let b = EarlyStopping(patience: 0)
        #expect(try run(b, [1.0, 0.8, 0.9, 0.85]) == 3)
        #expect(model.weight.value.item() == 3)  // not restored
        // minDelta 0.1: 0.95 is not better than 1.0 by more than 0.1.
        let c = EarlyStopping(minDelta: 0.1, patience: 1)
        #expect(try run(c, [1.0, 0.95, 0.5]) == 2)
        // Decreasing by more than minDelta every epoch never stops.
        let d = EarlyStopping(minDelta: 0.1, patience: 1)
        #expect(try run(d, [1.0, 0.8, 0.6, 0.4]) == 4 && d.stoppedEpoch == 0)
        // Accuracies improve upwards (mode .auto → .max); equal is not better.
        let e = EarlyStopping(monitor: "val_accuracy", patience: 2, restoreBestWeights: true)
        #expect(e.mode == .max)
        #expect(try run(e, [0.5, 0.6, 0.6, 0.55, 0.9]) == 4)
        #expect(e.bestEpoch == 2 && model.weight.value.item() == 2)
        #expect(EarlyStopping(monitor: "loss", mode: .max).mode == .max)
    }

    @Test func earlyStoppingInFitRestoresTheBestEpochsWeights() throws {
        let script = Script([3, 2, 1, 1.5, 1.2, 1.1, 0.5])
        let model = Linear(2, 1, generator: RandomGenerator(seed: 4))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.05), loss: { mseLoss($0, $1) },
                              metrics: [script.metric])
        var perEpoch: [[Tensor]] = []
        let recorder = LambdaCallback(onEpochEnd: { _, _, t in perEpoch.append(weights(t.model)) })
        let stopper = EarlyStopping(monitor: "val_scripted", patience: 3, restoreBestWeights: true)
        let data = line(12)
        let history = try trainer.fit(DataLoader(data, batchSize: 4), validation: data, epochs: 7,
                                      callbacks: [script.tracker, recorder, stopper])
        #expect(history["val_scripted"] == [3, 2, 1, 1.5, 1.2, 1.1])
        #expect(history.epochs == [1, 2, 3, 4, 5, 6] && stopper.stoppedEpoch == 6 && stopper.bestEpoch == 3)
        #expect(perEpoch[2] != perEpoch[5])          // training did move the weights
        #expect(weights(model) == perEpoch[2])       // and epoch 3's are back
    }

    @Test func monitoringAMissingValueSaysWhatIsThere() {
        let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1), metrics: [.accuracy])
        #expect {
            try trainer.fit(DataLoader(blobs(8, seed: 1), batchSize: 4), epochs: 2, callbacks: [EarlyStopping(patience: 1)])
        } throws: { error in
            let text = "\(error)"
            return text.contains("'val_loss'") && text.contains("loss, accuracy, lr") && text.contains("validation data")
        }
    }

    // MARK: Checkpoints

    @Test func modelCheckpointWritesLoadableFiles() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = blobs(24, seed: 5)
        let model = mlp(inputs: 2, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 6))
        let trainer = Trainer(model: model, optimizer: Adam(model.parameters(), lr: 0.01), metrics: [.accuracy])
        var perEpoch: [[Tensor]] = []
        let recorder = LambdaCallback(onEpochEnd: { _, _, t in perEpoch.append(weights(t.model)) })
        let every = ModelCheckpoint(path: dir.appendingPathComponent("run-{epoch}.safetensors").path)
        let weightsOnly = ModelCheckpoint(path: dir.appendingPathComponent("w.safetensors").path, weightsOnly: true)
        try trainer.fit(DataLoader(data, batchSize: 10), validation: data, epochs: 3, callbacks: [recorder, every, weightsOnly])
        #expect(every.saved == (1...3).map { dir.appendingPathComponent("run-\($0).safetensors").path })
        for epoch in 1...3 {
            let copy = mlp(inputs: 2, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 99))
            let opt = Adam(copy.parameters(), lr: 0.5)
            let c = try TrainingCheckpoint.load(from: every.saved[epoch - 1], model: copy, optimizer: opt)
            #expect(c.epoch == epoch && c.step == 3 * epoch && opt.lr == 0.01)
            #expect(weights(copy) == perEpoch[epoch - 1])
        }
        let last = mlp(inputs: 2, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 99))
        try last.loadWeights(from: weightsOnly.path)
        #expect(weights(last) == perEpoch[2])
        #expect(try Safetensors.read(weightsOnly.path).metadata.filter { $0.key != Safetensors.checksumKey } == ["epoch": "3"])
        // Nothing else was left in the directory (no temporary files).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
                == ["run-1.safetensors", "run-2.safetensors", "run-3.safetensors", "w.safetensors"])
    }

    @Test func modelCheckpointSaveBestOnly() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Script([3, 1, 2, 0.5])
        let model = Linear(2, 1, generator: RandomGenerator(seed: 4))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.05), loss: { mseLoss($0, $1) },
                              metrics: [script.metric])
        var perEpoch: [[Tensor]] = []
        let recorder = LambdaCallback(onEpochEnd: { _, _, t in perEpoch.append(weights(t.model)) })
        let best = ModelCheckpoint(path: dir.appendingPathComponent("best.safetensors").path, monitor: "val_scripted",
                                   saveBestOnly: true, metadata: ["run": "test"])
        let data = line(12)
        try trainer.fit(DataLoader(data, batchSize: 4), validation: data, epochs: 3, callbacks: [script.tracker, recorder, best])
        // Epochs 1 (3) and 2 (1) improve, epoch 3 (2) does not.
        #expect(best.saved.count == 2 && best.best == 1)
        let restored = Linear(2, 1, generator: RandomGenerator(seed: 0))
        let c = try TrainingCheckpoint.load(from: best.path, model: restored, optimizer: nil)
        #expect(c.epoch == 2 && c.metadata == ["monitor": "val_scripted", "best": "1.0", "run": "test"])
        #expect(weights(restored) == perEpoch[1])
        // Resuming continues the epoch and step counters.
        let resumed = Trainer(model: restored, optimizer: SGD(restored.parameters(), lr: 0.05), loss: { mseLoss($0, $1) })
        try resumed.resume(from: best.path)
        #expect(resumed.epoch == 2 && resumed.globalStep == 6)
    }

    // MARK: LR scheduling

    @Test func lrSchedulerCallbackStepsPerEpochWithTheMonitoredValue() throws {
        let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
        let optimizer = SGD(model.parameters(), lr: 0.1)
        let scheduler = HalvingScheduler(optimizer)
        let trainer = Trainer(model: model, optimizer: optimizer)
        let data = blobs(12, seed: 2)
        let history = try trainer.fit(DataLoader(data, batchSize: 4), validation: data, epochs: 3,
                                      callbacks: [LRSchedulerCallback(scheduler, monitor: "val_loss")])
        // `lr` is the rate the epoch trained with; the scheduler halves it after each epoch.
        #expect(history["lr"] == [0.1, 0.05, 0.025])
        #expect(optimizer.lr == 0.0125)
        #expect(scheduler.metrics == history["val_loss"].map { Optional($0) })
    }

    @Test func lrSchedulerCallbackStepsPerBatch() throws {
        let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
        let optimizer = SGD(model.parameters(), lr: 0.1)
        let scheduler = HalvingScheduler(optimizer)
        let trainer = Trainer(model: model, optimizer: optimizer)
        // 3 batches per epoch: 1/8 of the rate after epoch 1, 1/64 after epoch 2.
        let history = try trainer.fit(DataLoader(blobs(12, seed: 2), batchSize: 4), epochs: 2,
                                      callbacks: [LRSchedulerCallback(scheduler, interval: .batch)])
        let expectedLR: [Double] = [0.0125, 0.0015625]
        #expect(history["lr"] == expectedLR)
        #expect(scheduler.metrics.count == 6 && scheduler.metrics.allSatisfy { $0 == nil })
        // A monitored value that is not there is an error naming it.
        let plateau: [any Callback] = [LRSchedulerCallback(HalvingScheduler(optimizer), monitor: "val_loss")]
        let loader = DataLoader(blobs(12, seed: 2), batchSize: 4)
        #expect(throws: ApusError.self) { try trainer.fit(loader, epochs: 1, callbacks: plateau) }
        do {
            try trainer.fit(loader, epochs: 1, callbacks: plateau)
        } catch {
            #expect("\(error)".contains("'val_loss'"))
        }
    }

    // MARK: Progress

    @Test func progressLinesArePlainOnePerEpoch() throws {
        let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1), metrics: [.accuracy])
        var text: [String] = []
        let progress = ProgressBar(style: .lines, output: { text.append($0) })
        let data = blobs(12, seed: 2)
        let history = try trainer.fit(DataLoader(data, batchSize: 4), validation: data, epochs: 2, callbacks: [progress])
        #expect(text == history.logs.enumerated().map { "epoch \($0.offset + 1)/2  \($0.element)\n" })
        #expect(text[0].hasPrefix("epoch 1/2  loss ") && text[0].contains("  accuracy ") && text[0].hasSuffix("  lr 0.1\n"))
        #expect(ProgressBar.epochLine(epoch: 3, epochs: 30, logs: Logs(["loss": 0.25, "lr": 0.05]))
                == "epoch  3/30  loss 0.2500  lr 0.05")
    }

    @Test func progressBarFormatting() {
        // 15 of 45 batches (a third) in 2 s: 480 examples → 240 samples/s; 30 batches left at 2/15 s each → 4 s.
        #expect(ProgressBar.barLine(epoch: 3, epochs: 30, batch: 15, batches: 45, examples: 480, elapsed: 2,
                                    loss: 0.23451, width: 10)
                == "epoch  3/30 [===>......] 15/45  240 samples/s  ETA 4s  loss 0.2345")
        // Done: a full bar and no ETA.
        #expect(ProgressBar.barLine(epoch: 1, epochs: 1, batch: 4, batches: 4, examples: 8, elapsed: 0.5, loss: nil, width: 4)
                == "epoch 1/1 [====] 4/4  16.0 samples/s")
        #expect(ProgressBar.barLine(epoch: 1, epochs: 2, batch: 0, batches: 4, examples: 0, elapsed: 0, loss: nil, width: 4)
                == "epoch 1/2 [....] 0/4")
        #expect(ProgressBar.duration(0.424) == "0.42s" && ProgressBar.duration(7.4) == "7s")
        #expect(ProgressBar.duration(65) == "1:05" && ProgressBar.duration(3723) == "1:02:03")
        #expect(ProgressBar.duration(.infinity) == "?")
        #expect(ProgressBar.rate(1234.4) == "1234" && ProgressBar.rate(12.34) == "12.3" && ProgressBar.rate(1.234) == "1.23")
    }

    @Test func progressBarRedrawsWithAFakeClock() throws {
        let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
        let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
        var text: [String] = []
        var now = 0.0
        // Each clock reading is 0.25 s after the previous one; redraws at most once a second.
        let bar = ProgressBar(style: .bar, width: 4, redrawInterval: 1, output: { text.append($0) },
                              clock: { defer { now += 0.25 }; return now })
        let history = try trainer.fit(DataLoader(blobs(8, seed: 2), batchSize: 2), epochs: 1, callbacks: [bar])
        // Epoch begins at 0; batches end at 0.25 (drawn), 0.5, 0.75 (too soon), 1.0 (last, drawn); the epoch at 1.25.
        #expect(text.count == 3)
        #expect(text[0].hasPrefix("\repoch 1/1 [=>..] 1/4  8.00 samples/s  ETA 0.75s  loss "))
        #expect(text[0].hasSuffix("\u{1B}[K"))
        #expect(text[1].hasPrefix("\repoch 1/1 [====] 4/4  8.00 samples/s  loss "))
        #expect(text[2] == "\repoch 1/1  \(history.logs[0])  (1s)\u{1B}[K\n")
    }
}
