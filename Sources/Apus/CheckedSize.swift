import Foundation

/// Overflow-checked arithmetic for sizes that come from outside the program (file headers,
/// command-line values, checkpoint metadata): a size that does not fit in `Int` is `nil`, never a
/// trap, and error messages print the factors, never a product that overflowed.
package enum CheckedSize {
    /// The product of `factors`, nil when one is negative or the product of the non-zero ones
    /// does not fit in `Int`.
    ///
    /// Zero factors are left out of the overflow check, so when the result is not nil every
    /// partial product of the factors fits too (the strides of a tensor of this shape, even an
    /// empty one: `[0, 2⁴⁰, 2⁴⁰]` is refused).
    package static func product<S: Sequence<Int>>(_ factors: S) -> Int? {
        var product = 1
        var hasZero = false
        for f in factors {
            guard f >= 0 else { return nil }
            if f == 0 { hasZero = true; continue }
            let (p, overflow) = product.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            product = p
        }
        return hasZero ? 0 : product
    }

    /// The sum of `terms` (each ≥ 0), nil when one is negative or the sum does not fit in `Int`.
    package static func sum<S: Sequence<Int>>(_ terms: S) -> Int? {
        var total = 0
        for t in terms {
            guard t >= 0 else { return nil }
            let (s, overflow) = total.addingReportingOverflow(t)
            if overflow { return nil }
            total = s
        }
        return total
    }

    /// `bytes` in decimal units for messages: `"512 B"`, `"46.8 MB"`, `"25.6 TB"`.
    package static func describe(bytes: Int) -> String {
        let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: value < 10 ? "%.2f %@" : value < 100 ? "%.1f %@" : "%.0f %@",
                                                 value, units[unit])
    }
}

/// The most memory that one size read from outside the program (a layer width on the command
/// line, a header's dimensions) may ask for before anything is allocated.
///
/// A request above it is a thrown ``ApusError/invalidArgument(_:)`` or
/// ``ApusError/corruptFile(path:reason:)`` naming the bytes needed, instead of the process
/// being killed when the allocation fails.
public enum MemoryLimit {
    /// The limit in bytes: the machine's physical memory, or the container's memory limit when
    /// that is lower (Linux cgroups v2 `memory.max` or v1 `memory.limit_in_bytes`: a process above
    /// it is killed), unless set (e.g. lower in a test).
    nonisolated(unsafe) public static var maxBytes = defaultBytes(
        physical: Int(clamping: ProcessInfo.processInfo.physicalMemory),
        cgroupFiles: ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"].map { path in
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        })

    /// The smaller of `physical` and the first limit read from the cgroup files' contents (nil:
    /// no such file; `max`: no limit).
    static func defaultBytes(physical: Int, cgroupFiles: [String?]) -> Int {
        guard let text = cgroupFiles.compactMap({ $0 }).first,
              let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 else { return physical }
        return Swift.min(physical, limit)
    }

    /// Whether `bytes` (nil: a size that overflowed) fits in ``maxBytes``.
    package static func allows(_ bytes: Int?) -> Bool {
        guard let bytes else { return false }
        return bytes <= maxBytes
    }

    /// `"25.6 TB"`, or `"more than 2⁶³ bytes"` for a size that overflowed.
    package static func describe(_ bytes: Int?) -> String {
        bytes.map(CheckedSize.describe(bytes:)) ?? "more than 2⁶³ bytes"
    }

    /// The limit, for messages: `"this machine's 128 GB of memory"`.
    package static var limitDescription: String {
        "the memory limit of \(CheckedSize.describe(bytes: maxBytes)) (MemoryLimit.maxBytes, by default the machine's or the container's memory)"
    }
}
