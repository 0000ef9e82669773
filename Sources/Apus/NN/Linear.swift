/// A fully connected layer `y = x·Wᵀ + b`, as `torch.nn.Linear`.
///
/// Input `[…, inFeatures]`, output `[…, outFeatures]`. Weight `[outFeatures, inFeatures]` and
/// bias `[outFeatures]` start from U(−1/√in, 1/√in), PyTorch's default (its weight init is
/// `kaiming_uniform_(a=√5)`, whose bound is exactly 1/√in), unless initialisers are given:
/// `Linear(784, 128, weightInitializer: .kaimingNormal(nonlinearity: .relu), biasInitializer: .zeros)`.
public final class Linear: Module {
    public let weight: Parameter
    /// The bias `b`, `[outFeatures]`; nil when built with `bias: false`.
    public let bias: Parameter?
    /// The size of each input vector: the last dimension of the input.
    public let inFeatures: Int
    /// The size of each output vector: the number of units.
    public let outFeatures: Int

    /// Creates a layer mapping `inFeatures` inputs to `outFeatures` outputs.
    ///
    /// - Parameters:
    ///   - inFeatures: the size of each input vector.
    ///   - outFeatures: the size of each output vector.
    ///   - bias: whether to add the learned bias `b` (`false`: `y = x·Wᵀ`).
    ///   - dtype: the parameters' element type.
    ///   - weightInitializer: fills the weight `[outFeatures, inFeatures]`; nil: PyTorch's default U(−1/√in, 1/√in).
    ///   - biasInitializer: fills the bias `[outFeatures]`; nil: PyTorch's default U(−1/√in, 1/√in).
    ///   - generator: the random numbers, the weight's drawn first.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, dtype: DType = .float32,
                weightInitializer: Initializer? = nil, biasInitializer: Initializer? = nil,
                generator: RandomGenerator = .default) {
        require(inFeatures > 0 && outFeatures > 0, "Linear: feature counts must be positive, got \(inFeatures)→\(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        // PyTorch's default: the bound 1/√in written directly (the kaiming_uniform(a: √5) formula
        // gives the same value up to rounding), so the numbers are the same as ever for a seed.
        let bound = 1 / Double(inFeatures).squareRoot()
        let pytorchDefault = Initializer.uniform(low: -bound, high: bound)
        weight = Parameter((weightInitializer ?? pytorchDefault)([outFeatures, inFeatures], dtype: dtype, generator: generator))
        self.bias = bias ? Parameter((biasInitializer ?? pytorchDefault)([outFeatures], dtype: dtype, generator: generator)) : nil
    }

    public override func forward(_ x: Tensor) -> Tensor {
        require(x.shape.last == inFeatures, "Linear(\(inFeatures)→\(outFeatures)): input of shape \(x.shape) does not end in \(inFeatures)")
        return linear(x, weight: weight.value, bias: bias?.value)
    }
}
