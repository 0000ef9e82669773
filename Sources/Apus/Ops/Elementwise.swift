import CApusKernels

// Dispatch of elementwise ops: dtype promotion, broadcasting and one specialised loop per dtype.

/// Element types with `+ - *` and ordering: the types binary arithmetic runs on (the integer
/// types, float32 and float64; the 16-bit floating-point types compute in float32).
public protocol NumericScalar: TensorScalar, Numeric, Comparable {
    /// `a + b`, wrapping around on integer overflow as PyTorch's integer tensors do.
    static func wrappingSum(_ a: Self, _ b: Self) -> Self
    /// `a − b`, wrapping around on integer overflow.
    static func wrappingDifference(_ a: Self, _ b: Self) -> Self
    /// `a · b`, wrapping around on integer overflow.
    static func wrappingProduct(_ a: Self, _ b: Self) -> Self
}

extension NumericScalar where Self: BinaryFloatingPoint {
    /// `a + b`.
    @inline(__always) public static func wrappingSum(_ a: Self, _ b: Self) -> Self { a + b }
    /// `a − b`.
    @inline(__always) public static func wrappingDifference(_ a: Self, _ b: Self) -> Self { a - b }
    /// `a · b`.
    @inline(__always) public static func wrappingProduct(_ a: Self, _ b: Self) -> Self { a * b }
}

extension NumericScalar where Self: FixedWidthInteger {
    /// `a &+ b`: the sum modulo 2ⁿ.
    @inline(__always) public static func wrappingSum(_ a: Self, _ b: Self) -> Self { a &+ b }
    /// `a &- b`: the difference modulo 2ⁿ.
    @inline(__always) public static func wrappingDifference(_ a: Self, _ b: Self) -> Self { a &- b }
    /// `a &* b`: the product modulo 2ⁿ.
    @inline(__always) public static func wrappingProduct(_ a: Self, _ b: Self) -> Self { a &* b }
}

extension Float: NumericScalar {}
extension Double: NumericScalar {}
extension Int64: NumericScalar {}
extension Int32: NumericScalar {}
extension Int16: NumericScalar {}
extension Int8: NumericScalar {}
extension UInt8: NumericScalar {}

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

    /// Converts both operands to their common dtype (float32 at least when `floating`):
    /// ``resultType(_:_:)``, PyTorch's type promotion.
    static func promoteTypes(_ a: Tensor, _ b: Tensor, floating: Bool = false) -> (Tensor, Tensor) {
        // The common case, operands of one float type and no literal: nothing to convert (and no
        // copies of the tensors, whose reference counting was a tenth of a recorded 1-element add).
        if a.dtype == b.dtype && a.dtype.isFloatingPoint && a.literalNumber == nil && b.literalNumber == nil { return (a, b) }
        let (a, b) = resolvingLiterals(a, b)
        var dtype = resultType(a, b)
        if floating && !dtype.isFloatingPoint { dtype = .float32 }
        return (a.cast(to: dtype), b.cast(to: dtype))
    }

    /// The dtype of a binary op's result, as PyTorch's `result_type`: operands with dimensions
    /// decide among themselves; a 0-d tensor only counts when it is of a higher category
    /// (bool < integer < floating point) than they are, so `int32 [3] + int64 0-d` stays int32
    /// while `int32 [3] + float64 0-d` is float64; `float16 [3] + float32 0-d` stays float16.
    static func resultType(_ a: Tensor, _ b: Tensor) -> DType {
        if a.rank > 0 && b.rank > 0 || a.rank == 0 && b.rank == 0 { return DType.promoted(a.dtype, b.dtype) }
        let (dimensioned, zeroDim) = a.rank > 0 ? (a.dtype, b.dtype) : (b.dtype, a.dtype)
        if zeroDim.category > dimensioned.category { return DType.promoted(dimensioned, zeroDim) }
        return dimensioned
    }

    /// A number literal operand (``Tensor/literalNumber``) becomes a scalar of the other operand's
    /// type, by PyTorch's rules for a Python number: an integer literal (int64) as an integer, a
    /// float literal as a float, a boolean literal as a bool.
    static func resolvingLiterals(_ a: Tensor, _ b: Tensor) -> (Tensor, Tensor) {
        func resolved(_ literal: Tensor, _ v: Double, like other: Tensor) -> Tensor {
            switch literal.dtype {
            case .int64: scalarTensor(integer: Int64(v), like: other)
            case .bool: other.dtype == .bool ? literal : scalarTensor(integer: Int64(v), like: other)
            default: scalarTensor(v, like: other)
            }
        }
        if let v = a.literalNumber, b.literalNumber == nil { return (resolved(a, v, like: b), b) }
        if let v = b.literalNumber, a.literalNumber == nil { return (a, resolved(b, v, like: a)) }
        return (a, b)
    }

    static func numeric<F: NumericBinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        switch a.dtype {
        case .float32: numericTyped(F.self, Float.self, a, b, shape)
        case .float64: numericTyped(F.self, Double.self, a, b, shape)
        case .int64: numericTyped(F.self, Int64.self, a, b, shape)
        case .int32: numericTyped(F.self, Int32.self, a, b, shape)
        case .int16: numericTyped(F.self, Int16.self, a, b, shape)
        case .int8: numericTyped(F.self, Int8.self, a, b, shape)
        case .uint8: numericTyped(F.self, UInt8.self, a, b, shape)
        // PyTorch's bool arithmetic: + is or, · is and (computed on bytes, any non-zero is true).
        case .bool: Kernels.cast(numericTyped(F.self, UInt8.self, Kernels.cast(a, to: .uint8), Kernels.cast(b, to: .uint8), shape), to: .bool)
        case .float16, .bfloat16: inFloat32(a, b) { numericTyped(F.self, Float.self, $0, $1, shape) }
        }
    }

    static func floating<F: FloatBinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        switch a.dtype {
        case .float32: floatingTyped(F.self, Float.self, a, b, shape)
        case .float64: floatingTyped(F.self, Double.self, a, b, shape)
        case .float16, .bfloat16: inFloat32(a, b) { floatingTyped(F.self, Float.self, $0, $1, shape) }
        default: fatalError("\(F.self): expected floating-point operands, got \(a.dtype)")
        }
    }

    static func unary<F: FloatUnaryFunction>(_: F.Type, _ x: Tensor, op: String) -> Tensor {
        switch x.dtype {
        case .float32: return unaryTyped(F.self, Float.self, x)
        case .float64: return unaryTyped(F.self, Double.self, x)
        case .float16, .bfloat16: return Kernels.cast(unaryTyped(F.self, Float.self, Kernels.cast(x, to: .float32)), to: x.dtype)
        default: return unary(F.self, Kernels.cast(x, to: .float32), op: op)  // integers and bools give float32
        }
    }

    /// `body` on float32 copies of two 16-bit floating-point operands, its result rounded back to
    /// their dtype: how PyTorch computes float16 and bfloat16 on the CPU.
    static func inFloat32(_ a: Tensor, _ b: Tensor, _ body: (Tensor, Tensor) -> Tensor) -> Tensor {
        Kernels.cast(body(Kernels.cast(a, to: .float32), Kernels.cast(b, to: .float32)), to: a.dtype)
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
        // Exact: 16-bit floats widen to float32 without rounding, booleans order as 0 < 1.
        case .float16, .bfloat16: return compare(F.self, Kernels.cast(a, to: .float32), Kernels.cast(b, to: .float32), op: op)
        case .bool: return compare(F.self, Kernels.cast(a, to: .uint8), Kernels.cast(b, to: .uint8), op: op)
        default: return a.dtype.dispatch(CompareKernel<F>(a: a, b: b, shape: shape), op: op)
        }
    }
}

private struct CompareKernel<F: ComparisonFunction>: NumericKernel {
    let a: Tensor, b: Tensor, shape: [Int]
    func run<T: NumericScalar>(_: T.Type) -> Tensor { Kernels.zip(a, b, T.self, to: Bool.self, shape: shape, F.apply) }
}

/// A Swift floating-point number operand as a 0-d tensor, by PyTorch's rule for a Python float
/// (a "wrapped number"): it takes `t`'s dtype when `t` is floating point, and float32 (the
/// default dtype) when `t` holds integers or booleans, so `labels * 0.5` and `labels + 2.0` are float32.
func scalarTensor(_ v: Double, like t: Tensor) -> Tensor {
    Tensor(scalar: v, dtype: t.dtype.isFloatingPoint ? t.dtype : .float32)
}

/// A Swift integer operand as a 0-d tensor, by PyTorch's rule for a Python int: it takes `t`'s
/// dtype (an int8 tensor plus 1000 computes in int8 and wraps, as in PyTorch), int64 for a bool `t`.
func scalarTensor(integer v: Int64, like t: Tensor) -> Tensor {
    Kernels.cast(Tensor(scalars: [v], shape: []), to: t.dtype == .bool ? .int64 : t.dtype)
}
