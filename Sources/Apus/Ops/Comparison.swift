// Comparisons (boolean results, not differentiable), logical ops and `where`.

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

    /// Elementwise logical and of two bool tensors.
    public static func & (a: Tensor, b: Tensor) -> Tensor {
        require(a.dtype == .bool && b.dtype == .bool, "&: expected bool tensors, got \(a.dtype) and \(b.dtype)")
        let shape = broadcastShapes(a.shape, b.shape, op: "&")
        return Kernels.zip(a, b, Bool.self, to: Bool.self, shape: shape) { $0 && $1 }
    }

    /// Elementwise logical or of two bool tensors.
    public static func | (a: Tensor, b: Tensor) -> Tensor {
        require(a.dtype == .bool && b.dtype == .bool, "|: expected bool tensors, got \(a.dtype) and \(b.dtype)")
        let shape = broadcastShapes(a.shape, b.shape, op: "|")
        return Kernels.zip(a, b, Bool.self, to: Bool.self, shape: shape) { $0 || $1 }
    }

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

/// Picks `a` where `condition` is true and `b` elsewhere, with broadcasting;
/// the gradient flows to the chosen side only.
public func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) -> Tensor {
    require(condition.dtype == .bool, "where: condition must be a bool tensor, got \(condition.dtype)")
    let (a, b, ab) = Elementwise.promote(a, b, op: "where")
    let shape = broadcastShapes(condition.shape, ab, op: "where")
    let out = noGrad { select(condition, a.detached(), b.detached(), shape: shape) }
    guard shouldRecord(a, b) else { return out }
    let (sa, sb) = (a.shape, b.shape)
    let mask = condition.broadcastView(to: shape)
    return record("where", a, b, out) { g in
        let zero = Tensor.zeros([], dtype: g.dtype)
        return [select(mask, g, zero, shape: g.shape).sum(toShape: sa), select(mask, zero, g, shape: g.shape).sum(toShape: sb)]
    }
}

/// `condition ? a : b` elementwise over the broadcast `shape` (operands of one dtype), copying
/// bits: no arithmetic, so every dtype and every value (−0, NaN, infinities) passes unchanged.
private func select(_ condition: Tensor, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
    struct Select: TypedKernel {
        let condition: Tensor, a: Tensor, b: Tensor, shape: [Int]
        func run<T: TensorScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: shape, dtype: T.dtype)
            let c = condition.broadcastView(to: shape), x = a.broadcastView(to: shape), y = b.broadcastView(to: shape)
            let pc = c.storage.pointer(Bool.self), px = x.storage.pointer(T.self), py = y.storage.pointer(T.self)
            let o = out.storage.pointer(T.self)
            let n = shape.last ?? 1
            let (sc, sx, sy) = (c.strides.last ?? 1, x.strides.last ?? 1, y.strides.last ?? 1)
            // Rows of the output are contiguous; each operand walks its own strides (0 where broadcast).
            forEachRow(shape: shape, stridesA: c.strides, offsetA: c.offset, stridesB: x.strides, offsetB: x.offset) { row, oc, ox in
                var oy = y.offset, rest = row
                for d in stride(from: shape.count - 2, through: 0, by: -1) {
                    oy += (rest % shape[d]) * y.strides[d]
                    rest /= shape[d]
                }
                let base = row * n
                for j in 0..<n { o[base + j] = pc[oc + j * sc] ? px[ox + j * sx] : py[oy + j * sy] }
            }
            return out
        }
    }
    return a.dtype.dispatch(Select(condition: condition, a: a, b: b, shape: shape))
}
