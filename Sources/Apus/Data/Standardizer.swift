/// Standardizes features to zero mean and unit variance, with statistics from the training data
/// only (scikit-learn's `StandardScaler`).
///
/// Fitting on `x` of shape `[N, F…]` stores the per-feature mean μ and standard deviation σ over
/// the first axis (the population σ, `correction: 0`, as scikit-learn); then
/// `transform(x) = (x − μ) / σ` and `inverseTransform(z) = z · σ + μ`. Fit on the training set and
/// apply the same transform to validation and test data, so that nothing about them leaks into
/// training:
///
/// ```swift
/// let (train, validation, test) = dataset.split(generator: RandomGenerator(seed: 0))
/// let scaler = Standardizer(fitting: train.inputs)
/// let trainSet = scaler.transform(train), validationSet = scaler.transform(validation)
/// ```
///
/// A constant feature (σ = 0) gets σ = 1, so it becomes 0 instead of NaN. The transforms are
/// composed of differentiable ops.
public struct Standardizer: Sendable {
    /// Per-feature mean, shape `x.shape.dropFirst()`, in the dtype of the fitted data.
    public let mean: Tensor
    /// Per-feature standard deviation (1 where the feature is constant), same shape as ``mean``.
    public let std: Tensor

    /// Fits the per-feature mean and standard deviation of `x` (`[N, F…]`, floating point, N ≥ 1).
    public init(fitting x: Tensor) {
        let stats = featureStatistics(x, op: "Standardizer")
        let shape = Array(x.shape.dropFirst())
        let sigma = zip(stats.mean, stats.variance).map { mu, v -> Double in
            let s = v.squareRoot()
            return isNegligibleSpread(s, comparedTo: mu) ? 1 : s
        }
        mean = Tensor(shape: shape, values: stats.mean, dtype: x.dtype)
        std = Tensor(shape: shape, values: sigma, dtype: x.dtype)
    }

    /// `(x − mean) / std`, per feature; `x` has shape `[M] + mean.shape`.
    public func transform(_ x: Tensor) -> Tensor {
        checkFeatureShape(x, mean.shape, op: "Standardizer.transform")
        return (x - mean) / std
    }

    /// `z · std + mean`: undoes ``transform(_:)-(Tensor)``.
    public func inverseTransform(_ z: Tensor) -> Tensor {
        checkFeatureShape(z, mean.shape, op: "Standardizer.inverseTransform")
        return z * std + mean
    }

    /// The dataset with standardized inputs and the same targets.
    public func transform(_ dataset: TensorDataset) -> TensorDataset {
        TensorDataset(inputs: transform(dataset.inputs), targets: dataset.targets)
    }
}

/// Per-feature mean and population variance over the first axis, computed in float64.
func featureStatistics(_ x: Tensor, op: String) -> (mean: [Double], variance: [Double]) {
    require(x.rank >= 1 && x.shape[0] >= 1, "\(op): fitting needs at least one example, got shape \(x.shape)")
    require(x.dtype.isFloatingPoint, "\(op): features must be floating point, got \(x.dtype)")
    let x64 = x.detached().cast(to: .float64)
    return (x64.mean(axis: 0).toDoubles(), x64.variance(axis: 0, correction: 0).toDoubles())
}

/// Whether a spread (σ, or max − min) is zero up to the rounding of the statistics that produced it.
func isNegligibleSpread(_ spread: Double, comparedTo center: Double) -> Bool {
    !(spread > 1e-12 * Swift.abs(center))  // also true for 0 and NaN
}

func checkFeatureShape(_ x: Tensor, _ featureShape: [Int], op: String) {
    require(x.rank == featureShape.count + 1 && Array(x.shape.dropFirst()) == featureShape,
            "\(op): expected shape [N, \(featureShape.map(String.init).joined(separator: ", "))], got \(x.shape)")
}
