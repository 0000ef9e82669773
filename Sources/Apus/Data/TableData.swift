/// A table split for training: a seeded 80/10/10 split of its rows into training, validation
/// and test sets, features standardised with the training rows' statistics, targets ready for
/// the task (class indices, or for regression the standardised value as `[N, 1]`).
///
/// ```swift
/// let houses = try loadCSV(path: "houses.csv", target: .name("price"))
/// let data = try TableData(houses)                  // task inferred: regression
/// let result = try runRegression(config, data: data)
/// ```
public struct TableData: Sendable {
    /// How rows become inputs and targets (fitted on ``train``'s rows), for the checkpoint.
    public let preprocessing: TablePreprocessing
    /// Standardised features `[N, F]` float32; targets int64 `[N]` (classification) or float32
    /// `[N, 1]`, standardised (regression).
    public let train: TensorDataset, validation: TensorDataset, test: TensorDataset

    /// Classification or regression, as fitted (``TablePreprocessing/task``).
    public var task: TableTask { preprocessing.task }

    /// Splits `table` with a generator seeded with `seed` (``randomSplit(count:fractions:generator:)``).
    ///
    /// `task` nil infers it (``TableTask/infer(from:)``). For classification the classes are the
    /// target's distinct labels, sorted (numerically for numbers); regression needs a numeric
    /// target. Throws ``ApusError/invalidArgument(_:)`` for a regression on a non-numeric target,
    /// or a table too small to give each part a row (10 rows at least).
    public init(_ table: CSVDataset, task: TableTask? = nil, seed: UInt64 = 0) throws {
        let task = task ?? TableTask.infer(from: table)
        guard table.count >= 10 else {
            throw ApusError.invalidArgument("table with target '\(table.targetName)' has \(table.count) rows; "
                                            + "training, validation and test need 10 at least")
        }
        guard !table.featureNames.isEmpty else {
            throw ApusError.invalidArgument("table has no feature column besides the target '\(table.targetName)'")
        }
        let parts = randomSplit(count: table.count, fractions: [0.8, 0.1, 0.1], generator: RandomGenerator(seed: seed))
        let scaler = Standardizer(fitting: table.features.indexSelect(axis: 0, indices: Tensor(scalars: parts[0].map(Int64.init))))
        let inputs = scaler.transform(table.features)
        let targets: Tensor
        var classes: [String]? = nil
        var targetMean: Double? = nil, targetStd: Double? = nil
        switch task {
        case .classification:
            if let names = table.classNames {
                (targets, classes) = (table.targets, names)
            } else {
                let values = table.targets.toDoubles()
                let distinct = Array(Set(values)).sorted()
                let index = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, Int64($0)) })
                targets = Tensor(scalars: values.map { index[$0]! })
                classes = distinct.map(Self.label)
            }
        case .regression:
            guard table.classNames == nil else {
                let example = table.classNames!.first { Double($0) == nil } ?? table.classNames![0]
                throw ApusError.invalidArgument("regression needs a numeric target; column '\(table.targetName)' holds "
                                                + "'\(example)' (use --task classification for labels)")
            }
            let y = table.targets.reshape([table.count, 1])
            let targetScaler = Standardizer(fitting: y.indexSelect(axis: 0, indices: Tensor(scalars: parts[0].map(Int64.init))))
            targets = targetScaler.transform(y)
            (targetMean, targetStd) = (targetScaler.mean.toDoubles()[0], targetScaler.std.toDoubles()[0])
        }
        let all = TensorDataset(inputs: inputs, targets: targets)
        (train, validation, test) = (all.subset(parts[0]), all.subset(parts[1]), all.subset(parts[2]))
        preprocessing = TablePreprocessing(features: table.featureNames, mean: scaler.mean.toDoubles(),
                                           std: scaler.std.toDoubles(), target: table.targetName, task: task,
                                           classes: classes, targetMean: targetMean, targetStd: targetStd)
    }

    /// A number as a class label: `3` for 3.0, otherwise its shortest form (`0.5`).
    static func label(_ value: Double) -> String {
        value == value.rounded() && Swift.abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// The splits as ``runClassification(_:data:modelFactory:callbacks:communicator:onEpoch:)`` and
    /// ``runRegression(_:data:callbacks:communicator:)`` take them, named `name`, with the
    /// preprocessing in the metadata.
    public func classificationData(name: String = "csv") -> ClassificationData {
        ClassificationData(name: name, train: train, validation: validation, test: test,
                           classes: preprocessing.classes?.count ?? 1, classNames: preprocessing.classes,
                           metadata: [TablePreprocessing.metadataKey: preprocessing.json])
    }
}
