// Joining and splitting: concat, stack, split, chunk.

/// Joins tensors along an existing `axis`; all other dimensions must agree.
public func concat(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    require(!tensors.isEmpty, "concat: no tensors given")
    let first = tensors[0]
    require(first.rank > 0, "concat: zero-dimensional tensors cannot be concatenated; use stack")
    let a = first.normalizedAxis(axis, op: "concat")
    let dtype = tensors.map(\.dtype).reduce(first.dtype, DType.promoted)
    let inputs = tensors.map { $0.cast(to: dtype) }
    var shape = first.shape
    for t in inputs.dropFirst() {
        require(t.rank == first.rank, "concat: tensors of shapes \(first.shape) and \(t.shape) differ in rank")
        for d in 0..<t.rank where d != a {
            require(t.shape[d] == first.shape[d], "concat: shapes \(first.shape) and \(t.shape) differ outside axis \(axis)")
        }
    }
    shape[a] = inputs.map { $0.shape[a] }.reduce(0, +)
    var out = Tensor.zeros(shape, dtype: dtype)
    var start = 0
    var bounds: [(Int, Int)] = []
    for t in inputs {
        let end = start + t.shape[a]
        var view = noGrad { out.slice(axis: a, start: start, end: end) }
        Kernels.copy(from: t, into: &view)
        bounds.append((start, end))
        start = end
    }
    out.node = nil
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    return record("concat", inputs, out) { g in bounds.map { g.slice(axis: a, start: $0.0, end: $0.1) } }
}

/// Joins tensors of one shape along a new `axis`.
public func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
    require(!tensors.isEmpty, "stack: no tensors given")
    for t in tensors { require(t.shape == tensors[0].shape, "stack: shapes \(tensors[0].shape) and \(t.shape) differ") }
    return concat(tensors.map { $0.unsqueezed(axis: axis) }, axis: axis)
}

extension Tensor {
    /// Views of consecutive pieces of `sizes` along `axis` (the sizes must add up to the dimension).
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let a = normalizedAxis(axis, op: "split")
        require(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == shape[a],
                     "split: sizes \(sizes) do not add up to \(shape[a]) along axis \(axis) of shape \(shape)")
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return slice(axis: a, start: start, end: start + n)
        }
    }

    /// Views of pieces of `size` along `axis` (the last may be smaller).
    public func split(size: Int, axis: Int = 0) -> [Tensor] {
        require(size > 0, "split: size must be positive, got \(size)")
        let n = shape[normalizedAxis(axis, op: "split")]
        if n == 0 { return [self] }  // an empty axis splits into one empty piece, as in PyTorch
        return split(sizes: stride(from: 0, to: n, by: size).map { Swift.min(size, n - $0) }, axis: axis)
    }

    /// `chunks` views of (nearly) equal size along `axis`, as `torch.chunk`.
    public func chunk(_ chunks: Int, axis: Int = 0) -> [Tensor] {
        require(chunks > 0, "chunk: chunks must be positive, got \(chunks)")
        let n = shape[normalizedAxis(axis, op: "chunk")]
        if n == 0 { return [Tensor](repeating: self, count: chunks) }  // `chunks` empty pieces, as in PyTorch
        return split(size: Swift.max(1, (n + chunks - 1) / chunks), axis: axis)
    }
}
