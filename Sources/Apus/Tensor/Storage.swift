/// A reference-counted, 64-byte-aligned buffer of elements of one ``DType``.
///
/// Tensors share a storage between views; a tensor that is about to be
/// mutated copies it first unless it holds the only reference (copy-on-write).
@usableFromInline
final class Storage: @unchecked Sendable {
    @usableFromInline let dtype: DType
    @usableFromInline let count: Int
    @usableFromInline let raw: UnsafeMutableRawPointer

    /// Allocates `count` elements of `dtype`, zero-filled.
    init(dtype: DType, count: Int) {
        self.dtype = dtype
        self.count = count
        let bytes = max(count * dtype.byteSize, 1)
        raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        switch dtype {
        case .bool: raw.bindMemory(to: Bool.self, capacity: count)
        case .int64: raw.bindMemory(to: Int64.self, capacity: count)
        case .float32: raw.bindMemory(to: Float.self, capacity: count)
        case .float64: raw.bindMemory(to: Double.self, capacity: count)
        }
    }

    deinit { raw.deallocate() }

    /// Typed pointer to the first element; `T` must match ``dtype``.
    @inlinable
    func pointer<T: TensorScalar>(_: T.Type) -> UnsafeMutablePointer<T> {
        assert(T.dtype == dtype, "storage of \(dtype) read as \(T.dtype)")
        return raw.assumingMemoryBound(to: T.self)
    }

    /// A byte-for-byte copy.
    func copy() -> Storage {
        let other = Storage(dtype: dtype, count: count)
        other.raw.copyMemory(from: raw, byteCount: count * dtype.byteSize)
        return other
    }
}
