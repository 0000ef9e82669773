import Apus

/// PNG decoding (placeholder until the decoder lands).
enum PNGDecoder {
    static func decode(_ bytes: [UInt8], path: String, maxPixels: Int) throws -> Image {
        throw ApusError.corruptFile(path: path, reason: "PNG decoding is not implemented yet")
    }
}
