import CApusKernels
import Testing
@testable import Apus

/// The CRC-32C kernel (hardware instructions, or slicing-by-8 tables with APUS_ISA=generic, which
/// CI also runs) against the bit-at-a-time definition, at every alignment and many lengths.
struct CRC32CTests {
    /// The definition: reflected polynomial 0x82F63B78, initial and final XOR 0xFFFFFFFF.
    static func reference(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }

    @Test func matchesTheDefinitionAtEveryAlignmentAndLength() {
        let variant = String(cString: apus_crc32c_variant())
        #expect(variant == "hardware" || variant == "tables")
        let generator = RandomGenerator(seed: 3)
        let bytes = (0..<1100).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        for start in 0..<9 {
            for length in Array(0..<40) + [63, 64, 65, 255, 1024, 1091 - start] {
                let slice = bytes[start..<(start + length)]
                #expect(CRC32C.checksum(slice) == Self.reference(slice), "\(variant): start \(start), length \(length)")
            }
        }
    }

    @Test func continuingEqualsOneCall() {
        let bytes = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = CRC32C.checksum(bytes)
        for cut in [0, 1, 7, 8, 500, 999, 1000] {
            let first = bytes[..<cut].withUnsafeBytes { CRC32C.checksum($0) }
            let both = bytes[cut...].withUnsafeBytes { CRC32C.checksum($0, continuing: first) }
            #expect(both == whole, "cut at \(cut)")
        }
    }
}
