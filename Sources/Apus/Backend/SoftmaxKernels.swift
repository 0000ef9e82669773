import CApusKernels

extension Kernels {
    /// Softmax (or log-softmax) of each row of a contiguous `[rows, n]` block, in one pass per row:
    /// maximum, shifted exponentials (vectorised for float32), sum, then scale or shift.
    /// Rows are split over the thread pool.
    static func softmaxRows(_ x: Tensor, rows: Int, length n: Int, log: Bool) -> Tensor {
        let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
        func run<T: FloatScalar>(_: T.Type, max rowMax: (UnsafePointer<T>, Int) -> T,
                                 exp: (UnsafePointer<T>, UnsafeMutablePointer<T>, Int) -> Void) {
            let src = UnsafePointer(x.storage.pointer(T.self) + x.offset), dst = out.storage.pointer(T.self)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, parallelGrain / Swift.max(n, 1))) { range in
                for r in range {
                    let xi = src + r * n, yi = dst + r * n
                    // A NaN may be skipped by the maximum, but it reaches the sum through exp and
                    // makes the whole row NaN, as in PyTorch.
                    var m = rowMax(xi, n)
                    if !m.isFinite { m = 0 }  // a row of -inf (or +inf): avoid inf - inf
                    for j in 0..<n { yi[j] = xi[j] - m }
                    exp(UnsafePointer(yi), yi, n)
                    let s = sum(UnsafePointer(yi), n)
                    if log {
                        let ls = T.log(s)
                        for j in 0..<n { yi[j] = xi[j] - m - ls }
                    } else {
                        let inv = 1 / s
                        for j in 0..<n { yi[j] *= inv }
                    }
                }
            }
        }
        switch x.dtype {
        case .float32: run(Float.self, max: { apus_vmax_f32($0, $1) }) { apus_vexp_f32($0, $1, $2) }
        case .float64: run(Double.self, max: scalarMax) { src, dst, n in for j in 0..<n { dst[j] = Double.exp(src[j]) } }
        default: fatalError("softmax: expected floating point, got \(x.dtype)")
        }
        return out
    }

    /// Largest of `n` values (NaN is not guaranteed to win).
    static func scalarMax<T: FloatScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        var best = -T.infinity
        for i in 0..<n where p[i] > best { best = p[i] }
        return best
    }
}
