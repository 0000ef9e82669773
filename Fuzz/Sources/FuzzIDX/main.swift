import Apus
import ApusVision
import FuzzSupport
import Foundation

// IDX files, plain or gzip-compressed (the first bytes decide), as MNIST's loader reads them.
MemoryLimit.maxBytes = 1 << 30
exit(fuzz { bytes in
    _ = try? IDX.decode(bytes, path: "fuzz.idx")
})
