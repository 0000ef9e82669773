import CApusKernels

extension Kernels {
    /// Softmax (or log-softmax) of each row of a contiguous `[rows, n]` block, in one pass per row:
    /// maximum, shifted exponentials (vectorised for float32), sum, then scale or shift.
    /// Rows are split over the thread pool.
    static func softmaxRows(_ x: Tensor, rows: Int, length n: Int, log: Bool) -> Tensor {
        let out = Tensor(uninitialized: x.shape, dtype: x.dtype)
        func run<T: FloatScalar>(_: T.Type, exp: (UnsafePointer<T>, UnsafeMutablePointer<T>, Int) -> Void) {
            let src = UnsafePointer(x.storage.pointer(T.self) + x.offset), dst = out.storage.pointer(T.self)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, parallelGrain / Swift.max(n, 1))) { range in
                for r in range {
                    let xi = src + r * n, yi = dst + r * n
                    var m = -T.infinity
                    for j in 0..<n {
                        let v = xi[j]
                        if v != v { m = v; break }  // NaN makes the row NaN, as in PyTorch
                        if v > m { m = v }
                    }
                    if m == -T.infinity { m = 0 }  // a row of -inf: avoid inf - inf
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
        case .float32: run(Float.self) { apus_vexp_f32($0, $1, $2) }
        case .float64: run(Double.self) { src, dst, n in for j in 0..<n { dst[j] = Double.exp(src[j]) } }
        default: fatalError("softmax: expected floating point, got \(x.dtype)")
        }
        return out
    }
}
