// Sliding windows. Two different operations share PyTorch's name `unfold`:
// - `unfold(_:kernelSize:dilation:padding:stride:)` (free function, `torch.nn.functional.unfold`):
//   im2col of images, every kH×kW block of `[N, C, H, W]` as a column of `[N, C·kH·kW, L]`; its
//   adjoint `fold(_:outputSize:…)` adds the columns back into images (col2im). Both run on the
//   im2col/col2im kernels of the convolutions (Backend/Im2col.swift), and each is the other's gradient.
// - `x.unfold(axis:size:step:)` (method, `torch.Tensor.unfold`): the windows of one axis as a
//   strided view, no copy.

/// Checks the hyper-parameters of unfold/fold and builds the geometry of one channel of one image
/// (`channels: 1`; the kernels are run per channel and image).
private func windowGeometry(_ op: String, height: Int, width: Int, kernelSize k: IntPair, dilation d: IntPair,
                            padding p: IntPair, stride s: IntPair) -> ConvGeometry {
    require(k.height > 0 && k.width > 0, "\(op): kernelSize must be positive, got \(k)")
    require(d.height > 0 && d.width > 0, "\(op): dilation must be positive, got \(d)")
    require(p.height >= 0 && p.width >= 0, "\(op): padding must be non-negative, got \(p)")
    require(s.height > 0 && s.width > 0, "\(op): stride must be positive, got \(s)")
    let outH = convOutputSize(height, kernel: k.height, stride: s.height, padding: (p.height, p.height), dilation: d.height)
    let outW = convOutputSize(width, kernel: k.width, stride: s.width, padding: (p.width, p.width), dilation: d.width)
    require(outH >= 1 && outW >= 1, """
        \(op): spatial size (\(height), \(width)) with kernelSize \(k), dilation \(d), padding \(p) and stride \(s) \
        gives (\(outH), \(outW)) sliding blocks; each must be at least 1
        """)
    return ConvGeometry(batch: 1, channels: 1, height: height, width: width, outChannels: 1, groups: 1,
                        kernelH: k.height, kernelW: k.width, strideH: s.height, strideW: s.width,
                        padTop: p.height, padLeft: p.width, dilationH: d.height, dilationW: d.width, outH: outH, outW: outW)
}

/// Runs `body(plane)` for the `planes` (image, channel) pairs, split over the thread pool.
private func forEachPlane(_ planes: Int, work: Int, _ body: (Int) -> Void) {
    ThreadPool.shared.parallelRanges(planes, grain: Swift.max(1, Kernels.parallelGrain / Swift.max(work, 1))) { range in
        for i in range { body(i) }
    }
}

/// im2col of `planes` channel images `[planes, H, W]` into `[planes, kH·kW, L]` (no autograd).
private func im2colPlanes(_ x: Tensor, planes: Int, _ g: ConvGeometry, outShape: [Int]) -> Tensor {
    let out = Tensor(uninitialized: outShape, dtype: x.dtype)
    let (plane, block) = (g.height * g.width, g.kernelH * g.kernelW * g.positions)
    func run<T: FloatScalar>(_: T.Type) {
        let src = UnsafePointer(x.storage.pointer(T.self) + x.offset), dst = out.storage.pointer(T.self)
        forEachPlane(planes, work: block) { i in ConvKernels.im2col(src + i * plane, g, into: dst + i * block, ld: g.positions) }
    }
    switch x.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    default: fatalError("unfold: expected a floating-point input, got \(x.dtype)")
    }
    return out
}

/// col2im of `[planes, kH·kW, L]` into `planes` channel images `[planes, H, W]` (no autograd).
private func col2imPlanes(_ x: Tensor, planes: Int, _ g: ConvGeometry, outShape: [Int]) -> Tensor {
    let out = Tensor.zeros(outShape, dtype: x.dtype)
    let (plane, block) = (g.height * g.width, g.kernelH * g.kernelW * g.positions)
    func run<T: FloatScalar>(_: T.Type) {
        let src = UnsafePointer(x.storage.pointer(T.self) + x.offset), dst = out.storage.pointer(T.self)
        forEachPlane(planes, work: block) { i in ConvKernels.col2im(src + i * block, ld: g.positions, g, into: dst + i * plane) }
    }
    switch x.dtype {
    case .float32: run(Float.self)
    case .float64: run(Double.self)
    default: fatalError("fold: expected a floating-point input, got \(x.dtype)")
    }
    return out
}

/// The sliding blocks of images as columns (`torch.nn.functional.unfold`, im2col): input
/// `[N, C, H, W]` (or `[C, H, W]`), output `[N, C·kH·kW, L]` (or `[C·kH·kW, L]`) where
/// `L = outH · outW` counts the blocks, `outH = ⌊(H + 2p − d·(kH − 1) − 1) / s⌋ + 1` (and so for the width).
///
/// Row `(c·kH + i)·kW + j` of the output holds input channel `c` under kernel tap `(i, j)` at every
/// block position (0 in the padding). `conv2d(x, w)` equals `w.reshape([O, −1]) · unfold(x)`
/// reshaped. Floating-point inputs; the gradient is ``fold(_:outputSize:kernelSize:dilation:padding:stride:)``.
public func unfold(_ x: Tensor, kernelSize: IntPair, dilation: IntPair = 1, padding: IntPair = 0, stride: IntPair = 1) -> Tensor {
    require(x.rank == 3 || x.rank == 4, "unfold: expected an input [N, C, H, W] or [C, H, W], got shape \(x.shape)")
    require(x.shape.suffix(3).allSatisfy { $0 > 0 }, "unfold: channels, height and width must be non-zero, got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "unfold: expected a floating-point input, got \(x.dtype)")
    if let r = inFloat32IfReduced(x, { unfold($0, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride) }) { return r }
    let batched = x.rank == 4
    let (n, c, h, w) = batched ? (x.shape[0], x.shape[1], x.shape[2], x.shape[3]) : (1, x.shape[0], x.shape[1], x.shape[2])
    let g = windowGeometry("unfold", height: h, width: w, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    let rows = c * kernelSize.height * kernelSize.width
    let outShape = batched ? [n, rows, g.positions] : [rows, g.positions]
    let out = im2colPlanes(x.detached().contiguous(), planes: n * c, g, outShape: outShape)
    return recordUnary("unfold", x, out) { grad in
        fold(grad, outputSize: IntPair(h, w), kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }
}

/// Sums sliding blocks back into images (`torch.nn.functional.fold`, col2im), the adjoint of
/// ``unfold(_:kernelSize:dilation:padding:stride:)``: input `[N, C·kH·kW, L]` (or `[C·kH·kW, L]`),
/// output `[N, C, H, W]` (or `[C, H, W]`) for `outputSize` `(H, W)`; `L` must be the number of blocks
/// that size gives. Where blocks overlap their values add up. Floating-point inputs; the gradient
/// is ``unfold(_:kernelSize:dilation:padding:stride:)``.
public func fold(_ x: Tensor, outputSize: IntPair, kernelSize: IntPair, dilation: IntPair = 1, padding: IntPair = 0,
                 stride: IntPair = 1) -> Tensor {
    require(x.rank == 2 || x.rank == 3, "fold: expected an input [N, C·kH·kW, L] or [C·kH·kW, L], got shape \(x.shape)")
    require(x.shape.suffix(2).allSatisfy { $0 > 0 }, "fold: the last two dimensions must be non-zero, got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "fold: expected a floating-point input, got \(x.dtype)")
    if let r = inFloat32IfReduced(x, { fold($0, outputSize: outputSize, kernelSize: kernelSize, dilation: dilation, padding: padding,
                                            stride: stride) }) { return r }
    require(outputSize.height > 0 && outputSize.width > 0, "fold: outputSize must be positive, got \(outputSize)")
    let batched = x.rank == 3
    let (n, rows, l) = batched ? (x.shape[0], x.shape[1], x.shape[2]) : (1, x.shape[0], x.shape[1])
    let taps = kernelSize.height * kernelSize.width
    require(kernelSize.height > 0 && kernelSize.width > 0, "fold: kernelSize must be positive, got \(kernelSize)")
    require(rows % taps == 0, "fold: the size \(rows) of dimension \(x.rank - 2) of shape \(x.shape) is not divisible by kH·kW = \(taps) (kernelSize \(kernelSize))")
    let (h, w) = (outputSize.height, outputSize.width)
    let g = windowGeometry("fold", height: h, width: w, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    require(l == g.positions, """
        fold: outputSize \(outputSize) with kernelSize \(kernelSize), dilation \(dilation), padding \(padding) and stride \(stride) \
        gives \(g.outH) × \(g.outW) = \(g.positions) blocks, but the input of shape \(x.shape) has \(l)
        """)
    let c = rows / taps
    let outShape = batched ? [n, c, h, w] : [c, h, w]
    let out = col2imPlanes(x.detached().contiguous(), planes: n * c, g, outShape: outShape)
    return recordUnary("fold", x, out) { grad in
        unfold(grad, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }
}

extension Tensor {
    /// The windows of `size` elements every `step` along `axis`, as a view (`torch.Tensor.unfold`):
    /// axis `axis` becomes the `(n − size) / step + 1` window positions and a new last axis of
    /// `size` runs through each window, `out[…, w, …, i] = self[…, w·step + i, …]`.
    ///
    /// Windows may overlap (`step < size`); then the gradient adds up the windows' gradients.
    /// (The im2col of images, `torch.nn.functional.unfold`, is the free function
    /// ``unfold(_:kernelSize:dilation:padding:stride:)``.)
    public func unfold(axis: Int, size: Int, step: Int) -> Tensor {
        let a = normalizedAxis(axis, op: "unfold", rank: Swift.max(rank, 1))
        let n = rank == 0 ? 1 : shape[a]
        require(size >= 0, "unfold: size must be non-negative, got \(size)")
        require(size <= n, "unfold: size \(size) exceeds the size \(n) of axis \(axis) (shape \(shape))")
        require(step > 0, "unfold: step must be positive, got \(step)")
        let windows = (n - size) / step + 1
        let (viewShape, viewStrides): ([Int], [Int])
        if rank == 0 {
            (viewShape, viewStrides) = ([size], [1])
        } else {
            var (s, st) = (shape, strides)
            s[a] = windows
            st[a] = strides[a] * step
            (viewShape, viewStrides) = (s + [size], st + [strides[a]])
        }
        let out = restrided(shape: viewShape, strides: viewStrides, offset: offset)
        let inShape = shape
        return recordUnary("unfold", self, out) { g in
            // The same windows over a contiguous buffer of the input's shape, accumulated into.
            let c = Tensor.contiguousStrides(for: inShape)
            var st = c
            if !inShape.isEmpty { st[a] = c[a] * step }
            let windowStrides = inShape.isEmpty ? [1] : st + [c[a]]
            return inFloat32IfReduced(accumulating: g) { g in
                g.dtype.dispatch(WindowSumKernel(g: g, windowStrides: windowStrides, inShape: inShape), op: "unfold backward")
            }
        }
    }
}

/// The gradient of `Tensor.unfold`: every window's gradient added onto the positions it covers.
private struct WindowSumKernel: NumericKernel {
    let g: Tensor, windowStrides: [Int], inShape: [Int]
    func run<T: NumericScalar>(_: T.Type) -> Tensor {
        let out = Tensor.zeros(inShape, dtype: g.dtype)
        let walk = StridedWalk(shape: g.shape, dstStrides: windowStrides, srcStrides: g.strides)
        let src = g.storage.pointer(T.self) + g.offset, dst = out.storage.pointer(T.self)
        let (n, ds, ss) = (walk.length, walk.dstStep, walk.srcStep)
        walk.forEachRow(0..<walk.rows) { od, os in
            for j in 0..<n { dst[od + j * ds] += src[os + j * ss] }
        }
        return out
    }
}
