
/// Operands of one `C = A · B` for the portable loop (float64), passed to worker threads.
struct GemmProblem<T: FloatScalar>: @unchecked Sendable {
    let m: Int, n: Int, k: Int
    let a: UnsafePointer<T>, aRowStride: Int, aColStride: Int
    let b: UnsafePointer<T>, bRowStride: Int
    let c: UnsafeMutablePointer<T>, cRowStride: Int
    /// Add to C instead of overwriting it.
    var accumulate = false

    /// Computes rows `lo..<hi` of C. The loop order i-k-j streams rows of B and C,
    /// which the compiler vectorises; four rows of B per pass cut the sweeps over C.
    func rows(_ lo: Int, _ hi: Int) {
        for i in lo..<hi {
            let ci = c + i * cRowStride
            if !accumulate { ci.update(repeating: 0, count: n) }
            let ai = a + i * aRowStride
            var p = 0
            while p + 4 <= k {
                let a0 = ai[p * aColStride], a1 = ai[(p + 1) * aColStride]
                let a2 = ai[(p + 2) * aColStride], a3 = ai[(p + 3) * aColStride]
                let b0 = b + p * bRowStride, b1 = b0 + bRowStride, b2 = b1 + bRowStride, b3 = b2 + bRowStride
                for j in 0..<n { ci[j] += a0 * b0[j] + a1 * b1[j] + a2 * b2[j] + a3 * b3[j] }
                p += 4
            }
            while p < k {
                let av = ai[p * aColStride]
                let bp = b + p * bRowStride
                for j in 0..<n { ci[j] += av * bp[j] }
                p += 1
            }
        }
    }
}

extension Kernels {
    /// `C[M×N] = A[M×K] · B[K×N]` (C overwritten, or `C += A·B` when `accumulate`), A and B
    /// addressed through strides.
    ///
    /// float32 runs the packed, register-tiled ``PackedSgemm`` (any strides). Other types run
    /// a plain loop that needs B's column stride to be 1. Each element of C is accumulated in
    /// a fixed order, so results do not depend on the thread count; `threads` caps the threads
    /// one product uses (1 when the caller already runs several products in parallel).
    static func gemm<T: FloatScalar>(
        _: T.Type, m: Int, n: Int, k: Int,
        a: UnsafePointer<T>, aRowStride: Int, aColStride: Int,
        b: UnsafePointer<T>, bRowStride: Int, bColStride: Int,
        c: UnsafeMutablePointer<T>, cRowStride: Int, accumulate: Bool = false,
        threads: Int = ThreadPool.threadCount
    ) {
        if T.self == Float.self {
            PackedSgemm.multiply(
                m: m, n: n, k: k,
                a: .init(base: UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), rowStride: aRowStride, colStride: aColStride),
                b: .init(base: UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), rowStride: bRowStride, colStride: bColStride),
                c: UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), ldc: cRowStride, accumulate: accumulate,
                threads: threads)
            return
        }
        require(bColStride == 1 || n <= 1, "gemm: B must have unit column stride for \(T.self)")
        let problem = GemmProblem(m: m, n: n, k: k, a: a, aRowStride: aRowStride, aColStride: aColStride,
                                  b: b, bRowStride: bRowStride, c: c, cRowStride: cRowStride, accumulate: accumulate)
        if threads > 1 && m * n * k >= 1 << 18 && m >= 2 * threads {
            let per = (m + threads - 1) / threads
            ThreadPool.shared.parallelFor(threads) { t in
                let lo = t * per, hi = Swift.min(m, lo + per)
                if lo < hi { problem.rows(lo, hi) }
            }
        } else {
            problem.rows(0, m)
        }
    }
}
