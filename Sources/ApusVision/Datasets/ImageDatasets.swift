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
        func pair(_ load: (Bool) throws -> TensorDataset, _ normalize: Normalize, classes: Int) throws -> ClassificationData {
            let (train, test) = (try load(true), try load(false))
            return ClassificationData(name: name,
                                      train: TensorDataset(inputs: normalize(train.inputs), targets: train.targets),
                                      test: TensorDataset(inputs: normalize(test.inputs), targets: test.targets),
                                      classes: classes)
        }
        switch name {
        case "digits":
            return nil
        case "fashion-mnist":
            return ClassificationData(name: name, train: try FashionMNIST.load(directory: directory, train: true, normalized: true),
                                      test: try FashionMNIST.load(directory: directory, train: false, normalized: true),
                                      classes: FashionMNIST.classes.count)
        case "mnist":
            return ClassificationData(name: name, train: try MNIST.load(directory: directory, train: true, normalized: true),
                                      test: try MNIST.load(directory: directory, train: false, normalized: true),
                                      classes: MNIST.classes.count)
        case "cifar10":
            return try pair({ try CIFAR10.load(directory: directory, train: $0) },
                            Normalize(mean: CIFAR10.mean, std: CIFAR10.std), classes: CIFAR10.classes.count)
        default:
            throw ApusError.unknownDataset(name, known: names)
        }
    }
}
