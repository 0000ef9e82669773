import Foundation

/// Fine-tuning in two stages, in the spirit of fastai's `fine_tune`: for the first
/// `freezeEpochs` epochs everything but the head is frozen (``Module/freeze(except:)``: the body's
/// weights and batch-norm statistics stay as they are) and only the head trains; from epoch
/// `freezeEpochs + 1` on every layer trains, and at that epoch every parameter group's learning
/// rate is multiplied by `unfreezeLRFactor` (0.5: fastai halves its base rate for this stage).
///
/// Decisions are taken at the start of each epoch from its number, so the callback is right
/// after ``Trainer/resume(from:)`` too: a run resumed in the first stage freezes again, one
/// resumed later is unfrozen, and the rates (restored from the checkpoint) are scaled only when
/// the unfrozen stage starts. Combined with discriminative rates (``HasClassifierHead/parameterGroups(body:head:)``),
/// the body trains more slowly than the head throughout. A learning-rate schedule that sets the
/// rates from fixed base rates (``ClosedFormLRScheduler``) would undo the scaling: use one or the other.
public final class FineTuneSchedule: Callback {
    /// The model being fine-tuned.
    public let model: Module
    /// The layers that train in the first stage (the new head).
    public let head: [Module]
    /// Epochs of the first, head-only stage.
    public let freezeEpochs: Int
    /// Factor applied to every group's learning rate when the body is unfrozen.
    public let unfreezeLRFactor: Double

    /// Trains only `head` for `freezeEpochs` epochs, then every layer of `model` with the learning rates
    /// multiplied by `unfreezeLRFactor`.
    ///
    /// - Parameters:
    ///   - model: the model being fine-tuned.
    ///   - head: the modules that train in the first stage (the new classifier, e.g. ``HasClassifierHead/classifierHeads``).
    ///   - freezeEpochs: epochs of the head-only stage (0: train everything from the start).
    ///   - unfreezeLRFactor: the factor (> 0) applied once to every group's rate when the body is unfrozen.
    public init(model: Module, head: [Module], freezeEpochs: Int, unfreezeLRFactor: Double = 0.5) {
        require(freezeEpochs >= 0, "FineTuneSchedule: freezeEpochs must be non-negative, got \(freezeEpochs)")
        require(unfreezeLRFactor > 0 && unfreezeLRFactor.isFinite,
                "FineTuneSchedule: unfreezeLRFactor must be a positive number, got \(unfreezeLRFactor)")
        require(!head.isEmpty, "FineTuneSchedule: the head must have at least one module")
        self.model = model
        self.head = head
        self.freezeEpochs = freezeEpochs
        self.unfreezeLRFactor = unfreezeLRFactor
    }

    /// Whether `epoch` (1-based) trains the head only.
    public func isFrozen(epoch: Int) -> Bool { epoch <= freezeEpochs }

    public func onEpochBegin(_ epoch: Int, trainer: Trainer) throws {
        if isFrozen(epoch: epoch) {
            model.freeze(except: head)
            return
        }
        model.unfreeze()
        if epoch == freezeEpochs + 1 {
            trainer.optimizer.learningRates = trainer.optimizer.learningRates.map { $0 * unfreezeLRFactor }
        }
    }
}

extension Trainer {
    /// Fine-tunes a pretrained model whose new `head` replaced its classifier (fastai's
    /// `fine_tune`): `freezeEpochs` epochs training the head only, with the body frozen, then
    /// `epochs` epochs training every layer at `unfreezeLRFactor` times the optimizer's rates
    /// (see ``FineTuneSchedule``). Epochs are numbered 1 … `freezeEpochs + epochs` in the logs and
    /// the returned history; the model ends unfrozen, with the scaled rates.
    ///
    ///     let model = ResNet(.resnet18)
    ///     try model.loadWeights(from: "resnet18.safetensors")
    ///     model.replaceHead(classes: 2)
    ///     let trainer = Trainer(model: model, optimizer: Adam(model.parameterGroups(body: 1e-4, head: 1e-3)),
    ///                           metrics: [.accuracy])
    ///     try trainer.fineTune(loader, validation: validation, epochs: 3, freezeEpochs: 1, head: model.classifierHeads)
    ///
    /// The optimizer should hold every parameter (it skips the frozen ones, which have no gradient).
    @discardableResult
    public func fineTune<D: Dataset>(_ train: DataLoader<D>, validation: (any Dataset)? = nil, epochs: Int,
                                     freezeEpochs: Int = 1, head: [Module], unfreezeLRFactor: Double = 0.5,
                                     initialEpoch: Int = 0, callbacks: [any Callback] = []) throws -> History {
        require(epochs >= 0, "Trainer.fineTune: epochs must be non-negative, got \(epochs)")
        let schedule = FineTuneSchedule(model: model, head: head, freezeEpochs: freezeEpochs, unfreezeLRFactor: unfreezeLRFactor)
        return try fit(train, validation: validation, epochs: freezeEpochs + epochs, initialEpoch: initialEpoch,
                       callbacks: [schedule] + callbacks)
    }

    /// ``fineTune(_:validation:epochs:freezeEpochs:head:unfreezeLRFactor:initialEpoch:callbacks:)``
    /// with the model's own head: its ``HasClassifierHead/classifierHeads`` (every zoo model has them).
    @discardableResult
    public func fineTune<D: Dataset>(_ train: DataLoader<D>, validation: (any Dataset)? = nil, epochs: Int,
                                     freezeEpochs: Int = 1, unfreezeLRFactor: Double = 0.5,
                                     initialEpoch: Int = 0, callbacks: [any Callback] = []) throws -> History {
        guard let classifier = model as? any HasClassifierHead else {
            fatalError("Trainer.fineTune: \(type(of: model)) has no classifier head (HasClassifierHead); pass head:")
        }
        return try fineTune(train, validation: validation, epochs: epochs, freezeEpochs: freezeEpochs,
                            head: classifier.classifierHeads, unfreezeLRFactor: unfreezeLRFactor,
                            initialEpoch: initialEpoch, callbacks: callbacks)
    }
}

/// Builds a classifier and loads pretrained weights into it, whatever number of classes the
/// weights' head has, then gives it a new head for `classes` classes when that differs.
///
/// `build(k)` makes the architecture with `k` classes; it runs inside ``skippingInitialization(_:)``
/// (no random draws: every value comes from the file). The file, any format
/// ``Module/loadWeights(from:strict:)`` reads (safetensors, a training checkpoint, PyTorch's
/// `.pth`), is loaded with `strict: false` into `build(classes ?? 1000)`:
///
/// - a head of another shape (torchvision's 1000 ImageNet classes, another fine-tuned model's) is
///   replaced by a new one for `classes` with ``HasClassifierHead/replaceHead(classes:generator:)``,
///   drawn from `generator`; with `classes` nil the model is built again with the file's class
///   count, so that the file's head is kept;
/// - a head of the right shape is the file's (fine-tuning a fine-tuned model further);
/// - a file without batch norm's `num_batches_tracked` (older torchvision checkpoints) loads;
/// - anything else that does not fit (a missing or unexpected tensor, a body tensor of another
///   shape: weights of another architecture) throws ``ApusError/invalidArgument(_:)`` listing it.
///
///     let model = try loadPretrainedClassifier(weights: "resnet18.pth", classes: 2) { k in ResNet(.resnet18, classes: k) }
public func loadPretrainedClassifier(weights path: String, classes: Int? = nil, generator: RandomGenerator = .default,
                                     build: (_ classes: Int) throws -> Module) throws -> any HasClassifierHead {
    func make(_ k: Int) throws -> any HasClassifierHead {
        let module = try skippingInitialization { try build(k) }
        guard let classifier = module as? any HasClassifierHead else {
            throw ApusError.invalidArgument("\(type(of: module)) has no classifier head to fine-tune")
        }
        return classifier
    }
    /// Loads the file into `model`; returns the head's tensors that were skipped or missing, and
    /// throws for anything else.
    func load(into model: any HasClassifierHead) throws -> (wrongShape: [StateMismatch.WrongShape], missing: [String]) {
        let skipped = try model.loadWeights(from: path, strict: false)
        let head = Set(model.headParameterNames)
        let body = StateMismatch(missing: skipped.missing.filter { !$0.hasSuffix("num_batches_tracked") && !head.contains($0) },
                                 unexpected: skipped.unexpected,
                                 wrongShape: skipped.wrongShape.filter { !head.contains($0.name) })
        guard body.isEmpty else {
            throw ApusError.invalidArgument("weights '\(path)' do not fit \(type(of: model)): \(body)")
        }
        return (skipped.wrongShape.filter { head.contains($0.name) }, skipped.missing.filter { head.contains($0) })
    }
    guard FileManager.default.isReadableFile(atPath: path) else { throw ApusError.fileNotReadable(path: path) }
    var model = try make(classes ?? 1000)
    let headMismatch = try load(into: model)
    if let classes {
        if !headMismatch.wrongShape.isEmpty || !headMismatch.missing.isEmpty {
            model.replaceHead(classes: classes, generator: generator)
        }
    } else if !headMismatch.missing.isEmpty {
        throw ApusError.invalidArgument("weights '\(path)' have no classifier head (missing: "
                                        + headMismatch.missing.joined(separator: ", ") + ")")
    } else if let weight = headMismatch.wrongShape.first(where: { $0.found.count == 2 }) {
        model = try make(weight.found[0])
        let again = try load(into: model)
        guard again.wrongShape.isEmpty && again.missing.isEmpty else {
            throw ApusError.invalidArgument("weights '\(path)' do not fit \(type(of: model)): "
                                            + "\(StateMismatch(missing: again.missing, wrongShape: again.wrongShape))")
        }
    }
    return model
}
