// Views: reshape, permute/transpose, squeeze/unsqueeze, expand, flatten.
// A view shares storage with its input; its backward reshapes or permutes the gradient back.

extension Tensor {
    /// A stride-0 view of `self` broadcast to `shape` (no autograd; kernels use it).
    func broadcastView(to target: [Int]) -> Tensor {
        if shape == target { return self }
        require(target.count >= rank, "expand: cannot expand shape \(shape) to \(target)")
        let lead = target.count - rank
        var newStrides = [Int](repeating: 0, count: target.count)
        for i in 0..<target.count where i >= lead {
            let d = shape[i - lead]
            require(d == target[i] || d == 1, "expand: cannot expand shape \(shape) to \(target)")
            newStrides[i] = d == 1 && target[i] != 1 ? 0 : strides[i - lead]
        }
        return Tensor(storage: storage, shape: target, strides: newStrides, offset: offset)
    }

    /// `self` broadcast to `shape` without copying (`torch.Tensor.expand`): dimensions of size 1
    /// repeat (stride 0), new dimensions may be added in front, and `-1` keeps an existing
    /// dimension's size (not allowed for a new leading one). The gradient sums over the repeats.
    public func expand(to target: [Int]) -> Tensor {
        let out = broadcastView(to: expandedShape(target, op: "expand"))
        let inShape = shape
        return recordUnary("expand", self, out) { g in g.sum(toShape: inShape) }
    }

    /// `self` broadcast to `shape` (`torch.broadcast_to`): the same as ``expand(to:)``, a view;
    /// `-1` keeps an existing dimension's size.
    public func broadcastTo(_ shape: [Int]) -> Tensor { expand(to: shape) }

    /// `target` with its `-1` entries resolved, checked against this tensor's shape as PyTorch's
    /// `expand` checks it.
    private func expandedShape(_ target: [Int], op: String) -> [Int] {
        require(target.count >= rank, "\(op): cannot expand shape \(shape) to \(target): fewer dimensions than the tensor")
        let lead = target.count - rank
        var resolved = target
        for (i, t) in target.enumerated() {
            if i < lead {
                require(t >= 0, "\(op): size \(t) is not allowed for the new leading dimension \(i) (expanding \(shape) to \(target))")
                continue
            }
            let d = shape[i - lead]
            if t == -1 { resolved[i] = d; continue }
            require(t >= 0, "\(op): negative size \(t) in \(target)")
            require(d == t || d == 1, "\(op): cannot expand shape \(shape) to \(target): size \(d) of dimension \(i - lead) is not 1 and differs from \(t)")
        }
        return resolved
    }

    /// Sums a broadcast gradient back to `target` (the inverse of broadcasting).
    public func sum(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        let lead = rank - target.count
        require(lead >= 0, "sum(toShape:): cannot reduce shape \(shape) to \(target)")
        var axes = Array(0..<lead)
        for i in 0..<target.count where target[i] == 1 && shape[i + lead] != 1 { axes.append(i + lead) }
        var r = axes.isEmpty ? self : sum(axes: axes, keepDims: true)
        if lead > 0 { r = r.reshape(target) }
        return r
    }

    /// The same elements with a new shape; one dimension may be `-1` (inferred).
    /// A view when the layout allows, else a copy.
    public func reshape(_ newShape: [Int]) -> Tensor {
        var target = newShape
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        let inferred = newShape.filter { $0 == -1 }.count
        require(inferred <= 1, "reshape: only one dimension can be -1, got \(newShape)")
        if inferred == 1 {
            require(known > 0 && count % known == 0, "reshape: cannot reshape tensor of shape \(shape) into \(newShape)")
            target[newShape.firstIndex(of: -1)!] = count / known
        }
        require(target.reduce(1, *) == count, "reshape: cannot reshape tensor of shape \(shape) (\(count) elements) into \(newShape)")
        if target == shape { return self }
        let base = contiguous()
        let out = Tensor(storage: base.storage, shape: target, offset: base.offset)
        let inShape = shape
        return recordUnary("reshape", base, out) { g in g.reshape(inShape) }
    }

    /// Flattens dimensions `startAxis...endAxis` into one.
    public func flatten(startAxis: Int = 0, endAxis: Int = -1) -> Tensor {
        if rank == 0 { return reshape([1]) }
        let s = normalizedAxis(startAxis, op: "flatten"), e = normalizedAxis(endAxis, op: "flatten")
        require(s <= e, "flatten: startAxis \(startAxis) after endAxis \(endAxis)")
        let merged = shape[s...e].reduce(1, *)
        return reshape(Array(shape[..<s]) + [merged] + Array(shape[(e + 1)...]))
    }

    /// Dimensions reordered: output axis `i` is input axis `axes[i]`.
    public func permute(_ axes: [Int]) -> Tensor {
        require(axes.count == rank, "permute: \(axes) does not list the \(rank) axes of shape \(shape)")
        let axes = axes.map { normalizedAxis($0, op: "permute") }
        require(Set(axes).count == rank, "permute: \(axes) repeats an axis")
        let out = Tensor(storage: storage, shape: axes.map { shape[$0] }, strides: axes.map { strides[$0] }, offset: offset)
        var inverse = [Int](repeating: 0, count: rank)
        for (i, a) in axes.enumerated() { inverse[a] = i }
        return recordUnary("permute", self, out) { g in g.permute(inverse) }
    }

    /// Swaps two dimensions.
    public func transposed(_ axis0: Int = -2, _ axis1: Int = -1) -> Tensor {
        require(rank >= 2, "transposed: tensor of shape \(shape) has fewer than 2 dimensions")
        var axes = Array(0..<rank)
        axes.swapAt(normalizedAxis(axis0, op: "transposed"), normalizedAxis(axis1, op: "transposed"))
        return permute(axes)
    }

    /// The dimensions reversed (the transpose of a matrix), as `torch.Tensor.T`.
    public var T: Tensor { permute(Array((0..<rank).reversed())) }

    /// Removes dimensions of size 1 (all of them, or only `axis`), as a view (`torch.squeeze`).
    public func squeezed(axis: Int? = nil) -> Tensor {
        squeezed(axes: axis.map { [$0] } ?? Array(0..<rank))
    }

    /// Removes those of `axes` that have size 1 (`torch.squeeze` with a tuple of dims); the
    /// others stay. A view. An axis may not be listed twice; a 0-d tensor accepts 0 and -1.
    public func squeezed(axes: [Int]) -> Tensor {
        let list = normalizedAxes(axes, op: "squeeze", allowingScalar: true)
        require(Set(list).count == list.count, "squeeze: axes \(axes) name an axis twice (shape \(shape))")
        let dropped = Set(list.filter { shape[$0] == 1 })
        if dropped.isEmpty { return self }
        let kept = (0..<rank).filter { !dropped.contains($0) }
        let out = restrided(shape: kept.map { shape[$0] }, strides: kept.map { strides[$0] }, offset: offset)
        let inShape = shape
        return recordUnary("squeeze", self, out) { g in g.reshape(inShape) }
    }

    /// Inserts a dimension of size 1 at `axis` (negative counts from the end of the result).
    public func unsqueezed(axis: Int) -> Tensor {
        let a = normalizedAxis(axis, op: "unsqueeze", rank: rank + 1)
        var s = shape; s.insert(1, at: a)
        var st = strides; st.insert(a < rank ? strides[a] * shape[a] : 1, at: a)
        let out = Tensor(storage: storage, shape: s, strides: st, offset: offset)
        let inShape = shape
        return recordUnary("unsqueeze", self, out) { g in g.reshape(inShape) }
    }

    /// Splits axis `axis` into several of sizes `sizes` (`torch.unflatten`): `[2, 12]` unflattened
    /// at axis 1 into `[3, 4]` is `[2, 3, 4]`. One size may be `-1` (inferred); the sizes must
    /// multiply to the axis's size. Always a view (splitting one axis never needs a copy).
    public func unflatten(axis: Int, sizes: [Int]) -> Tensor {
        require(rank > 0, "unflatten: a 0-d tensor has no axis to unflatten")
        let a = normalizedAxis(axis, op: "unflatten")
        require(!sizes.isEmpty, "unflatten: sizes must not be empty (shape \(shape), axis \(axis))")
        let n = shape[a]
        var resolved = sizes
        let inferred = sizes.indices.filter { sizes[$0] == -1 }
        require(inferred.count <= 1, "unflatten: only one size can be -1, got \(sizes)")
        require(sizes.allSatisfy { $0 >= -1 }, "unflatten: sizes \(sizes) must be non-negative or -1")
        let known = sizes.filter { $0 != -1 }.reduce(1, *)
        if let i = inferred.first {
            require(known > 0 && n % known == 0, "unflatten: sizes \(sizes) do not multiply to the size \(n) of axis \(axis) (shape \(shape))")
            resolved[i] = n / known
        }
        require(resolved.reduce(1, *) == n, "unflatten: sizes \(sizes) do not multiply to the size \(n) of axis \(axis) (shape \(shape))")
        var splitStrides = [Int](repeating: strides[a], count: resolved.count)
        for i in stride(from: resolved.count - 2, through: 0, by: -1) { splitStrides[i] = splitStrides[i + 1] * resolved[i + 1] }
        let out = restrided(shape: Array(shape[..<a]) + resolved + Array(shape[(a + 1)...]),
                            strides: Array(strides[..<a]) + splitStrides + Array(strides[(a + 1)...]), offset: offset)
        let inShape = shape
        return recordUnary("unflatten", self, out) { g in g.reshape(inShape) }
    }

    /// Positions `start..<start + length` along `axis` (`torch.narrow`), as a view. `start` may be
    /// negative (counted from the end); the range must lie within the axis.
    public func narrow(axis: Int, start: Int, length: Int) -> Tensor {
        require(rank > 0, "narrow: cannot narrow a 0-d tensor")
        let a = normalizedAxis(axis, op: "narrow")
        let n = shape[a]
        require(start >= -n && start <= n, "narrow: start \(start) out of range [\(-n), \(n)] for axis \(axis) of shape \(shape)")
        require(length >= 0, "narrow: length must be non-negative, got \(length)")
        let s = start < 0 ? start + n : start
        require(s + length <= n, "narrow: start \(start) + length \(length) exceeds the size \(n) of axis \(axis) (shape \(shape))")
        return slice(axis: a, start: s, end: s + length)
    }
}

/// The tensors broadcast to their common shape (`torch.broadcast_tensors`), each a view
/// (``Tensor/expand(to:)``); dtypes stay as they are.
public func broadcastTensors(_ tensors: [Tensor]) -> [Tensor] {
    let shape = tensors.dropFirst().reduce(tensors.first?.shape ?? []) { broadcastShapes($0, $1.shape, op: "broadcastTensors") }
    return tensors.map { $0.expand(to: shape) }
}

/// How ``meshgrid(_:indexing:)`` orders the output's axes.
public enum MeshgridIndexing: Sendable {
    /// Matrix indexing (PyTorch's default): output axis `i` runs along input `i`.
    case ij
    /// Cartesian indexing (NumPy's default): the first two axes are swapped, so for two inputs
    /// `x` `[n]` and `y` `[m]` the grids are `[m, n]` (rows follow `y`).
    case xy
}

/// Coordinate grids from 1-D tensors (`torch.meshgrid`): for inputs of sizes `n₀, n₁, …` each
/// output has shape `[n₀, n₁, …]` (`.ij`) and output `i` repeats input `i` along its own axis.
/// With `.xy` the first two axes are swapped (`[n₁, n₀, …]`). 0-d inputs count as one element.
/// The inputs must share one dtype; the outputs are views (``Tensor/expand(to:)``), and the
/// gradient of each input sums its grid's gradient over the other axes.
public func meshgrid(_ tensors: [Tensor], indexing: MeshgridIndexing = .ij) -> [Tensor] {
    require(!tensors.isEmpty, "meshgrid: no tensors given")
    for t in tensors {
        require(t.rank <= 1, "meshgrid: expected 0-d or 1-d tensors, got shape \(t.shape)")
        require(t.dtype == tensors[0].dtype, "meshgrid: all tensors must have the same dtype, got \(tensors[0].dtype) and \(t.dtype)")
    }
    var sizes = tensors.map { $0.count }
    let swap = indexing == .xy && tensors.count >= 2
    if swap { sizes.swapAt(0, 1) }
    return tensors.enumerated().map { i, t in
        let axis = swap && i < 2 ? 1 - i : i
        var viewShape = [Int](repeating: 1, count: sizes.count)
        viewShape[axis] = sizes[axis]
        return atleast1d(t).unflatten(axis: 0, sizes: viewShape).expand(to: sizes)
    }
}

/// `x` with at least one dimension (`torch.atleast_1d`): a 0-d tensor becomes `[1]`, others stay.
public func atleast1d(_ x: Tensor) -> Tensor { x.rank >= 1 ? x : x.reshape([1]) }

/// `x` with at least two dimensions (`torch.atleast_2d`): `[]` becomes `[1, 1]`, `[n]` becomes `[1, n]`.
public func atleast2d(_ x: Tensor) -> Tensor {
    switch x.rank {
    case 0: return x.reshape([1, 1])
    case 1: return x.unsqueezed(axis: 0)
    default: return x
    }
}

/// `x` with at least three dimensions (`torch.atleast_3d`): `[]` becomes `[1, 1, 1]`, `[n]`
/// becomes `[1, n, 1]` and `[m, n]` becomes `[m, n, 1]`.
public func atleast3d(_ x: Tensor) -> Tensor {
    switch x.rank {
    case 0: return x.reshape([1, 1, 1])
    case 1: return x.unsqueezed(axis: 0).unsqueezed(axis: 2)
    case 2: return x.unsqueezed(axis: 2)
    default: return x
    }
}

