/// Local response normalisation across channels, as `torch.nn.LocalResponseNorm` (AlexNet):
/// `y = x / (k + α·mean(x²))^β` with the mean over `size` neighbouring channels; see
/// `localResponseNorm(_:size:alpha:beta:k:)`. Input `[N, C, …]`; no parameters.
public final class LocalResponseNorm: Module {
    /// Channels in each window.
    public let size: Int
    /// Scale α of the mean of squares.
    public let alpha: Double
    /// Exponent β.
    public let beta: Double
    /// Additive constant k.
    public let k: Double

    /// PyTorch's defaults: α = 1e-4, β = 0.75, k = 1.
    public init(size: Int, alpha: Double = 1e-4, beta: Double = 0.75, k: Double = 1) {
        (self.size, self.alpha, self.beta, self.k) = (size, alpha, beta, k)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        localResponseNorm(x, size: size, alpha: alpha, beta: beta, k: k)
    }
}
