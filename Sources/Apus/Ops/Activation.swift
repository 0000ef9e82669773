import Foundation

// Activation functions beyond relu/sigmoid/tanh (those are in Unary.swift): step, leakyRelu,
// prelu, elu, selu, gelu, silu, hardtanh. Each is a value and a derivative per element, run by one
// specialised loop per dtype (forward: f(x); backward: g·f′(x) in one fused pass).

/// An elementwise activation with its derivative; parameters (a slope, an α) are stored properties.
protocol ActivationFunction {
    /// f(x).
    func value<T: FloatScalar>(_ x: T) -> T
    /// f′(x).
    func derivative<T: FloatScalar>(_ x: T) -> T
}

extension ActivationFunction {
    /// `f(x)` elementwise, recorded with the backward `g · f′(x)`. Integer inputs become float32.
    func callAsFunction(_ x: Tensor, op: String) -> Tensor {
        if let r = inFloat32IfReduced(x, { callAsFunction($0, op: op) }) { return r }
        let xf = x.dtype.isFloatingPoint ? x : x.cast(to: .float32)
        let out: Tensor
        switch xf.dtype {
        case .float32: out = map(xf, Float.self)
        default: out = map(xf, Double.self)
        }
        let dx = xf.detached()
        return recordUnary(op, xf, out) { g in
            let (gp, xp, shape) = Elementwise.promote(g, dx, op: op + " backward", floating: true)
            switch gp.dtype {
            case .float32: return gradient(gp, xp, shape, Float.self)
            default: return gradient(gp, xp, shape, Double.self)
            }
        }
    }

    private func map<T: FloatScalar>(_ x: Tensor, _: T.Type) -> Tensor {
        guard x.isContiguous else { return Kernels.map(x, T.self, to: T.self) { value($0) } }
        let out = Tensor(uninitialized: x.shape, dtype: T.dtype)
        let p = UnsafePointer(x.storage.pointer(T.self) + x.offset), o = out.storage.pointer(T.self)
        ThreadPool.shared.parallelRanges(x.count, grain: Kernels.parallelGrain) { r in
            for i in r { o[i] = value(p[i]) }
        }
        return out
    }

    /// `g · f′(x)` in one pass.
    private func gradient<T: FloatScalar>(_ g: Tensor, _ x: Tensor, _ shape: [Int], _: T.Type) -> Tensor {
        guard g.shape == shape, x.shape == shape, g.isContiguous, x.isContiguous else {
            return Kernels.zip(g, x, T.self, to: T.self, shape: shape) { $0 * derivative($1) }
        }
        let out = Tensor(uninitialized: shape, dtype: T.dtype)
        let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), px = UnsafePointer(x.storage.pointer(T.self) + x.offset)
        let o = out.storage.pointer(T.self)
        ThreadPool.shared.parallelRanges(out.count, grain: Kernels.parallelGrain) { r in
            for i in r { o[i] = pg[i] * derivative(px[i]) }
        }
        return out
    }
}

// MARK: - The functions

struct StepActivation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x > 0 ? 1 : 0 }
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { 0 }
}

struct LeakyReluActivation: ActivationFunction {
    let slope: Double
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x > 0 ? x : x * T(slope) }
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { x > 0 ? 1 : T(slope) }
}

struct HardtanhActivation: ActivationFunction {
    let low: Double
    let high: Double
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { Swift.min(Swift.max(x, T(low)), T(high)) }
    /// 1 strictly inside (low, high), 0 elsewhere, the boundaries included (PyTorch's `hardtanh_backward`).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { x > T(low) && x < T(high) ? 1 : 0 }
}

struct EluActivation: ActivationFunction {
    let alpha: Double
    /// λ; 1 for ELU, ``seluScale`` for SELU.
    let scale: Double
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { T(scale) * (x > 0 ? x : T(alpha) * (T.exp(x) - 1)) }
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { T(scale) * (x > 0 ? 1 : T(alpha) * T.exp(x)) }
}

/// The standard normal distribution: Φ(x) = ½(1 + erf(x/√2)) and φ(x) = e^(−x²/2)/√(2π).
private let invSqrt2 = 0.70710678118654752440084436210484903928483593768847
private let invSqrt2Pi = 0.39894228040143267793994605993438186847585863116493
/// √(2/π), the constant of the tanh approximation.
private let sqrt2OverPi = 0.79788456080286535587989211986876373695171726232987

struct GeluActivation: ActivationFunction {
    let approximate: GELUApproximation
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T {
        switch approximate {
        case .none: return x * T(0.5 * (1 + Foundation.erf(Double(x) * invSqrt2)))
        case .tanh:
            let u = T(sqrt2OverPi) * (x + T(0.044715) * x * x * x)
            return T(0.5) * x * (1 + T.tanh(u))
        }
    }
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T {
        switch approximate {
        case .none:
            let d = Double(x)
            let cdf = 0.5 * (1 + Foundation.erf(d * invSqrt2))
            return T(cdf + d * invSqrt2Pi * Foundation.exp(-0.5 * d * d))
        case .tanh:
            let k = T(sqrt2OverPi), c = T(0.044715)
            let t = T.tanh(k * (x + c * x * x * x))
            return T(0.5) * (1 + t) + T(0.5) * x * (1 - t * t) * k * (1 + 3 * c * x * x)
        }
    }
}

struct SiluActivation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x * SigmoidFn.apply(x) }
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T {
        let s = SigmoidFn.apply(x)
        return s * (1 + x * (1 - s))
    }
}

/// log(1 + eˣ) without overflow, max(x, 0) + log(1 + e^(−|x|)); derivative σ(x), also at 0.
/// Internal: the building block of ``binaryCrossEntropyWithLogits(_:_:weight:posWeight:reduction:)``.
struct SoftplusActivation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { Swift.max(x, 0) + T.log(1 + T.exp(-Swift.abs(x))) }
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { SigmoidFn.apply(x) }
}

/// The α of SELU (Klambauer et al., 2017), as in PyTorch.
public let seluAlpha = 1.6732632423543772848170429916717
/// The scale λ of SELU (Klambauer et al., 2017), as in PyTorch.
public let seluScale = 1.0507009873554804934193349852946

/// How ``gelu(_:approximate:)`` evaluates the Gaussian CDF (PyTorch's `approximate` argument).
public enum GELUApproximation: Sendable {
    /// Exact: x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)).
    case none
    /// ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
    case tanh
}

/// The Heaviside step: 1 where x > 0, else 0 (so 0 at x = 0).
///
/// Its derivative is 0 almost everywhere (and undefined at 0): the backward pass gives a zero
/// gradient, so a loss through `step` does not train what comes before it (the reason the
/// perceptron's step was replaced by sigmoids for gradient descent).
public func step(_ x: Tensor) -> Tensor { StepActivation()(x, op: "step") }

/// `x` where x > 0, else `negativeSlope · x` (`torch.nn.functional.leaky_relu`).
///
/// Backward: g where x > 0, else `negativeSlope · g`.
public func leakyRelu(_ x: Tensor, negativeSlope: Double = 0.01) -> Tensor {
    LeakyReluActivation(slope: negativeSlope)(x, op: "leakyRelu")
}

/// `x` clipped to `[min, max]` (`torch.nn.functional.hardtanh`, default [−1, 1]): a piecewise
/// linear tanh, cheap to compute; `hardtanh(x, min: 0, max: 6)` is ReLU6.
///
/// Backward: g strictly inside (min, max), 0 outside and on the boundaries, as PyTorch (and as
/// ``clamp(_:min:max:)-(Tensor,Double?,Double?)``).
public func hardtanh(_ x: Tensor, min: Double = -1, max: Double = 1) -> Tensor {
    require(min <= max, "hardtanh: min \(min) must not exceed max \(max)")
    return HardtanhActivation(low: min, high: max)(x, op: "hardtanh")
}

/// Exponential linear unit: `x` where x > 0, else `α(eˣ − 1)` (`torch.nn.functional.elu`).
///
/// Backward: g where x > 0, else `g·α·eˣ`.
public func elu(_ x: Tensor, alpha: Double = 1) -> Tensor {
    EluActivation(alpha: alpha, scale: 1)(x, op: "elu")
}

/// Scaled ELU: `λ·elu(x, α)` with α = ``seluAlpha`` ≈ 1.6733 and λ = ``seluScale`` ≈ 1.0507
/// (`torch.nn.functional.selu`); with ``Initializer/lecunNormal`` it keeps activations near
/// mean 0 and variance 1 through deep networks.
public func selu(_ x: Tensor) -> Tensor {
    EluActivation(alpha: seluAlpha, scale: seluScale)(x, op: "selu")
}

/// Gaussian error linear unit `x·Φ(x)` (`torch.nn.functional.gelu`), Φ the standard normal CDF.
///
/// `.none` uses erf exactly; `.tanh` uses ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
/// Backward (exact): g·(Φ(x) + x·φ(x)).
public func gelu(_ x: Tensor, approximate: GELUApproximation = .none) -> Tensor {
    GeluActivation(approximate: approximate)(x, op: "gelu")
}

/// Sigmoid linear unit (swish) `x·σ(x)` (`torch.nn.functional.silu`).
///
/// Backward: g·σ(x)(1 + x(1 − σ(x))).
public func silu(_ x: Tensor) -> Tensor { SiluActivation()(x, op: "silu") }

/// `log(1 + eˣ)`, stable for any x, with derivative σ(x) everywhere (internal helper).
func softplusStable(_ x: Tensor) -> Tensor { SoftplusActivation()(x, op: "softplus") }

/// Parametric ReLU (`torch.nn.functional.prelu`): `x` where x > 0, else `weight · x`.
///
/// `weight` has one element (a slope shared by all elements) or `C` elements, one per channel
/// along axis 1 of `x` (`[N, C, …]`; for a 1-D `x`, `C` is its length). Differentiable with
/// respect to both:
/// ∂x = g where x > 0, else g·weight; ∂weight = Σ g·min(x, 0) over every axis but the channel.
public func prelu(_ x: Tensor, weight: Tensor) -> Tensor {
    require(x.dtype.isFloatingPoint && weight.dtype == x.dtype,
            "prelu: input (\(x.dtype)) and weight (\(weight.dtype)) must have the same floating-point dtype")
    require(weight.rank == 1, "prelu: weight must be 1-D ([1] or [C]), got shape \(weight.shape)")
    let channels = weight.shape[0]
    var weightShape: [Int] = [channels]
    if channels != 1 {
        let axis = x.rank >= 2 ? 1 : 0
        require(x.rank >= 1 && x.shape[axis] == channels,
                "prelu: weight of shape \(weight.shape) needs \(channels) channels along axis \(axis) of the input, got shape \(x.shape)")
        // [1, C, 1, …]: broadcasts along the channel axis.
        weightShape = x.rank >= 2 ? [1, channels] + Array(repeating: 1, count: x.rank - 2) : [channels]
    }
    let dx = x.detached(), w = weight.detached().reshape(weightShape)
    let out = noGrad { `where`(dx .> 0, dx, dx * w) }
    guard shouldRecord(x, weight) else { return out }
    return record("prelu", x, weight, out) { g in
        let gx = `where`(dx .> 0, g, g * w)
        let gw = (g * minimum(dx, Tensor(scalar: 0, dtype: dx.dtype))).sum(toShape: weightShape).reshape([channels])
        return [gx, gw]
    }
}

extension Tensor {
    /// The Heaviside step (1 where x > 0, else 0); zero gradient.
    public func step() -> Tensor { Apus.step(self) }
    /// Leaky ReLU with the given slope for negative inputs.
    public func leakyRelu(negativeSlope: Double = 0.01) -> Tensor { Apus.leakyRelu(self, negativeSlope: negativeSlope) }
    /// ELU with the given α.
    public func elu(alpha: Double = 1) -> Tensor { Apus.elu(self, alpha: alpha) }
    /// SELU, `λ·elu(x, α)` with SELU's fixed constants (``selu(_:)``).
    public func selu() -> Tensor { Apus.selu(self) }
    /// GELU, exact or tanh-approximated.
    public func gelu(approximate: GELUApproximation = .none) -> Tensor { Apus.gelu(self, approximate: approximate) }
    /// SiLU (swish) x·σ(x).
    public func silu() -> Tensor { Apus.silu(self) }
    /// The values clipped to `[min, max]`, with gradient 1 strictly inside.
    public func hardtanh(min: Double = -1, max: Double = 1) -> Tensor { Apus.hardtanh(self, min: min, max: max) }
}
