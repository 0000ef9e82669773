import Foundation

/// Runs `body` on the bytes of the regular file at `path`, mapped into memory rather than read,
/// so that a large checkpoint costs only the pages its parser touches.
///
/// Throws ``ApusError/fileNotReadable(path:)`` when `path` is missing, a directory or unreadable,
/// and whatever `body` throws.
package func withMappedFile<R>(_ path: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
          let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) else {
        throw ApusError.fileNotReadable(path: path)
    }
    return try data.withUnsafeBytes(body)
}
