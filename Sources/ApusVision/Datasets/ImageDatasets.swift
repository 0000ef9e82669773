import Apus

/// The datasets `apus train --dataset NAME` knows, by name.
public enum ImageDatasets {
    /// `digits` (bundled with Apus), `fashion-mnist`, `mnist`, `cifar10`, and `image-folder`
    /// (your own photos, ``ImageFolder``).
    public static let names = ["digits", "fashion-mnist", "mnist", "cifar10", "image-folder"]

    /// Training and test sets of an image dataset as ``ImageDataset``s (bytes, converted per
    /// batch), normalised per channel with the dataset's usual mean and standard deviation (as
    /// `transforms.Normalize` in torchvision's examples); nil for `digits`, which
    /// `runClassification(_:data:modelFactory:callbacks:communicator:onEpoch:)` loads itself.
    /// `directory` overrides where the files are looked for; `image-folder` needs it, and reads
    /// it as ``ImageFolder/classificationData(directory:imageSize:channels:seed:)`` says. The data's
    /// class names and ``ImagePreprocessing`` (in its `metadata`) go into a run's checkpoint.
    public static func load(_ name: String, directory: String? = nil, imageSize: Int? = nil, channels: Int = 3,
                            seed: UInt64 = 0) throws -> ClassificationData? {
        func trainAndTest(classes: [String], _ load: (_ train: Bool) throws -> ImageDataset) throws -> ClassificationData {
            let train = try load(true)
            let preprocessing = ImagePreprocessing(channels: train.exampleShape[0], mean: train.mean, std: train.std)
            return ClassificationData(name: name, train: train, test: try load(false), classes: classes.count, classNames: classes,
                                      metadata: [ImagePreprocessing.metadataKey: preprocessing.json])
        }
        switch name {
        case "digits":
            return nil
        case "image-folder":
            guard let directory else {
                throw ApusError.invalidArgument("--dataset image-folder needs --data DIR: a folder of class folders "
                                                + "(DIR/<class>/<image>), or DIR/train and DIR/val holding them")
            }
            return try ImageFolder.classificationData(directory: directory, imageSize: imageSize, channels: channels,
                                                      seed: seed)
        case "fashion-mnist":
            return try trainAndTest(classes: FashionMNIST.classes) {
                try FashionMNIST.loadImages(directory: directory, train: $0, normalized: true)
            }
        case "mnist":
            return try trainAndTest(classes: MNIST.classes) {
                try MNIST.loadImages(directory: directory, train: $0, normalized: true)
            }
        case "cifar10":
            return try trainAndTest(classes: CIFAR10.classes) {
                try CIFAR10.loadImages(directory: directory, train: $0, normalized: true)
            }
        default:
            throw ApusError.unknownDataset(name, known: names)
        }
    }
}
