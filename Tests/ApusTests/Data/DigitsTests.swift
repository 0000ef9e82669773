import Foundation
import Testing
@testable import Apus

// MARK: - The bundled data

@Test func bundledDigitsShapeAndTypes() throws {
    let d = try Digits.load()
    #expect(d.count == 1797)
    #expect(d.inputs.shape == [1797, 64])
    #expect(d.inputs.dtype == .float32)
    #expect(d.targets.shape == [1797])
    #expect(d.targets.dtype == .int64)
    #expect(Digits.classes == 10 && Digits.features == 64)

    let x = d.inputs.toArray(as: Float.self)
    #expect(x.min() == 0)
    #expect(x.max() == 1)   // some pixel is fully on (16/16)
    // Every value is a multiple of 1/16.
    #expect(x.allSatisfy { ($0 * 16).rounded() == $0 * 16 })
}

@Test func bundledDigitsLabels() throws {
    let d = try Digits.load()
    let y = d.targets.toArray(as: Int64.self)
    #expect(y.allSatisfy { (0...9).contains($0) })
    var counts = [Int](repeating: 0, count: 10)
    for label in y { counts[Int(label)] += 1 }
    #expect(counts.reduce(0, +) == 1797)
    #expect(counts.allSatisfy { (170...190).contains($0) })
    // Per-class counts of the UCI/scikit-learn digits (read from Resources/digits.bin).
    #expect(counts == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    // The data set starts with one example of each digit in order.
    #expect(Array(y.prefix(10)) == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
}

@Test func bundledDigitsFirstImage() throws {
    let d = try Digits.load()
    // scikit-learn's digits.images[0], a zero, as on-pixel counts out of 16.
    let counts: [Float] = [
        0, 0, 5, 13, 9, 1, 0, 0,
        0, 0, 13, 15, 10, 15, 5, 0,
        0, 3, 15, 2, 0, 11, 8, 0,
        0, 4, 12, 0, 0, 8, 8, 0,
        0, 5, 8, 0, 0, 9, 8, 0,
        0, 4, 11, 0, 1, 12, 7, 0,
        0, 2, 14, 5, 10, 12, 0, 0,
        0, 0, 6, 13, 10, 0, 0, 0,
    ]
    let first = d.batch(at: [0]).inputs
    #expect(first.shape == [1, 64])
    #expect(first.toArray(as: Float.self) == counts.map { $0 / 16 })
}

// MARK: - Reading files

/// A file in the digits format: "APUSDIG1", count and pixels as little-endian UInt32, then
/// `count·pixels` pixel bytes and `count` label bytes.
private func digitsFile(count: Int, pixels: Int = 64, images: [UInt8]? = nil, labels: [UInt8]? = nil,
                        magic: String = "APUSDIG1") -> [UInt8] {
    func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
    let images = images ?? (0..<(count * pixels)).map { UInt8($0 % 17) }
    let labels = labels ?? (0..<count).map { UInt8($0 % 10) }
    return Array(magic.utf8) + u32(count) + u32(pixels) + images + labels
}

/// Writes `bytes` to a fresh temporary file, runs `body` with its URL, then deletes it.
private func withTempFile<R>(_ bytes: [UInt8], _ body: (URL) throws -> R) throws -> R {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("apus-digits-\(UUID().uuidString).bin")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

/// Expects `load(contentsOf:)` to throw `corruptFile` for this path, with a non-empty reason.
private func expectCorrupt(_ bytes: [UInt8], reasonMentions fragment: String? = nil,
                           sourceLocation: SourceLocation = #_sourceLocation) throws {
    try withTempFile(bytes) { url in
        do {
            _ = try Digits.load(contentsOf: url)
            Issue.record("expected ApusError.corruptFile, loading succeeded", sourceLocation: sourceLocation)
        } catch let error as ApusError {
            guard case .corruptFile(let path, let reason) = error else {
                Issue.record("expected corruptFile, got \(error)", sourceLocation: sourceLocation)
                return
            }
            #expect(path == url.path, sourceLocation: sourceLocation)
            #expect(!reason.isEmpty, sourceLocation: sourceLocation)
            if let fragment {
                #expect(reason.contains(fragment), "reason: \(reason)", sourceLocation: sourceLocation)
            }
            #expect(error.description.contains(url.path), sourceLocation: sourceLocation)
            #expect(error.description.contains(reason), sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected ApusError, got \(error)", sourceLocation: sourceLocation)
        }
    }
}

@Test func wellFormedFileRoundTrips() throws {
    let images: [UInt8] = (0..<128).map { UInt8($0 % 17) }
    let d = try withTempFile(digitsFile(count: 2, images: images, labels: [7, 3])) {
        try Digits.load(contentsOf: $0)
    }
    #expect(d.count == 2)
    #expect(d.inputs.shape == [2, 64])
    #expect(d.inputs.toArray(as: Float.self) == images.map { Float($0) / 16 })
    #expect(d.targets.toArray(as: Int64.self) == [7, 3])
}

@Test func truncatedFileIsCorrupt() throws {
    let good = digitsFile(count: 3)
    try expectCorrupt(Array(good.dropLast()), reasonMentions: "bytes")
    try expectCorrupt(Array(good.prefix(16 + 64)), reasonMentions: "bytes")
    // Cut inside the header.
    try expectCorrupt(Array(good.prefix(12)))
    try expectCorrupt([])
}

@Test func trailingBytesAreCorrupt() throws {
    try expectCorrupt(digitsFile(count: 3) + [0], reasonMentions: "bytes")
}

@Test func wrongMagicIsCorrupt() throws {
    try expectCorrupt(digitsFile(count: 2, magic: "APUSDIG2"), reasonMentions: "APUSDIG1")
    try expectCorrupt(digitsFile(count: 2, magic: "NOTDIGIT"), reasonMentions: "APUSDIG1")
}

@Test func wrongPixelCountIsCorrupt() throws {
    // Internally consistent, but images of 32 pixels are not 8×8 digits.
    try expectCorrupt(digitsFile(count: 2, pixels: 32))
}

@Test func hugeCountInHeaderIsCorruptNotACrash() throws {
    var bytes = digitsFile(count: 1)
    bytes.replaceSubrange(8..<12, with: [0xFF, 0xFF, 0xFF, 0xFF])
    try expectCorrupt(bytes, reasonMentions: "bytes")
}

@Test func outOfRangePixelIsCorrupt() throws {
    var images = [UInt8](repeating: 16, count: 128)
    images[100] = 17
    try expectCorrupt(digitsFile(count: 2, images: images, labels: [0, 1]), reasonMentions: "range")
    images[100] = 255
    try expectCorrupt(digitsFile(count: 2, images: images, labels: [0, 1]), reasonMentions: "range")
}

@Test func outOfRangeLabelIsCorrupt() throws {
    let images = [UInt8](repeating: 0, count: 128)
    try expectCorrupt(digitsFile(count: 2, images: images, labels: [9, 10]), reasonMentions: "range")
}

@Test func missingFileIsNotReadable() {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("apus-no-such-file-\(UUID().uuidString).bin")
    #expect(throws: ApusError.fileNotReadable(path: url.path)) {
        try Digits.load(contentsOf: url)
    }
    #expect(ApusError.fileNotReadable(path: url.path).description.contains(url.path))
}

/// The bundled file is found without SwiftPM's `Bundle.module` (which stops the program when an
/// executable is copied away from its build folder), and a missing one is a thrown error naming
/// every place looked in.
@Test func bundledFileIsFoundOrNamedInAThrownError() throws {
    let places = Digits.bundledFileCandidates()
    #expect(places.contains { FileManager.default.isReadableFile(atPath: $0.path) })
    #expect(places.contains { $0.path.hasSuffix("Apus_Apus.resources/digits.bin") })
    let missing = [URL(fileURLWithPath: "/nonexistent/a/digits.bin"), URL(fileURLWithPath: "/nonexistent/b/digits.bin")]
    do {
        _ = try Digits.load(searching: missing)
        Issue.record("expected an error")
    } catch let error as ApusError {
        guard case .datasetNotFound(let name, let searched, _) = error else {
            Issue.record("unexpected error \(error)")
            return
        }
        #expect(name == "digits")
        #expect(searched == missing.map(\.path))
        #expect(error.description.contains("/nonexistent/b/digits.bin"))
        #expect(error.description.contains("Apus_Apus.resources"))
    }
}
