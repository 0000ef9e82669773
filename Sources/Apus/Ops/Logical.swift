// Logical and, or, xor, not: any dtype in (non-zero is true, NaN included), bool out, as PyTorch's
// logical_* functions; not differentiable.

/// Each element of `x` as a truth value: `x ≠ 0` (NaN is true), a bool tensor.
private func truthValues(_ x: Tensor) -> Tensor {
    if x.dtype == .bool { return x.detached() }
    return x.dtype.dispatch(TruthValuesRun(x: x.detached()))
}

/// `x ≠ 0` for one element.
private struct NonZero<T: TensorScalar>: UnaryElementFunction {
    let zero: T
    @inline(__always) func apply(_ x: T) -> Bool { x != zero }
}

private struct TruthValuesRun: TypedKernel {
    let x: Tensor
    func run<T: TensorScalar>(_: T.Type) -> Tensor { MathKernels.map(NonZero<T>(zero: T(fromDouble: 0)), x) }
}

/// A logical operation on two bool elements.
protocol LogicalFunction { static func apply(_ a: Bool, _ b: Bool) -> Bool }
enum LogicalAndFn: LogicalFunction { @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a && b } }
enum LogicalOrFn: LogicalFunction { @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a || b } }
enum LogicalXorFn: LogicalFunction { @inline(__always) static func apply(_ a: Bool, _ b: Bool) -> Bool { a != b } }

/// A ``LogicalFunction`` as the function of a loop over two bool operands.
struct BoolBinary<F: LogicalFunction>: BinaryElementFunction {
    @inline(__always) func apply(_ a: Bool, _ b: Bool) -> Bool { F.apply(a, b) }
}

private func logical<F: LogicalFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
    let shape = broadcastShapes(a.shape, b.shape, op: op)
    return MathKernels.zip(BoolBinary<F>(), truthValues(a), truthValues(b), shape: shape)
}

/// Elementwise logical and of the truth values of `a` and `b` (non-zero is true), with
/// broadcasting; any dtypes, a bool result (`torch.logical_and`).
public func logicalAnd(_ a: Tensor, _ b: Tensor) -> Tensor { logical(LogicalAndFn.self, a, b, op: "logicalAnd") }

/// Elementwise logical or of the truth values of `a` and `b` (`torch.logical_or`).
public func logicalOr(_ a: Tensor, _ b: Tensor) -> Tensor { logical(LogicalOrFn.self, a, b, op: "logicalOr") }

/// Elementwise logical exclusive or of the truth values of `a` and `b` (`torch.logical_xor`).
public func logicalXor(_ a: Tensor, _ b: Tensor) -> Tensor { logical(LogicalXorFn.self, a, b, op: "logicalXor") }

/// Elementwise logical not: true where `x` is zero (`torch.logical_not`); any dtype, a bool result.
public func logicalNot(_ x: Tensor) -> Tensor {
    MathKernels.zip(BoolBinary<LogicalXorFn>(), truthValues(x), Tensor(scalar: 1, dtype: .bool), shape: x.shape)
}

extension Tensor {
    /// Elementwise logical and with `other`: ``logicalAnd(_:_:)``.
    public func logicalAnd(_ other: Tensor) -> Tensor { Apus.logicalAnd(self, other) }
    /// Elementwise logical or with `other`: ``logicalOr(_:_:)``.
    public func logicalOr(_ other: Tensor) -> Tensor { Apus.logicalOr(self, other) }
    /// Elementwise logical exclusive or with `other`: ``logicalXor(_:_:)``.
    public func logicalXor(_ other: Tensor) -> Tensor { Apus.logicalXor(self, other) }
    /// Elementwise logical not: ``logicalNot(_:)``.
    public func logicalNot() -> Tensor { Apus.logicalNot(self) }
}
