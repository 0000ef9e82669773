import Apus

/// JPEG decoding (placeholder until the decoder lands).
enum JPEGDecoder {
    static func decode(_ bytes: [UInt8], path: String, maxPixels: Int) throws -> Image {
        throw ApusError.corruptFile(path: path, reason: "JPEG decoding is not implemented yet")
    }
}
