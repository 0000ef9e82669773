/// Scales each feature linearly to a range, [0, 1] by default, with the minimum and maximum of
/// the training data (scikit-learn's `MinMaxScaler`).
///
/// Fitting on `x` of shape `[N, F…]` stores the per-feature minimum and maximum over the first
/// axis; with `range` (a, b):
/// `transform(x) = a + (x − min) · (b − a) / (max − min)`, and ``inverseTransform(_:)`` undoes it.
/// Values outside the training range map outside (a, b) (no clipping, as scikit-learn's default).
/// A constant feature (max = min) is only shifted: it maps to a.
public struct MinMaxScaler: Sendable {
    /// Per-feature minimum of the fitted data, shape `x.shape.dropFirst()`.
    public let dataMin: Tensor
    /// Per-feature maximum of the fitted data.
    public let dataMax: Tensor
    /// The target range (a, b).
    public let range: (lower: Double, upper: Double)
    /// Per-feature factor `(b − a) / (max − min)` (`b − a` for a constant feature).
    public let scale: Tensor
    /// Per-feature offset `a − min · scale`, so that `transform(x) = x · scale + offset`.
    public let offset: Tensor

    /// Fits the per-feature minimum and maximum of `x` (`[N, F…]`, floating point, N ≥ 1).
    public init(fitting x: Tensor, range: (lower: Double, upper: Double) = (0, 1)) {
        require(range.lower < range.upper, "MinMaxScaler: range must have lower < upper, got \(range)")
        require(x.rank >= 1 && x.shape[0] >= 1, "MinMaxScaler: fitting needs at least one example, got shape \(x.shape)")
        require(x.dtype.isFloatingPoint, "MinMaxScaler: features must be floating point, got \(x.dtype)")
        let x64 = x.detached().cast(to: .float64)
        let lo = x64.min(axis: 0).toDoubles(), hi = x64.max(axis: 0).toDoubles()
        let scales = zip(lo, hi).map { l, h -> Double in
            let spread = h - l
            return (range.upper - range.lower) / (isNegligibleSpread(spread, comparedTo: l) ? 1 : spread)
        }
        let shape = Array(x.shape.dropFirst())
        dataMin = Tensor(shape: shape, values: lo, dtype: x.dtype)
        dataMax = Tensor(shape: shape, values: hi, dtype: x.dtype)
        self.range = range
        scale = Tensor(shape: shape, values: scales, dtype: x.dtype)
        offset = Tensor(shape: shape, values: zip(lo, scales).map { range.lower - $0 * $1 }, dtype: x.dtype)
    }

    /// `x · scale + offset`, per feature; `x` has shape `[M] + dataMin.shape`.
    public func transform(_ x: Tensor) -> Tensor {
        checkFeatureShape(x, dataMin.shape, op: "MinMaxScaler.transform")
        return x * scale + offset
    }

    /// `(z − offset) / scale`: undoes ``transform(_:)-(Tensor)``.
    public func inverseTransform(_ z: Tensor) -> Tensor {
        checkFeatureShape(z, dataMin.shape, op: "MinMaxScaler.inverseTransform")
        return (z - offset) / scale
    }

    /// The dataset with scaled inputs and the same targets.
    public func transform(_ dataset: TensorDataset) -> TensorDataset {
        TensorDataset(inputs: transform(dataset.inputs), targets: dataset.targets)
    }
}
