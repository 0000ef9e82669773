import Apus
import Foundation

/// Reading PNG and JPEG files into ``Image``s.
///
/// PNG is decoded by Apus on zlib; JPEG by libjpeg-turbo (the decoder Pillow and torchvision
/// use), loaded at run time. Every decoder checks the claimed size against ``maxPixels`` before
/// it allocates, so a small hostile file cannot make it reserve gigabytes.
public enum ImageDecoding {
    /// The most pixels (width × height) a file may claim: 89,478,485 by default, PIL's
    /// `MAX_IMAGE_PIXELS` (a quarter gigapixel of RGB in 32-bit words).
    nonisolated(unsafe) public static var maxPixels = 89_478_485

    /// The file formats recognised by their first bytes.
    public enum Format: String, Sendable {
        /// PNG: starts with the 8 bytes `89 50 4E 47 0D 0A 1A 0A`.
        case png
        /// JPEG: starts with `FF D8 FF`.
        case jpeg
    }

    /// The format whose signature `bytes` start with, nil for neither.
    public static func format<C: Collection<UInt8>>(of bytes: C) -> Format? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// Throws `ApusError.corruptFile(path:reason:)` naming `path` unless `width × height` is
    /// positive and at most `maxPixels`; the product is computed without overflow.
    static func checkSize(width: Int, height: Int, path: String, maxPixels: Int) throws {
        guard width > 0, height > 0 else {
            throw ApusError.corruptFile(path: path, reason: "image claims a size of \(width)×\(height) pixels")
        }
        let (pixels, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, pixels <= maxPixels else {
            throw ApusError.corruptFile(path: path, reason: "image claims \(width)×\(height) pixels, more than the limit "
                                        + "of \(maxPixels) (ImageDecoding.maxPixels); a decompression bomb or a damaged header")
        }
    }
}

extension Image {
    /// Decodes a PNG or JPEG file held in `bytes` (recognised by its signature, not its name).
    ///
    /// Grey files give one channel, colour files three; alpha is dropped (PIL's `convert`), 16-bit
    /// samples keep their high byte, palettes are expanded. Throws `ApusError.corruptFile(path:reason:)`
    /// naming `path` for a damaged or unsupported file and `ApusError.libraryUnavailable(library:purpose:install:)`
    /// for a JPEG when libjpeg-turbo is not installed.
    public init(decoding bytes: [UInt8], path: String = "<image data>", maxPixels: Int = ImageDecoding.maxPixels) throws {
        switch ImageDecoding.format(of: bytes) {
        case .png: self = try PNGDecoder.decode(bytes, path: path, maxPixels: maxPixels)
        case .jpeg: self = try JPEGDecoder.decode(bytes, path: path, maxPixels: maxPixels)
        case nil: throw ApusError.corruptFile(path: path, reason: "not a PNG or JPEG file (unknown signature)")
        }
    }

    /// Reads and decodes the PNG or JPEG file at `path` (see ``init(decoding:path:maxPixels:)``).
    public init(contentsOf path: String, maxPixels: Int = ImageDecoding.maxPixels) throws {
        try self.init(decoding: FileBytes.read(path), path: path, maxPixels: maxPixels)
    }
}
