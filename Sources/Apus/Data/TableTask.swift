/// What a model trained on a table predicts from its target column.
public enum TableTask: String, Codable, Sendable, CaseIterable {
    /// One of a few classes: cross-entropy, accuracy.
    case classification
    /// A number: mean squared error, R².
    case regression

    /// The most distinct integer values a target may have and still be read as class labels.
    public static let maxInferredClasses = 20

    /// The task a target column suggests: classification when its values are not all numbers, or
    /// are integers with at most ``maxInferredClasses`` distinct values, each seen twice on
    /// average (fewer distinct values than half the rows); regression otherwise (prices,
    /// measurements, integer counts with many values). `apus train --task` overrides it.
    public static func infer(from table: CSVDataset) -> TableTask {
        guard table.classNames == nil else { return .classification }
        let values = table.targets.toDoubles()
        guard values.allSatisfy({ $0 == $0.rounded() }) else { return .regression }
        let distinct = Set(values).count
        return distinct <= maxInferredClasses && 2 * distinct <= values.count ? .classification : .regression
    }
}
