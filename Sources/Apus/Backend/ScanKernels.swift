// Cumulative operations along the middle axis of a contiguous [outer, n, inner] block, and their
// gradients. Each line is walked in order by one thread; groups of adjacent lines (inner > 1) are
// walked together, row by row, a loop the compiler vectorises.

/// One step of a cumulative operation: the running value after `x`.
protocol ScanStep {
    associatedtype Element
    func apply(_ running: Element, _ x: Element) -> Element
}

struct AddStep<T: FloatScalar>: ScanStep {
    @inline(__always) func apply(_ a: T, _ x: T) -> T { a + x }
}

struct MultiplyStep<T: FloatScalar>: ScanStep {
    @inline(__always) func apply(_ a: T, _ x: T) -> T { a * x }
}

/// int64 sums that wrap around on overflow, as PyTorch's do.
struct WrappingAddStep: ScanStep {
    @inline(__always) func apply(_ a: Int64, _ x: Int64) -> Int64 { a &+ x }
}

/// int64 products that wrap around on overflow, as PyTorch's do.
struct WrappingMultiplyStep: ScanStep {
    @inline(__always) func apply(_ a: Int64, _ x: Int64) -> Int64 { a &* x }
}

/// `log(eᵃ + eˣ)`, computed as PyTorch's logcumsumexp does: `max + log1p(exp(min − max))`, NaN
/// propagating, and two equal infinities giving that infinity.
struct LogAddExpStep<T: FloatScalar>: ScanStep {
    @inline(__always) func apply(_ running: T, _ x: T) -> T {
        if x != x || running != running { return .nan }
        let (lo, hi) = running < x ? (running, x) : (x, running)
        if lo == hi && !lo.isFinite { return x }
        return accurateLog1p(T.exp(lo - hi)) + hi
    }
}

/// `log(1 + x)`, accurate for small `x` (`log(u) · x / (u − 1)` with `u = 1 + x` rounded, Goldberg's
/// correction).
@inline(__always)
func accurateLog1p<T: FloatScalar>(_ x: T) -> T {
    let u = 1 + x
    if u == 1 { return x }
    if !u.isFinite { return T.log(u) }
    return T.log(u) * (x / (u - 1))
}

extension Kernels {
    /// `dst[j] = step(dst[j − 1], src[j])` along the middle axis (from the end when `reverse`),
    /// `dst[first] = src[first]`. `src` and `dst` may be the same buffer.
    static func scan<S: ScanStep>(_ s: S, _ src: UnsafePointer<S.Element>, _ dst: UnsafeMutablePointer<S.Element>,
                                  outer: Int, n: Int, inner: Int, reverse: Bool = false) {
        guard n > 0 else { return }
        forEachLineGroup(outer: outer, n: n, inner: inner) { base, _, width in
            let step = reverse ? -inner : inner
            var at = base + (reverse ? (n - 1) * inner : 0)
            for k in 0..<width { dst[at + k] = src[at + k] }
            for _ in 1..<n {
                let previous = at
                at += step
                for k in 0..<width { dst[at + k] = s.apply(dst[previous + k], src[at + k]) }
            }
        }
    }

    /// Running maximum (or minimum) along the middle axis and where it was found, as PyTorch's
    /// cummax/cummin: a later equal value takes over (the last index among ties), and a NaN
    /// takes over and stays.
    static func cumulativeExtreme<T: NumericScalar>(_ src: UnsafePointer<T>, values: UnsafeMutablePointer<T>,
                                                    indices: UnsafeMutablePointer<Int64>, outer: Int, n: Int, inner: Int, largest: Bool) {
        guard n > 0 else { return }
        forEachLineGroup(outer: outer, n: n, inner: inner) { base, _, width in
            for k in 0..<width {
                values[base + k] = src[base + k]
                indices[base + k] = 0
            }
            for j in 1..<n {
                let at = base + j * inner, previous = at - inner
                for k in 0..<width {
                    let x = src[at + k], best = values[previous + k]
                    if x != x || (best == best && (largest ? x >= best : x <= best)) {
                        values[at + k] = x
                        indices[at + k] = Int64(j)
                    } else {
                        values[at + k] = best
                        indices[at + k] = indices[previous + k]
                    }
                }
            }
        }
    }

    /// The gradient of cumprod along the middle axis, line by line, with zeros handled as PyTorch
    /// does. With `z` the first zero of a line (or its end) and `out` the cumulative products:
    /// before `z`, `∂xₖ = Σ_{j≥k} gⱼ outⱼ / xₖ` (the terms from `z` on are 0); at `z`,
    /// `∂x_z = out_{z−1} · Σ_{j≥z} gⱼ Π_{z<i≤j} xᵢ`; after `z`, 0 (each product contains x_z).
    static func cumprodBackward<T: FloatScalar>(x: UnsafePointer<T>, out: UnsafePointer<T>, g: UnsafePointer<T>,
                                                into grad: UnsafeMutablePointer<T>, outer: Int, n: Int, inner: Int) {
        guard n > 0 else { return }
        forEachLineGroup(outer: outer, n: n, inner: inner) { base, _, width in
            for k in 0..<width {
                var z = n
                for j in 0..<n where x[base + j * inner + k] == 0 { z = j; break }
                // Before the first zero: reversed cumulative sums of g·out, divided by x.
                var tail: T = 0
                for j in stride(from: n - 1, through: 0, by: -1) {
                    let at = base + j * inner + k
                    if j < z { tail += g[at] * out[at] }
                    grad[at] = j < z ? tail / x[at] : 0
                }
                guard z < n else { continue }
                var running: T = z == 0 ? 1 : out[base + (z - 1) * inner + k]
                var total: T = g[base + z * inner + k] * running
                for j in (z + 1)..<Swift.max(n, z + 1) {
                    let at = base + j * inner + k
                    running *= x[at]
                    total += g[at] * running
                }
                grad[base + z * inner + k] = total
            }
        }
    }

    /// The gradient of logcumsumexp along the middle axis: `∂xₖ = Σ_{j≥k} gⱼ exp(xₖ − outⱼ)`,
    /// computed from the end as `exp(xₖ − outₖ) · Tₖ` with `Tₖ = gₖ + exp(outₖ − outₖ₊₁) · Tₖ₊₁`,
    /// whose factors are at most 1 (`out` does not decrease), so nothing overflows.
    static func logcumsumexpBackward<T: FloatScalar>(x: UnsafePointer<T>, out: UnsafePointer<T>, g: UnsafePointer<T>,
                                                     into grad: UnsafeMutablePointer<T>, outer: Int, n: Int, inner: Int) {
        guard n > 0 else { return }
        forEachLineGroup(outer: outer, n: n, inner: inner) { base, _, width in
            for k in 0..<width {
                var t: T = 0
                var next: T = 0
                for j in stride(from: n - 1, through: 0, by: -1) {
                    let at = base + j * inner + k
                    let o = out[at]
                    t = j == n - 1 ? g[at] : g[at] + T.exp(o - next) * t
                    next = o
                    grad[at] = T.exp(x[at] - o) * t
                }
            }
        }
    }
}
