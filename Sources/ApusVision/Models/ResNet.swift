import Apus

/// ResNet (He et al., 2016) with torchvision's structure and names: `conv1` 7×7/2, `bn1`,
/// 3×3/2 max-pool, four stages `layer1`…`layer4` of residual blocks (the first block of stages 2–4
/// halves the resolution, with a 1×1 convolution + batch norm `downsample` on the shortcut),
/// global average pooling and `fc`. Convolutions start He-normal (fan-out), batch norms at 1 and 0.
///
/// With `replaceStrideWithDilation` (torchvision's `replace_stride_with_dilation`) stages 2–4 can
/// keep their input's resolution and dilate their 3×3 convolutions instead of striding, the
/// "dilated ResNet" backbone of FCN and DeepLabV3: `[false, true, true]` gives features at 1/8 of
/// the input's size (output stride 8) rather than 1/32, with the same weights and parameter count.
public final class ResNet: Module {
    /// The five depths of the paper and their block counts per stage.
    public enum Depth: Int, Sendable, CaseIterable {
        /// 18 layers: basic blocks 2-2-2-2, 11.7 M parameters for 1000 classes.
        case resnet18 = 18
        /// 34 layers: basic blocks 3-4-6-3, 21.8 M parameters.
        case resnet34 = 34
        /// 50 layers: bottleneck blocks 3-4-6-3, 25.6 M parameters.
        case resnet50 = 50
        /// 101 layers: bottleneck blocks 3-4-23-3, 44.5 M parameters.
        case resnet101 = 101
        /// 152 layers: bottleneck blocks 3-8-36-3, 60.2 M parameters.
        case resnet152 = 152

        var blocks: [Int] {
            switch self {
            case .resnet18: [2, 2, 2, 2]
            case .resnet34, .resnet50: [3, 4, 6, 3]
            case .resnet101: [3, 4, 23, 3]
            case .resnet152: [3, 8, 36, 3]
            }
        }
        /// Basic blocks (two 3×3 convolutions) up to 34 layers, bottlenecks (1×1, 3×3, 1×1 with 4× expansion) beyond.
        var bottleneck: Bool { rawValue >= 50 }
    }

    /// The stem's 7×7 stride-2 convolution to 64 channels (no bias): `[N, 3, 224, 224]` → `[N, 64, 112, 112]`.
    public let conv1: Conv2d
    /// Batch norm after ``conv1``.
    public let bn1: BatchNorm2d
    /// The stem's ReLU.
    public let relu = ReLU()
    /// 3×3 stride-2 max-pool: 112 → 56 pixels.
    public let maxpool = MaxPool2d(3, stride: 2, padding: 1)
    /// Stage 1 at 56×56: 64 channels (256 for bottleneck depths).
    public let layer1: Sequential
    /// Stage 2, halving the resolution to 28×28: 128 channels (512 with bottlenecks).
    public let layer2: Sequential
    /// Stage 3 at 14×14: 256 channels (1024 with bottlenecks).
    public let layer3: Sequential
    /// Stage 4 at 7×7: 512 channels (2048 with bottlenecks).
    public let layer4: Sequential
    /// Global average pooling to `[N, C, 1, 1]`, so that the head fits inputs of any size, not only 224×224.
    public let avgpool = AdaptiveAvgPool2d(1)
    /// The head: 512 (2048 with bottlenecks) → `classes` logits.
    public internal(set) var fc: Linear

    /// A ResNet of the given depth for `classes` classes and images of `inputChannels` channels.
    ///
    /// - Parameters:
    ///   - depth: 18 or 34 layers (basic blocks), 50, 101 or 152 (bottlenecks).
    ///   - classes: outputs of ``fc`` (1000: ImageNet).
    ///   - inputChannels: channels of the input images (3: RGB).
    ///   - replaceStrideWithDilation: one flag per stage 2, 3, 4 (torchvision's
    ///     `replace_stride_with_dilation`): a replaced stage keeps stride 1 and multiplies the
    ///     dilation of its 3×3 convolutions by 2 (padding = dilation, so sizes are kept); its first
    ///     block uses the dilation before the stage, the others the new one, as torchvision's
    ///     `previous_dilation`. Bottleneck depths only (50, 101, 152), as in torchvision.
    ///   - generator: the random numbers for the convolutions' He-normal weights and ``fc``'s, layer by layer.
    public init(_ depth: Depth, classes: Int = 1000, inputChannels: Int = 3,
                replaceStrideWithDilation: [Bool] = [false, false, false], generator: RandomGenerator = .default) {
        require(replaceStrideWithDilation.count == 3,
                "ResNet: replaceStrideWithDilation needs 3 flags (stages 2, 3, 4), got \(replaceStrideWithDilation)")
        require(depth.bottleneck || !replaceStrideWithDilation.contains(true),
                "ResNet: dilation > 1 is not supported by the basic blocks of resnet\(depth.rawValue) (torchvision raises "
                + "NotImplementedError too); replaceStrideWithDilation needs resnet50, resnet101 or resnet152")
        self.replaceStrideWithDilation = replaceStrideWithDilation
        conv1 = resNetConv(inputChannels, 64, kernel: 7, stride: 2, generator)
        bn1 = BatchNorm2d(64)
        let expansion = depth.bottleneck ? 4 : 1
        var inChannels = 64
        var dilation = 1
        func stage(_ width: Int, _ count: Int, stride: Int, dilate: Bool = false) -> Sequential {
            let previousDilation = dilation
            var stride = stride
            if dilate { (dilation, stride) = (dilation * stride, 1) }
            var blocks: [Module] = []
            for i in 0..<count {
                let (s, d) = i == 0 ? (stride, previousDilation) : (1, dilation)
                blocks.append(depth.bottleneck
                    ? Bottleneck(inChannels, width, stride: s, dilation: d, generator: generator)
                    : BasicBlock(inChannels, width, stride: s, generator: generator))
                inChannels = width * expansion
            }
            return Sequential(blocks)
        }
        layer1 = stage(64, depth.blocks[0], stride: 1)
        layer2 = stage(128, depth.blocks[1], stride: 2, dilate: replaceStrideWithDilation[0])
        layer3 = stage(256, depth.blocks[2], stride: 2, dilate: replaceStrideWithDilation[1])
        layer4 = stage(512, depth.blocks[3], stride: 2, dilate: replaceStrideWithDilation[2])
        fc = Linear(512 * expansion, classes, generator: generator)
    }

    /// Which of stages 2, 3, 4 trade their stride for dilation (torchvision's `replace_stride_with_dilation`).
    public let replaceStrideWithDilation: [Bool]

    /// Class scores (logits) `[N, classes]` for images `[N, inputChannels, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        let stem = maxpool(relu(bn1(conv1(x))))
        let features = layer4(layer3(layer2(layer1(stem))))
        return fc(avgpool(features).flatten(startAxis: 1))
    }

    /// Two 3×3 convolutions with batch norm, added to the (projected) input.
    public final class BasicBlock: Module {
        /// The first 3×3 convolution, carrying the block's stride.
        public let conv1: Conv2d
        /// Batch norm after ``conv1``.
        public let bn1: BatchNorm2d
        /// The ReLU after ``bn1`` and after the addition.
        public let relu = ReLU()
        /// The second 3×3 convolution.
        public let conv2: Conv2d
        /// Batch norm after ``conv2``, before the addition.
        public let bn2: BatchNorm2d
        /// The shortcut's 1×1 convolution and batch norm when the block changes resolution or width; nil: identity.
        public let downsample: Sequential?

        init(_ inChannels: Int, _ width: Int, stride: Int, generator: RandomGenerator) {
            conv1 = resNetConv(inChannels, width, kernel: 3, stride: stride, generator)
            bn1 = BatchNorm2d(width)
            conv2 = resNetConv(width, width, kernel: 3, stride: 1, generator)
            bn2 = BatchNorm2d(width)
            downsample = stride != 1 || inChannels != width
                ? Sequential(resNetConv(inChannels, width, kernel: 1, stride: stride, generator), BatchNorm2d(width)) : nil
        }

        /// `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))`, the shortcut being ``downsample`` or the identity.
        public override func forward(_ x: Tensor) -> Tensor {
            let out = bn2(conv2(relu(bn1(conv1(x)))))
            return relu(out + (downsample?(x) ?? x))
        }
    }

    /// 1×1 reduction, 3×3 (with the stride, as torchvision's "ResNet v1.5", and the dilation of a
    /// dilated stage), 1×1 expansion ×4, each with batch norm, added to the (projected) input.
    public final class Bottleneck: Module {
        /// 1×1 convolution reducing the channels to the block's width.
        public let conv1: Conv2d
        /// Batch norm after ``conv1``.
        public let bn1: BatchNorm2d
        /// 3×3 convolution at the block's width, carrying its stride (and dilation, padding = dilation).
        public let conv2: Conv2d
        /// Batch norm after ``conv2``.
        public let bn2: BatchNorm2d
        /// 1×1 convolution expanding to 4 × the width.
        public let conv3: Conv2d
        /// Batch norm after ``conv3``, before the addition.
        public let bn3: BatchNorm2d
        /// The ReLU used after each of the first two batch norms and after the addition.
        public let relu = ReLU()
        /// The shortcut's 1×1 convolution and batch norm when the block changes resolution or width; nil: identity.
        public let downsample: Sequential?

        init(_ inChannels: Int, _ width: Int, stride: Int, dilation: Int, generator: RandomGenerator) {
            conv1 = resNetConv(inChannels, width, kernel: 1, stride: 1, generator)
            bn1 = BatchNorm2d(width)
            conv2 = resNetConv(width, width, kernel: 3, stride: stride, dilation: dilation, generator)
            bn2 = BatchNorm2d(width)
            conv3 = resNetConv(width, width * 4, kernel: 1, stride: 1, generator)
            bn3 = BatchNorm2d(width * 4)
            downsample = stride != 1 || inChannels != width * 4
                ? Sequential(resNetConv(inChannels, width * 4, kernel: 1, stride: stride, generator), BatchNorm2d(width * 4)) : nil
        }

        /// The three convolutions' output plus the shortcut (``downsample`` or the identity), through a ReLU.
        public override func forward(_ x: Tensor) -> Tensor {
            let out = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))
            return relu(out + (downsample?(x) ?? x))
        }
    }
}

/// A bias-free convolution with "same"-style padding for odd kernels (`dilation · ⌊k/2⌋`) and He-normal (fan-out) weights.
private func resNetConv(_ i: Int, _ o: Int, kernel: Int, stride: Int, dilation: Int = 1, _ generator: RandomGenerator) -> Conv2d {
    Conv2d(i, o, kernelSize: IntPair(kernel), stride: IntPair(stride), padding: .explicit(IntPair(dilation * (kernel / 2))),
           dilation: IntPair(dilation), bias: false,
           weightInitializer: .kaimingNormal(mode: .fanOut, nonlinearity: .relu), generator: generator)
}
