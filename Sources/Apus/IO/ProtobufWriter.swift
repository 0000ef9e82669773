/// A minimal protocol-buffers encoder: just the wire types TensorBoard's `Event` needs.
///
/// Fields are written in the order called; a nested message is encoded first and then written
/// as a length-delimited field. As proto3 serializers do, a field holding its default (0, "",
/// no elements) is not written, unless it has explicit presence (a `oneof` member such as
/// `Summary.Value.simple_value`), so the bytes match those of the official encoders.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    private enum WireType: UInt64 { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    private mutating func key(_ field: Int, _ type: WireType) { varint(UInt64(field) << 3 | type.rawValue) }

    private mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 { bytes.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        bytes.append(UInt8(v))
    }

    /// `double` field (wire type 1, IEEE 754 little-endian).
    mutating func double(_ field: Int, _ value: Double) {
        guard value.bitPattern != 0 else { return }
        key(field, .fixed64)
        bytes += littleEndianBytes(value.bitPattern)
    }

    /// `float` field (wire type 5); `explicitPresence` writes it even when 0 (a `oneof` member).
    mutating func float(_ field: Int, _ value: Float, explicitPresence: Bool = false) {
        guard explicitPresence || value.bitPattern != 0 else { return }
        key(field, .fixed32)
        bytes += littleEndianBytes(value.bitPattern)
    }

    /// `int64` field (varint; negative values take ten bytes, as protobuf's two's complement).
    mutating func int64(_ field: Int, _ value: Int64) {
        guard value != 0 else { return }
        key(field, .varint)
        varint(UInt64(bitPattern: value))
    }

    /// `string` field (UTF-8, length-delimited).
    mutating func string(_ field: Int, _ value: String) {
        guard !value.isEmpty else { return }
        bytesField(field, Array(value.utf8))
    }

    /// Embedded message field (always written: messages have explicit presence).
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        bytesField(field, inner.bytes)
    }

    /// `repeated double` field, packed (proto3's default).
    mutating func packedDoubles(_ field: Int, _ values: [Double]) {
        guard !values.isEmpty else { return }
        bytesField(field, values.flatMap { littleEndianBytes($0.bitPattern) })
    }

    private mutating func bytesField(_ field: Int, _ payload: [UInt8]) {
        key(field, .lengthDelimited)
        varint(UInt64(payload.count))
        bytes += payload
    }
}
