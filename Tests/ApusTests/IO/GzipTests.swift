import Foundation
import Testing
@testable import Apus
@testable import ApusVision

/// The uncompressed contents of the fixtures, recomputed as Scripts/make_gzip_fixtures.py makes them.
enum GzipFixtureData {
    static func lcg(_ seed: UInt64, _ count: Int, _ body: (UInt64) -> Void) {
        var x = seed
        for _ in 0..<count {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            body(x)
        }
    }

    static func random(_ n: Int, seed: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        lcg(seed, n) { out.append(UInt8($0 >> 56)) }
        return out
    }

    static func skewed(_ n: Int, seed: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        lcg(seed, n) { out.append(UInt8(truncatingIfNeeded: $0.leadingZeroBitCount * 2 + Int($0 & 1))) }
        return out
    }

    static let words = ["apus", "swift", "tensor", "gradient", "the", "a", "of", "convolution",
                        "pooling", "image", "fashion", "mnist", "data", "loader", "zip", "deflate"]

    static func text(_ count: Int, seed: UInt64) -> [UInt8] {
        var chosen: [String] = []
        lcg(seed, count) { chosen.append(words[Int($0 >> 60)]) }
        return Array(chosen.joined(separator: " ").utf8)
    }

    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/gzip/\(name)").path
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name))))
    }
}

@Suite struct GzipTests {
    typealias F = GzipFixtureData

    @Test func storedBlocks() throws {
        let out = try Gzip.decompress(contentsOf: F.path("stored.gz"))
        #expect(out.count == 70_000)
        #expect(out == F.random(70_000, seed: 1))
    }

    @Test func fixedHuffmanBlock() throws {
        let expected = Array(String(repeating: "apus swift tensor ", count: 100).utf8) + Array(repeating: UInt8(ascii: "a"), count: 300)
        #expect(try Gzip.decompress(contentsOf: F.path("fixed.gz")) == expected)
    }

    @Test func dynamicHuffmanBlocks() throws {
        #expect(try Gzip.decompress(contentsOf: F.path("dynamic_text.gz")) == F.text(12_000, seed: 3))
        // Skewed byte frequencies give codes longer than the 10-bit primary table.
        #expect(try Gzip.decompress(contentsOf: F.path("dynamic_skewed.gz")) == F.skewed(20_000, seed: 4))
    }

    @Test func fileNameHeaderAndTwoMembers() throws {
        let out = try Gzip.decompress(contentsOf: F.path("two_members.gz"))
        #expect(out == F.text(500, seed: 5) + F.text(300, seed: 6))
    }

    @Test func magicNumber() throws {
        #expect(Gzip.isGzip(try F.bytes("fixed.gz")))
        #expect(!Gzip.isGzip([0, 0, 8, 3]))
        #expect(!Gzip.isGzip([0x1F]))
    }

    @Test func emptyInput() throws {
        // Python: gzip.compress(b"", mtime=0)
        let empty: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 2, 0xFF, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        #expect(try Gzip.decompress(empty) == [])
    }

    /// The message of the error `body` throws.
    func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "no error"
    }

    @Test func corruptCRC() throws {
        var bytes = try F.bytes("dynamic_text.gz")
        bytes[bytes.count - 8] ^= 0xFF
        let text = message { _ = try Gzip.decompress(bytes, path: "data.gz") }
        #expect(text.contains("'data.gz'") && text.contains("CRC-32 mismatch"), "\(text)")
        #expect(throws: ApusError.self) { try Gzip.decompress(bytes) }
    }

    @Test func corruptLength() throws {
        var bytes = try F.bytes("fixed.gz")
        bytes[bytes.count - 4] ^= 1
        let text = message { _ = try Gzip.decompress(bytes, path: "data.gz") }
        #expect(text.contains("length mismatch"), "\(text)")
    }

    @Test(arguments: [0.1, 0.5, 0.99])
    func truncated(fraction: Double) throws {
        let bytes = try F.bytes("dynamic_text.gz")
        let cut = Array(bytes[..<Int(Double(bytes.count) * fraction)])
        let text = message { _ = try Gzip.decompress(cut, path: "cut.gz") }
        #expect(text.contains("'cut.gz'") && text.contains("truncated"), "\(text)")
    }

    @Test func truncatedStoredAndTrailer() throws {
        let stored = try F.bytes("stored.gz")
        #expect(message { _ = try Gzip.decompress(Array(stored[..<40_000])) }.contains("truncated"))
        let fixed = try F.bytes("fixed.gz")
        #expect(message { _ = try Gzip.decompress(Array(fixed[..<(fixed.count - 3)])) }.contains("truncated gzip data"))
        #expect(message { _ = try Gzip.decompress(Array(fixed[..<5])) }.contains("truncated gzip data"))
        #expect(message { _ = try Gzip.decompress([]) }.contains("not gzip data: starts with nothing"))
    }

    @Test func badHeader() throws {
        #expect(message { _ = try Gzip.decompress(Array(repeating: 0, count: 30), path: "x") }
            .contains("not gzip data: starts with 00 00, expected 1f 8b"))
        var bytes = try F.bytes("fixed.gz")
        bytes[2] = 7
        #expect(message { _ = try Gzip.decompress(bytes) }.contains("unknown compression method"))
    }

    @Test func invalidBlockType() throws {
        var bytes = try F.bytes("fixed.gz")
        bytes[10] |= 0b110  // BTYPE 3
        #expect(message { _ = try Gzip.decompress(bytes) }.contains("invalid block type"))
    }

    /// Damaged deflate data must throw (or, by chance, decode to something the CRC rejects), never crash.
    @Test func randomlyDamagedDataThrows() throws {
        let original = try F.bytes("dynamic_text.gz")
        var failures = 0
        var state: UInt64 = 1
        for _ in 0..<200 {
            var bytes = original
            for _ in 0..<3 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let at = 10 + Int(state >> 33) % (original.count - 18)  // inside the deflate data
                bytes[at] ^= UInt8(truncatingIfNeeded: state >> 8) | 1
            }
            do { _ = try Gzip.decompress(bytes) } catch let error as ApusError {
                if case .corruptFile = error { failures += 1 }
            }
        }
        #expect(failures == 200)
    }

    @Test func crc32KnownValue() {
        // The standard check value of CRC-32 (ISO 3309): crc32("123456789") = cbf43926.
        #expect(PNG.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func checksumsContinue() {
        let bytes = Array("123456789".utf8)
        let head = bytes.withUnsafeBytes { Zlib.crc32(UnsafeRawBufferPointer(rebasing: $0[..<4])) }
        #expect(bytes.withUnsafeBytes { Zlib.crc32(UnsafeRawBufferPointer(rebasing: $0[4...]), continuing: head) } == 0xCBF4_3926)
        #expect(Zlib.crc32([]) == 0 && Zlib.adler32([]) == 1)
        #expect(Zlib.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test(arguments: [Zlib.Format.zlib, .gzip, .raw])
    func deflateRoundTrips(format: Zlib.Format) throws {
        let data = F.text(5_000, seed: 9)
        for level: Int32 in [0, 1, 6, 9] {
            let packed = Zlib.deflate(data, format: format, level: level)
            #expect(level == 0 || packed.count < data.count / 2)
            #expect(try Zlib.inflate(packed, format: format, path: "x") == data)
        }
        #expect(try Zlib.inflate(Zlib.deflate([], format: format), format: format, path: "x") == [])
    }

    @Test func zeroPaddingIsSkippedAndOtherTrailingBytesAreNot() throws {
        let member = Zlib.deflate(Array("apus".utf8), format: .gzip)
        #expect(try Gzip.decompress(member + [0, 0, 0, 0] + member + [0]) == Array("apusapus".utf8))
        let garbage = message { _ = try Gzip.decompress(member + [0, 7, 7], path: "g.gz") }
        #expect(garbage.contains("'g.gz'") && garbage.contains("trailing garbage: 3 bytes after the end of a gzip member"), "\(garbage)")
        let zlib = message { _ = try Zlib.inflate(Zlib.deflate([1, 2, 3]) + [9], format: .zlib, path: "z") }
        #expect(zlib.contains("trailing garbage: 1 bytes after the end of the zlib stream"), "\(zlib)")
        let badMember = message { _ = try Gzip.decompress(member + [0x1F, 0x8B, 1, 2, 3], path: "m.gz") }
        #expect(badMember.contains("'m.gz' is corrupt"), "\(badMember)")
    }

    @Test func theCapIsExact() throws {
        let data = F.random(100_000, seed: 2)
        let packed = Zlib.deflate(data, format: .gzip)
        #expect(try Gzip.decompress(packed, maxOutputBytes: 100_000) == data)
        let text = message { _ = try Gzip.decompress(packed, path: "cap.gz", maxOutputBytes: 99_999) }
        #expect(text.contains("'cap.gz'") && text.contains("too long") && text.contains("more than 99999 bytes"), "\(text)")
        #expect(message { _ = try Gzip.decompress(packed, maxOutputBytes: 0) }.contains("too long"))
    }

    /// `prefix` as one gzip member, then 256 MiB of zeros as 256 members of 1 MiB (about 1 KB
    /// each): a gzip bomb of some 256 KB.
    static func bomb(after prefix: [UInt8]) -> [UInt8] {
        let member = Zlib.deflate([UInt8](repeating: 0, count: 1 << 20), format: .gzip, level: 9)
        return Zlib.deflate(prefix, format: .gzip) + Array(repeatElement(member, count: 256).joined())
    }

    @Test func aCappedInflateOfABombStopsAtTheCap() throws {
        let bomb = Self.bomb(after: [])
        #expect(bomb.count < 300_000)
        let inflater = Zlib.Inflater(bomb, format: .gzip, path: "bomb.gz")
        var output: [UInt8] = []
        let text = message { try inflater.readToEnd(into: &output, maxOutputBytes: 3 << 20) }
        #expect(text.contains("'bomb.gz'") && text.contains("too long"), "\(text)")
        // Three members' worth kept, one byte more decoded to see that the data goes on: not 256 MiB.
        #expect(output.count == 3 << 20 && output.allSatisfy { $0 == 0 })
        #expect(inflater.totalOut == (3 << 20) + 1)
    }
}

@Suite struct IDXGzipBombTests {
    @Test func aGzipBombClaimingATinyShapeStopsEarly() throws {
        let dir = try makeVisionDirectory()
        let path = try writeFile(GzipTests.bomb(after: IDX.encode([1, 2, 3, 4], shape: [4])), dir, "bomb-idx1-ubyte.gz")
        // The reader caps the inflater at the size the header announces (aCappedInflateOfABombStopsAtTheCap
        // shows that a capped inflater stops there), so the 256 MiB are never produced.
        let text = thrownMessage { _ = try IDX.read(path) }
        #expect(text == "file '\(path)' is corrupt: too long: dimensions [4] of 1-byte elements need 12 bytes, the gzip data inflates to more")
    }

    @Test func gzipIDXFilesAreCheckedStepByStep() throws {
        let dir = try makeVisionDirectory()
        let idx = IDX.encode([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let gz = try writeFile(Zlib.deflate(idx, format: .gzip), dir, "ok.gz")
        #expect(try IDX.read(gz).toArray(as: Int64.self) == [1, 2, 3, 4, 5, 6])
        let short = try writeFile(Zlib.deflate(Array(idx.dropLast()), format: .gzip), dir, "short.gz")
        #expect(thrownMessage { _ = try IDX.read(short) }.contains("truncated: dimensions [2, 3] of 1-byte elements need 18 bytes, the file has 17"))
        let long = try writeFile(Zlib.deflate(idx + [0], format: .gzip), dir, "long.gz")
        #expect(thrownMessage { _ = try IDX.read(long) }.contains("too long: dimensions [2, 3]"))
        let tiny = try writeFile(Zlib.deflate([0, 0], format: .gzip), dir, "tiny.gz")
        #expect(thrownMessage { _ = try IDX.read(tiny) }.contains("2 bytes is too short"))
        let header = try writeFile(Zlib.deflate([0, 0, 8, 3, 0, 0, 0, 1], format: .gzip), dir, "header.gz")
        #expect(thrownMessage { _ = try IDX.read(header) }.contains("announces 3 dimensions but the file has only 8 bytes"))
        let cut = try writeFile(Array(Zlib.deflate(idx, format: .gzip).dropLast(4)), dir, "cut.gz")
        #expect(thrownMessage { _ = try IDX.read(cut) }.contains("'\(cut)' is corrupt: truncated gzip data"))
    }

    /// An IDX header of element type `type` and the given dimensions, then `extra` zero bytes.
    func header(type: UInt8 = 8, _ dims: [UInt32], extra: Int = 0) -> [UInt8] {
        var out: [UInt8] = [0, 0, type, UInt8(dims.count)]
        for d in dims { out.appendBigEndian(d) }
        return out + [UInt8](repeating: 0, count: extra)
    }

    @Test(arguments: [
        [UInt32.max, .max, .max, .max],  // 2¹²⁸ elements
        [UInt32.max, .max, .max, .max, 0],  // no elements, but products no code may form on the way
        [0x8000_0000, 0x8000_0000],  // 2⁶² elements fit in Int; as 8-byte doubles they do not
    ])
    func overflowingDimensionsThrow(dims: [UInt32]) throws {
        let dir = try makeVisionDirectory()
        let bytes = header(type: 0x0E, dims, extra: 8)
        for path in [try writeFile(bytes, dir, "plain"), try writeFile(Zlib.deflate(bytes, format: .gzip), dir, "packed.gz")] {
            let text = thrownMessage { _ = try IDX.read(path) }
            #expect(text.contains("'\(path)' is corrupt: dimensions") && text.contains("too large"), "\(text)")
        }
    }

    @Test func hugeButRepresentableDimensionsAreTruncatedFiles() throws {
        let dir = try makeVisionDirectory()
        let bytes = header([0xFFFF_FFFF, 0x7FFF_FFFF], extra: 3)
        let plain = try writeFile(bytes, dir, "plain")
        #expect(thrownMessage { _ = try IDX.read(plain) }
            .contains("truncated: dimensions [4294967295, 2147483647] of 1-byte elements need 9223372030412324877 bytes, the file has 15"))
        // Compressed, the claim is refused before inflating: no deflate data expands more than 1032-fold.
        let packed = Zlib.deflate(bytes, format: .gzip)
        let path = try writeFile(packed, dir, "packed.gz")
        #expect(thrownMessage { _ = try IDX.read(path) }
            .contains("need 9223372030412324877 bytes, more than the \(packed.count) bytes of gzip data can hold (deflate expands at most 1032-fold)"))
    }
}
