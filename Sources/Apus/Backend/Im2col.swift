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

/// The convolution kernels: im2col matrices `[C·kH·kW, L]` times the weight matrix
/// `[O, C·kH·kW]` (per group) on the engine's GEMM.
///
/// Work is split into chunks of images whose number depends only on the shapes, never on the
/// thread count. Within a chunk, small images are unfolded side by side (`G` images give one
/// `[C·kH·kW, G·L]` matrix) so that each GEMM is large; a chunk runs its GEMMs serially (a nested
/// parallel call runs on its caller), and a batch of one image runs the GEMM itself in parallel.
/// The weight gradient sums one partial per chunk in chunk order. So results are bit-identical
/// for any `APUS_NUM_THREADS`. (`pool` is a parameter so that tests can compare pools of
/// different sizes in one process.)
enum ConvKernels {
    /// Chunks of images the work is split into: up to 16 (8 for small images), fewer when the
    /// weight-gradient partials (one weight-sized buffer per chunk) would pass 64 MB. One when
    /// the weight outweighs an image's im2col matrix (deep layers on small images): then the
    /// images go into as few products as possible, each GEMM running in parallel, so the weight
    /// is packed and its gradient written a few times per batch instead of once per chunk.
    static func chunkCount(_ g: ConvGeometry, elementSize: Int) -> Int {
        if g.outChannels * g.groupDepth >= g.columnRows * g.positions { return 1 }
        let partialBytes = g.outChannels * g.groupDepth * Swift.max(elementSize, 1)
        let most = g.columnRows * g.positions >= 1 << 16 ? 16 : 8
        return Swift.max(1, Swift.min(g.batch, most, (64 << 20) / partialBytes))
    }

    /// Images unfolded side by side into one im2col matrix: as many as fit 2²¹ elements
    /// (8 MB in float32), at least one; always one for a 1×1 kernel (no im2col at all).
    static func imagesPerProduct(_ g: ConvGeometry) -> Int {
        g.isPointwise ? 1 : Swift.max(1, (1 << 21) / Swift.max(g.columnRows * g.positions, 1))
    }

    // Within a product, per-image loops (im2col, col2im, gathering and spreading) go through
    // `pool.parallelFor`: in parallel when the whole batch is one chunk, serially on the chunk's
    // thread otherwise (the pool is busy). Either way each image's result is the same.

    /// Runs `body(chunk, images, scratch)` for each chunk of images (`chunks` ≤ batch, so none is
    /// empty), chunks spread over the thread pool; each thread takes one scratch buffer of
    /// `scratchCount` elements for all its chunks (fresh multi-megabyte buffers per chunk would
    /// cost page faults). Which thread runs a chunk does not change its result.
    static func forEachChunk<T: FloatScalar>(_ g: ConvGeometry, chunks: Int, pool: ThreadPool, scratchCount: Int, _: T.Type,
                                             _ body: (Int, Range<Int>, UnsafeMutablePointer<T>) -> Void) {
        let workers = Swift.max(1, Swift.min(chunks, pool.size))
        pool.parallelFor(workers) { t in
            withScratch(T.self, count: scratchCount) { scratch in
                for c in stride(from: t, to: chunks, by: workers) {
                    body(c, (c * g.batch / chunks)..<((c + 1) * g.batch / chunks), scratch)
                }
            }
        }
    }

    /// Valid output columns `lo..<hi` of an input row read at `iw = ow·stride + offset`.
    @inline(__always)
    static func validRange(offset: Int, stride: Int, width: Int, outW: Int) -> (Int, Int) {
        let lo = offset >= 0 ? 0 : Swift.min(outW, (-offset + stride - 1) / stride)
        let hi = offset > width - 1 ? 0 : Swift.min(outW, (width - 1 - offset) / stride + 1)
        return (lo, Swift.max(lo, hi))
    }

    /// Where one kernel tap `(i, j)` reads the image: output rows `rows` and columns `columns` see
    /// the input (the others padding), starting at element `source` of the channel's plane for
    /// output position `(rows.lowerBound, 0)`. The same for every channel and image, so a whole
    /// unfold computes kH·kW of them once (no divisions per tap).
    struct TapPlan {
        var source: Int
        var rows: Range<Int>
        var columns: Range<Int>
    }

    /// Runs `body` with the plans of the kH·kW taps, tap `i·kW + j` at index `i·kW + j`.
    @inline(__always)
    static func withTapPlans<R>(_ g: ConvGeometry, _ body: (UnsafeMutableBufferPointer<TapPlan>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: TapPlan.self, capacity: g.kernelH * g.kernelW) { plans in
            for ki in 0..<g.kernelH {
                let rowOffset = ki * g.dilationH - g.padTop
                let (ohLo, ohHi) = validRange(offset: rowOffset, stride: g.strideH, width: g.height, outW: g.outH)
                for kj in 0..<g.kernelW {
                    let offset = kj * g.dilationW - g.padLeft
                    let (lo, hi) = validRange(offset: offset, stride: g.strideW, width: g.width, outW: g.outW)
                    plans.initializeElement(at: ki * g.kernelW + kj, to: TapPlan(
                        source: (ohLo * g.strideH + rowOffset) * g.width + offset,
                        rows: lo == hi ? ohLo..<ohLo : ohLo..<ohHi, columns: lo..<hi))
                }
            }
            return body(plans)
        }
    }

    /// Calls `body(plane, plan, row)` for every channel and kernel tap, in im2col row order: the
    /// channel's plane starts `plane` elements into the image, and `row` is the tap's im2col row.
    @inline(__always)
    static func forEachTap(_ g: ConvGeometry, _ body: (_ plane: Int, _ plan: TapPlan, _ row: Int) -> Void) {
        withTapPlans(g) { plans in
            var row = 0
            for c in 0..<g.channels {
                let plane = c * g.height * g.width
                for plan in plans {
                    body(plane, plan, row)
                    row += 1
                }
            }
        }
    }

    /// `dst[0..<count] = 0`, inline for the short runs of small images (a library call costs more).
    @inline(__always)
    static func zero<T: FloatScalar>(_ dst: UnsafeMutablePointer<T>, count: Int) {
        if count >= 64 { dst.update(repeating: 0, count: count); return }
        for i in 0..<count { dst[i] = 0 }
    }

    /// Unfolds one image `[C, H, W]` into `col` `[C·kH·kW, outH·outW]` whose rows are `ld` apart:
    /// row `(c·kH + i)·kW + j` holds the input under kernel tap (i, j) of channel c at every output
    /// position (0 in the padding).
    ///
    /// Rows of output positions whose input row is padding are zeroed in one go; the others copy
    /// a run of the input row, zeroing only the columns that fall in the padding.
    static func im2col<T: FloatScalar>(_ x: UnsafePointer<T>, _ g: ConvGeometry, into col: UnsafeMutablePointer<T>, ld: Int) {
        let (outH, outW) = (g.outH, g.outW)
        let (rowStep, strideW) = (g.strideH * g.width, g.strideW)
        forEachTap(g) { plane, plan, r in
            let row = col + r * ld
            let (rows, lo, hi) = (plan.rows, plan.columns.lowerBound, plan.columns.upperBound)
            zero(row, count: rows.lowerBound * outW)
            zero(row + rows.upperBound * outW, count: (outH - rows.upperBound) * outW)
            var src = x + plane + plan.source
            var dst = row + rows.lowerBound * outW
            if strideW == 1 && lo == 0 && hi == outW {
                // No column in the padding: plain row copies.
                for _ in rows {
                    copy(src, to: dst, count: outW)
                    src += rowStep; dst += outW
                }
                return
            }
            for _ in rows {
                for ow in 0..<lo { dst[ow] = 0 }
                for ow in hi..<outW { dst[ow] = 0 }
                if strideW == 1 {
                    copy(src + lo, to: dst + lo, count: hi - lo)
                } else {
                    for ow in lo..<hi { dst[ow] = src[ow * strideW] }
                }
                src += rowStep; dst += outW
            }
        }
    }

    /// `dst[i] = src[i]` for a short row, eight at a time (rows are a few dozen values: a library
    /// copy call costs more than it saves). The tail is one more group of eight (or four) ending
    /// at the row's end, overlapping the last full one: no scalar loop.
    @inline(__always)
    static func copy<T: FloatScalar>(_ src: UnsafePointer<T>, to dst: UnsafeMutablePointer<T>, count: Int) {
        let (s, d) = (UnsafeRawPointer(src), UnsafeMutableRawPointer(dst))
        let size = MemoryLayout<T>.stride
        @inline(__always) func move<V: SIMD>(_: V.Type, at i: Int) where V.Scalar == T {
            d.storeBytes(of: s.loadUnaligned(fromByteOffset: i * size, as: V.self), toByteOffset: i * size, as: V.self)
        }
        if count >= 8 {
            var i = 0
            while i + 8 <= count { move(SIMD8<T>.self, at: i); i += 8 }
            if i < count { move(SIMD8<T>.self, at: count - 8) }
        } else if count >= 4 {
            move(SIMD4<T>.self, at: 0)
            move(SIMD4<T>.self, at: count - 4)
        } else {
            for i in 0..<count { dst[i] = src[i] }
        }
    }

    /// `dst[i] = src[i] + value` (`src` may be `dst`), eight at a time: the compiler does not
    /// vectorise the plain loop, whose pointers might overlap.
    @inline(__always)
    static func copy<T: FloatScalar>(_ src: UnsafePointer<T>, to dst: UnsafeMutablePointer<T>, count: Int, adding value: T) {
        let (s, d) = (UnsafeRawPointer(src), UnsafeMutableRawPointer(dst))
        let size = MemoryLayout<T>.stride
        let v = SIMD8<T>(repeating: value)
        var i = 0
        while i + 8 <= count {
            d.storeBytes(of: s.loadUnaligned(fromByteOffset: i * size, as: SIMD8<T>.self) + v, toByteOffset: i * size, as: SIMD8<T>.self)
            i += 8
        }
        while i < count { dst[i] = src[i] + value; i += 1 }
    }

    /// `dst[i] += src[i]` for a short row, eight, then four at a time.
    @inline(__always)
    static func add<T: FloatScalar>(_ src: UnsafePointer<T>, to dst: UnsafeMutablePointer<T>, count: Int) {
        var i = 0
        let (s, d) = (UnsafeRawPointer(src), UnsafeMutableRawPointer(dst))
        let size = MemoryLayout<T>.stride
        @inline(__always) func add<V: SIMD>(_: V.Type, at i: Int) where V.Scalar == T, V.Scalar: FloatingPoint {
            let sum = d.loadUnaligned(fromByteOffset: i * size, as: V.self) + s.loadUnaligned(fromByteOffset: i * size, as: V.self)
            d.storeBytes(of: sum, toByteOffset: i * size, as: V.self)
        }
        while i + 8 <= count { add(SIMD8<T>.self, at: i); i += 8 }
        if i + 4 <= count { add(SIMD4<T>.self, at: i); i += 4 }
        while i < count { dst[i] += src[i]; i += 1 }
    }

    /// The adjoint of ``im2col(_:_:into:ld:)``: adds every entry of `col` back onto the input
    /// position it was read from. `x` must be zeroed first.
    static func col2im<T: FloatScalar>(_ col: UnsafePointer<T>, ld: Int, _ g: ConvGeometry, into x: UnsafeMutablePointer<T>) {
        let outW = g.outW
        let (rowStep, strideW) = (g.strideH * g.width, g.strideW)
        forEachTap(g) { plane, plan, r in
            let (lo, hi) = (plan.columns.lowerBound, plan.columns.upperBound)
            var dst = x + plane + plan.source
            var src = col + r * ld + plan.rows.lowerBound * outW
            for _ in plan.rows {
                if strideW == 1 {
                    add(src + lo, to: dst + lo, count: hi - lo)
                } else {
                    for ow in lo..<hi { dst[ow * strideW] += src[ow] }
                }
                src += outW; dst += rowStep
            }
        }
    }

    /// A scratch buffer of `count` elements from the buffer cache, released after `body`.
    @inline(__always)
    static func withScratch<T: FloatScalar, R>(_: T.Type, count: Int, _ body: (UnsafeMutablePointer<T>) -> R) -> R {
        let bytes = Swift.max(count, 1) * MemoryLayout<T>.stride
        let raw = BufferCache.shared.allocate(byteCount: bytes)
        defer { BufferCache.shared.release(raw, byteCount: bytes) }
        return body(raw.bindMemory(to: T.self, capacity: Swift.max(count, 1)))
    }

    /// The sub-ranges of `images` unfolded together (at most `per` images each).
    @inline(__always)
    static func products(_ images: Range<Int>, per: Int) -> StrideTo<Int> {
        stride(from: images.lowerBound, to: images.upperBound, by: per)
    }

    /// `y = conv(x, w) (+ bias)`: per group of images and channel group,
    /// `Y[O/g, G·L] = W[O/g, C/g·kH·kW] · col[C/g·kH·kW, G·L]`. Pointers address contiguous tensors.
    static func forward<T: FloatScalar>(_: T.Type, _ g: ConvGeometry, x: UnsafePointer<T>, weight: UnsafePointer<T>,
                                        bias: UnsafePointer<T>?, y: UnsafeMutablePointer<T>,
                                        pool: ThreadPool = .shared) {
        let (L, K, Og, O) = (g.positions, g.groupDepth, g.groupOut, g.outChannels)
        let io = Pointers(x: UnsafeMutablePointer(mutating: x), w: UnsafeMutablePointer(mutating: weight),
                          b: bias.map { UnsafeMutablePointer(mutating: $0) }, y: y)
        let chunks = chunkCount(g, elementSize: MemoryLayout<T>.stride)
        let per = Swift.min(imagesPerProduct(g), (g.batch + chunks - 1) / chunks)
        let colCount = g.isPointwise ? 0 : g.columnRows * L * per
        forEachChunk(g, chunks: chunks, pool: pool, scratchCount: colCount + (per > 1 ? O * L * per : 0), T.self) { _, images, scratch in
            do {
                for n0 in products(images, per: per) {
                    let count = Swift.min(per, images.upperBound - n0), ld = count * L
                    let col = columns(io.x, g, images: n0, count: count, scratch: scratch, pool: pool)
                    // One image: straight into y; several: into a [O, G·L] block, then spread.
                    let product = count == 1 ? io.y + n0 * g.outputPlane : scratch + colCount
                    for gi in 0..<g.groups {
                        Kernels.gemm(T.self, m: Og, n: ld, k: K,
                                     a: UnsafePointer(io.w + gi * Og * K), aRowStride: K, aColStride: 1,
                                     b: col + gi * K * ld, bRowStride: ld, bColStride: 1,
                                     c: product + gi * Og * ld, cRowStride: ld)
                    }
                    pool.parallelFor(count) { i in
                        let yn = io.y + (n0 + i) * g.outputPlane
                        for o in 0..<O {
                            let row = yn + o * L, v = io.b?[o] ?? 0
                            if count > 1 {
                                let src = product + o * ld + i * L
                                copy(UnsafePointer(src), to: row, count: L, adding: v)
                            } else if io.b != nil {
                                copy(UnsafePointer(row), to: row, count: L, adding: v)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The im2col matrix of images `first..<first + count` side by side (`[C·kH·kW, count·L]`):
    /// the images themselves for a 1×1 kernel, else unfolded into `scratch`, an image per thread.
    @inline(__always)
    static func columns<T: FloatScalar>(_ x: UnsafeMutablePointer<T>, _ g: ConvGeometry, images first: Int, count: Int,
                                        scratch: UnsafeMutablePointer<T>, pool: ThreadPool) -> UnsafePointer<T> {
        if g.isPointwise { return UnsafePointer(x + first * g.inputPlane) }
        let (L, ld) = (g.positions, count * g.positions)
        pool.parallelFor(count) { i in im2col(x + (first + i) * g.inputPlane, g, into: scratch + i * L, ld: ld) }
        return UnsafePointer(scratch)
    }

    /// Raw pointers handed to the worker threads.
    struct Pointers<T>: @unchecked Sendable {
        let x: UnsafeMutablePointer<T>
        let w: UnsafeMutablePointer<T>
        let b: UnsafeMutablePointer<T>?
        let y: UnsafeMutablePointer<T>
    }

    /// Gradients of ``forward(_:_:x:weight:bias:y:pool:)`` from the output gradient `dy`:
    /// `dx` (if non-nil) `= col2im(Wᵀ · dY)` and `dw` (if non-nil) `= Σ dY · colᵀ` (needs `x`,
    /// unfolded again), per group of images and channel group. Both are overwritten.
    static func backward<T: FloatScalar>(_: T.Type, _ g: ConvGeometry, dy: UnsafePointer<T>, weight: UnsafePointer<T>,
                                         x: UnsafePointer<T>?, dx: UnsafeMutablePointer<T>?, dw: UnsafeMutablePointer<T>?,
                                         pool: ThreadPool = .shared) {
        let (L, K, Og, O) = (g.positions, g.groupDepth, g.groupOut, g.outChannels)
        let weightCount = O * K
        let chunks = chunkCount(g, elementSize: MemoryLayout<T>.stride)
        let per = Swift.min(imagesPerProduct(g), (g.batch + chunks - 1) / chunks)
        // Partials of the weight gradient, one per chunk (the first chunk writes dw directly).
        let partialCount = dw == nil ? 0 : (chunks - 1) * weightCount
        withScratch(T.self, count: partialCount) { partials in
            let io = Pointers(x: UnsafeMutablePointer(mutating: x ?? dy), w: UnsafeMutablePointer(mutating: weight),
                              b: dx, y: UnsafeMutablePointer(mutating: dy))
            let dwOut = Pointers(x: partials, w: dw ?? partials, b: nil, y: partials)
            // float64's GEMM loop needs B with unit column stride: its weight gradient reads colᵀ
            // from a transposed copy.
            let transposeColumns = T.self != Float.self && dw != nil
            let colCount = g.isPointwise ? 0 : g.columnRows * L * per
            let gatherCount = per > 1 ? O * L * per : 0
            let transposedCount = transposeColumns ? g.columnRows * L * per : 0
            forEachChunk(g, chunks: chunks, pool: pool, scratchCount: colCount + gatherCount + transposedCount, T.self) { chunk, images, scratch in
                do {
                    let target = chunk == 0 ? dwOut.w : dwOut.x + (chunk - 1) * weightCount
                    for n0 in products(images, per: per) {
                        let count = Swift.min(per, images.upperBound - n0), ld = count * L
                        // dY of these images as one [O, G·L] matrix.
                        let dyBlock: UnsafePointer<T>
                        if count == 1 {
                            dyBlock = UnsafePointer(io.y + n0 * g.outputPlane)
                        } else {
                            let gathered = scratch + colCount
                            pool.parallelFor(count) { i in
                                let src = io.y + (n0 + i) * g.outputPlane
                                for o in 0..<O { (gathered + o * ld + i * L).update(from: src + o * L, count: L) }
                            }
                            dyBlock = UnsafePointer(gathered)
                        }
                        if dw != nil {
                            var col = columns(io.x, g, images: n0, count: count, scratch: scratch, pool: pool)
                            var (bRow, bCol, groupStride) = (1, ld, K * ld)
                            if transposeColumns {
                                let t = scratch + colCount + gatherCount
                                for r in 0..<g.columnRows { for l in 0..<ld { t[l * g.columnRows + r] = col[r * ld + l] } }
                                col = UnsafePointer(t)
                                (bRow, bCol, groupStride) = (g.columnRows, 1, K)
                            }
                            for gi in 0..<g.groups {
                                // dW_g[O/g, K] (+)= dY_g[O/g, G·L] · col_gᵀ[G·L, K]
                                Kernels.gemm(T.self, m: Og, n: K, k: ld,
                                             a: dyBlock + gi * Og * ld, aRowStride: ld, aColStride: 1,
                                             b: col + gi * groupStride, bRowStride: bRow, bColStride: bCol,
                                             c: target + gi * Og * K, cRowStride: K, accumulate: n0 > images.lowerBound)
                            }
                        }
                        if let dxAll = io.b {
                            // dcol_g[K, G·L] = W_gᵀ[K, O/g] · dY_g[O/g, G·L], folded back by col2im.
                            let dcol = g.isPointwise ? dxAll + n0 * g.inputPlane : scratch
                            for gi in 0..<g.groups {
                                Kernels.gemm(T.self, m: K, n: ld, k: Og,
                                             a: UnsafePointer(io.w + gi * Og * K), aRowStride: 1, aColStride: K,
                                             b: dyBlock + gi * Og * ld, bRowStride: ld, bColStride: 1,
                                             c: dcol + gi * K * ld, cRowStride: ld)
                            }
                            if !g.isPointwise {
                                pool.parallelFor(count) { i in
                                    let dxn = dxAll + (n0 + i) * g.inputPlane
                                    dxn.update(repeating: 0, count: g.inputPlane)
                                    col2im(UnsafePointer(scratch + i * L), ld: ld, g, into: dxn)
                                }
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
