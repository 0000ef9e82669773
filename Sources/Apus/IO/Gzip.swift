import Foundation

/// Gzip decompression (RFC 1952) on zlib, so that `.gz` data files (MNIST's IDX files) load directly.
///
/// Concatenated members are joined and zero padding after the last one is skipped (as gzip(1) and
/// Python read them); zlib checks each member's CRC-32 and length. A cap on the output lets a
/// reader refuse a file that inflates to more than its header allows, without inflating it first.
///
/// ```swift
/// let bytes = try Gzip.decompress(contentsOf: "train-images-idx3-ubyte.gz")
/// ```
public enum Gzip {
    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    public static func isGzip<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        var it = bytes.makeIterator()
        return it.next() == 0x1F && it.next() == 0x8B
    }

    /// The decompressed contents of the gzip file at `path`, at most `maxOutputBytes` bytes.
    ///
    /// Throws ``ApusError/fileNotReadable(path:)`` when the file cannot be read and
    /// ``ApusError/corruptFile(path:reason:)`` when it is not valid gzip data (see
    /// ``decompress(_:path:maxOutputBytes:)``).
    public static func decompress(contentsOf path: String, maxOutputBytes: Int = .max) throws -> [UInt8] {
        return try decompress(FileBytes.read(path), path: path, maxOutputBytes: maxOutputBytes)
    }

    /// The decompressed contents of the gzip data `bytes`, at most `maxOutputBytes` bytes; `path`
    /// names the source in errors.
    ///
    /// Throws ``ApusError/corruptFile(path:reason:)`` for a wrong magic number, a bad header,
    /// invalid deflate data, truncated data, a CRC-32 or length mismatch, bytes after the last
    /// member that are not zero padding, and output that would pass `maxOutputBytes` (inflating
    /// stops there, so a small "gzip bomb" costs no more than the cap).
    public static func decompress(_ bytes: [UInt8], path: String = "<gzip data>",
                                  maxOutputBytes: Int = .max) throws -> [UInt8] {
        var output: [UInt8] = []
        try inflater(bytes, path: path).readToEnd(into: &output, maxOutputBytes: maxOutputBytes)
        return output
    }

    /// An inflater of the gzip data `bytes`, for readers that inflate a header first and cap the
    /// rest by what it announces. Throws ``ApusError/corruptFile(path:reason:)`` unless `bytes`
    /// start with the gzip magic number (zlib's own message for that would be less clear).
    package static func inflater(_ bytes: [UInt8], path: String) throws -> Zlib.Inflater {
        guard isGzip(bytes) else {
            let start = bytes.prefix(2).map { String(format: "%02x", $0) }.joined(separator: " ")
            throw ApusError.corruptFile(path: path, reason: "not gzip data: starts with \(start.isEmpty ? "nothing" : start), expected 1f 8b")
        }
        return Zlib.Inflater(bytes, format: .gzip, path: path)
    }
}
