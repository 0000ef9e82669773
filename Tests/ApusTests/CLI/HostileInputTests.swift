import Foundation
import Testing
@testable import Apus
import ApusVision

// Damaged files and careless flags, run through `apus train` as a user would: each gives one
// `error:` line naming the file or flag and the problem, exit status 1 and no signal, or, where
// the input is valid, a correct result.

private let crashMarkers = ["Program crashed", "Fatal error", "Backtrac", "Illegal instruction", "Segmentation fault"]

/// Checks `r` is one error line containing every fragment, exit status 1, no crash.
private func expectOneErrorLine(_ r: Outcome, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == 1, "status \(r.status); stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderrLines.count == 1 && r.stderrLines.first?.hasPrefix("error: ") == true, "stderr: \(r.stderr)",
            sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(r.stderr.contains(fragment), "'\(r.stderr)' should mention '\(fragment)'", sourceLocation: sourceLocation)
    }
    for marker in crashMarkers { #expect(!r.stderr.contains(marker), sourceLocation: sourceLocation) }
}

/// An MNIST-layout folder with the given image and label files (train and test alike unless given).
private func mnistFolder(train: (images: [UInt8], labels: [UInt8]), test: (images: [UInt8], labels: [UInt8])? = nil,
                         gzipTrainImages: Bool = false) throws -> String {
    let dir = try makeVisionDirectory()
    let test = test ?? train
    try writeFile(train.images, dir, "train-images-idx3-ubyte" + (gzipTrainImages ? ".gz" : ""))
    try writeFile(train.labels, dir, "train-labels-idx1-ubyte")
    try writeFile(test.images, dir, "t10k-images-idx3-ubyte")
    try writeFile(test.labels, dir, "t10k-labels-idx1-ubyte")
    return dir
}

/// An IDX header of unsigned bytes with `dims` and `payload` after it.
private func idx(_ dims: [UInt32], _ payload: [UInt8] = []) -> [UInt8] {
    [0, 0, 8, UInt8(dims.count)] + dims.flatMap { d in (0..<4).map { UInt8(d >> (24 - 8 * $0) & 0xFF) } } + payload
}

private func images(_ n: Int, _ h: Int = 28, _ w: Int = 28) -> [UInt8] {
    IDX.encode([UInt8](repeating: 100, count: n * h * w), shape: [n, h, w])
}

private func labels(_ n: Int) -> [UInt8] { IDX.encode((0..<n).map { UInt8($0 % 10) }, shape: [n]) }

struct HostileInputTests {
    // MARK: Models for another task

    /// A segmentation model given to the classification commands: one error line, no crash.
    @Test func segmentationModelsAreNotClassifiers() throws {
        expectOneErrorLine(try apus(["train", "--model", "unet", "--epochs", "1"]), ["unet is a segmentation model", "labels pixels"])
        let dir = try makeVisionDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let weights = dir + "/weights.pth"
        try Data("not read".utf8).write(to: URL(fileURLWithPath: weights))
        expectOneErrorLine(try apus(["predict", "--model", "fcn_resnet50", "--weights", weights, "any.png"]),
                           ["fcn_resnet50 is a segmentation model"])
    }

    // MARK: IDX files (apus train --dataset mnist --data DIR)

    @Test func idxDimensionsWhoseProductOverflows() throws {
        let dir = try mnistFolder(train: (idx([.max, .max, .max]), idx([.max])))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        expectOneErrorLine(try apus(["train", "--dataset", "mnist", "--data", dir, "--model", "lenet5"]),
                           ["train-images-idx3-ubyte", "too large", "64 bits"])
    }

    @Test func idxImagesWithZeroRows() throws {
        let dir = try mnistFolder(train: (images(10, 0, 28), labels(10)))
        defer { try? FileManager.default.removeItem(atPath: dir) }
        expectOneErrorLine(try apus(["train", "--dataset", "mnist", "--data", dir, "--model", "lenet5"]),
                           ["train-images-idx3-ubyte", "0×28 pixels"])
    }

    @Test func emptyTrainingAndTestSets() throws {
        let emptyTrain = try mnistFolder(train: (images(0), labels(0)), test: (images(10), labels(10)))
        let emptyTest = try mnistFolder(train: (images(20), labels(20)), test: (images(0), labels(0)))
        defer { for d in [emptyTrain, emptyTest] { try? FileManager.default.removeItem(atPath: d) } }
        expectOneErrorLine(try apus(["train", "--dataset", "mnist", "--data", emptyTrain, "--model", "lenet5", "--epochs", "1"]),
                           ["training set of mnist is empty"])
        // Not "test_accuracy 0": an empty test split is an error before any training.
        let r = try apus(["train", "--dataset", "mnist", "--data", emptyTest, "--model", "lenet5", "--epochs", "1", "--json"])
        expectOneErrorLine(r, ["test set of mnist is empty"])
        #expect(!r.stdout.contains("test_accuracy"))
    }

    @Test func gzipBombAndImpossibleGzipHeader() throws {
        // Claims 10 images but inflates to 64 MiB: inflating stops at the 7,856 bytes the header allows.
        let bomb = idx([10, 28, 28], [UInt8](repeating: 0, count: 64 << 20))
        let dir = try mnistFolder(train: (Zlib.deflate(bomb, format: .gzip, level: 9), labels(10)), gzipTrainImages: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        expectOneErrorLine(try apus(["train", "--dataset", "mnist", "--data", dir, "--model", "lenet5"]),
                           ["train-images-idx3-ubyte.gz", "too long", "need 7856 bytes"])
        // Claims 2³² images in a few bytes: refused before inflating, deflate expands at most 1032-fold.
        let claim = Zlib.deflate(idx([.max, 28, 28], [1, 2, 3]), format: .gzip)
        try writeFile(claim, dir, "train-images-idx3-ubyte.gz")
        expectOneErrorLine(try apus(["train", "--dataset", "mnist", "--data", dir, "--model", "lenet5"]),
                           ["train-images-idx3-ubyte.gz", "1032-fold"])
    }

    // MARK: Checkpoints (apus train --resume PATH)

    /// A safetensors file with one hand-written header.
    private func safetensorsFile(_ header: String, data: [UInt8] = [], in dir: String) throws -> String {
        let h = Array(header.utf8)
        return try writeFile(withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) } + h + data, dir, "bad.safetensors")
    }

    @Test func safetensorsShapeWhoseByteSizeWraps() throws {
        let dir = try makeVisionDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 2⁶¹·2 elements fit in Int, their 4-byte size does not: the message must not multiply them again.
        let path = try safetensorsFile(#"{"a":{"dtype":"F32","shape":[2305843009213693952,2],"data_offsets":[0,0]}}"#, in: dir)
        expectOneErrorLine(try apus(["train", "--resume", path]), [path, "tensor 'a'", "does not fit in 64 bits"])
        // An empty tensor whose other dimensions overflow is refused too (its strides would).
        let empty = try safetensorsFile(#"{"a":{"dtype":"F32","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}}"#, in: dir)
        expectOneErrorLine(try apus(["train", "--resume", empty]), ["tensor 'a'", "does not fit in 64 bits"])
    }

    @Test func safetensorsDuplicateTensorNames() throws {
        let dir = try makeVisionDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = try safetensorsFile(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                                       data: [UInt8](repeating: 0, count: 8), in: dir)
        expectOneErrorLine(try apus(["train", "--resume", path]), [path, "tensor name 'a' appears twice"])
    }

    @Test func aFlippedDataByteIsCaughtByTheChecksum() throws {
        let dir = try makeVisionDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = URL(fileURLWithPath: dir).appendingPathComponent("run.safetensors").path
        let first = try apus(["train", "--epochs", "1", "--hidden", "8", "--checkpoint", path])
        #expect(first.status == 0, "\(first.stderr)")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count - 3] ^= 0x10  // a bit of the last tensor's data: still a valid float
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        expectOneErrorLine(try apus(["train", "--epochs", "2", "--hidden", "8", "--resume", path]),
                           [path, "checksum mismatch", "damaged"])
        // Nothing of the checkpoint's temporary files is left beside it.
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(names == ["run.safetensors"], "\(names)")
    }

    // MARK: Flags

    @Test func hugeAndNegativeSizes() throws {
        expectOneErrorLine(try apus(["train", "--hidden", "99999999999"]),
                           ["--hidden 99999999999", "layer 1 (Linear 64→99999999999)", "25.6 TB", "memory"])
        expectOneErrorLine(try apus(["train", "--hidden", "3037000500", "3037000500"]), ["--hidden", "layer 1", "GB"])
        expectOneErrorLine(try apus(["train", "--hidden", "-3"]), ["--hidden", "-3", "negative size"])
        expectOneErrorLine(try apus(["train", "--hidden", "64", "-3", "--epochs", "1"]), ["--hidden", "-3", "negative size"])
        expectOneErrorLine(try apus(["summary", "--model", "resnet18", "--input", "1x3x99999999x99999999"]), ["--input", "EB"])
        expectOneErrorLine(try apus(["summary", "--model", "resnet18", "--classes", "99999999999"]), ["99999999999 classes", "PB"])
    }

    @Test func theLargestBatchSizeIsOneBatchOfEverything() throws {
        // Valid: every epoch is one batch of the whole training set (as PyTorch's DataLoader does).
        let r = try apus(["train", "--batch-size", "9223372036854775807", "--epochs", "2", "--hidden", "8", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try lastLineJSON(r)
        #expect((json["test_accuracy"] as? Double).map { $0 > 0.1 } == true, "\(json)")
    }
}
