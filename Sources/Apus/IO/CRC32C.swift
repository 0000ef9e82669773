import CApusKernels

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the checksum of TFRecord files and of
/// the data section of Apus's safetensors checkpoints.
///
/// `checksum(Array("123456789".utf8)) == 0xE3069283` (the standard check value). Computed by
/// the CPU's CRC instructions where it has them (SSE4.2, ARMv8 CRC), several GB/s.
enum CRC32C {
    /// The CRC-32C of `bytes`, continuing from `crc` (the CRC-32C of the bytes before them; 0 to start).
    static func checksum(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        return apus_crc32c(crc, base, bytes.count)
    }

    /// The CRC-32C of `bytes`.
    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let crc = bytes.withContiguousStorageIfAvailable({ checksum(UnsafeRawBufferPointer($0)) }) { return crc }
        return Array(bytes).withUnsafeBytes { checksum($0) }
    }

    /// TensorFlow's masked CRC: `((crc >> 15) | (crc << 17)) + 0xA282EAD8` (mod 2³²), so that a
    /// CRC of data that itself contains CRCs stays well distributed.
    static func masked<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        let crc = checksum(bytes)
        return ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8
    }
}
