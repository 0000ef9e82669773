import Foundation

/// The outcome of ``runRegression(_:data:callbacks:communicator:)``; encodes to the JSON object
/// `apus train --csv FILE --target COLUMN --json` prints for a regression.
public struct RegressionRunResult: Codable, Sendable, Equatable {
    /// The dataset's name as configured (``ClassificationRunConfig/dataset``; `csv` for `apus train --csv`).
    public let dataset: String
    /// The target column.
    public let target: String
    /// The model's name: the MLP's widths from input to output, `mlp-8-64-1`.
    public let model: String
    /// Trainable scalars in the model.
    public let parameters: Int
    /// Epochs trained (fewer than asked when early stopping ended the run).
    public let epochs: Int
    /// The kept epoch's mean training loss (MSE of the standardised target).
    public let trainLoss: Double
    /// Errors of the kept weights on the training, validation and test rows, in the target's units.
    public let train: RegressionErrors, validation: RegressionErrors, test: RegressionErrors
    /// Wall-clock seconds of training and evaluation.
    public let seconds: Double
    /// The epoch early stopping ended training at, nil when it ran to the end.
    public let stoppedEpoch: Int?
    /// The epoch whose weights were kept by early stopping, nil without it.
    public let bestEpoch: Int?
    /// The optimizer's name (`sgd`, `adam`, …).
    public let optimizer: String?
    /// The learning-rate schedule (``ClassificationRunConfig/lrScheduleDescription``).
    public let lrSchedule: String?
    /// The learning rate of the last epoch trained.
    public let lastLR: Double?

    /// A result with these values (the properties of the same names; the optional ones may be left out).
    public init(dataset: String, target: String, model: String, parameters: Int, epochs: Int, trainLoss: Double,
                train: RegressionErrors, validation: RegressionErrors, test: RegressionErrors, seconds: Double,
                stoppedEpoch: Int? = nil, bestEpoch: Int? = nil, optimizer: String? = nil, lrSchedule: String? = nil,
                lastLR: Double? = nil) {
        (self.dataset, self.target, self.model, self.parameters, self.epochs, self.trainLoss) =
            (dataset, target, model, parameters, epochs, trainLoss)
        (self.train, self.validation, self.test, self.seconds) = (train, validation, test, seconds)
        (self.stoppedEpoch, self.bestEpoch, self.optimizer, self.lrSchedule, self.lastLR) =
            (stoppedEpoch, bestEpoch, optimizer, lrSchedule, lastLR)
    }

    enum CodingKeys: String, CodingKey {
        case dataset, target, model, parameters, epochs, seconds, optimizer
        case trainLoss = "train_loss"
        case trainMSE = "train_mse", trainMAE = "train_mae", trainR2 = "train_r2"
        case validationMSE = "validation_mse", validationMAE = "validation_mae", validationR2 = "validation_r2"
        case testMSE = "test_mse", testMAE = "test_mae", testR2 = "test_r2"
        case stoppedEpoch = "stopped_epoch", bestEpoch = "best_epoch", lrSchedule = "lr_schedule", lastLR = "last_lr"
        case task
    }

    /// Flat keys, `train_mse` … `test_r2`, and `"task": "regression"`.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(dataset, forKey: .dataset)
        try c.encode(target, forKey: .target)
        try c.encode(model, forKey: .model)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(seconds, forKey: .seconds)
        try c.encode("regression", forKey: .task)
        try c.encode(trainLoss, forKey: .trainLoss)
        for (errors, keys) in [(train, [CodingKeys.trainMSE, .trainMAE, .trainR2]),
                               (validation, [.validationMSE, .validationMAE, .validationR2]),
                               (test, [.testMSE, .testMAE, .testR2])] {
            try c.encode(errors.meanSquaredError, forKey: keys[0])
            try c.encode(errors.meanAbsoluteError, forKey: keys[1])
            try c.encode(errors.r2, forKey: keys[2])
        }
        try c.encodeIfPresent(stoppedEpoch, forKey: .stoppedEpoch)
        try c.encodeIfPresent(bestEpoch, forKey: .bestEpoch)
        try c.encodeIfPresent(optimizer, forKey: .optimizer)
        try c.encodeIfPresent(lrSchedule, forKey: .lrSchedule)
        try c.encodeIfPresent(lastLR, forKey: .lastLR)
    }

    /// Reads the flat JSON object that ``encode(to:)`` writes (`train_mse` … `test_r2`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func errors(_ keys: [CodingKeys]) throws -> RegressionErrors {
            RegressionErrors(meanSquaredError: try c.decode(Double.self, forKey: keys[0]),
                             meanAbsoluteError: try c.decode(Double.self, forKey: keys[1]), r2: try c.decode(Double.self, forKey: keys[2]))
        }
        self.init(dataset: try c.decode(String.self, forKey: .dataset), target: try c.decode(String.self, forKey: .target),
                  model: try c.decode(String.self, forKey: .model), parameters: try c.decode(Int.self, forKey: .parameters),
                  epochs: try c.decode(Int.self, forKey: .epochs), trainLoss: try c.decode(Double.self, forKey: .trainLoss),
                  train: try errors([.trainMSE, .trainMAE, .trainR2]),
                  validation: try errors([.validationMSE, .validationMAE, .validationR2]),
                  test: try errors([.testMSE, .testMAE, .testR2]), seconds: try c.decode(Double.self, forKey: .seconds),
                  stoppedEpoch: try c.decodeIfPresent(Int.self, forKey: .stoppedEpoch),
                  bestEpoch: try c.decodeIfPresent(Int.self, forKey: .bestEpoch),
                  optimizer: try c.decodeIfPresent(String.self, forKey: .optimizer),
                  lrSchedule: try c.decodeIfPresent(String.self, forKey: .lrSchedule),
                  lastLR: try c.decodeIfPresent(Double.self, forKey: .lastLR))
    }

    /// One line of JSON with sorted keys; non-finite numbers as the strings "NaN", "Infinity", "-Infinity".
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
