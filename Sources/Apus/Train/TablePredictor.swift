import Foundation

/// A prediction for one row of a table.
public enum TablePrediction: Sendable, Equatable {
    /// Regression: the predicted target, in its own units.
    case value(Double)
    /// Classification: the most probable class and its probability.
    case label(String, probability: Double)
}

/// Predicts a table's target for new rows with a model trained by `apus train --csv FILE --target COLUMN`
/// (``runClassification(_:data:modelFactory:callbacks:communicator:onEpoch:)`` or
/// ``runRegression(_:data:callbacks:communicator:)`` on ``TableData``): rows are standardised
/// with the training rows' statistics recorded in the checkpoint (``TablePreprocessing``).
///
/// ```swift
/// let predictor = try TablePredictor(checkpoint: "houses.safetensors")
/// for prediction in try predictor.predict(csv: "new-houses.csv") { print(prediction) }
/// ```
public final class TablePredictor {
    /// The trained network, in evaluation mode.
    public let model: Module
    /// The columns, standardisation, task and classes of the training table.
    public let preprocessing: TablePreprocessing

    /// A predictor for `model` with the table's `preprocessing`.
    public init(model: Module, preprocessing: TablePreprocessing) {
        self.model = model
        self.preprocessing = preprocessing
        model.eval()
    }

    /// Loads a checkpoint written by a run on a table; throws when the file is unreadable, is
    /// not such a checkpoint (no `table` metadata), or its weights do not fit its model.
    public convenience init(checkpoint path: String) throws {
        let info = try RunCheckpoint(path: path)
        guard let text = info.metadata[TablePreprocessing.metadataKey] else {
            throw ApusError.invalidArgument("checkpoint '\(path)' was not trained on a table (--csv): it has no "
                                            + "'\(TablePreprocessing.metadataKey)' metadata")
        }
        let preprocessing = try TablePreprocessing(json: text, path: path)
        let model = try skippingInitialization { try info.makeMLP() }
        try model.loadWeights(from: path)
        self.init(model: model, preprocessing: preprocessing)
    }

    /// Predictions for the rows of `features` `[N, F]`, columns in ``TablePreprocessing/features`` order.
    public func predict(_ features: Tensor) -> [TablePrediction] {
        let outputs = noGrad { model(preprocessing.inputs(features.cast(to: .float32))) }
        switch preprocessing.task {
        case .regression:
            return outputs.toDoubles().map { .value(preprocessing.targetValue(fromOutput: $0)) }
        case .classification:
            let probabilities = softmax(outputs, axis: 1).toDoubles()
            let classes = preprocessing.classes ?? []
            let k = outputs.shape[1]
            return (0..<outputs.shape[0]).map { row in
                let p = probabilities[(row * k)..<((row + 1) * k)]
                let best = p.indices.max { p[$0] < p[$1] }!
                let index = best - row * k
                return .label(index < classes.count ? classes[index] : String(index), probability: p[best])
            }
        }
    }

    /// Predictions for every row of the CSV file at `path`, which must have a header naming every
    /// feature column (in any order; other columns, such as the target, are ignored).
    ///
    /// Throws ``ApusError/unknownColumn(path:name:available:)`` for a missing feature column and
    /// the loader's errors (``loadCSV(path:hasHeader:target:delimiter:allowNonFinite:)``) for bad values, naming
    /// the line and column.
    public func predict(csv path: String) throws -> [TablePrediction] {
        predict(try Self.columns(preprocessing.features, of: path))
    }

    /// The named columns of a CSV file as float32 `[N, names.count]`.
    static func columns(_ names: [String], of path: String) throws -> Tensor {
        // The loader takes one column out as the target: the last one, whose values it does not check.
        let table = try loadCSV(path: path, target: .last)
        let columns = table.featureNames + [table.targetName]
        if table.classNames != nil, names.contains(table.targetName) {
            // A needed last column holds text: read again with the first column out, so that the
            // loader reports the bad field by line and column.
            if columns.count > 1 { _ = try loadCSV(path: path, target: .index(0)) }
            throw ApusError.invalidArgument("file '\(path)': column '\(table.targetName)' is not numeric")
        }
        let n = table.count, f = table.featureNames.count
        let features = table.features.toDoubles(), last = table.targets.toDoubles()
        var values = [Double](repeating: 0, count: n * names.count)
        for (j, name) in names.enumerated() {
            guard let c = columns.firstIndex(of: name) else {
                throw ApusError.unknownColumn(path: path, name: name, available: columns)
            }
            for i in 0..<n { values[i * names.count + j] = c < f ? features[i * f + c] : last[i] }
        }
        return Tensor(shape: [n, names.count], values: values, dtype: .float32)
    }
}
