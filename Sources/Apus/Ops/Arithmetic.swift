// + − × ÷, pow, neg, maximum/minimum with broadcasting; backward right beside each forward.

enum AddFn: NumericBinaryFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T { T.wrappingSum(a, b) } }
enum SubFn: NumericBinaryFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T { T.wrappingDifference(a, b) } }
enum MulFn: NumericBinaryFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T { T.wrappingProduct(a, b) } }
enum MaxFn: NumericBinaryFunction {
    @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T {
        if a != a || b != b { return a != a ? a : b }  // NaN propagates
        return a >= b ? a : b
    }
}
enum MinFn: NumericBinaryFunction {
    @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T {
        if a != a || b != b { return a != a ? a : b }
        return a <= b ? a : b
    }
}
enum DivFn: FloatBinaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T { a / b } }
enum PowFn: FloatBinaryFunction { @inline(__always) static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T { T.pow(a, b) } }

/// Elementwise sum with broadcasting.
public func add(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "add")
    let out = Elementwise.numeric(AddFn.self, a, b, shape: shape)
    guard shouldRecord(a, b) else { return out }
    let (sa, sb) = (a.shape, b.shape)
    return record("add", a, b, out) { g in [g.sum(toShape: sa), g.sum(toShape: sb)] }
}

/// Elementwise difference with broadcasting.
public func subtract(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "subtract")
    require(a.dtype != .bool, "subtract: subtraction of two bool tensors is not defined (shapes \(a.shape) and \(b.shape)); use logical xor instead")
    let out = Elementwise.numeric(SubFn.self, a, b, shape: shape)
    guard shouldRecord(a, b) else { return out }
    let (sa, sb) = (a.shape, b.shape)
    return record("subtract", a, b, out) { g in [g.sum(toShape: sa), (-g).sum(toShape: sb)] }
}

/// Elementwise product with broadcasting.
public func multiply(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "multiply")
    let out = Elementwise.numeric(MulFn.self, a, b, shape: shape)
    guard shouldRecord(a, b) else { return out }
    let (da, db) = (a.detached(), b.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record("multiply", a, b, out) { g in
        [ra ? (g * db).sum(toShape: da.shape) : nil, rb ? (g * da).sum(toShape: db.shape) : nil]
    }
}

/// Elementwise true division with broadcasting (integers divide as float32).
public func divide(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "divide", floating: true)
    let out = Elementwise.floating(DivFn.self, a, b, shape: shape)
    guard shouldRecord(a, b) else { return out }
    let (da, db) = (a.detached(), b.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record("divide", a, b, out) { g in
        [ra ? (g / db).sum(toShape: da.shape) : nil,
         rb ? (-g * da / (db * db)).sum(toShape: db.shape) : nil]
    }
}

/// `a` raised to the power `b`, elementwise with broadcasting.
///
/// ∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a (only computed when `b` requires grad).
public func pow(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "pow", floating: true)
    let out = Elementwise.floating(PowFn.self, a, b, shape: shape)
    guard shouldRecord(a, b) else { return out }
    let (da, db, dout) = (a.detached(), b.detached(), out.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record("pow", a, b, out) { g in
        [ra ? (g * db * pow(da, db - 1)).sum(toShape: da.shape) : nil,
         rb ? (g * dout * log(da)).sum(toShape: db.shape) : nil]
    }
}

/// `x` raised to a constant power.
public func pow(_ x: Tensor, _ exponent: Double) -> Tensor { pow(x, scalarTensor(exponent, like: x)) }

/// `x` raised to a constant integer power (makes `pow(x, 2)` unambiguous).
public func pow(_ x: Tensor, _ exponent: Int) -> Tensor { pow(x, Double(exponent)) }

/// Elementwise larger of `a` and `b` (NaN propagates); on ties the gradient is split evenly.
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(MaxFn.self, a, b, op: "maximum") { $0 .> $1 } }

/// Elementwise smaller of `a` and `b` (NaN propagates); on ties the gradient is split evenly.
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor { extremum(MinFn.self, a, b, op: "minimum") { $0 .< $1 } }

private func extremum<F: NumericBinaryFunction>(_ f: F.Type, _ a: Tensor, _ b: Tensor, op: String,
                                                 aWins: @escaping (Tensor, Tensor) -> Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: op)
    let out = Elementwise.numeric(F.self, a, b, shape: shape)
    guard shouldRecord(a, b) else { return out }
    let (da, db) = (a.detached(), b.detached())
    return record(op, [a, b], out) { g in
        let share = aWins(da, db).cast(to: g.dtype) + (da .== db).cast(to: g.dtype) * 0.5
        return [(g * share).sum(toShape: da.shape), (g * (1 - share)).sum(toShape: db.shape)]
    }
}

/// Elementwise negation.
public prefix func - (x: Tensor) -> Tensor {
    require(x.dtype != .bool, "neg: negation is not defined for bool tensors; use ! for logical not")
    let out = Elementwise.numeric(SubFn.self, scalarTensor(integer: 0, like: x), x, shape: x.shape)
    return recordUnary("neg", x, out) { g in -g }
}

extension Tensor {
    // A number literal combined with a Double (or another literal) is folded in double precision
    // and stays a literal: in `(1 - beta) * x` Swift may read `1` as a tensor literal, and
    // `1 - beta` must not be rounded to float32 before it meets a float64 `x`.

    /// Elementwise sum with broadcasting and dtype promotion: ``add(_:_:)``.
    ///
    /// Shapes `[2, 3] + [3]` give `[2, 3]`; a number literal takes the other operand's dtype.
    public static func + (a: Tensor, b: Tensor) -> Tensor { folded(a, b, +) ?? add(a, b) }
    /// Elementwise difference with broadcasting and dtype promotion: ``subtract(_:_:)``.
    public static func - (a: Tensor, b: Tensor) -> Tensor { folded(a, b, -) ?? subtract(a, b) }
    /// Elementwise (Hadamard) product with broadcasting, not the matrix product: that is ``matmul(_:_:)``.
    public static func * (a: Tensor, b: Tensor) -> Tensor { folded(a, b, *) ?? multiply(a, b) }
    /// Elementwise true division with broadcasting: ``divide(_:_:)`` (integer tensors divide as float32).
    public static func / (a: Tensor, b: Tensor) -> Tensor { folded(a, b, /, division: true) ?? divide(a, b) }

    /// Adds the number `b` to every element; `b` takes `a`'s dtype (float32 for an integer `a` and a fractional `b`).
    public static func + (a: Tensor, b: Double) -> Tensor { folded(a, b, +) ?? add(a, scalarTensor(b, like: a)) }
    /// Subtracts the number `b` from every element; `b` takes `a`'s dtype.
    public static func - (a: Tensor, b: Double) -> Tensor { folded(a, b, -) ?? subtract(a, scalarTensor(b, like: a)) }
    /// Multiplies every element by the number `b` (a scaled copy, same shape and dtype).
    public static func * (a: Tensor, b: Double) -> Tensor { folded(a, b, *) ?? multiply(a, scalarTensor(b, like: a)) }
    /// Divides every element by the number `b` (integer tensors give float32).
    public static func / (a: Tensor, b: Double) -> Tensor { folded(a, b, /) ?? divide(a, scalarTensor(b, like: a)) }
    /// Adds the number `a` to every element of `b`; `a` takes `b`'s dtype.
    public static func + (a: Double, b: Tensor) -> Tensor { folded(a, b, +) ?? add(scalarTensor(a, like: b), b) }
    /// `a − bᵢ` for every element of `b`, as in `1 - p`; `a` takes `b`'s dtype.
    public static func - (a: Double, b: Tensor) -> Tensor { folded(a, b, -) ?? subtract(scalarTensor(a, like: b), b) }
    /// Multiplies every element of `b` by the number `a`, as in `0.5 * x`.
    public static func * (a: Double, b: Tensor) -> Tensor { folded(a, b, *) ?? multiply(scalarTensor(a, like: b), b) }
    /// `a / bᵢ` for every element of `b`, as in `1 / x` (integer tensors give float32).
    public static func / (a: Double, b: Tensor) -> Tensor { folded(a, b, /) ?? divide(scalarTensor(a, like: b), b) }

    /// `a ∘ b` as a number literal when both are number literals; integer literals stay integers
    /// except under division.
    private static func folded(_ a: Tensor, _ b: Tensor, _ op: (Double, Double) -> Double, division: Bool = false) -> Tensor? {
        guard let x = a.literalNumber, let y = b.literalNumber else { return nil }
        let v = op(x, y)
        if a.dtype == .int64 && b.dtype == .int64 && !division, let i = Int(exactly: v) { return Tensor(integerLiteral: i) }
        return Tensor(floatLiteral: v)
    }

    /// `a ∘ b` as a float number literal when `a` is a number literal.
    private static func folded(_ a: Tensor, _ b: Double, _ op: (Double, Double) -> Double) -> Tensor? {
        a.literalNumber.map { Tensor(floatLiteral: op($0, b)) }
    }

    private static func folded(_ a: Double, _ b: Tensor, _ op: (Double, Double) -> Double) -> Tensor? {
        b.literalNumber.map { Tensor(floatLiteral: op(a, $0)) }
    }

    /// Adds a `Float` to every element (the same as with the `Double` value of `b`).
    public static func + (a: Tensor, b: Float) -> Tensor { a + Double(b) }
    /// Subtracts a `Float` from every element.
    public static func - (a: Tensor, b: Float) -> Tensor { a - Double(b) }
    /// Multiplies every element by a `Float`.
    public static func * (a: Tensor, b: Float) -> Tensor { a * Double(b) }
    /// Divides every element by a `Float`.
    public static func / (a: Tensor, b: Float) -> Tensor { a / Double(b) }
    /// Multiplies every element of `b` by a `Float`.
    public static func * (a: Float, b: Tensor) -> Tensor { Double(a) * b }

    /// Adds an integer to every element; an integer tensor keeps its dtype (and wraps on overflow, as in PyTorch).
    public static func + (a: Tensor, b: Int) -> Tensor { folded(a, Double(b), +) ?? add(a, scalarTensor(integer: Int64(b), like: a)) }
    /// Subtracts an integer from every element; an `int64` tensor stays `int64`.
    public static func - (a: Tensor, b: Int) -> Tensor { folded(a, Double(b), -) ?? subtract(a, scalarTensor(integer: Int64(b), like: a)) }
    /// Multiplies every element by an integer; an `int64` tensor stays `int64`.
    public static func * (a: Tensor, b: Int) -> Tensor { folded(a, Double(b), *) ?? multiply(a, scalarTensor(integer: Int64(b), like: a)) }
    /// Divides every element by an integer (true division: integer tensors give float32).
    public static func / (a: Tensor, b: Int) -> Tensor { a / Double(b) }
    /// Adds an integer to every element of `b`.
    public static func + (a: Int, b: Tensor) -> Tensor { folded(Double(a), b, +) ?? add(scalarTensor(integer: Int64(a), like: b), b) }
    /// `a − bᵢ` for every element of `b`, as in `1 - mask`.
    public static func - (a: Int, b: Tensor) -> Tensor { folded(Double(a), b, -) ?? subtract(scalarTensor(integer: Int64(a), like: b), b) }
    /// Multiplies every element of `b` by an integer, as in `2 * x`.
    public static func * (a: Int, b: Tensor) -> Tensor { folded(Double(a), b, *) ?? multiply(scalarTensor(integer: Int64(a), like: b), b) }
    /// `a / bᵢ` for every element of `b` (integer tensors give float32).
    public static func / (a: Int, b: Tensor) -> Tensor { Double(a) / b }

    /// `self = self + other`: a new value (the old one stays valid for any graph that saved it).
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    /// `self = self - other`: a new value (the old one stays valid for any graph that saved it).
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    /// `self = self * other` (elementwise, broadcasting `other` to `self`'s shape or beyond).
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    /// `self = self / other`, elementwise.
    public static func /= (a: inout Tensor, b: Tensor) { a = a / b }
    /// Adds a number to every element of `self` (a new value; graphs that saved the old one keep it).
    public static func += (a: inout Tensor, b: Double) { a = a + b }
    /// Subtracts a number from every element of `self`.
    public static func -= (a: inout Tensor, b: Double) { a = a - b }
    /// Multiplies every element of `self` by a number.
    public static func *= (a: inout Tensor, b: Double) { a = a * b }
    /// Divides every element of `self` by a number.
    public static func /= (a: inout Tensor, b: Double) { a = a / b }
    // Int overloads make `x *= 2` unambiguous (the literal could otherwise be a Tensor or a Double).
    /// Adds an integer to every element of `self` (makes `x += 1` unambiguous).
    public static func += (a: inout Tensor, b: Int) { a = a + b }
    /// Subtracts an integer from every element of `self`.
    public static func -= (a: inout Tensor, b: Int) { a = a - b }
    /// Multiplies every element of `self` by an integer (makes `x *= 2` unambiguous).
    public static func *= (a: inout Tensor, b: Int) { a = a * b }
    /// Divides every element of `self` by an integer (an `int64` tensor becomes float32).
    public static func /= (a: inout Tensor, b: Int) { a = a / b }
}
