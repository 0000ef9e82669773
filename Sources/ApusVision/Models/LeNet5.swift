import Apus

/// LeNet-5 (LeCun et al., 1998) as the course draws it, for 28×28 single-channel images:
///
///     conv 5×5 → 6 (padding 2) → ReLU → max-pool 2×2 → conv 5×5 → 16 → ReLU → max-pool 2×2
///     → 120 → ReLU → 84 → ReLU → classes
///
/// 61,706 parameters for 10 classes and one input channel. (The 1998 paper used tanh-like units
/// and average pooling; ReLU and max pooling train faster and are what courses use today.)
public final class LeNet5: Module {
    public let features: Sequential
    public let classifier: Sequential

    public init(classes: Int = 10, inputChannels: Int = 1, generator: RandomGenerator = .default) {
        features = Sequential(
            Conv2d(inputChannels, 6, kernelSize: 5, padding: 2, generator: generator), ReLU(), MaxPool2d(2),
            Conv2d(6, 16, kernelSize: 5, generator: generator), ReLU(), MaxPool2d(2))
        classifier = Sequential(
            Linear(16 * 5 * 5, 120, generator: generator), ReLU(),
            Linear(120, 84, generator: generator), ReLU(),
            Linear(84, classes, generator: generator))
    }

    public override func forward(_ x: Tensor) -> Tensor {
        classifier(features(x).flatten(startAxis: 1))
    }
}
