// Norms: torch.linalg.vector_norm and matrix_norm, and torch.norm on top of them. A vector norm is
// one reduction kernel (ReductionLayout), its gradient one pass as well.
import Foundation

/// The order of a norm: a number `p` (`1`, `2`, `.infinity`, `-1`, …), the Frobenius norm or the
/// nuclear norm, as the `p`/`ord` argument of `torch.norm` and `torch.linalg.matrix_norm`.
///
/// Integer and floating-point literals are orders `p`: `x.norm(p: 1)`, `matrixNorm(a, ord: -1)`.
public enum NormOrder: Sendable, Hashable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, CustomStringConvertible {
    /// The order `p` of a p-norm (for matrices: 1, −1, ∞, −∞ are the largest/smallest absolute
    /// column/row sums; 2 and −2 the largest/smallest singular values).
    case p(Double)
    /// The Frobenius norm `√Σ|aᵢⱼ|²` (PyTorch's `'fro'`).
    case frobenius
    /// The nuclear norm, the sum of the singular values (PyTorch's `'nuc'`).
    case nuclear

    /// The order ∞ (largest absolute value; largest absolute row sum of a matrix).
    public static var infinity: NormOrder { .p(.infinity) }
    /// The order −∞ (smallest absolute value; smallest absolute row sum of a matrix).
    public static var negativeInfinity: NormOrder { .p(-.infinity) }

    /// An integer order `p`.
    public init(integerLiteral value: Int) { self = .p(Double(value)) }
    /// A real order `p`.
    public init(floatLiteral value: Double) { self = .p(value) }

    /// `2`, `inf`, `-inf`, `0.5`, `fro` or `nuc`, as PyTorch names them.
    public var description: String {
        switch self {
        case .frobenius: return "fro"
        case .nuclear: return "nuc"
        case .p(let v): return normOrderName(v)
        }
    }
}

/// `2`, `0.5`, `inf`, `-inf`: an order as PyTorch prints it in messages.
func normOrderName(_ v: Double) -> String {
    if v.isInfinite { return v > 0 ? "inf" : "-inf" }
    return v == v.rounded() && Swift.abs(v) < 1e15 ? String(Int(v)) : String(v)
}

private struct VectorNormKernel: FloatingPointKernel {
    let layout: ReductionLayout, ord: Double
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        switch ord {
        case 1: return layout.reduce(AbsSumReducer<T>())
        case 2: return layout.reduce(SquareSumRootReducer<T>())
        case .infinity: return layout.reduce(AbsExtremeReducer<T>(largest: true))
        case -.infinity: return layout.reduce(AbsExtremeReducer<T>(largest: false))
        case 0: return layout.reduce(NonzeroCountReducer<T>())
        default: return layout.reduce(PowerSumReducer<T>(p: T(ord)))
        }
    }
}

/// PyTorch's gradient of a vector norm (`norm_backward`), line by line: 0 for p = 0; `sgn(x)·g`
/// for 1; `g·x/‖x‖` (0 where the norm is 0) for 2; for ±∞ `sgn(x)·g/k` at the `k` elements whose
/// magnitude is the norm (or NaN); `sgn(x)|x|^(p−1)·g·‖x‖^(1−p)` (0 at x = 0) for p < 1; and
/// `sgn(x)|x|^(p−1)·g/‖x‖^(p−1)` (0 where the norm is 0) otherwise.
private struct VectorNormBackwardKernel: FloatingPointKernel {
    let layout: ReductionLayout, norm: Tensor, g: Tensor, ord: Double
    func run<T: FloatScalar>(_: T.Type) -> Tensor {
        let (n, inner) = (layout.length, layout.inner)
        let grad = Tensor(uninitialized: layout.orderedShape, dtype: T.dtype)
        let x = layout.block.elementPointer(T.self), norms = norm.elementPointer(T.self), gp = g.elementPointer(T.self)
        let dst = grad.storage.pointer(T.self)
        let p = T(ord)
        @inline(__always) func sgn(_ v: T) -> T { v > 0 ? 1 : (v < 0 ? -1 : 0) }
        Kernels.forEachLineGroup(outer: layout.outer, n: n, inner: inner) { base, line, width in
            for k in 0..<width {
                let (nv, up) = (norms[line + k], gp[line + k])
                var ties: T = 0
                if ord.isInfinite {
                    for j in 0..<n {
                        let a = Swift.abs(x[base + j * inner + k])
                        if a == nv || a != a { ties += 1 }
                    }
                }
                let scale: T = ord < 1 ? T.pow(nv, 1 - p) : (nv == 0 ? 0 : up / T.pow(nv, p - 1))
                for j in 0..<n {
                    let at = base + j * inner + k
                    let v = x[at]
                    switch ord {
                    case 0: dst[at] = 0
                    case 1: dst[at] = sgn(v) * up
                    case 2: dst[at] = nv == 0 ? 0 : up * (v / nv)
                    case .infinity, -.infinity:
                        let a = Swift.abs(v)
                        dst[at] = sgn(v) * ((up / ties) * (a == nv || a != a ? 1 : 0))
                    default:
                        if ord < 1 {
                            dst[at] = (v == 0 ? 0 : sgn(v) * T.pow(Swift.abs(v), p - 1)) * up * scale
                        } else if ord < 2 {
                            dst[at] = sgn(v) * T.pow(Swift.abs(v), p - 1) * scale
                        } else {
                            dst[at] = v * T.pow(Swift.abs(v), p - 2) * scale
                        }
                    }
                }
            }
        }
        return layout.restored(grad)
    }
}

/// The vector norm of `x` over `axes` (all elements when nil), as `torch.linalg.vector_norm`:
/// `(Σ|x|ᵖ)^(1/p)` for `ord` p (default 2), `max|x|` for `.infinity`, `min|x|` for
/// `-.infinity`, the number of non-zero elements for 0. The reduced axes stay with size 1 when
/// `keepDims`. Floating-point tensors only.
///
/// Norms of no elements are 0 for `ord ≥ 0`; for `ord < 0` and ∞ they are undefined and stop, as
/// in PyTorch. The gradient is PyTorch's, with its subgradient 0 at 0 (`‖0‖₂` has gradient 0).
public func vectorNorm(_ x: Tensor, ord: Double = 2, axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
    x.requireFloatingPoint("vectorNorm")
    require(!ord.isNaN, "vectorNorm: the order must be a number, got nan")
    let xf = x.reductionOperand(integersToInt64: false)
    let layout = ReductionLayout(xf, axes: axes, keepDims: keepDims, op: "vectorNorm")
    if xf.count == 0 && (ord < 0 || ord == .infinity) {
        require(axes?.isEmpty == false && layout.length > 0,
                "vectorNorm: the \(normOrderName(ord)) norm of no elements is undefined (shape \(x.shape), axes \(axes.map { "\($0)" } ?? "all"))")
    }
    let out = xf.dtype.dispatchFloatingPoint(VectorNormKernel(layout: layout, ord: ord), op: "vectorNorm")
    let (norm, kept) = (out.detached().contiguous(), layout.keptShape)
    let result = recordUnary("vectorNorm", xf, out) { g in
        g.dtype.dispatchFloatingPoint(VectorNormBackwardKernel(layout: layout, norm: norm, g: g.reshape(kept).contiguous(), ord: ord),
                                      op: "vectorNorm backward")
    }
    return result.cast(to: x.dtype)
}

/// The matrix norm of the matrices spanned by the two `axes` of `x` (the last two by default), as
/// `torch.linalg.matrix_norm`: Frobenius (the default), or for `ord` 1 / −1 the largest / smallest
/// absolute column sum, for ∞ / −∞ the largest / smallest absolute row sum, for 2 / −2 the largest
/// / smallest singular value (the spectral norm) and for `.nuclear` the sum of the singular values
/// (these three through ``svdvals(_:)``, with its gradient). The two axes are reduced (kept with
/// size 1 when `keepDims`). Floating-point tensors of rank 2 or more.
public func matrixNorm(_ x: Tensor, ord: NormOrder = .frobenius, axes: [Int] = [-2, -1], keepDims: Bool = false) -> Tensor {
    require(x.rank >= 2, "matrixNorm: the input must have at least 2 dimensions, got shape \(x.shape)")
    x.requireFloatingPoint("matrixNorm")
    require(axes.count == 2, "matrixNorm: axes must name two axes, got \(axes)")
    let d = axes.map { x.normalizedAxis($0, op: "matrixNorm") }
    require(d[0] != d[1], "matrixNorm: axes must be different, got \(axes)")
    switch ord {
    case .frobenius:
        return vectorNorm(x, ord: 2, axes: d, keepDims: keepDims)
    case .nuclear:
        return singularValueNorm(x, axes: d, keepDims: keepDims) { $0.sum(axes: [-1]) }
    case .p(let p) where Swift.abs(p) == 2:
        return singularValueNorm(x, axes: d, keepDims: keepDims) { p > 0 ? $0.amax(axes: [-1]) : $0.amin(axes: [-1]) }
    case .p(let p):
        require(Swift.abs(p) == 1 || p.isInfinite, "matrixNorm: order \(normOrderName(p)) is not supported (1, -1, inf, -inf, fro, nuc)")
        // 1: max over columns of Σ|a| down each column (over the first axis); ∞: the same over rows.
        var (sumAxis, extremeAxis) = p.isInfinite ? (d[1], d[0]) : (d[0], d[1])
        if !keepDims && sumAxis < extremeAxis { extremeAxis -= 1 }
        let sums = vectorNorm(x, ord: 1, axes: [sumAxis], keepDims: keepDims)
        if p > 0 && sums.shape[extremeAxis] == 0 {
            // The largest of no sums of magnitudes: 0, as PyTorch gives (the smallest stops in amin).
            return sums.sum(axes: [extremeAxis], keepDims: keepDims)
        }
        return p > 0 ? sums.amax(axes: [extremeAxis], keepDims: keepDims) : sums.amin(axes: [extremeAxis], keepDims: keepDims)
    }
}

/// A norm of the singular values of the matrices spanned by axes `d` of `x`: `reduce` maps the
/// singular values `[batch…, k]` to `[batch…]`; the two axes come back with size 1 when `keepDims`.
private func singularValueNorm(_ x: Tensor, axes d: [Int], keepDims: Bool, _ reduce: (Tensor) -> Tensor) -> Tensor {
    var out = reduce(svdvals(x.movedim(source: d, destination: [x.rank - 2, x.rank - 1])))
    if keepDims { for a in d.sorted() { out = out.unsqueezed(axis: a) } }
    return out
}

/// The norm of `x`, as `torch.norm`: for a number `p` (default 2) the vector norm over `axes` (all
/// elements when nil, ``vectorNorm(_:ord:axes:keepDims:)``); `.frobenius` is the 2-norm over up to
/// two axes; `.nuclear` is a matrix norm (``matrixNorm(_:ord:axes:keepDims:)``).
public func norm(_ x: Tensor, p: NormOrder = 2, axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
    switch p {
    case .p(let v):
        return vectorNorm(x, ord: v, axes: axes, keepDims: keepDims)
    case .frobenius where (axes?.count ?? 0) <= 2:
        return vectorNorm(x, ord: 2, axes: axes, keepDims: keepDims)
    default:
        return matrixNorm(x, ord: p, axes: axes ?? Array(0..<x.rank), keepDims: keepDims)
    }
}

extension Tensor {
    /// The norm of this tensor, as `torch.norm`: see ``norm(_:p:axes:keepDims:)``.
    public func norm(p: NormOrder = 2, axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        Apus.norm(self, p: p, axes: axes, keepDims: keepDims)
    }

    /// The vector norm over `axes`, as `torch.linalg.vector_norm`: see ``vectorNorm(_:ord:axes:keepDims:)``.
    public func vectorNorm(ord: Double = 2, axes: [Int]? = nil, keepDims: Bool = false) -> Tensor {
        Apus.vectorNorm(self, ord: ord, axes: axes, keepDims: keepDims)
    }

    /// The matrix norm over two axes, as `torch.linalg.matrix_norm`: see ``matrixNorm(_:ord:axes:keepDims:)``.
    public func matrixNorm(ord: NormOrder = .frobenius, axes: [Int] = [-2, -1], keepDims: Bool = false) -> Tensor {
        Apus.matrixNorm(self, ord: ord, axes: axes, keepDims: keepDims)
    }
}
