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
