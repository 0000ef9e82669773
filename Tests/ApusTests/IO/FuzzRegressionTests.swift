import Foundation
import Testing
@testable import Apus
@testable import ApusVision

// The inputs of the fuzz targets (Fuzz/, run by Scripts/fuzz.sh), replayed in the ordinary test
// run: the seed corpora (Fuzz/corpus/<target>/) and every input a fuzzer ever found a problem
// with (Tests/ApusTests/Fixtures/fuzz/<target>/, each committed with its fix). Each input goes
// to the same reader as in its target, which must return or throw an ApusError, never trap.

/// The package root, from this file's path (Tests/ApusTests/IO/…).
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// What each fuzz target does with its input: keep in step with Fuzz/Sources/<target>/main.swift.
private let readers: [String: @Sendable ([UInt8]) throws -> Void] = [
    "FuzzIDX": { _ = try IDX.decode($0, path: "fuzz.idx") },
    "FuzzGzip": { _ = try Gzip.decompress($0, path: "fuzz.gz", maxOutputBytes: 1 << 22) },
    "FuzzSafetensors": { _ = try Safetensors.decode($0, path: "fuzz.safetensors") },
    "FuzzCSV": { bytes in
        guard let options = bytes.first else { return }
        let targets: [CSVTarget] = [.last, .index(0), .name("y")]
        _ = try loadCSV(bytes: Array(bytes.dropFirst()), path: "fuzz.csv", hasHeader: options & 1 == 0,
                        target: targets[Int(options >> 1 & 3) % 3],
                        delimiter: options & 8 == 0 ? UInt8(ascii: ",") : UInt8(ascii: ";"),
                        allowNonFinite: options & 16 != 0, readSize: Int(options >> 5) * 4 + 1)
    },
    "FuzzPNG": { _ = try PNGDecoder.decode($0, path: "fuzz.png", maxPixels: 1 << 20) },
    "FuzzPth": { _ = try TorchCheckpoint.decode(bytes: $0, path: "fuzz.pth") },
    "FuzzJPEG": { bytes in
        guard (try? TurboJPEG.loaded()) != nil else { return }
        _ = try JPEGDecoder.decode(bytes, path: "fuzz.jpg", maxPixels: 1 << 20)
    },
]

/// Files directly inside `folder` (none when it does not exist).
private func inputs(in folder: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return names.sorted().map { folder.appendingPathComponent($0) }.filter { !$0.hasDirectoryPath }
}

struct FuzzRegressionTests {
    @Test(arguments: readers.keys.sorted())
    func corpusAndFindingsLoadOrThrow(_ target: String) throws {
        let seeds = inputs(in: packageRoot.appendingPathComponent("Fuzz/corpus/\(target)"))
        let findings = inputs(in: packageRoot.appendingPathComponent("Tests/ApusTests/Fixtures/fuzz/\(target)"))
        if !["FuzzPNG", "FuzzJPEG", "FuzzPth"].contains(target) {  // those start from the test fixtures
            #expect(!seeds.isEmpty, "no seed corpus for \(target): run Scripts/make_fuzz_corpus.py")
        }
        for url in seeds + findings {
            let bytes = try [UInt8](Data(contentsOf: url))
            do {
                try readers[target]!(bytes)
            } catch is ApusError {
            } catch {
                Issue.record("\(url.lastPathComponent): \(error) is not an ApusError")
            }
        }
        // The seeds are valid files: each loads.
        for url in seeds {
            #expect(throws: Never.self, "\(target) seed \(url.lastPathComponent)") { try readers[target]!(try [UInt8](Data(contentsOf: url))) }
        }
    }

    /// Every target of the fuzz package has a reader here, and the other way round.
    @Test func everyFuzzTargetIsReplayed() throws {
        let sources = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Fuzz/Sources").path)
        #expect(Set(sources.filter { $0.hasPrefix("Fuzz") && $0 != "FuzzSupport" }) == Set(readers.keys))
    }
}
