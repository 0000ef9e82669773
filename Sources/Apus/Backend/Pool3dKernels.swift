// Loops of 3-d pooling, of average pooling in any dimension, of max unpooling, of LP pooling's
// last step and of integer pooling, over contiguous blocks.
//
// A 3-d pooling window is separable: the max (or the sum) over a depth × height × width box is
// the max (or the sum) over its depth taps of the 2-d results of each depth slice. So a 3-d pool
// runs the 2-d loops of PoolKernels.swift on the N·C·D slices, `[planes·D, H, W] →
// [planes·D, H_out, W_out]`, and then one pass over depth that combines whole output slices,
// contiguous runs of `H_out·W_out` values (a vectorisable loop, and a fraction of the work: with
// a 3×3×3 kernel of stride 2 the slices take 9 taps per output of 2·D slices, the depth pass 3
// per output). Height and width before depth keeps PyTorch's order for ties (the first maximum
// in (d, h, w) order wins) and for NaN (the last NaN wins).
//
// As in PoolKernels.swift, planes are split over the thread pool and each plane's outputs are
// written by one thread, so results do not depend on the thread count.

extension PoolAxis {
    /// Whether the axis is absent or does nothing: one input, one output, one tap.
    var isTrivial: Bool { input == 1 && output == 1 && count[0] == 1 }
}

extension Kernels {
    /// Output elements per job below which planes are not split further (as the 2-d loops).
    private static let depthGrain = 1 << 14

    /// Runs `body(planeRange)` over `planes` planes of `work` inner steps each, on the pool when large.
    @inline(__always)
    private static func forEachPoolPlane(_ planes: Int, work: Int, _ body: (Range<Int>) -> Void) {
        ThreadPool.shared.parallelRanges(planes, grain: Swift.max(1, depthGrain / Swift.max(work, 1)), body)
    }

    /// Runs a float kernel for `dtype`, stopping with `op` in the message otherwise.
    @inline(__always)
    private static func floatingPool<R>(_ dtype: DType, op: String, _ f32: () -> R, _ f64: () -> R) -> R {
        switch dtype {
        case .float32: f32()
        case .float64: f64()
        default: fatalError("\(op): expected a floating-point tensor, got \(dtype)")
        }
    }

    // MARK: 3-d max pooling

    /// Max pooling of a contiguous `[planes, D, H, W]` block into `outShape` (whose last three axes
    /// are the axes' outputs): each output is the first largest tap of its window (NaN wins, the
    /// last NaN); when `saveArgmax`, also each output's in-plane input index `d·H·W + h·W + w`
    /// (−1 for a window with no taps inside the input). A trivial depth axis is the 2-d loop alone.
    static func maxPool3d(_ x: Tensor, planes: Int, depth: PoolAxis, rows: PoolAxis, cols: PoolAxis, outShape: [Int],
                          saveArgmax: Bool) -> (Tensor, [Int32]?) {
        if depth.isTrivial {
            return maxPool(x, planes: planes, rows: rows, cols: cols, outShape: outShape, saveArgmax: saveArgmax)
        }
        let slices = planes * depth.input
        let (mid, midArgmax) = maxPool(x, planes: slices, rows: rows, cols: cols, outShape: [slices, rows.output, cols.output],
                                       saveArgmax: saveArgmax)
        return maxOverDepth(mid, midArgmax, planes: planes, depth: depth, slice: rows.output * cols.output,
                            sliceInput: rows.input * cols.input, outShape: outShape)
    }

    /// The depth pass of max pooling: `[planes, D, S]` slice maxima (with their in-slice argmax)
    /// reduced over each depth window to `[planes, D_out, S]`, visiting depth taps in order with
    /// the 2-d loops' rule (a tap wins when larger, or NaN).
    private static func maxOverDepth(_ mid: Tensor, _ midArgmax: [Int32]?, planes: Int, depth: PoolAxis, slice: Int,
                                     sliceInput: Int, outShape: [Int]) -> (Tensor, [Int32]?) {
        let out = Tensor(uninitialized: outShape, dtype: mid.dtype)
        let (inD, outD, step) = (depth.input, depth.output, depth.step)
        var argmax: [Int32]? = midArgmax == nil ? nil : [Int32](repeating: 0, count: planes * outD * slice)
        func run<T: FloatScalar>(_: T.Type) {
            let pm = UnsafePointer(mid.storage.pointer(T.self) + mid.offset), po = out.storage.pointer(T.self)
            withOptionalInt32Buffer(&argmax) { pa in
            withOptionalInt32Pointer(midArgmax) { ma in
            depth.start.withUnsafeBufferPointer { ds in depth.count.withUnsafeBufferPointer { dc in
                forEachPoolPlane(planes, work: outD * slice * 2) { range in
                    for plane in range {
                        for od in 0..<outD {
                            let o = (plane * outD + od) * slice
                            let dst = po + o, arg = pa.map { $0 + o }
                            let (d0, n) = (ds[od], dc[od])
                            guard n > 0 else {
                                dst.update(repeating: -.infinity, count: slice)
                                arg?.update(repeating: -1, count: slice)
                                continue
                            }
                            let first = (plane * inD + d0) * slice
                            dst.update(from: pm + first, count: slice)
                            if let arg, let ma {
                                let offset = Int32(truncatingIfNeeded: d0 * sliceInput), src = ma + first
                                // −1 (a 2-d window without taps) stays −1: every depth tap shares it.
                                for s in 0..<slice { arg[s] = src[s] < 0 ? -1 : src[s] &+ offset }
                            }
                            for k in 1..<n {
                                let d = d0 + k * step
                                let at = (plane * inD + d) * slice
                                let src = pm + at
                                if let arg, let ma {
                                    let offset = Int32(truncatingIfNeeded: d * sliceInput), srcArg = ma + at
                                    for s in 0..<slice {
                                        let v = src[s], best = dst[s]
                                        let take = v > best || v != v
                                        dst[s] = take ? v : best
                                        arg[s] = take ? srcArg[s] &+ offset : arg[s]
                                    }
                                } else {
                                    for s in 0..<slice {
                                        let v = src[s], best = dst[s]
                                        dst[s] = v > best || v != v ? v : best
                                    }
                                }
                            }
                        }
                    }
                }
            } } } }
        }
        floatingPool(mid.dtype, op: "maxPool3d", { run(Float.self) }, { run(Double.self) })
        return (out, argmax)
    }

    /// Each output's in-plane argmax as an int64 tensor of `shape` (PyTorch's `indices`).
    static func poolIndices(_ argmax: [Int32], shape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: .int64)
        let po = out.storage.pointer(Int64.self)
        argmax.withUnsafeBufferPointer { pa in
            ThreadPool.shared.parallelRanges(pa.count, grain: 1 << 16) { range in
                for i in range { po[i] = Int64(pa[i]) }
            }
        }
        return out
    }

    // MARK: 3-d average pooling

    /// Average pooling of a contiguous `[planes, D, H, W]` block: each output is its window's sum
    /// over the taps inside the input divided by `divisors[(od·H_out + oh)·W_out + ow]`. The
    /// slices' window sums first (``averagePoolRows(_:planes:rows:cols:divisors:outShape:)``),
    /// then the sum over depth and the division. A trivial depth axis is the 2-d loop alone.
    static func averagePool3d(_ x: Tensor, planes: Int, depth: PoolAxis, rows: PoolAxis, cols: PoolAxis, divisors: [Double],
                              outShape: [Int]) -> Tensor {
        if depth.isTrivial {
            return averagePoolRows(x, planes: planes, rows: rows, cols: cols, divisors: divisors, outShape: outShape)
        }
        let slices = planes * depth.input, slice = rows.output * cols.output
        let mid = averagePoolRows(x, planes: slices, rows: rows, cols: cols, divisors: nil, outShape: [slices, rows.output, cols.output])
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        let (inD, outD) = (depth.input, depth.output)
        func run<T: FloatScalar>(_: T.Type) {
            let pm = UnsafePointer(mid.storage.pointer(T.self) + mid.offset), po = out.storage.pointer(T.self)
            let div = divisors.map { T($0) }
            div.withUnsafeBufferPointer { dv in
            depth.start.withUnsafeBufferPointer { ds in depth.count.withUnsafeBufferPointer { dc in
                forEachPoolPlane(planes, work: outD * slice * 2) { range in
                    for plane in range {
                        for od in 0..<outD {
                            let dst = po + (plane * outD + od) * slice, q = dv.baseAddress! + od * slice
                            let (d0, n) = (ds[od], dc[od])
                            guard n > 0 else { dst.update(repeating: 0, count: slice); continue }
                            dst.update(from: pm + (plane * inD + d0) * slice, count: slice)
                            for k in 1..<n {
                                let src = pm + (plane * inD + d0 + k) * slice
                                for s in 0..<slice { dst[s] += src[s] }
                            }
                            for s in 0..<slice { dst[s] /= q[s] }
                        }
                    }
                }
            } } }
        }
        floatingPool(x.dtype, op: "avgPool3d", { run(Float.self) }, { run(Double.self) })
        return out
    }

    /// Average pooling's backward: `g[o] / divisors[o]` added to every tap of window `o`; through
    /// the depth taps to `[planes·D, H_out, W_out]` first, then the 2-d loop spreads each slice.
    static func averagePool3dBackward(_ g: Tensor, planes: Int, depth: PoolAxis, rows: PoolAxis, cols: PoolAxis,
                                      divisors: [Double], inShape: [Int]) -> Tensor {
        if depth.isTrivial {
            return averagePoolRowsBackward(g, planes: planes, rows: rows, cols: cols, divisors: divisors, inShape: inShape)
        }
        let slices = planes * depth.input, slice = rows.output * cols.output
        let gmid = Tensor(shape: [slices, rows.output, cols.output], dtype: g.dtype, zeroed: true)
        let (inD, outD) = (depth.input, depth.output)
        func run<T: FloatScalar>(_: T.Type) {
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), pm = gmid.storage.pointer(T.self)
            let div = divisors.map { T($0) }
            div.withUnsafeBufferPointer { dv in
            depth.start.withUnsafeBufferPointer { ds in depth.count.withUnsafeBufferPointer { dc in
                forEachPoolPlane(planes, work: outD * slice * 2) { range in
                    for plane in range {
                        for od in 0..<outD {
                            let src = pg + (plane * outD + od) * slice, q = dv.baseAddress! + od * slice
                            for k in 0..<dc[od] {
                                let dst = pm + (plane * inD + ds[od] + k) * slice
                                for s in 0..<slice { dst[s] += src[s] / q[s] }
                            }
                        }
                    }
                }
            } } }
        }
        floatingPool(g.dtype, op: "avgPool3d backward", { run(Float.self) }, { run(Double.self) })
        return averagePoolRowsBackward(gmid, planes: slices, rows: rows, cols: cols, divisors: nil, inShape: inShape)
    }

    // MARK: Average pooling, row by row

    /// Average pooling of contiguous `[planes, H, W]` slices, a row of outputs at a time: the
    /// input rows of the row's windows are added column by column into a buffer (whole rows,
    /// a vectorised loop), then each output adds its window's columns of the buffer and divides
    /// by `divisors[oh·W_out + ow]` (nil: window sums). This reads each input row once per output
    /// row that covers it instead of once per window, a third of the additions of the window
    /// loop for 3×3 windows of stride 2. An empty window gives 0 (its divisor is 1).
    static func averagePoolRows(_ x: Tensor, planes: Int, rows: PoolAxis, cols: PoolAxis, divisors: [Double]?,
                                outShape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        let (w, outH, outW) = (cols.input, rows.output, cols.output)
        let (planeIn, planeOut) = (rows.input * w, outH * outW)
        func run<T: FloatScalar>(_: T.Type) {
            let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
            let div = (divisors ?? [Double](repeating: 1, count: planeOut)).map { T($0) }
            let divide = divisors != nil
            div.withUnsafeBufferPointer { dv in
            rows.start.withUnsafeBufferPointer { rs in rows.count.withUnsafeBufferPointer { rc in
            cols.start.withUnsafeBufferPointer { cs in cols.count.withUnsafeBufferPointer { cc in
                forEachPoolPlane(planes, work: planeOut * 4) { range in
                    ConvKernels.withScratch(T.self, count: w) { buffer in
                        for plane in range {
                            let src = px + plane * planeIn, dst = po + plane * planeOut
                            for oh in 0..<outH {
                                let (h0, nh) = (rs[oh], rc[oh])
                                let o = dst + oh * outW, q = dv.baseAddress! + oh * outW
                                guard nh > 0 else { o.update(repeating: 0, count: outW); continue }
                                let columnSums: UnsafePointer<T>
                                if nh == 1 {
                                    columnSums = src + h0 * w
                                } else {
                                    buffer.update(from: src + h0 * w, count: w)
                                    for i in 1..<nh {
                                        let row = src + (h0 + i) * w
                                        for j in 0..<w { buffer[j] += row[j] }
                                    }
                                    columnSums = UnsafePointer(buffer)
                                }
                                for ow in 0..<outW {
                                    let c = columnSums + cs[ow]
                                    var total = T.zero
                                    for j in 0..<cc[ow] { total += c[j] }
                                    o[ow] = divide ? total / q[ow] : total
                                }
                            }
                        }
                    }
                }
            } } } } }
        }
        floatingPool(x.dtype, op: "avgPool", { run(Float.self) }, { run(Double.self) })
        return out
    }

    /// The backward of ``averagePoolRows(_:planes:rows:cols:divisors:outShape:)``: for each output
    /// row, the shares `g / divisor` of its windows gathered by column into a buffer, which is
    /// then added to each input row of the windows (whole rows, vectorised). `inShape` is
    /// `[planes, H, W]` laid out in any shape.
    static func averagePoolRowsBackward(_ g: Tensor, planes: Int, rows: PoolAxis, cols: PoolAxis, divisors: [Double]?,
                                        inShape: [Int]) -> Tensor {
        let out = Tensor(shape: inShape, dtype: g.dtype, zeroed: true)
        let (w, outH, outW) = (cols.input, rows.output, cols.output)
        let (planeIn, planeOut) = (rows.input * w, outH * outW)
        func run<T: FloatScalar>(_: T.Type) {
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
            let div = (divisors ?? [Double](repeating: 1, count: planeOut)).map { T($0) }
            let divide = divisors != nil
            div.withUnsafeBufferPointer { dv in
            rows.start.withUnsafeBufferPointer { rs in rows.count.withUnsafeBufferPointer { rc in
            cols.start.withUnsafeBufferPointer { cs in cols.count.withUnsafeBufferPointer { cc in
                forEachPoolPlane(planes, work: planeOut * 4) { range in
                    ConvKernels.withScratch(T.self, count: w) { buffer in
                        for plane in range {
                            let src = pg + plane * planeOut, dst = po + plane * planeIn
                            for oh in 0..<outH {
                                let (h0, nh) = (rs[oh], rc[oh])
                                guard nh > 0 else { continue }
                                let s = src + oh * outW, q = dv.baseAddress! + oh * outW
                                buffer.update(repeating: 0, count: w)
                                for ow in 0..<outW {
                                    let share = divide ? s[ow] / q[ow] : s[ow]
                                    let c = buffer + cs[ow]
                                    for j in 0..<cc[ow] { c[j] += share }
                                }
                                for i in 0..<nh {
                                    let row = dst + (h0 + i) * w
                                    for j in 0..<w { row[j] += buffer[j] }
                                }
                            }
                        }
                    }
                }
            } } } } }
        }
        floatingPool(g.dtype, op: "avgPool backward", { run(Float.self) }, { run(Double.self) })
        return out
    }

    // MARK: Max unpooling

    /// The first index of a contiguous int64 block that lies outside `0..<planeOut`, if any.
    static func firstInvalidUnpoolIndex(_ indices: Tensor, planeOut: Int) -> Int64? {
        let pi = UnsafePointer(indices.storage.pointer(Int64.self) + indices.offset)
        let bound = Int64(planeOut)
        for i in 0..<indices.count where pi[i] < 0 || pi[i] >= bound { return pi[i] }
        return nil
    }

    /// Max unpooling of contiguous `[planes, planeIn]` values and int64 indices (all valid): a
    /// zeroed `[planes, planeOut]` block with `x[p, i]` written at `indices[p, i]` of plane `p`,
    /// in order (a later value wins where indices repeat, as PyTorch's CPU loop).
    static func maxUnpool(_ x: Tensor, indices: Tensor, planes: Int, planeIn: Int, planeOut: Int, outShape: [Int]) -> Tensor {
        let out = Tensor(shape: outShape, dtype: x.dtype, zeroed: true)
        let pi = UnsafePointer(indices.storage.pointer(Int64.self) + indices.offset)
        func run<T: FloatScalar>(_: T.Type) {
            let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
            forEachPoolPlane(planes, work: planeIn) { range in
                for plane in range {
                    let src = px + plane * planeIn, index = pi + plane * planeIn, dst = po + plane * planeOut
                    for i in 0..<planeIn { dst[Int(index[i])] = src[i] }
                }
            }
        }
        floatingPool(x.dtype, op: "maxUnpool", { run(Float.self) }, { run(Double.self) })
        return out
    }

    /// Max unpooling's backward: `g[p, indices[p, i]]` for each input `(p, i)` (a gather).
    static func maxUnpoolBackward(_ g: Tensor, indices: Tensor, planes: Int, planeIn: Int, planeOut: Int, inShape: [Int]) -> Tensor {
        let out = Tensor(uninitialized: inShape, dtype: g.dtype)
        let pi = UnsafePointer(indices.storage.pointer(Int64.self) + indices.offset)
        func run<T: FloatScalar>(_: T.Type) {
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
            forEachPoolPlane(planes, work: planeIn) { range in
                for plane in range {
                    let src = pg + plane * planeOut, index = pi + plane * planeIn, dst = po + plane * planeIn
                    for i in 0..<planeIn { dst[i] = src[Int(index[i])] }
                }
            }
        }
        floatingPool(g.dtype, op: "maxUnpool backward", { run(Float.self) }, { run(Double.self) })
        return out
    }

    // MARK: LP pooling

    /// LP pooling's last step on contiguous window means `s`, as PyTorch writes it:
    /// `(sign(s)·relu(|s|)·scale)^(1/p)`, that is `(scale·s)^(1/p)`, with 0 for `s = ±0`.
    static func lpRoot(_ s: Tensor, scale: Double, normType p: Double) -> Tensor {
        let out = Tensor(uninitialized: s.shape, dtype: s.dtype)
        func run<T: FloatScalar>(_: T.Type) {
            let ps = UnsafePointer(s.storage.pointer(T.self) + s.offset), po = out.storage.pointer(T.self)
            let (k, e) = (T(scale), T(1 / p))
            ThreadPool.shared.parallelRanges(s.count, grain: 1 << 13) { range in
                for i in range {
                    let v = ps[i]
                    po[i] = T.pow(k * (v == 0 ? 0 : v), e)
                }
            }
        }
        floatingPool(s.dtype, op: "lpPool", { run(Float.self) }, { run(Double.self) })
        return out
    }

    /// The gradient of ``lpRoot(_:scale:normType:)``: `g · scale/p · (scale·s)^(1/p − 1)`, and 0
    /// where `s = 0` (relu's gradient at 0, as in PyTorch's formula).
    static func lpRootBackward(_ g: Tensor, s: Tensor, scale: Double, normType p: Double) -> Tensor {
        let out = Tensor(uninitialized: s.shape, dtype: s.dtype)
        func run<T: FloatScalar>(_: T.Type) {
            let ps = UnsafePointer(s.storage.pointer(T.self) + s.offset), pg = UnsafePointer(g.storage.pointer(T.self) + g.offset)
            let po = out.storage.pointer(T.self)
            let (k, e) = (T(scale), T(1 / p))
            ThreadPool.shared.parallelRanges(s.count, grain: 1 << 13) { range in
                for i in range {
                    let v = ps[i]
                    po[i] = v == 0 ? 0 : pg[i] * e * T.pow(k * v, e - 1) * k
                }
            }
        }
        floatingPool(s.dtype, op: "lpPool backward", { run(Float.self) }, { run(Double.self) })
        return out
    }
}

/// Calls `body` with a pointer to the array's elements, or with nil when there is no array.
@inline(__always)
private func withOptionalInt32Buffer<R>(_ array: inout [Int32]?, _ body: (UnsafeMutablePointer<Int32>?) -> R) -> R {
    if array == nil { return body(nil) }
    return array!.withUnsafeMutableBufferPointer { body($0.baseAddress) }
}

/// Calls `body` with a read-only pointer to the array's elements, or with nil when there is no array.
@inline(__always)
private func withOptionalInt32Pointer<R>(_ array: [Int32]?, _ body: (UnsafePointer<Int32>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

// MARK: Integer pooling

/// PyTorch's integer max pooling (2-d and 3-d, every integer dtype) over contiguous
/// `[planes, D, H, W]` blocks: the direct loop, each window scanned in (d, h, w) order, a tap
/// taking over when larger; the values and each maximum's in-plane index (int64).
private struct IntegerMaxPool: IntegerKernel {
    let x: Tensor, planes: Int, depth: PoolAxis, rows: PoolAxis, cols: PoolAxis, outShape: [Int]

    func run<T: IntegerScalar>(_: T.Type) -> (Tensor, Tensor) {
        let out = Tensor(uninitialized: outShape, dtype: x.dtype), indices = Tensor(uninitialized: outShape, dtype: .int64)
        let px = UnsafePointer(x.storage.pointer(T.self) + x.offset)
        let (po, pi) = (out.storage.pointer(T.self), indices.storage.pointer(Int64.self))
        let (h, w) = (rows.input, cols.input), planeIn = depth.input * h * w
        let (outD, outH, outW) = (depth.output, rows.output, cols.output)
        let planeOut = outD * outH * outW
        let (depth, rows, cols) = (depth, rows, cols)
        ThreadPool.shared.parallelRanges(planes, grain: Swift.max(1, (1 << 14) / Swift.max(planeOut, 1))) { range in
            for plane in range {
                let src = px + plane * planeIn
                var o = plane * planeOut
                for od in 0..<outD {
                    for oh in 0..<outH {
                        for ow in 0..<outW {
                            let (d0, h0, w0) = (depth.start[od], rows.start[oh], cols.start[ow])
                            var best = T.min, index = (d0 * h + h0) * w + w0
                            for i in 0..<depth.count[od] {
                                for j in 0..<rows.count[oh] {
                                    for k in 0..<cols.count[ow] {
                                        let at = ((d0 + i * depth.step) * h + h0 + j * rows.step) * w + w0 + k * cols.step
                                        if src[at] > best { (best, index) = (src[at], at) }
                                    }
                                }
                            }
                            // A window of only the type's smallest value: its first tap, as PyTorch.
                            po[o] = depth.count[od] > 0 && rows.count[oh] > 0 && cols.count[ow] > 0 ? src[index] : best
                            pi[o] = Int64(index)
                            o += 1
                        }
                    }
                }
            }
        }
        return (out, indices)
    }
}

/// PyTorch's int64 average pooling over contiguous `[planes, D, H, W]` blocks: each window's sum
/// (int64, wrapping) divided by its divisor with C's truncating division.
private struct IntegerAveragePool: IntegerKernel {
    let x: Tensor, planes: Int, depth: PoolAxis, rows: PoolAxis, cols: PoolAxis, divisors: [Double], outShape: [Int]

    func run<T: IntegerScalar>(_: T.Type) -> Tensor {
        let out = Tensor(uninitialized: outShape, dtype: x.dtype)
        let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
        let (h, w) = (rows.input, cols.input), planeIn = depth.input * h * w
        let (outD, outH, outW) = (depth.output, rows.output, cols.output)
        let planeOut = outD * outH * outW
        let div = divisors.map { Int64($0) }
        let (depth, rows, cols) = (depth, rows, cols)
        ThreadPool.shared.parallelRanges(planes, grain: Swift.max(1, (1 << 14) / Swift.max(planeOut, 1))) { range in
            for plane in range {
                let src = px + plane * planeIn
                for od in 0..<outD {
                    for oh in 0..<outH {
                        for ow in 0..<outW {
                            let (d0, h0, w0) = (depth.start[od], rows.start[oh], cols.start[ow])
                            var sum: Int64 = 0
                            for i in 0..<depth.count[od] {
                                for j in 0..<rows.count[oh] {
                                    let row = src + ((d0 + i) * h + h0 + j) * w + w0
                                    for k in 0..<cols.count[ow] { sum &+= Int64(row[k]) }
                                }
                            }
                            let o = (od * outH + oh) * outW + ow
                            po[plane * planeOut + o] = T(truncatingIfNeeded: sum / div[o])
                        }
                    }
                }
            }
        }
        return out
    }
}

extension Kernels {
    /// Integer max pooling of a contiguous `[planes, D, H, W]` block: values and int64 indices.
    static func integerMaxPool3d(_ x: Tensor, planes: Int, depth: PoolAxis, rows: PoolAxis, cols: PoolAxis,
                                 outShape: [Int]) -> (Tensor, Tensor) {
        x.dtype.dispatch(IntegerMaxPool(x: x, planes: planes, depth: depth, rows: rows, cols: cols, outShape: outShape), op: "maxPool")
    }

    /// Integer average pooling of a contiguous `[planes, D, H, W]` block (truncating division).
    static func integerAvgPool3d(_ x: Tensor, planes: Int, depth: PoolAxis, rows: PoolAxis, cols: PoolAxis, divisors: [Double],
                                 outShape: [Int]) -> Tensor {
        x.dtype.dispatch(IntegerAveragePool(x: x, planes: planes, depth: depth, rows: rows, cols: cols, divisors: divisors,
                                            outShape: outShape), op: "avgPool")
    }
}
