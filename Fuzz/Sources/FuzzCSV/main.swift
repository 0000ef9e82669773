@testable import Apus
import FuzzSupport
import Foundation

// CSV files. The first byte chooses the options and the read block size (1…32 bytes), so that
// records, quotes, line ends and the byte-order mark cross block boundaries everywhere.
exit(fuzz { bytes in
    guard let options = bytes.first else { return }
    let body = Array(bytes.dropFirst())
    let targets: [CSVTarget] = [.last, .index(0), .name("y")]
    _ = try? loadCSV(bytes: body, path: "fuzz.csv", hasHeader: options & 1 == 0, target: targets[Int(options >> 1 & 3) % 3],
                     delimiter: options & 8 == 0 ? UInt8(ascii: ",") : UInt8(ascii: ";"),
                     allowNonFinite: options & 16 != 0, readSize: Int(options >> 5) * 4 + 1)
})
