// Loops of the spatial ops (pad, interpolate, gridSample) over contiguous `[planes, d1, …, dk]`
// blocks, where a plane is one (sample, channel) pair. Index maps and interpolation weights are
// worked out once per op along each axis (`PadAxis`, `ResampleAxis`); the loops only read them,
// so there are no bounds tests, divisions or closures per element.
//
// Interpolation is separable: the last axis first (each needed input row resampled into a
// scratch row), then each earlier axis as a weighted sum of whole rows. That is the order in which
// PyTorch's CPU kernels evaluate `Σ_h w_h·(Σ_w w_w·x)`, so the forward results are PyTorch's
// roundings, and rows combine with vector loops. Backward runs the passes transposed, last first.
//
// Planes (or output rows, for padding) are split over the thread pool, each written by one
// thread, so results do not depend on the thread count and the scatter-adds need no locks.

/// One axis of `pad`: for each output index the input index it copies (−1 for the fill value),
/// and the outputs `runStart..<runEnd` that copy the consecutive inputs from `runSource` on.
struct PadAxis: Sendable {
    let input: Int
    let source: [Int]
    let runStart: Int, runEnd: Int, runSource: Int
    var output: Int { source.count }

    private init(input: Int, source: [Int], runStart: Int, runLength: Int, runSource: Int) {
        self.input = input
        self.source = source
        self.runStart = Swift.min(Swift.max(runStart, 0), source.count)
        self.runEnd = Swift.min(Swift.max(self.runStart, runStart + runLength), source.count)
        self.runSource = runSource + (self.runStart - runStart)
    }

    /// `left` fill values before and `right` after (negative: that many inputs cut off).
    static func constant(input: Int, left: Int, right: Int) -> PadAxis {
        let output = input + left + right
        let source = (0..<Swift.max(output, 0)).map { j in (0..<input).contains(j - left) ? j - left : -1 }
        let start = Swift.max(left, 0)
        return PadAxis(input: input, source: source, runStart: start, runLength: Swift.min(output, left + input) - start,
                       runSource: start - left)
    }

    /// Mirrored without repeating the edge: position `p` before the input reads `−p`, after it `2(n − 1) − p`.
    static func reflect(input: Int, left: Int, right: Int) -> PadAxis {
        let output = input + left + right
        let source = (0..<Swift.max(output, 0)).map { j -> Int in
            let p = j - left
            return p < 0 ? -p : (p >= input ? 2 * (input - 1) - p : p)
        }
        let start = Swift.max(left, 0)
        return PadAxis(input: input, source: source, runStart: start, runLength: Swift.min(output, left + input) - start,
                       runSource: start - left)
    }

    /// The edge value repeated.
    static func replicate(input: Int, left: Int, right: Int) -> PadAxis {
        let output = input + left + right
        let source = (0..<Swift.max(output, 0)).map { j in Swift.min(Swift.max(j - left, 0), input - 1) }
        let start = Swift.max(left, 0)
        return PadAxis(input: input, source: source, runStart: start, runLength: Swift.min(output, left + input) - start,
                       runSource: start - left)
    }

    /// Wrapped around, as PyTorch: negative sides are cut off first, and the positive ones copy
    /// from the other end of what is left.
    static func circular(input: Int, left: Int, right: Int) -> PadAxis {
        let output = input + left + right
        let first = Swift.max(-left, 0), kept = input - Swift.max(-left, 0) - Swift.max(-right, 0)
        let start = Swift.max(left, 0)
        let source = (0..<Swift.max(output, 0)).map { j -> Int in
            guard kept > 0 else { return first }
            let q = (j - start) % kept
            return first + (q < 0 ? q + kept : q)
        }
        return PadAxis(input: input, source: source, runStart: start, runLength: kept, runSource: first)
    }
}

/// Interpolation taps along one axis: output `o` is `Σ_k weight[o·taps + k] · x[index[o·taps + k]]`
/// for `k < count[o]`, summed in order of `k`.
struct ResampleAxis<T: FloatScalar> {
    let input: Int, output: Int, taps: Int
    var index: [Int], weight: [T], count: [Int]

    init(input: Int, output: Int, taps: Int) {
        (self.input, self.output, self.taps) = (input, output, taps)
        index = [Int](repeating: 0, count: output * taps)
        weight = [T](repeating: 0, count: output * taps)
        count = [Int](repeating: taps, count: output)
    }

    /// Whether every output has all `taps` taps.
    var isFixed: Bool { !count.contains { $0 != taps } }

    /// Which inputs some tap reads.
    var used: [Bool] {
        var used = [Bool](repeating: false, count: input)
        for o in 0..<output { for k in 0..<count[o] { used[index[o * taps + k]] = true } }
        return used
    }
}

/// The adaptive-average window of each output along one axis: `[⌊o·in/out⌋, ⌈(o+1)·in/out⌉)`.
struct AreaAxis: Sendable {
    let input: Int
    let start: [Int], end: [Int]
    var output: Int { start.count }

    init(input: Int, output: Int) {
        self.input = input
        start = (0..<output).map { ($0 / output) * input + (($0 % output) * input) / output }
        end = (0..<output).map { 1 + (($0 + 1) * input - 1) / output }
    }

    /// An axis of one element (the missing axes of a 1-d or 2-d input).
    static let unit = AreaAxis(input: 1, output: 1)
}

extension Kernels {
    /// Output elements per job below which work is not split further.
    private static let resampleGrain = 1 << 14

    @inline(__always)
    private static func splitting(_ count: Int, work: Int, _ body: (Range<Int>) -> Void) {
        ThreadPool.shared.parallelRanges(count, grain: Swift.max(1, resampleGrain / Swift.max(work, 1)), body)
    }

    // MARK: Padding

    /// `x` (contiguous) padded along its last `axes.count` axes into `outShape`; `outer` is the
    /// product of the axes before them. Any dtype; positions without a source get `value`.
    static func pad(_ x: Tensor, outer: Int, axes: [PadAxis], value: Double, outShape: [Int]) -> Tensor {
        x.dtype.dispatch(PadKernel(x: x, outer: outer, axes: axes, value: value, outShape: outShape))
    }

    private struct PadKernel: TypedKernel {
        let x: Tensor, outer: Int, axes: [PadAxis], value: Double, outShape: [Int]

        func run<T: TensorScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: outShape, dtype: x.dtype)
            guard out.count > 0 else { return out }
            let fill = T(fromDouble: value)
            let k = axes.count
            let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
            // The source maps of all axes in one array; the scalars hoisted out of the jobs.
            let maps = axes.flatMap(\.source)
            var mapStart = [Int](repeating: 0, count: k), inStride = [Int](repeating: 1, count: k)
            for d in 1..<Swift.max(k, 1) { mapStart[d] = mapStart[d - 1] + axes[d - 1].output }
            for d in stride(from: k - 2, through: 0, by: -1) { inStride[d] = inStride[d + 1] * axes[d + 1].input }
            let inPlane = inStride[0] * axes[0].input
            let outSizes = axes.map(\.output)
            let rowLength = outSizes[k - 1], rows = out.count / rowLength
            let (runStart, runEnd, runSource) = (axes[k - 1].runStart, axes[k - 1].runEnd, axes[k - 1].runSource)
            maps.withUnsafeBufferPointer { mp in mapStart.withUnsafeBufferPointer { ms in
                inStride.withUnsafeBufferPointer { st in outSizes.withUnsafeBufferPointer { os in
                    let m = mp.baseAddress!, last = m + ms[k - 1]
                    splitting(rows, work: rowLength) { range in
                        for r in range {
                            var rest = r, offset = 0, valid = true
                            for d in stride(from: k - 2, through: 0, by: -1) {
                                let i = rest % os[d]
                                rest /= os[d]
                                let s = m[ms[d] + i]
                                if s < 0 { valid = false } else { offset += s * st[d] }
                            }
                            let o = po + r * rowLength
                            guard valid else { o.update(repeating: fill, count: rowLength); continue }
                            let src = px + rest * inPlane + offset
                            for j in 0..<runStart { let s = last[j]; o[j] = s < 0 ? fill : src[s] }
                            if runEnd > runStart { (o + runStart).update(from: src + runSource, count: runEnd - runStart) }
                            for j in runEnd..<rowLength { let s = last[j]; o[j] = s < 0 ? fill : src[s] }
                        }
                    }
                } }
            } }
            return out
        }
    }

    /// The gradient of a reflect, replicate or circular pad: each output's gradient added to the
    /// input it copied, in output order (PyTorch's order of the sums).
    static func padBackward<T: FloatScalar>(_ g: Tensor, _: T.Type, outer: Int, axes: [PadAxis], inShape: [Int]) -> Tensor {
        let out = Tensor(shape: inShape, dtype: g.dtype, zeroed: true)
        guard out.count > 0, g.count > 0 else { return out }
        let k = axes.count
        let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
        let maps = axes.flatMap(\.source)
        var mapStart = [Int](repeating: 0, count: k), inStride = [Int](repeating: 1, count: k)
        for d in 1..<Swift.max(k, 1) { mapStart[d] = mapStart[d - 1] + axes[d - 1].output }
        for d in stride(from: k - 2, through: 0, by: -1) { inStride[d] = inStride[d + 1] * axes[d + 1].input }
        let inPlane = inStride[0] * axes[0].input
        let outSizes = axes.map(\.output)
        let rowLength = outSizes[k - 1], rowsPerPlane = outSizes.dropLast().reduce(1, *)
        let (runStart, runEnd, runSource) = (axes[k - 1].runStart, axes[k - 1].runEnd, axes[k - 1].runSource)
        maps.withUnsafeBufferPointer { mp in mapStart.withUnsafeBufferPointer { ms in
            inStride.withUnsafeBufferPointer { st in outSizes.withUnsafeBufferPointer { os in
                let m = mp.baseAddress!, last = m + ms[k - 1]
                splitting(outer, work: rowsPerPlane * rowLength) { range in
                    for plane in range {
                        let dstPlane = po + plane * inPlane, srcPlane = pg + plane * rowsPerPlane * rowLength
                        for r in 0..<rowsPerPlane {
                            var rest = r, offset = 0
                            for d in stride(from: k - 2, through: 0, by: -1) {
                                offset += m[ms[d] + rest % os[d]] * st[d]
                                rest /= os[d]
                            }
                            let dst = dstPlane + offset, s = srcPlane + r * rowLength
                            for j in 0..<runStart { dst[last[j]] += s[j] }
                            let run = dst + runSource - runStart
                            for j in runStart..<runEnd { run[j] += s[j] }
                            for j in runEnd..<rowLength { dst[last[j]] += s[j] }
                        }
                    }
                }
            } }
        } }
        return out
    }

    // MARK: Separable interpolation

    /// Resamples each of `planes` contiguous planes of `x` along its `axes` (1 to 3, the last
    /// axes), last axis first. `skip[a]` passes axis `a` through unchanged (antialiased modes skip
    /// axes whose size does not change, as PyTorch).
    static func resample<T: FloatScalar>(_ x: Tensor, planes: Int, axes: [ResampleAxis<T>], skip: [Bool], outShape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        guard out.count > 0 else { return out }
        let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
        let d = axes.count
        let inSizes = axes.map(\.input), outSizes = axes.map(\.output)
        let planeIn = inSizes.reduce(1, *), planeOut = outSizes.reduce(1, *)
        // The rows each pass must produce: input index i of axis a < d − 1 only if a later tap reads it.
        let used: [[Bool]] = (0..<d).map { a in a == d - 1 ? [] : (skip[a] ? [Bool](repeating: true, count: inSizes[a]) : axes[a].used) }
        // Scratch sizes per plane: after pass over axis a (from d−1 down to 1), the shape is
        // inSizes[0..<a] + outSizes[a..<d].
        var scratch: [Int] = []
        for a in stride(from: d - 1, through: 1, by: -1) {
            scratch.append(inSizes[0..<a].reduce(1, *) * outSizes[a..<d].reduce(1, *))
        }
        let scratchTotal = scratch.reduce(0, +)
        // A 2-d resize that reads fewer taps per output than the two passes compute (shrinking)
        // evaluates `Σ_h w_h·(Σ_w w_w·x)` per output directly: the same sums in the same order.
        if d == 2 && !skip.contains(true) && axes[0].isFixed && axes[1].isFixed {
            let usedRows = used[0].filter { $0 }.count
            let direct = planeOut * axes[0].taps * axes[1].taps
            if direct <= usedRows * outSizes[1] * axes[1].taps + planeOut * axes[0].taps {
                splitting(planes, work: direct) { range in
                    for plane in range {
                        resampleDirect(px + plane * planeIn, po + plane * planeOut, axes[0], axes[1])
                    }
                }
                return out
            }
        }
        splitting(planes, work: planeOut * 2 + planeIn) { range in
            let buffer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(scratchTotal, 1))
            defer { buffer.deallocate() }
            for plane in range {
                var src = px + plane * planeIn
                var bufferOffset = 0
                for a in stride(from: d - 1, through: 0, by: -1) {
                    let dst: UnsafeMutablePointer<T> = a == 0 ? po + plane * planeOut : buffer + bufferOffset
                    if a > 0 { bufferOffset += scratch[d - 1 - a] }
                    // Shape of this pass: [outerCount][axis][inner], inner = outputs of the later axes.
                    let outer = inSizes[0..<a].reduce(1, *), inner = outSizes[(a + 1)..<d].reduce(1, *)
                    // Row (or slice) r of this pass is the input index r of axis 0 (a == 1), or
                    // the pair (r / n1, r % n1) of axes 0 and 1 (a == 2); the first axis's pass
                    // produces every output.
                    let n1 = d > 1 ? inSizes[1] : 1
                    let rowUsed: (Int) -> Bool = switch a {
                    case 0: { _ in true }
                    case 1: { used[0][$0] }
                    default: { used[0][$0 / n1] && used[1][$0 % n1] }
                    }
                    if skip[a] {
                        (dst).update(from: src, count: outer * axes[a].input * inner)
                    } else if inner == 1 {
                        resampleRows(src, dst, rows: outer, axes[a], rowUsed)
                    } else {
                        resampleSlices(src, dst, slices: outer, inner: inner, axes[a], rowUsed)
                    }
                    src = UnsafePointer(dst)
                }
            }
        }
        return out
    }

    /// One `[rows.input, cols.input]` plane resampled into `[rows.output, cols.output]` output by
    /// output, each row tap's column sum first (the order of the separable passes).
    @inline(__always)
    private static func resampleDirect<T: FloatScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>,
                                                       _ rows: ResampleAxis<T>, _ cols: ResampleAxis<T>) {
        let (n, m, rt, ct) = (cols.input, cols.output, rows.taps, cols.taps)
        rows.index.withUnsafeBufferPointer { rib in rows.weight.withUnsafeBufferPointer { rwb in
            cols.index.withUnsafeBufferPointer { cib in cols.weight.withUnsafeBufferPointer { cwb in
                let (ri, rw, ci, cw) = (rib.baseAddress!, rwb.baseAddress!, cib.baseAddress!, cwb.baseAddress!)
                for oh in 0..<rows.output {
                    let o = dst + oh * m, rb = oh * rt
                    if rt == 2 && ct == 2 {
                        let (top, bottom, a, b) = (src + ri[rb] * n, src + ri[rb + 1] * n, rw[rb], rw[rb + 1])
                        for j in 0..<m {
                            let (i0, i1, w0, w1) = (ci[2 * j], ci[2 * j + 1], cw[2 * j], cw[2 * j + 1])
                            o[j] = (top[i0] * w0 + top[i1] * w1) * a + (bottom[i0] * w0 + bottom[i1] * w1) * b
                        }
                    } else {
                        for j in 0..<m {
                            let cb = ct * j
                            var acc: T = 0
                            for k in 0..<rt {
                                let row = src + ri[rb + k] * n
                                var t = row[ci[cb]] * cw[cb]
                                for l in 1..<ct { t += row[ci[cb + l]] * cw[cb + l] }
                                acc = k == 0 ? t * rw[rb] : acc + t * rw[rb + k]
                            }
                            o[j] = acc
                        }
                    }
                }
            } }
        } }
    }

    /// Each of `rows` rows of `axis.input` resampled along itself into a row of `axis.output`.
    @inline(__always)
    private static func resampleRows<T: FloatScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, rows: Int,
                                                     _ axis: ResampleAxis<T>, _ rowUsed: (Int) -> Bool) {
        let (n, m, taps) = (axis.input, axis.output, axis.taps)
        let fixed = axis.isFixed
        axis.index.withUnsafeBufferPointer { ib in axis.weight.withUnsafeBufferPointer { wb in axis.count.withUnsafeBufferPointer { cb in
            let idx = ib.baseAddress!, w = wb.baseAddress!, cnt = cb.baseAddress!
            for r in 0..<rows where rowUsed(r) {
                let s = src + r * n, o = dst + r * m
                if fixed && taps == 2 {
                    for j in 0..<m { o[j] = s[idx[2 * j]] * w[2 * j] + s[idx[2 * j + 1]] * w[2 * j + 1] }
                } else if fixed && taps == 4 {
                    for j in 0..<m {
                        let b = 4 * j
                        o[j] = s[idx[b]] * w[b] + s[idx[b + 1]] * w[b + 1] + s[idx[b + 2]] * w[b + 2] + s[idx[b + 3]] * w[b + 3]
                    }
                } else {
                    for j in 0..<m {
                        let b = taps * j
                        var acc = s[idx[b]] * w[b]
                        for k in 1..<Swift.max(cnt[j], 1) { acc += s[idx[b + k]] * w[b + k] }
                        o[j] = acc
                    }
                }
            }
        } } }
    }

    /// `[slices][axis.input][inner]` → `[slices][axis.output][inner]`: each output row a weighted
    /// sum of whole input rows (vector loops over `inner`).
    @inline(__always)
    private static func resampleSlices<T: FloatScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, slices: Int,
                                                       inner: Int, _ axis: ResampleAxis<T>, _ sliceUsed: (Int) -> Bool) {
        let (n, m, taps) = (axis.input, axis.output, axis.taps)
        axis.index.withUnsafeBufferPointer { ib in axis.weight.withUnsafeBufferPointer { wb in axis.count.withUnsafeBufferPointer { cb in
            let idx = ib.baseAddress!, w = wb.baseAddress!, cnt = cb.baseAddress!
            for sl in 0..<slices where sliceUsed(sl) {
                let s = src + sl * n * inner, dslice = dst + sl * m * inner
                for j in 0..<m {
                    let b = taps * j, o = dslice + j * inner
                    let c = Swift.max(cnt[j], 1)
                    if c == 2 {
                        let (s0, s1, w0, w1) = (s + idx[b] * inner, s + idx[b + 1] * inner, w[b], w[b + 1])
                        for e in 0..<inner { o[e] = s0[e] * w0 + s1[e] * w1 }
                    } else if c == 4 {
                        let (s0, s1, s2, s3) = (s + idx[b] * inner, s + idx[b + 1] * inner, s + idx[b + 2] * inner, s + idx[b + 3] * inner)
                        let (w0, w1, w2, w3) = (w[b], w[b + 1], w[b + 2], w[b + 3])
                        for e in 0..<inner { o[e] = s0[e] * w0 + s1[e] * w1 + s2[e] * w2 + s3[e] * w3 }
                    } else {
                        let s0 = s + idx[b] * inner, w0 = w[b]
                        for e in 0..<inner { o[e] = s0[e] * w0 }
                        for k in 1..<c {
                            let sk = s + idx[b + k] * inner, wk = w[b + k]
                            for e in 0..<inner { o[e] += sk[e] * wk }
                        }
                    }
                }
            }
        } } }
    }

    /// The gradient of ``resample(_:planes:axes:skip:outShape:)`` without skipped axes: the passes
    /// transposed, first axis first, each output's gradient spread over its taps with their weights.
    static func resampleBackward<T: FloatScalar>(_ g: Tensor, planes: Int, axes: [ResampleAxis<T>], inShape: [Int]) -> Tensor {
        let out = Tensor(shape: inShape, dtype: g.dtype, zeroed: true)
        guard out.count > 0, g.count > 0 else { return out }
        let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
        let d = axes.count
        let inSizes = axes.map(\.input), outSizes = axes.map(\.output)
        let planeIn = inSizes.reduce(1, *), planeOut = outSizes.reduce(1, *)
        let used: [[Bool]] = (0..<d).map { a in a == d - 1 ? [] : axes[a].used }
        // After transposing the pass over axis a (0 up to d − 2), the shape is
        // inSizes[0...a] + outSizes[(a+1)..<d].
        var scratch: [Int] = []
        for a in 0..<(d - 1) { scratch.append(inSizes[0...a].reduce(1, *) * outSizes[(a + 1)..<d].reduce(1, *)) }
        let scratchTotal = scratch.reduce(0, +)
        splitting(planes, work: planeOut * 2 + planeIn) { range in
            let buffer = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(scratchTotal, 1))
            defer { buffer.deallocate() }
            for plane in range {
                var src = pg + plane * planeOut
                var bufferOffset = 0
                for a in 0..<d {
                    let dst: UnsafeMutablePointer<T>
                    if a == d - 1 {
                        dst = po + plane * planeIn
                    } else {
                        dst = buffer + bufferOffset
                        dst.update(repeating: 0, count: scratch[a])
                        bufferOffset += scratch[a]
                    }
                    let outer = inSizes[0..<a].reduce(1, *), inner = outSizes[(a + 1)..<d].reduce(1, *)
                    if inner == 1 {
                        // Rows no tap of the earlier axes wrote to hold zeros: skip them.
                        let n1 = d > 1 ? inSizes[1] : 1
                        let rowUsed: (Int) -> Bool = switch a {
                        case 0: { _ in true }
                        case 1: { used[0][$0] }
                        default: { used[0][$0 / n1] && used[1][$0 % n1] }
                        }
                        scatterRows(src, dst, rows: outer, axes[a], rowUsed)
                    } else {
                        scatterSlices(src, dst, slices: outer, inner: inner, axes[a])
                    }
                    src = UnsafePointer(dst)
                }
            }
        }
        return out
    }

    @inline(__always)
    private static func scatterRows<T: FloatScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, rows: Int, _ axis: ResampleAxis<T>,
                                                    _ rowUsed: (Int) -> Bool) {
        let (n, m, taps) = (axis.input, axis.output, axis.taps)
        axis.index.withUnsafeBufferPointer { ib in axis.weight.withUnsafeBufferPointer { wb in axis.count.withUnsafeBufferPointer { cb in
            let idx = ib.baseAddress!, w = wb.baseAddress!, cnt = cb.baseAddress!
            let fixed2 = taps == 2 && axis.isFixed
            for r in 0..<rows where rowUsed(r) {
                let s = src + r * m, o = dst + r * n
                if fixed2 {
                    for j in 0..<m {
                        let v = s[j]
                        o[idx[2 * j]] += w[2 * j] * v
                        o[idx[2 * j + 1]] += w[2 * j + 1] * v
                    }
                } else {
                    for j in 0..<m {
                        let b = taps * j, v = s[j]
                        for k in 0..<cnt[j] { o[idx[b + k]] += w[b + k] * v }
                    }
                }
            }
        } } }
    }

    @inline(__always)
    private static func scatterSlices<T: FloatScalar>(_ src: UnsafePointer<T>, _ dst: UnsafeMutablePointer<T>, slices: Int, inner: Int,
                                                      _ axis: ResampleAxis<T>) {
        let (n, m, taps) = (axis.input, axis.output, axis.taps)
        axis.index.withUnsafeBufferPointer { ib in axis.weight.withUnsafeBufferPointer { wb in axis.count.withUnsafeBufferPointer { cb in
            let idx = ib.baseAddress!, w = wb.baseAddress!, cnt = cb.baseAddress!
            for sl in 0..<slices {
                let s = src + sl * m * inner, o = dst + sl * n * inner
                for j in 0..<m {
                    let b = taps * j, row = s + j * inner
                    if cnt[j] == 2 {
                        let (o0, o1, w0, w1) = (o + idx[b] * inner, o + idx[b + 1] * inner, w[b], w[b + 1])
                        for e in 0..<inner {
                            let v = row[e]
                            o0[e] += w0 * v
                            o1[e] += w1 * v
                        }
                    } else {
                        for k in 0..<cnt[j] {
                            let ok = o + idx[b + k] * inner, wk = w[b + k]
                            for e in 0..<inner { ok[e] += wk * row[e] }
                        }
                    }
                }
            }
        } } }
    }

    // MARK: Nearest neighbour

    /// Output `(o0, o1, o2)` of each plane copies input `(rows0[o0], rows1[o1], rows2[o2])`; the
    /// axes are the last three (missing ones have one element and index 0).
    static func nearest<T: FloatScalar>(_ x: Tensor, _: T.Type, planes: Int, inSizes: [Int], indices: [[Int]], outShape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        guard out.count > 0 else { return out }
        let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
        let (i0, i1, i2) = padded3(indices)
        let (n1, n2) = (inSizes.count >= 2 ? inSizes[inSizes.count - 2] : 1, inSizes.last!)
        let (m0, m1, m2) = (i0.count, i1.count, i2.count)
        let planeIn = inSizes.reduce(1, *), planeOut = m0 * m1 * m2
        i0.withUnsafeBufferPointer { a0 in i1.withUnsafeBufferPointer { a1 in i2.withUnsafeBufferPointer { a2 in
            splitting(planes, work: planeOut) { range in
                for plane in range {
                    let src = px + plane * planeIn
                    var o = po + plane * planeOut
                    for u in 0..<m0 {
                        for v in 0..<m1 {
                            let row = src + (a0[u] * n1 + a1[v]) * n2
                            for j in 0..<m2 { o[j] = row[a2[j]] }
                            o += m2
                        }
                    }
                }
            }
        } } }
        return out
    }

    /// Nearest neighbour's gradient: each output's gradient added to the input it copied, in output order.
    static func nearestBackward<T: FloatScalar>(_ g: Tensor, _: T.Type, planes: Int, inSizes: [Int], indices: [[Int]],
                                                inShape: [Int]) -> Tensor {
        let out = Tensor(shape: inShape, dtype: g.dtype, zeroed: true)
        guard out.count > 0, g.count > 0 else { return out }
        let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
        let (i0, i1, i2) = padded3(indices)
        let (n1, n2) = (inSizes.count >= 2 ? inSizes[inSizes.count - 2] : 1, inSizes.last!)
        let (m0, m1, m2) = (i0.count, i1.count, i2.count)
        let planeIn = inSizes.reduce(1, *), planeOut = m0 * m1 * m2
        i0.withUnsafeBufferPointer { a0 in i1.withUnsafeBufferPointer { a1 in i2.withUnsafeBufferPointer { a2 in
            splitting(planes, work: planeOut) { range in
                for plane in range {
                    let dst = po + plane * planeIn
                    var s = pg + plane * planeOut
                    for u in 0..<m0 {
                        for v in 0..<m1 {
                            let row = dst + (a0[u] * n1 + a1[v]) * n2
                            for j in 0..<m2 { row[a2[j]] += s[j] }
                            s += m2
                        }
                    }
                }
            }
        } } }
        return out
    }

    /// One to three index maps as exactly three (leading ones `[0]`).
    private static func padded3(_ maps: [[Int]]) -> ([Int], [Int], [Int]) {
        let full = [[Int]](repeating: [0], count: 3 - maps.count) + maps
        return (full[0], full[1], full[2])
    }

    // MARK: Area (adaptive average)

    /// The mean of each output's window, `Σ x / k_d / k_h / k_w`, summed in input order (PyTorch's
    /// adaptive average pooling); `axes` are the last three (missing ones ``AreaAxis/unit``).
    static func area<T: FloatScalar>(_ x: Tensor, _: T.Type, planes: Int, axes: [AreaAxis], outShape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        guard out.count > 0 else { return out }
        let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
        let a = [AreaAxis](repeating: .unit, count: 3 - axes.count) + axes
        let (n1, n2) = (a[1].input, a[2].input)
        let planeIn = a[0].input * n1 * n2, planeOut = a[0].output * a[1].output * a[2].output
        let (s0, e0, s1, e1, s2, e2) = (a[0].start, a[0].end, a[1].start, a[1].end, a[2].start, a[2].end)
        splitting(planes, work: planeIn + planeOut) { range in
            for plane in range {
                let src = px + plane * planeIn
                var o = po + plane * planeOut
                for u in 0..<s0.count {
                    for v in 0..<s1.count {
                        for j in 0..<s2.count {
                            var sum: T = 0
                            for p in s0[u]..<e0[u] {
                                for q in s1[v]..<e1[v] {
                                    let row = src + (p * n1 + q) * n2
                                    for r in s2[j]..<e2[j] { sum += row[r] }
                                }
                            }
                            o[j] = sum / T(e0[u] - s0[u]) / T(e1[v] - s1[v]) / T(e2[j] - s2[j])
                        }
                        o += s2.count
                    }
                }
            }
        }
        return out
    }

    /// Area's gradient: `g / k_d / k_h / k_w` added to every input of the window, in output order.
    static func areaBackward<T: FloatScalar>(_ g: Tensor, _: T.Type, planes: Int, axes: [AreaAxis], inShape: [Int]) -> Tensor {
        let out = Tensor(shape: inShape, dtype: g.dtype, zeroed: true)
        guard out.count > 0, g.count > 0 else { return out }
        let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
        let a = [AreaAxis](repeating: .unit, count: 3 - axes.count) + axes
        let (n1, n2) = (a[1].input, a[2].input)
        let planeIn = a[0].input * n1 * n2, planeOut = a[0].output * a[1].output * a[2].output
        let (s0, e0, s1, e1, s2, e2) = (a[0].start, a[0].end, a[1].start, a[1].end, a[2].start, a[2].end)
        splitting(planes, work: planeIn + planeOut) { range in
            for plane in range {
                let dst = po + plane * planeIn
                var s = pg + plane * planeOut
                for u in 0..<s0.count {
                    for v in 0..<s1.count {
                        for j in 0..<s2.count {
                            let delta = s[j] / T(e0[u] - s0[u]) / T(e1[v] - s1[v]) / T(e2[j] - s2[j])
                            for p in s0[u]..<e0[u] {
                                for q in s1[v]..<e1[v] {
                                    let row = dst + (p * n1 + q) * n2
                                    for r in s2[j]..<e2[j] { row[r] += delta }
                                }
                            }
                        }
                        s += s2.count
                    }
                }
            }
        }
        return out
    }
}

// MARK: - Grid sampling

/// `Int(v)` truncated as the x86 conversions PyTorch's kernels use: NaN, infinities and values
/// outside ±2³¹ give −2³¹ (always out of bounds).
@inline(__always)
private func truncatedIndex<T: FloatScalar>(_ v: T) -> Int {
    v > -2147483648 && v < 2147483648 ? Int(v) : Int(Int32.min)
}

/// `⌊v⌋` as a float and as ``truncatedIndex(_:)`` of it, with integer arithmetic where `|v| < 2³¹`
/// (the default x86-64 target has no rounding instruction: `rounded(.down)` is a libm call).
@inline(__always)
private func floorParts<T: FloatScalar>(_ v: T) -> (T, Int) {
    guard v > -2147483648 && v < 2147483648 else { return (v.rounded(.down), Int(Int32.min)) }
    let i = Int(v), f = T(i)
    return f > v ? (f - 1, i - 1) : (f, i)
}

/// `v` truncated toward zero (integer arithmetic where `|v| < 2³¹`).
@inline(__always)
private func truncated<T: FloatScalar>(_ v: T) -> T {
    v > -2147483648 && v < 2147483648 ? T(Int(v)) : v.rounded(.towardZero)
}

/// `v` rounded half to even, as `nearbyint` (by adding and subtracting 1.5·2^p where that is exact).
@inline(__always)
private func roundedHalfEven<T: FloatScalar>(_ v: T) -> T {
    let magic = T(1.5) * T(sign: .plus, exponent: T.Exponent(T.significandBitCount), significand: 1)
    return Swift.abs(v) < magic / 3 ? (v + magic) - magic : v.rounded(.toNearestOrEven)
}

/// How a grid coordinate in [−1, 1] becomes a position along one input axis, with PyTorch's
/// vectorised 2-d CPU kernel's arithmetic (`ComputeLocation` in GridSamplerKernel.cpp).
private struct GridAxis2d<T: FloatScalar> {
    let size: Int, padding: GridSamplePaddingMode, align: Bool
    let maxVal: T, scaling: T, low: T, twiceSpan: T, empty: Bool

    init(size: Int, padding: GridSamplePaddingMode, align: Bool) {
        (self.size, self.padding, self.align) = (size, padding, align)
        maxVal = T(size - 1)
        if align {
            (scaling, low, twiceSpan, empty) = (T(size - 1) / 2, 0, T(size - 1) * 2, size <= 1)
        } else {
            (scaling, low, twiceSpan, empty) = (T(size) / 2, T(-0.5), T(size) * 2, size <= 0)
        }
    }

    @inline(__always) func unnormalize(_ v: T) -> T { align ? (v + 1) * scaling : (v + 1) * scaling - T(0.5) }

    /// Clamped to `[0, size − 1]`, NaN to 0.
    @inline(__always) func clip(_ v: T) -> T {
        let r = v > 0 ? v : 0
        return r < maxVal ? r : maxVal
    }

    @inline(__always) func reflect(_ v: T) -> T {
        if empty { return 0 }
        let a = align ? Swift.abs(v) : Swift.abs(v - low)
        let extra = a - truncated(a / twiceSpan) * twiceSpan
        let r = twiceSpan - extra
        let m = extra.isNaN || r.isNaN ? T.nan : (r < extra ? r : extra)
        return align ? m : m + low
    }

    /// The position used by bilinear and nearest sampling.
    @inline(__always) func apply(_ v: T) -> T {
        switch padding {
        case .zeros: unnormalize(v)
        case .border: clip(unnormalize(v))
        case .reflection: clip(reflect(unnormalize(v)))
        }
    }

    /// The padding applied to a bicubic tap's position.
    @inline(__always) func coordinates(_ v: T) -> T {
        switch padding {
        case .zeros: v
        case .border: clip(v)
        case .reflection: clip(reflect(v))
        }
    }

    /// ``apply(_:)`` and its derivative with respect to the grid value.
    @inline(__always) func applyWithGradient(_ v: T) -> (T, T) {
        switch padding {
        case .zeros:
            return (unnormalize(v), scaling)
        case .border:
            let (r, inside) = clipWithMask(unnormalize(v))
            return (r, inside ? scaling : 0)
        case .reflection:
            var u = unnormalize(v), grad = scaling
            if empty {
                (u, grad) = (0, 0)
            } else {
                let shifted = align ? u : u - low
                let negative = shifted < 0
                let a = Swift.abs(shifted)
                let extra = a - truncated(a / twiceSpan) * twiceSpan, reflected = twiceSpan - extra
                let oneMore = extra > reflected
                u = oneMore ? reflected : extra
                if !align { u += low }
                grad = (oneMore != negative ? -1 : 1) * scaling
            }
            let (r, inside) = clipWithMask(u)
            return (r, inside ? grad : 0)
        }
    }

    /// Clamped to `[0, size − 1]` (NaN stays), and whether it was strictly inside.
    @inline(__always) private func clipWithMask(_ v: T) -> (T, Bool) {
        let low = v.isNaN ? v : (v > 0 ? v : 0)
        let r = low.isNaN ? low : (low < maxVal ? low : maxVal)
        // PyTorch compares bit patterns: NaN counts as inside, −0 and +0 as the border.
        return (r, v.isNaN || (v > 0 && v < maxVal))
    }
}

/// The four bilinear neighbours of `(x, y)`: the north-west offset, which corners lie inside, the
/// distances to the sides and the corner weights (PyTorch's `compute_interp_params`).
private struct BilinearCorners<T: FloatScalar> {
    let offset: Int
    let inNW: Bool, inNE: Bool, inSW: Bool, inSE: Bool, allInside: Bool
    let n: T, s: T, w: T, e: T
    let nw: T, ne: T, sw: T, se: T

    @inline(__always) init(x: T, y: T, width: Int, height: Int) {
        let (xw, ix) = floorParts(x), (yn, iy) = floorParts(y)
        w = x - xw
        e = 1 - w
        n = y - yn
        s = 1 - n
        nw = s * e
        ne = s * w
        sw = n * e
        se = n * w
        // PyTorch treats the west and north corners as inside without a test under border and
        // reflection padding, whose positions are clamped; the tests agree there, and also keep
        // a NaN position (which the clamping of the gradient pass keeps) from reading memory.
        let westIn = ix > -1 && ix < width, northIn = iy > -1 && iy < height
        let eastIn = ix + 1 > -1 && ix + 1 < width, southIn = iy + 1 > -1 && iy + 1 < height
        inNW = westIn && northIn
        inNE = eastIn && northIn
        inSW = westIn && southIn
        inSE = eastIn && southIn
        allInside = ix >= 0 && iy >= 0 && ix + 1 < width && iy + 1 < height
        offset = iy &* width &+ ix
    }

    /// The four corner values of `plane` (0 outside).
    @inline(__always) func values(_ plane: UnsafePointer<T>, _ width: Int) -> (T, T, T, T) {
        if allInside {
            let p = plane + offset
            return (p[0], p[1], p[width], p[width + 1])
        }
        return (inNW ? plane[offset] : 0, inNE ? plane[offset + 1] : 0, inSW ? plane[offset + width] : 0,
                inSE ? plane[offset + width + 1] : 0)
    }
}

/// Cubic convolution weights (A = −0.75) of the taps at −1, 0, 1, 2 from `t ∈ [0, 1)`, as the
/// vectorised kernel computes them, and their derivatives.
@inline(__always)
private func cubicWeights<T: FloatScalar>(_ t: T) -> (T, T, T, T) {
    let a = T(-0.75)
    var x = t + 1
    let c0 = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    x = t
    let c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    x = 1 - t
    let c2 = ((a + 2) * x - (a + 3)) * x * x + 1
    x = 2 - t
    let c3 = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return (c0, c1, c2, c3)
}

@inline(__always)
private func cubicWeightGradients<T: FloatScalar>(_ t: T) -> (T, T, T, T) {
    let a = T(-0.75)
    var x = -1 - t
    let c0 = (-3 * a * x - 10 * a) * x - 8 * a
    x = 0 - t
    let c1 = (-3 * (a + 2) * x - 2 * (a + 3)) * x
    x = 1 - t
    let c2 = (3 * (a + 2) * x - 2 * (a + 3)) * x
    x = 2 - t
    let c3 = (3 * a * x - 10 * a) * x + 8 * a
    return (c0, c1, c2, c3)
}

@inline(__always)
private func tuple4<T>(_ t: (T, T, T, T), _ i: Int) -> T {
    switch i { case 0: t.0; case 1: t.1; case 2: t.2; default: t.3 }
}

extension Kernels {
    /// Points per job of the grid-sampling loops.
    private static let gridBlock = 256

    /// How many chunks to split `channels` into so that `batch · chunks` jobs keep the pool busy.
    private static func channelChunks(batch: Int, channels: Int) -> Int {
        Swift.max(1, Swift.min(channels, (2 * ThreadPool.threadCount + batch - 1) / Swift.max(batch, 1)))
    }

    /// Runs `body(sample, points)` over blocks of ``gridBlock`` points of every sample, on the pool.
    @inline(__always)
    private static func forEachPointBlock(batch: Int, points: Int, work: Int, _ body: (Int, Range<Int>) -> Void) {
        let blocks = (points + gridBlock - 1) / gridBlock
        splitting(batch * blocks, work: gridBlock * work) { range in
            for unit in range {
                let p0 = (unit % blocks) * gridBlock
                body(unit / blocks, p0..<Swift.min(points, p0 + gridBlock))
            }
        }
    }

    /// `grid_sample` of a contiguous `[N, C, H, W]` input at a contiguous `[N, H_out, W_out, 2]`
    /// grid of (x, y) positions in [−1, 1].
    static func gridSample2d<T: FloatScalar>(_ input: Tensor, _ grid: Tensor, _: T.Type, mode: GridSampleMode,
                                             padding: GridSamplePaddingMode, alignCorners: Bool) -> Tensor {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let points = grid.shape[1] * grid.shape[2]
        let out = Tensor(uninitialized: [n, c, grid.shape[1], grid.shape[2]], dtype: input.dtype)
        guard out.count > 0 else { return out }
        let pi = UnsafePointer(input.storage.pointer(T.self) + input.offset)
        let pg = UnsafePointer(grid.storage.pointer(T.self) + grid.offset), po = out.storage.pointer(T.self)
        let ax = GridAxis2d<T>(size: w, padding: padding, align: alignCorners)
        let ay = GridAxis2d<T>(size: h, padding: padding, align: alignCorners)
        let inside = padding != .zeros, plane = h * w
        switch mode {
        case .bilinear:
            forEachPointBlock(batch: n, points: points, work: c * 4) { b, block in
                let inp = pi + b * c * plane, gr = pg + b * points * 2, o = po + b * c * points
                for p in block {
                    let q = BilinearCorners(x: ax.apply(gr[2 * p]), y: ay.apply(gr[2 * p + 1]), width: w, height: h)
                    var pl = inp, op = o + p
                    for _ in 0..<c {
                        let (vnw, vne, vsw, vse) = q.values(pl, w)
                        op.pointee = vnw * q.nw + vne * q.ne + vsw * q.sw + vse * q.se
                        pl += plane
                        op += points
                    }
                }
            }
        case .nearest:
            forEachPointBlock(batch: n, points: points, work: c) { b, block in
                let inp = pi + b * c * plane, gr = pg + b * points * 2, o = po + b * c * points
                for p in block {
                    let ix = truncatedIndex(roundedHalfEven(ax.apply(gr[2 * p])))
                    let iy = truncatedIndex(roundedHalfEven(ay.apply(gr[2 * p + 1])))
                    let ok = inside || (ix > -1 && ix < w && iy > -1 && iy < h)
                    for ch in 0..<c { o[ch * points + p] = ok ? inp[ch * plane + iy * w + ix] : 0 }
                }
            }
        case .bicubic:
            forEachPointBlock(batch: n, points: points, work: c * 16) { b, block in
                let inp = pi + b * c * plane, gr = pg + b * points * 2, o = po + b * c * points
                for p in block {
                    let x = ax.unnormalize(gr[2 * p]), y = ay.unnormalize(gr[2 * p + 1])
                    let fx = floorParts(x).0, fy = floorParts(y).0
                    let cx = cubicWeights(x - fx), cy = cubicWeights(y - fy)
                    let (cols, rows) = bicubicTaps(fx, fy, ax, ay, inside: inside)
                    for ch in 0..<c {
                        let pl = inp + ch * plane
                        @inline(__always) func v(_ col: Int, _ row: Int) -> T { col < 0 || row < 0 ? 0 : pl[row * w + col] }
                        var acc: T = 0
                        for j in 0..<4 {
                            let row = tuple4(rows, j)
                            let value = cx.0 * v(cols.0, row) + cx.1 * v(cols.1, row) + cx.2 * v(cols.2, row) + cx.3 * v(cols.3, row)
                            acc = j == 0 ? cy.0 * value : acc + tuple4(cy, j) * value
                        }
                        o[ch * points + p] = acc
                    }
                }
            }
        }
        return out
    }

    /// The columns and rows of the 4×4 bicubic taps around `(fx, fy)` after padding (−1 where a tap
    /// lies outside, zeros padding only).
    @inline(__always)
    private static func bicubicTaps<T: FloatScalar>(_ fx: T, _ fy: T, _ ax: GridAxis2d<T>, _ ay: GridAxis2d<T>,
                                                    inside: Bool) -> ((Int, Int, Int, Int), (Int, Int, Int, Int)) {
        @inline(__always) func tap(_ v: T, _ axis: GridAxis2d<T>) -> Int {
            let i = truncatedIndex(axis.coordinates(v))
            return inside || (i > -1 && i < axis.size) ? i : -1
        }
        return ((tap(fx - 1, ax), tap(fx, ax), tap(fx + 1, ax), tap(fx + 2, ax)),
                (tap(fy - 1, ay), tap(fy, ay), tap(fy + 1, ay), tap(fy + 2, ay)))
    }

    /// The gradients of ``gridSample2d(_:_:_:mode:padding:alignCorners:)`` with respect to the
    /// input (when `inputGradient`) and the grid, for the upstream gradient `g` (contiguous).
    static func gridSample2dBackward<T: FloatScalar>(_ g: Tensor, _ input: Tensor, _ grid: Tensor, _: T.Type, mode: GridSampleMode,
                                                     padding: GridSamplePaddingMode, alignCorners: Bool,
                                                     inputGradient: Bool) -> (input: Tensor?, grid: Tensor) {
        let (n, c, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let points = grid.shape[1] * grid.shape[2], plane = h * w
        let gGrid = Tensor(shape: grid.shape, dtype: grid.dtype, zeroed: true)
        let gInput: Tensor? = inputGradient ? Tensor(shape: input.shape, dtype: input.dtype, zeroed: true) : nil
        guard g.count > 0 else { return (gInput, gGrid) }
        let pi = UnsafePointer(input.storage.pointer(T.self) + input.offset)
        let pg = UnsafePointer(grid.storage.pointer(T.self) + grid.offset)
        let pu = UnsafePointer(g.storage.pointer(T.self) + g.offset), pgg = gGrid.storage.pointer(T.self)
        let ax = GridAxis2d<T>(size: w, padding: padding, align: alignCorners)
        let ay = GridAxis2d<T>(size: h, padding: padding, align: alignCorners)
        let inside = padding != .zeros
        // The grid's gradient: each point's sum over the channels, points split over the pool.
        switch mode {
        case .bilinear:
            forEachPointBlock(batch: n, points: points, work: c * 8) { b, block in
                let inp = pi + b * c * plane, gr = pg + b * points * 2, up = pu + b * c * points, gg = pgg + b * points * 2
                for p in block {
                    let (x, mx) = ax.applyWithGradient(gr[2 * p]), (y, my) = ay.applyWithGradient(gr[2 * p + 1])
                    let q = BilinearCorners(x: x, y: y, width: w, height: h)
                    var gx: T = 0, gy: T = 0
                    var pl = inp, u = up + p
                    for _ in 0..<c {
                        let gOut = u.pointee
                        let (vnw, vne, vsw, vse) = q.values(pl, w)
                        gx = gx + ((vne - vnw) * q.s + (vse - vsw) * q.n) * gOut
                        gy = gy + ((vsw - vnw) * q.e + (vse - vne) * q.w) * gOut
                        pl += plane
                        u += points
                    }
                    gg[2 * p] = gx * mx
                    gg[2 * p + 1] = gy * my
                }
            }
        case .bicubic:
            forEachPointBlock(batch: n, points: points, work: c * 48) { b, block in
                let inp = pi + b * c * plane, gr = pg + b * points * 2, up = pu + b * c * points, gg = pgg + b * points * 2
                for p in block {
                    let x = ax.unnormalize(gr[2 * p]), y = ay.unnormalize(gr[2 * p + 1])
                    let fx = floorParts(x).0, fy = floorParts(y).0
                    let cx = cubicWeights(x - fx), cy = cubicWeights(y - fy)
                    let dx = cubicWeightGradients(x - fx), dy = cubicWeightGradients(y - fy)
                    let (cols, rows) = bicubicTaps(fx, fy, ax, ay, inside: inside)
                    var gx: T = 0, gy: T = 0
                    for ch in 0..<c {
                        let pl = inp + ch * plane, gOut = up[ch * points + p]
                        for i in 0..<4 {
                            let col = tuple4(cols, i)
                            for j in 0..<4 {
                                let row = tuple4(rows, j)
                                let val = col < 0 || row < 0 ? 0 : pl[row * w + col]
                                gx = gx - val * gOut * tuple4(dx, i) * tuple4(cy, j)
                                gy = gy - val * gOut * tuple4(dy, j) * tuple4(cx, i)
                            }
                        }
                    }
                    gg[2 * p] = gx * ax.scaling
                    gg[2 * p + 1] = gy * ay.scaling
                }
            }
        case .nearest:
            break  // zero
        }
        // The input's gradient: each (sample, chunk of channels) visits every point in order.
        if let gInput {
            let pin = gInput.storage.pointer(T.self)
            let chunks = channelChunks(batch: n, channels: c), per = (c + chunks - 1) / chunks
            splitting(n * chunks, work: points * per * 4) { range in
                for unit in range {
                    let b = unit / chunks, c0 = (unit % chunks) * per, c1 = Swift.min(c, c0 + per)
                    guard c0 < c1 else { continue }
                    let gin = pin + b * c * plane, gr = pg + b * points * 2, up = pu + b * c * points
                    switch mode {
                    case .bilinear:
                        for p in 0..<points {
                            let q = BilinearCorners(x: ax.applyWithGradient(gr[2 * p]).0, y: ay.applyWithGradient(gr[2 * p + 1]).0,
                                                    width: w, height: h)
                            for ch in c0..<c1 {
                                let gOut = up[ch * points + p], pl = gin + ch * plane
                                if q.allInside {
                                    let o = pl + q.offset
                                    o[0] += q.nw * gOut
                                    o[1] += q.ne * gOut
                                    o[w] += q.sw * gOut
                                    o[w + 1] += q.se * gOut
                                } else {
                                    if q.inNW { pl[q.offset] += q.nw * gOut }
                                    if q.inNE { pl[q.offset + 1] += q.ne * gOut }
                                    if q.inSW { pl[q.offset + w] += q.sw * gOut }
                                    if q.inSE { pl[q.offset + w + 1] += q.se * gOut }
                                }
                            }
                        }
                    case .nearest:
                        for p in 0..<points {
                            let ix = truncatedIndex(roundedHalfEven(ax.apply(gr[2 * p])))
                            let iy = truncatedIndex(roundedHalfEven(ay.apply(gr[2 * p + 1])))
                            guard inside || (ix > -1 && ix < w && iy > -1 && iy < h) else { continue }
                            for ch in c0..<c1 { gin[ch * plane + iy * w + ix] += up[ch * points + p] }
                        }
                    case .bicubic:
                        for p in 0..<points {
                            let x = ax.unnormalize(gr[2 * p]), y = ay.unnormalize(gr[2 * p + 1])
                            let fx = floorParts(x).0, fy = floorParts(y).0
                            let cx = cubicWeights(x - fx), cy = cubicWeights(y - fy)
                            let (cols, rows) = bicubicTaps(fx, fy, ax, ay, inside: inside)
                            for ch in c0..<c1 {
                                let gOut = up[ch * points + p], pl = gin + ch * plane
                                for i in 0..<4 {
                                    let col = tuple4(cols, i)
                                    for j in 0..<4 {
                                        let row = tuple4(rows, j)
                                        if col >= 0 && row >= 0 { pl[row * w + col] += gOut * tuple4(cx, i) * tuple4(cy, j) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gInput, gGrid)
    }
}

/// `Int(v)` as a 64-bit x86 conversion: NaN and values beyond ±2⁶³ give `Int.min`.
@inline(__always)
private func wideIndex<T: FloatScalar>(_ v: T) -> Int {
    v > -9.2e18 && v < 9.2e18 ? Int(v) : Int.min
}

/// How a grid coordinate becomes a position along one axis with the scalar arithmetic of
/// PyTorch's 3-d CPU kernel (`grid_sampler_compute_source_index` in GridSampler.h).
private struct GridAxis3d<T: FloatScalar> {
    let size: Int, padding: GridSamplePaddingMode, align: Bool

    @inline(__always) func unnormalize(_ c: T) -> T { align ? ((c + 1) / 2) * T(size - 1) : ((c + 1) * T(size) - 1) / 2 }

    /// `std::min(size − 1, std::max(v, 0))`: NaN becomes `size − 1`.
    @inline(__always) func clip(_ v: T) -> T {
        let m = v < 0 ? 0 : v
        return m < T(size - 1) ? m : T(size - 1)
    }

    @inline(__always) private func reflect(_ v: T) -> T {
        let (twiceLow, twiceHigh) = align ? (0, 2 * (size - 1)) : (-1, 2 * size - 1)
        if twiceLow == twiceHigh { return 0 }
        let low = T(twiceLow) / 2, span = T(twiceHigh - twiceLow) / 2
        let a = Swift.abs(v - low)
        let extra = a.truncatingRemainder(dividingBy: span)
        return flipsAreEven(a / span) ? extra + low : span - extra + low
    }

    /// Whether `⌊q⌋`, converted to a 32-bit integer as C++ does, is even.
    @inline(__always) private func flipsAreEven(_ q: T) -> Bool { floorParts(q).1 % 2 == 0 }

    /// The padding applied to a position (also to each bicubic tap).
    @inline(__always) func coordinates(_ v: T) -> T {
        switch padding {
        case .zeros: v
        case .border: clip(v)
        case .reflection: clip(reflect(v))
        }
    }

    @inline(__always) func source(_ c: T) -> T { coordinates(unnormalize(c)) }

    /// ``source(_:)`` and its derivative with respect to the grid value.
    @inline(__always) func sourceWithGradient(_ c: T) -> (T, T) {
        var grad = align ? T(size - 1) / 2 : T(size) / 2
        var v = unnormalize(c)
        @inline(__always) func clipWithGradient(_ x: T) -> (T, T) {
            if x <= 0 { return (0, 0) }
            let top = T(size - 1)
            return x >= top ? (top, 0) : (x, 1)
        }
        switch padding {
        case .zeros: break
        case .border:
            let (r, g) = clipWithGradient(v)
            (v, grad) = (r, grad * g)
        case .reflection:
            let (twiceLow, twiceHigh) = align ? (0, 2 * (size - 1)) : (-1, 2 * size - 1)
            var reflectGrad: T = 0
            if twiceLow == twiceHigh {
                v = 0
            } else {
                let low = T(twiceLow) / 2, span = T(twiceHigh - twiceLow) / 2
                var x = v - low
                var sign: T = 1
                if x < 0 { (sign, x) = (-1, -x) }
                let extra = x.truncatingRemainder(dividingBy: span)
                if flipsAreEven(x / span) { (v, reflectGrad) = (extra + low, sign) } else { (v, reflectGrad) = (span - extra + low, -sign) }
            }
            let (r, g) = clipWithGradient(v)
            (v, grad) = (r, grad * reflectGrad * g)
        }
        return (v, grad)
    }
}

/// Scalar cubic convolution weights (A = −0.75) of UpSample.h's `get_cubic_upsample_coefficients`.
@inline(__always)
func cubicUpsampleWeights<T: FloatScalar>(_ t: T) -> (T, T, T, T) {
    let a = T(-0.75)
    @inline(__always) func near(_ x: T) -> T { ((a + 2) * x - (a + 3)) * x * x + 1 }
    @inline(__always) func far(_ x: T) -> T { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
    let x2 = 1 - t
    return (far(t + 1), near(t), near(x2), far(x2 + 1))
}

extension Kernels {
    /// The eight trilinear corners of a 3-d sample point: `(z, y, x)` of the top-north-west one,
    /// and the distances to the far sides (`xe = x0 + 1 − x`, `xw = x − x0`, …).
    private struct TrilinearCorners<T: FloatScalar> {
        let x0: Int, y0: Int, z0: Int
        let xe: T, xw: T, ys: T, yn: T, zb: T, zt: T

        @inline(__always) init(_ x: T, _ y: T, _ z: T) {
            // Beyond ±2³¹ every corner lies outside, whatever the exact integer.
            x0 = floorParts(x).1
            y0 = floorParts(y).1
            z0 = floorParts(z).1
            (xe, xw) = (T(x0 &+ 1) - x, x - T(x0))
            (ys, yn) = (T(y0 &+ 1) - y, y - T(y0))
            (zb, zt) = (T(z0 &+ 1) - z, z - T(z0))
        }

        /// Corner `k` in PyTorch's order (tnw, tne, tsw, tse, bnw, bne, bsw, bse): its offset in a
        /// `[D, H, W]` plane (nil outside) and its weight.
        @inline(__always) func corner(_ k: Int, _ d: Int, _ h: Int, _ w: Int) -> (offset: Int?, weight: T) {
            let (dz, dy, dx) = (k >> 2, (k >> 1) & 1, k & 1)
            let (z, y, x) = (z0 &+ dz, y0 &+ dy, x0 &+ dx)
            let weight = (dx == 0 ? xe : xw) * (dy == 0 ? ys : yn) * (dz == 0 ? zb : zt)
            let inside = z >= 0 && z < d && y >= 0 && y < h && x >= 0 && x < w
            return (inside ? (z * h + y) * w + x : nil, weight)
        }
    }

    /// `grid_sample` of a contiguous `[N, C, D, H, W]` input at a contiguous `[N, D_out, H_out, W_out, 3]`
    /// grid of (x, y, z) positions.
    static func gridSample3d<T: FloatScalar>(_ input: Tensor, _ grid: Tensor, _: T.Type, mode: GridSampleMode,
                                             padding: GridSamplePaddingMode, alignCorners: Bool) -> Tensor {
        let (n, c, d, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3], input.shape[4])
        let points = grid.shape[1] * grid.shape[2] * grid.shape[3], plane = d * h * w
        let out = Tensor(uninitialized: [n, c] + grid.shape[1...3], dtype: input.dtype)
        guard out.count > 0 else { return out }
        let pi = UnsafePointer(input.storage.pointer(T.self) + input.offset)
        let pg = UnsafePointer(grid.storage.pointer(T.self) + grid.offset), po = out.storage.pointer(T.self)
        let ax = GridAxis3d<T>(size: w, padding: padding, align: alignCorners)
        let ay = GridAxis3d<T>(size: h, padding: padding, align: alignCorners)
        let az = GridAxis3d<T>(size: d, padding: padding, align: alignCorners)
        let blocks = (points + gridBlock - 1) / gridBlock
        splitting(n * blocks, work: gridBlock * c * 8) { range in
            for unit in range {
                let b = unit / blocks, p0 = (unit % blocks) * gridBlock, p1 = Swift.min(points, p0 + gridBlock)
                let inp = pi + b * c * plane, gr = pg + b * points * 3, o = po + b * c * points
                for p in p0..<p1 {
                    let (gx, gy, gz) = (gr[3 * p], gr[3 * p + 1], gr[3 * p + 2])
                    switch mode {
                    case .bilinear:
                        let q = TrilinearCorners(ax.source(gx), ay.source(gy), az.source(gz))
                        for ch in 0..<c {
                            let pl = inp + ch * plane
                            var acc: T = 0
                            for k in 0..<8 {
                                let (offset, weight) = q.corner(k, d, h, w)
                                if let offset { acc += pl[offset] * weight }
                            }
                            o[ch * points + p] = acc
                        }
                    case .nearest:
                        let x = truncatedIndex(roundedHalfEven(ax.source(gx))), y = truncatedIndex(roundedHalfEven(ay.source(gy)))
                        let z = truncatedIndex(roundedHalfEven(az.source(gz)))
                        let ok = z >= 0 && z < d && y >= 0 && y < h && x >= 0 && x < w
                        for ch in 0..<c { o[ch * points + p] = ok ? inp[ch * plane + (z * h + y) * w + x] : 0 }
                    case .bicubic:
                        let taps = tricubicTaps(ax.unnormalize(gx), ay.unnormalize(gy), az.unnormalize(gz), ax, ay, az)
                        for ch in 0..<c {
                            let pl = inp + ch * plane
                            @inline(__always) func v(_ i: Int, _ j: Int, _ k: Int) -> T {
                                let (x, y, z) = (tuple4(taps.cols, i), tuple4(taps.rows, j), tuple4(taps.slices, k))
                                return x < 0 || y < 0 || z < 0 ? 0 : pl[(z * h + y) * w + x]
                            }
                            @inline(__always) func cubic(_ c: (T, T, T, T), _ v0: T, _ v1: T, _ v2: T, _ v3: T) -> T {
                                v0 * c.0 + v1 * c.1 + v2 * c.2 + v3 * c.3
                            }
                            var planeValues: (T, T, T, T) = (0, 0, 0, 0)
                            for k in 0..<4 {
                                var rowValues: (T, T, T, T) = (0, 0, 0, 0)
                                for j in 0..<4 {
                                    let r = cubic(taps.cx, v(0, j, k), v(1, j, k), v(2, j, k), v(3, j, k))
                                    switch j { case 0: rowValues.0 = r; case 1: rowValues.1 = r; case 2: rowValues.2 = r; default: rowValues.3 = r }
                                }
                                let s = cubic(taps.cy, rowValues.0, rowValues.1, rowValues.2, rowValues.3)
                                switch k { case 0: planeValues.0 = s; case 1: planeValues.1 = s; case 2: planeValues.2 = s; default: planeValues.3 = s }
                            }
                            o[ch * points + p] = cubic(taps.cz, planeValues.0, planeValues.1, planeValues.2, planeValues.3)
                        }
                    }
                }
            }
        }
        return out
    }

    /// The 4×4×4 tricubic taps around an unnormalised position: padded column, row and slice
    /// indices (−1 outside), the weights along each axis and the fractional parts.
    private struct TricubicTaps<T: FloatScalar> {
        let cols: (Int, Int, Int, Int), rows: (Int, Int, Int, Int), slices: (Int, Int, Int, Int)
        let cx: (T, T, T, T), cy: (T, T, T, T), cz: (T, T, T, T)
        let tx: T, ty: T, tz: T
    }

    @inline(__always)
    private static func tricubicTaps<T: FloatScalar>(_ x: T, _ y: T, _ z: T, _ ax: GridAxis3d<T>, _ ay: GridAxis3d<T>,
                                                     _ az: GridAxis3d<T>) -> TricubicTaps<T> {
        let fx = floorParts(x).0, fy = floorParts(y).0, fz = floorParts(z).0
        @inline(__always) func tap(_ v: T, _ axis: GridAxis3d<T>) -> Int {
            let i = wideIndex(axis.coordinates(v))
            return i >= 0 && i < axis.size ? i : -1
        }
        @inline(__always) func four(_ f: T, _ axis: GridAxis3d<T>) -> (Int, Int, Int, Int) {
            (tap(f - 1, axis), tap(f, axis), tap(f + 1, axis), tap(f + 2, axis))
        }
        let (tx, ty, tz) = (x - fx, y - fy, z - fz)
        return TricubicTaps(cols: four(fx, ax), rows: four(fy, ay), slices: four(fz, az),
                            cx: cubicUpsampleWeights(tx), cy: cubicUpsampleWeights(ty), cz: cubicUpsampleWeights(tz), tx: tx, ty: ty, tz: tz)
    }

    /// The gradients of ``gridSample3d(_:_:_:mode:padding:alignCorners:)`` with respect to the
    /// input (when `inputGradient`) and the grid.
    static func gridSample3dBackward<T: FloatScalar>(_ g: Tensor, _ input: Tensor, _ grid: Tensor, _: T.Type, mode: GridSampleMode,
                                                     padding: GridSamplePaddingMode, alignCorners: Bool,
                                                     inputGradient: Bool) -> (input: Tensor?, grid: Tensor) {
        let (n, c, d, h, w) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3], input.shape[4])
        let points = grid.shape[1] * grid.shape[2] * grid.shape[3], plane = d * h * w
        let gGrid = Tensor(shape: grid.shape, dtype: grid.dtype, zeroed: true)
        let gInput: Tensor? = inputGradient ? Tensor(shape: input.shape, dtype: input.dtype, zeroed: true) : nil
        guard g.count > 0 else { return (gInput, gGrid) }
        let pi = UnsafePointer(input.storage.pointer(T.self) + input.offset)
        let pg = UnsafePointer(grid.storage.pointer(T.self) + grid.offset)
        let pu = UnsafePointer(g.storage.pointer(T.self) + g.offset), pgg = gGrid.storage.pointer(T.self)
        let ax = GridAxis3d<T>(size: w, padding: padding, align: alignCorners)
        let ay = GridAxis3d<T>(size: h, padding: padding, align: alignCorners)
        let az = GridAxis3d<T>(size: d, padding: padding, align: alignCorners)
        if mode != .nearest {
            let blocks = (points + gridBlock - 1) / gridBlock
            splitting(n * blocks, work: gridBlock * c * 16) { range in
                for unit in range {
                    let b = unit / blocks, p0 = (unit % blocks) * gridBlock, p1 = Swift.min(points, p0 + gridBlock)
                    let inp = pi + b * c * plane, gr = pg + b * points * 3, up = pu + b * c * points, gg = pgg + b * points * 3
                    for p in p0..<p1 {
                        var gix: T = 0, giy: T = 0, giz: T = 0
                        let (mx, my, mz): (T, T, T)
                        if mode == .bilinear {
                            let (x, xm) = ax.sourceWithGradient(gr[3 * p]), (y, ym) = ay.sourceWithGradient(gr[3 * p + 1])
                            let (z, zm) = az.sourceWithGradient(gr[3 * p + 2])
                            (mx, my, mz) = (xm, ym, zm)
                            let q = TrilinearCorners(x, y, z)
                            for ch in 0..<c {
                                let pl = inp + ch * plane, gOut = up[ch * points + p]
                                for k in 0..<8 {
                                    guard let offset = q.corner(k, d, h, w).offset else { continue }
                                    let val = pl[offset]
                                    let (dz, dy, dx) = (k >> 2, (k >> 1) & 1, k & 1)
                                    let (wx, wy, wz) = (dx == 0 ? q.xe : q.xw, dy == 0 ? q.ys : q.yn, dz == 0 ? q.zb : q.zt)
                                    if dx == 0 { gix -= val * wy * wz * gOut } else { gix += val * wy * wz * gOut }
                                    if dy == 0 { giy -= val * wx * wz * gOut } else { giy += val * wx * wz * gOut }
                                    if dz == 0 { giz -= val * wx * wy * gOut } else { giz += val * wx * wy * gOut }
                                }
                            }
                        } else {
                            let taps = tricubicTaps(ax.unnormalize(gr[3 * p]), ay.unnormalize(gr[3 * p + 1]), az.unnormalize(gr[3 * p + 2]),
                                                    ax, ay, az)
                            (mx, my, mz) = (alignCorners ? T(w - 1) / 2 : T(w) / 2, alignCorners ? T(h - 1) / 2 : T(h) / 2,
                                            alignCorners ? T(d - 1) / 2 : T(d) / 2)
                            let dx = cubicWeightGradients(taps.tx), dy = cubicWeightGradients(taps.ty), dz = cubicWeightGradients(taps.tz)
                            for ch in 0..<c {
                                let pl = inp + ch * plane, gOut = up[ch * points + p]
                                for i in 0..<4 {
                                    let x = tuple4(taps.cols, i)
                                    for j in 0..<4 {
                                        let y = tuple4(taps.rows, j)
                                        for k in 0..<4 {
                                            let z = tuple4(taps.slices, k)
                                            let val = x < 0 || y < 0 || z < 0 ? 0 : pl[(z * h + y) * w + x]
                                            gix -= val * tuple4(dx, i) * tuple4(taps.cy, j) * tuple4(taps.cz, k) * gOut
                                            giy -= val * tuple4(dy, j) * tuple4(taps.cx, i) * tuple4(taps.cz, k) * gOut
                                            giz -= val * tuple4(dz, k) * tuple4(taps.cx, i) * tuple4(taps.cy, j) * gOut
                                        }
                                    }
                                }
                            }
                        }
                        gg[3 * p] = mx * gix
                        gg[3 * p + 1] = my * giy
                        gg[3 * p + 2] = mz * giz
                    }
                }
            }
        }
        if let gInput {
            let pin = gInput.storage.pointer(T.self)
            let chunks = channelChunks(batch: n, channels: c), per = (c + chunks - 1) / chunks
            splitting(n * chunks, work: points * per * 8) { range in
                for unit in range {
                    let b = unit / chunks, c0 = (unit % chunks) * per, c1 = Swift.min(c, c0 + per)
                    guard c0 < c1 else { continue }
                    let gin = pin + b * c * plane, gr = pg + b * points * 3, up = pu + b * c * points
                    for p in 0..<points {
                        switch mode {
                        case .bilinear:
                            let q = TrilinearCorners(ax.sourceWithGradient(gr[3 * p]).0, ay.sourceWithGradient(gr[3 * p + 1]).0,
                                                     az.sourceWithGradient(gr[3 * p + 2]).0)
                            for ch in c0..<c1 {
                                let gOut = up[ch * points + p], pl = gin + ch * plane
                                for k in 0..<8 {
                                    let (offset, weight) = q.corner(k, d, h, w)
                                    if let offset { pl[offset] += weight * gOut }
                                }
                            }
                        case .nearest:
                            let x = truncatedIndex(roundedHalfEven(ax.source(gr[3 * p])))
                            let y = truncatedIndex(roundedHalfEven(ay.source(gr[3 * p + 1])))
                            let z = truncatedIndex(roundedHalfEven(az.source(gr[3 * p + 2])))
                            guard z >= 0 && z < d && y >= 0 && y < h && x >= 0 && x < w else { continue }
                            for ch in c0..<c1 { gin[ch * plane + (z * h + y) * w + x] += up[ch * points + p] }
                        case .bicubic:
                            let taps = tricubicTaps(ax.unnormalize(gr[3 * p]), ay.unnormalize(gr[3 * p + 1]), az.unnormalize(gr[3 * p + 2]),
                                                    ax, ay, az)
                            for ch in c0..<c1 {
                                let gOut = up[ch * points + p], pl = gin + ch * plane
                                for i in 0..<4 {
                                    let x = tuple4(taps.cols, i)
                                    for j in 0..<4 {
                                        let y = tuple4(taps.rows, j)
                                        for k in 0..<4 {
                                            let z = tuple4(taps.slices, k)
                                            if x >= 0 && y >= 0 && z >= 0 {
                                                pl[(z * h + y) * w + x] += gOut * tuple4(taps.cx, i) * tuple4(taps.cy, j) * tuple4(taps.cz, k)
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gInput, gGrid)
    }
}
