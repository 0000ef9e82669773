import Foundation

/// Trains an MLP classifier as `config` says, on a seeded 80/10/10 train/validation/test split,
/// with ``Trainer`` (cross-entropy, accuracy).
///
/// Everything random (split, initial weights, shuffling) comes from one generator seeded with
/// `config.seed`, so equal configs give equal results; dropout masks come from a second generator
/// reseeded every epoch from seed and epoch. With `config.resume`, model, optimizer, epoch and
/// the learning-rate schedule's state come from the checkpoint and the shuffling generator is
/// advanced past the epochs already run, so training 4 epochs equals training 2, saving, and
/// resuming for 2 more, bit for bit. A checkpoint records the options that change the model or
/// its training (activation, dropout, initialiser, weight decay, schedule, penalties, clipping, fine-tuning);
/// resuming with others is an error.
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
///
/// With `config.weights` the zoo model starts from pretrained weights
/// (``loadPretrainedClassifier(weights:classes:generator:build:)``: a new head for the data's
/// classes when the file has others); the head trains at `config.lr`, the body at
/// `config.lr × bodyLRFactor`. `freezeBackbone` trains the head alone (the body's weights and
/// batch-norm statistics stay as loaded); `fineTuneEpochs` N trains the head alone for epochs
/// 1…N, then every layer for `config.epochs` more epochs at half the rates (``FineTuneSchedule``).
///
/// The checkpoint's metadata holds what a predictor needs: `model`, `task`, `input_shape` (one
/// example's shape, JSON), `classes` (JSON, when known), the training options, and `data.metadata`
/// (an image dataset's `preprocessing`).
public func runClassification(_ config: ClassificationRunConfig, data: ClassificationData? = nil,
                              modelFactory: ModelFactory? = nil, callbacks: [any Callback] = [],
                              communicator: (any Communicator)? = nil,
                              onEpoch: @escaping (EpochReport) -> Void = { _ in }) throws -> ClassificationRunResult {
    let report = LambdaCallback(onEpochEnd: { epoch, logs, _ in
        onEpoch(EpochReport(epoch: epoch, trainLoss: logs["loss"]!, trainAccuracy: logs["accuracy"]!,
                            validation: Evaluation(loss: logs["val_loss"]!, accuracy: logs["val_accuracy"]!)))
    })
    let classes = data?.classes ?? Digits.classes
    let task = RunTask(name: "classification", loss: { crossEntropy($0, $1) }, metrics: [.accuracy], outputs: classes)
    let run = try trainRun(config, data: data, task: task, modelFactory: modelFactory, callbacks: [report] + callbacks,
                           communicator: communicator)
    let testEval = try run.trainer.evaluate(run.test)
    let top5 = classes > 5 ? try topKAccuracy(run.trainer, run.test, k: 5) : nil
    let last = run.keptLogs
    return ClassificationRunResult(
        dataset: config.dataset, model: run.modelName,
        parameters: run.model.parameterCount, epochs: config.totalEpochs,
        trainLoss: last["loss"]!, trainAccuracy: last["accuracy"]!,
        validationAccuracy: last["val_accuracy"] ?? 0, testAccuracy: testEval["accuracy"]!,
        seconds: Date().timeIntervalSince(run.start),
        stoppedEpoch: run.stoppedEpoch, bestEpoch: run.bestEpoch, optimizer: config.optimizer,
        lrSchedule: config.lrScheduleDescription, lastLR: run.history.last?["lr"], testTop5Accuracy: top5,
        classes: data?.classNames, frozenEpochs: run.frozenEpochs)
}

/// What a run optimises: its loss and metrics, the width of the model's output, and the task's
/// name as recorded in checkpoints (`task`).
struct RunTask {
    let name: String
    let loss: Trainer.LossFunction
    let metrics: [Metric]
    let outputs: Int
}

/// A finished run's pieces, for the result of ``runClassification(_:data:modelFactory:callbacks:communicator:onEpoch:)``
/// and ``runRegression(_:data:callbacks:)``.
struct TrainedRun {
    let trainer: Trainer
    let model: Module
    let modelName: String
    let history: History
    let train: any Dataset, validation: any Dataset, test: any Dataset
    let start: Date
    /// The logs of the epoch whose weights were kept (the best one with early stopping, else the last).
    let keptLogs: Logs
    let stoppedEpoch: Int?
    let bestEpoch: Int?
    /// Epochs trained with a frozen body (``ClassificationRunConfig/fineTuneEpochs``, or all of
    /// them with ``ClassificationRunConfig/freezeBackbone``); nil without ``ClassificationRunConfig/weights``.
    let frozenEpochs: Int?
}

/// The training part of a run, shared by classification and regression (see ``runClassification(_:data:modelFactory:callbacks:communicator:onEpoch:)``).
func trainRun(_ config: ClassificationRunConfig, data: ClassificationData?, task: RunTask, modelFactory: ModelFactory?,
              callbacks: [any Callback], communicator: (any Communicator)?) throws -> TrainedRun {
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
    // Check the output folders before training, not after the first epoch. A checkpoint's folder
    // must exist (a typo in it should not silently create a tree of folders); the CSV log's is
    // created, as --log-dir's is (TensorBoard does the same).
    if isRoot, let path = config.checkpoint {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ApusError.invalidArgument("--checkpoint: directory '\(directory)' does not exist; create it first")
        }
        guard FileManager.default.isWritableFile(atPath: directory) else {
            throw ApusError.invalidArgument("--checkpoint: directory '\(directory)' is not writable")
        }
    }
    if isRoot, let path = config.csvLog {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ApusError.invalidArgument("--csv-log: cannot create directory '\(directory)'")
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
    let classes = task.outputs
    // A batch holds min(batch size, training examples) float32 examples: refuse one that cannot
    // fit before training starts rather than when it is allocated. A convolutional network keeps
    // activations of many times its input for backward: count 64 times the batch for those.
    let batch = Swift.min(config.batchSize, train.count)
    let activationFactor = config.model == "mlp" ? 1 : 64
    let batchBytes = CheckedSize.product([batch] + exampleShape + [MemoryLayout<Float>.size, activationFactor])
    guard MemoryLimit.allows(batchBytes) else {
        throw ApusError.invalidArgument("--batch-size \(config.batchSize): a batch of \(batch) examples of shape \(exampleShape) "
            + "needs about \(MemoryLimit.describe(batchBytes))" + (activationFactor > 1 ? " to train (64 times its float32 size)" : "")
            + ", more than \(MemoryLimit.limitDescription)")
    }
    if config.model == "mlp", let inputs = CheckedSize.product(exampleShape) {
        try config.checkModelMemory(inputs: inputs, outputs: classes)
    }
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
    } else if let weights = config.weights {
        guard FileManager.default.isReadableFile(atPath: weights) else {
            throw ApusError.invalidArgument("--weights: cannot read file '\(weights)'")
        }
        model = try loadPretrainedClassifier(weights: weights, classes: classes, generator: generator) {
            try modelFactory!(config.model, exampleShape, $0, generator)
        }
        modelName = config.model
    } else {
        model = try modelFactory!(config.model, exampleShape, classes, generator)
        modelName = config.model
    }
    let choice = ClassificationRunConfig.optimizer(named: config.optimizer)!
    let pretrained = config.weights != nil ? model as? any HasClassifierHead : nil
    let optimizer: any Optimizer
    if let pretrained {
        // Discriminative rates: the new head at --lr, the pretrained body slower (head first: the logged lr is the head's).
        optimizer = choice.makeGroups([(pretrained.headParameters, config.lr),
                                       (pretrained.bodyParameters, config.lr * (config.bodyLRFactor ?? 0.1))], config)
        if config.freezeBackbone { pretrained.freezeBody() }
    } else {
        optimizer = choice.make(model.parameters(), config)
    }
    let scheduler = config.makeScheduler(optimizer)
    let trainer = Trainer(model: model, optimizer: optimizer, loss: task.loss, metrics: task.metrics)
    trainer.evaluationWorkers = config.workers
    if config.l1 > 0 || config.l2 > 0 {
        // Linear and convolution weights only: biases and BatchNorm's weight are not penalised.
        let weights = model.namedModules().compactMap { ($0.module as? Linear)?.weight }
        trainer.regularizer = { penalty(weights, l1: config.l1, l2: config.l2) }
    }
    let runMetadata = ["model": modelName, "optimizer": config.optimizer, "seed": String(config.seed), "dataset": config.dataset]
        .merging(config.trainingOptions) { a, _ in a }
    // What a checkpoint's reader (ImageClassifier, TablePredictor, apus predict) needs beyond the weights.
    var describing = (data?.metadata ?? [:]).merging(["task": task.name, "input_shape": jsonText(exampleShape)]) { a, _ in a }
    if let names = data?.classNames ?? (data == nil ? (0..<classes).map(String.init) : nil) {
        describing["classes"] = jsonText(names)
    }
    let checkpointMetadata = runMetadata.merging(describing) { a, _ in a }

    var initialEpoch = 0
    if let path = config.resume {
        let saved = try Safetensors.read(path).metadata
        for key in runMetadata.keys.sorted() where key != "dataset" && saved[key] != nil && saved[key] != runMetadata[key] {
            throw ApusError.invalidArgument("--resume: checkpoint '\(path)' was written with \(key) \(saved[key]!), "
                                            + "this run has \(runMetadata[key]!)")
        }
        try trainer.resume(from: path)
        initialEpoch = trainer.epoch
        guard initialEpoch < config.totalEpochs else {
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
    if let pretrained, config.fineTuneEpochs > 0 {
        runCallbacks.append(FineTuneSchedule(model: model, head: pretrained.classifierHeads, freezeEpochs: config.fineTuneEpochs))
    }
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
            try trainer.saveCheckpoint(to: path, metadata: checkpointMetadata.merging(
                scheduler.map(SchedulerMetadata.encode) ?? [:]) { a, _ in a })
        }))
    }
    if let directory = config.logDirectory, isRoot {
        runCallbacks.append(TensorBoardCallback(try SummaryWriter(logDirectory: directory)))
    }
    if let path = config.csvLog, isRoot {
        runCallbacks.append(CSVLoggerCallback(try CSVLogger(path: path, append: config.resume != nil)))
    }
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
        return try trainer.fit(loader, validation: validation, epochs: config.totalEpochs, initialEpoch: initialEpoch,
                               callbacks: runCallbacks + callbacks)
    }
    let history = try fit(train)
    // With early stopping, report the epoch whose weights were kept (and tested).
    let keptEpoch = stopper.map(\.bestEpoch) ?? 0
    let kept = history.epochs.firstIndex(of: keptEpoch).map { history.logs[$0] } ?? history.last!
    let frozenEpochs = config.weights == nil ? nil : config.freezeBackbone ? config.totalEpochs : config.fineTuneEpochs
    return TrainedRun(trainer: trainer, model: model, modelName: modelName, history: history,
                      train: train, validation: validation, test: test, start: start, keptLogs: kept,
                      stoppedEpoch: stopper.map { $0.stoppedEpoch > 0 ? $0.stoppedEpoch : nil } ?? nil,
                      bestEpoch: stopper?.bestEpoch, frozenEpochs: frozenEpochs)
}

/// `value` as compact JSON with sorted keys (checkpoint metadata values are strings).
func jsonText<T: Encodable>(_ value: T) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try! encoder.encode(value), as: UTF8.self)
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

