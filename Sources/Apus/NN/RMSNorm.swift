/// Root-mean-square normalisation as a layer, as `torch.nn.RMSNorm`: see
/// ``rmsNorm(_:normalizedShape:weight:eps:)``. With `elementwiseAffine` it has the parameter
/// `weight` (ones) of shape `normalizedShape`; there is no bias.
public final class RMSNorm: Module {
    /// The trailing shape normalised over.
    public let normalizedShape: [Int]
    /// Added to the mean square; nil: the machine epsilon of the input's dtype.
    public let eps: Double?
    /// Elementwise scale of shape `normalizedShape`, nil without `elementwiseAffine`.
    public let weight: Parameter?

    /// An RMS norm over trailing axes of shape `normalizedShape` (e.g. `[512]`), with PyTorch's defaults.
    public init(_ normalizedShape: [Int], eps: Double? = nil, elementwiseAffine: Bool = true, dtype: DType = .float32) {
        require(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 >= 0 },
                "RMSNorm: normalizedShape must be non-empty and non-negative, got \(normalizedShape)")
        require(dtype.isFloatingPoint, "RMSNorm: dtype must be floating point, got \(dtype)")
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Parameter(.ones(normalizedShape, dtype: dtype)) : nil
    }

    /// An RMS norm over the last axis of size `features`.
    public convenience init(_ features: Int, eps: Double? = nil, elementwiseAffine: Bool = true, dtype: DType = .float32) {
        self.init([features], eps: eps, elementwiseAffine: elementwiseAffine, dtype: dtype)
    }

    /// Normalises `x` `[…, normalizedShape]` over its trailing axes.
    public override func forward(_ x: Tensor) -> Tensor {
        rmsNorm(x, normalizedShape: normalizedShape, weight: weight?.value, eps: eps)
    }
}
