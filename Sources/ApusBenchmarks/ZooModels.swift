import Apus
import ApusVision

/// The zoo models the benchmarks build, by torchvision's names, and the loss torchvision's
/// reference scripts train each with.
enum ZooModels {
    static func make(_ name: String, generator: RandomGenerator) -> Module {
        switch name {
        case "lenet5": LeNet5(generator: generator)
        case "alexnet": AlexNet(generator: generator)
        case "vgg11": VGG(.vgg11, generator: generator)
        case "vgg11_bn": VGG(.vgg11, batchNorm: true, generator: generator)
        case "googlenet": GoogLeNet(generator: generator)
        case "resnet18": ResNet(.resnet18, generator: generator)
        case "resnet50": ResNet(.resnet50, generator: generator)
        default: fatalError("ZooModels: unknown model '\(name)'")
        }
    }

    /// Cross-entropy of the logits; for GoogLeNet in training, plus 0.3 × each auxiliary head's.
    static func trainingLoss(_ model: Module, _ x: Tensor, _ y: Tensor) -> Tensor {
        if let googLeNet = model as? GoogLeNet {
            let (logits, aux1, aux2) = googLeNet.outputs(x)
            var loss = crossEntropy(logits, y)
            for aux in [aux1, aux2].compactMap({ $0 }) { loss = loss + 0.3 * crossEntropy(aux, y) }
            return loss
        }
        return crossEntropy(model(x), y)
    }
}
