// Trigonometric and hyperbolic functions elementwise, each with its derivative. (tanh, the
// activation, lives with the other activations' math in Unary.swift.)
//
// Integer and bool tensors give float32, as in PyTorch; the float32 kernels call the C library's
// float functions (`sinf`, `atan2f`, …), float64 the double ones.

enum SinFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.sin(x) } }
enum CosFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.cos(x) } }
enum TanFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.tan(x) } }
enum AsinFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.asin(x) } }
enum AcosFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.acos(x) } }
enum AtanFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.atan(x) } }
enum SinhFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.sinh(x) } }
enum CoshFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.cosh(x) } }
enum AsinhFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.asinh(x) } }
enum AcoshFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.acosh(x) } }
enum AtanhFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.atanh(x) } }
enum Atan2Fn: FloatBinaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ y: T, _ x: T) -> T { T.atan2(y, x) } }

/// The sine of each element (radians), `torch.sin`; integer tensors give float32. Derivative cos x.
public func sin(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(SinFn.self, x, op: "sin")
    let dx = x.detached()
    return recordUnary("sin", x, out) { g in g * cos(dx) }
}

/// The cosine of each element (radians), `torch.cos`; integer tensors give float32. Derivative −sin x.
public func cos(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(CosFn.self, x, op: "cos")
    let dx = x.detached()
    return recordUnary("cos", x, out) { g in -g * sin(dx) }
}

/// The tangent of each element (radians), `torch.tan`; integer tensors give float32.
/// Derivative 1 + tan² x.
public func tan(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(TanFn.self, x, op: "tan")
    let y = out.detached()
    return recordUnary("tan", x, out) { g in g * (1 + y * y) }
}

/// The arcsine of each element, in [−π/2, π/2] (NaN outside [−1, 1]), `torch.asin`.
/// Derivative 1/√(1 − x²).
public func asin(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(AsinFn.self, x, op: "asin")
    let dx = x.detached()
    return recordUnary("asin", x, out) { g in g / sqrt(1 - dx * dx) }
}

/// The arccosine of each element, in [0, π] (NaN outside [−1, 1]), `torch.acos`.
/// Derivative −1/√(1 − x²).
public func acos(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(AcosFn.self, x, op: "acos")
    let dx = x.detached()
    return recordUnary("acos", x, out) { g in -g / sqrt(1 - dx * dx) }
}

/// The arctangent of each element, in (−π/2, π/2), `torch.atan`. Derivative 1/(1 + x²).
public func atan(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(AtanFn.self, x, op: "atan")
    let dx = x.detached()
    return recordUnary("atan", x, out) { g in g / (1 + dx * dx) }
}

/// The angle of the point `(x, y)` = `(other, input)` in (−π, π]: the arctangent of `y/x` with the
/// quadrant taken from both signs, `torch.atan2(input, other)`, with broadcasting; integer tensors
/// give float32.
///
/// ∂/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²).
public func atan2(_ y: Tensor, _ x: Tensor) -> Tensor {
    let (y, x, shape) = Elementwise.promote(y, x, op: "atan2", floating: true)
    let out = MathKernels.floatBinary(Atan2Fn.self, y, x, shape: shape, op: "atan2")
    guard shouldRecord(y, x) else { return out }
    let (dy, dx) = (y.detached(), x.detached())
    let (ry, rx) = (y.requiresGrad, x.requiresGrad)
    return record("atan2", y, x, out) { g in
        let scale = g / (dy * dy + dx * dx)
        return [ry ? (scale * dx).sum(toShape: dy.shape) : nil, rx ? (-scale * dy).sum(toShape: dx.shape) : nil]
    }
}

/// The hyperbolic sine of each element, `torch.sinh`. Derivative cosh x.
public func sinh(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(SinhFn.self, x, op: "sinh")
    let dx = x.detached()
    return recordUnary("sinh", x, out) { g in g * cosh(dx) }
}

/// The hyperbolic cosine of each element, `torch.cosh`. Derivative sinh x.
public func cosh(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(CoshFn.self, x, op: "cosh")
    let dx = x.detached()
    return recordUnary("cosh", x, out) { g in g * sinh(dx) }
}

/// The inverse hyperbolic sine of each element, `torch.asinh`. Derivative 1/√(x² + 1).
public func asinh(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(AsinhFn.self, x, op: "asinh")
    let dx = x.detached()
    return recordUnary("asinh", x, out) { g in g / sqrt(dx * dx + 1) }
}

/// The inverse hyperbolic cosine of each element (NaN below 1), `torch.acosh`.
/// Derivative 1/√(x² − 1).
public func acosh(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(AcoshFn.self, x, op: "acosh")
    let dx = x.detached()
    return recordUnary("acosh", x, out) { g in g / sqrt(dx * dx - 1) }
}

/// The inverse hyperbolic tangent of each element (±∞ at ±1, NaN outside [−1, 1]), `torch.atanh`.
/// Derivative 1/(1 − x²).
public func atanh(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(AtanhFn.self, x, op: "atanh")
    let dx = x.detached()
    return recordUnary("atanh", x, out) { g in g / (1 - dx * dx) }
}

/// Each element converted from degrees to radians, `x · π/180` (`torch.deg2rad`); integer
/// tensors give float32.
public func deg2rad(_ x: Tensor) -> Tensor { x.dtype.isFloatingPoint ? x * (Double.pi / 180) : x.cast(to: .float32) * (Double.pi / 180) }

/// Each element converted from radians to degrees, `x · 180/π` (`torch.rad2deg`); integer
/// tensors give float32.
public func rad2deg(_ x: Tensor) -> Tensor { x.dtype.isFloatingPoint ? x * (180 / Double.pi) : x.cast(to: .float32) * (180 / Double.pi) }

extension Tensor {
    /// The sine of each element: ``sin(_:)``.
    public func sin() -> Tensor { Apus.sin(self) }
    /// The cosine of each element: ``cos(_:)``.
    public func cos() -> Tensor { Apus.cos(self) }
    /// The tangent of each element: ``tan(_:)``.
    public func tan() -> Tensor { Apus.tan(self) }
    /// The arcsine of each element: ``asin(_:)``.
    public func asin() -> Tensor { Apus.asin(self) }
    /// The arccosine of each element: ``acos(_:)``.
    public func acos() -> Tensor { Apus.acos(self) }
    /// The arctangent of each element: ``atan(_:)``.
    public func atan() -> Tensor { Apus.atan(self) }
    /// The angle of the points `(other, self)`: ``atan2(_:_:)``.
    public func atan2(_ other: Tensor) -> Tensor { Apus.atan2(self, other) }
    /// The hyperbolic sine of each element: ``sinh(_:)``.
    public func sinh() -> Tensor { Apus.sinh(self) }
    /// The hyperbolic cosine of each element: ``cosh(_:)``.
    public func cosh() -> Tensor { Apus.cosh(self) }
    /// The inverse hyperbolic sine of each element: ``asinh(_:)``.
    public func asinh() -> Tensor { Apus.asinh(self) }
    /// The inverse hyperbolic cosine of each element: ``acosh(_:)``.
    public func acosh() -> Tensor { Apus.acosh(self) }
    /// The inverse hyperbolic tangent of each element: ``atanh(_:)``.
    public func atanh() -> Tensor { Apus.atanh(self) }
    /// Each element from degrees to radians: ``deg2rad(_:)``.
    public func deg2rad() -> Tensor { Apus.deg2rad(self) }
    /// Each element from radians to degrees: ``rad2deg(_:)``.
    public func rad2deg() -> Tensor { Apus.rad2deg(self) }
}
