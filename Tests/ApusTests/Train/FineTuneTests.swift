import Testing
@testable import Apus

// Trainer.fineTune and FineTuneSchedule: head-only epochs leave the body (weights and batch-norm
// statistics) untouched, then every layer trains at scaled rates.

/// 48 one-channel 6×6 images, dark (class 0) or bright (class 1), with noise.
private func brightness(seed: UInt64 = 0) -> TensorDataset {
    let g = RandomGenerator(seed: seed)
    let labels = Tensor.randint(0, 2, shape: [48], generator: g)
    let level = labels.cast(to: .float32).reshape([48, 1, 1, 1])
    return TensorDataset(inputs: level + Tensor.normal([48, 1, 6, 6], std: 0.3, generator: g), targets: labels)
}

private func floats(_ state: [(name: String, tensor: Tensor)]) -> [[Double]] { state.map { $0.tensor.toDoubles() } }

@Test func fineTuneTrainsTheHeadAloneThenEveryLayerAtScaledRates() throws {
    let model = TinyClassifier(classes: 2, generator: RandomGenerator(seed: 1))
    let trainer = Trainer(model: model, optimizer: Adam(model.parameterGroups(body: 0.01, head: 0.1)), metrics: [.accuracy])
    let initialBody = floats(model.body.stateDict())
    let initialHead = floats(model.head.stateDict())
    var bodyAfter: [Int: [[Double]]] = [:], rates: [Int: [Double]] = [:]
    let probe = LambdaCallback(onEpochEnd: { epoch, _, trainer in
        bodyAfter[epoch] = floats(model.body.stateDict())
        rates[epoch] = trainer.optimizer.learningRates
    })
    let history = try trainer.fineTune(DataLoader(brightness(), batchSize: 16, shuffle: true, generator: RandomGenerator(seed: 2)),
                                       validation: brightness(seed: 3), epochs: 2, freezeEpochs: 2, callbacks: [probe])
    #expect(history.epochs == [1, 2, 3, 4])
    // Epochs 1–2: the body, batch-norm statistics included, is exactly as it started; the head learns.
    #expect(bodyAfter[1] == initialBody && bodyAfter[2] == initialBody)
    #expect(floats(model.head.stateDict()) != initialHead)
    // Epochs 3–4: everything trains, at half the rates.
    #expect(bodyAfter[3] != initialBody)
    #expect(rates[2] == [0.1, 0.01] && rates[3] == [0.05, 0.005] && rates[4] == [0.05, 0.005])
    #expect(history["lr"] == [0.1, 0.1, 0.05, 0.05])
    #expect(model.trainableParameters().count == model.parameters().count && !model.body.isFrozen)
}

@Test func fineTuneScheduleDecidesFromTheEpochNumberSoThatResumingWorks() throws {
    let model = TinyClassifier(classes: 2)
    let trainer = Trainer(model: model, optimizer: SGD(model.parameterGroups(body: 0.02, head: 0.2)))
    let schedule = FineTuneSchedule(model: model, head: model.classifierHeads, freezeEpochs: 3, unfreezeLRFactor: 0.25)
    try schedule.onEpochBegin(2, trainer: trainer)
    #expect(model.body.isFrozen && model.trainableParameters().count == 2 && trainer.optimizer.learningRates == [0.2, 0.02])
    // A run resumed after epoch 3 starts the unfrozen stage: rates scaled once, not again at epoch 5.
    try schedule.onEpochBegin(4, trainer: trainer)
    #expect(!model.body.isFrozen && trainer.optimizer.learningRates == [0.05, 0.005])
    try schedule.onEpochBegin(5, trainer: trainer)
    #expect(trainer.optimizer.learningRates == [0.05, 0.005])
    // One resumed in the first stage freezes again.
    try schedule.onEpochBegin(1, trainer: trainer)
    #expect(model.body.isFrozen)
    #expect(schedule.isFrozen(epoch: 3) && !schedule.isFrozen(epoch: 4))
}

@Test func fineTuneWithAnExplicitHead() throws {
    let body = Sequential(Flatten(), Linear(36, 8, generator: RandomGenerator(seed: 0)), ReLU())
    let head = Linear(8, 2, generator: RandomGenerator(seed: 1))
    let model = Sequential(body, head)
    let trainer = Trainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1, momentum: 0.9, weightDecay: 0.01))
    let before = floats(body.stateDict())
    try trainer.fineTune(DataLoader(brightness(), batchSize: 16), epochs: 0, freezeEpochs: 1, head: [head])
    #expect(floats(body.stateDict()) == before && trainer.epoch == 1)
}
