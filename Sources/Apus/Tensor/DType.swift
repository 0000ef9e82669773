/// The element type of a ``Tensor``, chosen at run time (as in PyTorch and MLX).
///
/// `float32` is the default for training, `float64` for gradient checks and
/// precision-sensitive work, `int64` for labels and indices, `bool` for masks. `float16` and
/// `bfloat16` store weights and activations in half the memory; arithmetic on them runs in
/// float32 and rounds each result back, as PyTorch does on the CPU. `uint8` holds pixels,
/// `int8`/`int16`/`int32` quantised or compact integer data.
public enum DType: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Booleans, one byte each: the results of comparisons, masks for ``where(_:_:_:)-(Tensor,Tensor,Tensor)``.
    case bool
    /// 8-bit unsigned integers (0…255): image pixels (PyTorch's `torch.uint8`).
    case uint8
    /// 8-bit signed integers (PyTorch's `torch.int8`).
    case int8
    /// 16-bit signed integers (PyTorch's `torch.int16`, `torch.short`).
    case int16
    /// 32-bit signed integers (PyTorch's `torch.int32`, `torch.int`).
    case int32
    /// 64-bit signed integers: class labels, indices, counts (PyTorch's `torch.long`).
    case int64
    /// IEEE 754 half precision: 1 sign, 5 exponent and 10 fraction bits (``Half``; PyTorch's `torch.float16`).
    case float16
    /// Brain floating point: float32's 8 exponent bits with 7 fraction bits (``BFloat16``; PyTorch's `torch.bfloat16`).
    case bfloat16
    /// 32-bit floats: the default for parameters, activations and training.
    case float32
    /// 64-bit floats: gradient checks and computations that need the precision.
    case float64

    /// Size of one element in bytes.
    public var byteSize: Int {
        switch self {
        case .bool, .uint8, .int8: 1
        case .int16, .float16, .bfloat16: 2
        case .int32, .float32: 4
        case .int64, .float64: 8
        }
    }

    /// Whether the type holds real numbers (and so can carry gradients).
    public var isFloatingPoint: Bool {
        switch self {
        case .float16, .bfloat16, .float32, .float64: true
        default: false
        }
    }

    /// The values an integer dtype holds (`-128...127` for int8), nil for bool and floating point.
    public var integerRange: ClosedRange<Int64>? {
        switch self {
        case .uint8: 0...Int64(UInt8.max)
        case .int8: Int64(Int8.min)...Int64(Int8.max)
        case .int16: Int64(Int16.min)...Int64(Int16.max)
        case .int32: Int64(Int32.min)...Int64(Int32.max)
        case .int64: Int64.min...Int64.max
        default: nil
        }
    }

    /// Whether the type holds integers (`uint8` … `int64`; not `bool`).
    public var isIntegral: Bool {
        switch self {
        case .uint8, .int8, .int16, .int32, .int64: true
        default: false
        }
    }

    /// Whether the type is one of the 16-bit floating-point types, stored in half the memory of
    /// float32 and computed in float32.
    public var isReducedPrecision: Bool { self == .float16 || self == .bfloat16 }

    /// The name used in printouts and error messages, as in PyTorch (`float32`, `int64`, `bool`, …).
    public var description: String {
        switch self {
        case .bool: "bool"
        case .uint8: "uint8"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .float16: "float16"
        case .bfloat16: "bfloat16"
        case .float32: "float32"
        case .float64: "float64"
        }
    }

    /// The dtype of a name as PyTorch spells it without `torch.` (`"float32"`, `"int64"`, `"bool"`),
    /// including PyTorch's aliases (`"float"`, `"double"`, `"half"`, `"long"`, `"int"`, `"short"`),
    /// nil for other names.
    public init?(name: String) {
        switch name {
        case "bool": self = .bool
        case "uint8": self = .uint8
        case "int8": self = .int8
        case "int16", "short": self = .int16
        case "int32", "int": self = .int32
        case "int64", "long": self = .int64
        case "float16", "half": self = .float16
        case "bfloat16": self = .bfloat16
        case "float32", "float": self = .float32
        case "float64", "double": self = .float64
        default: return nil
        }
    }

    /// The type both operands of a binary op are converted to: PyTorch's `promote_types`.
    ///
    /// bool < integers < floating point; two integer types give the smallest signed type that
    /// holds both (`uint8` with `int8` gives `int16`), `float16` with `bfloat16` gives `float32`,
    /// otherwise the wider type wins.
    public static func promoted(_ a: DType, _ b: DType) -> DType {
        if a == b { return a }
        if a == .bool { return b }
        if b == .bool { return a }
        if a.isFloatingPoint || b.isFloatingPoint {
            if !b.isFloatingPoint { return a }
            if !a.isFloatingPoint { return b }
            if a.isReducedPrecision && b.isReducedPrecision { return .float32 }
            return a.byteSize >= b.byteSize ? a : b
        }
        // Two different integer types.
        if a == .uint8 || b == .uint8 {
            let other = a == .uint8 ? b : a
            return other == .int8 ? .int16 : other
        }
        return a.byteSize >= b.byteSize ? a : b
    }

    /// The category rank PyTorch's type promotion compares first: bool 0, integers 1, floating point 2.
    var category: Int { self == .bool ? 0 : (isFloatingPoint ? 2 : 1) }
}

/// A Swift type that can be the element of a tensor.
///
/// Conversions between element types follow PyTorch on x86-64: a floating-point value becomes an
/// integer by truncation toward zero, and a value that does not fit (NaN, ±∞, out of range) gives
/// what the processor's conversion gives (the lowest value of int32 or int64, whose low bits
/// narrower types keep); an integer becomes a narrower integer by keeping its low bits (it
/// wraps), and a floating-point number by rounding to nearest; anything becomes a boolean by
/// comparison with zero.
public protocol TensorScalar: Sendable, Equatable {
    /// The run-time dtype this Swift type is stored as.
    static var dtype: DType { get }
    /// Converts from a floating-point value, as PyTorch converts floating-point tensors (see the
    /// protocol's description). Never traps.
    init(fromDouble value: Double)
    /// Converts from an integer value, as PyTorch converts integer tensors: floating-point types
    /// round to nearest, narrower integers keep the low bits, booleans test `!= 0`.
    init(fromInt64 value: Int64)
    /// The value as a double (integers beyond 2⁵³ round).
    var doubleValue: Double { get }
    /// The value as an int64: integers exactly, booleans 0 or 1, floating-point values as
    /// `Int64(fromDouble:)` converts them.
    var int64Value: Int64 { get }
}

extension TensorScalar {
    /// `value` converted to this type as PyTorch converts between dtypes: through its integer
    /// value when `S` is an integer or boolean type, through its floating-point value otherwise.
    @inline(__always)
    init<S: TensorScalar>(converting value: S) {
        if S.dtype.isFloatingPoint { self.init(fromDouble: value.doubleValue) } else { self.init(fromInt64: value.int64Value) }
    }
}

/// A floating-point tensor element: the types that kernels with math functions run on.
public protocol FloatScalar: TensorScalar, BinaryFloatingPoint, SIMDScalar {
    /// `eˣ`, from the C library at this type's precision (`expf` for `Float`).
    static func exp(_ x: Self) -> Self
    /// The natural logarithm `ln x` (−∞ at 0, NaN below 0).
    static func log(_ x: Self) -> Self
    /// The hyperbolic tangent `(eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)`, in (−1, 1).
    static func tanh(_ x: Self) -> Self
    /// `x` raised to the power `y` (C's `pow`: NaN for a negative `x` and a non-integer `y`).
    static func pow(_ x: Self, _ y: Self) -> Self
    /// The sine of `x` radians.
    static func sin(_ x: Self) -> Self
    /// The cosine of `x` radians.
    static func cos(_ x: Self) -> Self
    /// The tangent of `x` radians.
    static func tan(_ x: Self) -> Self
    /// The arcsine of `x`, in [−π/2, π/2] (NaN outside [−1, 1]).
    static func asin(_ x: Self) -> Self
    /// The arccosine of `x`, in [0, π] (NaN outside [−1, 1]).
    static func acos(_ x: Self) -> Self
    /// The arctangent of `x`, in (−π/2, π/2).
    static func atan(_ x: Self) -> Self
    /// The angle of the point `(x, y)`: the arctangent of `y/x` in (−π, π], with the quadrant from both signs.
    static func atan2(_ y: Self, _ x: Self) -> Self
    /// The hyperbolic sine `(eˣ − e⁻ˣ)/2`.
    static func sinh(_ x: Self) -> Self
    /// The hyperbolic cosine `(eˣ + e⁻ˣ)/2`.
    static func cosh(_ x: Self) -> Self
    /// The inverse hyperbolic sine.
    static func asinh(_ x: Self) -> Self
    /// The inverse hyperbolic cosine (NaN below 1).
    static func acosh(_ x: Self) -> Self
    /// The inverse hyperbolic tangent (±∞ at ±1, NaN outside [−1, 1]).
    static func atanh(_ x: Self) -> Self
    /// `2ˣ`.
    static func exp2(_ x: Self) -> Self
    /// `eˣ − 1`, accurate for small `x`.
    static func expm1(_ x: Self) -> Self
    /// The base-2 logarithm.
    static func log2(_ x: Self) -> Self
    /// The base-10 logarithm.
    static func log10(_ x: Self) -> Self
    /// `ln(1 + x)`, accurate for small `x`.
    static func log1p(_ x: Self) -> Self
    /// The error function `erf x = 2/√π ∫₀ˣ e^(−t²) dt`.
    static func erf(_ x: Self) -> Self
    /// The complementary error function `1 − erf x`, accurate where erf x is near 1.
    static func erfc(_ x: Self) -> Self
    /// `√(x² + y²)` without undue overflow or underflow.
    static func hypot(_ x: Self, _ y: Self) -> Self
    /// C's `fmod`: `x − n·y` with `n = trunc(x/y)` computed exactly; the result has the sign of `x`.
    static func fmod(_ x: Self, _ y: Self) -> Self
}

/// `Float` is the element of `float32` tensors, the default for training.
extension Float: FloatScalar {
    public static var dtype: DType { .float32 }
    @inlinable public init(fromDouble value: Double) { self = Float(value) }
    @inlinable public init(fromInt64 value: Int64) { self = Float(value) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(fromDouble: Double(self)) }
    @inlinable public static func exp(_ x: Float) -> Float { expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { logf(x) }
    @inlinable public static func tanh(_ x: Float) -> Float { tanhf(x) }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { powf(x, y) }
    @inlinable public static func sin(_ x: Float) -> Float { sinf(x) }
    @inlinable public static func cos(_ x: Float) -> Float { cosf(x) }
    @inlinable public static func tan(_ x: Float) -> Float { tanf(x) }
    @inlinable public static func asin(_ x: Float) -> Float { asinf(x) }
    @inlinable public static func acos(_ x: Float) -> Float { acosf(x) }
    @inlinable public static func atan(_ x: Float) -> Float { atanf(x) }
    @inlinable public static func atan2(_ x: Float, _ y: Float) -> Float { atan2f(x, y) }
    @inlinable public static func sinh(_ x: Float) -> Float { sinhf(x) }
    @inlinable public static func cosh(_ x: Float) -> Float { coshf(x) }
    @inlinable public static func asinh(_ x: Float) -> Float { asinhf(x) }
    @inlinable public static func acosh(_ x: Float) -> Float { acoshf(x) }
    @inlinable public static func atanh(_ x: Float) -> Float { atanhf(x) }
    @inlinable public static func exp2(_ x: Float) -> Float { exp2f(x) }
    @inlinable public static func expm1(_ x: Float) -> Float { expm1f(x) }
    @inlinable public static func log2(_ x: Float) -> Float { log2f(x) }
    @inlinable public static func log10(_ x: Float) -> Float { log10f(x) }
    @inlinable public static func log1p(_ x: Float) -> Float { log1pf(x) }
    @inlinable public static func erf(_ x: Float) -> Float { erff(x) }
    @inlinable public static func erfc(_ x: Float) -> Float { erfcf(x) }
    @inlinable public static func hypot(_ x: Float, _ y: Float) -> Float { hypotf(x, y) }
    @inlinable public static func fmod(_ x: Float, _ y: Float) -> Float { fmodf(x, y) }
}

/// `Double` is the element of `float64` tensors (gradient checks, precision-sensitive work).
extension Double: FloatScalar {
    public static var dtype: DType { .float64 }
    @inlinable public init(fromDouble value: Double) { self = value }
    @inlinable public init(fromInt64 value: Int64) { self = Double(value) }
    @inlinable public var doubleValue: Double { self }
    @inlinable public var int64Value: Int64 { Int64(fromDouble: self) }
    @inlinable public static func exp(_ x: Double) -> Double { Foundation.exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { Foundation.log(x) }
    @inlinable public static func tanh(_ x: Double) -> Double { Foundation.tanh(x) }
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    @inlinable public static func sin(_ x: Double) -> Double { Foundation.sin(x) }
    @inlinable public static func cos(_ x: Double) -> Double { Foundation.cos(x) }
    @inlinable public static func tan(_ x: Double) -> Double { Foundation.tan(x) }
    @inlinable public static func asin(_ x: Double) -> Double { Foundation.asin(x) }
    @inlinable public static func acos(_ x: Double) -> Double { Foundation.acos(x) }
    @inlinable public static func atan(_ x: Double) -> Double { Foundation.atan(x) }
    @inlinable public static func atan2(_ x: Double, _ y: Double) -> Double { Foundation.atan2(x, y) }
    @inlinable public static func sinh(_ x: Double) -> Double { Foundation.sinh(x) }
    @inlinable public static func cosh(_ x: Double) -> Double { Foundation.cosh(x) }
    @inlinable public static func asinh(_ x: Double) -> Double { Foundation.asinh(x) }
    @inlinable public static func acosh(_ x: Double) -> Double { Foundation.acosh(x) }
    @inlinable public static func atanh(_ x: Double) -> Double { Foundation.atanh(x) }
    @inlinable public static func exp2(_ x: Double) -> Double { Foundation.exp2(x) }
    @inlinable public static func expm1(_ x: Double) -> Double { Foundation.expm1(x) }
    @inlinable public static func log2(_ x: Double) -> Double { Foundation.log2(x) }
    @inlinable public static func log10(_ x: Double) -> Double { Foundation.log10(x) }
    @inlinable public static func log1p(_ x: Double) -> Double { Foundation.log1p(x) }
    @inlinable public static func erf(_ x: Double) -> Double { Foundation.erf(x) }
    @inlinable public static func erfc(_ x: Double) -> Double { Foundation.erfc(x) }
    @inlinable public static func hypot(_ x: Double, _ y: Double) -> Double { Foundation.hypot(x, y) }
    @inlinable public static func fmod(_ x: Double, _ y: Double) -> Double { Foundation.fmod(x, y) }
}

/// `Int64` is the element of `int64` tensors: labels and indices.
extension Int64: TensorScalar {
    public static var dtype: DType { .int64 }
    /// Truncates toward zero; NaN, ±∞ and values beyond the int64 range give `Int64.min`, as
    /// x86-64's conversion (and so PyTorch) does (Swift's `Int64(_:)` would trap on them).
    @inlinable public init(fromDouble value: Double) { self = truncatedToInt64(value) }
    @inlinable public init(fromInt64 value: Int64) { self = value }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { self }
}

/// `Bool` is the element of `bool` tensors: masks and comparison results.
extension Bool: TensorScalar {
    public static var dtype: DType { .bool }
    @inlinable public init(fromDouble value: Double) { self = value != 0 }
    @inlinable public init(fromInt64 value: Int64) { self = value != 0 }
    @inlinable public var doubleValue: Double { self ? 1 : 0 }
    @inlinable public var int64Value: Int64 { self ? 1 : 0 }
}

import Foundation
