import Apus

/// LeNet-5 (LeCun et al., 1998) as the course draws it, for 28×28 single-channel images:
///
///     conv 5×5 → 6 (padding 2) → ReLU → max-pool 2×2 → conv 5×5 → 16 → ReLU → max-pool 2×2
///     → 120 → ReLU → 84 → ReLU → classes
///
/// 61,706 parameters for 10 classes and one input channel. (The 1998 paper used tanh-like units
/// and average pooling; ReLU and max pooling train faster and are what courses use today.)
public final class LeNet5: Module {
    /// The two convolution stages: `[N, C, 28, 28]` → `[N, 6, 14, 14]` → `[N, 16, 5, 5]`.
    public let features: Sequential
    /// The fully connected layers 400 → 120 → 84 → `classes` with ReLUs; index 4 is the head.
    public let classifier: Sequential

    /// LeNet-5 for `classes` classes and 28×28 images of `inputChannels` channels, weights drawn from `generator`
    /// layer by layer.
    public init(classes: Int = 10, inputChannels: Int = 1, generator: RandomGenerator = .default) {
        features = Sequential(
            Conv2d(inputChannels, 6, kernelSize: 5, padding: 2, generator: generator), ReLU(), MaxPool2d(2),
            Conv2d(6, 16, kernelSize: 5, generator: generator), ReLU(), MaxPool2d(2))
        classifier = Sequential(
            Linear(16 * 5 * 5, 120, generator: generator), ReLU(),
            Linear(120, 84, generator: generator), ReLU(),
            Linear(84, classes, generator: generator))
    }

    /// Class scores (logits) `[N, classes]` for images `[N, inputChannels, 28, 28]`.
    public override func forward(_ x: Tensor) -> Tensor {
        classifier(features(x).flatten(startAxis: 1))
    }
}
