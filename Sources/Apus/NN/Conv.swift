/// PyTorch's default initialisation of a convolution: weight `kaiming_uniform_(a=√5)`, whose bound
/// is exactly `1/√fanIn`, and bias U(−1/√fanIn, 1/√fanIn); `fanIn` from ``fans(of:)`` of the weight.
private func defaultConvParameters(weightShape: [Int], bias: Bool, biasCount: Int, dtype: DType,
                                   weightInitializer: Initializer?, biasInitializer: Initializer?,
                                   generator: RandomGenerator) -> (Parameter, Parameter?) {
    let bound = 1 / Double(fans(of: weightShape).fanIn).squareRoot()
    let pytorchDefault = Initializer.uniform(low: -bound, high: bound)
    let weight = Parameter((weightInitializer ?? pytorchDefault)(weightShape, dtype: dtype, generator: generator))
    let b = bias ? Parameter((biasInitializer ?? pytorchDefault)([biasCount], dtype: dtype, generator: generator)) : nil
    return (weight, b)
}

/// Checks channel counts and groups for a convolution layer named `layer`.
private func checkChannels(_ layer: String, _ inChannels: Int, _ outChannels: Int, groups: Int) {
    require(inChannels > 0 && outChannels > 0, "\(layer): channel counts must be positive, got \(inChannels)→\(outChannels)")
    require(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
            "\(layer): groups \(groups) must divide both in_channels \(inChannels) and out_channels \(outChannels)")
}

/// A 2-D convolution layer, as `torch.nn.Conv2d`: input `[N, inChannels, H, W]`, output
/// `[N, outChannels, outH, outW]` with `out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1` per axis.
///
/// Weight `[outChannels, inChannels/groups, kH, kW]` and bias `[outChannels]` start from
/// U(−1/√fanIn, 1/√fanIn) with `fanIn = inChannels/groups · kH · kW` (PyTorch's default,
/// `kaiming_uniform_(a=√5)`) unless initialisers are given. Sizes take an integer for both axes
/// or a pair: `Conv2d(3, 16, kernelSize: [3, 5], stride: 2, padding: .same)`.
/// See ``conv2d(_:weight:bias:stride:padding:dilation:groups:)``.
public final class Conv2d: Module {
    public let weight: Parameter
    /// The per-output-channel bias `[outChannels]`, added after the convolution; nil when built with `bias: false`
    /// (as before a batch norm, whose shift makes a bias redundant).
    public let bias: Parameter?
    /// Channels of the input, `C` in `[N, C, H, W]`.
    public let inChannels: Int
    /// Channels of the output: the number of filters.
    public let outChannels: Int
    /// The filter's height and width `(kH, kW)`.
    public let kernelSize: IntPair
    /// Steps between neighbouring windows along height and width; 2 halves each spatial size.
    public let stride: IntPair
    /// Zeros added around the input: explicit amounts per axis, `.valid` (none) or `.same` (output size = input size).
    public let padding: ConvPadding
    /// Spacing between the filter's taps (1: dense); a dilation `d` widens a `k` filter to `d·(k − 1) + 1` pixels.
    public let dilation: IntPair
    /// Channel groups that are convolved separately: 1 is an ordinary convolution, `inChannels` a depthwise one.
    public let groups: Int

    /// Creates a convolution with `outChannels` filters of `inChannels/groups × kH × kW` weights.
    ///
    /// - Parameters:
    ///   - inChannels: channels of the input, `C` in `[N, C, H, W]`.
    ///   - outChannels: channels of the output (the number of filters).
    ///   - kernelSize: the filter's size, `3` or `[kH, kW]`.
    ///   - stride: steps between windows, one for both axes or a pair.
    ///   - padding: zeros around the input: a number, a pair, `.valid` or `.same` (needs stride 1).
    ///   - dilation: spacing between the filter's taps.
    ///   - groups: channel groups convolved separately; must divide both channel counts.
    ///   - bias: whether to add a learned bias per output channel.
    ///   - dtype: the parameters' element type.
    ///   - weightInitializer: fills the weight; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - biasInitializer: fills the bias; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - generator: the random numbers, the weight's drawn first.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntPair, stride: IntPair = 1,
                padding: ConvPadding = 0, dilation: IntPair = 1, groups: Int = 1, bias: Bool = true,
                dtype: DType = .float32, weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
                generator: RandomGenerator = .default) {
        checkChannels("Conv2d", inChannels, outChannels, groups: groups)
        require(kernelSize.height > 0 && kernelSize.width > 0, "Conv2d: kernelSize must be positive, got \(kernelSize)")
        require(padding != .same || stride == 1, "Conv2d: padding .same needs stride 1, got stride \(stride)")
        (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        (weight, self.bias) = defaultConvParameters(
            weightShape: [outChannels, inChannels / groups, kernelSize.height, kernelSize.width], bias: bias,
            biasCount: outChannels, dtype: dtype, weightInitializer: weightInitializer, biasInitializer: biasInitializer,
            generator: generator)
    }

    public override func forward(_ x: Tensor) -> Tensor { forward(x, weight: weight.value) }
}

extension Conv2d: WeightedLayer {
    /// The convolution of `x` with the given weight `[outChannels, inChannels/groups, kH, kW]` and this layer's bias.
    public func forward(_ x: Tensor, weight: Tensor) -> Tensor {
        require(x.rank == 4 && x.shape[1] == inChannels,
                "Conv2d(\(inChannels)→\(outChannels)): expected input [N, \(inChannels), H, W], got shape \(x.shape)")
        return conv2d(x, weight: weight, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// A 1-D convolution layer, as `torch.nn.Conv1d`: input `[N, inChannels, L]`, output
/// `[N, outChannels, ⌊(L + 2p − d·(k − 1) − 1) / s⌋ + 1]`. Weight `[outChannels, inChannels/groups, k]`,
/// bias `[outChannels]`, initialised as ``Conv2d``. See ``conv1d(_:weight:bias:stride:padding:dilation:groups:)``.
public final class Conv1d: Module {
    public let weight: Parameter
    /// The per-output-channel bias `[outChannels]`; nil when built with `bias: false`.
    public let bias: Parameter?
    /// Channels of the input, `C` in `[N, C, L]`.
    public let inChannels: Int
    /// Channels of the output: the number of filters.
    public let outChannels: Int
    /// The filter's length `k`.
    public let kernelSize: Int
    /// Steps between neighbouring windows; 2 halves the length.
    public let stride: Int
    /// Zeros added at both ends: an explicit amount, `.valid` (none) or `.same` (output length = input length).
    public let padding: ConvPadding
    /// Spacing between the filter's taps (1: dense).
    public let dilation: Int
    /// Channel groups that are convolved separately (1: an ordinary convolution).
    public let groups: Int

    /// Creates a 1-D convolution with `outChannels` filters of `inChannels/groups × kernelSize` weights.
    ///
    /// - Parameters:
    ///   - inChannels: channels of the input, `C` in `[N, C, L]`.
    ///   - outChannels: channels of the output (the number of filters).
    ///   - kernelSize: the filter's length.
    ///   - stride: steps between windows.
    ///   - padding: zeros at both ends: a number, `.valid` or `.same` (needs stride 1).
    ///   - dilation: spacing between the filter's taps.
    ///   - groups: channel groups convolved separately; must divide both channel counts.
    ///   - bias: whether to add a learned bias per output channel.
    ///   - dtype: the parameters' element type.
    ///   - weightInitializer: fills the weight; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn), `fanIn = inChannels/groups · k`.
    ///   - biasInitializer: fills the bias; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - generator: the random numbers, the weight's drawn first.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: ConvPadding = 0,
                dilation: Int = 1, groups: Int = 1, bias: Bool = true, dtype: DType = .float32,
                weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
                generator: RandomGenerator = .default) {
        checkChannels("Conv1d", inChannels, outChannels, groups: groups)
        require(kernelSize > 0, "Conv1d: kernelSize must be positive, got \(kernelSize)")
        require(padding != .same || stride == 1, "Conv1d: padding .same needs stride 1, got stride \(stride)")
        (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        (weight, self.bias) = defaultConvParameters(
            weightShape: [outChannels, inChannels / groups, kernelSize], bias: bias, biasCount: outChannels,
            dtype: dtype, weightInitializer: weightInitializer, biasInitializer: biasInitializer, generator: generator)
    }

    public override func forward(_ x: Tensor) -> Tensor { forward(x, weight: weight.value) }
}

extension Conv1d: WeightedLayer {
    /// The convolution of `x` with the given weight `[outChannels, inChannels/groups, k]` and this layer's bias.
    public func forward(_ x: Tensor, weight: Tensor) -> Tensor {
        require(x.rank == 3 && x.shape[1] == inChannels,
                "Conv1d(\(inChannels)→\(outChannels)): expected input [N, \(inChannels), L], got shape \(x.shape)")
        return conv1d(x, weight: weight, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// A transposed 2-D convolution layer, as `torch.nn.ConvTranspose2d` (the gradient of a Conv2d
/// with respect to its input; upsamples by `stride`): input `[N, inChannels, H, W]`, output
/// `[N, outChannels, (n − 1)·s − 2p + d·(k − 1) + outputPadding + 1, …]`.
///
/// Weight `[inChannels, outChannels/groups, kH, kW]` (PyTorch's layout) and bias `[outChannels]`
/// start from U(−1/√fanIn, 1/√fanIn) with `fanIn = outChannels/groups · kH · kW` (what PyTorch's
/// default computes from this layout). See ``convTranspose2d(_:weight:bias:stride:padding:outputPadding:groups:dilation:)``.
public final class ConvTranspose2d: Module {
    /// The filters `[inChannels, outChannels/groups, kH, kW]` (PyTorch's layout, transposed against ``Conv2d``'s).
    public let weight: Parameter
    /// The per-output-channel bias `[outChannels]`; nil when built with `bias: false`.
    public let bias: Parameter?
    /// Channels of the input, `C` in `[N, C, H, W]`.
    public let inChannels: Int
    /// Channels of the output.
    public let outChannels: Int
    /// The filter's height and width `(kH, kW)`.
    public let kernelSize: IntPair
    /// The upsampling factor: each input pixel moves `stride` pixels apart in the output.
    public let stride: IntPair
    /// Rows and columns cropped from each border of the full output (the padding of the convolution this inverts).
    public let padding: IntPair
    /// Extra rows and columns added at the bottom and right, to pick among the output sizes
    /// that a strided convolution maps to the same input size; must be smaller than `stride` or `dilation`.
    public let outputPadding: IntPair
    /// Channel groups transposed separately (1: an ordinary transposed convolution).
    public let groups: Int
    /// Spacing between the filter's taps (1: dense).
    public let dilation: IntPair

    /// Creates a transposed convolution, as `torch.nn.ConvTranspose2d(inChannels, outChannels, kernelSize, …)`.
    ///
    /// - Parameters:
    ///   - inChannels: channels of the input.
    ///   - outChannels: channels of the output.
    ///   - kernelSize: the filter's size, `4` or `[kH, kW]`.
    ///   - stride: the upsampling factor, one for both axes or a pair.
    ///   - padding: rows and columns cropped from each border of the full output.
    ///   - outputPadding: extra rows and columns at the bottom and right (smaller than `stride` or `dilation`).
    ///   - groups: channel groups transposed separately; must divide both channel counts.
    ///   - bias: whether to add a learned bias per output channel.
    ///   - dilation: spacing between the filter's taps.
    ///   - dtype: the parameters' element type.
    ///   - weightInitializer: fills the weight; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - biasInitializer: fills the bias; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - generator: the random numbers, the weight's drawn first.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntPair, stride: IntPair = 1, padding: IntPair = 0,
                outputPadding: IntPair = 0, groups: Int = 1, bias: Bool = true, dilation: IntPair = 1,
                dtype: DType = .float32, weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
                generator: RandomGenerator = .default) {
        checkChannels("ConvTranspose2d", inChannels, outChannels, groups: groups)
        require(kernelSize.height > 0 && kernelSize.width > 0, "ConvTranspose2d: kernelSize must be positive, got \(kernelSize)")
        (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
        (self.stride, self.padding, self.outputPadding, self.groups, self.dilation) = (stride, padding, outputPadding, groups, dilation)
        (weight, self.bias) = defaultConvParameters(
            weightShape: [inChannels, outChannels / groups, kernelSize.height, kernelSize.width], bias: bias,
            biasCount: outChannels, dtype: dtype, weightInitializer: weightInitializer, biasInitializer: biasInitializer,
            generator: generator)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        require(x.rank == 4 && x.shape[1] == inChannels,
                "ConvTranspose2d(\(inChannels)→\(outChannels)): expected input [N, \(inChannels), H, W], got shape \(x.shape)")
        return convTranspose2d(x, weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
                               outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}

/// A 3-D convolution layer, as `torch.nn.Conv3d`: input `[N, inChannels, D, H, W]` (or unbatched
/// `[inChannels, D, H, W]`), output `[N, outChannels, outD, outH, outW]` with
/// `out = ⌊(n + 2p − d·(k − 1) − 1) / s⌋ + 1` per axis.
///
/// Weight `[outChannels, inChannels/groups, kD, kH, kW]` and bias `[outChannels]` start from
/// U(−1/√fanIn, 1/√fanIn) with `fanIn = inChannels/groups · kD · kH · kW` (PyTorch's default,
/// `kaiming_uniform_(a=√5)`) unless initialisers are given. Sizes take an integer for all three
/// axes or a triple: `Conv3d(3, 64, kernelSize: [3, 7, 7], stride: [1, 2, 2], padding: [1, 3, 3])`.
/// See ``conv3d(_:weight:bias:stride:padding:dilation:groups:)``.
public final class Conv3d: Module {
    /// The filters `[outChannels, inChannels/groups, kD, kH, kW]`.
    public let weight: Parameter
    /// The per-output-channel bias `[outChannels]`; nil when built with `bias: false`.
    public let bias: Parameter?
    /// Channels of the input, `C` in `[N, C, D, H, W]`.
    public let inChannels: Int
    /// Channels of the output: the number of filters.
    public let outChannels: Int
    /// The filter's depth, height and width `(kD, kH, kW)`.
    public let kernelSize: IntTriple
    /// Steps between neighbouring windows along depth, height and width.
    public let stride: IntTriple
    /// Zeros added around the input: explicit amounts per axis, `.valid` (none) or `.same` (output size = input size).
    public let padding: Conv3dPadding
    /// Spacing between the filter's taps (1: dense).
    public let dilation: IntTriple
    /// Channel groups that are convolved separately: 1 is an ordinary convolution, `inChannels` a depthwise one.
    public let groups: Int

    /// Creates a 3-D convolution with `outChannels` filters of `inChannels/groups × kD × kH × kW` weights.
    ///
    /// - Parameters:
    ///   - inChannels: channels of the input, `C` in `[N, C, D, H, W]`.
    ///   - outChannels: channels of the output (the number of filters).
    ///   - kernelSize: the filter's size, `3` or `[kD, kH, kW]`.
    ///   - stride: steps between windows, one for all axes or a triple.
    ///   - padding: zeros around the input: a number, a triple, `.valid` or `.same` (needs stride 1).
    ///   - dilation: spacing between the filter's taps.
    ///   - groups: channel groups convolved separately; must divide both channel counts.
    ///   - bias: whether to add a learned bias per output channel.
    ///   - dtype: the parameters' element type.
    ///   - weightInitializer: fills the weight; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - biasInitializer: fills the bias; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - generator: the random numbers, the weight's drawn first.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntTriple, stride: IntTriple = 1,
                padding: Conv3dPadding = 0, dilation: IntTriple = 1, groups: Int = 1, bias: Bool = true,
                dtype: DType = .float32, weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
                generator: RandomGenerator = .default) {
        checkChannels("Conv3d", inChannels, outChannels, groups: groups)
        require(kernelSize.values.allSatisfy { $0 > 0 }, "Conv3d: kernelSize must be positive, got \(kernelSize)")
        require(padding != .same || stride == 1, "Conv3d: padding .same needs stride 1, got stride \(stride)")
        (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
        (self.stride, self.padding, self.dilation, self.groups) = (stride, padding, dilation, groups)
        (weight, self.bias) = defaultConvParameters(
            weightShape: [outChannels, inChannels / groups] + kernelSize.values, bias: bias,
            biasCount: outChannels, dtype: dtype, weightInitializer: weightInitializer, biasInitializer: biasInitializer,
            generator: generator)
    }

    public override func forward(_ x: Tensor) -> Tensor { forward(x, weight: weight.value) }
}

extension Conv3d: WeightedLayer {
    /// The convolution of `x` with the given weight `[outChannels, inChannels/groups, kD, kH, kW]` and this layer's bias.
    public func forward(_ x: Tensor, weight: Tensor) -> Tensor {
        require((x.rank == 5 && x.shape[1] == inChannels) || (x.rank == 4 && x.shape[0] == inChannels),
                "Conv3d(\(inChannels)→\(outChannels)): expected input [N, \(inChannels), D, H, W] or [\(inChannels), D, H, W], got shape \(x.shape)")
        return conv3d(x, weight: weight, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}

/// A transposed 1-D convolution layer, as `torch.nn.ConvTranspose1d` (the gradient of a Conv1d with
/// respect to its input; upsamples by `stride`): input `[N, inChannels, L]` (or unbatched
/// `[inChannels, L]`), output `[N, outChannels, (L − 1)·s − 2p + d·(k − 1) + outputPadding + 1]`.
///
/// Weight `[inChannels, outChannels/groups, k]` (PyTorch's layout) and bias `[outChannels]` start
/// from U(−1/√fanIn, 1/√fanIn) with `fanIn = outChannels/groups · k` (what PyTorch's default
/// computes from this layout). See ``convTranspose1d(_:weight:bias:stride:padding:outputPadding:groups:dilation:)``.
public final class ConvTranspose1d: Module {
    /// The filters `[inChannels, outChannels/groups, k]` (PyTorch's layout, transposed against ``Conv1d``'s).
    public let weight: Parameter
    /// The per-output-channel bias `[outChannels]`; nil when built with `bias: false`.
    public let bias: Parameter?
    /// Channels of the input, `C` in `[N, C, L]`.
    public let inChannels: Int
    /// Channels of the output.
    public let outChannels: Int
    /// The filter's length `k`.
    public let kernelSize: Int
    /// The upsampling factor: input samples land `stride` apart in the output.
    public let stride: Int
    /// Samples cropped from both ends of the full output (the padding of the convolution this inverts).
    public let padding: Int
    /// Extra samples added at the end, to pick among the lengths that a strided convolution maps to
    /// the same input length; must be smaller than `stride` or `dilation`.
    public let outputPadding: Int
    /// Channel groups transposed separately (1: an ordinary transposed convolution).
    public let groups: Int
    /// Spacing between the filter's taps (1: dense).
    public let dilation: Int

    /// Creates a transposed 1-D convolution, as `torch.nn.ConvTranspose1d(inChannels, outChannels, kernelSize, …)`.
    ///
    /// - Parameters:
    ///   - inChannels: channels of the input.
    ///   - outChannels: channels of the output.
    ///   - kernelSize: the filter's length.
    ///   - stride: the upsampling factor.
    ///   - padding: samples cropped from both ends of the full output.
    ///   - outputPadding: extra samples at the end (smaller than `stride` or `dilation`).
    ///   - groups: channel groups transposed separately; must divide both channel counts.
    ///   - bias: whether to add a learned bias per output channel.
    ///   - dilation: spacing between the filter's taps.
    ///   - dtype: the parameters' element type.
    ///   - weightInitializer: fills the weight; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - biasInitializer: fills the bias; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - generator: the random numbers, the weight's drawn first.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, groups: Int = 1, bias: Bool = true, dilation: Int = 1,
                dtype: DType = .float32, weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
                generator: RandomGenerator = .default) {
        checkChannels("ConvTranspose1d", inChannels, outChannels, groups: groups)
        require(kernelSize > 0, "ConvTranspose1d: kernelSize must be positive, got \(kernelSize)")
        (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
        (self.stride, self.padding, self.outputPadding, self.groups, self.dilation) = (stride, padding, outputPadding, groups, dilation)
        (weight, self.bias) = defaultConvParameters(
            weightShape: [inChannels, outChannels / groups, kernelSize], bias: bias, biasCount: outChannels,
            dtype: dtype, weightInitializer: weightInitializer, biasInitializer: biasInitializer, generator: generator)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        require((x.rank == 3 && x.shape[1] == inChannels) || (x.rank == 2 && x.shape[0] == inChannels),
                "ConvTranspose1d(\(inChannels)→\(outChannels)): expected input [N, \(inChannels), L] or [\(inChannels), L], got shape \(x.shape)")
        return convTranspose1d(x, weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
                               outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}

/// A transposed 3-D convolution layer, as `torch.nn.ConvTranspose3d` (the gradient of a Conv3d with
/// respect to its input; upsamples volumes and videos by `stride`): input `[N, inChannels, D, H, W]`
/// (or unbatched `[inChannels, D, H, W]`), output `[N, outChannels, outD, outH, outW]` with
/// `out = (n − 1)·s − 2p + d·(k − 1) + outputPadding + 1` per axis.
///
/// Weight `[inChannels, outChannels/groups, kD, kH, kW]` (PyTorch's layout) and bias `[outChannels]`
/// start from U(−1/√fanIn, 1/√fanIn) with `fanIn = outChannels/groups · kD · kH · kW` (what
/// PyTorch's default computes from this layout).
/// See ``convTranspose3d(_:weight:bias:stride:padding:outputPadding:groups:dilation:)``.
public final class ConvTranspose3d: Module {
    /// The filters `[inChannels, outChannels/groups, kD, kH, kW]` (PyTorch's layout, transposed against ``Conv3d``'s).
    public let weight: Parameter
    /// The per-output-channel bias `[outChannels]`; nil when built with `bias: false`.
    public let bias: Parameter?
    /// Channels of the input, `C` in `[N, C, D, H, W]`.
    public let inChannels: Int
    /// Channels of the output.
    public let outChannels: Int
    /// The filter's depth, height and width `(kD, kH, kW)`.
    public let kernelSize: IntTriple
    /// The upsampling factor per axis.
    public let stride: IntTriple
    /// Planes, rows and columns cropped from each border of the full output (the padding of the convolution this inverts).
    public let padding: IntTriple
    /// Extra planes, rows and columns added at the back, bottom and right; each smaller than `stride` or `dilation` along its axis.
    public let outputPadding: IntTriple
    /// Channel groups transposed separately (1: an ordinary transposed convolution).
    public let groups: Int
    /// Spacing between the filter's taps (1: dense).
    public let dilation: IntTriple

    /// Creates a transposed 3-D convolution, as `torch.nn.ConvTranspose3d(inChannels, outChannels, kernelSize, …)`.
    ///
    /// - Parameters:
    ///   - inChannels: channels of the input.
    ///   - outChannels: channels of the output.
    ///   - kernelSize: the filter's size, `2` or `[kD, kH, kW]`.
    ///   - stride: the upsampling factor, one for all axes or a triple.
    ///   - padding: planes, rows and columns cropped from each border of the full output.
    ///   - outputPadding: extra planes, rows and columns at the back, bottom and right (smaller than `stride` or `dilation`).
    ///   - groups: channel groups transposed separately; must divide both channel counts.
    ///   - bias: whether to add a learned bias per output channel.
    ///   - dilation: spacing between the filter's taps.
    ///   - dtype: the parameters' element type.
    ///   - weightInitializer: fills the weight; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - biasInitializer: fills the bias; nil: PyTorch's default U(−1/√fanIn, 1/√fanIn).
    ///   - generator: the random numbers, the weight's drawn first.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntTriple, stride: IntTriple = 1, padding: IntTriple = 0,
                outputPadding: IntTriple = 0, groups: Int = 1, bias: Bool = true, dilation: IntTriple = 1,
                dtype: DType = .float32, weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
                generator: RandomGenerator = .default) {
        checkChannels("ConvTranspose3d", inChannels, outChannels, groups: groups)
        require(kernelSize.values.allSatisfy { $0 > 0 }, "ConvTranspose3d: kernelSize must be positive, got \(kernelSize)")
        (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
        (self.stride, self.padding, self.outputPadding, self.groups, self.dilation) = (stride, padding, outputPadding, groups, dilation)
        (weight, self.bias) = defaultConvParameters(
            weightShape: [inChannels, outChannels / groups] + kernelSize.values, bias: bias,
            biasCount: outChannels, dtype: dtype, weightInitializer: weightInitializer, biasInitializer: biasInitializer,
            generator: generator)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        require((x.rank == 5 && x.shape[1] == inChannels) || (x.rank == 4 && x.shape[0] == inChannels),
                "ConvTranspose3d(\(inChannels)→\(outChannels)): expected input [N, \(inChannels), D, H, W] or [\(inChannels), D, H, W], got shape \(x.shape)")
        return convTranspose3d(x, weight: weight.value, bias: bias?.value, stride: stride, padding: padding,
                               outputPadding: outputPadding, groups: groups, dilation: dilation)
    }
}
