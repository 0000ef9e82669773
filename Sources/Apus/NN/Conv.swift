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
    public let bias: Parameter?
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: IntPair
    public let stride: IntPair
    public let padding: ConvPadding
    public let dilation: IntPair
    public let groups: Int

    /// - Parameters:
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
    public let bias: Parameter?
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: ConvPadding
    public let dilation: Int
    public let groups: Int

    /// - Parameters:
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
    public let weight: Parameter
    public let bias: Parameter?
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: IntPair
    public let stride: IntPair
    public let padding: IntPair
    public let outputPadding: IntPair
    public let groups: Int
    public let dilation: IntPair

    /// - Parameters:
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
