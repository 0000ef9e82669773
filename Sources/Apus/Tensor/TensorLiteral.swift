/// A nested array literal of numbers or booleans: `[[1, 2], [3, 4]]`.
///
/// Float literals make a `float32` tensor, integer-only literals `int64`, booleans `bool`,
/// as `torch.tensor` does.
public indirect enum TensorLiteral: ExpressibleByArrayLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, Sendable
{
    /// An integer element; a literal of integers only makes an `int64` tensor.
    case integer(Int)
    /// A number with a fraction or exponent; one of them makes the whole literal `float32`.
    case real(Double)
    /// `true` or `false`; a literal of booleans only makes a `bool` tensor.
    case boolean(Bool)
    /// One dimension: the nested literals along it, all of the same shape.
    case array([TensorLiteral])

    /// `[a, b, …]`: one dimension of the tensor.
    public init(arrayLiteral elements: TensorLiteral...) { self = .array(elements) }
    /// An integer element, as in `[1, 2]`.
    public init(integerLiteral value: Int) { self = .integer(value) }
    /// A floating-point element, as in `[1.5, 2]`.
    public init(floatLiteral value: Double) { self = .real(value) }
    /// A boolean element, as in `[true, false]`.
    public init(booleanLiteral value: Bool) { self = .boolean(value) }

    /// Shape, flattened values (also as exact integers, for int64 results) and the dtype the literal implies.
    func flatten() -> (shape: [Int], values: [Double], integers: [Int64], dtype: DType) {
        var values: [Double] = []
        var integers: [Int64] = []
        var kind = DType.bool
        var sawScalar = false
        func visit(_ lit: TensorLiteral, depth: Int, shape: inout [Int]?) -> [Int] {
            switch lit {
            case .integer(let v):
                values.append(Double(v)); integers.append(Int64(v)); kind = DType.promoted(kind, .int64); sawScalar = true; return []
            case .real(let v):
                values.append(v); integers.append(0); kind = DType.promoted(kind, .float32); sawScalar = true; return []
            case .boolean(let v):
                values.append(v ? 1 : 0); integers.append(v ? 1 : 0); sawScalar = true; return []
            case .array(let items):
                var inner: [Int]? = nil
                for item in items {
                    var dummy: [Int]? = nil
                    let s = visit(item, depth: depth + 1, shape: &dummy)
                    if let inner { require(inner == s, "Tensor literal: ragged nested array (rows of shapes \(inner) and \(s))") }
                    inner = s
                }
                return [items.count] + (inner ?? [])
            }
        }
        var none: [Int]? = nil
        let shape = visit(self, depth: 0, shape: &none)
        if !sawScalar { kind = .float32 }
        return (shape, values, integers, kind)
    }
}

extension Tensor: ExpressibleByArrayLiteral, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// A tensor written as a nested array literal, `let x: Tensor = [[1, 2], [3, 4]]`: `int64` for integers only,
    /// `float32` when any element has a fraction, `bool` for booleans.
    public init(arrayLiteral elements: TensorLiteral...) { self.init(.array(elements)) }
    /// A 0-d `float32` tensor from a number literal, as in `x * 0.5`; combined with another tensor it takes that
    /// tensor's dtype, so `0.5` does not turn a `float64` tensor into `float32`.
    public init(floatLiteral value: Double) { self.init(.real(value)); scalarLiteral = value }
    /// A 0-d `int64` tensor from an integer literal; combined with another tensor it takes that tensor's dtype.
    public init(integerLiteral value: Int) { self.init(.integer(value)); scalarLiteral = Double(value) }

    /// A tensor from a nested literal, e.g. `Tensor([[1, 2], [3, 4]], dtype: .float64)`.
    public init(_ literal: TensorLiteral, dtype: DType? = nil) {
        let (shape, values, integers, inferred) = literal.flatten()
        let resolved = dtype ?? inferred
        if resolved == .int64 && inferred != .float32 {
            // Exact integers: a double holds them only up to 2^53.
            self.init(scalars: integers, shape: shape)
        } else {
            self.init(shape: shape, values: values, dtype: resolved)
        }
    }

    /// A tensor of `shape` holding `values` (row-major) converted to `dtype`.
    public init(shape: [Int], values: [Double], dtype: DType = .float32) {
        require(shape.reduce(1, *) == values.count,
                     "Tensor(shape:values:): \(values.count) values do not fill shape \(shape)")
        self.init(scalars: values, shape: shape)
        if dtype != .float64 { self = Kernels.cast(self, to: dtype) }
    }

    /// A tensor holding `scalars` (row-major), with the dtype of the Swift element type.
    ///
    /// `shape` defaults to one dimension of `scalars.count`.
    public init<S: TensorScalar>(scalars: [S], shape: [Int]? = nil) {
        let shape = shape ?? [scalars.count]
        require(shape.reduce(1, *) == scalars.count,
                     "Tensor(scalars:shape:): \(scalars.count) scalars do not fill shape \(shape)")
        self.init(uninitialized: shape, dtype: S.dtype)
        let p = storage.pointer(S.self)
        scalars.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { p.update(from: base, count: src.count) }
        }
    }

    /// A tensor of `shape` and element type `type` whose elements `body` writes, row-major, straight
    /// into the new storage (as `Array(unsafeUninitializedCapacity:)`): a data loader decodes a
    /// file into a tensor without an intermediate array. `body` must write every element.
    public init<S: TensorScalar>(shape: [Int], of type: S.Type,
                                 initializingWith body: (UnsafeMutableBufferPointer<S>) throws -> Void) rethrows {
        require(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:of:initializingWith:): negative size in \(shape)")
        self.init(uninitialized: shape, dtype: S.dtype)
        try body(UnsafeMutableBufferPointer(start: storage.pointer(S.self), count: shape.reduce(1, *)))
    }

    /// A zero-dimensional tensor holding one value.
    public init(scalar: Double, dtype: DType = .float32) {
        self.init(shape: [], values: [scalar], dtype: dtype)
    }
}
