/// Runs schedules one after another, switching at the milestones, as
/// `torch.optim.lr_scheduler.SequentialLR`: schedule `k` runs from milestone `k − 1` (its own
/// step count restarting at 0) until milestone `k`.
///
///     // 5 steps of linear warm-up, then cosine annealing over 95
///     let scheduler = SequentialLR(optimizer, schedulers: [
///         LinearLR(optimizer, startFactor: 0.1, totalIters: 5),
///         CosineAnnealingLR(optimizer, tMax: 95),
///     ], milestones: [5])
///
/// Every schedule takes the first one's base learning rates (the optimizer's rates before any
/// of them was created, PyTorch's `initial_lr`), whatever the rates were when it was created.
/// Sequences nest: a ``SequentialLR`` can be one of the schedules.
public final class SequentialLR: ClosedFormLRScheduler {
    public let optimizer: any Optimizer
    public var baseLRs: [Double] {
        didSet { for s in schedulers { s.baseLRs = baseLRs } }
    }
    public var lastEpoch = 0
    /// The schedules, in order.
    public let schedulers: [any ClosedFormLRScheduler]
    /// The steps at which the next schedule takes over (one fewer than the schedules).
    public let milestones: [Int]

    /// Chains `schedulers` (all on `optimizer`), switching at `milestones`; sets the first schedule's step-0 rates.
    public init(_ optimizer: any Optimizer, schedulers: [any ClosedFormLRScheduler], milestones: [Int]) {
        require(!schedulers.isEmpty, "SequentialLR: needs at least one schedule")
        require(milestones.count == schedulers.count - 1,
                "SequentialLR: needs one milestone fewer than schedules, got \(schedulers.count) schedules and milestones \(milestones)")
        require(zip(milestones, milestones.dropFirst()).allSatisfy { $0 < $1 } && (milestones.first ?? 1) > 0,
                "SequentialLR: milestones must be positive and increasing, got \(milestones)")
        for (k, s) in schedulers.enumerated() {
            require(s.optimizer === optimizer, "SequentialLR: schedule \(k) (\(type(of: s))) belongs to another optimizer")
        }
        self.optimizer = optimizer
        self.schedulers = schedulers
        self.milestones = milestones
        baseLRs = schedulers[0].baseLRs
        for s in schedulers { s.baseLRs = baseLRs }
        applyLearningRates()
    }

    /// The schedule in charge after `epoch` steps, and its own step count.
    private func active(at epoch: Int) -> (scheduler: any ClosedFormLRScheduler, epoch: Int) {
        let k = milestones.count { $0 <= epoch }
        return (schedulers[k], epoch - (k > 0 ? milestones[k - 1] : 0))
    }

    public func learningRate(base: Double, epoch: Int) -> Double {
        let (s, local) = active(at: epoch)
        return s.learningRate(base: base, epoch: local)
    }

    /// Sets the learning rates for ``lastEpoch`` and each schedule's own step count.
    public func applyLearningRates() {
        let (s, local) = active(at: lastEpoch)
        s.lastEpoch = local
        optimizer.learningRates = baseLRs.map { s.learningRate(base: $0, epoch: local) }
    }
}
