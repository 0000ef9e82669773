import Foundation

/// Multiplies each group's learning rate by `gamma` every `stepSize` steps, as
/// `torch.optim.lr_scheduler.StepLR`:
///
///     lr(t) = base · gamma^⌊t / stepSize⌋
///
///     let scheduler = StepLR(optimizer, stepSize: 30)   // ÷10 every 30 epochs
public final class StepLR: ClosedFormLRScheduler {
    public let optimizer: any Optimizer
    public var baseLRs: [Double]
    public var lastEpoch = 0
    /// Steps between two decays.
    public let stepSize: Int
    /// Factor applied at each decay.
    public let gamma: Double

    /// A schedule over `optimizer`'s current learning rates (the base); step 0 keeps them.
    public init(_ optimizer: any Optimizer, stepSize: Int, gamma: Double = 0.1) {
        require(stepSize > 0, "StepLR: stepSize must be positive, got \(stepSize)")
        require(gamma >= 0 && gamma.isFinite, "StepLR: gamma must be a finite non-negative number, got \(gamma)")
        self.optimizer = optimizer
        self.stepSize = stepSize
        self.gamma = gamma
        baseLRs = optimizer.learningRates
        applyLearningRates()
    }

    public func learningRate(base: Double, epoch: Int) -> Double {
        base * Foundation.pow(gamma, Double(epoch / stepSize))
    }
}
