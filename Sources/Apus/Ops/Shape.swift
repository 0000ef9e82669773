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

    /// `self` broadcast to `shape` without copying (`torch.expand`); dimensions of size 1 repeat.
    public func expand(to target: [Int]) -> Tensor {
        let out = broadcastView(to: target)
        let inShape = shape
        return recordUnary("expand", self, out) { g in g.sum(toShape: inShape) }
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

    /// Removes dimensions of size 1 (all of them, or only `axis`).
    public func squeezed(axis: Int? = nil) -> Tensor {
        if let axis {
            let a = normalizedAxis(axis, op: "squeeze")
            if shape[a] != 1 { return self }
            var s = shape; s.remove(at: a)
            return reshape(s)
        }
        return reshape(shape.filter { $0 != 1 })
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
}
