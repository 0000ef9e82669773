/// Batch normalisation over the channel axis 1, as `torch.nn.BatchNorm1d`/`BatchNorm2d`; the
/// shared implementation of ``BatchNorm1d`` and ``BatchNorm2d`` (see ``batchNorm(_:runningMean:runningVar:weight:bias:training:momentum:eps:)``).
///
/// State, under PyTorch's names: parameters `weight` (ones) and `bias` (zeros), `[C]`, when
/// `affine`; buffers `running_mean` (zeros), `running_var` (ones), `[C]`, and
/// `num_batches_tracked` (int64 0-d), when `trackRunningStats`.
///
/// In training mode the layer normalises with the batch's statistics and updates the running
/// ones (`momentum` 0.1: `running ← 0.9·running + 0.1·batch`, unbiased variance; `momentum: nil`:
/// the cumulative average over all batches so far, `1/num_batches_tracked` as the factor); in
/// evaluation mode it normalises with the running statistics. Without `trackRunningStats` it
/// always uses the batch's. A frozen layer (``Module/freeze()``) behaves as in evaluation mode
/// even in training mode: it normalises with the running statistics and leaves them unchanged.
open class BatchNorm: Module {
    /// Number of channels `C`.
    public let numFeatures: Int
    /// Added to the variance before the square root.
    public let eps: Double
    /// Weight of the newest batch in the running averages; nil: cumulative average.
    public var momentum: Double?
    /// Per-channel scale `[C]` (`weight`), nil without `affine`.
    public let weight: Parameter?
    /// Per-channel shift `[C]` (`bias`), nil without `affine`.
    public let bias: Parameter?
    /// Running mean `[C]` (`running_mean`), nil without `trackRunningStats`.
    public let runningMean: Buffer?
    /// Running unbiased variance `[C]` (`running_var`), nil without `trackRunningStats`.
    public let runningVar: Buffer?
    /// Number of training batches seen, int64 0-d (`num_batches_tracked`).
    public let numBatchesTracked: Buffer?

    /// A batch-norm layer over `numFeatures` channels with PyTorch's defaults.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = true,
                trackRunningStats: Bool = true, dtype: DType = .float32) {
        require(numFeatures > 0, "\(Self.self): numFeatures must be positive, got \(numFeatures)")
        require(dtype.isFloatingPoint, "\(Self.self): dtype must be floating point, got \(dtype)")
        if let momentum { require((0...1).contains(momentum), "\(Self.self): momentum must be in [0, 1], got \(momentum)") }
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        weight = affine ? Parameter(.ones([numFeatures], dtype: dtype)) : nil
        bias = affine ? Parameter(.zeros([numFeatures], dtype: dtype)) : nil
        runningMean = trackRunningStats ? Buffer(.zeros([numFeatures], dtype: dtype)) : nil
        runningVar = trackRunningStats ? Buffer(.ones([numFeatures], dtype: dtype)) : nil
        numBatchesTracked = trackRunningStats ? Buffer(.zeros([], dtype: .int64)) : nil
    }

    /// Buffers under PyTorch's names.
    open override var namedOwnBuffers: [(name: String, buffer: Buffer)] {
        guard let runningMean, let runningVar, let numBatchesTracked else { return [] }
        return [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
    }

    /// Checks the input's rank (overridden by ``BatchNorm1d`` and ``BatchNorm2d``).
    open func checkInput(_ x: Tensor) {
        require(x.rank >= 2, "\(type(of: self)): expected input [N, C, …], got shape \(x.shape)")
    }

    /// Normalises `x` `[N, C, …]` with batch (training) or running (evaluation) statistics.
    public override func forward(_ x: Tensor) -> Tensor {
        checkInput(x)
        require(x.shape[1] == numFeatures, "\(type(of: self))(\(numFeatures)): input of shape \(x.shape) has \(x.shape[1]) channels")
        // Frozen (fine-tuning a pretrained body): the running statistics stay as they are.
        let updating = training && !isFrozen
        let useBatchStats = updating || runningMean == nil
        var factor = momentum ?? 0
        if updating, let numBatchesTracked {
            let count = numBatchesTracked.value.item() + 1
            numBatchesTracked.value = Tensor(shape: [], values: [count], dtype: .int64)
            if momentum == nil { factor = 1 / count }
        }
        return batchNorm(x, runningMean: runningMean, runningVar: runningVar, weight: weight?.value, bias: bias?.value, training: useBatchStats,
                         momentum: factor, eps: eps)
    }

    /// Resets the running statistics (mean 0, variance 1, no batches tracked).
    public func resetRunningStats() {
        runningMean?.value = .zeros([numFeatures], dtype: runningMean!.value.dtype)
        runningVar?.value = .ones([numFeatures], dtype: runningVar!.value.dtype)
        numBatchesTracked?.value = .zeros([], dtype: .int64)
    }
}

/// Batch normalisation of `[N, C]` or `[N, C, L]` inputs, as `torch.nn.BatchNorm1d`: statistics
/// per channel over the batch (and length). See ``BatchNorm``.
public final class BatchNorm1d: BatchNorm {
    /// Requires `[N, C]` or `[N, C, L]`.
    public override func checkInput(_ x: Tensor) {
        require(x.rank == 2 || x.rank == 3, "BatchNorm1d: expected input [N, C] or [N, C, L], got shape \(x.shape)")
    }
}

/// Batch normalisation of `[N, C, H, W]` inputs, as `torch.nn.BatchNorm2d`: statistics per
/// channel over the batch and both spatial axes. See ``BatchNorm``.
public final class BatchNorm2d: BatchNorm {
    /// Requires `[N, C, H, W]`.
    public override func checkInput(_ x: Tensor) {
        require(x.rank == 4, "BatchNorm2d: expected input [N, C, H, W], got shape \(x.shape)")
    }
}

/// Layer normalisation over the last axes, as `torch.nn.LayerNorm`: see
/// ``layerNorm(_:normalizedShape:weight:bias:eps:)``. With `elementwiseAffine` it has
/// parameters `weight` (ones) and, unless built with `bias: false`, `bias` (zeros), of shape
/// `normalizedShape`.
public final class LayerNorm: Module {
    /// The trailing shape normalised over.
    public let normalizedShape: [Int]
    /// Added to the variance before the square root.
    public let eps: Double
    /// Elementwise scale of shape `normalizedShape`, nil without `elementwiseAffine`.
    public let weight: Parameter?
    /// Elementwise shift of shape `normalizedShape`, nil without `elementwiseAffine` or with `bias: false`.
    public let bias: Parameter?

    /// A layer norm over trailing axes of shape `normalizedShape` (e.g. `[512]` for features),
    /// with PyTorch's defaults; `bias: false` keeps the scale but drops the shift (PyTorch's `bias`).
    public init(_ normalizedShape: [Int], eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                dtype: DType = .float32) {
        require(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
                "LayerNorm: normalizedShape must be non-empty and positive, got \(normalizedShape)")
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Parameter(.ones(normalizedShape, dtype: dtype)) : nil
        self.bias = elementwiseAffine && bias ? Parameter(.zeros(normalizedShape, dtype: dtype)) : nil
    }

    /// A layer norm over the last axis of size `features`.
    public convenience init(_ features: Int, eps: Double = 1e-5, elementwiseAffine: Bool = true, bias: Bool = true,
                            dtype: DType = .float32) {
        self.init([features], eps: eps, elementwiseAffine: elementwiseAffine, bias: bias, dtype: dtype)
    }

    /// Normalises `x` `[…, normalizedShape]` over its trailing axes.
    public override func forward(_ x: Tensor) -> Tensor {
        layerNorm(x, normalizedShape: normalizedShape, weight: weight?.value, bias: bias?.value, eps: eps)
    }
}
