// 3-D convolutions (video, volumes) computed as matrix products: conv3d and convTranspose3d
// (conv3d's input gradient as a forward op). Kernels: Backend/Conv3dKernels.swift (float32 on the
// implicit GEMMs of Backend/ConvGemm.swift).

/// Zero-padding of a 3-d convolution's input, as PyTorch's `padding` argument of `conv3d`.
///
/// - `.explicit(p)`: `p.depth` planes of zeros in front and behind, `p.height` rows above and
///   below, `p.width` columns left and right (an integer literal `1` or an array literal
///   `[1, 2, 2]` make one);
/// - `.valid`: no padding;
/// - `.same`: enough padding that the output has the input's size (stride 1 only): `d·(k − 1)` in
///   all per axis, half (rounded down) before and the rest after, as PyTorch does.
public enum Conv3dPadding: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral,
    CustomStringConvertible {
    /// `depth` planes of zeros on both sides along the depth, `height` rows and `width` columns likewise.
    case explicit(IntTriple)
    /// No padding: windows stay inside the input.
    case valid
    /// Enough padding that the output has the input's size (stride 1 only).
    case same

    /// An integer literal pads every side by the same amount: `padding: 1` is `.explicit(IntTriple(1))`.
    public init(integerLiteral value: Int) { self = .explicit(IntTriple(value)) }
    /// `[d, h, w]` pads each axis by its own amount on both sides; `[p]` is `p` for all three.
    public init(arrayLiteral elements: Int...) {
        require(elements.count == 1 || elements.count == 3, "Conv3dPadding: expected 1 or 3 values, got \(elements)")
        self = .explicit(elements.count == 1 ? IntTriple(elements[0]) : IntTriple(elements[0], elements[1], elements[2]))
    }

    /// The amount for explicit padding (`1`, `(0, 1, 1)`), else `valid` or `same`.
    public var description: String {
        switch self {
        case .explicit(let p): "\(p)"
        case .valid: "valid"
        case .same: "same"
        }
    }

    /// Padding (before, after) along axis `axis` (0: depth, 1: height, 2: width) for kernel size
    /// `kernel` and dilation `dilation` along it.
    func sides(axis: Int, kernel: Int, dilation: Int) -> (Int, Int) {
        switch self {
        case .explicit(let p): (p.values[axis], p.values[axis])
        case .valid: (0, 0)
        case .same:
            { let total = dilation * (kernel - 1); return (total / 2, total - total / 2) }()
        }
    }
}

/// 3-D convolution (cross-correlation, as `torch.nn.functional.conv3d`):
/// `y[n, o, t, i, j] = b[o] + Σ_{c, a, p, q} w[o, c, a, p, q] · x̃[n, g·C/G + c, t·s_d + a·d_d, i·s_h + p·d_h, j·s_w + q·d_w]`
/// where `x̃` is `x` zero-padded and `g` the group of output channel `o`.
///
/// - Parameters:
///   - x: `[N, C, D, H, W]`, or unbatched `[C, D, H, W]`.
///   - weight: `[O, C/groups, kD, kH, kW]`.
///   - bias: `[O]`, or nil.
///   - stride: steps between windows, per axis (`2` or `[1, 2, 2]`).
///   - padding: zeros around the input: an integer, a triple, `.valid` or `.same` (stride 1 only).
///   - dilation: spacing between the kernel's taps, per axis.
///   - groups: channels split into `groups` independent convolutions (`groups = C`: depthwise);
///     it must divide both `C` and `O`.
/// - Returns: `[N, O, outD, outH, outW]` (unbatched: `[O, outD, outH, outW]`), each size
///   `⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1` (``convOutputSize(_:kernel:stride:padding:dilation:)``).
///
/// float32 runs as one implicit GEMM `W[O, C·kD·kH·kW] · vol2col(x)` over the batch, the vol2col
/// panels packed straight from the input. Backward: `∂x = col2vol(Wᵀ · g)` (for stride 1, a
/// convolution of `g` with the flipped kernel), `∂W = Σₙ gₙ · vol2col(xₙ)ᵀ`, `∂b = Σ g`.
/// float16 and bfloat16 compute in float32.
public func conv3d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: IntTriple = 1,
                   padding: Conv3dPadding = 0, dilation: IntTriple = 1, groups: Int = 1) -> Tensor {
    let op = "conv3d"
    require(x.rank == 5 || x.rank == 4, "\(op): expected input [N, C, D, H, W] or unbatched [C, D, H, W], got shape \(x.shape)")
    require(weight.rank == 5, "\(op): expected weight [O, C/groups, kD, kH, kW], got shape \(weight.shape)")
    let batched = x.rank == 5 ? x : x.unsqueezed(axis: 0)
    let geometry = conv3dGeometry(op, batched.shape, weight.shape, stride: stride, padding: padding, dilation: dilation,
                                  groups: groups, shapes: (x.shape, weight.shape))
    if let bias {
        require(bias.shape == [weight.shape[0]], "\(op): bias of shape \(bias.shape) does not match weight of shape \(weight.shape)")
    }
    let y = convolution3d(op, batched, weight: weight, bias: bias, geometry)
    return x.rank == 5 ? y : y.squeezed(axis: 0)
}

/// Checks that no spatial size of `x` (an `[N, C, …]` shape) is zero (PyTorch takes zero batch
/// or zero channels only).
private func requireSpatialSizes(_ op: String, _ x: [Int], shown: [Int]) {
    require(!x.dropFirst(2).contains(0), "\(op): only a zero batch or zero channels can be empty, got input of shape \(shown)")
}

/// Checks shapes and hyper-parameters and builds the geometry of a 3-D convolution of `x`
/// `[N, C, D, H, W]` with `weight` `[O, C/groups, kD, kH, kW]`. `shapes` are the shapes the user
/// passed (for messages).
private func conv3dGeometry(_ op: String, _ x: [Int], _ w: [Int], stride: IntTriple, padding: Conv3dPadding,
                            dilation: IntTriple, groups: Int, shapes: ([Int], [Int])) -> Conv3dGeometry {
    let shown = "input of shape \(shapes.0) and weight of shape \(shapes.1)"
    require(groups > 0, "\(op): groups must be positive, got \(groups)")
    require(stride.values.allSatisfy { $0 > 0 }, "\(op): stride must be positive, got \(stride)")
    require(dilation.values.allSatisfy { $0 > 0 }, "\(op): dilation must be positive, got \(dilation)")
    if case .explicit(let p) = padding {
        require(p.values.allSatisfy { $0 >= 0 }, "\(op): padding must be non-negative, got \(p)")
    }
    if padding == .same {
        require(stride == 1, "\(op): padding .same needs stride 1, got stride \(stride)")
    }
    let (c, o) = (x[1], w[0])
    require(o % groups == 0, "\(op): groups \(groups) does not divide the \(o) output channels of \(shown)")
    require(c % groups == 0, "\(op): groups \(groups) does not divide the \(c) input channels of \(shown)")
    require(w[1] * groups == c, """
        \(op): \(shown) do not match: the input has \(c) channels, the weight expects \
        \(w[1]) × groups \(groups) = \(w[1] * groups)
        """)
    requireSpatialSizes(op, x, shown: shapes.0)
    let kernel = Array(w[2...]), strides = stride.values, dilations = dilation.values
    let sides = (0..<3).map { padding.sides(axis: $0, kernel: kernel[$0], dilation: dilations[$0]) }
    let spans = (0..<3).map { dilations[$0] * (kernel[$0] - 1) + 1 }
    let padded = (0..<3).map { x[2 + $0] + sides[$0].0 + sides[$0].1 }
    require(zip(padded, spans).allSatisfy { $0 >= $1 }, """
        \(op): the padded input (\(padded.map(String.init).joined(separator: " × "))) is smaller than the dilated \
        kernel (\(spans.map(String.init).joined(separator: " × "))) for \(shown), padding \(padding), dilation \(dilation)
        """)
    let out = (0..<3).map {
        convOutputSize(x[2 + $0], kernel: kernel[$0], stride: strides[$0], padding: sides[$0], dilation: dilations[$0])
    }
    return Conv3dGeometry(
        batch: x[0], channels: c, depth: x[2], height: x[3], width: x[4], outChannels: o, groups: groups,
        kernelD: kernel[0], kernelH: kernel[1], kernelW: kernel[2], strideD: strides[0], strideH: strides[1], strideW: strides[2],
        padFront: sides[0].0, padTop: sides[1].0, padLeft: sides[2].0,
        dilationD: dilations[0], dilationH: dilations[1], dilationW: dilations[2], outD: out[0], outH: out[1], outW: out[2])
}

/// The recorded body of conv3d on a checked geometry and batched input.
private func convolution3d(_ op: String, _ x: Tensor, weight: Tensor, bias: Tensor?, _ geometry: Conv3dGeometry) -> Tensor {
    if let y = inFloat32IfReduced(x, weight, {
        convolution3d(op, $0, weight: $1, bias: bias?.cast(to: .float32), geometry)
    }) { return y }
    let (x, w) = Elementwise.promoteTypes(x, weight, floating: true)
    let b = bias?.cast(to: w.dtype)
    let (xd, wd) = (x.detached().contiguous(), w.detached().contiguous())
    let inputs = [x, w] + (b.map { [$0] } ?? [])
    let out = Conv3dKernels.forward(geometry, x: xd, weight: wd, bias: b?.detached().contiguous())
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    let (rx, rw) = (x.requiresGrad, w.requiresGrad)
    return record(op, inputs, out) { g in
        let (dx, dw) = Conv3dKernels.backward(geometry, outputGrad: g, weight: wd, input: rw ? xd : nil, wantInput: rx)
        var grads: [Tensor?] = [dx, dw]
        if b != nil { grads.append(ConvKernels.channelSums(g)) }
        return grads
    }
}

/// Transposed 3-D convolution, as `torch.nn.functional.conv_transpose3d`: the gradient of
/// ``conv3d(_:weight:bias:stride:padding:dilation:groups:)`` with respect to its input, used to
/// upsample volumes and videos.
///
/// - Parameters:
///   - x: `[N, Cin, D, H, W]`, or unbatched `[Cin, D, H, W]`.
///   - weight: `[Cin, Cout/groups, kD, kH, kW]` (PyTorch's layout: input channels first).
///   - bias: `[Cout]`, or nil.
///   - stride: the upsampling factor per axis.
///   - padding: removed from each side of the full output, per axis.
///   - outputPadding: extra planes, rows and columns added on one side of the output (each
///     smaller than the stride or the dilation along its axis).
///   - groups: channels split into `groups` independent transposed convolutions; it must divide `Cin` and `Cout`.
///   - dilation: spacing between the kernel's taps, per axis.
/// - Returns: `[N, Cout, outD, outH, outW]` (unbatched: `[Cout, outD, outH, outW]`) with
///   `out = (n − 1)·s − 2p + d·(k − 1) + outputPadding + 1` per axis.
///
/// Computed as conv3d's input gradient; backward: `∂x = conv3d(g, W)`, `∂W` the conv3d weight
/// gradient with the roles of input and output gradient swapped, `∂b = Σ g`.
public func convTranspose3d(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, stride: IntTriple = 1,
                            padding: IntTriple = 0, outputPadding: IntTriple = 0, groups: Int = 1,
                            dilation: IntTriple = 1) -> Tensor {
    let op = "convTranspose3d"
    require(x.rank == 5 || x.rank == 4, "\(op): expected input [N, Cin, D, H, W] or unbatched [Cin, D, H, W], got shape \(x.shape)")
    require(weight.rank == 5, "\(op): expected weight [Cin, Cout/groups, kD, kH, kW], got shape \(weight.shape)")
    let batched = x.rank == 5 ? x : x.unsqueezed(axis: 0)
    let shown = "input of shape \(x.shape) and weight of shape \(weight.shape)"
    require(groups > 0, "\(op): groups must be positive, got \(groups)")
    require(stride.values.allSatisfy { $0 > 0 }, "\(op): stride must be positive, got \(stride)")
    require(dilation.values.allSatisfy { $0 > 0 }, "\(op): dilation must be positive, got \(dilation)")
    require(padding.values.allSatisfy { $0 >= 0 }, "\(op): padding must be non-negative, got \(padding)")
    require((0..<3).allSatisfy { a in
                outputPadding.values[a] >= 0
                    && (outputPadding.values[a] < stride.values[a] || outputPadding.values[a] < dilation.values[a]) },
            "\(op): outputPadding \(outputPadding) must be smaller than the stride \(stride) or the dilation \(dilation)")
    let (cin, cout) = (batched.shape[1], weight.shape[1] * groups)
    require(weight.shape[0] % groups == 0, "\(op): groups \(groups) does not divide the \(weight.shape[0]) input channels of the weight of shape \(weight.shape)")
    require(weight.shape[0] == cin, "\(op): \(shown) do not match: the input has \(cin) channels, the weight expects \(weight.shape[0])")
    requireSpatialSizes(op, batched.shape, shown: x.shape)
    if let bias { require(bias.shape == [cout], "\(op): bias of shape \(bias.shape) does not match \(cout) output channels") }
    let out = (0..<3).map { a in
        transposedOutputSize(batched.shape[2 + a], kernel: weight.shape[2 + a], stride: stride.values[a],
                             padding: padding.values[a], dilation: dilation.values[a], outputPadding: outputPadding.values[a])
    }
    require(out.allSatisfy { $0 > 0 }, """
        \(op): output size \(out.map(String.init).joined(separator: " × ")) is not positive for \(shown), \
        stride \(stride), padding \(padding)
        """)
    // The direct convolution whose input gradient this is: input [N, Cout, outD, outH, outW], weight as given.
    let geometry = Conv3dGeometry(
        batch: batched.shape[0], channels: cout, depth: out[0], height: out[1], width: out[2], outChannels: cin, groups: groups,
        kernelD: weight.shape[2], kernelH: weight.shape[3], kernelW: weight.shape[4],
        strideD: stride.depth, strideH: stride.height, strideW: stride.width,
        padFront: padding.depth, padTop: padding.height, padLeft: padding.width,
        dilationD: dilation.depth, dilationH: dilation.height, dilationW: dilation.width,
        outD: batched.shape[2], outH: batched.shape[3], outW: batched.shape[4])
    let y = transposedConvolution3d(op, batched, weight: weight, bias: bias, geometry)
    return x.rank == 5 ? y : y.squeezed(axis: 0)
}

/// Output size of a transposed convolution along one axis: `(n − 1)·s − 2p + d·(k − 1) + outputPadding + 1`.
func transposedOutputSize(_ n: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, outputPadding: Int) -> Int {
    (n - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1
}

/// The recorded body of convTranspose3d on a checked geometry (that of the direct convolution) and batched input.
private func transposedConvolution3d(_ op: String, _ x: Tensor, weight: Tensor, bias: Tensor?, _ geometry: Conv3dGeometry) -> Tensor {
    if let y = inFloat32IfReduced(x, weight, {
        transposedConvolution3d(op, $0, weight: $1, bias: bias?.cast(to: .float32), geometry)
    }) { return y }
    let (xp, w) = Elementwise.promoteTypes(x, weight, floating: true)
    let b = bias?.cast(to: w.dtype)
    let (xd, wd) = (xp.detached().contiguous(), w.detached().contiguous())
    var out = Conv3dKernels.backward(geometry, outputGrad: xd, weight: wd, input: nil, wantInput: true).input!
    if let b { out = ConvKernels.addChannelBias(b.detached().contiguous(), to: out) }
    let inputs = [xp, w] + (b.map { [$0] } ?? [])
    guard GradMode.isEnabled, inputs.contains(where: \.requiresGrad) else { return out }
    let (rx, rw) = (xp.requiresGrad, w.requiresGrad)
    return record(op, inputs, out) { g in
        let gc = g.detached().cast(to: wd.dtype).contiguous()
        var grads: [Tensor?] = [rx ? Conv3dKernels.forward(geometry, x: gc, weight: wd, bias: nil) : nil,
                                rw ? Conv3dKernels.backward(geometry, outputGrad: xd, weight: wd, input: gc, wantInput: false).weight : nil]
        if b != nil { grads.append(ConvKernels.channelSums(gc)) }
        return grads
    }
}

extension Conv3dKernels {
    /// `conv3d(x, weight) + bias` for contiguous float tensors, as a new `[N, O, outD, outH, outW]` tensor.
    static func forward(_ g: Conv3dGeometry, x: Tensor, weight: Tensor, bias: Tensor?, pool: ThreadPool = .shared) -> Tensor {
        let shape = [g.batch, g.outChannels, g.outD, g.outH, g.outW]
        if shape.contains(0) { return Tensor.zeros(shape, dtype: x.dtype).detached() }
        if g.groupDepth == 0 {
            // No input channels: the bias alone.
            let zeros = Tensor.zeros(shape, dtype: x.dtype).detached()
            return bias.map { ConvKernels.addChannelBias($0.cast(to: x.dtype).contiguous(), to: zeros) } ?? zeros
        }
        var out = Tensor(uninitialized: shape, dtype: x.dtype)
        out.node = nil
        if x.dtype == .float32 {
            ConvGemm.forward(g, x: x.storage.pointer(Float.self) + x.offset,
                             weights: .plain(weight.storage.pointer(Float.self) + weight.offset),
                             bias: bias.map { UnsafePointer($0.storage.pointer(Float.self) + $0.offset) },
                             y: out.storage.pointer(Float.self), pool: pool,
                             keep: GradMode.isEnabled ? nil : .init(storage: weight.storage, offset: weight.offset))
        } else {
            forward(Double.self, g, x: x.storage.pointer(Double.self) + x.offset, weight: weight.storage.pointer(Double.self) + weight.offset,
                    bias: bias.map { UnsafePointer($0.storage.pointer(Double.self) + $0.offset) },
                    y: out.storage.pointer(Double.self), pool: pool)
        }
        return out
    }

    /// Input gradient `[N, C, D, H, W]` (when `wantInput`) and weight gradient `[O, C/groups, kD, kH, kW]`
    /// (when `input`, the forward input, is given) from the output gradient.
    static func backward(_ g: Conv3dGeometry, outputGrad: Tensor, weight: Tensor, input: Tensor?,
                         wantInput: Bool, pool: ThreadPool = .shared) -> (input: Tensor?, weight: Tensor?) {
        let inputShape = [g.batch, g.channels, g.depth, g.height, g.width]
        if g.batch == 0 || g.positions == 0 || g.channels == 0 || g.outChannels == 0 {
            return (wantInput ? Tensor.zeros(inputShape, dtype: weight.dtype).detached() : nil,
                    input != nil ? Tensor.zeros(weight.shape, dtype: weight.dtype).detached() : nil)
        }
        let dy = outputGrad.detached().cast(to: weight.dtype).contiguous()
        let dx = wantInput ? Tensor(uninitialized: inputShape, dtype: weight.dtype) : nil
        let dw = input != nil ? Tensor(uninitialized: weight.shape, dtype: weight.dtype) : nil
        if weight.dtype == .float32 {
            let dyp = UnsafePointer(dy.storage.pointer(Float.self) + dy.offset)
            let wp = UnsafePointer(weight.storage.pointer(Float.self) + weight.offset)
            if let dx {
                // Stride 1: a forward convolution of dY with the flipped kernel (no col2vol, no
                // zeroing); few input channels would make its GEMM as few rows, and strided
                // convolutions take col2vol.
                if g.inputGradientIsConvolution && g.channels / g.groups >= 8 {
                    ConvGemm.forward(g.flippedForInputGradient, x: dyp, weights: .flipped(wp, originalGroupOut: g.groupOut),
                                     bias: nil, y: dx.storage.pointer(Float.self), pool: pool)
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
            backward(Double.self, g, dy: dy.storage.pointer(Double.self) + dy.offset,
                     weight: weight.storage.pointer(Double.self) + weight.offset,
                     x: input.map { UnsafePointer($0.storage.pointer(Double.self) + $0.offset) },
                     dx: dx?.storage.pointer(Double.self), dw: dw?.storage.pointer(Double.self), pool: pool)
        }
        return (dx, dw)
    }
}
