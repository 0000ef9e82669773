// Rounding (floor, ceil, round, trunc, frac) and the remainders of division (fmod, remainder).
//
// As in PyTorch: integer tensors stay integers (rounding is then the identity), bool tensors are
// refused, rounding has gradient 0 everywhere (its derivative wherever it exists), `round` rounds
// half to even.

import Foundation

enum FloorFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x.rounded(.down) } }
enum CeilFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x.rounded(.up) } }
enum TruncFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x.rounded(.towardZero) } }
enum RoundFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x.rounded(.toNearestOrEven) } }
enum FracFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x - x.rounded(.towardZero) } }

/// C's `fmod`: the remainder of the truncated division, with the dividend's sign.
enum FmodFn: FloatBinaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T { T.fmod(a, b) } }

/// Python's `%`: the remainder of the floored division, with the divisor's sign (PyTorch's formula).
enum RemainderFn: FloatBinaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T {
        let m = T.fmod(a, b)
        return m != 0 && (b < 0) != (m < 0) ? m + b : m
    }
}

/// `floor(a / b)` as PyTorch's `div(rounding_mode: "floor")` computes it: from the exact remainder,
/// so that the quotient is consistent with ``RemainderFn``.
enum FloorDivideFn: FloatBinaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T {
        if b == 0 { return a / b }
        let m = T.fmod(a, b)
        var d = (a - m) / b
        if m != 0 && (b < 0) != (m < 0) { d -= 1 }
        if d == 0 { return T(signOf: a / b, magnitudeOf: 0) }
        var f = d.rounded(.down)
        if d - f > 0.5 { f += 1 }
        return f
    }
}

/// Integer `fmod`: the remainder of the truncated division (`Int.min % −1` is 0, as in PyTorch).
enum IntegerFmodFn: IntegerBinaryFunction {
    @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T {
        b == 0 ? 0 : a.remainderReportingOverflow(dividingBy: b).partialValue
    }
}

/// Integer `remainder`: the remainder of the floored division, with the divisor's sign.
enum IntegerRemainderFn: IntegerBinaryFunction {
    @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T {
        if b == 0 { return 0 }
        let m = a.remainderReportingOverflow(dividingBy: b).partialValue
        return m != 0 && (m < 0) != (b < 0) ? m &+ b : m
    }
}

/// `round(x · 10^d) / 10^d` (or `round(x / 10^−d) · 10^−d` for negative `d`), in the element's
/// precision as PyTorch computes it.
struct RoundDecimals<T: FloatScalar>: UnaryElementFunction {
    let scale: T
    let negative: Bool
    init(decimals: Int) {
        negative = decimals < 0
        scale = T(Foundation.pow(10.0, Double(Swift.abs(decimals))))
    }
    @inline(__always) func apply(_ x: T) -> T {
        negative ? (x / scale).rounded(.toNearestOrEven) * scale : (x * scale).rounded(.toNearestOrEven) / scale
    }
}

private struct RoundDecimalsRun: FloatKernel {
    let x: Tensor, decimals: Int
    func run<T: FloatScalar>(_: T.Type) -> Tensor { MathKernels.map(RoundDecimals<T>(decimals: decimals), x) }
}

/// A rounding function: integers as they are, floats through `F`, gradient 0.
private func rounding<F: FloatUnaryFunction>(_: F.Type, _ x: Tensor, op: String) -> Tensor {
    require(x.dtype != .bool, "\(op): not defined for bool tensors")
    if !x.dtype.isFloatingPoint { return x.detached() }
    return recordZeroGradient(op, x, Elementwise.unary(F.self, x, op: op))
}

/// `output` recorded as a function of `x` whose gradient is 0 everywhere (rounding, `sign`), as
/// PyTorch records it: the result still requires grad when `x` does.
func recordZeroGradient(_ op: String, _ x: Tensor, _ output: Tensor) -> Tensor {
    recordUnary(op, x, output) { g in Tensor.zeros(g.shape, dtype: g.dtype) }
}

/// The largest integer not above each element, `torch.floor`; integer tensors are returned as
/// they are. Gradient 0.
public func floor(_ x: Tensor) -> Tensor { rounding(FloorFn.self, x, op: "floor") }

/// The smallest integer not below each element, `torch.ceil`; integer tensors are returned as
/// they are. Gradient 0.
public func ceil(_ x: Tensor) -> Tensor { rounding(CeilFn.self, x, op: "ceil") }

/// Each element rounded toward zero (its integer part), `torch.trunc`; integer tensors are
/// returned as they are. Gradient 0.
public func trunc(_ x: Tensor) -> Tensor { rounding(TruncFn.self, x, op: "trunc") }

/// Each element rounded to the nearest integer, halves to even (`round(2.5) = 2`,
/// `round(−0.5) = −0`), `torch.round`; integer tensors are returned as they are. Gradient 0.
///
/// With `decimals` (`torch.round(x, decimals=)`): rounded to that many decimal places,
/// `round(x·10ᵈ)/10ᵈ`, or to tens, hundreds, … for negative `decimals` (`round(125, −1) = 120`);
/// computed in the tensor's precision, so the result is the float nearest to that quotient.
/// Floating-point tensors only when `decimals` is not 0, as in PyTorch.
public func round(_ x: Tensor, decimals: Int = 0) -> Tensor {
    if decimals == 0 { return rounding(RoundFn.self, x, op: "round") }
    require(x.dtype.isFloatingPoint, "round(decimals: \(decimals)): expected a floating-point tensor, got \(x.dtype)")
    if let r = inFloat32IfReduced(x, { round($0, decimals: decimals) }) { return r }
    return recordZeroGradient("round", x, x.dtype.dispatchFloat(RoundDecimalsRun(x: x, decimals: decimals), op: "round"))
}

/// The fractional part of each element, `x − trunc(x)`, with the sign of `x` (`torch.frac`);
/// floating-point tensors only. Derivative 1.
public func frac(_ x: Tensor) -> Tensor {
    require(x.dtype.isFloatingPoint, "frac: expected a floating-point tensor, got \(x.dtype)")
    return recordUnary("frac", x, Elementwise.unary(FracFn.self, x, op: "frac")) { g in g }
}

/// The remainder of `a / b` rounded toward zero, `a − trunc(a/b)·b`, with the sign of `a` (C's
/// `fmod`, `torch.fmod`), elementwise with broadcasting and type promotion: `fmod(−7, 2) = −1`.
///
/// Integer tensors stay integers and stop on a zero divisor (PyTorch raises ZeroDivisionError);
/// floats give NaN there. Gradients: 1 for `a`, −trunc(a/b) for `b`.
public func fmod(_ a: Tensor, _ b: Tensor) -> Tensor {
    divisionRemainder(a, b, op: "fmod", float: FmodFn.self, integer: IntegerFmodFn.self) { a, b in
        Elementwise.unary(TruncFn.self, a / b, op: "fmod")
    }
}

/// ``fmod(_:_:)-(Tensor,Tensor)`` with a number divisor (`fmod(x, 2.5)`); the number takes `a`'s dtype when it can.
public func fmod(_ a: Tensor, _ b: Double) -> Tensor { fmod(a, scalarTensor(b, like: a)) }

/// ``fmod(_:_:)-(Tensor,Tensor)`` with an integer divisor: an integer tensor stays integer (`fmod(labels, 3)`).
public func fmod(_ a: Tensor, _ b: Int) -> Tensor { fmod(a, scalarTensor(integer: Int64(b), like: a)) }

/// The remainder of `a / b` rounded down, `a − floor(a/b)·b`, with the sign of `b` (Python's `%`,
/// `torch.remainder`), elementwise with broadcasting and type promotion: `remainder(−7, 2) = 1`.
///
/// Integer tensors stay integers and stop on a zero divisor (PyTorch raises ZeroDivisionError);
/// floats give NaN there. Gradients: 1 for `a`, −floor(a/b) for `b`.
public func remainder(_ a: Tensor, _ b: Tensor) -> Tensor {
    divisionRemainder(a, b, op: "remainder", float: RemainderFn.self, integer: IntegerRemainderFn.self) { a, b in
        let shape = broadcastShapes(a.shape, b.shape, op: "remainder")
        return MathKernels.floatBinary(FloorDivideFn.self, a, b, shape: shape, op: "remainder")
    }
}

/// ``remainder(_:_:)-(Tensor,Tensor)`` with a number divisor (`remainder(x, 2.5)`); the number takes `a`'s dtype when it can.
public func remainder(_ a: Tensor, _ b: Double) -> Tensor { remainder(a, scalarTensor(b, like: a)) }

/// ``remainder(_:_:)-(Tensor,Tensor)`` with an integer divisor: an integer tensor stays integer (`remainder(step, 10)`).
public func remainder(_ a: Tensor, _ b: Int) -> Tensor { remainder(a, scalarTensor(integer: Int64(b), like: a)) }

/// ``remainder(_:_:)-(Tensor,Tensor)`` of a number by each element of `b` (`torch.remainder(5, b)`).
public func remainder(_ a: Double, _ b: Tensor) -> Tensor { remainder(scalarTensor(a, like: b), b) }

/// ``remainder(_:_:)-(Tensor,Tensor)`` of an integer by each element of `b`.
public func remainder(_ a: Int, _ b: Tensor) -> Tensor { remainder(scalarTensor(integer: Int64(a), like: b), b) }

/// `F` on floats, `I` on integers; `quotient(a, b)` is the rounded quotient in `b`'s gradient.
private func divisionRemainder<F: FloatBinaryFunction, I: IntegerBinaryFunction>(
    _ a: Tensor, _ b: Tensor, op: String, float: F.Type, integer: I.Type,
    quotient: @escaping (Tensor, Tensor) -> Tensor
) -> Tensor {
    require(a.dtype != .bool || b.dtype != .bool, "\(op): not defined for bool tensors")
    let (a, b, shape) = Elementwise.promote(a, b, op: op)
    if !a.dtype.isFloatingPoint {
        require(shape.reduce(1, *) == 0 || !MathKernels.containsZero(b),
                "\(op): integer division by zero (ZeroDivisionError) for shapes \(a.shape) and \(b.shape)")
        return MathKernels.integerBinary(I.self, a, b, shape: shape, op: op)
    }
    let out = MathKernels.floatBinary(F.self, a, b, shape: shape, op: op)
    guard shouldRecord(a, b) else { return out }
    let (da, db) = (a.detached(), b.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record(op, a, b, out) { g in
        [ra ? g.sum(toShape: da.shape) : nil, rb ? (-g * quotient(da, db)).sum(toShape: db.shape) : nil]
    }
}

extension Tensor {
    /// The largest integer not above each element: ``floor(_:)``.
    public func floor() -> Tensor { Apus.floor(self) }
    /// The smallest integer not below each element: ``ceil(_:)``.
    public func ceil() -> Tensor { Apus.ceil(self) }
    /// Each element rounded toward zero: ``trunc(_:)``.
    public func trunc() -> Tensor { Apus.trunc(self) }
    /// Each element rounded half to even, to `decimals` places: ``round(_:decimals:)``.
    public func round(decimals: Int = 0) -> Tensor { Apus.round(self, decimals: decimals) }
    /// The fractional part of each element: ``frac(_:)``.
    public func frac() -> Tensor { Apus.frac(self) }
    /// The remainder with the dividend's sign: ``fmod(_:_:)-(Tensor,Tensor)``.
    public func fmod(_ other: Tensor) -> Tensor { Apus.fmod(self, other) }
    /// The remainder with the dividend's sign, by a number: ``fmod(_:_:)-(Tensor,Tensor)``.
    public func fmod(_ other: Double) -> Tensor { Apus.fmod(self, other) }
    /// The remainder with the divisor's sign: ``remainder(_:_:)-(Tensor,Tensor)``.
    public func remainder(_ other: Tensor) -> Tensor { Apus.remainder(self, other) }
    /// The remainder with the divisor's sign, by a number: ``remainder(_:_:)-(Tensor,Tensor)``.
    public func remainder(_ other: Double) -> Tensor { Apus.remainder(self, other) }
}
