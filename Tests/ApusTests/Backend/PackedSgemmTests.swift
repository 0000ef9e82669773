import Testing
@testable import Apus

/// The packed float32 GEMM against a float64 triple loop, over edge sizes, layouts and blockings.
struct PackedSgemmTests {
    /// `A·B` in float64 from row-major arrays.
    static func reference(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { for p in 0..<k { c[i * n + j] += Double(a[i * k + p]) * Double(b[p * n + j]) } } }
        return c
    }

    /// Runs the packed GEMM on row-major data stored as given (transposed storage when asked).
    static func packed(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int,
                       transposeA: Bool, transposeB: Bool, threads: Int) -> [Float] {
        // Store A (and B) either row-major or column-major, and describe it by strides.
        let aStore = transposeA ? (0..<(m * k)).map { a[($0 % m) * k + $0 / m] } : a
        let bStore = transposeB ? (0..<(k * n)).map { b[($0 % k) * n + $0 / k] } : b
        var c = [Float](repeating: .nan, count: m * n)
        aStore.withUnsafeBufferPointer { pa in
            bStore.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    PackedSgemm.multiply(
                        m: m, n: n, k: k,
                        a: .init(base: pa.baseAddress!, rowStride: transposeA ? 1 : k, colStride: transposeA ? m : 1),
                        b: .init(base: pb.baseAddress!, rowStride: transposeB ? 1 : n, colStride: transposeB ? k : 1),
                        c: pc.baseAddress!, ldc: n, threads: threads)
                }
            }
        }
        return c
    }

    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (3, 5, 7), (12, 32, 16), (13, 33, 17), (6, 16, 300), (37, 70, 5),
        (200, 45, 260), (64, 600, 20), (300, 260, 530),
        // Small C, long depth: A·Bᵀ (layout (false, true)) runs as dot products (apus_sgemm_nt),
        // over blocks of 4 rows and 4 (AVX2: 2) columns, 16 (8) lanes and a depth tail.
        (4, 4, 16), (5, 7, 29), (1, 9, 40), (13, 50, 211), (16, 150, 1000), (33, 3, 133),
        // A few rows against a large Bᵀ (layout (false, true)): dot products with B streamed once,
        // split among threads by columns.
        (16, 300, 260), (5, 257, 300), (1, 1000, 512),
    ]

    @Test(arguments: shapes, [(false, false), (true, false), (false, true), (true, true)])
    func matchesReference(shape: (Int, Int, Int), layout: (Bool, Bool)) {
        let (m, n, k) = shape
        let g = RandomGenerator(seed: UInt64(m * 1_000_000 + n * 1000 + k))
        let a = g.normals(m * k).map { Float($0) }, b = g.normals(k * n).map { Float($0) }
        let expected = Self.reference(a, b, m: m, n: n, k: k)
        let got = Self.packed(a, b, m: m, n: n, k: k, transposeA: layout.0, transposeB: layout.1, threads: 2)
        var worst = 0.0
        for (x, y) in zip(got, expected) { worst = Swift.max(worst, Swift.abs(Double(x) - y) / (1 + Swift.abs(y))) }
        #expect(worst < 1e-4, "m \(m) n \(n) k \(k) layout \(layout): worst relative error \(worst)")
    }

    @Test func streamedProductsDoNotDependOnThreadCount() {
        let (m, n, k) = (12, 700, 300)
        let g = RandomGenerator(seed: 9)
        let a = g.normals(m * k).map { Float($0) }, b = g.normals(k * n).map { Float($0) }
        #expect(PackedSgemm.streamsB(m: m, n: n, k: k))
        let one = Self.packed(a, b, m: m, n: n, k: k, transposeA: false, transposeB: true, threads: 1)
        for threads in [2, 3] {
            #expect(Self.packed(a, b, m: m, n: n, k: k, transposeA: false, transposeB: true, threads: threads) == one)
        }
    }

    @Test func resultsDoNotDependOnThreadCount() {
        let (m, n, k) = (150, 260, 300)
        let g = RandomGenerator(seed: 7)
        let a = g.normals(m * k).map { Float($0) }, b = g.normals(k * n).map { Float($0) }
        let one = Self.packed(a, b, m: m, n: n, k: k, transposeA: false, transposeB: false, threads: 1)
        for threads in [2, 3, 4] {
            #expect(Self.packed(a, b, m: m, n: n, k: k, transposeA: false, transposeB: false, threads: threads) == one)
        }
        // Few columns: the split runs over rows instead.
        let tall = Self.packed(a, Array(b[0..<(k * 8)]), m: m, n: 8, k: k, transposeA: false, transposeB: false, threads: 1)
        #expect(Self.packed(a, Array(b[0..<(k * 8)]), m: m, n: 8, k: k, transposeA: false, transposeB: false, threads: 3) == tall)
    }

    /// The dot-product path adds to C when asked, like the packed one.
    @Test func dotProductsAccumulate() {
        let (m, n, k) = (6, 25, 301)
        #expect(PackedSgemm.prefersDotProducts(m: m, n: n, k: k))
        let g = RandomGenerator(seed: 9)
        let a = g.normals(m * k).map { Float($0) }, b = g.normals(k * n).map { Float($0) }
        let bt = (0..<(k * n)).map { b[($0 % k) * n + $0 / k] }  // B stored column-major: Bᵀ's rows run along k
        var c = [Float](repeating: 1, count: m * n)
        a.withUnsafeBufferPointer { pa in
            bt.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    PackedSgemm.multiply(m: m, n: n, k: k, a: .init(base: pa.baseAddress!, rowStride: k, colStride: 1),
                                         b: .init(base: pb.baseAddress!, rowStride: 1, colStride: k),
                                         c: pc.baseAddress!, ldc: n, accumulate: true)
                }
            }
        }
        let expected = Self.reference(a, b, m: m, n: n, k: k)
        for (x, y) in zip(c, expected) { #expect(Swift.abs(Double(x) - (y + 1)) < 1e-4 * (1 + Swift.abs(y))) }
    }

    @Test func zeroDepthGivesZeros() {
        let c = Self.packed([], [], m: 3, n: 4, k: 0, transposeA: false, transposeB: false, threads: 1)
        #expect(c == [Float](repeating: 0, count: 12))
    }
}
