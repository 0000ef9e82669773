// Loops of the elementwise math ops (rounding, special functions, predicates, bitwise and logical
// ops, `where`): one, two or three operands, any element types in and out, and parameters.
//
// The function is a value of a type parameter (`F.apply`), never a closure value, so the loop
// inside each thread-pool job is specialised for the element types and the function, and a
// function's parameters (a decimal count, an epsilon) are fields of that value.

/// A function of one element, as a type parameter of ``MathKernels/map(_:_:)``.
protocol UnaryElementFunction {
    associatedtype Input: TensorScalar
    associatedtype Output: TensorScalar
    func apply(_ x: Input) -> Output
}

/// A function of two elements of one type, as a type parameter of ``MathKernels/zip(_:_:_:shape:)``.
protocol BinaryElementFunction {
    associatedtype Input: TensorScalar
    associatedtype Output: TensorScalar
    func apply(_ a: Input, _ b: Input) -> Output
}

/// A function of three elements, as a type parameter of ``MathKernels/zip3(_:_:_:_:shape:)``.
protocol TernaryElementFunction {
    associatedtype First: TensorScalar
    associatedtype Second: TensorScalar
    associatedtype Third: TensorScalar
    associatedtype Output: TensorScalar
    func apply(_ a: First, _ b: Second, _ c: Third) -> Output
}

/// A kernel for the floating-point element types; ``DType/dispatchFloat(_:op:)`` runs it.
protocol FloatKernel {
    associatedtype Result
    func run<T: FloatScalar>(_ type: T.Type) -> Result
}

extension DType {
    /// Runs `kernel` for a floating-point dtype; stops with a message naming `op` for others.
    func dispatchFloat<K: FloatKernel>(_ kernel: K, op: String) -> K.Result {
        switch self {
        case .float32: return kernel.run(Float.self)
        case .float64: return kernel.run(Double.self)
        default: fatalError("\(op): expected a floating-point tensor, got \(self)")
        }
    }

    /// Runs `kernel` for an integer dtype, specialised for each; stops with a message naming `op` for others.
    func dispatchInteger<K: IntegerKernel>(_ kernel: K, op: String) -> K.Result {
        require(isIntegral, "\(op): expected an integer tensor, got \(self)")
        return dispatch(kernel, op: op)
    }
}

/// One operand of a loop over an output of `count` elements: its elements contiguous in that
/// order (`step` 1), or a single element read for every position (`step` 0).
struct ElementOperand<T: TensorScalar> {
    /// Holds the storage the pointer reads.
    let tensor: Tensor
    let base: UnsafePointer<T>
    let step: Int

    /// `t` (of dtype `T`) read as an operand broadcast to `shape`: a one-element tensor stays one
    /// element; any other layout but contiguous at the full shape is copied to it first.
    init(_ t: Tensor, shape: [Int]) {
        var t = t
        if t.count == 1 {
            step = 0
        } else {
            if t.shape != shape || !t.isContiguous { t = t.detached().broadcastView(to: shape).contiguous() }
            step = 1
        }
        tensor = t
        base = UnsafePointer(t.storage.pointer(T.self) + t.offset)
    }

    @inline(__always) subscript(i: Int) -> T { base[i &* step] }
}

enum MathKernels {
    /// `f(x)` for every element of `x` (of dtype `F.Input`), into a new contiguous tensor.
    static func map<F: UnaryElementFunction>(_ f: F, _ x: Tensor) -> Tensor {
        let out = Tensor(uninitialized: x.shape, dtype: F.Output.dtype)
        let n = out.count
        if n == 0 { return out }
        let p = ElementOperand<F.Input>(x, shape: x.shape)
        let o = out.storage.pointer(F.Output.self)
        ThreadPool.shared.parallelRanges(n, grain: Kernels.parallelGrain) { r in
            if p.step == 0 {
                let v = f.apply(p.base[0])
                for i in r { o[i] = v }
            } else {
                for i in r { o[i] = f.apply(p.base[i]) }
            }
        }
        return out
    }

    /// `f(a, b)` over `shape`, the broadcast of `a` and `b` (both of dtype `F.Input`).
    static func zip<F: BinaryElementFunction>(_ f: F, _ a: Tensor, _ b: Tensor, shape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: F.Output.dtype)
        let n = out.count
        if n == 0 { return out }
        let pa = ElementOperand<F.Input>(a, shape: shape), pb = ElementOperand<F.Input>(b, shape: shape)
        let o = out.storage.pointer(F.Output.self)
        ThreadPool.shared.parallelRanges(n, grain: Kernels.parallelGrain) { r in
            // The common layouts get loops without the stride multiply, which vectorise.
            if pa.step == 1 && pb.step == 1 {
                for i in r { o[i] = f.apply(pa.base[i], pb.base[i]) }
            } else if pa.step == 1 {
                let v = pb.base[0]
                for i in r { o[i] = f.apply(pa.base[i], v) }
            } else if pb.step == 1 {
                let v = pa.base[0]
                for i in r { o[i] = f.apply(v, pb.base[i]) }
            } else {
                let v = f.apply(pa.base[0], pb.base[0])
                for i in r { o[i] = v }
            }
        }
        return out
    }

    /// `f(a, b, c)` over `shape`, the broadcast of the three operands (of dtypes `F.First`,
    /// `F.Second`, `F.Third`).
    static func zip3<F: TernaryElementFunction>(_ f: F, _ a: Tensor, _ b: Tensor, _ c: Tensor, shape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: F.Output.dtype)
        let n = out.count
        if n == 0 { return out }
        let pa = ElementOperand<F.First>(a, shape: shape)
        let pb = ElementOperand<F.Second>(b, shape: shape)
        let pc = ElementOperand<F.Third>(c, shape: shape)
        let o = out.storage.pointer(F.Output.self)
        ThreadPool.shared.parallelRanges(n, grain: Kernels.parallelGrain) { r in
            if pa.step == 1 && pb.step == 1 && pc.step == 1 {
                for i in r { o[i] = f.apply(pa.base[i], pb.base[i], pc.base[i]) }
            } else {
                for i in r { o[i] = f.apply(pa[i], pb[i], pc[i]) }
            }
        }
        return out
    }

    /// Whether any element of the integer tensor `x` is zero (divisions check their divisors).
    static func containsZero(_ x: Tensor) -> Bool {
        struct Scan: IntegerKernel {
            let x: Tensor
            func run<T: IntegerScalar>(_: T.Type) -> Bool {
                let c = x.contiguous()
                let p = c.storage.pointer(T.self) + c.offset
                for i in 0..<c.count where p[i] == 0 { return true }
                return false
            }
        }
        return x.dtype.dispatchInteger(Scan(x: x), op: "containsZero")
    }
}

// MARK: Adapters from the static function protocols of Elementwise.swift

/// A ``FloatUnaryFunction`` at element type `T`.
struct FloatUnary<F: FloatUnaryFunction, T: FloatScalar>: UnaryElementFunction {
    @inline(__always) func apply(_ x: T) -> T { F.apply(x) }
}

/// A test of one floating-point element (`isnan`, `signbit`, …).
protocol FloatPredicateFunction { static func apply<T: FloatScalar>(_ x: T) -> Bool }

/// A ``FloatPredicateFunction`` at element type `T`.
struct FloatPredicate<F: FloatPredicateFunction, T: FloatScalar>: UnaryElementFunction {
    @inline(__always) func apply(_ x: T) -> Bool { F.apply(x) }
}

/// A function of one integer element, generic over every integer type.
protocol IntegerUnaryFunction { static func apply<T: IntegerScalar>(_ x: T) -> T }
/// A function of two integer elements (wrapping where the result does not fit), generic over every integer type.
protocol IntegerBinaryFunction { static func apply<T: IntegerScalar>(_ a: T, _ b: T) -> T }

/// An ``IntegerUnaryFunction`` at element type `T`.
struct IntegerUnary<F: IntegerUnaryFunction, T: IntegerScalar>: UnaryElementFunction {
    @inline(__always) func apply(_ x: T) -> T { F.apply(x) }
}

/// An ``IntegerBinaryFunction`` at element type `T`.
struct IntegerBinary<F: IntegerBinaryFunction, T: IntegerScalar>: BinaryElementFunction {
    @inline(__always) func apply(_ a: T, _ b: T) -> T { F.apply(a, b) }
}

/// A ``FloatBinaryFunction`` at element type `T`.
struct FloatBinary<F: FloatBinaryFunction, T: FloatScalar>: BinaryElementFunction {
    @inline(__always) func apply(_ a: T, _ b: T) -> T { F.apply(a, b) }
}

extension MathKernels {
    /// `F` applied to every element of the integer tensor `x`, keeping its dtype.
    static func integerUnary<F: IntegerUnaryFunction>(_: F.Type, _ x: Tensor, op: String) -> Tensor {
        x.dtype.dispatchInteger(IntegerUnaryRun<F>(x: x), op: op)
    }

    /// `F` applied to the broadcast of the integer tensors `a` and `b` (of one dtype).
    static func integerBinary<F: IntegerBinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, shape: [Int], op: String) -> Tensor {
        a.dtype.dispatchInteger(IntegerBinaryRun<F>(a: a, b: b, shape: shape), op: op)
    }

    /// The predicate `F` of every element of the floating-point tensor `x`, as a bool tensor.
    static func floatPredicate<F: FloatPredicateFunction>(_: F.Type, _ x: Tensor, op: String) -> Tensor {
        // Widening to float32 is exact: the predicate sees the same value.
        if x.dtype.isReducedPrecision { return floatPredicate(F.self, x.detached().cast(to: .float32), op: op) }
        return x.dtype.dispatchFloat(FloatPredicateRun<F>(x: x), op: op)
    }

    /// `F` applied to the broadcast of the floating-point tensors `a` and `b` (of one dtype), on
    /// the thread pool for any layout (``Elementwise/floating(_:_:_:shape:)`` is serial for
    /// broadcast operands).
    static func floatBinary<F: FloatBinaryFunction>(_: F.Type, _ a: Tensor, _ b: Tensor, shape: [Int], op: String) -> Tensor {
        if a.dtype.isReducedPrecision {
            // 16-bit operands: computed in float32, rounded once.
            let wide = floatBinary(F.self, a.detached().cast(to: .float32), b.detached().cast(to: .float32), shape: shape, op: op)
            return wide.dtype == .float32 ? wide.cast(to: a.dtype) : wide
        }
        return a.dtype.dispatchFloat(FloatBinaryRun<F>(a: a, b: b, shape: shape), op: op)
    }
}

private struct IntegerUnaryRun<F: IntegerUnaryFunction>: IntegerKernel {
    let x: Tensor
    func run<T: IntegerScalar>(_: T.Type) -> Tensor { MathKernels.map(IntegerUnary<F, T>(), x) }
}

private struct IntegerBinaryRun<F: IntegerBinaryFunction>: IntegerKernel {
    let a: Tensor, b: Tensor, shape: [Int]
    func run<T: IntegerScalar>(_: T.Type) -> Tensor { MathKernels.zip(IntegerBinary<F, T>(), a, b, shape: shape) }
}

private struct FloatPredicateRun<F: FloatPredicateFunction>: FloatKernel {
    let x: Tensor
    func run<T: FloatScalar>(_: T.Type) -> Tensor { MathKernels.map(FloatPredicate<F, T>(), x) }
}

private struct FloatBinaryRun<F: FloatBinaryFunction>: FloatKernel {
    let a: Tensor, b: Tensor, shape: [Int]
    func run<T: FloatScalar>(_: T.Type) -> Tensor { MathKernels.zip(FloatBinary<F, T>(), a, b, shape: shape) }
}
