// Bitwise and, or, xor, not and shifts on integer and bool tensors (PyTorch's bitwise_* functions,
// and the operators & | ^); not differentiable, refused for floating-point tensors.
//
// The operators take two tensors only; an integer operand is a tensor literal (`x & 0xFF`), taken
// exactly. No ~, << or >> operators on tensors: Swift's integer versions of those are generic, so
// a concrete tensor overload would win over them and turn `1 << 15` or `~0` into a tensor (`&`, `|`
// and `^` have concrete Int versions, which still win); and operators mixing tensors and Ints
// multiply the overloads the type checker tries on every integer expression.
//
// The integer loops are written once over `IntegerScalar`, with PyTorch's
// rules for shifts out of range: a left shift by a negative count or by the width or more gives
// 0, a right shift then fills with the sign bit (0 for unsigned types).

enum BitAndFn: IntegerBinaryFunction { @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T { a & b } }
enum BitOrFn: IntegerBinaryFunction { @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T { a | b } }
enum BitXorFn: IntegerBinaryFunction { @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T { a ^ b } }
enum BitNotFn: IntegerUnaryFunction { @inline(__always) static func apply<T: IntegerScalar>(_ x: T) -> T { ~x } }

enum LeftShiftFn: IntegerBinaryFunction {
    @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T {
        b < 0 || b >= T(T.bitWidth) ? 0 : a &<< b
    }
}

enum RightShiftFn: IntegerBinaryFunction {
    @inline(__always) static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T {
        let limit = T.isSigned ? T.bitWidth - 1 : T.bitWidth
        if b < 0 || b >= T(limit) { return T.isSigned ? a &>> T(T.bitWidth - 1) : 0 }
        return a &>> b
    }
}

/// An integer literal operand (`x & 0xFF`) exactly, at `other`'s integer dtype; other operands as they are.
private func resolvingIntegerLiteral(_ t: Tensor, beside other: Tensor) -> Tensor {
    guard t.literalNumber != nil, other.literalNumber == nil else { return t }
    if t.dtype == .int64 { return other.dtype.isIntegral ? t.cast(to: other.dtype) : t }
    return Elementwise.resolvingLiterals(t, other).0
}

/// Both operands at their common dtype (bool with bool stays bool), refusing floating point.
private func bitwiseOperands(_ a: Tensor, _ b: Tensor, op: String, bools: Bool) -> (Tensor, Tensor, [Int]) {
    let shape = broadcastShapes(a.shape, b.shape, op: op)
    let (a, b) = (resolvingIntegerLiteral(a.detached(), beside: b), resolvingIntegerLiteral(b.detached(), beside: a))
    let dtype = DType.promoted(a.dtype, b.dtype)
    require(!dtype.isFloatingPoint, "\(op): not defined for floating-point tensors (\(a.dtype) and \(b.dtype)); integer and bool tensors only")
    require(bools || dtype != .bool, "\(op): not defined for bool tensors; integer tensors only")
    return (a.cast(to: dtype), b.cast(to: dtype), shape)
}

private func bitwise<I: IntegerBinaryFunction, L: LogicalFunction>(_: I.Type, _: L.Type, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
    let (a, b, shape) = bitwiseOperands(a, b, op: op, bools: true)
    if a.dtype == .bool { return MathKernels.zip(BoolBinary<L>(), a, b, shape: shape) }
    return MathKernels.integerBinary(I.self, a, b, shape: shape, op: op)
}

private func shift<I: IntegerBinaryFunction>(_: I.Type, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
    let (a, b, shape) = bitwiseOperands(a, b, op: op, bools: false)
    return MathKernels.integerBinary(I.self, a, b, shape: shape, op: op)
}

/// An integer operand as a 0-d tensor of `t`'s integer dtype (int64 beside a bool tensor), exactly
/// (a mask like `0x7FFF_FFFF_FFFF_FFFF` does not pass through a double).
func integerScalar(_ n: Int, like t: Tensor) -> Tensor {
    let exact = Tensor(scalars: [Int64(n)], shape: [])
    return t.dtype.isIntegral ? exact.cast(to: t.dtype) : exact
}

/// A bool operand as a 0-d tensor of `t`'s dtype (a bool operand takes any tensor's dtype).
private func boolScalar(_ v: Bool, like t: Tensor) -> Tensor { Tensor(scalar: v ? 1 : 0, dtype: t.dtype) }

/// Elementwise bitwise and of integer or bool tensors with broadcasting (`torch.bitwise_and`);
/// for bools the logical and. Operands of different dtypes are promoted (bool with int64 gives int64).
public func bitwiseAnd(_ a: Tensor, _ b: Tensor) -> Tensor { bitwise(BitAndFn.self, LogicalAndFn.self, a, b, op: "bitwiseAnd") }
/// ``bitwiseAnd(_:_:)-(Tensor,Tensor)`` with an integer, as in `x & 0xFF`.
public func bitwiseAnd(_ a: Tensor, _ b: Int) -> Tensor { bitwiseAnd(a, integerScalar(b, like: a)) }
/// ``bitwiseAnd(_:_:)-(Tensor,Tensor)`` with a bool, which takes `a`'s dtype.
public func bitwiseAnd(_ a: Tensor, _ b: Bool) -> Tensor { bitwiseAnd(a, boolScalar(b, like: a)) }

/// Elementwise bitwise or of integer or bool tensors with broadcasting (`torch.bitwise_or`); for
/// bools the logical or.
public func bitwiseOr(_ a: Tensor, _ b: Tensor) -> Tensor { bitwise(BitOrFn.self, LogicalOrFn.self, a, b, op: "bitwiseOr") }
/// ``bitwiseOr(_:_:)-(Tensor,Tensor)`` with an integer.
public func bitwiseOr(_ a: Tensor, _ b: Int) -> Tensor { bitwiseOr(a, integerScalar(b, like: a)) }
/// ``bitwiseOr(_:_:)-(Tensor,Tensor)`` with a bool, which takes `a`'s dtype.
public func bitwiseOr(_ a: Tensor, _ b: Bool) -> Tensor { bitwiseOr(a, boolScalar(b, like: a)) }

/// Elementwise bitwise exclusive or of integer or bool tensors with broadcasting
/// (`torch.bitwise_xor`); for bools the logical exclusive or.
public func bitwiseXor(_ a: Tensor, _ b: Tensor) -> Tensor { bitwise(BitXorFn.self, LogicalXorFn.self, a, b, op: "bitwiseXor") }
/// ``bitwiseXor(_:_:)-(Tensor,Tensor)`` with an integer.
public func bitwiseXor(_ a: Tensor, _ b: Int) -> Tensor { bitwiseXor(a, integerScalar(b, like: a)) }
/// ``bitwiseXor(_:_:)-(Tensor,Tensor)`` with a bool, which takes `a`'s dtype.
public func bitwiseXor(_ a: Tensor, _ b: Bool) -> Tensor { bitwiseXor(a, boolScalar(b, like: a)) }

/// Each element's bits inverted, `~x` (`torch.bitwise_not`): `−x − 1` for signed integers, the
/// logical not for bools.
public func bitwiseNot(_ x: Tensor) -> Tensor {
    require(!x.dtype.isFloatingPoint, "bitwiseNot: not defined for \(x.dtype) tensors; integer and bool tensors only")
    if x.dtype == .bool { return logicalNot(x) }
    return MathKernels.integerUnary(BitNotFn.self, x.detached(), op: "bitwiseNot")
}

/// Each element of `a` shifted left by `b` bits, `a·2ᵇ` wrapping, with broadcasting
/// (`torch.bitwise_left_shift`); integer tensors only. A count below 0 or of the width or more gives 0.
public func bitwiseLeftShift(_ a: Tensor, _ b: Tensor) -> Tensor { shift(LeftShiftFn.self, a, b, op: "bitwiseLeftShift") }
/// ``bitwiseLeftShift(_:_:)-(Tensor,Tensor)`` by a number of bits.
public func bitwiseLeftShift(_ a: Tensor, _ b: Int) -> Tensor { bitwiseLeftShift(a, integerScalar(b, like: a)) }
/// ``bitwiseLeftShift(_:_:)-(Tensor,Tensor)`` of a number by each element of `b`.
public func bitwiseLeftShift(_ a: Int, _ b: Tensor) -> Tensor { bitwiseLeftShift(integerScalar(a, like: b), b) }

/// Each element of `a` shifted right by `b` bits, `⌊a/2ᵇ⌋` (arithmetic: the sign bit fills in), with
/// broadcasting (`torch.bitwise_right_shift`); integer tensors only. A count below 0 or of the
/// width or more gives −1 for negative and 0 for other elements.
public func bitwiseRightShift(_ a: Tensor, _ b: Tensor) -> Tensor { shift(RightShiftFn.self, a, b, op: "bitwiseRightShift") }
/// ``bitwiseRightShift(_:_:)-(Tensor,Tensor)`` by a number of bits.
public func bitwiseRightShift(_ a: Tensor, _ b: Int) -> Tensor { bitwiseRightShift(a, integerScalar(b, like: a)) }
/// ``bitwiseRightShift(_:_:)-(Tensor,Tensor)`` of a number by each element of `b`.
public func bitwiseRightShift(_ a: Int, _ b: Tensor) -> Tensor { bitwiseRightShift(integerScalar(a, like: b), b) }

extension Tensor {
    /// Elementwise bitwise (for bools logical) and of integer or bool tensors: ``bitwiseAnd(_:_:)-(Tensor,Tensor)``.
    public static func & (a: Tensor, b: Tensor) -> Tensor { Apus.bitwiseAnd(a, b) }
    /// Elementwise bitwise (for bools logical) or of integer or bool tensors: ``bitwiseOr(_:_:)-(Tensor,Tensor)``.
    public static func | (a: Tensor, b: Tensor) -> Tensor { Apus.bitwiseOr(a, b) }
    /// Elementwise bitwise (for bools logical) exclusive or: ``bitwiseXor(_:_:)-(Tensor,Tensor)``.
    public static func ^ (a: Tensor, b: Tensor) -> Tensor { Apus.bitwiseXor(a, b) }

    /// Elementwise bitwise and with `other`: ``bitwiseAnd(_:_:)-(Tensor,Tensor)``.
    public func bitwiseAnd(_ other: Tensor) -> Tensor { Apus.bitwiseAnd(self, other) }
    /// Elementwise bitwise or with `other`: ``bitwiseOr(_:_:)-(Tensor,Tensor)``.
    public func bitwiseOr(_ other: Tensor) -> Tensor { Apus.bitwiseOr(self, other) }
    /// Elementwise bitwise exclusive or with `other`: ``bitwiseXor(_:_:)-(Tensor,Tensor)``.
    public func bitwiseXor(_ other: Tensor) -> Tensor { Apus.bitwiseXor(self, other) }
    /// Each element's bits inverted: ``bitwiseNot(_:)``.
    public func bitwiseNot() -> Tensor { Apus.bitwiseNot(self) }
    /// Each element shifted left by the elements of `other`: ``bitwiseLeftShift(_:_:)-(Tensor,Tensor)``.
    public func bitwiseLeftShift(_ other: Tensor) -> Tensor { Apus.bitwiseLeftShift(self, other) }
    /// Each element shifted right by the elements of `other`: ``bitwiseRightShift(_:_:)-(Tensor,Tensor)``.
    public func bitwiseRightShift(_ other: Tensor) -> Tensor { Apus.bitwiseRightShift(self, other) }
}
