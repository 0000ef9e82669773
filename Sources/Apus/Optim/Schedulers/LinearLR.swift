/// Scales each group's learning rate by a factor that goes linearly from `startFactor` to
/// `endFactor` over `totalIters` steps, then stays, as `torch.optim.lr_scheduler.LinearLR`:
///
///     lr(t) = base · (startFactor + (endFactor − startFactor)·min(t, totalIters) / totalIters)
///
/// With the defaults this is a linear warm-up from a third of the base rate to the base rate in
/// 5 steps. Creating it sets the learning rates to `base·startFactor` at once. Follow it with
/// another schedule through ``SequentialLR``:
///
///     let warmUp = LinearLR(optimizer, startFactor: 0.1, totalIters: 5)
///     let cosine = CosineAnnealingLR(optimizer, tMax: 95)
///     let scheduler = SequentialLR(optimizer, schedulers: [warmUp, cosine], milestones: [5])
public final class LinearLR: ClosedFormLRScheduler {
    public let optimizer: any Optimizer
    public var baseLRs: [Double]
    public var lastEpoch = 0
    /// The factor at step 0.
    public let startFactor: Double
    /// The factor from step `totalIters` on.
    public let endFactor: Double
    /// Steps from `startFactor` to `endFactor`.
    public let totalIters: Int

    /// A schedule over `optimizer`'s current learning rates (the base); sets them to `base·startFactor` at once.
    public init(_ optimizer: any Optimizer, startFactor: Double = 1.0 / 3, endFactor: Double = 1, totalIters: Int = 5) {
        require(startFactor > 0 && startFactor <= 1, "LinearLR: startFactor must be in (0, 1], got \(startFactor)")
        require(endFactor >= 0 && endFactor <= 1, "LinearLR: endFactor must be in [0, 1], got \(endFactor)")
        require(totalIters > 0, "LinearLR: totalIters must be positive, got \(totalIters)")
        self.optimizer = optimizer
        self.startFactor = startFactor
        self.endFactor = endFactor
        self.totalIters = totalIters
        baseLRs = optimizer.learningRates
        applyLearningRates()
    }

    public func learningRate(base: Double, epoch: Int) -> Double {
        base * (startFactor + (endFactor - startFactor) * Double(min(totalIters, epoch)) / Double(totalIters))
    }
}
