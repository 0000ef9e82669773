import Foundation

/// Settings of a complete classification experiment: data, model, optimizer, schedule.
///
/// This is what `apus train` runs; ``validate()`` rejects out-of-range values with a message
/// that names the setting.
public struct ClassificationRunConfig: Sendable {
    public var dataset = "digits"
    /// `mlp` (built from ``hidden`` and the options below) or a name the caller's model factory knows.
    public var model = "mlp"
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

    /// Weight decay of the optimizer (≥ 0); nil: 0, or PyTorch's 0.01 for `adamw`. Coupled
    /// (`g ← g + λw`) for sgd, adam, rmsprop and adagrad; decoupled (`w ← w − lr·λ·w`) for adamw.
    public var weightDecay: Double? = nil
    /// Learning-rate schedule, an entry of ``lrSchedules``, stepped once per epoch.
    public var lrSchedule = "none"
    /// `step`: epochs between decays; `plateau`: epochs without a `val_loss` improvement before a
    /// reduction (PyTorch's `patience`). nil: 10.
    public var lrStep: Int? = nil
    /// Decay factor of `step`, `exponential` and `plateau`, in (0, 1). nil: 0.1 for step and
    /// plateau, 0.95 for exponential.
    public var lrGamma: Double? = nil
    /// Epochs of linear warm-up before the schedule: epoch k ≤ warmup trains at `lr·k/(warmup+1)`.
    public var warmup = 0
    /// Drop probability of a ``Dropout`` after every hidden activation, in [0, 1); 0: no dropout layers.
    public var dropout = 0.0
    /// A ``BatchNorm1d`` after every hidden ``Linear``, before its activation.
    public var batchNorm = false
    /// Hidden activation, an entry of ``activations``.
    public var activation = "relu"
    /// Weight initialiser of every ``Linear``, an entry of ``initializers``.
    public var initializer = "default"
    /// Coefficient λ₁ of the penalty `λ₁·Σ|w|` over the Linear layers' weights (not biases) added to each training batch's loss.
    public var l1 = 0.0
    /// Coefficient λ₂ of the penalty `λ₂·Σw²` (no ½) over the Linear layers' weights added to each training batch's loss.
    public var l2 = 0.0
    /// Clip the gradients to this joint L2 norm before every step; nil: no clipping.
    public var clipNorm: Double? = nil
    /// A directory for TensorBoard event files (``TensorBoardCallback``); nil: none.
    public var logDirectory: String? = nil
    /// A CSV file with one row per epoch (``CSVLoggerCallback``); nil: none.
    public var csvLog: String? = nil
    /// Background threads reading training batches ahead of the loop (``DataLoader/workers``).
    public var workers = 0

    public init() {}

    /// Learning-rate schedules `--lr-schedule` knows.
    public static let lrSchedules = ["none", "step", "exponential", "cosine", "plateau"]
    /// Hidden activations `--activation` knows.
    public static let activations = ["relu", "leaky-relu", "elu", "selu", "tanh", "sigmoid", "gelu", "silu"]
    /// Weight initialisers `--init` knows: `default` (PyTorch's Linear: U(−1/√in, 1/√in)), `xavier`
    /// (Glorot uniform), `he` (Kaiming normal with the activation's gain; LeCun normal for selu),
    /// `lecun` (LeCun normal). The non-default ones start biases at zero.
    public static let initializers = ["default", "xavier", "he", "lecun"]

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
        OptimizerChoice(name: "sgd", defaultLR: 0.05) {
            SGD($0, lr: $1.lr, momentum: $1.momentum, weightDecay: $1.weightDecay ?? 0)
        },
        OptimizerChoice(name: "adam", defaultLR: 0.001) { Adam($0, lr: $1.lr, weightDecay: $1.weightDecay ?? 0) },
        OptimizerChoice(name: "adamw", defaultLR: 0.001) { AdamW($0, lr: $1.lr, weightDecay: $1.weightDecay ?? 0.01) },
        OptimizerChoice(name: "rmsprop", defaultLR: 0.01) { RMSprop($0, lr: $1.lr, weightDecay: $1.weightDecay ?? 0) },
        OptimizerChoice(name: "adagrad", defaultLR: 0.01) { Adagrad($0, lr: $1.lr, weightDecay: $1.weightDecay ?? 0) },
    ]

    /// The entry of ``optimizers`` named `name`.
    public static func optimizer(named name: String) -> OptimizerChoice? { optimizers.first { $0.name == name } }

    /// Throws ``ApusError/invalidArgument(_:)`` or ``ApusError/unknownDataset(_:known:)`` for bad
    /// settings; `knownDatasets` are the dataset names the caller can provide.
    public func validate(knownDatasets: [String] = datasets) throws {
        guard knownDatasets.contains(dataset) else { throw ApusError.unknownDataset(dataset, known: knownDatasets) }
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
        if let weightDecay, !(weightDecay.isFinite && weightDecay >= 0) {
            throw ApusError.invalidArgument("--weight-decay must be a non-negative number, got \(weightDecay)")
        }
        guard Self.lrSchedules.contains(lrSchedule) else {
            throw ApusError.invalidArgument("unknown --lr-schedule '\(lrSchedule)'; available: " + Self.lrSchedules.joined(separator: ", "))
        }
        if let lrStep {
            guard ["step", "plateau"].contains(lrSchedule) else {
                throw ApusError.invalidArgument("--lr-step is used by --lr-schedule step and plateau, not \(lrSchedule)")
            }
            guard lrStep >= 1 else { throw ApusError.invalidArgument("--lr-step must be at least 1, got \(lrStep)") }
        }
        if let lrGamma {
            guard ["step", "exponential", "plateau"].contains(lrSchedule) else {
                throw ApusError.invalidArgument("--lr-gamma is used by --lr-schedule step, exponential and plateau, not \(lrSchedule)")
            }
            guard lrGamma > 0 && lrGamma < 1 else { throw ApusError.invalidArgument("--lr-gamma must be in (0, 1), got \(lrGamma)") }
        }
        guard warmup >= 0 && warmup < epochs else {
            throw ApusError.invalidArgument("--warmup must be at least 0 and less than --epochs (\(epochs)), got \(warmup)")
        }
        guard dropout.isFinite && dropout >= 0 && dropout < 1 else {
            throw ApusError.invalidArgument("--dropout must be in [0, 1), got \(dropout)")
        }
        guard Self.activations.contains(activation) else {
            throw ApusError.invalidArgument("unknown --activation '\(activation)'; available: " + Self.activations.joined(separator: ", "))
        }
        guard Self.initializers.contains(initializer) else {
            throw ApusError.invalidArgument("unknown --init '\(initializer)'; available: " + Self.initializers.joined(separator: ", "))
        }
        guard l1.isFinite && l1 >= 0 else { throw ApusError.invalidArgument("--l1 must be a non-negative number, got \(l1)") }
        guard l2.isFinite && l2 >= 0 else { throw ApusError.invalidArgument("--l2 must be a non-negative number, got \(l2)") }
        if let clipNorm, !(clipNorm.isFinite && clipNorm > 0) {
            throw ApusError.invalidArgument("--clip-norm must be a positive number, got \(clipNorm)")
        }
        guard (0...Self.maxWorkers).contains(workers) else {
            throw ApusError.invalidArgument("--workers must be in 0...\(Self.maxWorkers), got \(workers)")
        }
    }

    /// The most data-loading threads a run may ask for.
    public static let maxWorkers = 64

    /// The schedule as written into checkpoints and the JSON summary, e.g. `step(10, 0.1)+warmup(2)`.
    public var lrScheduleDescription: String {
        var d: String
        switch lrSchedule {
        case "step": d = "step(\(lrStep ?? 10), \(lrGamma ?? 0.1))"
        case "exponential": d = "exponential(\(lrGamma ?? 0.95))"
        case "cosine": d = "cosine(\(epochs - warmup))"
        case "plateau": d = "plateau(\(lrStep ?? 10), \(lrGamma ?? 0.1))"
        default: d = "none"
        }
        if warmup > 0 { d += "+warmup(\(warmup))" }
        return d
    }

    /// The settings that change the model or its training, as recorded in checkpoints: resuming
    /// with other values is an error.
    var trainingOptions: [String: String] {
        ["activation": activation, "batch_norm": String(batchNorm), "dropout": String(dropout), "init": initializer,
         "weight_decay": String(weightDecay ?? (optimizer == "adamw" ? 0.01 : 0)), "lr_schedule": lrScheduleDescription,
         "l1": String(l1), "l2": String(l2), "clip_norm": clipNorm.map { String($0) } ?? "none"]
    }

    /// The MLP this config trains: for each hidden width `Linear → [BatchNorm1d] → activation →
    /// [Dropout]`, then a final `Linear`; weights drawn from `generator` in layer order, dropout
    /// masks from `dropoutGenerator`.
    public func makeModel(inputs: Int, outputs: Int, generator: RandomGenerator,
                          dropoutGenerator: RandomGenerator = .default) -> Sequential {
        let (hiddenInit, outputInit) = Self.initializers(initializer, activation: activation)
        let biasInit: Initializer? = initializer == "default" ? nil : .zeros
        var layers: [Module] = []
        var width = inputs
        for h in hidden {
            layers.append(Linear(width, h, weightInitializer: hiddenInit, biasInitializer: biasInit, generator: generator))
            if batchNorm { layers.append(BatchNorm1d(h)) }
            layers.append(Self.activationLayer(activation))
            if dropout > 0 { layers.append(Dropout(p: dropout, generator: dropoutGenerator)) }
            width = h
        }
        layers.append(Linear(width, outputs, weightInitializer: outputInit, biasInitializer: biasInit, generator: generator))
        return Sequential(layers)
    }

    static func activationLayer(_ name: String) -> Module {
        switch name {
        case "leaky-relu": LeakyReLU()
        case "elu": ELU()
        case "selu": SELU()
        case "tanh": Tanh()
        case "sigmoid": Sigmoid()
        case "gelu": GELU()
        case "silu": SiLU()
        default: ReLU()
        }
    }

    /// Initialisers of the hidden and output layers' weights (nil: PyTorch's default).
    static func initializers(_ name: String, activation: String) -> (hidden: Initializer?, output: Initializer?) {
        switch name {
        case "xavier": return (.xavierUniform(), .xavierUniform())
        case "lecun": return (.lecunNormal, .lecunNormal)
        case "he":
            let nonlinearity: Nonlinearity
            switch activation {
            case "selu": return (.lecunNormal, .lecunNormal)
            case "leaky-relu": nonlinearity = .leakyRelu
            case "tanh": nonlinearity = .tanh
            case "sigmoid": nonlinearity = .sigmoid
            default: nonlinearity = .relu
            }
            let a = activation == "leaky-relu" ? 0.01 : 0
            return (.kaimingNormal(a: a, nonlinearity: nonlinearity), .kaimingNormal(nonlinearity: .linear))
        default: return (nil, nil)
        }
    }

    /// The learning-rate schedule for `optimizer` (nil for `none` without warm-up); creating it
    /// sets the epoch-1 learning rate.
    func makeScheduler(_ optimizer: any Optimizer) -> (any LRScheduler)? {
        let warmupLR: LinearLR? = warmup > 0
            ? LinearLR(optimizer, startFactor: 1 / Double(warmup + 1), endFactor: 1, totalIters: warmup) : nil
        let main: (any ClosedFormLRScheduler)?
        switch lrSchedule {
        case "step": main = StepLR(optimizer, stepSize: lrStep ?? 10, gamma: lrGamma ?? 0.1)
        case "exponential": main = ExponentialLR(optimizer, gamma: lrGamma ?? 0.95)
        case "cosine": main = CosineAnnealingLR(optimizer, tMax: epochs - warmup)
        case "plateau":
            let plateau = ReduceLROnPlateau(optimizer, factor: lrGamma ?? 0.1, patience: lrStep ?? 10)
            guard let warmupLR else { return plateau }
            return WarmupThenPlateau(warmup: warmupLR, epochs: warmup, then: plateau)
        default: main = nil
        }
        guard let warmupLR else { return main }
        guard let main else { return warmupLR }
        return SequentialLR(optimizer, schedulers: [warmupLR, main], milestones: [warmup])
    }
}

/// A linear warm-up for a fixed number of steps, then ``ReduceLROnPlateau`` (which
/// ``SequentialLR`` cannot chain: it is not a closed-form schedule).
final class WarmupThenPlateau: LRScheduler {
    let warmup: LinearLR
    let warmupEpochs: Int
    let plateau: ReduceLROnPlateau
    var lastEpoch = 0
    var optimizer: any Optimizer { plateau.optimizer }

    init(warmup: LinearLR, epochs: Int, then plateau: ReduceLROnPlateau) {
        self.warmup = warmup
        self.warmupEpochs = epochs
        self.plateau = plateau
    }

    func step(metric: Double?) {
        lastEpoch += 1
        if lastEpoch <= warmupEpochs { warmup.step() } else { plateau.step(metric: metric) }
    }

    func stateDict() -> [(name: String, tensor: Tensor)] {
        [("last_epoch", SchedulerState.scalar(Double(lastEpoch)))]
            + warmup.stateDict().map { ("warmup." + $0.name, $0.tensor) }
            + plateau.stateDict().map { ("plateau." + $0.name, $0.tensor) }
    }

    func loadStateDict(_ state: [String: Tensor]) throws {
        func part(_ prefix: String) -> [String: Tensor] {
            Dictionary(uniqueKeysWithValues: state.filter { $0.key.hasPrefix(prefix) }.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
        }
        guard let last = state["last_epoch"] else {
            throw ApusError.stateMismatch(StateMismatch(missing: ["last_epoch"]))
        }
        let rates = optimizer.learningRates
        try warmup.loadStateDict(part("warmup."))
        try plateau.loadStateDict(part("plateau."))
        lastEpoch = SchedulerState.int(last)
        // After the warm-up the optimizer's (possibly reduced) rates are the truth, not the warm-up's end.
        if lastEpoch > warmupEpochs { optimizer.learningRates = rates }
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
    /// The optimizer's name (`sgd`, `adamw`, …).
    public let optimizer: String?
    /// The learning-rate schedule (``ClassificationRunConfig/lrScheduleDescription``).
    public let lrSchedule: String?
    /// The learning rate of the last epoch trained.
    public let lastLR: Double?
    /// Fraction of test examples whose label is among the five highest logits (nil below six classes).
    public var testTop5Accuracy: Double? = nil
    /// The class names in index order, when the data names them (an image folder's subfolders).
    public var classes: [String]? = nil

    public init(dataset: String, model: String, parameters: Int, epochs: Int, trainLoss: Double, trainAccuracy: Double,
                validationAccuracy: Double, testAccuracy: Double, seconds: Double, stoppedEpoch: Int? = nil, bestEpoch: Int? = nil,
                optimizer: String? = nil, lrSchedule: String? = nil, lastLR: Double? = nil, testTop5Accuracy: Double? = nil,
                classes: [String]? = nil) {
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
        self.optimizer = optimizer
        self.lrSchedule = lrSchedule
        self.lastLR = lastLR
        self.testTop5Accuracy = testTop5Accuracy
        self.classes = classes
    }

    enum CodingKeys: String, CodingKey {
        case dataset, model, parameters, epochs, seconds
        case trainLoss = "train_loss", trainAccuracy = "train_accuracy"
        case validationAccuracy = "validation_accuracy", testAccuracy = "test_accuracy"
        case stoppedEpoch = "stopped_epoch", bestEpoch = "best_epoch"
        case optimizer, lrSchedule = "lr_schedule", lastLR = "last_lr", testTop5Accuracy = "test_top5_accuracy"
        case classes
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
/// `config.seed`, so equal configs give equal results; dropout masks come from a second generator
/// reseeded every epoch from seed and epoch. With `config.resume`, model, optimizer, epoch and
/// the learning-rate schedule's state come from the checkpoint and the shuffling generator is
/// advanced past the epochs already run, so training 4 epochs equals training 2, saving, and
/// resuming for 2 more, bit for bit. A checkpoint records the options that change the model or
/// its training (``ClassificationRunConfig/trainingOptions``); resuming with others is an error.
///
/// Per epoch, the run's callbacks are: dropout reseeding, gradient clipping (before each step),
/// early stopping, the schedule's step (monitoring `val_loss` for `plateau`), the checkpoint,
/// TensorBoard and CSV logging; `callbacks` run after them.
///
/// With a `communicator` of `W` processes (every rank calls this with the same config), training
/// is data-parallel (``DistributedDataParallel``): `config.batchSize` is the global batch `B`, each
/// rank trains on `B/W` examples of it (a ``DistributedSampler`` over the same per-epoch
/// permutation a single process draws), and the gradients are averaged. Without dropout, the
/// weights then follow a single process's with batch `B` up to float rounding (exactly its batches
/// when the training set size is a multiple of `W`; otherwise the sampler pads the last batch by
/// repeating examples). Only rank 0 writes the checkpoint, TensorBoard and CSV files; every rank
/// gets the global metrics.
public func runClassification(_ config: ClassificationRunConfig, data: ClassificationData? = nil,
                              modelFactory: ModelFactory? = nil, callbacks: [any Callback] = [],
                              communicator: (any Communicator)? = nil,
                              onEpoch: @escaping (EpochReport) -> Void = { _ in }) throws -> ClassificationRunResult {
    try config.validate(knownDatasets: data.map { [$0.name] } ?? ClassificationRunConfig.datasets)
    guard config.model == "mlp" || modelFactory != nil else {
        throw ApusError.invalidArgument("unknown --model '\(config.model)'")
    }
    let ranks = communicator?.size ?? 1
    let isRoot = (communicator?.rank ?? 0) == 0
    guard config.batchSize % ranks == 0 else {
        throw ApusError.invalidArgument("--batch-size \(config.batchSize) is the global batch and must be a multiple of "
                                        + "the number of processes (\(ranks))")
    }
    // Create the output folders (as --log-dir's is) and fail before training, not after the first epoch.
    for (flag, path) in [("--checkpoint", config.checkpoint), ("--csv-log", config.csvLog)] where isRoot {
        guard let path else { continue }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ApusError.invalidArgument("\(flag): cannot create directory '\(directory)'")
        }
    }
    let start = Date()
    let generator = RandomGenerator(seed: config.seed)
    let train: any Dataset, validation: any Dataset, test: any Dataset
    if let data, let given = data.validation {
        (train, validation, test) = (data.train, given, data.test)
    } else if let data {
        // A fixed test set; the last 10% of the training set validates (Keras's `validation_split`):
        // views, so the images are not copied.
        (train, validation) = splitOffLastTenth(data.train)
        test = data.test
    } else {
        let digits = try Digits.load()
        let parts = randomSplit(count: digits.count, fractions: [0.8, 0.1, 0.1], generator: generator)
        (train, validation, test) = (digits.subset(parts[0]), digits.subset(parts[1]), digits.subset(parts[2]))
    }
    for (part, set) in [("training", train), ("validation", validation), ("test", test)] where set.count == 0 {
        throw ApusError.invalidArgument("the \(part) set of \(config.dataset) is empty: it needs at least one example")
    }
    let exampleShape = Array(try train.batch(at: [0]).inputs.shape.dropFirst())
    let classes = data?.classes ?? Digits.classes
    // Dropout masks come from their own generator, reseeded every epoch from (seed, epoch), so that
    // the split/weights/shuffling stream is the same with and without dropout and a resumed run
    // draws the masks an uninterrupted one would.
    let dropoutGenerator = RandomGenerator(seed: config.seed)
    let model: Module
    let modelName: String
    if config.model == "mlp" {
        let inputs = exampleShape.reduce(1, *)
        let mlp = config.makeModel(inputs: inputs, outputs: classes, generator: generator, dropoutGenerator: dropoutGenerator)
        model = exampleShape.count > 1 ? Sequential([Flatten()] + mlp.layers) : mlp  // images: flatten first
        modelName = "mlp-" + ([inputs] + config.hidden + [classes]).map(String.init).joined(separator: "-")
    } else {
        model = try modelFactory!(config.model, exampleShape, classes, generator)
        modelName = config.model
    }
    let optimizer = ClassificationRunConfig.optimizer(named: config.optimizer)!.make(model.parameters(), config)
    let scheduler = config.makeScheduler(optimizer)
    let trainer = Trainer(model: model, optimizer: optimizer, loss: { crossEntropy($0, $1) }, metrics: [.accuracy])
    trainer.evaluationWorkers = config.workers
    if config.l1 > 0 || config.l2 > 0 {
        // Linear and convolution weights only: biases and BatchNorm's weight are not penalised.
        let weights = model.namedModules().compactMap { ($0.module as? Linear)?.weight }
        trainer.regularizer = { penalty(weights, l1: config.l1, l2: config.l2) }
    }
    let runMetadata = ["model": modelName, "optimizer": config.optimizer, "seed": String(config.seed), "dataset": config.dataset]
        .merging(config.trainingOptions) { a, _ in a }

    var initialEpoch = 0
    if let path = config.resume {
        let saved = try Safetensors.read(path).metadata
        for key in runMetadata.keys.sorted() where key != "dataset" && saved[key] != nil && saved[key] != runMetadata[key] {
            throw ApusError.invalidArgument("--resume: checkpoint '\(path)' was written with \(key) \(saved[key]!), "
                                            + "this run has \(runMetadata[key]!)")
        }
        try trainer.resume(from: path)
        initialEpoch = trainer.epoch
        guard initialEpoch < config.epochs else {
            throw ApusError.invalidArgument("--resume: checkpoint '\(path)' has finished epoch \(initialEpoch); "
                                            + "--epochs \(config.epochs) leaves nothing to train")
        }
        if let scheduler { try SchedulerMetadata.restore(scheduler, from: saved, path: path) }
        // Each epoch drew one permutation of the training set (and a seed for random augmentations): draw them again.
        for _ in 0..<initialEpoch {
            _ = generator.permutation(train.count)
            if train.isRandom { _ = generator.next() }
        }
    }

    var runCallbacks: [any Callback] = []
    if config.dropout > 0 {
        // Each rank of a distributed run draws its own masks (rank 0 those of a single process).
        let rankOffset = UInt64(communicator?.rank ?? 0) << 32
        runCallbacks.append(LambdaCallback(onEpochBegin: { epoch, _ in
            dropoutGenerator.reseed(config.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(epoch) &+ rankOffset)
        }))
    }
    if let clipNorm = config.clipNorm { runCallbacks.append(GradientClipper(maxNorm: clipNorm)) }
    var stopper: EarlyStopping?
    if let patience = config.patience {
        let s = EarlyStopping(monitor: "val_loss", patience: patience, restoreBestWeights: true)
        stopper = s
        runCallbacks.append(s)
    }
    if let scheduler {
        let plateau = config.lrSchedule == "plateau"
        runCallbacks.append(LRSchedulerCallback(scheduler, monitor: plateau ? "val_loss" : nil))
    }
    if let path = config.checkpoint, isRoot {
        // After the scheduler's step, so that the file holds the next epoch's learning rate and schedule state.
        runCallbacks.append(LambdaCallback(onEpochEnd: { _, _, trainer in
            try trainer.saveCheckpoint(to: path, metadata: runMetadata.merging(
                scheduler.map(SchedulerMetadata.encode) ?? [:]) { a, _ in a })
        }))
    }
    if let directory = config.logDirectory, isRoot {
        runCallbacks.append(TensorBoardCallback(try SummaryWriter(logDirectory: directory)))
    }
    if let path = config.csvLog, isRoot {
        runCallbacks.append(CSVLoggerCallback(try CSVLogger(path: path, append: config.resume != nil)))
    }
    runCallbacks.append(LambdaCallback(onEpochEnd: { epoch, logs, _ in
        onEpoch(EpochReport(epoch: epoch, trainLoss: logs["loss"]!, trainAccuracy: logs["accuracy"]!,
                            validation: Evaluation(loss: logs["val_loss"]!, accuracy: logs["val_accuracy"]!)))
    }))
    func fit<D: Dataset>(_ train: D) throws -> History {
        let loader: DataLoader<D>
        if let communicator {
            // Every rank draws the permutation a single process would, and takes its part of each global batch.
            trainer.dataParallel = DistributedDataParallel(model, communicator: communicator)
            let sampler = DistributedSampler(count: train.count, worldSize: ranks, rank: communicator.rank, generator: generator)
            loader = DataLoader(train, batchSize: config.batchSize / ranks, sampler: sampler, workers: config.workers)
        } else {
            loader = DataLoader(train, batchSize: config.batchSize, shuffle: true, generator: generator,
                                workers: config.workers)
        }
        return try trainer.fit(loader, validation: validation, epochs: config.epochs, initialEpoch: initialEpoch,
                               callbacks: runCallbacks + callbacks)
    }
    let history = try fit(train)
    let testEval = try trainer.evaluate(test)
    let top5 = classes > 5 ? try topKAccuracy(trainer, test, k: 5) : nil
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
        bestEpoch: stopper?.bestEpoch, optimizer: config.optimizer, lrSchedule: config.lrScheduleDescription,
        lastLR: history.last?["lr"], testTop5Accuracy: top5, classes: data?.classNames)
}

/// The first 90% and the last 10% of `data` (Keras's `validation_split`), as views.
func splitOffLastTenth<D: Dataset>(_ data: D) -> (train: any Dataset<D.Failure>, validation: any Dataset<D.Failure>) {
    let n = data.count, cut = n - n / 10
    return (DatasetSlice(data, range: 0..<cut), DatasetSlice(data, range: cut..<n))
}

/// Fraction of `dataset`'s examples whose label is among the `k` largest outputs of `trainer`'s
/// model (``topKAccuracy(_:_:k:)``), predicted 512 examples at a time.
func topKAccuracy(_ trainer: Trainer, _ dataset: any Dataset, k: Int, batchSize: Int = 512) throws -> Double {
    var correct = 0.0
    for start in stride(from: 0, to: dataset.count, by: batchSize) {
        let end = Swift.min(dataset.count, start + batchSize)
        let (x, y) = try dataset.batch(at: Array(start..<end))
        correct += (topKAccuracy(trainer.predict(x, batchSize: batchSize), y, k: k) * Double(end - start)).rounded()
    }
    return correct / Double(Swift.max(dataset.count, 1))
}

/// Training, validation-free and test examples of a classification task given to
/// ``runClassification(_:data:modelFactory:callbacks:onEpoch:)`` (image datasets, CSV files).
///
/// Any ``Dataset`` serves: a ``TensorDataset``, or one that keeps its examples compactly and
/// builds each batch when asked (ApusVision's `ImageDataset` keeps images as bytes).
public struct ClassificationData: Sendable {
    /// The dataset's name, as `--dataset` says it.
    public let name: String
    /// Training examples; the run keeps the last 10% for validation (Keras's `validation_split`),
    /// read through a ``DatasetSlice`` (no copy).
    public let train: any Dataset & Sendable
    /// The held-out test set.
    public let test: any Dataset & Sendable
    public let classes: Int
    /// The validation set, when the data comes with one (an image folder's `val/`, or one read
    /// with other transforms than `train`); nil: the last 10% of `train` validates.
    public let validation: (any Dataset & Sendable)?
    /// The class names in index order, when the data names them (an image folder's subfolders).
    public let classNames: [String]?

    public init(name: String, train: any Dataset & Sendable, validation: (any Dataset & Sendable)? = nil,
                test: any Dataset & Sendable, classes: Int, classNames: [String]? = nil) {
        self.name = name
        self.train = train
        self.validation = validation
        self.test = test
        self.classes = classes
        self.classNames = classNames
    }
}

/// Builds a model by name for inputs of one example's shape (`[C, H, W]`) and a number of
/// classes, drawing its weights from the generator.
public typealias ModelFactory = (_ name: String, _ exampleShape: [Int], _ classes: Int, _ generator: RandomGenerator) throws -> Module

/// A scheduler's state as checkpoint metadata (`scheduler.<name>` → `shape:values`), since
/// training checkpoints hold model and optimizer tensors only.
enum SchedulerMetadata {
    static let prefix = "scheduler."

    static func encode(_ scheduler: any LRScheduler) -> [String: String] {
        Dictionary(uniqueKeysWithValues: scheduler.stateDict().map { name, tensor in
            (prefix + name, tensor.shape.map(String.init).joined(separator: "x") + ":"
                + tensor.cast(to: .float64).toDoubles().map { "\($0)" }.joined(separator: ","))
        })
    }

    static func restore(_ scheduler: any LRScheduler, from metadata: [String: String], path: String) throws {
        var state: [String: Tensor] = [:]
        for (key, text) in metadata where key.hasPrefix(prefix) {
            let halves = text.split(separator: ":", omittingEmptySubsequences: false)
            let shape = halves.first.map { $0.isEmpty ? [] : $0.split(separator: "x").compactMap { Int($0) } } ?? []
            let values = halves.count == 2 ? halves[1].split(separator: ",").compactMap { Double($0) } : []
            guard halves.count == 2, values.count == shape.reduce(1, *) else {
                throw ApusError.corruptFile(path: path, reason: "bad learning-rate schedule state '\(key)': '\(text)'")
            }
            state[String(key.dropFirst(prefix.count))] = Tensor(shape: shape, values: values, dtype: .float64)
        }
        // Checkpoints written without a schedule state leave the schedule at its start.
        if !state.isEmpty { try scheduler.loadStateDict(state) }
    }
}
