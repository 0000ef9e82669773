import Foundation

/// Anneals each group's learning rate from its base down to `etaMin` along half a cosine over
/// `tMax` steps, as `torch.optim.lr_scheduler.CosineAnnealingLR` (SGDR without restarts):
///
///     lr(t) = etaMin + (base − etaMin)·(1 + cos(π·t / tMax)) / 2
///
/// Past `tMax` the cosine goes on, so the rate climbs back up (as in PyTorch); stop stepping,
/// or chain another schedule with ``SequentialLR``, to hold it.
public final class CosineAnnealingLR: ClosedFormLRScheduler {
    public let optimizer: any Optimizer
    public var baseLRs: [Double]
    public var lastEpoch = 0
    /// Steps from the base rate down to `etaMin`.
    public let tMax: Int
    /// The smallest learning rate.
    public let etaMin: Double

    /// A schedule over `optimizer`'s current learning rates (the base); step 0 keeps them.
    public init(_ optimizer: any Optimizer, tMax: Int, etaMin: Double = 0) {
        require(tMax > 0, "CosineAnnealingLR: tMax must be positive, got \(tMax)")
        require(etaMin >= 0 && etaMin.isFinite, "CosineAnnealingLR: etaMin must be a finite non-negative number, got \(etaMin)")
        self.optimizer = optimizer
        self.tMax = tMax
        self.etaMin = etaMin
        baseLRs = optimizer.learningRates
        applyLearningRates()
    }

    public func learningRate(base: Double, epoch: Int) -> Double {
        etaMin + (base - etaMin) * (1 + Foundation.cos(Double.pi * Double(epoch) / Double(tMax))) / 2
    }
}
