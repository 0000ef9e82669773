// Batch normalisation, layer normalisation and the weight-normalisation reparameterisation,
// as `torch.nn.functional.batch_norm`, `layer_norm` and `torch._weight_norm`.

/// Batch normalisation, as `torch.nn.functional.batch_norm`: normalises `x` `[N, C, …]` per
/// channel (axis 1) over every other axis, then scales and shifts per channel:
/// `y = (x − μ_c) / √(σ²_c + eps) · weight_c + bias_c`. Serves `[N, C]`, `[N, C, L]` and `[N, C, H, W]`.
///
/// - `training: true`: μ and σ² are the batch's mean and biased variance (dividing by
///   `M = N·L·…`; `M > 1` is required). When `runningMean`/`runningVar` are given they are
///   updated in place: `running ← (1 − momentum)·running + momentum·batch`, with the batch's
///   *unbiased* variance (`σ²·M/(M − 1)`) for `runningVar`, as PyTorch.
/// - `training: false`: μ and σ² are `runningMean` and `runningVar` (both required).
///
/// `weight` and `bias` are `[C]` (nil: 1 and 0). Differentiable w.r.t. `x`, `weight` and `bias`;
/// in training the gradient includes the dependence of the batch statistics on `x`:
/// `∂x = weight·(g − mean(g) − x̂·mean(g·x̂)) / √(σ² + eps)`, `∂weight = Σ g·x̂`, `∂bias = Σ g`.
/// Forward and backward each take two fused passes over the data.
public func batchNorm(_ x: Tensor, runningMean: Buffer? = nil, runningVar: Buffer? = nil,
                      weight: Tensor? = nil, bias: Tensor? = nil, training: Bool = false,
                      momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
    require(x.rank >= 2, "batchNorm: expected an input [N, C, …] of rank 2 or more, got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "batchNorm: expected a floating-point input, got \(x.dtype)")
    let (n, c) = (x.shape[0], x.shape[1])
    let s = x.shape.dropFirst(2).reduce(1, *)
    for (name, t) in [("weight", weight), ("bias", bias), ("runningMean", runningMean?.value), ("runningVar", runningVar?.value)] {
        if let t { require(t.shape == [c], "batchNorm: \(name) of shape \(t.shape) does not match \(c) channels of input \(x.shape)") }
    }
    require(eps >= 0, "batchNorm: eps must be non-negative, got \(eps)")
    if let r = inFloat32IfReduced(optional: [x, weight, bias], { t in
        batchNorm(t[0]!, runningMean: runningMean, runningVar: runningVar, weight: t[1], bias: t[2], training: training,
                  momentum: momentum, eps: eps)
    }) { return r }
    let xc = x.detached().contiguous()
    let mean: [Double], variance: [Double]
    // An empty batch normalises to an empty batch and leaves the running statistics alone, as in PyTorch.
    if x.count == 0 { return x * 1 }
    if training {
        let count = n * s
        require(count > 1, "batchNorm: expected more than 1 value per channel when training, got input of shape \(x.shape)")
        (mean, variance) = Kernels.channelMoments(xc, n: n, c: c, s: s)
        let unbiased = variance.map { $0 * Double(count) / Double(count - 1) }
        if let runningMean { runningMean.value = blend(runningMean.value, mean, momentum) }
        if let runningVar { runningVar.value = blend(runningVar.value, unbiased, momentum) }
    } else {
        guard let runningMean, let runningVar else {
            fatalError("batchNorm: evaluation (training: false) needs runningMean and runningVar")
        }
        (mean, variance) = (runningMean.value.toDoubles(), runningVar.value.toDoubles())
    }
    let invStd = variance.map { 1 / ($0 + eps).squareRoot() }
    let w = weight?.cast(to: x.dtype), b = bias?.cast(to: x.dtype)
    let wv = w?.toDoubles() ?? [Double](repeating: 1, count: c)
    let bv = b?.toDoubles() ?? [Double](repeating: 0, count: c)
    let scale = (0..<c).map { wv[$0] * invStd[$0] }
    let shift = (0..<c).map { bv[$0] - mean[$0] * scale[$0] }
    let out = Kernels.channelCombine(xc, nil, n: n, c: c, s: s, a: scale, b: nil, k: shift).reshape(x.shape)

    let inputs = [x] + [w, b].compactMap { $0 }
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    let (rx, hasW, hasB, shape, dtype) = (x.requiresGrad, w != nil, b != nil, x.shape, x.dtype)
    return record("batchNorm", inputs, out) { g in
        let gc = g.contiguous()
        let (sg, sgx) = Kernels.channelGradientSums(gc, xc, n: n, c: c, s: s, center: mean)
        var grads: [Tensor?] = []
        if rx {
            if training {
                let m = Double(n * s)
                let slope = (0..<c).map { -scale[$0] * invStd[$0] * invStd[$0] * sgx[$0] / m }
                let k = (0..<c).map { -scale[$0] * sg[$0] / m - slope[$0] * mean[$0] }
                grads.append(Kernels.channelCombine(gc, xc, n: n, c: c, s: s, a: scale, b: slope, k: k).reshape(shape))
            } else {
                grads.append(Kernels.channelCombine(gc, nil, n: n, c: c, s: s, a: scale, b: nil, k: [Double](repeating: 0, count: c)).reshape(shape))
            }
        } else {
            grads.append(nil)
        }
        if hasW { grads.append(Tensor(shape: [c], values: (0..<c).map { sgx[$0] * invStd[$0] }, dtype: dtype)) }
        if hasB { grads.append(Tensor(shape: [c], values: sg, dtype: dtype)) }
        return grads
    }
}

/// `(1 − momentum)·running + momentum·batch` in the running tensor's dtype.
func blend(_ running: Tensor, _ batch: [Double], _ momentum: Double) -> Tensor {
    let old = running.toDoubles()
    return Tensor(shape: running.shape, values: zip(old, batch).map { (1 - momentum) * $0 + momentum * $1 }, dtype: running.dtype)
}

/// Layer normalisation, as `torch.nn.functional.layer_norm`: normalises over the last
/// `normalizedShape.count` axes of `x` (which must end in `normalizedShape`), then applies the
/// elementwise affine map: `y = (x − μ) / √(σ² + eps) · weight + bias`, with μ and the biased σ²
/// taken over those axes for each leading index. `weight` and `bias` have shape
/// `normalizedShape` (nil: 1 and 0). Differentiable w.r.t. `x`, `weight` and `bias`.
public func layerNorm(_ x: Tensor, normalizedShape: [Int], weight: Tensor? = nil, bias: Tensor? = nil,
                      eps: Double = 1e-5) -> Tensor {
    let k = normalizedShape.count
    require(k >= 1 && x.rank >= k && Array(x.shape.suffix(k)) == normalizedShape,
            "layerNorm: input of shape \(x.shape) does not end in normalizedShape \(normalizedShape)")
    require(x.dtype.isFloatingPoint, "layerNorm: expected a floating-point input, got \(x.dtype)")
    if let r = inFloat32IfReduced(optional: [x, weight, bias], { t in
        layerNorm(t[0]!, normalizedShape: normalizedShape, weight: t[1], bias: t[2], eps: eps)
    }) { return r }
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let t { require(t.shape == normalizedShape, "layerNorm: \(name) of shape \(t.shape) does not match normalizedShape \(normalizedShape)") }
    }
    let d = normalizedShape.reduce(1, *)
    let rows = d == 0 ? 0 : x.count / d
    let xc = x.detached().contiguous()
    // x̂ = (x − μ)·invStd, one "channel" per row of the [1, rows, d] view.
    let (mean, variance) = Kernels.channelMoments(xc, n: 1, c: rows, s: d)
    let invStd = variance.map { 1 / ($0 + eps).squareRoot() }
    let shift = (0..<rows).map { -mean[$0] * invStd[$0] }
    let normalized = Kernels.channelCombine(xc, nil, n: 1, c: rows, s: d, a: invStd, b: nil, k: shift).reshape(x.shape)
    let shape = x.shape
    var y = recordUnary("layerNorm", x, normalized) { g in
        let gc = g.contiguous()
        let (sg, sgx) = Kernels.channelGradientSums(gc, xc, n: 1, c: rows, s: d, center: mean)
        let dd = Double(d)
        let slope = (0..<rows).map { -invStd[$0] * invStd[$0] * invStd[$0] * sgx[$0] / dd }
        let k = (0..<rows).map { -invStd[$0] * sg[$0] / dd - slope[$0] * mean[$0] }
        return Kernels.channelCombine(gc, xc, n: 1, c: rows, s: d, a: invStd, b: slope, k: k).reshape(shape)
    }
    if let weight { y = y * weight }
    if let bias { y = y + bias }
    return y
}

/// The weight-normalisation reparameterisation (Salimans & Kingma, 2016), as
/// `torch._weight_norm(v, g, dim=0)`: `w = g · v / ‖v‖`, with the Euclidean norm of `v` taken
/// per output unit, over every axis but 0. `v` is `[out, …]`, `g` is `[out, 1, …, 1]` (or `[out]`);
/// the result has `v`'s shape. Differentiable w.r.t. `v` and `g`.
public func weightNorm(_ v: Tensor, _ g: Tensor) -> Tensor {
    require(v.rank >= 1, "weightNorm: v must have at least one axis, got shape \(v.shape)")
    require(g.count == v.shape[0] && (g.shape == [v.shape[0]] || g.shape == [v.shape[0]] + [Int](repeating: 1, count: v.rank - 1)),
            "weightNorm: g of shape \(g.shape) does not have one value per output unit of v \(v.shape)")
    let keptShape = [v.shape[0]] + [Int](repeating: 1, count: v.rank - 1)
    if v.rank == 1 { return v * (g / abs(v)) }
    let norm = sqrt((v * v).sum(axes: Array(1..<v.rank), keepDims: true))
    return v * (g.reshape(keptShape) / norm)
}

/// Local response normalisation across channels (AlexNet), as
/// `torch.nn.functional.local_response_norm`: for `x` `[N, C, …]` (rank 3 or more),
/// `y = x / (k + α·mean_c(x²))^β`, where `mean_c` averages the squares over the `size` channels
/// `c − ⌊size/2⌋ … c + ⌊(size−1)/2⌋` (channels outside `0..<C` count as 0, and the divisor is
/// always `size`). Differentiable w.r.t. `x` (composed of `avgPool2d` over the channel axis,
/// `pow` and division).
public func localResponseNorm(_ x: Tensor, size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 1) -> Tensor {
    require(x.rank >= 3, "localResponseNorm: expected an input [N, C, …] of rank 3 or more, got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "localResponseNorm: expected a floating-point input, got \(x.dtype)")
    require(size > 0, "localResponseNorm: size must be positive, got \(size)")
    let (n, c, s) = (x.shape[0], x.shape[1], x.shape.dropFirst(2).reduce(1, *))
    if x.count == 0 { return x }
    // Channels as the rows of an [N, 1, C, S] image; a (size × 1) window padded by ⌊size/2⌋ on
    // both sides gives PyTorch's windows in its first C rows (one extra row when size is even).
    let windows = avgPool2d((x * x).reshape([n, 1, c, s]), kernelSize: IntPair(size, 1), stride: 1, padding: IntPair(size / 2, 0))
    let mean = (size % 2 == 0 ? windows.slice(axis: 2, end: c) : windows).reshape(x.shape)
    return x / pow(mean * alpha + k, beta)
}
