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
    /// Name of an entry of ``optimizers``.
    public var optimizer = "sgd"
    /// Early stopping on validation loss after this many epochs without improvement (best weights restored).
    public var patience: Int? = nil
    /// Where to write a full training checkpoint after every epoch (atomically).
    public var checkpoint: String? = nil
    /// A training checkpoint to continue from (same seed, model and optimizer).
    public var resume: String? = nil

    public init() {}

    /// Datasets `apus train` knows.
    public static let datasets = ["digits"]

    /// An optimizer `apus train --optimizer NAME` can build.
    public struct OptimizerChoice: Sendable {
        public let name: String
        /// The learning rate used when `--lr` is not given.
        public let defaultLR: Double
        public let make: @Sendable ([Parameter], ClassificationRunConfig) -> any Optimizer

        public init(name: String, defaultLR: Double,
                    make: @escaping @Sendable ([Parameter], ClassificationRunConfig) -> any Optimizer) {
            self.name = name
            self.defaultLR = defaultLR
            self.make = make
        }
    }

    /// Optimizers `apus train` knows; adding one is one entry here.
    public static let optimizers: [OptimizerChoice] = [
        OptimizerChoice(name: "sgd", defaultLR: 0.05) { SGD($0, lr: $1.lr, momentum: $1.momentum) },
        OptimizerChoice(name: "adam", defaultLR: 0.001) { Adam($0, lr: $1.lr) },
    ]

    /// The entry of ``optimizers`` named `name`.
    public static func optimizer(named name: String) -> OptimizerChoice? { optimizers.first { $0.name == name } }

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
        guard Self.optimizer(named: optimizer) != nil else {
            throw ApusError.invalidArgument("unknown --optimizer '\(optimizer)'; available: "
                                            + Self.optimizers.map(\.name).joined(separator: ", "))
        }
        if let patience, patience < 0 { throw ApusError.invalidArgument("--patience must be non-negative, got \(patience)") }
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
    /// The epoch early stopping ended training at (`--patience`), nil when it ran to the end.
    public let stoppedEpoch: Int?
    /// The epoch whose weights were kept by early stopping (`--patience`), nil without it; the
    /// train and validation figures are then this epoch's.
    public let bestEpoch: Int?

    public init(dataset: String, model: String, parameters: Int, epochs: Int, trainLoss: Double, trainAccuracy: Double,
                validationAccuracy: Double, testAccuracy: Double, seconds: Double, stoppedEpoch: Int? = nil, bestEpoch: Int? = nil) {
        self.dataset = dataset
        self.model = model
        self.parameters = parameters
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
        self.testAccuracy = testAccuracy
        self.seconds = seconds
        self.stoppedEpoch = stoppedEpoch
        self.bestEpoch = bestEpoch
    }

    enum CodingKeys: String, CodingKey {
        case dataset, model, parameters, epochs, seconds
        case trainLoss = "train_loss", trainAccuracy = "train_accuracy"
        case validationAccuracy = "validation_accuracy", testAccuracy = "test_accuracy"
        case stoppedEpoch = "stopped_epoch", bestEpoch = "best_epoch"
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

/// Trains an MLP classifier as `config` says, on a seeded 80/10/10 train/validation/test split,
/// with ``Trainer`` (cross-entropy, accuracy).
///
/// Everything random (split, initial weights, shuffling) comes from one generator seeded with
/// `config.seed`, so equal configs give equal results. With `config.resume`, model, optimizer and
/// epoch come from the checkpoint and the shuffling generator is advanced past the epochs already
/// run, so training 4 epochs equals training 2, saving, and resuming for 2 more, bit for bit.
/// `callbacks` run after the run's own (early stopping, checkpoint) ones.
public func runClassification(_ config: ClassificationRunConfig, callbacks: [any Callback] = [],
                              onEpoch: @escaping (EpochReport) -> Void = { _ in }) throws -> ClassificationRunResult {
    try config.validate()
    if let path = config.checkpoint {
        // Fail before training, not after the first epoch.
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ApusError.invalidArgument("--checkpoint: directory '\(directory)' does not exist")
        }
    }
    let start = Date()
    let data = try Digits.load()
    let generator = RandomGenerator(seed: config.seed)
    let parts = randomSplit(count: data.count, fractions: [0.8, 0.1, 0.1], generator: generator)
    let (train, validation, test) = (data.subset(parts[0]), data.subset(parts[1]), data.subset(parts[2]))
    let model = mlp(inputs: Digits.features, hidden: config.hidden, outputs: Digits.classes, generator: generator)
    let optimizer = ClassificationRunConfig.optimizer(named: config.optimizer)!.make(model.parameters(), config)
    let trainer = Trainer(model: model, optimizer: optimizer, loss: { crossEntropy($0, $1) }, metrics: [.accuracy])
    let widths = [Digits.features] + config.hidden + [Digits.classes]
    let modelName = "mlp-" + widths.map(String.init).joined(separator: "-")
    let runMetadata = ["model": modelName, "optimizer": config.optimizer, "seed": String(config.seed), "dataset": config.dataset]

    var initialEpoch = 0
    if let path = config.resume {
        let saved = try Safetensors.read(path).metadata
        for key in ["model", "optimizer", "seed"] where saved[key] != nil && saved[key] != runMetadata[key] {
            throw ApusError.invalidArgument("--resume: checkpoint '\(path)' was written with \(key) \(saved[key]!), "
                                            + "this run has \(runMetadata[key]!)")
        }
        try trainer.resume(from: path)
        initialEpoch = trainer.epoch
        guard initialEpoch < config.epochs else {
            throw ApusError.invalidArgument("--resume: checkpoint '\(path)' has finished epoch \(initialEpoch); "
                                            + "--epochs \(config.epochs) leaves nothing to train")
        }
        // Each epoch drew one permutation of the training set: draw them again.
        for _ in 0..<initialEpoch { _ = generator.permutation(train.count) }
    }

    var runCallbacks: [any Callback] = []
    var stopper: EarlyStopping?
    if let patience = config.patience {
        let s = EarlyStopping(monitor: "val_loss", patience: patience, restoreBestWeights: true)
        stopper = s
        runCallbacks.append(s)
    }
    if let path = config.checkpoint {
        runCallbacks.append(ModelCheckpoint(path: path, metadata: runMetadata))
    }
    runCallbacks.append(LambdaCallback(onEpochEnd: { epoch, logs, _ in
        onEpoch(EpochReport(epoch: epoch, trainLoss: logs["loss"]!, trainAccuracy: logs["accuracy"]!,
                            validation: Evaluation(loss: logs["val_loss"]!, accuracy: logs["val_accuracy"]!)))
    }))
    let loader = DataLoader(train, batchSize: config.batchSize, shuffle: true, generator: generator)
    let history = try trainer.fit(loader, validation: validation, epochs: config.epochs, initialEpoch: initialEpoch,
                                  callbacks: runCallbacks + callbacks)
    let testEval = trainer.evaluate(test)
    // With early stopping, report the epoch whose weights were kept (and tested).
    let keptEpoch = stopper.map(\.bestEpoch) ?? 0
    let last = history.epochs.firstIndex(of: keptEpoch).map { history.logs[$0] } ?? history.last!
    return ClassificationRunResult(
        dataset: config.dataset, model: modelName,
        parameters: model.parameterCount, epochs: config.epochs,
        trainLoss: last["loss"]!, trainAccuracy: last["accuracy"]!,
        validationAccuracy: last["val_accuracy"] ?? 0, testAccuracy: testEval["accuracy"]!,
        seconds: Date().timeIntervalSince(start),
        stoppedEpoch: stopper.map { $0.stoppedEpoch > 0 ? $0.stoppedEpoch : nil } ?? nil,
        bestEpoch: stopper?.bestEpoch)
}
