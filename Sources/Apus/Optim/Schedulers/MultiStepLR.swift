import Foundation

/// Multiplies each group's learning rate by `gamma` at each milestone, as
/// `torch.optim.lr_scheduler.MultiStepLR`:
///
///     lr(t) = base · gamma^(number of milestones ≤ t)
///
///     let scheduler = MultiStepLR(optimizer, milestones: [30, 80])   // ÷10 at 30, ÷100 from 80
///
/// A milestone listed twice counts twice.
public final class MultiStepLR: ClosedFormLRScheduler {
    public let optimizer: any Optimizer
    public var baseLRs: [Double]
    public var lastEpoch = 0
    /// The steps at which the rate decays, sorted.
    public let milestones: [Int]
    /// Factor applied at each milestone.
    public let gamma: Double

    /// A schedule over `optimizer`'s current learning rates (the base); milestones need not be sorted.
    public init(_ optimizer: any Optimizer, milestones: [Int], gamma: Double = 0.1) {
        require(gamma >= 0 && gamma.isFinite, "MultiStepLR: gamma must be a finite non-negative number, got \(gamma)")
        self.optimizer = optimizer
        self.milestones = milestones.sorted()
        self.gamma = gamma
        baseLRs = optimizer.learningRates
        applyLearningRates()
    }

    public func learningRate(base: Double, epoch: Int) -> Double {
        base * Foundation.pow(gamma, Double(milestones.count { $0 <= epoch }))
    }
}
