// Loops of the multi-class margin losses over a contiguous `[n, c]` block of scores: one loss per
// sample (multiMarginLoss, multilabelMarginLoss) and the gradient of each sample's loss, term by
// term as PyTorch's CPU kernels compute them (a hinge term counts where it is strictly positive,
// so a NaN score contributes nothing).

extension Kernels {
    /// Samples per pool job are at least this many scores.
    private static let marginGrain = 1 << 14

    /// Runs `body` over `0..<n` split on the pool, `c` scores per sample.
    private static func forEachSample(_ n: Int, c: Int, _ body: (Range<Int>) -> Void) {
        ThreadPool.shared.parallelRanges(n, grain: Swift.max(1, marginGrain / Swift.max(c, 1)), body)
    }

    /// Per sample i with target y: `(1/c)·Σ_{j≠y, z>0} w[y]·z^p`, z = margin − x[i, y] + x[i, j]
    /// (PyTorch's `multi_margin_loss`). `targets` `[n]` int64 (checked to lie in `0..<c`), `weight`
    /// `[c]` of `x`'s dtype or nil, both contiguous. Returns `[n]`.
    static func multiMargin(_ x: Tensor, targets: Tensor, weight: Tensor?, n: Int, c: Int, p: Int, margin: Double) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [n], dtype: T.dtype)
            let xp = UnsafePointer(x.storage.pointer(T.self) + x.offset), o = out.storage.pointer(T.self)
            let tp = UnsafePointer(targets.storage.pointer(Int64.self) + targets.offset)
            let wp = weight.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) }
            let m = T(margin), scale = T(c)
            forEachSample(n, c: c) { range in
                for i in range {
                    let row = xp + i * c, y = Int(tp[i])
                    let xy = row[y]
                    var sum: T = 0
                    for j in 0..<c where j != y {
                        let z = m - xy + row[j]
                        if z > 0 {
                            var h = p == 1 ? z : z * z
                            if let wp { h *= wp[y] }
                            sum += h
                        }
                    }
                    o[i] = sum / scale
                }
            }
            return out
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("multiMarginLoss: expected float32 or float64, got \(x.dtype)")
        }
    }

    /// The gradient of ``multiMargin(_:targets:weight:n:c:p:margin:)`` with respect to `x`, given
    /// the gradient `g` `[n]` of the per-sample losses: `[n, c]`.
    static func multiMarginBackward(_ g: Tensor, _ x: Tensor, targets: Tensor, weight: Tensor?, n: Int, c: Int, p: Int,
                                    margin: Double) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [n, c], dtype: T.dtype)
            let xp = UnsafePointer(x.storage.pointer(T.self) + x.offset), o = out.storage.pointer(T.self)
            let gp = UnsafePointer(g.storage.pointer(T.self) + g.offset)
            let tp = UnsafePointer(targets.storage.pointer(Int64.self) + targets.offset)
            let wp = weight.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) }
            let m = T(margin), scale = T(c)
            forEachSample(n, c: c) { range in
                for i in range {
                    let row = xp + i * c, dst = o + i * c, y = Int(tp[i])
                    let xy = row[y], gi = gp[i] / scale
                    var gy: T = 0
                    for j in 0..<c where j != y {
                        let z = m - xy + row[j]
                        if z > 0 {
                            var h = p == 1 ? gi : 2 * gi * z
                            if let wp { h *= wp[y] }
                            gy -= h
                            dst[j] = h
                        } else {
                            dst[j] = 0
                        }
                    }
                    dst[y] = gy
                }
            }
            return out
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("multiMarginLoss backward: expected float32 or float64, got \(x.dtype)")
        }
    }

    /// Per sample i: `(1/c)·Σ_{j ∈ T} Σ_{k ∉ T, z>0} z`, z = 1 − x[i, j] + x[i, k], where the targets
    /// T are the row's entries of `targets` before its first −1 (a repeated target counts each time)
    /// (PyTorch's `multilabel_margin_loss`). `targets` `[n, c]` int64, checked to lie in `-1..<c`.
    static func multilabelMargin(_ x: Tensor, targets: Tensor, n: Int, c: Int) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [n], dtype: T.dtype)
            let xp = UnsafePointer(x.storage.pointer(T.self) + x.offset), o = out.storage.pointer(T.self)
            let tp = UnsafePointer(targets.storage.pointer(Int64.self) + targets.offset)
            let scale = T(c)
            forEachSample(n, c: c) { range in
                var isTarget = [Bool](repeating: false, count: c)
                for i in range {
                    let row = xp + i * c, t = tp + i * c
                    markTargets(t, c, &isTarget)
                    var sum: T = 0
                    for jj in 0..<c {
                        let j = Int(t[jj])
                        if j < 0 { break }
                        let xj = row[j]
                        for k in 0..<c where !isTarget[k] {
                            let z = 1 - xj + row[k]
                            if z > 0 { sum += z }
                        }
                    }
                    o[i] = sum / scale
                }
            }
            return out
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("multilabelMarginLoss: expected float32 or float64, got \(x.dtype)")
        }
    }

    /// The gradient of ``multilabelMargin(_:targets:n:c:)`` with respect to `x`, given the gradient
    /// `g` `[n]` of the per-sample losses: `[n, c]`.
    static func multilabelMarginBackward(_ g: Tensor, _ x: Tensor, targets: Tensor, n: Int, c: Int) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [n, c], dtype: T.dtype)
            let xp = UnsafePointer(x.storage.pointer(T.self) + x.offset), o = out.storage.pointer(T.self)
            let gp = UnsafePointer(g.storage.pointer(T.self) + g.offset)
            let tp = UnsafePointer(targets.storage.pointer(Int64.self) + targets.offset)
            let scale = T(c)
            forEachSample(n, c: c) { range in
                var isTarget = [Bool](repeating: false, count: c)
                for i in range {
                    let row = xp + i * c, t = tp + i * c, dst = o + i * c
                    markTargets(t, c, &isTarget)
                    for k in 0..<c { dst[k] = 0 }
                    let gi = gp[i] / scale
                    for jj in 0..<c {
                        let j = Int(t[jj])
                        if j < 0 { break }
                        let xj = row[j]
                        for k in 0..<c where !isTarget[k] {
                            let z = 1 - xj + row[k]
                            if z > 0 {
                                dst[j] -= gi
                                dst[k] += gi
                            }
                        }
                    }
                }
            }
            return out
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("multilabelMarginLoss backward: expected float32 or float64, got \(x.dtype)")
        }
    }

    /// Sets `isTarget[j]` for the classes listed in `t[0..<c]` before its first negative entry.
    @inline(__always)
    private static func markTargets(_ t: UnsafePointer<Int64>, _ c: Int, _ isTarget: inout [Bool]) {
        for k in 0..<c { isTarget[k] = false }
        for k in 0..<c {
            let j = Int(t[k])
            if j < 0 { break }
            isTarget[j] = true
        }
    }
}
