/// Group normalisation as a layer, as `torch.nn.GroupNorm`: see ``groupNorm(_:numGroups:weight:bias:eps:)``.
///
/// Input `[N, C, …]` with `C = numChannels`, output of the same shape. With `affine` it has
/// parameters `weight` (ones) and `bias` (zeros), `[C]`, under PyTorch's names. It has no running
/// statistics: training and evaluation modes compute the same thing.
public final class GroupNorm: Module {
    /// The number of groups the channels are split into.
    public let numGroups: Int
    /// The number of channels `C` (divisible by ``numGroups``).
    public let numChannels: Int
    /// Added to the variance before the square root.
    public let eps: Double
    /// Per-channel scale `[C]`, nil without `affine`.
    public let weight: Parameter?
    /// Per-channel shift `[C]`, nil without `affine`.
    public let bias: Parameter?

    /// A group norm over `numChannels` channels in `numGroups` groups, with PyTorch's defaults.
    public init(numGroups: Int, numChannels: Int, eps: Double = 1e-5, affine: Bool = true, dtype: DType = .float32) {
        require(numGroups > 0 && numChannels > 0, "GroupNorm: numGroups (\(numGroups)) and numChannels (\(numChannels)) must be positive")
        require(numChannels % numGroups == 0, "GroupNorm: numChannels (\(numChannels)) must be divisible by numGroups (\(numGroups))")
        require(dtype.isFloatingPoint, "GroupNorm: dtype must be floating point, got \(dtype)")
        (self.numGroups, self.numChannels, self.eps) = (numGroups, numChannels, eps)
        weight = affine ? Parameter(.ones([numChannels], dtype: dtype)) : nil
        bias = affine ? Parameter(.zeros([numChannels], dtype: dtype)) : nil
    }

    /// Normalises `x` `[N, C, …]` per sample and group.
    public override func forward(_ x: Tensor) -> Tensor {
        require(x.rank >= 2 && x.shape[1] == numChannels,
                "GroupNorm(\(numGroups), \(numChannels)): expected input [N, \(numChannels), …], got shape \(x.shape)")
        return groupNorm(x, numGroups: numGroups, weight: weight?.value, bias: bias?.value, eps: eps)
    }
}
