/// `max(x, 0)` as a layer.
public final class ReLU: Module {
    /// Creates the layer `max(x, 0)`; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { relu(x) }
}

/// The logistic sigmoid as a layer.
public final class Sigmoid: Module {
    /// Creates the layer `σ(x) = 1/(1 + e^(−x))`; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { sigmoid(x) }
}

/// The hyperbolic tangent as a layer.
public final class Tanh: Module {
    /// Creates the layer `tanh(x)`; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { tanh(x) }
}

/// Flattens all dimensions after the first (the batch).
public final class Flatten: Module {
    /// Creates the layer: `[N, d1, d2, …]` becomes `[N, d1·d2·…]` (a reshape).
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { x.flatten(startAxis: 1) }
}

/// The Heaviside step (1 where x > 0, else 0) as a layer; its gradient is zero.
public final class Step: Module {
    /// Creates the layer; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { step(x) }
}

/// Leaky ReLU as a layer, as `torch.nn.LeakyReLU`.
public final class LeakyReLU: Module {
    /// The slope for negative inputs.
    public let negativeSlope: Double
    /// A leaky ReLU with slope `negativeSlope` for x ≤ 0 (PyTorch's default 0.01).
    public init(negativeSlope: Double = 0.01) { self.negativeSlope = negativeSlope }
    public override func forward(_ x: Tensor) -> Tensor { leakyRelu(x, negativeSlope: negativeSlope) }
}

/// Parametric ReLU with a learnable slope, as `torch.nn.PReLU`.
///
/// `weight` `[numParameters]` starts at `initialValue`: one slope shared by all elements
/// (`numParameters: 1`) or one per channel along axis 1 of the input (`numParameters: C`).
public final class PReLU: Module {
    /// The slopes for negative inputs (PyTorch's name `weight`).
    public let weight: Parameter

    /// `numParameters` slopes (1: shared; C: one per channel), each starting at `initialValue`.
    public init(numParameters: Int = 1, initialValue: Double = 0.25, dtype: DType = .float32) {
        require(numParameters > 0, "PReLU: numParameters must be positive, got \(numParameters)")
        weight = Parameter(.full([numParameters], value: initialValue, dtype: dtype))
    }

    public override func forward(_ x: Tensor) -> Tensor { prelu(x, weight: weight.value) }
}

/// ELU as a layer, as `torch.nn.ELU`.
public final class ELU: Module {
    /// The value approached for large negative inputs is −α.
    public let alpha: Double
    /// An ELU with the given α (PyTorch's default 1).
    public init(alpha: Double = 1) { self.alpha = alpha }
    public override func forward(_ x: Tensor) -> Tensor { elu(x, alpha: alpha) }
}

/// SELU as a layer, as `torch.nn.SELU`.
public final class SELU: Module {
    /// Creates the layer `λ·(x if x > 0 else α(eˣ − 1))` with SELU's fixed λ ≈ 1.0507 and α ≈ 1.6733.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { selu(x) }
}

/// GELU as a layer, as `torch.nn.GELU`.
public final class GELU: Module {
    /// Exact (erf) or tanh-approximated.
    public let approximate: GELUApproximation
    /// A GELU, exact by default as in PyTorch.
    public init(approximate: GELUApproximation = .none) { self.approximate = approximate }
    public override func forward(_ x: Tensor) -> Tensor { gelu(x, approximate: approximate) }
}

/// Hardtanh as a layer, as `torch.nn.Hardtanh`: the input clipped to `[min, max]`.
public final class Hardtanh: Module {
    /// The lower bound (PyTorch's `min_val`).
    public let min: Double
    /// The upper bound (PyTorch's `max_val`).
    public let max: Double
    /// Clips to `[min, max]` (PyTorch's defaults −1 and 1).
    public init(min: Double = -1, max: Double = 1) {
        require(min <= max, "Hardtanh: min \(min) must not exceed max \(max)")
        (self.min, self.max) = (min, max)
    }
    public override func forward(_ x: Tensor) -> Tensor { hardtanh(x, min: min, max: max) }
}

/// SiLU (swish) as a layer, as `torch.nn.SiLU`.
public final class SiLU: Module {
    /// Creates the layer `x·σ(x)`; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { silu(x) }
}

/// Softmax along `axis` as a layer, as `torch.nn.Softmax(dim:)`.
public final class Softmax: Module {
    /// The axis whose entries sum to 1.
    public let axis: Int
    /// Softmax along `axis` (default: the last).
    public init(axis: Int = -1) { self.axis = axis }
    public override func forward(_ x: Tensor) -> Tensor { softmax(x, axis: axis) }
}

/// Log-softmax along `axis` as a layer, as `torch.nn.LogSoftmax(dim:)`.
public final class LogSoftmax: Module {
    /// The axis normalised over.
    public let axis: Int
    /// Log-softmax along `axis` (default: the last).
    public init(axis: Int = -1) { self.axis = axis }
    public override func forward(_ x: Tensor) -> Tensor { logSoftmax(x, axis: axis) }
}

/// Softplus as a layer, as `torch.nn.Softplus`: `log(1 + e^(βx))/β`, linear where `βx > threshold`
/// (see ``softplus(_:beta:threshold:)``).
public final class Softplus: Module {
    /// The sharpness β.
    public let beta: Double
    /// Above this value of βx the layer is the identity.
    public let threshold: Double
    /// A softplus with PyTorch's defaults β = 1, threshold 20.
    public init(beta: Double = 1, threshold: Double = 20) { (self.beta, self.threshold) = (beta, threshold) }
    public override func forward(_ x: Tensor) -> Tensor { softplus(x, beta: beta, threshold: threshold) }
}

/// Softsign as a layer, as `torch.nn.Softsign`: `x / (1 + |x|)`.
public final class Softsign: Module {
    /// Creates the layer; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { softsign(x) }
}

/// Hardsigmoid as a layer, as `torch.nn.Hardsigmoid`: `clamp(x/6 + ½, 0, 1)`.
public final class Hardsigmoid: Module {
    /// Creates the layer; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { hardsigmoid(x) }
}

/// Hardswish as a layer, as `torch.nn.Hardswish`: `x·clamp(x + 3, 0, 6)/6`.
public final class Hardswish: Module {
    /// Creates the layer; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { hardswish(x) }
}

/// Mish as a layer, as `torch.nn.Mish`: `x·tanh(softplus(x))`.
public final class Mish: Module {
    /// Creates the layer; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { mish(x) }
}

/// Log-sigmoid as a layer, as `torch.nn.LogSigmoid`: `log σ(x)`, stable for any x.
public final class LogSigmoid: Module {
    /// Creates the layer; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { logsigmoid(x) }
}

/// CELU as a layer, as `torch.nn.CELU`: `max(0, x) + min(0, α(e^(x/α) − 1))`.
public final class CELU: Module {
    /// The scale α of the negative part (not 0).
    public let alpha: Double
    /// A CELU with the given α (PyTorch's default 1).
    public init(alpha: Double = 1) {
        require(alpha != 0, "CELU: alpha cannot be 0")
        self.alpha = alpha
    }
    public override func forward(_ x: Tensor) -> Tensor { celu(x, alpha: alpha) }
}

/// ReLU6 as a layer, as `torch.nn.ReLU6`: `min(max(x, 0), 6)`.
public final class ReLU6: Module {
    /// Creates the layer; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { relu6(x) }
}

/// The gated linear unit as a layer, as `torch.nn.GLU`: the first half of the input along `axis`
/// times the sigmoid of the second half.
public final class GLU: Module {
    /// The axis halved (its size must be even).
    public let axis: Int
    /// A GLU over `axis` (PyTorch's default: the last).
    public init(axis: Int = -1) { self.axis = axis }
    public override func forward(_ x: Tensor) -> Tensor { glu(x, axis: axis) }
}

/// Thresholding as a layer, as `torch.nn.Threshold`: `x` where x > `threshold`, else `value`.
public final class Threshold: Module {
    /// The value at or below which elements are replaced.
    public let threshold: Double
    /// The replacement.
    public let value: Double
    /// Replaces elements at or below `threshold` by `value` (PyTorch's arguments have no defaults).
    public init(threshold: Double, value: Double) { (self.threshold, self.value) = (threshold, value) }
    public override func forward(_ x: Tensor) -> Tensor { Apus.threshold(x, threshold: threshold, value: value) }
}

/// Soft shrinkage as a layer, as `torch.nn.Softshrink`.
public final class Softshrink: Module {
    /// The half-width λ ≥ 0 of the zeroed band.
    public let lambda: Double
    /// Soft shrinkage by `lambda` (PyTorch's default 0.5).
    public init(lambda: Double = 0.5) {
        require(lambda >= 0, "Softshrink: lambda must be non-negative, got \(lambda)")
        self.lambda = lambda
    }
    public override func forward(_ x: Tensor) -> Tensor { softshrink(x, lambda: lambda) }
}

/// Hard shrinkage as a layer, as `torch.nn.Hardshrink`.
public final class Hardshrink: Module {
    /// The half-width λ of the zeroed band.
    public let lambda: Double
    /// Hard shrinkage by `lambda` (PyTorch's default 0.5).
    public init(lambda: Double = 0.5) { self.lambda = lambda }
    public override func forward(_ x: Tensor) -> Tensor { hardshrink(x, lambda: lambda) }
}

/// Tanhshrink as a layer, as `torch.nn.Tanhshrink`: `x − tanh(x)`.
public final class Tanhshrink: Module {
    /// Creates the layer; it has no parameters.
    public override init() {}
    public override func forward(_ x: Tensor) -> Tensor { tanhshrink(x) }
}

/// Softmin along `axis` as a layer, as `torch.nn.Softmin(dim:)`: `softmax(−x)`.
public final class Softmin: Module {
    /// The axis whose entries sum to 1.
    public let axis: Int
    /// Softmin along `axis` (default: the last, as ``Softmax``; PyTorch's implicit choice of
    /// axis when none is given is deprecated there and not offered).
    public init(axis: Int = -1) { self.axis = axis }
    public override func forward(_ x: Tensor) -> Tensor { softmin(x, axis: axis) }
}
