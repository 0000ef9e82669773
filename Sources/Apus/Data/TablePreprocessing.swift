import Foundation

/// How the rows of a table become a model's inputs and targets, fitted on the training rows: the
/// feature columns (by name, in input order), their standardisation, the task, and the target's
/// classes or standardisation. A run on a table writes it into its checkpoint (metadata `table`,
/// JSON) so that ``TablePredictor`` prepares new rows the same way.
public struct TablePreprocessing: MetadataRecord, Sendable, Equatable {
    /// The feature columns, in the order the model takes them.
    public var features: [String]
    /// Each feature's training mean and standard deviation (``Standardizer``; 1 for a constant column).
    public var mean: [Double], std: [Double]
    /// The target column's name.
    public var target: String
    /// Classification (cross-entropy over ``classes``) or regression (MSE on the standardised target).
    public var task: TableTask
    /// Classification: the label of each class index.
    public var classes: [String]?
    /// Regression: the target's training mean and standard deviation; the model predicts
    /// `(y − targetMean) / targetStd`, so that the loss has the same scale whatever the target's units.
    public var targetMean: Double?, targetStd: Double?

    /// Preprocessing with these values (the properties of the same names); ``TableData`` fits one on a table's training rows.
    public init(features: [String], mean: [Double], std: [Double], target: String, task: TableTask,
                classes: [String]? = nil, targetMean: Double? = nil, targetStd: Double? = nil) {
        (self.features, self.mean, self.std, self.target, self.task) = (features, mean, std, target, task)
        (self.classes, self.targetMean, self.targetStd) = (classes, targetMean, targetStd)
    }

    /// The metadata key a checkpoint stores it under.
    public static let metadataKey = "table"

    /// Standardised features: `(x − mean) / std` per column; `x` is `[N, features.count]`.
    public func inputs(_ x: Tensor) -> Tensor {
        require(x.rank == 2 && x.shape[1] == features.count,
                "TablePreprocessing.inputs: expected [N, \(features.count)] features, got \(x.shape)")
        let m = Tensor(shape: [features.count], values: mean, dtype: x.dtype)
        let s = Tensor(shape: [features.count], values: std, dtype: x.dtype)
        return (x - m) / s
    }

    /// Regression: a target in its own units from the model's standardised output.
    public func targetValue(fromOutput z: Double) -> Double { z * (targetStd ?? 1) + (targetMean ?? 0) }

    /// Reads the JSON that `json` writes; throws ``ApusError/corruptFile(path:reason:)`` naming `path` when the text is not one.
    public init(json: String, path: String) throws {
        self = try Self.decode(json: json, path: path, what: "a table description")
        guard !features.isEmpty, mean.count == features.count, std.count == features.count,
              std.allSatisfy({ $0 > 0 && $0.isFinite }), task == .regression || !(classes ?? []).isEmpty else {
            throw ApusError.corruptFile(path: path, reason: "metadata '\(Self.metadataKey)' is inconsistent: \(json)")
        }
    }
}
