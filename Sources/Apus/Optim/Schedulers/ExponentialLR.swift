import Foundation

/// Multiplies each group's learning rate by `gamma` at every step, as
/// `torch.optim.lr_scheduler.ExponentialLR`:
///
///     lr(t) = base · gammaᵗ
///
/// Stepped once per epoch it decays per epoch; stepped once per batch it gives the course's
/// per-step decay `lr ← lr·0.99998`:
///
///     let scheduler = ExponentialLR(optimizer, gamma: 0.99998)
///     for (x, y) in loader {
///         optimizer.zeroGrad(); lossFunction(model(x), y).backward(); optimizer.step()
///         scheduler.step()                       // after every batch
///     }
public final class ExponentialLR: ClosedFormLRScheduler {
    public let optimizer: any Optimizer
    public var baseLRs: [Double]
    public var lastEpoch = 0
    /// Factor applied at every step.
    public let gamma: Double

    /// A schedule over `optimizer`'s current learning rates (the base); step 0 keeps them.
    public init(_ optimizer: any Optimizer, gamma: Double) {
        require(gamma >= 0 && gamma.isFinite, "ExponentialLR: gamma must be a finite non-negative number, got \(gamma)")
        self.optimizer = optimizer
        self.gamma = gamma
        baseLRs = optimizer.learningRates
        applyLearningRates()
    }

    public func learningRate(base: Double, epoch: Int) -> Double {
        base * Foundation.pow(gamma, Double(epoch))
    }
}
