import Foundation

// The rest of torch.nn.functional's activations: softplus with β and threshold, softsign,
// hardsigmoid, hardswish, mish, logsigmoid, CELU, ReLU6, GLU, threshold, soft and hard shrinkage,
// tanhshrink, softmin. The elementwise ones are ``ActivationFunction``s (Activation.swift): one
// specialised loop forward, one fused `g·f′(x)` loop backward. At the kinks each derivative takes
// the value PyTorch's backward kernel gives (noted per function).

/// `log(1 + x)` at the precision of `T` (C's `log1pf` for `Float`).
@inline(__always)
private func logOnePlus<T: FloatScalar>(_ x: T) -> T {
    if T.self == Float.self { return unsafeBitCast(Foundation.log1pf(unsafeBitCast(x, to: Float.self)), to: T.self) }
    return T(Foundation.log1p(x.doubleValue))
}

/// `eˣ − 1` at the precision of `T` (C's `expm1f` for `Float`).
@inline(__always)
private func expMinusOne<T: FloatScalar>(_ x: T) -> T {
    if T.self == Float.self { return unsafeBitCast(Foundation.expm1f(unsafeBitCast(x, to: Float.self)), to: T.self) }
    return T(Foundation.expm1(x.doubleValue))
}

/// Stops unless `x` is floating point: these activations refuse integer tensors, as PyTorch's.
private func requireFloatingPoint(_ x: Tensor, _ op: String) {
    require(x.dtype.isFloatingPoint, "\(op): expected a floating-point input, got \(x.dtype)")
}

// MARK: - The functions

struct SoftplusThresholdActivation: ActivationFunction {
    let beta: Double
    let threshold: Double
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T {
        let bx = x * T(beta)
        return bx > T(threshold) ? x : logOnePlus(T.exp(bx)) / T(beta)
    }
    /// σ(βx); 1 above the threshold (the linear region).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T {
        let bx = x * T(beta)
        if bx > T(threshold) { return 1 }
        let z = T.exp(bx)
        return z / (z + 1)
    }
}

struct SoftsignActivation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x / (Swift.abs(x) + 1) }
    /// `1/(1 + |x|) − x·sign(x)/(1 + |x|)²`, PyTorch's composite gradient written out (= 1/(1 + |x|)²
    /// for finite x; NaN at ±∞ as there).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T {
        let d = Swift.abs(x) + 1
        return 1 / d - x * (x > 0 ? 1 : (x < 0 ? -1 : 0)) / (d * d)
    }
}

struct HardsigmoidActivation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { Swift.min(Swift.max(x + 3, 0), 6) / 6 }
    /// 1/6 strictly inside (−3, 3), else 0; PyTorch's backward multiplies by the float32 constant
    /// 1/6 for every dtype, and so does this.
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { x > -3 && x < 3 ? T(Float(1) / Float(6)) : 0 }
}

struct HardswishActivation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x * Swift.min(Swift.max(x + 3, 0), 6) / 6 }
    /// x/3 + ½ strictly inside (−3, 3); 0 at and below −3, 1 at and above 3 (and at NaN, as PyTorch).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { x <= -3 ? 0 : (x < 3 ? x / 3 + T(0.5) : 1) }
}

struct MishActivation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x * T.tanh(logOnePlus(T.exp(x))) }
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T {
        let t = T.tanh(logOnePlus(T.exp(x)))
        return t + x * SigmoidFn.apply(x) * (1 - t * t)
    }
}

struct LogSigmoidActivation: ActivationFunction {
    /// min(x, 0) − log(1 + e^(−|x|)): no overflow for any x.
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { Swift.min(x, 0) - logOnePlus(T.exp(-Swift.abs(x))) }
    /// σ(−x), from e^(−|x|) on both sides (½ at 0).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T {
        let z = T.exp(-Swift.abs(x))
        return x < 0 ? 1 - z / (1 + z) : z / (1 + z)
    }
}

struct CeluActivation: ActivationFunction {
    let alpha: Double
    /// x where x > 0, else α·(e^(x·(1/α)) − 1) (PyTorch multiplies by the reciprocal).
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x > 0 ? x : T(alpha) * expMinusOne(x * T(1 / alpha)) }
    /// e^(x/α) where x ≤ 0 (so 1 at 0), else 1 (also at NaN, as PyTorch).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T {
        x <= 0 ? T(1 / alpha) * T(alpha) * T.exp(x * T(1 / alpha)) : 1
    }
}

struct ThresholdActivation: ActivationFunction {
    let threshold: Double
    let replacement: Double
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x <= T(threshold) ? T(replacement) : x }
    /// 0 where x ≤ threshold (the threshold included), else 1.
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { x <= T(threshold) ? 0 : 1 }
}

struct SoftshrinkActivation: ActivationFunction {
    let lambda: Double
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T {
        let l = T(lambda)
        return x > l ? x - l : (x < -l ? x + l : x * 0)
    }
    /// 0 on [−λ, λ] (the ends included), else 1 (also at NaN, as PyTorch's scalar loop; its vector
    /// loop gives 0 there).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { x >= -T(lambda) && x <= T(lambda) ? 0 : 1 }
}

struct HardshrinkActivation: ActivationFunction {
    let lambda: Double
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x >= -T(lambda) && x <= T(lambda) ? 0 : x }
    /// 0 on [−λ, λ] (the ends included), else 1 (also at NaN, as PyTorch's scalar loop; its vector
    /// loop gives 0 there).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { x >= -T(lambda) && x <= T(lambda) ? 0 : 1 }
}

struct Relu6Activation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { Swift.min(Swift.max(x, 0), 6) }
    /// 0 at and outside [0, 6], 1 strictly inside and at NaN (PyTorch's `hardtanh_backward`).
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { x <= 0 || x >= 6 ? 0 : 1 }
}

struct TanhshrinkActivation: ActivationFunction {
    @inline(__always) func value<T: FloatScalar>(_ x: T) -> T { x - T.tanh(x) }
    @inline(__always) func derivative<T: FloatScalar>(_ x: T) -> T { let t = T.tanh(x); return t * t }
}

/// `log(1 + e^(βx))/β`, the smooth ReLU (`torch.nn.functional.softplus`); where `βx > threshold` it
/// is `x` itself (the two agree there to float precision, and the exponential cannot overflow).
///
/// Backward: `g·σ(βx)`, and `g` above the threshold. Floating-point inputs only, as PyTorch.
public func softplus(_ x: Tensor, beta: Double = 1, threshold: Double = 20) -> Tensor {
    requireFloatingPoint(x, "softplus")
    return SoftplusThresholdActivation(beta: beta, threshold: threshold)(x, op: "softplus")
}

/// `x / (1 + |x|)` (`torch.nn.functional.softsign`), a tanh-like squashing into (−1, 1).
///
/// Backward: `g / (1 + |x|)²`. Integer inputs give float32, as PyTorch.
public func softsign(_ x: Tensor) -> Tensor {
    require(x.dtype != .bool, "softsign: bool input is not supported, as in PyTorch")
    return SoftsignActivation()(x, op: "softsign")
}

/// The piecewise linear sigmoid `clamp(x/6 + ½, 0, 1)` (`torch.nn.functional.hardsigmoid`, MobileNetV3).
///
/// Backward: `g/6` strictly inside (−3, 3), else 0 (also at ±3).
public func hardsigmoid(_ x: Tensor) -> Tensor {
    requireFloatingPoint(x, "hardsigmoid")
    return HardsigmoidActivation()(x, op: "hardsigmoid")
}

/// `x·clamp(x + 3, 0, 6)/6` (`torch.nn.functional.hardswish`, MobileNetV3's cheap swish).
///
/// Backward: `g·(x/3 + ½)` strictly inside (−3, 3), 0 at and below −3, `g` at and above 3.
public func hardswish(_ x: Tensor) -> Tensor {
    requireFloatingPoint(x, "hardswish")
    return HardswishActivation()(x, op: "hardswish")
}

/// `x·tanh(softplus(x))` (`torch.nn.functional.mish`, Misra 2019).
///
/// Backward: `g·(t + x·σ(x)·(1 − t²))` with `t = tanh(softplus(x))`.
public func mish(_ x: Tensor) -> Tensor {
    requireFloatingPoint(x, "mish")
    return MishActivation()(x, op: "mish")
}

/// `log σ(x) = −softplus(−x)` (`torch.nn.functional.logsigmoid`), computed as
/// `min(x, 0) − log(1 + e^(−|x|))`: finite and accurate for any x (−x for large negative x, a tiny
/// negative number for large positive x).
///
/// Backward: `g·σ(−x)`.
public func logsigmoid(_ x: Tensor) -> Tensor {
    requireFloatingPoint(x, "logsigmoid")
    return LogSigmoidActivation()(x, op: "logsigmoid")
}

/// Continuously differentiable ELU (`torch.nn.functional.celu`, Barron 2017):
/// `max(0, x) + min(0, α(e^(x/α) − 1))`; `α` must not be 0.
///
/// Backward: `g` where x > 0, else `g·e^(x/α)` (so `g` at 0 for every α).
public func celu(_ x: Tensor, alpha: Double = 1) -> Tensor {
    requireFloatingPoint(x, "celu")
    require(alpha != 0, "celu: alpha cannot be 0")
    return CeluActivation(alpha: alpha)(x, op: "celu")
}

/// `min(max(x, 0), 6)` (`torch.nn.functional.relu6`), ``hardtanh(_:min:max:)`` on [0, 6].
///
/// Backward: `g` strictly inside (0, 6), 0 elsewhere (also at 0 and 6), as PyTorch. An int64 input
/// gives an int64 result (not differentiable), as PyTorch.
public func relu6(_ x: Tensor) -> Tensor {
    require(x.dtype != .bool, "relu6: bool input is not supported, as in PyTorch")
    if !x.dtype.isFloatingPoint { return clamp(x.detached(), min: 0, max: 6) }
    return Relu6Activation()(x, op: "relu6")
}

/// The gated linear unit (`torch.nn.functional.glu`, Dauphin et al. 2017): splits `x` in two
/// halves `a` and `b` along `axis` (whose size must be even) and returns `a·σ(b)`, half as long
/// along `axis`.
///
/// Backward: `∂a = g·σ(b)`, `∂b = g·a·σ(b)(1 − σ(b))`.
public func glu(_ x: Tensor, axis: Int = -1) -> Tensor {
    requireFloatingPoint(x, "glu")
    require(x.rank > 0, "glu: a 0-d tensor cannot be halved")
    let a = x.normalizedAxis(axis, op: "glu")
    let size = x.shape[a]
    require(size % 2 == 0, "glu: halving axis \(axis) must have an even size, got shape \(x.shape)")
    return x.slice(axis: a, end: size / 2) * sigmoid(x.slice(axis: a, start: size / 2))
}

/// `x` where x > `threshold`, else `value` (`torch.nn.functional.threshold`).
///
/// Backward: `g` where x > threshold, else 0. An int64 input gives int64 (the threshold and the
/// value truncated to integers, as PyTorch's integer kernel), not differentiable.
public func threshold(_ x: Tensor, threshold: Double, value: Double) -> Tensor {
    require(x.dtype != .bool, "threshold: bool input is not supported, as in PyTorch")
    if !x.dtype.isFloatingPoint {
        let (t, v) = (Int64(threshold), Int64(value))
        return Kernels.map(x.detached(), Int64.self, to: Int64.self) { $0 <= t ? v : $0 }
    }
    return ThresholdActivation(threshold: threshold, replacement: value)(x, op: "threshold")
}

/// Soft shrinkage (`torch.nn.functional.softshrink`): `x − λ` where x > λ, `x + λ` where x < −λ,
/// else 0; `lambda` must be non-negative.
///
/// Backward: `g` outside [−λ, λ], 0 on it (the ends included).
public func softshrink(_ x: Tensor, lambda: Double = 0.5) -> Tensor {
    requireFloatingPoint(x, "softshrink")
    require(lambda >= 0, "softshrink: lambda must be non-negative, got \(lambda)")
    return SoftshrinkActivation(lambda: lambda)(x, op: "softshrink")
}

/// Hard shrinkage (`torch.nn.functional.hardshrink`): `x` where |x| > λ, else 0.
///
/// Backward: `g` outside [−λ, λ], 0 on it (the ends included).
public func hardshrink(_ x: Tensor, lambda: Double = 0.5) -> Tensor {
    requireFloatingPoint(x, "hardshrink")
    return HardshrinkActivation(lambda: lambda)(x, op: "hardshrink")
}

/// `x − tanh(x)` (`torch.nn.functional.tanhshrink`).
///
/// Backward: `g·tanh²(x)`. Integer inputs give float32, as PyTorch.
public func tanhshrink(_ x: Tensor) -> Tensor {
    require(x.dtype != .bool, "tanhshrink: bool input is not supported, as in PyTorch")
    return TanhshrinkActivation()(x, op: "tanhshrink")
}

/// `softmax(−x)` along `axis` (`torch.nn.functional.softmin`): the smallest entries get the largest
/// weights, and each slice along `axis` sums to 1.
public func softmin(_ x: Tensor, axis: Int) -> Tensor {
    requireFloatingPoint(x, "softmin")
    _ = x.normalizedAxis(axis, op: "softmin")
    // An empty input: an empty result (softmax's max over an empty axis would stop).
    if x.count == 0 { return -x }
    return softmax(-x, axis: axis)
}

extension Tensor {
    /// `log(1 + e^(βx))/β`, linear above `threshold` (``softplus(_:beta:threshold:)``).
    public func softplus(beta: Double = 1, threshold: Double = 20) -> Tensor { Apus.softplus(self, beta: beta, threshold: threshold) }
    /// `x / (1 + |x|)` (``softsign(_:)``).
    public func softsign() -> Tensor { Apus.softsign(self) }
    /// `clamp(x/6 + ½, 0, 1)` (``hardsigmoid(_:)``).
    public func hardsigmoid() -> Tensor { Apus.hardsigmoid(self) }
    /// `x·clamp(x + 3, 0, 6)/6` (``hardswish(_:)``).
    public func hardswish() -> Tensor { Apus.hardswish(self) }
    /// `x·tanh(softplus(x))` (``mish(_:)``).
    public func mish() -> Tensor { Apus.mish(self) }
    /// `log σ(x)`, stable for any x (``logsigmoid(_:)``).
    public func logsigmoid() -> Tensor { Apus.logsigmoid(self) }
    /// CELU with the given α (``celu(_:alpha:)``).
    public func celu(alpha: Double = 1) -> Tensor { Apus.celu(self, alpha: alpha) }
    /// `min(max(x, 0), 6)` (``relu6(_:)``).
    public func relu6() -> Tensor { Apus.relu6(self) }
    /// The gated linear unit along `axis` (``glu(_:axis:)``).
    public func glu(axis: Int = -1) -> Tensor { Apus.glu(self, axis: axis) }
    /// `x` where x > `threshold`, else `value` (``threshold(_:threshold:value:)``).
    public func threshold(_ threshold: Double, value: Double) -> Tensor { Apus.threshold(self, threshold: threshold, value: value) }
    /// Soft shrinkage by λ (``softshrink(_:lambda:)``).
    public func softshrink(lambda: Double = 0.5) -> Tensor { Apus.softshrink(self, lambda: lambda) }
    /// Hard shrinkage by λ (``hardshrink(_:lambda:)``).
    public func hardshrink(lambda: Double = 0.5) -> Tensor { Apus.hardshrink(self, lambda: lambda) }
    /// `x − tanh(x)` (``tanhshrink(_:)``).
    public func tanhshrink() -> Tensor { Apus.tanhshrink(self) }
    /// `softmax(−x)` along `axis` (``softmin(_:axis:)``).
    public func softmin(axis: Int) -> Tensor { Apus.softmin(self, axis: axis) }
}
