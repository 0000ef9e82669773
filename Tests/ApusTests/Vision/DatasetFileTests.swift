import Foundation
import Testing
@testable import Apus
@testable import ApusVision

@Suite struct IDXTests {
    @Test func readsUnsignedBytesPlainAndGzip() throws {
        let dir = try makeVisionDirectory()
        let values: [UInt8] = [0, 1, 2, 253, 254, 255]
        let plain = try writeFile(IDX.encode(values, shape: [2, 3]), dir, "a-idx2-ubyte")
        let gz = try writeFile(gzipStored(IDX.encode(values, shape: [2, 3])), dir, "a-idx2-ubyte.gz")
        for path in [plain, gz] {
            let t = try IDX.read(path)
            #expect(t.shape == [2, 3] && t.dtype == .int64)
            #expect(t.toArray(as: Int64.self) == [0, 1, 2, 253, 254, 255])
            let f = try IDX.read(path, dtype: .float32)
            #expect(f.dtype == .float32 && f.toArray(as: Float.self) == [0, 1, 2, 253, 254, 255])
        }
    }

    @Test func readsSignedIntegersAndFloats() throws {
        let dir = try makeVisionDirectory()
        // int32 big-endian: -2, 258
        let ints = try writeFile([0, 0, 0x0C, 1, 0, 0, 0, 2, 0xFF, 0xFF, 0xFF, 0xFE, 0, 0, 1, 2], dir, "ints")
        #expect(try IDX.read(ints).toArray(as: Int64.self) == [-2, 258])
        // signed bytes: -1, 127
        let bytes = try writeFile([0, 0, 0x09, 1, 0, 0, 0, 2, 0xFF, 0x7F], dir, "sbytes")
        #expect(try IDX.read(bytes).toArray(as: Int64.self) == [-1, 127])
        // float32 big-endian: 1.5 = 3fc00000, -2 = c0000000
        let floats = try writeFile([0, 0, 0x0D, 1, 0, 0, 0, 2, 0x3F, 0xC0, 0, 0, 0xC0, 0, 0, 0], dir, "floats")
        let f = try IDX.read(floats)
        #expect(f.dtype == .float32 && f.toArray(as: Float.self) == [1.5, -2])
    }

    @Test func errorsNameTheFile() throws {
        let dir = try makeVisionDirectory()
        let magic = try writeFile([0x12, 0x34, 0x08, 1, 0, 0, 0, 1, 7], dir, "magic")
        #expect(thrownMessage { _ = try IDX.read(magic) }
            == "file '\(magic)' is corrupt: not an IDX file: magic number 12 34 08 01 does not start with 00 00")
        let type = try writeFile([0, 0, 0x0A, 1, 0, 0, 0, 1, 7], dir, "type")
        #expect(thrownMessage { _ = try IDX.read(type) }.contains("'\(type)' is corrupt: unsupported IDX element type 0x0a"))
        let short = try writeFile(Array(IDX.encode(Array(repeating: 1, count: 12), shape: [3, 4]).dropLast(5)), dir, "short")
        #expect(thrownMessage { _ = try IDX.read(short) }
            == "file '\(short)' is corrupt: truncated: dimensions [3, 4] of 1-byte elements need 24 bytes, the file has 19")
        let long = try writeFile(IDX.encode([1, 2], shape: [2]) + [0], dir, "long")
        #expect(thrownMessage { _ = try IDX.read(long) }.contains("too long: dimensions [2]"))
        let header = try writeFile([0, 0, 8, 3, 0, 0], dir, "header")
        #expect(thrownMessage { _ = try IDX.read(header) }.contains("announces 3 dimensions"))
        let missing = dir + "/nothing"
        #expect(throws: ApusError.fileNotReadable(path: missing)) { try IDX.read(missing) }
        var gz = gzipStored(IDX.encode([1, 2], shape: [2]))
        gz[gz.count - 6] ^= 1  // CRC
        let badGzip = try writeFile(gz, dir, "bad.gz")
        #expect(thrownMessage { _ = try IDX.read(badGzip) }.contains("'\(badGzip)' is corrupt: CRC-32 mismatch"))
    }
}

@Suite struct MNISTLoaderTests {
    /// Writes `count` synthetic 28×28 images (pixel = (image·7 + y·28 + x) mod 256) and labels (i mod 10).
    func writeSet(_ dir: String, prefix: String, count: Int, gzip: Bool) throws -> [UInt8] {
        var pixels: [UInt8] = []
        for i in 0..<count { for p in 0..<784 { pixels.append(UInt8((i * 7 + p) % 256)) } }
        let labels = (0..<count).map { UInt8($0 % 10) }
        func wrap(_ b: [UInt8]) -> [UInt8] { gzip ? gzipStored(b) : b }
        let ext = gzip ? ".gz" : ""
        try writeFile(wrap(IDX.encode(pixels, shape: [count, 28, 28])), dir, "\(prefix)-images-idx3-ubyte\(ext)")
        try writeFile(wrap(IDX.encode(labels, shape: [count])), dir, "\(prefix)-labels-idx1-ubyte\(ext)")
        return pixels
    }

    @Test func loadsSyntheticFiles() throws {
        let dir = try makeVisionDirectory()
        let trainPixels = try writeSet(dir, prefix: "train", count: 12, gzip: true)
        _ = try writeSet(dir, prefix: "t10k", count: 3, gzip: false)
        let train = try FashionMNIST.load(directory: dir, train: true)
        #expect(train.count == 12)
        #expect(train.inputs.shape == [12, 1, 28, 28] && train.inputs.dtype == .float32)
        #expect(train.targets.dtype == .int64)
        #expect(train.targets.toArray(as: Int64.self) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
        #expect(train.inputs.toArray(as: Float.self) == trainPixels.map { Float($0) / 255 })
        // image 1, row 2, column 3: (7 + 2·28 + 3) / 255
        #expect(train.inputs.value(at: [1, 0, 2, 3]) == Double(Float(66) / 255))
        let test = try MNIST.load(directory: dir, train: false)
        #expect(test.inputs.shape == [3, 1, 28, 28] && test.targets.toArray(as: Int64.self) == [0, 1, 2])
    }

    @Test func mismatchedLabelCount() throws {
        let dir = try makeVisionDirectory()
        _ = try writeSet(dir, prefix: "train", count: 4, gzip: false)
        let labels = try writeFile(IDX.encode([1, 2, 3], shape: [3]), dir, "train-labels-idx1-ubyte")
        #expect(thrownMessage { _ = try MNIST.load(directory: dir) }.contains("'\(labels)' is corrupt: 3 labels for 4 images"))
        try writeFile(IDX.encode([1, 2, 3, 12], shape: [4]), dir, "train-labels-idx1-ubyte")
        #expect(thrownMessage { _ = try MNIST.load(directory: dir) }.contains("label 12 is not a class 0…9"))
    }

    @Test func missingFilesSayHowToGetThem() throws {
        let dir = try makeVisionDirectory()
        let fashion = thrownMessage { _ = try FashionMNIST.load(directory: dir, train: true) }
        #expect(fashion.hasPrefix("Fashion-MNIST (train-images-idx3-ubyte, train-labels-idx1-ubyte[.gz]) not found (looked in '\(dir)')"))
        #expect(fashion.contains("sudo apt-get install dataset-fashion-mnist"))
        #expect(fashion.contains("https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/train-images-idx3-ubyte.gz"))
        let mnist = thrownMessage { _ = try MNIST.load(directory: dir, train: false) }
        #expect(mnist.contains("t10k-labels-idx1-ubyte.gz") && mnist.contains("$APUS_DATA/mnist"))
        #expect(throws: ApusError.self) { try MNIST.load(directory: dir) }
    }

    /// The real Fashion-MNIST test set when Debian's dataset-fashion-mnist is installed (checked
    /// against numpy on the same files); skipped otherwise.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: FashionMNIST.debianDirectory + "/t10k-images-idx3-ubyte.gz")))
    func realFashionMNISTTestSet() throws {
        let test = try FashionMNIST.load(train: false)
        #expect(test.inputs.shape == [10_000, 1, 28, 28])
        let y = test.targets.toArray(as: Int64.self)
        #expect(Array(y.prefix(10)) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        var counts = [Int](repeating: 0, count: 10)
        for label in y { counts[Int(label)] += 1 }
        #expect(counts == Array(repeating: 1000, count: 10))
        let x = test.inputs.toArray(as: Float.self)
        #expect((x[0..<784].reduce(0) { $0 + Double($1) } * 255).rounded() == 33_456)  // numpy: x[0].sum()
        #expect(Swift.abs(x.reduce(0) { $0 + Double($1) } / Double(x.count) - 0.286_849_28) < 1e-6)
    }
}

@Suite struct CIFAR10Tests {
    /// One record: label, then channel c, row y, column x = (r·3 + c·5 + y + x) mod 256.
    func record(_ r: Int, label: UInt8) -> [UInt8] {
        var out = [label]
        for c in 0..<3 { for y in 0..<32 { for x in 0..<32 { out.append(UInt8((r * 3 + c * 5 + y + x) % 256)) } } }
        return out
    }

    @Test func loadsSyntheticBatches() throws {
        let dir = try makeVisionDirectory()
        for b in 1...5 { try writeFile(record(2 * b, label: UInt8(b)) + record(2 * b + 1, label: 9), dir, "data_batch_\(b).bin") }
        try writeFile(record(0, label: 3), dir, "test_batch.bin")
        let train = try CIFAR10.load(directory: dir, train: true)
        #expect(train.inputs.shape == [10, 3, 32, 32] && train.inputs.dtype == .float32)
        #expect(train.targets.toArray(as: Int64.self) == [1, 9, 2, 9, 3, 9, 4, 9, 5, 9])
        // example 3 is record 5 of data_batch_2: channel 2, row 4, column 7 = (15 + 10 + 11) / 255
        #expect(train.inputs.value(at: [3, 2, 4, 7]) == Double(Float(36) / 255))
        let test = try CIFAR10.load(directory: dir, train: false)
        #expect(test.inputs.shape == [1, 3, 32, 32] && test.targets.toArray(as: Int64.self) == [3])
        #expect(test.inputs.toArray(as: Float.self) == record(0, label: 3).dropFirst().map { Float($0) / 255 })
    }

    @Test func errors() throws {
        let dir = try makeVisionDirectory()
        let missing = thrownMessage { _ = try CIFAR10.load(directory: dir, train: false) }
        #expect(missing.contains("CIFAR-10 (test_batch.bin) not found") && missing.contains("cifar-10-binary.tar.gz"))
        let path = try writeFile(record(0, label: 1) + [1, 2], dir, "test_batch.bin")
        #expect(thrownMessage { _ = try CIFAR10.load(directory: dir, train: false) }
            == "file '\(path)' is corrupt: 3075 bytes is not a whole number of 3073-byte records (1 label + 3×32×32 pixels)")
        try writeFile(record(0, label: 1) + record(1, label: 10), dir, "test_batch.bin")
        #expect(thrownMessage { _ = try CIFAR10.load(directory: dir, train: false) }.contains("record 1: label 10 is not a class"))
    }
}
