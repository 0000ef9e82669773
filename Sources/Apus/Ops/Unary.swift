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

/// The sign of each element, `torch.sign`: −1, 0 or 1 (0 for ±0 and NaN); integer tensors stay
/// integers and bool tensors are returned as they are. Gradient 0, as in PyTorch.
public func sign(_ x: Tensor) -> Tensor {
    if x.dtype == .bool { return x.detached() }
    if !x.dtype.isFloatingPoint { return MathKernels.integerUnary(IntegerSignFn.self, x.detached(), op: "sign") }
    return recordZeroGradient("sign", x, Elementwise.unary(SignFn.self, x, op: "sign"))
}

/// The sign of each element, `torch.sgn`: for real tensors the same as ``sign(_:)``.
public func sgn(_ x: Tensor) -> Tensor { sign(x) }

enum IntegerSignFn: IntegerUnaryFunction {
    @inline(__always) static func apply<T: IntegerScalar>(_ x: T) -> T { x > 0 ? 1 : (x == 0 ? 0 : 0 &- 1) }
}

/// `min(max(x, low), high)` for one element: NaN stays NaN; with `low > high` the result is `high`.
struct ClampScalar<T: NumericScalar>: UnaryElementFunction {
    let low: T, high: T, hasLow: Bool, hasHigh: Bool
    @inline(__always) func apply(_ x: T) -> T {
        var v = x
        if hasLow && v < low { v = low }
        if hasHigh && v > high { v = high }
        return v
    }
}

/// clamp's backward: the upstream gradient where `low < x < high` (the bounds given), else 0.
struct ClampScalarGrad<T: FloatScalar>: BinaryElementFunction {
    let low: T, high: T, hasLow: Bool, hasHigh: Bool
    @inline(__always) func apply(_ g: T, _ x: T) -> T {
        let inside = (!hasLow || x > low) && (!hasHigh || x < high)
        return inside ? g : 0
    }
}

private struct ClampScalarRun: NumericKernel {
    let x: Tensor, low: Double?, high: Double?
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        let f = ClampScalar<T>(low: T(fromDouble: low ?? 0), high: T(fromDouble: high ?? 0), hasLow: low != nil, hasHigh: high != nil)
        return MathKernels.map(f, x)
    }
}

private struct ClampScalarGradRun: FloatKernel {
    let g: Tensor, x: Tensor, low: Double?, high: Double?
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let f = ClampScalarGrad<T>(low: T(fromDouble: low ?? 0), high: T(fromDouble: high ?? 0), hasLow: low != nil, hasHigh: high != nil)
        return MathKernels.zip(f, g, x, shape: x.shape)
    }
}

/// Each element limited to `[min, max]`, `torch.clamp` (either bound may be omitted, not both):
/// `min(max(x, min), max)`, so where `min > max` every element becomes `max`, as in PyTorch. NaN
/// stays NaN. Integer tensors stay integers when the bounds are whole numbers (float32 otherwise).
///
/// Gradient 1 strictly inside `(min, max)`, 0 where clipped and on the bounds (PyTorch 2's rule).
public func clamp(_ x: Tensor, min lo: Double? = nil, max hi: Double? = nil) -> Tensor {
    require(lo != nil || hi != nil, "clamp: at least one of min and max must be given")
    let fractional = [lo, hi].contains { $0.map { $0.rounded() != $0 } ?? false }
    if x.dtype == .bool || (!x.dtype.isFloatingPoint && fractional) {
        return clamp(x.cast(to: fractional ? .float32 : .int64), min: lo, max: hi)
    }
    if let r = inFloat32IfReduced(x, { clamp($0, min: lo, max: hi) }) { return r }
    let out = x.dtype.dispatch(ClampScalarRun(x: x.detached(), low: lo, high: hi), op: "clamp")
    let dx = x.detached()
    return recordUnary("clamp", x, out) { g in
        let (g, dx) = Elementwise.promoteTypes(g, dx, floating: true)
        return g.dtype.dispatchFloat(ClampScalarGradRun(g: g, x: dx, low: lo, high: hi), op: "clamp backward")
    }
}

/// ``clamp(_:min:max:)-(Tensor,Double?,Double?)`` with integer bounds: an integer tensor stays integer.
public func clamp(_ x: Tensor, min lo: Int? = nil, max hi: Int? = nil) -> Tensor {
    clamp(x, min: lo.map(Double.init), max: hi.map(Double.init))
}

/// Each element limited to `[min, max]` with a bound per element, `torch.clamp(x, min=, max=)` with
/// tensors: `min(max(x, min), max)`, the three broadcast together and promoted to their common
/// dtype; where `min > max` the result is `max`. NaN in `x` or in a bound gives NaN.
///
/// Gradients as PyTorch 2 defines them: `x` gets the upstream gradient inside the bounds, a bound
/// where it is the result, and a tie between `x` and a bound splits it evenly (as
/// ``maximum(_:_:)``'s). With both bounds, `min` gets none where `min > max`, and a tie is split
/// only where `min < max`.
public func clamp(_ x: Tensor, min lo: Tensor? = nil, max hi: Tensor? = nil) -> Tensor {
    require(lo != nil || hi != nil, "clamp: at least one of min and max must be given")
    var x = x, lo = lo, hi = hi
    if let l = lo { (x, lo) = Elementwise.resolvingLiterals(x, l) }
    if let h = hi { (x, hi) = Elementwise.resolvingLiterals(x, h) }
    var dtype = x.dtype
    for bound in [lo, hi] { if let bound { dtype = DType.promoted(dtype, bound.dtype) } }
    require(dtype != .bool, "clamp: not defined for bool tensors")
    (x, lo, hi) = (x.cast(to: dtype), lo?.cast(to: dtype), hi?.cast(to: dtype))
    if dtype.isReducedPrecision {
        return clamp(x.cast(to: .float32), min: lo?.cast(to: .float32), max: hi?.cast(to: .float32)).cast(to: dtype)
    }
    var shape = x.shape
    for bound in [lo, hi] { if let bound { shape = broadcastShapes(shape, bound.shape, op: "clamp") } }
    var out = x.detached()
    if let lo { out = Elementwise.numeric(MaxFn.self, out, lo.detached(), shape: broadcastShapes(out.shape, lo.shape, op: "clamp")) }
    if let hi { out = Elementwise.numeric(MinFn.self, out, hi.detached(), shape: broadcastShapes(out.shape, hi.shape, op: "clamp")) }
    if out.shape != shape { out = out.broadcastView(to: shape).contiguous() }
    let inputs = [x, lo, hi].compactMap { $0 }
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    let (dx, dlo, dhi) = (x.detached(), lo?.detached(), hi?.detached())
    return record("clamp", inputs, out) { g in
        let zero = Tensor(scalar: 0, dtype: g.dtype), half = g * 0.5
        /// `g` where `full`, `g/2` where `split`, else 0.
        func share(_ full: Tensor, _ split: Tensor) -> Tensor { `where`(full, g, `where`(split, half, zero)) }
        let (gx, glo, ghi): (Tensor, Tensor?, Tensor?)
        if let dlo, let dhi {
            let ordered = dlo .< dhi
            let tieLow = logicalAnd(dx .== dlo, ordered), tieHigh = logicalAnd(dx .== dhi, ordered)
            let tie = logicalOr(tieLow, tieHigh)
            gx = share(logicalAnd(logicalNot(logicalOr(dx .< dlo, dx .> dhi)), logicalNot(tie)), logicalAnd(tie, logicalNot(dx .< dlo)))
            glo = share(logicalAnd(dx .< dlo, dlo .<= dhi), tieLow)
            ghi = share(logicalOr(logicalAnd(dx .> dhi, dlo .<= dhi), dlo .> dhi), tieHigh)
        } else if let dlo {
            let tie = dx .== dlo
            (gx, glo, ghi) = (share(logicalNot(logicalOr(dx .< dlo, tie)), tie), share(logicalNot(logicalOr(dx .> dlo, tie)), tie), nil)
        } else {
            let dhi = dhi!, tie = dx .== dhi
            (gx, glo, ghi) = (share(logicalNot(logicalOr(dx .> dhi, tie)), tie), nil, share(logicalNot(logicalOr(dx .< dhi, tie)), tie))
        }
        return [gx.sum(toShape: dx.shape)] + [(glo, dlo), (ghi, dhi)].compactMap { grad, bound in
            bound.map { grad!.sum(toShape: $0.shape) }
        }
    }
}

/// Each element raised to at least `min`: ``clamp(_:min:max:)-(Tensor,Double?,Double?)`` without an upper bound (`torch.clamp_min`).
public func clampMin(_ x: Tensor, _ min: Double) -> Tensor { clamp(x, min: min) }
/// ``clampMin(_:_:)-(Tensor,Double)`` with an integer bound: an integer tensor stays integer.
public func clampMin(_ x: Tensor, _ min: Int) -> Tensor { clamp(x, min: min) }
/// Each element raised to at least the element of `min` (broadcast): `torch.clamp_min` with a tensor.
public func clampMin(_ x: Tensor, _ min: Tensor) -> Tensor { clamp(x, min: min, max: nil) }
/// Each element lowered to at most `max`: ``clamp(_:min:max:)-(Tensor,Double?,Double?)`` without a lower bound (`torch.clamp_max`).
public func clampMax(_ x: Tensor, _ max: Double) -> Tensor { clamp(x, max: max) }
/// ``clampMax(_:_:)-(Tensor,Double)`` with an integer bound: an integer tensor stays integer.
public func clampMax(_ x: Tensor, _ max: Int) -> Tensor { clamp(x, max: max) }
/// Each element lowered to at most the element of `max` (broadcast): `torch.clamp_max` with a tensor.
public func clampMax(_ x: Tensor, _ max: Tensor) -> Tensor { clamp(x, min: nil, max: max) }

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
    /// Each element limited to `[min, max]`: ``clamp(_:min:max:)-(Tensor,Double?,Double?)``.
    public func clamped(min lo: Double? = nil, max hi: Double? = nil) -> Tensor { clamp(self, min: lo, max: hi) }
    /// Each element limited to `[min, max]` with integer bounds: ``clamp(_:min:max:)-(Tensor,Int?,Int?)``.
    public func clamped(min lo: Int? = nil, max hi: Int? = nil) -> Tensor { clamp(self, min: lo, max: hi) }
    /// Each element limited to `[min, max]` with a bound per element: ``clamp(_:min:max:)-(Tensor,Tensor?,Tensor?)``.
    public func clamped(min lo: Tensor? = nil, max hi: Tensor? = nil) -> Tensor { clamp(self, min: lo, max: hi) }
    /// The sign of each element: ``sign(_:)``.
    public func sign() -> Tensor { Apus.sign(self) }
    /// The sign of each element: ``sgn(_:)``.
    public func sgn() -> Tensor { Apus.sgn(self) }
}
