/// Adagrad (Duchi, Hazan and Singer, 2011) with PyTorch's update rule (`torch.optim.Adagrad`):
///
///     g ← ∇ + λ·w                          (coupled L2 weight decay)
///     lrₜ = lr / (1 + (t − 1)·lrDecay)
///     s ← s + g²                           (s starts at `initialAccumulatorValue`)
///     w ← w − lrₜ·g / (√s + ε)
///
/// Each weight's step shrinks with the sum of its squared gradients: weights with large or
/// frequent gradients slow down first. `t` counts the steps in which this parameter had a gradient.
///
/// State (per parameter, PyTorch's names): `step` and `sum` (s). As in PyTorch, every parameter's
/// state exists from the start (`step` 0, `sum` filled with `initialAccumulatorValue`). A group's
/// own `initialAccumulatorValue` is used for its parameters (PyTorch uses the optimizer's default
/// for every group).
public final class Adagrad: Optimizer {
    /// Adagrad's options (PyTorch's defaults).
    public struct Options: OptimizerOptions {
        /// Learning rate.
        public var lr: Double = 1e-2
        /// Learning-rate decay: the step-`t` rate is `lr / (1 + (t − 1)·lrDecay)`.
        public var lrDecay: Double = 0
        /// L2 penalty λ, added to the gradient as `λ·w`.
        public var weightDecay: Double = 0
        /// The starting value of the sum of squared gradients.
        public var initialAccumulatorValue: Double = 0
        /// Added to the denominator for numerical stability.
        public var eps: Double = 1e-10

        /// Adagrad's options; every argument defaults to PyTorch's value.
        public init(lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                    initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
            (self.lr, self.lrDecay, self.weightDecay, self.initialAccumulatorValue, self.eps) =
                (lr, lrDecay, weightDecay, initialAccumulatorValue, eps)
        }

        /// Stops with a message naming `name`, the option and its value when one is out of range.
        public func validate(optimizer name: String) {
            require(lr >= 0 && lr.isFinite, "\(name): lr must be a finite non-negative number, got \(lr)")
            require(lrDecay >= 0 && lrDecay.isFinite, "\(name): lrDecay must be a finite non-negative number, got \(lrDecay)")
            require(weightDecay >= 0 && weightDecay.isFinite,
                    "\(name): weightDecay must be a finite non-negative number, got \(weightDecay)")
            require(initialAccumulatorValue >= 0 && initialAccumulatorValue.isFinite,
                    "\(name): initialAccumulatorValue must be a finite non-negative number, got \(initialAccumulatorValue)")
            require(eps >= 0 && eps.isFinite, "\(name): eps must be a finite non-negative number, got \(eps)")
        }
    }

    struct State: OptimizerParameterState {
        var step = 0
        var sum: Tensor
        static func names(for options: Options) -> [String] { ["step", "sum"] }
        var namedTensors: [(name: String, tensor: Tensor)] { [("step", OptimizerState.scalar(Double(step))), ("sum", sum)] }
        init(sum: Tensor) { self.sum = sum }
        init(saved: [String: Tensor], parameter: Parameter, options: Options) {
            step = OptimizerState.step(saved["step"]!)
            sum = OptimizerState.like(saved["sum"]!, parameter)
        }
    }

    private var core: OptimizerCore<State>

    /// The parameter groups with their resolved options.
    public var groups: [OptimizerGroup<Options>] { core.groups }
    public var parameters: [Parameter] { core.parameters }
    public var learningRates: [Double] {
        get { core.learningRates }
        set { core.learningRates = newValue }
    }

    /// Adagrad over parameter groups; options a group does not set take these defaults.
    public init(_ groups: [ParameterGroup<Options>], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        core = OptimizerCore("Adagrad", groups: groups,
                             defaults: Options(lr: lr, lrDecay: lrDecay, weightDecay: weightDecay,
                                               initialAccumulatorValue: initialAccumulatorValue, eps: eps))
        for group in core.groups {
            for p in group.parameters {
                core.state[ObjectIdentifier(p)] = State(sum: Tensor.full(p.value.shape, value: group.options.initialAccumulatorValue, dtype: p.value.dtype))
            }
        }
    }

    /// Adagrad over `parameters`, one group.
    public convenience init(_ parameters: [Parameter], lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                            initialAccumulatorValue: Double = 0, eps: Double = 1e-10) {
        self.init([ParameterGroup(parameters)], lr: lr, lrDecay: lrDecay, weightDecay: weightDecay,
                  initialAccumulatorValue: initialAccumulatorValue, eps: eps)
    }

    public func step() {
        noGrad {
            core.update { p, grad, o, state in
                var s = state ?? State(sum: Tensor.full(p.value.shape, value: o.initialAccumulatorValue, dtype: p.value.dtype))
                s.step += 1
                // 16-bit parameters step in float32 (eps would round to 0); the sum keeps their dtype.
                let dtype = p.value.dtype, work: DType = dtype.isReducedPrecision ? .float32 : dtype
                let value = p.value.cast(to: work)
                var g = grad.cast(to: work)
                if o.weightDecay != 0 { g = g + o.weightDecay * value }
                let clr: Double = o.lr / (1 + Double(s.step - 1) * o.lrDecay)
                let sum = s.sum.cast(to: work) + g * g
                s.sum = sum.cast(to: dtype)
                p.assign(value - clr * (g / (sum.sqrt() + o.eps)))
                state = s
            }
        }
    }

    public func stateDict() -> [(name: String, tensor: Tensor)] { core.stateDict() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try core.loadStateDict(state) }
}
