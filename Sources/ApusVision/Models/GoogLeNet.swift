import Apus

/// GoogLeNet / Inception v1 (Szegedy et al., 2015) with torchvision's structure and names: a stem
/// of convolutions, nine Inception modules (`inception3a` … `inception5b`) with 1×1 reductions,
/// global average pooling, dropout 0.2 and `fc`; and the two auxiliary classifiers (`aux1` after
/// 4a, `aux2` after 4d), used in training only. Every convolution is `BasicConv2d`: convolution
/// without bias, batch norm (ε = 0.001), ReLU.
///
/// torchvision's known deviations from the paper are kept so that its checkpoints load by name:
/// batch norm in every convolution, the "5×5" branch uses a 3×3 kernel, max-pools use ceil mode,
/// and 4e → 5a pools with a 2×2 window. 13,004,888 parameters for 1000 classes (6,624,904 without
/// the auxiliary heads).
public final class GoogLeNet: Module {
    public let conv1: BasicConv2d
    public let maxpool1 = MaxPool2d(3, stride: 2, ceilMode: true)
    public let conv2: BasicConv2d
    public let conv3: BasicConv2d
    public let maxpool2 = MaxPool2d(3, stride: 2, ceilMode: true)
    public let inception3a: Inception
    public let inception3b: Inception
    public let maxpool3 = MaxPool2d(3, stride: 2, ceilMode: true)
    public let inception4a: Inception
    public let inception4b: Inception
    public let inception4c: Inception
    public let inception4d: Inception
    public let inception4e: Inception
    public let maxpool4 = MaxPool2d(2, stride: 2, ceilMode: true)
    public let inception5a: Inception
    public let inception5b: Inception
    public let aux1: InceptionAux?
    public let aux2: InceptionAux?
    public let avgpool = AdaptiveAvgPool2d(1)
    public let dropout: Dropout
    public internal(set) var fc: Linear
    /// Whether ``outputs(_:)`` first maps ImageNet-normalised inputs `(p − mean)/std` to
    /// `(p − 0.5)/0.5`, as torchvision's `transform_input`: its pretrained GoogLeNet weights
    /// expect it (`googlenet(weights=...)` turns it on), random initialisation does not.
    public let transformInput: Bool

    /// A GoogLeNet for `classes` classes and `inputChannels`-channel images, with or without the
    /// auxiliary classifiers, and `transformInput` as torchvision's `transform_input` (3 channels only).
    public init(classes: Int = 1000, inputChannels: Int = 3, auxiliaryClassifiers: Bool = true,
                transformInput: Bool = false, generator: RandomGenerator = .default) {
        require(!transformInput || inputChannels == 3,
                "GoogLeNet: transformInput needs 3 input channels (ImageNet's mean and std), got \(inputChannels)")
        self.transformInput = transformInput
        let g = generator
        conv1 = BasicConv2d(inputChannels, 64, kernel: 7, stride: 2, padding: 3, g)
        conv2 = BasicConv2d(64, 64, kernel: 1, g)
        conv3 = BasicConv2d(64, 192, kernel: 3, padding: 1, g)
        inception3a = Inception(192, 64, 96, 128, 16, 32, 32, g)
        inception3b = Inception(256, 128, 128, 192, 32, 96, 64, g)
        inception4a = Inception(480, 192, 96, 208, 16, 48, 64, g)
        inception4b = Inception(512, 160, 112, 224, 24, 64, 64, g)
        inception4c = Inception(512, 128, 128, 256, 24, 64, 64, g)
        inception4d = Inception(512, 112, 144, 288, 32, 64, 64, g)
        inception4e = Inception(528, 256, 160, 320, 32, 128, 128, g)
        inception5a = Inception(832, 256, 160, 320, 32, 128, 128, g)
        inception5b = Inception(832, 384, 192, 384, 48, 128, 128, g)
        aux1 = auxiliaryClassifiers ? InceptionAux(512, classes, g) : nil
        aux2 = auxiliaryClassifiers ? InceptionAux(528, classes, g) : nil
        dropout = Dropout(p: 0.2, generator: g)
        fc = Linear(1024, classes, weightInitializer: googLeNetInit, generator: g)
    }

    /// The main logits and, in training mode with auxiliary classifiers, the two auxiliary logits.
    /// The paper's training loss is `CE(logits) + 0.3·(CE(aux1) + CE(aux2))`.
    public func outputs(_ x: Tensor) -> (logits: Tensor, aux1: Tensor?, aux2: Tensor?) {
        var h = maxpool2(conv3(conv2(maxpool1(conv1(transformInput ? transformedInput(x) : x)))))
        h = maxpool3(inception3b(inception3a(h)))
        h = inception4a(h)
        let a1 = training ? aux1?(h) : nil
        h = inception4d(inception4c(inception4b(h)))
        let a2 = training ? aux2?(h) : nil
        h = maxpool4(inception4e(h))
        h = inception5b(inception5a(h))
        let logits = fc(dropout(avgpool(h).flatten(startAxis: 1)))
        return (logits, a1, a2)
    }

    /// `x·std/0.5 + (mean − 0.5)/0.5` per channel with ImageNet's mean and std: the inputs
    /// torchvision's pretrained weights were trained on, from ImageNet-normalised `x`.
    func transformedInput(_ x: Tensor) -> Tensor {
        let mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225]
        let scale = Tensor(shape: [1, 3, 1, 1], values: std.map { $0 / 0.5 }, dtype: x.dtype)
        let shift = Tensor(shape: [1, 3, 1, 1], values: mean.map { ($0 - 0.5) / 0.5 }, dtype: x.dtype)
        return x * scale + shift
    }

    /// The main logits (use ``outputs(_:)`` for the auxiliary ones in training).
    public override func forward(_ x: Tensor) -> Tensor { outputs(x).logits }

    /// Convolution without bias, batch norm (ε = 0.001), ReLU.
    public final class BasicConv2d: Module {
        public let conv: Conv2d
        public let bn: BatchNorm2d

        init(_ i: Int, _ o: Int, kernel: Int, stride: Int = 1, padding: Int = 0, _ generator: RandomGenerator) {
            conv = Conv2d(i, o, kernelSize: IntPair(kernel), stride: IntPair(stride), padding: .explicit(IntPair(padding)), bias: false,
                          weightInitializer: googLeNetInit, generator: generator)
            bn = BatchNorm2d(o, eps: 0.001)
        }

        public override func forward(_ x: Tensor) -> Tensor { relu(bn(conv(x))) }
    }

    /// Four parallel branches concatenated along channels: 1×1; 1×1 → 3×3; 1×1 → "5×5" (3×3 in
    /// torchvision); 3×3 max-pool → 1×1.
    public final class Inception: Module {
        public let branch1: BasicConv2d
        public let branch2: Sequential
        public let branch3: Sequential
        public let branch4: Sequential

        init(_ i: Int, _ c1: Int, _ c3r: Int, _ c3: Int, _ c5r: Int, _ c5: Int, _ pool: Int, _ g: RandomGenerator) {
            branch1 = BasicConv2d(i, c1, kernel: 1, g)
            branch2 = Sequential(BasicConv2d(i, c3r, kernel: 1, g), BasicConv2d(c3r, c3, kernel: 3, padding: 1, g))
            branch3 = Sequential(BasicConv2d(i, c5r, kernel: 1, g), BasicConv2d(c5r, c5, kernel: 3, padding: 1, g))
            branch4 = Sequential(MaxPool2d(3, stride: 1, padding: 1, ceilMode: true), BasicConv2d(i, pool, kernel: 1, g))
        }

        public override func forward(_ x: Tensor) -> Tensor {
            concat([branch1(x), branch2(x), branch3(x), branch4(x)], axis: 1)
        }
    }

    /// An auxiliary classifier: 4×4 average pooling, 1×1 convolution to 128, 1024 units, dropout 0.7.
    public final class InceptionAux: Module {
        public let pool = AdaptiveAvgPool2d(4)
        public let conv: BasicConv2d
        public let fc1: Linear
        public internal(set) var fc2: Linear
        public let dropout: Dropout

        init(_ i: Int, _ classes: Int, _ g: RandomGenerator) {
            conv = BasicConv2d(i, 128, kernel: 1, g)
            fc1 = Linear(2048, 1024, weightInitializer: googLeNetInit, generator: g)
            fc2 = Linear(1024, classes, weightInitializer: googLeNetInit, generator: g)
            dropout = Dropout(p: 0.7, generator: g)
        }

        public override func forward(_ x: Tensor) -> Tensor {
            fc2(dropout(relu(fc1(conv(pool(x)).flatten(startAxis: 1)))))
        }
    }
}

/// torchvision's GoogLeNet weight initialisation.
private let googLeNetInit = Initializer.truncatedNormal(std: 0.01, a: -2, b: 2)
