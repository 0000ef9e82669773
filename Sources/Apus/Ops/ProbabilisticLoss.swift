import Foundation

// Likelihood and divergence losses, as torch.nn.functional: Kullback–Leibler divergence, Poisson
// and Gaussian negative log-likelihood. The module forms are in NN/Losses.swift.

/// How ``klDiv(_:_:reduction:logTarget:)`` combines its pointwise terms (PyTorch's `reduction`
/// of `kl_div`, which alone accepts `"batchmean"`).
public enum KLDivReduction: Sendable {
    /// The average over all elements (PyTorch's default; not the KL divergence of the rows).
    case mean
    /// The sum divided by the batch size, the length of the input's first axis: the mean KL
    /// divergence per sample, the mathematical definition (PyTorch's `"batchmean"`).
    case batchMean
    /// The sum over all elements.
    case sum
    /// No reduction: one term per element.
    case none
}

/// `x·log x`, 0 at x = 0 (PyTorch's `xlogy(x, x)`): NaN for a negative or NaN x.
private enum XLogXFn: FloatUnaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x == 0 ? 0 : x * T.log(x) }
}

/// The derivative `log x + 1` of `xlogy(x, x)` as PyTorch's autograd computes it: NaN at x = 0
/// (its `x/x` term), NaN for x < 0.
private enum XLogXGradFn: FloatUnaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x == 0 ? .nan : T.log(x) + 1 }
}

/// `x·log x` elementwise with 0 at 0, differentiable (the entropy term of ``klDiv(_:_:reduction:logTarget:)``).
private func xLogX(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(XLogXFn.self, x, op: "klDiv")
    let dx = x.detached()
    return recordUnary("xLogX", x, out) { g in g * Elementwise.unary(XLogXGradFn.self, dx, op: "klDiv") }
}

/// The Kullback–Leibler divergence loss (`torch.nn.functional.kl_div`): `input` holds
/// log-probabilities log q, `target` probabilities p (or log p with `logTarget`), and the
/// pointwise term is `p·(log p − log q)`: `xlogy(p, p) − p·input` (0 where p = 0), or
/// `eᵗ·(t − input)` with `logTarget`.
///
/// Shapes broadcast; both operands must be floating point. `reduction`: `.mean` (PyTorch's
/// default) averages over all elements, `.batchMean` divides the sum by `input.shape[0]` (the
/// KL divergence per sample), `.sum`, or `.none`. Differentiable with respect to both operands;
/// the gradient with respect to a target of 0 is NaN, as in PyTorch.
public func klDiv(_ input: Tensor, _ target: Tensor, reduction: KLDivReduction = .mean, logTarget: Bool = false) -> Tensor {
    require(input.dtype.isFloatingPoint && target.dtype.isFloatingPoint,
            "klDiv: input (\(input.dtype)) and target (\(target.dtype)) must be floating point")
    requireBroadcastable(input, target, op: "klDiv", ("input", "target"))
    if let y = inFloat32IfReduced(input, target, { klDiv($0, $1, reduction: reduction, logTarget: logTarget) }) { return y }
    let pointwise = logTarget ? exp(target) * (target - input) : xLogX(target) - target * input
    switch reduction {
    case .mean: return Reduction.mean.apply(pointwise)
    case .batchMean: return input.rank == 0 ? pointwise.sum() : pointwise.sum() / Double(input.shape[0])
    case .sum: return pointwise.sum()
    case .none: return pointwise
    }
}

/// Negative log-likelihood of a Poisson distribution (`torch.nn.functional.poisson_nll_loss`):
/// with `logInput` the input is the log-rate and the loss is `eˣ − t·x`, else the input is the
/// rate λ and the loss is `λ − t·log(λ + eps)`.
///
/// `full` adds Stirling's approximation of `log t!`, `t·log t − t + ½·log(2πt)`, where t > 1
/// (0 elsewhere). Shapes broadcast. Differentiable with respect to input and target (the
/// Stirling term's gradient at t = 0 is NaN, as in PyTorch).
public func poissonNLLLoss(_ input: Tensor, _ target: Tensor, logInput: Bool = true, full: Bool = false, eps: Double = 1e-8,
                           reduction: Reduction = .mean) -> Tensor {
    requireBroadcastable(input, target, op: "poissonNLLLoss", ("input", "target"))
    if let y = inFloat32IfReduced(input, target, {
        poissonNLLLoss($0, $1, logInput: logInput, full: full, eps: eps, reduction: reduction)
    }) { return y }
    var loss = logInput ? exp(input) - target * input : input - target * log(input + eps)
    if full {
        let t = target
        let twoPi: Double = 2 * Double.pi
        let stirling = t * log(t) - t + 0.5 * log(twoPi * t)
        loss = loss + `where`(t .<= 1, Tensor.zeros([], dtype: stirling.dtype), stirling)
    }
    return reduction.apply(loss)
}

/// Negative log-likelihood of a Gaussian (`torch.nn.functional.gaussian_nll_loss`): with the
/// predicted mean `input`, the observation `target` and the predicted `variance` σ²,
/// `½·(log max(σ², eps) + (input − target)² / max(σ², eps))`, plus `½·log 2π` with `full`.
///
/// `variance` has the input's shape (one variance per element), or the input's shape without
/// its last axis, or that axis as 1 (one variance per row), or the input's rank with exactly one
/// axis of size 1 where the input's is larger (shared along it), as in PyTorch; it must not be
/// negative. `target` broadcasts. The clamp at `eps` is for stability only: the gradient with
/// respect to the variance passes through it unchanged, as in PyTorch.
public func gaussianNLLLoss(_ input: Tensor, _ target: Tensor, variance: Tensor, full: Bool = false, eps: Double = 1e-6,
                            reduction: Reduction = .mean) -> Tensor {
    require(variance.dtype.isFloatingPoint, "gaussianNLLLoss: variance must be floating point, got \(variance.dtype)")
    require(variance.count == 0 || !(variance.detached() .< 0).any(),
            "gaussianNLLLoss: variance of shape \(variance.shape) has negative entries")
    var v = variance
    if variance.shape != input.shape {
        if input.rank >= 1 && Array(input.shape.dropLast()) == variance.shape {
            v = variance.unsqueezed(axis: -1)
        } else {
            let differing = zip(input.shape, variance.shape).filter { $0 != $1 }.map(\.1).reduce(0, +)
            require(input.rank == variance.rank && differing == 1, """
                gaussianNLLLoss: variance of shape \(variance.shape) does not fit the input of shape \(input.shape) \
                (the same shape, the shape without the last axis, or one axis of size 1)
                """)
        }
    }
    requireBroadcastable(input, target, op: "gaussianNLLLoss", ("input", "target"))
    let shape = broadcastShapes(input.shape, target.shape, op: "gaussianNLLLoss")
    requireBroadcastable(shape, v.shape, op: "gaussianNLLLoss", ("input and target", "variance"))
    if let y = inFloat32IfReduced([input, target, v], { x in
        gaussianNLLLoss(x[0], x[1], variance: x[2], full: full, eps: eps, reduction: reduction)
    }) { return y }
    let clamped = clampedMinPassingGradient(v, eps)
    let d = input - target
    var loss = 0.5 * (log(clamped) + d * d / clamped)
    if full {
        let halfLogTwoPi: Double = 0.5 * Foundation.log(2 * Double.pi)
        loss = loss + halfLogTwoPi
    }
    return reduction.apply(loss)
}

/// `gaussianNLLLoss(_:_:variance:full:eps:reduction:)` with one variance shared by every element
/// (PyTorch's float `var`); it must not be negative.
public func gaussianNLLLoss(_ input: Tensor, _ target: Tensor, variance: Double, full: Bool = false, eps: Double = 1e-6,
                            reduction: Reduction = .mean) -> Tensor {
    require(variance >= 0, "gaussianNLLLoss: variance \(variance) is negative")
    let v = Tensor.full(input.shape, value: variance, dtype: input.dtype.isFloatingPoint ? input.dtype : .float32)
    return gaussianNLLLoss(input, target, variance: v, full: full, eps: eps, reduction: reduction)
}
