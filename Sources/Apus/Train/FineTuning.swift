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
/// `build(k)` makes the architecture with `k` classes. The weights are loaded first into
/// `build(classes ?? 1000)`; when the file fits except for the head's shape (torchvision's 1000
/// ImageNet classes, another fine-tuned model's classes), the model is built again with the
/// file's class count and loaded with ``Module/loadWeights(from:strict:)`` (`strict: false`, so
/// that files without batch norm's `num_batches_tracked`, as older torchvision checkpoints, load
/// too), and then, when `classes` is given and differs, ``HasClassifierHead/replaceHead(classes:generator:)``
/// draws a new head from `generator`. Any other difference (a missing or unexpected tensor, a
/// body tensor of another shape) throws ``ApusError/invalidArgument(_:)`` listing it: the file
/// is for another architecture.
///
///     let model = try loadPretrainedClassifier(weights: "resnet18.safetensors", classes: 2) { k in ResNet(.resnet18, classes: k) }
public func loadPretrainedClassifier(weights path: String, classes: Int? = nil, generator: RandomGenerator = .default,
                                     build: (_ classes: Int) throws -> Module) throws -> any HasClassifierHead {
    func make(_ k: Int) throws -> any HasClassifierHead {
        let module = try build(k)
        guard let classifier = module as? any HasClassifierHead else {
            throw ApusError.invalidArgument("\(type(of: module)) has no classifier head to fine-tune")
        }
        return classifier
    }
    guard FileManager.default.isReadableFile(atPath: path) else { throw ApusError.fileNotReadable(path: path) }
    var model = try make(classes ?? 1000)
    do {
        try model.loadWeights(from: path, strict: true)
    } catch ApusError.stateMismatch(let mismatch) {
        let head = Set(model.headParameterNames)
        let body = StateMismatch(missing: mismatch.missing.filter { !$0.hasSuffix("num_batches_tracked") },
                                 unexpected: mismatch.unexpected,
                                 wrongShape: mismatch.wrongShape.filter { !head.contains($0.name) })
        guard body.isEmpty else {
            throw ApusError.invalidArgument("weights '\(path)' do not fit \(type(of: model)): \(body)")
        }
        let headShapes = mismatch.wrongShape.filter { head.contains($0.name) }
        if let weight = headShapes.first(where: { $0.found.count == 2 }) {
            model = try make(weight.found[0])
        }
        do {
            try model.loadWeights(from: path, strict: false)
        } catch ApusError.stateMismatch(let again) {
            throw ApusError.invalidArgument("weights '\(path)' do not fit \(type(of: model)): \(again)")
        }
    }
    if let classes, model.classCount != classes {
        model.replaceHead(classes: classes, generator: generator)
    }
    return model
}
