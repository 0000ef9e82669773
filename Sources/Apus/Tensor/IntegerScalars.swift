// The narrow integer element types (uint8, int8, int16, int32) and the float → integer
// conversions they share with int64, as PyTorch performs them on x86-64.

/// `value` truncated toward zero to an int64; NaN, ±∞ and values outside the int64 range give
/// `Int64.min`, the "integer indefinite" of x86-64's `cvttsd2si`, which is what PyTorch returns.
@inlinable
func truncatedToInt64(_ value: Double) -> Int64 {
    guard value >= -0x1p63, value < 0x1p63 else { return .min }  // also false for NaN
    return Int64(value)
}

/// `value` truncated toward zero to an int32, `Int32.min` when it does not fit (x86-64's `cvttss2si`).
@inlinable
func truncatedToInt32(_ value: Double) -> Int32 {
    guard value > -0x1p31 - 1, value < 0x1p31 else { return .min }
    return Int32(value)
}

/// `UInt8` is the element of `uint8` tensors: image pixels.
extension UInt8: TensorScalar {
    public static var dtype: DType { .uint8 }
    /// PyTorch converts floating-point values to uint8 through int64 (so −1.0 gives 255).
    @inlinable public init(fromDouble value: Double) { self = UInt8(truncatingIfNeeded: truncatedToInt64(value)) }
    @inlinable public init(fromInt64 value: Int64) { self = UInt8(truncatingIfNeeded: value) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(self) }
}

/// `Int8` is the element of `int8` tensors.
extension Int8: TensorScalar {
    public static var dtype: DType { .int8 }
    /// Truncates through int32 (300.5 gives 44, 1e10 gives 0), as PyTorch does on x86-64.
    @inlinable public init(fromDouble value: Double) { self = Int8(truncatingIfNeeded: truncatedToInt32(value)) }
    @inlinable public init(fromInt64 value: Int64) { self = Int8(truncatingIfNeeded: value) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(self) }
}

/// `Int16` is the element of `int16` tensors.
extension Int16: TensorScalar {
    public static var dtype: DType { .int16 }
    /// Truncates through int32, as PyTorch does on x86-64.
    @inlinable public init(fromDouble value: Double) { self = Int16(truncatingIfNeeded: truncatedToInt32(value)) }
    @inlinable public init(fromInt64 value: Int64) { self = Int16(truncatingIfNeeded: value) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(self) }
}

/// `Int32` is the element of `int32` tensors.
extension Int32: TensorScalar {
    public static var dtype: DType { .int32 }
    /// Truncates toward zero; values that do not fit give `Int32.min`, as PyTorch on x86-64.
    @inlinable public init(fromDouble value: Double) { self = truncatedToInt32(value) }
    @inlinable public init(fromInt64 value: Int64) { self = Int32(truncatingIfNeeded: value) }
    @inlinable public var doubleValue: Double { Double(self) }
    @inlinable public var int64Value: Int64 { Int64(self) }
}

/// The integer element types (`uint8` … `int64`): what bitwise ops, integer division and other
/// integer-only kernels run on, written once over this protocol.
public protocol IntegerScalar: NumericScalar, FixedWidthInteger {}
extension UInt8: IntegerScalar {}
extension Int8: IntegerScalar {}
extension Int16: IntegerScalar {}
extension Int32: IntegerScalar {}
extension Int64: IntegerScalar {}
