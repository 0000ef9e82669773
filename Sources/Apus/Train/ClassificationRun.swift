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

