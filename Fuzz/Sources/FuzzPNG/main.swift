@testable import ApusVision
import FuzzSupport
import Foundation

// PNG files straight into the PNG decoder (any bytes, not only those with the signature). The
// pixel limit is lowered so that headers claiming large images stay fast to refuse or decode.
exit(fuzz { bytes in
    _ = try? PNGDecoder.decode(bytes, path: "fuzz.png", maxPixels: 1 << 20)
})
