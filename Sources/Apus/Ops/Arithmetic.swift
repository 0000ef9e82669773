// + − × ÷, pow, neg, maximum/minimum with broadcasting; backward right beside each forward.

enum AddFn: NumericBinaryFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T { a + b } }
enum SubFn: NumericBinaryFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T { a - b } }
enum MulFn: NumericBinaryFunction { @inline(__always) static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T { a * b } }
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
    return record("add", [a, b], out) { g in [g.sum(toShape: sa), g.sum(toShape: sb)] }
}

/// Elementwise difference with broadcasting.
public func subtract(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "subtract")
    let out = Elementwise.numeric(SubFn.self, a, b, shape: shape)
    guard shouldRecord(a, b) else { return out }
    let (sa, sb) = (a.shape, b.shape)
    return record("subtract", [a, b], out) { g in [g.sum(toShape: sa), (-g).sum(toShape: sb)] }
}

/// Elementwise product with broadcasting.
public func multiply(_ a: Tensor, _ b: Tensor) -> Tensor {
    let (a, b, shape) = Elementwise.promote(a, b, op: "multiply")
    let out = Elementwise.numeric(MulFn.self, a, b, shape: shape)
    guard shouldRecord(a, b) else { return out }
    let (da, db) = (a.detached(), b.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record("multiply", [a, b], out) { g in
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
    return record("divide", [a, b], out) { g in
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
    return record("pow", [a, b], out) { g in
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
    let out = Elementwise.numeric(SubFn.self, scalarTensor(0, like: x), x, shape: x.shape)
    return recordUnary("neg", x, out) { g in -g }
}

extension Tensor {
    // A number literal combined with a Double (or another literal) is folded in double precision
    // and stays a literal: in `(1 - beta) * x` Swift may read `1` as a tensor literal, and
    // `1 - beta` must not be rounded to float32 before it meets a float64 `x`.

    public static func + (a: Tensor, b: Tensor) -> Tensor { folded(a, b, +) ?? add(a, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { folded(a, b, -) ?? subtract(a, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { folded(a, b, *) ?? multiply(a, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { folded(a, b, /, division: true) ?? divide(a, b) }

    public static func + (a: Tensor, b: Double) -> Tensor { folded(a, b, +) ?? add(a, scalarTensor(b, like: a)) }
    public static func - (a: Tensor, b: Double) -> Tensor { folded(a, b, -) ?? subtract(a, scalarTensor(b, like: a)) }
    public static func * (a: Tensor, b: Double) -> Tensor { folded(a, b, *) ?? multiply(a, scalarTensor(b, like: a)) }
    public static func / (a: Tensor, b: Double) -> Tensor { folded(a, b, /) ?? divide(a, scalarTensor(b, like: a)) }
    public static func + (a: Double, b: Tensor) -> Tensor { folded(a, b, +) ?? add(scalarTensor(a, like: b), b) }
    public static func - (a: Double, b: Tensor) -> Tensor { folded(a, b, -) ?? subtract(scalarTensor(a, like: b), b) }
    public static func * (a: Double, b: Tensor) -> Tensor { folded(a, b, *) ?? multiply(scalarTensor(a, like: b), b) }
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

    public static func + (a: Tensor, b: Float) -> Tensor { a + Double(b) }
    public static func - (a: Tensor, b: Float) -> Tensor { a - Double(b) }
    public static func * (a: Tensor, b: Float) -> Tensor { a * Double(b) }
    public static func / (a: Tensor, b: Float) -> Tensor { a / Double(b) }
    public static func * (a: Float, b: Tensor) -> Tensor { Double(a) * b }

    public static func + (a: Tensor, b: Int) -> Tensor { a + Double(b) }
    public static func - (a: Tensor, b: Int) -> Tensor { a - Double(b) }
    public static func * (a: Tensor, b: Int) -> Tensor { a * Double(b) }
    public static func / (a: Tensor, b: Int) -> Tensor { a / Double(b) }
    public static func + (a: Int, b: Tensor) -> Tensor { Double(a) + b }
    public static func - (a: Int, b: Tensor) -> Tensor { Double(a) - b }
    public static func * (a: Int, b: Tensor) -> Tensor { Double(a) * b }
    public static func / (a: Int, b: Tensor) -> Tensor { Double(a) / b }

    /// `self = self + other`: a new value (the old one stays valid for any graph that saved it).
    public static func += (a: inout Tensor, b: Tensor) { a = a + b }
    public static func -= (a: inout Tensor, b: Tensor) { a = a - b }
    public static func *= (a: inout Tensor, b: Tensor) { a = a * b }
    public static func /= (a: inout Tensor, b: Tensor) { a = a / b }
    public static func += (a: inout Tensor, b: Double) { a = a + b }
    public static func -= (a: inout Tensor, b: Double) { a = a - b }
    public static func *= (a: inout Tensor, b: Double) { a = a * b }
    public static func /= (a: inout Tensor, b: Double) { a = a / b }
    // Int overloads make `x *= 2` unambiguous (the literal could otherwise be a Tensor or a Double).
    public static func += (a: inout Tensor, b: Int) { a = a + b }
    public static func -= (a: inout Tensor, b: Int) { a = a - b }
    public static func *= (a: inout Tensor, b: Int) { a = a * b }
    public static func /= (a: inout Tensor, b: Int) { a = a / b }
}
