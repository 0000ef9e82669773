import Foundation

// Gradient clipping between `loss.backward()` and `optimizer.step()`, as
// `torch.nn.utils.clip_grad_value_` and `torch.nn.utils.clip_grad_norm_`.

/// Limits every gradient element to `[−clipValue, clipValue]`, in place, as
/// `torch.nn.utils.clip_grad_value_`. Parameters without a gradient are skipped.
///
/// ```swift
/// loss.backward()
/// clipGradValue(model.parameters(), 0.5)
/// optimizer.step()
/// ```
public func clipGradValue(_ parameters: [Parameter], _ clipValue: Double) {
    require(clipValue >= 0 && !clipValue.isNaN, "clipGradValue: clipValue must be non-negative, got \(clipValue)")
    noGrad {
        for p in parameters {
            guard let g = p.grad else { continue }
            p.grad = clamp(g, min: -clipValue, max: clipValue)
        }
    }
}

/// Rescales all gradients together so that their joint norm is at most `maxNorm`, in place, as
/// `torch.nn.utils.clip_grad_norm_`; returns the joint norm before clipping.
///
/// The joint norm is the `normType`-norm of all gradient elements taken as one vector,
/// `‖g‖ₚ = (Σ|gᵢ|ᵖ)^(1/p)` (`normType: .infinity` gives `max|gᵢ|`). When it exceeds `maxNorm`,
/// every gradient is multiplied by `maxNorm / (‖g‖ + 1e-6)` (PyTorch's coefficient, clamped at 1),
/// which is the course's rule `∇W ← ∇W · β / max(‖∇W‖, β)` with `β = maxNorm` (up to the 1e-6
/// that guards against division by zero). Parameters without a gradient are skipped; a
/// non-finite norm is returned as is and then turns the gradients into NaN, as in PyTorch.
///
/// ```swift
/// loss.backward()
/// let norm = clipGradNorm(model.parameters(), maxNorm: 1)   // log it to watch for explosions
/// optimizer.step()
/// ```
@discardableResult
public func clipGradNorm(_ parameters: [Parameter], maxNorm: Double, normType: Double = 2) -> Double {
    require(maxNorm >= 0, "clipGradNorm: maxNorm must be non-negative, got \(maxNorm)")
    require(normType > 0, "clipGradNorm: normType must be positive (or .infinity), got \(normType)")
    return noGrad {
        let withGrad = parameters.compactMap { p in p.grad.map { (p, $0) } }
        guard !withGrad.isEmpty else { return 0 }
        let total: Double
        if normType == .infinity {
            total = withGrad.reduce(0) { Swift.max($0, $1.1.count == 0 ? 0 : abs($1.1).max().item()) }
        } else if normType == 2 {
            total = withGrad.reduce(0) { $0 + ($1.1 * $1.1).sum().item() }.squareRoot()
        } else if normType == 1 {
            total = withGrad.reduce(0) { $0 + abs($1.1).sum().item() }
        } else {
            total = Foundation.pow(withGrad.reduce(0) { $0 + pow(abs($1.1), normType).sum().item() }, 1 / normType)
        }
        let coefficient = maxNorm / (total + 1e-6)
        if coefficient < 1 || total.isNaN {
            for (p, g) in withGrad { p.grad = g * coefficient }
        }
        return total
    }
}
