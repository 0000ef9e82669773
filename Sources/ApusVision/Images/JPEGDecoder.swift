import Apus

/// JPEG decoding with libjpeg-turbo (``TurboJPEG``, loaded at run time), matching Pillow.
///
/// Baseline and progressive files of every sampling libjpeg-turbo reads decode with its defaults,
/// accurate integer IDCT and fancy upsampling, as in Pillow, so the pixels are Pillow's. Grey files
/// give one channel; YCbCr and RGB files three; Adobe CMYK and YCCK files are converted to RGB as
/// Pillow's `convert("RGB")` does. libjpeg's warnings (a truncated file, damaged data) are errors,
/// as Pillow's "image file is truncated" is. Each call has its own TurboJPEG handle, so any number
/// of threads may decode at once.
enum JPEGDecoder {
    /// Decodes the JPEG file held in `bytes`; `path` names it in errors.
    ///
    /// Throws `ApusError.corruptFile(path:reason:)` with libjpeg's message for a damaged file,
    /// or when the header claims more than `maxPixels` pixels (before any pixel memory is taken),
    /// and `ApusError.libraryUnavailable(library:purpose:install:)` when libjpeg-turbo is missing.
    static func decode(_ bytes: [UInt8], path: String, maxPixels: Int) throws -> Image {
        try decode(bytes, path: path, maxPixels: maxPixels, using: TurboJPEG.loaded())
    }

    /// ``decode(_:path:maxPixels:)`` with the given library (tests load one of their own).
    static func decode(_ bytes: [UInt8], path: String, maxPixels: Int, using tj: TurboJPEG) throws -> Image {
        guard let handle = tj.initDecompress() else {
            throw ApusError.corruptFile(path: path,
                                        reason: "libjpeg-turbo could not start a decoder: \(tj.errorMessage(nil))")
        }
        defer { _ = tj.destroy(handle) }
        return try bytes.withUnsafeBufferPointer { jpeg throws -> Image in
            func failure(_ what: String) -> ApusError {
                .corruptFile(path: path, reason: "\(what): \(tj.errorMessage(handle))")
            }
            var width: CInt = 0, height: CInt = 0, subsampling: CInt = 0, colorspace: CInt = 0
            guard tj.decompressHeader3(handle, jpeg.baseAddress, CUnsignedLong(jpeg.count),
                                       &width, &height, &subsampling, &colorspace) == 0 else {
                throw failure("unreadable JPEG header")
            }
            let (w, h) = (Int(width), Int(height))
            try ImageDecoding.checkSize(width: w, height: h, path: path, maxPixels: maxPixels)

            // Warnings stop the decode and count as errors; accurate DCT and fancy upsampling are the defaults.
            let flags = TurboJPEG.flagStopOnWarning | TurboJPEG.flagLimitScans
            func decompress(into out: UnsafeMutablePointer<UInt8>, format: CInt, channels: Int) throws {
                guard tj.decompress2(handle, jpeg.baseAddress, CUnsignedLong(jpeg.count), out,
                                     width, CInt(w * channels), height, format, flags) == 0 else {
                    throw failure("JPEG data")
                }
            }

            switch colorspace {
            case TurboJPEG.colorspaceGray, TurboJPEG.colorspaceYCbCr, TurboJPEG.colorspaceRGB:
                let grey = colorspace == TurboJPEG.colorspaceGray
                let (format, channels) = grey ? (TurboJPEG.pixelFormatGray, 1) : (TurboJPEG.pixelFormatRGB, 3)
                // Straight into the image's storage: no intermediate buffer, no copy.
                let pixels = try [UInt8](unsafeUninitializedCapacity: w * h * channels) { buffer, count in
                    try decompress(into: buffer.baseAddress!, format: format, channels: channels)
                    count = buffer.count
                }
                return Image(width: w, height: h, channels: channels, pixels: pixels)
            case TurboJPEG.colorspaceCMYK, TurboJPEG.colorspaceYCCK:
                let cmyk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: w * h * 4)
                defer { cmyk.deallocate() }
                try decompress(into: cmyk.baseAddress!, format: TurboJPEG.pixelFormatCMYK, channels: 4)
                let pixels = [UInt8](unsafeUninitializedCapacity: w * h * 3) { rgb, count in
                    adobeCMYKToRGB(UnsafeBufferPointer(cmyk), into: rgb)
                    count = rgb.count
                }
                return Image(width: w, height: h, channels: 3, pixels: pixels)
            default:
                throw ApusError.corruptFile(path: path,
                                            reason: "unsupported JPEG colour space (TurboJPEG colorspace \(colorspace))")
            }
        }
    }

    /// RGB from CMYK as libjpeg returns it from an Adobe file, by Pillow's arithmetic.
    ///
    /// Adobe's programs store ink inverted (0 = full ink), and Pillow assumes so for every CMYK
    /// JPEG (raw mode "CMYK;I"): its ink is `255 − stored`. Its `convert("RGB")` then computes,
    /// per channel, `R = (255 − K) − C·(255 − K)/255` with its rounded division by 255; in stored
    /// values that is `k − (255 − c)·k/255`.
    static func adobeCMYKToRGB(_ cmyk: UnsafeBufferPointer<UInt8>, into rgb: UnsafeMutableBufferPointer<UInt8>) {
        for i in 0..<(cmyk.count / 4) {
            let k = Int(cmyk[4 * i + 3])
            for channel in 0..<3 {
                // Pillow's MULDIV255(a, b): (t + (t >> 8)) >> 8 with t = a·b + 128.
                let t = (255 - Int(cmyk[4 * i + channel])) * k + 128
                rgb[3 * i + channel] = UInt8(truncatingIfNeeded: k - ((t >> 8) + t) >> 8)
            }
        }
    }
}
