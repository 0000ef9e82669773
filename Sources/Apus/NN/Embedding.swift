/// A lookup table of learned vectors, as `torch.nn.Embedding`: integer indices of any shape `S`
/// give `[S…, embeddingDim]` (see ``embedding(_:weight:paddingIdx:maxNorm:normType:scaleGradByFreq:)``).
///
/// The parameter `weight` `[numEmbeddings, embeddingDim]` (PyTorch's name) starts from N(0, 1),
/// with the `paddingIdx` row zeroed; that row receives no gradient, so it stays as it is.
///
/// With `maxNorm`, every call first rescales, in place, the rows it looks up whose
/// `normType`-norm exceeds `maxNorm` (``embeddingRenorm(_:indices:maxNorm:normType:)`` on the
/// parameter, outside the graph), as PyTorch: the table itself changes, and later calls and
/// ``Module/stateDict()`` see the rescaled rows. The parameter keeps its identity, its gradient and
/// its place in optimizers; the write is copy-on-write, so graphs recorded before keep the values
/// they used (where PyTorch would report an in-place modification at backward).
public final class Embedding: Module {
    /// The number of rows `V` of the table.
    public let numEmbeddings: Int
    /// The size `D` of each vector.
    public let embeddingDim: Int
    /// The padding row, in `0..<numEmbeddings` (a negative argument is resolved from the end), or nil.
    public let paddingIdx: Int?
    /// The largest norm a looked-up row may keep, or nil (no rescaling).
    public let maxNorm: Double?
    /// The p of the p-norm compared with ``maxNorm``.
    public let normType: Double
    /// Whether each row's gradient is divided by the row's number of occurrences in the batch.
    public let scaleGradByFreq: Bool
    /// The table `[numEmbeddings, embeddingDim]`.
    public let weight: Parameter

    /// A table of `numEmbeddings` vectors of size `embeddingDim` drawn from N(0, 1) (PyTorch's
    /// default), the `paddingIdx` row set to zeros.
    public init(numEmbeddings: Int, embeddingDim: Int, paddingIdx: Int? = nil, maxNorm: Double? = nil,
                normType: Double = 2, scaleGradByFreq: Bool = false, dtype: DType = .float32,
                generator: RandomGenerator = .default) {
        var table = Initializer.normal()([numEmbeddings, embeddingDim], dtype: dtype, generator: generator)
        let padding = Embedding.checkedPadding(paddingIdx, count: numEmbeddings)
        if let padding { table[padding] = .zeros([embeddingDim], dtype: dtype) }
        (self.numEmbeddings, self.embeddingDim, self.paddingIdx) = (numEmbeddings, embeddingDim, padding)
        (self.maxNorm, self.normType, self.scaleGradByFreq) = (maxNorm, normType, scaleGradByFreq)
        weight = Parameter(table)
    }

    private init(table: Tensor, paddingIdx: Int?, maxNorm: Double?, normType: Double, scaleGradByFreq: Bool) {
        (numEmbeddings, embeddingDim) = (table.shape[0], table.shape[1])
        self.paddingIdx = paddingIdx
        (self.maxNorm, self.normType, self.scaleGradByFreq) = (maxNorm, normType, scaleGradByFreq)
        weight = Parameter(table)
    }

    static func checkedPadding(_ paddingIdx: Int?, count: Int) -> Int? {
        guard let paddingIdx else { return nil }
        require(paddingIdx >= -count && paddingIdx < count, "Embedding: paddingIdx \(paddingIdx) must be within the \(count) embeddings")
        return paddingIdx < 0 ? paddingIdx + count : paddingIdx
    }

    /// A table holding `embeddings` `[V, D]` (copied; the padding row is not zeroed), as
    /// `torch.nn.Embedding.from_pretrained`; with `freeze` (the default) the weight takes no
    /// gradient (``Parameter/requiresGrad`` false).
    public static func fromPretrained(_ embeddings: Tensor, freeze: Bool = true, paddingIdx: Int? = nil, maxNorm: Double? = nil,
                                      normType: Double = 2, scaleGradByFreq: Bool = false) -> Embedding {
        require(embeddings.rank == 2 && embeddings.dtype.isFloatingPoint,
                "Embedding.fromPretrained: embeddings must be a 2-D floating-point tensor, got \(embeddings.dtype)\(embeddings.shape)")
        let layer = Embedding(table: embeddings.detached(), paddingIdx: checkedPadding(paddingIdx, count: embeddings.shape[0]),
                              maxNorm: maxNorm, normType: normType, scaleGradByFreq: scaleGradByFreq)
        layer.weight.requiresGrad = !freeze
        return layer
    }

    /// The rows of the table at `indices` (int64, any shape), after rescaling them with ``maxNorm``.
    public override func forward(_ indices: Tensor) -> Tensor {
        if let maxNorm {
            noGrad { weight.updateInPlace { embeddingRenorm(&$0, indices: indices, maxNorm: maxNorm, normType: normType) } }
        }
        return embedding(indices, weight: weight.value, paddingIdx: paddingIdx, scaleGradByFreq: scaleGradByFreq)
    }
}
