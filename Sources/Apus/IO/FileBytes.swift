import Foundation

/// Reads whole files of untrusted size: the size is checked against ``MemoryLimit`` before the
/// bytes are allocated, so a file larger than memory is an error naming it, not a crash.
package enum FileBytes {
    /// The contents of the file at `path`. Throws ``ApusError/fileNotReadable(path:)`` when it is
    /// missing, a directory or unreadable, and ``ApusError/corruptFile(path:reason:)`` when it is
    /// larger than ``MemoryLimit/maxBytes``.
    package static func read(_ path: String) throws -> [UInt8] {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType != .typeDirectory else {
            throw ApusError.fileNotReadable(path: path)
        }
        if let size = (attributes[.size] as? NSNumber)?.intValue, !MemoryLimit.allows(size) {
            throw ApusError.corruptFile(path: path, reason: "\(CheckedSize.describe(bytes: size)) is more than "
                                        + MemoryLimit.limitDescription)
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ApusError.fileNotReadable(path: path) }
        return [UInt8](data)
    }
}
