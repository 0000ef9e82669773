import Foundation
import Testing
@testable import Apus

// MARK: - accuracy

@Test func accuracyOnHandMadeLogits() {
    let logits = Tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    // Predictions 1, 0, 1, 0 against labels 1, 0, 0, 1: two right.
    #expect(accuracy(logits, Tensor([1, 0, 0, 1])) == 0.5)
    #expect(accuracy(logits, Tensor([1, 0, 1, 0])) == 1)
    #expect(accuracy(logits, Tensor([0, 1, 0, 1])) == 0)

    let three = Tensor([[-1.0, 5.0, 2.0], [3.0, 2.9, -7.0], [0.0, 0.0, 0.5]])
    // Predictions 1, 0, 2.
    #expect(accuracy(three, Tensor([1, 0, 2])) == 1)
    #expect(abs(accuracy(three, Tensor([1, 1, 1])) - 1.0 / 3) < 1e-15)
}

@Test func accuracyOfEmptyBatchIsZero() {
    #expect(accuracy(Tensor.zeros([0, 3]), Tensor(scalars: [Int64]())) == 0)
}

// MARK: - ClassifierTrainer

@Test func classifierTrainerSeparatesTwoBlobs() {
    let g = RandomGenerator(seed: 10)
    let train = blobs(200, seed: 1), test = blobs(100, seed: 2)
    let model = mlp(inputs: 2, hidden: [8], outputs: 2, generator: g)
    let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1, momentum: 0.9))
    let before = trainer.evaluate(on: test)
    var seen: [EpochReport] = []
    let reports = trainer.fit(DataLoader(train, batchSize: 16, shuffle: true, generator: g),
                              validation: test, epochs: 10) { seen.append($0) }
    #expect(reports == seen)
    #expect(reports.map(\.epoch) == Array(1...10))
    #expect(reports.allSatisfy { $0.validation != nil && $0.trainLoss.isFinite })
    #expect(reports.last!.trainLoss < reports.first!.trainLoss)
    #expect(reports.last!.trainAccuracy >= 0.95)

    let after = trainer.evaluate(on: test)
    #expect(after.accuracy >= 0.95)
    #expect(after.loss < before.loss)
    #expect(after == reports.last!.validation)
    #expect(model.training)
}

@Test func evaluateOnKnownModel() {
    // Identity weights: logits are the inputs.
    let layer = Linear(2, 2, generator: RandomGenerator(seed: 0))
    layer.weight.assign(Tensor([[1.0, 0.0], [0.0, 1.0]]))
    layer.bias!.assign(Tensor([0.0, 0.0]))
    let data = TensorDataset(inputs: Tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]]), targets: Tensor([0, 1, 1]))
    let trainer = ClassifierTrainer(model: layer, optimizer: SGD(layer.parameters(), lr: 0.1))
    // Predictions 0, 1, 0 → 2/3 right.
    // Losses: rows 0 and 1 give log(1 + e⁻¹); row 2 (label 1) gives log(e² + e) − 1 = log(1 + e).
    let expectedLoss = (2 * log(1 + exp(-1.0)) + log(1 + exp(1.0))) / 3
    for batchSize in [512, 2, 1] {
        let e = trainer.evaluate(on: data, batchSize: batchSize)
        #expect(abs(e.accuracy - 2.0 / 3) < 1e-12)
        #expect(abs(e.loss - expectedLoss) < 1e-6)
    }
    // Evaluation records no gradients and leaves the model in training mode.
    #expect(layer.weight.grad == nil && layer.bias!.grad == nil)
    #expect(layer.training)
}

@Test func fitWithZeroEpochsDoesNothing() {
    let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
    let w = model.weight.value.toDoubles()
    let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
    let reports = trainer.fit(DataLoader(blobs(10, seed: 1), batchSize: 4), epochs: 0)
    #expect(reports.isEmpty)
    #expect(model.weight.value.toDoubles() == w)
}

@Test func fitReportsWeightedMeanLoss() {
    // lr 0: the model does not move, so each batch's loss is known in advance.
    let layer = Linear(2, 2, generator: RandomGenerator(seed: 0))
    layer.weight.assign(Tensor([[1.0, 0.0], [0.0, 1.0]]))
    layer.bias!.assign(Tensor([0.0, 0.0]))
    let data = TensorDataset(inputs: Tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]]), targets: Tensor([0, 1, 1]))
    let trainer = ClassifierTrainer(model: layer, optimizer: SGD(layer.parameters(), lr: 0))
    // Batches of 2 and 1: the epoch loss weights each batch by its size, giving the dataset mean.
    let reports = trainer.fit(DataLoader(data, batchSize: 2), epochs: 1)
    #expect(reports.count == 1 && reports[0].validation == nil)
    let expectedLoss = (2 * log(1 + exp(-1.0)) + log(1 + exp(1.0))) / 3
    #expect(abs(reports[0].trainLoss - expectedLoss) < 1e-6)
    #expect(abs(reports[0].trainAccuracy - 2.0 / 3) < 1e-12)
}

// MARK: - ClassificationRunConfig.validate

private func expectInvalid(_ edit: (inout ClassificationRunConfig) -> Void, mentions: [String],
                           sourceLocation: SourceLocation = #_sourceLocation) {
    var config = ClassificationRunConfig()
    edit(&config)
    do {
        try config.validate()
        Issue.record("validate() accepted an invalid config", sourceLocation: sourceLocation)
    } catch let error as ApusError {
        guard case .invalidArgument(let message) = error else {
            Issue.record("expected invalidArgument, got \(error)", sourceLocation: sourceLocation)
            return
        }
        for m in mentions {
            #expect(message.contains(m), "message '\(message)' should mention '\(m)'", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected ApusError, got \(error)", sourceLocation: sourceLocation)
    }
}

@Test func defaultConfigIsValid() throws {
    let c = ClassificationRunConfig()
    #expect(c.dataset == "digits" && c.epochs == 30 && c.batchSize == 32)
    #expect(c.lr == 0.05 && c.momentum == 0.9 && c.hidden == [128, 64])
    try c.validate()
    var edge = c
    edge.momentum = 0
    edge.epochs = 1
    edge.batchSize = 1
    edge.hidden = []        // a linear classifier is fine
    try edge.validate()
}

@Test func validateRejectsBadEpochsAndBatchSize() {
    expectInvalid({ $0.epochs = -1 }, mentions: ["--epochs", "-1"])
    expectInvalid({ $0.epochs = 0 }, mentions: ["--epochs", "0"])
    expectInvalid({ $0.batchSize = 0 }, mentions: ["--batch-size", "0"])
    expectInvalid({ $0.batchSize = -3 }, mentions: ["--batch-size", "-3"])
}

@Test func validateRejectsBadLearningRate() {
    expectInvalid({ $0.lr = 0 }, mentions: ["--lr"])
    expectInvalid({ $0.lr = -0.1 }, mentions: ["--lr", "-0.1"])
    expectInvalid({ $0.lr = .nan }, mentions: ["--lr", "nan"])
    expectInvalid({ $0.lr = .infinity }, mentions: ["--lr"])
}

@Test func validateRejectsBadMomentum() {
    expectInvalid({ $0.momentum = 1 }, mentions: ["--momentum", "1"])
    expectInvalid({ $0.momentum = 1.5 }, mentions: ["--momentum", "1.5"])
    expectInvalid({ $0.momentum = -0.1 }, mentions: ["--momentum"])
    expectInvalid({ $0.momentum = .nan }, mentions: ["--momentum"])
}

@Test func validateRejectsBadHiddenSizes() {
    expectInvalid({ $0.hidden = [0] }, mentions: ["--hidden", "0"])
    expectInvalid({ $0.hidden = [16, 0] }, mentions: ["--hidden"])
    expectInvalid({ $0.hidden = [-4] }, mentions: ["--hidden"])
}

@Test func validateRejectsUnknownDataset() {
    var config = ClassificationRunConfig()
    config.dataset = "nope"
    #expect(throws: ApusError.unknownDataset("nope", known: ["digits"])) { try config.validate() }
    let message = ApusError.unknownDataset("nope", known: ClassificationRunConfig.datasets).description
    #expect(message.contains("nope") && message.contains("digits"))
    // runClassification validates before doing anything.
    #expect(throws: ApusError.unknownDataset("nope", known: ["digits"])) { try runClassification(config) }
}

// MARK: - runClassification

private func smallConfig(seed: UInt64) -> ClassificationRunConfig {
    var c = ClassificationRunConfig()
    c.epochs = 4
    c.hidden = [16]
    c.seed = seed
    return c
}

/// The result with `seconds` zeroed, for comparing runs.
private func timeless(_ r: ClassificationRunResult) -> ClassificationRunResult {
    ClassificationRunResult(dataset: r.dataset, model: r.model, parameters: r.parameters, epochs: r.epochs,
                            trainLoss: r.trainLoss, trainAccuracy: r.trainAccuracy,
                            validationAccuracy: r.validationAccuracy, testAccuracy: r.testAccuracy, seconds: 0)
}

@Test func runClassificationIsDeterministicPerSeed() throws {
    var epochs: [EpochReport] = []
    let a = try runClassification(smallConfig(seed: 7), onEpoch: { epochs.append($0) })
    let b = try runClassification(smallConfig(seed: 7))
    let c = try runClassification(smallConfig(seed: 8))

    #expect(timeless(a) == timeless(b))
    #expect(a.trainLoss != c.trainLoss)

    #expect(a.dataset == "digits")
    #expect(a.model == "mlp-64-16-10")
    // 64·16 + 16 + 16·10 + 10
    #expect(a.parameters == 1210)
    #expect(a.epochs == 4)
    #expect(epochs.map(\.epoch) == [1, 2, 3, 4])
    #expect(epochs.last!.trainLoss == a.trainLoss)
    #expect(epochs.last!.trainAccuracy == a.trainAccuracy)
    #expect(epochs.last!.validation?.accuracy == a.validationAccuracy)
    #expect(a.seconds > 0)
    for r in [a, c] {
        #expect(r.trainLoss.isFinite && r.trainLoss > 0)
        // Even four epochs of a small MLP learn the digits far beyond chance (0.1).
        #expect(r.testAccuracy > 0.8)
    }
}

@Test func runClassificationWithDefaultConfigReachesHighTestAccuracy() throws {
    let r = try runClassification(ClassificationRunConfig())
    #expect(r.model == "mlp-64-128-64-10")
    // 64·128 + 128 + 128·64 + 64 + 64·10 + 10
    #expect(r.parameters == 17226)
    #expect(r.epochs == 30)
    #expect(r.testAccuracy >= 0.95)
    #expect(r.validationAccuracy >= 0.9)
    #expect(r.trainAccuracy >= 0.95)
}

// MARK: - Result JSON

@Test func resultJSONHasSortedSnakeCaseKeys() throws {
    let r = ClassificationRunResult(dataset: "digits", model: "mlp-64-10", parameters: 650, epochs: 2,
                                    trainLoss: 0.25, trainAccuracy: 0.5, validationAccuracy: 0.75,
                                    testAccuracy: 0.875, seconds: 1.5)
    let json = r.json()
    #expect(!json.contains("\n"))
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(Set(object.keys) == ["dataset", "model", "parameters", "epochs", "train_loss", "train_accuracy",
                                 "validation_accuracy", "test_accuracy", "seconds"])
    #expect(object["dataset"] as? String == "digits")
    #expect(object["train_loss"] as? Double == 0.25)
    #expect(object["test_accuracy"] as? Double == 0.875)
    #expect(object["epochs"] as? Int == 2)
    // Sorted keys: "dataset" < "epochs" < "model" < … < "validation_accuracy".
    #expect(json.hasPrefix("{\"dataset\":\"digits\",\"epochs\":2,\"model\":"))
    #expect(json.hasSuffix("\"validation_accuracy\":0.75}"))
    #expect(try JSONDecoder().decode(ClassificationRunResult.self, from: Data(json.utf8)) == r)
}

@Test func resultJSONSurvivesDivergedTraining() throws {
    // A run with a huge learning rate ends with a NaN or infinite loss; its JSON must still be valid.
    let r = ClassificationRunResult(dataset: "digits", model: "mlp-64-10", parameters: 650, epochs: 1,
                                    trainLoss: .nan, trainAccuracy: 0.1, validationAccuracy: 0.1,
                                    testAccuracy: 0.1, seconds: 1)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(r.json().utf8)) as? [String: Any])
    #expect(object["train_loss"] as? String == "NaN")
    #expect(object["test_accuracy"] as? Double == 0.1)
    let inf = ClassificationRunResult(dataset: "digits", model: "m", parameters: 1, epochs: 1, trainLoss: .infinity,
                                      trainAccuracy: 0, validationAccuracy: 0, testAccuracy: 0, seconds: 0)
    let o2 = try #require(try JSONSerialization.jsonObject(with: Data(inf.json().utf8)) as? [String: Any])
    #expect(o2["train_loss"] as? String == "Infinity")
}

@Test func evaluateRestoresThePreviousMode() {
    let model = mlp(inputs: 2, hidden: [3], outputs: 2, generator: RandomGenerator(seed: 1))
    let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
    let data = blobs(6, seed: 3)
    model.eval()
    _ = trainer.evaluate(on: data)
    #expect(!model.training && model.layers.allSatisfy { !$0.training })
    model.train()
    _ = trainer.evaluate(on: data)
    #expect(model.training && model.layers.allSatisfy { $0.training })
}

@Test func evaluateOnEmptyDataset() {
    let model = Linear(2, 2, generator: RandomGenerator(seed: 1))
    let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
    let empty = TensorDataset(inputs: Tensor.zeros([0, 2]), targets: Tensor(scalars: [Int64]()))
    #expect(trainer.evaluate(on: empty) == Evaluation(loss: 0, accuracy: 0))
    #expect(DataLoader(empty, batchSize: 4).count == 0)
    #expect(trainer.fit(DataLoader(empty, batchSize: 4), epochs: 1).map(\.trainLoss) == [0])
}
