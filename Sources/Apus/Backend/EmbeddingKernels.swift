// Row loops of embedding lookups and embedding bags over a contiguous weight `[V, D]`.
//
// Forward passes write disjoint output rows in parallel. Backward passes add rows of the upstream
// gradient into the weight's gradient at the looked-up rows; several positions may hit one row,
// so the columns are split among the threads instead, and each thread adds the positions of its
// columns in position order: the sums do not depend on the number of threads.

extension Kernels {
    /// Columns per job of the backward scatters: enough work per job even for short rows.
    private static func columnGrain(_ positions: Int) -> Int { Swift.max(8, (1 << 14) / Swift.max(positions, 1)) }

    /// `out[i, :] = weight[rows[i], :]·scale[i]` (`scale` nil: 1), as a new `[rows.count, D]` tensor.
    static func gatherRows(_ weight: Tensor, rows: [Int], scale: [Double]?) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let d = weight.shape[1], count = rows.count
            let out = Tensor(uninitialized: [count, d], dtype: weight.dtype)
            let pw = UnsafePointer(weight.storage.pointer(T.self) + weight.offset), po = out.storage.pointer(T.self)
            ThreadPool.shared.parallelRanges(count, grain: Swift.max(1, (1 << 14) / Swift.max(d, 1))) { range in
                for i in range {
                    let src = pw + rows[i] * d, dst = po + i * d
                    if let scale {
                        let s = T(scale[i])
                        for j in 0..<d { dst[j] = src[j] * s }
                    } else {
                        dst.update(from: src, count: d)
                    }
                }
            }
            return out
        }
        switch weight.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("gatherRows: expected a floating-point weight, got \(weight.dtype)")
        }
    }

    /// The weight's gradient `[v, D]` of a lookup: `Σ factor[i]·g[source[i], :]` added into row
    /// `rows[i]` for every position `i` (`factor` nil: 1; positions with `factor` 0 still add 0).
    static func scatterRows(_ g: Tensor, source: [Int], rows: [Int], factor: [Double]?, v: Int) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let d = g.shape.last ?? 0
            let out = Tensor(shape: [v, d], dtype: g.dtype, zeroed: true)
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
            ThreadPool.shared.parallelRanges(d, grain: columnGrain(rows.count)) { cols in
                for i in rows.indices {
                    let src = pg + source[i] * d, dst = po + rows[i] * d
                    if let factor {
                        let f = T(factor[i])
                        for j in cols { dst[j] += f * src[j] }
                    } else {
                        for j in cols { dst[j] += src[j] }
                    }
                }
            }
            return out
        }
        switch g.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("scatterRows: expected a floating-point gradient, got \(g.dtype)")
        }
    }

    /// Sums (or maxima) of weight rows over bags: bag `b` holds the positions `bags[b]`; a position
    /// `i` contributes `weight[rows[i], :]·factor[i]` (nil: 1) unless `rows[i] == skip`. `divisor[b]`
    /// (nil: 1) divides bag b's sum (the mean). With `maximum`, each column takes the largest
    /// contribution (the first of ties) and `argmax` holds its row, −1 for an empty bag (zeros).
    static func bagReduce(_ weight: Tensor, rows: [Int], bags: [Range<Int>], factor: [Double]?, divisor: [Double]?,
                          skip: Int?, maximum: Bool) -> (out: Tensor, argmax: [Int]) {
        func run<T: FloatScalar>(_: T.Type) -> (Tensor, [Int]) {
            let d = weight.shape[1], count = bags.count
            let out = Tensor(shape: [count, d], dtype: weight.dtype, zeroed: true)
            var argmax = maximum ? [Int](repeating: -1, count: count * d) : []
            let pw = UnsafePointer(weight.storage.pointer(T.self) + weight.offset), po = out.storage.pointer(T.self)
            argmax.withUnsafeMutableBufferPointer { am in
                ThreadPool.shared.parallelRanges(count, grain: Swift.max(1, (1 << 13) / Swift.max(d, 1))) { range in
                    for b in range {
                        let dst = po + b * d
                        var first = true
                        for i in bags[b] where rows[i] != skip {
                            let src = pw + rows[i] * d
                            if maximum {
                                let f = factor.map { T($0[i]) }
                                for j in 0..<d {
                                    let v = f.map { src[j] * $0 } ?? src[j]
                                    if first || v > dst[j] { dst[j] = v; am[b * d + j] = rows[i] }
                                }
                            } else if let factor {
                                let f = T(factor[i])
                                for j in 0..<d { dst[j] += src[j] * f }
                            } else {
                                for j in 0..<d { dst[j] += src[j] }
                            }
                            first = false
                        }
                        if let divisor, divisor[b] != 1 {
                            let q = T(divisor[b])
                            for j in 0..<d { dst[j] /= q }
                        }
                    }
                }
            }
            return (out, argmax)
        }
        switch weight.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("bagReduce: expected a floating-point weight, got \(weight.dtype)")
        }
    }

    /// The weight's gradient `[v, D]` of a max bag: `g[b, j]` added to row `argmax[b·D + j]`, column `j`.
    static func scatterMaxima(_ g: Tensor, argmax: [Int], bags: Int, v: Int) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let d = g.shape.last ?? 0
            let out = Tensor(shape: [v, d], dtype: g.dtype, zeroed: true)
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), po = out.storage.pointer(T.self)
            ThreadPool.shared.parallelRanges(d, grain: columnGrain(bags)) { cols in
                for b in 0..<bags {
                    for j in cols where argmax[b * d + j] >= 0 { po[argmax[b * d + j] * d + j] += pg[b * d + j] }
                }
            }
            return out
        }
        switch g.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("scatterMaxima: expected a floating-point gradient, got \(g.dtype)")
        }
    }

    /// `Σ_j g[bag[i], j]·weight[rows[i], j]·scale[i]` for every position (0 where `rows[i] == skip`
    /// or the position is in no bag): the gradient of the per-sample weights of a sum bag.
    static func bagSampleWeightGradient(_ g: Tensor, _ weight: Tensor, rows: [Int], bagOf: [Int], scale: [Double]?, skip: Int?) -> Tensor {
        func run<T: FloatScalar>(_: T.Type) -> Tensor {
            let d = weight.shape[1]
            let out = Tensor(uninitialized: [rows.count], dtype: weight.dtype)
            let pg = UnsafePointer(g.storage.pointer(T.self) + g.offset), pw = UnsafePointer(weight.storage.pointer(T.self) + weight.offset)
            let po = out.storage.pointer(T.self)
            ThreadPool.shared.parallelRanges(rows.count, grain: Swift.max(1, (1 << 14) / Swift.max(d, 1))) { range in
                for i in range {
                    guard rows[i] != skip, bagOf[i] >= 0 else { po[i] = 0; continue }
                    let gb = pg + bagOf[i] * d, w = pw + rows[i] * d
                    var dot = T(0)
                    for j in 0..<d { dot += gb[j] * w[j] }
                    po[i] = scale.map { dot * T($0[i]) } ?? dot
                }
            }
            return out
        }
        switch weight.dtype {
        case .float32: return run(Float.self)
        case .float64: return run(Double.self)
        default: fatalError("bagSampleWeightGradient: expected a floating-point weight, got \(weight.dtype)")
        }
    }
}
