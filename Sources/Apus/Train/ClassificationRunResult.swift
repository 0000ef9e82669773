import Foundation

/// The outcome of a run; encodes to the JSON object `apus train --json` prints.
public struct ClassificationRunResult: Codable, Sendable, Equatable {
    /// The dataset's name as configured (``ClassificationRunConfig/dataset``).
    public let dataset: String
    /// The model's name: `mlp-64-128-64-10` (the MLP's widths) or the zoo model's (`resnet18`).
    public let model: String
    /// Trainable scalars in the model: the sum of every parameter's element count.
    public let parameters: Int
    /// Epochs trained (fewer than asked when early stopping ended the run).
    public let epochs: Int
    /// The kept epoch's mean cross-entropy over the training batches.
    public let trainLoss: Double
    /// The kept epoch's fraction of training examples classified correctly, in [0, 1].
    public let trainAccuracy: Double
    /// Fraction of validation examples classified correctly by the kept weights.
    public let validationAccuracy: Double
    /// Fraction of test examples classified correctly by the kept weights: the number to report.
    public let testAccuracy: Double
    /// Wall-clock seconds of training and evaluation.
    public let seconds: Double
    /// The epoch early stopping ended training at (`--patience`), nil when it ran to the end.
    public let stoppedEpoch: Int?
    /// The epoch whose weights were kept by early stopping (`--patience`), nil without it; the
    /// train and validation figures are then this epoch's.
    public let bestEpoch: Int?
    /// The optimizer's name (`sgd`, `adamw`, …).
    public let optimizer: String?
    /// The learning-rate schedule (``ClassificationRunConfig/lrScheduleDescription``).
    public let lrSchedule: String?
    /// The learning rate of the last epoch trained.
    public let lastLR: Double?
    /// Fraction of test examples whose label is among the five highest logits (nil below six classes).
    public var testTop5Accuracy: Double? = nil
    /// The class names in index order, when the data names them (an image folder's subfolders).
    public var classes: [String]? = nil
    /// Epochs trained with the pretrained body frozen (`--fine-tune-epochs`, or every epoch with
    /// `--freeze-backbone`); nil when the run did not start from `--weights`.
    public var frozenEpochs: Int? = nil

    /// A result with these values (the properties of the same names; the optional ones may be left out).
    public init(dataset: String, model: String, parameters: Int, epochs: Int, trainLoss: Double, trainAccuracy: Double,
                validationAccuracy: Double, testAccuracy: Double, seconds: Double, stoppedEpoch: Int? = nil, bestEpoch: Int? = nil,
                optimizer: String? = nil, lrSchedule: String? = nil, lastLR: Double? = nil, testTop5Accuracy: Double? = nil,
                classes: [String]? = nil, frozenEpochs: Int? = nil) {
        self.dataset = dataset
        self.model = model
        self.parameters = parameters
        self.epochs = epochs
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationAccuracy = validationAccuracy
        self.testAccuracy = testAccuracy
        self.seconds = seconds
        self.stoppedEpoch = stoppedEpoch
        self.bestEpoch = bestEpoch
        self.optimizer = optimizer
        self.lrSchedule = lrSchedule
        self.lastLR = lastLR
        self.testTop5Accuracy = testTop5Accuracy
        self.classes = classes
        self.frozenEpochs = frozenEpochs
    }

    enum CodingKeys: String, CodingKey {
        case dataset, model, parameters, epochs, seconds
        case trainLoss = "train_loss", trainAccuracy = "train_accuracy"
        case validationAccuracy = "validation_accuracy", testAccuracy = "test_accuracy"
        case stoppedEpoch = "stopped_epoch", bestEpoch = "best_epoch"
        case optimizer, lrSchedule = "lr_schedule", lastLR = "last_lr", testTop5Accuracy = "test_top5_accuracy"
        case classes, frozenEpochs = "frozen_epochs"
    }

    /// One line of JSON with sorted keys.
    ///
    /// A diverged run's NaN or infinite loss, which JSON numbers cannot hold, is written as the
    /// string "NaN", "Infinity" or "-Infinity".
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}

