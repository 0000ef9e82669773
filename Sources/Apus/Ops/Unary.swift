import CApusKernels

// Elementwise math: exp, log, sqrt, tanh, sigmoid, relu, abs, clamp; each with its derivative.

enum ExpFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.exp(x) } }
enum LogFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.log(x) } }
enum SqrtFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x.squareRoot() } }
enum TanhFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { T.tanh(x) } }
enum AbsFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { Swift.abs(x) } }
enum ReluFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x > 0 ? x : (x != x ? x : 0) } }
enum SignFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : 0) } }
/// relu's backward: the upstream gradient where the input was positive, else 0.
enum ReluGradFn: FloatBinaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ g: T, _ x: T) -> T { x > 0 ? g : 0 } }
enum StepFn: FloatUnaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T { x > 0 ? 1 : 0 } }
enum SigmoidFn: FloatUnaryFunction {
    // Never exponentiates a large positive number: stable for any x.
    @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> T {
        if x >= 0 { return 1 / (1 + T.exp(-x)) }
        let e = T.exp(x)
        return e / (1 + e)
    }
}

/// eˣ elementwise.
public func exp(_ x: Tensor) -> Tensor {
    let out = Elementwise.vectorMath(x) { apus_vexp_f32($0, $1, $2) } ?? Elementwise.unary(ExpFn.self, x, op: "exp")
    let y = out.detached()
    return recordUnary("exp", x, out) { g in g * y }
}

/// Natural logarithm elementwise.
public func log(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(LogFn.self, x, op: "log")
    let dx = x.detached()
    return recordUnary("log", x, out) { g in g / dx }
}

/// Square root elementwise.
public func sqrt(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(SqrtFn.self, x, op: "sqrt")
    let y = out.detached()
    return recordUnary("sqrt", x, out) { g in g / (2 * y) }
}

/// Hyperbolic tangent elementwise; derivative 1 − tanh².
public func tanh(_ x: Tensor) -> Tensor {
    let out = Elementwise.vectorMath(x) { apus_vtanh_f32($0, $1, $2) } ?? Elementwise.unary(TanhFn.self, x, op: "tanh")
    let y = out.detached()
    return recordUnary("tanh", x, out) { g in g * (1 - y * y) }
}

/// Logistic sigmoid 1 / (1 + e⁻ˣ) elementwise (stable for large |x|); derivative σ(1 − σ).
public func sigmoid(_ x: Tensor) -> Tensor {
    let out = Elementwise.vectorMath(x) { apus_vsigmoid_f32($0, $1, $2) } ?? Elementwise.unary(SigmoidFn.self, x, op: "sigmoid")
    let y = out.detached()
    return recordUnary("sigmoid", x, out) { g in g * y * (1 - y) }
}

/// max(x, 0) elementwise; the gradient at 0 is taken as 0, as in PyTorch.
public func relu(_ x: Tensor) -> Tensor {
    let out = Elementwise.unary(ReluFn.self, x, op: "relu")
    let dx = x.detached()
    return recordUnary("relu", x, out) { g in
        // One fused pass, g where x > 0 else 0, instead of a mask tensor and a product.
        let (gp, xp, shape) = Elementwise.promote(g, dx, op: "relu backward", floating: true)
        return Elementwise.floating(ReluGradFn.self, gp, xp, shape: shape)
    }
}

/// |x| elementwise; the gradient at 0 is 0.
public func abs(_ x: Tensor) -> Tensor {
    if !x.dtype.isFloatingPoint {
        return Kernels.cast(Elementwise.unary(AbsFn.self, x, op: "abs"), to: x.dtype)
    }
    let out = Elementwise.unary(AbsFn.self, x, op: "abs")
    let dx = x.detached()
    return recordUnary("abs", x, out) { g in g * Elementwise.unary(SignFn.self, dx, op: "abs") }
}

/// The sign of each element (−1, 0 or 1); not differentiable.
public func sign(_ x: Tensor) -> Tensor {
    Elementwise.unary(SignFn.self, x.detached(), op: "sign")
}

/// Each element limited to `[min, max]` (either bound may be omitted); gradient 1 inside, 0 where clipped.
public func clamp(_ x: Tensor, min lo: Double? = nil, max hi: Double? = nil) -> Tensor {
    require(lo != nil || hi != nil, "clamp: give at least one of min and max")
    if let lo, let hi { require(lo <= hi, "clamp: min \(lo) > max \(hi)") }
    var out = x.detached()
    // A whole-number bound keeps an integer tensor's dtype (as a Python int would in PyTorch).
    func bound(_ v: Double) -> Tensor {
        !x.dtype.isFloatingPoint && v.rounded() == v && Swift.abs(v) < 0x1p63 ? scalarTensor(integer: Int64(v), like: x) : scalarTensor(v, like: x)
    }
    if let lo { out = noGrad { maximum(out, bound(lo)) } }
    if let hi { out = noGrad { minimum(out, bound(hi)) } }
    let dx = x.detached()
    return recordUnary("clamp", x, out) { g in
        var inside = Tensor.ones(dx.shape, dtype: .bool)
        if let lo { inside = inside & (dx .>= lo) }
        if let hi { inside = inside & (dx .<= hi) }
        return g * inside.cast(to: g.dtype)
    }
}

extension Tensor {
    /// eˣ elementwise.
    public func exp() -> Tensor { Apus.exp(self) }
    /// Natural logarithm elementwise.
    public func log() -> Tensor { Apus.log(self) }
    /// Square root elementwise.
    public func sqrt() -> Tensor { Apus.sqrt(self) }
    /// Hyperbolic tangent elementwise.
    public func tanh() -> Tensor { Apus.tanh(self) }
    /// Logistic sigmoid elementwise.
    public func sigmoid() -> Tensor { Apus.sigmoid(self) }
    /// max(x, 0) elementwise.
    public func relu() -> Tensor { Apus.relu(self) }
    /// |x| elementwise.
    public func abs() -> Tensor { Apus.abs(self) }
    /// Elementwise power.
    public func pow(_ exponent: Double) -> Tensor { Apus.pow(self, exponent) }
    /// Each element limited to `[min, max]`.
    public func clamped(min lo: Double? = nil, max hi: Double? = nil) -> Tensor { clamp(self, min: lo, max: hi) }
}
