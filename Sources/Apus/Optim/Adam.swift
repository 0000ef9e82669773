import Foundation

/// Adam (Kingma and Ba, 2015) with PyTorch's update rule (`torch.optim.Adam`, no AMSGrad):
///
///     g ← ∇ + λ·w                       (coupled L2 weight decay, as torch.optim.Adam; not AdamW)
///     m ← β₁·m + (1 − β₁)·g
///     v ← β₂·v + (1 − β₂)·g²
///     m̂ = m / (1 − β₁ᵗ);   v̂ = v / (1 − β₂ᵗ)
///     w ← w − lr·m̂ / (√v̂ + ε)
///
/// `t` counts the steps in which this parameter had a gradient; the moments start at zero, and
/// both they and `t` are kept per parameter. The arithmetic is done in the order PyTorch's
/// single-tensor implementation uses: `w ← w − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε)`.
/// Parameters without a gradient are skipped and their state is left unchanged.
public final class Adam: Optimizer {
    public let parameters: [Parameter]
    public var lr: Double
    /// Decay rates (β₁, β₂) of the running averages of the gradient and its square.
    public let betas: (Double, Double)
    /// Added to the denominator for numerical stability.
    public let eps: Double
    /// L2 penalty λ, added to the gradient as `λ·w`.
    public let weightDecay: Double

    /// Per-parameter state: step count and first and second moment estimates.
    private struct State {
        var step = 0
        var firstMoment: Tensor
        var secondMoment: Tensor
    }
    private var state: [ObjectIdentifier: State] = [:]

    public init(_ parameters: [Parameter], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8, weightDecay: Double = 0) {
        require(lr >= 0 && lr.isFinite, "Adam: learning rate must be a finite non-negative number, got \(lr)")
        require(betas.0 >= 0 && betas.0 < 1, "Adam: betas.0 must be in [0, 1), got \(betas.0)")
        require(betas.1 >= 0 && betas.1 < 1, "Adam: betas.1 must be in [0, 1), got \(betas.1)")
        require(eps >= 0 && eps.isFinite, "Adam: eps must be a finite non-negative number, got \(eps)")
        require(weightDecay >= 0 && weightDecay.isFinite,
                     "Adam: weight decay must be a finite non-negative number, got \(weightDecay)")
        self.parameters = parameters
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weightDecay = weightDecay
    }

    public func step() {
        let (beta1, beta2) = betas
        noGrad {
            for p in parameters {
                guard let g = p.grad else { continue }
                let key = ObjectIdentifier(p)
                var s = state[key] ?? State(firstMoment: Tensor.zeros(like: p.value),
                                            secondMoment: Tensor.zeros(like: p.value))
                s.step += 1
                let biasCorrection1: Double = 1 - Foundation.pow(beta1, Double(s.step))
                let biasCorrection2: Double = 1 - Foundation.pow(beta2, Double(s.step))
                state[key] = nil  // keep the moments uniquely referenced: updated in place
                p.updateInPlace { value in
                    UpdateKernels.adam(value: &value, grad: g, firstMoment: &s.firstMoment, secondMoment: &s.secondMoment,
                                       beta1: beta1, beta2: beta2, stepSize: lr / biasCorrection1,
                                       biasCorrection2Sqrt: biasCorrection2.squareRoot(), eps: eps, weightDecay: weightDecay)
                }
                state[key] = s
            }
        }
    }

    public func stateDict() -> [(name: String, tensor: Tensor)] {
        var result: [(name: String, tensor: Tensor)] = [("param_groups.0.lr", OptimizerState.scalar(lr))]
        for (i, p) in parameters.enumerated() {
            guard let s = state[ObjectIdentifier(p)] else { continue }
            result.append(("state.\(i).step", OptimizerState.scalar(Double(s.step))))
            result.append(("state.\(i).exp_avg", s.firstMoment))
            result.append(("state.\(i).exp_avg_sq", s.secondMoment))
        }
        return result
    }

    public func loadStateDict(_ saved: [String: Tensor]) throws {
        try OptimizerState.validate(saved, parameters: parameters, names: ["step", "exp_avg", "exp_avg_sq"],
                                    groupKeys: ["param_groups.0.lr"])
        var restored: [ObjectIdentifier: State] = [:]
        var missing: [String] = []
        for (i, p) in parameters.enumerated() {
            let keys = ["step", "exp_avg", "exp_avg_sq"].map { "state.\(i).\($0)" }
            let present = keys.filter { saved[$0] != nil }
            if present.isEmpty { continue }
            guard present.count == keys.count else {
                missing += keys.filter { saved[$0] == nil }
                continue
            }
            restored[ObjectIdentifier(p)] = State(step: Int(saved[keys[0]]!.item()),
                                                  firstMoment: saved[keys[1]]!.cast(to: p.value.dtype).contiguous(),
                                                  secondMoment: saved[keys[2]]!.cast(to: p.value.dtype).contiguous())
        }
        if !missing.isEmpty { throw ApusError.stateMismatch(StateMismatch(missing: missing)) }
        state = restored
        if let lr = saved["param_groups.0.lr"] { self.lr = lr.item() }
    }
}
