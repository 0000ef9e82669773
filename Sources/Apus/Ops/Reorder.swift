// Reordering elements and axes: flip, fliplr/flipud, roll, rot90 (copies, each one strided copy
// through Backend/Movement.swift), movedim/moveaxis and swapaxes/swapdims (views).

extension Tensor {
    /// Resolves axes that may also name the single "axis" of a 0-d tensor (`0` or `-1`), as PyTorch
    /// lets flip, movedim, swapaxes and squeeze do; for a 0-d tensor the result is empty.
    func normalizedAxes(_ axes: [Int], op: String, allowingScalar: Bool) -> [Int] {
        if rank == 0 && allowingScalar {
            for a in axes { require(a == 0 || a == -1, "\(op): axis \(a) out of range for a 0-d tensor (only 0 and -1)") }
            return []
        }
        return axes.map { normalizedAxis($0, op: op) }
    }

    /// The elements in reverse order along each of `axes` (`torch.flip`); the shape stays.
    ///
    /// `out[…, i, …] = self[…, n − 1 − i, …]` along every listed axis. A copy, as in PyTorch;
    /// an axis may not be listed twice. The gradient flips back.
    public func flip(axes: [Int]) -> Tensor {
        let list = normalizedAxes(axes, op: "flip", allowingScalar: true)
        require(Set(list).count == list.count, "flip: axes \(axes) name an axis twice (shape \(shape))")
        if list.isEmpty { return self }
        var (st, off) = (strides, offset)
        for a in list where shape[a] > 1 {
            off += (shape[a] - 1) * strides[a]
            st[a] = -strides[a]
        }
        let out = restrided(shape: shape, strides: st, offset: off).materialized()
        return recordUnary("flip", self, out) { g in g.flip(axes: list) }
    }

    /// The columns in reverse order: ``flip(axes:)`` of axis 1 (`torch.fliplr`); rank ≥ 2.
    public func fliplr() -> Tensor {
        require(rank >= 2, "fliplr: input must have at least 2 dimensions, got shape \(shape)")
        return flip(axes: [1])
    }

    /// The rows in reverse order: ``flip(axes:)`` of axis 0 (`torch.flipud`); rank ≥ 1.
    public func flipud() -> Tensor {
        require(rank >= 1, "flipud: input must have at least 1 dimension, got a 0-d tensor")
        return flip(axes: [0])
    }

    /// The elements shifted cyclically by `shifts[k]` positions along `axes[k]` (`torch.roll`):
    /// along an axis of size `n`, `out[(i + s) mod n] = self[i]`; elements leaving one end come
    /// back at the other.
    ///
    /// Without `axes` the tensor is rolled as if flattened (then `shifts` is one number) and keeps
    /// its shape. An axis may be listed more than once (its shifts add up). The gradient rolls back.
    public func roll(shifts: [Int], axes: [Int]? = nil) -> Tensor {
        guard let axes else {
            require(shifts.count == 1, "roll: without axes, shifts must be one number, got \(shifts) (shape \(shape))")
            if count == 0 { return self }
            return reshape([-1]).roll(shifts: shifts, axes: [0]).reshape(shape)
        }
        require(!shifts.isEmpty, "roll: no shifts given")
        require(shifts.count == axes.count, "roll: \(shifts.count) shifts for \(axes.count) axes (shifts \(shifts), axes \(axes))")
        let list = axes.map { normalizedAxis($0, op: "roll") }
        var net = [Int](repeating: 0, count: rank)
        for (a, s) in zip(list, shifts) where shape[a] > 0 {
            net[a] = ((net[a] + s) % shape[a] + shape[a]) % shape[a]
        }
        let rolled = (0..<rank).filter { net[$0] != 0 }
        if rolled.isEmpty || count == 0 { return self }
        let out = Tensor(uninitialized: shape, dtype: dtype)
        let size = dtype.byteSize
        // Each rolled axis splits into two pieces: out[s..<n] = self[0..<n−s], out[0..<s] = self[n−s..<n].
        for piece in 0..<(1 << rolled.count) {
            var sizes = shape
            var (src, dst) = (offset, 0)
            for (k, a) in rolled.enumerated() {
                let (n, s) = (shape[a], net[a])
                if piece >> k & 1 == 0 {
                    sizes[a] = n - s
                    dst += s * out.strides[a]
                } else {
                    sizes[a] = s
                    src += (n - s) * strides[a]
                }
            }
            Movement.copy(shape: sizes, elementSize: size, from: storage.raw + src * size, strides: strides,
                          to: out.storage.raw + dst * size, strides: out.strides)
        }
        let back = shifts.map { -$0 }
        return recordUnary("roll", self, out) { g in g.roll(shifts: back, axes: list) }
    }

    /// ``roll(shifts:axes:)`` by one shift, along `axis` or over the flattened tensor when nil.
    public func roll(shifts: Int, axis: Int? = nil) -> Tensor {
        roll(shifts: [shifts], axes: axis.map { [$0] })
    }

    /// Rotates by 90° `k` times in the plane of `axes`, from the first axis towards the second
    /// (`torch.rot90`): for a matrix and `k = 1`, the last column becomes the first row.
    ///
    /// `k` may be negative (clockwise) and counts modulo 4. `k = 1` is `flip(axes[1])` then the
    /// two axes swapped, `k = 2` flips both, `k = 3` flips `axes[0]` then swaps; as in PyTorch the
    /// odd turns return a transposed view of the flipped copy.
    public func rot90(k: Int = 1, axes: [Int] = [0, 1]) -> Tensor {
        require(axes.count == 2, "rot90: expected 2 rotation axes, got \(axes)")
        require(rank >= 2, "rot90: expected a tensor of at least 2 dimensions, got shape \(shape)")
        let (a0, a1) = (normalizedAxis(axes[0], op: "rot90"), normalizedAxis(axes[1], op: "rot90"))
        require(a0 != a1, "rot90: rotation axes must differ, got \(axes) for shape \(shape)")
        switch (k % 4 + 4) % 4 {
        case 1: return flip(axes: [a1]).swapaxes(a0, a1)
        case 2: return flip(axes: [a0, a1])
        case 3: return flip(axes: [a0]).swapaxes(a0, a1)
        default: return self
        }
    }

    /// Moves axes `source` to positions `destination` (`torch.movedim`); the other axes keep their
    /// order in the remaining places. A view.
    public func movedim(source: [Int], destination: [Int]) -> Tensor {
        require(source.count == destination.count,
                "movedim: source \(source) and destination \(destination) must list as many axes")
        let src = normalizedAxes(source, op: "movedim", allowingScalar: true)
        let dst = normalizedAxes(destination, op: "movedim", allowingScalar: true)
        require(Set(src).count == src.count, "movedim: source \(source) repeats an axis (shape \(shape))")
        require(Set(dst).count == dst.count, "movedim: destination \(destination) repeats an axis (shape \(shape))")
        if rank == 0 { return self }
        var order = [Int](repeating: -1, count: rank)
        for (s, d) in zip(src, dst) { order[d] = s }
        var rest = (0..<rank).filter { !src.contains($0) }.makeIterator()
        for i in 0..<rank where order[i] < 0 { order[i] = rest.next()! }
        if order == Array(0..<rank) { return self }
        return permute(order)
    }

    /// Moves axis `source` to position `destination` (`torch.movedim`); a view.
    public func movedim(source: Int, destination: Int) -> Tensor {
        movedim(source: [source], destination: [destination])
    }

    /// The same as ``movedim(source:destination:)-([Int],[Int])`` (`torch.moveaxis`, NumPy's name).
    public func moveaxis(source: [Int], destination: [Int]) -> Tensor { movedim(source: source, destination: destination) }

    /// The same as ``movedim(source:destination:)-(Int,Int)`` (`torch.moveaxis`, NumPy's name).
    public func moveaxis(source: Int, destination: Int) -> Tensor { movedim(source: source, destination: destination) }

    /// Swaps two axes (`torch.swapaxes`, `torch.transpose`): a view. Like
    /// ``transposed(_:_:)`` but also for tensors of rank 0 and 1, where the only axis is swapped
    /// with itself.
    public func swapaxes(_ axis0: Int, _ axis1: Int) -> Tensor {
        let axes = normalizedAxes([axis0, axis1], op: "swapaxes", allowingScalar: true)
        if rank == 0 || axes[0] == axes[1] { return self }
        var order = Array(0..<rank)
        order.swapAt(axes[0], axes[1])
        return permute(order)
    }

    /// Swaps two axes: ``swapaxes(_:_:)`` under `torch.swapdims`' name.
    public func swapdims(_ axis0: Int, _ axis1: Int) -> Tensor { swapaxes(axis0, axis1) }
}
