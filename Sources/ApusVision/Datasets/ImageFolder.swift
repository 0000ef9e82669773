import Apus
import Foundation

/// A folder of photos, one subfolder per class, as torchvision's `ImageFolder`:
///
/// ```text
/// root/cat/001.jpg
/// root/cat/kitten/002.png      (subfolders of a class belong to it)
/// root/dog/003.jpeg
/// ```
///
/// Classes are the subfolders sorted by name (`classes`, `classToIndex`); a class's images are
/// its `.jpg`, `.jpeg` and `.png` files (any case) in sorted order, hidden files and folders
/// left out. Only the paths are kept: a batch reads and decodes its files, passes each image
/// through `transform` (random choices from a stream of the pass's seed and the example's index),
/// and writes `(byte / 255 − mean[c]) / std[c]` into one float32 tensor `[N, C, H, W]`.
///
/// ```swift
/// let train = try ImageFolder(root: "pets/train",
///                             transform: ImageCompose([RandomResizedCrop(224), RandomHorizontalFlip()]),
///                             normalization: .imageNet)
/// let loader = DataLoader(train, batchSize: 64, shuffle: true, workers: 2)
/// ```
///
/// A file that cannot be read or decoded throws `ApusError` naming it, from `batch(at:)` and so
/// from the training loop.
public struct ImageFolder: Dataset, Sendable {
    /// What reading a batch throws: an `ApusError` naming the file that could not be read or decoded.
    public typealias Failure = ApusError

    /// File extensions read, lower-cased (torchvision's `IMG_EXTENSIONS` for these formats).
    public static let extensions: Set<String> = ["jpg", "jpeg", "png"]

    /// The folder scanned.
    public let root: String
    /// Class names in index order: the subfolders of `root`, sorted.
    public let classes: [String]
    /// The index of each class name.
    public let classToIndex: [String: Int]
    /// Path of each example's file.
    public let paths: [String]
    /// Class index of each example.
    public let labels: [Int]
    /// Applied to each decoded image before it becomes floats; nil keeps the image as it is.
    public var transform: (any ImageTransform)?
    /// Channels of every image: 3 (grey files repeated to RGB, as torchvision's loader) or 1
    /// (colour files converted to luma).
    public let channels: Int
    /// The per-channel standardisation of the floats.
    public var normalization: ImageNormalization

    /// Scans `root`; throws `ApusError` when it is not a readable folder, holds no class
    /// folder, or a class folder holds no image.
    public init(root: String, transform: (any ImageTransform)? = nil, channels: Int = 3,
                normalization: ImageNormalization = .none) throws {
        guard channels == 1 || channels == 3 else {
            throw ApusError.invalidArgument("ImageFolder: channels must be 1 or 3, got \(channels)")
        }
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ApusError.invalidArgument("image folder '\(root)' does not exist or is not a directory")
        }
        let classes = try Self.visibleEntries(of: root).filter { Self.isDirectory(root + "/" + $0) }
        guard !classes.isEmpty else {
            throw ApusError.invalidArgument("image folder '\(root)' has no class folders: expected root/<class>/<image files>")
        }
        var paths: [String] = [], labels: [Int] = []
        for (label, name) in classes.enumerated() {
            let files = try Self.imageFiles(under: root + "/" + name)
            guard !files.isEmpty else {
                throw ApusError.invalidArgument("class folder '\(root)/\(name)' holds no image files "
                                                + "(.jpg, .jpeg, .png)")
            }
            paths += files
            labels += Array(repeating: label, count: files.count)
        }
        self.init(root: root, classes: classes, paths: paths, labels: labels, transform: transform,
                  channels: channels, normalization: normalization)
    }

    private init(root: String, classes: [String], paths: [String], labels: [Int], transform: (any ImageTransform)?,
                 channels: Int, normalization: ImageNormalization) {
        (self.root, self.classes, self.paths, self.labels) = (root, classes, paths, labels)
        classToIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        (self.transform, self.channels, self.normalization) = (transform, channels, normalization)
    }

    /// Number of images.
    public var count: Int { paths.count }

    /// The examples at `indices` (of this folder) as a new folder with the same classes.
    public func subset(_ indices: [Int]) -> ImageFolder {
        for i in indices { require(i >= 0 && i < count, "ImageFolder.subset: index \(i) out of range for \(count) images") }
        return ImageFolder(root: root, classes: classes, paths: indices.map { paths[$0] }, labels: indices.map { labels[$0] },
                           transform: transform, channels: channels, normalization: normalization)
    }

    /// The same images read through another transform (training and evaluation transforms of one folder).
    public func withTransform(_ transform: (any ImageTransform)?) -> ImageFolder {
        var copy = self
        copy.transform = transform
        return copy
    }

    /// Random when there is a transform (random transforms draw from each example's stream).
    public var isRandom: Bool { transform != nil }

    /// The image at `index`, decoded and converted to ``channels``, before the transform.
    public func image(at index: Int) throws(ApusError) -> Image {
        require(index >= 0 && index < count, "ImageFolder.image: index \(index) out of range for \(count) images")
        let image: Image
        do { image = try Image(contentsOf: paths[index]) } catch let error as ApusError { throw error } catch {
            throw ApusError.corruptFile(path: paths[index], reason: "\(error)")
        }
        return channels == 3 ? image.rgb() : image.grayscale()
    }

    /// The images at `indices` with the random streams of pass 0.
    public func batch(at indices: [Int]) throws(ApusError) -> (inputs: Tensor, targets: Tensor) {
        try batch(at: indices, seed: 0)
    }

    /// The images at `indices`, each transformed with `RandomGenerator(seed: seed, stream: index)`;
    /// inputs float32 `[N, C, H, W]`, targets int64 `[N]`. Throws when a file cannot be decoded
    /// or the transformed images differ in size.
    public func batch(at indices: [Int], seed: UInt64) throws(ApusError) -> (inputs: Tensor, targets: Tensor) {
        require(!indices.isEmpty, "ImageFolder.batch: no indices")
        var images: [Image] = []
        images.reserveCapacity(indices.count)
        for i in indices {
            let decoded = try image(at: i)
            let image = transform.map { $0(decoded, generator: RandomGenerator(seed: seed, stream: i)) } ?? decoded
            if let first = images.first, first.width != image.width || first.height != image.height {
                throw ApusError.invalidArgument(
                    "images of different sizes in one batch: '\(paths[indices[0]])' is \(first.width)×\(first.height), "
                    + "'\(paths[i])' is \(image.width)×\(image.height); give the folder a transform that makes every "
                    + "image one size (Resize and CenterCrop; apus train --image-size N)")
            }
            images.append(image)
        }
        let (h, w) = (images[0].height, images[0].width)
        let levels = normalization.levels(channels: channels)
        let inputs = Tensor(shape: [images.count, channels, h, w], of: Float.self) { out in
            for (n, image) in images.enumerated() {
                Self.write(image, levels: levels, into: out.baseAddress! + n * channels * h * w)
            }
        }
        return (inputs, Tensor(scalars: indices.map { Int64(labels[$0]) }))
    }

    /// Writes an HWC image as CHW floats through a per-channel table of the 256 byte values.
    static func write(_ image: Image, levels: [Float], into out: UnsafeMutablePointer<Float>) {
        let (c, plane) = (image.channels, image.width * image.height)
        image.pixels.withUnsafeBufferPointer { src in
            levels.withUnsafeBufferPointer { table in
                for ch in 0..<c {
                    let level = table.baseAddress! + ch * 256, dst = out + ch * plane
                    for i in 0..<plane { dst[i] = level[Int(src[i * c + ch])] }
                }
            }
        }
    }

    // MARK: - Scanning

    /// Names in `directory` not starting with ".", sorted by code points as Python's `sorted`.
    private static func visibleEntries(of directory: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
                .filter { !$0.hasPrefix(".") }
                .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        } catch {
            throw ApusError.fileNotReadable(path: directory)
        }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// The image files under `directory`, its subfolders included, in torchvision's order
    /// (folders by path, then files by name).
    private static func imageFiles(under directory: String) throws -> [String] {
        var folders = [directory], files: [String] = []
        var index = 0
        while index < folders.count {
            let folder = folders[index]
            index += 1
            for name in try visibleEntries(of: folder) {
                let path = folder + "/" + name
                if isDirectory(path) {
                    folders.append(path)
                } else if let dot = name.lastIndex(of: "."), extensions.contains(name[name.index(after: dot)...].lowercased()) {
                    files.append(path)
                }
            }
        }
        // torchvision sorts os.walk's (folder, files) pairs by folder path, then each folder's files.
        return files.sorted { a, b in
            let (fa, fb) = (a[..<a.lastIndex(of: "/")!], b[..<b.lastIndex(of: "/")!])
            return fa == fb ? a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
                            : fa.unicodeScalars.lexicographicallyPrecedes(fb.unicodeScalars)
        }
    }
}

/// Per-channel standardisation of image floats, `(byte / 255 − mean[c]) / std[c]` in float32, as
/// torchvision's `ToTensor()` then `Normalize(mean, std)`.
public struct ImageNormalization: Sendable, Equatable {
    /// Per-channel mean and standard deviation on the [0, 1] scale (one value serves every channel).
    public let mean: [Double], std: [Double]

    /// One value each, or one per channel; `std` positive.
    public init(mean: [Double], std: [Double]) {
        require(!mean.isEmpty && mean.count == std.count && std.allSatisfy { $0 > 0 },
                "ImageNormalization: need as many means as positive stds, got mean \(mean), std \(std)")
        (self.mean, self.std) = (mean, std)
    }

    /// Floats `byte / 255` in [0, 1].
    public static let none = ImageNormalization(mean: [0], std: [1])
    /// ImageNet's statistics, which torchvision's pretrained models expect.
    public static let imageNet = ImageNormalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

    /// The statistics for `channels` channels: ImageNet's average for grey images.
    func forChannels(_ channels: Int) -> ImageNormalization {
        mean.count == 1 || mean.count == channels ? self
            : ImageNormalization(mean: [mean.reduce(0, +) / Double(mean.count)], std: [std.reduce(0, +) / Double(std.count)])
    }

    /// The float of each byte value per channel, `levels[c · 256 + b]`, computed as torchvision does.
    func levels(channels: Int) -> [Float] {
        let n = forChannels(channels)
        return (0..<channels).flatMap { c -> [Float] in
            let m = Float(n.mean[n.mean.count == 1 ? 0 : c]), s = Float(n.std[n.std.count == 1 ? 0 : c])
            return (0..<256).map { b in (Float(b) / 255 - m) / s }
        }
    }
}
