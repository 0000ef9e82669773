import Apus

/// VGG (Simonyan & Zisserman, 2015) with torchvision's structure and names: `features` (3×3
/// convolutions with padding 1, optional batch norm, ReLU, 2×2 max-pools), adaptive average
/// pooling to 7×7, and `classifier` (4096 → 4096 → classes with dropout). Weights start as
/// torchvision's: He normal (fan-out) for convolutions, N(0, 0.01²) for linear layers, zero biases.
public final class VGG: Module {
    /// The four configurations of the paper: 11, 13, 16 and 19 weight layers.
    public enum Depth: Int, Sendable, CaseIterable {
        /// Configuration A: 8 convolutions and 3 linear layers, 132.9 M parameters for 1000 classes.
        case vgg11 = 11
        /// Configuration B: 10 convolutions, 133.0 M parameters.
        case vgg13 = 13
        /// Configuration D: 13 convolutions, 138.4 M parameters.
        case vgg16 = 16
        /// Configuration E: 16 convolutions, 143.7 M parameters.
        case vgg19 = 19

        /// Output channels of each convolution; nil is a max-pool.
        var layers: [Int?] {
            switch self {
            case .vgg11: [64, nil, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
            case .vgg13: [64, 64, nil, 128, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
            case .vgg16: [64, 64, nil, 128, 128, nil, 256, 256, 256, nil, 512, 512, 512, nil, 512, 512, 512, nil]
            case .vgg19: [64, 64, nil, 128, 128, nil, 256, 256, 256, 256, nil, 512, 512, 512, 512, nil, 512, 512, 512, 512, nil]
            }
        }
    }

    /// Five blocks of 3×3 convolutions (each with batch norm when built so, and a ReLU) ending in 2×2 max-pools:
    /// `[N, 3, 224, 224]` → `[N, 512, 7, 7]`.
    public let features: Sequential
    /// Adaptive average pooling to 7×7, so that other input sizes fit the classifier.
    public let avgpool: AdaptiveAvgPool2d
    /// 25088 → 4096 → ReLU → dropout → 4096 → 4096 → ReLU → dropout → 4096 → `classes`; index 6 is the head.
    public let classifier: Sequential

    /// A VGG network of the given depth for `classes` classes.
    ///
    /// - Parameters:
    ///   - depth: 11, 13, 16 or 19 weight layers.
    ///   - batchNorm: a `BatchNorm2d` after every convolution (torchvision's `vgg16_bn`).
    ///   - classes: outputs of the last layer (1000: ImageNet).
    ///   - inputChannels: channels of the input images (3: RGB).
    ///   - dropout: drop probability of the classifier's two dropout layers.
    ///   - generator: the random numbers for the weights (layer by layer) and the dropout masks.
    public init(_ depth: Depth, batchNorm: Bool = false, classes: Int = 1000, inputChannels: Int = 3,
                dropout: Double = 0.5, generator: RandomGenerator = .default) {
        var layers: [Module] = []
        var channels = inputChannels
        for entry in depth.layers {
            guard let width = entry else {
                layers.append(MaxPool2d(2, stride: 2))
                continue
            }
            layers.append(Conv2d(channels, width, kernelSize: 3, padding: 1,
                                 weightInitializer: .kaimingNormal(mode: .fanOut, nonlinearity: .relu),
                                 biasInitializer: .zeros, generator: generator))
            if batchNorm { layers.append(BatchNorm2d(width)) }
            layers.append(ReLU())
            channels = width
        }
        features = Sequential(layers)
        avgpool = AdaptiveAvgPool2d(7)
        func dense(_ i: Int, _ o: Int) -> Linear {
            Linear(i, o, weightInitializer: .normal(std: 0.01), biasInitializer: .zeros, generator: generator)
        }
        classifier = Sequential(
            dense(512 * 7 * 7, 4096), ReLU(), Dropout(p: dropout, generator: generator),
            dense(4096, 4096), ReLU(), Dropout(p: dropout, generator: generator),
            dense(4096, classes))
    }

    /// Class scores (logits) `[N, classes]` for images `[N, inputChannels, H, W]` (224×224 as in the paper; at least 32).
    public override func forward(_ x: Tensor) -> Tensor {
        classifier(avgpool(features(x)).flatten(startAxis: 1))
    }
}
