import Apus
import Foundation

/// The peak resident set size of this process so far, in bytes, or nil where it cannot be read.
///
/// Linux: `VmHWM` of `/proc/self/status`. macOS: `getrusage(RUSAGE_SELF).ru_maxrss`.
public func peakResidentMemoryBytes() -> Int? {
    #if os(Linux)
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        // "VmHWM:     123456 kB" (kibibytes)
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 2, let kib = Int(fields[1]) else { return nil }
        return kib * 1024
    }
    return nil
    #elseif canImport(Darwin)
    var usage = rusage()
    guard getrusage(RUSAGE_SELF, &usage) == 0 else { return nil }
    return Int(usage.ru_maxrss)  // bytes on macOS
    #else
    return nil
    #endif
}
