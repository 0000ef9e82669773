import Apus

/// AlexNet (Krizhevsky et al., 2012) with torchvision's layer structure and names
/// (`features.0.weight` … `classifier.6.bias`): torchvision's single-tower variant, with 64 / 192 /
/// 384 / 256 / 256 channels, no local response normalisation, and adaptive average pooling to 6×6
/// before the classifier. 61,100,840 parameters for 1000 classes.
public final class AlexNet: Module {
    /// The convolutional part: five convolutions (11×11 stride 4, 5×5, then three 3×3) with ReLUs and three
    /// 3×3 stride-2 max-pools; `[N, 3, 224, 224]` becomes `[N, 256, 6, 6]`.
    public let features: Sequential
    /// Adaptive average pooling to 6×6, so that inputs of other sizes (≥ 63 pixels) fit the classifier.
    public let avgpool: AdaptiveAvgPool2d
    /// Dropout → 9216→4096 → ReLU → dropout → 4096→4096 → ReLU → 4096→`classes`; index 6 is the head.
    public let classifier: Sequential

    /// AlexNet for `classes` classes and images of `inputChannels` channels.
    ///
    /// - Parameters:
    ///   - classes: outputs of the last layer (1000: ImageNet).
    ///   - inputChannels: channels of the input images (3: RGB).
    ///   - dropout: drop probability of the classifier's two dropout layers.
    ///   - generator: the random numbers for the weights (layer by layer) and the dropout masks.
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

    /// Class scores (logits) `[N, classes]` for images `[N, inputChannels, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        classifier(avgpool(features(x)).flatten(startAxis: 1))
    }
}
