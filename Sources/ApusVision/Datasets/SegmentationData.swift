import Apus
import Foundation

/// The training, validation and test sets of a segmentation run, their class names and how their
/// examples are prepared: what `apus train --task segmentation --dataset voc|mask-folder --data DIR`
/// reads.
///
/// ```swift
/// let data = try SegmentationData.load(dataset: "voc", directory: "VOC2012", imageSize: 256, seed: 0)
/// let loader = DataLoader(data.train, batchSize: 8, shuffle: true, workers: 2)
/// ```
public struct SegmentationData: Sendable {
    /// The dataset's name, as `--dataset` says it: `voc` or `mask-folder`.
    public let name: String
    /// Training examples, through ``SegmentationPreprocessing/trainTransform``.
    public let train: SegmentationDataset
    /// Validation examples, through ``SegmentationPreprocessing/evalTransform``.
    public let validation: SegmentationDataset
    /// Test examples (the validation set when the data has no test split), through the evaluation transform.
    public let test: SegmentationDataset
    /// Class names in index order; masks hold indices below their count, or 255.
    public let classNames: [String]
    /// The transforms and normalisation of the examples.
    public let preprocessing: SegmentationPreprocessing

    /// The number of classes (the model's output channels).
    public var classes: Int { classNames.count }

    /// The preprocessing as checkpoint metadata (``SegmentationPreprocessing/metadataKey`` → JSON).
    public var metadata: [String: String] { [SegmentationPreprocessing.metadataKey: preprocessing.json] }

    /// The names `load(dataset:…)` knows.
    public static let datasetNames = ["voc", "mask-folder"]

    /// Sets of three datasets with the same classes.
    public init(name: String, train: SegmentationDataset, validation: SegmentationDataset, test: SegmentationDataset,
                preprocessing: SegmentationPreprocessing) {
        require(train.classes == validation.classes && train.classes == test.classes,
                "SegmentationData: the splits have different classes")
        (self.name, self.train, self.validation, self.test) = (name, train, validation, test)
        (self.classNames, self.preprocessing) = (train.classes, preprocessing)
    }

    /// ``voc(directory:imageSize:)`` or ``maskFolder(directory:imageSize:seed:)`` by name
    /// (`voc`, `mask-folder`); throws `ApusError.unknownDataset` for another name.
    public static func load(dataset: String, directory: String, imageSize: Int? = nil, seed: UInt64 = 0) throws -> SegmentationData {
        switch dataset {
        case "voc": return try voc(directory: directory, imageSize: imageSize)
        case "mask-folder": return try maskFolder(directory: directory, imageSize: imageSize, seed: seed)
        default: throw ApusError.unknownDataset(dataset, known: datasetNames)
        }
    }

    /// A Pascal VOC segmentation folder (``SegmentationDataset/voc(root:split:classes:transform:normalization:)``):
    /// `train.txt` trains, `val.txt` validates, `test.txt` tests when it exists (else `val.txt` does).
    /// Class names come from `classes.txt`, else from the masks of all the splits read
    /// (``SegmentationDataset/classNames(root:masks:vocLayout:)``).
    public static func voc(directory: String, imageSize: Int? = nil) throws -> SegmentationData {
        let preprocessing = try checkedPreprocessing(imageSize)
        let base = try SegmentationDataset.vocRoot(directory)
        var splits = [try SegmentationDataset.vocSplit(base, "train"), try SegmentationDataset.vocSplit(base, "val")]
        if FileManager.default.fileExists(atPath: base + "/ImageSets/Segmentation/test.txt") {
            splits.append(try SegmentationDataset.vocSplit(base, "test"))
        }
        let names = try SegmentationDataset.classNames(root: base, masks: splits.flatMap(\.masks), vocLayout: true)
        let sets = try splits.map {
            try SegmentationDataset(imagePaths: $0.images, maskPaths: $0.masks, classes: names,
                                    transform: preprocessing.evalTransform, normalization: preprocessing.normalization)
        }
        return SegmentationData(name: "voc", train: sets[0].withTransform(preprocessing.trainTransform), validation: sets[1],
                                test: sets.count > 2 ? sets[2] : sets[1], preprocessing: preprocessing)
    }

    /// A folder of `images/` and `masks/` (``SegmentationDataset/maskFolder(root:classes:transform:normalization:)``).
    ///
    /// When `DIR/train` exists it trains and `DIR/val` validates (and tests, unless `DIR/test`
    /// exists), each holding `images/` and `masks/`. Otherwise `DIR` itself holds them and a shuffle
    /// seeded with `seed` splits the pairs as ``ImageFolder/classificationData(directory:imageSize:channels:seed:)``
    /// splits an image folder: the first 80% train, the next 10% test, the last 10% validate (the
    /// same seed gives the same split). Class names come from `DIR/classes.txt`, else from the masks
    /// (`class_0 …`). Throws `ApusError.invalidArgument` for a split left empty (fewer than 10 pairs
    /// without train/ and val/).
    public static func maskFolder(directory: String, imageSize: Int? = nil, seed: UInt64 = 0) throws -> SegmentationData {
        let preprocessing = try checkedPreprocessing(imageSize)
        func dataset(_ pairs: (images: [String], masks: [String]), _ names: [String]) throws -> SegmentationDataset {
            try SegmentationDataset(imagePaths: pairs.images, maskPaths: pairs.masks, classes: names,
                                    transform: preprocessing.evalTransform, normalization: preprocessing.normalization)
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: directory + "/train") {
            guard fm.fileExists(atPath: directory + "/val") else {
                throw ApusError.invalidArgument("mask folder '\(directory)' has train/ but no val/: give both, or put "
                                                + "images/ and masks/ in '\(directory)' itself")
            }
            var parts = [try SegmentationDataset.maskFolderPairs(directory + "/train"),
                         try SegmentationDataset.maskFolderPairs(directory + "/val")]
            if fm.fileExists(atPath: directory + "/test") { parts.append(try SegmentationDataset.maskFolderPairs(directory + "/test")) }
            let names = try SegmentationDataset.classNames(root: directory, masks: parts.flatMap(\.masks), vocLayout: false)
            let sets = try parts.map { try dataset($0, names) }
            return SegmentationData(name: "mask-folder", train: sets[0].withTransform(preprocessing.trainTransform),
                                    validation: sets[1], test: sets.count > 2 ? sets[2] : sets[1], preprocessing: preprocessing)
        }
        let pairs = try SegmentationDataset.maskFolderPairs(directory)
        let n = pairs.images.count
        let (trainEnd, testEnd) = (n - 2 * (n / 10), n - n / 10)
        guard trainEnd < testEnd else {
            throw ApusError.invalidArgument(
                "mask folder '\(directory)' has \(n) image/mask pairs: too few for a train/val/test split of 80/10/10, "
                + "which leaves the validation and test splits empty below 10 pairs; add pairs, or give train/ and val/ folders")
        }
        let names = try SegmentationDataset.classNames(root: directory, masks: pairs.masks, vocLayout: false)
        let all = try dataset(pairs, names)
        let order = RandomGenerator(seed: seed).permutation(n)
        return SegmentationData(name: "mask-folder",
                                train: all.subset(Array(order[..<trainEnd])).withTransform(preprocessing.trainTransform),
                                validation: all.subset(Array(order[testEnd...])), test: all.subset(Array(order[trainEnd..<testEnd])),
                                preprocessing: preprocessing)
    }

    private static func checkedPreprocessing(_ imageSize: Int?) throws -> SegmentationPreprocessing {
        if let imageSize, !(1...4096).contains(imageSize) {
            throw ApusError.invalidArgument("--image-size must be in 1...4096, got \(imageSize)")
        }
        return SegmentationPreprocessing(imageSize: imageSize)
    }
}
