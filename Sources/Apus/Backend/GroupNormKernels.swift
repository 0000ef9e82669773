// Per-sample normalisation loops: group normalisation (instance normalisation is its case of one
// channel per group) and RMS normalisation, over contiguous blocks.
//
// Group norm views x `[N, C, S]` (S the spatial size) as N·G rows of m = (C/G)·S contiguous
// elements. Each row's mean and variance are sums over fixed chunks of `normChunk` elements,
// accumulated in double in chunk order; the per-channel scale and shift are then applied to the
// row. When there are enough rows for every thread, one thread does all of a row (statistics and
// normalisation while the row is in its cache); otherwise the chunks of all rows are spread over
// the pool, each phase at a time. Both schedules do the same arithmetic in the same order, so the
// results do not depend on the number of threads.

extension Kernels {
    /// Elements per chunk of a row's sums: fixed, so that the order of additions is too.
    static let normChunk = 8192

    /// Whether to give whole rows to threads (`true`) rather than spread each row's chunks.
    private static func wholeRows(rows: Int, chunksPerRow: Int) -> Bool {
        chunksPerRow == 1 || rows >= 2 * ThreadPool.shared.size
    }

    /// Runs `body(i)` for `i` in `0..<count` on the pool, `grain` iterations at least per job.
    private static func parallelEach(_ count: Int, grain: Int, _ body: (Int) -> Void) {
        ThreadPool.shared.parallelRanges(count, grain: Swift.max(1, grain)) { range in for i in range { body(i) } }
    }

    /// Group normalisation of a contiguous `x` `[N, C, …]` (`s` = the product of the trailing
    /// sizes) in `groups` groups: `y = (x − μ)/√(σ² + eps)·weight_c + bias_c`, with μ and the biased
    /// σ² of each (sample, group). `weight` and `bias` are contiguous `[C]` of x's dtype, or nil.
    /// Returns the output and, per row `n·G + g`, the mean, the biased variance and `1/√(σ² + eps)`.
    static func groupNormForward(_ x: Tensor, n: Int, c: Int, s: Int, groups: Int,
                                 weight: Tensor?, bias: Tensor?, eps: Double)
        -> (out: Tensor, mean: [Double], variance: [Double], invStd: [Double])
    {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor, [Double], [Double], [Double]) {
            let rows = n * groups, cpg = c / groups, m = cpg * s
            let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
            var mean = [Double](repeating: 0, count: rows), variance = mean, invStd = mean
            guard rows > 0, m > 0 else { return (out, mean, variance, invStd) }
            let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
            let pw = weight.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) }
            let pb = bias.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) }
            let chunks = (m + normChunk - 1) / normChunk
            @inline(__always) func chunkRange(_ k: Int) -> (Int, Int) { (k * normChunk, Swift.min(normChunk, m - k * normChunk)) }

            // y = a·x + b over the row's elements lo..<hi, channel by channel.
            func normalize(_ r: Int, _ lo: Int, _ hi: Int, _ mu: Double, _ inv: Double) {
                let g = r % groups, base = r * m
                var e = lo
                while e < hi {
                    let k = e / s, end = Swift.min(hi, (k + 1) * s), ch = g * cpg + k
                    let scale = inv * (pw.map { $0[ch].doubleValue } ?? 1)
                    let a = T(scale), b = T((pb.map { $0[ch].doubleValue } ?? 0) - mu * scale)
                    let src = px + base, dst = po + base
                    for i in e..<end { dst[i] = a * src[i] + b }
                    e = end
                }
            }

            mean.withUnsafeMutableBufferPointer { meanP in
            variance.withUnsafeMutableBufferPointer { varP in
            invStd.withUnsafeMutableBufferPointer { invP in
                let count = Double(m)
                if wholeRows(rows: rows, chunksPerRow: chunks) {
                    parallelEach(rows, grain: normGrainRows(m)) { r in
                        let p = px + r * m
                        var total = 0.0
                        for k in 0..<chunks { let (o, len) = chunkRange(k); total += sum(p + o, len).doubleValue }
                        let mu = total / count
                        var squares = 0.0
                        for k in 0..<chunks { let (o, len) = chunkRange(k); squares += sumSquaredDeviations(p + o, len, T(mu)).doubleValue }
                        let v = squares / count, inv = 1 / (v + eps).squareRoot()
                        (meanP[r], varP[r], invP[r]) = (mu, v, inv)
                        normalize(r, 0, m, mu, inv)
                    }
                    return
                }
                // Few rows: each phase spread over all chunks of all rows.
                var partial = [Double](repeating: 0, count: rows * chunks)
                partial.withUnsafeMutableBufferPointer { part in
                    parallelEach(rows * chunks, grain: 1) { t in
                        let (o, len) = chunkRange(t % chunks)
                        part[t] = sum(px + (t / chunks) * m + o, len).doubleValue
                    }
                    for r in 0..<rows {
                        var total = 0.0
                        for k in 0..<chunks { total += part[r * chunks + k] }
                        meanP[r] = total / count
                    }
                    parallelEach(rows * chunks, grain: 1) { t in
                        let r = t / chunks, (o, len) = chunkRange(t % chunks)
                        part[t] = sumSquaredDeviations(px + r * m + o, len, T(meanP[r])).doubleValue
                    }
                    for r in 0..<rows {
                        var squares = 0.0
                        for k in 0..<chunks { squares += part[r * chunks + k] }
                        varP[r] = squares / count
                        invP[r] = 1 / (varP[r] + eps).squareRoot()
                    }
                    parallelEach(rows * chunks, grain: 1) { t in
                        let r = t / chunks, (o, len) = chunkRange(t % chunks)
                        normalize(r, o, o + len, meanP[r], invP[r])
                    }
                }
            } } }
            return (out, mean, variance, invStd)
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("groupNormForward: expected floating point, got \(x.dtype)")
        }
    }

    /// Rows per pool job so that a job has at least `normGrain`-ish elements.
    private static func normGrainRows(_ m: Int) -> Int { Swift.max(1, (1 << 14) / Swift.max(m, 1)) }

    /// The backward of ``groupNormForward(_:n:c:s:groups:weight:bias:eps:)`` for the upstream
    /// gradient `g` (contiguous, x's shape): per plane `(n, c)`, `Σ g` and `Σ g·(x − μ)` (from which
    /// the weight and bias gradients follow), and, when `inputGradient`, the input's gradient
    /// `∂x = σ⁻¹·w_c·g − σ⁻¹·A/m − σ⁻³·(x − μ)·B/m` with `A = Σ_c w_c·Σ g` and
    /// `B = Σ_c w_c·Σ g·(x − μ)` over the group's planes.
    static func groupNormBackward(_ g: Tensor, _ x: Tensor, n: Int, c: Int, s: Int, groups: Int,
                                  mean: [Double], invStd: [Double], weight: Tensor?, inputGradient: Bool)
        -> (dx: Tensor?, sumG: [Double], sumGX: [Double])
    {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor?, [Double], [Double]) {
            let rows = n * groups, cpg = c / groups, m = cpg * s, planes = n * c
            let dx = inputGradient ? Tensor(uninitialized: x.shape, dtype: x.dtype) : nil
            var sg = [Double](repeating: 0, count: planes), sgx = sg
            guard rows > 0, m > 0 else { return (dx, sg, sgx) }
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), px = UnsafePointer(x.storage.pointer(T.self) + x.offset)
            let pd = dx?.storage.pointer(T.self)
            let wv: [Double] = weight?.toDoubles() ?? [Double](repeating: 1, count: c)
            let planeChunks = (s + normChunk - 1) / normChunk
            let rowChunks = (m + normChunk - 1) / normChunk

            // Σ g and Σ g·(x − μ) of one chunk of a plane.
            @inline(__always) func planeChunk(_ plane: Int, _ k: Int) -> (Double, Double) {
                let o = plane * s + k * normChunk, len = Swift.min(normChunk, s - k * normChunk)
                let (u, v) = sumAndCenteredDot(pg + o, px + o, len, T(mean[plane / cpg]))
                return (u.doubleValue, v.doubleValue)
            }
            // ∂x over the row's elements lo..<hi, with the row's sums A and B.
            func inputGrad(_ r: Int, _ lo: Int, _ hi: Int, _ a: Double, _ b: Double) {
                guard let pd else { return }
                let grp = r % groups, base = r * m, inv = invStd[r], count = Double(m)
                let slope = T(-inv * inv * inv * b / count), shift = T(-inv * a / count), mu = T(mean[r])
                var e = lo
                while e < hi {
                    let k = e / s, end = Swift.min(hi, (k + 1) * s)
                    let scale = T(inv * wv[grp * cpg + k])
                    let gs = pg + base, xs = px + base, ds = pd + base
                    for i in e..<end { ds[i] = scale * gs[i] + slope * (xs[i] - mu) + shift }
                    e = end
                }
            }
            func rowSums(_ r: Int, _ sgp: UnsafeMutableBufferPointer<Double>, _ sgxp: UnsafeMutableBufferPointer<Double>) -> (Double, Double) {
                var a = 0.0, b = 0.0
                for k in 0..<cpg {
                    let plane = r * cpg + k, w = wv[(r % groups) * cpg + k]
                    a += w * sgp[plane]
                    b += w * sgxp[plane]
                }
                return (a, b)
            }

            sg.withUnsafeMutableBufferPointer { sgp in
            sgx.withUnsafeMutableBufferPointer { sgxp in
                if wholeRows(rows: rows, chunksPerRow: rowChunks) {
                    parallelEach(rows, grain: normGrainRows(m)) { r in
                        for plane in (r * cpg)..<((r + 1) * cpg) {
                            var a = 0.0, b = 0.0
                            for k in 0..<planeChunks { let (u, v) = planeChunk(plane, k); a += u; b += v }
                            (sgp[plane], sgxp[plane]) = (a, b)
                        }
                        let (a, b) = rowSums(r, sgp, sgxp)
                        inputGrad(r, 0, m, a, b)
                    }
                    return
                }
                var partial = [(Double, Double)](repeating: (0, 0), count: planes * planeChunks)
                partial.withUnsafeMutableBufferPointer { part in
                    parallelEach(planes * planeChunks, grain: 1) { t in part[t] = planeChunk(t / planeChunks, t % planeChunks) }
                    for plane in 0..<planes {
                        var a = 0.0, b = 0.0
                        for k in 0..<planeChunks { a += part[plane * planeChunks + k].0; b += part[plane * planeChunks + k].1 }
                        (sgp[plane], sgxp[plane]) = (a, b)
                    }
                }
                guard pd != nil else { return }
                let sums = (0..<rows).map { rowSums($0, sgp, sgxp) }
                parallelEach(rows * rowChunks, grain: 1) { t in
                    let r = t / rowChunks, o = (t % rowChunks) * normChunk
                    inputGrad(r, o, Swift.min(m, o + normChunk), sums[r].0, sums[r].1)
                }
            } }
            return (dx, sg, sgx)
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("groupNormBackward: expected floating point, got \(x.dtype)")
        }
    }

    /// RMS normalisation of the rows of a contiguous `[rows, d]` block:
    /// `y = x·r·weight` with `r = 1/√(mean(x²) + eps)` per row (rounded to x's type, then multiplied
    /// by the weight, as PyTorch). Returns the output and each row's `r`.
    static func rmsNormForward(_ x: Tensor, rows: Int, d: Int, weight: Tensor?, eps: Double) -> (out: Tensor, invRms: [Double]) {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor, [Double]) {
            let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
            var inv = [Double](repeating: 0, count: rows)
            guard rows > 0, d > 0 else { return (out, inv) }
            let px = UnsafePointer(x.storage.pointer(T.self) + x.offset), po = out.storage.pointer(T.self)
            let pw = weight.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) }
            let chunks = (d + normChunk - 1) / normChunk
            inv.withUnsafeMutableBufferPointer { ip in
                parallelEach(rows, grain: normGrainRows(d)) { r in
                    let p = px + r * d, o = po + r * d
                    var squares = 0.0
                    for k in 0..<chunks {
                        let lo = k * normChunk
                        squares += sumSquaredDeviations(p + lo, Swift.min(normChunk, d - lo), 0).doubleValue
                    }
                    let rr = T(1 / (squares / Double(d) + eps).squareRoot())
                    ip[r] = rr.doubleValue
                    if let pw { for i in 0..<d { o[i] = (p[i] * rr) * pw[i] } } else { for i in 0..<d { o[i] = p[i] * rr } }
                }
            }
            return (out, inv)
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("rmsNormForward: expected floating point, got \(x.dtype)")
        }
    }

    /// The backward of ``rmsNormForward(_:rows:d:weight:eps:)``: with `h = g·w`,
    /// `∂x = r·h − x·r³·Σ(h·x)/d` per row, and `∂w = Σ_rows g·x·r` (accumulated down each column in
    /// row order, the columns split among threads, so the sums do not depend on the thread count).
    static func rmsNormBackward(_ g: Tensor, _ x: Tensor, rows: Int, d: Int, invRms: [Double], weight: Tensor?,
                                inputGradient: Bool, weightGradient: Bool) -> (dx: Tensor?, dw: Tensor?) {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor?, Tensor?) {
            let dx = inputGradient ? Tensor(uninitialized: x.shape, dtype: x.dtype) : nil
            let dw = weightGradient ? Tensor(uninitialized: [d], dtype: x.dtype) : nil
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), px = UnsafePointer(x.storage.pointer(T.self) + x.offset)
            let pw = weight.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) }
            if let pd = dx?.storage.pointer(T.self), rows > 0, d > 0 {
                parallelEach(rows, grain: normGrainRows(d)) { r in
                    let gr = pg + r * d, xr = px + r * d, dr = pd + r * d
                    var dot = 0.0
                    if let pw { for i in 0..<d { dot += (gr[i] * pw[i] * xr[i]).doubleValue } } else { for i in 0..<d { dot += (gr[i] * xr[i]).doubleValue } }
                    let rr = invRms[r], scale = T(rr), slope = T(-rr * rr * rr * dot / Double(d))
                    if let pw { for i in 0..<d { dr[i] = scale * gr[i] * pw[i] + slope * xr[i] } } else { for i in 0..<d { dr[i] = scale * gr[i] + slope * xr[i] } }
                }
            }
            if let pdw = dw?.storage.pointer(T.self), d > 0 {
                ThreadPool.shared.parallelRanges(d, grain: Swift.max(16, (1 << 14) / Swift.max(rows, 1))) { cols in
                    let lo = cols.lowerBound
                    var acc = [Double](repeating: 0, count: cols.count)
                    acc.withUnsafeMutableBufferPointer { a in
                        for r in 0..<rows {
                            let gr = pg + r * d, xr = px + r * d, rr = invRms[r]
                            for i in cols { a[i - lo] += (gr[i] * xr[i]).doubleValue * rr }
                        }
                        for i in cols { pdw[i] = T(a[i - lo]) }
                    }
                }
            }
            return (dx, dw)
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("rmsNormBackward: expected floating point, got \(x.dtype)")
        }
    }
}
