/// Divides the learning rates when a monitored metric stops improving, as
/// `torch.optim.lr_scheduler.ReduceLROnPlateau`.
///
/// Call ``step(metric:)`` once per epoch with the validation loss (mode ``Mode/min``) or accuracy
/// (``Mode/max``). A value is an improvement when it beats the best so far by more than
/// `threshold` (relative: `value < best·(1 − threshold)` in min mode; absolute:
/// `value < best − threshold`). After more than `patience` steps in a row without improvement,
/// every group's rate becomes `max(lr·factor, minLR)` (unchanged if that differs by ≤ `eps`),
/// and the next `cooldown` steps are not counted.
///
///     let scheduler = ReduceLROnPlateau(optimizer, mode: .min, factor: 0.5, patience: 3)
///     for epoch in 0..<epochs {
///         train(); scheduler.step(metric: validationLoss())
///     }
public final class ReduceLROnPlateau: LRScheduler {
    /// Whether a smaller or a larger metric is better.
    public enum Mode: Sendable {
        /// Smaller is better: losses and errors.
        case min
        /// Larger is better: accuracies.
        case max
    }
    /// How `threshold` measures a significant improvement.
    public enum ThresholdMode: Sendable {
        /// A fraction of the best value: `value < best·(1 − threshold)` in min mode.
        case relative
        /// An amount in the metric's unit: `value < best − threshold` in min mode.
        case absolute
    }

    public let optimizer: any Optimizer
    /// Whether a smaller or a larger metric counts as better.
    public let mode: Mode
    /// Factor the rates are multiplied by on a plateau, in [0, 1).
    public let factor: Double
    /// Steps without improvement tolerated before reducing.
    public let patience: Int
    /// Smallest improvement that counts (see ``thresholdMode``).
    public let threshold: Double
    /// Whether ``threshold`` is a fraction of the best value or an amount.
    public let thresholdMode: ThresholdMode
    /// Steps after a reduction during which no bad step is counted.
    public let cooldown: Int
    /// The lower bound of each group's learning rate.
    public var minLRs: [Double]
    /// Reductions smaller than this are not applied.
    public let eps: Double

    /// The best metric so far (±∞ before the first step).
    public private(set) var best: Double
    /// Steps in a row without improvement (PyTorch's `num_bad_epochs`).
    public private(set) var badEpochs = 0
    /// Cooldown steps left.
    public private(set) var cooldownCounter = 0
    /// Steps taken so far.
    public private(set) var lastEpoch = 0

    /// Watches a metric passed to ``step(metric:)``; leaves `optimizer`'s learning rates alone until a plateau.
    public init(_ optimizer: any Optimizer, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .relative, cooldown: Int = 0,
                minLR: Double = 0, eps: Double = 1e-8) {
        require(factor >= 0 && factor < 1, "ReduceLROnPlateau: factor must be in [0, 1), got \(factor)")
        require(patience >= 0, "ReduceLROnPlateau: patience must be non-negative, got \(patience)")
        require(threshold >= 0 && threshold.isFinite, "ReduceLROnPlateau: threshold must be a finite non-negative number, got \(threshold)")
        require(cooldown >= 0, "ReduceLROnPlateau: cooldown must be non-negative, got \(cooldown)")
        require(minLR >= 0 && minLR.isFinite, "ReduceLROnPlateau: minLR must be a finite non-negative number, got \(minLR)")
        require(eps >= 0 && eps.isFinite, "ReduceLROnPlateau: eps must be a finite non-negative number, got \(eps)")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLRs = Array(repeating: minLR, count: optimizer.learningRates.count)
        self.eps = eps
        best = mode == .min ? .infinity : -.infinity
    }

    /// Whether `value` improves on ``best`` by more than the threshold.
    private func isImprovement(_ value: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .relative): value < best * (1 - threshold)
        case (.min, .absolute): value < best - threshold
        case (.max, .relative): value > best * (threshold + 1)
        case (.max, .absolute): value > best + threshold
        }
    }

    /// Records `metric` (required) and reduces the learning rates after a plateau.
    public func step(metric: Double?) {
        guard let metric else {
            require(false, "ReduceLROnPlateau: step needs the monitored metric: call step(metric: validationLoss)")
            return
        }
        lastEpoch += 1
        if isImprovement(metric) {
            best = metric
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0
        }
        if badEpochs > patience {
            require(minLRs.count == optimizer.learningRates.count,
                    "ReduceLROnPlateau: \(minLRs.count) minLRs for \(optimizer.learningRates.count) parameter groups")
            optimizer.learningRates = zip(optimizer.learningRates, minLRs).map { old, minLR in
                let new = Swift.max(old * factor, minLR)
                return old - new > eps ? new : old
            }
            cooldownCounter = cooldown
            badEpochs = 0
        }
    }

    /// `last_epoch`, `best`, `num_bad_epochs` and `cooldown_counter`.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        [("last_epoch", SchedulerState.scalar(Double(lastEpoch))), ("best", SchedulerState.scalar(best)),
         ("num_bad_epochs", SchedulerState.scalar(Double(badEpochs))),
         ("cooldown_counter", SchedulerState.scalar(Double(cooldownCounter)))]
    }

    public func loadStateDict(_ state: [String: Tensor]) throws {
        try SchedulerState.validate(state, expected: ["last_epoch": [], "best": [], "num_bad_epochs": [], "cooldown_counter": []])
        lastEpoch = SchedulerState.int(state["last_epoch"]!)
        best = SchedulerState.double(state["best"]!)
        badEpochs = SchedulerState.int(state["num_bad_epochs"]!)
        cooldownCounter = SchedulerState.int(state["cooldown_counter"]!)
    }
}
