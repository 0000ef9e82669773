// Matrix products: vector, matrix and batched (with broadcast batch dimensions), as `torch.matmul`.

/// Matrix product with NumPy semantics: 1-D operands are promoted to row/column vectors and
/// the added dimension removed again; leading (batch) dimensions broadcast.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    require(a.rank >= 1 && b.rank >= 1, "matmul: operands must have at least 1 dimension, got \(a.shape) and \(b.shape)")
    // Checked here so that messages show the shapes as given (1-D operands are reshaped below).
    let (ka, kb) = (a.shape[a.rank - 1], b.shape[Swift.max(b.rank - 2, 0)])
    require(ka == kb, "matmul: shapes \(a.shape) and \(b.shape) are not aligned (\(ka) != \(kb))")
    if a.rank > 2 || b.rank > 2 {
        _ = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)),
                            op: "matmul: batch dimensions of \(a.shape) and \(b.shape)")
    }
    switch (a.rank, b.rank) {
    case (1, 1):
        return batchedMatmul(a.unsqueezed(axis: 0), b.unsqueezed(axis: 1)).reshape([])
    case (1, _):
        return batchedMatmul(a.unsqueezed(axis: 0), b).squeezed(axis: -2)
    case (_, 1):
        return batchedMatmul(a, b.unsqueezed(axis: 1)).squeezed(axis: -1)
    default:
        return batchedMatmul(a, b)
    }
}

/// `[..., M, K] · [..., K, N] → [..., M, N]`.
private func batchedMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    if let y = inFloat32IfReduced(a, b, batchedMatmul) { return y }
    let (a, b) = Elementwise.promoteTypes(a, b, floating: true)
    let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (k2, n) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    require(k == k2, "matmul: shapes \(a.shape) and \(b.shape) are not aligned (\(k) != \(k2))")
    let batch = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
    let out = Tensor(uninitialized: batch + [m, n], dtype: a.dtype)
    let ea = a.broadcastView(to: batch + [m, k])
    var eb = b.broadcastView(to: batch + [k, n])
    // The float64 loop streams rows of B; float32 packing reads any layout.
    if a.dtype != .float32 && eb.strides[eb.rank - 1] != 1 && n > 1 { eb = noGrad { eb.contiguous() } }
    switch a.dtype {
    case .float32: gemmBatches(Float.self, ea, eb, out, m: m, n: n, k: k)
    default: gemmBatches(Double.self, ea, eb, out, m: m, n: n, k: k)
    }
    guard shouldRecord(a, b) else { return out }
    let (da, db) = (a.detached(), b.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record("matmul", a, b, out) { g in
        [ra ? matmul(g, db.transposed(-1, -2)).sum(toShape: da.shape) : nil,
         rb ? matmul(da.transposed(-1, -2), g).sum(toShape: db.shape) : nil]
    }
}

private func gemmBatches<T: FloatScalar>(_: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor, m: Int, n: Int, k: Int) {
    let batchShape = Array(a.shape.dropLast(2)) + [1]
    let pa = UnsafePointer(a.storage.pointer(T.self)), pb = UnsafePointer(b.storage.pointer(T.self))
    let pc = out.storage.pointer(T.self)
    let (ars, acs) = (a.strides[a.rank - 2], a.strides[a.rank - 1])
    let (brs, bcs) = (b.strides[b.rank - 2], b.strides[b.rank - 1])
    forEachRow(shape: batchShape, stridesA: Array(a.strides.dropLast(2)) + [0], offsetA: a.offset,
               stridesB: Array(b.strides.dropLast(2)) + [0], offsetB: b.offset) { batch, oa, ob in
        Kernels.gemm(T.self, m: m, n: n, k: k,
                     a: pa + oa, aRowStride: ars, aColStride: acs,
                     b: pb + ob, bRowStride: brs, bColStride: bcs,
                     c: pc + batch * m * n, cRowStride: n)
    }
}

extension Tensor {
    /// Matrix product with `other` (see ``matmul(_:_:)``).
    public func matmul(_ other: Tensor) -> Tensor { Apus.matmul(self, other) }
}

/// `x · weightᵀ + bias`, as `torch.nn.functional.linear`: `x` `[…, in]`, `weight` `[out, in]`,
/// `bias` `[out]`, result `[…, out]`.
///
/// One fused op rather than `matmul` + `.T` + `+`: the bias is added in place on the product, and
/// backward computes `∂W = gᵀ·x` directly in `weight`'s layout (no transposed gradient to copy),
/// `∂x = g·W`, and `∂b = Σ g` over the batch.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    require(weight.rank == 2 && x.rank >= 1 && x.shape.last == weight.shape[1],
            "linear: input of shape \(x.shape) does not match weight of shape \(weight.shape)")
    if let bias { require(bias.shape == [weight.shape[0]], "linear: bias of shape \(bias.shape) does not match weight of shape \(weight.shape)") }
    if let y = inFloat32IfReduced(x, weight, { linear($0, weight: $1, bias: bias?.cast(to: .float32)) }) { return y }
    let (inF, outF) = (weight.shape[1], weight.shape[0])
    let (x, w) = Elementwise.promoteTypes(x, weight, floating: true)
    let b = bias?.cast(to: w.dtype)
    let rows = x.shape.dropLast().reduce(1, *)  // not -1: with no features it would be ambiguous
    let x2 = x.reshape([rows, inF])
    // Computed without recording: this op records one node of its own below.
    let out = noGrad { () -> Tensor in
        var y = matmul(x2, w.T)
        if let b { Kernels.addRowVector(b, to: &y) }
        return y.reshape(Array(x.shape.dropLast()) + [outF])
    }
    let inputs = [x2, w] + (b.map { [$0] } ?? [])
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    let (dx, dw) = (x2.detached(), w.detached())
    let (rx, rw) = (x2.requiresGrad, w.requiresGrad)
    return record("linear", inputs, out) { g in
        let g2 = g.reshape([rows, outF])
        var grads: [Tensor?] = [rx ? matmul(g2, dw) : nil, rw ? matmul(g2.T, dx) : nil]
        if b != nil { grads.append(g2.sum(axis: 0)) }
        return grads
    }
}
