import Foundation

// Parameter initialisers as values (like Swift for TensorFlow's and torch.nn.init's):
// `Linear(784, 128, weightInitializer: .kaimingNormal())`, `p.initialize(.zeros)`.

/// Which fan a variance-scaling initialiser divides by (PyTorch's `mode`).
public enum FanMode: Sendable {
    /// The inputs of a unit: keeps the variance of the activations in the forward pass.
    case fanIn
    /// The outputs: keeps the variance of the gradients in the backward pass.
    case fanOut
}

/// The nonlinearity a layer is followed by, for ``calculateGain(_:param:)``.
public enum Nonlinearity: Sendable {
    /// No nonlinearity (also right for convolutions): gain 1.
    case linear
    /// Gain 1.
    case sigmoid
    /// Gain 5/3.
    case tanh
    /// Gain √2.
    case relu
    /// Gain √(2 / (1 + slope²)), slope given by `param` (default 0.01).
    case leakyRelu
    /// Gain 3/4 (PyTorch's value, meant for ``Initializer/kaimingNormal(a:mode:nonlinearity:)``; SELU
    /// networks usually use ``Initializer/lecunNormal``).
    case selu
}

/// The recommended scale of initial weights for a nonlinearity, as `torch.nn.init.calculate_gain`.
///
/// `param` is the negative slope of `.leakyRelu` (default 0.01) and is ignored otherwise.
public func calculateGain(_ nonlinearity: Nonlinearity, param: Double? = nil) -> Double {
    switch nonlinearity {
    case .linear, .sigmoid: return 1
    case .tanh: return 5.0 / 3
    case .relu: return 2.0.squareRoot()
    case .leakyRelu:
        let slope = param ?? 0.01
        return (2.0 / (1 + slope * slope)).squareRoot()
    case .selu: return 3.0 / 4
    }
}

/// Fan-in and fan-out of a weight of `shape`, as PyTorch: `[out, in, k₁, k₂, …]` gives
/// fan-in `in·k₁·k₂·…` and fan-out `out·k₁·k₂·…` (a Linear weight `[out, in]`: in and out).
/// Needs at least 2 dimensions.
public func fans(of shape: [Int]) -> (fanIn: Int, fanOut: Int) {
    require(shape.count >= 2, "fans(of:): fan-in and fan-out need a shape of at least 2 dimensions ([out, in, …]), got \(shape)")
    let receptiveField = shape.dropFirst(2).reduce(1, *)
    return (shape[1] * receptiveField, shape[0] * receptiveField)
}

/// A way to fill a new parameter: a function of shape, dtype and random generator.
///
/// Use the presets (`.zeros`, `.normal(std: 0.01)`, `.xavierUniform()`, `.kaimingNormal()`, …)
/// with ``Linear`` and ``Parameter/initialize(_:generator:)``, or build one from a closure.
public struct Initializer: Sendable, CustomStringConvertible {
    /// A short name with the settings, e.g. `kaimingNormal(a: 0.0, mode: fanIn, nonlinearity: relu)`.
    public let description: String
    private let body: @Sendable ([Int], DType, RandomGenerator) -> Tensor

    /// An initialiser from a function of shape, dtype and generator.
    public init(_ description: String = "custom", _ body: @escaping @Sendable (_ shape: [Int], _ dtype: DType, _ generator: RandomGenerator) -> Tensor) {
        self.description = description
        self.body = body
    }

    /// A new tensor of `shape` and `dtype`, drawn from `generator` (zeros, drawing nothing, inside
    /// ``skippingInitialization(_:)``).
    public func callAsFunction(_ shape: [Int], dtype: DType = .float32, generator: RandomGenerator = .default) -> Tensor {
        if InitializationMode.isSkipped { return .zeros(shape, dtype: dtype) }
        let t = body(shape, dtype, generator)
        require(t.shape == shape, "Initializer \(description): produced shape \(t.shape) instead of \(shape)")
        return t.cast(to: dtype)
    }

    // MARK: Constants

    /// All zeros (`torch.nn.init.zeros_`).
    public static let zeros = constant(0)
    /// All ones (`torch.nn.init.ones_`).
    public static let ones = constant(1)

    /// Every element `value` (`torch.nn.init.constant_`). For weights this leaves the units of a
    /// layer identical, and gradient descent keeps them identical: use it for biases.
    public static func constant(_ value: Double) -> Initializer {
        Initializer("constant(\(value))") { shape, dtype, _ in .full(shape, value: value, dtype: dtype) }
    }

    // MARK: Plain random

    /// N(mean, std²) (`torch.nn.init.normal_`).
    public static func normal(mean: Double = 0, std: Double = 1) -> Initializer {
        require(std >= 0, "Initializer.normal: std must be non-negative, got \(std)")
        return Initializer("normal(mean: \(mean), std: \(std))") { shape, dtype, g in
            .normal(shape, mean: mean, std: std, dtype: dtype, generator: g)
        }
    }

    /// U(low, high) (`torch.nn.init.uniform_`).
    public static func uniform(low: Double = 0, high: Double = 1) -> Initializer {
        require(low < high, "Initializer.uniform: low \(low) must be below high \(high)")
        return Initializer("uniform(low: \(low), high: \(high))") { shape, dtype, g in
            .uniform(shape, low: low, high: high, dtype: dtype, generator: g)
        }
    }

    /// N(mean, std²) truncated to [a, b] (`torch.nn.init.trunc_normal_`): values outside are
    /// drawn again. GoogLeNet's weights start this way (std 0.01, a = −2, b = 2).
    public static func truncatedNormal(mean: Double = 0, std: Double = 1, a: Double = -2, b: Double = 2) -> Initializer {
        require(std > 0 && a < b, "Initializer.truncatedNormal: need std > 0 and a < b, got std \(std), [\(a), \(b)]")
        require(mean - 3 * std < b && mean + 3 * std > a,
                "Initializer.truncatedNormal: [\(a), \(b)] is too far from N(\(mean), \(std)²) to sample by rejection")
        return Initializer("truncatedNormal(mean: \(mean), std: \(std), a: \(a), b: \(b))") { shape, dtype, g in
            let n = shape.reduce(1, *)
            var values: [Double] = []
            values.reserveCapacity(n)
            while values.count < n {
                for z in g.normals(n - values.count) {
                    let v = mean + std * z
                    if v >= a && v <= b { values.append(v) }
                }
            }
            return Tensor(shape: shape, values: values, dtype: dtype)
        }
    }

    // MARK: Variance scaling

    /// Glorot/Xavier normal (`torch.nn.init.xavier_normal_`): N(0, std²) with
    /// `std = gain·√(2 / (fanIn + fanOut))`. Suits tanh and sigmoid layers.
    public static func xavierNormal(gain: Double = 1) -> Initializer {
        Initializer("xavierNormal(gain: \(gain))") { shape, dtype, g in
            let (fanIn, fanOut) = fans(of: shape)
            let std = gain * (2 / Double(fanIn + fanOut)).squareRoot()
            return .normal(shape, mean: 0, std: std, dtype: dtype, generator: g)
        }
    }

    /// Glorot/Xavier uniform (`torch.nn.init.xavier_uniform_`): U(−b, b) with
    /// `b = gain·√(6 / (fanIn + fanOut))`.
    public static func xavierUniform(gain: Double = 1) -> Initializer {
        Initializer("xavierUniform(gain: \(gain))") { shape, dtype, g in
            let (fanIn, fanOut) = fans(of: shape)
            let bound = gain * (6 / Double(fanIn + fanOut)).squareRoot()
            return .uniform(shape, low: -bound, high: bound, dtype: dtype, generator: g)
        }
    }

    /// He/Kaiming normal (`torch.nn.init.kaiming_normal_`, same defaults): N(0, std²) with
    /// `std = gain / √fan`, `gain = calculateGain(nonlinearity, param: a)` and `fan` chosen by
    /// `mode`. `a` is the negative slope of a following leaky ReLU (0: plain ReLU, gain √2).
    public static func kaimingNormal(a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu) -> Initializer {
        Initializer("kaimingNormal(a: \(a), mode: \(mode), nonlinearity: \(nonlinearity))") { shape, dtype, g in
            let std = calculateGain(nonlinearity, param: a) / Double(fan(shape, mode)).squareRoot()
            return .normal(shape, mean: 0, std: std, dtype: dtype, generator: g)
        }
    }

    /// He/Kaiming uniform (`torch.nn.init.kaiming_uniform_`, same defaults): U(−b, b) with
    /// `b = gain·√(3 / fan)`. With `a: √5` (what PyTorch's Linear and Conv use) `b = 1/√fanIn`.
    public static func kaimingUniform(a: Double = 0, mode: FanMode = .fanIn, nonlinearity: Nonlinearity = .leakyRelu) -> Initializer {
        Initializer("kaimingUniform(a: \(a), mode: \(mode), nonlinearity: \(nonlinearity))") { shape, dtype, g in
            let bound = 3.0.squareRoot() * calculateGain(nonlinearity, param: a) / Double(fan(shape, mode)).squareRoot()
            return .uniform(shape, low: -bound, high: bound, dtype: dtype, generator: g)
        }
    }

    /// LeCun normal: N(0, 1/fanIn), the initialisation SELU's self-normalisation assumes.
    public static let lecunNormal = Initializer("lecunNormal") { shape, dtype, g in
        .normal(shape, mean: 0, std: 1 / Double(fans(of: shape).fanIn).squareRoot(), dtype: dtype, generator: g)
    }

    /// LeCun uniform: U(−b, b) with `b = √(3 / fanIn)` (variance 1/fanIn).
    public static let lecunUniform = Initializer("lecunUniform") { shape, dtype, g in
        let bound = (3 / Double(fans(of: shape).fanIn)).squareRoot()
        return .uniform(shape, low: -bound, high: bound, dtype: dtype, generator: g)
    }

    private static func fan(_ shape: [Int], _ mode: FanMode) -> Int {
        let (fanIn, fanOut) = fans(of: shape)
        return mode == .fanIn ? fanIn : fanOut
    }
}

extension Parameter {
    /// Refills the value from `initializer` (same shape and dtype), keeping the parameter's
    /// identity, as `torch.nn.init.*_(p)`: `layer.weight.initialize(.xavierUniform())`.
    public func initialize(_ initializer: Initializer, generator: RandomGenerator = .default) {
        assign(initializer(shape, dtype: value.dtype, generator: generator))
    }
}
