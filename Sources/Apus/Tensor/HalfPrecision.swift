import CApusKernels

// The 16-bit floating-point element types. They are storage formats: Apus computes with them in
// float32 and rounds each result back to 16 bits (to nearest even), as PyTorch does on the CPU,
// so a float16 tensor takes half the memory of a float32 one and gives PyTorch's numbers.

/// An IEEE 754 half-precision number (1 sign, 5 exponent, 10 fraction bits), the element of
/// `float16` tensors. Finite values lie within ±65504; the smallest positive one is 2⁻²⁴.
///
/// A storage type of its own rather than Swift's `Float16`, which is not available on every
/// platform Apus builds for (macOS on Intel).
@frozen
public struct Half: TensorScalar, Hashable, Comparable, CustomStringConvertible {
    /// The 16 bits as stored.
    public var bitPattern: UInt16

    /// The number whose IEEE 754 binary16 encoding is `bitPattern`.
    @inlinable public init(bitPattern: UInt16) { self.bitPattern = bitPattern }
    /// `value` rounded to the nearest half-precision number (ties to even; beyond ±65520 it is ±∞).
    @inlinable public init(_ value: Float) { bitPattern = apus_f32_to_f16_one(value) }
    /// The value as a float (exact).
    @inlinable public var floatValue: Float { apus_f16_to_f32_one(bitPattern) }

    public static var dtype: DType { .float16 }
    /// Rounds through float32, as PyTorch converts a double to half precision.
    @inlinable public init(fromDouble value: Double) { self.init(Float(value)) }
    /// Rounds through float32, as PyTorch converts an integer to half precision.
    @inlinable public init(fromInt64 value: Int64) { self.init(Float(value)) }
    @inlinable public var doubleValue: Double { Double(floatValue) }
    @inlinable public var int64Value: Int64 { truncatedToInt64(doubleValue) }

    /// Equal as numbers: NaN equals nothing, −0 equals +0.
    @inlinable public static func == (a: Half, b: Half) -> Bool { a.floatValue == b.floatValue }
    /// Ordered as numbers (false for NaN on either side).
    @inlinable public static func < (a: Half, b: Half) -> Bool { a.floatValue < b.floatValue }
    /// Hashes the numeric value, so that −0 and +0 hash alike.
    public func hash(into hasher: inout Hasher) { hasher.combine(floatValue) }
    /// The value as a float prints it.
    public var description: String { floatValue.description }
}

/// A bfloat16 number (float32's sign and 8 exponent bits, 7 fraction bits), the element of
/// `bfloat16` tensors: float32's range with about three significant decimal digits.
@frozen
public struct BFloat16: TensorScalar, Hashable, Comparable, CustomStringConvertible {
    /// The 16 bits as stored: the upper half of a float32.
    public var bitPattern: UInt16

    /// The number whose encoding is `bitPattern`.
    @inlinable public init(bitPattern: UInt16) { self.bitPattern = bitPattern }
    /// `value` rounded to the nearest bfloat16 (ties to even; NaN stays NaN).
    @inlinable public init(_ value: Float) { bitPattern = apus_f32_to_bf16_one(value) }
    /// The value as a float (exact).
    @inlinable public var floatValue: Float { apus_bf16_to_f32_one(bitPattern) }

    public static var dtype: DType { .bfloat16 }
    /// Rounds through float32, as PyTorch converts a double to bfloat16.
    @inlinable public init(fromDouble value: Double) { self.init(Float(value)) }
    /// Rounds through float32, as PyTorch converts an integer to bfloat16.
    @inlinable public init(fromInt64 value: Int64) { self.init(Float(value)) }
    @inlinable public var doubleValue: Double { Double(floatValue) }
    @inlinable public var int64Value: Int64 { truncatedToInt64(doubleValue) }

    /// Equal as numbers: NaN equals nothing, −0 equals +0.
    @inlinable public static func == (a: BFloat16, b: BFloat16) -> Bool { a.floatValue == b.floatValue }
    /// Ordered as numbers (false for NaN on either side).
    @inlinable public static func < (a: BFloat16, b: BFloat16) -> Bool { a.floatValue < b.floatValue }
    /// Hashes the numeric value, so that −0 and +0 hash alike.
    public func hash(into hasher: inout Hasher) { hasher.combine(floatValue) }
    /// The value as a float prints it.
    public var description: String { floatValue.description }
}
