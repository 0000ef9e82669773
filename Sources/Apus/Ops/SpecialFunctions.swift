// Powers, exponentials and logarithms beyond exp/log/sqrt, the error function and its inverse,
// logit, hypot, lerp, xlogy, sinc, copysign, nextafter and float_power; each with its derivative
// as PyTorch defines it (tools/autograd/derivatives.yaml).
//
// Integer and bool tensors give float32 (PyTorch's default dtype), except `square`, which keeps
// integers, as PyTorch's does.

import Foundation

enum ReciprocalFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { 1 / x } }
enum RsqrtFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { 1 / x.squareRoot() } }
enum SquareFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x * x } }
enum Exp2Fn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.exp2(x) } }
enum Expm1Fn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.expm1(x) } }
enum Log2Fn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.log2(x) } }
enum Log10Fn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.log10(x) } }
enum Log1pFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.log1p(x) } }
enum ErfFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.erf(x) } }
enum ErfcFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.erfc(x) } }
enum ErfinvFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T(fromDouble: inverseErf(x.doubleValue)) } }
enum HypotFn: FloatBinaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T { T.hypot(a, b) } }
enum CopysignFn: FloatBinaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T { T(signOf: b, magnitudeOf: a) } }

/// `x·ln y`, 0 where x = 0 (unless y is NaN), as `torch.xlogy`.
enum XlogyFn: FloatBinaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ x: T, _ y: T) -> T {
        if y.isNaN { return y }
        return x == 0 ? 0 : x * T.log(y)
    }
}

/// The next representable value after `a` in the direction of `b` (C's `nextafter`).
enum NextafterFn: FloatBinaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T {
        if a.isNaN || b.isNaN { return a + b }
        if a == b { return b }
        return b > a ? a.nextUp : a.nextDown
    }
}

/// The normalised sinc, sin(πx)/(πx), 1 at 0 (`torch.sinc`).
enum SincFn: FloatUnaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T {
        if x == 0 { return 1 }
        let p = T.pi * x
        return T.sin(p) / p
    }
}

/// sinc's backward: `g·(πx·cos πx − sin πx)/(πx²)`, 0 at x = 0.
enum SincGradFn: FloatBinaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ g: T, _ x: T) -> T {
        if x == 0 { return 0 }
        let p = T.pi * x
        return g * (p * T.cos(p) - T.sin(p)) / (p * x)
    }
}

/// The inverse error function in double precision: Giles' single-precision approximation
/// ("Approximating the erfinv function", GPU Computing Gems, 2011), then Newton steps on
/// `erf x − y`, or on `ln erfc x − ln(1 − y)` where |y| > ½: there `1 − y` is exact and erfc keeps
/// the digits that erf loses near ±1, so the result is accurate up to the last double below 1.
func inverseErf(_ y: Double) -> Double {
    let a = Swift.abs(y)
    guard a < 1 else { return a == 1 ? Double(signOf: y, magnitudeOf: .infinity) : .nan }  // NaN too
    if a == 0 { return y }
    var w = -Foundation.log((1 - a) * (1 + a))
    var p: Double
    if w < 5 {
        w -= 2.5
        p = 2.81022636e-08
        p = 3.43273939e-07 + p * w
        p = -3.5233877e-06 + p * w
        p = -4.39150654e-06 + p * w
        p = 0.00021858087 + p * w
        p = -0.00125372503 + p * w
        p = -0.00417768164 + p * w
        p = 0.246640727 + p * w
        p = 1.50140941 + p * w
    } else {
        w = w.squareRoot() - 3
        p = -0.000200214257
        p = 0.000100950558 + p * w
        p = 0.00134934322 + p * w
        p = -0.00367342844 + p * w
        p = 0.00573950773 + p * w
        p = -0.0076224613 + p * w
        p = 0.00943887047 + p * w
        p = 1.00167406 + p * w
        p = 2.83297682 + p * w
    }
    var x = p * a
    let twoOverRootPi = 2 / Double.pi.squareRoot()
    if a <= 0.5 {
        // Newton on erf x − a: the approximation's ~1e-7 needs two steps.
        for _ in 0..<3 {
            let step = (Foundation.erf(x) - a) / (twoOverRootPi * Foundation.exp(-x * x))
            x -= step
            if Swift.abs(step) <= 1e-17 * x { break }
        }
    } else {
        // Newton on ln erfc x − ln(1 − a), nearly quadratic in x in the tail, so it converges as
        // fast from the approximation's few per cent error (beyond its range, within 1e-7 of 1)
        // as from its 1e-7 elsewhere.
        let logComplement = Foundation.log(1 - a)
        for _ in 0..<6 {
            let e = Foundation.erfc(x)
            let step = (logComplement - Foundation.log(e)) * e / (twoOverRootPi * Foundation.exp(-x * x))
            x -= step
            if Swift.abs(step) <= 1e-16 * x { break }
        }
    }
    return Double(signOf: y, magnitudeOf: x)
}

/// `log(z/(1 − z))` with z = x clamped to [eps, 1 − eps] when `eps` is given (`torch.logit`).
struct Logit<T: FloatScalar>: UnaryElementFunction {
    let low: T, high: T, clamps: Bool
    @inline(__always) func apply(_ x: T) -> T {
        let z = clamps ? (x < low ? low : (x > high ? high : x)) : x
        return T.log(z / (1 - z))
    }
}

/// logit's backward as PyTorch computes it: `g/(x(1 − x))`; 0 outside [eps, 1 − eps] with `eps`,
/// NaN outside [0, 1] without; ±∞ at 0 and 1.
struct LogitGrad<T: FloatScalar>: BinaryElementFunction {
    let low: T, high: T, clamps: Bool
    @inline(__always) func apply(_ g: T, _ x: T) -> T {
        if clamps ? (x < low || x > high) : false { return 0 }
        if !clamps && (x < 0 || x > 1) { return .nan }
        if x == 0 || x == 1 { return g * .infinity }
        return g / (x * (1 - x))
    }
}

private struct LogitRun: FloatKernel {
    let x: Tensor, eps: Double?
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        MathKernels.map(Logit<T>(low: T(fromDouble: eps ?? 0), high: T(fromDouble: 1 - (eps ?? 0)), clamps: eps != nil), x)
    }
}

private struct LogitGradRun: FloatKernel {
    let g: Tensor, x: Tensor, eps: Double?
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let f = LogitGrad<T>(low: T(fromDouble: eps ?? 0), high: T(fromDouble: 1 - (eps ?? 0)), clamps: eps != nil)
        return MathKernels.zip(f, g, x, shape: x.shape)
    }
}

/// `start + weight·(end − start)`, computed from whichever end is nearer (PyTorch's formula,
/// exact at both ends): `start + w·(end − start)` for |w| < ½, else `end − (1 − w)·(end − start)`.
@inline(__always) func lerpElement<T: FloatScalar>(_ start: T, _ end: T, _ w: T) -> T {
    let d = end - start
    return Swift.abs(w) < 0.5 ? start.addingProduct(w, d) : end.addingProduct(w - 1, d)
}

/// ``lerpElement(_:_:_:)`` with one weight for every element.
struct LerpScalarWeight<T: FloatScalar>: BinaryElementFunction {
    let weight: T
    @inline(__always) func apply(_ start: T, _ end: T) -> T { lerpElement(start, end, weight) }
}

/// ``lerpElement(_:_:_:)`` with a weight per element.
struct LerpTensorWeight<T: FloatScalar>: TernaryElementFunction {
    @inline(__always) func apply(_ start: T, _ end: T, _ weight: T) -> T { lerpElement(start, end, weight) }
}

private struct LerpRun: FloatKernel {
    let start: Tensor, end: Tensor, weight: Tensor?, scalarWeight: Double, shape: [Int]
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        if let weight { return MathKernels.zip3(LerpTensorWeight<T>(), start, end, weight, shape: shape) }
        return MathKernels.zip(LerpScalarWeight<T>(weight: T(fromDouble: scalarWeight)), start, end, shape: shape)
    }
}

// MARK: Public functions

/// `1/x` for each element, `torch.reciprocal` (∞ at 0); integer tensors give float32.
/// Derivative −1/x².
public func reciprocal(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(ReciprocalFn.self, x, op: "reciprocal")
    let y = out.detached()
    return recordUnary("reciprocal", x, out) { g in -g * y * y }
}

/// `1/√x` for each element, `torch.rsqrt`; integer tensors give float32. Derivative −½x^(−3/2).
public func rsqrt(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(RsqrtFn.self, x, op: "rsqrt")
    let y = out.detached()
    return recordUnary("rsqrt", x, out) { g in -0.5 * g * y * y * y }
}

/// `x²` for each element, `torch.square`; integer tensors stay integers (wrapping on overflow, as
/// PyTorch's), bool tensors give int64. Derivative 2x.
public func square(_ x: Tensor) -> Tensor {
    if x.dtype == .bool { return square(x.cast(to: .int64)) }
    if !x.dtype.isFloatingPoint { return MathKernels.integerUnary(IntegerSquareFn.self, x, op: "square") }
    let out = Elementwise.unary(SquareFn.self, x, op: "square")
    let dx = x.detached()
    return recordUnary("square", x, out) { g in 2 * g * dx }
}

enum IntegerSquareFn: IntegerUnaryFunction {
    @inline(__always) static func apply<T: IntegerScalar>(_ x: T) -> T { x &* x }
}

/// `2ˣ` for each element, `torch.exp2`; integer tensors give float32. Derivative 2ˣ·ln 2.
public func exp2(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(Exp2Fn.self, x, op: "exp2")
    let y = out.detached()
    return recordUnary("exp2", x, out) { g in g * y * M_LN2 }
}

/// `eˣ − 1` for each element, accurate for small x (`torch.expm1`); integer tensors give float32.
/// Derivative eˣ.
public func expm1(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(Expm1Fn.self, x, op: "expm1")
    let y = out.detached()
    return recordUnary("expm1", x, out) { g in g * (y + 1) }
}

/// The base-2 logarithm of each element, `torch.log2`; integer tensors give float32.
/// Derivative 1/(x·ln 2).
public func log2(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(Log2Fn.self, x, op: "log2")
    let dx = x.detached()
    return recordUnary("log2", x, out) { g in g / (dx * M_LN2) }
}

/// The base-10 logarithm of each element, `torch.log10`; integer tensors give float32.
/// Derivative 1/(x·ln 10).
public func log10(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(Log10Fn.self, x, op: "log10")
    let dx = x.detached()
    return recordUnary("log10", x, out) { g in g / (dx * M_LN10) }
}

/// `ln(1 + x)` for each element, accurate for small x (`torch.log1p`); integer tensors give
/// float32. Derivative 1/(1 + x).
public func log1p(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(Log1pFn.self, x, op: "log1p")
    let dx = x.detached()
    return recordUnary("log1p", x, out) { g in g / (dx + 1) }
}

/// The error function `erf x = 2/√π ∫₀ˣ e^(−t²) dt` of each element, `torch.erf`; integer
/// tensors give float32. Derivative 2/√π·e^(−x²).
public func erf(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(ErfFn.self, x, op: "erf")
    let dx = x.detached()
    return recordUnary("erf", x, out) { g in g * exp(-dx * dx) * M_2_SQRTPI }
}

/// The complementary error function `1 − erf x` of each element, accurate where erf x is near 1
/// (`torch.erfc`); integer tensors give float32. Derivative −2/√π·e^(−x²).
public func erfc(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(ErfcFn.self, x, op: "erfc")
    let dx = x.detached()
    return recordUnary("erfc", x, out) { g in g * exp(-dx * dx) * -M_2_SQRTPI }
}

/// The inverse error function of each element, `erf(erfinv y) = y` on (−1, 1), ±∞ at ±1 and NaN
/// outside (`torch.erfinv`); integer tensors give float32. Computed in double precision for every
/// dtype (Giles' approximation refined by Newton's method), accurate near ±1. Derivative √π/2·e^(erfinv(y)²).
public func erfinv(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(ErfinvFn.self, x, op: "erfinv")
    let y = out.detached()
    return recordUnary("erfinv", x, out) { g in g * exp(y * y) * (Double.pi.squareRoot() / 2) }
}

/// The log-odds `ln(p/(1 − p))` of each element, the inverse of ``sigmoid(_:)`` (`torch.logit`);
/// integer tensors give float32.
///
/// With `eps`, `p` is first clamped to `[eps, 1 − eps]` (finite results at 0 and 1, gradient 0
/// outside the interval); a negative `eps` counts as none, as in PyTorch. Derivative
/// `1/(p(1 − p))`, NaN outside [0, 1] without `eps`.
public func logit(_ x: Tensor, eps: Double? = nil) -> Tensor {
    if !x.dtype.isFloatingPoint { return logit(x.cast(to: .float32), eps: eps) }
    if let r = inFloat32IfReduced(x, { logit($0, eps: eps) }) { return r }
    let eps = eps.flatMap { $0 >= 0 ? $0 : nil }
    let out = x.dtype.dispatchFloat(LogitRun(x: x, eps: eps), op: "logit")
    let dx = x.detached()
    return recordUnary("logit", x, out) { g in
        let (g, dx) = Elementwise.promoteTypes(g, dx, floating: true)
        return g.dtype.dispatchFloat(LogitGradRun(g: g, x: dx, eps: eps), op: "logit backward")
    }
}

/// `√(a² + b²)` elementwise with broadcasting, without undue overflow (`torch.hypot`);
/// floating-point tensors only, as in PyTorch. ∂/∂a = a/hypot, ∂/∂b = b/hypot.
public func hypot(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "hypot")
    require(a.dtype.isFloatingPoint, "hypot: expected floating-point tensors, got \(a.dtype)")
    let out = MathKernels.floatBinary(HypotFn.self, a, b, shape: shape, op: "hypot")
    guard shouldRecord(a, b) else { return out }
    let (da, db, y) = (a.detached(), b.detached(), out.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record("hypot", a, b, out) { g in
        let s = g / y
        return [ra ? (s * da).sum(toShape: da.shape) : nil, rb ? (s * db).sum(toShape: db.shape) : nil]
    }
}

/// Linear interpolation `start + weight·(end − start)` elementwise with broadcasting
/// (`torch.lerp`); `start` and `end` are floating-point tensors of one dtype.
///
/// Gradients: `1 − weight` for `start`, `weight` for `end`.
public func lerp(_ start: Tensor, _ end: Tensor, weight: Double) -> Tensor {
    checkLerp(start, end, nil)
    if let r = inFloat32IfReduced(start, end, { lerp($0, $1, weight: weight) }) { return r }
    let shape = broadcastShapes(start.shape, end.shape, op: "lerp")
    let out = start.dtype.dispatchFloat(LerpRun(start: start, end: end, weight: nil, scalarWeight: weight, shape: shape), op: "lerp")
    guard shouldRecord(start, end) else { return out }
    let (ss, se) = (start.shape, end.shape)
    return record("lerp", start, end, out) { g in [(g * (1 - weight)).sum(toShape: ss), (g * weight).sum(toShape: se)] }
}

/// ``lerp(_:_:weight:)-(Tensor,Tensor,Double)`` with a weight per element: `start + weight·(end − start)`, the three
/// broadcast together; `weight` has the dtype of `start` and `end`.
///
/// Gradients: `1 − weight` for `start`, `weight` for `end`, `end − start` for `weight`.
public func lerp(_ start: Tensor, _ end: Tensor, weight: Tensor) -> Tensor {
    checkLerp(start, end, weight)
    if let r = inFloat32IfReduced([start, end, weight], { lerp($0[0], $0[1], weight: $0[2]) }) { return r }
    let shape = broadcastShapes(broadcastShapes(start.shape, end.shape, op: "lerp"), weight.shape, op: "lerp")
    let out = start.dtype.dispatchFloat(LerpRun(start: start, end: end, weight: weight, scalarWeight: 0, shape: shape), op: "lerp")
    guard GradMode.isEnabled, start.requiresGrad || end.requiresGrad || weight.requiresGrad else { return out }
    let (ds, de, dw) = (start.detached(), end.detached(), weight.detached())
    let (rs, re, rw) = (start.requiresGrad, end.requiresGrad, weight.requiresGrad)
    return record("lerp", [start, end, weight], out) { g in
        [rs ? (g * (1 - dw)).sum(toShape: ds.shape) : nil,
         re ? (g * dw).sum(toShape: de.shape) : nil,
         rw ? (g * (de - ds)).sum(toShape: dw.shape) : nil]
    }
}

private func checkLerp(_ start: Tensor, _ end: Tensor, _ weight: Tensor?) {
    require(start.dtype.isFloatingPoint, "lerp: expected floating-point tensors, got \(start.dtype)")
    require(end.dtype == start.dtype, "lerp: expected dtype \(start.dtype) for end, got \(end.dtype)")
    if let weight { require(weight.dtype == start.dtype, "lerp: expected dtype \(start.dtype) for weight, got \(weight.dtype)") }
}

/// `x·ln y` elementwise with broadcasting, 0 where x = 0 even when y = 0 (NaN where y is NaN),
/// `torch.xlogy`: the entropy terms `p·ln p` without the 0·(−∞) NaN. Integer tensors give float32.
///
/// ∂/∂x = ln y (0 where x = 0 and y ≤ 0, as PyTorch defines it), ∂/∂y = x/y.
public func xlogy(_ x: Tensor, _ y: Tensor) -> Tensor {
    let (x, y, shape) = Elementwise.promote(x, y, op: "xlogy", floating: true)
    let out = MathKernels.floatBinary(XlogyFn.self, x, y, shape: shape, op: "xlogy")
    guard shouldRecord(x, y) else { return out }
    let (dx, dy) = (x.detached(), y.detached())
    let (rx, ry) = (x.requiresGrad, y.requiresGrad)
    return record("xlogy", x, y, out) { g in
        [rx ? `where`(logicalAnd(dx .== 0, dy .<= 0), 0, xlogy(g, dy)).sum(toShape: dx.shape) : nil,
         ry ? (g * dx / dy).sum(toShape: dy.shape) : nil]
    }
}

/// ``xlogy(_:_:)-(Tensor,Tensor)`` with a number `y`.
public func xlogy(_ x: Tensor, _ y: Double) -> Tensor { xlogy(x, scalarTensor(y, like: x)) }

/// ``xlogy(_:_:)-(Tensor,Tensor)`` with a number `x` (`torch.xlogy(2, y)`).
public func xlogy(_ x: Double, _ y: Tensor) -> Tensor { xlogy(scalarTensor(x, like: y), y) }

/// The normalised sinc `sin(πx)/(πx)` of each element, 1 at 0 (`torch.sinc`); integer tensors
/// give float32. Derivative `(πx·cos πx − sin πx)/(πx²)`, 0 at 0.
public func sinc(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(SincFn.self, x, op: "sinc")
    let dx = x.detached()
    return recordUnary("sinc", x, out) { g in
        let (g, dx) = Elementwise.promoteTypes(g, dx, floating: true)
        return MathKernels.floatBinary(SincGradFn.self, g, dx, shape: dx.shape, op: "sinc backward")
    }
}

/// The magnitude of `a` with the sign of `b` (its sign bit: −0 and −NaN count as negative),
/// elementwise with broadcasting, `torch.copysign`; integer tensors give float32.
///
/// ∂/∂a = copysign(1, b)·sign(a) (0 at a = 0); no gradient for `b` (PyTorch's is zero).
public func copysign(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "copysign", floating: true)
    let out = MathKernels.floatBinary(CopysignFn.self, a, b, shape: shape, op: "copysign")
    guard shouldRecord(a, b), a.requiresGrad else { return out }
    let (da, y) = (a.detached(), out.detached())
    return record("copysign", a, b, out) { g in
        let ratio = `where`(da .== 0, 0, y / da)
        return [(g * ratio).sum(toShape: da.shape), nil]
    }
}

/// ``copysign(_:_:)-(Tensor,Tensor)`` with the sign of a number.
public func copysign(_ a: Tensor, _ b: Double) -> Tensor { copysign(a, scalarTensor(b, like: a)) }

/// The next representable value after each element of `a` in the direction of `b`, with
/// broadcasting (`torch.nextafter`); floating-point tensors only; not differentiable.
public func nextafter(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = noGrad { Elementwise.promote(a.detached(), b.detached(), op: "nextafter") }
    require(a.dtype.isFloatingPoint, "nextafter: expected floating-point tensors, got \(a.dtype)")
    if a.dtype.isReducedPrecision { return nextafter16(a, b, shape: shape) }
    return MathKernels.floatBinary(NextafterFn.self, a, b, shape: shape, op: "nextafter")
}

/// `a` raised to the power `b` in double precision, `torch.float_power`: both are converted to
/// float64 first, so the result is float64 for any dtypes. Gradients as ``pow(_:_:)-(Tensor,Tensor)``'s, returned
/// in each input's dtype.
public func floatPower(_ a: Tensor, _ b: Tensor) -> Tensor { pow(a.cast(to: .float64), b.cast(to: .float64)) }

/// ``floatPower(_:_:)-(Tensor,Tensor)`` with a number exponent.
public func floatPower(_ a: Tensor, _ b: Double) -> Tensor { pow(a.cast(to: .float64), Tensor(scalar: b, dtype: .float64)) }

extension Tensor {
    /// `1/x` for each element: ``reciprocal(_:)``.
    public func reciprocal() -> Tensor { Apus.reciprocal(self) }
    /// `1/√x` for each element: ``rsqrt(_:)``.
    public func rsqrt() -> Tensor { Apus.rsqrt(self) }
    /// `x²` for each element: ``square(_:)``.
    public func square() -> Tensor { Apus.square(self) }
    /// `2ˣ` for each element: ``exp2(_:)``.
    public func exp2() -> Tensor { Apus.exp2(self) }
    /// `eˣ − 1` for each element: ``expm1(_:)``.
    public func expm1() -> Tensor { Apus.expm1(self) }
    /// The base-2 logarithm of each element: ``log2(_:)``.
    public func log2() -> Tensor { Apus.log2(self) }
    /// The base-10 logarithm of each element: ``log10(_:)``.
    public func log10() -> Tensor { Apus.log10(self) }
    /// `ln(1 + x)` for each element: ``log1p(_:)``.
    public func log1p() -> Tensor { Apus.log1p(self) }
    /// The error function of each element: ``erf(_:)``.
    public func erf() -> Tensor { Apus.erf(self) }
    /// The complementary error function of each element: ``erfc(_:)``.
    public func erfc() -> Tensor { Apus.erfc(self) }
    /// The inverse error function of each element: ``erfinv(_:)``.
    public func erfinv() -> Tensor { Apus.erfinv(self) }
    /// The log-odds of each element: ``logit(_:eps:)``.
    public func logit(eps: Double? = nil) -> Tensor { Apus.logit(self, eps: eps) }
    /// `√(self² + other²)` elementwise: ``hypot(_:_:)``.
    public func hypot(_ other: Tensor) -> Tensor { Apus.hypot(self, other) }
    /// Linear interpolation from `self` toward `end`: ``lerp(_:_:weight:)-(Tensor,Tensor,Double)``.
    public func lerp(_ end: Tensor, weight: Double) -> Tensor { Apus.lerp(self, end, weight: weight) }
    /// Linear interpolation from `self` toward `end` with a weight per element: ``lerp(_:_:weight:)-(Tensor,Tensor,Tensor)``.
    public func lerp(_ end: Tensor, weight: Tensor) -> Tensor { Apus.lerp(self, end, weight: weight) }
    /// `self·ln y`, 0 where self is 0: ``xlogy(_:_:)-(Tensor,Tensor)``.
    public func xlogy(_ y: Tensor) -> Tensor { Apus.xlogy(self, y) }
    /// The normalised sinc of each element: ``sinc(_:)``.
    public func sinc() -> Tensor { Apus.sinc(self) }
    /// The magnitude of `self` with the sign of `other`: ``copysign(_:_:)-(Tensor,Tensor)``.
    public func copysign(_ other: Tensor) -> Tensor { Apus.copysign(self, other) }
    /// The next float after each element toward `other`: ``nextafter(_:_:)``.
    public func nextafter(_ other: Tensor) -> Tensor { Apus.nextafter(self, other) }
    /// `self` raised to `exponent` in float64: ``floatPower(_:_:)-(Tensor,Tensor)``.
    public func floatPower(_ exponent: Tensor) -> Tensor { Apus.floatPower(self, exponent) }
}

/// ``nextafter(_:_:)`` for float16 and bfloat16: the neighbour of `a` in its own format, found by
/// stepping its bit pattern (both are IEEE-style sign-magnitude encodings), not in float32.
private func nextafter16(_ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
    let dtype = a.dtype
    func bits(_ t: Tensor) -> [UInt16] {
        let t = t.broadcastView(to: shape).contiguous()
        return dtype == .float16 ? t.toArray(as: Half.self).map(\.bitPattern) : t.toArray(as: BFloat16.self).map(\.bitPattern)
    }
    func value(_ bits: UInt16) -> Float { dtype == .float16 ? Half(bitPattern: bits).floatValue : BFloat16(bitPattern: bits).floatValue }
    let (xs, ys) = (bits(a), bits(b))
    var out = [UInt16](repeating: 0, count: xs.count)
    for i in xs.indices {
        let (x, y) = (value(xs[i]), value(ys[i]))
        if x.isNaN || y.isNaN { out[i] = dtype == .float16 ? 0x7E00 : 0x7FC0 }
        else if x == y { out[i] = ys[i] }
        else if x == 0 { out[i] = (y < 0 ? 0x8000 : 0) | 1 }  // the smallest subnormal towards y
        else { out[i] = (y > x) == (x > 0) ? xs[i] + 1 : xs[i] - 1 }  // away from or towards zero
    }
    return dtype == .float16 ? Tensor(scalars: out.map(Half.init(bitPattern:)), shape: shape)
                             : Tensor(scalars: out.map(BFloat16.init(bitPattern:)), shape: shape)
}
