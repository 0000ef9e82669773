import Foundation

// Loops of the distance ops, each with its backward: the p-norm of every row of a contiguous block,
// the distance, cosine similarity and cosine of paired rows (pairwiseDistance, cosineSimilarity,
// cosineEmbeddingLoss) in one pass without intermediate tensors, and the distances between the
// rows of two batched matrices (cdist).
// The cdist loops follow PyTorch's CPU kernels term by term: one sequential sum per pair, the same
// special cases of p, and the same subgradients where a distance or a difference is 0.

/// The order p of a distance's norm, by the cases the kernels compute differently (``NormOrder`` is the public argument of the norm ops).
enum DistanceOrder: Equatable {
    case zero, one, two, infinity, negativeInfinity
    /// Any other p: `(Σ|x|^p)^(1/p)`.
    case general(Double)

    init(_ p: Double) {
        switch p {
        case 0: self = .zero
        case 1: self = .one
        case 2: self = .two
        case .infinity: self = .infinity
        case -.infinity: self = .negativeInfinity
        default: self = .general(p)
        }
    }
}

/// The sign of `x` as a number (−1, 0 or 1); NaN stays NaN.
@inline(__always)
private func signum<T: FloatScalar>(_ x: T) -> T { x > 0 ? 1 : (x < 0 ? -1 : x) }

extension Kernels {
    /// Rows below this many elements per pool job stay on one thread.
    private static let distanceGrain = 1 << 14

    // MARK: - Sums over a row in 16 lanes

    /// `Σ p[k]²`, accumulated in two 8-wide vectors (a fixed order: deterministic).
    @inline(__always)
    static func sumOfSquares<T: FloatScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        typealias V = SIMD8<T>
        let raw = UnsafeRawPointer(p), size = MemoryLayout<T>.stride
        var acc0 = V(), acc1 = V()
        var k = 0
        while k + 16 <= n {
            let a = raw.loadUnaligned(fromByteOffset: k * size, as: V.self)
            let b = raw.loadUnaligned(fromByteOffset: (k + 8) * size, as: V.self)
            acc0 += a * a
            acc1 += b * b
            k += 16
        }
        var s = (acc0 + acc1).sum()
        while k < n { s += p[k] * p[k]; k += 1 }
        return s
    }

    /// `Σ p[k]·q[k]`, accumulated as ``sumOfSquares(_:_:)``.
    @inline(__always)
    static func dot<T: FloatScalar>(_ p: UnsafePointer<T>, _ q: UnsafePointer<T>, _ n: Int) -> T {
        typealias V = SIMD8<T>
        let rp = UnsafeRawPointer(p), rq = UnsafeRawPointer(q), size = MemoryLayout<T>.stride
        var acc0 = V(), acc1 = V()
        var k = 0
        while k + 16 <= n {
            acc0 += rp.loadUnaligned(fromByteOffset: k * size, as: V.self) * rq.loadUnaligned(fromByteOffset: k * size, as: V.self)
            acc1 += rp.loadUnaligned(fromByteOffset: (k + 8) * size, as: V.self) * rq.loadUnaligned(fromByteOffset: (k + 8) * size, as: V.self)
            k += 16
        }
        var s = (acc0 + acc1).sum()
        while k < n { s += p[k] * q[k]; k += 1 }
        return s
    }

    /// `Σ (p[k]/c)·(q[k]/d)`, each factor rounded as PyTorch's normalised operands are, accumulated
    /// as ``sumOfSquares(_:_:)``.
    @inline(__always)
    static func normalizedDot<T: FloatScalar>(_ p: UnsafePointer<T>, _ c: T, _ q: UnsafePointer<T>, _ d: T, _ n: Int) -> T {
        typealias V = SIMD8<T>
        let rp = UnsafeRawPointer(p), rq = UnsafeRawPointer(q), size = MemoryLayout<T>.stride
        let (vc, vd) = (V(repeating: c), V(repeating: d))
        var acc0 = V(), acc1 = V()
        var k = 0
        while k + 16 <= n {
            acc0 += (rp.loadUnaligned(fromByteOffset: k * size, as: V.self) / vc) * (rq.loadUnaligned(fromByteOffset: k * size, as: V.self) / vd)
            acc1 += (rp.loadUnaligned(fromByteOffset: (k + 8) * size, as: V.self) / vc)
                * (rq.loadUnaligned(fromByteOffset: (k + 8) * size, as: V.self) / vd)
            k += 16
        }
        var s = (acc0 + acc1).sum()
        while k < n { s += (p[k] / c) * (q[k] / d); k += 1 }
        return s
    }

    // MARK: - Vector norms of rows

    /// The p-norm of each row of the contiguous `[rows, n]` block `x`, as PyTorch's
    /// `linalg.vector_norm` over the last axis: p = 0 counts the non-zero entries, ±∞ take the
    /// largest (smallest) magnitude and propagate NaN. Returns `[rows]`.
    static func rowNorms(_ x: Tensor, rows: Int, n: Int, order: DistanceOrder) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [rows], dtype: T.dtype)
            let src = UnsafePointer(x.storage.pointer(T.self) + x.offset), dst = out.storage.pointer(T.self)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, distanceGrain / Swift.max(n, 1))) { range in
                for r in range { dst[r] = rowNorm(src + r * n, n, order) }
            }
            return out
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("rowNorms: expected float32 or float64, got \(x.dtype)")
        }
    }

    @inline(__always)
    private static func rowNorm<T: FloatScalar>(_ p: UnsafePointer<T>, _ n: Int, _ order: DistanceOrder) -> T {
        switch order {
        case .zero:
            var s: T = 0
            for k in 0..<n where p[k] != 0 { s += 1 }
            return s
        case .one:
            var s: T = 0
            for k in 0..<n { s += Swift.abs(p[k]) }
            return s
        case .two:
            return sumOfSquares(p, n).squareRoot()
        case .infinity, .negativeInfinity:
            let largest = order == .infinity
            var m: T = largest ? 0 : .infinity
            for k in 0..<n {
                let a = Swift.abs(p[k])
                if a.isNaN { return a }
                if largest ? a > m : a < m { m = a }
            }
            return m
        case .general(let q):
            let e = T(q)
            var s: T = 0
            for k in 0..<n { s += T.pow(Swift.abs(p[k]), e) }
            return T(Foundation.pow(s.doubleValue, 1 / q))
        }
    }

    /// The gradient of ``rowNorms(_:rows:n:order:)`` (PyTorch's `norm_backward`): `g` and `norms`
    /// are `[rows]`, the result is `[rows, n]`. Where a norm is 0 the gradient is 0 (p ≥ 1); the
    /// ∞-norm shares its gradient among tied entries; p = 0 has none.
    static func rowNormsBackward(_ g: Tensor, _ x: Tensor, _ norms: Tensor, rows: Int, n: Int, order: DistanceOrder) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [rows, n], dtype: T.dtype)
            let src = UnsafePointer(x.storage.pointer(T.self) + x.offset), dst = out.storage.pointer(T.self)
            let gp = UnsafePointer(g.storage.pointer(T.self) + g.offset), np = UnsafePointer(norms.storage.pointer(T.self) + norms.offset)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, distanceGrain / Swift.max(n, 1))) { range in
                for r in range { rowNormBackward(src + r * n, dst + r * n, n, gp[r], np[r], order) }
            }
            return out
        }
        switch x.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("rowNormsBackward: expected float32 or float64, got \(x.dtype)")
        }
    }

    @inline(__always)
    private static func rowNormBackward<T: FloatScalar>(_ x: UnsafePointer<T>, _ out: UnsafeMutablePointer<T>, _ n: Int,
                                                         _ g: T, _ norm: T, _ order: DistanceOrder) {
        switch order {
        case .zero:
            for k in 0..<n { out[k] = 0 }
        case .one:
            for k in 0..<n { out[k] = signum(x[k]) * g }
        case .two:
            for k in 0..<n { out[k] = norm == 0 ? 0 : g * (x[k] / norm) }
        case .infinity, .negativeInfinity:
            // The entries whose magnitude is the norm (or NaN) share g evenly.
            var ties: T = 0
            for k in 0..<n where Swift.abs(x[k]) == norm || x[k].isNaN { ties += 1 }
            let share = g / ties
            for k in 0..<n { out[k] = Swift.abs(x[k]) == norm || x[k].isNaN ? signum(x[k]) * share : 0 }
        case .general(let q):
            let e = T(q)
            if q < 1 {
                let scale = g * T.pow(norm, 1 - e)
                for k in 0..<n { out[k] = x[k] == 0 ? 0 : signum(x[k]) * T.pow(Swift.abs(x[k]), e - 1) * scale }
            } else {
                let scale: T = norm == 0 ? 0 : g / T.pow(norm, e - 1)
                if q < 2 {
                    for k in 0..<n { out[k] = signum(x[k]) * T.pow(Swift.abs(x[k]), e - 1) * scale }
                } else {
                    for k in 0..<n { out[k] = x[k] * T.pow(Swift.abs(x[k]), e - 2) * scale }
                }
            }
        }
    }

    // MARK: - Distances and similarities of paired rows

    /// The p-norm of `x1[r] − x2[r] + eps` for each row r of two contiguous `[rows, n]` blocks of one
    /// dtype (pairwiseDistance without broadcasting), without materialising the differences: each
    /// row's differences go through a small buffer, rounded as `(x1 − x2) + eps` is. Returns `[rows]`.
    static func rowDistanceNorms(_ x1: Tensor, _ x2: Tensor, eps: Double, rows: Int, n: Int, order: DistanceOrder) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [rows], dtype: T.dtype)
            let a = UnsafePointer(x1.storage.pointer(T.self) + x1.offset), b = UnsafePointer(x2.storage.pointer(T.self) + x2.offset)
            let dst = out.storage.pointer(T.self), e = T(eps)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, distanceGrain / Swift.max(n, 1))) { range in
                let d = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(n, 1))
                defer { d.deallocate() }
                for r in range {
                    for k in 0..<n { d[k] = (a[r * n + k] - b[r * n + k]) + e }
                    dst[r] = rowNorm(d, n, order)
                }
            }
            return out
        }
        switch x1.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("pairwiseDistance: expected float32 or float64, got \(x1.dtype)")
        }
    }

    /// The gradient of ``rowDistanceNorms(_:_:eps:rows:n:order:)`` with respect to `x1` (that of
    /// `x2` is its negative), given `g` and the norms, both `[rows]`: `[rows, n]`.
    static func rowDistanceNormsBackward(_ g: Tensor, _ x1: Tensor, _ x2: Tensor, _ norms: Tensor, eps: Double, rows: Int, n: Int,
                                         order: DistanceOrder) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [rows, n], dtype: T.dtype)
            let a = UnsafePointer(x1.storage.pointer(T.self) + x1.offset), b = UnsafePointer(x2.storage.pointer(T.self) + x2.offset)
            let gp = UnsafePointer(g.storage.pointer(T.self) + g.offset), np = UnsafePointer(norms.storage.pointer(T.self) + norms.offset)
            let dst = out.storage.pointer(T.self), e = T(eps)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, distanceGrain / Swift.max(n, 1))) { range in
                let d = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(n, 1))
                defer { d.deallocate() }
                for r in range {
                    for k in 0..<n { d[k] = (a[r * n + k] - b[r * n + k]) + e }
                    rowNormBackward(d, dst + r * n, n, gp[r], np[r], order)
                }
            }
            return out
        }
        switch x1.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("pairwiseDistance backward: expected float32 or float64, got \(x1.dtype)")
        }
    }

    /// Cosine similarity of the rows of two contiguous `[rows, n]` blocks of one dtype, by
    /// PyTorch 2's formula `Σ (a/max(‖a‖, eps))·(b/max(‖b‖, eps))`, in one pass over each row pair.
    /// Returns the similarities and the two rows' Euclidean norms (unclamped), each `[rows]`.
    static func rowCosineSimilarities(_ x1: Tensor, _ x2: Tensor, eps: Double, rows: Int, n: Int) -> (Tensor, Tensor, Tensor) {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor, Tensor, Tensor) {
            let out = Tensor(uninitialized: [rows], dtype: T.dtype)
            let norms1 = Tensor(uninitialized: [rows], dtype: T.dtype), norms2 = Tensor(uninitialized: [rows], dtype: T.dtype)
            let a = UnsafePointer(x1.storage.pointer(T.self) + x1.offset), b = UnsafePointer(x2.storage.pointer(T.self) + x2.offset)
            let o = out.storage.pointer(T.self), o1 = norms1.storage.pointer(T.self), o2 = norms2.storage.pointer(T.self)
            let e = T(eps)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, distanceGrain / Swift.max(n, 1))) { range in
                for r in range {
                    let u = a + r * n, v = b + r * n
                    let (n1, n2) = (sumOfSquares(u, n).squareRoot(), sumOfSquares(v, n).squareRoot())
                    let (c1, c2) = (n1 < e ? e : n1, n2 < e ? e : n2)
                    (o[r], o1[r], o2[r]) = (normalizedDot(u, c1, v, c2, n), n1, n2)
                }
            }
            return (out, norms1, norms2)
        }
        switch x1.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("cosineSimilarity: expected float32 or float64, got \(x1.dtype)")
        }
    }

    /// The gradients of ``rowCosineSimilarities(_:_:eps:rows:n:)`` with respect to both blocks,
    /// given `g`, the similarities y and the norms (all `[rows]`), as PyTorch's autograd differentiates
    /// its formula (the clamp at eps passes the norm's gradient, which is 0 at a zero vector):
    /// `∂a = g·(b/(c_a·c_b) − y·a/(c_a·‖a‖))` with c = max(‖·‖, eps), and symmetrically for b.
    static func rowCosineSimilaritiesBackward(_ g: Tensor, _ x1: Tensor, _ x2: Tensor, _ y: Tensor, _ norms1: Tensor, _ norms2: Tensor,
                                              eps: Double, rows: Int, n: Int, first: Bool, second: Bool) -> (Tensor?, Tensor?) {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor?, Tensor?) {
            let out1 = first ? Tensor(uninitialized: [rows, n], dtype: T.dtype) : nil
            let out2 = second ? Tensor(uninitialized: [rows, n], dtype: T.dtype) : nil
            let a = UnsafePointer(x1.storage.pointer(T.self) + x1.offset), b = UnsafePointer(x2.storage.pointer(T.self) + x2.offset)
            let gp = UnsafePointer(g.storage.pointer(T.self) + g.offset), yp = UnsafePointer(y.storage.pointer(T.self) + y.offset)
            let n1p = UnsafePointer(norms1.storage.pointer(T.self) + norms1.offset)
            let n2p = UnsafePointer(norms2.storage.pointer(T.self) + norms2.offset)
            let d1 = out1?.storage.pointer(T.self), d2 = out2?.storage.pointer(T.self)
            let e = T(eps)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, distanceGrain / Swift.max(n, 1))) { range in
                for r in range {
                    let u = a + r * n, v = b + r * n
                    let (n1, n2) = (n1p[r], n2p[r])
                    let (c1, c2) = (n1 < e ? e : n1, n2 < e ? e : n2)
                    let gr = gp[r], yr = yp[r]
                    if let d1 {
                        let cross = gr / (c1 * c2), radial: T = n1 == 0 ? 0 : gr * yr / (c1 * n1)
                        for k in 0..<n { d1[r * n + k] = cross * v[k] - radial * u[k] }
                    }
                    if let d2 {
                        let cross = gr / (c1 * c2), radial: T = n2 == 0 ? 0 : gr * yr / (c2 * n2)
                        for k in 0..<n { d2[r * n + k] = cross * u[k] - radial * v[k] }
                    }
                }
            }
            return (out1, out2)
        }
        switch x1.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("cosineSimilarity backward: expected float32 or float64, got \(x1.dtype)")
        }
    }

    /// The cosines of cosineEmbeddingLoss for the rows of two contiguous `[rows, n]` blocks of one
    /// dtype, as PyTorch computes them: `Σab / √((Σa² + ε)(Σb² + ε))`. Returns the cosines and the two
    /// sums of squares with ε, each `[rows]`.
    static func rowEmbeddingCosines(_ x1: Tensor, _ x2: Tensor, epsilon: Double, rows: Int, n: Int) -> (Tensor, Tensor, Tensor) {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor, Tensor, Tensor) {
            let out = Tensor(uninitialized: [rows], dtype: T.dtype)
            let squares1 = Tensor(uninitialized: [rows], dtype: T.dtype), squares2 = Tensor(uninitialized: [rows], dtype: T.dtype)
            let a = UnsafePointer(x1.storage.pointer(T.self) + x1.offset), b = UnsafePointer(x2.storage.pointer(T.self) + x2.offset)
            let o = out.storage.pointer(T.self), o1 = squares1.storage.pointer(T.self), o2 = squares2.storage.pointer(T.self)
            let e = T(epsilon)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, distanceGrain / Swift.max(n, 1))) { range in
                for r in range {
                    let u = a + r * n, v = b + r * n
                    let (m1, m2) = (sumOfSquares(u, n) + e, sumOfSquares(v, n) + e)
                    (o[r], o1[r], o2[r]) = (dot(u, v, n) / (m1 * m2).squareRoot(), m1, m2)
                }
            }
            return (out, squares1, squares2)
        }
        switch x1.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("cosineEmbeddingLoss: expected float32 or float64, got \(x1.dtype)")
        }
    }

    /// The gradients of ``rowEmbeddingCosines(_:_:epsilon:rows:n:)`` given `g` and the cosines c:
    /// `∂a = g·(b/D − c·a/(Σa² + ε))` with D = √((Σa² + ε)(Σb² + ε)), and symmetrically for b.
    static func rowEmbeddingCosinesBackward(_ g: Tensor, _ x1: Tensor, _ x2: Tensor, _ cosines: Tensor, _ squares1: Tensor,
                                            _ squares2: Tensor, rows: Int, n: Int, first: Bool, second: Bool) -> (Tensor?, Tensor?) {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor?, Tensor?) {
            let out1 = first ? Tensor(uninitialized: [rows, n], dtype: T.dtype) : nil
            let out2 = second ? Tensor(uninitialized: [rows, n], dtype: T.dtype) : nil
            let a = UnsafePointer(x1.storage.pointer(T.self) + x1.offset), b = UnsafePointer(x2.storage.pointer(T.self) + x2.offset)
            let gp = UnsafePointer(g.storage.pointer(T.self) + g.offset), cp = UnsafePointer(cosines.storage.pointer(T.self) + cosines.offset)
            let m1p = UnsafePointer(squares1.storage.pointer(T.self) + squares1.offset)
            let m2p = UnsafePointer(squares2.storage.pointer(T.self) + squares2.offset)
            let d1 = out1?.storage.pointer(T.self), d2 = out2?.storage.pointer(T.self)
            ThreadPool.shared.parallelRanges(rows, grain: Swift.max(1, distanceGrain / Swift.max(n, 1))) { range in
                for r in range {
                    let u = a + r * n, v = b + r * n
                    let (m1, m2, gr, c) = (m1p[r], m2p[r], gp[r], cp[r])
                    let cross = gr / (m1 * m2).squareRoot()
                    if let d1 {
                        let radial = gr * c / m1
                        for k in 0..<n { d1[r * n + k] = cross * v[k] - radial * u[k] }
                    }
                    if let d2 {
                        let radial = gr * c / m2
                        for k in 0..<n { d2[r * n + k] = cross * u[k] - radial * v[k] }
                    }
                }
            }
            return (out1, out2)
        }
        switch x1.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("cosineEmbeddingLoss backward: expected float32 or float64, got \(x1.dtype)")
        }
    }

    // MARK: - cdist

    /// `√max(0, |aᵢ|² + |bⱼ|² − 2·products[i, j])` for every pair, from the products `a·bᵀ`
    /// `[batches, r1, r2]` and the rows of `a` `[batches, r1, m]` and `b` `[batches, r2, m]` (all
    /// contiguous): the Euclidean distances of cdist's matrix-product path (NaN propagates).
    static func euclideanDistances(fromProducts products: Tensor, _ a: Tensor, _ b: Tensor, batches: Int, r1: Int, r2: Int,
                                   m: Int) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [batches, r1, r2], dtype: T.dtype)
            let pp = UnsafePointer(products.storage.pointer(T.self) + products.offset), o = out.storage.pointer(T.self)
            let ap = UnsafePointer(a.storage.pointer(T.self) + a.offset), bp = UnsafePointer(b.storage.pointer(T.self) + b.offset)
            var squares2 = [T](repeating: 0, count: batches * r2)
            for j in 0..<(batches * r2) {
                var s: T = 0
                for k in 0..<m { s += bp[j * m + k] * bp[j * m + k] }
                squares2[j] = s
            }
            squares2.withUnsafeBufferPointer { n2 in
                ThreadPool.shared.parallelRanges(batches * r1, grain: Swift.max(1, distanceGrain / Swift.max(r2 + m, 1))) { range in
                    for row in range {
                        let batch = row / r1
                        var n1: T = 0
                        for k in 0..<m { n1 += ap[row * m + k] * ap[row * m + k] }
                        for j in 0..<r2 {
                            let v = -2 * pp[row * r2 + j] + n1 + n2[batch * r2 + j]
                            o[row * r2 + j] = (v < 0 ? 0 : v).squareRoot()
                        }
                    }
                }
            }
            return out
        }
        switch a.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("cdist: expected float32 or float64, got \(a.dtype)")
        }
    }

    /// Distances between every row of `x1` `[batches, p1, m]` and every row of `x2`
    /// `[batches, p2, m]` (both contiguous), `[batches, p1, p2]`, for the norm of order `order`.
    static func cdist(_ x1: Tensor, _ x2: Tensor, batches: Int, p1: Int, p2: Int, m: Int, order: DistanceOrder) -> Tensor {
        switch order {
        case .zero: return cdistTyped(CdistZero.self, x1, x2, batches, p1, p2, m, 0)
        case .one: return cdistTyped(CdistOne.self, x1, x2, batches, p1, p2, m, 1)
        case .two: return cdistTyped(CdistTwo.self, x1, x2, batches, p1, p2, m, 2)
        case .infinity, .negativeInfinity: return cdistTyped(CdistInfinity.self, x1, x2, batches, p1, p2, m, .infinity)
        case .general(let q): return q < 2 ? cdistTyped(CdistBelowTwo.self, x1, x2, batches, p1, p2, m, q)
                                           : cdistTyped(CdistGeneral.self, x1, x2, batches, p1, p2, m, q)
        }
    }

    private static func cdistTyped<M: CdistMetric>(_: M.Type, _ x1: Tensor, _ x2: Tensor, _ batches: Int, _ p1: Int, _ p2: Int,
                                                    _ m: Int, _ p: Double) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [batches, p1, p2], dtype: T.dtype)
            let a = UnsafePointer(x1.storage.pointer(T.self) + x1.offset), b = UnsafePointer(x2.storage.pointer(T.self) + x2.offset)
            let o = out.storage.pointer(T.self)
            let pt = T(p)
            ThreadPool.shared.parallelRanges(batches * p1, grain: Swift.max(1, distanceGrain / Swift.max(p2 * m, 1))) { range in
                for row in range {
                    let batch = row / Swift.max(p1, 1)
                    let u = a + row * m, base = b + batch * p2 * m, dst = o + row * p2
                    // Four rows of x2 at a time: four independent sums (each still in PyTorch's
                    // order over the coordinates) share the loads of u.
                    var j = 0
                    while j + 4 <= p2 {
                        let v0 = base + j * m, v1 = v0 + m, v2 = v1 + m, v3 = v2 + m
                        var acc0: T = 0, acc1: T = 0, acc2: T = 0, acc3: T = 0
                        for k in 0..<m {
                            let x = u[k]
                            acc0 = M.combine(acc0, M.term(Swift.abs(x - v0[k]), pt))
                            acc1 = M.combine(acc1, M.term(Swift.abs(x - v1[k]), pt))
                            acc2 = M.combine(acc2, M.term(Swift.abs(x - v2[k]), pt))
                            acc3 = M.combine(acc3, M.term(Swift.abs(x - v3[k]), pt))
                        }
                        dst[j] = M.finish(acc0, p)
                        dst[j + 1] = M.finish(acc1, p)
                        dst[j + 2] = M.finish(acc2, p)
                        dst[j + 3] = M.finish(acc3, p)
                        j += 4
                    }
                    while j < p2 {
                        let v = base + j * m
                        var acc: T = 0
                        for k in 0..<m { acc = M.combine(acc, M.term(Swift.abs(u[k] - v[k]), pt)) }
                        dst[j] = M.finish(acc, p)
                        j += 1
                    }
                }
            }
            return out
        }
        switch x1.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("cdist: expected float32 or float64, got \(x1.dtype)")
        }
    }

    /// The gradient of ``cdist(_:_:batches:p1:p2:m:order:)`` with respect to `x1`, given the output's
    /// gradient `g` and the distances `dist` (both `[batches, p1, p2]`, contiguous): for row i,
    /// `Σ_j ∂dist[i, j]/∂x1[i]·g[i, j]`, with PyTorch's subgradients (0 where a distance is 0; for
    /// p < 1 also where a difference is 0; the ∞-norm's full gradient to every tied entry). The
    /// gradient with respect to `x2` is this function with the operands swapped and `g`, `dist` transposed.
    static func cdistBackward(_ g: Tensor, _ x1: Tensor, _ x2: Tensor, _ dist: Tensor, batches: Int, p1: Int, p2: Int, m: Int,
                              order: DistanceOrder) -> Tensor {
        switch order {
        case .zero: return Tensor.zeros([batches, p1, m], dtype: x1.dtype)
        case .one: return cdistBackwardTyped(CdistOne.self, g, x1, x2, dist, batches, p1, p2, m, 1)
        case .two: return cdistBackwardTyped(CdistTwo.self, g, x1, x2, dist, batches, p1, p2, m, 2)
        case .infinity, .negativeInfinity: return cdistBackwardTyped(CdistInfinity.self, g, x1, x2, dist, batches, p1, p2, m, .infinity)
        case .general(let q): return q < 2 ? cdistBackwardTyped(CdistBelowTwo.self, g, x1, x2, dist, batches, p1, p2, m, q)
                                           : cdistBackwardTyped(CdistGeneral.self, g, x1, x2, dist, batches, p1, p2, m, q)
        }
    }

    private static func cdistBackwardTyped<M: CdistMetric>(_: M.Type, _ g: Tensor, _ x1: Tensor, _ x2: Tensor, _ dist: Tensor,
                                                            _ batches: Int, _ p1: Int, _ p2: Int, _ m: Int, _ p: Double) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let out = Tensor(uninitialized: [batches, p1, m], dtype: T.dtype)
            let a = UnsafePointer(x1.storage.pointer(T.self) + x1.offset), b = UnsafePointer(x2.storage.pointer(T.self) + x2.offset)
            let gp = UnsafePointer(g.storage.pointer(T.self) + g.offset), dp = UnsafePointer(dist.storage.pointer(T.self) + dist.offset)
            let o = out.storage.pointer(T.self)
            let pt = T(p)
            ThreadPool.shared.parallelRanges(batches * p1, grain: Swift.max(1, distanceGrain / Swift.max(p2 * m, 1))) { range in
                for row in range {
                    let batch = row / Swift.max(p1, 1)
                    let u = a + row * m, base = b + batch * p2 * m, dst = o + row * m
                    let gr = gp + row * p2, dr = dp + row * p2
                    for k in 0..<m { dst[k] = 0 }
                    // Four rows of x2 per pass over the coordinates; each coordinate still adds
                    // its terms in the order of j.
                    var j = 0
                    while j + 4 <= p2 {
                        let v0 = base + j * m, v1 = v0 + m, v2 = v1 + m, v3 = v2 + m
                        let (g0, g1, g2, g3) = (gr[j], gr[j + 1], gr[j + 2], gr[j + 3])
                        let (d0, d1, d2, d3) = (dr[j], dr[j + 1], dr[j + 2], dr[j + 3])
                        for k in 0..<m {
                            let x = u[k]
                            var s = dst[k]
                            s += M.gradient(x - v0[k], g0, d0, pt)
                            s += M.gradient(x - v1[k], g1, d1, pt)
                            s += M.gradient(x - v2[k], g2, d2, pt)
                            s += M.gradient(x - v3[k], g3, d3, pt)
                            dst[k] = s
                        }
                        j += 4
                    }
                    while j < p2 {
                        let v = base + j * m, gij = gr[j], dij = dr[j]
                        for k in 0..<m { dst[k] += M.gradient(u[k] - v[k], gij, dij, pt) }
                        j += 1
                    }
                }
            }
            return out
        }
        switch x1.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("cdist backward: expected float32 or float64, got \(x1.dtype)")
        }
    }
}

/// How cdist turns the differences of two rows into a distance (PyTorch's `Dist::*_calc`): the term
/// of one absolute difference, how terms combine, the final step, and the derivative of the
/// distance with respect to one coordinate of the first row times the output's gradient.
private protocol CdistMetric {
    static func term<T: FloatScalar>(_ a: T, _ p: T) -> T
    static func combine<T: FloatScalar>(_ acc: T, _ term: T) -> T
    static func finish<T: FloatScalar>(_ acc: T, _ p: Double) -> T
    static func gradient<T: FloatScalar>(_ diff: T, _ grad: T, _ dist: T, _ p: T) -> T
}

extension CdistMetric {
    @inline(__always) static func combine<T: FloatScalar>(_ acc: T, _ term: T) -> T { acc + term }
    @inline(__always) static func finish<T: FloatScalar>(_ acc: T, _ p: Double) -> T { acc }
}

/// p = 0: the number of coordinates that differ (NaN propagates); no gradient.
private enum CdistZero: CdistMetric {
    @inline(__always) static func term<T: FloatScalar>(_ a: T, _ p: T) -> T { a.isNaN ? a : (a == 0 ? 0 : 1) }
    @inline(__always) static func gradient<T: FloatScalar>(_ diff: T, _ grad: T, _ dist: T, _ p: T) -> T { 0 }
}

/// p = 1: the sum of absolute differences.
private enum CdistOne: CdistMetric {
    @inline(__always) static func term<T: FloatScalar>(_ a: T, _ p: T) -> T { a }
    @inline(__always) static func gradient<T: FloatScalar>(_ diff: T, _ grad: T, _ dist: T, _ p: T) -> T { grad * signum(diff) }
}

/// p = 2: the Euclidean distance, with gradient 0 where it is 0.
private enum CdistTwo: CdistMetric {
    @inline(__always) static func term<T: FloatScalar>(_ a: T, _ p: T) -> T { a * a }
    @inline(__always) static func finish<T: FloatScalar>(_ acc: T, _ p: Double) -> T { acc.squareRoot() }
    @inline(__always) static func gradient<T: FloatScalar>(_ diff: T, _ grad: T, _ dist: T, _ p: T) -> T {
        dist == 0 ? 0 : grad * diff / dist
    }
}

/// p = ∞: the largest absolute difference (a NaN difference is passed over, as `std::max` does);
/// every coordinate attaining it receives the full gradient.
private enum CdistInfinity: CdistMetric {
    @inline(__always) static func term<T: FloatScalar>(_ a: T, _ p: T) -> T { a }
    @inline(__always) static func combine<T: FloatScalar>(_ acc: T, _ term: T) -> T { acc < term ? term : acc }
    @inline(__always) static func gradient<T: FloatScalar>(_ diff: T, _ grad: T, _ dist: T, _ p: T) -> T {
        let e = Swift.abs(Swift.abs(diff) - dist)
        let attains: T = e.isNaN ? e : (e == 0 ? 1 : 0)
        return grad * signum(diff) * attains
    }
}

/// 0 < p < 2, p ≠ 1: `(Σ|d|^p)^(1/p)`; gradient 0 where the distance is 0, and for p < 1 also where
/// a difference is 0 (where |d|^(p−1) is infinite).
private enum CdistBelowTwo: CdistMetric {
    @inline(__always) static func term<T: FloatScalar>(_ a: T, _ p: T) -> T { T.pow(a, p) }
    @inline(__always) static func finish<T: FloatScalar>(_ acc: T, _ p: Double) -> T { T(Foundation.pow(acc.doubleValue, 1 / T(p).doubleValue)) }
    @inline(__always) static func gradient<T: FloatScalar>(_ diff: T, _ grad: T, _ dist: T, _ p: T) -> T {
        if dist == 0 || (diff == 0 && p < 1) { return 0 }
        return signum(diff) * T.pow(Swift.abs(diff), p - 1) * grad / T.pow(dist, p - 1)
    }
}

/// p > 2: `(Σ|d|^p)^(1/p)`, gradient 0 where the distance is 0.
private enum CdistGeneral: CdistMetric {
    @inline(__always) static func term<T: FloatScalar>(_ a: T, _ p: T) -> T { T.pow(a, p) }
    @inline(__always) static func finish<T: FloatScalar>(_ acc: T, _ p: Double) -> T { T(Foundation.pow(acc.doubleValue, 1 / T(p).doubleValue)) }
    @inline(__always) static func gradient<T: FloatScalar>(_ diff: T, _ grad: T, _ dist: T, _ p: T) -> T {
        dist == 0 ? 0 : diff * T.pow(Swift.abs(diff), p - 2) * grad / T.pow(dist, p - 1)
    }
}
