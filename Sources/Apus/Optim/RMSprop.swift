/// RMSprop (Hinton, 2012) with PyTorch's update rule (`torch.optim.RMSprop`):
///
///     g ← ∇ + λ·w                          (coupled L2 weight decay)
///     s ← α·s + (1 − α)·g²                 (running average of the squared gradient)
///     ḡ ← α·ḡ + (1 − α)·g;  d = √(s − ḡ²) + ε   (centered: normalise by the variance)
///                           d = √s + ε           (otherwise)
///     b ← μ·b + g/d;  w ← w − lr·b         (momentum μ > 0)
///     w ← w − lr·g/d                       (otherwise)
///
/// The averages and the momentum buffer start at zero (unlike Adam there is no bias correction).
///
/// State (per parameter, PyTorch's names): `step`, `square_avg` (s), `momentum_buffer` (b, when
/// momentum > 0) and `grad_avg` (ḡ, when centered).
public final class RMSprop: Optimizer {
    /// RMSprop's options (PyTorch's defaults).
    public struct Options: OptimizerOptions {
        /// Learning rate.
        public var lr: Double = 1e-2
        /// Smoothing constant α of the running averages.
        public var alpha: Double = 0.99
        /// Added to the denominator for numerical stability.
        public var eps: Double = 1e-8
        /// L2 penalty λ, added to the gradient as `λ·w`.
        public var weightDecay: Double = 0
        /// Momentum factor μ.
        public var momentum: Double = 0
        /// Normalise by an estimate of the gradient's variance instead of its second moment.
        public var centered: Bool = false

        /// RMSprop's options; every argument defaults to PyTorch's value.
        public init(lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                    momentum: Double = 0, centered: Bool = false) {
            (self.lr, self.alpha, self.eps, self.weightDecay, self.momentum, self.centered) =
                (lr, alpha, eps, weightDecay, momentum, centered)
        }

        /// Stops with a message naming `name`, the option and its value when one is out of range.
        public func validate(optimizer name: String) {
            require(lr >= 0 && lr.isFinite, "\(name): lr must be a finite non-negative number, got \(lr)")
            require(alpha >= 0 && alpha <= 1, "\(name): alpha must be in [0, 1], got \(alpha)")
            require(eps >= 0 && eps.isFinite, "\(name): eps must be a finite non-negative number, got \(eps)")
            require(weightDecay >= 0 && weightDecay.isFinite,
                    "\(name): weightDecay must be a finite non-negative number, got \(weightDecay)")
            require(momentum >= 0 && momentum.isFinite, "\(name): momentum must be a finite non-negative number, got \(momentum)")
        }
    }

    struct State: OptimizerParameterState {
        var step = 0
        var squareAverage: Tensor
        var momentumBuffer: Tensor?
        var gradAverage: Tensor?

        static func names(for options: Options) -> [String] {
            ["step", "square_avg"] + (options.momentum > 0 ? ["momentum_buffer"] : []) + (options.centered ? ["grad_avg"] : [])
        }
        var namedTensors: [(name: String, tensor: Tensor)] {
            [("step", OptimizerState.scalar(Double(step))), ("square_avg", squareAverage)]
                + (momentumBuffer.map { [("momentum_buffer", $0)] } ?? [])
                + (gradAverage.map { [("grad_avg", $0)] } ?? [])
        }
        init(like p: Tensor, options: Options) {
            squareAverage = Tensor.zeros(like: p)
            momentumBuffer = options.momentum > 0 ? Tensor.zeros(like: p) : nil
            gradAverage = options.centered ? Tensor.zeros(like: p) : nil
        }
        init(saved: [String: Tensor], parameter p: Parameter, options: Options) {
            step = OptimizerState.step(saved["step"]!)
            squareAverage = OptimizerState.like(saved["square_avg"]!, p)
            momentumBuffer = saved["momentum_buffer"].map { OptimizerState.like($0, p) }
            gradAverage = saved["grad_avg"].map { OptimizerState.like($0, p) }
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

    /// RMSprop over parameter groups; options a group does not set take these defaults.
    public init(_ groups: [ParameterGroup<Options>], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        core = OptimizerCore("RMSprop", groups: groups,
                             defaults: Options(lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                                               momentum: momentum, centered: centered))
    }

    /// RMSprop over `parameters`, one group.
    public convenience init(_ parameters: [Parameter], lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8,
                            weightDecay: Double = 0, momentum: Double = 0, centered: Bool = false) {
        self.init([ParameterGroup(parameters)], lr: lr, alpha: alpha, eps: eps, weightDecay: weightDecay,
                  momentum: momentum, centered: centered)
    }

    public func step() {
        noGrad {
            core.update { p, grad, o, state in
                var s = state ?? State(like: p.value, options: o)
                s.step += 1
                // 16-bit parameters step in float32 (their eps would round to 0 and 0/0 give NaN);
                // the state stays in the parameter's dtype, as PyTorch keeps it.
                let dtype = p.value.dtype, work: DType = dtype.isReducedPrecision ? .float32 : dtype
                let value = p.value.cast(to: work)
                var g = grad.cast(to: work)
                if o.weightDecay != 0 { g = g + o.weightDecay * value }
                // Scalars as typed Doubles: `(1 − α)·t` could read `1` as a (float32) tensor literal.
                let oneMinusAlpha: Double = 1 - o.alpha
                let squareAverage = o.alpha * s.squareAverage.cast(to: work) + oneMinusAlpha * (g * g)
                s.squareAverage = squareAverage.cast(to: dtype)
                var denominator: Tensor
                if let average = s.gradAverage {
                    let newAverage = lerp(average.cast(to: work), g, weight: oneMinusAlpha)
                    s.gradAverage = newAverage.cast(to: dtype)
                    denominator = (squareAverage - newAverage * newAverage).sqrt()
                } else {
                    denominator = squareAverage.sqrt()
                }
                denominator = denominator + o.eps
                if let buffer = s.momentumBuffer {
                    let b = o.momentum * buffer.cast(to: work) + g / denominator
                    s.momentumBuffer = b.cast(to: dtype)
                    p.assign(value - o.lr * b)
                } else {
                    p.assign(value - o.lr * (g / denominator))
                }
                state = s
            }
        }
    }

    public func stateDict() -> [(name: String, tensor: Tensor)] { core.stateDict() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try core.loadStateDict(state) }
}
