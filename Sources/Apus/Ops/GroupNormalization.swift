// Per-sample normalisation over groups of channels: group normalisation and instance
// normalisation (one channel per group), as `torch.nn.functional.group_norm` and `instance_norm`.
// Forward and backward each run one fused kernel (Backend/GroupNormKernels.swift).

/// Group normalisation (Wu & He, 2018), as `torch.nn.functional.group_norm`: splits the channels
/// of `x` `[N, C, …]` into `numGroups` groups of `C/numGroups` consecutive channels and normalises
/// each (sample, group) over its channels and spatial positions, then scales and shifts per channel:
/// `y = (x − μ_ng) / √(σ²_ng + eps) · weight_c + bias_c` (σ² the biased variance).
///
/// Unlike batch normalisation the statistics never mix samples, so it behaves the same in training
/// and evaluation and with any batch size (detection and segmentation heads, FCOS and RetinaNet).
/// `C` must be positive and divisible by `numGroups`; `weight` and `bias` are `[C]` (nil: 1 and 0).
/// A batch of 0 gives an empty result. Differentiable w.r.t. `x`, `weight` and `bias`:
/// `∂x = (w·g − mean(w·g) − x̂·mean(w·g·x̂)) / √(σ² + eps)` over each group,
/// `∂weight = Σ g·x̂`, `∂bias = Σ g`.
public func groupNorm(_ x: Tensor, numGroups: Int, weight: Tensor? = nil, bias: Tensor? = nil, eps: Double = 1e-5) -> Tensor {
    require(x.rank >= 2, "groupNorm: expected an input [N, C, …] of at least 2 dimensions, got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "groupNorm: expected a floating-point input, got \(x.dtype)")
    if let r = inFloat32IfReduced(optional: [x, weight, bias], { t in groupNorm(t[0]!, numGroups: numGroups, weight: t[1], bias: t[2], eps: eps) }) {
        return r
    }
    let (n, c) = (x.shape[0], x.shape[1]), s = x.shape.dropFirst(2).reduce(1, *)
    require(numGroups > 0, "groupNorm: numGroups must be positive, got \(numGroups)")
    require(c > 0, "groupNorm: expected a positive number of channels, got input of shape \(x.shape)")
    require(c % numGroups == 0, "groupNorm: \(c) channels of input \(x.shape) are not divisible into \(numGroups) groups")
    require(n == 0 || s > 0, "groupNorm: input of shape \(x.shape) has no spatial elements")
    // PyTorch's check: more than one value per (sample·channel/group, group) "channel" of its batch-norm view.
    require(n * c / numGroups * s != 1, "groupNorm: expected more than 1 value per group, got input of shape \(x.shape) with \(numGroups) groups")
    for (name, t) in [("weight", weight), ("bias", bias)] {
        if let t { require(t.shape == [c], "groupNorm: \(name) of shape \(t.shape) does not match the \(c) channels of input \(x.shape)") }
    }
    return normalizeGroups(x, groups: numGroups, weight: weight, bias: bias, eps: eps, op: "groupNorm").out
}

/// The shared body of ``groupNorm(_:numGroups:weight:bias:eps:)`` and ``instanceNorm(_:runningMean:runningVar:weight:bias:useInputStats:momentum:eps:)``
/// (arguments checked): the output, recorded, and each (sample, group)'s mean and biased variance.
private func normalizeGroups(_ x: Tensor, groups: Int, weight: Tensor?, bias: Tensor?, eps: Double, op: String)
    -> (out: Tensor, mean: [Double], variance: [Double])
{
    let (n, c) = (x.shape[0], x.shape[1]), s = x.shape.dropFirst(2).reduce(1, *)
    let xc = x.detached().contiguous()
    let w = weight?.cast(to: x.dtype), b = bias?.cast(to: x.dtype)
    let wc = w?.detached().contiguous(), bc = b?.detached().contiguous()
    let (out, mean, variance, invStd) = Kernels.groupNormForward(xc, n: n, c: c, s: s, groups: groups, weight: wc, bias: bc, eps: eps)
    let inputs = [x] + [w, b].compactMap { $0 }
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return (out, mean, variance) }
    let (rx, hasW, hasB, dtype, cpg) = (x.requiresGrad, w != nil, b != nil, x.dtype, c / groups)
    let recorded = record(op, inputs, out) { g in
        let gc = g.contiguous()
        let (dx, sg, sgx) = Kernels.groupNormBackward(gc, xc, n: n, c: c, s: s, groups: groups, mean: mean, invStd: invStd,
                                                      weight: wc, inputGradient: rx)
        var grads: [Tensor?] = [dx]
        if hasW {
            var dw = [Double](repeating: 0, count: c)
            for i in 0..<n { for j in 0..<c { dw[j] += sgx[i * c + j] * invStd[i * groups + j / cpg] } }
            grads.append(Tensor(shape: [c], values: dw, dtype: dtype))
        }
        if hasB {
            var db = [Double](repeating: 0, count: c)
            for i in 0..<n { for j in 0..<c { db[j] += sg[i * c + j] } }
            grads.append(Tensor(shape: [c], values: db, dtype: dtype))
        }
        return grads
    }
    return (recorded, mean, variance)
}

/// Instance normalisation (Ulyanov et al., 2016), as `torch.nn.functional.instance_norm`:
/// normalises each channel of each sample of `x` `[N, C, …]` over its spatial positions,
/// `y = (x − μ_nc) / √(σ²_nc + eps) · weight_c + bias_c` (σ² biased), the style-transfer and GAN
/// normalisation; ``groupNorm(_:numGroups:weight:bias:eps:)`` with one channel per group.
///
/// - `useInputStats: true` (training, or a layer without running statistics): the statistics are
///   the input's; at least 2 spatial elements are required. When `runningMean`/`runningVar` `[C]`
///   are given they are updated in place with the statistics averaged over the batch:
///   `running ← (1 − momentum)·running + momentum·mean_n(batch)`, the variance unbiased
///   (`σ²·S/(S − 1)`), as PyTorch. An input without elements leaves them unchanged (PyTorch turns
///   them into NaN after an empty batch).
/// - `useInputStats: false`: normalises with `runningMean` and `runningVar` (both required), like
///   batch normalisation in evaluation mode.
///
/// `weight` and `bias` are `[C]` (nil: 1 and 0). Differentiable w.r.t. `x`, `weight` and `bias`.
public func instanceNorm(_ x: Tensor, runningMean: Buffer? = nil, runningVar: Buffer? = nil,
                         weight: Tensor? = nil, bias: Tensor? = nil, useInputStats: Bool = true,
                         momentum: Double = 0.1, eps: Double = 1e-5) -> Tensor {
    require(x.rank >= 2, "instanceNorm: expected an input [N, C, …] of at least 2 dimensions, got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "instanceNorm: expected a floating-point input, got \(x.dtype)")
    if let r = inFloat32IfReduced(optional: [x, weight, bias], { t in
        instanceNorm(t[0]!, runningMean: runningMean, runningVar: runningVar, weight: t[1], bias: t[2], useInputStats: useInputStats,
                     momentum: momentum, eps: eps)
    }) { return r }
    let (n, c) = (x.shape[0], x.shape[1]), s = x.shape.dropFirst(2).reduce(1, *)
    for (name, t) in [("weight", weight), ("bias", bias), ("runningMean", runningMean?.value), ("runningVar", runningVar?.value)] {
        if let t { require(t.shape == [c], "instanceNorm: \(name) of shape \(t.shape) does not match the \(c) channels of input \(x.shape)") }
    }
    guard useInputStats else {
        require(runningMean != nil && runningVar != nil,
                "instanceNorm: runningMean and runningVar are needed when useInputStats is false")
        return batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight, bias: bias, training: false, eps: eps)
    }
    require(s != 1, "instanceNorm: expected more than 1 spatial element when training, got input of shape \(x.shape)")
    let (out, mean, variance) = normalizeGroups(x, groups: c, weight: weight, bias: bias, eps: eps, op: "instanceNorm")
    // An input with no elements leaves the running statistics alone, as batch norm does (PyTorch
    // sets them to NaN for an empty batch, a mean over no samples).
    if n > 0 && s > 0 {
        let unbiased = Double(s) / Double(s - 1)
        var batchMean = [Double](repeating: 0, count: c), batchVar = batchMean
        for i in 0..<n {
            for j in 0..<c {
                batchMean[j] += mean[i * c + j] / Double(n)
                batchVar[j] += variance[i * c + j] * unbiased / Double(n)
            }
        }
        if let runningMean { runningMean.value = blend(runningMean.value, batchMean, momentum) }
        if let runningVar { runningVar.value = blend(runningVar.value, batchVar, momentum) }
    }
    return out
}
