import Foundation

/// Writes a training run to TensorBoard through a ``SummaryWriter``: after every epoch, each
/// value of the epoch's ``Logs`` as a scalar (tags `loss`, `accuracy`, `val_loss`,
/// `val_accuracy`, `lr`, … at step = epoch number) and, with `histograms`, histograms of every
/// parameter (`weights/<name>`) and of its gradient (`gradients/<name>`: the epoch's last batch).
///
/// ```swift
/// let writer = try SummaryWriter(logDirectory: "runs/mlp")
/// try trainer.fit(loader, validation: validation, epochs: 20, callbacks: [TensorBoardCallback(writer)])
/// // tensorboard --logdir runs
/// ```
///
/// The writer is flushed after every epoch (so a stopped run keeps its curves) and at the end of
/// training; a failed write ends `fit` with its error. The writer stays open: close it yourself.
public final class TensorBoardCallback: Callback {
    /// Where the events go.
    public let writer: SummaryWriter
    /// Whether parameter and gradient histograms are written each epoch.
    public let histograms: Bool

    /// Logs every epoch to `writer`, with parameter and gradient histograms unless `histograms` is false.
    public init(_ writer: SummaryWriter, histograms: Bool = true) {
        self.writer = writer
        self.histograms = histograms
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs, trainer: Trainer) throws {
        for (key, value) in logs { writer.addScalar(key, value, step: epoch) }
        if histograms { writer.addHistograms(of: trainer.model, step: epoch) }
        try writer.flush()
    }

    public func onTrainEnd(_ trainer: Trainer, history: History) throws { try writer.flush() }
}
