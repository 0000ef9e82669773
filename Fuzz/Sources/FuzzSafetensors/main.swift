import Apus
import FuzzSupport
import Foundation

// Safetensors files: header length, the JSON header (strict reader), offsets, dtypes, checksum.
exit(fuzz { bytes in
    _ = try? Safetensors.decode(bytes, path: "fuzz.safetensors")
})
