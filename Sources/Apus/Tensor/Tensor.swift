/// An n-dimensional array with a run-time ``DType``, value semantics and optional gradient tracking.
///
/// A `Tensor` is a view — shape, strides and an offset — onto a shared storage buffer.
/// Reshaping, transposing, slicing and broadcasting make new views without copying;
/// mutation copies the storage first unless this tensor holds the only reference to it,
/// so a tensor never changes because another one did (copy-on-write).
///
/// When ``requiresGrad`` is set, every operation records how it was computed and
/// ``backward(_:retainGraph:)`` fills ``grad`` of the leaves, as in PyTorch.
public struct Tensor: @unchecked Sendable {
    @usableFromInline var storage: Storage
    /// Extent of each dimension.
    public internal(set) var shape: [Int]
    /// Elements to skip in storage to move one step along each dimension.
    public internal(set) var strides: [Int]
    /// Index in storage of the first element.
    @usableFromInline var offset: Int
    /// The autograd node: a leaf accumulator or the op that produced this tensor.
    @usableFromInline var node: GradNode?
    /// The exact number when this tensor was written as a number literal (see ``literalNumber``).
    var scalarLiteral: Double? = nil

    @usableFromInline
    init(storage: Storage, shape: [Int], strides: [Int]? = nil, offset: Int = 0, node: GradNode? = nil) {
        self.storage = storage
        self.shape = shape
        self.strides = strides ?? Tensor.contiguousStrides(for: shape)
        self.offset = offset
        self.node = node
    }

    /// A new contiguous tensor whose elements the caller must all write (kernel outputs).
    @usableFromInline
    init(uninitialized shape: [Int], dtype: DType) {
        self.init(shape: shape, dtype: dtype, zeroed: false)
    }

    /// A new contiguous tensor, zero-filled when `zeroed`.
    init(shape: [Int], dtype: DType, zeroed: Bool) {
        for d in shape { require(d >= 0, "Tensor: negative dimension in shape \(shape)") }
        self.init(storage: Storage(dtype: dtype, count: shape.reduce(1, *), zeroed: zeroed), shape: shape)
    }

    /// The element type.
    public var dtype: DType { storage.dtype }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Total number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Row-major strides of a contiguous tensor of `shape`.
    static func contiguousStrides(for shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = running
            running *= Swift.max(shape[i], 1)
        }
        return strides
    }

    /// Whether elements lie in storage in row-major order without gaps (always, for a tensor
    /// without elements: its strides are never used, as in PyTorch).
    public var isContiguous: Bool {
        if shape.contains(0) { return true }
        var expected = 1
        for i in stride(from: rank - 1, through: 0, by: -1) where shape[i] != 1 {
            if strides[i] != expected { return false }
            expected *= shape[i]
        }
        return true
    }

    /// Resolves a possibly negative axis against `rank`, stopping with a message naming `op`.
    func normalizedAxis(_ axis: Int, op: String, rank r: Int? = nil) -> Int {
        let r = r ?? rank
        let a = axis < 0 ? axis + r : axis
        require(a >= 0 && a < r, "\(op): axis \(axis) out of range for tensor of shape \(shape)")
        return a
    }

    // MARK: Reading values

    /// Storage offset of the element at a multi-index.
    func storageIndex(_ index: [Int]) -> Int {
        require(index.count == rank, "Tensor: index \(index) has \(index.count) components, tensor has shape \(shape)")
        var o = offset
        for (i, v) in index.enumerated() {
            require(v >= 0 && v < shape[i], "Tensor: index \(index) out of bounds for shape \(shape)")
            o += v * strides[i]
        }
        return o
    }

    /// The single element of a one-element tensor, as a double.
    public func item() -> Double {
        require(count == 1, "item(): tensor of shape \(shape) has \(count) elements, expected 1")
        return element(atStorageIndex: offset)
    }

    /// The element at a multi-index, as a double.
    public func value(at index: [Int]) -> Double {
        element(atStorageIndex: storageIndex(index))
    }

    func element(atStorageIndex i: Int) -> Double {
        struct Read: TypedKernel {
            let storage: Storage, i: Int
            func run<T: TensorScalar>(_: T.Type) -> Double { storage.pointer(T.self)[i].doubleValue }
        }
        return dtype.dispatch(Read(storage: storage, i: i))
    }

    /// All elements in row-major order, converted to `type`.
    public func toArray<S: TensorScalar>(as type: S.Type) -> [S] {
        let c = S.dtype == dtype ? contiguous() : cast(to: S.dtype).contiguous()
        let p = c.storage.pointer(S.self) + c.offset
        return Array(UnsafeBufferPointer(start: p, count: c.count))
    }

    /// All elements in row-major order as doubles.
    public func toDoubles() -> [Double] { toArray(as: Double.self) }

    /// The element at a multi-index, written in place (copy-on-write).
    public mutating func setValue(_ value: Double, at index: [Int]) {
        checkMutable(op: "setValue(_:at:)")
        makeStorageUnique()
        struct Write: TypedKernel {
            let storage: Storage, i: Int, value: Double
            func run<T: TensorScalar>(_: T.Type) { storage.pointer(T.self)[i] = T(fromDouble: value) }
        }
        dtype.dispatch(Write(storage: storage, i: storageIndex(index), value: value))
    }

    // MARK: Copy-on-write

    /// Ensures this tensor is the only owner of its storage, copying it if needed.
    mutating func makeStorageUnique() {
        scalarLiteral = nil  // about to be written: no longer the literal's value
        if !isKnownUniquelyReferenced(&storage) {
            storage = storage.copy()
        } else if storage.derived != nil {
            // About to change: forms computed from the old contents go (no other tensor holds
            // the storage, so no other thread is reading them).
            storage.derived = nil
        }
    }

    /// The number this tensor was written as, when it is an untracked number literal.
    ///
    /// In `x * 0.1` Swift picks the `(Tensor, Tensor)` operator and makes `0.1` a float32 tensor;
    /// ops use this value instead so that the literal acts like a Swift number operand
    /// (``scalarTensor(_:like:)``): it takes the other operand's dtype and is not rounded to float32.
    var literalNumber: Double? { node == nil ? scalarLiteral : nil }

    /// Stops with a clear message when an in-place write would change a tensor autograd records.
    func checkMutable(op: String) {
        if node != nil && GradMode.isEnabled {
            fatalError("""
                \(op): in-place mutation of a tensor that requires grad (shape \(shape)) while gradients \
                are recorded; mutate inside noGrad { } or on x.detached()
                """)
        }
    }

    /// A contiguous tensor with the same values (self when already contiguous).
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        var out = Tensor(uninitialized: shape, dtype: dtype)
        Kernels.copy(from: self, into: &out)
        return recordUnary("contiguous", self, out) { g in g }
    }
}

extension Tensor: Equatable {
    /// Two tensors are equal when they have the same dtype, shape and elements.
    public static func == (lhs: Tensor, rhs: Tensor) -> Bool {
        lhs.dtype == rhs.dtype && lhs.shape == rhs.shape && lhs.toDoubles() == rhs.toDoubles()
    }
}
