// Max, average, power-average (LP), adaptive and global pooling over the spatial axes, and max
// unpooling, as `torch.nn.functional`'s `max_pool1d/2d/3d`, `avg_pool1d/2d/3d`,
// `lp_pool1d/2d/3d`, `adaptive_avg_pool1d/2d/3d`, `adaptive_max_pool1d/2d/3d` and
// `max_unpool1d/2d/3d`. Inputs are `[N, C, *spatial]` or unbatched `[C, *spatial]` with one
// (`L`), two (`H, W`) or three (`D, H, W`) spatial axes; every (sample, channel) plane is pooled
// on its own, planes in parallel (Backend/PoolKernels.swift, Backend/Pool3dKernels.swift).
//
// Every op runs through one 3-d path: a 1-d input is a plane of height 1 and depth 1, a 2-d input
// one of depth 1, and the kernels skip the axes that do nothing. Window sizes, strides, paddings,
// dilations and output sizes are `Int`s for the 1-d ops, `IntPair`s for the 2-d ops and
// `IntTriple`s for the 3-d ops (Ops/SpatialArguments.swift). float16 and bfloat16 inputs are
// pooled in float32 and rounded back, as PyTorch's CPU kernels do.

// MARK: Layout and checks

/// Which axes of a pooling input may be empty: PyTorch checks this per op.
private enum EmptyAxes {
    /// Only the batch axis of a batched input (the sliding-window pools).
    case batch
    /// The first axis, batch or (unbatched) channels (adaptive max pooling, 3-d adaptive
    /// average pooling, max unpooling).
    case first
    /// Any axis but the spatial ones (1-d and 2-d adaptive average pooling).
    case nonSpatial
    /// Any axis (adaptive average pooling to size 1, which is a mean over the spatial axes).
    case any
}

/// A pooling input seen as `planes` contiguous blocks of the `spatial` sizes.
private struct PoolInput {
    /// The axes before the spatial ones (`[N, C]` or `[C]`).
    let leading: [Int]
    let planes: Int
    let spatial: [Int]
    var planeSize: Int { spatial.reduce(1, *) }
}

/// `[N, C, L] or [C, L]` and its 2-d and 3-d forms.
private func expectedShape(_ spatialRank: Int) -> String {
    switch spatialRank {
    case 1: "[N, C, L] or [C, L]"
    case 2: "[N, C, H, W] or [C, H, W]"
    default: "[N, C, D, H, W] or [C, D, H, W]"
    }
}

/// `3`, `3×3` or `3×2×2`.
private func describe(_ values: [Int]) -> String { values.map(String.init).joined(separator: "×") }

/// `[h, w]` of an `IntPair`.
private func ints(_ p: IntPair) -> [Int] { [p.height, p.width] }

/// Checks a pooling input's rank, dtype and empty axes as PyTorch does; stops otherwise.
/// `integers`: the integer dtypes the op also takes, as PyTorch's CPU kernels.
private func poolInput(_ x: Tensor, op: String, spatialRank r: Int, empty: EmptyAxes, integers: Set<DType> = []) -> PoolInput {
    let expected = expectedShape(r)
    require(x.rank == r + 1 || x.rank == r + 2, "\(op): expected an input \(expected), got shape \(x.shape)")
    require(x.dtype.isFloatingPoint || integers.contains(x.dtype),
            "\(op): expected a floating-point input\(integers.isEmpty ? "" : " or " + integers.map(\.description).sorted().joined(separator: ", ")), got \(x.dtype)")
    for axis in 0..<x.rank where x.shape[axis] == 0 {
        let allowed = switch empty {
        case .batch: x.rank == r + 2 && axis == 0
        case .first: axis == 0
        case .nonSpatial: axis < x.rank - r
        case .any: true
        }
        let which = switch empty {
        case .batch: "only the batch axis may be empty"
        case .first: "only the first axis may be empty"
        default: "the spatial axes must not be empty"
        }
        require(allowed, "\(op): expected a non-empty input \(expected) (\(which)), got shape \(x.shape)")
    }
    let leading = Array(x.shape.dropLast(r))
    return PoolInput(leading: leading, planes: leading.reduce(1, *), spatial: Array(x.shape.suffix(r)))
}

/// Validates a sliding-window pooling's hyper-parameters as PyTorch does and returns the output sizes.
private func slidingOutputSizes(op: String, shownShape: [Int], input: [Int], kernel: [Int], stride: [Int], padding: [Int],
                                dilation: [Int], ceilMode: Bool) -> [Int] {
    require(kernel.allSatisfy { $0 > 0 }, "\(op): kernel size must be positive, got \(describe(kernel))")
    require(stride.allSatisfy { $0 > 0 }, "\(op): stride must be positive, got \(describe(stride))")
    require(dilation.allSatisfy { $0 > 0 }, "\(op): dilation must be positive, got \(describe(dilation))")
    require(padding.allSatisfy { $0 >= 0 }, "\(op): padding must be non-negative, got \(describe(padding))")
    // PyTorch's rule (max_pool*_with_indices, avg_pool*): pad ≤ ⌊kernel/2⌋, dilation aside.
    require(zip(padding, kernel).allSatisfy { $0 <= $1 / 2 },
            "\(op): padding \(describe(padding)) must be at most half the kernel size \(describe(kernel)) (PyTorch's rule), input shape \(shownShape)")
    let out = input.indices.map {
        PoolAxis.outputSize(input: input[$0], kernel: kernel[$0], stride: stride[$0], padding: padding[$0], dilation: dilation[$0],
                            ceilMode: ceilMode)
    }
    let effective = kernel.indices.map { (kernel[$0] - 1) * dilation[$0] + 1 }
    require(out.allSatisfy { $0 >= 1 },
            "\(op): kernel \(describe(effective)) (with dilation) is larger than the padded input \(describe(input)) (input shape \(shownShape), padding \(describe(padding)))")
    return out
}

/// The windows of one pooling call along depth, height and width (trivial axes for the 1-d and
/// 2-d ops, which are 3-d pools of depth 1 and height 1).
private struct PoolWindows {
    let depth: PoolAxis, rows: PoolAxis, cols: PoolAxis

    /// The windows of the last `axes.count` spatial axes.
    init(_ axes: [PoolAxis]) {
        let trivial = PoolAxis.dilated(input: 1, output: 1, kernel: 1, stride: 1, padding: 0, dilation: 1)
        let all = Array(repeating: trivial, count: 3 - axes.count) + axes
        (depth, rows, cols) = (all[0], all[1], all[2])
    }

    /// Each output's divisor, as PyTorch's average pooling: `divisorOverride`; else the window's
    /// size with padding (`countIncludePad`, not counting a ceil-mode window's part beyond the
    /// padding), or the number of inputs in it. An empty window's is 1 (its sum is 0, as its mean).
    func divisors(countIncludePad: Bool, divisorOverride: Int?) -> [Double] {
        var result = [Double]()
        result.reserveCapacity(depth.output * rows.output * cols.output)
        for od in 0..<depth.output {
            for oh in 0..<rows.output {
                for ow in 0..<cols.output {
                    if let divisorOverride { result.append(Double(divisorOverride)); continue }
                    let size = countIncludePad ? depth.extent[od] * rows.extent[oh] * cols.extent[ow]
                        : depth.count[od] * rows.count[oh] * cols.count[ow]
                    result.append(Double(size == 0 ? 1 : size))
                }
            }
        }
        return result
    }
}

/// `body` on `x` widened to float32, its float outputs rounded back, when `x` is float16 or
/// bfloat16 (the pair form of ``inFloat32IfReduced(_:_:)``; indices stay int64).
private func pairInFloat32IfReduced(_ x: Tensor, _ body: (Tensor) -> (Tensor, Tensor?)) -> (Tensor, Tensor?)? {
    guard x.dtype.isReducedPrecision else { return nil }
    let (values, indices) = body(x.cast(to: .float32))
    return (values.cast(to: x.dtype), indices)
}

// MARK: Cores shared by the 1-d, 2-d and 3-d ops

/// Max over the windows, with the in-plane index of each maximum when `indices`, recording the
/// argmax-routing backward when `x` needs it.
private func windowMax(_ x: Tensor, op: String, input: PoolInput, windows: PoolWindows, outShape: [Int],
                       indices: Bool) -> (Tensor, Tensor?) {
    let planeIn = input.planeSize, inShape = x.shape, planes = input.planes
    if outShape.contains(0) {
        let out = recordUnary(op, x, Tensor(shape: outShape, dtype: x.dtype, zeroed: true)) { g in
            Tensor(shape: inShape, dtype: g.dtype, zeroed: true)
        }
        return (out, indices ? Tensor(shape: outShape, dtype: .int64, zeroed: true) : nil)
    }
    require(planeIn <= Int(Int32.max), "\(op): planes of \(planeIn) elements are too large (at most 2³¹ − 1), input shape \(inShape)")
    let record = shouldRecord(x)
    let (out, argmax) = Kernels.maxPool3d(x.detached().contiguous(), planes: planes, depth: windows.depth, rows: windows.rows,
                                          cols: windows.cols, outShape: outShape, saveArgmax: record || indices)
    let index = indices ? argmax.map { Kernels.poolIndices($0, shape: outShape) } : nil
    guard record, let argmax else { return (out, index) }
    let y = recordUnary(op, x, out) { g in
        Kernels.maxPoolBackward(g.contiguous(), argmax: argmax, planes: planes, planeIn: planeIn, inShape: inShape)
    }
    return (y, index)
}

/// Window sums divided by `divisors`, recording the spreading backward when `x` needs it.
private func windowAverage(_ x: Tensor, op: String, input: PoolInput, windows: PoolWindows, divisors: [Double],
                           outShape: [Int]) -> Tensor {
    let inShape = x.shape, planes = input.planes
    if outShape.contains(0) {
        return recordUnary(op, x, Tensor(shape: outShape, dtype: x.dtype, zeroed: true)) { g in
            Tensor(shape: inShape, dtype: g.dtype, zeroed: true)
        }
    }
    let out = Kernels.averagePool3d(x.detached().contiguous(), planes: planes, depth: windows.depth, rows: windows.rows,
                                    cols: windows.cols, divisors: divisors, outShape: outShape)
    return recordUnary(op, x, out) { g in
        Kernels.averagePool3dBackward(g.contiguous(), planes: planes, depth: windows.depth, rows: windows.rows, cols: windows.cols,
                                      divisors: divisors, inShape: inShape)
    }
}

/// Sliding-window max pooling of `spatialRank` axes (the 1-d, 2-d and 3-d ops).
private func maxPool(_ x: Tensor, op: String, spatialRank r: Int, kernel: [Int], stride: [Int]?, padding: [Int],
                     dilation: [Int], ceilMode: Bool, indices: Bool) -> (Tensor, Tensor?) {
    if let y = pairInFloat32IfReduced(x, {
        maxPool($0, op: op, spatialRank: r, kernel: kernel, stride: stride, padding: padding, dilation: dilation,
                ceilMode: ceilMode, indices: indices)
    }) { return y }
    // PyTorch's integer max pools: 2-d and 3-d, and 1-d when it returns indices (through the 2-d kernel).
    let integers: Set<DType> = r >= 2 || indices ? [.uint8, .int8, .int16, .int32, .int64] : []
    let input = poolInput(x, op: op, spatialRank: r, empty: .batch, integers: integers)
    let stride = stride ?? kernel
    let sizes = slidingOutputSizes(op: op, shownShape: x.shape, input: input.spatial, kernel: kernel, stride: stride, padding: padding,
                                   dilation: dilation, ceilMode: ceilMode)
    let axes = (0..<r).map {
        PoolAxis.dilated(input: input.spatial[$0], output: sizes[$0], kernel: kernel[$0], stride: stride[$0], padding: padding[$0],
                         dilation: dilation[$0])
    }
    let windows = PoolWindows(axes), outShape = input.leading + sizes
    if x.dtype.isIntegral {
        let (values, index) = Kernels.integerMaxPool3d(x.contiguous(), planes: input.planes, depth: windows.depth, rows: windows.rows,
                                                       cols: windows.cols, outShape: outShape)
        return (values, indices ? index : nil)
    }
    return windowMax(x, op: op, input: input, windows: windows, outShape: outShape, indices: indices)
}

/// Sliding-window average pooling of `spatialRank` axes (the 1-d, 2-d and 3-d ops, and LP pooling).
private func avgPool(_ x: Tensor, op: String, spatialRank r: Int, kernel: [Int], stride: [Int]?, padding: [Int], ceilMode: Bool,
                     countIncludePad: Bool, divisorOverride: Int?) -> Tensor {
    if let y = inFloat32IfReduced(x, {
        avgPool($0, op: op, spatialRank: r, kernel: kernel, stride: stride, padding: padding, ceilMode: ceilMode,
                countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    }) { return y }
    let input = poolInput(x, op: op, spatialRank: r, empty: .batch, integers: [.int64])
    let stride = stride ?? kernel
    if let divisorOverride { require(divisorOverride != 0, "\(op): divisorOverride must not be zero") }
    let sizes = slidingOutputSizes(op: op, shownShape: x.shape, input: input.spatial, kernel: kernel, stride: stride, padding: padding,
                                   dilation: Array(repeating: 1, count: r), ceilMode: ceilMode)
    let axes = (0..<r).map {
        PoolAxis.averaging(input: input.spatial[$0], output: sizes[$0], kernel: kernel[$0], stride: stride[$0], padding: padding[$0])
    }
    let windows = PoolWindows(axes)
    let divisors = windows.divisors(countIncludePad: countIncludePad, divisorOverride: divisorOverride)
    if x.dtype.isIntegral {
        // PyTorch's int64 average: an integer sum and C's truncating division.
        return Kernels.integerAvgPool3d(x.contiguous(), planes: input.planes, depth: windows.depth, rows: windows.rows, cols: windows.cols,
                                        divisors: divisors, outShape: input.leading + sizes)
    }
    return windowAverage(x, op: op, input: input, windows: windows, divisors: divisors, outShape: input.leading + sizes)
}

// MARK: Max pooling

/// 1-d max pooling over the last axis, as `torch.nn.functional.max_pool1d`: input `[N, C, L]` or
/// `[C, L]`, output `[N, C, L_out]` with the size rule, padding (−∞) and gradient of
/// ``maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)-(Tensor,IntPair,IntPair?,IntPair,IntPair,Bool)``.
public func maxPool1d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                      ceilMode: Bool = false) -> Tensor {
    maxPool(x, op: "maxPool1d", spatialRank: 1, kernel: [kernelSize], stride: stride.map { [$0] }, padding: [padding],
            dilation: [dilation], ceilMode: ceilMode, indices: false).0
}

/// ``maxPool1d(_:kernelSize:stride:padding:dilation:ceilMode:)`` that also returns where each
/// maximum is, as `max_pool1d(..., return_indices=True)`: `indices` (int64, the output's shape)
/// holds each maximum's position along `L`, the form ``maxUnpool1d(_:indices:kernelSize:stride:padding:outputSize:)`` takes.
/// Unlike the plain op, and as in PyTorch, it also takes integer inputs.
public func maxPool1dWithIndices(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, dilation: Int = 1,
                                 ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
    let (values, indices) = maxPool(x, op: "maxPool1d", spatialRank: 1, kernel: [kernelSize], stride: stride.map { [$0] },
                                    padding: [padding], dilation: [dilation], ceilMode: ceilMode, indices: true)
    return (values, indices!)
}

/// 2-d max pooling, as `torch.nn.functional.max_pool2d`: each output is the largest input in its
/// `kernelSize` window; windows start every `stride` (default: the kernel size) on the input
/// padded with −∞ by `padding` on each side, and their taps are `dilation` apart.
///
/// Input `[N, C, H, W]` or `[C, H, W]`; output `[N, C, H_out, W_out]` with
/// `H_out = ⌊(H + 2·padding − dilation·(kernel − 1) − 1) / stride⌋ + 1` (⌈…⌉ with `ceilMode`, where
/// the last window must still start inside the input or the left padding), likewise `W_out`.
/// `padding` must be at most half the kernel size (PyTorch's rule).
///
/// A NaN in a window is its maximum (the last NaN, as PyTorch). Backward: each output's gradient
/// goes to the input that was its maximum (the first one on ties, as PyTorch). Integer inputs
/// (`uint8` to `int64`) are pooled too, as in PyTorch.
public func maxPool2d(_ x: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                      dilation: IntPair = 1, ceilMode: Bool = false) -> Tensor {
    maxPool(x, op: "maxPool2d", spatialRank: 2, kernel: ints(kernelSize), stride: stride.map(ints), padding: ints(padding),
            dilation: ints(dilation), ceilMode: ceilMode, indices: false).0
}

/// 2-d max pooling with `(height, width)` tuples.
@available(*, deprecated, message: "pass IntPairs: maxPool2d(x, kernelSize: [2, 3], stride: [2, 1])")
public func maxPool2d(_ x: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                      dilation: (Int, Int) = (1, 1), ceilMode: Bool = false) -> Tensor {
    maxPool2d(x, kernelSize: IntPair(kernelSize), stride: stride.map(IntPair.init), padding: IntPair(padding),
              dilation: IntPair(dilation), ceilMode: ceilMode)
}

/// ``maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)-(Tensor,IntPair,IntPair?,IntPair,IntPair,Bool)``
/// that also returns where each maximum is, as `max_pool2d(..., return_indices=True)`: `indices`
/// (int64, the output's shape) holds each maximum's flat index `h·W + w` in its `H × W` plane, the
/// form ``maxUnpool2d(_:indices:kernelSize:stride:padding:outputSize:)`` takes.
public func maxPool2dWithIndices(_ x: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                                 dilation: IntPair = 1, ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
    let (values, indices) = maxPool(x, op: "maxPool2d", spatialRank: 2, kernel: ints(kernelSize), stride: stride.map(ints),
                                    padding: ints(padding), dilation: ints(dilation), ceilMode: ceilMode, indices: true)
    return (values, indices!)
}

/// 3-d max pooling, as `torch.nn.functional.max_pool3d`: input `[N, C, D, H, W]` or
/// `[C, D, H, W]`, output `[N, C, D_out, H_out, W_out]`, each output the largest input of its
/// `kernelSize` box (taps `dilation` apart, windows every `stride`, default the kernel size, on
/// the input padded with −∞). Each axis follows the size rule of
/// ``maxPool2d(_:kernelSize:stride:padding:dilation:ceilMode:)-(Tensor,IntPair,IntPair?,IntPair,IntPair,Bool)``,
/// as do NaN, ties (the first maximum in (d, h, w) order), the gradient and integer inputs.
public func maxPool3d(_ x: Tensor, kernelSize: IntTriple, stride: IntTriple? = nil, padding: IntTriple = 0,
                      dilation: IntTriple = 1, ceilMode: Bool = false) -> Tensor {
    maxPool(x, op: "maxPool3d", spatialRank: 3, kernel: kernelSize.values, stride: stride?.values, padding: padding.values,
            dilation: dilation.values, ceilMode: ceilMode, indices: false).0
}

/// ``maxPool3d(_:kernelSize:stride:padding:dilation:ceilMode:)`` that also returns where each
/// maximum is, as `max_pool3d(..., return_indices=True)`: `indices` (int64, the output's shape)
/// holds each maximum's flat index `(d·H + h)·W + w` in its `D × H × W` volume, the form
/// ``maxUnpool3d(_:indices:kernelSize:stride:padding:outputSize:)`` takes.
public func maxPool3dWithIndices(_ x: Tensor, kernelSize: IntTriple, stride: IntTriple? = nil, padding: IntTriple = 0,
                                 dilation: IntTriple = 1, ceilMode: Bool = false) -> (values: Tensor, indices: Tensor) {
    let (values, indices) = maxPool(x, op: "maxPool3d", spatialRank: 3, kernel: kernelSize.values, stride: stride?.values,
                                    padding: padding.values, dilation: dilation.values, ceilMode: ceilMode, indices: true)
    return (values, indices!)
}

// MARK: Average pooling

/// 1-d average pooling over the last axis, as `torch.nn.functional.avg_pool1d`: input `[N, C, L]`
/// or `[C, L]`, output `[N, C, L_out]`; the rules of
/// ``avgPool2d(_:kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)-(Tensor,IntPair,IntPair?,IntPair,Bool,Bool,Int?)``
/// (PyTorch's 1-d form has no divisor override), int64 inputs included.
public func avgPool1d(_ x: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false,
                      countIncludePad: Bool = true) -> Tensor {
    avgPool(x, op: "avgPool1d", spatialRank: 1, kernel: [kernelSize], stride: stride.map { [$0] }, padding: [padding],
            ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: nil)
}

/// 2-d average pooling, as `torch.nn.functional.avg_pool2d`: each output is the mean of its
/// `kernelSize` window (windows every `stride`, default the kernel size, on the input zero-padded
/// by `padding`). Same output size rule as max pooling (no dilation); `padding` at most half the kernel.
///
/// The divisor, as PyTorch: `divisorOverride` when given; else with `countIncludePad` the window's
/// size counting padding, but not the part of a ceil-mode window beyond the padding; else only the
/// number of inputs in the window. Input `[N, C, H, W]` or `[C, H, W]`; an int64 input gives
/// int64 means (an integer sum, divided with truncation toward zero, as PyTorch).
/// Backward: each output's gradient divided by its divisor, added to every input of its window.
public func avgPool2d(_ x: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                      ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
    avgPool(x, op: "avgPool2d", spatialRank: 2, kernel: ints(kernelSize), stride: stride.map(ints), padding: ints(padding),
            ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
}

/// 2-d average pooling with `(height, width)` tuples.
@available(*, deprecated, message: "pass IntPairs: avgPool2d(x, kernelSize: [2, 3], stride: [2, 1])")
public func avgPool2d(_ x: Tensor, kernelSize: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0),
                      ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
    avgPool2d(x, kernelSize: IntPair(kernelSize), stride: stride.map(IntPair.init), padding: IntPair(padding),
              ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
}

/// 3-d average pooling, as `torch.nn.functional.avg_pool3d`: input `[N, C, D, H, W]` or
/// `[C, D, H, W]`, output `[N, C, D_out, H_out, W_out]`, each output the mean of its
/// `kernelSize` box, with the size rule, padding, `ceilMode`, `countIncludePad` and
/// `divisorOverride` of
/// ``avgPool2d(_:kernelSize:stride:padding:ceilMode:countIncludePad:divisorOverride:)-(Tensor,IntPair,IntPair?,IntPair,Bool,Bool,Int?)``
/// on every axis, int64 inputs included. (PyTorch's CPU has no float16/bfloat16 form; Apus
/// computes those in float32 as the other pools.)
public func avgPool3d(_ x: Tensor, kernelSize: IntTriple, stride: IntTriple? = nil, padding: IntTriple = 0,
                      ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) -> Tensor {
    avgPool(x, op: "avgPool3d", spatialRank: 3, kernel: kernelSize.values, stride: stride?.values, padding: padding.values,
            ceilMode: ceilMode, countIncludePad: countIncludePad, divisorOverride: divisorOverride)
}

// MARK: Power-average (LP) pooling

/// LP pooling of `spatialRank` axes: `(scale · mean(x^p))^(1/p)` over each window, written as
/// PyTorch does (`avg_pool(x^p)`, then `sign·relu(|·|)·scale`, then the root), so that windows cut
/// by `ceilMode` and zero sums behave the same; ±∞ is max pooling of `|x|` (or its negated minimum).
private func lpPool(_ x: Tensor, op: String, spatialRank r: Int, normType p: Double, kernel: [Int], stride: [Int]?,
                    ceilMode: Bool) -> Tensor {
    require(p != 0 && !p.isNaN, "\(op): normType must be a non-zero number, got \(p)")
    if let y = inFloat32IfReduced(x, {
        lpPool($0, op: op, spatialRank: r, normType: p, kernel: kernel, stride: stride, ceilMode: ceilMode)
    }) { return y }
    require(x.dtype.isFloatingPoint, "\(op): expected a floating-point input, got \(x.dtype)")
    let zeros = Array(repeating: 0, count: r), ones = Array(repeating: 1, count: r)
    if p.isInfinite {
        let magnitude = p > 0 ? abs(x) : -abs(x)
        let m = maxPool(magnitude, op: op, spatialRank: r, kernel: kernel, stride: stride, padding: zeros, dilation: ones,
                        ceilMode: ceilMode, indices: false).0
        return p > 0 ? m : -m
    }
    let s = avgPool(pow(x, p), op: op, spatialRank: r, kernel: kernel, stride: stride, padding: zeros, ceilMode: ceilMode,
                    countIncludePad: true, divisorOverride: nil)
    let scale = Double(kernel.reduce(1, *))
    let sd = s.detached().contiguous()
    let out = Kernels.lpRoot(sd, scale: scale, normType: p)
    return recordUnary(op, s, out) { g in Kernels.lpRootBackward(g.contiguous(), s: sd, scale: scale, normType: p) }
}

/// 1-d power-average pooling, as `torch.nn.functional.lp_pool1d`: over each window of
/// `kernelSize` inputs along the last axis (every `stride`, default the kernel size, no padding),
/// `(Σ xᵖ)^(1/p)` with `p = normType`; input `[N, C, L]` or `[C, L]`.
///
/// Computed as PyTorch: `(k · avg(xᵖ))^(1/p)`, so a window that `ceilMode` cuts short is scaled
/// to the full kernel size `k`, a negative sum (odd `p`) gives NaN unless `1/p` is an integer,
/// and the gradient is 0 where the sum is 0. `normType` ∞ gives the largest `|x|` (max pooling),
/// −∞ the smallest. Backward: `∂/∂x = xᵖ⁻¹ · (Σ xᵖ)^(1/p − 1)` within each window.
public func lpPool1d(_ x: Tensor, normType: Double, kernelSize: Int, stride: Int? = nil, ceilMode: Bool = false) -> Tensor {
    lpPool(x, op: "lpPool1d", spatialRank: 1, normType: normType, kernel: [kernelSize], stride: stride.map { [$0] },
           ceilMode: ceilMode)
}

/// 2-d power-average pooling, as `torch.nn.functional.lp_pool2d`: `(Σ xᵖ)^(1/p)` over each
/// `kernelSize` window; input `[N, C, H, W]` or `[C, H, W]`. The rules of
/// ``lpPool1d(_:normType:kernelSize:stride:ceilMode:)`` on both axes.
public func lpPool2d(_ x: Tensor, normType: Double, kernelSize: IntPair, stride: IntPair? = nil, ceilMode: Bool = false) -> Tensor {
    lpPool(x, op: "lpPool2d", spatialRank: 2, normType: normType, kernel: ints(kernelSize), stride: stride.map(ints),
           ceilMode: ceilMode)
}

/// 3-d power-average pooling, as `torch.nn.functional.lp_pool3d`: `(Σ xᵖ)^(1/p)` over each
/// `kernelSize` box; input `[N, C, D, H, W]` or `[C, D, H, W]`. The rules of
/// ``lpPool1d(_:normType:kernelSize:stride:ceilMode:)`` on every axis.
public func lpPool3d(_ x: Tensor, normType: Double, kernelSize: IntTriple, stride: IntTriple? = nil, ceilMode: Bool = false) -> Tensor {
    lpPool(x, op: "lpPool3d", spatialRank: 3, normType: normType, kernel: kernelSize.values, stride: stride?.values,
           ceilMode: ceilMode)
}

// MARK: Adaptive pooling

/// Adaptive average pooling of `spatialRank` axes: output index `i` of an axis of size `n`
/// pooled to `m` averages inputs `⌊i·n/m⌋ ..< ⌈(i+1)·n/m⌉`; to size 1 everywhere it is a mean.
private func adaptiveAverage(_ x: Tensor, op: String, spatialRank r: Int, outputSize: [Int]) -> Tensor {
    if let y = inFloat32IfReduced(x, { adaptiveAverage($0, op: op, spatialRank: r, outputSize: outputSize) }) { return y }
    require(outputSize.allSatisfy { $0 >= 0 }, "\(op): output size must be non-negative, got \(describe(outputSize)) for input shape \(x.shape)")
    if outputSize.allSatisfy({ $0 == 1 }) {
        // PyTorch takes the mean over the spatial axes, which allows empty ones (NaN).
        let input = poolInput(x, op: op, spatialRank: r, empty: .any)
        return planeMeans(x, op: op, planes: input.planes, size: input.planeSize, outShape: input.leading + outputSize)
    }
    let input = poolInput(x, op: op, spatialRank: r, empty: r == 3 ? .first : .nonSpatial)
    let windows = PoolWindows((0..<r).map { PoolAxis.adaptive(input: input.spatial[$0], output: outputSize[$0]) })
    return windowAverage(x, op: op, input: input, windows: windows, divisors: windows.divisors(countIncludePad: false, divisorOverride: nil),
                         outShape: input.leading + outputSize)
}

/// Adaptive max pooling of `spatialRank` axes over the windows of ``adaptiveAverage(_:op:spatialRank:outputSize:)``.
private func adaptiveMax(_ x: Tensor, op: String, spatialRank r: Int, outputSize: [Int], indices: Bool) -> (Tensor, Tensor?) {
    if let y = pairInFloat32IfReduced(x, { adaptiveMax($0, op: op, spatialRank: r, outputSize: outputSize, indices: indices) }) {
        return y
    }
    require(outputSize.allSatisfy { $0 >= 0 }, "\(op): output size must be non-negative, got \(describe(outputSize)) for input shape \(x.shape)")
    let input = poolInput(x, op: op, spatialRank: r, empty: .first)
    let windows = PoolWindows((0..<r).map { PoolAxis.adaptive(input: input.spatial[$0], output: outputSize[$0]) })
    return windowMax(x, op: op, input: input, windows: windows, outShape: input.leading + outputSize, indices: indices)
}

/// 1-d adaptive average pooling, as `torch.nn.functional.adaptive_avg_pool1d`: input `[N, C, L]`
/// or `[C, L]`, output `[N, C, outputSize]`, output `i` the mean of inputs
/// `⌊i·L/outputSize⌋ ..< ⌈(i+1)·L/outputSize⌉` (windows overlap when `L` is not a multiple).
public func adaptiveAvgPool1d(_ x: Tensor, outputSize: Int) -> Tensor {
    adaptiveAverage(x, op: "adaptiveAvgPool1d", spatialRank: 1, outputSize: [outputSize])
}

/// Adaptive average pooling, as `torch.nn.functional.adaptive_avg_pool2d`: input `[N, C, H, W]`
/// or `[C, H, W]`, output `[N, C, outH, outW]`, where output row `i` averages input rows
/// `⌊i·H/outH⌋ ..< ⌈(i+1)·H/outH⌉` (likewise columns); windows may overlap when `H` is not a
/// multiple of `outH`. Output size 1×1 (global average pooling) takes one pass per plane.
/// Backward: each output's gradient divided by its window size, added to every input of the window.
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: IntPair) -> Tensor {
    adaptiveAverage(x, op: "adaptiveAvgPool2d", spatialRank: 2, outputSize: ints(outputSize))
}

/// Adaptive average pooling to a `(height, width)` tuple.
@available(*, deprecated, message: "pass an IntPair: adaptiveAvgPool2d(x, outputSize: [3, 4])")
public func adaptiveAvgPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
    adaptiveAvgPool2d(x, outputSize: IntPair(outputSize))
}

/// 3-d adaptive average pooling, as `torch.nn.functional.adaptive_avg_pool3d`: input
/// `[N, C, D, H, W]` or `[C, D, H, W]`, output `[N, C, outD, outH, outW]`, with the windows of
/// ``adaptiveAvgPool2d(_:outputSize:)-(Tensor,IntPair)`` on each axis.
public func adaptiveAvgPool3d(_ x: Tensor, outputSize: IntTriple) -> Tensor {
    adaptiveAverage(x, op: "adaptiveAvgPool3d", spatialRank: 3, outputSize: outputSize.values)
}

/// 1-d adaptive max pooling, as `torch.nn.functional.adaptive_max_pool1d`: the windows of
/// ``adaptiveAvgPool1d(_:outputSize:)``, each reduced to its largest input (NaN wins; gradient
/// to the first maximum, as PyTorch).
public func adaptiveMaxPool1d(_ x: Tensor, outputSize: Int) -> Tensor {
    adaptiveMax(x, op: "adaptiveMaxPool1d", spatialRank: 1, outputSize: [outputSize], indices: false).0
}

/// ``adaptiveMaxPool1d(_:outputSize:)`` with each maximum's position along `L` (int64), as
/// `adaptive_max_pool1d(..., return_indices=True)`.
public func adaptiveMaxPool1dWithIndices(_ x: Tensor, outputSize: Int) -> (values: Tensor, indices: Tensor) {
    let (values, indices) = adaptiveMax(x, op: "adaptiveMaxPool1d", spatialRank: 1, outputSize: [outputSize], indices: true)
    return (values, indices!)
}

/// Adaptive max pooling, as `torch.nn.functional.adaptive_max_pool2d`: the windows of
/// ``adaptiveAvgPool2d(_:outputSize:)-(Tensor,IntPair)``, each reduced to its largest input
/// (gradient to the first maximum, as PyTorch).
public func adaptiveMaxPool2d(_ x: Tensor, outputSize: IntPair) -> Tensor {
    adaptiveMax(x, op: "adaptiveMaxPool2d", spatialRank: 2, outputSize: ints(outputSize), indices: false).0
}

/// Adaptive max pooling to a `(height, width)` tuple.
@available(*, deprecated, message: "pass an IntPair: adaptiveMaxPool2d(x, outputSize: [3, 4])")
public func adaptiveMaxPool2d(_ x: Tensor, outputSize: (Int, Int)) -> Tensor {
    adaptiveMaxPool2d(x, outputSize: IntPair(outputSize))
}

/// ``adaptiveMaxPool2d(_:outputSize:)-(Tensor,IntPair)`` with each maximum's flat index `h·W + w`
/// in its plane (int64), as `adaptive_max_pool2d(..., return_indices=True)`.
public func adaptiveMaxPool2dWithIndices(_ x: Tensor, outputSize: IntPair) -> (values: Tensor, indices: Tensor) {
    let (values, indices) = adaptiveMax(x, op: "adaptiveMaxPool2d", spatialRank: 2, outputSize: ints(outputSize), indices: true)
    return (values, indices!)
}

/// 3-d adaptive max pooling, as `torch.nn.functional.adaptive_max_pool3d`: the windows of
/// ``adaptiveAvgPool3d(_:outputSize:)``, each reduced to its largest input (the first in (d, h, w)
/// order on ties, the last NaN).
public func adaptiveMaxPool3d(_ x: Tensor, outputSize: IntTriple) -> Tensor {
    adaptiveMax(x, op: "adaptiveMaxPool3d", spatialRank: 3, outputSize: outputSize.values, indices: false).0
}

/// ``adaptiveMaxPool3d(_:outputSize:)`` with each maximum's flat index `(d·H + h)·W + w` in its
/// volume (int64), as `adaptive_max_pool3d(..., return_indices=True)`.
public func adaptiveMaxPool3dWithIndices(_ x: Tensor, outputSize: IntTriple) -> (values: Tensor, indices: Tensor) {
    let (values, indices) = adaptiveMax(x, op: "adaptiveMaxPool3d", spatialRank: 3, outputSize: outputSize.values, indices: true)
    return (values, indices!)
}

/// Global average pooling: the mean of each channel's plane, `[N, C, H, W]` → `[N, C]`
/// (`[C, H, W]` → `[C]`); the same numbers as `adaptiveAvgPool2d(x, outputSize: 1)` followed by a
/// flatten, in one pass. Backward: `g / (H·W)` to every input of the plane.
public func globalAvgPool2d(_ x: Tensor) -> Tensor {
    let input = poolInput(x, op: "globalAvgPool2d", spatialRank: 2, empty: .batch)
    return planeMeans(x, op: "globalAvgPool2d", planes: input.planes, size: input.planeSize, outShape: input.leading)
}

private func planeMeans(_ x: Tensor, op: String, planes: Int, size: Int, outShape: [Int]) -> Tensor {
    let inShape = x.shape
    let out = Kernels.planeMeans(x.detached().contiguous(), planes: planes, size: size, outShape: outShape)
    return recordUnary(op, x, out) { g in Kernels.planeMeansBackward(g.contiguous(), planes: planes, size: size, inShape: inShape) }
}

// MARK: Max unpooling

/// Max unpooling of `spatialRank` axes: the inverse of max pooling's routing.
private func maxUnpool(_ x: Tensor, indices: Tensor, op: String, spatialRank r: Int, kernel: [Int], stride: [Int]?, padding: [Int],
                       outputSize: [Int]?) -> Tensor {
    if let y = inFloat32IfReduced(x, {
        maxUnpool($0, indices: indices, op: op, spatialRank: r, kernel: kernel, stride: stride, padding: padding, outputSize: outputSize)
    }) { return y }
    let input = poolInput(x, op: op, spatialRank: r, empty: .first)
    require(indices.dtype == .int64, "\(op): expected int64 indices, got \(indices.dtype)")
    require(indices.shape == x.shape, "\(op): expected indices of the input's shape \(x.shape), got \(indices.shape)")
    let stride = stride ?? kernel
    require(kernel.allSatisfy { $0 > 0 }, "\(op): kernel size must be positive, got \(describe(kernel))")
    require(stride.allSatisfy { $0 > 0 }, "\(op): stride must be positive, got \(describe(stride))")
    require(padding.allSatisfy { $0 >= 0 }, "\(op): padding must be non-negative, got \(describe(padding))")
    let defaults: [Int] = (0..<r).map { (a: Int) -> Int in
        let spread: Int = (input.spatial[a] - 1) * stride[a]
        return spread - 2 * padding[a] + kernel[a]
    }
    var size = defaults
    if var given = outputSize {
        // As PyTorch: the spatial sizes, or a whole shape whose first two entries are ignored.
        if given.count == r + 2 { given = Array(given.suffix(r)) }
        require(given.count == r, "\(op): outputSize must have \(r) or \(r + 2) entries, got \(outputSize!)")
        for a in 0..<r {
            require(defaults[a] - stride[a] < given[a] && given[a] < defaults[a] + stride[a],
                    "\(op): outputSize \(describe(given)) is invalid: entry \(a) must lie strictly between \(defaults[a] - stride[a]) and \(defaults[a] + stride[a]) for input shape \(x.shape)")
        }
        size = given
    }
    require(size.allSatisfy { $0 >= 0 }, "\(op): the output size \(describe(size)) is negative (input shape \(x.shape), padding \(describe(padding)))")
    let planeIn = input.planeSize, planeOut = size.reduce(1, *), planes = input.planes
    let outShape = input.leading + size, inShape = x.shape
    let idx = indices.contiguous()
    if let bad = Kernels.firstInvalidUnpoolIndex(idx, planeOut: planeOut) {
        require(false, "\(op): found an invalid max index \(bad) (output planes are \(describe(size)))")
    }
    let out = Kernels.maxUnpool(x.detached().contiguous(), indices: idx, planes: planes, planeIn: planeIn, planeOut: planeOut,
                                outShape: outShape)
    return recordUnary(op, x, out) { g in
        Kernels.maxUnpoolBackward(g.contiguous(), indices: idx, planes: planes, planeIn: planeIn, planeOut: planeOut, inShape: inShape)
    }
}

/// 1-d max unpooling, as `torch.nn.functional.max_unpool1d`: the partial inverse of
/// ``maxPool1dWithIndices(_:kernelSize:stride:padding:dilation:ceilMode:)``. Input `[N, C, L]` or
/// `[C, L]` and int64 `indices` of the same shape (positions along the output); output
/// `[N, C, L_out]`, zero except `x` written at `indices` (a later value wins where indices repeat).
///
/// `L_out = (L − 1)·stride − 2·padding + kernelSize` (`stride` defaults to the kernel size), or
/// `outputSize` (`[L_out]`, or a whole shape `[N, C, L_out]`), which must lie strictly within
/// `stride` of that value, as in PyTorch. Every index must fall inside the output.
/// Backward: each input's gradient is the output gradient at its index.
public func maxUnpool1d(_ x: Tensor, indices: Tensor, kernelSize: Int, stride: Int? = nil, padding: Int = 0,
                        outputSize: [Int]? = nil) -> Tensor {
    maxUnpool(x, indices: indices, op: "maxUnpool1d", spatialRank: 1, kernel: [kernelSize], stride: stride.map { [$0] },
              padding: [padding], outputSize: outputSize)
}

/// 2-d max unpooling, as `torch.nn.functional.max_unpool2d`: the partial inverse of
/// ``maxPool2dWithIndices(_:kernelSize:stride:padding:dilation:ceilMode:)``. Input
/// `[N, C, H, W]` or `[C, H, W]` and int64 `indices` of the same shape (flat `h·W_out + w`);
/// output `[N, C, H_out, W_out]`, zero except `x` written at `indices`, with
/// `H_out = (H − 1)·stride − 2·padding + kernel` (likewise `W_out`) or `outputSize` (`[H, W]` or
/// `[N, C, H, W]`), under the rules of ``maxUnpool1d(_:indices:kernelSize:stride:padding:outputSize:)``.
public func maxUnpool2d(_ x: Tensor, indices: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
                        outputSize: [Int]? = nil) -> Tensor {
    maxUnpool(x, indices: indices, op: "maxUnpool2d", spatialRank: 2, kernel: ints(kernelSize), stride: stride.map(ints),
              padding: ints(padding), outputSize: outputSize)
}

/// 3-d max unpooling, as `torch.nn.functional.max_unpool3d`: the partial inverse of
/// ``maxPool3dWithIndices(_:kernelSize:stride:padding:dilation:ceilMode:)``. Input
/// `[N, C, D, H, W]` or `[C, D, H, W]` and int64 `indices` of the same shape (flat
/// `(d·H_out + h)·W_out + w`); output `[N, C, D_out, H_out, W_out]` under the rules of
/// ``maxUnpool1d(_:indices:kernelSize:stride:padding:outputSize:)`` on each axis.
public func maxUnpool3d(_ x: Tensor, indices: Tensor, kernelSize: IntTriple, stride: IntTriple? = nil, padding: IntTriple = 0,
                        outputSize: [Int]? = nil) -> Tensor {
    maxUnpool(x, indices: indices, op: "maxUnpool3d", spatialRank: 3, kernel: kernelSize.values, stride: stride?.values,
              padding: padding.values, outputSize: outputSize)
}
