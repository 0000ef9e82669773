/// Sums, means or maxima of bags of embeddings, as `torch.nn.EmbeddingBag`: see
/// ``embeddingBag(_:weight:offsets:maxNorm:normType:scaleGradByFreq:mode:perSampleWeights:includeLastOffset:paddingIdx:)``.
///
/// The parameter `weight` `[numEmbeddings, embeddingDim]` starts from N(0, 1) with the `paddingIdx`
/// row zeroed, as ``Embedding``; `maxNorm` rescales the looked-up rows of the table in place in
/// the same way. Call it with a 2-D input `[B, L]` (`layer(x)`), or with a 1-D input and where
/// each bag starts (`layer(x, offsets: o)`), optionally with per-sample weights (mode `.sum`).
public final class EmbeddingBag: Module {
    /// The number of rows `V` of the table.
    public let numEmbeddings: Int
    /// The size `D` of each vector.
    public let embeddingDim: Int
    /// The largest norm a looked-up row may keep, or nil.
    public let maxNorm: Double?
    /// The p of the p-norm compared with ``maxNorm``.
    public let normType: Double
    /// Whether each row's gradient is divided by the row's number of occurrences in the batch.
    public let scaleGradByFreq: Bool
    /// How a bag is reduced (PyTorch's default `.mean`).
    public let mode: EmbeddingBagMode
    /// Whether the offsets passed to the layer end with the end of the last bag.
    public let includeLastOffset: Bool
    /// The padding row, left out of every bag, or nil.
    public let paddingIdx: Int?
    /// The table `[numEmbeddings, embeddingDim]`.
    public let weight: Parameter

    /// A bag layer over a table of `numEmbeddings` vectors of size `embeddingDim` drawn from N(0, 1),
    /// with PyTorch's defaults.
    public init(numEmbeddings: Int, embeddingDim: Int, maxNorm: Double? = nil, normType: Double = 2,
                scaleGradByFreq: Bool = false, mode: EmbeddingBagMode = .mean, includeLastOffset: Bool = false,
                paddingIdx: Int? = nil, dtype: DType = .float32, generator: RandomGenerator = .default) {
        require(!(scaleGradByFreq && mode == .max), "EmbeddingBag: mode .max does not support scaleGradByFreq")
        var table = Initializer.normal()([numEmbeddings, embeddingDim], dtype: dtype, generator: generator)
        let padding = Embedding.checkedPadding(paddingIdx, count: numEmbeddings)
        if let padding { table[padding] = .zeros([embeddingDim], dtype: dtype) }
        (self.numEmbeddings, self.embeddingDim, self.paddingIdx) = (numEmbeddings, embeddingDim, padding)
        (self.maxNorm, self.normType, self.scaleGradByFreq) = (maxNorm, normType, scaleGradByFreq)
        (self.mode, self.includeLastOffset) = (mode, includeLastOffset)
        weight = Parameter(table)
    }

    /// The bags of a 2-D input `[B, L]`, `[B, embeddingDim]`.
    public override func forward(_ input: Tensor) -> Tensor { bags(input, offsets: nil, perSampleWeights: nil) }

    /// The bags of `input` (1-D with `offsets`, or 2-D with `offsets` nil), each embedding weighted
    /// by `perSampleWeights` (mode `.sum` only): `[B, embeddingDim]`.
    public func callAsFunction(_ input: Tensor, offsets: Tensor?, perSampleWeights: Tensor? = nil) -> Tensor {
        guard let tracer = ModuleTracer.current else { return bags(input, offsets: offsets, perSampleWeights: perSampleWeights) }
        return tracer.record(self, input) { bags(input, offsets: offsets, perSampleWeights: perSampleWeights) }
    }

    private func bags(_ input: Tensor, offsets: Tensor?, perSampleWeights: Tensor?) -> Tensor {
        if let maxNorm {
            noGrad { weight.updateInPlace { embeddingRenorm(&$0, indices: input, maxNorm: maxNorm, normType: normType) } }
        }
        return embeddingBag(input, weight: weight.value, offsets: offsets, scaleGradByFreq: scaleGradByFreq, mode: mode,
                            perSampleWeights: perSampleWeights, includeLastOffset: includeLastOffset, paddingIdx: paddingIdx)
    }
}
