import Foundation

/// What a checkpoint written by a run (`apus train --checkpoint`, ``runClassification(_:data:modelFactory:callbacks:communicator:onEpoch:)``,
/// ``runRegression(_:data:callbacks:communicator:)``) says about its model, read from its metadata:
/// enough to rebuild the model and prepare inputs for prediction.
public struct RunCheckpoint: Sendable {
    /// The checkpoint file that was read.
    public let path: String
    /// All of the file's metadata.
    public let metadata: [String: String]
    /// The model's name: a zoo model's (`resnet18`) or the MLP's layer widths (`mlp-8-128-64-1`).
    public let model: String
    /// `classification` or `regression` (`classification` for checkpoints that do not say).
    public let task: String
    /// Class names in index order, when recorded.
    public let classes: [String]?
    /// One example's shape (`[C, H, W]` for images, `[F]` for table rows), when recorded.
    public let inputShape: [Int]?

    /// Reads the metadata of the checkpoint at `path`; throws ``ApusError/fileNotReadable(path:)``,
    /// or ``ApusError/corruptFile(path:reason:)`` when it is not a safetensors file or names no model.
    public init(path: String) throws {
        let metadata = try Safetensors.read(path).metadata
        self.metadata = metadata
        self.path = path
        guard let model = metadata["model"], !model.isEmpty else {
            throw ApusError.corruptFile(path: path, reason: "no 'model' in its metadata: not a checkpoint written by apus train "
                                        + "(raw weights load with --model NAME --weights FILE)")
        }
        self.model = model
        task = metadata["task"] ?? "classification"
        func decode<T: Decodable>(_ key: String, _: T.Type) throws -> T? {
            guard let text = metadata[key] else { return nil }
            guard let value = try? JSONDecoder().decode(T.self, from: Data(text.utf8)) else {
                throw ApusError.corruptFile(path: path, reason: "metadata '\(key)' is not valid: \(text)")
            }
            return value
        }
        classes = try decode("classes", [String].self)
        inputShape = try decode("input_shape", [Int].self)
        if let inputShape, inputShape.isEmpty || inputShape.contains(where: { $0 <= 0 }) {
            throw ApusError.corruptFile(path: path, reason: "metadata 'input_shape' \(inputShape) is not a shape")
        }
    }

    /// Whether the run started from pretrained weights (`apus train --weights`), so that its zoo
    /// model was built for them (``ClassificationRunConfig/weights``).
    public var startedFromPretrainedWeights: Bool {
        metadata["pretrained"] == "true" || metadata["fine_tune_epochs"] != nil
    }

    /// Whether the model is an MLP (`mlp-…`) rather than a zoo model.
    public var isMLP: Bool { model.hasPrefix("mlp-") }

    /// The MLP the run trained, rebuilt from the layer widths in its name and the recorded
    /// `activation`, `batch_norm` and `dropout` (so that its layers, and their names, are the
    /// run's), with a `Flatten` first for image inputs; its weights are not loaded.
    public func makeMLP() throws -> Sequential {
        let widths = model.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard isMLP, widths.count >= 2, let sizes = widths as? [Int], sizes.allSatisfy({ $0 > 0 }) else {
            throw ApusError.corruptFile(path: path, reason: "model '\(model)' is not an MLP's layer widths (mlp-8-128-64-1)")
        }
        var config = ClassificationRunConfig()
        config.hidden = Array(sizes.dropFirst().dropLast())
        config.activation = metadata["activation"] ?? "relu"
        config.batchNorm = metadata["batch_norm"] == "true"
        config.dropout = metadata["dropout"].flatMap(Double.init) ?? 0
        guard ClassificationRunConfig.activations.contains(config.activation), (0..<1).contains(config.dropout) else {
            throw ApusError.corruptFile(path: path, reason: "metadata 'activation' '\(config.activation)' or 'dropout' "
                                        + "'\(config.dropout)' is not one apus train writes")
        }
        let mlp = config.makeModel(inputs: sizes[0], outputs: sizes.last!, generator: RandomGenerator(seed: 0))
        return (inputShape?.count ?? 1) > 1 ? Sequential([Flatten()] + mlp.layers) : mlp
    }
}
