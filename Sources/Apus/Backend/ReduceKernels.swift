import CApusKernels
extension Kernels {
    /// Sum of `n` contiguous values, accumulated in 32 lanes (four 8-wide vectors) for speed and
    /// accuracy; the lanes are combined in a fixed order, so the result is deterministic.
    @inline(__always)
    static func sum<T: FloatScalar>(_ p: UnsafePointer<T>, _ n: Int) -> T {
        if T.self == Float.self {
            // The C loop's full-width vectors (AVX-512: 64 lanes; Swift's SIMD8 compiles to SSE
            // pairs without a -march flag): sum-1M 28.7 → 35 Gelem/s at 2 threads on Emerald Rapids.
            return unsafeBitCast(apus_vsum_f32(UnsafeRawPointer(p).assumingMemoryBound(to: Float.self), n), to: T.self)
        }
        typealias V = SIMD8<T>
        var a0 = V(), a1 = V(), a2 = V(), a3 = V()
        var i = 0
        let raw = UnsafeRawPointer(p)
        let stride = MemoryLayout<T>.stride
        while i + 32 <= n {
            a0 += raw.loadUnaligned(fromByteOffset: i * stride, as: V.self)
            a1 += raw.loadUnaligned(fromByteOffset: (i + 8) * stride, as: V.self)
            a2 += raw.loadUnaligned(fromByteOffset: (i + 16) * stride, as: V.self)
            a3 += raw.loadUnaligned(fromByteOffset: (i + 24) * stride, as: V.self)
            i += 32
        }
        var s = ((a0 + a1) + (a2 + a3)).sum()
        while i < n { s += p[i]; i += 1 }
        return s
    }

    /// Index of the first largest (or smallest) of `n` values; NaN counts as largest, as in PyTorch.
    @inline(__always)
    static func argExtreme<T: TensorScalar & Comparable>(_ p: UnsafePointer<T>, _ n: Int, largest: Bool) -> Int {
        var best = 0
        for i in 1..<max(n, 1) {
            let v = p[i], b = p[best]
            if b != b { break }  // the first NaN wins
            if v != v { best = i; break }
            if largest ? v > b : v < b { best = i }
        }
        return best
    }
}

// MARK: - Reductions over [outer, n, inner] blocks

/// A kernel over the floating-point element types (float32, float64): norms, quantiles, gradients.
protocol FloatingPointKernel {
    associatedtype Result
    func run<T: FloatScalar>(_ type: T.Type) -> Result
}

extension DType {
    /// Runs `kernel` for float32 or float64; stops with a message naming `op` for any other dtype
    /// (callers convert other floating-point types to float32 first).
    func dispatchFloatingPoint<K: FloatingPointKernel>(_ kernel: K, op: String) -> K.Result {
        switch self {
        case .float32: return kernel.run(Float.self)
        case .float64: return kernel.run(Double.self)
        default: fatalError("\(op): expected float32 or float64, got \(self)")
        }
    }
}

/// How one reduction combines elements: an accumulator starts at `initial`, takes elements with
/// `combine`, two partial accumulators (of consecutive parts, in order) join with `merge`, and
/// `finish` turns the total into the output element.
protocol Reducer {
    associatedtype Element
    associatedtype Accumulator
    associatedtype Output
    var initial: Accumulator { get }
    func combine(_ a: Accumulator, _ x: Element) -> Accumulator
    func merge(_ a: Accumulator, _ b: Accumulator) -> Accumulator
    func finish(_ a: Accumulator) -> Output
    /// The accumulator of `n` contiguous elements (default: four interleaved accumulators, merged).
    func row(_ p: UnsafePointer<Element>, _ n: Int) -> Accumulator
}

extension Reducer {
    @inline(__always)
    func row(_ p: UnsafePointer<Element>, _ n: Int) -> Accumulator { Kernels.reduceRow(self, p, n) }
}

extension Kernels {
    /// Elements per partial result of one long row reduced on several threads: fixed, so the
    /// result does not depend on the thread count.
    static let reduceChunk = 1 << 15

    /// Lines of a contiguous `[outer, n, inner]` block in groups, on the thread pool: `body(base,
    /// line, width)` gets the offset of the group's first element (`j = 0`), the index of its first
    /// line (`outer index · inner + inner index`, the position of its result in a reduced output)
    /// and the number of lines, adjacent in memory; element `j` of line `line + k` is at
    /// `base + j·inner + k`. With `inner == 1` every group is one row of `n` contiguous elements.
    /// Each line belongs to one group, so what a group writes no other group touches.
    static func forEachLineGroup(outer: Int, n: Int, inner: Int, _ body: (_ base: Int, _ line: Int, _ width: Int) -> Void) {
        guard outer > 0, inner > 0 else { return }
        let width = Swift.min(inner, 512)
        let perOuter = (inner + width - 1) / width
        let groups = outer * perOuter
        ThreadPool.shared.parallelRanges(groups, grain: Swift.max(1, parallelGrain / Swift.max(1, n * width))) { range in
            for g in range {
                let (o, c) = g.quotientAndRemainder(dividingBy: perOuter)
                let i0 = c * width
                body(o * n * inner + i0, o * inner + i0, Swift.min(width, inner - i0))
            }
        }
    }

    /// Reduces each line of a contiguous `[outer, n, inner]` block into `dst[outer · inner]`.
    ///
    /// Rows (`inner == 1`) are read with four accumulators (merged in a fixed order), a single long
    /// row in fixed chunks on the thread pool; otherwise each group of adjacent lines keeps one
    /// accumulator per line and adds the block's rows to them in order, a loop the compiler
    /// vectorises. No step depends on the thread count.
    static func reduce<R: Reducer>(_ r: R, _ src: UnsafePointer<R.Element>, outer: Int, n: Int, inner: Int,
                                   into dst: UnsafeMutablePointer<R.Output>) {
        if inner == 1 {
            if outer == 1 && n > reduceChunk {
                let chunks = (n + reduceChunk - 1) / reduceChunk
                let partial = UnsafeMutablePointer<R.Accumulator>.allocate(capacity: chunks)
                defer { partial.deinitialize(count: chunks); partial.deallocate() }
                ThreadPool.shared.parallelRanges(chunks, grain: 1) { range in
                    for c in range {
                        let lo = c * reduceChunk
                        (partial + c).initialize(to: r.row(src + lo, Swift.min(reduceChunk, n - lo)))
                    }
                }
                var total = partial[0]
                for c in 1..<chunks { total = r.merge(total, partial[c]) }
                dst[0] = r.finish(total)
                return
            }
            ThreadPool.shared.parallelRanges(outer, grain: Swift.max(1, parallelGrain / Swift.max(n, 1))) { range in
                for o in range { dst[o] = r.finish(r.row(src + o * n, n)) }
            }
            return
        }
        forEachLineGroup(outer: outer, n: n, inner: inner) { base, line, width in
            let acc = UnsafeMutablePointer<R.Accumulator>.allocate(capacity: width)
            defer { acc.deinitialize(count: width); acc.deallocate() }
            acc.initialize(repeating: r.initial, count: width)
            for j in 0..<n {
                let row = src + base + j * inner
                for k in 0..<width { acc[k] = r.combine(acc[k], row[k]) }
            }
            for k in 0..<width { dst[line + k] = r.finish(acc[k]) }
        }
    }

    /// One row's accumulator, from four interleaved partial accumulators.
    @inline(__always)
    static func reduceRow<R: Reducer>(_ r: R, _ p: UnsafePointer<R.Element>, _ n: Int) -> R.Accumulator {
        var a0 = r.initial, a1 = r.initial, a2 = r.initial, a3 = r.initial
        var j = 0
        while j + 4 <= n {
            a0 = r.combine(a0, p[j])
            a1 = r.combine(a1, p[j + 1])
            a2 = r.combine(a2, p[j + 2])
            a3 = r.combine(a3, p[j + 3])
            j += 4
        }
        while j < n { a0 = r.combine(a0, p[j]); j += 1 }
        return r.merge(r.merge(a0, a1), r.merge(a2, a3))
    }

    /// Value and index of the first largest (or smallest) element of each line of a contiguous
    /// `[outer, n, inner]` block (`n > 0`); NaN counts as largest and smallest, so the first NaN
    /// wins, as in PyTorch. Either output may be nil.
    static func extremeWithIndex<T: NumericScalar>(_ src: UnsafePointer<T>, outer: Int, n: Int, inner: Int, largest: Bool,
                                                   values: UnsafeMutablePointer<T>?, indices: UnsafeMutablePointer<Int64>?) {
        forEachLineGroup(outer: outer, n: n, inner: inner) { base, line, width in
            if inner == 1 {
                let i = argExtreme(src + base, n, largest: largest)
                values?[line] = src[base + i]
                indices?[line] = Int64(i)
                return
            }
            let best = UnsafeMutablePointer<T>.allocate(capacity: width), at = UnsafeMutablePointer<Int>.allocate(capacity: width)
            defer { best.deallocate(); at.deallocate() }
            best.initialize(from: src + base, count: width)
            at.initialize(repeating: 0, count: width)
            for j in 1..<Swift.max(n, 1) {
                let row = src + base + j * inner
                for k in 0..<width {
                    let v = row[k], b = best[k]
                    if b != b { continue }
                    if v != v || (largest ? v > b : v < b) { best[k] = v; at[k] = j }
                }
            }
            for k in 0..<width {
                values?[line + k] = best[k]
                indices?[line + k] = Int64(at[k])
            }
        }
    }

    /// Adds `g[outer, m, inner]` into a zeroed `grad[outer, n, inner]` at the positions
    /// `index[outer, m, inner]` along the middle axis (the backward of a pick along an axis).
    static func scatterAlongAxis<T: FloatScalar>(_ g: UnsafePointer<T>, index: UnsafePointer<Int64>, outer: Int, m: Int, n: Int, inner: Int,
                                                 into grad: UnsafeMutablePointer<T>) {
        grad.update(repeating: 0, count: outer * n * inner)
        forEachLineGroup(outer: outer, n: m, inner: inner) { base, line, width in
            let o = line / inner, i0 = line - o * inner
            let target = grad + o * n * inner + i0
            for j in 0..<m {
                for k in 0..<width {
                    let s = base + j * inner + k
                    target[Int(index[s]) * inner + k] += g[s]
                }
            }
        }
    }
}

// MARK: Reducers

/// `Σ x`; rows are added by ``Kernels/sum(_:_:)`` (32 lanes, the C vector loop for float32).
struct SumReducer<T: FloatScalar>: Reducer {
    var initial: T { 0 }
    @inline(__always) func combine(_ a: T, _ x: T) -> T { a + x }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { a + b }
    @inline(__always) func finish(_ a: T) -> T { a }
    @inline(__always) func row(_ p: UnsafePointer<T>, _ n: Int) -> T { Kernels.sum(p, n) }
}

/// `Σ x`, NaN counted as 0 (`nansum`).
struct NaNSumReducer<T: FloatScalar>: Reducer {
    var initial: T { 0 }
    @inline(__always) func combine(_ a: T, _ x: T) -> T { x != x ? a : a + x }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { a + b }
    @inline(__always) func finish(_ a: T) -> T { a }
}

/// The number of elements that are not NaN, as `T`.
struct NotNaNCountReducer<T: FloatScalar>: Reducer {
    var initial: Int { 0 }
    @inline(__always) func combine(_ a: Int, _ x: T) -> Int { x != x ? a : a + 1 }
    @inline(__always) func merge(_ a: Int, _ b: Int) -> Int { a + b }
    @inline(__always) func finish(_ a: Int) -> T { T(a) }
}

/// `Π x`.
struct ProdReducer<T: FloatScalar>: Reducer {
    var initial: T { 1 }
    @inline(__always) func combine(_ a: T, _ x: T) -> T { a * x }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { a * b }
    @inline(__always) func finish(_ a: T) -> T { a }
}

/// `Π x` of int64 values, wrapping around on overflow as PyTorch's integer products do.
struct WrappingProdReducer: Reducer {
    var initial: Int64 { 1 }
    @inline(__always) func combine(_ a: Int64, _ x: Int64) -> Int64 { a &* x }
    @inline(__always) func merge(_ a: Int64, _ b: Int64) -> Int64 { a &* b }
    @inline(__always) func finish(_ a: Int64) -> Int64 { a }
}

/// The largest (or smallest) value; NaN wins, as in PyTorch.
struct ExtremeReducer<T: NumericScalar>: Reducer {
    let largest: Bool
    /// The identity: the lowest value of `T` for a maximum, the highest for a minimum.
    let initial: T
    @inline(__always) func combine(_ a: T, _ x: T) -> T {
        if largest { return x > a || x != x ? x : a }
        return x < a || x != x ? x : a
    }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { combine(a, b) }
    @inline(__always) func finish(_ a: T) -> T { a }
}

/// Whether every (`all`) or some (`any`) element is true.
struct LogicalReducer: Reducer {
    let all: Bool
    var initial: Bool { all }
    @inline(__always) func combine(_ a: Bool, _ x: Bool) -> Bool { all ? a && x : a || x }
    @inline(__always) func merge(_ a: Bool, _ b: Bool) -> Bool { combine(a, b) }
    @inline(__always) func finish(_ a: Bool) -> Bool { a }
}

/// The number of true elements, as int64.
struct TrueCountReducer: Reducer {
    var initial: Int64 { 0 }
    @inline(__always) func combine(_ a: Int64, _ x: Bool) -> Int64 { x ? a + 1 : a }
    @inline(__always) func merge(_ a: Int64, _ b: Int64) -> Int64 { a + b }
    @inline(__always) func finish(_ a: Int64) -> Int64 { a }
}

/// `Σ|x|`, the 1-norm.
struct AbsSumReducer<T: FloatScalar>: Reducer {
    var initial: T { 0 }
    @inline(__always) func combine(_ a: T, _ x: T) -> T { a + Swift.abs(x) }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { a + b }
    @inline(__always) func finish(_ a: T) -> T { a }
}

/// `√Σx²`, the 2-norm (without rescaling: it overflows where `Σx²` does, as PyTorch's).
struct SquareSumRootReducer<T: FloatScalar>: Reducer {
    var initial: T { 0 }
    @inline(__always) func combine(_ a: T, _ x: T) -> T { a + x * x }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { a + b }
    @inline(__always) func finish(_ a: T) -> T { a.squareRoot() }
}

/// `max|x|` (or `min|x|`), the ∞-norm (−∞-norm); NaN wins.
struct AbsExtremeReducer<T: FloatScalar>: Reducer {
    let largest: Bool
    var initial: T { largest ? 0 : .infinity }
    @inline(__always) func combine(_ a: T, _ x: T) -> T { merge(a, Swift.abs(x)) }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { (largest ? b > a : b < a) || b != b ? b : a }
    @inline(__always) func finish(_ a: T) -> T { a }
}

/// The number of non-zero elements, as `T` (the 0-"norm"; NaN counts).
struct NonzeroCountReducer<T: FloatScalar>: Reducer {
    var initial: T { 0 }
    @inline(__always) func combine(_ a: T, _ x: T) -> T { x != 0 ? a + 1 : a }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { a + b }
    @inline(__always) func finish(_ a: T) -> T { a }
}

/// `(Σ|x|ᵖ)^(1/p)`, the p-norm for any other p.
struct PowerSumReducer<T: FloatScalar>: Reducer {
    let p: T
    var initial: T { 0 }
    @inline(__always) func combine(_ a: T, _ x: T) -> T { a + T.pow(Swift.abs(x), p) }
    @inline(__always) func merge(_ a: T, _ b: T) -> T { a + b }
    @inline(__always) func finish(_ a: T) -> T { T.pow(a, 1 / p) }
}

/// The lowest (for a maximum) or highest (for a minimum) value of `T`: ∓∞ for floating point, the
/// bounds of an integer type; the identity of ``ExtremeReducer``.
func extremeIdentity<T: NumericScalar>(_: T.Type, largest: Bool) -> T {
    func infinity<F: BinaryFloatingPoint>(_: F.Type) -> F { largest ? -F.infinity : F.infinity }
    func bound<I: FixedWidthInteger>(_: I.Type) -> I { largest ? I.min : I.max }
    if let f = T.self as? any BinaryFloatingPoint.Type { return infinity(f) as! T }
    if let i = T.self as? any FixedWidthInteger.Type { return bound(i) as! T }
    fatalError("extremeIdentity: no bounds for \(T.self)")
}

extension Kernels {
    /// Each line of a contiguous `[outer, n, inner]` block in order: `body(line, values, order, nans)`
    /// gets the line's `n` values (copied contiguous), the positions `0..<n` sorted by value with
    /// NaN last and ties by position (a stable order, whatever the sort), and the number of NaNs.
    static func forEachSortedLine<T: TensorScalar & Comparable>(_ src: UnsafePointer<T>, outer: Int, n: Int, inner: Int,
                                                    _ body: (_ line: Int, _ values: UnsafePointer<T>, _ order: UnsafePointer<Int>, _ nans: Int) -> Void) {
        forEachLineGroup(outer: outer, n: n, inner: inner) { base, line, width in
            let values = UnsafeMutablePointer<T>.allocate(capacity: Swift.max(n, 1))
            let order = UnsafeMutableBufferPointer<Int>.allocate(capacity: Swift.max(n, 1))
            defer { values.deallocate(); order.deallocate() }
            for k in 0..<width {
                var nans = 0
                for j in 0..<n {
                    let v = src[base + j * inner + k]
                    values[j] = v
                    order[j] = j
                    if v != v { nans += 1 }
                }
                var sorted = UnsafeMutableBufferPointer(rebasing: order[0..<n])
                sorted.sort { a, b in
                    let (va, vb) = (values[a], values[b])
                    if va != va || vb != vb { return vb != vb && (va == va || a < b) }
                    return va < vb || (va == vb && a < b)
                }
                body(line + k, values, UnsafePointer(order.baseAddress!), nans)
            }
        }
    }
}
