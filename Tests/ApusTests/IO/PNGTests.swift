import Foundation
import Testing
@testable import Apus

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

    @Test func encodesHeaderAndPixelsThatDecodeBack() {
        var image = RGBImage(width: 3, height: 2, fill: (10, 20, 30))
        image[2, 1] = (255, 0, 128)
        let bytes = [UInt8](image.pngData())
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let parts = chunks(bytes)
        #expect(parts.map(\.type) == ["IHDR", "IDAT", "IEND"])
        #expect(parts[0].data == [0, 0, 0, 3, 0, 0, 0, 2, 8, 2, 0, 0, 0])
        // zlib header, one final stored block of 2 rows × (1 filter byte + 9), adler-32
        let z = parts[1].data
        #expect(Array(z[0..<2]) == [0x78, 0x01] && z[2] == 1)
        let n = Int(z[3]) | Int(z[4]) << 8
        #expect(n == 20 && Int(z[5]) | Int(z[6]) << 8 == 0xFFFF - 20)
        let raw = Array(z[7..<(7 + n)])
        #expect(Array(raw[0..<10]) == [0, 10, 20, 30, 10, 20, 30, 10, 20, 30])
        #expect(Array(raw[10..<20]) == [0, 10, 20, 30, 10, 20, 30, 255, 0, 128])
        #expect(Array(z[(7 + n)...]) == [UInt8](withUnsafeBytes(of: PNG.adler32(raw).bigEndian) { Array($0) }))
    }

    @Test func largeImagesSplitIntoSeveralStoredBlocks() {
        let stream = PNG.zlibStored([UInt8](repeating: 7, count: 70_000))
        #expect(stream[2] == 0)  // first block is not final
        let second = 2 + 5 + 65_535
        #expect(stream[second] == 1 && Int(stream[second + 1]) | Int(stream[second + 2]) << 8 == 70_000 - 65_535)
    }

    @Test func writingToAMissingDirectoryThrows() {
        #expect(throws: ApusError.self) {
            try RGBImage(width: 1, height: 1).writePNG(to: "/nonexistent-dir/x.png")
        }
    }
}
