// Trigonometric and hyperbolic functions elementwise, each with its derivative.

enum SinFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.sin(x) } }
enum CosFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.cos(x) } }

/// The sine of each element (radians); integer tensors give float32. Derivative cos x.
public func sin(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(SinFn.self, x, op: "sin")
    let dx = x.detached()
    return recordUnary("sin", x, out) { g in g * cos(dx) }
}

/// The cosine of each element (radians); integer tensors give float32. Derivative −sin x.
public func cos(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(CosFn.self, x, op: "cos")
    let dx = x.detached()
    return recordUnary("cos", x, out) { g in -g * sin(dx) }
}

extension Tensor {
    /// The sine of each element: ``sin(_:)``.
    public func sin() -> Tensor { Apus.sin(self) }
    /// The cosine of each element: ``cos(_:)``.
    public func cos() -> Tensor { Apus.cos(self) }
}
