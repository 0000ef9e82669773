import Foundation

/// An 8-bit RGB image, row-major, for writing pictures of models and data (decision boundaries,
/// filters, feature maps) as PNG files.
public struct RGBImage: Sendable, Equatable {
    /// Pixels per row.
    public let width: Int
    /// Rows.
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

    /// The image as a PNG file: 8-bit RGB, each row filtered with the PNG filter that suits it
    /// best (libpng's heuristic), deflated by zlib.
    public func pngData() -> Data {
        var header: [UInt8] = []
        header.appendBigEndian(UInt32(width))
        header.appendBigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type RGB, deflate, adaptive filtering, no interlace
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        PNG.appendChunk("IHDR", header, to: &file)
        PNG.appendChunk("IDAT", Zlib.deflate(PNG.filteredScanlines(pixels, rowBytes: 3 * width, bytesPerPixel: 3)), to: &file)
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

/// PNG container pieces: chunks with CRC-32, filtered scanlines.
enum PNG {
    /// Appends a chunk: length, type, data, and the CRC-32 of type and data.
    static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        file.appendBigEndian(UInt32(data.count))
        let body = Array(type.utf8) + data
        file += body
        file.appendBigEndian(crc32(body))
    }

    /// The PNG filter types (PNG §9.2), in their numbering.
    enum Filter: UInt8, CaseIterable {
        case none, sub, up, average, paeth
    }

    /// `pixels` (rows of `rowBytes` bytes, pixels of `bytesPerPixel`) as PNG scanlines: each row
    /// preceded by its filter type, filtered with the filter whose output has the smallest sum of
    /// absolute values as signed bytes (libpng's heuristic: small residuals deflate best).
    static func filteredScanlines(_ pixels: [UInt8], rowBytes: Int, bytesPerPixel: Int) -> [UInt8] {
        let rows = pixels.count / rowBytes
        var out = [UInt8](repeating: 0, count: rows * (1 + rowBytes))
        var candidate = [UInt8](repeating: 0, count: rowBytes)
        pixels.withUnsafeBufferPointer { image in
            for y in 0..<rows {
                var best = Int.max
                for filter in Filter.allCases {
                    let cost = candidate.withUnsafeMutableBufferPointer {
                        apply(filter, row: y, of: image, rowBytes: rowBytes, bytesPerPixel: bytesPerPixel, into: $0)
                    }
                    if cost < best {
                        best = cost
                        let start = y * (1 + rowBytes)
                        out[start] = filter.rawValue
                        out.replaceSubrange((start + 1)...(start + rowBytes), with: candidate)
                    }
                }
            }
        }
        return out
    }

    /// Writes row `y` of `image` filtered with `filter` into `out`; returns the sum of the output
    /// bytes' magnitudes as signed bytes.
    static func apply(_ filter: Filter, row y: Int, of image: UnsafeBufferPointer<UInt8>, rowBytes: Int,
                      bytesPerPixel bpp: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let row = y * rowBytes, above = row - rowBytes
        var cost = 0
        for i in 0..<rowBytes {
            // Left, above and upper left of the byte; zero outside the image.
            let a = i >= bpp ? image[row + i - bpp] : 0
            let b = y > 0 ? image[above + i] : 0
            let c = i >= bpp && y > 0 ? image[above + i - bpp] : 0
            let predictor: UInt8
            switch filter {
            case .none: predictor = 0
            case .sub: predictor = a
            case .up: predictor = b
            case .average: predictor = UInt8((Int(a) + Int(b)) / 2)
            case .paeth: predictor = paeth(a, b, c)
            }
            out[i] = image[row + i] &- predictor
            cost += abs(Int(Int8(bitPattern: out[i])))
        }
        return cost
    }

    /// The Paeth predictor (PNG §9.4): whichever of left `a`, above `b`, upper left `c` is closest to `a + b - c`.
    @inline(__always) static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let pa = abs(Int(b) - Int(c)), pb = abs(Int(a) - Int(c)), pc = abs(Int(a) + Int(b) - 2 * Int(c))
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c
    }

    /// CRC-32 (ISO 3309), as PNG chunks and gzip members use (zlib's).
    static func crc32(_ bytes: [UInt8]) -> UInt32 { Zlib.crc32(bytes) }

    /// Adler-32 (RFC 1950), the checksum of a zlib stream (zlib's).
    static func adler32(_ bytes: [UInt8]) -> UInt32 { Zlib.adler32(bytes) }
}

extension Array where Element == UInt8 {
    mutating func appendBigEndian(_ value: UInt32) {
        append(contentsOf: [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)])
    }
}
