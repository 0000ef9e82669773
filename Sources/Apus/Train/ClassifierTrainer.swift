import Foundation

/// Loss and accuracy of a classifier over a whole dataset.
public struct Evaluation: Sendable, Equatable {
    /// Mean cross-entropy per example.
    public let loss: Double
    /// Fraction of examples whose highest logit is the label, in [0, 1].
    public let accuracy: Double
}

/// What one epoch of ``ClassifierTrainer/fit(_:validation:epochs:onEpoch:)`` achieved.
///
/// Its description is the line `apus train` prints: `epoch   3  loss 0.1906  train_acc 0.9465  val_acc 0.9333`.
public struct EpochReport: Sendable, Equatable, CustomStringConvertible {
    /// The epoch's number, from 1.
    public let epoch: Int
    /// Mean training loss over the epoch's batches (weighted by batch size).
    public let trainLoss: Double
    /// Training accuracy measured on the fly over the epoch's batches.
    public let trainAccuracy: Double
    /// Loss and accuracy on the validation data after the epoch; nil when `fit` had none.
    public let validation: Evaluation?

    /// The epoch's line: `epoch   3  loss 0.1906  train_acc 0.9465  val_acc 0.9333`.
    public var description: String {
        String(format: "epoch %3d  loss %.4f  train_acc %.4f", epoch, trainLoss, trainAccuracy)
            + (validation.map { String(format: "  val_acc %.4f", $0.accuracy) } ?? "")
    }
}

/// Trains a classifier with cross-entropy: forward, `backward()`, `optimizer.step()` per batch.
public struct ClassifierTrainer {
    /// The classifier: maps a batch of inputs to logits `[N, classes]`.
    public let model: Module
    /// Updates the model's parameters after each batch; build it over `model.parameters()`.
    public let optimizer: any Optimizer

    /// A trainer for `model` with `optimizer` (which must hold the model's parameters).
    public init(model: Module, optimizer: any Optimizer) {
        self.model = model
        self.optimizer = optimizer
    }

    /// Runs `epochs` passes over `train`, evaluating on `validation` after each.
    @discardableResult
    public func fit<D: Dataset>(_ train: DataLoader<D>, validation: (any Dataset<Never>)? = nil, epochs: Int,
                                onEpoch: (EpochReport) -> Void = { _ in }) throws(D.Failure) -> [EpochReport] {
        require(epochs >= 0, "fit: epochs must be non-negative, got \(epochs)")
        var reports: [EpochReport] = []
        guard epochs > 0 else { return reports }
        for epoch in 1...epochs {
            model.train()
            var lossSum = 0.0, correct = 0.0, seen = 0
            var batches = train.batches()
            while let (x, y) = try batches.next().map({ ($0.inputs, $0.targets) }) {
                optimizer.zeroGrad()
                let logits = model(x)
                let loss = crossEntropy(logits, y)
                loss.backward()
                optimizer.step()
                let n = x.shape[0]
                lossSum += loss.item() * Double(n)
                correct += accuracy(logits.detached(), y) * Double(n)
                seen += n
            }
            let report = EpochReport(epoch: epoch, trainLoss: lossSum / Double(Swift.max(seen, 1)),
                                     trainAccuracy: correct / Double(Swift.max(seen, 1)),
                                     validation: validation.map { evaluate(on: $0) })
            reports.append(report)
            onEpoch(report)
        }
        return reports
    }

    /// Loss and accuracy on `dataset`, in evaluation mode and without recording gradients;
    /// the model's mode is restored afterwards.
    public func evaluate(on dataset: any Dataset<Never>, batchSize: Int = 512) -> Evaluation {
        let wasTraining = model.training
        model.eval()
        defer { model.train(wasTraining) }
        return noGrad {
            var lossSum = 0.0, correct = 0.0
            var start = 0
            while start < dataset.count {
                let end = Swift.min(dataset.count, start + batchSize)
                let (x, y) = dataset.batch(at: Array(start..<end))
                let logits = model(x)
                lossSum += crossEntropy(logits, y, reduction: .sum).item()
                correct += accuracy(logits, y) * Double(end - start)
                start = end
            }
            let n = Double(Swift.max(dataset.count, 1))
            return Evaluation(loss: lossSum / n, accuracy: correct / n)
        }
    }
}
