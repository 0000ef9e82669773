// Root-mean-square normalisation, as `torch.nn.functional.rms_norm`: one fused kernel forward and
// one backward (Backend/GroupNormKernels.swift).

/// Root-mean-square layer normalisation (Zhang & Sennrich, 2019), as
/// `torch.nn.functional.rms_norm`: scales each vector over the last `normalizedShape.count` axes of
/// `x` (which must end in `normalizedShape`) by the reciprocal of its root mean square, without
/// centring: `y = x / √(mean(x²) + eps) · weight`.
///
/// `eps` nil is the machine epsilon of x's dtype (`Float.ulpOfOne` for float32, as PyTorch's
/// `torch.finfo(x.dtype).eps`). `weight` has shape `normalizedShape` (nil: 1). Differentiable
/// w.r.t. `x` and `weight`: with `r = 1/√(mean(x²) + eps)` and `h = g·weight`,
/// `∂x = r·h − x·r³·mean(h·x)`, `∂weight = Σ g·x·r`.
public func rmsNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, eps: Double? = nil) -> Tensor {
    let k = normalizedShape.count
    require(k >= 1, "rmsNorm: normalizedShape must have at least one dimension, got \(normalizedShape)")
    require(x.rank >= k && Array(x.shape.suffix(k)) == normalizedShape,
            "rmsNorm: input of shape \(x.shape) does not end in normalizedShape \(normalizedShape)")
    require(x.dtype.isFloatingPoint, "rmsNorm: expected a floating-point input, got \(x.dtype)")
    if let r = inFloat32IfReduced(optional: [x, weight], { t in rmsNorm(t[0]!, normalizedShape: normalizedShape, weight: t[1], eps: eps) }) {
        return r
    }
    if let weight {
        require(weight.shape == normalizedShape, "rmsNorm: weight of shape \(weight.shape) does not match normalizedShape \(normalizedShape)")
    }
    let eps = eps ?? (x.dtype == .float32 ? Double(Float.ulpOfOne) : Double.ulpOfOne)
    let d = normalizedShape.reduce(1, *), rows = d == 0 ? 0 : x.count / d
    let xc = x.detached().contiguous()
    let w = weight?.cast(to: x.dtype)
    let wc = w?.detached().contiguous()
    let (out, invRms) = Kernels.rmsNormForward(xc, rows: rows, d: d, weight: wc, eps: eps)
    let inputs = [x] + [w].compactMap { $0 }
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    let (rx, rw, hasW, shape) = (x.requiresGrad, w?.requiresGrad ?? false, w != nil, normalizedShape)
    return record("rmsNorm", inputs, out) { g in
        let (dx, dw) = Kernels.rmsNormBackward(g.contiguous(), xc, rows: rows, d: d, invRms: invRms, weight: wc,
                                               inputGradient: rx, weightGradient: rw)
        return hasW ? [dx, dw?.reshape(shape)] : [dx]
    }
}
