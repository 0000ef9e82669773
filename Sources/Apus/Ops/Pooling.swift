// Max, average, adaptive and global pooling over the spatial axes, as
// `torch.nn.functional.max_pool2d`, `avg_pool2d`, `adaptive_avg_pool2d`, `adaptive_max_pool2d`
// and their 1-d forms. Inputs are `[N, C, H, W]` or unbatched `[C, H, W]` (1-d: `[N, C, L]` or
// `[C, L]`); every (sample, channel) plane is pooled on its own, planes in parallel
// (Backend/PoolKernels.swift).
//
// Window sizes, strides, paddings, dilations and output sizes of the 2-d ops are `IntPair`s (an
// integer for both axes or `[height, width]`, Ops/SpatialArguments.swift); the 1-d ops take `Int`s.

// MARK: Checks and geometry

/// The planes, input height and width of a pooling input of rank 3 or 4; stops otherwise.
private func spatialLayout(_ x: Tensor, op: String, shownShape: [Int]? = nil, expected: String = "[N, C, H, W] or [C, H, W]")
    -> (leading: [Int], planes: Int, h: Int, w: Int) {
    let shown = shownShape ?? x.shape
    require(x.rank == 3 || x.rank == 4, "\(op): expected an input \(expected), got shape \(shown)")
    require(x.dtype.isFloatingPoint, "\(op): expected a floating-point input, got \(x.dtype)")
    let leading = Array(x.shape.dropLast(2))
    let (h, w) = (x.shape[x.rank - 2], x.shape[x.rank - 1])
    // As PyTorch, only the batch axis may be empty.
    require(h > 0 && w > 0 && x.shape[x.rank - 3] > 0, "\(op): expected a non-empty input \(expected), got shape \(shown)")
    return (leading, leading.reduce(1, *), h, w)
}

/// "3×3" or "3" for 1-d ops (whose pairs are `(1, k)`).
private func describe(_ p: (Int, Int), oneD: Bool) -> String { oneD ? "\(p.1)" : "\(p.0)×\(p.1)" }

/// Validates a sliding-window pooling's hyper-parameters as PyTorch does and returns the output size.
private func slidingOutputSize(op: String, shownShape: [Int], h: Int, w: Int, kernel: (Int, Int), stride: (Int, Int),
                               padding: (Int, Int), dilation: (Int, Int), ceilMode: Bool, oneD: Bool) -> (Int, Int) {
    let d = { describe($0, oneD: oneD) }
    require(kernel.0 > 0 && kernel.1 > 0, "\(op): kernel size must be positive, got \(d(kernel))")
    require(stride.0 > 0 && stride.1 > 0, "\(op): stride must be positive, got \(d(stride))")
    require(dilation.0 > 0 && dilation.1 > 0, "\(op): dilation must be positive, got \(d(dilation))")
    require(padding.0 >= 0 && padding.1 >= 0, "\(op): padding must be non-negative, got \(d(padding))")
    let effective = ((kernel.0 - 1) * dilation.0 + 1, (kernel.1 - 1) * dilation.1 + 1)
    // PyTorch's rule (max_pool2d_with_indices, avg_pool2d): pad ≤ ⌊kernel/2⌋, dilation aside.
    require(padding.0 <= kernel.0 / 2 && padding.1 <= kernel.1 / 2,
            "\(op): padding \(d(padding)) must be at most half the kernel size \(d(kernel)) (PyTorch's rule), input shape \(shownShape)")
    let outH = PoolAxis.outputSize(input: h, kernel: kernel.0, stride: stride.0, padding: padding.0, dilation: dilation.0, ceilMode: ceilMode)
    let outW = PoolAxis.outputSize(input: w, kernel: kernel.1, stride: stride.1, padding: padding.1, dilation: dilation.1, ceilMode: ceilMode)
    let inputSize = oneD ? "\(w)" : "\(h)×\(w)"
    require(outH >= 1 && outW >= 1,
            "\(op): kernel \(d(effective)) (with dilation) is larger than the padded input \(inputSize) (input shape \(shownShape), padding \(d(padding)))")
    return (outH, outW)
}

// MARK: Max pooling

/// 2-d max pooling, as `torch.nn.functional.max_pool2d`: each output is the largest input in its
/// `kernelSize` window; windows start every `stride` (default: the kernel size) on the input
/// padded with −∞ by `padding` on each side, and their taps are `dilation` apart.
///
/// Input `[N, C, H, W]` or `[C, H, W]`; output `[N, C, H_out, W_out]` with
/// `H_out = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1` (⌈…⌉ with `ceilMode`, where
/// the last window must still start inside the input or the left padding), likewise `W_out`.
/// `padding` must be at most half the kernel size (PyTorch's rule).
///
/// Backward: each output's gradient goes to the input that was its maximum (the first one on
/// ties, as PyTorch; the forward pass keeps that index as an `Int32` per output).
public func maxPool2d(_ x: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                      dilation: IntPair = 1, ceilMode: Bool = false) -> Tensor {
    maxPool(x, op: "maxPool2d", shownShape: x.shape, kernel: kernelSize.pair, stride: (stride ?? kernelSize).pair,
            padding: padding.pair, dilation: dilation.pair, ceilMode: ceilMode, oneD: false)
}

/// 2-d max pooling with `(height, width)` tuples.
@available(*, deprecated, message: "pass IntPairs: maxPool2d(x, kernelSize: [2, 3], stride: [2, 1])")
public func maxPool2d(_ x: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                      dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) -> Tensor {
    maxPool2d(x, kernelSize: IntPair(kernelSize), stride: stride.map(IntPair.init), padding: IntPair(padding),
              dilation: IntPair(dilation), ceilMode: ceilMode)
}

/// 1-d max pooling over the last axis, as `torch.nn.functional.max_pool1d`: input `[N, C, L]` or
/// `[C, L]`, output `[N, C, L_out]` with the same size rule, padding (−∞) and gradient as
/// `maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)`.
public func maxPool1d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                      ceilMode: Bool = false) -> Tensor {
    require(x.rank == 2 || x.rank == 3, "maxPool1d: expected an input [N, C, L] or [C, L], got shape \(x.shape)")
    let y = maxPool(x.reshape(Array(x.shape.dropLast()) + [1, x.shape[x.rank - 1]]), op: "maxPool1d", shownShape: x.shape,
                    kernel: (1, kernelSize), stride: (1, stride ?? kernelSize), padding: (0, padding),
                    dilation: (1, dilation), ceilMode: ceilMode, oneD: true)
    return y.reshape(Array(x.shape.dropLast()) + [y.shape[y.rank - 1]])
}

private func maxPool(_ x: Tensor, op: String, shownShape: [Int], kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                     dilation: (Int, Int), ceilMode: Bool, oneD: Bool) -> Tensor {
    let (leading, planes, h, w) = spatialLayout(x, op: op, shownShape: shownShape,
                                                expected: oneD ? "[N, C, L] or [C, L]" : "[N, C, H, W] or [C, H, W]")
    let (outH, outW) = slidingOutputSize(op: op, shownShape: shownShape, h: h, w: w, kernel: kernel, stride: stride,
                                         padding: padding, dilation: dilation, ceilMode: ceilMode, oneD: oneD)
    let rows = PoolAxis.dilated(input: h, output: outH, kernel: kernel.0, stride: stride.0, padding: padding.0, dilation: dilation.0)
    let cols = PoolAxis.dilated(input: w, output: outW, kernel: kernel.1, stride: stride.1, padding: padding.1, dilation: dilation.1)
    return windowMax(x, op: op, planes: planes, rows: rows, cols: cols, outShape: leading + [outH, outW])
}

/// Max over precomputed windows, recording the argmax-routing backward when `x` needs it.
private func windowMax(_ x: Tensor, op: String, planes: Int, rows: PoolAxis, cols: PoolAxis, outShape: [Int]) -> Tensor {
    let record = shouldRecord(x)
    let (out, argmax) = Kernels.maxPool(x.detached().contiguous(), planes: planes, rows: rows, cols: cols,
                                        outShape: outShape, saveArgmax: record)
    guard record, let argmax else { return out }
    let inShape = x.shape, planeIn = rows.input * cols.input
    return recordUnary(op, x, out) { g in
        Kernels.maxPoolBackward(g.contiguous(), argmax: argmax, planes: planes, planeIn: planeIn, inShape: inShape)
    }
}

// MARK: Average pooling

/// 2-d average pooling, as `torch.nn.functional.avg_pool2d`: each output is the mean of its
/// `kernelSize` window (windows every `stride`, default the kernel size, on the input zero-padded
/// by `padding`). Same output size rule as max pooling (no dilation); `padding` at most half the kernel.
///
/// The divisor, as PyTorch: `divisorOverride` when given; else with `countIncludePad` the window's
/// size counting padding, but not the part of a ceil-mode window beyond the padding; else only the
/// number of inputs in the window. Input `[N, C, H, W]` or `[C, H, W]`.
/// Backward: each output's gradient divided by its divisor, added to every input of its window.
public func avgPool2d(_ x: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                      ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
    avgPool(x, op: "avgPool2d", shownShape: x.shape, kernel: kernelSize.pair, stride: (stride ?? kernelSize).pair,
            padding: padding.pair, ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride,
            oneD: false)
}

/// 2-d average pooling with `(height, width)` tuples.
@available(*, deprecated, message: "pass IntPairs: avgPool2d(x, kernelSize: [2, 3], stride: [2, 1])")
public func avgPool2d(_ x: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                      ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
    avgPool2d(x, kernelSize: IntPair(kernelSize), stride: stride.map(IntPair.init), padding: IntPair(padding),
              ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
}

/// 1-d average pooling over the last axis, as `torch.nn.functional.avg_pool1d`: input `[N, C, L]`
/// or `[C, L]`, output `[N, C, L_out]`; same rules as
/// `avgPool2d(_:kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)`.
public func avgPool1d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
                      countIncludePad: Bool = true) -> Tensor {
    require(x.rank == 2 || x.rank == 3, "avgPool1d: expected an input [N, C, L] or [C, L], got shape \(x.shape)")
    let y = avgPool(x.reshape(Array(x.shape.dropLast()) + [1, x.shape[x.rank - 1]]), op: "avgPool1d", shownShape: x.shape,
                    kernel: (1, kernelSize), stride: (1, stride ?? kernelSize), padding: (0, padding), ceilMode: ceilMode,
                    countIncludePad: countIncludePad, divisorOverride: nil, oneD: true)
    return y.reshape(Array(x.shape.dropLast()) + [y.shape[y.rank - 1]])
}

private func avgPool(_ x: Tensor, op: String, shownShape: [Int], kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int),
                     ceilMode: Bool, countIncludePad: Bool, divisorOverride: Int?, oneD: Bool) -> Tensor {
    let (leading, planes, h, w) = spatialLayout(x, op: op, shownShape: shownShape,
                                                expected: oneD ? "[N, C, L] or [C, L]" : "[N, C, H, W] or [C, H, W]")
    if let divisorOverride { require(divisorOverride != 0, "\(op): divisorOverride must not be zero") }
    let (outH, outW) = slidingOutputSize(op: op, shownShape: shownShape, h: h, w: w, kernel: kernel, stride: stride,
                                         padding: padding, dilation: (1, 1), ceilMode: ceilMode, oneD: oneD)
    let rows = PoolAxis.averaging(input: h, output: outH, kernel: kernel.0, stride: stride.0, padding: padding.0)
    let cols = PoolAxis.averaging(input: w, output: outW, kernel: kernel.1, stride: stride.1, padding: padding.1)
    var divisors = [Double]()
    divisors.reserveCapacity(outH * outW)
    for oh in 0..<outH {
        for ow in 0..<outW {
            let size = countIncludePad ? rows.extent[oh] * cols.extent[ow] : rows.count[oh] * cols.count[ow]
            divisors.append(Double(divisorOverride ?? size))
        }
    }
    return windowAverage(x, op: op, planes: planes, rows: rows, cols: cols, divisors: divisors, outShape: leading + [outH, outW])
}

/// Window sums divided by `divisors`, recording the spreading backward when `x` needs it.
private func windowAverage(_ x: Tensor, op: String, planes: Int, rows: PoolAxis, cols: PoolAxis, divisors: [Double],
                           outShape: [Int]) -> Tensor {
    let out = Kernels.averagePool(x.detached().contiguous(), planes: planes, rows: rows, cols: cols, divisors: divisors,
                                  outShape: outShape)
    let inShape = x.shape
    return recordUnary(op, x, out) { g in
        Kernels.averagePoolBackward(g.contiguous(), planes: planes, rows: rows, cols: cols, divisors: divisors, inShape: inShape)
    }
}

// MARK: Adaptive and global pooling

/// Checks an adaptive pooling's output size.
private func adaptiveAxes(_ x: Tensor, op: String, outputSize: IntPair) -> (leading: [Int], planes: Int, rows: PoolAxis, cols: PoolAxis) {
    let (leading, planes, h, w) = spatialLayout(x, op: op)
    require(outputSize.height > 0 && outputSize.width > 0,
            "\(op): output size must be positive, got \(outputSize.height)×\(outputSize.width) for input shape \(x.shape)")
    return (leading, planes, PoolAxis.adaptive(input: h, output: outputSize.height),
            PoolAxis.adaptive(input: w, output: outputSize.width))
}

/// Adaptive average pooling, as `torch.nn.functional.adaptive_avg_pool2d`: input `[N, C, H, W]`
/// or `[C, H, W]`, output `[N, C, outH, outW]`, where output row `i` averages input rows
/// `⌊i·H/outH⌋ ..< ⌈(i+1)·H/outH⌉` (likewise columns); windows may overlap when `H` is not a
/// multiple of `outH`. Output size 1×1 (global average pooling) takes one pass per plane.
/// Backward: each output's gradient divided by its window size, added to every input of the window.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: IntPair) -> Tensor {
    let (leading, planes, rows, cols) = adaptiveAxes(x, op: "adaptiveAvgPool2d", outputSize: outputSize)
    if outputSize == 1 { return planeMeans(x, op: "adaptiveAvgPool2d", planes: planes, outShape: leading + [1, 1]) }
    let divisors = rows.count.flatMap { r in cols.count.map { c in Double(r * c) } }
    return windowAverage(x, op: "adaptiveAvgPool2d", planes: planes, rows: rows, cols: cols, divisors: divisors,
                         outShape: leading + [outputSize.height, outputSize.width])
}

/// Adaptive average pooling to a `(height, width)` tuple.
@available(*, deprecated, message: "pass an IntPair: adaptiveAvgPool2d(x, outputSize: [3, 4])")
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
    adaptiveAvgPool2d(x, outputSize: IntPair(outputSize))
}

/// Adaptive max pooling, as `torch.nn.functional.adaptive_max_pool2d`: the windows of
/// `adaptiveAvgPool2d(_:outputSize:)`, each reduced to its largest input
/// (gradient to the first maximum, as PyTorch).
public func adaptiveMaxPool2d(_ x: Tensor, outputSize: IntPair) -> Tensor {
    let (leading, planes, rows, cols) = adaptiveAxes(x, op: "adaptiveMaxPool2d", outputSize: outputSize)
    return windowMax(x, op: "adaptiveMaxPool2d", planes: planes, rows: rows, cols: cols,
                     outShape: leading + [outputSize.height, outputSize.width])
}

/// Adaptive max pooling to a `(height, width)` tuple.
@available(*, deprecated, message: "pass an IntPair: adaptiveMaxPool2d(x, outputSize: [3, 4])")
public func adaptiveMaxPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
    adaptiveMaxPool2d(x, outputSize: IntPair(outputSize))
}

/// Global average pooling: the mean of each channel's plane, `[N, C, H, W]` → `[N, C]`
/// (`[C, H, W]` → `[C]`); the same numbers as `adaptiveAvgPool2d(x, outputSize: 1)` followed by a
/// flatten, in one pass. Backward: `g / (H·W)` to every input of the plane.
public func globalAvgPool2d(_ x: Tensor) -> Tensor {
    let (leading, planes, _, _) = spatialLayout(x, op: "globalAvgPool2d")
    return planeMeans(x, op: "globalAvgPool2d", planes: planes, outShape: leading)
}

private func planeMeans(_ x: Tensor, op: String, planes: Int, outShape: [Int]) -> Tensor {
    let size = x.shape[x.rank - 2] * x.shape[x.rank - 1], inShape = x.shape
    let out = Kernels.planeMeans(x.detached().contiguous(), planes: planes, size: size, outShape: outShape)
    return recordUnary(op, x, out) { g in Kernels.planeMeansBackward(g.contiguous(), planes: planes, size: size, inShape: inShape) }
}
