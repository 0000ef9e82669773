import Apus

/// The model zoo by name, as `torchvision.models.get_model`: `lenet5`, `alexnet`, `vgg11` …
/// `vgg19`, `vgg11_bn` … `vgg19_bn`, `googlenet`, `resnet18` … `resnet152`, and the segmentation
/// models `fcn_resnet50`, `fcn_resnet101`, `deeplabv3_resnet50`, `deeplabv3_resnet101`, `unet`.
public enum VisionModels {
    /// Every model name, in a stable order: the classifiers, then ``segmentationNames``.
    public static let names: [String] = ["lenet5", "alexnet"]
        + VGG.Depth.allCases.flatMap { ["vgg\($0.rawValue)", "vgg\($0.rawValue)_bn"] }
        + ["googlenet"] + ResNet.Depth.allCases.map { "resnet\($0.rawValue)" } + segmentationNames

    /// The models that score every pixel (`SegmentationModel`: logits `[N, classes, H, W]`).
    public static let segmentationNames = ["fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101", "unet"]

    /// The number of classes a model is built for when none is given: 10 for LeNet-5 (MNIST),
    /// 21 for FCN and DeepLabV3 (Pascal VOC, as torchvision's weights), 2 for U-Net
    /// (foreground and background), 1000 (ImageNet) for the other classifiers.
    public static func defaultClasses(for name: String) -> Int {
        switch name {
        case "lenet5": 10
        case "unet": 2
        case _ where segmentationNames.contains(name): 21
        default: 1000
        }
    }

    /// A freshly initialised model; throws for an unknown name, listing the known ones. `classes`
    /// nil: the model's ``defaultClasses(for:)``.
    ///
    /// With `forPretrainedWeights`, the model is built as torchvision builds it for its pretrained
    /// weights: GoogLeNet then maps ImageNet-normalised inputs to the range its weights were
    /// trained on (`transform_input`, ``GoogLeNet/transformInput``); the other models are the same.
    public static func make(_ name: String, classes: Int? = nil, inputChannels: Int = 3,
                            forPretrainedWeights: Bool = false, generator: RandomGenerator = .default) throws -> Module {
        let classes = classes ?? defaultClasses(for: name)
        guard classes > 0, inputChannels > 0 else {
            throw ApusError.invalidArgument("classes and input channels must be positive, got \(classes) and \(inputChannels)")
        }
        // The widest classifier input in the zoo is 4096 features (AlexNet, VGG), the widest first
        // convolution 64 filters of 11×11: check both layers' float32 weights before building.
        for (what, bytes) in [("a classifier of \(classes) classes", CheckedSize.product([4096, classes, 4])),
                              ("a first layer over \(inputChannels) input channels", CheckedSize.product([64, inputChannels, 11, 11, 4]))]
            where !MemoryLimit.allows(bytes) {
            throw ApusError.invalidArgument("\(what) needs up to \(MemoryLimit.describe(bytes)) of weights, "
                                            + "more than \(MemoryLimit.limitDescription)")
        }
        switch name {
        case "lenet5": return LeNet5(classes: classes, inputChannels: inputChannels, generator: generator)
        case "alexnet": return AlexNet(classes: classes, inputChannels: inputChannels, generator: generator)
        case "googlenet":
            if forPretrainedWeights && inputChannels != 3 {
                throw ApusError.invalidArgument("googlenet: torchvision's pretrained weights take 3 input channels, got \(inputChannels)")
            }
            return GoogLeNet(classes: classes, inputChannels: inputChannels, transformInput: forPretrainedWeights, generator: generator)
        case "unet": return UNet(inputChannels: inputChannels, classes: classes, generator: generator)
        case "fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101":
            guard inputChannels == 3 else {
                throw ApusError.invalidArgument("\(name) takes 3 input channels (torchvision's ResNet backbone), got \(inputChannels)")
            }
            let depth: ResNet.Depth = name.hasSuffix("101") ? .resnet101 : .resnet50
            return name.hasPrefix("fcn") ? FCN(depth, classes: classes, generator: generator)
                : DeepLabV3(depth, classes: classes, generator: generator)
        default: break
        }
        if name.hasPrefix("vgg") {
            let bn = name.hasSuffix("_bn")
            if let depth = Int(name.dropFirst(3).prefix { $0.isNumber }).flatMap(VGG.Depth.init(rawValue:)),
               name == "vgg\(depth.rawValue)" + (bn ? "_bn" : "") {
                return VGG(depth, batchNorm: bn, classes: classes, inputChannels: inputChannels, generator: generator)
            }
        }
        if name.hasPrefix("resnet"), let depth = Int(name.dropFirst(6)).flatMap(ResNet.Depth.init(rawValue:)) {
            return ResNet(depth, classes: classes, inputChannels: inputChannels, generator: generator)
        }
        throw ApusError.invalidArgument("unknown model '\(name)'; available: \(names.joined(separator: ", "))")
    }
}

extension VisionModels {
    /// The input a model is usually shown with: one 28×28 grey image for LeNet-5, one 128×128
    /// colour image for U-Net, one 224×224 colour image for the ImageNet models, FCN and DeepLabV3.
    public static func defaultInputShape(for name: String) -> String {
        switch name {
        case "lenet5": "1x1x28x28"
        case "unet": "1x3x128x128"
        default: "1x3x224x224"
        }
    }

    /// Parses `N×C×H×W` written with `x` (`1x3x224x224`).
    public static func parseInputShape(_ text: String) throws -> [Int] {
        let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.count == 4, let shape = parts as? [Int], shape.allSatisfy({ $0 > 0 }) else {
            throw ApusError.invalidArgument("--input must be four positive sizes N×C×H×W such as 1x3x224x224, got '\(text)'")
        }
        // The summary runs a forward pass on zeros of this shape; the zoo's widest layers and their
        // unfolded (im2col) inputs hold up to about 64 times the input's float32 bytes.
        let bytes = CheckedSize.product(shape + [MemoryLayout<Float>.size, 64])
        guard MemoryLimit.allows(bytes) else {
            throw ApusError.invalidArgument("--input \(text): a forward pass on an input of this shape needs about "
                                            + "\(MemoryLimit.describe(bytes)) (64 times the input's float32 size), "
                                            + "more than \(MemoryLimit.limitDescription)")
        }
        return shape
    }

    /// Throws when `shape` is too small for the model's strided layers (or, for LeNet-5, not 28×28).
    public static func checkInput(_ shape: [Int], for name: String) throws {
        guard shape.count == 4 else {
            throw ApusError.invalidArgument("\(name) takes images [N, C, H, W]; got examples of shape \(Array(shape.dropFirst()))"
                                            + " (choose an image dataset, e.g. --dataset fashion-mnist)")
        }
        let (h, w) = (shape[2], shape[3])
        if name == "lenet5" {
            guard h == 28 && w == 28 else {
                throw ApusError.invalidArgument("lenet5 takes 28×28 images (its classifier expects 16×5×5 features), got \(h)×\(w)")
            }
            return
        }
        // U-Net's four poolings need 16 pixels for its deepest level to see one.
        let minimum = name == "alexnet" ? 63 : name == "unet" ? 16 : 32
        guard h >= minimum && w >= minimum else {
            throw ApusError.invalidArgument("\(name) needs inputs of at least \(minimum)×\(minimum), got \(h)×\(w)")
        }
    }
}
