import Foundation

// Variational dropout (Kingma, Salimans & Welling, 2015, "Variational Dropout and the Local
// Reparameterization Trick"): Gaussian multiplicative weight noise with learnable rates.

/// A layer with a Kullback–Leibler term for the variational objective: the loss is
/// `data loss + KL / (training-set size)`; ``klDivergence(of:)`` sums these terms over a model.
public protocol KLRegularized: Module {
    /// The layer's KL divergence from its prior, a differentiable 0-d tensor.
    func klDivergence() -> Tensor
}

/// A linear layer with variational dropout, sampled through the local reparameterisation trick.
///
/// Each weight is multiplied by Gaussian noise `ξ ~ N(1, α)`; `α` is learnable, one per weight
/// (`log_alpha`, `[out, in]`, the same shape as `weight`), and limited to `α ≤ 1` (the paper's
/// clamp: `log α` is clamped at 0 where it is used, so it gets no gradient beyond). Instead of
/// sampling weights, training samples the pre-activations, which is exact for a Gaussian and has
/// lower variance: for input `x` `[…, in]`
///
///     mean     = x · Wᵀ + b
///     variance = x² · (α ⊙ W²)ᵀ
///     output   = mean + √(variance + 1e-8) ⊙ ε,   ε ~ N(0, 1) from the layer's generator
///
/// (the 1e-8 keeps the square root differentiable where an input row is all zeros). Evaluation
/// mode returns `mean`. Parameters: `weight` and `bias` (PyTorch's `Linear` initialisation) and
/// `log_alpha` (filled with `initialLogAlpha`, default −3, i.e. α ≈ 0.05, noise like
/// dropout with p ≈ 0.05; `0` starts from the paper's α = 1, the equivalent of p = 0.5).
/// Add ``klDivergence()`` (or ``klDivergence(of:)`` for a whole model), divided by the number of
/// training examples, to the loss.
public final class VariationalDropoutLinear: Module, KLRegularized {
    /// Mean weight θ `[outFeatures, inFeatures]`.
    public let weight: Parameter
    /// Bias `[outFeatures]` (no noise), nil when created without.
    public let bias: Parameter?
    /// `log α`, one per weight, `[outFeatures, inFeatures]`.
    public let logAlpha: Parameter
    /// Size of each input's last axis.
    public let inFeatures: Int
    /// Size of each output's last axis.
    public let outFeatures: Int
    let generator: RandomGenerator

    /// A variational-dropout linear layer `inFeatures → outFeatures`; `generator` draws the
    /// initial weights and, later, the noise ε.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, initialLogAlpha: Double = -3,
                dtype: DType = .float32, generator: RandomGenerator = .default) {
        require(inFeatures > 0 && outFeatures > 0,
                "VariationalDropoutLinear: feature counts must be positive, got \(inFeatures)→\(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        self.generator = generator
        let bound = 1 / Double(inFeatures).squareRoot()
        weight = Parameter(.uniform([outFeatures, inFeatures], low: -bound, high: bound, dtype: dtype, generator: generator))
        self.bias = bias ? Parameter(.uniform([outFeatures], low: -bound, high: bound, dtype: dtype, generator: generator)) : nil
        logAlpha = Parameter(.full([outFeatures, inFeatures], value: initialLogAlpha, dtype: dtype))
    }

    /// `weight`, `bias`, `log_alpha` (PyTorch-style names).
    public override var namedOwnParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) + [("log_alpha", logAlpha)]
    }

    /// A sample of the noisy pre-activations `[…, outFeatures]` in training, their mean in evaluation.
    public override func forward(_ x: Tensor) -> Tensor {
        require(x.shape.last == inFeatures,
                "VariationalDropoutLinear(\(inFeatures)→\(outFeatures)): input of shape \(x.shape) does not end in \(inFeatures)")
        return variationalLinear(x, weight: weight.value, bias: bias?.value, logAlpha: logAlpha.value,
                                 training: training, generator: generator)
    }

    /// The paper's approximation of `KL(q(w) ‖ p(w))` for the log-uniform prior, summed over
    /// the weights: see ``variationalDropoutKL(logAlpha:)``.
    public func klDivergence() -> Tensor { variationalDropoutKL(logAlpha: logAlpha.value) }
}

/// The functional form of ``VariationalDropoutLinear``: `mean = x·Wᵀ + b`, and in training
/// `mean + √(x²·(α⊙W²)ᵀ + 1e-8) ⊙ ε` with `α = exp(min(logAlpha, 0))` and `ε ~ N(0, 1)` drawn from
/// `generator` (one per output element, row-major). Differentiable w.r.t. `x`, `weight`, `bias`
/// and `logAlpha`.
public func variationalLinear(_ x: Tensor, weight: Tensor, bias: Tensor?, logAlpha: Tensor,
                              training: Bool = true, generator: RandomGenerator = .default) -> Tensor {
    require(logAlpha.shape == weight.shape,
            "variationalLinear: logAlpha of shape \(logAlpha.shape) does not match weight of shape \(weight.shape)")
    let mean = linear(x, weight: weight, bias: bias)
    guard training else { return mean }
    let alpha = exp(clamp(logAlpha, max: 0))
    let variance = linear(x * x, weight: alpha * weight * weight)
    let noise = Tensor.normal(mean.shape, dtype: mean.dtype, generator: generator)
    return mean + sqrt(variance + 1e-8) * noise
}

/// The approximate KL divergence of variational dropout (Kingma et al. 2015, eq. 22), summed
/// over all elements: `−KL ≈ C + 0.5·log α + c₁α + c₂α² + c₃α³` with `c₁ = 1.16145124`,
/// `c₂ = −1.50204118`, `c₃ = 0.58629921`, so this returns
/// `Σ −(0.5·log α + c₁α + c₂α² + c₃α³)` (the constant `C` is left out: it does not change the
/// gradients). `α = exp(min(logAlpha, 0))`, the clamp the layer uses. A differentiable 0-d tensor.
public func variationalDropoutKL(logAlpha: Tensor) -> Tensor {
    let (c1, c2, c3) = (1.16145124, -1.50204118, 0.58629921)
    let logA = clamp(logAlpha, max: 0)
    let a = exp(logA)
    let negKL = 0.5 * logA + c1 * a + c2 * (a * a) + c3 * (a * a * a)
    return -negKL.sum()
}

/// The sum of ``KLRegularized/klDivergence()`` over `model` and all its descendants (a float32
/// zero when there are none): the regulariser of a network with variational-dropout layers.
///
/// ```swift
/// let loss = crossEntropy(model(x), y) + klDivergence(of: model) / Double(trainingSetSize)
/// ```
public func klDivergence(of model: Module) -> Tensor {
    var total: Tensor? = nil
    var seen = Set<ObjectIdentifier>()
    func visit(_ m: Module) {
        guard seen.insert(ObjectIdentifier(m)).inserted else { return }
        if let layer = m as? any KLRegularized {
            let kl = layer.klDivergence()
            total = total.map { $0 + kl } ?? kl
        }
        for (_, child) in m.namedChildren { visit(child) }
    }
    visit(model)
    return total ?? Tensor(scalar: 0)
}
