/// TFRecord framing, the container of TensorBoard event files.
///
/// Each record is `length` (UInt64, little-endian), `masked CRC-32C of those 8 bytes` (UInt32 LE),
/// the payload, and `masked CRC-32C of the payload` (UInt32 LE); see ``CRC32C/masked(_:)``.
enum TFRecord {
    /// The framed bytes of one record holding `payload`.
    static func frame(_ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 16)
        let length = littleEndianBytes(UInt64(payload.count))
        out += length
        out += littleEndianBytes(CRC32C.masked(length))
        out += payload
        out += littleEndianBytes(CRC32C.masked(payload))
        return out
    }

    /// The payloads of the records in `bytes`, checking both checksums of each.
    ///
    /// - Throws: ``ApusError/corruptFile(path:reason:)`` for a truncated record or a checksum mismatch.
    static func payloads(in bytes: [UInt8], path: String) throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        var i = 0
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        while i < bytes.count {
            guard bytes.count - i >= 12 else { throw ApusError.corruptFile(path: path, reason: "truncated record header at byte \(i)") }
            let lengthBytes = bytes[i..<(i + 8)]
            let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) }
            guard u32(i + 8) == CRC32C.masked(lengthBytes) else {
                throw ApusError.corruptFile(path: path, reason: "length checksum mismatch at byte \(i)")
            }
            // 16 bytes of framing (length, two checksums) and the payload must be left.
            guard bytes.count - i >= 16, length <= UInt64(bytes.count - i - 16) else {
                throw ApusError.corruptFile(path: path, reason: "truncated record at byte \(i)")
            }
            let start = i + 12, end = start + Int(length)
            guard u32(end) == CRC32C.masked(bytes[start..<end]) else {
                throw ApusError.corruptFile(path: path, reason: "payload checksum mismatch at byte \(i)")
            }
            records.append(Array(bytes[start..<end]))
            i = end + 4
        }
        return records
    }
}

/// The little-endian bytes of a fixed-width integer.
func littleEndianBytes<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}
