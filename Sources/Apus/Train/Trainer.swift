import Foundation

/// A training loop with Keras's user experience and PyTorch's mechanics: `fit` runs
/// `zeroGrad → forward → loss (+ regularizer) → backward → step` per batch, evaluates after each epoch, and
/// calls ``Callback``s (early stopping, checkpoints, LR schedules, progress) at fixed points.
///
///     let trainer = Trainer(model: model, optimizer: Adam(model.parameters()),
///                           loss: { crossEntropy($0, $1) }, metrics: [.accuracy])
///     let history = try trainer.fit(loader, validation: validationSet, epochs: 20,
///                                   callbacks: [EarlyStopping(patience: 3), ProgressBar()])
///     print(history["val_accuracy"])
///
/// Each epoch's ``Logs`` hold `loss` and every metric (means over the epoch's batches, weighted
/// by batch size), `val_loss` and `val_<metric>` when there is validation data, and `lr` (the
/// optimizer's learning rate at the end of the epoch). Epochs and batches are numbered from 1.
public final class Trainer {
    /// The loss of a batch: `(output, target) -> scalar`, a mean over the batch's examples.
    public typealias LossFunction = (_ output: Tensor, _ target: Tensor) -> Tensor

    /// The network being trained; `fit` switches it to training mode and evaluation to eval mode.
    public let model: Module
    /// Updates the model's parameters after each batch; it must hold the parameters that should learn.
    public let optimizer: any Optimizer
    /// The loss minimised on each batch, logged as `loss` (and `val_loss` on validation data).
    public let loss: LossFunction
    /// Numbers logged next to the loss for each epoch, such as ``Metric/accuracy``.
    public let metrics: [Metric]

    /// Set by a callback to end training after the current batch (Keras's `stop_training`).
    public var stopTraining = false
    /// Epochs completed (the last epoch number `fit` finished, or restored by ``resume(from:)``).
    public private(set) var epoch = 0
    /// Optimizer steps taken, over all `fit` calls.
    public private(set) var globalStep = 0
    /// The last epoch number of the running `fit` (its `epochs` argument).
    public private(set) var epochs = 0
    /// Batches per epoch of the running `fit`.
    public private(set) var batchesPerEpoch = 0
    /// Examples processed so far in the current epoch (by all ranks together with ``dataParallel``,
    /// whose ranks read equal numbers of examples).
    public private(set) var examplesSeenInEpoch = 0
    /// A term added to every training batch's loss before `backward()`, e.g. a weight penalty
    /// `{ penalty(model.parameters { $0.hasSuffix("weight") }, l1: 1e-4) }`; nil: none.
    ///
    /// Only training batches are penalised, and the logged `loss` stays the data loss (comparable
    /// with `val_loss`); a non-finite total still stops training.
    public var regularizer: (() -> Tensor)?
    /// Data-parallel training over several processes; nil: this process trains alone.
    ///
    /// When set, `fit` copies rank 0's buffers to all ranks before each batch (see
    /// ``DistributedDataParallel/broadcastBuffers()``), waits for the gradients' all-reduce after each `backward()` (before the
    /// callbacks' `onBeforeOptimizerStep`, so clipping sees the global gradient), checks the loss
    /// for NaN over all ranks (all stop at the same batch), and reduces the epoch's `loss` and
    /// metrics over all ranks; ``evaluate(_:batchSize:)`` splits the dataset among the ranks and
    /// reduces its sums. Every rank then sees the same logs, so early stopping and learning-rate
    /// schedules decide identically. The loader should read this rank's shard (a
    /// ``DataLoader`` with a ``DistributedSampler``, whose epoch `fit` sets); batch logs (the progress
    /// bar's loss) are this rank's running means; ``examplesSeenInEpoch`` counts all ranks.
    public var dataParallel: DistributedDataParallel?
    /// Background threads ``evaluate(_:batchSize:)`` reads batches with (``DataLoader/workers``):
    /// worth it for datasets that decode files; 0 reads on the caller's thread.
    public var evaluationWorkers = 0

    /// A trainer for `model`; the loss defaults to cross-entropy on logits and integer labels.
    public init(model: Module, optimizer: any Optimizer,
                loss: @escaping LossFunction = { crossEntropy($0, $1) }, metrics: [Metric] = []) {
        let names = ["loss"] + metrics.map(\.name)
        require(Set(names).count == names.count, "Trainer: metric names must be unique and not 'loss', got \(names)")
        self.model = model
        self.optimizer = optimizer
        self.loss = loss
        self.metrics = metrics
    }

    /// Trains on `train` for epochs `initialEpoch + 1 … epochs`, evaluating on `validation` after each.
    ///
    /// Stops early when a callback sets ``stopTraining``. Throws ``ApusError/nonFiniteLoss(epoch:step:loss:)``
    /// when a batch's loss is NaN or infinite (before that batch changes any weight), and whatever a
    /// callback throws (an unwritable checkpoint, a monitored value missing from the logs).
    @discardableResult
    public func fit<D: Dataset>(_ train: DataLoader<D>, validation: (any Dataset)? = nil, epochs: Int,
                                initialEpoch: Int = 0, callbacks: [any Callback] = []) throws -> History {
        require(initialEpoch >= 0 && epochs >= initialEpoch,
                "Trainer.fit: need 0 ≤ initialEpoch ≤ epochs, got initialEpoch \(initialEpoch), epochs \(epochs)")
        stopTraining = false
        self.epochs = epochs
        batchesPerEpoch = train.count
        var history = History()
        for c in callbacks { try c.onTrainBegin(self) }
        if initialEpoch < epochs {
            for e in (initialEpoch + 1)...epochs {
                model.train()
                examplesSeenInEpoch = 0
                train.sampler?.setEpoch(e - 1)
                for c in callbacks { try c.onEpochBegin(e, trainer: self) }
                var lossSum = 0.0, seen = 0, batch = 0
                var metricSums = [Double](repeating: 0, count: metrics.count)
                var batches = train.batches()
                while let (x, y) = try batches.next().map({ ($0.inputs, $0.targets) }) {
                    batch += 1
                    optimizer.zeroGrad()
                    dataParallel?.broadcastBuffers()
                    let output = model(x)
                    let batchLoss = loss(output, y)
                    let value = batchLoss.item()
                    let objective = regularizer.map { batchLoss + $0() } ?? batchLoss
                    var total = regularizer == nil ? value : objective.item()
                    if let ddp = dataParallel, ddp.communicator.size > 1 {
                        // A non-finite loss on any rank makes the sum non-finite: every rank stops here.
                        let sums = ddp.communicator.allReduce([total * Double(x.shape[0]), Double(x.shape[0])])
                        total = sums[0] / Swift.max(sums[1], 1)
                    }
                    guard total.isFinite else { throw ApusError.nonFiniteLoss(epoch: e, step: batch, loss: total) }
                    objective.backward()
                    dataParallel?.synchronizeGradients()
                    for c in callbacks { try c.onBeforeOptimizerStep(batch, trainer: self) }
                    optimizer.step()
                    globalStep += 1
                    let n = x.shape[0]
                    lossSum += value * Double(n)
                    let detached = output.detached()
                    for (i, m) in metrics.enumerated() { metricSums[i] += m.compute(detached, y) * Double(n) }
                    seen += n
                    examplesSeenInEpoch = seen * (dataParallel?.communicator.size ?? 1)
                    if !callbacks.isEmpty {
                        let logs = Self.means(lossSum, metricSums, count: seen, names: metrics.map(\.name))
                        for c in callbacks { try c.onBatchEnd(batch, logs: logs, trainer: self) }
                    }
                    if stopTraining { break }
                }
                if let communicator = dataParallel?.communicator, communicator.size > 1 {
                    let sums = communicator.allReduce([lossSum, Double(seen)] + metricSums)
                    (lossSum, seen, metricSums) = (sums[0], Int(sums[1]), Array(sums[2...]))
                }
                var logs = Self.means(lossSum, metricSums, count: seen, names: metrics.map(\.name))
                if let validation {
                    for (key, value) in try evaluate(validation) { logs["val_" + key] = value }
                }
                logs["lr"] = optimizer.lr
                epoch = e
                history.append(epoch: e, logs: logs)
                for c in callbacks { try c.onEpochEnd(e, logs: logs, trainer: self) }
                if stopTraining { break }
            }
        }
        for c in callbacks { try c.onTrainEnd(self, history: history) }
        return history
    }

    private static func means(_ lossSum: Double, _ metricSums: [Double], count: Int, names: [String]) -> Logs {
        let n = Double(Swift.max(count, 1))
        var logs = Logs()
        logs["loss"] = lossSum / n
        for (name, sum) in zip(names, metricSums) { logs[name] = sum / n }
        return logs
    }

    /// `loss` and every metric over `dataset`, in evaluation mode without recording gradients
    /// (the model's mode is restored afterwards). Empty datasets give zeros.
    ///
    /// With ``dataParallel``, rank `r` of `W` evaluates examples `⌊r·n/W⌋ ..< ⌊(r+1)·n/W⌋` and the
    /// sums are all-reduced: every rank returns the logs of the whole dataset.
    public func evaluate<D: Dataset>(_ dataset: D, batchSize: Int = 512) throws(D.Failure) -> Logs {
        require(batchSize >= 1, "Trainer.evaluate: batch size must be positive, got \(batchSize)")
        let wasTraining = model.training
        model.eval()
        defer { model.train(wasTraining) }
        dataParallel?.broadcastBuffers()
        let communicator = dataParallel?.communicator
        let (rank, ranks) = (communicator?.rank ?? 0, communicator?.size ?? 1)
        let shard = (dataset.count * rank / ranks)..<(dataset.count * (rank + 1) / ranks)
        return try noGrad { () throws(D.Failure) -> Logs in
            var lossSum = 0.0
            var metricSums = [Double](repeating: 0, count: metrics.count)
            // A generator of its own: a random dataset reads the same streams at every evaluation,
            // and the default generator is left alone.
            var batches = DataLoader(DatasetSlice(dataset, range: shard), batchSize: batchSize,
                                     generator: RandomGenerator(seed: 0), workers: evaluationWorkers).batches()
            while let (x, y) = try batches.next().map({ ($0.inputs, $0.targets) }) {
                let output = model(x)
                let n = Double(x.shape[0])
                lossSum += loss(output, y).item() * n
                for (i, m) in metrics.enumerated() { metricSums[i] += m.compute(output, y) * n }
            }
            if let communicator, ranks > 1 {
                let sums = communicator.allReduce([lossSum] + metricSums)
                (lossSum, metricSums) = (sums[0], Array(sums[1...]))
            }
            return Self.means(lossSum, metricSums, count: dataset.count, names: metrics.map(\.name))
        }
    }

    /// The model's outputs for `inputs` (examples along the first axis), computed in batches in
    /// evaluation mode without recording gradients, concatenated along the first axis.
    public func predict(_ inputs: Tensor, batchSize: Int = 512) -> Tensor {
        require(inputs.rank >= 1, "Trainer.predict: inputs need an example axis, got shape \(inputs.shape)")
        require(batchSize >= 1, "Trainer.predict: batch size must be positive, got \(batchSize)")
        let wasTraining = model.training
        model.eval()
        defer { model.train(wasTraining) }
        return noGrad {
            let n = inputs.shape[0]
            if n <= batchSize { return model(inputs.detached()) }
            var parts: [Tensor] = []
            var start = 0
            while start < n {
                let end = Swift.min(n, start + batchSize)
                parts.append(model(inputs.detached().slice(axis: 0, start: start, end: end)))
                start = end
            }
            return concat(parts, axis: 0)
        }
    }

    /// Writes a full training checkpoint (model, optimizer, ``epoch``, ``globalStep``) to `path`.
    public func saveCheckpoint(to path: String, metadata: [String: String] = [:]) throws {
        try TrainingCheckpoint.save(to: path, model: model, optimizer: optimizer, epoch: epoch, step: globalStep,
                                    metadata: metadata)
    }

    /// Restores model, optimizer, ``epoch`` and ``globalStep`` from a training checkpoint; continue
    /// with `fit(…, initialEpoch: trainer.epoch)`.
    @discardableResult
    public func resume(from path: String) throws -> TrainingCheckpoint {
        let checkpoint = try TrainingCheckpoint.load(from: path, model: model, optimizer: optimizer)
        epoch = checkpoint.epoch
        globalStep = checkpoint.step
        return checkpoint
    }
}
