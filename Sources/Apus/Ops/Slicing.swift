// Basic indexing: slices and single indices as views, `x[0, 1..<3, .all]`, and assignment into them.
// Tensor components (`x[mask]`, `x[.all, indices]`) are advanced indexing: AdvancedIndexing.swift.

/// One component of a subscript: an index, a range, a strided range, everything, a new axis, or
/// a tensor of indices or a mask.
public enum TensorIndex: Sendable {
    /// One position (removes the dimension); negative counts from the end.
    case at(Int)
    /// Positions `start..<end` with a step (ends clamp, as in Python slicing).
    case slice(start: Int?, end: Int?, step: Int)
    /// The whole dimension.
    case all
    /// Inserts a dimension of size 1.
    case newAxis
    /// Advanced indexing (PyTorch's): an int64 tensor picks positions along one axis (negative
    /// ones count from the end) and puts its own shape in the result; a bool mask over `k` axes
    /// picks the positions where it is true (as their `nonzero` indices). The result is a copy.
    /// See ``Tensor/subscript(_:)``.
    case tensor(Tensor)
}

/// Anything usable inside a tensor subscript: `Int`, ranges, ``TensorIndex``.
public protocol TensorIndexConvertible {
    /// The subscript component this value stands for: `2` is `.at(2)`, `1..<3` is
    /// `.slice(start: 1, end: 3, step: 1)`.
    var tensorIndex: TensorIndex { get }
}

extension TensorIndex: TensorIndexConvertible {
    /// The index itself.
    public var tensorIndex: TensorIndex { self }
}

/// What `.all`, `.newAxis`, `.at(i)` and `.slice(…)` mean among other subscript components,
/// as in `x[.all, 2]`: there the contextual type is `any TensorIndexConvertible`, whose
/// implicit members come from the constrained extension below (the same names on
/// ``TensorIndex`` itself would clash with its cases).
public struct TensorIndexShorthand: TensorIndexConvertible, Sendable {
    /// The component that `.all`, `.newAxis`, `.at(i)` or `.slice(…)` named.
    public let tensorIndex: TensorIndex
}

extension TensorIndexConvertible where Self == TensorIndexShorthand {
    /// The whole dimension.
    public static var all: TensorIndexShorthand { TensorIndexShorthand(tensorIndex: .all) }
    /// Inserts a dimension of size 1.
    public static var newAxis: TensorIndexShorthand { TensorIndexShorthand(tensorIndex: .newAxis) }
    /// One position (removes the dimension); negative counts from the end.
    public static func at(_ i: Int) -> TensorIndexShorthand { TensorIndexShorthand(tensorIndex: .at(i)) }
    /// Positions `start..<end` with a step (ends clamp, as in Python slicing).
    public static func slice(start: Int? = nil, end: Int? = nil, step: Int = 1) -> TensorIndexShorthand {
        TensorIndexShorthand(tensorIndex: .slice(start: start, end: end, step: step))
    }
}

/// An integer in a subscript picks one position and removes the dimension: `x[0]`, `x[-1]`.
extension Int: TensorIndexConvertible {
    /// `.at(self)`: one position; negative counts from the end.
    public var tensorIndex: TensorIndex { .at(self) }
}
/// A range in a subscript keeps the dimension: `x[1..<3]` is a view of rows 1 and 2.
extension Range<Int>: TensorIndexConvertible {
    /// `.slice(start: lowerBound, end: upperBound, step: 1)`.
    public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: upperBound, step: 1) }
}
/// A closed range in a subscript includes its upper bound: `x[1...3]` is rows 1, 2 and 3.
extension ClosedRange<Int>: TensorIndexConvertible {
    /// `.slice(start: lowerBound, end: upperBound + 1, step: 1)`.
    public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: upperBound + 1, step: 1) }
}
/// `x[2...]`: from position 2 to the end of the dimension.
extension PartialRangeFrom<Int>: TensorIndexConvertible {
    /// `.slice(start: lowerBound, end: nil, step: 1)`.
    public var tensorIndex: TensorIndex { .slice(start: lowerBound, end: nil, step: 1) }
}
/// `x[..<2]`: the first two positions of the dimension.
extension PartialRangeUpTo<Int>: TensorIndexConvertible {
    /// `.slice(start: nil, end: upperBound, step: 1)`.
    public var tensorIndex: TensorIndex { .slice(start: nil, end: upperBound, step: 1) }
}
/// `x[...2]`: positions 0 through 2 of the dimension.
extension PartialRangeThrough<Int>: TensorIndexConvertible {
    /// `.slice(start: nil, end: upperBound + 1, step: 1)`.
    public var tensorIndex: TensorIndex { .slice(start: nil, end: upperBound + 1, step: 1) }
}
/// A stride in a subscript selects every n-th position: `x[stride(from: 0, to: 10, by: 2)]`.
extension StrideTo<Int>: TensorIndexConvertible {
    /// `stride(from: 0, to: 10, by: 2)` selects every second position.
    public var tensorIndex: TensorIndex {
        var it = makeIterator()
        let first = it.next()
        let second = it.next()
        let step = first.flatMap { f in second.map { $0 - f } } ?? 1
        // Empty strides become an empty slice.
        guard let f = first else { return .slice(start: 0, end: 0, step: 1) }
        let last = Array(self).last!
        return .slice(start: f, end: last + 1, step: step)
    }
}

extension Tensor {
    /// A view of `self` along `axis`: positions `start..<end` every `step` (Python slice rules).
    public func slice(axis: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) -> Tensor {
        let a = normalizedAxis(axis, op: "slice")
        require(step > 0, "slice: step must be positive, got \(step)")
        let n = shape[a]
        func clamp(_ v: Int?, _ default: Int) -> Int {
            guard let v else { return `default` }
            return Swift.min(Swift.max(v < 0 ? v + n : v, 0), n)
        }
        let lo = clamp(start, 0), hi = Swift.max(clamp(end, n), clamp(start, 0))
        var s = shape, st = strides
        s[a] = (hi - lo + step - 1) / step
        st[a] = strides[a] * step
        let out = Tensor(storage: storage, shape: s, strides: st, offset: offset + lo * strides[a])
        let inShape = shape
        return recordUnary("slice", self, out) { g in
            Tensor.scatteredIntoZeros(g, shape: inShape) { $0.slice(axis: a, start: lo, end: hi, step: step) }
        }
    }

    /// The sub-tensor at `index` along `axis`, with that dimension removed.
    public func select(axis: Int, index: Int) -> Tensor {
        let a = normalizedAxis(axis, op: "select")
        let i = index < 0 ? index + shape[a] : index
        require(i >= 0 && i < shape[a], "select: index \(index) out of range for axis \(axis) of shape \(shape)")
        var s = shape, st = strides
        s.remove(at: a); st.remove(at: a)
        let out = Tensor(storage: storage, shape: s, strides: st, offset: offset + i * strides[a])
        let inShape = shape
        return recordUnary("select", self, out) { g in
            Tensor.scatteredIntoZeros(g, shape: inShape) { $0.select(axis: a, index: i) }
        }
    }

    /// Zeros of `shape` with `g` written into the view `region` picks: the backward of every view op.
    static func scatteredIntoZeros(_ g: Tensor, shape: [Int], region: (Tensor) -> Tensor) -> Tensor {
        var base = Tensor.zeros(shape, dtype: g.dtype)
        var view = noGrad { region(base) }
        Kernels.copy(from: g.contiguous(), into: &view)
        base.node = nil
        return base
    }

    /// Applies subscript components left to right (no autograd bookkeeping beyond the ops used).
    func indexed(_ indices: [TensorIndex]) -> Tensor {
        if indices.contains(where: { if case .tensor = $0 { true } else { false } }) { return advancedIndexed(indices) }
        var t = self
        var axis = 0
        for index in indices {
            switch index {
            case .at(let i):
                require(axis < t.rank, "subscript: too many indices for tensor of shape \(shape)")
                t = t.select(axis: axis, index: i)
            case .slice(let start, let end, let step):
                require(axis < t.rank, "subscript: too many indices for tensor of shape \(shape)")
                t = t.slice(axis: axis, start: start, end: end, step: step)
                axis += 1
            case .all:
                require(axis < t.rank, "subscript: too many indices for tensor of shape \(shape)")
                axis += 1
            case .newAxis:
                t = t.unsqueezed(axis: axis)
                axis += 1
            case .tensor:
                preconditionFailure("tensor components are handled by advancedIndexed")
            }
        }
        return t
    }

    /// Indexing as PyTorch's: basic `x[0]`, `x[1..<3]`, `x[.all, 2]`, `x[..., .newAxis]`, and
    /// advanced with tensors, `x[mask]`, `x[indices]`, `x[.all, indices]`, `x[0, mask]`.
    ///
    /// With numbers, ranges, `.all` and `.newAxis` only, reading gives a view (no copy). Tensor
    /// components make a copy: the numbers and ranges apply first (a number removes its axis, as in
    /// PyTorch); then the index tensors (a bool mask of rank `k` counts as the `k` index tensors of
    /// its `nonzero`) broadcast against each other to a shape `B`, which replaces the axes they
    /// index, in place when those axes are adjacent and in front otherwise. So for `x` of shape
    /// `[N, C]`, `x[mask]` with a `[N]` mask is `[count, C]`, and `x[.all, idx]` with `idx` of shape
    /// `[2, 3]` is `[N, 2, 3]`. Out-of-range indices stop with a message naming the index and the
    /// size. The gradient flows back to the positions read (adding up repeats).
    ///
    /// Assigning writes the broadcast value into the selected positions (copying storage first if
    /// it is shared), PyTorch's `index_put_`; where tensor indices repeat, the last write wins
    /// (``indexPut(_:values:accumulate:)`` can add instead). A value that requires gradients keeps
    /// them: the result records the write.
    public subscript(_ indices: any TensorIndexConvertible...) -> Tensor {
        get { indexed(indices.map(\.tensorIndex)) }
        set { assign(newValue, at: indices.map(\.tensorIndex)) }
    }

    /// Indexing with a leading `...` (NumPy's ellipsis): it stands for as many whole dimensions
    /// as the other components leave, so they apply to the trailing dimensions:
    /// `x[..., 0]` is the first element along the last axis, `x[..., .newAxis]` appends a dimension.
    public subscript(_: UnboundedRange, _ indices: any TensorIndexConvertible...) -> Tensor {
        get { indexed(expandingEllipsis(indices.map(\.tensorIndex))) }
        set { assign(newValue, at: expandingEllipsis(indices.map(\.tensorIndex))) }
    }

    /// `indices` preceded by `.all` for every dimension they do not consume.
    private func expandingEllipsis(_ indices: [TensorIndex]) -> [TensorIndex] {
        let consumed = indices.reduce(0) { n, index in
            switch index {
            case .newAxis: n
            case .tensor(let t): n + (t.dtype == .bool ? t.rank : 1)
            default: n + 1
            }
        }
        require(consumed <= rank, "subscript: too many indices for tensor of shape \(shape)")
        return [TensorIndex](repeating: .all, count: rank - consumed) + indices
    }

    /// Writes `value` (broadcast) into the region `indices` selects.
    ///
    /// When `value` requires gradients (and they are recorded), `self` becomes the recorded
    /// result of ``indexPut(_:values:accumulate:)`` instead of being written in place.
    public mutating func assign(_ value: Tensor, at indices: [TensorIndex]) {
        checkMutable(op: "subscript assignment")
        if value.node != nil && GradMode.isEnabled {
            self = indexPutting(indices, values: value, accumulate: false)
            return
        }
        if indices.contains(where: { if case .tensor = $0 { true } else { false } }) {
            assignAdvanced(value, at: indices, accumulate: false)
            return
        }
        makeStorageUnique()
        var view = noGrad { detached().indexed(indices) }
        let source = value.literalNumber.map { Tensor(scalar: $0, dtype: dtype) } ?? value  // x[0] = 0.1 unrounded
        let v = noGrad { source.cast(to: dtype).broadcastView(to: view.shape).contiguous() }
        Kernels.copy(from: v, into: &view)
    }
}
