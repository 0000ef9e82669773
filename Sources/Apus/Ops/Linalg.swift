// Matrix products: vector, matrix and batched (with broadcast batch dimensions), as `torch.matmul`.

import Synchronization

/// Matrix product with NumPy semantics, as `torch.matmul`: 1-D operands are promoted to row/column
/// vectors and the added dimension removed again (so vector · vector is a 0-d tensor); leading
/// (batch) dimensions broadcast.
///
/// int64 operands give an int64 product (as PyTorch); an integer and a floating-point operand,
/// or float32 and float64, are promoted to the wider type (PyTorch refuses mixed dtypes). bool
/// operands are refused. An empty inner dimension (`[2, 0] · [0, 3]`) gives zeros.
public func matmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    require(a.rank >= 1 && b.rank >= 1, "matmul: operands must have at least 1 dimension, got \(a.shape) and \(b.shape)")
    // Checked here so that messages show the shapes as given (1-D operands are reshaped below).
    let (ka, kb) = (a.shape[a.rank - 1], b.shape[Swift.max(b.rank - 2, 0)])
    require(ka == kb, "matmul: shapes \(a.shape) and \(b.shape) are not aligned (\(ka) != \(kb))")
    if a.rank > 2 || b.rank > 2 {
        _ = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)),
                            op: "matmul: batch dimensions of \(a.shape) and \(b.shape)")
    }
    let (a, b) = productOperands(a, b, op: "matmul")
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

/// The operands of a product of `op` in their common dtype: bool is refused (as PyTorch does),
/// integers stay integers, an integer and a float become the float, float32 and float64 float64.
func productOperands(_ a: Tensor, _ b: Tensor, op: String) -> (Tensor, Tensor) {
    require(a.dtype != .bool && b.dtype != .bool,
            "\(op): not defined for bool tensors (\(a.dtype) \(a.shape) and \(b.dtype) \(b.shape)); cast them first")
    return Elementwise.promoteTypes(a, b)
}

/// `[..., M, K] · [..., K, N] → [..., M, N]`, operands of one dtype (``productOperands(_:_:op:)``).
private func batchedMatmul(_ a: Tensor, _ b: Tensor) -> Tensor {
    let dtype = a.dtype
    if dtype != .float32 && dtype != .float64 && dtype != .int64 {
        // Other element types (narrower integers, half precision) multiply in int64 or float32.
        let wide: DType = dtype.isFloatingPoint ? .float32 : .int64
        return batchedMatmul(a.cast(to: wide), b.cast(to: wide)).cast(to: dtype)
    }
    let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (k2, n) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    require(k == k2, "matmul: shapes \(a.shape) and \(b.shape) are not aligned (\(k) != \(k2))")
    let batch = broadcastShapes(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "matmul")
    let out = Tensor(uninitialized: batch + [m, n], dtype: dtype)
    let ea = a.broadcastView(to: batch + [m, k])
    var eb = b.broadcastView(to: batch + [k, n])
    // The float64 and int64 loops stream rows of B; float32 packing reads any layout.
    if dtype != .float32 && eb.strides[eb.rank - 1] != 1 && n > 1 { eb = noGrad { eb.detached().contiguous() } }
    switch dtype {
    case .float32: gemmBatches(Float.self, ea, eb, out, m: m, n: n, k: k)
    case .float64: gemmBatches(Double.self, ea, eb, out, m: m, n: n, k: k)
    default: integerGemmBatches(ea, eb, out, m: m, n: n, k: k)
    }
    guard shouldRecord(a, b) else { return out }
    let (da, db) = (a.detached(), b.detached())
    let (ra, rb) = (a.requiresGrad, b.requiresGrad)
    return record("matmul", a, b, out) { g in
        [ra ? matmul(g, db.transposed(-1, -2)).sum(toShape: da.shape) : nil,
         rb ? matmul(da.transposed(-1, -2), g).sum(toShape: db.shape) : nil]
    }
}

/// Runs `product(i, threads)` for each of the `count` matrix products of a batch, each of
/// `work` multiply-adds. Products too small to split, or enough of them to share out evenly, go
/// one thread per product (`threads` is then 1), with one wake-up of the pool for the whole batch
/// instead of one per product; the threads take the next few products from a shared counter, so
/// a thread that starts late (a busy machine) leaves its share to the others instead of holding
/// up the batch. A few large products run in turn, each on every thread. Each product is computed
/// the same way whichever thread runs it, so results do not depend on the thread count.
private func forEachProduct(count: Int, work: Int, _ product: (_ index: Int, _ threads: Int) -> Void) {
    let threads = ThreadPool.threadCount
    let perBatch = threads > 1 && count >= 2 && count * work >= 1 << 15
        && (work < 1 << 17 || count % threads == 0 || count >= 4 * threads)
    guard perBatch else {
        for i in 0..<count { product(i, threads) }
        return
    }
    // Chunks of about 1/8 of a thread's share: few counter updates, a late thread's loss small.
    let chunk = Swift.max(1, count / (8 * threads)), next = BatchCounter()
    ThreadPool.shared.parallelFor(threads) { _ in
        while true {
            let start = next.value.add(chunk, ordering: .relaxed).oldValue
            if start >= count { break }
            for i in start..<Swift.min(count, start + chunk) { product(i, 1) }
        }
    }
}

/// The next product of a batch to compute, shared by the threads of ``forEachProduct(count:work:_:)``.
private final class BatchCounter: Sendable {
    let value = Atomic<Int>(0)
}

/// Storage offsets of A and B for each product of a batch (the batch dimensions in row-major order).
private func batchOffsets(_ a: Tensor, _ b: Tensor) -> [(a: Int, b: Int)] {
    let batchShape = Array(a.shape.dropLast(2)) + [1]
    var offsets: [(a: Int, b: Int)] = []
    offsets.reserveCapacity(batchShape.reduce(1, *))
    forEachRow(shape: batchShape, stridesA: Array(a.strides.dropLast(2)) + [0], offsetA: a.offset,
               stridesB: Array(b.strides.dropLast(2)) + [0], offsetB: b.offset) { _, oa, ob in
        offsets.append((oa, ob))
    }
    return offsets
}

private func gemmBatches<T: FloatScalar>(_: T.Type, _ a: Tensor, _ b: Tensor, _ out: Tensor, m: Int, n: Int, k: Int) {
    let pa = UnsafePointer(a.storage.pointer(T.self)), pb = UnsafePointer(b.storage.pointer(T.self))
    let pc = out.storage.pointer(T.self)
    let (ars, acs) = (a.strides[a.rank - 2], a.strides[a.rank - 1])
    let (brs, bcs) = (b.strides[b.rank - 2], b.strides[b.rank - 1])
    let offsets = batchOffsets(a, b)
    forEachProduct(count: offsets.count, work: m * n * k) { i, threads in
        Kernels.gemm(T.self, m: m, n: n, k: k,
                     a: pa + offsets[i].a, aRowStride: ars, aColStride: acs,
                     b: pb + offsets[i].b, bRowStride: brs, bColStride: bcs,
                     c: pc + i * m * n, cRowStride: n, threads: threads)
    }
}

/// int64 products: the i-k-j loop of the float64 path with wrapping arithmetic (as PyTorch's
/// integer GEMM), B's rows contiguous.
private func integerGemmBatches(_ a: Tensor, _ b: Tensor, _ out: Tensor, m: Int, n: Int, k: Int) {
    let pa = UnsafePointer(a.storage.pointer(Int64.self)), pb = UnsafePointer(b.storage.pointer(Int64.self))
    let pc = out.storage.pointer(Int64.self)
    let (ars, acs) = (a.strides[a.rank - 2], a.strides[a.rank - 1])
    let brs = b.strides[b.rank - 2]
    let offsets = batchOffsets(a, b)
    forEachProduct(count: offsets.count, work: m * n * k) { i, threads in
        let (x, y, c) = (pa + offsets[i].a, pb + offsets[i].b, pc + i * m * n)
        let rows = { (r: Range<Int>) in
            for row in r {
                let ci = c + row * n
                ci.update(repeating: 0, count: n)
                for p in 0..<k {
                    let v = x[row * ars + p * acs]
                    if v == 0 { continue }
                    let bp = y + p * brs
                    for j in 0..<n { ci[j] &+= v &* bp[j] }
                }
            }
        }
        if threads > 1 && m * n * k >= 1 << 18 {
            ThreadPool.shared.parallelRanges(m, grain: 1) { rows($0) }
        } else {
            rows(0..<m)
        }
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
