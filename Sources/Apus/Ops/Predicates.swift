// Tests of each element (isnan, isinf, isfinite, isposinf, isneginf, signbit), with bool results
// for every dtype as in PyTorch (integers and bools are never NaN or infinite), and nanToNum.

enum IsNaNFn: FloatPredicateFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> Bool { x.isNaN } }
enum IsInfFn: FloatPredicateFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> Bool { x.isInfinite } }
enum IsFiniteFn: FloatPredicateFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> Bool { x.isFinite } }
enum IsPosInfFn: FloatPredicateFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> Bool { x == .infinity } }
enum IsNegInfFn: FloatPredicateFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> Bool { x == -.infinity } }
enum SignbitFn: FloatPredicateFunction { @inline(__always) static func apply<T: FloatScalar>(_ x: T) -> Bool { x.sign == .minus } }

/// The predicate `F` of each float element; `other` for every element of an integer or bool tensor.
private func predicate<F: FloatPredicateFunction>(_: F.Type, _ x: Tensor, op: String, otherwise: Bool) -> Tensor {
    if x.dtype.isFloatingPoint { return MathKernels.floatPredicate(F.self, x, op: op) }
    return Tensor.full(x.shape, value: otherwise ? 1 : 0, dtype: .bool)
}

/// Whether each element is NaN, as a bool tensor of the same shape (`torch.isnan`); false for
/// integer and bool tensors.
public func isnan(_ x: Tensor) -> Tensor { predicate(IsNaNFn.self, x, op: "isnan", otherwise: false) }

/// Whether each element is +∞ or −∞, as a bool tensor (`torch.isinf`); false for integer and bool tensors.
public func isinf(_ x: Tensor) -> Tensor { predicate(IsInfFn.self, x, op: "isinf", otherwise: false) }

/// Whether each element is finite (neither NaN nor ±∞), as a bool tensor (`torch.isfinite`);
/// true for integer and bool tensors.
public func isfinite(_ x: Tensor) -> Tensor { predicate(IsFiniteFn.self, x, op: "isfinite", otherwise: true) }

/// Whether each element is +∞, as a bool tensor (`torch.isposinf`).
public func isposinf(_ x: Tensor) -> Tensor { predicate(IsPosInfFn.self, x, op: "isposinf", otherwise: false) }

/// Whether each element is −∞, as a bool tensor (`torch.isneginf`).
public func isneginf(_ x: Tensor) -> Tensor { predicate(IsNegInfFn.self, x, op: "isneginf", otherwise: false) }

/// Whether each element's sign bit is set, as a bool tensor (`torch.signbit`): true for negative
/// numbers, −0 and −NaN; for integers, whether they are negative; false for bools.
public func signbit(_ x: Tensor) -> Tensor {
    if x.dtype.isFloatingPoint || x.dtype == .bool { return predicate(SignbitFn.self, x, op: "signbit", otherwise: false) }
    return noGrad { x.detached() .< 0 }
}

/// NaN, +∞ and −∞ replaced by finite numbers (`nan`, `posinf`, `neginf`), other elements kept.
struct NanToNum<T: FloatScalar>: UnaryElementFunction {
    let nan: T, posinf: T, neginf: T
    @inline(__always) func apply(_ x: T) -> T {
        if x.isNaN { return nan }
        if x.isInfinite { return x > 0 ? posinf : neginf }
        return x
    }
}

/// nanToNum's backward: the gradient where the input was finite, 0 elsewhere.
enum FiniteGradFn: FloatBinaryFunction {
    @inline(__always) static func apply<T: FloatScalar>(_ g: T, _ x: T) -> T { x.isFinite ? g : 0 }
}

private struct NanToNumRun: FloatKernel {
    let x: Tensor, nan: Double, posinf: Double?, neginf: Double?
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let f = NanToNum<T>(nan: T(fromDouble: nan), posinf: posinf.map { T(fromDouble: $0) } ?? .greatestFiniteMagnitude,
                            neginf: neginf.map { T(fromDouble: $0) } ?? -.greatestFiniteMagnitude)
        return MathKernels.map(f, x)
    }
}

/// The tensor with NaN replaced by `nan`, +∞ by `posinf` and −∞ by `neginf`
/// (`torch.nan_to_num`); by default 0 and the dtype's greatest and least finite values. The
/// replacements are converted to the dtype (so `posinf: 1e39` stays +∞ in float32). Integer and
/// bool tensors are returned as they are. Gradient: 1 where the input was finite, else 0.
public func nanToNum(_ x: Tensor, nan: Double = 0, posinf: Double? = nil, neginf: Double? = nil) -> Tensor {
    guard x.dtype.isFloatingPoint else { return x.detached() }
    if x.dtype.isReducedPrecision {
        // The defaults are the 16-bit type's extremes, not float32's.
        let greatest = x.dtype == .float16 ? 65504.0 : Double(Float(bitPattern: 0x7F7F_0000))
        return inFloat32IfReduced(x) { nanToNum($0, nan: nan, posinf: posinf ?? greatest, neginf: neginf ?? -greatest) }!
    }
    let out = x.dtype.dispatchFloat(NanToNumRun(x: x, nan: nan, posinf: posinf, neginf: neginf), op: "nanToNum")
    let dx = x.detached()
    return recordUnary("nanToNum", x, out) { g in
        let (g, dx) = Elementwise.promoteTypes(g, dx, floating: true)
        return MathKernels.floatBinary(FiniteGradFn.self, g, dx, shape: dx.shape, op: "nanToNum backward")
    }
}

extension Tensor {
    /// Whether each element is NaN: ``isnan(_:)``.
    public func isnan() -> Tensor { Apus.isnan(self) }
    /// Whether each element is infinite: ``isinf(_:)``.
    public func isinf() -> Tensor { Apus.isinf(self) }
    /// Whether each element is finite: ``isfinite(_:)``.
    public func isfinite() -> Tensor { Apus.isfinite(self) }
    /// Whether each element is +∞: ``isposinf(_:)``.
    public func isposinf() -> Tensor { Apus.isposinf(self) }
    /// Whether each element is −∞: ``isneginf(_:)``.
    public func isneginf() -> Tensor { Apus.isneginf(self) }
    /// Whether each element's sign bit is set: ``signbit(_:)``.
    public func signbit() -> Tensor { Apus.signbit(self) }
    /// NaN and infinities replaced by finite numbers: ``nanToNum(_:nan:posinf:neginf:)``.
    public func nanToNum(nan: Double = 0, posinf: Double? = nil, neginf: Double? = nil) -> Tensor {
        Apus.nanToNum(self, nan: nan, posinf: posinf, neginf: neginf)
    }
}
