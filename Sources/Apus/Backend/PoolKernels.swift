// Loops of 2-d pooling over contiguous `[planes, H, W]` blocks, where a plane is
// one (sample, channel) pair of an `[N, C, H, W]` tensor. Planes are independent, so they are
// split over the thread pool and each plane's output is written by one thread: results do not
// depend on the thread count, and the scatter-adds of the backward passes need no locks.
//
// Window geometry is worked out once per op (``PoolAxis``), so the inner loops only read
// `(start, count)` pairs: no bounds tests per tap and no closures per element.

/// The windows of a pooling op along one axis: for output index `o`, the input indices
/// `start[o] + k·step` for `k` in `0..<count[o]` (padding already cut away), and `extent[o]`,
/// the window's length including padding (average pooling's `count_include_pad` divisor).
struct PoolAxis: Sendable {
    let input: Int
    var start: [Int] = [], count: [Int] = [], extent: [Int] = []
    var step = 1
    /// Max pooling's window `o` before clipping starts at `o·windowStride − windowPadding` (0 for other poolings).
    var windowStride = 0, windowPadding = 0
    var output: Int { start.count }

    init(input: Int) { self.input = input }

    /// PyTorch's `pooling_output_shape`: `⌊(in + 2p − d(k−1) − 1 [+ s − 1 when ceil]) / s⌋ + 1`,
    /// less one in ceil mode when the last window would start beyond the input and left padding.
    static func outputSize(input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool) -> Int {
        let numerator = input + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
        var out = floorDivide(numerator, stride) + 1
        if ceilMode && (out - 1) * stride >= input + padding { out -= 1 }
        return out
    }

    /// Max pooling's taps: window `o` starts at `o·stride − padding` and has `kernel` taps `dilation` apart.
    static func dilated(input: Int, output: Int, kernel: Int, stride: Int, padding: Int, dilation: Int) -> PoolAxis {
        var axis = PoolAxis(input: input)
        axis.step = dilation
        (axis.windowStride, axis.windowPadding) = (stride, padding)
        for o in 0..<output {
            let first = o * stride - padding
            let kMin = first < 0 ? ceilDivide(-first, dilation) : 0
            let kMax = Swift.min(kernel, ceilDivide(input - first, dilation))
            axis.start.append(first + kMin * dilation)
            axis.count.append(Swift.max(0, kMax - kMin))
            axis.extent.append(kernel)
        }
        return axis
    }

    /// Average pooling's windows, as PyTorch: `[o·s − p, min(o·s − p + k, in + p))` clipped to the
    /// input; `extent` is the unclipped length (so ceil-mode windows past the padding are shorter).
    static func averaging(input: Int, output: Int, kernel: Int, stride: Int, padding: Int) -> PoolAxis {
        var axis = PoolAxis(input: input)
        for o in 0..<output {
            let first = o * stride - padding
            let end = Swift.min(first + kernel, input + padding)
            let lo = Swift.max(first, 0), hi = Swift.min(end, input)
            axis.start.append(lo)
            axis.count.append(Swift.max(0, hi - lo))
            axis.extent.append(end - first)
        }
        return axis
    }

    /// Adaptive pooling's windows: `[⌊o·in/out⌋, ⌈(o+1)·in/out⌉)`.
    static func adaptive(input: Int, output: Int) -> PoolAxis {
        var axis = PoolAxis(input: input)
        for o in 0..<output {
            let lo = (o * input) / output, hi = ((o + 1) * input + output - 1) / output
            axis.start.append(lo)
            axis.count.append(hi - lo)
            axis.extent.append(hi - lo)
        }
        return axis
    }

    /// The outputs whose windows have every tap (`count` at its largest), if they are consecutive
    /// and start `stride` apart; an empty range otherwise.
    func interior() -> (columns: Range<Int>, stride: Int) {
        guard let full = count.max(), let lo = count.firstIndex(of: full), let last = count.lastIndex(of: full) else { return (0..<0, 0) }
        let hi = last + 1
        let stride = hi - lo > 1 ? start[lo + 1] - start[lo] : 1
        for o in lo..<hi where count[o] != full || start[o] - start[lo] != (o - lo) * stride { return (0..<0, 0) }
        return (lo..<hi, stride)
    }

    /// Whether every window is `k` unpadded taps, one apart, starting at `o·k` (non-overlapping tiles).
    func isTiled(_ k: Int) -> Bool {
        step == 1 && (0..<output).allSatisfy { start[$0] == $0 * k && count[$0] == k }
    }
}

/// `⌊a / b⌋` for `b > 0`.
func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
/// `⌈a / b⌉` for `b > 0`.
func ceilDivide(_ a: Int, _ b: Int) -> Int { -floorDivide(-a, b) }

extension Kernels {
    /// Output elements per pool job below which planes are not split further.
    private static let poolGrain = 1 << 14

    /// Runs `body(planeRange)` over `planes` planes of `work` inner steps each, on the pool when large.
    @inline(__always)
    private static func forEachPlane(_ planes: Int, work: Int, _ body: (Range<Int>) -> Void) {
        ThreadPool.shared.parallelRanges(planes, grain: Swift.max(1, poolGrain / Swift.max(work, 1)), body)
    }

    /// Runs a float kernel for `dtype`, stopping with `op` in the message otherwise.
    @inline(__always)
    private static func floating<R>(_ dtype: DType, op: String, _ f32: () -> R, _ f64: () -> R) -> R {
        switch dtype {
        case .float32: f32()
        case .float64: f64()
        default: fatalError("\(op): expected a floating-point tensor, got \(dtype)")
        }
    }

    // MARK: Max pooling

    /// Max pooling of a contiguous `[planes, H, W]` block into `outShape` (whose last two axes
    /// are `rows.output`, `cols.output`). Each output is the first largest tap of its window
    /// (NaN wins, as in PyTorch); when `saveArgmax`, also returns each output's in-plane input
    /// index `h·W + w` (−1 for a window with no taps inside the input).
    static func maxPool(_ x: Tensor, planes: Int, rows: PoolAxis, cols: PoolAxis, outShape: [Int],
                        saveArgmax: Bool) -> (Tensor, [Int32]?) {
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        let planeOut = rows.output * cols.output
        var argmax: [Int32]? = saveArgmax ? [Int32](repeating: 0, count: planes * planeOut) : nil
        func run<T: FloatScalar>(_: T.Type) {
            let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
            // Scalars hoisted out of the loops: reading them through `rows`/`cols` inside the
            // jobs would retain and release the arrays on every output.
            let (w, planeIn, outH, outW) = (cols.input, rows.input * cols.input, rows.output, cols.output)
            let tiled2 = rows.isTiled(2) && cols.isTiled(2)
            let interior = cols.interior()
            // Small maps (GoogLeNet's 7×7 and 4×4 inception pools), where rows have few interior
            // windows: each plane goes into a −∞-padded copy, whose every window is whole.
            let padded = T.self == Float.self && !tiled2 ? PaddedPool(rows: rows, cols: cols, interiorColumns: interior.columns.count) : nil
            withOptionalBuffer(&argmax) { pa in
                rows.start.withUnsafeBufferPointer { rs in rows.count.withUnsafeBufferPointer { rc in
                cols.start.withUnsafeBufferPointer { cs in cols.count.withUnsafeBufferPointer { cc in
                    let (dh, dw) = (rows.step, cols.step)
                    forEachPlane(planes, work: planeOut * 4) { range in
                        if let padded {
                            ConvKernels.withScratch(Float.self, count: padded.bufferCount) { buffer in
                                for plane in range {
                                    padded.run(UnsafeRawPointer(px + plane * planeIn).assumingMemoryBound(to: Float.self),
                                               UnsafeMutableRawPointer(po + plane * planeOut).assumingMemoryBound(to: Float.self),
                                               pa.map { $0 + plane * planeOut }, rowStart: rs.baseAddress!, rowCount: rc.baseAddress!,
                                               colStart: cs.baseAddress!, colCount: cc.baseAddress!, buffer: buffer)
                                }
                            }
                            return
                        }
                        for plane in range {
                            let src = px + plane * planeIn, dst = po + plane * planeOut
                            let arg = pa.map { $0 + plane * planeOut }
                            if tiled2 {
                                maxPoolTiles2x2(src, dst, arg, width: w, outH: outH, outW: outW)
                                continue
                            }
                            let windows = Windows(rowStart: rs.baseAddress!, rowCount: rc.baseAddress!, colStart: cs.baseAddress!,
                                                  colCount: cc.baseAddress!, outH: outH, outW: outW, width: w, dh: dh, dw: dw,
                                                  interior: interior.columns, interiorStride: interior.stride)
                            if let arg { maxPoolPlaneTracking(src, dst, arg, windows) } else { maxPoolPlane(src, dst, windows) }
                        }
                    }
                } } } }
            }
        }
        floating(x.dtype, op: "maxPool2d", { run(Float.self) }, { run(Double.self) })
        return (out, argmax)
    }

    /// float32 max pooling of small planes through a copy padded with −∞ on every side, wide
    /// enough that each window is whole and that eight outputs of a row are read with vector
    /// loads (stride 1, or 2 taking every other value of 16): the same visiting order and rule as
    /// the scalar loop (a tap wins when larger, or NaN), remembering which tap won. A window whose
    /// every real tap is −∞ points at its first real tap, as the scalar loop does.
    struct PaddedPool {
        let height: Int, width: Int, outH: Int, outW: Int
        let kh: Int, kw: Int, sh: Int, sw: Int, ph: Int, pw: Int
        let paddedH: Int, paddedW: Int
        var bufferCount: Int { paddedH * paddedW }

        /// nil unless dilation is 1, strides are 1 or 2, and rows have fewer than 16 interior windows.
        init?(rows: PoolAxis, cols: PoolAxis, interiorColumns: Int) {
            guard rows.step == 1 && cols.step == 1, (1...2).contains(rows.windowStride), (1...2).contains(cols.windowStride),
                  interiorColumns < 16, let kh = rows.extent.first, let kw = cols.extent.first else { return nil }
            (height, width, outH, outW) = (rows.input, cols.input, rows.output, cols.output)
            (self.kh, self.kw, sh, sw, ph, pw) = (kh, kw, rows.windowStride, cols.windowStride, rows.windowPadding, cols.windowPadding)
            paddedH = Swift.max(height + ph, (outH - 1) * sh + kh)
            // Eight outputs per group; a stride-2 group reads 16 values from each tap.
            paddedW = Swift.max(width + pw, (outW + 7) / 8 * 8 * sw + kw + 16)
        }

        func run(_ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ arg: UnsafeMutablePointer<Int32>?,
                 rowStart: UnsafePointer<Int>, rowCount: UnsafePointer<Int>, colStart: UnsafePointer<Int>, colCount: UnsafePointer<Int>,
                 buffer: UnsafeMutablePointer<Float>) {
            buffer.update(repeating: -.infinity, count: bufferCount)
            for h in 0..<height { (buffer + (h + ph) * paddedW + pw).update(from: src + h * width, count: width) }
            for oh in 0..<outH {
                let top = buffer + oh * sh * paddedW
                var ow0 = 0
                // Input index of each lane's window origin (it may lie in the padding).
                let origin = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(sw) &+ Int32(truncatingIfNeeded: (oh * sh - ph) * width - pw)
                while ow0 < outW {
                    // The winning tap as its offset from the window's origin in the input, i·W + j.
                    var best = SIMD8<Float>(repeating: -.infinity), offset = SIMD8<Int32>(repeating: 0)
                    for i in 0..<kh {
                        let row = UnsafeRawPointer(top + i * paddedW + ow0 * sw)
                        for j in 0..<kw {
                            let v: SIMD8<Float> = sw == 1
                                ? row.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                                : row.loadUnaligned(fromByteOffset: j * 4, as: SIMD16<Float>.self).evenHalf
                            let take = (v .> best) .| (v .!= v)
                            best.replace(with: v, where: take)
                            if arg != nil { offset.replace(with: SIMD8(repeating: Int32(truncatingIfNeeded: i * width + j)), where: take) }
                        }
                    }
                    let lanes = Swift.min(8, outW - ow0), o = oh * outW + ow0
                    var index = offset &+ origin &+ Int32(truncatingIfNeeded: ow0 * sw)
                    if arg != nil && any(best .== -.infinity) {
                        // Only padding or −∞ in the window: its first real tap, as the scalar loop says.
                        for l in 0..<lanes where best[l] == -.infinity {
                            let ow = ow0 + l
                            index[l] = Int32(truncatingIfNeeded: rowCount[oh] > 0 && colCount[ow] > 0 ? rowStart[oh] * width + colStart[ow] : -1)
                        }
                    }
                    if lanes == 8 {
                        UnsafeMutableRawPointer(dst + o).storeBytes(of: best, as: SIMD8<Float>.self)
                        if let arg { UnsafeMutableRawPointer(arg + o).storeBytes(of: index, as: SIMD8<Int32>.self) }
                    } else {
                        for l in 0..<lanes {
                            dst[o + l] = best[l]
                            arg?[o + l] = index[l]
                        }
                    }
                    ow0 += 8
                }
            }
        }
    }

    /// Window geometry of one plane, as raw pointers (no array retains inside the loops).
    private struct Windows {
        let rowStart: UnsafePointer<Int>, rowCount: UnsafePointer<Int>, colStart: UnsafePointer<Int>, colCount: UnsafePointer<Int>
        let outH: Int, outW: Int, width: Int, dh: Int, dw: Int
        /// Columns whose windows have all their taps, `interiorStride` apart (see ``PoolAxis/interior()``).
        var interior: Range<Int> = 0..<0
        var interiorStride = 0
    }

    /// Max over each window of one plane. Branch-free selects: with random data a branch on
    /// `v > best` mispredicts about once per output, which cost more than the comparisons.
    @inline(__always)
    private static func maxPoolPlane<T: FloatScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, _ g: Windows) {
        let fullRows = (0..<g.outH).reduce(0) { Swift.max($0, g.rowCount[$1]) }
        for oh in 0..<g.outH {
            let (h0, nh) = (g.rowStart[oh], g.rowCount[oh])
            let o = dst + oh * g.outW
            var vectorized = 0..<0
            if T.self == Float.self && nh == fullRows && g.interior.count >= 8 {
                vectorized = maxPoolRowVector(UnsafeRawPointer(src).assumingMemoryBound(to: Float.self),
                                              UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self), nil,
                                              firstRow: h0, rows: nh, g)
            }
            for ow in 0..<g.outW where !vectorized.contains(ow) {
                let (w0, nw) = (g.colStart[ow], g.colCount[ow])
                var best = -T.infinity
                for i in 0..<nh {
                    let row = src + (h0 + i * g.dh) * g.width + w0
                    for j in 0..<nw {
                        let v = row[j * g.dw]
                        best = v > best || v != v ? v : best
                    }
                }
                o[ow] = best
            }
        }
    }

    /// ``maxPoolPlane(_:_:_:)`` that also records each output's first maximum (PyTorch's rule:
    /// a tap replaces the best when larger or NaN); −1 for a window without taps.
    @inline(__always)
    private static func maxPoolPlaneTracking<T: FloatScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>,
                                                            _ arg: UnsafeMutablePointer<Int32>, _ g: Windows) {
        let fullRows = (0..<g.outH).reduce(0) { Swift.max($0, g.rowCount[$1]) }
        for oh in 0..<g.outH {
            let (h0, nh) = (g.rowStart[oh], g.rowCount[oh])
            let o = dst + oh * g.outW, a = arg + oh * g.outW
            var vectorized = 0..<0
            if T.self == Float.self && nh == fullRows && g.interior.count >= 8 {
                vectorized = maxPoolRowVector(UnsafeRawPointer(src).assumingMemoryBound(to: Float.self),
                                              UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self), a,
                                              firstRow: h0, rows: nh, g)
            }
            for ow in 0..<g.outW where !vectorized.contains(ow) {
                let (w0, nw) = (g.colStart[ow], g.colCount[ow])
                // The maximum first (branch-free), then where it is: one hard-to-predict branch per
                // output instead of one per new running maximum.
                var best = -T.infinity
                for i in 0..<nh {
                    let row = src + (h0 + i * g.dh) * g.width + w0
                    for j in 0..<nw {
                        let v = row[j * g.dw]
                        best = v > best || v != v ? v : best
                    }
                }
                var bestIndex = nh > 0 && nw > 0 ? Int32(truncatingIfNeeded: h0 * g.width + w0) : -1
                if best != best {
                    // NaN: PyTorch keeps the last NaN (every NaN replaces the running maximum).
                    for i in 0..<nh {
                        let rowIndex = (h0 + i * g.dh) * g.width + w0
                        for j in 0..<nw where src[rowIndex + j * g.dw] != src[rowIndex + j * g.dw] {
                            bestIndex = Int32(truncatingIfNeeded: rowIndex + j * g.dw)
                        }
                    }
                } else if best != -T.infinity {
                    search: for i in 0..<nh {
                        let rowIndex = (h0 + i * g.dh) * g.width + w0
                        for j in 0..<nw where src[rowIndex + j * g.dw] == best {
                            bestIndex = Int32(truncatingIfNeeded: rowIndex + j * g.dw)
                            break search
                        }
                    }
                }
                o[ow] = best
                a[ow] = bestIndex
            }
        }
    }

    /// The interior windows of one output row (every tap inside the input, columns `interiorStride`
    /// apart) eight outputs at a time, with their argmax when `a` is given, visiting taps in the scalar loop's order
    /// with the same rule (a tap wins when larger, or NaN), so results are identical. The last
    /// group overlaps the one before when the count is not a multiple of 8. Returns the columns done.
    @inline(__always)
    private static func maxPoolRowVector(_ src: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>,
                                         _ a: UnsafeMutablePointer<Int32>?, firstRow h0: Int, rows nh: Int,
                                         _ g: Windows) -> Range<Int> {
        let s = g.interiorStride, nw = g.colCount[g.interior.lowerBound]
        guard s == 1 || s == 2 else { return 0..<0 }
        let laneOffsets = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(s)
        // Stride 2 reads 16 values per tap and keeps every other one: the even lanes from the
        // tap, or near the row's end the odd lanes from one value before it (never past the row).
        @inline(__always) func readable(at ow: Int) -> Bool {
            s == 1 || g.colStart[ow] + (nw - 1) * g.dw + 16 <= g.width || g.colStart[ow] >= 1
        }
        @inline(__always) func eight(at ow: Int) {
            let w0 = g.colStart[ow]
            let shifted = s == 2 && w0 + (nw - 1) * g.dw + 16 > g.width
            var best = SIMD8<Float>(repeating: -.infinity)
            var index = laneOffsets &+ Int32(truncatingIfNeeded: h0 * g.width + w0)
            for i in 0..<nh {
                let rowIndex = (h0 + i * g.dh) * g.width + w0
                let row = UnsafeRawPointer(src + rowIndex)
                for j in 0..<nw {
                    let v: SIMD8<Float> = s == 1
                        ? row.loadUnaligned(fromByteOffset: j * g.dw * 4, as: SIMD8<Float>.self)
                        : shifted ? row.loadUnaligned(fromByteOffset: (j * g.dw - 1) * 4, as: SIMD16<Float>.self).oddHalf
                        : row.loadUnaligned(fromByteOffset: j * g.dw * 4, as: SIMD16<Float>.self).evenHalf
                    let take = (v .> best) .| (v .!= v)
                    best.replace(with: v, where: take)
                    if a != nil { index.replace(with: laneOffsets &+ Int32(truncatingIfNeeded: rowIndex + j * g.dw), where: take) }
                }
            }
            UnsafeMutableRawPointer(o + ow).storeBytes(of: best, as: SIMD8<Float>.self)
            if let a { UnsafeMutableRawPointer(a + ow).storeBytes(of: index, as: SIMD8<Int32>.self) }
        }
        var ow = g.interior.lowerBound
        let last = g.interior.upperBound - 8
        while ow <= last {
            if !readable(at: ow) { return g.interior.lowerBound..<ow }
            eight(at: ow)
            ow += 8
        }
        if ow < g.interior.upperBound {
            if !readable(at: last) { return g.interior.lowerBound..<ow }
            eight(at: last)
        }
        return g.interior
    }

    /// The 2×2, stride-2 case without padding: four loads and compares per output, same tie rule.
    @inline(__always)
    private static func maxPoolTiles2x2<T: FloatScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>,
                                                       _ arg: UnsafeMutablePointer<Int32>?, width w: Int, outH: Int, outW: Int) {
        for oh in 0..<outH {
            let r0 = src + 2 * oh * w, r1 = r0 + w
            let o = dst + oh * outW
            if let arg {
                let a = arg + oh * outW, base = 2 * oh * w
                var first = 0
                if T.self == Float.self {
                    first = maxPoolTiles2x2Vector(UnsafeRawPointer(r0).assumingMemoryBound(to: Float.self),
                                                  UnsafeMutableRawPointer(o).assumingMemoryBound(to: Float.self), a,
                                                  width: w, base: base, outW: outW)
                }
                for ow in first..<outW {
                    let c = 2 * ow
                    var best = r0[c], index = Int32(truncatingIfNeeded: base + c)
                    @inline(__always) func visit(_ v: T, _ at: Int) {
                        let take = v > best || v != v
                        best = take ? v : best
                        index = take ? Int32(truncatingIfNeeded: at) : index
                    }
                    visit(r0[c + 1], base + c + 1)
                    visit(r1[c], base + w + c)
                    visit(r1[c + 1], base + w + c + 1)
                    o[ow] = best
                    a[ow] = index
                }
            } else {
                for ow in 0..<outW {
                    let c = 2 * ow
                    let m0 = r0[c + 1] > r0[c] || r0[c + 1] != r0[c + 1] ? r0[c + 1] : r0[c]
                    let m1 = r1[c + 1] > r1[c] || r1[c + 1] != r1[c + 1] ? r1[c + 1] : r1[c]
                    o[ow] = m1 > m0 || m1 != m1 ? m1 : m0
                }
            }
        }
    }

    /// One row of 2×2 tiles (float32, with their argmax) four outputs at a time, the same visiting
    /// order and tie rule as the scalar loop, whose branches mispredicted on random data. A row
    /// that is not a multiple of 4 ends with an overlapping group (recomputing the same outputs).
    /// Returns how many outputs it wrote: all of them, or none below 4.
    @inline(__always)
    private static func maxPoolTiles2x2Vector(_ r0: UnsafePointer<Float>, _ o: UnsafeMutablePointer<Float>,
                                              _ a: UnsafeMutablePointer<Int32>, width w: Int, base: Int, outW: Int) -> Int {
        if outW < 4 { return 0 }
        let r1 = r0 + w
        let lanes = SIMD4<Int32>(0, 2, 4, 6)
        @inline(__always) func four(at ow: Int) {
            let c = 2 * ow
            let top = UnsafeRawPointer(r0 + c).loadUnaligned(as: SIMD8<Float>.self)
            let bottom = UnsafeRawPointer(r1 + c).loadUnaligned(as: SIMD8<Float>.self)
            let first = lanes &+ Int32(truncatingIfNeeded: base + c)
            var best = top.evenHalf, index = first
            @inline(__always) func visit(_ v: SIMD4<Float>, _ offset: Int) {
                let take = (v .> best) .| (v .!= v)
                best.replace(with: v, where: take)
                index.replace(with: first &+ Int32(truncatingIfNeeded: offset), where: take)
            }
            visit(top.oddHalf, 1)
            visit(bottom.evenHalf, w)
            visit(bottom.oddHalf, w + 1)
            UnsafeMutableRawPointer(o + ow).storeBytes(of: best, as: SIMD4<Float>.self)
            UnsafeMutableRawPointer(a + ow).storeBytes(of: index, as: SIMD4<Int32>.self)
        }
        var ow = 0
        while ow + 4 <= outW {
            four(at: ow)
            ow += 4
        }
        if ow < outW { four(at: outW - 4) }
        return outW
    }

    /// Max pooling's backward: a zeroed `inShape` gradient with `g[o]` added at each output's argmax.
    static func maxPoolBackward(_ g: Tensor, argmax: [Int32], planes: Int, planeIn: Int, inShape: [Int]) -> Tensor {
        let out = Tensor(shape: inShape, dtype: g.dtype, zeroed: true)
        let planeOut = argmax.count / Swift.max(planes, 1)
        func run<T: FloatScalar>(_: T.Type) {
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
            argmax.withUnsafeBufferPointer { pa in
                forEachPlane(planes, work: planeOut) { range in
                    for plane in range {
                        let src = pg + plane * planeOut, dst = po + plane * planeIn, a = pa.baseAddress! + plane * planeOut
                        for o in 0..<planeOut where a[o] >= 0 { dst[Int(a[o])] += src[o] }
                    }
                }
            }
        }
        floating(g.dtype, op: "maxPool2d backward", { run(Float.self) }, { run(Double.self) })
        return out
    }

    // MARK: Global average pooling (sliding-window average pooling: Pool3dKernels.swift)

    /// Mean of each of `planes` contiguous planes of `size` values (global average pooling).
    static func planeMeans(_ x: Tensor, planes: Int, size: Int, outShape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        func run<T: FloatScalar>(_: T.Type) {
            let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
            let n = T(size)
            forEachPlane(planes, work: size) { range in
                for plane in range { po[plane] = sum(px + plane * size, size) / n }
            }
        }
        floating(x.dtype, op: "globalAvgPool2d", { run(Float.self) }, { run(Double.self) })
        return out
    }

    /// Global average pooling's backward: plane `p` filled with `g[p] / size`.
    static func planeMeansBackward(_ g: Tensor, planes: Int, size: Int, inShape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: inShape, dtype: g.dtype)
        func run<T: FloatScalar>(_: T.Type) {
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
            let n = T(size)
            forEachPlane(planes, work: size) { range in
                for plane in range { (po + plane * size).update(repeating: pg[plane] / n, count: size) }
            }
        }
        floating(g.dtype, op: "globalAvgPool2d backward", { run(Float.self) }, { run(Double.self) })
        return out
    }
}

/// Calls `body` with a pointer to the array's elements, or with nil when there is no array.
@inline(__always)
private func withOptionalBuffer<R>(_ array: inout [Int32]?, _ body: (UnsafeMutablePointer<Int32>?) -> R) -> R {
    if array == nil { return body(nil) }
    return array!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}
