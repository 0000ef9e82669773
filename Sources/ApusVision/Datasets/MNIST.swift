import Apus
import Foundation

/// Fashion-MNIST (Zalando, 2017): 28×28 grey images of clothing in 10 classes, 60,000 for training
/// and 10,000 for testing, in the IDX format of MNIST.
///
/// ```swift
/// let train = try FashionMNIST.load(train: true)   // inputs [60000, 1, 28, 28] in [0, 1], targets [60000] int64
/// ```
public enum FashionMNIST {
    /// Class names, by label.
    public static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                 "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// Mean of the training pixels (scaled to [0, 1]), for ``Normalize``.
    public static let mean = 0.2860
    /// Standard deviation of the training pixels (scaled to [0, 1]), for ``Normalize``.
    public static let std = 0.3530
    /// Where Debian's `dataset-fashion-mnist` package installs the files.
    public static let debianDirectory = "/usr/share/datasets/fashion-mnist"

    /// Loads the training (`train`) or test set: inputs float32 `[N, 1, 28, 28]` scaled to [0, 1],
    /// targets int64 `[N]` in 0…9.
    ///
    /// Reads the files as ``loadImages(directory:train:normalized:)`` does and converts every
    /// image to float32 at once (four times the memory of the bytes); with `normalized`, pixels are
    /// `(p − mean) / std` with ``mean`` and ``std`` instead.
    public static func load(directory: String? = nil, train: Bool = true, normalized: Bool = false) throws -> TensorDataset {
        try loadImages(directory: directory, train: train, normalized: normalized).tensorDataset()
    }

    /// Loads the training (`train`) or test set as bytes: an ``ImageDataset`` of examples `[1, 28, 28]`
    /// whose batches are float32 scaled to [0, 1] (or, with `normalized`, `(p − mean) / std` with
    /// ``mean`` and ``std``), targets int64 in 0…9.
    ///
    /// Reads `train-images-idx3-ubyte` and `train-labels-idx1-ubyte` (or `t10k-…`), each plain or
    /// with `.gz`, from `directory`; when `directory` is nil, from ``debianDirectory`` and then
    /// `$APUS_DATA/fashion-mnist`. Throws `ApusError.datasetNotFound(name:searched:instructions:)`
    /// saying how to get the files when they are in none of these places.
    public static func loadImages(directory: String? = nil, train: Bool = true, normalized: Bool = false) throws -> ImageDataset {
        let searched = directory.map { [$0] } ?? [debianDirectory] + apusDataDirectories("fashion-mnist")
        let base = "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion"
        return try MNISTFormat.load(name: "Fashion-MNIST", searched: searched, train: train,
                                    normalization: normalized ? (mean, std) : (0, 1), instructions: """
            Install it with `sudo apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or download \
            \(MNISTFormat.fileNames(train: train).map { "\(base)/\($0).gz" }.joined(separator: " and ")) \
            into $APUS_DATA/fashion-mnist (or a directory passed as `directory:`).
            """)
    }
}

/// MNIST (LeCun, Cortes, Burges): 28×28 grey images of handwritten digits, 60,000 for training and
/// 10,000 for testing.
///
/// ```swift
/// let test = try MNIST.load(directory: "data/mnist", train: false)   // inputs [10000, 1, 28, 28]
/// ```
public enum MNIST {
    /// Class names, by label.
    public static let classes = (0..<10).map(String.init)
    /// Mean of the training pixels (scaled to [0, 1]), for ``Normalize``.
    public static let mean = 0.1307
    /// Standard deviation of the training pixels (scaled to [0, 1]), for ``Normalize``.
    public static let std = 0.3081

    /// Loads the training (`train`) or test set: inputs float32 `[N, 1, 28, 28]` scaled to [0, 1],
    /// targets int64 `[N]` in 0…9.
    ///
    /// Reads the files as ``loadImages(directory:train:normalized:)`` does and converts every
    /// image to float32 at once (four times the memory of the bytes); with `normalized`, pixels are
    /// `(p − mean) / std` with ``mean`` and ``std`` instead.
    public static func load(directory: String? = nil, train: Bool = true, normalized: Bool = false) throws -> TensorDataset {
        try loadImages(directory: directory, train: train, normalized: normalized).tensorDataset()
    }

    /// Loads the training (`train`) or test set as bytes: an ``ImageDataset`` of examples `[1, 28, 28]`
    /// whose batches are float32 scaled to [0, 1] (or, with `normalized`, `(p − mean) / std` with
    /// ``mean`` and ``std``), targets int64 in 0…9.
    ///
    /// Reads `train-images-idx3-ubyte` and `train-labels-idx1-ubyte` (or `t10k-…`), each plain or
    /// with `.gz`, from `directory`, or from `$APUS_DATA/mnist` when `directory` is nil. Throws
    /// `ApusError.datasetNotFound(name:searched:instructions:)` saying how to get the files when missing.
    public static func loadImages(directory: String? = nil, train: Bool = true, normalized: Bool = false) throws -> ImageDataset {
        let searched = directory.map { [$0] } ?? apusDataDirectories("mnist")
        let base = "https://ossci-datasets.s3.amazonaws.com/mnist"
        return try MNISTFormat.load(name: "MNIST", searched: searched, train: train,
                                    normalization: normalized ? (mean, std) : (0, 1), instructions: """
            Download \(MNISTFormat.fileNames(train: train).map { "\(base)/\($0).gz" }.joined(separator: " and ")) \
            into $APUS_DATA/mnist (or a directory passed as `directory:`).
            """)
    }
}

/// `$APUS_DATA/<name>` when the `APUS_DATA` environment variable is set.
func apusDataDirectories(_ name: String) -> [String] {
    guard let root = ProcessInfo.processInfo.environment["APUS_DATA"], !root.isEmpty else {
        return ["$APUS_DATA/\(name) (APUS_DATA is not set)"]
    }
    return [URL(fileURLWithPath: root).appendingPathComponent(name).path]
}

/// The file layout shared by MNIST and Fashion-MNIST.
enum MNISTFormat {
    /// Image and label file names, without `.gz`.
    static func fileNames(train: Bool) -> [String] {
        let prefix = train ? "train" : "t10k"
        return ["\(prefix)-images-idx3-ubyte", "\(prefix)-labels-idx1-ubyte"]
    }

    /// The path of `name` or `name.gz` in `directory`, if either exists.
    static func find(_ name: String, in directory: String) -> String? {
        let fm = FileManager.default
        for candidate in [name, name + ".gz"] {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(candidate).path
            if fm.isReadableFile(atPath: path) { return path }
        }
        return nil
    }

    static func load(name: String, searched: [String], train: Bool, normalization: (mean: Double, std: Double) = (0, 1),
                     instructions: String) throws -> ImageDataset {
        let names = fileNames(train: train)
        for directory in searched {
            if let images = find(names[0], in: directory), let labels = find(names[1], in: directory) {
                return try load(imagesPath: images, labelsPath: labels, normalization: normalization)
            }
        }
        throw ApusError.datasetNotFound(name: "\(name) (\(names.joined(separator: ", "))[.gz])",
                                        searched: searched, instructions: instructions)
    }

    /// Reads an image file (unsigned bytes `[N, H, W]`) and a label file (unsigned bytes `[N]`, 0…9)
    /// into examples `[1, H, W]` whose batches are `(byte/255 − mean) / std`.
    static func load(imagesPath: String, labelsPath: String,
                     normalization: (mean: Double, std: Double) = (0, 1)) throws -> ImageDataset {
        var images = try IDX.readContents(imagesPath)
        let labels = try IDX.readContents(labelsPath)
        guard images.type == 0x08, images.shape.count == 3 else {
            throw ApusError.corruptFile(path: imagesPath, reason: "expected unsigned bytes [N, height, width], found type \(images.type) of shape \(images.shape)")
        }
        guard labels.type == 0x08, labels.shape.count == 1 else {
            throw ApusError.corruptFile(path: labelsPath, reason: "expected unsigned bytes [N], found type \(labels.type) of shape \(labels.shape)")
        }
        guard images.shape[1] > 0, images.shape[2] > 0 else {
            throw ApusError.corruptFile(path: imagesPath, reason: "images of \(images.shape[1])×\(images.shape[2]) pixels: "
                                        + "an image needs at least one row and one column")
        }
        guard images.shape[0] == labels.shape[0] else {
            throw ApusError.corruptFile(path: labelsPath, reason: "\(labels.shape[0]) labels for \(images.shape[0]) images in '\(imagesPath)'")
        }
        let labelBytes = labels.bytes[labels.dataOffset...]
        if let bad = labelBytes.first(where: { $0 > 9 }) {
            throw ApusError.corruptFile(path: labelsPath, reason: "label \(bad) is not a class 0…9")
        }
        images.bytes.removeFirst(images.dataOffset)  // the header: the pixels stay where they are, no second copy
        return ImageDataset(pixels: images.bytes, exampleShape: [1, images.shape[1], images.shape[2]],
                            labels: labelBytes.map { Int64($0) },
                            mean: [normalization.mean], std: [normalization.std])
    }
}
