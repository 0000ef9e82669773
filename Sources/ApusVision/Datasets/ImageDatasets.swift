import Apus

/// The datasets `apus train --dataset NAME` knows, by name.
public enum ImageDatasets {
    /// `digits` (bundled with Apus), `fashion-mnist`, `mnist`, `cifar10`.
    public static let names = ["digits", "fashion-mnist", "mnist", "cifar10"]

    /// Training and test sets of an image dataset, normalised per channel with the dataset's usual
    /// mean and standard deviation (as `transforms.Normalize` in torchvision's examples); nil for
    /// `digits`, which ``runClassification(_:data:modelFactory:callbacks:onEpoch:)`` loads itself.
    /// `directory` overrides where the files are looked for.
    public static func load(_ name: String, directory: String? = nil) throws -> ClassificationData? {
        func trainAndTest(classes: Int, _ load: (_ train: Bool) throws -> TensorDataset) throws -> ClassificationData {
            ClassificationData(name: name, train: try load(true), test: try load(false), classes: classes)
        }
        switch name {
        case "digits":
            return nil
        case "fashion-mnist":
            return try trainAndTest(classes: FashionMNIST.classes.count) {
                try FashionMNIST.load(directory: directory, train: $0, normalized: true)
            }
        case "mnist":
            return try trainAndTest(classes: MNIST.classes.count) { try MNIST.load(directory: directory, train: $0, normalized: true) }
        case "cifar10":
            let normalize = Normalize(mean: CIFAR10.mean, std: CIFAR10.std)
            return try trainAndTest(classes: CIFAR10.classes.count) {
                let data = try CIFAR10.load(directory: directory, train: $0)
                return TensorDataset(inputs: normalize(data.inputs), targets: data.targets)
            }
        default:
            throw ApusError.unknownDataset(name, known: names)
        }
    }
}
