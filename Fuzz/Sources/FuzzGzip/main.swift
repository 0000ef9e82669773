import Apus
import FuzzSupport
import Foundation

// Gzip data through zlib with a streaming cap (a small input must not inflate past it).
exit(fuzz { bytes in
    _ = try? Gzip.decompress(bytes, path: "fuzz.gz", maxOutputBytes: 1 << 22)
})
