/// Extracts sliding blocks of images as columns (`torch.nn.Unfold`, im2col): `[N, C, H, W]`
/// becomes `[N, C·kH·kW, L]`; see ``unfold(_:kernelSize:dilation:padding:stride:)``. No parameters.
public final class Unfold: Module {
    /// Height and width of the blocks.
    public let kernelSize: IntPair
    /// Spacing between the taps of a block.
    public let dilation: IntPair
    /// Zeros added on each side of the input.
    public let padding: IntPair
    /// Steps between blocks.
    public let stride: IntPair

    /// Blocks of `kernelSize`, with PyTorch's defaults for the rest.
    public init(kernelSize: IntPair, dilation: IntPair = 1, padding: IntPair = 0, stride: IntPair = 1) {
        (self.kernelSize, self.dilation, self.padding, self.stride) = (kernelSize, dilation, padding, stride)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        unfold(x, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }
}

/// Sums columns of sliding blocks back into images (`torch.nn.Fold`, col2im): `[N, C·kH·kW, L]`
/// becomes `[N, C, H, W]` for `outputSize` `(H, W)`; see
/// ``fold(_:outputSize:kernelSize:dilation:padding:stride:)``. No parameters.
public final class Fold: Module {
    /// Height and width of the output images.
    public let outputSize: IntPair
    /// Height and width of the blocks.
    public let kernelSize: IntPair
    /// Spacing between the taps of a block.
    public let dilation: IntPair
    /// Zeros that were added on each side (cut off again).
    public let padding: IntPair
    /// Steps between blocks.
    public let stride: IntPair

    /// Folds blocks of `kernelSize` into images of `outputSize`, with PyTorch's defaults for the rest.
    public init(outputSize: IntPair, kernelSize: IntPair, dilation: IntPair = 1, padding: IntPair = 0, stride: IntPair = 1) {
        (self.outputSize, self.kernelSize, self.dilation, self.padding, self.stride) = (outputSize, kernelSize, dilation, padding, stride)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        fold(x, outputSize: outputSize, kernelSize: kernelSize, dilation: dilation, padding: padding, stride: stride)
    }
}
