// How ops without 16-bit kernels serve float16 and bfloat16 tensors: they compute in float32 and
// round the result back, the way PyTorch's CPU kernels compute reduced-precision types (in
// their "opmath" type, float) — one rounding per result, not one per intermediate step.

/// `body` applied to `x` widened to float32 with the result rounded back to `x`'s dtype, when `x`
/// is float16 or bfloat16; nil otherwise (the caller computes in `x`'s own dtype). The casts are
/// differentiable, so gradients flow through in float32 and arrive in the input's dtype.
@inline(__always)
func inFloat32IfReduced(_ x: Tensor, _ body: (Tensor) -> Tensor) -> Tensor? {
    guard x.dtype.isReducedPrecision else { return nil }
    return body(x.cast(to: .float32)).cast(to: x.dtype)
}

/// `body(g)`, in float32 when `g` is float16 or bfloat16 and rounded back: for the kernels that
/// accumulate (scatter-adds in backward passes) and have no 16-bit loops.
@inline(__always)
func inFloat32IfReduced(accumulating g: Tensor, _ body: (Tensor) -> Tensor) -> Tensor {
    inFloat32IfReduced(g, body) ?? body(g)
}

/// The two-operand form of ``inFloat32IfReduced(_:_:)``: `body` on both operands widened to float32
/// when either is float16 or bfloat16 (their promoted dtype then decides the result's dtype).
@inline(__always)
func inFloat32IfReduced(_ a: Tensor, _ b: Tensor, _ body: (Tensor, Tensor) -> Tensor) -> Tensor? {
    guard a.dtype.isReducedPrecision || b.dtype.isReducedPrecision else { return nil }
    let (pa, _) = Elementwise.promoteTypes(a, b, floating: true)
    guard pa.dtype.isReducedPrecision else { return nil }
    return body(a.cast(to: .float32), b.cast(to: .float32)).cast(to: pa.dtype)
}

/// ``inFloat32IfReduced(_:_:)`` for any number of operands: `body` on the operands with every
/// float16 or bfloat16 one widened to float32, its result rounded to the floating-point operands'
/// promoted dtype, when some operand is 16-bit; nil otherwise. Integer operands stay as they are.
func inFloat32IfReduced(_ operands: [Tensor], _ body: ([Tensor]) -> Tensor) -> Tensor? {
    guard operands.contains(where: { $0.dtype.isReducedPrecision }) else { return nil }
    let floats = operands.map(\.dtype).filter(\.isFloatingPoint)
    let dtype = floats.dropFirst().reduce(floats[0]) { DType.promoted($0, $1) }
    let result = body(operands.map { $0.dtype.isReducedPrecision ? $0.cast(to: .float32) : $0 })
    return dtype.isReducedPrecision ? result.cast(to: dtype) : result
}

/// The form with optional operands (an affine weight, a bias): `body` receives them in the same
/// positions, widened where present and nil where absent.
func inFloat32IfReduced(optional operands: [Tensor?], _ body: ([Tensor?]) -> Tensor) -> Tensor? {
    let present = operands.indices.filter { operands[$0] != nil }
    return inFloat32IfReduced(present.map { operands[$0]! }) { wide in
        var all = [Tensor?](repeating: nil, count: operands.count)
        for (i, t) in zip(present, wide) { all[i] = t }
        return body(all)
    }
}
