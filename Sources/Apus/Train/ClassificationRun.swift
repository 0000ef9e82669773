import Foundation

/// Settings of a complete classification experiment: data, model, optimizer, schedule.
///
/// This is what `apus train` runs; ``validate()`` rejects out-of-range values with a message
/// that names the setting.
public struct ClassificationRunConfig: Sendable {
    public var dataset = "digits"
    public var epochs = 30
    public var batchSize = 32
    public var lr = 0.05
    public var momentum = 0.9
    public var seed: UInt64 = 0
    public var hidden = [128, 64]

    public init() {}

    /// Datasets `apus train` knows.
    public static let datasets = ["digits"]

    /// Throws ``ApusError/invalidArgument(_:)`` or ``ApusError/unknownDataset(_:known:)`` for bad settings.
    public func validate() throws {
        guard Self.datasets.contains(dataset) else { throw ApusError.unknownDataset(dataset, known: Self.datasets) }
        guard epochs >= 1 else { throw ApusError.invalidArgument("--epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw ApusError.invalidArgument("--batch-size must be at least 1, got \(batchSize)") }
        guard lr.isFinite && lr > 0 else { throw ApusError.invalidArgument("--lr must be a positive number, got \(lr)") }
        guard momentum.isFinite && momentum >= 0 && momentum < 1 else {
            throw ApusError.invalidArgument("--momentum must be in [0, 1), got \(momentum)")
        }
        guard hidden.allSatisfy({ $0 >= 1 }) else {
            throw ApusError.invalidArgument("--hidden sizes must be at least 1, got \(hidden)")
        }
    }
}

/// The outcome of a run; encodes to the JSON object `apus train --json` prints.
public struct ClassificationRunResult: Codable, Sendable, Equatable {
    public let dataset: String
    public let model: String
    public let parameters: Int
    public let epochs: Int
    public let trainLoss: Double
    public let trainAccuracy: Double
    public let validationAccuracy: Double
    public let testAccuracy: Double
    public let seconds: Double

    enum CodingKeys: String, CodingKey {
        case dataset, model, parameters, epochs, seconds
        case trainLoss = "train_loss", trainAccuracy = "train_accuracy"
        case validationAccuracy = "validation_accuracy", testAccuracy = "test_accuracy"
    }

    /// One line of JSON with sorted keys.
    ///
    /// A diverged run's NaN or infinite loss, which JSON numbers cannot hold, is written as the
    /// string "NaN", "Infinity" or "-Infinity".
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

/// Trains an MLP classifier as `config` says, on a seeded 80/10/10 train/validation/test split.
///
/// Everything random (split, initial weights, shuffling) comes from one generator seeded with
/// `config.seed`, so equal configs give equal results.
public func runClassification(_ config: ClassificationRunConfig,
                              onEpoch: (EpochReport) -> Void = { _ in }) throws -> ClassificationRunResult {
    try config.validate()
    let start = Date()
    let data = try Digits.load()
    let generator = RandomGenerator(seed: config.seed)
    let parts = randomSplit(count: data.count, fractions: [0.8, 0.1, 0.1], generator: generator)
    let (train, validation, test) = (data.subset(parts[0]), data.subset(parts[1]), data.subset(parts[2]))
    let model = mlp(inputs: Digits.features, hidden: config.hidden, outputs: Digits.classes, generator: generator)
    let optimizer = SGD(model.parameters(), lr: config.lr, momentum: config.momentum)
    let trainer = ClassifierTrainer(model: model, optimizer: optimizer)
    let loader = DataLoader(train, batchSize: config.batchSize, shuffle: true, generator: generator)
    let reports = trainer.fit(loader, validation: validation, epochs: config.epochs, onEpoch: onEpoch)
    let testEval = trainer.evaluate(on: test)
    let last = reports.last!
    let widths = [Digits.features] + config.hidden + [Digits.classes]
    return ClassificationRunResult(
        dataset: config.dataset, model: "mlp-" + widths.map(String.init).joined(separator: "-"),
        parameters: model.parameterCount, epochs: config.epochs,
        trainLoss: last.trainLoss, trainAccuracy: last.trainAccuracy,
        validationAccuracy: last.validation?.accuracy ?? 0, testAccuracy: testEval.accuracy,
        seconds: Date().timeIntervalSince(start))
}
