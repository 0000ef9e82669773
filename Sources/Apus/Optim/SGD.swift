/// Stochastic gradient descent with optional momentum, Nesterov momentum, dampening and
/// (coupled) weight decay, with PyTorch's update rule (`torch.optim.SGD`):
///
///     g ← ∇ + λ·w                                    (weight decay: L2 penalty λ/2·‖w‖²)
///     v ← μ·v + (1 − dampening)·g                    (the first step sets v ← g)
///     w ← w − lr·(nesterov ? g + μ·v : v)
///
/// With μ = 0 this is plain gradient descent `w ← w − lr·∇`.
///
/// **Full-batch, stochastic and minibatch gradient descent are all this optimizer**: they differ
/// only in what the loss (and so ∇) was computed on before `step()`: the whole training set, one
/// example, or a batch of examples (a ``DataLoader`` with `batchSize` 1, n or the set's size).
///
/// **Momentum in the course's form** `μ ← 0.9·μ + ∇J;  W ← W − lr·μ` is exactly this rule with
/// `momentum: 0.9` and no dampening: the course's velocity starts at 0, so its first step is
/// `μ = ∇J`, which is PyTorch's `v ← g`. (Some texts write `v ← 0.9·v + lr·∇J; W ← W − v`; that
/// is the same update while lr is constant.)
///
/// Every option can differ per ``ParameterGroup``:
///
///     let opt = SGD([ParameterGroup(trunk.parameters(), lr: 0.1), ParameterGroup(head.parameters())],
///                   lr: 0.01, momentum: 0.9)
///
/// State (per parameter, PyTorch's name): `momentum_buffer` (v), when momentum ≠ 0.
public final class SGD: Optimizer {
    /// SGD's options (PyTorch's defaults).
    public struct Options: OptimizerOptions {
        /// Learning rate.
        public var lr: Double = 1e-3
        /// Momentum factor μ.
        public var momentum: Double = 0
        /// Dampening for momentum: the gradient enters the velocity scaled by `1 − dampening`.
        public var dampening: Double = 0
        /// L2 penalty λ, added to the gradient as `λ·w`.
        public var weightDecay: Double = 0
        /// Nesterov momentum: the update is `g + μ·v` instead of `v`.
        public var nesterov: Bool = false

        /// SGD's options; every argument defaults to PyTorch's value.
        public init(lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0, weightDecay: Double = 0,
                    nesterov: Bool = false) {
            (self.lr, self.momentum, self.dampening, self.weightDecay, self.nesterov) =
                (lr, momentum, dampening, weightDecay, nesterov)
        }

        /// Stops with a message naming `name`, the option and its value when one is out of range.
        public func validate(optimizer name: String) {
            require(lr >= 0 && lr.isFinite, "\(name): lr must be a finite non-negative number, got \(lr)")
            require(momentum >= 0 && momentum.isFinite, "\(name): momentum must be a finite non-negative number, got \(momentum)")
            require(dampening.isFinite, "\(name): dampening must be finite, got \(dampening)")
            require(weightDecay >= 0 && weightDecay.isFinite,
                    "\(name): weightDecay must be a finite non-negative number, got \(weightDecay)")
            require(!nesterov || (momentum > 0 && dampening == 0),
                    "\(name): Nesterov momentum needs momentum > 0 and dampening 0, got momentum \(momentum), dampening \(dampening)")
        }
    }

    struct State: OptimizerParameterState {
        var momentumBuffer: Tensor
        static func names(for options: Options) -> [String] { options.momentum != 0 ? ["momentum_buffer"] : [] }
        var namedTensors: [(name: String, tensor: Tensor)] { [("momentum_buffer", momentumBuffer)] }
        init(momentumBuffer: Tensor) { self.momentumBuffer = momentumBuffer }
        init(saved: [String: Tensor], parameter: Parameter, options: Options) {
            momentumBuffer = OptimizerState.like(saved["momentum_buffer"]!, parameter)
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

    /// SGD over parameter groups; options a group does not set take these defaults.
    public init(_ groups: [ParameterGroup<Options>], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) {
        core = OptimizerCore("SGD", groups: groups,
                             defaults: Options(lr: lr, momentum: momentum, dampening: dampening,
                                               weightDecay: weightDecay, nesterov: nesterov))
    }

    /// SGD over `parameters`, one group.
    public convenience init(_ parameters: [Parameter], lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                            weightDecay: Double = 0, nesterov: Bool = false) {
        self.init([ParameterGroup(parameters)], lr: lr, momentum: momentum, dampening: dampening,
                  weightDecay: weightDecay, nesterov: nesterov)
    }

    public func step() {
        noGrad {
            core.update { p, grad, o, state in
                p.updateInPlace { value in
                    // Moved out of the state: as its only owner the kernel updates the buffer in
                    // place (while the state also held it, every step copied it).
                    var buffer = state?.momentumBuffer
                    state = nil
                    UpdateKernels.sgd(value: &value, grad: grad, momentumBuffer: &buffer,
                                      lr: o.lr, momentum: o.momentum, dampening: o.dampening,
                                      weightDecay: o.weightDecay, nesterov: o.nesterov)
                    if let buffer { state = State(momentumBuffer: buffer) }
                }
            }
        }
    }

    public func stateDict() -> [(name: String, tensor: Tensor)] { core.stateDict() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try core.loadStateDict(state) }
}
