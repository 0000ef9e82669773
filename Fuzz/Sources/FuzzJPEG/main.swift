@testable import ApusVision
import FuzzSupport
import Foundation

// JPEG files through libjpeg-turbo (loaded at run time; this target needs libturbojpeg0): Apus's
// side is the size check before allocating, the colour conversions and turning libjpeg's
// warnings into errors.
guard (try? TurboJPEG.loaded()) != nil else {
    FileHandle.standardError.write(Data("FuzzJPEG: libturbojpeg is not installed (apt-get install libturbojpeg0)\n".utf8))
    exit(2)
}
exit(fuzz { bytes in
    _ = try? JPEGDecoder.decode(bytes, path: "fuzz.jpg", maxPixels: 1 << 20)
})
