import Apus
import Foundation

extension ImageFolder {
    /// The training, validation and test sets `apus train --dataset image-folder --data DIR` uses.
    ///
    /// When `DIR/train` exists it trains, `DIR/val` validates (and tests, unless `DIR/test`
    /// exists); both must have the same classes. Otherwise `DIR` itself holds the classes and a
    /// shuffle seeded with `seed` splits it: the first 80% train, the next 10% test, the last 10%
    /// validate. With `imageSize` N, training images pass through `RandomResizedCrop(N)` and
    /// `RandomHorizontalFlip()`, the others through `Resize(N)` and `CenterCrop(N)`; without it
    /// every image must already have one size. Floats are standardised with ImageNet's statistics,
    /// which torchvision's pretrained models expect, whether or not the run starts from pretrained
    /// weights (`apus train --weights`), so a model trained here can be fine-tuned later and the
    /// other way round. The evaluation transform is in the data's `metadata` (``ImagePreprocessing``).
    public static func classificationData(directory: String, imageSize: Int? = nil, channels: Int = 3,
                                          seed: UInt64 = 0) throws -> ClassificationData {
        if let imageSize, !(1...4096).contains(imageSize) {
            throw ApusError.invalidArgument("--image-size must be in 1...4096, got \(imageSize)")
        }
        let training: (any ImageTransform)? = imageSize.map {
            ImageCompose([RandomResizedCrop($0), RandomHorizontalFlip()])
        }
        let evaluation: (any ImageTransform)? = imageSize.map { ImageCompose([Resize($0), CenterCrop($0)]) }
        let name = "image-folder"
        let preprocessing = ImagePreprocessing(channels: channels, resize: imageSize, crop: imageSize,
                                               mean: ImageNormalization.imageNet.mean, std: ImageNormalization.imageNet.std)
        let metadata = [ImagePreprocessing.metadataKey: preprocessing.json]
        func folder(_ path: String, _ transform: (any ImageTransform)?) throws -> ImageFolder {
            try ImageFolder(root: path, transform: transform, channels: channels, normalization: .imageNet)
        }
        let split = ["train", "val", "test"].map { directory + "/" + $0 }
        if FileManager.default.fileExists(atPath: split[0]) {
            let train = try folder(split[0], training)
            guard FileManager.default.fileExists(atPath: split[1]) else {
                throw ApusError.invalidArgument("image folder '\(directory)' has train/ but no val/: "
                                                + "give both, or put the class folders in '\(directory)' itself")
            }
            let validation = try folder(split[1], evaluation)
            let test = FileManager.default.fileExists(atPath: split[2]) ? try folder(split[2], evaluation) : validation
            for (part, other) in [("val", validation), ("test", test)] where other.classes != train.classes {
                throw ApusError.invalidArgument("image folder '\(directory)': \(part)/ has classes \(other.classes), "
                                                + "train/ has \(train.classes)")
            }
            return ClassificationData(name: name, train: train, validation: validation, test: test,
                                      classes: train.classes.count, classNames: train.classes, metadata: metadata)
        }
        let all = try folder(directory, evaluation)
        let order = RandomGenerator(seed: seed).permutation(all.count)
        let (trainEnd, testEnd) = (all.count - 2 * (all.count / 10), all.count - all.count / 10)
        return ClassificationData(
            name: name,
            train: all.subset(Array(order[..<trainEnd])).withTransform(training),
            validation: all.subset(Array(order[testEnd...])),
            test: all.subset(Array(order[trainEnd..<testEnd])),
            classes: all.classes.count, classNames: all.classes, metadata: metadata)
    }
}
