import Foundation
import Testing
@testable import Apus

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
}
