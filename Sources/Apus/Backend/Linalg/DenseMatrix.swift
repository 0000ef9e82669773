// The working form of the decompositions and solvers: each matrix of a batch as a contiguous
// row-major float64 copy, whatever the input's dtype and strides. float32 inputs are factored in
// float64 and rounded once at the end, so their results are within an ulp or two of the exact
// factors (what keeps them within rtol 1e-5 of LAPACK's float32 results).

/// A row-major float64 matrix in memory that a kernel may overwrite: `rows × cols` elements,
/// row `i` starting at `base + i·ld`.
struct DenseMatrix {
    let base: UnsafeMutablePointer<Double>
    let rows: Int
    let cols: Int
    /// Elements from one row to the next (≥ `cols`).
    let ld: Int

    init(_ base: UnsafeMutablePointer<Double>, rows: Int, cols: Int, ld: Int? = nil) {
        self.base = base
        self.rows = rows
        self.cols = cols
        self.ld = ld ?? cols
    }

    @inline(__always) subscript(i: Int, j: Int) -> Double {
        get { base[i * ld + j] }
        nonmutating set { base[i * ld + j] = newValue }
    }

    /// Start of row `i`.
    @inline(__always) func row(_ i: Int) -> UnsafeMutablePointer<Double> { base + i * ld }

    /// The `rows × cols` block whose top-left element is `(i, j)`.
    func block(_ i: Int, _ j: Int, rows r: Int, cols c: Int) -> DenseMatrix {
        DenseMatrix(base + i * ld + j, rows: r, cols: c, ld: ld)
    }

    /// Swaps rows `i` and `k` (all columns).
    @inline(__always) func swapRows(_ i: Int, _ k: Int) {
        if i == k { return }
        let a = row(i), b = row(k)
        for j in 0..<cols { let t = a[j]; a[j] = b[j]; b[j] = t }
    }

    /// Sets every element to zero and the diagonal to one.
    func setIdentity() {
        for i in 0..<rows {
            row(i).update(repeating: 0, count: cols)
            if i < cols { self[i, i] = 1 }
        }
    }

    /// Copies `other` (same shape) into this matrix.
    func copy(from other: DenseMatrix) {
        for i in 0..<rows { row(i).update(from: other.row(i), count: cols) }
    }

    /// Writes the transpose of `other` (`cols × rows`) into this matrix.
    func copyTransposed(from other: DenseMatrix) {
        for i in 0..<rows {
            let r = row(i)
            for j in 0..<cols { r[j] = other[j, i] }
        }
    }
}

/// Scratch memory for one thread's run over a range of matrices, freed at the end of the range.
final class LinalgScratch {
    private var buffers: [UnsafeMutableRawPointer] = []

    /// `count` doubles (uninitialised).
    func doubles(_ count: Int) -> UnsafeMutablePointer<Double> {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(count, 1))
        buffers.append(UnsafeMutableRawPointer(p))
        return p
    }

    /// `count` integers (uninitialised).
    func ints(_ count: Int) -> UnsafeMutablePointer<Int> {
        let p = UnsafeMutablePointer<Int>.allocate(capacity: Swift.max(count, 1))
        buffers.append(UnsafeMutableRawPointer(p))
        return p
    }

    deinit { for b in buffers { b.deallocate() } }
}

enum Dense {
    /// Columns per block of the blocked factorisations and solves, whose block updates run on the GEMM.
    static let blockSize = 48

    /// `C −= A·B` (`A` m×k, `B` k×n, `C` m×n): the negated `A` is copied once and the existing
    /// GEMM accumulates into `C` (threaded over rows for large products).
    static func subtractProduct(_ a: DenseMatrix, _ b: DenseMatrix, from c: DenseMatrix) {
        let (m, n, k) = (c.rows, c.cols, a.cols)
        if m == 0 || n == 0 || k == 0 { return }
        let negA = UnsafeMutablePointer<Double>.allocate(capacity: m * k)
        defer { negA.deallocate() }
        for i in 0..<m {
            let src = a.row(i), dst = negA + i * k
            for p in 0..<k { dst[p] = -src[p] }
        }
        Kernels.gemm(Double.self, m: m, n: n, k: k,
                     a: UnsafePointer(negA), aRowStride: k, aColStride: 1,
                     b: UnsafePointer(b.base), bRowStride: b.ld, bColStride: 1,
                     c: c.base, cRowStride: c.ld, accumulate: true)
    }

    /// `C = A·B` into `c` (overwritten).
    static func multiply(_ a: DenseMatrix, _ b: DenseMatrix, into c: DenseMatrix) {
        let (m, n, k) = (c.rows, c.cols, a.cols)
        if m == 0 || n == 0 { return }
        if k == 0 {
            for i in 0..<m { c.row(i).update(repeating: 0, count: n) }
            return
        }
        Kernels.gemm(Double.self, m: m, n: n, k: k,
                     a: UnsafePointer(a.base), aRowStride: a.ld, aColStride: 1,
                     b: UnsafePointer(b.base), bRowStride: b.ld, bColStride: 1,
                     c: c.base, cRowStride: c.ld)
    }

    /// The Euclidean norm of `count` elements `x[0], x[stride], …`, scaled so that it neither
    /// overflows nor underflows (as BLAS `nrm2`).
    static func norm(_ x: UnsafePointer<Double>, count: Int, stride: Int = 1) -> Double {
        var scale = 0.0
        for i in 0..<count { scale = Swift.max(scale, Swift.abs(x[i * stride])) }
        if scale == 0 || !scale.isFinite { return scale == 0 ? 0 : (scale.isNaN ? .nan : .infinity) }
        var sum = 0.0
        for i in 0..<count { let v = x[i * stride] / scale; sum += v * v }
        return scale * sum.squareRoot()
    }

    /// Σ x[i]·y[i] over `count` contiguous elements.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, count: Int) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var i = 0
        while i + 4 <= count {
            s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1]
            s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3]
            i += 4
        }
        while i < count { s0 += x[i] * y[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }
}
