// Convolutions computed as matrix products: conv2d, conv1d (conv2d with height 1),
// convTranspose2d (conv2d's input gradient as a forward op) and convTranspose1d (convTranspose2d
// with height 1). Kernels: Backend/Im2col.swift. The 3-d forms: Convolution3d.swift.

/// Output size of a convolution along one axis:
/// `⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1` for input size `n`, padding `p` on each side, kernel size `k`,
/// dilation `d` and stride `s` (with `d = 1`, the familiar `⌊(n + 2p − k) / s⌋ + 1`).
/// `padding` may also be the total of both sides as `(before, after)`.
public func convOutputSize(_ n: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1) -> Int {
    convOutputSize(n, kernel: kernel, stride: stride, padding: (padding, padding), dilation: dilation)
}

func convOutputSize(_ n: Int, kernel: Int, stride: Int, padding: (Int, Int), dilation: Int) -> Int {
    (n + padding.0 + padding.1 - dilation * (kernel - 1) - 1) / stride + 1
}

/// 2-D convolution (cross-correlation, as `torch.nn.functional.conv2d`):
/// `y[n, o, i, j] = b[o] + Σ_{c, p, q} w[o, c, p, q] · x̃[n, g·C/G + c, i·s_h + p·d_h, j·s_w + q·d_w]`
/// where `x̃` is `x` zero-padded and `g` the group of output channel `o`.
///
/// - Parameters:
///   - x: `[N, C, H, W]`.
///   - weight: `[O, C/groups, kH, kW]`.
///   - bias: `[O]`, or nil.
///   - stride: steps between windows, per axis (`2` or `[2, 1]`).
///   - padding: zeros around the input: an integer, a pair, `.valid` or `.same` (stride 1 only).
///   - dilation: spacing between the kernel's taps, per axis (`2` or `[2, 1]`).
///   - groups: channels split into `groups` independent convolutions (`groups = C`: depthwise);
///     it must divide both `C` and `O`.
/// - Returns: `[N, O, outH, outW]`, each size `⌊(H + 2p − d·(k − 1) − 1) / s⌋ + 1` (``convOutputSize(_:kernel:stride:padding:dilation:)``).
///
/// Computed per image as `W · im2col(x)` on the GEMM. Backward: `∂x = col2im(Wᵀ · g)`,
/// `∂W = Σₙ gₙ · im2col(xₙ)ᵀ`, `∂b = Σ g` over batch and positions.
public func conv2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: IntPair = 1,
                   padding: ConvPadding = 0, dilation: IntPair = 1, groups: Int = 1) -> Tensor {
    require(x.rank == 4, "conv2d: expected input [N, C, H, W], got shape \(x.shape)")
    require(weight.rank == 4, "conv2d: expected weight [O, C/groups, kH, kW], got shape \(weight.shape)")
    return convolution("conv2d", x, weight: weight, bias: bias, stride: stride, padding: padding,
                       dilation: dilation, groups: groups, shapes: (x.shape, weight.shape))
}

/// 1-D convolution, as `torch.nn.functional.conv1d`: `x` `[N, C, L]`, `weight` `[O, C/groups, k]`,
/// `bias` `[O]`; result `[N, O, ⌊(L + 2p − d·(k − 1) − 1) / s⌋ + 1]`. `padding` is an integer,
/// `.valid` or `.same`. Runs as ``conv2d(_:weight:bias:stride:padding:dilation:groups:)`` with height 1.
public func conv1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1,
                   padding: ConvPadding = 0, dilation: Int = 1, groups: Int = 1) -> Tensor {
    require(x.rank == 3, "conv1d: expected input [N, C, L], got shape \(x.shape)")
    require(weight.rank == 3, "conv1d: expected weight [O, C/groups, k], got shape \(weight.shape)")
    let pad2d: ConvPadding
    switch padding {
    case .explicit(let p):
        require(p.height == p.width, "conv1d: padding must be one integer, got \(p)")
        pad2d = .explicit(IntPair(0, p.width))
    case .valid, .same: pad2d = padding
    }
    let y = convolution("conv1d", x.unsqueezed(axis: 2), weight: weight.unsqueezed(axis: 2), bias: bias,
                        stride: IntPair(1, stride), padding: pad2d, dilation: IntPair(1, dilation), groups: groups,
                        shapes: (x.shape, weight.shape))
    return y.squeezed(axis: 2)
}

/// Checks shapes and hyper-parameters and builds the geometry of a convolution of `x` `[N, C, H, W]`
/// with `weight` `[O, C/groups, kH, kW]`. `shapes` are the shapes the user passed (for messages).
private func convGeometry(_ op: String, _ x: [Int], _ w: [Int], stride: IntPair, padding: ConvPadding,
                          dilation: IntPair, groups: Int, shapes: ([Int], [Int])) -> ConvGeometry {
    let shown = "input of shape \(shapes.0) and weight of shape \(shapes.1)"
    require(groups > 0, "\(op): groups must be positive, got \(groups)")
    require(stride.height > 0 && stride.width > 0, "\(op): stride must be positive, got \(stride)")
    require(dilation.height > 0 && dilation.width > 0, "\(op): dilation must be positive, got \(dilation)")
    if case .explicit(let p) = padding {
        require(p.height >= 0 && p.width >= 0, "\(op): padding must be non-negative, got \(p)")
    }
    if padding == .same {
        require(stride == 1, "\(op): padding .same needs stride 1, got stride \(stride)")
    }
    let (c, o) = (x[1], w[0])
    require(c % groups == 0, "\(op): groups \(groups) does not divide the \(c) input channels of \(shown)")
    require(o % groups == 0, "\(op): groups \(groups) does not divide the \(o) output channels of \(shown)")
    require(w[1] * groups == c, """
        \(op): \(shown) do not match: the input has \(c) channels, the weight expects \
        \(w[1]) × groups \(groups) = \(w[1] * groups)
        """)
    let (ph, pw) = (padding.sides(axis: \.height, kernel: w[2], dilation: dilation.height),
                    padding.sides(axis: \.width, kernel: w[3], dilation: dilation.width))
    let (spanH, spanW) = (dilation.height * (w[2] - 1) + 1, dilation.width * (w[3] - 1) + 1)
    let (paddedH, paddedW) = (x[2] + ph.0 + ph.1, x[3] + pw.0 + pw.1)
    require(paddedH >= spanH && paddedW >= spanW, """
        \(op): the padded input (\(paddedH) × \(paddedW)) is smaller than the dilated kernel \
        (\(spanH) × \(spanW)) for \(shown), padding \(padding), dilation \(dilation)
        """)
    return ConvGeometry(
        batch: x[0], channels: c, height: x[2], width: x[3], outChannels: o, groups: groups,
        kernelH: w[2], kernelW: w[3], strideH: stride.height, strideW: stride.width,
        padTop: ph.0, padLeft: pw.0, dilationH: dilation.height, dilationW: dilation.width,
        outH: convOutputSize(x[2], kernel: w[2], stride: stride.height, padding: ph, dilation: dilation.height),
        outW: convOutputSize(x[3], kernel: w[3], stride: stride.width, padding: pw, dilation: dilation.width))
}

/// The common body of conv2d and conv1d on 4-D operands.
private func convolution(_ op: String, _ x: Tensor, weight: Tensor, bias: Tensor?, stride: IntPair,
                         padding: ConvPadding, dilation: IntPair, groups: Int, shapes: ([Int], [Int])) -> Tensor {
    let geometry = convGeometry(op, x.shape, weight.shape, stride: stride, padding: padding,
                                dilation: dilation, groups: groups, shapes: shapes)
    if let bias {
        require(bias.shape == [weight.shape[0]], "\(op): bias of shape \(bias.shape) does not match weight of shape \(shapes.1)")
    }
    if let y = inFloat32IfReduced(x, weight, {
        convolution(op, $0, weight: $1, bias: bias?.cast(to: .float32), stride: stride, padding: padding,
                    dilation: dilation, groups: groups, shapes: shapes)
    }) { return y }
    let (x, w) = Elementwise.promoteTypes(x, weight, floating: true)
    let b = bias?.cast(to: w.dtype)
    let (xd, wd) = (x.detached().contiguous(), w.detached().contiguous())
    let inputs = [x, w] + (b.map { [$0] } ?? [])
    let recording = GradMode.isEnabled && inputs.contains(where: \.requiresGrad)
    let (rx, rw) = (x.requiresGrad, w.requiresGrad)
    // Backward unfolds the input again rather than keeping the im2col matrices from the forward
    // pass: kH·kW times the input's size, written to memory and read back, cost more time (and
    // memory) than unfolding into a cache-sized buffer twice.
    let out = ConvKernels.forward(geometry, x: xd, weight: wd, bias: b?.detached().contiguous())
    guard recording else { return out }
    return record(op, inputs, out) { g in
        let (dx, dw) = ConvKernels.backward(geometry, outputGrad: g, weight: wd, input: rw ? xd : nil, wantInput: rx)
        var grads: [Tensor?] = [dx, dw]
        if b != nil { grads.append(ConvKernels.channelSums(g)) }
        return grads
    }
}

/// Transposed 2-D convolution, as `torch.nn.functional.conv_transpose2d`: the gradient of
/// ``conv2d(_:weight:bias:stride:padding:dilation:groups:)`` with respect to its input, used to
/// upsample ("fractionally strided" convolution).
///
/// - Parameters:
///   - x: `[N, Cin, H, W]`.
///   - weight: `[Cin, Cout/groups, kH, kW]` (PyTorch's layout: input channels first).
///   - bias: `[Cout]`, or nil.
///   - stride: the upsampling factor per axis: input pixels land `stride` apart in the output.
///   - padding: removed from each side of the full output (`dilation·(k − 1) − padding` zeros
///     pad the input of the equivalent direct convolution).
///   - outputPadding: extra rows/columns added on one side of the output (each smaller than the
///     stride or the dilation), to pick among the sizes that a strided conv2d maps to the same size.
///   - groups: channels split into `groups` independent transposed convolutions; it must divide `Cin` and `Cout`.
///   - dilation: spacing between the kernel's taps, per axis.
/// - Returns: `[N, Cout, outH, outW]` with `out = (n − 1)·s − 2p + d·(k − 1) + outputPadding + 1`.
///
/// Computed as `col2im(Wᵀ · x)` per image; backward: `∂x = conv2d(g, W)`, `∂W` the conv2d
/// weight gradient with the roles of input and output gradient swapped, `∂b = Σ g`.
public func convTranspose2d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: IntPair = 1,
                            padding: IntPair = 0, outputPadding: IntPair = 0, groups: Int = 1,
                            dilation: IntPair = 1) -> Tensor {
    require(x.rank == 4, "convTranspose2d: expected input [N, Cin, H, W], got shape \(x.shape)")
    require(weight.rank == 4, "convTranspose2d: expected weight [Cin, Cout/groups, kH, kW], got shape \(weight.shape)")
    return transposedConvolution("convTranspose2d", x, weight: weight, bias: bias, stride: stride, padding: padding,
                                 outputPadding: outputPadding, groups: groups, dilation: dilation,
                                 shapes: (x.shape, weight.shape))
}

/// Transposed 1-D convolution, as `torch.nn.functional.conv_transpose1d`: the gradient of
/// ``conv1d(_:weight:bias:stride:padding:dilation:groups:)`` with respect to its input.
///
/// - Parameters:
///   - x: `[N, Cin, L]`, or unbatched `[Cin, L]`.
///   - weight: `[Cin, Cout/groups, k]` (PyTorch's layout: input channels first).
///   - bias: `[Cout]`, or nil.
///   - stride: the upsampling factor: input samples land `stride` apart in the output.
///   - padding: removed from both ends of the full output.
///   - outputPadding: extra samples added at the end (smaller than the stride or the dilation).
///   - groups: channels split into `groups` independent transposed convolutions; it must divide `Cin` and `Cout`.
///   - dilation: spacing between the kernel's taps.
/// - Returns: `[N, Cout, (L − 1)·s − 2p + d·(k − 1) + outputPadding + 1]` (unbatched: `[Cout, …]`).
///
/// Runs as ``convTranspose2d(_:weight:bias:stride:padding:outputPadding:groups:dilation:)`` with height 1.
public func convTranspose1d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                            outputPadding: Int = 0, groups: Int = 1, dilation: Int = 1) -> Tensor {
    let op = "convTranspose1d"
    require(x.rank == 3 || x.rank == 2, "\(op): expected input [N, Cin, L] or unbatched [Cin, L], got shape \(x.shape)")
    require(weight.rank == 3, "\(op): expected weight [Cin, Cout/groups, k], got shape \(weight.shape)")
    require(stride > 0, "\(op): stride must be positive, got \(stride)")
    require(dilation > 0, "\(op): dilation must be positive, got \(dilation)")
    require(padding >= 0, "\(op): padding must be non-negative, got \(padding)")
    require(outputPadding >= 0 && (outputPadding < stride || outputPadding < dilation),
            "\(op): outputPadding \(outputPadding) must be smaller than the stride \(stride) or the dilation \(dilation)")
    require(x.shape.last! > 0, "\(op): only a zero batch or zero channels can be empty, got input of shape \(x.shape)")
    let batched = x.rank == 3 ? x : x.unsqueezed(axis: 0)
    let y = transposedConvolution(op, batched.unsqueezed(axis: 2), weight: weight.unsqueezed(axis: 2), bias: bias,
                                  stride: IntPair(1, stride), padding: IntPair(0, padding), outputPadding: IntPair(0, outputPadding),
                                  groups: groups, dilation: IntPair(1, dilation), shapes: (x.shape, weight.shape))
    return x.rank == 3 ? y.squeezed(axis: 2) : y.squeezed(axis: 2).squeezed(axis: 0)
}

/// The common body of convTranspose2d and convTranspose1d on 4-D operands. `shapes` are the shapes
/// the user passed (for messages).
private func transposedConvolution(_ op: String, _ x: Tensor, weight: Tensor, bias: Tensor?, stride: IntPair,
                                   padding: IntPair, outputPadding: IntPair, groups: Int, dilation: IntPair,
                                   shapes: ([Int], [Int])) -> Tensor {
    if let y = inFloat32IfReduced(x, weight, {
        transposedConvolution(op, $0, weight: $1, bias: bias?.cast(to: .float32), stride: stride, padding: padding,
                              outputPadding: outputPadding, groups: groups, dilation: dilation, shapes: shapes)
    }) { return y }
    let shown = "input of shape \(shapes.0) and weight of shape \(shapes.1)"
    require(groups > 0, "\(op): groups must be positive, got \(groups)")
    require(stride.height > 0 && stride.width > 0, "\(op): stride must be positive, got \(stride)")
    require(dilation.height > 0 && dilation.width > 0, "\(op): dilation must be positive, got \(dilation)")
    require(padding.height >= 0 && padding.width >= 0, "\(op): padding must be non-negative, got \(padding)")
    require(outputPadding.height >= 0 && outputPadding.width >= 0
            && (outputPadding.height < stride.height || outputPadding.height < dilation.height)
            && (outputPadding.width < stride.width || outputPadding.width < dilation.width),
            "\(op): outputPadding \(outputPadding) must be smaller than the stride \(stride) or the dilation \(dilation)")
    let (cin, cout) = (x.shape[1], weight.shape[1] * groups)
    require(cin % groups == 0, "\(op): groups \(groups) does not divide the \(cin) input channels of \(shown)")
    require(weight.shape[0] == cin, "\(op): \(shown) do not match: the input has \(cin) channels, the weight expects \(weight.shape[0])")
    if let bias { require(bias.shape == [cout], "\(op): bias of shape \(bias.shape) does not match \(cout) output channels") }
    func size(_ n: Int, _ k: Int, _ s: Int, _ p: Int, _ d: Int, _ op: Int) -> Int { (n - 1) * s - 2 * p + d * (k - 1) + op + 1 }
    let outH = size(x.shape[2], weight.shape[2], stride.height, padding.height, dilation.height, outputPadding.height)
    let outW = size(x.shape[3], weight.shape[3], stride.width, padding.width, dilation.width, outputPadding.width)
    require(outH > 0 && outW > 0, "\(op): output size \(outH) × \(outW) is not positive for \(shown), stride \(stride), padding \(padding)")
    // The direct convolution whose input gradient this is: input [N, Cout, outH, outW], weight as given.
    let geometry = ConvGeometry(
        batch: x.shape[0], channels: cout, height: outH, width: outW, outChannels: cin, groups: groups,
        kernelH: weight.shape[2], kernelW: weight.shape[3], strideH: stride.height, strideW: stride.width,
        padTop: padding.height, padLeft: padding.width, dilationH: dilation.height, dilationW: dilation.width,
        outH: x.shape[2], outW: x.shape[3])
    let (xp, w) = Elementwise.promoteTypes(x, weight, floating: true)
    let b = bias?.cast(to: w.dtype)
    let (xd, wd) = (xp.detached().contiguous(), w.detached().contiguous())
    var out = ConvKernels.backward(geometry, outputGrad: xd, weight: wd, input: nil, wantInput: true).input!
    if let b { out = ConvKernels.addChannelBias(b.detached().contiguous(), to: out) }
    let inputs = [xp, w] + (b.map { [$0] } ?? [])
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    let (rx, rw) = (xp.requiresGrad, w.requiresGrad)
    return record(op, inputs, out) { g in
        let gc = g.contiguous()
        var grads: [Tensor?] = [rx ? ConvKernels.forward(geometry, x: gc, weight: wd, bias: nil) : nil,
                                rw ? ConvKernels.backward(geometry, outputGrad: xd, weight: wd, input: gc, wantInput: false).weight : nil]
        if b != nil { grads.append(ConvKernels.channelSums(gc)) }
        return grads
    }
}

extension ConvKernels {
    /// `conv(x, weight) + bias` for contiguous float tensors, as a new `[N, O, outH, outW]` tensor.
    static func forward(_ g: ConvGeometry, x: Tensor, weight: Tensor, bias: Tensor?,
                        pool: ThreadPool = .shared) -> Tensor {
        var out = Tensor(uninitialized: [g.batch, g.outChannels, g.outH, g.outW], dtype: x.dtype)
        if out.count == 0 { return Tensor.zeros(out.shape, dtype: x.dtype).detached() }
        out.node = nil
        func run<T: FloatScalar>(_: T.Type) {
            forward(T.self, g, x: x.storage.pointer(T.self) + x.offset, weight: weight.storage.pointer(T.self) + weight.offset,
                    bias: bias.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) },
                    y: out.storage.pointer(T.self), pool: pool)
        }
        if x.dtype == .float32 {
            // Implicit GEMM (Backend/ConvGemm.swift); float64 keeps the im2col reference path.
            ConvGemm.forward(g, x: x.storage.pointer(Float.self) + x.offset, weight: weight.storage.pointer(Float.self) + weight.offset,
                             bias: bias.map { UnsafePointer($0.storage.pointer(Float.self) + $0.offset) },
                             y: out.storage.pointer(Float.self), pool: pool,
                             keep: GradMode.isEnabled ? nil : .init(storage: weight.storage, offset: weight.offset))
        } else {
            run(Double.self)
        }
        return out
    }

    /// Input gradient `[N, C, H, W]` (when `wantInput`) and weight gradient `[O, C/groups, kH, kW]`
    /// (when `input`, the forward input, is given) from the output gradient.
    static func backward(_ g: ConvGeometry, outputGrad: Tensor, weight: Tensor, input: Tensor?,
                         wantInput: Bool, pool: ThreadPool = .shared) -> (input: Tensor?, weight: Tensor?) {
        let dy = outputGrad.detached().cast(to: weight.dtype).contiguous()
        let dx = wantInput ? Tensor(uninitialized: [g.batch, g.channels, g.height, g.width], dtype: weight.dtype) : nil
        let dw = input != nil ? Tensor(uninitialized: weight.shape, dtype: weight.dtype) : nil
        if g.batch == 0 || g.positions == 0 {
            return (dx.map { _ in Tensor.zeros([g.batch, g.channels, g.height, g.width], dtype: weight.dtype).detached() },
                    dw.map { _ in Tensor.zeros(weight.shape, dtype: weight.dtype).detached() })
        }
        func run<T: FloatScalar>(_: T.Type) {
            backward(T.self, g, dy: dy.storage.pointer(T.self) + dy.offset,
                     weight: weight.storage.pointer(T.self) + weight.offset,
                     x: input.map { UnsafePointer($0.storage.pointer(T.self) + $0.offset) },
                     dx: dx?.storage.pointer(T.self), dw: dw?.storage.pointer(T.self), pool: pool)
        }
        if weight.dtype == .float32 {
            let dyp = UnsafePointer(dy.storage.pointer(Float.self) + dy.offset)
            let wp = UnsafePointer(weight.storage.pointer(Float.self) + weight.offset)
            // Strided input gradients, and those of layers with few input channels (the flipped
            // convolution would have as few output rows), take col2im; weight gradients small
            // enough for plain dot products take them straight from im2col rows (LeNet's layers).
            if let dx {
                if ConvGemm.inputGradientIsConvolution(g) && g.channels / g.groups >= 8 {
                    ConvGemm.inputGradient(g, dy: dyp, weight: wp, dx: dx.storage.pointer(Float.self), pool: pool)
                } else if ConvGemm.inputGradientByPhases(g) && g.channels / g.groups >= 8 {
                    ConvGemm.inputGradientPhases(g, dy: dyp, weight: wp, dx: dx.storage.pointer(Float.self), pool: pool)
                } else {
                    backward(Float.self, g, dy: dyp, weight: wp, x: nil, dx: dx.storage.pointer(Float.self), dw: nil, pool: pool)
                }
            }
            if let dw, let input {
                let x = UnsafePointer(input.storage.pointer(Float.self) + input.offset)
                if PackedSgemm.prefersDotProducts(m: g.groupOut, n: g.groupDepth, k: g.batch * g.positions) {
                    backward(Float.self, g, dy: dyp, weight: wp, x: x, dx: nil, dw: dw.storage.pointer(Float.self), pool: pool)
                } else {
                    ConvGemm.weightGradient(g, x: x, dy: dyp, dw: dw.storage.pointer(Float.self), pool: pool)
                }
            }
        } else {
            run(Double.self)
        }
        return (dx, dw)
    }

    /// `Σ_{n, …} g[n, o, …]` of a `[N, O, …]` gradient: the bias gradient, as `[O]` (summed image by
    /// image in a fixed order).
    static func channelSums(_ g: Tensor) -> Tensor {
        let gc = g.detached().contiguous()
        let (batch, channels) = (g.shape[0], g.shape[1])
        let plane = g.count / Swift.max(batch * channels, 1)
        var out = Tensor.zeros([channels], dtype: g.dtype)
        out.node = nil
        func run<T: FloatScalar>(_: T.Type) {
            let p = UnsafePointer(gc.storage.pointer(T.self) + gc.offset), o = out.storage.pointer(T.self)
            for n in 0..<batch {
                for c in 0..<channels { o[c] += Kernels.sum(p + (n * channels + c) * plane, plane) }
            }
        }
        if g.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }

    /// `y[n, o, …] + bias[o]` for a contiguous `[N, O, …]` tensor (a new tensor).
    static func addChannelBias(_ bias: Tensor, to y: Tensor) -> Tensor {
        var out = y
        out.makeStorageUnique()
        let (channels, plane) = (y.shape[1], y.count / Swift.max(y.shape[0] * y.shape[1], 1))
        func run<T: FloatScalar>(_: T.Type) {
            let p = out.storage.pointer(T.self) + out.offset, b = bias.storage.pointer(T.self) + bias.offset
            for r in 0..<(y.shape[0] * channels) {
                let row = p + r * plane, v = b[r % channels]
                for l in 0..<plane { row[l] += v }
            }
        }
        if y.dtype == .float32 { run(Float.self) } else { run(Double.self) }
        return out
    }
}
