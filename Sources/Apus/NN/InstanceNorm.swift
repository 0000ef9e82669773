/// Instance normalisation as a layer, as `torch.nn.InstanceNorm1d/2d/3d`: the shared
/// implementation of ``InstanceNorm1d``, ``InstanceNorm2d`` and ``InstanceNorm3d`` (see
/// ``instanceNorm(_:runningMean:runningVar:weight:bias:useInputStats:momentum:eps:)``).
///
/// State, under PyTorch's names: parameters `weight` (ones) and `bias` (zeros), `[C]`, with
/// `affine`; buffers `running_mean` (zeros), `running_var` (ones), `[C]`, and
/// `num_batches_tracked` (int64 0-d, kept for PyTorch's state dicts but never advanced, as there),
/// with `trackRunningStats`. PyTorch's defaults: neither.
///
/// Each sample's channels are normalised with their own statistics, in training and in evaluation
/// mode, unless the layer tracks running statistics: then training updates them
/// (`running ← (1 − momentum)·running + momentum·mean over the batch`, unbiased variance; momentum
/// nil: no update, as PyTorch's 0) and evaluation normalises with them. An unbatched input (one
/// dimension fewer) is treated as a batch of one. When the channel axis does not have
/// `numFeatures` entries, a layer with `affine` stops; one without prints a warning once and
/// normalises anyway (the count is unused), as PyTorch.
open class InstanceNorm: Module {
    /// Number of channels `C`.
    public let numFeatures: Int
    /// Added to the variance before the square root.
    public let eps: Double
    /// Weight of the newest batch in the running averages; nil: the running statistics stay.
    public var momentum: Double?
    /// Per-channel scale `[C]` (`weight`), nil without `affine`.
    public let weight: Parameter?
    /// Per-channel shift `[C]` (`bias`), nil without `affine`.
    public let bias: Parameter?
    /// Running mean `[C]` (`running_mean`), nil without `trackRunningStats`.
    public let runningMean: Buffer?
    /// Running unbiased variance `[C]` (`running_var`), nil without `trackRunningStats`.
    public let runningVar: Buffer?
    /// PyTorch's `num_batches_tracked` (int64 0-d), nil without `trackRunningStats`; stays 0.
    public let numBatchesTracked: Buffer?

    /// The number of spatial axes of the layer's input (1, 2 or 3); overridden by the subclasses.
    open var spatialDimensions: Int { fatalError("\(type(of: self)) does not define spatialDimensions") }

    /// An instance-norm layer over `numFeatures` channels with PyTorch's defaults.
    public init(_ numFeatures: Int, eps: Double = 1e-5, momentum: Double? = 0.1, affine: Bool = false,
                trackRunningStats: Bool = false, dtype: DType = .float32) {
        require(numFeatures > 0, "\(Self.self): numFeatures must be positive, got \(numFeatures)")
        require(dtype.isFloatingPoint, "\(Self.self): dtype must be floating point, got \(dtype)")
        if let momentum { require((0...1).contains(momentum), "\(Self.self): momentum must be in [0, 1], got \(momentum)") }
        (self.numFeatures, self.eps, self.momentum) = (numFeatures, eps, momentum)
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

    /// Normalises `x` `[N, C, …]` (or unbatched `[C, …]`) per sample and channel.
    public override func forward(_ x: Tensor) -> Tensor {
        let d = spatialDimensions, name = String(describing: type(of: self))
        require(x.rank == d + 1 || x.rank == d + 2,
                "\(name): expected \(d + 1)D or \(d + 2)D input, got shape \(x.shape)")
        let unbatched = x.rank == d + 1
        let input = unbatched ? x.unsqueezed(axis: 0) : x
        if input.shape[1] != numFeatures {
            require(weight == nil, "\(name)(\(numFeatures)): expected input's size at axis \(unbatched ? 0 : 1) to match numFeatures, got shape \(x.shape)")
            warnOnce("\(name): input's size at axis \(unbatched ? 0 : 1) (\(input.shape[1])) does not match numFeatures (\(numFeatures)), which is unused because affine is false")
        }
        // Tracked statistics: updated in training, used in evaluation (and by a frozen layer).
        let useInputStats = (training && !isFrozen) || runningMean == nil
        let out = instanceNorm(input, runningMean: runningMean, runningVar: runningVar, weight: weight?.value, bias: bias?.value, useInputStats: useInputStats,
                               momentum: momentum ?? 0, eps: eps)
        return unbatched ? out.squeezed(axis: 0) : out
    }
}

/// Instance normalisation of `[N, C, L]` (or `[C, L]`) inputs, as `torch.nn.InstanceNorm1d`.
/// See ``InstanceNorm``.
public final class InstanceNorm1d: InstanceNorm {
    /// One spatial axis.
    public override var spatialDimensions: Int { 1 }
}

/// Instance normalisation of `[N, C, H, W]` (or `[C, H, W]`) inputs, as `torch.nn.InstanceNorm2d`.
/// See ``InstanceNorm``.
public final class InstanceNorm2d: InstanceNorm {
    /// Two spatial axes.
    public override var spatialDimensions: Int { 2 }
}

/// Instance normalisation of `[N, C, D, H, W]` (or `[C, D, H, W]`) inputs, as
/// `torch.nn.InstanceNorm3d`. See ``InstanceNorm``.
public final class InstanceNorm3d: InstanceNorm {
    /// Three spatial axes.
    public override var spatialDimensions: Int { 3 }
}
