// Spatial upsampling (resizing) of `[N, C, H, W]` tensors, as `torch.nn.functional.interpolate`
// with modes "nearest" and "bilinear". The source positions follow PyTorch's kernels exactly,
// including their arithmetic precision (float32 for nearest indices and float32 inputs), so
// the same output pixels are read.

/// How ``upsample(_:size:mode:alignCorners:)-(Tensor,IntPair,UpsampleMode,Bool)`` computes an output pixel.
public enum UpsampleMode: String, Sendable, CaseIterable {
    /// Copy the input pixel `⌊dst · in/out⌋` (PyTorch's "nearest", not "nearest-exact").
    case nearest
    /// Interpolate linearly between the two nearest input rows and the two nearest columns.
    case bilinear
}

/// Resizes `[N, C, H, W]` to `[N, C, size.height, size.width]`, as `torch.nn.functional.interpolate(x, size=…)`;
/// `size` is one integer for a square output or `[height, width]`.
///
/// - `.nearest`: output `(i, j)` copies input `(⌊i·H/H_out⌋, ⌊j·W/W_out⌋)`.
/// - `.bilinear`: output `(i, j)` interpolates at the source position `(i + ½)·H/H_out − ½`
///   (clamped at 0) or, with `alignCorners`, `i·(H − 1)/(H_out − 1)`, so corner pixels align.
///
/// `alignCorners` applies to `.bilinear` only. Backward: each output's gradient goes back to the
/// input pixels it was read from, with the same weights.
public func upsample(_ x: Tensor, size: IntPair, mode: UpsampleMode = .nearest, alignCorners: Bool = false) -> Tensor {
    checkUpsampleInput(x, mode: mode, alignCorners: alignCorners)
    require(size.height > 0 && size.width > 0,
            "upsample: output size must be positive, got \(size.height)×\(size.width) for input shape \(x.shape)")
    return resize(x, to: size.pair, scales: (nil, nil), mode: mode, alignCorners: alignCorners)
}

/// Resizes `[N, C, H, W]` to a `(height, width)` tuple.
@available(*, deprecated, message: "pass an IntPair: upsample(x, size: [48, 40])")
public func upsample(_ x: Tensor, size: (Int, Int), mode: UpsampleMode = .nearest, alignCorners: Bool = false) -> Tensor {
    upsample(x, size: IntPair(size), mode: mode, alignCorners: alignCorners)
}

/// Scales `[N, C, H, W]` by `scaleFactor` (one number for both axes, or `[height, width]`), as
/// `torch.nn.functional.interpolate(x, scale_factor=…)`: the output is `[N, C, ⌊H·s_h⌋, ⌊W·s_w⌋]`,
/// and, as in PyTorch, source positions use `1/s` as the step (not `H/H_out`; the two differ
/// when `H·s` is not a whole number). Modes and gradient as `upsample(_:size:mode:alignCorners:)`.
public func upsample(_ x: Tensor, scaleFactor: ScaleFactor, mode: UpsampleMode = .nearest, alignCorners: Bool = false) -> Tensor {
    checkUpsampleInput(x, mode: mode, alignCorners: alignCorners)
    let (sh, sw) = (scaleFactor.height, scaleFactor.width)
    require(sh > 0 && sw > 0 && sh.isFinite && sw.isFinite, "upsample: scale factor must be positive, got \(sh)×\(sw)")
    let size = (Int((Double(x.shape[2]) * sh).rounded(.down)), Int((Double(x.shape[3]) * sw).rounded(.down)))
    require(size.0 > 0 && size.1 > 0,
            "upsample: scale factor \(sh)×\(sw) gives an empty output \(size.0)×\(size.1) for input shape \(x.shape)")
    return resize(x, to: size, scales: (sh, sw), mode: mode, alignCorners: alignCorners)
}

/// Scales `[N, C, H, W]` by a `(height, width)` tuple of factors.
@available(*, deprecated, message: "pass a ScaleFactor: upsample(x, scaleFactor: [1.5, 2])")
public func upsample(_ x: Tensor, scaleFactor: (Double, Double), mode: UpsampleMode = .nearest, alignCorners: Bool = false) -> Tensor {
    upsample(x, scaleFactor: ScaleFactor(scaleFactor), mode: mode, alignCorners: alignCorners)
}

private func checkUpsampleInput(_ x: Tensor, mode: UpsampleMode, alignCorners: Bool) {
    require(x.rank == 4, "upsample: expected a 4-d input [N, C, H, W], got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "upsample: expected a floating-point input, got \(x.dtype)")
    require(x.shape[1] > 0 && x.shape[2] > 0 && x.shape[3] > 0, "upsample: expected a non-empty input, got shape \(x.shape)")
    require(!alignCorners || mode == .bilinear, "upsample: alignCorners applies to bilinear mode only, got mode \(mode)")
}

private func resize(_ x: Tensor, to size: (Int, Int), scales: (Double?, Double?), mode: UpsampleMode, alignCorners: Bool) -> Tensor {
    switch x.dtype {
    case .float32: resize(x, Float.self, to: size, scales: scales, mode: mode, alignCorners: alignCorners)
    default: resize(x, Double.self, to: size, scales: scales, mode: mode, alignCorners: alignCorners)
    }
}

private func resize<T: FloatScalar>(_ x: Tensor, _: T.Type, to size: (Int, Int), scales: (Double?, Double?), mode: UpsampleMode,
                                    alignCorners: Bool) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let inShape = x.shape, outShape = [n, c, size.0, size.1], planes = n * c
    let xc = x.detached().contiguous()
    switch mode {
    case .nearest:
        let rows = nearestSources(input: h, output: size.0, scale: scales.0)
        let cols = nearestSources(input: w, output: size.1, scale: scales.1)
        let out = Kernels.gatherNearest(xc, T.self, planes: planes, inH: h, inW: w, rows: rows, cols: cols, outShape: outShape)
        return recordUnary("upsample", x, out) { g in
            Kernels.scatterNearest(g.contiguous(), T.self, planes: planes, inH: h, inW: w, rows: rows, cols: cols, inShape: inShape)
        }
    case .bilinear:
        let rows = linearTaps(T.self, input: h, output: size.0, scale: scales.0, alignCorners: alignCorners)
        let cols = linearTaps(T.self, input: w, output: size.1, scale: scales.1, alignCorners: alignCorners)
        let out = Kernels.interpolate(xc, planes: planes, inH: h, inW: w, rows: rows, cols: cols, outShape: outShape)
        return recordUnary("upsample", x, out) { g in
            Kernels.interpolateBackward(g.contiguous(), planes: planes, inH: h, inW: w, rows: rows, cols: cols, inShape: inShape)
        }
    }
}

/// PyTorch's `nearest_idx`: the source index of each output index, computed in float32 as PyTorch does.
private func nearestSources(input: Int, output: Int, scale: Double?) -> [Int] {
    if output == input { return Array(0..<output) }
    if output == 2 * input { return (0..<output).map { $0 >> 1 } }
    let step: Float = if let scale, scale > 0 { Float(1 / scale) } else { Float(input) / Float(output) }
    return (0..<output).map { Swift.min(Int((Float($0) * step).rounded(.down)), input - 1) }
}

/// PyTorch's `compute_source_index_and_lambda`: for each output index, the two input indices and
/// their weights, computed in the element type (float32 for float32 tensors, as PyTorch).
private func linearTaps<T: FloatScalar>(_: T.Type, input: Int, output: Int, scale: Double?, alignCorners: Bool) -> InterpolationAxis<T> {
    var axis = InterpolationAxis<T>()
    if output == input {
        axis.index0 = Array(0..<output)
        axis.index1 = axis.index0
        axis.weight0 = [T](repeating: 1, count: output)
        axis.weight1 = [T](repeating: 0, count: output)
        return axis
    }
    // area_pixel_compute_scale
    let ratio: T
    if alignCorners {
        ratio = output > 1 ? T(input - 1) / T(output - 1) : 0
    } else if let scale, scale > 0 {
        ratio = T(1 / scale)
    } else {
        ratio = T(input) / T(output)
    }
    for o in 0..<output {
        // area_pixel_compute_source_index (linear: negative positions clamp to 0)
        var source = alignCorners ? ratio * T(o) : ratio * (T(o) + T(0.5)) - T(0.5)
        if !alignCorners && source < 0 { source = 0 }
        let i0 = Swift.min(Int(source.rounded(.down)), input - 1)
        let lambda = Swift.min(Swift.max(source - T(i0), 0), 1)
        axis.index0.append(i0)
        axis.index1.append(i0 + (i0 < input - 1 ? 1 : 0))
        axis.weight0.append(1 - lambda)
        axis.weight1.append(lambda)
    }
    return axis
}
