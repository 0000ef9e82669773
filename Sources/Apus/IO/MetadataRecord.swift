import Foundation

/// A small `Codable` description stored as one line of JSON under ``metadataKey`` in a
/// checkpoint's safetensors metadata (how a table or an image was prepared for the model).
public protocol MetadataRecord: Codable {
    /// The metadata key the JSON is stored under.
    static var metadataKey: String { get }
}

extension MetadataRecord {
    /// One line of JSON with sorted keys.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    /// Decodes `json`; throws ``ApusError/corruptFile(path:reason:)`` naming `path` and saying the
    /// text is not `what` when it does not decode.
    package static func decode(json: String, path: String, what: String) throws -> Self {
        do {
            return try JSONDecoder().decode(Self.self, from: Data(json.utf8))
        } catch {
            throw ApusError.corruptFile(path: path, reason: "metadata '\(metadataKey)' is not \(what): \(json)")
        }
    }
}
