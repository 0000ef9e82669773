// Comparisons (boolean results, not differentiable) as operators (.< .<= …) and under PyTorch's
// names (eq, ne, lt, le, gt, ge), equal, isclose, allclose, and `where`. The bitwise/logical
// operators & | ^ ~ live in Bitwise.swift.

enum LessFn: ComparisonFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> Bool { a < b } }
enum LessEqualFn: ComparisonFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> Bool { a <= b } }
enum GreaterFn: ComparisonFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> Bool { a > b } }
enum GreaterEqualFn: ComparisonFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> Bool { a >= b } }
enum EqualFn: ComparisonFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> Bool { a == b } }
enum NotEqualFn: ComparisonFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> Bool { a != b } }

infix operator .< : ComparisonPrecedence
infix operator .<= : ComparisonPrecedence
infix operator .> : ComparisonPrecedence
infix operator .>= : ComparisonPrecedence
infix operator .== : ComparisonPrecedence
infix operator .!= : ComparisonPrecedence

extension Tensor {
    /// Elementwise `a < b` with broadcasting, as a bool tensor.
    public static func .< (a: Tensor, b: Tensor) -> Tensor { Elementwise.compare(LessFn.self, a, b, op: ".<") }
    /// Elementwise `a <= b`.
    public static func .<= (a: Tensor, b: Tensor) -> Tensor { Elementwise.compare(LessEqualFn.self, a, b, op: ".<=") }
    /// Elementwise `a > b`.
    public static func .> (a: Tensor, b: Tensor) -> Tensor { Elementwise.compare(GreaterFn.self, a, b, op: ".>") }
    /// Elementwise `a >= b`.
    public static func .>= (a: Tensor, b: Tensor) -> Tensor { Elementwise.compare(GreaterEqualFn.self, a, b, op: ".>=") }
    /// Elementwise `a == b`.
    public static func .== (a: Tensor, b: Tensor) -> Tensor { Elementwise.compare(EqualFn.self, a, b, op: ".==") }
    /// Elementwise `a != b`.
    public static func .!= (a: Tensor, b: Tensor) -> Tensor { Elementwise.compare(NotEqualFn.self, a, b, op: ".!=") }

    /// Elementwise `aᵢ < b` against a number, as a bool tensor of `a`'s shape (`x .< 0.5`).
    public static func .< (a: Tensor, b: Double) -> Tensor { a .< scalarTensor(b, like: a) }
    /// Elementwise `aᵢ ≤ b` against a number, as a bool tensor of `a`'s shape (`x .<= 0.5`).
    public static func .<= (a: Tensor, b: Double) -> Tensor { a .<= scalarTensor(b, like: a) }
    /// Elementwise `aᵢ > b` against a number, as a bool tensor of `a`'s shape (`x .> 0.5`).
    public static func .> (a: Tensor, b: Double) -> Tensor { a .> scalarTensor(b, like: a) }
    /// Elementwise `aᵢ ≥ b` against a number, as a bool tensor of `a`'s shape (`x .>= 0.5`).
    public static func .>= (a: Tensor, b: Double) -> Tensor { a .>= scalarTensor(b, like: a) }
    /// Elementwise `aᵢ = b` against a number, as a bool tensor of `a`'s shape (`x .== 0.5`).
    public static func .== (a: Tensor, b: Double) -> Tensor { a .== scalarTensor(b, like: a) }
    /// Elementwise `aᵢ ≠ b` against a number, as a bool tensor of `a`'s shape (`x .!= 0.5`).
    public static func .!= (a: Tensor, b: Double) -> Tensor { a .!= scalarTensor(b, like: a) }

    // Int overloads make `x .> 0` unambiguous (the literal could otherwise be a Tensor or a Double).
    /// Elementwise `aᵢ < b` against an integer, as a bool tensor of `a`'s shape (`labels .< 3`).
    public static func .< (a: Tensor, b: Int) -> Tensor { a .< scalarTensor(integer: Int64(b), like: a) }
    /// Elementwise `aᵢ ≤ b` against an integer, as a bool tensor of `a`'s shape (`labels .<= 3`).
    public static func .<= (a: Tensor, b: Int) -> Tensor { a .<= scalarTensor(integer: Int64(b), like: a) }
    /// Elementwise `aᵢ > b` against an integer, as a bool tensor of `a`'s shape (`labels .> 3`).
    public static func .> (a: Tensor, b: Int) -> Tensor { a .> scalarTensor(integer: Int64(b), like: a) }
    /// Elementwise `aᵢ ≥ b` against an integer, as a bool tensor of `a`'s shape (`labels .>= 3`).
    public static func .>= (a: Tensor, b: Int) -> Tensor { a .>= scalarTensor(integer: Int64(b), like: a) }
    /// Elementwise `aᵢ = b` against an integer, as a bool tensor of `a`'s shape (`labels .== 3`).
    public static func .== (a: Tensor, b: Int) -> Tensor { a .== scalarTensor(integer: Int64(b), like: a) }
    /// Elementwise `aᵢ ≠ b` against an integer, as a bool tensor of `a`'s shape (`labels .!= 3`).
    public static func .!= (a: Tensor, b: Int) -> Tensor { a .!= scalarTensor(integer: Int64(b), like: a) }

    /// Elementwise logical not of a bool tensor.
    public static prefix func ! (a: Tensor) -> Tensor {
        require(a.dtype == .bool, "!: expected a bool tensor, got \(a.dtype)")
        return Kernels.map(a, Bool.self, to: Bool.self) { !$0 }
    }

    /// Whether every element is true (non-zero).
    public func all() -> Bool { toArray(as: Bool.self).allSatisfy { $0 } }
    /// Whether some element is true (non-zero).
    public func any() -> Bool { toArray(as: Bool.self).contains(true) }
}

// MARK: PyTorch's names

/// Elementwise `a = b` with broadcasting and type promotion, as a bool tensor (`torch.eq`); NaN
/// equals nothing. The same as `a .== b`.
public func eq(_ a: Tensor, _ b: Tensor) -> Tensor { a .== b }
/// ``eq(_:_:)-(Tensor,Tensor)`` against a number.
public func eq(_ a: Tensor, _ b: Double) -> Tensor { a .== b }
/// ``eq(_:_:)-(Tensor,Tensor)`` against an integer.
public func eq(_ a: Tensor, _ b: Int) -> Tensor { a .== b }

/// Elementwise `a ≠ b` with broadcasting, as a bool tensor (`torch.ne`); true where either is NaN.
/// The same as `a .!= b`.
public func ne(_ a: Tensor, _ b: Tensor) -> Tensor { a .!= b }
/// ``ne(_:_:)-(Tensor,Tensor)`` against a number.
public func ne(_ a: Tensor, _ b: Double) -> Tensor { a .!= b }
/// ``ne(_:_:)-(Tensor,Tensor)`` against an integer.
public func ne(_ a: Tensor, _ b: Int) -> Tensor { a .!= b }

/// Elementwise `a < b` with broadcasting, as a bool tensor (`torch.lt`); false where either is
/// NaN. The same as `a .< b`.
public func lt(_ a: Tensor, _ b: Tensor) -> Tensor { a .< b }
/// ``lt(_:_:)-(Tensor,Tensor)`` against a number.
public func lt(_ a: Tensor, _ b: Double) -> Tensor { a .< b }
/// ``lt(_:_:)-(Tensor,Tensor)`` against an integer.
public func lt(_ a: Tensor, _ b: Int) -> Tensor { a .< b }

/// Elementwise `a ≤ b` with broadcasting, as a bool tensor (`torch.le`). The same as `a .<= b`.
public func le(_ a: Tensor, _ b: Tensor) -> Tensor { a .<= b }
/// ``le(_:_:)-(Tensor,Tensor)`` against a number.
public func le(_ a: Tensor, _ b: Double) -> Tensor { a .<= b }
/// ``le(_:_:)-(Tensor,Tensor)`` against an integer.
public func le(_ a: Tensor, _ b: Int) -> Tensor { a .<= b }

/// Elementwise `a > b` with broadcasting, as a bool tensor (`torch.gt`). The same as `a .> b`.
public func gt(_ a: Tensor, _ b: Tensor) -> Tensor { a .> b }
/// ``gt(_:_:)-(Tensor,Tensor)`` against a number.
public func gt(_ a: Tensor, _ b: Double) -> Tensor { a .> b }
/// ``gt(_:_:)-(Tensor,Tensor)`` against an integer.
public func gt(_ a: Tensor, _ b: Int) -> Tensor { a .> b }

/// Elementwise `a ≥ b` with broadcasting, as a bool tensor (`torch.ge`). The same as `a .>= b`.
public func ge(_ a: Tensor, _ b: Tensor) -> Tensor { a .>= b }
/// ``ge(_:_:)-(Tensor,Tensor)`` against a number.
public func ge(_ a: Tensor, _ b: Double) -> Tensor { a .>= b }
/// ``ge(_:_:)-(Tensor,Tensor)`` against an integer.
public func ge(_ a: Tensor, _ b: Int) -> Tensor { a .>= b }

/// Whether `a` and `b` have the same shape and equal elements (`torch.equal`): values are compared
/// after type promotion, so an int64 tensor equals the float32 tensor of the same numbers; NaN
/// equals nothing.
public func equal(_ a: Tensor, _ b: Tensor) -> Bool {
    a.shape == b.shape && (a.detached() .== b.detached()).all()
}

/// `|a − b| ≤ atol + rtol·|b|`, or a = b (equal infinities), for float elements of type `T`; NaN
/// equal to NaN when `equalNaN`. The allowed error is computed in `T`, as PyTorch does.
struct IsClose<T: FloatScalar>: BinaryElementFunction {
    let rtol: T, atol: T, equalNaN: Bool, exact: Bool
    @inline(__always) func apply(_ a: T, _ b: T) -> Bool {
        if a == b { return true }
        if equalNaN && a.isNaN && b.isNaN { return true }
        if exact { return false }
        let error = Swift.abs(a - b)
        return error.isFinite && error <= atol + Swift.abs(rtol * b)
    }
}

/// ``IsClose`` for integers: equal, or close once both are converted to float32, in which PyTorch
/// computes the error and the tolerance for integer tensors.
struct IntegerIsClose<T: IntegerScalar>: BinaryElementFunction {
    let rtol: Float, atol: Float, exact: Bool
    @inline(__always) func apply(_ a: T, _ b: T) -> Bool {
        if a == b { return true }
        if exact { return false }
        let (x, y) = (Float(a), Float(b))
        let error = Swift.abs(x - y)
        return error.isFinite && error <= atol + Swift.abs(y * rtol)
    }
}

private struct IsCloseRun: FloatKernel, IntegerKernel {
    let a: Tensor, b: Tensor, shape: [Int], rtol: Double, atol: Double, equalNaN: Bool
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let f = IsClose<T>(rtol: T(fromDouble: rtol), atol: T(fromDouble: atol), equalNaN: equalNaN, exact: rtol == 0 && atol == 0)
        return MathKernels.zip(f, a, b, shape: shape)
    }
    func run<T: IntegerScalar>(_: T.Type) -> Tensor {
        let f = IntegerIsClose<T>(rtol: Float(rtol), atol: Float(atol), exact: rtol == 0 && atol == 0)
        return MathKernels.zip(f, a, b, shape: shape)
    }
}

/// Whether each element of `a` is close to the element of `b`, with broadcasting (`torch.isclose`):
/// `|a − b| ≤ atol + rtol·|b|`, or `a = b` (so equal infinities are close); NaN is close to NaN
/// only when `equalNan`. `a` and `b` must have the same dtype, as in PyTorch; unequal integers are
/// compared in float32 (PyTorch's default dtype), bools as 0 and 1. A bool tensor of the broadcast
/// shape.
public func isclose(_ a: Tensor, _ b: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNan: Bool = false) -> Tensor {
    require(a.dtype == b.dtype, "isclose: \(a.dtype) did not match \(b.dtype)")
    require(rtol >= 0, "isclose: rtol must be greater than or equal to zero, but got \(rtol)")
    require(atol >= 0, "isclose: atol must be greater than or equal to zero, but got \(atol)")
    let shape = broadcastShapes(a.shape, b.shape, op: "isclose")
    if a.dtype.isReducedPrecision {
        return isclose(a.detached().cast(to: .float32), b.detached().cast(to: .float32), rtol: rtol, atol: atol, equalNan: equalNan)
    }
    if a.dtype == .bool { return isclose(a.cast(to: .float32), b.cast(to: .float32), rtol: rtol, atol: atol, equalNan: equalNan) }
    let run = IsCloseRun(a: a.detached(), b: b.detached(), shape: shape, rtol: rtol, atol: atol, equalNaN: equalNan)
    return a.dtype.isFloatingPoint ? a.dtype.dispatchFloat(run, op: "isclose") : a.dtype.dispatchInteger(run, op: "isclose")
}

/// Whether every element of `a` is close to the element of `b` (`torch.allclose`): the
/// ``isclose(_:_:rtol:atol:equalNan:)`` of all elements, with broadcasting.
public func allclose(_ a: Tensor, _ b: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNan: Bool = false) -> Bool {
    isclose(a, b, rtol: rtol, atol: atol, equalNan: equalNan).all()
}

extension Tensor {
    /// Elementwise `self = other`: ``eq(_:_:)-(Tensor,Tensor)``.
    public func eq(_ other: Tensor) -> Tensor { self .== other }
    /// Elementwise `self = other` against a number.
    public func eq(_ other: Double) -> Tensor { self .== other }
    /// Elementwise `self ≠ other`: ``ne(_:_:)-(Tensor,Tensor)``.
    public func ne(_ other: Tensor) -> Tensor { self .!= other }
    /// Elementwise `self ≠ other` against a number.
    public func ne(_ other: Double) -> Tensor { self .!= other }
    /// Elementwise `self < other`: ``lt(_:_:)-(Tensor,Tensor)``.
    public func lt(_ other: Tensor) -> Tensor { self .< other }
    /// Elementwise `self < other` against a number.
    public func lt(_ other: Double) -> Tensor { self .< other }
    /// Elementwise `self ≤ other`: ``le(_:_:)-(Tensor,Tensor)``.
    public func le(_ other: Tensor) -> Tensor { self .<= other }
    /// Elementwise `self ≤ other` against a number.
    public func le(_ other: Double) -> Tensor { self .<= other }
    /// Elementwise `self > other`: ``gt(_:_:)-(Tensor,Tensor)``.
    public func gt(_ other: Tensor) -> Tensor { self .> other }
    /// Elementwise `self > other` against a number.
    public func gt(_ other: Double) -> Tensor { self .> other }
    /// Elementwise `self ≥ other`: ``ge(_:_:)-(Tensor,Tensor)``.
    public func ge(_ other: Tensor) -> Tensor { self .>= other }
    /// Elementwise `self ≥ other` against a number.
    public func ge(_ other: Double) -> Tensor { self .>= other }
    /// Whether `self` and `other` have the same shape and elements: ``equal(_:_:)``.
    public func equal(_ other: Tensor) -> Bool { Apus.equal(self, other) }
    /// Whether each element is close to `other`'s: ``isclose(_:_:rtol:atol:equalNan:)``.
    public func isclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNan: Bool = false) -> Tensor {
        Apus.isclose(self, other, rtol: rtol, atol: atol, equalNan: equalNan)
    }
    /// Whether every element is close to `other`'s: ``allclose(_:_:rtol:atol:equalNan:)``.
    public func allclose(_ other: Tensor, rtol: Double = 1e-5, atol: Double = 1e-8, equalNan: Bool = false) -> Bool {
        Apus.allclose(self, other, rtol: rtol, atol: atol, equalNan: equalNan)
    }
}

// MARK: where

/// `condition ? a : b` for one element.
struct Select<T: TensorScalar>: TernaryElementFunction {
    @inline(__always) func apply(_ c: Bool, _ a: T, _ b: T) -> T { c ? a : b }
}

private struct SelectRun: TypedKernel {
    let condition: Tensor, a: Tensor, b: Tensor, shape: [Int]
    func run<T: TensorScalar>(_: T.Type) -> Tensor { MathKernels.zip3(Select<T>(), condition, a, b, shape: shape) }
}

/// Picks `a` where `condition` is true and `b` elsewhere, with broadcasting of all three
/// (`torch.where`); `a` and `b` are promoted to their common dtype (bool with bool stays bool).
/// The gradient flows to the chosen side only; the unchosen side's values never leak (a NaN there
/// gives no NaN).
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    require(condition.dtype == .bool, "where: expected condition to be a bool tensor, got \(condition.dtype)")
    var (a, b) = Elementwise.resolvingLiterals(a, b)
    let dtype = DType.promoted(a.dtype, b.dtype)
    (a, b) = (a.cast(to: dtype), b.cast(to: dtype))
    let shape = broadcastShapes(condition.shape, broadcastShapes(a.shape, b.shape, op: "where"), op: "where")
    let out = dtype.dispatch(SelectRun(condition: condition.detached(), a: a.detached(), b: b.detached(), shape: shape))
    guard shouldRecord(a, b) else { return out }
    let (sa, sb, c) = (a.shape, b.shape, condition.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record("where", a, b, out) { g in
        let zero = Tensor(scalar: 0, dtype: g.dtype)
        return [ra ? `where`(c, g, zero).sum(toShape: sa) : nil, rb ? `where`(c, zero, g).sum(toShape: sb) : nil]
    }
}

/// ``where(_:_:_:)-(Tensor,Tensor,Tensor)`` with a number for `b`, as in `where(x .> 0, x, 0.1)`:
/// the number takes `a`'s dtype (float32 beside an integer tensor when it has a fraction).
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Double) -> Tensor { `where`(condition, a, scalarTensor(b, like: a)) }
/// ``where(_:_:_:)-(Tensor,Tensor,Tensor)`` with a number for `a`.
public func `where`(_ condition: Tensor, _ a: Double, _ b: Tensor) -> Tensor { `where`(condition, scalarTensor(a, like: b), b) }
/// ``where(_:_:_:)-(Tensor,Tensor,Tensor)`` with an integer for `b`, which takes `a`'s dtype
/// (int64 beside a bool tensor).
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Int) -> Tensor { `where`(condition, a, whereScalar(b, like: a)) }
/// ``where(_:_:_:)-(Tensor,Tensor,Tensor)`` with an integer for `a`.
public func `where`(_ condition: Tensor, _ a: Int, _ b: Tensor) -> Tensor { `where`(condition, whereScalar(a, like: b), b) }
/// ``where(_:_:_:)-(Tensor,Tensor,Tensor)`` with a bool for `b`, which takes `a`'s dtype.
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Bool) -> Tensor { `where`(condition, a, Tensor(scalar: b ? 1 : 0, dtype: a.dtype)) }
/// ``where(_:_:_:)-(Tensor,Tensor,Tensor)`` with a bool for `a`.
public func `where`(_ condition: Tensor, _ a: Bool, _ b: Tensor) -> Tensor { `where`(condition, Tensor(scalar: a ? 1 : 0, dtype: b.dtype), b) }
/// `a` where `condition` is true, else `b`, as a float32 tensor of the condition's shape.
public func `where`(_ condition: Tensor, _ a: Double, _ b: Double) -> Tensor {
    `where`(condition, Tensor(scalar: a, dtype: .float32), Tensor(scalar: b, dtype: .float32))
}
/// `a` where `condition` is true, else `b`, as an int64 tensor of the condition's shape.
public func `where`(_ condition: Tensor, _ a: Int, _ b: Int) -> Tensor {
    `where`(condition, Tensor(scalars: [Int64(a)], shape: []), Tensor(scalars: [Int64(b)], shape: []))
}
/// `a` where `condition` is true, else `b`, as a bool tensor of the condition's shape.
public func `where`(_ condition: Tensor, _ a: Bool, _ b: Bool) -> Tensor {
    `where`(condition, Tensor(scalar: a ? 1 : 0, dtype: .bool), Tensor(scalar: b ? 1 : 0, dtype: .bool))
}

/// An integer operand of `where` beside `t`: `t`'s dtype, int64 beside a bool tensor.
private func whereScalar(_ n: Int, like t: Tensor) -> Tensor {
    t.dtype.isFloatingPoint ? Tensor(scalar: Double(n), dtype: t.dtype) : integerScalar(n, like: t)
}
