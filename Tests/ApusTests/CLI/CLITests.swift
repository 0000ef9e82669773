import Foundation
import Testing

// Runs the built `apus` executable as a subprocess.

/// The `apus` executable of this build: next to the test bundle (SwiftPM puts both in
/// `.build/<config>/`), else in the package's `.build/debug` or `.build/release`.
private func apusExecutable() throws -> URL {
    let fm = FileManager.default
    var candidates: [URL] = []
    let argv0 = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("apus"))
    // On macOS the runner is inside ApusPackageTests.xctest/Contents/MacOS, or is xctest itself.
    for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
        candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("apus"))
    }
    // Package root from this file: Tests/ApusTests/CLI/CLITests.swift.
    let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    for config in ["debug", "release"] {
        candidates.append(root.appendingPathComponent(".build/\(config)/apus"))
    }
    if let found = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) }) { return found }
    throw CLITestError.executableNotFound(candidates.map(\.path))
}

private enum CLITestError: Error, CustomStringConvertible {
    case executableNotFound([String])
    var description: String {
        switch self {
        case .executableNotFound(let paths):
            "the 'apus' executable was not found (build it with 'swift build'); looked at: \(paths.joined(separator: ", "))"
        }
    }
}

private struct Outcome {
    let status: Int32
    let stdout: String
    let stderr: String

    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
}

/// Runs `apus` with `arguments`, capturing its output in temporary files (no pipe can fill up).
private func apus(_ arguments: [String]) throws -> Outcome {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("apus-cli-\(UUID().uuidString)")
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: dir) }
    let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
    fm.createFile(atPath: out.path, contents: nil)
    fm.createFile(atPath: err.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)

    let process = Process()
    process.executableURL = try apusExecutable()
    process.arguments = arguments
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try outHandle.close()
    try errHandle.close()
    return Outcome(status: process.terminationStatus,
                   stdout: try String(contentsOf: out, encoding: .utf8),
                   stderr: try String(contentsOf: err, encoding: .utf8))
}

/// Text a crashing Swift program leaves on standard error.
private let crashMarkers = ["Program crashed", "Fatal error", "Backtrac", "Illegal instruction", "Segmentation fault"]

// MARK: - Finding the executable

@Test func apusExecutableIsFound() throws {
    let url = try apusExecutable()
    #expect(FileManager.default.isExecutableFile(atPath: url.path))
    #expect(url.lastPathComponent == "apus")
}

// MARK: - Bad invocations

struct BadInvocation: Sendable, CustomTestStringConvertible {
    let arguments: [String]
    /// Fragments the one error line must contain.
    let mentions: [String]
    var testDescription: String { "apus " + arguments.joined(separator: " ") }
}

@Test(arguments: [
    BadInvocation(arguments: ["train", "--epochs", "-1"], mentions: ["--epochs", "-1"]),
    BadInvocation(arguments: ["train", "--epochs", "0"], mentions: ["--epochs", "0"]),
    BadInvocation(arguments: ["train", "--batch-size", "0"], mentions: ["--batch-size", "0"]),
    BadInvocation(arguments: ["train", "--lr", "abc"], mentions: ["--lr", "abc"]),
    BadInvocation(arguments: ["train", "--lr", "-0.1"], mentions: ["--lr", "-0.1"]),
    BadInvocation(arguments: ["train", "--lr", "nan"], mentions: ["--lr"]),
    BadInvocation(arguments: ["train", "--dataset", "nope"], mentions: ["nope", "digits"]),
    BadInvocation(arguments: ["train", "--hidden", "0"], mentions: ["--hidden", "0"]),
    BadInvocation(arguments: ["train", "--hidden", "64", "0"], mentions: ["--hidden"]),
    BadInvocation(arguments: ["train", "--momentum", "1.5"], mentions: ["--momentum", "1.5"]),
    BadInvocation(arguments: ["train", "--momentum", "1"], mentions: ["--momentum"]),
    BadInvocation(arguments: ["train", "--seed", "-1"], mentions: ["--seed", "-1"]),
    BadInvocation(arguments: ["train", "--epochs"], mentions: ["--epochs"]),
    BadInvocation(arguments: ["train", "--frobnicate"], mentions: ["--frobnicate"]),
    BadInvocation(arguments: ["train", "extra"], mentions: ["extra"]),
    BadInvocation(arguments: ["nosuchcommand"], mentions: ["nosuchcommand"]),
    BadInvocation(arguments: ["bench", "--only", "nosuchworkload"], mentions: ["--only", "nosuchworkload"]),
    BadInvocation(arguments: ["bench", "--only"], mentions: ["--only"]),
    BadInvocation(arguments: ["bench", "--threads", "2"], mentions: ["--threads"]),
])
func badInvocationFailsWithOneErrorLine(_ case_: BadInvocation) throws {
    let r = try apus(case_.arguments)
    #expect(r.status != 0)
    #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
    let line = r.stderrLines.first ?? ""
    #expect(line.hasPrefix("error:"), "stderr: \(r.stderr)")
    for fragment in case_.mentions {
        #expect(line.contains(fragment), "'\(line)' should mention '\(fragment)'")
    }
    for marker in crashMarkers {
        #expect(!r.stderr.contains(marker) && !r.stdout.contains(marker))
    }
    // Nothing was trained.
    #expect(!r.stdout.contains("epoch"))
}

// MARK: - Help

@Test(arguments: [["--help"], ["train", "--help"], ["help", "train"]])
func helpExitsZero(_ arguments: [String]) throws {
    let r = try apus(arguments)
    #expect(r.status == 0)
    #expect(r.stdout.contains("USAGE:"))
    #expect(!r.stdout.contains("error:") && !r.stderr.contains("error:"))
    if arguments.contains("train") {
        for flag in ["--epochs", "--batch-size", "--lr", "--momentum", "--seed", "--hidden", "--dataset", "--json"] {
            #expect(r.stdout.contains(flag))
        }
    } else {
        #expect(r.stdout.contains("train"))
    }
}

// MARK: - Training runs

/// The JSON object on the last line of standard output.
private func lastLineJSON(_ r: Outcome) throws -> [String: Any] {
    let last = try #require(r.stdoutLines.last)
    return try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
}

@Test func trainJSONRunsAreReproducible() throws {
    let args = ["train", "--epochs", "2", "--hidden", "16", "--json"]
    let a = try apus(args + ["--seed", "3"])
    let b = try apus(args + ["--seed", "3"])
    let c = try apus(args + ["--seed", "4"])
    for r in [a, b, c] {
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stderr.isEmpty)
        // Two progress lines, the summary, the JSON.
        #expect(r.stdoutLines.filter { $0.hasPrefix("epoch") }.count == 2)
        #expect(r.stdoutLines.count == 4)
        #expect(r.stdoutLines[2].hasPrefix("test accuracy"))
    }

    let ja = try lastLineJSON(a), jb = try lastLineJSON(b), jc = try lastLineJSON(c)
    for key in ["dataset", "model", "epochs", "train_loss", "test_accuracy", "seconds"] {
        #expect(ja[key] != nil, "missing key \(key)")
    }
    #expect(ja["dataset"] as? String == "digits")
    #expect(ja["model"] as? String == "mlp-64-16-10")
    #expect(ja["epochs"] as? Int == 2)
    #expect(ja["parameters"] as? Int == 1210)
    let acc = try #require(ja["test_accuracy"] as? Double)
    #expect((0...1).contains(acc))
    #expect((ja["train_loss"] as? Double).map { $0.isFinite && $0 > 0 } == true)
    #expect((ja["seconds"] as? Double).map { $0 > 0 } == true)

    // Same seed: identical apart from the time taken.
    func timeless(_ j: [String: Any]) -> NSDictionary {
        var j = j
        j["seconds"] = nil
        return j as NSDictionary
    }
    #expect(timeless(ja) == timeless(jb))
    #expect(a.stdoutLines.prefix(2) == b.stdoutLines.prefix(2))   // same progress lines
    // Another seed: another run.
    #expect(ja["train_loss"] as? Double != jc["train_loss"] as? Double)
}

@Test func trainWithoutJSONPrintsNoJSON() throws {
    let r = try apus(["train", "--epochs", "1", "--hidden", "16"])
    #expect(r.status == 0)
    #expect(r.stdoutLines.count == 2)
    #expect(!r.stdout.contains("{"))
}

@Test func divergedTrainingStillPrintsValidJSON() throws {
    // A learning rate this large overflows float32 weights to ±inf and the loss to NaN in the first epoch.
    let r = try apus(["train", "--epochs", "1", "--hidden", "16", "--lr", "1e30", "--json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    for marker in crashMarkers { #expect(!r.stderr.contains(marker)) }
    let j = try lastLineJSON(r)
    let loss = j["train_loss"] as? String
    #expect(loss == "NaN" || loss == "Infinity", "train_loss: \(String(describing: j["train_loss"]))")
}

// MARK: - Benchmarks

@Test func benchQuickJSONReportsAPositiveFigure() throws {
    let r = try apus(["bench", "--quick", "--only", "gemm-256", "--json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stderr.isEmpty)
    for marker in crashMarkers { #expect(!r.stderr.contains(marker) && !r.stdout.contains(marker)) }
    let j = try lastLineJSON(r)
    // Only the selected workload ran.
    #expect(Array(j.keys) == ["gemm-256"])
    let entry = try #require(j["gemm-256"] as? [String: Any])
    #expect(entry["unit"] as? String == "GFLOP/s")
    let value = try #require(entry["value"] as? Double)
    #expect(value > 0 && value.isFinite)
    // The table row precedes the JSON.
    #expect(r.stdoutLines.contains { $0.hasPrefix("gemm-256") && $0.hasSuffix("GFLOP/s") })
}

@Test func benchListNamesEveryWorkloadWithoutRunningThem() throws {
    let r = try apus(["bench", "--list"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    for name in ["mlp-epoch", "gemm-256", "gemm-2048", "gemm-mlp-AtB-784x128x256", "softmax-1000x1000", "autograd-add-1elem"] {
        #expect(r.stdout.contains(name), "missing \(name)")
    }
    #expect(!r.stdout.contains("# apus bench"))   // no run header: nothing was measured
}
