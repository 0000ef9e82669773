import Foundation

/// Adam (Kingma and Ba, 2015) with PyTorch's update rule (`torch.optim.Adam`), optionally
/// AMSGrad (Reddi et al., 2018):
///
///     g ← ∇ + λ·w                       (coupled L2 weight decay; ``AdamW`` decouples it)
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     v̂max ← max(v̂max, v)              (AMSGrad only; then v is replaced by v̂max below)
///     m̂ = m / (1 − β₁ᵗ);   v̂ = v / (1 − β₂ᵗ)
///     w ← w − lr·m̂ / (√v̂ + ε)
///
/// `t` counts the steps in which this parameter had a gradient; the moments start at zero, and
/// both they and `t` are kept per parameter. The arithmetic is done in the order PyTorch's
/// single-tensor implementation uses: `w ← w − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε)`,
/// in one fused pass per parameter.
///
/// State (per parameter, PyTorch's names): `step`, `exp_avg` (m), `exp_avg_sq` (v) and, with
/// AMSGrad, `max_exp_avg_sq`.
public class Adam: Optimizer {
    /// Adam's and AdamW's options (PyTorch's defaults for Adam).
    public struct Options: OptimizerOptions {
        /// Learning rate.
        public var lr: Double = 1e-3
        /// Decay rates (β₁, β₂) of the running averages of the gradient and its square.
        public var betas: (Double, Double) = (0.9, 0.999)
        /// Added to the denominator for numerical stability.
        public var eps: Double = 1e-8
        /// Weight decay λ: an L2 penalty added to the gradient as `λ·w`, or with
        /// ``decoupledWeightDecay`` the decay `w ← w − lr·λ·w` before the Adam step.
        public var weightDecay: Double = 0
        /// AMSGrad: normalise by the largest second moment seen so far.
        public var amsgrad: Bool = false
        /// AdamW's decoupled weight decay (Loshchilov and Hutter, 2019) instead of an L2 penalty.
        public var decoupledWeightDecay: Bool = false

        /// Adam's options; every argument defaults to PyTorch's value.
        public init(lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                    weightDecay: Double = 0, amsgrad: Bool = false, decoupledWeightDecay: Bool = false) {
            (self.lr, self.betas, self.eps, self.weightDecay, self.amsgrad, self.decoupledWeightDecay) =
                (lr, betas, eps, weightDecay, amsgrad, decoupledWeightDecay)
        }

        /// Stops with a message naming `name`, the option and its value when one is out of range.
        public func validate(optimizer name: String) {
            require(lr >= 0 && lr.isFinite, "\(name): lr must be a finite non-negative number, got \(lr)")
            require(betas.0 >= 0 && betas.0 < 1, "\(name): betas.0 must be in [0, 1), got \(betas.0)")
            require(betas.1 >= 0 && betas.1 < 1, "\(name): betas.1 must be in [0, 1), got \(betas.1)")
            require(eps >= 0 && eps.isFinite, "\(name): eps must be a finite non-negative number, got \(eps)")
            require(weightDecay >= 0 && weightDecay.isFinite,
                    "\(name): weightDecay must be a finite non-negative number, got \(weightDecay)")
        }
    }

    struct State: OptimizerParameterState {
        var step = 0
        var firstMoment: Tensor
        var secondMoment: Tensor
        var maxSecondMoment: Tensor?

        static func names(for options: Options) -> [String] {
            ["step", "exp_avg", "exp_avg_sq"] + (options.amsgrad ? ["max_exp_avg_sq"] : [])
        }
        var namedTensors: [(name: String, tensor: Tensor)] {
            [("step", OptimizerState.scalar(Double(step))), ("exp_avg", firstMoment), ("exp_avg_sq", secondMoment)]
                + (maxSecondMoment.map { [("max_exp_avg_sq", $0)] } ?? [])
        }
        init(like p: Tensor, amsgrad: Bool) {
            firstMoment = Tensor.zeros(like: p)
            secondMoment = Tensor.zeros(like: p)
            maxSecondMoment = amsgrad ? Tensor.zeros(like: p) : nil
        }
        init(saved: [String: Tensor], parameter p: Parameter, options: Options) {
            step = OptimizerState.step(saved["step"]!)
            firstMoment = OptimizerState.like(saved["exp_avg"]!, p)
            secondMoment = OptimizerState.like(saved["exp_avg_sq"]!, p)
            maxSecondMoment = saved["max_exp_avg_sq"].map { OptimizerState.like($0, p) }
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
    /// The options of the first group (all groups' unless groups override them).
    public var options: Options { core.groups[0].options }

    init(name: String, groups: [ParameterGroup<Options>], defaults: Options) {
        core = OptimizerCore(name, groups: groups, defaults: defaults)
    }

    /// Adam over parameter groups; options a group does not set take these defaults.
    public convenience init(_ groups: [ParameterGroup<Options>], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) {
        self.init(name: "Adam", groups: groups,
                  defaults: Options(lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad))
    }

    /// Adam over `parameters`, one group.
    public convenience init(_ parameters: [Parameter], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) {
        self.init([ParameterGroup(parameters)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    public func step() {
        noGrad {
            core.update { p, g, o, state in
                var s = state ?? State(like: p.value, amsgrad: o.amsgrad)
                s.step += 1
                let (beta1, beta2) = o.betas
                let biasCorrection1: Double = 1 - Foundation.pow(beta1, Double(s.step))
                let biasCorrection2: Double = 1 - Foundation.pow(beta2, Double(s.step))
                let decoupled = o.decoupledWeightDecay
                p.updateInPlace { value in
                    UpdateKernels.adam(value: &value, grad: g, firstMoment: &s.firstMoment, secondMoment: &s.secondMoment,
                                       maxSecondMoment: &s.maxSecondMoment,
                                       beta1: beta1, beta2: beta2, stepSize: o.lr / biasCorrection1,
                                       biasCorrection2Sqrt: biasCorrection2.squareRoot(), eps: o.eps,
                                       weightDecay: decoupled ? 0 : o.weightDecay,
                                       decayFactor: decoupled ? 1 - o.lr * o.weightDecay : 1)
                }
                state = s
            }
        }
    }

    public func stateDict() -> [(name: String, tensor: Tensor)] { core.stateDict() }
    public func loadStateDict(_ state: [String: Tensor]) throws { try core.loadStateDict(state) }
}

/// AdamW (Loshchilov and Hutter, 2019), as `torch.optim.AdamW`: Adam with decoupled weight decay,
/// applied to the weights before the Adam step instead of being added to the gradient:
///
///     w ← w − lr·λ·w;   then the ``Adam`` step without weight decay.
///
/// Same options (and state names) as ``Adam``, with weight decay 0.01 by default; every group
/// decays its weights by its own `lr·λ`, so `weightDecay: 0` in a group exempts it (biases,
/// norms' scales).
public final class AdamW: Adam {
    /// AdamW over parameter groups; options a group does not set take these defaults.
    public init(_ groups: [ParameterGroup<Options>], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        super.init(name: "AdamW", groups: groups.map { group in
            var g = group
            g.configure = { options in group.configure(&options); options.decoupledWeightDecay = true }
            return g
        }, defaults: Options(lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad,
                             decoupledWeightDecay: true))
    }

    /// AdamW over `parameters`, one group.
    public convenience init(_ parameters: [Parameter], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                            eps: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false) {
        self.init([ParameterGroup(parameters)], lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
    }
}
