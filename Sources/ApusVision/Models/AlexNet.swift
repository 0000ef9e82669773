import Apus

/// AlexNet (Krizhevsky et al., 2012) with torchvision's layer structure and names
/// (`features.0.weight` … `classifier.6.bias`): torchvision's single-tower variant, with 64 / 192 /
/// 384 / 256 / 256 channels, no local response normalisation, and adaptive average pooling to 6×6
/// before the classifier. 61,100,840 parameters for 1000 classes.
public final class AlexNet: Module {
    public let features: Sequential
    public let avgpool: AdaptiveAvgPool2d
    public let classifier: Sequential

    public init(classes: Int = 1000, inputChannels: Int = 3, dropout: Double = 0.5, generator: RandomGenerator = .default) {
        features = Sequential(
            Conv2d(inputChannels, 64, kernelSize: 11, stride: 4, padding: 2, generator: generator), ReLU(), MaxPool2d(3, stride: 2),
            Conv2d(64, 192, kernelSize: 5, padding: 2, generator: generator), ReLU(), MaxPool2d(3, stride: 2),
            Conv2d(192, 384, kernelSize: 3, padding: 1, generator: generator), ReLU(),
            Conv2d(384, 256, kernelSize: 3, padding: 1, generator: generator), ReLU(),
            Conv2d(256, 256, kernelSize: 3, padding: 1, generator: generator), ReLU(), MaxPool2d(3, stride: 2))
        avgpool = AdaptiveAvgPool2d(6)
        classifier = Sequential(
            Dropout(p: dropout, generator: generator), Linear(256 * 6 * 6, 4096, generator: generator), ReLU(),
            Dropout(p: dropout, generator: generator), Linear(4096, 4096, generator: generator), ReLU(),
            Linear(4096, classes, generator: generator))
    }

    public override func forward(_ x: Tensor) -> Tensor {
        classifier(avgpool(features(x)).flatten(startAxis: 1))
    }
}
