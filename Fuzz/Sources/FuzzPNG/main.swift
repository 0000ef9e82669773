@testable import ApusVision
import FuzzSupport
import Foundation

// PNG files straight into the PNG decoder (any bytes, not only those with the signature), as an
// image and as a segmentation mask (palette indices or grey values). The pixel limit is lowered so
// that headers claiming large images stay fast to refuse or decode.
exit(fuzz { bytes in
    _ = try? PNGDecoder.decode(bytes, path: "fuzz.png", maxPixels: 1 << 20)
    if let mask = try? SegmentationMask(decoding: bytes, path: "fuzz.png", maxPixels: 1 << 20) {
        _ = mask.firstInvalidPixel(classes: 21)
    }
})
