import Foundation
import Testing
@testable import Apus
@testable import ApusVision

/// The fixtures of Scripts/make_png_fixtures.py and small PNG files built in the tests.
enum PNGFixtures {
    /// One entry of manifest.json: a file and the pixels Pillow decodes from it.
    struct Entry: Decodable {
        let file: String
        let kind: String
        let width: Int
        let height: Int
        let channels: Int
        /// Base64 of the HWC bytes.
        let pixels: String
    }

    private struct Manifest: Decodable { let fixtures: [Entry] }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images/png")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    static func entries() throws -> [Entry] {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json"))).fixtures
    }

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// The 13 bytes of an IHDR chunk.
    static func ihdr(width: Int, height: Int, depth: UInt8 = 8, colorType: UInt8 = 2,
                     methods: [UInt8] = [0, 0, 0]) -> [UInt8] {
        var data: [UInt8] = []
        data.appendBigEndian(UInt32(truncatingIfNeeded: width))
        data.appendBigEndian(UInt32(truncatingIfNeeded: height))
        return data + [depth, colorType] + methods
    }

    /// A PNG file of the given chunks (type, data), each with its CRC.
    static func file(_ chunks: [(String, [UInt8])]) -> [UInt8] {
        var out = signature
        for (type, data) in chunks { PNG.appendChunk(type, data, to: &out) }
        return out
    }

    /// A PNG whose IDAT holds `scanlines` deflated, after IHDR `header` (and PLTE `palette` when given).
    static func file(header: [UInt8], scanlines: [UInt8], palette: [UInt8]? = nil) -> [UInt8] {
        file([("IHDR", header)] + (palette.map { [("PLTE", $0)] } ?? []) + [("IDAT", Zlib.deflate(scanlines)), ("IEND", [])])
    }
}

@Suite struct PNGDecoderTests {
    typealias F = PNGFixtures

    /// The reason of the `corruptFile` error `body` throws, after checking that it names `path`.
    private func corruptReason(path: String, _ body: () throws -> Void) -> String? {
        let error = #expect(throws: ApusError.self) { try body() }
        guard case .corruptFile(let named, let reason)? = error else {
            Issue.record("expected corruptFile, got \(String(describing: error))")
            return nil
        }
        #expect(named == path)
        return reason
    }

    /// The reason decoding `bytes` fails with (the path named is checked).
    private func reason(_ bytes: [UInt8], maxPixels: Int = .max) -> String {
        corruptReason(path: "hostile.png") { _ = try PNGDecoder.decode(bytes, path: "hostile.png", maxPixels: maxPixels) } ?? ""
    }

    @Test func everyFixtureMatchesPillowExactly() throws {
        let entries = try F.entries()
        #expect(entries.count == 40)
        for entry in entries {
            let image = try Image(contentsOf: F.path(entry.file))
            let expected = try #require(Data(base64Encoded: entry.pixels).map { [UInt8]($0) })
            #expect(image.width == entry.width && image.height == entry.height && image.channels == entry.channels,
                    "\(entry.file): \(image.width)×\(image.height)×\(image.channels)")
            #expect(image.pixels == expected, "\(entry.file) (\(entry.kind)) differs from Pillow")
        }
    }

    @Test func theEncoderRoundTripsThroughTheDecoder() throws {
        // RGBImage.pngData() filters rows adaptively; noise and gradients make it pick several filters.
        var image = RGBImage(width: 37, height: 23)
        var state: UInt64 = 3
        for y in 0..<23 {
            for x in 0..<37 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = UInt8(state >> 56)
                image[x, y] = (x % 3 == 0 ? noise : UInt8(7 * x), UInt8(11 * y), UInt8((x * y) & 0xFF))
            }
        }
        let decoded = try Image(decoding: [UInt8](image.pngData()), path: "round.png")
        #expect(decoded.width == 37 && decoded.height == 23 && decoded.channels == 3)
        #expect(decoded.pixels == image.pixels)
    }

    @Test func everyFilterTypeDecodes() throws {
        // A 2×5 grey image, row y filtered with filter type y.
        let rows: [[UInt8]] = [[0, 10, 30], [2, 10, 10], [1, 20, 20], [3, 15, 15], [4, 20, 20]]
        let image = try PNGDecoder.decode(F.file(header: F.ihdr(width: 2, height: 5, colorType: 0), scanlines: rows.flatMap { $0 }),
                                          path: "f.png", maxPixels: .max)
        // up: 10+10, 10+30; sub: 20, 20+20; average: 15+(0+20)/2, 15+(25+40)/2;
        // Paeth: 20+paeth(0, 25, 0) = 20+25, 20+paeth(45, 47, 25) = 20+47.
        #expect(image.pixels == [10, 30, 20, 40, 20, 40, 25, 47, 45, 67])
    }

    @Test func photoSizedNoisyImageRoundTrips() throws {
        // 500×375 RGB (the size of a typical photo in an image folder), noisy so it compresses little.
        var image = RGBImage(width: 500, height: 375)
        var state: UInt64 = 1
        for i in 0..<image.pixels.count where i % 7 != 0 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            image.pixels[i] = UInt8(state >> 60) &+ UInt8(truncatingIfNeeded: i / 1500)
        }
        // Speed is the image-pipeline benchmark's business (apus bench), not a unit test's.
        let png = [UInt8](image.pngData())
        let decoded = try PNGDecoder.decode(png, path: "photo.png", maxPixels: .max)
        #expect(decoded.pixels == image.pixels)
    }

    @Test func truncatedFilesThrow() throws {
        for name in ["rgb8.png", "palette4_adam7.png", "grey16.png"] {
            let bytes = try F.bytes(name)
            let n = bytes.count
            for length in [0, 4, 8, 12, 20, 33, 40, n / 2, n - 13, n - 12, n - 5, n - 1] {
                let path = "\(name)[..<\(length)]"
                let reason = corruptReason(path: path) { _ = try PNGDecoder.decode(Array(bytes[..<length]), path: path, maxPixels: .max) }
                #expect(reason?.isEmpty == false, "\(path)")
            }
        }
    }

    @Test func zeroAndHugeSizesThrowBeforeAllocating() {
        for (width, height) in [(0, 5), (5, 0), (0, 0)] {
            #expect(reason(F.file(header: F.ihdr(width: width, height: height), scanlines: [0])).contains("\(width)×\(height)"))
        }
        // 100000² RGB would be 30 GB; the file has no image data worth a byte of it.
        let bomb = F.file(header: F.ihdr(width: 100_000, height: 100_000), scanlines: [0])
        let text = corruptReason(path: "bomb.png") { _ = try Image(decoding: bomb, path: "bomb.png") } ?? ""
        #expect(text.contains("100000×100000") && text.contains("ImageDecoding.maxPixels"), "\(text)")
        #expect(reason(F.file(header: F.ihdr(width: 0x8000_0000, height: 1), scanlines: [0])).contains("2³¹−1"))
        // Within the limit: the size checks are inclusive.
        let small = F.file(header: F.ihdr(width: 2, height: 2, colorType: 0), scanlines: [0, 1, 2, 0, 3, 4])
        #expect((try? PNGDecoder.decode(small, path: "s.png", maxPixels: 4))?.pixels == [1, 2, 3, 4])
        #expect(reason(small, maxPixels: 3).contains("2×2"))
    }

    @Test func badSignatureAndCRCThrow() throws {
        var bytes = try F.bytes("rgb8.png")
        var magic = bytes
        magic[1] = 0x51
        #expect(reason(magic).contains("not a PNG file"))
        bytes[20] ^= 1  // inside IHDR's data
        #expect(reason(bytes).contains("bad CRC in chunk 'IHDR'"))
        var idat = try F.bytes("rgb8.png")
        let at = try #require(chunkOffset(idat, "IDAT"))
        idat[at + 10] ^= 0x40
        #expect(reason(idat).contains("bad CRC in chunk 'IDAT' at byte \(at)"))
    }

    @Test(arguments: [
        (F.ihdr(width: 2, height: 2, depth: 3, colorType: 0), "bit depth 3 for colour type 0"),
        (F.ihdr(width: 2, height: 2, depth: 16, colorType: 3), "bit depth 16 for colour type 3"),
        (F.ihdr(width: 2, height: 2, depth: 4, colorType: 2), "bit depth 4 for colour type 2"),
        (F.ihdr(width: 2, height: 2, depth: 8, colorType: 5), "colour type 5"),
        (F.ihdr(width: 2, height: 2, methods: [1, 0, 0]), "compression method 1"),
        (F.ihdr(width: 2, height: 2, methods: [0, 1, 0]), "filter method 1"),
        (F.ihdr(width: 2, height: 2, methods: [0, 0, 2]), "interlace method 2"),
        (Array(F.ihdr(width: 2, height: 2).dropLast()), "IHDR chunk has 12 bytes"),
    ])
    func badHeaderFieldsThrow(header: [UInt8], expected: String) {
        let text = reason(F.file(header: header, scanlines: [UInt8](repeating: 0, count: 14)))
        #expect(text.contains(expected), "\(text)")
    }

    @Test func missingAndMisplacedChunksThrow() {
        let header = F.ihdr(width: 1, height: 1, colorType: 0)
        let data = Zlib.deflate([0, 9])
        #expect(reason(F.file([("IHDR", header), ("IEND", [])])).contains("no IDAT chunk"))
        #expect(reason(F.file([("IHDR", header), ("IDAT", data)])).contains("without an IEND chunk"))
        #expect(reason(F.file([("IDAT", data), ("IHDR", header), ("IEND", [])])).contains("the first chunk is 'IDAT'"))
        #expect(reason(F.file([("IHDR", header), ("IHDR", header), ("IDAT", data), ("IEND", [])])).contains("second IHDR"))
        #expect(reason(F.file([("IHDR", header), ("IDAT", Array(data[..<3])), ("tEXt", []), ("IDAT", Array(data[3...])),
                               ("IEND", [])])).contains("not consecutive"))
        #expect(reason(F.file([("IHDR", header), ("ABCD", []), ("IDAT", data), ("IEND", [])])).contains("unknown critical chunk 'ABCD'"))
        // Ancillary chunks are skipped, IDAT may be split anywhere.
        let fine = F.file([("IHDR", header), ("abCD", [1, 2]), ("IDAT", Array(data[..<3])), ("IDAT", Array(data[3...])), ("IEND", [])])
        #expect((try? PNGDecoder.decode(fine, path: "ok.png", maxPixels: .max))?.pixels == [9])
        let palette = F.ihdr(width: 1, height: 1, colorType: 3)
        #expect(reason(F.file(header: palette, scanlines: [0, 0])).contains("without a PLTE chunk"))
        #expect(reason(F.file(header: palette, scanlines: [0, 0], palette: [1, 2])).contains("PLTE chunk of 2 bytes"))
        #expect(reason(F.file([("IHDR", header), ("ID@T", []), ("IEND", [])])).contains("invalid chunk type"))
    }

    @Test func chunkLengthsBeyondTheFileThrow() {
        var bytes = F.file(header: F.ihdr(width: 1, height: 1, colorType: 0), scanlines: [0, 9])
        bytes[33] = 0x7F  // IDAT's length: 2 GB
        #expect(reason(bytes).contains("truncated: chunk 'IDAT' at byte 33"))
        bytes[33] = 0xFF  // more than PNG's 2³¹−1
        #expect(reason(bytes).contains("PNG allows at most 2³¹−1"))
    }

    @Test func imageDataOfTheWrongSizeThrows() {
        let header = F.ihdr(width: 3, height: 2, colorType: 0)
        #expect(reason(F.file(header: header, scanlines: [0, 1, 2, 3, 0, 4, 5])).contains("truncated image data: it inflates to 7 bytes"))
        #expect(reason(F.file(header: header, scanlines: [UInt8](repeating: 0, count: 9))).contains("too much image data"))
        #expect(reason(F.file(header: header, scanlines: [0, 1, 2, 3, 5, 4, 5, 6])).contains("invalid filter type 5 in scanline 1"))
        // A zlib stream cut short, and one that is not zlib at all.
        #expect(reason(F.file([("IHDR", header), ("IDAT", Array(Zlib.deflate([0, 1, 2, 3, 0, 4, 5, 6]).dropLast(6))), ("IEND", [])]))
            .contains("truncated zlib data"))
        #expect(reason(F.file([("IHDR", header), ("IDAT", [1, 2, 3, 4, 5]), ("IEND", [])])).contains("invalid zlib data"))
        // A huge image whose data is a few bytes of zeros: inflating stops, nothing large is kept.
        let sparse = F.file(header: F.ihdr(width: 9000, height: 9000, colorType: 0), scanlines: [UInt8](repeating: 0, count: 1000))
        #expect(reason(sparse).contains("truncated image data: it inflates to 1000 bytes"))
    }

    @Test func paletteIndicesBeyondPLTEThrow() throws {
        let header = F.ihdr(width: 2, height: 1, colorType: 3)
        let palette: [UInt8] = [10, 20, 30, 40, 50, 60]
        let ok = try PNGDecoder.decode(F.file(header: header, scanlines: [0, 1, 0], palette: palette), path: "p.png", maxPixels: .max)
        #expect(ok.channels == 3 && ok.pixels == [40, 50, 60, 10, 20, 30])
        #expect(reason(F.file(header: header, scanlines: [0, 1, 2], palette: palette))
            .contains("palette index 2 is out of range: PLTE has 2 entries"))
        let fourBit = F.ihdr(width: 3, height: 1, depth: 4, colorType: 3)
        #expect(reason(F.file(header: fourBit, scanlines: [0, 0x10, 0xF0], palette: palette)).contains("palette index 15"))
    }

    @Test func randomlyDamagedFilesThrow() throws {
        // Every byte after the signature is a chunk length, type, datum or CRC, all checked: a
        // flipped byte must throw, never crash.
        let originals = try ["rgb8_adam7.png", "palette2.png", "grey_alpha16.png"].map { try F.bytes($0) }
        var state: UInt64 = 11
        for original in originals {
            for _ in 0..<100 {
                var bytes = original
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes[8 + Int(state >> 33) % (bytes.count - 8)] ^= UInt8(truncatingIfNeeded: state >> 8) | 1
                _ = corruptReason(path: "damaged.png") { _ = try PNGDecoder.decode(bytes, path: "damaged.png", maxPixels: .max) }
            }
        }
    }

    /// The offset of the first chunk of `type` in `png`.
    private func chunkOffset(_ png: [UInt8], _ type: String) -> Int? {
        var i = 8
        while i + 8 <= png.count {
            if String(decoding: png[(i + 4)..<(i + 8)], as: UTF8.self) == type { return i }
            i += 12 + png[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) }
        }
        return nil
    }
}
