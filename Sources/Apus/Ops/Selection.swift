// Selection by value: unique, uniqueConsecutive, bincount, histc, searchsorted, bucketize, nonzero,
// argwhere, maskedSelect, maskedFill, maskedScatter.

// MARK: unique

/// The groups of equal neighbours of a contiguous `[rows, m]` block taken in `order`: the
/// position in `order` where each group starts. Rows are equal when every element is `==`
/// (so NaN equals nothing and each NaN is a group of its own, and `−0` equals `0`).
private struct RunStartsKernel: TypedKernel {
    let block: Tensor, rows: Int, m: Int, order: [Int]
    func run<T: TensorScalar>(_: T.Type) -> [Int] {
        let p = block.storage.pointer(T.self) + block.offset
        var starts: [Int] = []
        starts.reserveCapacity(Swift.min(rows, 1 << 16))
        for j in 0..<rows {
            if j == 0 { starts.append(0); continue }
            let a = p + order[j - 1] * m, b = p + order[j] * m
            var same = true
            for e in 0..<m where a[e] != b[e] { same = false; break }
            if !same { starts.append(j) }
        }
        return starts
    }
}

/// The stable order of the rows of a contiguous `[rows, m]` block, lexicographic on sort keys
/// (NaN last, `−0` equal to `0`).
private struct RowOrderKernel: SortKeyKernel {
    let block: Tensor, rows: Int, m: Int
    func run<T: SortKeyScalar>(_: T.Type) -> [Int] {
        let p = block.storage.pointer(T.self) + block.offset
        let keys = (0..<(rows * m)).map { T.sortKey(p[$0]) }
        return keys.withUnsafeBufferPointer { k in
            (0..<rows).sorted { i, j in
                for e in 0..<m where k[i * m + e] != k[j * m + e] { return k[i * m + e] < k[j * m + e] }
                return false
            }
        }
    }
}

extension Tensor {
    /// The distinct elements (or, with `axis`, the distinct slices along `axis`), sorted
    /// ascending, with optional inverse indices and counts (`torch.unique`).
    ///
    /// Elements compare as numbers: `−0` equals `0` (the first in `self` is kept), and every NaN
    /// is distinct, after all numbers. The results are always sorted, so `sorted: false` changes
    /// nothing (PyTorch leaves that order open). Slices compare lexicographically.
    /// Not differentiable.
    ///
    /// - Returns: `values` (1-D, or `self`'s shape with the number of distinct slices along
    ///   `axis`); `inverse` when `returnInverse`: int64, for each element (of `self`'s shape) or
    ///   slice (1-D) the position of its value in `values`; `counts` when `returnCounts`: int64,
    ///   how often each value occurs.
    public func unique(sorted: Bool = true, returnInverse: Bool = false, returnCounts: Bool = false,
                       axis: Int? = nil) -> (values: Tensor, inverse: Tensor?, counts: Tensor?) {
        let r = uniqueGroups(axis: axis, consecutive: false, op: "unique")
        return (r.values, returnInverse ? r.inverse : nil, returnCounts ? r.counts : nil)
    }

    /// The first element of every run of equal consecutive elements (or, with `axis`, of equal
    /// consecutive slices along `axis`), with optional inverse indices and run lengths
    /// (`torch.unique_consecutive`). NaN equals nothing. Not differentiable.
    ///
    /// - Returns: as ``unique(sorted:returnInverse:returnCounts:axis:)``, in the order of `self`.
    public func uniqueConsecutive(returnInverse: Bool = false, returnCounts: Bool = false,
                                  axis: Int? = nil) -> (values: Tensor, inverse: Tensor?, counts: Tensor?) {
        let r = uniqueGroups(axis: axis, consecutive: true, op: "uniqueConsecutive")
        return (r.values, returnInverse ? r.inverse : nil, returnCounts ? r.counts : nil)
    }

    private func uniqueGroups(axis: Int?, consecutive: Bool, op: String) -> (values: Tensor, inverse: Tensor, counts: Tensor) {
        let x = detached()
        // The slices to compare: `rows` of `m` elements each, in a contiguous block.
        let a: Int?, rows: Int, m: Int, block: Tensor
        if let axis {
            let ax = normalizedAxis(axis, op: op)
            a = ax
            rows = shape[ax]
            m = rows == 0 ? 0 : count / rows
            for d in 0..<rank where d != ax {
                require(shape[d] > 0, "\(op): shape \(shape) has a zero-sized axis other than axis \(ax)")
            }
            block = x.permute([ax] + (0..<rank).filter { $0 != ax }).contiguous()
        } else {
            a = nil
            rows = count
            m = 1
            block = x.reshape([count]).contiguous()
        }
        // Order the slices (sorted, or as they are) and split that order into runs of equal ones.
        var order = Array(0..<rows)
        if !consecutive && rows > 1 {
            if m == 1 {
                order = block.sort(axis: 0).indices.toArray(as: Int64.self).map { Int($0) }
            } else {
                order = block.dtype.dispatchSortable(RowOrderKernel(block: block, rows: rows, m: m))
                    ?? DType.float64.dispatchSortable(RowOrderKernel(block: block.cast(to: .float64), rows: rows, m: m))!
            }
        }
        let starts = rows == 0 ? [] : block.dtype.dispatch(RunStartsKernel(block: block, rows: rows, m: m, order: order))
        var inverse = [Int64](repeating: 0, count: rows)
        var counts = [Int64](repeating: 0, count: starts.count)
        for (g, s) in starts.enumerated() {
            let end = g + 1 < starts.count ? starts[g + 1] : rows
            counts[g] = Int64(end - s)
            for j in s..<end { inverse[order[j]] = Int64(g) }
        }
        let firsts = Tensor(scalars: starts.map { Int64(order[$0]) }, shape: [starts.count])
        let picked = block.indexSelect(axis: 0, indices: firsts)
        guard let a else {
            return (picked, Tensor(scalars: inverse, shape: shape), Tensor(scalars: counts, shape: [counts.count]))
        }
        // Back to the input's axis order.
        var moved = shape
        moved.remove(at: a)
        let values = picked.reshape([starts.count] + moved)
        var back = Array(1..<rank)
        back.insert(0, at: a)
        return (values.permute(back).contiguous(), Tensor(scalars: inverse, shape: [rows]), Tensor(scalars: counts, shape: [counts.count]))
    }
}

// MARK: bincount, histc

private struct WeightedBincountKernel: NumericKernel {
    let values: [Int], weights: Tensor, bins: Int
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        var out = Tensor.zeros([bins], dtype: T.dtype)
        out.node = nil
        let o = out.storage.pointer(T.self), w = weights.storage.pointer(T.self) + weights.offset
        for (i, v) in values.enumerated() { o[v] += w[i] }
        return out
    }
}

/// histc's counts over contiguous `x`, in the element type's arithmetic as PyTorch computes them:
/// bin `⌊(x − lo) · bins / (hi − lo)⌋`, with `hi` itself in the last bin.
private func histcCounts<F: FloatScalar>(_ x: Tensor, _: F.Type, bins: Int, low: Double, high: Double) -> Tensor {
    var out = Tensor.zeros([bins], dtype: F.dtype)
    out.node = nil
    let o = out.storage.pointer(F.self), p = x.storage.pointer(F.self) + x.offset
    let lo = F(low), hi = F(high), width = hi - lo, nb = F(bins)
    for i in 0..<x.count {
        let e = p[i]
        guard e >= lo && e <= hi else { continue }
        o[Swift.min(Int((e - lo) * nb / width), bins - 1)] += 1
    }
    return out
}

/// ``histcCounts(_:_:bins:low:high:)`` for float16 and bfloat16, with PyTorch's arithmetic in the
/// 16-bit type: each step of `(e − low)·bins / (high − low)` is rounded to it, which moves values
/// near a bin edge as PyTorch's CPU kernel does.
private func histcCounts16(_ x: Tensor, bins: Int, low: Double, high: Double) -> Tensor {
    let half = x.dtype == .float16
    func r(_ v: Float) -> Float { half ? Half(v).floatValue : BFloat16(v).floatValue }
    let lo = r(Float(low)), hi = r(Float(high)), width = r(hi - lo), nb = r(Float(bins))
    var counts = [Float](repeating: 0, count: bins)
    for e in x.toArray(as: Float.self) where e >= lo && e <= hi {
        counts[Swift.min(Int(r(r(r(e - lo) * nb) / width)), bins - 1)] += 1
    }
    return Tensor(shape: [bins], values: counts.map(Double.init), dtype: x.dtype)
}

extension Tensor {
    /// How often each value `0…max` occurs in a 1-D tensor of non-negative integers, or the sum
    /// of their `weights` (`torch.bincount`).
    ///
    /// The result has `max(self.max() + 1, minLength)` entries: int64 counts, or sums in the
    /// weights' dtype (float32 or float64; other weights sum as float64, as in PyTorch).
    /// Not differentiable.
    public func bincount(weights: Tensor? = nil, minLength: Int = 0) -> Tensor {
        require(!dtype.isFloatingPoint && dtype != .bool, "bincount: expected integers, got \(dtype)")
        require(rank == 1, "bincount: expected a 1-D tensor of non-negative integers, got shape \(shape)")
        require(minLength >= 0, "bincount: minLength must be non-negative, got \(minLength)")
        let values = toArray(as: Int64.self).map { v -> Int in
            require(v >= 0, "bincount: expected non-negative integers, got \(v)")
            return Int(v)
        }
        let bins = Swift.max((values.max() ?? -1) + 1, minLength)
        guard let weights else {
            var counts = [Int64](repeating: 0, count: bins)
            for v in values { counts[v] += 1 }
            return Tensor(scalars: counts, shape: [bins])
        }
        require(weights.rank == 1 && weights.count == count,
                "bincount: weights of shape \(weights.shape) must be 1-D with the \(count) elements of the input")
        let w = (weights.dtype == .float32 || weights.dtype == .float64 ? weights : weights.cast(to: .float64)).detached().contiguous()
        return w.dtype.dispatch(WeightedBincountKernel(values: values, weights: w, bins: bins), op: "bincount")
    }

    /// A histogram of the elements in `bins` equal-width bins from `min` to `max` (`torch.histc`);
    /// elements outside, and NaN, are not counted, and `max` itself falls in the last bin.
    ///
    /// When `min` equals `max` the data's smallest and largest elements are the range, and when
    /// those are equal too the range widens by 1 on each side. Floating-point input only; the
    /// counts have its dtype. Not differentiable.
    public func histc(bins: Int = 100, min: Double = 0, max: Double = 0) -> Tensor {
        require(dtype.isFloatingPoint, "histc: expected a floating-point tensor, got \(dtype)")
        require(bins > 0, "histc: bins must be positive, got \(bins)")
        var (lo, hi) = (min, max)
        let values = detached().reshape([-1]).contiguous()
        if lo == hi && count > 0 {
            lo = values.min().item()
            hi = values.max().item()
        }
        if lo == hi { lo -= 1; hi += 1 }
        require(lo.isFinite && hi.isFinite, "histc: range of [\(lo), \(hi)] is not finite")
        require(lo < hi, "histc: max must be larger than min, got min \(lo) and max \(hi)")
        switch dtype {
        case .float64: return histcCounts(values, Double.self, bins: bins, low: lo, high: hi)
        case .float32: return histcCounts(values, Float.self, bins: bins, low: lo, high: hi)
        default: return histcCounts16(values, bins: bins, low: lo, high: hi)
        }
    }
}

// MARK: searchsorted

/// Which of equal neighbours `searchsorted(_:_:)` returns: the position before
/// them (`left`) or after them (`right`), PyTorch's `side`.
public enum SearchSortedSide: Sendable {
    /// The first position `i` with `sequence[i] >= value`.
    case left
    /// The first position `i` with `sequence[i] > value`.
    case right
}

private struct SearchSortedKernel: NumericKernel {
    let sequence: Tensor, values: Tensor, sorter: [Int]?, rowLength: Int, valuesPerRow: Int, right: Bool
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        let out = Tensor(uninitialized: values.shape, dtype: .int64)
        let s = sequence.storage.pointer(T.self) + sequence.offset, v = values.storage.pointer(T.self) + values.offset
        let o = out.storage.pointer(Int64.self)
        let m = rowLength, perRow = Swift.max(valuesPerRow, 1)
        ThreadPool.shared.parallelRanges(values.count, grain: 1 << 12) { range in
            for i in range {
                let row = valuesPerRow == 0 ? 0 : i / perRow
                let base = row * m
                let value = v[i]
                var lo = 0, hi = m
                // PyTorch's comparisons: `!(s >= v)` and `!(s > v)` go right, so a NaN value lands
                // after everything, and NaN in the sequence counts as largest.
                while lo < hi {
                    let mid = lo + (hi - lo) >> 1
                    let e = sorter.map { s[base + $0[base + mid]] } ?? s[base + mid]
                    if right ? !(e > value) : !(e >= value) { lo = mid + 1 } else { hi = mid }
                }
                o[i] = Int64(lo)
            }
        }
        return out
    }
}

/// The positions where `values` would go in `sortedSequence` to keep it sorted (`torch.searchsorted`):
/// for each value the first `i` with `sequence[i] >= value` (`right: true` or `side: .right`:
/// `> value`).
///
/// A 1-D `sortedSequence` serves values of any shape; an N-D one is a batch of sequences along
/// its last axis, and `values` then has the same leading sizes. Both take their common dtype;
/// NaN counts as larger than every number. `sorter` (int64, the shape of `sortedSequence`) gives
/// the order in which an unsorted sequence is sorted along its last axis (its `argsort`).
/// Setting `right: true` with `side: .left` is refused, as in PyTorch.
///
/// - Returns: int64 positions of `values`' shape.
public func searchsorted(_ sortedSequence: Tensor, _ values: Tensor, right: Bool = false, side: SearchSortedSide? = nil,
                         sorter: Tensor? = nil) -> Tensor {
    require(!(right && side == .left), "searchsorted: side .left and right: true contradict each other")
    let upper = right || side == .right
    require(sortedSequence.rank >= 1, "searchsorted: the sorted sequence must have at least one axis, got a 0-d tensor")
    require(sortedSequence.dtype != .bool && values.dtype != .bool, "searchsorted: not defined for bool tensors")
    if sortedSequence.dtype.isReducedPrecision || values.dtype.isReducedPrecision {
        // Widening to float32 keeps every value and so every comparison.
        func wide(_ t: Tensor) -> Tensor { t.dtype.isReducedPrecision ? t.detached().cast(to: .float32) : t }
        return searchsorted(wide(sortedSequence), wide(values), right: right, side: side, sorter: sorter)
    }
    let m = sortedSequence.shape.last!
    let leading = Array(sortedSequence.shape.dropLast())
    if sortedSequence.rank > 1 {
        require(values.rank == sortedSequence.rank && Array(values.shape.dropLast()) == leading,
                "searchsorted: values of shape \(values.shape) must match the leading axes of the sorted sequence of shape \(sortedSequence.shape)")
    }
    var order: [Int]? = nil
    if let sorter {
        require(sorter.dtype == .int64 && sorter.shape == sortedSequence.shape,
                "searchsorted: sorter must be int64 of the sequence's shape \(sortedSequence.shape), got \(sorter.dtype) \(sorter.shape)")
        order = checkedIndices(sorter, bound: m, op: "searchsorted", allowNegative: false)
    }
    let (s, v) = noGrad { Elementwise.promoteTypes(sortedSequence.detached(), values.detached()) }
    let perRow = sortedSequence.rank > 1 ? values.shape.last! : 0
    return s.dtype.dispatch(SearchSortedKernel(sequence: s.contiguous(), values: v.contiguous(), sorter: order, rowLength: m,
                                               valuesPerRow: perRow, right: upper), op: "searchsorted")
}

/// `searchsorted(_:_:)` for one number: a 0-d int64 position (1-D sequence only).
public func searchsorted(_ sortedSequence: Tensor, _ value: Double, right: Bool = false, side: SearchSortedSide? = nil,
                         sorter: Tensor? = nil) -> Tensor {
    require(sortedSequence.rank == 1, "searchsorted: a number needs a 1-D sorted sequence, got shape \(sortedSequence.shape)")
    return searchsorted(sortedSequence, scalarTensor(value, like: sortedSequence), right: right, side: side, sorter: sorter)
}

/// The index of the bucket of `boundaries` (1-D, ascending) each element of `input` falls in
/// (`torch.bucketize`): `searchsorted(boundaries, input, right: right)`.
public func bucketize(_ input: Tensor, boundaries: Tensor, right: Bool = false) -> Tensor {
    require(boundaries.rank == 1, "bucketize: boundaries must be 1-D, got shape \(boundaries.shape)")
    return searchsorted(boundaries, input, right: right)
}

// MARK: nonzero, masked ops

private struct NonzeroKernel: TypedKernel {
    let x: Tensor
    func run<T: TensorScalar>(_: T.Type) -> [Int] {
        let p = x.storage.pointer(T.self) + x.offset
        let zero = T(fromDouble: 0)
        var positions: [Int] = []
        for i in 0..<x.count where p[i] != zero { positions.append(i) }
        return positions
    }
}

extension Tensor {
    /// Row-major positions of the non-zero elements (true, for bool), contiguous.
    func nonzeroPositions() -> [Int] {
        let x = detached().contiguous()
        return x.dtype.dispatch(NonzeroKernel(x: x))
    }

    /// The multi-indices of the non-zero (true) elements, in row-major order, as an int64
    /// `[n, rank]` matrix (`torch.nonzero`); NaN is non-zero, `−0` is zero. A 0-d tensor gives
    /// `[1, 0]` or `[0, 0]`. Not differentiable.
    public func nonzero() -> Tensor {
        let positions = nonzeroPositions()
        var out = [Int64](repeating: 0, count: positions.count * rank)
        let strides = Tensor.contiguousStrides(for: shape)
        for (r, p) in positions.enumerated() {
            var rest = p
            for d in 0..<rank {
                out[r * rank + d] = Int64(rest / strides[d])
                rest %= strides[d]
            }
        }
        return Tensor(scalars: out, shape: [positions.count, rank])
    }

    /// The indices of the non-zero elements: with `asTuple: true` one 1-D int64 tensor per axis
    /// (one for a 0-d tensor), usable as subscript indices (PyTorch's `nonzero(as_tuple=True)`);
    /// with `false`, the matrix of ``nonzero()`` alone.
    public func nonzero(asTuple: Bool) -> [Tensor] {
        let m = nonzero()
        guard asTuple else { return [m] }
        if rank == 0 { return [Tensor(scalars: [Int64](repeating: 0, count: m.shape[0]), shape: [m.shape[0]])] }
        return (0..<rank).map { d in m.select(axis: 1, index: d).contiguous() }
    }

    /// The multi-indices of the non-zero elements, `[n, rank]` int64 (`torch.argwhere`; the same
    /// as ``nonzero()``).
    public func argwhere() -> Tensor { nonzero() }

    /// The elements where the bool `mask` is true, in row-major order, as a 1-D tensor
    /// (`torch.masked_select`); `self` and `mask` broadcast against each other. The gradient goes
    /// back to the selected positions (summed over broadcast axes).
    public func maskedSelect(_ mask: Tensor) -> Tensor {
        require(mask.dtype == .bool, "maskedSelect: mask must be a bool tensor, got \(mask.dtype)")
        let shape = broadcastShapes(self.shape, mask.shape, op: "maskedSelect")
        let positions = mask.broadcastView(to: shape).nonzeroPositions()
        let flat = (shape == self.shape ? self : expand(to: shape)).reshape([-1])
        return flat.indexSelect(axis: 0, indices: Tensor(scalars: positions.map { Int64($0) }, shape: [positions.count]))
    }

    /// `self` with `value` where the bool `mask` is true (`torch.masked_fill`); `self` and `mask`
    /// broadcast against each other. The value takes `self`'s dtype (truncated for integers; NaN
    /// and infinities are refused there). The gradient of `self` is zero where filled.
    public func maskedFill(_ mask: Tensor, value: Double) -> Tensor {
        if !dtype.isFloatingPoint && dtype != .bool {
            require(value.isFinite, "maskedFill: value \(value) cannot be converted to \(dtype)")
        }
        return maskedFilled(mask, Tensor(scalar: value, dtype: dtype), op: "maskedFill")
    }

    /// `self` with the integer `value` where the bool `mask` is true, as the `Double` form
    /// (`x.maskedFill(m, value: 0)`).
    public func maskedFill(_ mask: Tensor, value: Int) -> Tensor { maskedFill(mask, value: Double(value)) }

    /// `self` with the 0-d tensor `value` where the bool `mask` is true (`torch.masked_fill` with
    /// a tensor value), converted to `self`'s dtype. Gradients: `self` gets the output's where not
    /// filled, `value` the sum of the output's over the filled positions.
    public func maskedFill(_ mask: Tensor, value: Tensor) -> Tensor {
        require(value.rank == 0, "maskedFill: value must be a 0-d tensor, got shape \(value.shape)")
        return maskedFilled(mask, value, op: "maskedFill")
    }

    private func maskedFilled(_ mask: Tensor, _ value: Tensor, op: String) -> Tensor {
        require(mask.dtype == .bool, "\(op): mask must be a bool tensor, got \(mask.dtype)")
        let shape = broadcastShapes(self.shape, mask.shape, op: op)
        let m = mask.broadcastView(to: shape).contiguous()
        let v = noGrad { value.detached().cast(to: dtype) }
        let out = dtype.dispatch(MaskedFillKernel(x: detached().broadcastView(to: shape), mask: m, value: v))
        guard shouldRecord(self, value) else { return out }
        let (inShape, valueDType) = (self.shape, value.dtype)
        return record(op, self, value, out) { g in
            let zero = Tensor(scalar: 0, dtype: g.dtype)
            let gSelf = g.dtype.dispatch(MaskedFillKernel(x: g, mask: m, value: zero)).sum(toShape: inShape)
            let gValue = g.dtype.dispatch(MaskedFillKernel(x: g, mask: !m, value: zero)).sum().cast(to: valueDType)
            return [gSelf, gValue]
        }
    }

    /// `self` with the bool `mask`'s true positions (row-major) filled by the first elements of
    /// `source`, in order (`torch.masked_scatter`); `self` and `mask` broadcast against each
    /// other, `source` has `self`'s dtype and at least as many elements as `mask` has true ones.
    /// Gradients: `self` gets the output's where not filled, `source` the output's at the
    /// positions its elements went to (zero for the unused ones).
    public func maskedScatter(_ mask: Tensor, source: Tensor) -> Tensor {
        require(mask.dtype == .bool, "maskedScatter: mask must be a bool tensor, got \(mask.dtype)")
        require(source.dtype == dtype, "maskedScatter: source is \(source.dtype) but self is \(dtype); they must match")
        let shape = broadcastShapes(self.shape, mask.shape, op: "maskedScatter")
        let positions = mask.broadcastView(to: shape).nonzeroPositions()
        require(source.count >= positions.count,
                "maskedScatter: mask has \(positions.count) true elements but source has only \(source.count)")
        let flat = (shape == self.shape ? self : expand(to: shape)).reshape([-1])
        let used = source.reshape([-1]).slice(axis: 0, start: 0, end: positions.count)
        return flat.scatter(axis: 0, index: Tensor(scalars: positions.map { Int64($0) }, shape: [positions.count]), source: used)
            .reshape(shape)
    }
}

/// `mask ? value : x` over contiguous `mask` and `x` (any layout) of one shape, into a new tensor.
private struct MaskedFillKernel: TypedKernel {
    let x: Tensor, mask: Tensor, value: Tensor
    func run<T: TensorScalar>(_: T.Type) -> Tensor {
        let xc = x.contiguous()
        let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
        let p = xc.storage.pointer(T.self) + xc.offset, o = out.storage.pointer(T.self)
        let m = mask.storage.pointer(Bool.self) + mask.offset
        let v = value.storage.pointer(T.self)[value.offset]
        ThreadPool.shared.parallelRanges(out.count, grain: Kernels.parallelGrain) { r in
            for i in r { o[i] = m[i] ? v : p[i] }
        }
        return out
    }
}
