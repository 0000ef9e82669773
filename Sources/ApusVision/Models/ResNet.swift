import Apus

/// ResNet (He et al., 2016) with torchvision's structure and names: `conv1` 7×7/2, `bn1`,
/// 3×3/2 max-pool, four stages `layer1`…`layer4` of residual blocks (the first block of stages 2–4
/// halves the resolution, with a 1×1 convolution + batch norm `downsample` on the shortcut),
/// global average pooling and `fc`. Convolutions start He-normal (fan-out), batch norms at 1 and 0.
public final class ResNet: Module {
    /// The five depths of the paper and their block counts per stage.
    public enum Depth: Int, Sendable, CaseIterable {
        case resnet18 = 18, resnet34 = 34, resnet50 = 50, resnet101 = 101, resnet152 = 152

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

    public let conv1: Conv2d
    public let bn1: BatchNorm2d
    public let relu = ReLU()
    public let maxpool = MaxPool2d(3, stride: 2, padding: 1)
    public let layer1: Sequential
    public let layer2: Sequential
    public let layer3: Sequential
    public let layer4: Sequential
    public let avgpool = AdaptiveAvgPool2d(1)
    public internal(set) var fc: Linear

    public init(_ depth: Depth, classes: Int = 1000, inputChannels: Int = 3, generator: RandomGenerator = .default) {
        conv1 = resNetConv(inputChannels, 64, kernel: 7, stride: 2, generator)
        bn1 = BatchNorm2d(64)
        let expansion = depth.bottleneck ? 4 : 1
        var inChannels = 64
        func stage(_ width: Int, _ count: Int, stride: Int) -> Sequential {
            var blocks: [Module] = []
            for i in 0..<count {
                let s = i == 0 ? stride : 1
                blocks.append(depth.bottleneck
                    ? Bottleneck(inChannels, width, stride: s, generator: generator)
                    : BasicBlock(inChannels, width, stride: s, generator: generator))
                inChannels = width * expansion
            }
            return Sequential(blocks)
        }
        layer1 = stage(64, depth.blocks[0], stride: 1)
        layer2 = stage(128, depth.blocks[1], stride: 2)
        layer3 = stage(256, depth.blocks[2], stride: 2)
        layer4 = stage(512, depth.blocks[3], stride: 2)
        fc = Linear(512 * expansion, classes, generator: generator)
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let stem = maxpool(relu(bn1(conv1(x))))
        let features = layer4(layer3(layer2(layer1(stem))))
        return fc(avgpool(features).flatten(startAxis: 1))
    }

    /// Two 3×3 convolutions with batch norm, added to the (projected) input.
    public final class BasicBlock: Module {
        public let conv1: Conv2d
        public let bn1: BatchNorm2d
        public let relu = ReLU()
        public let conv2: Conv2d
        public let bn2: BatchNorm2d
        public let downsample: Sequential?

        init(_ inChannels: Int, _ width: Int, stride: Int, generator: RandomGenerator) {
            conv1 = resNetConv(inChannels, width, kernel: 3, stride: stride, generator)
            bn1 = BatchNorm2d(width)
            conv2 = resNetConv(width, width, kernel: 3, stride: 1, generator)
            bn2 = BatchNorm2d(width)
            downsample = stride != 1 || inChannels != width
                ? Sequential(resNetConv(inChannels, width, kernel: 1, stride: stride, generator), BatchNorm2d(width)) : nil
        }

        public override func forward(_ x: Tensor) -> Tensor {
            let out = bn2(conv2(relu(bn1(conv1(x)))))
            return relu(out + (downsample?(x) ?? x))
        }
    }

    /// 1×1 reduction, 3×3 (with the stride, as torchvision's "ResNet v1.5"), 1×1 expansion ×4,
    /// each with batch norm, added to the (projected) input.
    public final class Bottleneck: Module {
        public let conv1: Conv2d
        public let bn1: BatchNorm2d
        public let conv2: Conv2d
        public let bn2: BatchNorm2d
        public let conv3: Conv2d
        public let bn3: BatchNorm2d
        public let relu = ReLU()
        public let downsample: Sequential?

        init(_ inChannels: Int, _ width: Int, stride: Int, generator: RandomGenerator) {
            conv1 = resNetConv(inChannels, width, kernel: 1, stride: 1, generator)
            bn1 = BatchNorm2d(width)
            conv2 = resNetConv(width, width, kernel: 3, stride: stride, generator)
            bn2 = BatchNorm2d(width)
            conv3 = resNetConv(width, width * 4, kernel: 1, stride: 1, generator)
            bn3 = BatchNorm2d(width * 4)
            downsample = stride != 1 || inChannels != width * 4
                ? Sequential(resNetConv(inChannels, width * 4, kernel: 1, stride: stride, generator), BatchNorm2d(width * 4)) : nil
        }

        public override func forward(_ x: Tensor) -> Tensor {
            let out = bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x))))))))
            return relu(out + (downsample?(x) ?? x))
        }
    }
}

/// A bias-free convolution with "same"-style padding for odd kernels and He-normal (fan-out) weights.
private func resNetConv(_ i: Int, _ o: Int, kernel: Int, stride: Int, _ generator: RandomGenerator) -> Conv2d {
    Conv2d(i, o, kernelSize: IntPair(kernel), stride: IntPair(stride), padding: .explicit(IntPair(kernel / 2)), bias: false,
           weightInitializer: .kaimingNormal(mode: .fanOut, nonlinearity: .relu), generator: generator)
}
