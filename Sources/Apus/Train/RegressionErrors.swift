/// Mean squared error, mean absolute error and coefficient of determination of predictions.
public struct RegressionErrors: Codable, Sendable, Equatable {
    /// `mean((ŷ − y)²)`, in the target's units squared.
    public let meanSquaredError: Double
    /// `mean(|ŷ − y|)`, in the target's units.
    public let meanAbsoluteError: Double
    /// The coefficient of determination `1 − Σ(y − ŷ)² / Σ(y − ȳ)²`; for targets that are all equal,
    /// 1 when predicted exactly and 0 otherwise (scikit-learn's convention).
    public let r2: Double

    /// Errors with these values (as decoded from a result).
    public init(meanSquaredError: Double, meanAbsoluteError: Double, r2: Double) {
        (self.meanSquaredError, self.meanAbsoluteError, self.r2) = (meanSquaredError, meanAbsoluteError, r2)
    }

    /// The errors of `predictions` against `targets` (same count, at least one), in float64.
    public init(predictions: [Double], targets: [Double]) {
        require(predictions.count == targets.count && !targets.isEmpty,
                "RegressionErrors: need as many predictions as targets (at least one), got \(predictions.count) and \(targets.count)")
        let n = Double(targets.count)
        let mean = targets.reduce(0, +) / n
        var squared = 0.0, absolute = 0.0, total = 0.0
        for (p, t) in zip(predictions, targets) {
            squared += (p - t) * (p - t)
            absolute += Swift.abs(p - t)
            total += (t - mean) * (t - mean)
        }
        meanSquaredError = squared / n
        meanAbsoluteError = absolute / n
        r2 = total > 0 ? 1 - squared / total : (squared == 0 ? 1 : 0)
    }
}
