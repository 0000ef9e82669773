import Foundation

/// Hooks ``Trainer/fit(_:validation:epochs:initialEpoch:callbacks:)`` calls, as Keras callbacks.
///
/// Every hook has an empty default, so a callback implements only what it needs. Epochs and
/// batches are numbered from 1. To stop training, set `trainer.stopTraining = true`; a hook that
/// throws ends `fit` with that error.
public protocol Callback: AnyObject {
    /// Before the first epoch.
    func onTrainBegin(_ trainer: Trainer) throws
    /// Before epoch `epoch`'s first batch.
    func onEpochBegin(_ epoch: Int, trainer: Trainer) throws
    /// After batch `batch`'s `backward()`, before its optimizer step: the gradients are ready to
    /// be inspected or changed (``GradientClipper`` clips them here).
    func onBeforeOptimizerStep(_ batch: Int, trainer: Trainer) throws
    /// After batch `batch`'s optimizer step; `logs` hold the running means of the epoch so far.
    func onBatchEnd(_ batch: Int, logs: Logs, trainer: Trainer) throws
    /// After epoch `epoch` and its validation; `logs` are the epoch's (see ``Trainer``).
    func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws
    /// After the last epoch (also after an early stop).
    func onTrainEnd(_ trainer: Trainer, history: History) throws
}

extension Callback {
    public func onTrainBegin(_ trainer: Trainer) throws {}
    public func onEpochBegin(_ epoch: Int, trainer: Trainer) throws {}
    public func onBeforeOptimizerStep(_ batch: Int, trainer: Trainer) throws {}
    public func onBatchEnd(_ batch: Int, logs: Logs, trainer: Trainer) throws {}
    public func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws {}
    public func onTrainEnd(_ trainer: Trainer, history: History) throws {}
}

/// Whether a monitored value improves by going down or up.
public enum MonitorMode: Sendable, Equatable {
    /// Lower is better (losses, errors).
    case min
    /// Higher is better (accuracies).
    case max
    /// `max` when the name contains `acc` or ends in `auc`, `f1`, `precision` or `recall`; else `min` (Keras's rule).
    case auto

    /// The concrete mode for a monitored name.
    public func resolved(for monitor: String) -> MonitorMode {
        guard self == .auto else { return self }
        let m = monitor.lowercased()
        return m.contains("acc") || ["auc", "f1", "precision", "recall"].contains { m.hasSuffix($0) } ? .max : .min
    }

    /// Whether `value` beats `best` by more than `minDelta` (any value beats nil).
    func improves(_ value: Double, on best: Double?, minDelta: Double) -> Bool {
        guard let best else { return true }
        return self == .max ? value > best + minDelta : value < best - minDelta
    }
}

/// The value named `monitor` in `logs`, or an error naming the available keys.
func monitoredValue(_ monitor: String, in logs: Logs, by owner: String) throws -> Double {
    guard let value = logs[monitor] else {
        throw ApusError.invalidArgument("\(owner): monitored value '\(monitor)' is not in the logs (available: "
            + logs.keys.joined(separator: ", ") + (monitor.hasPrefix("val_") ? "; pass validation data to fit" : "") + ")")
    }
    return value
}

/// Stops training when a monitored value has stopped improving, as Keras's `EarlyStopping`.
///
/// After each epoch, the value improves when it beats the best so far by more than `minDelta`
/// (in the direction of `mode`). After `patience` epochs in a row without improvement, training
/// stops. With `restoreBestWeights`, the model's state at the best epoch is put back when training
/// ends (stopped early or not).
public final class EarlyStopping: Callback {
    /// The key of the epoch logs to watch, such as `val_loss` or `val_accuracy`.
    public let monitor: String
    /// How much the value must beat the best so far to count as an improvement (0: any improvement).
    public let minDelta: Double
    /// Epochs in a row without improvement after which training stops (0: stop at the first one).
    public let patience: Int
    /// Whether lower or higher is better, `.auto` already resolved from the monitored name.
    public let mode: MonitorMode
    /// Whether the model's state at the best epoch is put back when training ends.
    public let restoreBestWeights: Bool

    /// The best value seen and its epoch.
    public private(set) var best: Double?
    /// The epoch of ``best`` (0 before the first epoch).
    public private(set) var bestEpoch = 0
    /// The epoch training was stopped at (0 when it ran to the end).
    public private(set) var stoppedEpoch = 0
    private var wait = 0
    private var bestState: [String: Tensor]?

    /// Creates the callback; with the defaults it stops as soon as `val_loss` fails to go down.
    ///
    /// - Parameters:
    ///   - monitor: the key of the epoch logs to watch; a `val_` key needs validation data in `fit`.
    ///   - minDelta: the smallest change that counts as an improvement (≥ 0).
    ///   - patience: epochs in a row without improvement before stopping (≥ 0).
    ///   - mode: whether lower or higher is better; `.auto` decides from the name.
    ///   - restoreBestWeights: put back the best epoch's weights when training ends.
    public init(monitor: String = "val_loss", minDelta: Double = 0, patience: Int = 0, mode: MonitorMode = .auto,
                restoreBestWeights: Bool = false) {
        require(patience >= 0, "EarlyStopping: patience must be non-negative, got \(patience)")
        require(minDelta >= 0, "EarlyStopping: minDelta must be non-negative, got \(minDelta)")
        self.monitor = monitor
        self.minDelta = minDelta
        self.patience = patience
        self.mode = mode.resolved(for: monitor)
        self.restoreBestWeights = restoreBestWeights
    }

    public func onTrainBegin(_ trainer: Trainer) throws {
        best = nil
        bestEpoch = 0
        stoppedEpoch = 0
        wait = 0
        bestState = nil
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws {
        let value = try monitoredValue(monitor, in: logs, by: "EarlyStopping")
        if mode.improves(value, on: best, minDelta: minDelta) {
            best = value
            bestEpoch = epoch
            wait = 0
            if restoreBestWeights {
                bestState = Dictionary(uniqueKeysWithValues: trainer.model.stateDict().map { ($0.name, $0.tensor) })
            }
            return
        }
        wait += 1
        if wait >= patience {
            stoppedEpoch = epoch
            trainer.stopTraining = true
        }
    }

    public func onTrainEnd(_ trainer: Trainer, history: History) throws {
        if restoreBestWeights, let bestState { try trainer.model.loadStateDict(bestState) }
    }
}

/// Saves a checkpoint after epochs, as Keras's `ModelCheckpoint`, atomically (see ``Safetensors``).
///
/// `path` may contain `{epoch}`, replaced by the epoch number (`run-{epoch}.safetensors`). With
/// `saveBestOnly`, a file is written only when the monitored value improves on the best so far.
/// By default the file is a full ``TrainingCheckpoint`` (model, optimizer, epoch, step; resume with
/// ``Trainer/resume(from:)``); with `weightsOnly`, only the model's weights under PyTorch names.
public final class ModelCheckpoint: Callback {
    /// Where to write, with `{epoch}` replaced by the epoch number.
    public let path: String
    /// The key of the epoch logs that decides what is best (used with ``saveBestOnly``).
    public let monitor: String
    /// Whether lower or higher is better, `.auto` already resolved from the monitored name.
    public let mode: MonitorMode
    /// Whether to write only when the monitored value improves (otherwise after every epoch).
    public let saveBestOnly: Bool
    /// Whether to write only the model's weights (PyTorch names) instead of a full ``TrainingCheckpoint``.
    public let weightsOnly: Bool
    /// Extra metadata written into every file.
    public let metadata: [String: String]
    /// The best monitored value so far (with `saveBestOnly`).
    public private(set) var best: Double?
    /// Paths written, in order.
    public private(set) var saved: [String] = []

    /// Creates the callback; with the defaults it writes a full checkpoint to `path` after every epoch.
    ///
    /// - Parameters:
    ///   - path: the file to write; `{epoch}` in it is replaced by the epoch number. Its directory must exist.
    ///   - monitor: the key of the epoch logs that decides what is best.
    ///   - mode: whether lower or higher is better; `.auto` decides from the name.
    ///   - saveBestOnly: write only when the monitored value improves on the best so far.
    ///   - weightsOnly: write only the model's weights instead of a resumable ``TrainingCheckpoint``.
    ///   - metadata: extra string pairs stored in every file's header.
    public init(path: String, monitor: String = "val_loss", mode: MonitorMode = .auto, saveBestOnly: Bool = false,
                weightsOnly: Bool = false, metadata: [String: String] = [:]) {
        self.path = path
        self.metadata = metadata
        self.monitor = monitor
        self.mode = mode.resolved(for: monitor)
        self.saveBestOnly = saveBestOnly
        self.weightsOnly = weightsOnly
    }

    public func onTrainBegin(_ trainer: Trainer) throws {
        best = nil
        saved = []
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws {
        var metadata = self.metadata
        if saveBestOnly {
            let value = try monitoredValue(monitor, in: logs, by: "ModelCheckpoint")
            guard mode.improves(value, on: best, minDelta: 0) else { return }
            best = value
            metadata["monitor"] = monitor
            metadata["best"] = String(value)
        }
        let target = path.replacingOccurrences(of: "{epoch}", with: String(epoch))
        if weightsOnly {
            metadata["epoch"] = String(epoch)
            try trainer.model.saveWeights(to: target, metadata: metadata)
        } else {
            try trainer.saveCheckpoint(to: target, metadata: metadata)
        }
        saved.append(target)
    }
}

/// Steps an ``LRScheduler`` from the training loop: after every epoch or after every batch.
///
/// With `monitor` (for reduce-on-plateau schedules), the scheduler receives that value from the
/// epoch's logs (e.g. `val_loss`), or from the running batch logs with `.batch`.
public final class LRSchedulerCallback: Callback {
    /// When the scheduler steps.
    public enum Interval: Sendable {
        /// After every epoch (schedules counted in epochs, such as ``StepLR``).
        case epoch
        /// After every batch (warm-up and schedules counted in optimizer steps).
        case batch
    }

    /// The schedule that sets the optimizer's learning rate.
    public let scheduler: any LRScheduler
    /// Whether the scheduler steps after every epoch or after every batch.
    public let interval: Interval
    /// The logged value passed to the scheduler's step (for ``ReduceLROnPlateau``); nil for schedules that
    /// depend only on the step count.
    public let monitor: String?

    /// Steps `scheduler` after every `interval`, passing it the logged value `monitor` when one is named.
    public init(_ scheduler: any LRScheduler, interval: Interval = .epoch, monitor: String? = nil) {
        self.scheduler = scheduler
        self.interval = interval
        self.monitor = monitor
    }

    public func onBatchEnd(_ batch: Int, logs: Logs, trainer: Trainer) throws {
        guard interval == .batch else { return }
        try scheduler.step(metric: monitor.map { try monitoredValue($0, in: logs, by: "LRSchedulerCallback") })
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws {
        guard interval == .epoch else { return }
        try scheduler.step(metric: monitor.map { try monitoredValue($0, in: logs, by: "LRSchedulerCallback") })
    }
}

/// A callback made of closures, as Keras's `LambdaCallback`.
public final class LambdaCallback: Callback {
    /// Called before the first epoch.
    public var trainBegin: ((Trainer) throws -> Void)?
    /// Called with the epoch number before each epoch.
    public var epochBegin: ((Int, Trainer) throws -> Void)?
    /// Called with the batch number and the epoch's running logs after each optimizer step.
    public var batchEnd: ((Int, Logs, Trainer) throws -> Void)?
    /// Called with the epoch number and the epoch's logs after each epoch and its validation.
    public var epochEnd: ((Int, Logs, Trainer) throws -> Void)?
    /// Called with the whole history after the last epoch.
    public var trainEnd: ((Trainer, History) throws -> Void)?

    /// A callback that runs the given closures at those points of training; leave out the ones you do not need:
    /// `LambdaCallback(onEpochEnd: { epoch, logs, _ in print(epoch, logs) })`.
    public init(onTrainBegin: ((Trainer) throws -> Void)? = nil,
                onEpochBegin: ((Int, Trainer) throws -> Void)? = nil,
                onBatchEnd: ((Int, Logs, Trainer) throws -> Void)? = nil,
                onEpochEnd: ((Int, Logs, Trainer) throws -> Void)? = nil,
                onTrainEnd: ((Trainer, History) throws -> Void)? = nil) {
        trainBegin = onTrainBegin
        epochBegin = onEpochBegin
        batchEnd = onBatchEnd
        epochEnd = onEpochEnd
        trainEnd = onTrainEnd
    }

    public func onTrainBegin(_ trainer: Trainer) throws { try trainBegin?(trainer) }
    public func onEpochBegin(_ epoch: Int, trainer: Trainer) throws { try epochBegin?(epoch, trainer) }
    public func onBatchEnd(_ batch: Int, logs: Logs, trainer: Trainer) throws { try batchEnd?(batch, logs, trainer) }
    public func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws { try epochEnd?(epoch, logs, trainer) }
    public func onTrainEnd(_ trainer: Trainer, history: History) throws { try trainEnd?(trainer, history) }
}
