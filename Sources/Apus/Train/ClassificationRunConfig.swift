import Foundation

/// Settings of a complete classification experiment: data, model, optimizer, schedule.
///
/// This is what `apus train` runs; ``validate(knownDatasets:)`` rejects out-of-range values with a message
/// that names the setting.
public struct ClassificationRunConfig: Sendable {
    /// The dataset's name (`--dataset`): `digits`, or one that the caller's data provider knows.
    public var dataset = "digits"
    /// `mlp` (built from ``hidden`` and the options below) or a name the caller's model factory knows.
    public var model = "mlp"
    /// Passes over the training data (`--epochs`, ≥ 1).
    public var epochs = 30
    /// Examples per optimizer step (`--batch-size`, ≥ 1).
    public var batchSize = 32
    /// The learning rate (`--lr`, > 0); with pretrained ``weights``, the head's rate.
    public var lr = 0.05
    /// SGD's momentum μ in [0, 1) (`--momentum`); the other optimizers ignore it.
    public var momentum = 0.9
    /// Seeds the weights, the data split, shuffling and dropout: the same seed gives the same numbers.
    public var seed: UInt64 = 0
    /// The MLP's hidden widths (`--hidden 128 64`), one ``Linear`` each.
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

    /// Pretrained weights for the zoo model (a file ``Module/loadWeights(from:strict:)`` reads),
    /// loaded by ``loadPretrainedClassifier(weights:classes:generator:build:)``: the head is
    /// replaced when the file's classes differ from the data's. The head then trains at ``lr``
    /// and the body at ``lr`` × ``bodyLRFactor``. nil: the model starts from random weights.
    public var weights: String? = nil
    /// With ``weights``: train the head only; the body's weights and batch-norm statistics stay
    /// bit-identical to the file's (``HasClassifierHead/freezeBody()``).
    public var freezeBackbone = false
    /// With ``weights``: this many head-only epochs first (body frozen), then ``epochs`` epochs of
    /// every layer with all learning rates halved (``FineTuneSchedule``); 0: no head-only stage.
    public var fineTuneEpochs = 0
    /// With ``weights``: the body's learning rate as a fraction of ``lr`` (discriminative rates);
    /// nil: 0.1.
    public var bodyLRFactor: Double? = nil

    /// The defaults of `apus train`: an MLP 64→128→64→10 on the digits, SGD with lr 0.05 and momentum 0.9, 30 epochs.
    public init() {}

    /// Epochs trained in all: the head-only ``fineTuneEpochs`` and then ``epochs``.
    public var totalEpochs: Int { fineTuneEpochs + epochs }

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

    /// Parameters that share a learning rate, for ``OptimizerChoice/makeGroups``.
    public typealias ParameterSet = (parameters: [Parameter], lr: Double)

    /// An optimizer `apus train --optimizer NAME` can build.
    public struct OptimizerChoice: Sendable {
        /// The name `--optimizer` takes (`sgd`, `adam`, …).
        public let name: String
        /// The learning rate used when `--lr` is not given.
        public let defaultLR: Double
        /// Builds the optimizer over parameter groups, each with its own learning rate (the other
        /// options come from the config).
        public let makeGroups: @Sendable ([ParameterSet], ClassificationRunConfig) -> any Optimizer

        /// Registers an optimizer under `name`; `makeGroups` builds it from parameter groups and the config.
        public init(name: String, defaultLR: Double,
                    makeGroups: @escaping @Sendable ([ParameterSet], ClassificationRunConfig) -> any Optimizer) {
            self.name = name
            self.defaultLR = defaultLR
            self.makeGroups = makeGroups
        }

        /// The optimizer over `parameters`, one group at the config's learning rate.
        public func make(_ parameters: [Parameter], _ config: ClassificationRunConfig) -> any Optimizer {
            makeGroups([(parameters, config.lr)], config)
        }
    }

    /// Optimizers `apus train` knows; adding one is one entry here.
    public static let optimizers: [OptimizerChoice] = [
        OptimizerChoice(name: "sgd", defaultLR: 0.05) {
            SGD(groups($0), lr: $1.lr, momentum: $1.momentum, weightDecay: $1.weightDecay ?? 0)
        },
        OptimizerChoice(name: "adam", defaultLR: 0.001) { Adam(groups($0), lr: $1.lr, weightDecay: $1.weightDecay ?? 0) },
        OptimizerChoice(name: "adamw", defaultLR: 0.001) { AdamW(groups($0), lr: $1.lr, weightDecay: $1.weightDecay ?? 0.01) },
        OptimizerChoice(name: "rmsprop", defaultLR: 0.01) { RMSprop(groups($0), lr: $1.lr, weightDecay: $1.weightDecay ?? 0) },
        OptimizerChoice(name: "adagrad", defaultLR: 0.01) { Adagrad(groups($0), lr: $1.lr, weightDecay: $1.weightDecay ?? 0) },
    ]

    private static func groups<Options: OptimizerOptions>(_ sets: [ParameterSet]) -> [ParameterGroup<Options>] {
        sets.map { ParameterGroup($0.parameters, lr: $0.lr) }
    }

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
        if let bad = hidden.first(where: { $0 < 1 }) {
            throw ApusError.invalidArgument("--hidden sizes must be at least 1, got \(bad)"
                                            + (bad < 0 ? " (a negative size)" : "") + " in \(hidden)")
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
        try validateFineTuning()
    }

    /// The fine-tuning settings: they need ``weights`` and a zoo model, and exclude one another.
    private func validateFineTuning() throws {
        guard fineTuneEpochs >= 0 else {
            throw ApusError.invalidArgument("--fine-tune-epochs must be at least 0, got \(fineTuneEpochs)")
        }
        if let bodyLRFactor, !(bodyLRFactor.isFinite && bodyLRFactor > 0) {
            throw ApusError.invalidArgument("--body-lr-factor must be a positive number, got \(bodyLRFactor)")
        }
        guard weights == nil else {
            guard model != "mlp" else {
                throw ApusError.invalidArgument("--weights loads a pretrained zoo model: choose one with --model (e.g. resnet18)")
            }
            if freezeBackbone && fineTuneEpochs > 0 {
                throw ApusError.invalidArgument("--freeze-backbone keeps the body frozen for the whole run, --fine-tune-epochs "
                                                + "unfreezes it after N epochs: give one of them")
            }
            if fineTuneEpochs > 0 && (lrSchedule != "none" || warmup > 0) {
                throw ApusError.invalidArgument("--fine-tune-epochs sets the learning rates itself (halved when the body is "
                                                + "unfrozen); it does not combine with --lr-schedule or --warmup")
            }
            return
        }
        for (flag, given) in [("--freeze-backbone", freezeBackbone), ("--fine-tune-epochs", fineTuneEpochs > 0),
                              ("--body-lr-factor", bodyLRFactor != nil)] where given {
            throw ApusError.invalidArgument("\(flag) fine-tunes pretrained weights: it needs --weights FILE")
        }
    }

    /// Throws ``ApusError/invalidArgument(_:)`` naming the bytes needed when the MLP for
    /// `inputs` features and `outputs` classes does not fit in memory (``MemoryLimit``): one
    /// layer's float32 weights, or the whole model while training (weights, gradients and up to
    /// two optimizer moments, four copies). Sizes are multiplied with overflow checks.
    public func checkModelMemory(inputs: Int, outputs: Int) throws {
        let widths = [inputs] + hidden + [outputs]
        var total: Int? = 0
        for layer in 0..<(widths.count - 1) {
            let bytes = CheckedSize.product([widths[layer], widths[layer + 1], MemoryLayout<Float>.size])
            guard MemoryLimit.allows(bytes) else {
                throw ApusError.invalidArgument("--hidden \(hidden.map(String.init).joined(separator: " ")): layer \(layer + 1) "
                    + "(Linear \(widths[layer])→\(widths[layer + 1])) needs \(MemoryLimit.describe(bytes)) for its weights, "
                    + "more than \(MemoryLimit.limitDescription)")
            }
            total = total.flatMap { t in bytes.flatMap { CheckedSize.sum([t, $0]) } }
        }
        let training = total.flatMap { CheckedSize.product([$0, 4]) }
        guard MemoryLimit.allows(training) else {
            throw ApusError.invalidArgument("--hidden \(hidden.map(String.init).joined(separator: " ")): the model's "
                + "\(MemoryLimit.describe(total)) of weights need about \(MemoryLimit.describe(training)) to train "
                + "(weights, gradients, optimizer state), more than \(MemoryLimit.limitDescription)")
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
        var options = ["activation": activation, "batch_norm": String(batchNorm), "dropout": String(dropout), "init": initializer,
         "weight_decay": String(weightDecay ?? (optimizer == "adamw" ? 0.01 : 0)), "lr_schedule": lrScheduleDescription,
         "l1": String(l1), "l2": String(l2), "clip_norm": clipNorm.map { String($0) } ?? "none"]
        if weights != nil {
            options["pretrained"] = "true"
            options["freeze_backbone"] = String(freezeBackbone)
            options["fine_tune_epochs"] = String(fineTuneEpochs)
            options["body_lr_factor"] = String(bodyLRFactor ?? 0.1)
        }
        return options
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
