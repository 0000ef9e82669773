// Division with PyTorch's rounding modes: true division (`divide`, in Arithmetic.swift), floor
// division (Python's `//`, torch.floor_divide) and truncating division (C's `/` on integers).

/// How ``divide(_:_:roundingMode:)`` rounds the quotient (PyTorch's `rounding_mode`).
public enum DivisionRounding: Sendable, Hashable {
    /// Toward zero, as C's integer `/` (`rounding_mode="trunc"`).
    case trunc
    /// Toward −∞, as Python's `//` (`rounding_mode="floor"`).
    case floor
}

enum TruncDivFn: IntegerBinaryFunction, FloatBinaryFunction {
    // Int.min / −1 does not fit: it wraps to Int.min, where Swift's `/` would trap.
    @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T { a.dividedReportingOverflow(by: b).partialValue }
    @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T { (a / b).rounded(.towardZero) }
}

enum FloorDivFn: IntegerBinaryFunction, FloatBinaryFunction {
    @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T {
        let q = a.dividedReportingOverflow(by: b).partialValue
        let r = a.remainderReportingOverflow(dividingBy: b).partialValue
        return r != 0 && (a < 0) != (b < 0) ? q &- 1 : q
    }
    /// PyTorch's `div_floor_floating`: the quotient of `a − fmod(a, b)` and `b`, corrected by one
    /// when the remainder's sign differs from the divisor's, then rounded to the nearest integer
    /// (so that 0.5 errors of the division cannot move it), with the IEEE result for `b = 0`.
    @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T {
        if b == 0 { return a / b }
        let mod = a.truncatingRemainder(dividingBy: b)
        var div = (a - mod) / b
        if mod != 0 && (b < 0) != (mod < 0) { div -= 1 }
        if div == 0 { return T(signOf: a / b, magnitudeOf: 0) }
        var floored = div.rounded(.down)
        if div - floored > 0.5 { floored += 1 }
        return floored
    }
}

/// `a / b` elementwise with broadcasting, rounded as `roundingMode` says; without a rounding mode,
/// true division (``divide(_:_:)``: integers give float32). With a rounding mode the result keeps the
/// operands' promoted dtype (integers stay integers), as `torch.div(a, b, rounding_mode=…)`;
/// integer division by zero stops (PyTorch raises `ZeroDivisionError`), floating-point division by
/// zero gives ±∞ or NaN. Rounded quotients are piecewise constant: their gradient is 0, as in PyTorch.
public func divide(_ a: Tensor, _ b: Tensor, roundingMode: DivisionRounding?) -> Tensor {
    guard let roundingMode else { return divide(a, b) }
    switch roundingMode {
    case .trunc: return roundedDivision(TruncDivFn.self, a, b, op: "divide(roundingMode: .trunc)")
    case .floor: return roundedDivision(FloorDivFn.self, a, b, op: "divide(roundingMode: .floor)")
    }
}

/// Python's `a // b` elementwise with broadcasting: the quotient rounded toward −∞, in the operands'
/// promoted dtype (`torch.floor_divide`); the same as `divide(a, b, roundingMode: .floor)`.
public func floorDivide(_ a: Tensor, _ b: Tensor) -> Tensor { roundedDivision(FloorDivFn.self, a, b, op: "floorDivide") }

private func roundedDivision<F: IntegerBinaryFunction & FloatBinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
    let (a, b, shape) = noGrad { Elementwise.promote(a.detached(), b.detached(), op: op) }
    require(a.dtype != .bool, "\(op): not defined for bool tensors (shapes \(a.shape) and \(b.shape)); cast them first")
    if a.dtype.isFloatingPoint { return Elementwise.floating(F.self, a, b, shape: shape) }
    return a.dtype.dispatch(IntegerDivision<F>(a: a, b: b, shape: shape, op: op), op: op)
}

private struct IntegerDivision<F: IntegerBinaryFunction>: IntegerKernel {
    let a: Tensor, b: Tensor, shape: [Int], op: String
    func run<T: IntegerScalar>(_: T.Type) -> Tensor {
        let divisors = b.contiguous()
        let pb = divisors.storage.pointer(T.self) + divisors.offset
        for i in 0..<divisors.count { require(pb[i] != 0, "\(op): integer division by zero (ZeroDivisionError in PyTorch)") }
        return Kernels.zip(a, b, T.self, to: T.self, shape: shape, F.apply)
    }
}

extension Tensor {
    /// `self / other` rounded as `roundingMode` says: ``divide(_:_:roundingMode:)``.
    public func divided(by other: Tensor, roundingMode: DivisionRounding?) -> Tensor { divide(self, other, roundingMode: roundingMode) }
    /// `self // other`: ``floorDivide(_:_:)``.
    public func floorDivided(by other: Tensor) -> Tensor { floorDivide(self, other) }
}
