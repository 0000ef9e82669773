import Foundation

/// Writes one row per epoch of the epoch's ``Logs`` (`epoch,accuracy,loss,lr,val_accuracy,val_loss`)
/// with a ``CSVLogger``, as Keras's `CSVLogger` callback.
///
/// ```swift
/// let logger = try CSVLogger(path: "runs/mlp/metrics.csv")
/// try trainer.fit(loader, validation: validation, epochs: 20, callbacks: [CSVLoggerCallback(logger)])
/// ```
///
/// Each row is written as soon as its epoch ends. To continue a file when resuming, open the
/// logger with `append: true`.
public final class CSVLoggerCallback: Callback {
    /// Where the rows go.
    public let logger: CSVLogger

    /// Writes each epoch's logs as a row of `logger`'s file.
    public init(_ logger: CSVLogger) { self.logger = logger }

    public func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws {
        try logger.log(epoch: epoch, metrics: Dictionary(uniqueKeysWithValues: logs.map { ($0.key, $0.value) }))
    }
}
