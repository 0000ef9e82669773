import Apus

/// The datasets `apus train --dataset NAME` knows, by name.
public enum ImageDatasets {
    /// `digits` (bundled with Apus), `fashion-mnist`, `mnist`, `cifar10`.
    public static let names = ["digits", "fashion-mnist", "mnist", "cifar10"]

    /// Training and test sets of an image dataset as ``ImageDataset``s (bytes, converted per
    /// batch), normalised per channel with the dataset's usual mean and standard deviation (as
    /// `transforms.Normalize` in torchvision's examples); nil for `digits`, which
    /// ``runClassification(_:data:modelFactory:callbacks:onEpoch:)`` loads itself.
    /// `directory` overrides where the files are looked for.
    public static func load(_ name: String, directory: String? = nil) throws -> ClassificationData? {
        func trainAndTest(classes: Int, _ load: (_ train: Bool) throws -> ImageDataset) throws -> ClassificationData {
            ClassificationData(name: name, train: try load(true), test: try load(false), classes: classes)
        }
        switch name {
        case "digits":
            return nil
        case "fashion-mnist":
            return try trainAndTest(classes: FashionMNIST.classes.count) {
                try FashionMNIST.loadImages(directory: directory, train: $0, normalized: true)
            }
        case "mnist":
            return try trainAndTest(classes: MNIST.classes.count) {
                try MNIST.loadImages(directory: directory, train: $0, normalized: true)
            }
        case "cifar10":
            return try trainAndTest(classes: CIFAR10.classes.count) {
                try CIFAR10.loadImages(directory: directory, train: $0, normalized: true)
            }
        default:
            throw ApusError.unknownDataset(name, known: names)
        }
    }
}
