import Foundation

/// An 8-bit RGB image, row-major, for writing pictures of models and data (decision boundaries,
/// filters, feature maps) as PNG files.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width·height·3` bytes: red, green, blue for each pixel, rows top to bottom.
    public var pixels: [UInt8]

    /// A `width`×`height` image filled with one colour.
    public init(width: Int, height: Int, fill: (UInt8, UInt8, UInt8) = (255, 255, 255)) {
        require(width > 0 && height > 0, "RGBImage: size must be positive, got \(width)×\(height)")
        self.width = width
        self.height = height
        pixels = Array(repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            pixels[3 * i] = fill.0
            pixels[3 * i + 1] = fill.1
            pixels[3 * i + 2] = fill.2
        }
    }

    /// The colour at column `x`, row `y` (row 0 at the top).
    public subscript(x: Int, y: Int) -> (UInt8, UInt8, UInt8) {
        get {
            let i = 3 * (y * width + x)
            return (pixels[i], pixels[i + 1], pixels[i + 2])
        }
        set {
            let i = 3 * (y * width + x)
            pixels[i] = newValue.0
            pixels[i + 1] = newValue.1
            pixels[i + 2] = newValue.2
        }
    }

    /// The image as a PNG file (8-bit RGB, uncompressed deflate blocks: simple and exact).
    public func pngData() -> Data {
        var raw: [UInt8] = []
        raw.reserveCapacity(height * (1 + 3 * width))
        for y in 0..<height {
            raw.append(0)  // filter type "none"
            raw.append(contentsOf: pixels[(3 * y * width)..<(3 * (y + 1) * width)])
        }
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type RGB, deflate, no filter set, no interlace
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        PNG.appendChunk("IHDR", header, to: &file)
        PNG.appendChunk("IDAT", PNG.zlibStored(raw), to: &file)
        PNG.appendChunk("IEND", [], to: &file)
        return Data(file)
    }

    /// Writes the image as a PNG file, atomically (a temporary file renamed into place).
    public func writePNG(to path: String) throws {
        do {
            try pngData().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ApusError.fileNotWritable(path: path, reason: error.localizedDescription)
        }
    }
}

/// PNG container pieces: chunks with CRC-32 and a zlib stream of stored deflate blocks.
enum PNG {
    static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        file.appendBigEndian(UInt32(data.count))
        let body = Array(type.utf8) + data
        file += body
        file.appendBigEndian(crc32(body))
    }

    /// A zlib stream (RFC 1950) whose deflate data (RFC 1951) is stored blocks of up to 65,535 bytes.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let n = Swift.min(65_535, data.count - start)
            let last: UInt8 = start + n == data.count ? 1 : 0
            out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[start..<(start + n)]
            start += n
        } while start < data.count
        out.appendBigEndian(adler32(data))
        return out
    }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (ISO 3309), as PNG chunks and gzip members use.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0) }
    }

    /// `crcTable` extended for eight bytes at a time: entry `256·k + n` is the CRC contribution of
    /// byte `n` followed by `k` zero bytes ("slicing-by-8").
    static let crcTables8: [UInt32] = {
        var t = crcTable + Array(repeating: 0, count: 7 * 256)
        for k in 1..<8 {
            for n in 0..<256 {
                let previous = t[256 * (k - 1) + n]
                t[256 * k + n] = (previous >> 8) ^ crcTable[Int(previous & 0xFF)]
            }
        }
        return t
    }()

    /// CRC-32 of `bytes`, continuing from `crc` (the CRC of the bytes before; 0 to start).
    ///
    /// Eight bytes per step through ``crcTables8`` (gzip checks 47 MB for Fashion-MNIST), the tail byte by byte.
    static func crc32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        guard let base = bytes.baseAddress else { return crc }
        crcTables8.withUnsafeBufferPointer { tables in
            let t = tables.baseAddress!
            var i = 0
            while i + 8 <= bytes.count {
                let word = UInt64(littleEndian: (base + i).loadUnaligned(as: UInt64.self))
                let lo = c ^ UInt32(truncatingIfNeeded: word), hi = UInt32(truncatingIfNeeded: word >> 32)
                c = t[7 * 256 + Int(lo & 0xFF)] ^ t[6 * 256 + Int((lo >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((lo >> 16) & 0xFF)] ^ t[4 * 256 + Int(lo >> 24)]
                    ^ t[3 * 256 + Int(hi & 0xFF)] ^ t[2 * 256 + Int((hi >> 8) & 0xFF)]
                    ^ t[256 + Int((hi >> 16) & 0xFF)] ^ t[Int(hi >> 24)]
                i += 8
            }
            while i < bytes.count {
                c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
        }
        return ~c
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
