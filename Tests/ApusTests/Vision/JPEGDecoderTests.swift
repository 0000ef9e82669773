import Foundation
import Synchronization
import Testing
@testable import Apus
@testable import ApusVision

/// The fixtures of Scripts/make_jpeg_fixtures.py and whether the JPEG tests can run.
enum JPEGFixtures {
    /// One entry of manifest.json: a file and the pixels Pillow decodes from it.
    struct Entry: Decodable {
        let file: String
        let kind: String
        let width: Int
        let height: Int
        let channels: Int
        /// Base64 of the HWC bytes.
        let pixels: String
    }

    private struct Manifest: Decodable { let fixtures: [Entry] }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images/jpeg")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path(name)))) }

    static func entries() throws -> [Entry] {
        try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: directory.appendingPathComponent("manifest.json"))).fixtures
    }

    /// libjpeg-turbo could be loaded.
    static let libraryLoads = (try? TurboJPEG.loaded()) != nil

    /// CI sets APUS_REQUIRE_JPEG=1 so that a missing libturbojpeg fails the tests instead of skipping them.
    static let required = ProcessInfo.processInfo.environment["APUS_REQUIRE_JPEG"] == "1"

    /// Whether the tests that decode run: when the library loads, or when it is required (and they fail).
    static let enabled = libraryLoads || required

    /// The offset of the first marker segment in `jpeg` whose marker passes `wanted`, walking the
    /// segments from the SOI.
    static func segmentOffset(_ jpeg: [UInt8], where wanted: (UInt8) -> Bool) -> Int? {
        var i = 2
        while i + 4 <= jpeg.count, jpeg[i] == 0xFF {
            if wanted(jpeg[i + 1]) { return i }
            i += 2 + (Int(jpeg[i + 2]) << 8 | Int(jpeg[i + 3]))
        }
        return nil
    }

    /// The offset of the frame header (an SOFn marker: C0–CF but DHT C4, JPG C8, DAC CC).
    static func frameHeaderOffset(_ jpeg: [UInt8]) -> Int? {
        segmentOffset(jpeg) { (0xC0...0xCF).contains($0) && ![0xC4, 0xC8, 0xCC].contains($0) }
    }

    /// `jpeg` with the frame header claiming `width × height` (16-bit big-endian fields after the precision byte).
    static func claimingSize(_ jpeg: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        let sof = try #require(frameHeaderOffset(jpeg))
        var out = jpeg
        out[sof + 5] = UInt8(height >> 8); out[sof + 6] = UInt8(height & 0xFF)
        out[sof + 7] = UInt8(width >> 8); out[sof + 8] = UInt8(width & 0xFF)
        return out
    }
}

@Suite struct JPEGDecoderTests {
    typealias F = JPEGFixtures

    /// The reason of the `corruptFile` error `body` throws, after checking that it names `path`.
    private func corruptReason(path: String, _ body: () throws -> Void) -> String? {
        let error = #expect(throws: ApusError.self) { try body() }
        guard case .corruptFile(let named, let reason)? = error else {
            Issue.record("expected corruptFile, got \(String(describing: error))")
            return nil
        }
        #expect(named == path)
        return reason
    }

    @Test func libraryIsInstalledWhenRequired() {
        #expect(F.libraryLoads || !F.required,
                "APUS_REQUIRE_JPEG=1 but libturbojpeg cannot be loaded: \(thrownMessage { _ = try TurboJPEG.loaded() })")
    }

    @Test(.enabled(if: F.enabled)) func everyFixtureMatchesPillowWithinOne() throws {
        let entries = try F.entries()
        #expect(entries.count == 15)
        var report: [String] = []
        for entry in entries {
            let image = try Image(contentsOf: F.path(entry.file))
            let expected = try #require(Data(base64Encoded: entry.pixels).map { [UInt8]($0) })
            #expect(image.width == entry.width && image.height == entry.height && image.channels == entry.channels,
                    "\(entry.file): \(image.width)×\(image.height)×\(image.channels)")
            guard image.pixels.count == expected.count else { continue }
            let maxDifference = zip(image.pixels, expected).map { abs(Int($0) - Int($1)) }.max() ?? 0
            #expect(maxDifference <= 1, "\(entry.file) (\(entry.kind)) differs from Pillow by up to \(maxDifference)")
            report.append("\(entry.file) [\(entry.kind)]: max |Δ| = \(maxDifference)")
        }
        print("JPEG vs Pillow:\n  " + report.joined(separator: "\n  "))
    }

    @Test(.enabled(if: F.enabled)) func concurrentDecodesAgreeWithSequentialOnes() throws {
        let files = try F.entries().map(\.file)
        let inputs = try files.map { try F.bytes($0) }
        let sequential = try inputs.map { try JPEGDecoder.decode($0, path: "x.jpg", maxPixels: .max) }
        let rounds = 8
        let results = Mutex([Image?](repeating: nil, count: inputs.count * rounds))
        DispatchQueue.concurrentPerform(iterations: inputs.count * rounds) { i in
            let image = try? JPEGDecoder.decode(inputs[i % inputs.count], path: "x.jpg", maxPixels: .max)
            results.withLock { $0[i] = image }
        }
        results.withLock { all in
            for (i, image) in all.enumerated() { #expect(image == sequential[i % inputs.count], "\(files[i % inputs.count])") }
        }
    }

    @Test(.enabled(if: F.enabled)) func theSizeLimitIsInclusive() throws {
        let path = F.path("ycbcr420_odd_size.jpg")
        let bytes = try F.bytes("ycbcr420_odd_size.jpg")
        #expect(try JPEGDecoder.decode(bytes, path: path, maxPixels: 17 * 11).width == 17)
        let reason = corruptReason(path: path) { _ = try JPEGDecoder.decode(bytes, path: path, maxPixels: 17 * 11 - 1) }
        #expect(reason?.contains("17×11") == true)
    }

    @Test(.enabled(if: F.enabled), arguments: ["ycbcr420_baseline.jpg", "ycbcr420_progressive.jpg", "grey_progressive.jpg"])
    func hugeClaimedSizeThrowsBeforeDecoding(_ name: String) throws {
        // 16-bit size fields cannot say 100000; 65500 is the most libjpeg accepts: 4.3 gigapixels,
        // 12.9 GB of RGB, which must be refused from the header alone.
        let bomb = try F.claimingSize(F.bytes(name), width: 65_500, height: 65_500)
        let reason = corruptReason(path: "bomb.jpg") { _ = try Image(decoding: bomb, path: "bomb.jpg") }
        #expect(reason?.contains("65500×65500") == true && reason?.contains("ImageDecoding.maxPixels") == true, "\(reason ?? "")")
        // Beyond libjpeg's own limit the header is refused too.
        let larger = try F.claimingSize(F.bytes(name), width: 65_535, height: 65_535)
        _ = corruptReason(path: "bomb.jpg") { _ = try Image(decoding: larger, path: "bomb.jpg") }
    }

    @Test(.enabled(if: F.enabled)) func zeroWidthOrHeightThrows() throws {
        let bytes = try F.bytes("ycbcr444_baseline.jpg")
        for (width, height) in [(0, 16), (24, 0), (0, 0)] {
            let bad = try F.claimingSize(bytes, width: width, height: height)
            let reason = corruptReason(path: "empty.jpg") { _ = try Image(decoding: bad, path: "empty.jpg") }
            #expect(reason?.isEmpty == false)
        }
    }

    @Test(.enabled(if: F.enabled), arguments: ["ycbcr420_baseline.jpg", "ycbcr420_progressive.jpg", "cmyk_baseline.jpg"])
    func truncatedFilesThrow(_ name: String) throws {
        let bytes = try F.bytes(name)
        let n = bytes.count
        for length in [2, 3, 20, n / 3, n / 2, n - 10, n - 2, n - 1] {
            let path = "\(name)[..<\(length)]"
            let reason = corruptReason(path: path) { _ = try JPEGDecoder.decode(Array(bytes[..<length]), path: path, maxPixels: .max) }
            #expect(reason?.isEmpty == false, "\(path)")
        }
        // Cut inside the first scan's entropy-coded data: libjpeg's warning, as Pillow's "image file is truncated".
        let scan = try #require(F.segmentOffset(bytes) { $0 == 0xDA })
        let cut = Array(bytes[..<((scan + n) / 2)])
        let reason = corruptReason(path: "cut.jpg") { _ = try JPEGDecoder.decode(cut, path: "cut.jpg", maxPixels: .max) }
        #expect(reason?.contains("Premature end of JPEG file") == true, "\(reason ?? "")")
    }

    @Test(.enabled(if: F.enabled)) func garbageAfterTheStartMarkerThrows() {
        var state: UInt64 = 7
        let garbage = (0..<2_000).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(state >> 56)
        }
        _ = corruptReason(path: "garbage.jpg") { _ = try Image(decoding: [0xFF, 0xD8, 0xFF] + garbage, path: "garbage.jpg") }
        _ = corruptReason(path: "garbage.jpg") {
            _ = try JPEGDecoder.decode([0xFF, 0xD8] + garbage, path: "garbage.jpg", maxPixels: .max)
        }
        _ = corruptReason(path: "soi.jpg") { _ = try Image(decoding: [0xFF, 0xD8, 0xFF, 0xD9], path: "soi.jpg") }
        _ = corruptReason(path: "empty.jpg") { _ = try JPEGDecoder.decode([], path: "empty.jpg", maxPixels: .max) }
    }

    @Test(.enabled(if: F.enabled)) func aPNGIsNotAJPEG() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("IHDR".utf8)
            + [UInt8](repeating: 0, count: 17)
        let reason = corruptReason(path: "a.png") { _ = try JPEGDecoder.decode(png, path: "a.png", maxPixels: .max) }
        #expect(reason?.contains("Not a JPEG file") == true, "\(reason ?? "")")
    }

    @Test func aMissingLibraryIsAClearError() {
        let error = #expect(throws: ApusError.self) { try TurboJPEG.load(from: ["/nonexistent/libturbojpeg.so.0"]) }
        guard case .libraryUnavailable(let library, let purpose, let install)? = error else {
            Issue.record("expected libraryUnavailable, got \(String(describing: error))")
            return
        }
        #expect(library == "libjpeg-turbo (libturbojpeg.so.0)")
        #expect(purpose == "decoding JPEG files")
        #expect(install.hasPrefix("install it with `apt-get install libturbojpeg0` (macOS: `brew install jpeg-turbo`)"))
        #expect(install.contains("/nonexistent/libturbojpeg.so.0"))
    }

    #if os(Linux)
    @Test func aLibraryWithoutTheFunctionsIsRefused() {
        // libc opens but has none of TurboJPEG's symbols.
        let message = thrownMessage { _ = try TurboJPEG.load(from: ["libc.so.6"]) }
        #expect(message.contains("libc.so.6 lacks tjInitDecompress"), "\(message)")
    }
    #endif

    @Test func theEnvironmentVariableOverridesTheSearch() {
        #expect(TurboJPEG.searchPaths(environment: ["APUS_TURBOJPEG": "/x/libturbojpeg.so.0"]) == ["/x/libturbojpeg.so.0"])
        #expect(TurboJPEG.searchPaths(environment: [:]).count >= 2)
        #expect(TurboJPEG.searchPaths(environment: ["APUS_TURBOJPEG": ""]) == TurboJPEG.searchPaths(environment: [:]))
    }

    @Test func aMissingLibraryNamedByTheEnvironmentFailsTheDecode() async {
        // A child process, whose shared TurboJPEG is not loaded yet, so that the variable is read.
        await #expect(processExitsWith: .success) {
            setenv("APUS_TURBOJPEG", "/nonexistent/libturbojpeg.so.0", 1)
            do {
                _ = try Image(decoding: [0xFF, 0xD8, 0xFF, 0xD9], path: "a.jpg")
            } catch ApusError.libraryUnavailable(let library, _, let install)
                where library.contains("libturbojpeg") && install.contains("/nonexistent/libturbojpeg.so.0") {
                exit(0)
            } catch {}
            exit(1)
        }
    }

    @Test(.enabled(if: F.libraryLoads)) func loadingFromAListSkipsMissingPaths() throws {
        let tj = try TurboJPEG.load(from: ["/nonexistent/libturbojpeg.so.0"] + TurboJPEG.searchPaths(environment: [:]))
        let image = try JPEGDecoder.decode(F.bytes("grey_baseline.jpg"), path: "g.jpg", maxPixels: .max, using: tj)
        #expect(image.width == 17 && image.height == 11 && image.channels == 1)
    }

    @Test func adobeCMYKConvertsAsPillow() {
        // Stored values (Adobe-inverted): no ink is 255, full black is k = 0.
        let cmyk: [UInt8] = [255, 255, 255, 255,  0, 0, 0, 255,  255, 255, 255, 0,  128, 200, 10, 100]
        var rgb = [UInt8](repeating: 0, count: 12)
        cmyk.withUnsafeBufferPointer { c in rgb.withUnsafeMutableBufferPointer { JPEGDecoder.adobeCMYKToRGB(c, into: $0) } }
        // Pillow: Image.frombytes("CMYK", (1, 1), bytes(255 - v for v in p)).convert("RGB") for each pixel p.
        #expect(rgb == [255, 255, 255, 0, 0, 0, 0, 0, 0, 50, 78, 4])
    }
}
