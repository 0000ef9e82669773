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
    public static func .< (a: Tensor, b: Int) -> Tensor { a .< Double(b) }
    /// Elementwise `aᵢ ≤ b` against an integer, as a bool tensor of `a`'s shape (`labels .<= 3`).
    public static func .<= (a: Tensor, b: Int) -> Tensor { a .<= Double(b) }
    /// Elementwise `aᵢ > b` against an integer, as a bool tensor of `a`'s shape (`labels .> 3`).
    public static func .> (a: Tensor, b: Int) -> Tensor { a .> Double(b) }
    /// Elementwise `aᵢ ≥ b` against an integer, as a bool tensor of `a`'s shape (`labels .>= 3`).
    public static func .>= (a: Tensor, b: Int) -> Tensor { a .>= Double(b) }
    /// Elementwise `aᵢ = b` against an integer, as a bool tensor of `a`'s shape (`labels .== 3`).
    public static func .== (a: Tensor, b: Int) -> Tensor { a .== Double(b) }
    /// Elementwise `aᵢ ≠ b` against an integer, as a bool tensor of `a`'s shape (`labels .!= 3`).
    public static func .!= (a: Tensor, b: Int) -> Tensor { a .!= Double(b) }

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
    let mask = condition.cast(to: a.dtype).broadcastView(to: shape).contiguous()
    // out = b + mask·(a − b) computed without loss of precision: choose elementwise.
    let out: Tensor
    switch a.dtype {
    case .float32: out = selectKernel(Float.self, mask, a, b, shape)
    case .float64: out = selectKernel(Double.self, mask, a, b, shape)
    default: out = selectKernel(Int64.self, mask, a, b, shape)
    }
    guard shouldRecord(a, b) else { return out }
    let (sa, sb) = (a.shape, b.shape)
    return record("where", a, b, out) { g in [(g * mask).sum(toShape: sa), (g * (1 - mask)).sum(toShape: sb)] }
}

private func selectKernel<T: NumericScalar>(_: T.Type, _ mask: Tensor, _ a: Tensor, _ b: Tensor, _ shape: [Int]) -> Tensor {
    let picked = Kernels.zip(mask, a.broadcastView(to: shape), T.self, to: T.self, shape: shape) { m, v in m != 0 ? v : 0 }
    return Kernels.zip(mask, b.broadcastView(to: shape), T.self, to: T.self, shape: shape) { m, v in m != 0 ? 0 : v } + picked
}
