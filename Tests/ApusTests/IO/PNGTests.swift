import Foundation
import Testing
@testable import Apus
import ApusVision

struct PNGTests {
    /// Reads the chunks of a PNG file, checking each CRC.
    private func chunks(_ bytes: [UInt8]) -> [(type: String, data: [UInt8])] {
        var result: [(String, [UInt8])] = []
        var i = 8
        func u32(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        while i < bytes.count {
            let n = u32(i)
            let body = Array(bytes[(i + 4)..<(i + 8 + n)])
            #expect(UInt32(u32(i + 8 + n)) == PNG.crc32(body))
            result.append((String(decoding: body[0..<4], as: UTF8.self), Array(body[4...])))
            i += 12 + n
        }
        return result
    }

    @Test func checksumsMatchKnownVectors() {
        #expect(PNG.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNG.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test func encodesHeaderAndPixelsThatDecodeBack() throws {
        var image = RGBImage(width: 3, height: 2, fill: (10, 20, 30))
        image[2, 1] = (255, 0, 128)
        let bytes = [UInt8](image.pngData())
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let parts = chunks(bytes)
        #expect(parts.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(parts[0].data == [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0])
        // The compressed pixels decode back to the image.
        let decoded = try Image(decoding: bytes)
        #expect(decoded.width == 3 && decoded.height == 2 && decoded.channels == 3)
        #expect(decoded.pixels == image.pixels)
    }

    @Test func largeImagesCompressAndRoundTrip() throws {
        var image = RGBImage(width: 300, height: 200, fill: (7, 7, 7))
        for x in 0..<300 { image[x, x % 200] = (UInt8(x % 256), 100, 200) }
        let bytes = [UInt8](image.pngData())
        #expect(bytes.count < image.pixels.count / 10)   // deflate, not stored blocks
        #expect(try Image(decoding: bytes).pixels == image.pixels)
    }

    @Test func writingToAMissingDirectoryThrows() {
        #expect(throws: ApusError.self) {
            try RGBImage(width: 1, height: 1).writePNG(to: "/nonexistent-dir/x.png")
        }
    }
}
