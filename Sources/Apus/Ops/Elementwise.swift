import CApusKernels

// Dispatch of elementwise ops: dtype promotion, broadcasting and one specialised loop per dtype.

/// Element types with `+ - *` and ordering: the types binary arithmetic runs on.
public protocol NumericScalar: TensorScalar, Numeric, Comparable {}
extension Float: NumericScalar {}
extension Double: NumericScalar {}
extension Int64: NumericScalar {}

/// A binary function defined for every numeric element type.
protocol NumericBinaryFunction { static func apply<T: NumericScalar>(_ a: T, _ b: T) -> T }
/// A binary function on real numbers (integers are promoted to float32 first).
protocol FloatBinaryFunction { static func apply<T: FloatScalar>(_ a: T, _ b: T) -> T }
/// A unary function on real numbers.
protocol FloatUnaryFunction { static func apply<T: FloatScalar>(_ x: T) -> T }
/// A comparison producing a boolean.
protocol ComparisonFunction { static func apply<T: NumericScalar>(_ a: T, _ b: T) -> Bool }

enum Elementwise {
    /// Converts both operands to their common dtype (differentiably) and returns the broadcast shape.
    static func promote(_ a: Tensor, _ b: Tensor, op: String, floating: Bool = false) -> (Tensor, Tensor, [Int]) {
        let shape = broadcastShapes(a.shape, b.shape, op: op)
        let (ca, cb) = promoteTypes(a, b, floating: floating)
        return (ca, cb, shape)
    }

    /// Converts both operands to their common dtype (float32 at least when `floating`).
    static func promoteTypes(_ a: Tensor, _ b: Tensor, floating: Bool = false) -> (Tensor, Tensor) {
        // The common case, operands of one float type and no literal: nothing to convert (and no
        // copies of the tensors, whose reference counting was a tenth of a recorded 1-element add).
        if a.dtype == b.dtype && a.dtype.isFloatingPoint && a.literalNumber == nil && b.literalNumber == nil { return (a, b) }
        let (a, b) = resolvingLiterals(a, b)
        var dtype = DType.promoted(a.dtype, b.dtype)
        if floating && !dtype.isFloatingPoint { dtype = .float32 }
        if dtype == .bool { dtype = .int64 }
        return (a.cast(to: dtype), b.cast(to: dtype))
    }

    /// A number literal operand (``Tensor/literalNumber``) becomes a scalar of the other operand's type.
    static func resolvingLiterals(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        if let v = a.literalNumber, b.literalNumber == nil { return (scalarTensor(v, like: b), b) }
        if let v = b.literalNumber, a.literalNumber == nil { return (a, scalarTensor(v, like: a)) }
        return (a, b)
    }

    static func numeric<F: NumericBinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        switch a.dtype {
        case .float32: numericTyped(F.self, Float.self, a, b, shape)
        case .float64: numericTyped(F.self, Double.self, a, b, shape)
        case .int64: numericTyped(F.self, Int64.self, a, b, shape)
        case .bool: fatalError("arithmetic on bool tensors; cast them first")
        }
    }

    static func floating<F: FloatBinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        switch a.dtype {
        case .float32: floatingTyped(F.self, Float.self, a, b, shape)
        case .float64: floatingTyped(F.self, Double.self, a, b, shape)
        default: fatalError("\(F.self): expected floating-point operands, got \(a.dtype)")
        }
    }

    static func unary<F: FloatUnaryFunction>(_: F.Type, _ x: Tensor, op: String) -> Tensor {
        switch x.dtype {
        case .float32: return unaryTyped(F.self, Float.self, x)
        case .float64: return unaryTyped(F.self, Double.self, x)
        case .int64, .bool: return unary(F.self, Kernels.cast(x, to: .float32), op: op)
        }
    }

    // Contiguous operands run on the thread pool. The function is a type parameter (`F.apply`),
    // not a closure value, so the loop inside each pool job is specialised and vectorised.

    static func numericTyped<F: NumericBinaryFunction, T: NumericScalar>(_: F.Type, _: T.Type, _ a: Tensor, _ b: Tensor, _ shape: [Int]) -> Tensor {
        guard let (out, o, xa, xb, scalarB) = contiguousOperands(T.self, a, b, shape) else {
            return Kernels.zip(a, b, T.self, to: T.self, shape: shape, F.apply)
        }
        ThreadPool.shared.parallelRanges(out.count, grain: Kernels.parallelGrain) { r in
            if scalarB { let v = xb[0]; for i in r { o[i] = F.apply(xa[i], v) } } else { for i in r { o[i] = F.apply(xa[i], xb[i]) } }
        }
        return out
    }

    static func floatingTyped<F: FloatBinaryFunction, T: FloatScalar>(_: F.Type, _: T.Type, _ a: Tensor, _ b: Tensor, _ shape: [Int]) -> Tensor {
        guard let (out, o, xa, xb, scalarB) = contiguousOperands(T.self, a, b, shape) else {
            return Kernels.zip(a, b, T.self, to: T.self, shape: shape, F.apply)
        }
        ThreadPool.shared.parallelRanges(out.count, grain: Kernels.parallelGrain) { r in
            if scalarB { let v = xb[0]; for i in r { o[i] = F.apply(xa[i], v) } } else { for i in r { o[i] = F.apply(xa[i], xb[i]) } }
        }
        return out
    }

    static func unaryTyped<F: FloatUnaryFunction, T: FloatScalar>(_: F.Type, _: T.Type, _ x: Tensor) -> Tensor {
        guard x.isContiguous else { return Kernels.map(x, T.self, to: T.self, F.apply) }
        let out = Tensor(uninitialized: x.shape, dtype: T.dtype)
        let p = UnsafePointer(x.storage.pointer(T.self) + x.offset), o = out.storage.pointer(T.self)
        ThreadPool.shared.parallelRanges(x.count, grain: Kernels.parallelGrain) { r in
            for i in r { o[i] = F.apply(p[i]) }
        }
        return out
    }

    /// Output and pointers when `a` is contiguous with the full shape and `b` is too, or is one element.
    private static func contiguousOperands<T: TensorScalar>(_: T.Type, _ a: Tensor, _ b: Tensor, _ shape: [Int])
        -> (Tensor, UnsafeMutablePointer<T>, UnsafePointer<T>, UnsafePointer<T>, Bool)?
    {
        guard a.shape == shape, a.isContiguous, (b.shape == shape && b.isContiguous) || b.count == 1 else { return nil }
        let out = Tensor(uninitialized: shape, dtype: T.dtype)
        let xa = UnsafePointer(a.storage.pointer(T.self) + a.offset)
        let xb = UnsafePointer(b.storage.pointer(T.self) + b.offset)
        return (out, out.storage.pointer(T.self), xa, xb, b.shape != shape)
    }

    /// Runs a vectorised float32 math kernel (from the C target) over a contiguous float32
    /// tensor, split over the thread pool; nil for other layouts and dtypes.
    static func vectorMath(_ x: Tensor, _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) -> Tensor? {
        guard x.dtype == .float32, x.isContiguous else { return nil }
        let out = Tensor(uninitialized: x.shape, dtype: .float32)
        let src = UnsafePointer(x.storage.pointer(Float.self) + x.offset), dst = out.storage.pointer(Float.self)
        ThreadPool.shared.parallelRanges(x.count, grain: 1 << 14) { r in
            kernel(src + r.lowerBound, dst + r.lowerBound, r.count)
        }
        return out
    }

    static func compare<F: ComparisonFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, op: String) -> Tensor {
        let (a, b, shape) = noGrad { promote(a.detached(), b.detached(), op: op) }
        switch a.dtype {
        case .float32: return Kernels.zip(a, b, Float.self, to: Bool.self, shape: shape, F.apply)
        case .float64: return Kernels.zip(a, b, Double.self, to: Bool.self, shape: shape, F.apply)
        default: return Kernels.zip(a, b, Int64.self, to: Bool.self, shape: shape, F.apply)
        }
    }
}

/// A scalar operand as a 0-d tensor matching `t`'s dtype (float32 when `t` is integral and `v` is not).
func scalarTensor(_ v: Double, like t: Tensor) -> Tensor {
    var dtype = t.dtype
    if !dtype.isFloatingPoint && v.rounded() != v { dtype = .float32 }
    if dtype == .bool { dtype = .int64 }
    return Tensor(scalar: v, dtype: dtype)
}
