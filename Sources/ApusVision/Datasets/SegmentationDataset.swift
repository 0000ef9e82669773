import Apus
import Dispatch
import Foundation

/// Images and their segmentation masks, read from files when a batch is asked for: torchvision's
/// `VOCSegmentation` and the "images + masks" folders of user projects.
///
/// Only the paths are kept. A batch decodes each image (RGB) and its mask (``SegmentationMask``:
/// palette indices or grey values), checks that they have one size and that every mask value is a
/// class index or 255 (void), passes the pair through `transform` (random choices from a stream of
/// the pass's seed and the example's index, so 0, 1 or 8 loader workers give the same batches),
/// and writes the images as float32 `[N, 3, H, W]`, `(byte / 255 − mean[c]) / std[c]`, and the masks
/// as int64 `[N, H, W]`.
///
/// ```swift
/// let train = try SegmentationDataset.voc(root: "VOCdevkit/VOC2012", split: "train",
///                                         transform: SegmentationPreprocessing(imageSize: 256).trainTransform)
/// let loader = DataLoader(train, batchSize: 8, shuffle: true, workers: 2)
/// ```
///
/// What users get wrong most often is a thrown `ApusError` naming the file: a mask value that is
/// neither a class index nor 255, a mask whose size differs from its image's, an image without a
/// mask or a mask without an image, an RGB mask, an empty split.
public struct SegmentationDataset: Dataset, Sendable {
    /// What reading a batch throws: an `ApusError` naming the file.
    public typealias Failure = ApusError

    /// The mask value of pixels that belong to no class, left out by losses and metrics: 255.
    public static let ignoreIndex = Int(SegmentationMask.void)

    /// Pascal VOC's 21 class names in index order (index 0 background; torchvision's
    /// `_VOC_CATEGORIES`, the classes of its `fcn_*` and `deeplabv3_*` weights).
    public static let vocClasses = [
        "__background__", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
        "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
    ]

    /// Path of each example's image (JPEG or PNG).
    public let imagePaths: [String]
    /// Path of each example's mask (palette or grayscale PNG).
    public let maskPaths: [String]
    /// Class names in index order; mask values are indices below `classes.count`, or 255.
    public let classes: [String]
    /// Applied to each decoded image and mask together; nil keeps them as they are.
    public var transform: (any SegmentationTransform)?
    /// The per-channel standardisation of the image floats.
    public var normalization: ImageNormalization

    /// Pairs `imagePaths[i]` with `maskPaths[i]`; throws `ApusError.invalidArgument` when the
    /// counts differ, there are none, or there are no classes.
    public init(imagePaths: [String], maskPaths: [String], classes: [String],
                transform: (any SegmentationTransform)? = nil, normalization: ImageNormalization = .imageNet) throws {
        guard imagePaths.count == maskPaths.count else {
            throw ApusError.invalidArgument("segmentation dataset: \(imagePaths.count) images but \(maskPaths.count) masks")
        }
        guard !imagePaths.isEmpty else { throw ApusError.invalidArgument("segmentation dataset: no images") }
        guard !classes.isEmpty else { throw ApusError.invalidArgument("segmentation dataset: no class names") }
        (self.imagePaths, self.maskPaths, self.classes) = (imagePaths, maskPaths, classes)
        (self.transform, self.normalization) = (transform, normalization)
    }

    /// Number of image/mask pairs.
    public var count: Int { imagePaths.count }

    /// Random when there is a transform (random transforms draw from each example's stream).
    public var isRandom: Bool { transform != nil }

    /// The examples at `indices` (of this dataset) as a new dataset with the same classes.
    public func subset(_ indices: [Int]) -> SegmentationDataset {
        for i in indices { require(i >= 0 && i < count, "SegmentationDataset.subset: index \(i) out of range for \(count) examples") }
        return SegmentationDataset(unchecked: indices.map { imagePaths[$0] }, indices.map { maskPaths[$0] }, classes,
                                   transform, normalization)
    }

    private init(unchecked images: [String], _ masks: [String], _ classes: [String],
                 _ transform: (any SegmentationTransform)?, _ normalization: ImageNormalization) {
        (imagePaths, maskPaths, self.classes, self.transform, self.normalization) = (images, masks, classes, transform, normalization)
    }

    /// The same examples read through another transform (training and evaluation transforms of one set).
    public func withTransform(_ transform: (any SegmentationTransform)?) -> SegmentationDataset {
        var copy = self
        copy.transform = transform
        return copy
    }

    /// The image (RGB) and mask at `index`, decoded and checked, before the transform.
    ///
    /// Throws `ApusError` naming the file when either cannot be decoded, the mask is not a palette
    /// or grayscale PNG, the two differ in size, or a mask value is neither below `classes.count`
    /// nor 255.
    public func example(at index: Int) throws(ApusError) -> (image: Image, mask: SegmentationMask) {
        require(index >= 0 && index < count, "SegmentationDataset.example: index \(index) out of range for \(count) examples")
        let (imagePath, maskPath) = (imagePaths[index], maskPaths[index])
        let image: Image, mask: SegmentationMask
        do { image = try Image(contentsOf: imagePath) } catch let error as ApusError { throw error } catch {
            throw ApusError.corruptFile(path: imagePath, reason: "\(error)")
        }
        do { mask = try SegmentationMask(contentsOf: maskPath) } catch let error as ApusError { throw error } catch {
            throw ApusError.corruptFile(path: maskPath, reason: "\(error)")
        }
        guard image.width == mask.width && image.height == mask.height else {
            throw ApusError.invalidArgument(
                "mask '\(maskPath)' is \(mask.width)×\(mask.height) but its image '\(imagePath)' is "
                + "\(image.width)×\(image.height): a mask must have its image's size")
        }
        if let bad = mask.firstInvalidPixel(classes: classes.count) {
            throw ApusError.invalidArgument(
                "mask '\(maskPath)' has value \(bad.value) at pixel (x \(bad.x), y \(bad.y)), which is neither a class "
                + "index (0…\(classes.count - 1), \(classes.count) classes) nor 255 (void); fix the mask or the class list "
                + "(classes.txt)")
        }
        return (image.rgb(), mask)
    }

    /// The examples at `indices` with the random streams of pass 0.
    public func batch(at indices: [Int]) throws(ApusError) -> (inputs: Tensor, targets: Tensor) {
        try batch(at: indices, seed: 0)
    }

    /// The examples at `indices`, each transformed with `RandomGenerator(seed: seed, stream: index)`:
    /// inputs float32 `[N, 3, H, W]`, targets int64 `[N, H, W]` (class indices, 255 void). Throws
    /// what ``example(at:)`` throws, and when the transformed examples differ in size.
    public func batch(at indices: [Int], seed: UInt64) throws(ApusError) -> (inputs: Tensor, targets: Tensor) {
        require(!indices.isEmpty, "SegmentationDataset.batch: no indices")
        var pairs: [(image: Image, mask: SegmentationMask)] = []
        pairs.reserveCapacity(indices.count)
        for i in indices {
            let decoded = try example(at: i)
            let pair = transform.map { $0(decoded.image, decoded.mask, generator: RandomGenerator(seed: seed, stream: i)) } ?? decoded
            if let first = pairs.first, first.image.width != pair.image.width || first.image.height != pair.image.height {
                throw ApusError.invalidArgument(
                    "images of different sizes in one batch: '\(imagePaths[indices[0]])' is \(first.image.width)×"
                    + "\(first.image.height), '\(imagePaths[i])' is \(pair.image.width)×\(pair.image.height); give the "
                    + "dataset a transform that makes every example one size (apus train --image-size N)")
            }
            pairs.append(pair)
        }
        let (h, w) = (pairs[0].image.height, pairs[0].image.width)
        let levels = normalization.levels(channels: 3)
        let inputs = Tensor(shape: [pairs.count, 3, h, w], of: Float.self) { out in
            for (n, pair) in pairs.enumerated() {
                ImageFolder.write(pair.image, levels: levels, into: out.baseAddress! + n * 3 * h * w)
            }
        }
        let targets = Tensor(shape: [pairs.count, h, w], of: Int64.self) { out in
            for (n, pair) in pairs.enumerated() {
                pair.mask.values.withUnsafeBufferPointer { v in
                    let dst = out.baseAddress! + n * h * w
                    for i in 0..<v.count { dst[i] = Int64(v[i]) }
                }
            }
        }
        return (inputs, targets)
    }
}

// MARK: - Layouts

extension SegmentationDataset {
    /// A split of a Pascal VOC segmentation folder, as torchvision's `VOCSegmentation(root, image_set=split)`:
    ///
    /// ```text
    /// root/JPEGImages/NAME.jpg
    /// root/SegmentationClass/NAME.png          palette PNG: class indices, 255 on object borders
    /// root/ImageSets/Segmentation/train.txt    one NAME a line (also val.txt, trainval.txt, test.txt)
    /// root/classes.txt                         optional: class names, one a line, in index order
    /// ```
    ///
    /// `root` may also be the folder holding `VOCdevkit/VOC2012`. `classes` nil: ``classNames(root:masks:vocLayout:)``
    /// of this split's masks (classes.txt, else VOC's 21 names). Throws `ApusError` naming the file
    /// for a missing split list, an empty one, or a listed image or mask that is not there.
    public static func voc(root: String, split: String = "train", classes: [String]? = nil,
                           transform: (any SegmentationTransform)? = nil,
                           normalization: ImageNormalization = .imageNet) throws -> SegmentationDataset {
        let base = try vocRoot(root)
        let (images, masks) = try vocSplit(base, split)
        let names = try classes ?? classNames(root: base, masks: masks, vocLayout: true)
        return try SegmentationDataset(imagePaths: images, maskPaths: masks, classes: names, transform: transform,
                                       normalization: normalization)
    }

    /// The image/mask pairs of a folder `root/images/NAME.{jpg,jpeg,png}` + `root/masks/NAME.png`
    /// (names sorted, hidden files left out), with `classes` or ``classNames(root:masks:vocLayout:)``
    /// of `root`. Throws `ApusError` naming the file for an image without a mask, a mask without
    /// an image, two images of one name, or a folder without pairs.
    public static func maskFolder(root: String, classes: [String]? = nil, transform: (any SegmentationTransform)? = nil,
                                  normalization: ImageNormalization = .imageNet) throws -> SegmentationDataset {
        let (images, masks) = try maskFolderPairs(root)
        let names = try classes ?? classNames(root: root, masks: masks, vocLayout: false)
        return try SegmentationDataset(imagePaths: images, maskPaths: masks, classes: names, transform: transform,
                                       normalization: normalization)
    }

    /// The class names of a dataset whose masks are `masks`:
    /// 1. `root/classes.txt` when it exists: one name a line in index order (surrounding spaces and
    ///    trailing blank lines dropped). The masks are not read here; a value outside the list is
    ///    reported when its batch is read.
    /// 2. Otherwise every mask is decoded once (on all cores; masks only, never images) to find the
    ///    largest value that is not 255: with `vocLayout` and values below 21, VOC's 21 names
    ///    (``vocClasses``); else `class_0 … class_K−1` with K one more than the largest value.
    ///
    /// A mask folder of one's own with values 0…3 thus gets `class_0 … class_3`, not VOC's names
    /// (21 classes, 17 of them absent); write a classes.txt to name them and to skip the scan.
    public static func classNames(root: String, masks: [String], vocLayout: Bool) throws -> [String] {
        let listPath = root + "/classes.txt"
        if FileManager.default.fileExists(atPath: listPath) {
            let text = String(decoding: try FileBytes.read(listPath), as: UTF8.self)
            var names = text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            while names.last?.isEmpty == true { names.removeLast() }
            if let blank = names.firstIndex(of: "") {
                throw ApusError.invalidArgument("class list '\(listPath)' has an empty line \(blank + 1): one class name a line, in index order")
            }
            guard !names.isEmpty else { throw ApusError.invalidArgument("class list '\(listPath)' names no class") }
            if names.count != Set(names).count {
                throw ApusError.invalidArgument("class list '\(listPath)' names a class twice")
            }
            return names
        }
        let largest = try largestMaskValue(masks)
        guard let largest else {
            throw ApusError.invalidArgument("every pixel of the masks under '\(root)' is void (255): no class to learn")
        }
        if vocLayout && largest < vocClasses.count { return vocClasses }
        return (0...largest).map { "class_\($0)" }
    }

    /// The largest non-void value of all `masks`, decoded in parallel; nil when all are void.
    static func largestMaskValue(_ masks: [String]) throws -> Int? {
        final class Scan: @unchecked Sendable {
            let lock = NSLock()
            var largest = -1
            var failure: (index: Int, error: Error)?
        }
        let scan = Scan()
        DispatchQueue.concurrentPerform(iterations: masks.count) { i in
            do {
                let value = try SegmentationMask(contentsOf: masks[i]).largestClass ?? -1
                scan.lock.lock(); scan.largest = Swift.max(scan.largest, value); scan.lock.unlock()
            } catch {
                scan.lock.lock()
                if scan.failure == nil || i < scan.failure!.index { scan.failure = (i, error) }
                scan.lock.unlock()
            }
        }
        if let failure = scan.failure { throw failure.error }
        return scan.largest < 0 ? nil : scan.largest
    }

    /// `root` itself when it holds `JPEGImages`, else `root/VOCdevkit/VOC2012`.
    static func vocRoot(_ root: String) throws -> String {
        for candidate in [root, root + "/VOCdevkit/VOC2012"] where isDirectory(candidate + "/JPEGImages") {
            return candidate
        }
        throw ApusError.invalidArgument(
            "'\(root)' is not a Pascal VOC folder: expected JPEGImages/, SegmentationClass/ and ImageSets/Segmentation/"
            + "{train,val}.txt in it (or in VOCdevkit/VOC2012 under it)")
    }

    /// The image and mask paths of the names listed in `base/ImageSets/Segmentation/split.txt`.
    static func vocSplit(_ base: String, _ split: String) throws -> (images: [String], masks: [String]) {
        let list = base + "/ImageSets/Segmentation/\(split).txt"
        guard FileManager.default.fileExists(atPath: list) else {
            throw ApusError.invalidArgument("Pascal VOC folder '\(base)' has no split list '\(list)'")
        }
        let names = String(decoding: try FileBytes.read(list), as: UTF8.self)
            .split(whereSeparator: \.isNewline).compactMap { $0.split(separator: " ").first.map(String.init) }
        guard !names.isEmpty else { throw ApusError.invalidArgument("split list '\(list)' lists no image: the split is empty") }
        var images: [String] = [], masks: [String] = []
        for name in names {
            let image = base + "/JPEGImages/\(name).jpg", mask = base + "/SegmentationClass/\(name).png"
            guard FileManager.default.fileExists(atPath: image) else {
                throw ApusError.invalidArgument("image '\(image)' listed in '\(list)' does not exist")
            }
            guard FileManager.default.fileExists(atPath: mask) else {
                throw ApusError.invalidArgument("image '\(image)' has no mask: '\(mask)' (listed in '\(list)') does not exist")
            }
            images.append(image)
            masks.append(mask)
        }
        return (images, masks)
    }

    /// The pairs of `root/images` and `root/masks`, matched by file name without extension.
    static func maskFolderPairs(_ root: String) throws -> (images: [String], masks: [String]) {
        let (imageDir, maskDir) = (root + "/images", root + "/masks")
        guard isDirectory(imageDir), isDirectory(maskDir) else {
            throw ApusError.invalidArgument("mask folder '\(root)' needs images/ and masks/ folders "
                                            + "(images/NAME.jpg or .png with masks/NAME.png)")
        }
        func files(_ dir: String, _ extensions: Set<String>) throws -> [String: String] {
            var byName: [String: String] = [:]
            for entry in try visibleEntries(of: dir) {
                guard let dot = entry.lastIndex(of: "."), extensions.contains(entry[entry.index(after: dot)...].lowercased()),
                      !isDirectory(dir + "/" + entry) else { continue }
                let stem = String(entry[..<dot])
                if let other = byName[stem] {
                    throw ApusError.invalidArgument("'\(other)' and '\(dir)/\(entry)' have one name: which one goes with "
                                                    + "the mask is ambiguous; keep one")
                }
                byName[stem] = dir + "/" + entry
            }
            return byName
        }
        let images = try files(imageDir, ImageFolder.extensions), masks = try files(maskDir, ["png"])
        let names = images.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        for name in names where masks[name] == nil {
            throw ApusError.invalidArgument("image '\(images[name]!)' has no mask: expected '\(maskDir)/\(name).png'")
        }
        for name in masks.keys.sorted() where images[name] == nil {
            throw ApusError.invalidArgument("mask '\(masks[name]!)' has no image: expected '\(imageDir)/\(name).jpg' or .png")
        }
        guard !names.isEmpty else { throw ApusError.invalidArgument("mask folder '\(root)' has no images in '\(imageDir)'") }
        return (names.map { images[$0]! }, names.map { masks[$0]! })
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Names in `directory` not starting with ".", sorted by code points.
    static func visibleEntries(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }
                .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        } catch {
            throw ApusError.fileNotReadable(path: directory)
        }
    }
}
