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
    /// 7×7 stride-2 convolution to 64 channels: `[N, 3, 224, 224]` → `[N, 64, 112, 112]`.
    public let conv1: BasicConv2d
    /// 3×3 stride-2 max-pool (ceil mode): 112 → 56 pixels.
    public let maxpool1 = MaxPool2d(3, stride: 2, ceilMode: true)
    /// 1×1 convolution, 64 → 64 channels.
    public let conv2: BasicConv2d
    /// 3×3 convolution, 64 → 192 channels at 56×56.
    public let conv3: BasicConv2d
    /// 3×3 stride-2 max-pool: 56 → 28 pixels.
    public let maxpool2 = MaxPool2d(3, stride: 2, ceilMode: true)
    /// Inception module at 28×28: 192 → 256 channels (64 + 128 + 32 + 32).
    public let inception3a: Inception
    /// Inception module at 28×28: 256 → 480 channels.
    public let inception3b: Inception
    /// 3×3 stride-2 max-pool: 28 → 14 pixels.
    public let maxpool3 = MaxPool2d(3, stride: 2, ceilMode: true)
    /// Inception module at 14×14: 480 → 512 channels; ``aux1`` reads its output.
    public let inception4a: Inception
    /// Inception module at 14×14: 512 → 512 channels.
    public let inception4b: Inception
    /// Inception module at 14×14: 512 → 512 channels.
    public let inception4c: Inception
    /// Inception module at 14×14: 512 → 528 channels; ``aux2`` reads its output.
    public let inception4d: Inception
    /// Inception module at 14×14: 528 → 832 channels.
    public let inception4e: Inception
    /// 2×2 stride-2 max-pool: 14 → 7 pixels.
    public let maxpool4 = MaxPool2d(2, stride: 2, ceilMode: true)
    /// Inception module at 7×7: 832 → 832 channels.
    public let inception5a: Inception
    /// Inception module at 7×7: 832 → 1024 channels.
    public let inception5b: Inception
    /// The auxiliary classifier after `inception4a` (512 channels in); nil when built without auxiliary classifiers.
    public let aux1: InceptionAux?
    /// The auxiliary classifier after `inception4d` (528 channels in); nil when built without auxiliary classifiers.
    public let aux2: InceptionAux?
    /// Global average pooling: `[N, 1024, 7, 7]` → `[N, 1024, 1, 1]`.
    public let avgpool = AdaptiveAvgPool2d(1)
    /// Dropout with p = 0.2 before ``fc``.
    public let dropout: Dropout
    /// The head: 1024 → `classes` logits.
    public internal(set) var fc: Linear
    /// Whether ``outputs(_:)`` first maps ImageNet-normalised inputs `(p − mean)/std` to
    /// `(p − 0.5)/0.5`, as torchvision's `transform_input`: its pretrained GoogLeNet weights
    /// expect it (`googlenet(weights=...)` turns it on), random initialisation does not.
    public let transformInput: Bool

    /// GoogLeNet for `classes` classes and images of `inputChannels` channels (224×224 as in the paper).
    ///
    /// - Parameters:
    ///   - classes: outputs of ``fc`` and of the auxiliary classifiers (1000: ImageNet).
    ///   - inputChannels: channels of the input images (3: RGB).
    ///   - auxiliaryClassifiers: whether to build ``aux1`` and ``aux2`` (torchvision's `aux_logits`).
    ///   - transformInput: map ImageNet-normalised inputs to torchvision's `transform_input` range first
    ///     (its pretrained weights expect it; 3 channels only).
    ///   - generator: the random numbers for the weights (truncated normal, σ = 0.01) and the dropout masks.
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
        /// The convolution (no bias: the batch norm's shift replaces it).
        public let conv: Conv2d
        /// Batch norm over the convolution's channels, ε = 0.001.
        public let bn: BatchNorm2d

        init(_ i: Int, _ o: Int, kernel: Int, stride: Int = 1, padding: Int = 0, _ generator: RandomGenerator) {
            conv = Conv2d(i, o, kernelSize: IntPair(kernel), stride: IntPair(stride), padding: .explicit(IntPair(padding)), bias: false,
                          weightInitializer: googLeNetInit, generator: generator)
            bn = BatchNorm2d(o, eps: 0.001)
        }

        /// `relu(bn(conv(x)))`.
        public override func forward(_ x: Tensor) -> Tensor { relu(bn(conv(x))) }
    }

    /// Four parallel branches concatenated along channels: 1×1; 1×1 → 3×3; 1×1 → "5×5" (3×3 in
    /// torchvision); 3×3 max-pool → 1×1.
    public final class Inception: Module {
        /// 1×1 convolution.
        public let branch1: BasicConv2d
        /// 1×1 reduction, then 3×3 convolution.
        public let branch2: Sequential
        /// 1×1 reduction, then the "5×5" branch's 3×3 convolution (torchvision's kernel).
        public let branch3: Sequential
        /// 3×3 stride-1 max-pool, then 1×1 projection.
        public let branch4: Sequential

        init(_ i: Int, _ c1: Int, _ c3r: Int, _ c3: Int, _ c5r: Int, _ c5: Int, _ pool: Int, _ g: RandomGenerator) {
            branch1 = BasicConv2d(i, c1, kernel: 1, g)
            branch2 = Sequential(BasicConv2d(i, c3r, kernel: 1, g), BasicConv2d(c3r, c3, kernel: 3, padding: 1, g))
            branch3 = Sequential(BasicConv2d(i, c5r, kernel: 1, g), BasicConv2d(c5r, c5, kernel: 3, padding: 1, g))
            branch4 = Sequential(MaxPool2d(3, stride: 1, padding: 1, ceilMode: true), BasicConv2d(i, pool, kernel: 1, g))
        }

        /// The four branches' outputs concatenated along the channels; height and width are kept.
        public override func forward(_ x: Tensor) -> Tensor {
            concat([branch1(x), branch2(x), branch3(x), branch4(x)], axis: 1)
        }
    }

    /// An auxiliary classifier: 4×4 average pooling, 1×1 convolution to 128, 1024 units, dropout 0.7.
    public final class InceptionAux: Module {
        /// Adaptive average pooling to 4×4 (14×14 inputs: 5×5 windows, stride 3 in the paper).
        public let pool = AdaptiveAvgPool2d(4)
        /// 1×1 convolution to 128 channels: `[N, 128, 4, 4]`, flattened to 2048.
        public let conv: BasicConv2d
        /// 2048 → 1024 units, followed by a ReLU.
        public let fc1: Linear
        /// The auxiliary head: 1024 → `classes` logits.
        public internal(set) var fc2: Linear
        /// Dropout with p = 0.7 between ``fc1`` and ``fc2``.
        public let dropout: Dropout

        init(_ i: Int, _ classes: Int, _ g: RandomGenerator) {
            conv = BasicConv2d(i, 128, kernel: 1, g)
            fc1 = Linear(2048, 1024, weightInitializer: googLeNetInit, generator: g)
            fc2 = Linear(1024, classes, weightInitializer: googLeNetInit, generator: g)
            dropout = Dropout(p: 0.7, generator: g)
        }

        /// Auxiliary logits `[N, classes]` from the 14×14 feature maps of `inception4a` or `inception4d`.
        public override func forward(_ x: Tensor) -> Tensor {
            fc2(dropout(relu(fc1(conv(pool(x)).flatten(startAxis: 1)))))
        }
    }
}

/// torchvision's GoogLeNet weight initialisation.
private let googLeNetInit = Initializer.truncatedNormal(std: 0.01, a: -2, b: 2)
