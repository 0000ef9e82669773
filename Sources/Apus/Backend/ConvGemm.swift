import CApusKernels

// float32 convolutions as implicit GEMMs: the register tile of PackedSgemm multiplies packed
// panels as usual, but the im2col operand is packed straight from the image
// (`apus_conv_pack_columns`, `apus_conv_pack_taps`), so no unfolded matrix (kH·kW times the
// input) is ever written to memory and read back, and all the images of a batch form one GEMM.
//
// - forward: `Y[O, N·L] = W[O, K] · col[K, N·L]`, the weight packed once and shared by the threads,
//   B panels packed from the NCHW input, tiles written straight into the NCHW output;
// - input gradient, stride 1: a forward convolution of dY with the kernel flipped and its in/out
//   channels swapped (padding d·(k − 1) − p): no col2im and no zeroing of dx;
// - weight gradient: `dW[O, (i, j, c)] = dY · colᵀ`: dY's panels packed straight from NCHW (each
//   image's stretch of positions is a row-major block, transposed 16×16 in registers), col's from
//   an NHWC copy of x (every packed run contiguous: 32 channels of one tap at one position), or,
//   for 1×1 stride-1 kernels, from x itself like dY.
//
// Every element of an output is computed by one tile sequence over the depth in blocks of `kc`,
// whichever thread runs it, so results do not depend on the thread count.
//
// The drivers serve 2-D (``ConvGeometry``) and 3-D (``Conv3dGeometry``) convolutions alike: both
// are `[O, N·L] = W[O, K] · col[K, N·L]` with NC… layouts, and differ only in the loops that pack
// col's panels from the input (``ImplicitConvShape``).

/// What the implicit-GEMM drivers need of a convolution: its sizes, and the loops that pack the
/// GEMM operands read from its input (the forward's col panels, the weight gradient's tap panels).
protocol ImplicitConvShape: Sendable {
    var batch: Int { get }
    var channels: Int { get }
    var outChannels: Int { get }
    var groups: Int { get }
    /// Output positions per image, `L`.
    var positions: Int { get }
    /// Input positions per image (`H·W`, `D·H·W`).
    var inputPositions: Int { get }
    /// Kernel taps per channel (`kH·kW`, `kD·kH·kW`).
    var taps: Int { get }
    /// Output channels per group.
    var groupOut: Int { get }
    /// Depth of one group's GEMM: `C/groups · taps`.
    var groupDepth: Int { get }
    /// A 1×1 kernel with stride 1 and no padding: col is the input itself.
    var isPointwise: Bool { get }
    /// Packs rows `k0..<k0 + depth` and columns `first..<first + count` of group `group`'s col matrix
    /// of the NC… batch `x` as B panels of `nr` columns (`apus_conv_pack_columns`).
    func packColumns(group: Int, x: UnsafePointer<Float>, k0: Int, depth: Int, first: Int, count: Int, nr: Int,
                     into dst: UnsafeMutablePointer<Float>)
    /// Packs the weight gradient's B: positions `p0..<p0 + depth` × taps `k0..<k0 + count` in
    /// (tap, channel) order, read from the channels-last copy `xt` of the batch (`apus_conv_pack_taps`).
    func packTaps(group: Int, xt: UnsafePointer<Float>, p0: Int, depth: Int, k0: Int, count: Int, nr: Int,
                  into dst: UnsafeMutablePointer<Float>)
}

extension ConvGeometry: ImplicitConvShape {
    var inputPositions: Int { height * width }
    var taps: Int { kernelH * kernelW }

    func packColumns(group: Int, x: UnsafePointer<Float>, k0: Int, depth: Int, first: Int, count: Int, nr: Int,
                     into dst: UnsafeMutablePointer<Float>) {
        var shape = ConvGemm.shape(self, group: group)
        apus_conv_pack_columns(&shape, x, k0, depth, first, count, nr, dst)
    }

    func packTaps(group: Int, xt: UnsafePointer<Float>, p0: Int, depth: Int, k0: Int, count: Int, nr: Int,
                  into dst: UnsafeMutablePointer<Float>) {
        var shape = ConvGemm.shape(self, group: group)
        apus_conv_pack_taps(&shape, xt, p0, depth, k0, count, nr, dst)
    }
}

enum ConvGemm {
    static var mr: Int { PackedSgemm.mr }
    static var nr: Int { PackedSgemm.nr }
    /// Depth of a packed block of the weight gradient and Winograd (their depths are positions and
    /// channels).
    static let kc = 256

    /// Depth blocks of a forward GEMM of depth `k` (9·C for 3×3 kernels: 576, 1152, 2304): equal
    /// blocks no deeper than the GEMM's L1-sized one, so that no short last block costs a pass
    /// over the output tiles for little work (576 as 2 × 288 rather than 256 + 256 + 64).
    static func depthBlock(_ k: Int) -> Int { PackedSgemm.depthBlock(k) }
    /// Rows of packed A a thread runs against one B block before moving on (an L2-sized block).
    static let mc = PackedSgemm.mr * 24
    /// Columns of one packed B block: kc × nc floats stay in L2 while all rows of A pass over them.
    static let nc = PackedSgemm.nr * 16

    /// Whether 8-row A panels have a vector tile (`apus_sgemm_tile8`, with the AVX-512 12×32 tile).
    static let hasTile8 = apus_sgemm_tile8_available() != 0

    /// Rows per A panel for a GEMM with `m` rows: 8 when that pads noticeably less than the
    /// selected tile's 12 (64 rows: 64 instead of 72), else the selected tile's.
    static func panelRows(_ m: Int) -> Int {
        guard hasTile8 && mr == 12 else { return mr }
        let (p8, p12) = ((m + 7) / 8 * 8, (m + 11) / 12 * 12)
        return p8 * 25 < p12 * 24 ? 8 : mr
    }

    /// One register tile: the selected kernel, or the 8-row one for 8-row panels.
    @inline(__always)
    static func tile(_ rows: Int, _ k: Int, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>,
                     _ ldc: Int, _ accumulate: Int32, _ mValid: Int, _ nValid: Int) {
        if rows == 8 && mr != 8 {
            apus_sgemm_tile8(k, a, b, c, ldc, accumulate, Int32(mValid), Int32(nValid))
        } else {
            apus_sgemm_tile(k, a, b, c, ldc, accumulate, Int32(mValid), Int32(nValid))
        }
    }

    /// The packing loops' view of group `group` of `g` (input side).
    static func shape(_ g: ConvGeometry, group: Int) -> apus_conv_shape {
        let cg = g.channels / g.groups
        return apus_conv_shape(channels: g.channels, height: g.height, width: g.width, kernel_h: g.kernelH, kernel_w: g.kernelW,
                               stride_h: g.strideH, stride_w: g.strideW, pad_top: g.padTop, pad_left: g.padLeft,
                               dilation_h: g.dilationH, dilation_w: g.dilationW, out_h: g.outH, out_w: g.outW,
                               channel0: group * cg, group_channels: cg)
    }

    /// Raw pointers handed to the worker threads.
    struct Buffers: @unchecked Sendable {
        var x: UnsafePointer<Float>
        var y: UnsafeMutablePointer<Float>
        var a: UnsafePointer<Float>
        var bias: UnsafePointer<Float>?
    }

    /// Where the forward GEMM's A operand comes from: a weight `[O, C/groups, kH, kW]` as it is, or
    /// flipped with its channels swapped (`W̃[c, o, i, j] = W[o, c, kH − 1 − i, kW − 1 − j]`, the
    /// weight of a stride-1 convolution's input gradient) without ever materialising W̃.
    enum Weights {
        case plain(UnsafePointer<Float>)
        /// The original weight and the original convolution's output channels per group.
        case flipped(UnsafePointer<Float>, originalGroupOut: Int)
        /// Already packed for this geometry's panels and depth blocks, group after group: the
        /// phases of a strided input gradient (``inputGradientPhases(_:dy:weight:dx:pool:)``).
        case packed(UnsafePointer<Float>)

        /// Whether this is a weight as it is (the only form inference keeps packed: the flipped and
        /// phase forms serve backward passes, whose weights change every step).
        var isPlain: Bool { if case .plain = self { true } else { false } }
        /// The panels, when already packed.
        var prepacked: UnsafePointer<Float>? { if case .packed(let p) = self { p } else { nil } }
    }

    /// Packs group `group`'s `[m × k]` weight matrix once into the tile's A panels for every depth
    /// block: block `pc` (depth `kcur`) starts at `pc · mPadded` and holds `mPadded / mr` panels of
    /// `mr × kcur`.
    /// Depth blocks are split among the pool's threads.
    static func packWeights(_ w: Weights, group: Int, m: Int, k: Int, taps: Int, rows mr: Int, kc: Int,
                            into dst: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        let blocks = (k + kc - 1) / kc, mPadded = (m + mr - 1) / mr * mr
        let parts = m * k >= 1 << 15 ? Swift.min(blocks, pool.size) : 1
        let out = Buffers(x: UnsafePointer(dst), y: dst, a: UnsafePointer(dst), bias: nil)
        pool.parallelFor(parts) { t in
            let first = t * blocks / parts * kc, end = Swift.min(k, (t + 1) * blocks / parts * kc)
            if first >= end { return }
            switch w {
            case .plain(let base):
                apus_conv_pack_weights(base + group * m * k + first, m, end - first, k, mr, kc, out.y + first * mPadded)
            case .flipped(let base, let og):
                // Rows: this group's input channels of the original (m of them); depth: (o, tap).
                withUnsafeTemporaryAllocation(of: Int32.self, capacity: taps) { reversed in
                    for t in 0..<taps { reversed[t] = Int32(taps - 1 - t) }
                    apus_conv_pack_tap_weights(base + group * og * m * taps, og, m, taps, reversed.baseAddress!, taps, mr, kc,
                                               first, end - first, out.y)
                }
            case .packed:
                fatalError("ConvGemm.packWeights: the weights are packed already")
            }
        }
    }

    /// Splits a `rows × cols` output among `threads`: whole column panels when there are enough of
    /// them, else whole row panels. Returns one (rows, cols) range per part.
    static func split(rows: Int, cols: Int, threads: Int, panelRows mr: Int) -> [(Range<Int>, Range<Int>)] {
        let colPanels = (cols + nr - 1) / nr, rowPanels = (rows + mr - 1) / mr
        if threads <= 1 || rows * cols < 4096 { return [(0..<rows, 0..<cols)] }
        if colPanels >= 2 * threads || colPanels >= rowPanels {
            let parts = Swift.min(threads, colPanels), per = (colPanels + parts - 1) / parts * nr
            return (0..<parts).compactMap { t in
                let lo = t * per, hi = Swift.min(cols, lo + per)
                return lo < hi ? (0..<rows, lo..<hi) : nil
            }
        }
        return splitRows(rows: rows, cols: cols, threads: threads, panelRows: mr)
    }

    /// Splits the tiles (row panel × column panel) of a `rows × cols` output evenly among
    /// `threads`, taken column panel by column panel: a part is whole column panels plus, at its
    /// ends, a run of row panels of a column panel it shares with its neighbour. Whole column
    /// panels alone leave threads unequal when the panels do not divide evenly (25 panels, the
    /// 784 positions of 16 maps of 7×7, give 13 and 12: the first thread takes 4% longer), at the
    /// cost of packing one shared column panel twice. Returns the rectangles of each part.
    static func splitTiles(rows: Int, cols: Int, threads: Int, panelRows mr: Int) -> [[(Range<Int>, Range<Int>)]] {
        let colPanels = (cols + nr - 1) / nr, rowPanels = (rows + mr - 1) / mr, total = colPanels * rowPanels
        if threads <= 1 || rows * cols < 4096 { return [[(0..<rows, 0..<cols)]] }
        let parts = Swift.min(threads, total)
        return (0..<parts).map { t in
            var rectangles: [(Range<Int>, Range<Int>)] = []
            var tile = t * total / parts
            let end = (t + 1) * total / parts
            while tile < end {
                let (column, row) = (tile / rowPanels, tile % rowPanels)
                if row == 0 && end - tile >= rowPanels {
                    let whole = (end - tile) / rowPanels
                    rectangles.append((0..<rows, column * nr..<Swift.min(cols, (column + whole) * nr)))
                    tile += whole * rowPanels
                } else {
                    let stop = Swift.min(end, (column + 1) * rowPanels)
                    rectangles.append((row * mr..<Swift.min(rows, (stop - column * rowPanels) * mr),
                                       column * nr..<Swift.min(cols, (column + 1) * nr)))
                    tile = stop
                }
            }
            return rectangles
        }
    }

    /// Splits a `rows × cols` output among `threads` by whole row panels.
    static func splitRows(rows: Int, cols: Int, threads: Int, panelRows mr: Int) -> [(Range<Int>, Range<Int>)] {
        let rowPanels = (rows + mr - 1) / mr
        if threads <= 1 || rows * cols < 4096 { return [(0..<rows, 0..<cols)] }
        let parts = Swift.min(threads, rowPanels), per = (rowPanels + parts - 1) / parts * mr
        return (0..<parts).compactMap { t in
            let lo = t * per, hi = Swift.min(rows, lo + per)
            return lo < hi ? (lo..<hi, 0..<cols) : nil
        }
    }

    // MARK: Forward

    /// `y = conv(x, w) (+ bias)` for contiguous float32 NCHW tensors.
    /// With `keep` (inference), the packed weight is kept with the weight's storage
    /// (``DerivedForms``) and reused by later calls instead of being packed every time.
    static func forward(_ g: ConvGeometry, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, pool: ThreadPool, keep: KeptWeight? = nil) {
        forward(g, x: x, weights: .plain(weight), bias: bias, y: y, pool: pool, keep: keep)
    }

    /// A weight's storage and the weight's offset in it, for keeping its packed forms.
    struct KeptWeight {
        let storage: Storage
        let offset: Int

        /// This weight's form `kind` with layout `parameters`, built by `make` on first use.
        func form(_ kind: String, _ parameters: [Int], count: Int, make: (UnsafeMutablePointer<Float>) -> Void) -> UnsafePointer<Float> {
            DerivedForms.form(of: storage, .init(kind: kind, parameters: [offset] + parameters), count: count, make: make)
        }
    }

    static func forward<G: ImplicitConvShape>(_ g: G, x: UnsafePointer<Float>, weights: Weights,
                                              bias: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>, pool: ThreadPool,
                                              keep: KeptWeight? = nil) {
        let (m, k, L, cols) = (g.groupOut, g.groupDepth, g.positions, g.batch * g.positions)
        if cols == 0 || m == 0 { return }
        if weights.prepacked == nil, let g2 = g as? ConvGeometry, ConvWinograd.applies(g2) {
            ConvWinograd.forward(g2, x: x, weights: weights, bias: bias, y: y, pool: pool, keep: keep)
            return
        }
        let rows = panelRows(m), kc = depthBlock(k)
        let mPadded = (m + rows - 1) / rows * rows
        // Small maps: most tiles would straddle two images at every depth block; compute
        // [O, N·L] in a scratch matrix instead and spread it once.
        let viaScratch = L < 4 * nr
        let scratchCount = viaScratch ? g.outChannels * cols : 0
        let taps = g.taps
        let kept = weights.prepacked ?? (weights.isPlain ? keep?.form("ConvGemm.packedWeights", [g.groups, m, k, rows, kc], count: g.groups * mPadded * k) { dst in
            for gi in 0..<g.groups {
                packWeights(weights, group: gi, m: m, k: k, taps: taps, rows: rows, kc: kc, into: dst + gi * mPadded * k, pool: pool)
            }
        } : nil)
        ConvKernels.withScratch(Float.self, count: (kept == nil ? mPadded * k : 0) + scratchCount) { scratch in
            let product = scratch + (kept == nil ? mPadded * k : 0)
            for gi in 0..<g.groups {
                let packedA: UnsafePointer<Float>
                if let kept {
                    packedA = kept + gi * mPadded * k
                } else {
                    packWeights(weights, group: gi, m: m, k: k, taps: taps, rows: rows, kc: kc, into: scratch, pool: pool)
                    packedA = UnsafePointer(scratch)
                }
                let io = Buffers(x: x, y: y, a: packedA, bias: nil)
                let target = Buffers(x: x, y: viaScratch ? product + gi * m * cols : y, a: packedA, bias: nil)
                let parts = splitTiles(rows: m, cols: cols, threads: pool.size, panelRows: rows)
                pool.parallelFor(parts.count) { t in
                    for (rowRange, colRange) in parts[t] {
                        forwardBlock(g, group: gi, x: io.x, a: io.a, panelRows: rows, mPadded: mPadded, k: k, kc: kc,
                                     rows: rowRange, cols: colRange, y: target.y, viaScratch: viaScratch, totalCols: cols)
                    }
                }
            }
            let out = Buffers(x: UnsafePointer(product), y: y, a: UnsafePointer(product), bias: bias)
            if viaScratch {
                // y[n, o, l] = product[o, n·L + l] (+ bias[o])
                pool.parallelFor(Swift.min(pool.size, g.batch)) { t in
                    for n in stride(from: t, to: g.batch, by: pool.size) {
                        for o in 0..<g.outChannels {
                            let src = out.x + o * cols + n * L, dst = out.y + (n * g.outChannels + o) * L
                            let v = out.bias?[o] ?? 0
                            for l in 0..<L { dst[l] = src[l] + v }
                        }
                    }
                }
            } else if bias != nil {
                addBias(out.bias!, to: y, images: g.batch, channels: g.outChannels, plane: L, pool: pool)
            }
        }
    }

    /// `y[n, o, :] += bias[o]`.
    static func addBias(_ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, images: Int, channels: Int,
                        plane: Int, pool: ThreadPool) {
        let io = Buffers(x: bias, y: y, a: bias, bias: bias)
        let rows = images * channels
        pool.parallelRanges(rows, grain: Swift.max(1, (1 << 14) / Swift.max(plane, 1))) { range in
            for r in range {
                let row = io.y + r * plane
                ConvKernels.copy(UnsafePointer(row), to: row, count: plane, adding: io.x[r % channels])
            }
        }
    }

    /// One thread's part of a forward GEMM: output rows `rows` (of the group) and columns `cols`
    /// (positions of the batch).
    static func forwardBlock<G: ImplicitConvShape>(_ g: G, group: Int,
                             x: UnsafePointer<Float>, a: UnsafePointer<Float>, panelRows mr: Int, mPadded: Int, k: Int, kc: Int,
                             rows: Range<Int>, cols: Range<Int>, y: UnsafeMutablePointer<Float>,
                             viaScratch: Bool, totalCols: Int) {
        let L = g.positions
        let mc = Self.mc / mr * mr
        let ncMax = Swift.min(nc, (cols.count + nr - 1) / nr * nr), kcMax = Swift.min(kc, k)
        ConvKernels.withScratch(Float.self, count: ncMax * kcMax + mr * nr) { packedB in
            let aside = packedB + ncMax * kcMax
            for jc in stride(from: cols.lowerBound, to: cols.upperBound, by: nc) {
                let ncur = Swift.min(nc, cols.upperBound - jc)
                for pc in stride(from: 0, to: k, by: kc) {
                    let kcur = Swift.min(kc, k - pc)
                    g.packColumns(group: group, x: x, k0: pc, depth: kcur, first: jc, count: ncur, nr: nr, into: packedB)
                    let accumulate: Int32 = pc > 0 ? 1 : 0
                    for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: mc) {
                        let icEnd = Swift.min(rows.upperBound, ic + mc)
                        for jr in stride(from: 0, to: ncur, by: nr) {
                            let bPanel = packedB + jr * kcur
                            let nValid = Swift.min(nr, ncur - jr), j = jc + jr
                            for ir in stride(from: ic, to: icEnd, by: mr) {
                                let aPanel = a + pc * mPadded + ir * kcur
                                let mValid = Swift.min(mr, icEnd - ir)
                                if viaScratch {
                                    tile(mr, kcur, aPanel, bPanel, y + ir * totalCols + j, totalCols, accumulate, mValid, nValid)
                                    continue
                                }
                                let n = j / L, l = j % L
                                let rowBase = (n * g.outChannels + group * g.groupOut + ir) * L
                                if l + nValid <= L {
                                    tile(mr, kcur, aPanel, bPanel, y + rowBase + l, L, accumulate, mValid, nValid)
                                } else {
                                    // The tile straddles images: compute it aside, then write each image's part.
                                    tile(mr, kcur, aPanel, bPanel, aside, nr, 0, mr, nr)
                                    var t = 0
                                    while t < nValid {
                                        let jj = j + t, nn = jj / L, ll = jj % L
                                        let run = Swift.min(nValid - t, L - ll)
                                        let base = y + (nn * g.outChannels + group * g.groupOut + ir) * L + ll
                                        for i in 0..<mValid {
                                            let dst = base + i * L, src = aside + i * nr + t
                                            if accumulate != 0 {
                                                for e in 0..<run { dst[e] += src[e] }
                                            } else {
                                                for e in 0..<run { dst[e] = src[e] }
                                            }
                                        }
                                        t += run
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    // MARK: Input gradient

    /// Whether the input gradient can run as a forward convolution of dY (stride 1, and padding
    /// no larger than the dilated kernel's reach so the flipped convolution's padding is not negative).
    static func inputGradientIsConvolution(_ g: ConvGeometry) -> Bool {
        g.strideH == 1 && g.strideW == 1 && g.padTop <= g.dilationH * (g.kernelH - 1)
            && g.padLeft <= g.dilationW * (g.kernelW - 1)
    }

    /// `dx = conv(dY, W̃)` with `W̃[c, o, i, j] = W[o, c, kH − 1 − i, kW − 1 − j]` per group:
    /// the input gradient of a stride-1 convolution.
    static func inputGradient(_ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              dx: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        let og = g.groupOut
        let flipped = ConvGeometry(
            batch: g.batch, channels: g.outChannels, height: g.outH, width: g.outW, outChannels: g.channels, groups: g.groups,
            kernelH: g.kernelH, kernelW: g.kernelW, strideH: 1, strideW: 1,
            padTop: g.dilationH * (g.kernelH - 1) - g.padTop, padLeft: g.dilationW * (g.kernelW - 1) - g.padLeft,
            dilationH: g.dilationH, dilationW: g.dilationW, outH: g.height, outW: g.width)
        forward(flipped, x: dy, weights: .flipped(weight, originalGroupOut: og), bias: nil, y: dx, pool: pool)
    }

    /// One phase of a strided input gradient along one axis: input rows `s·u + phase` of the
    /// original convolution receive `taps` kernel rows `s·(taps − 1 − m) + first` (m = 0..<taps)
    /// from output rows `u − pad + m`, i.e. a stride-1 correlation of dY with padding `pad`.
    struct Phase {
        var taps: Int, first: Int, pad: Int, size: Int
    }

    /// The phases of an axis of input size `n`, kernel `k`, stride `s`, padding `p` (dilation 1):
    /// nil when some phase would need negative padding (then col2im serves).
    static func phases(n: Int, k: Int, s: Int, p: Int) -> [Phase]? {
        var result: [Phase] = []
        for a in 0..<s {
            let r = (a + p) % s, q = (a + p - r) / s
            let taps = r < k ? (k - r + s - 1) / s : 0
            let size = n > a ? (n - a + s - 1) / s : 0
            if taps > 0 && taps - 1 - q < 0 { return nil }
            result.append(Phase(taps: taps, first: r, pad: Swift.max(0, taps - 1 - q), size: size))
        }
        return result
    }

    /// Whether the input gradient of a strided convolution runs as stride-1 convolutions of dY,
    /// one per phase (dilation 1, a kernel larger than 1×1, no negative padding, at most 64 phases).
    static func inputGradientByPhases(_ g: ConvGeometry) -> Bool {
        // A 1×1 kernel has a single phase with taps, a plain product that col2im scatters as cheaply.
        (g.strideH > 1 || g.strideW > 1) && g.strideH * g.strideW <= 64 && g.dilationH == 1 && g.dilationW == 1
            && g.kernelH * g.kernelW > 1
            && phases(n: g.height, k: g.kernelH, s: g.strideH, p: g.padTop) != nil
            && phases(n: g.width, k: g.kernelW, s: g.strideW, p: g.padLeft) != nil
    }

    /// The input gradient of a strided convolution: input position (s·u + a, s·v + b) receives
    /// only the kernel taps ≡ (a + p, b + p) modulo the stride, so each of the s² phases is a
    /// stride-1 convolution of dY with those taps (flipped), computed by ``forward(_:x:weights:bias:y:pool:keep:)``
    /// into a scratch plane and interleaved into dx: no col2im and no zeroing, and no multiply by
    /// the zeros a dilated dY would hold.
    static func inputGradientPhases(_ g: ConvGeometry, dy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                    dx: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        let rowPhases = phases(n: g.height, k: g.kernelH, s: g.strideH, p: g.padTop)!
        let colPhases = phases(n: g.width, k: g.kernelW, s: g.strideW, p: g.padLeft)!
        let (og, C, planes) = (g.groupOut, g.channels, g.batch * g.channels)
        // Every phase's product in its own part of the scratch (together the size of dx), then one
        // pass that writes each row of dx whole from its column phases (stride 2: interleaved with
        // vector permutes) instead of a strided scatter per phase. Each phase's kernel: tap (m, n)
        // is the original's (s·(taps − 1 − m) + first, …); all phases' weight panels, after the
        // products in the scratch, are packed in one pass over the weight (a pass per phase read
        // all of it each time), group after group.
        var offsets = [Int](repeating: -1, count: rowPhases.count * colPhases.count)
        var total = 0
        let taps = g.kernelH * g.kernelW, m = C / g.groups, rows = panelRows(m)
        let mPadded = (m + rows - 1) / rows * rows
        var geometries: [(index: Int, geometry: ConvGeometry, taps: Int, k: Int, packed: Int)] = []
        var phaseOf = [Int32](repeating: -1, count: taps), indexIn = [Int32](repeating: 0, count: taps)
        var packedTotal = 0
        for (a, rp) in rowPhases.enumerated() {
            for (b, cp) in colPhases.enumerated() where rp.taps > 0 && cp.taps > 0 && rp.size > 0 && cp.size > 0 {
                offsets[a * colPhases.count + b] = total
                total += planes * rp.size * cp.size
                let phase = ConvGeometry(
                    batch: g.batch, channels: g.outChannels, height: g.outH, width: g.outW, outChannels: C, groups: g.groups,
                    kernelH: rp.taps, kernelW: cp.taps, strideH: 1, strideW: 1, padTop: rp.pad, padLeft: cp.pad,
                    dilationH: 1, dilationW: 1, outH: rp.size, outW: cp.size)
                for i in 0..<rp.taps {
                    for j in 0..<cp.taps {
                        let (kh, kw) = (g.strideH * (rp.taps - 1 - i) + rp.first, g.strideW * (cp.taps - 1 - j) + cp.first)
                        phaseOf[kh * g.kernelW + kw] = Int32(geometries.count)
                        indexIn[kh * g.kernelW + kw] = Int32(i * cp.taps + j)
                    }
                }
                let k = og * rp.taps * cp.taps
                geometries.append((a * colPhases.count + b, phase, rp.taps * cp.taps, k, packedTotal))
                packedTotal += g.groups * mPadded * k
            }
        }
        ConvKernels.withScratch(Float.self, count: total + packedTotal) { scratch in
            let packed = scratch + total
            let tapCounts = geometries.map(\.taps), depthBlocks = geometries.map { depthBlock($0.k) }
            let io = Buffers(x: weight, y: packed, a: weight, bias: nil)
            phaseOf.withUnsafeBufferPointer { phaseOf in
                indexIn.withUnsafeBufferPointer { indexIn in
                    let lists = (phaseOf.baseAddress!, indexIn.baseAddress!)
                    let parts = Swift.min(pool.size, og)
                    pool.parallelFor(parts) { t in
                        let (first, end) = (t * og / parts, (t + 1) * og / parts)
                        for gi in 0..<g.groups {
                            let targets = geometries.map { p in Optional(io.y + p.packed + gi * mPadded * p.k) }
                            apus_conv_pack_phase_weights(io.x + gi * og * m * taps, og, m, taps, geometries.count, lists.0, lists.1, tapCounts,
                                                         depthBlocks, targets, rows, first, end - first)
                        }
                    }
                }
            }
            for p in geometries {
                forward(p.geometry, x: dy, weights: .packed(UnsafePointer(packed + p.packed)), bias: nil,
                        y: scratch + offsets[p.index], pool: pool)
            }
            // dx[n, c, s·u + a, s·v + b] = phase (a, b)[n, c, u, v], or 0 where no tap reaches.
            let layout = PhaseLayout(source: UnsafePointer(scratch), offsets: offsets, rows: rowPhases.map(\.size),
                                     cols: colPhases.map(\.size), strideH: g.strideH, strideW: g.strideW,
                                     height: g.height, width: g.width)
            pool.parallelRanges(planes, grain: Swift.max(1, (1 << 14) / Swift.max(1, g.height * g.width))) { range in
                for r in range { layout.writePlane(r, into: dx + r * layout.height * layout.width) }
            }
        }
    }

    /// Where each phase of a strided input gradient sits in the scratch, and how its rows
    /// interleave into a plane of dx.
    struct PhaseLayout: @unchecked Sendable {
        let source: UnsafePointer<Float>
        /// Offset of phase (a, b) at `a · strideW + b`, −1 for a phase no tap reaches (zeros).
        let offsets: [Int]
        let rows: [Int], cols: [Int]
        let strideH: Int, strideW: Int, height: Int, width: Int

        /// Writes plane `r` (image and channel) of dx row by row.
        func writePlane(_ r: Int, into plane: UnsafeMutablePointer<Float>) {
            for h in 0..<height {
                let (a, u) = (h % strideH, h / strideH)
                let row = plane + h * width
                if strideW == 2 && offsets[2 * a] >= 0 && offsets[2 * a + 1] >= 0 {
                    let even = source + offsets[2 * a] + (r * rows[a] + u) * cols[0]
                    let odd = source + offsets[2 * a + 1] + (r * rows[a] + u) * cols[1]
                    apus_interleave2_f32(even, odd, cols[0], cols[1], row)
                    continue
                }
                for b in 0..<strideW where cols[b] > 0 {
                    let offset = offsets[a * strideW + b]
                    if offset < 0 {
                        for v in 0..<cols[b] { row[v * strideW + b] = 0 }
                        continue
                    }
                    let src = source + offset + (r * rows[a] + u) * cols[b]
                    if strideW == 1 {
                        row.update(from: src, count: cols[b])
                    } else {
                        for v in 0..<cols[b] { row[v * strideW + b] = src[v] }
                    }
                }
            }
        }
    }

    // MARK: Weight gradient

    /// `dw = Σₙ dYₙ · colₙᵀ` as `[O, C/groups, kH, kW]`. dY is packed straight from its NCHW
    /// layout (each image's run of positions is a row-major block); x too for 1×1 stride-1
    /// kernels, where col is x itself, else from an NHWC copy of x.
    static func weightGradient<G: ImplicitConvShape>(_ g: G, x: UnsafePointer<Float>, dy: UnsafePointer<Float>,
                                                     dw: UnsafeMutablePointer<Float>, pool: ThreadPool) {
        let (O, C, HW) = (g.outChannels, g.channels, g.inputPositions)
        let (og, k, taps) = (g.groupOut, g.groupDepth, g.taps)
        let cg = C / g.groups
        let reorder = taps > 1 && cg > 1
        let direct = g.isPointwise
        let xtCount = direct ? 0 : g.batch * C * HW
        ConvKernels.withScratch(Float.self, count: xtCount + (reorder ? O * k : 0)) { scratch in
            let xt = scratch, dwt = reorder ? scratch + xtCount : dw
            if !direct {
                let io = Buffers(x: x, y: xt, a: dy, bias: nil)
                pool.parallelFor(g.batch) { n in
                    apus_transpose_f32(io.x + n * C * HW, C, HW, HW, io.y + n * C * HW, C)
                }
            }
            let operands = WeightOperands(dy: dy, x: direct ? x : nil, xt: UnsafePointer(xt))
            for gi in 0..<g.groups {
                let out = Buffers(x: x, y: dwt + gi * og * k, a: dy, bias: nil)
                let rows = panelRows(og)
                // Each thread packs the A rows and B columns of its own part: splitting the rows
                // packs B (k × depth) once per thread, splitting the columns packs A (og × depth)
                // once per thread, so split the side whose duplicate costs less.
                let parts = og > k ? splitRows(rows: og, cols: k, threads: pool.size, panelRows: rows)
                                   : split(rows: og, cols: k, threads: pool.size, panelRows: rows)
                pool.parallelFor(parts.count) { t in
                    let (rowRange, cols) = parts[t]
                    weightBlock(g, group: gi, operands, k: k, panelRows: rows, rows: rowRange, cols: cols, dw: out.y)
                }
            }
            if reorder {
                // [O, (i, j, c)] → [O, (c, i, j)]
                let r = Buffers(x: UnsafePointer(dwt), y: dw, a: UnsafePointer(dwt), bias: nil)
                pool.parallelRanges(O, grain: Swift.max(1, 4096 / k)) { range in
                    for o in range {
                        let src = r.x + o * k, dst = r.y + o * k
                        for t in 0..<taps {
                            for c in 0..<cg { dst[c * taps + t] = src[t * cg + c] }
                        }
                    }
                }
            }
        }
    }

    /// The weight gradient's operands: dY (NCHW), and x (NCHW) when col is x itself, else its
    /// NHWC copy.
    struct WeightOperands: @unchecked Sendable {
        let dy: UnsafePointer<Float>
        let x: UnsafePointer<Float>?
        let xt: UnsafePointer<Float>
    }

    /// Packs lines `first..<first + count` (channels) × depth `p0..<p0 + depth` (positions of the
    /// batch, `plane` per image) of an NCHW tensor of `channels` channels as panels of `panel`
    /// lines, one call per image's stretch of positions.
    static func packPlanes(_ base: UnsafePointer<Float>, channels: Int, plane: Int, first: Int, count: Int,
                           p0: Int, depth: Int, panel: Int, into dst: UnsafeMutablePointer<Float>) {
        var p = p0
        while p < p0 + depth {
            let n = p / plane, l = p % plane
            let run = Swift.min(plane - l, p0 + depth - p)
            apus_pack_lines(base + (n * channels + first) * plane + l, count, run, plane, panel, depth, dst + (p - p0) * panel)
            p += run
        }
    }

    /// One thread's part of the weight-gradient GEMM: rows (output channels of the group) `rows`,
    /// columns (taps in (i, j, c) order) `cols`, over the whole depth (positions of the batch).
    static func weightBlock<G: ImplicitConvShape>(_ g: G, group: Int, _ operands: WeightOperands,
                            k: Int, panelRows mr: Int, rows: Range<Int>, cols: Range<Int>, dw: UnsafeMutablePointer<Float>) {
        let (depth, L) = (g.batch * g.positions, g.positions)
        // Up to 32 panels of B per block (all of a layer's taps up to 1024), so that dY's panels
        // (A) are packed once for most layers rather than once per block of B.
        let nc = Swift.max(Self.nc, Swift.min((k + nr - 1) / nr * nr, 32 * nr))
        let mc = Self.mc / mr * mr
        let ncMax = Swift.min(nc, (cols.count + nr - 1) / nr * nr), kcMax = Swift.min(kc, depth)
        let mcMax = Swift.min(mc, (rows.count + mr - 1) / mr * mr)
        ConvKernels.withScratch(Float.self, count: ncMax * kcMax + mcMax * kcMax) { packedB in
            let packedA = packedB + ncMax * kcMax
            for jc in stride(from: cols.lowerBound, to: cols.upperBound, by: nc) {
                let ncur = Swift.min(nc, cols.upperBound - jc)
                for pc in stride(from: 0, to: depth, by: kc) {
                    let kcur = Swift.min(kc, depth - pc)
                    if let x = operands.x {
                        // 1×1, stride 1: B[p, c] = x[n, c, l].
                        packPlanes(x, channels: g.channels, plane: L, first: group * (g.channels / g.groups) + jc, count: ncur,
                                   p0: pc, depth: kcur, panel: nr, into: packedB)
                    } else {
                        g.packTaps(group: group, xt: operands.xt, p0: pc, depth: kcur, k0: jc, count: ncur, nr: nr, into: packedB)
                    }
                    let accumulate: Int32 = pc > 0 ? 1 : 0
                    for ic in stride(from: rows.lowerBound, to: rows.upperBound, by: mc) {
                        let mcur = Swift.min(mc, rows.upperBound - ic)
                        // A[o, p] = dY[n, o, l].
                        packPlanes(operands.dy, channels: g.outChannels, plane: L, first: group * g.groupOut + ic, count: mcur,
                                   p0: pc, depth: kcur, panel: mr, into: packedA)
                        for jr in stride(from: 0, to: ncur, by: nr) {
                            let bPanel = packedB + jr * kcur
                            for ir in stride(from: 0, to: mcur, by: mr) {
                                tile(mr, kcur, packedA + ir * kcur, bPanel, dw + (ic + ir) * k + jc + jr, k, accumulate,
                                     Swift.min(mr, mcur - ir), Swift.min(nr, ncur - jr))
                            }
                        }
                    }
                }
            }
        }
    }
}
