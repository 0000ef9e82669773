import Foundation
import Testing
@testable import Apus
@testable import ApusVision

// Every loader of files, given each prefix of a valid file (every length up to a few hundred
// bytes, then a spread up to the whole file minus one byte), throws an ApusError and never traps:
// a trap would end this test process. CSV is the exception that proves the rule: a prefix that
// ends at a line break is a valid, shorter CSV file, so there a prefix may load, with fewer rows.

/// Prefix lengths of a file of `count` bytes: all of 0..<min(count, 400), then every 97th up to `count − 1`.
private func prefixLengths(_ count: Int) -> [Int] {
    Array(0..<Swift.min(count, 400)) + Array(stride(from: 400, to: count, by: 97)) + (count > 400 ? [count - 1] : [])
}

/// Checks that `load` throws an ``ApusError`` for every prefix of `bytes` and accepts the whole.
private func expectEveryPrefixThrows(_ label: String, _ bytes: [UInt8], _ load: ([UInt8]) throws -> Void) {
    #expect(throws: Never.self, "\(label): the whole file must load") { try load(bytes) }
    for n in prefixLengths(bytes.count) {
        do {
            try load(Array(bytes.prefix(n)))
            Issue.record("\(label): a prefix of \(n) of \(bytes.count) bytes loaded")
        } catch is ApusError {
        } catch {
            Issue.record("\(label): a prefix of \(n) bytes threw \(error), not an ApusError")
        }
    }
}

/// Writes `bytes` to a fresh file in `directory` and returns its path.
private func file(_ bytes: [UInt8], in directory: URL, _ name: String) throws -> String {
    let path = directory.appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

struct TruncatedFileTests {
    @Test func idxPlainAndGzip() {
        let bytes = IDX.encode((0..<300).map { UInt8($0 % 251) }, shape: [3, 10, 10])
        expectEveryPrefixThrows("IDX", bytes) { _ = try IDX.decode($0) }
        expectEveryPrefixThrows("IDX gzip", Zlib.deflate(bytes, format: .gzip)) { _ = try IDX.decode($0) }
    }

    @Test func gzip() throws {
        for name in ["fixed.gz", "dynamic_skewed.gz"] {
            let bytes = try [UInt8](Data(contentsOf: fixturesDirectory.appendingPathComponent("gzip/\(name)")))
            expectEveryPrefixThrows(name, bytes) { _ = try Gzip.decompress($0) }
        }
        // Two members: the prefix that ends where the first member ends is a valid gzip file of
        // the first member alone; every other prefix throws.
        let two = try [UInt8](Data(contentsOf: fixturesDirectory.appendingPathComponent("gzip/two_members.gz")))
        let whole = try Gzip.decompress(two)
        var loaded: [Int] = []
        for n in 0..<two.count {
            if let out = try? Gzip.decompress(Array(two.prefix(n))) {
                loaded.append(n)
                #expect(out.count < whole.count && Array(whole.prefix(out.count)) == out)
            }
        }
        #expect(loaded.count == 1, "prefixes that loaded: \(loaded)")
    }

    @Test func safetensors() throws {
        let tensors: [(name: String, tensor: Tensor)] = [("w", Tensor.linspace(-1, 1, count: 40).reshape([5, 8])),
                                                         ("b", Tensor([1.0, 2.0]).cast(to: .float64)), ("i", Tensor([3, 4]))]
        for checksum in [false, true] {
            expectEveryPrefixThrows("safetensors", Safetensors.encode(tensors, metadata: ["k": "v"], checksum: checksum)) {
                _ = try Safetensors.decode($0)
            }
        }
        let torch = try [UInt8](Data(contentsOf: fixturesDirectory.appendingPathComponent("torch_half.safetensors")))
        expectEveryPrefixThrows("torch_half.safetensors", torch) { _ = try Safetensors.decode($0) }
    }

    @Test func checkpointsAndWeights() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 1))
        let optimizer = Adam(model.parameters(), lr: 0.01)
        let whole = dir.appendingPathComponent("run.safetensors").path
        try TrainingCheckpoint.save(to: whole, model: model, optimizer: optimizer, epoch: 1, step: 3)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: whole)))
        expectEveryPrefixThrows("checkpoint", bytes) { prefix in
            let path = try file(prefix, in: dir, "cut.safetensors")
            try TrainingCheckpoint.load(from: path, model: model, optimizer: optimizer)
        }
        expectEveryPrefixThrows("weights", bytes) { prefix in
            try model.loadWeights(from: try file(prefix, in: dir, "cut.safetensors"))
        }
    }

    @Test func pytorchCheckpoints() throws {
        for name in ["parameters.pth", "protocol4.pth", "dtypes.pth"] {
            let bytes = try [UInt8](Data(contentsOf: fixturesDirectory.appendingPathComponent("pth/\(name)")))
            expectEveryPrefixThrows(name, bytes) { _ = try TorchCheckpoint.decode(bytes: $0, path: name) }
        }
    }

    @Test func pngAndJPEG() throws {
        for name in ["png/rgb8.png", "png/palette8.png", "png/rgba8_adam7_3x2.png", "png/grey16_adam7.png"] {
            let url = fixturesDirectory.appendingPathComponent("images/\(name)")
            guard let data = try? Data(contentsOf: url) else { Issue.record("missing fixture \(name)"); continue }
            expectEveryPrefixThrows(name, [UInt8](data)) { _ = try Image(decoding: $0) }
        }
        guard (try? TurboJPEG.loaded()) != nil else {
            #expect(ProcessInfo.processInfo.environment["APUS_REQUIRE_JPEG"] != "1", "APUS_REQUIRE_JPEG=1 but libturbojpeg is missing")
            return
        }
        for name in ["grey_baseline.jpg", "ycbcr422_progressive.jpg"] {
            let bytes = try [UInt8](Data(contentsOf: fixturesDirectory.appendingPathComponent("images/jpeg/\(name)")))
            expectEveryPrefixThrows(name, bytes) { _ = try Image(decoding: $0) }
        }
    }

    @Test func mnistCIFARAndDigits() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let images = IDX.encode([UInt8](repeating: 7, count: 2 * 28 * 28), shape: [2, 28, 28])
        let labels = try file(IDX.encode([3, 9], shape: [2]), in: dir, "labels")
        expectEveryPrefixThrows("MNIST images", images) { prefix in
            _ = try MNISTFormat.load(imagesPath: try file(prefix, in: dir, "images"), labelsPath: labels)
        }
        let record = [UInt8(4)] + [UInt8](repeating: 200, count: 3 * 32 * 32)
        expectEveryPrefixThrows("CIFAR-10 batch", record + record) { prefix in
            var pixels: [UInt8] = [], targets: [Int64] = []
            try CIFAR10.readBatch(try file(prefix, in: dir, "batch.bin"), pixels: &pixels, labels: &targets)
        }
        let digits = Array("APUSDIG1".utf8) + [2, 0, 0, 0, 64, 0, 0, 0] + [UInt8](repeating: 16, count: 128) + [1, 2]
        expectEveryPrefixThrows("digits", digits) { _ = try Digits.decode($0, path: "digits.bin") }
    }

    @Test func tfRecords() throws {
        let records = [TFRecord.frame(Array("abc".utf8)), TFRecord.frame([]), TFRecord.frame([UInt8](repeating: 7, count: 50))]
        let bytes = records.flatMap { $0 }
        #expect(try TFRecord.payloads(in: bytes, path: "events").count == 3)
        // A prefix that ends between records is a shorter valid file; every other prefix throws.
        let boundaries = Set([0, records[0].count, records[0].count + records[1].count])
        for n in 0..<bytes.count where !boundaries.contains(n) {
            #expect(throws: ApusError.self, "prefix of \(n) bytes") { try TFRecord.payloads(in: Array(bytes.prefix(n)), path: "events") }
        }
    }

    @Test func csvPrefixesLoadFewerRowsOrThrow() throws {
        let text = "\u{FEFF}a,\"b c\",label\r\n1,2.5,cat\r\n-3e2,\".5\",\"dog, \"\"big\"\"\"\r\n4,5,cat\r\n"
        let bytes = Array(text.utf8)
        let whole = try loadCSV(bytes: bytes)
        #expect(whole.count == 3 && whole.classNames == ["cat", "dog, \"big\""])
        for n in 0..<bytes.count {
            do {
                let d = try loadCSV(bytes: Array(bytes.prefix(n)))
                #expect(d.count <= 3 && d.features.shape == [d.count, 2])
            } catch is ApusError {
            } catch {
                Issue.record("a prefix of \(n) bytes threw \(error), not an ApusError")
            }
        }
    }
}
