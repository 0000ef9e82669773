import Foundation

// Checkpoints are safetensors files (see `Safetensors`).
//
// - A weights file holds a module's `stateDict()` under PyTorch's dotted names (`0.weight`,
//   `layers.2.bias`) and nothing else, so Python reads it into the same architecture with
//   `model.load_state_dict(safetensors.torch.load_file(path))`.
// - A training checkpoint is one file with the model's state under `model.<name>`, the optimizer's
//   under `optimizer.<name>` (`optimizer.state.0.exp_avg`, `optimizer.param_groups.0.lr`, PyTorch's
//   optimizer `state_dict()` flattened) and `__metadata__` holding `format` =
//   `apus.training-checkpoint`, `format_version` = `1`, `epoch` and `step` (completed epochs and
//   optimizer steps, decimal), plus any caller metadata.
// - Both record the CRC-32C of their data section in `data_crc32c` (``Safetensors/checksumKey``),
//   which every read verifies, so a damaged file is an error instead of silently wrong weights;
//   files without it (written by Python, or by older Apus versions) load as before.

extension Module {
    /// Writes ``stateDict()`` to the safetensors file at `path` (atomically), under PyTorch's names,
    /// with the data's CRC-32C in the metadata (see ``Safetensors/checksumKey``).
    ///
    /// In Python: `model.load_state_dict(safetensors.torch.load_file(path))` for the same architecture.
    public func saveWeights(to path: String, metadata: [String: String] = [:]) throws {
        try Safetensors.write(stateDict(), metadata: metadata, checksum: true, to: path)
    }

    /// Loads parameters and buffers from a weights file, matched by name, and returns what did not
    /// fit (see ``loadStateDict(_:strict:)``).
    ///
    /// The file is recognised by its content:
    /// - a safetensors file written by ``saveWeights(to:metadata:)``, by PyTorch
    ///   (`safetensors.torch.save_file(model.state_dict(), path)`), or the `model.` part of a
    ///   ``TrainingCheckpoint``;
    /// - a PyTorch `.pth` / `.pt` file written by `torch.save(model.state_dict(), path)` (read by
    ///   ``TorchCheckpoint``, without running any code from it), or a checkpoint dict holding the
    ///   state dict under `state_dict`, `model_state_dict` or `model`.
    ///
    /// A state dict saved from a model wrapped in `DataParallel` or `DistributedDataParallel`,
    /// whose every name starts with `module.`, loads as the model's own names.
    ///
    /// Values are converted to each parameter's dtype. With `strict` (the default) a file that does
    /// not fit exactly throws one ``ApusError/stateMismatch(_:)`` listing every missing, unexpected
    /// and mis-shaped tensor, and nothing is changed. With `strict: false` the tensors that fit
    /// are loaded and the returned ``StateMismatch`` lists what was skipped:
    ///
    ///     let model = ResNet(.resnet18, classes: 10)
    ///     let skipped = try model.loadWeights(from: "resnet18.pth", strict: false)
    ///     print(skipped.wrongShape.map(\.name))   // ["fc.bias", "fc.weight"]: 1000 classes in the file
    @discardableResult
    public func loadWeights(from path: String, strict: Bool = true) throws -> StateMismatch {
        var state: [(name: String, tensor: Tensor)]
        switch try WeightsFile.format(of: path) {
        case .pytorch:
            state = try TorchCheckpoint.read(path).modelState
        case .safetensors:
            let contents = try Safetensors.read(path)
            state = contents.tensors
            if contents.metadata["format"] == TrainingCheckpoint.format {
                let prefix = TrainingCheckpoint.modelPrefix
                state = state.compactMap { $0.name.hasPrefix(prefix) ? (String($0.name.dropFirst(prefix.count)), $0.tensor) : nil }
            }
        }
        // A model saved while wrapped in PyTorch's DataParallel or DistributedDataParallel has
        // every name under `module.`: strip it when this model's own names do not start so.
        let wrapper = "module."
        if !state.isEmpty && state.allSatisfy({ $0.name.hasPrefix(wrapper) })
            && !namedParameters().contains(where: { $0.name.hasPrefix(wrapper) }) {
            state = state.map { (String($0.name.dropFirst(wrapper.count)), $0.tensor) }
        }
        return try loadStateDict(Dictionary(state.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first }),
                                 strict: strict)
    }
}

/// A full training checkpoint: model and optimizer state, progress and metadata, in one
/// safetensors file (see the key layout above ``Module/saveWeights(to:metadata:)``).
///
///     try TrainingCheckpoint.save(to: "run.safetensors", model: model, optimizer: optimizer, epoch: 3, step: 135)
///     let resumed = try TrainingCheckpoint.load(from: "run.safetensors", model: model, optimizer: optimizer)
///     try trainer.fit(loader, epochs: 10, initialEpoch: resumed.epoch)
public struct TrainingCheckpoint: Sendable, Equatable {
    /// Value of the `format` metadata entry.
    public static let format = "apus.training-checkpoint"
    /// Key prefixes of the model's and the optimizer's tensors.
    public static let modelPrefix = "model.", optimizerPrefix = "optimizer."
    /// Metadata keys the checkpoint itself uses; caller metadata may not use them.
    public static let reservedKeys: Set<String> = ["format", "format_version", "epoch", "step", Safetensors.checksumKey]

    /// Completed epochs when the checkpoint was written.
    public var epoch: Int
    /// Completed optimizer steps (batches) when the checkpoint was written.
    public var step: Int
    /// The caller's metadata (without the reserved keys).
    public var metadata: [String: String]

    /// The header of a checkpoint: the epochs and optimizer steps completed, and the caller's metadata.
    public init(epoch: Int, step: Int, metadata: [String: String] = [:]) {
        self.epoch = epoch
        self.step = step
        self.metadata = metadata
    }

    /// Writes `model`'s and `optimizer`'s state with `epoch`, `step` and `metadata` to `path`, atomically.
    public static func save(to path: String, model: Module, optimizer: (any Optimizer)?, epoch: Int, step: Int,
                            metadata: [String: String] = [:]) throws {
        for key in metadata.keys {
            require(!reservedKeys.contains(key), "TrainingCheckpoint.save: metadata key '\(key)' is reserved")
        }
        var tensors = model.stateDict().map { (name: modelPrefix + $0.name, tensor: $0.tensor) }
        if let optimizer {
            tensors += optimizer.stateDict().map { (name: optimizerPrefix + $0.name, tensor: $0.tensor) }
        }
        var meta = metadata
        meta["format"] = format
        meta["format_version"] = "1"
        meta["epoch"] = String(epoch)
        meta["step"] = String(step)
        try Safetensors.write(tensors, metadata: meta, checksum: true, to: path)
    }

    /// Restores `model` and `optimizer` from the checkpoint at `path` and returns its progress and metadata.
    ///
    /// Throws when the file is unreadable, corrupt, not a training checkpoint, or does not fit the
    /// model or optimizer (``ApusError/stateMismatch(_:)`` lists the offending names, with their
    /// `model.` / `optimizer.` prefix); then neither model nor optimizer is changed.
    @discardableResult
    public static func load(from path: String, model: Module, optimizer: (any Optimizer)?) throws -> TrainingCheckpoint {
        let contents = try Safetensors.read(path)
        let meta = contents.metadata
        guard meta["format"] == format else {
            throw ApusError.corruptFile(path: path, reason: "not an Apus training checkpoint (metadata 'format' is "
                + (meta["format"].map { "'\($0)'" } ?? "missing") + "); a weights-only file loads with loadWeights(from:)")
        }
        guard meta["format_version"] == "1" else {
            throw ApusError.corruptFile(path: path, reason: "unsupported training checkpoint version '\(meta["format_version"] ?? "none")'")
        }
        guard let epoch = meta["epoch"].flatMap({ Int($0) }), epoch >= 0,
              let step = meta["step"].flatMap({ Int($0) }), step >= 0 else {
            throw ApusError.corruptFile(path: path, reason: "metadata 'epoch' and 'step' must be non-negative integers")
        }
        let state = contents.dictionary
        let stray = state.keys.filter { !$0.hasPrefix(modelPrefix) && !$0.hasPrefix(optimizerPrefix) }.sorted()
        if !stray.isEmpty { throw ApusError.stateMismatch(StateMismatch(unexpected: stray)) }
        let before = model.stateDict()
        do {
            try model.loadStateDict(section(state, prefix: modelPrefix))
        } catch ApusError.stateMismatch(let m) {
            throw ApusError.stateMismatch(m.prefixed(modelPrefix))
        }
        if let optimizer {
            do {
                try optimizer.loadStateDict(section(state, prefix: optimizerPrefix))
            } catch {
                // Leave the model as it was.
                _ = try? model.loadStateDict(Dictionary(uniqueKeysWithValues: before.map { ($0.name, $0.tensor) }))
                if case ApusError.stateMismatch(let m) = error { throw ApusError.stateMismatch(m.prefixed(optimizerPrefix)) }
                throw error
            }
        }
        return TrainingCheckpoint(epoch: epoch, step: step, metadata: meta.filter { !reservedKeys.contains($0.key) })
    }

    /// The entries of `state` whose names start with `prefix`, with the prefix removed.
    static func section(_ state: [String: Tensor], prefix: String) -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (name, tensor) in state where name.hasPrefix(prefix) { out[String(name.dropFirst(prefix.count))] = tensor }
        return out
    }
}

extension StateMismatch {
    /// The same mismatch with `prefix` before every name (to name keys as they are in a file).
    func prefixed(_ prefix: String) -> StateMismatch {
        StateMismatch(missing: missing.map { prefix + $0 }, unexpected: unexpected.map { prefix + $0 },
                      wrongShape: wrongShape.map { .init(name: prefix + $0.name, expected: $0.expected, found: $0.found) })
    }
}
