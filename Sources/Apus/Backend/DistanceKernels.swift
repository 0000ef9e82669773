import Foundation

// Loops of the distance ops: the p-norm of every row of a contiguous block (pairwiseDistance)
// and the distances between the rows of two batched matrices (cdist), each with its backward.
// The cdist loops follow PyTorch's CPU kernels term by term: one sequential sum per pair, the same
// special cases of p, and the same subgradients where a distance or a difference is 0.

/// The order p of a norm, by the cases that are computed differently.
enum NormOrder: Equatable {
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

    // MARK: - Vector norms of rows

    /// The p-norm of each row of the contiguous `[rows, n]` block `x`, as PyTorch's
    /// `linalg.vector_norm` over the last axis: p = 0 counts the non-zero entries, ±∞ take the
    /// largest (smallest) magnitude and propagate NaN. Returns `[rows]`.
    static func rowNorms(_ x: Tensor, rows: Int, n: Int, order: NormOrder) -> Tensor {
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
    private static func rowNorm<T: FloatScalar>(_ p: UnsafePointer<T>, _ n: Int, _ order: NormOrder) -> T {
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
            var s: T = 0
            for k in 0..<n { s += p[k] * p[k] }
            return s.squareRoot()
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
    static func rowNormsBackward(_ g: Tensor, _ x: Tensor, _ norms: Tensor, rows: Int, n: Int, order: NormOrder) -> Tensor {
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
                                                         _ g: T, _ norm: T, _ order: NormOrder) {
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
    /// `[batches, p2, m]` (both contiguous), `[batches, p1, p2]`, by the metric `M`.
    static func cdist(_ x1: Tensor, _ x2: Tensor, batches: Int, p1: Int, p2: Int, m: Int, order: NormOrder) -> Tensor {
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
                    for j in 0..<p2 {
                        let v = base + j * m
                        var acc: T = 0
                        for k in 0..<m { acc = M.combine(acc, M.term(Swift.abs(u[k] - v[k]), pt)) }
                        dst[j] = M.finish(acc, p)
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
                              order: NormOrder) -> Tensor {
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
                    for k in 0..<m { dst[k] = 0 }
                    for j in 0..<p2 {
                        let v = base + j * m, gij = gp[row * p2 + j], dij = dp[row * p2 + j]
                        for k in 0..<m { dst[k] += M.gradient(u[k] - v[k], gij, dij, pt) }
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
