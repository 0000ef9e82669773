/// Changes an optimizer's learning rate as training goes on, as `torch.optim.lr_scheduler`.
///
/// A scheduler holds its optimizer and sets `optimizer.lr` itself: call ``step(metric:)`` once per
/// epoch or once per batch, whichever the schedule is defined in (the trainer's callback does it
/// for you). Schedulers that react to a validation metric (reduce-on-plateau) need `metric`.
public protocol LRScheduler: AnyObject {
    /// The optimizer whose learning rate this scheduler sets.
    var optimizer: any Optimizer { get }
    /// Advances the schedule by one step and updates the optimizer's learning rate.
    func step(metric: Double?)
}

extension LRScheduler {
    /// Advances the schedule by one step (for schedules that need no metric).
    public func step() { step(metric: nil) }
}
