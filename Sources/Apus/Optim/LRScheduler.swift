import Foundation

/// Changes an optimizer's learning rates as training goes on, as `torch.optim.lr_scheduler`.
///
/// A scheduler holds its optimizer and sets every parameter group's learning rate
/// (``Optimizer/learningRates``) itself: call ``step(metric:)`` once per epoch or once per batch,
/// whichever the schedule is defined in (the trainer's callback does it for you), after
/// `optimizer.step()`. Schedulers that react to a validation metric (``ReduceLROnPlateau``) need
/// `metric`; the others ignore it. Any scheduler works with any optimizer.
public protocol LRScheduler: AnyObject {
    /// The optimizer whose learning rates this scheduler sets.
    var optimizer: any Optimizer { get }
    /// Advances the schedule by one step and updates the optimizer's learning rates.
    func step(metric: Double?)
    /// The scheduler's state as named tensors (PyTorch's `state_dict()` names, flattened:
    /// `last_epoch`, `base_lrs`, `best`, …), for resuming training.
    func stateDict() -> [(name: String, tensor: Tensor)]
    /// Restores a state saved by ``stateDict()``; throws ``ApusError/stateMismatch(_:)`` listing
    /// the keys that do not fit, and changes nothing then.
    func loadStateDict(_ state: [String: Tensor]) throws
}

extension LRScheduler {
    /// Advances the schedule by one step (for schedules that need no metric).
    public func step() { step(metric: nil) }

    /// No state by default.
    public func stateDict() -> [(name: String, tensor: Tensor)] { [] }

    /// No state by default: any key is unexpected.
    public func loadStateDict(_ state: [String: Tensor]) throws {
        if !state.isEmpty { throw ApusError.stateMismatch(StateMismatch(unexpected: state.keys.sorted())) }
    }
}

/// A schedule whose learning rates are a function of the step count and of each group's base
/// learning rate: `lr_g(t) = learningRate(base: baseLRs[g], epoch: t)`.
///
/// Creating one stores the optimizer's learning rates as ``baseLRs`` and sets the rates for
/// `t = 0` (so a warm-up starts low at once, as in PyTorch); each ``LRScheduler/step(metric:)`` advances `t`
/// by one. Rates are computed from the base each time (PyTorch's closed form), not by scaling
/// the current rate, so they do not drift and can be resumed at any `t`. ``SequentialLR`` chains
/// these schedules.
public protocol ClosedFormLRScheduler: LRScheduler {
    /// Each parameter group's learning rate when the scheduler was created (PyTorch's `base_lrs`).
    var baseLRs: [Double] { get set }
    /// Steps taken so far (PyTorch's `last_epoch`): 0 right after creation.
    var lastEpoch: Int { get set }
    /// The learning rate after `epoch` steps of a group whose base learning rate is `base`.
    func learningRate(base: Double, epoch: Int) -> Double
    /// Sets the optimizer's learning rates to the schedule's at ``lastEpoch``.
    func applyLearningRates()
}

extension ClosedFormLRScheduler {
    public func step(metric: Double? = nil) {
        lastEpoch += 1
        applyLearningRates()
    }

    /// Sets the optimizer's learning rates to the schedule's at ``lastEpoch``.
    public func applyLearningRates() {
        optimizer.learningRates = baseLRs.map { learningRate(base: $0, epoch: lastEpoch) }
    }

    /// `last_epoch` and `base_lrs` (one entry per parameter group).
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        [("last_epoch", SchedulerState.scalar(Double(lastEpoch))),
         ("base_lrs", Tensor(shape: [baseLRs.count], values: baseLRs, dtype: .float64))]
    }

    /// Restores `last_epoch` and `base_lrs` and sets the optimizer's learning rates for that step
    /// (so the order of loading optimizer and scheduler does not matter).
    public func loadStateDict(_ state: [String: Tensor]) throws {
        try SchedulerState.validate(state, expected: ["last_epoch": [], "base_lrs": [baseLRs.count]])
        lastEpoch = SchedulerState.int(state["last_epoch"]!)
        baseLRs = state["base_lrs"]!.cast(to: .float64).toDoubles()
        applyLearningRates()
    }
}

/// Helpers for schedulers' state dicts.
enum SchedulerState {
    static func scalar(_ value: Double) -> Tensor { Tensor(shape: [], values: [value], dtype: .float64) }
    static func int(_ t: Tensor) -> Int { Int(t.cast(to: .float64).toDoubles()[0].rounded()) }
    static func double(_ t: Tensor) -> Double { t.cast(to: .float64).toDoubles()[0] }

    /// Checks that `state` has exactly the keys of `expected`, with those shapes.
    static func validate(_ state: [String: Tensor], expected: [String: [Int]]) throws {
        let missing = expected.keys.filter { state[$0] == nil }.sorted()
        let unexpected = state.keys.filter { expected[$0] == nil }.sorted()
        let wrongShape = state.compactMap { name, tensor -> StateMismatch.WrongShape? in
            guard let shape = expected[name], shape != tensor.shape else { return nil }
            return .init(name: name, expected: shape, found: tensor.shape)
        }.sorted { $0.name < $1.name }
        let mismatch = StateMismatch(missing: missing, unexpected: unexpected, wrongShape: wrongShape)
        if !mismatch.isEmpty { throw ApusError.stateMismatch(mismatch) }
    }
}
