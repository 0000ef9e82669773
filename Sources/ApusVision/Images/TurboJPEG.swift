import Apus
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The decompression half of libjpeg-turbo's TurboJPEG API, loaded with `dlopen` on first use.
///
/// Apus does not link libjpeg: a build needs nothing but the Swift toolchain, and only a program
/// that reads a JPEG needs `libturbojpeg.so.0` (Debian's `libturbojpeg0`, macOS's `jpeg-turbo`).
/// The functions are those of TurboJPEG 2.0, which libjpeg-turbo 3.x keeps for compatibility.
/// They take a handle each; a handle must not be used by two threads at once.
struct TurboJPEG: Sendable {
    /// `tjhandle tjInitDecompress(void)`
    typealias InitDecompress = @convention(c) () -> UnsafeMutableRawPointer?
    /// `int tjDecompressHeader3(tjhandle, const unsigned char *jpegBuf, unsigned long jpegSize,
    /// int *width, int *height, int *jpegSubsamp, int *jpegColorspace)`
    typealias DecompressHeader3 = @convention(c) (
        UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, CUnsignedLong,
        UnsafeMutablePointer<CInt>?, UnsafeMutablePointer<CInt>?, UnsafeMutablePointer<CInt>?, UnsafeMutablePointer<CInt>?
    ) -> CInt
    /// `int tjDecompress2(tjhandle, const unsigned char *jpegBuf, unsigned long jpegSize,
    /// unsigned char *dstBuf, int width, int pitch, int height, int pixelFormat, int flags)`
    typealias Decompress2 = @convention(c) (
        UnsafeMutableRawPointer?, UnsafePointer<UInt8>?, CUnsignedLong,
        UnsafeMutablePointer<UInt8>?, CInt, CInt, CInt, CInt, CInt
    ) -> CInt
    /// `int tjDestroy(tjhandle)`
    typealias Destroy = @convention(c) (UnsafeMutableRawPointer?) -> CInt
    /// `char *tjGetErrorStr2(tjhandle)`: the handle's last error (the thread's last for a null handle).
    typealias GetErrorStr2 = @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutablePointer<CChar>?
    /// `int tjGetErrorCode(tjhandle)`: `TJERR_WARNING` or `TJERR_FATAL`.
    typealias GetErrorCode = @convention(c) (UnsafeMutableRawPointer?) -> CInt

    // Values from turbojpeg.h (the same in libjpeg-turbo 2.x and 3.x).
    /// `TJPF_RGB`: three bytes a pixel, R G B.
    static let pixelFormatRGB: CInt = 0
    /// `TJPF_GRAY`: one byte a pixel.
    static let pixelFormatGray: CInt = 6
    /// `TJPF_CMYK`: four bytes a pixel, C M Y K as stored in the file (no inversion).
    static let pixelFormatCMYK: CInt = 11
    /// `TJCS_RGB`: three components stored as RGB (Adobe transform 0).
    static let colorspaceRGB: CInt = 0
    /// `TJCS_YCbCr`: the usual colour JPEG.
    static let colorspaceYCbCr: CInt = 1
    /// `TJCS_GRAY`: one component.
    static let colorspaceGray: CInt = 2
    /// `TJCS_CMYK`: four components stored as CMYK (Adobe transform 0).
    static let colorspaceCMYK: CInt = 3
    /// `TJCS_YCCK`: four components, the first three YCbCr-coded (Adobe transform 2).
    static let colorspaceYCCK: CInt = 4
    /// `TJFLAG_STOPONWARNING` (8192): stop at libjpeg's first warning (e.g. "Premature end of JPEG
    /// file") instead of finishing the image with made-up data.
    static let flagStopOnWarning: CInt = 8192
    /// `TJFLAG_LIMITSCANS` (32768, libjpeg-turbo 2.1+; ignored before): refuse progressive files of
    /// more than 500 scans, which can take minutes to decode (a known denial of service).
    static let flagLimitScans: CInt = 32768

    let initDecompress: InitDecompress
    let decompressHeader3: DecompressHeader3
    let decompress2: Decompress2
    let destroy: Destroy
    let getErrorStr2: GetErrorStr2
    let getErrorCode: GetErrorCode

    /// The library every decoder shares, loaded on first use; a static's initialiser runs exactly
    /// once even when several threads ask at the same time, and the outcome (or the error) is kept.
    private static let shared = Result { () throws(ApusError) in
        try load(from: searchPaths(environment: ProcessInfo.processInfo.environment))
    }

    /// The process's TurboJPEG; throws `ApusError.libraryUnavailable(library:purpose:install:)`
    /// when libjpeg-turbo cannot be loaded (every call, without trying again).
    static func loaded() throws(ApusError) -> TurboJPEG { try shared.get() }

    /// The names `dlopen` tries in turn: only `$APUS_TURBOJPEG` when it is set, otherwise the
    /// platform's usual names and places.
    static func searchPaths(environment: [String: String]) -> [String] {
        if let path = environment["APUS_TURBOJPEG"], !path.isEmpty { return [path] }
        #if canImport(Darwin)
        return ["libturbojpeg.dylib", "libturbojpeg.0.dylib",
                "/opt/homebrew/opt/jpeg-turbo/lib/libturbojpeg.dylib",  // Homebrew on Apple silicon
                "/usr/local/opt/jpeg-turbo/lib/libturbojpeg.dylib"]     // Homebrew on Intel
        #else
        return ["libturbojpeg.so.0", "libturbojpeg.so"]
        #endif
    }

    /// The library's name in error messages.
    static let libraryName = "libjpeg-turbo (libturbojpeg.so.0)"
    /// How to get it, in error messages.
    static let installHint = "install it with `apt-get install libturbojpeg0` (macOS: `brew install jpeg-turbo`)"

    /// Loads TurboJPEG from the first of `paths` that `dlopen` opens, without touching the shared
    /// instance (so a test can load from a path of its choice). The library stays loaded for the
    /// life of the process.
    static func load(from paths: [String]) throws(ApusError) -> TurboJPEG {
        var failures: [String] = []
        for path in paths {
            guard let library = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
                failures.append(dlerror().map { String(cString: $0) } ?? path)
                continue
            }
            var missing: [String] = []
            func symbol<F>(_ name: String, as type: F.Type) -> F? {
                guard let address = dlsym(library, name) else { missing.append(name); return nil }
                return unsafeBitCast(address, to: type)
            }
            let functions = (symbol("tjInitDecompress", as: InitDecompress.self),
                             symbol("tjDecompressHeader3", as: DecompressHeader3.self),
                             symbol("tjDecompress2", as: Decompress2.self),
                             symbol("tjDestroy", as: Destroy.self),
                             symbol("tjGetErrorStr2", as: GetErrorStr2.self),
                             symbol("tjGetErrorCode", as: GetErrorCode.self))
            guard let a = functions.0, let b = functions.1, let c = functions.2, let d = functions.3,
                  let e = functions.4, let f = functions.5 else {
                // An older libjpeg-turbo (before 2.0) lacks tjGetErrorStr2 and tjGetErrorCode.
                dlclose(library)
                failures.append("\(path) lacks \(missing.joined(separator: ", ")) (libjpeg-turbo 2.0 or later is needed)")
                continue
            }
            return TurboJPEG(initDecompress: a, decompressHeader3: b, decompress2: c, destroy: d,
                             getErrorStr2: e, getErrorCode: f)
        }
        throw ApusError.libraryUnavailable(
            library: libraryName, purpose: "decoding JPEG files",
            install: installHint + (failures.isEmpty ? "" : " (tried: \(failures.joined(separator: "; ")))"))
    }

    /// The last error of `handle` (of this thread, for a null handle), as text.
    func errorMessage(_ handle: UnsafeMutableRawPointer?) -> String {
        guard let message = getErrorStr2(handle) else { return "unknown libjpeg-turbo error" }
        return String(cString: message)
    }
}
