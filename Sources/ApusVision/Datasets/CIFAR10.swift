import Apus
import Foundation

/// CIFAR-10 (Krizhevsky, 2009): 32×32 colour images in 10 classes, 50,000 for training and 10,000
/// for testing, read from the "binary version" files.
///
/// Each file is a sequence of 3,073-byte records: one label byte, then 1,024 red, 1,024 green and
/// 1,024 blue bytes, rows top to bottom.
///
/// ```swift
/// let train = try CIFAR10.load(directory: "data/cifar-10-batches-bin")   // inputs [50000, 3, 32, 32]
/// ```
public enum CIFAR10 {
    /// Class names, by label.
    public static let classes = ["airplane", "automobile", "bird", "cat", "deer",
                                 "dog", "frog", "horse", "ship", "truck"]
    /// Per-channel mean of the training pixels (scaled to [0, 1]), for ``Normalize``.
    public static let mean = [0.4914, 0.4822, 0.4465]
    /// Per-channel standard deviation of the training pixels (scaled to [0, 1]), for ``Normalize``.
    public static let std = [0.2470, 0.2435, 0.2616]
    /// Bytes per record: a label and a 3×32×32 image.
    static let recordSize = 1 + 3 * 32 * 32

    /// The batch file names of the training (`data_batch_1.bin` … `data_batch_5.bin`) or test set.
    public static func fileNames(train: Bool) -> [String] {
        train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    }

    /// Loads the training (`train`) or test set: inputs float32 `[N, 3, 32, 32]` in [0, 1], targets int64 `[N]`.
    ///
    /// Reads the files as ``loadImages(directory:train:normalized:)`` does and converts every image
    /// to float32 at once (four times the memory of the bytes).
    public static func load(directory: String? = nil, train: Bool = true) throws -> TensorDataset {
        try loadImages(directory: directory, train: train).tensorDataset()
    }

    /// Loads the training (`train`) or test set as bytes: an ``ImageDataset`` of examples
    /// `[3, 32, 32]` whose batches are float32 in [0, 1] or, with `normalized`, standardised per
    /// channel with ``mean`` and ``std``; targets int64 in 0…9.
    ///
    /// Reads ``fileNames(train:)`` from `directory` (or its `cifar-10-batches-bin` folder, as the
    /// archive unpacks); when `directory` is nil, from `$APUS_DATA/cifar-10-batches-bin`.
    /// Throws `ApusError.datasetNotFound(name:searched:instructions:)` when files are missing and
    /// `ApusError.corruptFile(path:reason:)` when a file's size is not a whole number of records
    /// or a label is not 0…9.
    public static func loadImages(directory: String? = nil, train: Bool = true, normalized: Bool = false) throws -> ImageDataset {
        let candidates = directory.map { [$0, URL(fileURLWithPath: $0).appendingPathComponent("cifar-10-batches-bin").path] }
            ?? apusDataDirectories("cifar-10-batches-bin")
        let names = fileNames(train: train)
        let fm = FileManager.default
        guard let folder = candidates.first(where: { dir in
            names.allSatisfy { fm.isReadableFile(atPath: URL(fileURLWithPath: dir).appendingPathComponent($0).path) }
        }) else {
            throw ApusError.datasetNotFound(
                name: "CIFAR-10 (\(names.joined(separator: ", ")))", searched: candidates,
                instructions: """
                    Download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz and unpack it \
                    (`tar xzf cifar-10-binary.tar.gz`) into $APUS_DATA (it creates cifar-10-batches-bin/), \
                    or pass that folder as `directory:`.
                    """)
        }
        var pixels: [UInt8] = [], labels: [Int64] = []
        for name in names {
            try readBatch(URL(fileURLWithPath: folder).appendingPathComponent(name).path, pixels: &pixels, labels: &labels)
        }
        return ImageDataset(pixels: pixels, exampleShape: [3, 32, 32], labels: labels,
                            mean: normalized ? mean : [0], std: normalized ? std : [1])
    }

    /// Appends the records of one batch file: pixel bytes and labels.
    static func readBatch(_ path: String, pixels: inout [UInt8], labels: inout [Int64]) throws {
        let data = try FileBytes.read(path)
        guard !data.isEmpty, data.count % recordSize == 0 else {
            throw ApusError.corruptFile(path: path, reason: "\(data.count) bytes is not a whole number of \(recordSize)-byte records (1 label + 3×32×32 pixels)")
        }
        let count = data.count / recordSize
        pixels.reserveCapacity(pixels.count + count * (recordSize - 1))
        labels.reserveCapacity(labels.count + count)
        try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            for r in 0..<count {
                let start = r * recordSize
                guard bytes[start] < 10 else {
                    throw ApusError.corruptFile(path: path, reason: "record \(r): label \(bytes[start]) is not a class 0…9")
                }
                labels.append(Int64(bytes[start]))
                pixels.append(contentsOf: bytes[(start + 1)..<(start + recordSize)])
            }
        }
    }
}
