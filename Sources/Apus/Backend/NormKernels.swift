// Per-channel loops of batch and layer normalisation over a contiguous `[n, c, s]` block:
// channel `j` is the `n` rows `x[i, j, 0..<s]`. Batch norm views `[N, C, *]` this way
// (`s` = the spatial size); layer norm views `[rows, D]` as `[1, rows, D]` (one "channel" per row).
// Channels run in parallel; sums are accumulated in 16 SIMD lanes per row and in double across rows.
// When `s` is 1 (batch norm of an `[N, C]` matrix) the loops walk the contiguous rows instead,
// with one accumulator per column, rather than striding down each column.

extension Kernels {
    /// Elements per pool job below which channels are not worth splitting further.
    private static let normGrain = 1 << 14

    /// Runs `body(channel)` for every channel, on the pool when the block is large.
    private static func forEachChannel(c: Int, perChannel: Int, _ body: (Int) -> Void) {
        let grain = Swift.max(1, normGrain / Swift.max(perChannel, 1))
        ThreadPool.shared.parallelRanges(c, grain: grain) { range in for j in range { body(j) } }
    }

    /// Mean and biased variance (divided by `n·s`) of every channel, computed in two passes.
    static func channelMoments(_ x: Tensor, n: Int, c: Int, s: Int) -> (mean: [Double], variance: [Double]) {
        func run<T: FloatScalar>(_: T.Type) -> ([Double], [Double]) {
            let p = UnsafePointer(x.storage.pointer(T.self) + x.offset)
            let count = Double(n * s)
            var mean = [Double](repeating: 0, count: c), variance = [Double](repeating: 0, count: c)
            if s == 1 && c > 1 {
                // [n, c] matrix: walk rows (contiguous), one accumulator per column.
                for i in 0..<n { let row = p + i * c; for j in 0..<c { mean[j] += row[j].doubleValue } }
                for j in 0..<c { mean[j] /= count }
                for i in 0..<n {
                    let row = p + i * c
                    for j in 0..<c { let d = row[j].doubleValue - mean[j]; variance[j] += d * d }
                }
                for j in 0..<c { variance[j] /= count }
                return (mean, variance)
            }
            mean.withUnsafeMutableBufferPointer { mp in
                variance.withUnsafeMutableBufferPointer { vp in
                    forEachChannel(c: c, perChannel: n * s) { j in
                        var total = 0.0
                        for i in 0..<n { total += sum(p + (i * c + j) * s, s).doubleValue }
                        let m = total / count
                        var squares = 0.0
                        for i in 0..<n { squares += sumSquaredDeviations(p + (i * c + j) * s, s, T(m)).doubleValue }
                        mp[j] = m
                        vp[j] = squares / count
                    }
                }
            }
            return (mean, variance)
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("channelMoments: expected floating point, got \(x.dtype)")
        }
    }

    /// `out = a[j]·g + b[j]·x + k[j]` for every element of channel `j` (`x` may be nil when all `b` are 0).
    static func channelCombine(_ g: Tensor, _ x: Tensor?, n: Int, c: Int, s: Int,
                               a: [Double], b: [Double]?, k: [Double]) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: g.shape, dtype: g.dtype)
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
            let px = x.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) }
            if s == 1 && c > 1 {
                // [n, c] matrix: rows are contiguous, coefficients vary along them.
                let at = a.map { T($0) }, kt = k.map { T($0) }, bt = b.map { $0.map { T($0) } }
                at.withUnsafeBufferPointer { ap in kt.withUnsafeBufferPointer { kp in
                    ThreadPool.shared.parallelRanges(n, grain: Swift.max(1, normGrain / c)) { rows in
                        for i in rows {
                            let o = i * c
                            if let px, let bt {
                                for j in 0..<c { po[o + j] = ap[j] * pg[o + j] + bt[j] * px[o + j] + kp[j] }
                            } else {
                                for j in 0..<c { po[o + j] = ap[j] * pg[o + j] + kp[j] }
                            }
                        }
                    }
                } }
                return out
            }
            forEachChannel(c: c, perChannel: n * s) { j in
                let aj = T(a[j]), kj = T(k[j])
                for i in 0..<n {
                    let o = (i * c + j) * s
                    if let px, let b {
                        let bj = T(b[j])
                        for e in o..<(o + s) { po[e] = aj * pg[e] + bj * px[e] + kj }
                    } else {
                        for e in o..<(o + s) { po[e] = aj * pg[e] + kj }
                    }
                }
            }
            return out
        }
        switch g.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("channelCombine: expected floating point, got \(g.dtype)")
        }
    }

    /// Per channel, `Σ g` and `Σ g·(x − center[j])`.
    static func channelGradientSums(_ g: Tensor, _ x: Tensor, n: Int, c: Int, s: Int,
                                    center: [Double]) -> (sumG: [Double], sumGX: [Double]) {
        func run<T: FloatScalar>(_: T.Type) -> ([Double], [Double]) {
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset)
            let px = UnsafePointer(x.storage.pointer(T.self) + x.offset)
            var sg = [Double](repeating: 0, count: c), sgx = [Double](repeating: 0, count: c)
            if s == 1 && c > 1 {
                for i in 0..<n {
                    let o = i * c
                    for j in 0..<c {
                        let gv = pg[o + j].doubleValue
                        sg[j] += gv
                        sgx[j] += gv * (px[o + j].doubleValue - center[j])
                    }
                }
                return (sg, sgx)
            }
            sg.withUnsafeMutableBufferPointer { gp in
                sgx.withUnsafeMutableBufferPointer { xp in
                    forEachChannel(c: c, perChannel: n * s) { j in
                        var a = 0.0, b = 0.0
                        let m = T(center[j])
                        for i in 0..<n {
                            let o = (i * c + j) * s
                            let (u, v) = sumAndCenteredDot(pg + o, px + o, s, m)
                            a += u.doubleValue
                            b += v.doubleValue
                        }
                        gp[j] = a
                        xp[j] = b
                    }
                }
            }
            return (sg, sgx)
        }
        switch g.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("channelGradientSums: expected floating point, got \(g.dtype)")
        }
    }

    /// `Σ (p[i] − m)²` over `n` contiguous values, in 16 lanes.
    @inline(__always)
    static func sumSquaredDeviations<T: FloatScalar>(_ p: UnsafePointer<T>, _ n: Int, _ m: T) -> T {
        typealias V = SIMD8<T>
        var a0 = V(), a1 = V()
        let mv = V(repeating: m), raw = UnsafeRawPointer(p), stride = MemoryLayout<T>.stride
        var i = 0
        while i + 16 <= n {
            let d0 = raw.loadUnaligned(fromByteOffset: i * stride, as: V.self) - mv
            let d1 = raw.loadUnaligned(fromByteOffset: (i + 8) * stride, as: V.self) - mv
            a0 += d0 * d0
            a1 += d1 * d1
            i += 16
        }
        var total = (a0 + a1).sum()
        while i < n { let d = p[i] - m; total += d * d; i += 1 }
        return total
    }

    /// `(Σ g[i], Σ g[i]·(x[i] − m))` over `n` contiguous pairs, in 8 lanes each.
    @inline(__always)
    static func sumAndCenteredDot<T: FloatScalar>(_ g: UnsafePointer<T>, _ x: UnsafePointer<T>, _ n: Int, _ m: T) -> (T, T) {
        typealias V = SIMD8<T>
        var sg = V(), sgx = V()
        let mv = V(repeating: m), rg = UnsafeRawPointer(g), rx = UnsafeRawPointer(x), stride = MemoryLayout<T>.stride
        var i = 0
        while i + 8 <= n {
            let gv = rg.loadUnaligned(fromByteOffset: i * stride, as: V.self)
            let xv = rx.loadUnaligned(fromByteOffset: i * stride, as: V.self)
            sg += gv
            sgx += gv * (xv - mv)
            i += 8
        }
        var a = sg.sum(), b = sgx.sum()
        while i < n { a += g[i]; b += g[i] * (x[i] - m); i += 1 }
        return (a, b)
    }
}
