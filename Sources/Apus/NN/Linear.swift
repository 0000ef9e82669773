/// A fully connected layer `y = x·Wᵀ + b`, as `torch.nn.Linear`.
///
/// Input `[…, inFeatures]`, output `[…, outFeatures]`. Weight `[outFeatures, inFeatures]` and
/// bias `[outFeatures]` start from U(−1/√in, 1/√in), PyTorch's default.
public final class Linear: Module {
    public let weight: Parameter
    public let bias: Parameter?
    public let inFeatures: Int
    public let outFeatures: Int

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32,
                generator: RandomGenerator = .default) {
        require(inFeatures > 0 && outFeatures > 0, "Linear: feature counts must be positive, got \(inFeatures)→\(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Double(inFeatures).squareRoot()
        weight = Parameter(.uniform([outFeatures, inFeatures], low: -bound, high: bound, dtype: dtype, generator: generator))
        self.bias = bias ? Parameter(.uniform([outFeatures], low: -bound, high: bound, dtype: dtype, generator: generator)) : nil
    }

    public override func callAsFunction(_ x: Tensor) -> Tensor {
        require(x.shape.last == inFeatures, "Linear(\(inFeatures)→\(outFeatures)): input of shape \(x.shape) does not end in \(inFeatures)")
        return linear(x, weight: weight.value, bias: bias?.value)
    }
}
