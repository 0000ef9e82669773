import Apus
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Image {
    /// The image as a PNG file (8-bit RGB; grey images are written with R = G = B).
    public func pngData() -> Data {
        let rgb = self.rgb()
        var out = RGBImage(width: width, height: height)
        out.pixels = rgb.pixels
        return out.pngData()
    }

    /// The image as a baseline JPEG file of `quality` 1…100 (4:2:0 chroma subsampling for colour,
    /// as Pillow's default), encoded by libjpeg-turbo.
    ///
    /// Throws `ApusError.libraryUnavailable(library:purpose:install:)` when libjpeg-turbo is not
    /// installed, `ApusError.invalidArgument(_:)` for a quality outside 1…100.
    public func jpegData(quality: Int = 90) throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw ApusError.invalidArgument("JPEG quality must be in 1...100, got \(quality)")
        }
        let tj = try TurboJPEGEncoder.loaded()
        guard let handle = tj.initCompress() else {
            throw ApusError.invalidArgument("libjpeg-turbo could not start an encoder: \(tj.errorMessage(nil))")
        }
        defer { _ = tj.destroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>? = nil
        var size: CUnsignedLong = 0
        let status = pixels.withUnsafeBufferPointer { p in
            tj.compress2(handle, p.baseAddress, CInt(width), 0, CInt(height),
                         channels == 1 ? TurboJPEG.pixelFormatGray : TurboJPEG.pixelFormatRGB,
                         &buffer, &size, channels == 1 ? TurboJPEGEncoder.subsamplingGray : TurboJPEGEncoder.subsampling420,
                         CInt(quality), 0)
        }
        defer { if let buffer { tj.free(buffer) } }
        guard status == 0, let buffer else {
            throw ApusError.invalidArgument("libjpeg-turbo could not encode a \(width)×\(height) image: \(tj.errorMessage(handle))")
        }
        return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
    }

    /// Writes the image to `path` as PNG or JPEG, chosen by the extension (`.png`, `.jpg`, `.jpeg`).
    public func write(to path: String, quality: Int = 90) throws {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        let bytes: Data
        switch ext {
        case "png": bytes = pngData()
        case "jpg", "jpeg": bytes = Data(try jpegData(quality: quality))
        default: throw ApusError.invalidArgument("cannot write '\(path)': the extension must be .png, .jpg or .jpeg")
        }
        do { try bytes.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw ApusError.fileNotWritable(path: path, reason: error.localizedDescription)
        }
    }
}

/// The compression half of TurboJPEG, loaded from the library ``TurboJPEG`` finds.
struct TurboJPEGEncoder: Sendable {
    /// `tjhandle tjInitCompress(void)`
    typealias InitCompress = @convention(c) () -> UnsafeMutableRawPointer?
    /// `int tjCompress2(tjhandle, const unsigned char *srcBuf, int width, int pitch, int height,
    /// int pixelFormat, unsigned char **jpegBuf, unsigned long *jpegSize, int jpegSubsamp,
    /// int jpegQual, int flags)`
    typealias Compress2 = @convention(c) (
        UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, CInt, CInt, CInt, CInt,
        UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?, UnsafeMutablePointer<CUnsignedLong>?, CInt, CInt, CInt
    ) -> CInt
    /// `void tjFree(unsigned char *buffer)`
    typealias Free = @convention(c) (UnsafeMutablePointer<UInt8>?) -> Void

    /// `TJSAMP_420` and `TJSAMP_GRAY` of turbojpeg.h.
    static let subsampling420: CInt = 2, subsamplingGray: CInt = 3

    let initCompress: InitCompress
    let compress2: Compress2
    let free: Free
    let destroy: TurboJPEG.Destroy
    let getErrorStr2: TurboJPEG.GetErrorStr2

    private static let shared = Result { () throws(ApusError) -> TurboJPEGEncoder in
        // Loading the decoder first gives the usual error when the library is missing.
        _ = try TurboJPEG.loaded()
        for path in TurboJPEG.searchPaths(environment: ProcessInfo.processInfo.environment) {
            guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let a = dlsym(library, "tjInitCompress"), let b = dlsym(library, "tjCompress2"),
               let c = dlsym(library, "tjFree"), let d = dlsym(library, "tjDestroy"), let e = dlsym(library, "tjGetErrorStr2") {
                return TurboJPEGEncoder(initCompress: unsafeBitCast(a, to: InitCompress.self),
                                        compress2: unsafeBitCast(b, to: Compress2.self),
                                        free: unsafeBitCast(c, to: Free.self),
                                        destroy: unsafeBitCast(d, to: TurboJPEG.Destroy.self),
                                        getErrorStr2: unsafeBitCast(e, to: TurboJPEG.GetErrorStr2.self))
            }
            dlclose(library)
        }
        throw ApusError.libraryUnavailable(library: TurboJPEG.libraryName, purpose: "encoding JPEG files",
                                           install: TurboJPEG.installHint)
    }

    /// The process's encoder functions, or the error of loading them.
    static func loaded() throws(ApusError) -> TurboJPEGEncoder { try shared.get() }

    func errorMessage(_ handle: UnsafeMutableRawPointer?) -> String {
        getErrorStr2(handle).map { String(cString: $0) } ?? "unknown libjpeg-turbo error"
    }
}
