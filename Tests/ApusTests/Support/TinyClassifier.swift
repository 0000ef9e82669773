import Apus

/// A small convolutional classifier with batch norm and a replaceable head, for fine-tuning tests
/// that do not need a zoo model's millions of weights: `body` (conv 3×3 → 4, batch norm, ReLU,
/// global average pooling) and `head` (`Linear(4, classes)`), on `[N, 1, H, W]` images.
final class TinyClassifier: Module, HasClassifierHead {
    let body: Sequential
    private(set) var head: Linear

    init(classes: Int, generator: RandomGenerator = RandomGenerator(seed: 0)) {
        body = Sequential(Conv2d(1, 4, kernelSize: 3, padding: 1, generator: generator), BatchNorm2d(4), ReLU(),
                          AdaptiveAvgPool2d(1), Flatten())
        head = Linear(4, classes, generator: generator)
    }

    override func forward(_ x: Tensor) -> Tensor { head(body(x)) }

    var classifierHeads: [Linear] { [head] }

    func replaceHead(classes: Int, generator: RandomGenerator) {
        head = Linear(4, classes, generator: generator)
    }
}
