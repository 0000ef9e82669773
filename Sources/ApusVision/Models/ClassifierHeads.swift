import Apus

// Where each zoo model keeps its head (torchvision's names), for fine-tuning (`HasClassifierHead`).

/// A new head for `classes` classes in place of `old`: same input width and dtype, PyTorch's
/// default initialisation.
func newHead<Head: ClassifierHeadLayer>(like old: Head, classes: Int, generator: RandomGenerator) -> Head {
    old.replacement(classes: classes, generator: generator)
}

/// The last layer of `sequential`, which must be a `Linear`.
private func lastLinear(_ sequential: Sequential) -> Linear {
    guard let head = sequential.layers.last as? Linear else {
        fatalError("classifier head: the last layer is \(type(of: sequential.layers.last!)), not Linear")
    }
    return head
}

extension ResNet: HasClassifierHead {
    /// `fc`.
    public var classifierHeads: [Linear] { [fc] }

    /// Replaces `fc` by `Linear(512·expansion, classes)`.
    public func replaceHead(classes: Int, generator: RandomGenerator) {
        fc = newHead(like: fc, classes: classes, generator: generator)
    }
}

extension GoogLeNet: HasClassifierHead {
    /// `fc`, then the auxiliary classifiers' `aux1.fc2` and `aux2.fc2` when there are any.
    public var classifierHeads: [Linear] { [fc] + [aux1, aux2].compactMap { $0?.fc2 } }

    /// Replaces `fc` and the auxiliary heads `aux1.fc2`, `aux2.fc2` (torchvision's fine-tuning
    /// recipe for Inception), in that order.
    public func replaceHead(classes: Int, generator: RandomGenerator) {
        fc = newHead(like: fc, classes: classes, generator: generator)
        for aux in [aux1, aux2].compactMap({ $0 }) { aux.fc2 = newHead(like: aux.fc2, classes: classes, generator: generator) }
    }
}

extension AlexNet: HasClassifierHead {
    /// `classifier.6`.
    public var classifierHeads: [Linear] { [lastLinear(classifier)] }

    /// Replaces `classifier.6` by `Linear(4096, classes)`.
    public func replaceHead(classes: Int, generator: RandomGenerator) {
        classifier[classifier.layers.count - 1] = newHead(like: lastLinear(classifier), classes: classes, generator: generator)
    }
}

extension VGG: HasClassifierHead {
    /// `classifier.6`.
    public var classifierHeads: [Linear] { [lastLinear(classifier)] }

    /// Replaces `classifier.6` by `Linear(4096, classes)`.
    public func replaceHead(classes: Int, generator: RandomGenerator) {
        classifier[classifier.layers.count - 1] = newHead(like: lastLinear(classifier), classes: classes, generator: generator)
    }
}

extension LeNet5: HasClassifierHead {
    /// `classifier.4`, the 84 → classes layer.
    public var classifierHeads: [Linear] { [lastLinear(classifier)] }

    /// Replaces `classifier.4` by `Linear(84, classes)`.
    public func replaceHead(classes: Int, generator: RandomGenerator) {
        classifier[classifier.layers.count - 1] = newHead(like: lastLinear(classifier), classes: classes, generator: generator)
    }
}
