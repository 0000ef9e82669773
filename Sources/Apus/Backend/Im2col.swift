// im2col / col2im and the GEMM-based 2-D convolution kernels (forward, input gradient, weight
// gradient) that Ops/Convolution.swift builds conv2d, conv1d and convTranspose2d from.

/// The shapes of one 2-D convolution: input `[N, C, H, W]`, weight `[O, C/groups, kH, kW]`,
/// output `[N, O, outH, outW]`.
///
/// Padding is given per side at the top and left; the bottom and right padding is whatever
/// makes `outH`/`outW` (so asymmetric `same` padding needs no extra field).
struct ConvGeometry: Sendable, Equatable {
    var batch: Int, channels: Int, height: Int, width: Int
    var outChannels: Int, groups: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int
    var padTop: Int, padLeft: Int
    var dilationH: Int, dilationW: Int
    var outH: Int, outW: Int

    /// Values per input image, `C·H·W`.
    var inputPlane: Int { channels * height * width }
    /// Values per output image, `O·outH·outW`.
    var outputPlane: Int { outChannels * outH * outW }
    /// Output positions per image, the columns of the im2col matrix: `L = outH·outW`.
    var positions: Int { outH * outW }
    /// Rows of one group's im2col matrix (and columns of its weight matrix): `C/groups·kH·kW`.
    var groupDepth: Int { channels / groups * kernelH * kernelW }
    /// Rows of the whole im2col matrix, `C·kH·kW`.
    var columnRows: Int { channels * kernelH * kernelW }
    /// Output channels per group.
    var groupOut: Int { outChannels / groups }
    /// A 1×1 kernel with stride 1 and no padding: the im2col matrix is the image itself.
    var isPointwise: Bool {
        kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
            && outH == height && outW == width
    }
}

/// The convolution kernels: each image's im2col matrix `[C·kH·kW, L]` times the weight matrix
/// `[O, C·kH·kW]` (per group) on the engine's GEMM.
///
/// Work is split into image chunks whose number depends only on the batch size, never on the
/// thread count; each chunk runs its GEMMs serially (a nested parallel call runs on its
/// caller), a batch of one image runs the GEMM itself in parallel. The weight gradient sums one
/// partial per chunk in chunk order. So results are bit-identical for any `APUS_NUM_THREADS`.
/// (`pool` is a parameter so that tests can compare pools of different sizes in one process.)
enum ConvKernels {
    /// Chunks of images the work is split into: up to 16, fewer when the weight-gradient partials
    /// (one weight-sized buffer per chunk) would pass 64 MB.
    static func chunkCount(_ g: ConvGeometry, elementSize: Int) -> Int {
        let partialBytes = g.outChannels * g.groupDepth * elementSize
        return Swift.max(1, Swift.min(g.batch, 16, (64 << 20) / Swift.max(partialBytes, 1)))
    }

    /// Runs `body(chunk, images)` for each chunk of images (`chunks` ≤ batch, so none is empty),
    /// chunks spread over the thread pool.
    static func forEachChunk(_ g: ConvGeometry, chunks: Int, pool: ThreadPool, _ body: (Int, Range<Int>) -> Void) {
        pool.parallelFor(chunks) { c in
            body(c, (c * g.batch / chunks)..<((c + 1) * g.batch / chunks))
        }
    }

    /// Valid output columns `lo..<hi` of an input row read at `iw = ow·stride + offset`.
    @inline(__always)
    static func validRange(offset: Int, stride: Int, width: Int, outW: Int) -> (Int, Int) {
        let lo = offset >= 0 ? 0 : Swift.min(outW, (-offset + stride - 1) / stride)
        let hi = offset > width - 1 ? 0 : Swift.min(outW, (width - 1 - offset) / stride + 1)
        return (lo, Swift.max(lo, hi))
    }

    /// Unfolds one image `[C, H, W]` into `col` `[C·kH·kW, outH·outW]`: row `(c·kH + i)·kW + j`
    /// holds the input under kernel tap (i, j) of channel c at every output position (0 in the padding).
    static func im2col<T: FloatScalar>(_ x: UnsafePointer<T>, _ g: ConvGeometry, into col: UnsafeMutablePointer<T>) {
        let (outH, outW, L) = (g.outH, g.outW, g.positions)
        for c in 0..<g.channels {
            let plane = x + c * g.height * g.width
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + ki) * g.kernelW + kj) * L
                    let offset = kj * g.dilationW - g.padLeft
                    let (lo, hi) = validRange(offset: offset, stride: g.strideW, width: g.width, outW: outW)
                    for oh in 0..<outH {
                        let dst = row + oh * outW
                        let ih = oh * g.strideH - g.padTop + ki * g.dilationH
                        if ih < 0 || ih >= g.height || lo == hi { dst.update(repeating: 0, count: outW); continue }
                        if lo > 0 { dst.update(repeating: 0, count: lo) }
                        if hi < outW { (dst + hi).update(repeating: 0, count: outW - hi) }
                        let src = plane + ih * g.width + offset
                        if g.strideW == 1 {
                            (dst + lo).update(from: src + lo, count: hi - lo)
                        } else {
                            let s = g.strideW
                            for ow in lo..<hi { dst[ow] = src[ow * s] }
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of ``im2col``: adds every entry of `col` back onto the input position it was
    /// read from. `x` must be zeroed first.
    static func col2im<T: FloatScalar>(_ col: UnsafePointer<T>, _ g: ConvGeometry, into x: UnsafeMutablePointer<T>) {
        let (outH, outW, L) = (g.outH, g.outW, g.positions)
        for c in 0..<g.channels {
            let plane = x + c * g.height * g.width
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let row = col + ((c * g.kernelH + ki) * g.kernelW + kj) * L
                    let offset = kj * g.dilationW - g.padLeft
                    let (lo, hi) = validRange(offset: offset, stride: g.strideW, width: g.width, outW: outW)
                    if lo == hi { continue }
                    for oh in 0..<outH {
                        let ih = oh * g.strideH - g.padTop + ki * g.dilationH
                        if ih < 0 || ih >= g.height { continue }
                        let src = row + oh * outW
                        let dst = plane + ih * g.width + offset
                        if g.strideW == 1 {
                            for ow in lo..<hi { dst[ow] += src[ow] }
                        } else {
                            let s = g.strideW
                            for ow in lo..<hi { dst[ow * s] += src[ow] }
                        }
                    }
                }
            }
        }
    }

    /// A scratch buffer of `count` elements from the buffer cache, released after `body`.
    @inline(__always)
    static func withScratch<T: FloatScalar, R>(_: T.Type, count: Int, _ body: (UnsafeMutablePointer<T>) -> R) -> R {
        if count == 0 { return body(UnsafeMutablePointer<T>(bitPattern: MemoryLayout<T>.alignment)!) }
        let bytes = count * MemoryLayout<T>.stride
        let raw = BufferCache.shared.allocate(byteCount: bytes)
        defer { BufferCache.shared.release(raw, byteCount: bytes) }
        return body(raw.bindMemory(to: T.self, capacity: count))
    }

    /// `y = conv(x, w) (+ bias)`: per image and group, `Y[O/g, L] = W[O/g, C/g·kH·kW] · col[C/g·kH·kW, L]`.
    /// All pointers address contiguous tensors; `bias` may be nil.
    static func forward<T: FloatScalar>(_: T.Type, _ g: ConvGeometry, x: UnsafePointer<T>, weight: UnsafePointer<T>,
                                        bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>, pool: ThreadPool = .shared) {
        let (L, K, Og) = (g.positions, g.groupDepth, g.groupOut)
        let io = Pointers(x: UnsafeMutablePointer(mutating: x), w: UnsafeMutablePointer(mutating: weight),
                          b: bias.map { UnsafeMutablePointer(mutating: $0) }, y: y)
        forEachChunk(g, chunks: chunkCount(g, elementSize: 0), pool: pool) { _, images in
            withScratch(T.self, count: g.isPointwise ? 0 : g.columnRows * L) { scratch in
                for n in images {
                    let xn = UnsafePointer(io.x + n * g.inputPlane), yn = io.y + n * g.outputPlane
                    let col: UnsafePointer<T>
                    if g.isPointwise { col = xn } else { im2col(xn, g, into: scratch); col = UnsafePointer(scratch) }
                    for gi in 0..<g.groups {
                        Kernels.gemm(T.self, m: Og, n: L, k: K,
                                     a: UnsafePointer(io.w + gi * Og * K), aRowStride: K, aColStride: 1,
                                     b: col + gi * K * L, bRowStride: L, bColStride: 1,
                                     c: yn + gi * Og * L, cRowStride: L)
                    }
                    if let b = io.b {
                        for o in 0..<g.outChannels {
                            let row = yn + o * L, v = b[o]
                            for l in 0..<L { row[l] += v }
                        }
                    }
                }
            }
        }
    }

    /// Raw pointers handed to the worker threads.
    struct Pointers<T>: @unchecked Sendable {
        let x: UnsafeMutablePointer<T>
        let w: UnsafeMutablePointer<T>
        let b: UnsafeMutablePointer<T>?
        let y: UnsafeMutablePointer<T>
    }

    /// Gradients of ``forward`` from the output gradient `dy`:
    /// `dx` (if non-nil) `= col2im(Wᵀ · dY)` per image and group, and `dw` (if non-nil)
    /// `= Σₙ dYₙ · colₙᵀ` (needs `x`). Both are overwritten.
    static func backward<T: FloatScalar>(_: T.Type, _ g: ConvGeometry, dy: UnsafePointer<T>, weight: UnsafePointer<T>,
                                         x: UnsafePointer<T>?, dx: UnsafeMutablePointer<T>?, dw: UnsafeMutablePointer<T>?,
                                         pool: ThreadPool = .shared) {
        let (L, K, Og) = (g.positions, g.groupDepth, g.groupOut)
        let weightCount = g.outChannels * K
        let chunks = chunkCount(g, elementSize: MemoryLayout<T>.stride)
        // Partials of the weight gradient, one per chunk (the first chunk writes dw directly).
        let partialCount = dw == nil ? 0 : (chunks - 1) * weightCount
        withScratch(T.self, count: partialCount) { partials in
            let io = Pointers(x: UnsafeMutablePointer(mutating: x ?? dy), w: UnsafeMutablePointer(mutating: weight),
                              b: dx, y: UnsafeMutablePointer(mutating: dy))
            let dwOut = Pointers(x: partials, w: dw ?? partials, b: nil, y: partials)
            // float64's GEMM loop needs B with unit column stride: its weight gradient reads colᵀ
            // from a transposed copy.
            let transposeColumns = T.self != Float.self && dw != nil
            let scratchCount = (g.isPointwise ? 0 : g.columnRows * L) + (transposeColumns ? g.columnRows * L : 0)
            forEachChunk(g, chunks: chunks, pool: pool) { chunk, images in
                withScratch(T.self, count: scratchCount) { scratch in
                    let target = chunk == 0 ? dwOut.w : dwOut.x + (chunk - 1) * weightCount
                    for (i, n) in images.enumerated() {
                        let dyn = UnsafePointer(io.y + n * g.outputPlane)
                        if dw != nil {
                            let xn = UnsafePointer(io.x + n * g.inputPlane)
                            var col: UnsafePointer<T>
                            if g.isPointwise { col = xn } else { im2col(xn, g, into: scratch); col = UnsafePointer(scratch) }
                            var (bRow, bCol) = (1, L)
                            if transposeColumns {
                                let t = scratch + (g.isPointwise ? 0 : g.columnRows * L)
                                for r in 0..<g.columnRows { for l in 0..<L { t[l * g.columnRows + r] = col[r * L + l] } }
                                col = UnsafePointer(t)
                                (bRow, bCol) = (g.columnRows, 1)
                            }
                            for gi in 0..<g.groups {
                                // dW_g[O/g, K] (+)= dY_g[O/g, L] · col_gᵀ[L, K]
                                let b = transposeColumns ? col + gi * K : col + gi * K * L
                                Kernels.gemm(T.self, m: Og, n: K, k: L,
                                             a: dyn + gi * Og * L, aRowStride: L, aColStride: 1,
                                             b: b, bRowStride: bRow, bColStride: bCol,
                                             c: target + gi * Og * K, cRowStride: K, accumulate: i > 0)
                            }
                        }
                        if let dxAll = io.b {
                            let dxn = dxAll + n * g.inputPlane
                            // dcol_g[K, L] = W_gᵀ[K, O/g] · dY_g[O/g, L], folded back by col2im.
                            let dcol = g.isPointwise ? dxn : scratch
                            for gi in 0..<g.groups {
                                Kernels.gemm(T.self, m: K, n: L, k: Og,
                                             a: UnsafePointer(io.w + gi * Og * K), aRowStride: 1, aColStride: K,
                                             b: dyn + gi * Og * L, bRowStride: L, bColStride: 1,
                                             c: dcol + gi * K * L, cRowStride: L)
                            }
                            if !g.isPointwise {
                                dxn.update(repeating: 0, count: g.inputPlane)
                                col2im(UnsafePointer(scratch), g, into: dxn)
                            }
                        }
                    }
                }
            }
            // Sum the partials into dw in chunk order.
            if let dw {
                for c in 0..<(chunks - 1) {
                    let p = partials + c * weightCount
                    for i in 0..<weightCount { dw[i] += p[i] }
                }
            }
        }
    }
}
