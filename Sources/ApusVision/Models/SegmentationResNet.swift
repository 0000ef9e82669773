import Apus

/// The body of torchvision's FCN and DeepLabV3: a dilated ResNet up to `layer4`, without the
/// pooling and `fc` (torchvision's `IntermediateLayerGetter` over `resnet50`/`resnet101` built with
/// `replace_stride_with_dilation=[False, True, True]`). Its state-dict names are the ResNet's
/// (`conv1.weight`, `layer4.2.bn3.running_var`, …), so a model holding it as `backbone` loads
/// torchvision's `backbone.…` keys.
///
/// Stages 3 and 4 keep stride 1, so both feature maps are at 1/8 of the input's size
/// (`⌈⌈⌈H/2⌉/2⌉/2⌉`): `[N, 1024, H/8, W/8]` after `layer3`, `[N, 2048, H/8, W/8]` after `layer4`.
public final class ResNetBackbone: Module {
    /// The stem's 7×7 stride-2 convolution.
    public let conv1: Conv2d
    /// Batch norm after ``conv1``.
    public let bn1: BatchNorm2d
    /// The stem's ReLU.
    public let relu: ReLU
    /// The stem's 3×3 stride-2 max-pool.
    public let maxpool: MaxPool2d
    /// Stage 1, at 1/4 of the input's size, 256 channels.
    public let layer1: Sequential
    /// Stage 2, at 1/8, 512 channels.
    public let layer2: Sequential
    /// Stage 3, dilation 2, at 1/8, 1024 channels: the auxiliary head's input.
    public let layer3: Sequential
    /// Stage 4, dilation 4 (2 in its first block), at 1/8, 2048 channels: the main head's input.
    public let layer4: Sequential

    /// The layers of `resnet` up to `layer4` (shared, not copied); its `avgpool` and `fc` are left out.
    public init(_ resnet: ResNet) {
        (conv1, bn1, relu, maxpool) = (resnet.conv1, resnet.bn1, resnet.relu, resnet.maxpool)
        (layer1, layer2, layer3, layer4) = (resnet.layer1, resnet.layer2, resnet.layer3, resnet.layer4)
    }

    /// The outputs of `layer3` and `layer4` (torchvision's `{"aux": …, "out": …}`).
    public func features(_ x: Tensor) -> (layer3: Tensor, layer4: Tensor) {
        let f3 = layer3(layer2(layer1(maxpool(relu(bn1(conv1(x)))))))
        return (f3, layer4(f3))
    }

    /// The output of `layer4`, `[N, 2048, H/8, W/8]` for a dilated ResNet-50/101.
    public override func forward(_ x: Tensor) -> Tensor { features(x).layer4 }
}

/// torchvision's `FCNHead` (also the auxiliary classifier of FCN and DeepLabV3): a 3×3
/// convolution to a quarter of the channels (no bias), batch norm, ReLU, dropout 0.1, and the
/// 1×1 convolution to `classes` logits, as a `Sequential` named `0` … `4`.
/// `[N, inChannels, h, w]` → `[N, classes, h, w]`.
public func fcnHead(_ inChannels: Int, classes: Int, generator: RandomGenerator = .default) -> Sequential {
    let inter = inChannels / 4
    return Sequential(Conv2d(inChannels, inter, kernelSize: 3, padding: 1, bias: false, generator: generator), BatchNorm2d(inter),
                      ReLU(), Dropout(p: 0.1, generator: generator), Conv2d(inter, classes, kernelSize: 1, generator: generator))
}

/// torchvision's `DeepLabHead`: ``ASPP`` (atrous rates 12, 24, 36 → 256 channels), a 3×3
/// convolution 256 → 256 (no bias), batch norm, ReLU and the 1×1 convolution to `classes`
/// logits, as a `Sequential` named `0` … `4`. `[N, inChannels, h, w]` → `[N, classes, h, w]`.
public func deepLabHead(_ inChannels: Int, classes: Int, atrousRates: [Int] = [12, 24, 36],
                        generator: RandomGenerator = .default) -> Sequential {
    Sequential(ASPP(inChannels, atrousRates: atrousRates, generator: generator),
               Conv2d(256, 256, kernelSize: 3, padding: 1, bias: false, generator: generator), BatchNorm2d(256), ReLU(),
               Conv2d(256, classes, kernelSize: 1, generator: generator))
}

/// Atrous spatial pyramid pooling (Chen et al., 2017), as torchvision's `ASPP`: parallel branches
/// over the same features, concatenated and projected to `outChannels`.
///
/// Branches (`convs.0` … `convs.4` for three rates): a 1×1 convolution; one 3×3 convolution per
/// atrous rate `r` (dilation `r`, padding `r`); and image pooling (global average, 1×1
/// convolution, then bilinear upsampling back to the features' size), each with batch norm and
/// ReLU and `outChannels` channels, convolutions without bias. `project`: 1×1 convolution from the
/// concatenation to `outChannels`, batch norm, ReLU, dropout 0.5.
/// `[N, inChannels, h, w]` → `[N, outChannels, h, w]`.
public final class ASPP: Module {
    /// The branches, torchvision's `convs`: 1×1, one dilated 3×3 per rate, and ``ASPPPooling`` last.
    public let convs: [Module]
    /// 1×1 convolution of the concatenated branches to `outChannels`, batch norm, ReLU, dropout 0.5.
    public let project: Sequential

    /// ASPP over `inChannels` channels with the given atrous rates and `outChannels` (256) per branch.
    public init(_ inChannels: Int, atrousRates: [Int], outChannels: Int = 256, generator: RandomGenerator = .default) {
        require(atrousRates.allSatisfy { $0 > 0 }, "ASPP: atrous rates must be positive, got \(atrousRates)")
        func branch(kernel: Int, rate: Int) -> Sequential {
            Sequential(Conv2d(inChannels, outChannels, kernelSize: IntPair(kernel), padding: .explicit(IntPair(rate * (kernel / 2))),
                              dilation: IntPair(rate), bias: false, generator: generator),
                       BatchNorm2d(outChannels), ReLU())
        }
        convs = [branch(kernel: 1, rate: 1)] + atrousRates.map { branch(kernel: 3, rate: $0) }
            + [ASPPPooling(inChannels, outChannels, generator: generator)]
        project = Sequential(Conv2d(convs.count * outChannels, outChannels, kernelSize: 1, bias: false, generator: generator),
                             BatchNorm2d(outChannels), ReLU(), Dropout(p: 0.5, generator: generator))
    }

    /// Every branch on `x`, concatenated along the channels, then ``project``.
    public override func forward(_ x: Tensor) -> Tensor {
        project(concat(convs.map { $0(x) }, axis: 1))
    }
}

/// ASPP's image-pooling branch, as torchvision's `ASPPPooling`: global average pooling, 1×1
/// convolution (no bias), batch norm, ReLU (children `0` … `3`), then bilinear upsampling
/// (`align_corners=False`) of the `[N, C, 1, 1]` result back to the input's size.
///
/// Its batch norm sees one value per channel per image, so in training mode it needs a batch of
/// at least two images (pytorch/vision#2151): with one it stops with a message saying so, where
/// PyTorch raises "Expected more than 1 value per channel when training". Train with batches of
/// 2 or more (drop a last batch of one), or put the model in evaluation mode or freeze its batch
/// norms (`freeze()`), which then use their running statistics.
public final class ASPPPooling: Module {
    /// The global average pooling, `0`.
    public let pool = AdaptiveAvgPool2d(1)
    /// The 1×1 convolution, `1`.
    public let conv: Conv2d
    /// Batch norm, `2`.
    public let bn: BatchNorm2d
    /// ReLU, `3`.
    public let relu = ReLU()

    /// The branch from `inChannels` to `outChannels`.
    public init(_ inChannels: Int, _ outChannels: Int, generator: RandomGenerator = .default) {
        conv = Conv2d(inChannels, outChannels, kernelSize: 1, bias: false, generator: generator)
        bn = BatchNorm2d(outChannels)
    }

    /// torchvision's names: `0` (pool), `1` (conv), `2` (batch norm), `3` (ReLU).
    public override var namedChildren: [(name: String, module: Module)] {
        [("0", pool), ("1", conv), ("2", bn), ("3", relu)]
    }

    /// `[N, C, h, w]` → `[N, outChannels, h, w]`, constant over each image.
    public override func forward(_ x: Tensor) -> Tensor {
        require(x.rank == 4, "ASPPPooling: expected features [N, C, h, w], got shape \(x.shape)")
        require(x.shape[0] > 1 || !bn.training || bn.isFrozen,
                "DeepLabV3: the ASPP image-pooling branch's batch norm sees one value per channel per image, so training "
                + "needs a batch of at least 2 images, got features of shape \(x.shape) (pytorch/vision#2151). Use a batch "
                + "size of 2 or more and drop a last batch of one image, or call eval() or freeze() the batch norms to use "
                + "their running statistics")
        let pooled = relu(bn(conv(pool(x))))
        return interpolate(pooled, size: [x.shape[2], x.shape[3]], mode: .bilinear, alignCorners: false)
    }
}

/// The common structure of torchvision's FCN and DeepLabV3 (`_SimpleSegmentationModel`): a
/// ``ResNetBackbone`` (`backbone`), a head on `layer4` (`classifier`) and, optionally, an
/// auxiliary FCN head on `layer3` (`aux_classifier`); both heads' logits are resized bilinearly
/// (`align_corners=False`) to the input's size.
///
/// `model(x)` gives the main logits `[N, classes, H, W]`; ``segmentationOutputs(_:)`` gives the
/// auxiliary ones too, for training (`segmentationLoss(_:masks:ignoreIndex:)`).
/// Each head ends with a 1×1 convolution (`classifier.4`, `aux_classifier.4`), which
/// ``replaceHead(classes:generator:)`` replaces for fine-tuning.
public class ResNetSegmentationModel: Module, SegmentationModel, HasClassifierHead {
    /// The dilated ResNet (output stride 8).
    public let backbone: ResNetBackbone
    /// The main head on `layer4`'s 2048 channels; its last layer (`classifier.4`) is a 1×1 convolution to the classes.
    public let classifier: Sequential
    /// The auxiliary ``fcnHead(_:classes:generator:)`` on `layer3`'s 1024 channels (torchvision's
    /// `aux_classifier`), nil when built without it.
    public let auxClassifier: Sequential?

    /// Builds the backbone, then the head (`classifier(2048)`), then the auxiliary head: the order torchvision draws them in.
    init(_ name: String, _ depth: ResNet.Depth, classes: Int, auxClassifier: Bool, generator: RandomGenerator,
         classifier: (_ inChannels: Int) -> Sequential) {
        require(depth == .resnet50 || depth == .resnet101,
                "\(name): torchvision builds it on resnet50 or resnet101, got resnet\(depth.rawValue)")
        require(classes > 0, "\(name): classes must be positive, got \(classes)")
        backbone = ResNetBackbone(ResNet(depth, classes: 1, replaceStrideWithDilation: [false, true, true], generator: generator))
        self.classifier = classifier(2048)
        self.auxClassifier = auxClassifier ? fcnHead(1024, classes: classes, generator: generator) : nil
    }

    /// torchvision's names: `backbone`, `classifier`, `aux_classifier`.
    public override var namedChildren: [(name: String, module: Module)] {
        [("backbone", backbone as Module), ("classifier", classifier)] + (auxClassifier.map { [("aux_classifier", $0)] } ?? [])
    }

    /// The main logits `[N, classes, H, W]` for images `[N, 3, H, W]` (torchvision's `model(x)["out"]`).
    public override func forward(_ x: Tensor) -> Tensor {
        require(x.rank == 4 && x.shape[1] == 3, "\(type(of: self)): expected images [N, 3, H, W], got shape \(x.shape)")
        return upsample(classifier(backbone(x)), like: x)
    }

    /// The main and (when there is an auxiliary classifier) auxiliary logits, `[N, classes, H, W]` each.
    public func segmentationOutputs(_ x: Tensor) -> (out: Tensor, aux: Tensor?) {
        require(x.rank == 4 && x.shape[1] == 3, "\(type(of: self)): expected images [N, 3, H, W], got shape \(x.shape)")
        let features = backbone.features(x)
        let out = upsample(classifier(features.layer4), like: x)
        return (out, auxClassifier.map { upsample($0(features.layer3), like: x) })
    }

    private func upsample(_ logits: Tensor, like x: Tensor) -> Tensor {
        interpolate(logits, size: [x.shape[2], x.shape[3]], mode: .bilinear, alignCorners: false)
    }

    /// `classifier.4`, then `aux_classifier.4` when there is one.
    public var classifierHeads: [Conv2d] { ([classifier] + (auxClassifier.map { [$0] } ?? [])).map(lastConv) }

    /// Replaces `classifier.4` and `aux_classifier.4` by 1×1 convolutions to `classes` channels, in that order.
    public func replaceHead(classes: Int, generator: RandomGenerator) {
        for head in [classifier] + (auxClassifier.map { [$0] } ?? []) {
            head[head.layers.count - 1] = newHead(like: lastConv(head), classes: classes, generator: generator)
        }
    }

    private func lastConv(_ head: Sequential) -> Conv2d {
        guard let conv = head.layers.last as? Conv2d else {
            fatalError("\(type(of: self)): the head's last layer is \(type(of: head.layers.last!)), not Conv2d")
        }
        return conv
    }
}

/// Fully convolutional network (Long et al., 2015) as torchvision's `fcn_resnet50` and
/// `fcn_resnet101`: a dilated ResNet (``ResNetBackbone``), ``fcnHead(_:classes:generator:)`` on
/// its 2048 channels and the auxiliary FCN head on `layer3`. Images `[N, 3, H, W]` → logits
/// `[N, classes, H, W]`. 35,322,218 parameters (ResNet-50, 21 classes, with the auxiliary head),
/// 54,314,346 (ResNet-101); state-dict names as torchvision's, so its files load strictly.
public final class FCN: ResNetSegmentationModel {
    /// An FCN on ResNet-50 or ResNet-101 for `classes` classes (21: Pascal VOC's 20 and background).
    ///
    /// - Parameters:
    ///   - depth: `.resnet50` or `.resnet101`.
    ///   - classes: output channels of both heads.
    ///   - auxClassifier: whether to build the auxiliary head (torchvision's `aux_loss`); torchvision's
    ///     pretrained files have it.
    ///   - generator: the random numbers, backbone first (ResNet's He-normal initialisation), then the heads (PyTorch's defaults).
    public init(_ depth: ResNet.Depth = .resnet50, classes: Int = 21, auxClassifier: Bool = true, generator: RandomGenerator = .default) {
        super.init("FCN", depth, classes: classes, auxClassifier: auxClassifier, generator: generator) {
            fcnHead($0, classes: classes, generator: generator)
        }
    }
}

/// DeepLabV3 (Chen et al., 2017) as torchvision's `deeplabv3_resnet50` and `deeplabv3_resnet101`:
/// a dilated ResNet (``ResNetBackbone``), ``deepLabHead(_:classes:atrousRates:generator:)`` (``ASPP``
/// with rates 12, 24, 36) on its 2048 channels and the auxiliary FCN head on `layer3`. Images
/// `[N, 3, H, W]` → logits `[N, classes, H, W]`. 42,004,074 parameters (ResNet-50, 21 classes,
/// with the auxiliary head), 60,996,202 (ResNet-101); state-dict names as torchvision's.
///
/// In training mode it needs batches of at least two images (see ``ASPPPooling``).
public final class DeepLabV3: ResNetSegmentationModel {
    /// A DeepLabV3 on ResNet-50 or ResNet-101 for `classes` classes (21: Pascal VOC's 20 and background).
    ///
    /// - Parameters:
    ///   - depth: `.resnet50` or `.resnet101`.
    ///   - classes: output channels of both heads.
    ///   - auxClassifier: whether to build the auxiliary head (torchvision's `aux_loss`); torchvision's
    ///     pretrained files have it.
    ///   - generator: the random numbers, backbone first (ResNet's He-normal initialisation), then the heads (PyTorch's defaults).
    public init(_ depth: ResNet.Depth = .resnet50, classes: Int = 21, auxClassifier: Bool = true, generator: RandomGenerator = .default) {
        super.init("DeepLabV3", depth, classes: classes, auxClassifier: auxClassifier, generator: generator) {
            deepLabHead($0, classes: classes, generator: generator)
        }
    }
}
