import Apus
import Foundation

/// One class of a classifier's answer: its index, its name and its probability.
public struct ClassPrediction: Sendable, Equatable {
    /// The class index (the model's output position).
    public let index: Int
    /// The class name, or the index as text when the classifier has no names.
    public let label: String
    /// Softmax probability of the class.
    public let probability: Double
}

/// Classifies images with a trained model, preparing each image as the model's training run
/// prepared its evaluation images: `apus predict` is a thin layer over it.
///
/// ```swift
/// let classifier = try ImageClassifier(checkpoint: "pets.safetensors")      // apus train --checkpoint
/// for p in try classifier.classify(contentsOf: "cat.jpg", top: 2) { print(p.label, p.probability) }
///
/// // Raw weights (a torchvision model saved as safetensors): torchvision's evaluation transform.
/// let imagenet = try ImageClassifier(model: "resnet18", weights: "resnet18.safetensors")
/// ```
public final class ImageClassifier {
    /// The network, in evaluation mode.
    public let model: Module
    /// The zoo model's name, or nil for other models (no input-size check beyond ``inputShape``).
    public let modelName: String?
    /// Class names in index order; nil: predictions are labelled with their indices.
    public let classes: [String]?
    /// How an image becomes the model's input.
    public let preprocessing: ImagePreprocessing
    /// The `[C, H, W]` every prepared image must have (the training examples' shape), when known.
    public let inputShape: [Int]?

    /// A classifier for `model` (put in evaluation mode) with these classes and preprocessing.
    public init(model: Module, modelName: String? = nil, classes: [String]? = nil, preprocessing: ImagePreprocessing,
                inputShape: [Int]? = nil) {
        self.model = model
        self.modelName = modelName
        self.classes = classes
        self.preprocessing = preprocessing
        self.inputShape = inputShape
        model.eval()
    }

    /// Loads a checkpoint written by `apus train --checkpoint` on images: the zoo model (or MLP)
    /// named in its metadata, its weights, class names and ``ImagePreprocessing``.
    ///
    /// Throws when the file is unreadable or not such a checkpoint (a table's, or one without
    /// preprocessing: `--dataset digits`), or when its weights do not fit the model.
    public convenience init(checkpoint path: String) throws {
        let info = try RunCheckpoint(path: path)
        if info.metadata[TablePreprocessing.metadataKey] != nil {
            throw ApusError.invalidArgument("checkpoint '\(path)' was trained on a table: predict rows with --csv FILE")
        }
        guard let text = info.metadata[ImagePreprocessing.metadataKey] else {
            throw ApusError.invalidArgument("checkpoint '\(path)' records no image preprocessing (it was trained on "
                                            + "\(info.metadata["dataset"] ?? "data") without image files)")
        }
        let preprocessing = try ImagePreprocessing(json: text, path: path)
        let model: Module
        if info.isMLP {
            model = try skippingInitialization { try info.makeMLP() }
        } else {
            guard let classes = info.classes, !classes.isEmpty else {
                throw ApusError.corruptFile(path: path, reason: "metadata 'classes' is missing: the number of classes is unknown")
            }
            model = try skippingInitialization {
                // A run that started from pretrained weights built its model for them.
                try VisionModels.make(info.model, classes: classes.count, inputChannels: preprocessing.channels,
                                      forPretrainedWeights: info.startedFromPretrainedWeights)
            }
        }
        try model.loadWeights(from: path)
        self.init(model: model, modelName: info.isMLP ? nil : info.model, classes: info.classes,
                  preprocessing: preprocessing, inputShape: info.inputShape)
    }

    /// Loads raw weights (a torchvision model's `state_dict`, as `.pth` or safetensors: any file
    /// `Module.loadWeights(from:strict:)` reads) into the zoo model `name`, with as many classes as the file's head has
    /// (`loadPretrainedClassifier(weights:classes:generator:build:)`).
    ///
    /// `classes` names them (one per class, in index order); nil labels predictions with their
    /// indices. `preprocessing` nil: torchvision's evaluation transform (``ImagePreprocessing/imageNet``),
    /// or for `lenet5` one grey 28×28 image in [0, 1] (`Resize(28)`, `CenterCrop(28)`).
    public convenience init(model name: String, weights path: String, classes: [String]? = nil,
                            preprocessing: ImagePreprocessing? = nil) throws {
        let preprocessing = preprocessing ?? (name == "lenet5"
            ? ImagePreprocessing(channels: 1, resize: 28, crop: 28, mean: [0], std: [1]) : .imageNet)
        guard VisionModels.names.contains(name) else {
            throw ApusError.invalidArgument("unknown model '\(name)'; available: \(VisionModels.names.joined(separator: ", "))")
        }
        guard !VisionModels.segmentationNames.contains(name) else {
            throw ApusError.invalidArgument("\(name) is a segmentation model: it labels pixels, not images, and "
                                            + "ImageClassifier (apus predict) classifies whole images")
        }
        let model = try loadPretrainedClassifier(weights: path) {
            try VisionModels.make(name, classes: $0, inputChannels: preprocessing.channels, forPretrainedWeights: true)
        }
        if let classes, classes.count != model.classCount {
            throw ApusError.invalidArgument("\(classes.count) class names for weights '\(path)' whose head has "
                                            + "\(model.classCount) classes")
        }
        self.init(model: model, modelName: name, classes: classes, preprocessing: preprocessing)
    }

    /// Class names from a text file, one per line (blank lines at the end ignored), as
    /// torchvision's `imagenet_classes.txt`.
    public static func classNames(contentsOf path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ApusError.fileNotReadable(path: path) }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        guard !lines.isEmpty else { throw ApusError.emptyFile(path: path) }
        return lines
    }

    /// `image` prepared as the model's input, `[C, H, W]`; `name` names it in errors. Throws when
    /// the prepared image has another shape than the training examples, or is too small for the model.
    public func input(for image: Image, name: String = "image") throws -> Tensor {
        let x = preprocessing.tensor(for: image)
        if let inputShape, x.shape != inputShape {
            throw ApusError.invalidArgument("\(name) is \(x.shape[2])×\(x.shape[1]) (\(x.shape[0]) channels) after "
                + "preprocessing; the model was trained on \(inputShape.dropFirst().reversed().map(String.init).joined(separator: "×")) "
                + "images with \(inputShape[0]) channels")
        }
        if let modelName {
            do { try VisionModels.checkInput([1] + x.shape, for: modelName) } catch let error as ApusError {
                throw ApusError.invalidArgument("\(name): \(error)")
            }
        }
        return x
    }

    /// Class probabilities `[K]` (softmax of the logits) for one image.
    public func probabilities(for image: Image, name: String = "image") throws -> [Double] {
        let x = try input(for: image, name: name)
        return noGrad { softmax(model(x.unsqueezed(axis: 0)), axis: 1) }.toDoubles()
    }

    /// The `top` most probable classes for `image`, most probable first (ties: lower index first).
    public func classify(_ image: Image, top: Int = 5, name: String = "image") throws -> [ClassPrediction] {
        guard top >= 1 else { throw ApusError.invalidArgument("--top must be at least 1, got \(top)") }
        let p = try probabilities(for: image, name: name)
        let order = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
        return order.prefix(top).map { i in
            ClassPrediction(index: i, label: classes.map { i < $0.count ? $0[i] : String(i) } ?? String(i), probability: p[i])
        }
    }

    /// Decodes the image file at `path` (PNG or JPEG) and classifies it.
    public func classify(contentsOf path: String, top: Int = 5) throws -> [ClassPrediction] {
        try classify(try Image(contentsOf: path), top: top, name: "image '\(path)'")
    }
}
