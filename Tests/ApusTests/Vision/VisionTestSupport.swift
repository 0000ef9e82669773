import Foundation
import Testing
@testable import Apus

/// A fresh temporary directory for one test.
func makeVisionDirectory(_ name: String = #function) throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("apus-vision-\(name.filter(\.isLetter))-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// Writes `bytes` to `directory/name`; returns the path.
@discardableResult
func writeFile(_ bytes: [UInt8], _ directory: String, _ name: String) throws -> String {
    let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

/// `data` as a gzip member of stored deflate blocks (RFC 1952 + RFC 1951 §3.2.4): what a `.gz`
/// file written without compression holds.
func gzipStored(_ data: [UInt8]) -> [UInt8] {
    var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF]
    var start = 0
    repeat {
        let n = min(65_535, data.count - start)
        let last: UInt8 = start + n == data.count ? 1 : 0
        out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
        out += data[start..<(start + n)]
        start += n
    } while start < data.count
    for v in [PNG.crc32(data), UInt32(data.count)] {
        out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)]
    }
    return out
}

/// The message of the error `body` throws.
func thrownMessage(_ body: () throws -> Void) -> String {
    do { try body() } catch { return "\(error)" }
    return "no error"
}

