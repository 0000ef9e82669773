import Foundation
import Testing
import Apus

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

struct Outcome {
    let status: Int32
    let stdout: String
    let stderr: String

    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
    var stderrLines: [String] { stderr.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }
}

/// Runs `apus` with `arguments`, capturing its output in temporary files (no pipe can fill up);
/// `environment` replaces the inherited one when given.
func apus(_ arguments: [String], environment: [String: String]? = nil) throws -> Outcome {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("apus-cli-\(UUID().uuidString)")
    try fm.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: dir) }
    let out = dir.appendingPathComponent("stdout"), err = dir.appendingPathComponent("stderr")
    _ = fm.createFile(atPath: out.path, contents: nil)
    _ = fm.createFile(atPath: err.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)

    let process = Process()
    process.executableURL = try apusExecutable()
    process.arguments = arguments
    if let environment { process.environment = environment }
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
    BadInvocation(arguments: ["train", "--optimizer", "nope"],
                  mentions: ["--optimizer", "nope", "sgd", "adam", "adamw", "rmsprop", "adagrad"]),
    BadInvocation(arguments: ["train", "--weight-decay", "-0.1"], mentions: ["--weight-decay", "-0.1"]),
    BadInvocation(arguments: ["train", "--lr-schedule", "nope"], mentions: ["--lr-schedule", "nope", "cosine", "plateau"]),
    BadInvocation(arguments: ["train", "--lr-schedule", "step", "--lr-step", "0"], mentions: ["--lr-step", "0"]),
    BadInvocation(arguments: ["train", "--lr-step", "5"], mentions: ["--lr-step", "none"]),
    BadInvocation(arguments: ["train", "--lr-schedule", "step", "--lr-gamma", "1.5"], mentions: ["--lr-gamma", "1.5"]),
    BadInvocation(arguments: ["train", "--lr-schedule", "cosine", "--lr-gamma", "0.5"], mentions: ["--lr-gamma", "cosine"]),
    BadInvocation(arguments: ["train", "--warmup", "-1"], mentions: ["--warmup", "-1"]),
    BadInvocation(arguments: ["train", "--epochs", "2", "--warmup", "2"], mentions: ["--warmup", "--epochs"]),
    BadInvocation(arguments: ["train", "--dropout", "1"], mentions: ["--dropout", "1"]),
    BadInvocation(arguments: ["train", "--dropout", "-0.5"], mentions: ["--dropout", "-0.5"]),
    BadInvocation(arguments: ["train", "--activation", "nope"], mentions: ["--activation", "nope", "relu", "gelu"]),
    BadInvocation(arguments: ["train", "--init", "nope"], mentions: ["--init", "nope", "xavier", "he"]),
    BadInvocation(arguments: ["train", "--l1", "-1"], mentions: ["--l1", "-1"]),
    BadInvocation(arguments: ["train", "--l2", "nan"], mentions: ["--l2"]),
    BadInvocation(arguments: ["train", "--clip-norm", "0"], mentions: ["--clip-norm", "0"]),
    BadInvocation(arguments: ["train", "--batch-norm", "yes"], mentions: ["yes"]),
    BadInvocation(arguments: ["train", "--csv-log", "/dev/null/dir/log.csv", "--epochs", "1", "--hidden", "4"],
                  mentions: ["--csv-log", "cannot create directory '/dev/null/dir'"]),
    BadInvocation(arguments: ["train", "--log-dir", "/dev/null/runs", "--epochs", "1", "--hidden", "4"],
                  mentions: ["/dev/null/runs"]),
    BadInvocation(arguments: ["train", "--patience", "-1"], mentions: ["--patience", "-1"]),
    BadInvocation(arguments: ["train", "--resume", "/nonexistent/run.safetensors"], mentions: ["/nonexistent/run.safetensors"]),
    BadInvocation(arguments: ["train", "--checkpoint", "/dev/null/dir/run.safetensors", "--epochs", "1", "--hidden", "4"],
                  mentions: ["--checkpoint", "directory '/dev/null/dir' does not exist"]),
    BadInvocation(arguments: ["train", "--checkpoint", "/nonexistent-apus-dir/sub/run.safetensors", "--epochs", "1", "--hidden", "4"],
                  mentions: ["--checkpoint", "'/nonexistent-apus-dir/sub' does not exist"]),
    BadInvocation(arguments: ["train", "--model", "nope"], mentions: ["--model", "nope", "resnet18"]),
    BadInvocation(arguments: ["train", "--model", "lenet5"], mentions: ["lenet5", "[64]", "--dataset"]),
    BadInvocation(arguments: ["train", "--model", "lenet5", "--dataset", "fashion-mnist", "--hidden", "3"], mentions: ["--hidden"]),
    BadInvocation(arguments: ["train", "--dataset", "cifar10", "--data", "/nonexistent/cifar"],
                  mentions: ["CIFAR-10", "not found", "/nonexistent/cifar"]),
    BadInvocation(arguments: ["summary", "--model", "nope"], mentions: ["nope", "resnet152"]),
    BadInvocation(arguments: ["summary", "--model", "lenet5", "--input", "1x1x32x32"], mentions: ["28×28", "32×32"]),
    BadInvocation(arguments: ["summary", "--model", "resnet18", "--input", "abc"], mentions: ["--input", "abc"]),
    BadInvocation(arguments: ["summary", "--model", "alexnet", "--input", "1x3x32x32"], mentions: ["alexnet", "63×63"]),
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
        for flag in ["--epochs", "--batch-size", "--lr", "--momentum", "--seed", "--hidden", "--dataset", "--json",
                     "--optimizer", "--patience", "--checkpoint", "--resume", "--weight-decay", "--lr-schedule",
                     "--lr-step", "--lr-gamma", "--warmup", "--dropout", "--batch-norm", "--activation", "--init",
                     "--l1", "--l2", "--clip-norm", "--log-dir", "--csv-log"] {
            #expect(r.stdout.contains(flag))
        }
    } else {
        #expect(r.stdout.contains("train"))
    }
}

// MARK: - Training runs

/// The JSON object on the last line of standard output.
func lastLineJSON(_ r: Outcome) throws -> [String: Any] {
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
        // Two progress lines, the summary, top-5 accuracy, the JSON.
        #expect(r.stdoutLines.filter { $0.hasPrefix("epoch") }.count == 2)
        #expect(r.stdoutLines.count == 5)
        #expect(r.stdoutLines[2].hasPrefix("test accuracy"))
        #expect(r.stdoutLines[3].hasPrefix("test top-5 accuracy"))
    }

    let ja = try lastLineJSON(a), jb = try lastLineJSON(b), jc = try lastLineJSON(c)
    for key in ["dataset", "model", "epochs", "train_loss", "test_accuracy", "test_top5_accuracy", "seconds"] {
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
    #expect(r.stdoutLines.count == 3)  // epoch line, test accuracy, top-5 accuracy
    #expect(!r.stdout.contains("{"))
}

@Test func divergedTrainingStopsWithOneErrorLineNamingEpochAndStep() throws {
    // A learning rate this large overflows float32 weights to ±inf and the loss to NaN in the first epoch.
    let r = try apus(["train", "--epochs", "1", "--hidden", "16", "--lr", "1e30", "--json"])
    #expect(r.status != 0)
    for marker in crashMarkers { #expect(!r.stderr.contains(marker)) }
    #expect(r.stderrLines.count == 1, "stderr: \(r.stderr)")
    let line = r.stderrLines.first ?? ""
    #expect(line.hasPrefix("error: loss is") && line.contains("at epoch 1, step "), "\(line)")
    #expect(!r.stdout.contains("{"))  // no JSON for a failed run
}

// MARK: - Checkpoints, resuming, early stopping, optimizers

/// A fresh temporary directory for checkpoint files.
private func checkpointDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-cli-ckpt-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

@Test func resumingFromACheckpointContinuesTheRunExactly() throws {
    let dir = try checkpointDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let ckpt = dir.appendingPathComponent("run.safetensors").path
    let base = ["train", "--hidden", "16", "--seed", "5", "--json"]
    let full = try apus(base + ["--epochs", "4"])
    let first = try apus(base + ["--epochs", "2", "--checkpoint", ckpt])
    #expect(first.status == 0, "stderr: \(first.stderr)")
    #expect(FileManager.default.fileExists(atPath: ckpt))
    let second = try apus(base + ["--epochs", "4", "--resume", ckpt])
    #expect(second.status == 0, "stderr: \(second.stderr)")
    // The resumed run prints epochs 3 and 4, identical to the uninterrupted run's.
    #expect(second.stdoutLines.filter { $0.hasPrefix("epoch") } == Array(full.stdoutLines.filter { $0.hasPrefix("epoch") }.suffix(2)))
    var a = try lastLineJSON(full), b = try lastLineJSON(second)
    a["seconds"] = nil
    b["seconds"] = nil
    #expect(a as NSDictionary == b as NSDictionary)
}

@Test func badResumeFilesFailWithOneErrorLine() throws {
    let dir = try checkpointDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let corrupt = dir.appendingPathComponent("corrupt.safetensors").path
    try Data("definitely not a checkpoint".utf8).write(to: URL(fileURLWithPath: corrupt))
    let short = dir.appendingPathComponent("short.safetensors").path
    try Data([1, 2, 3]).write(to: URL(fileURLWithPath: short))
    let ckpt = dir.appendingPathComponent("run.safetensors").path
    let made = try apus(["train", "--epochs", "1", "--hidden", "16", "--checkpoint", ckpt])
    #expect(made.status == 0, "stderr: \(made.stderr)")
    // Truncate a real checkpoint in the middle of its data.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: ckpt))
    let truncated = dir.appendingPathComponent("truncated.safetensors").path
    try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: truncated))

    let cases: [([String], [String])] = [
        (["--resume", corrupt], ["corrupt.safetensors", "corrupt"]),
        (["--resume", short], ["short.safetensors", "shorter than"]),
        (["--resume", truncated], ["truncated"]),
        (["--resume", ckpt, "--hidden", "32"], ["model", "mlp-64-16-10", "mlp-64-16-32-10"]),  // --hidden appends: 16 32
        (["--resume", ckpt, "--optimizer", "adam"], ["optimizer", "sgd", "adam"]),
        (["--resume", ckpt, "--seed", "1"], ["seed"]),
        (["--resume", ckpt, "--batch-norm"], ["batch_norm false", "true"]),
        (["--resume", ckpt, "--activation", "tanh"], ["activation relu", "tanh"]),
        (["--resume", ckpt, "--lr-schedule", "cosine"], ["lr_schedule none", "cosine(3)"]),
        (["--resume", ckpt, "--l2", "0.001"], ["l2 0.0", "0.001"]),
        (["--resume", ckpt, "--epochs", "1"], ["epoch 1", "nothing to train"]),
    ]
    for (extra, mentions) in cases {
        var args = ["train", "--epochs", "3", "--hidden", "16"]
        args += extra
        let r = try apus(args)
        #expect(r.status != 0, "\(extra)")
        #expect(r.stderrLines.count == 1, "\(extra): \(r.stderr)")
        let line = r.stderrLines.first ?? ""
        #expect(line.hasPrefix("error:"), "\(line)")
        for m in mentions { #expect(line.contains(m), "'\(line)' should mention '\(m)'") }
        for marker in crashMarkers { #expect(!r.stderr.contains(marker)) }
        #expect(!r.stdout.contains("epoch"))
    }
}

@Test func patienceStopsEarlyAndReportsTheKeptEpoch() throws {
    // Seed 0, hidden 16: validation loss first rises after epoch 7 (checked by running it).
    let r = try apus(["train", "--epochs", "30", "--hidden", "16", "--patience", "0", "--json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let epochs = r.stdoutLines.filter { $0.hasPrefix("epoch") }
    let j = try lastLineJSON(r)
    let stopped = try #require(j["stopped_epoch"] as? Int), best = try #require(j["best_epoch"] as? Int)
    #expect(epochs.count == stopped && best == stopped - 1)
    #expect(r.stdoutLines.contains("early stopping at epoch \(stopped); kept the weights of epoch \(best)"))
    // The reported validation accuracy is the kept epoch's.
    let keptLine = try #require(epochs.first { $0.hasPrefix(String(format: "epoch %2d/30", best)) })
    let valAcc = try #require(j["validation_accuracy"] as? Double)
    #expect(keptLine.contains(String(format: "val_accuracy %.4f", valAcc)))
    // Without --patience there are no early-stopping keys.
    let plain = try lastLineJSON(try apus(["train", "--epochs", "1", "--hidden", "16", "--json"]))
    #expect(plain["stopped_epoch"] == nil && plain["best_epoch"] == nil)
}

@Test func adamIsSelectableWithItsOwnDefaultLearningRate() throws {
    let adam = try apus(["train", "--epochs", "2", "--hidden", "16", "--optimizer", "adam", "--json"])
    #expect(adam.status == 0, "stderr: \(adam.stderr)")
    #expect(adam.stdoutLines.first?.hasSuffix("lr 0.001") == true, "\(adam.stdout)")
    let sgd = try apus(["train", "--epochs", "2", "--hidden", "16", "--json"])
    #expect(sgd.stdoutLines.first?.hasSuffix("lr 0.05") == true)
    #expect(try lastLineJSON(adam)["train_loss"] as? Double != (try lastLineJSON(sgd))["train_loss"] as? Double)
    let explicit = try apus(["train", "--epochs", "1", "--hidden", "16", "--optimizer", "adam", "--lr", "0.01"])
    #expect(explicit.stdoutLines.first?.hasSuffix("lr 0.01") == true)
}

// MARK: - Training options

@Test func trainingOptionsReachTheRunAndItsLogs() throws {
    let dir = try checkpointDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let csv = dir.appendingPathComponent("log.csv").path, runs = dir.appendingPathComponent("runs").path
    let r = try apus(["train", "--epochs", "2", "--hidden", "16", "--json", "--optimizer", "adamw", "--weight-decay", "0.1",
                      "--lr-schedule", "exponential", "--lr-gamma", "0.5", "--warmup", "1", "--batch-norm", "--dropout", "0.1",
                      "--activation", "gelu", "--init", "he", "--l1", "1e-5", "--l2", "1e-4", "--clip-norm", "1",
                      "--log-dir", runs, "--csv-log", csv])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(r.stderr.isEmpty)
    // Warm-up: epoch 1 at lr/2, then exponential decay from lr.
    let epochs = r.stdoutLines.filter { $0.hasPrefix("epoch") }
    #expect(epochs.count == 2 && epochs[0].hasSuffix("lr 0.0005") && epochs[1].hasSuffix("lr 0.001"), "\(epochs)")
    let j = try lastLineJSON(r)
    #expect(j["optimizer"] as? String == "adamw")
    #expect(j["lr_schedule"] as? String == "exponential(0.5)+warmup(1)")
    #expect(j["last_lr"] as? Double == 0.001)
    // Batch norm's weight and bias for 16 hidden units: 1210 + 32.
    #expect(j["parameters"] as? Int == 1242)
    // One CSV row per epoch.
    let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 3 && rows[0] == "epoch,accuracy,loss,lr,val_accuracy,val_loss" && rows[2].hasPrefix("2,"))
    // One TensorBoard event file holding the lr curve of both epochs.
    let files = try FileManager.default.contentsOfDirectory(atPath: runs)
    #expect(files.count == 1 && files[0].hasPrefix("events.out.tfevents."))
    let events = try Data(contentsOf: URL(fileURLWithPath: runs).appendingPathComponent(files[0]))
    #expect(events.count > 1000)   // scalars and histograms (decoded in TrainingOptionsTests)

    // The plain run differs: every option above changes the training.
    let plain = try lastLineJSON(try apus(["train", "--epochs", "2", "--hidden", "16", "--json"]))
    #expect(plain["optimizer"] as? String == "sgd" && plain["lr_schedule"] as? String == "none")
    #expect(plain["train_loss"] as? Double != j["train_loss"] as? Double)
}

@Test func resumingWithTrainingOptionsContinuesExactly() throws {
    let dir = try checkpointDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let ckpt = dir.appendingPathComponent("run.safetensors").path, csv = dir.appendingPathComponent("log.csv").path
    // Plateau after a warm-up, dropout (masks reseeded per epoch), batch norm (running statistics),
    // RMSprop and clipping: the resumed epoch equals the uninterrupted run's. (That the plateau
    // state survives the checkpoint is checked in TrainingOptionsTests.)
    let base = ["train", "--hidden", "16", "--json", "--lr-schedule", "plateau", "--lr-step", "1", "--lr-gamma", "0.5",
                "--warmup", "1", "--dropout", "0.2", "--batch-norm", "--optimizer", "rmsprop", "--clip-norm", "2"]
    let full = try apus(base + ["--epochs", "3"])
    let first = try apus(base + ["--epochs", "2", "--checkpoint", ckpt, "--csv-log", csv])
    let second = try apus(base + ["--epochs", "3", "--resume", ckpt, "--csv-log", csv])
    #expect(full.status == 0 && first.status == 0 && second.status == 0, "\(first.stderr) \(second.stderr)")
    #expect(second.stdoutLines.filter { $0.hasPrefix("epoch") } == Array(full.stdoutLines.filter { $0.hasPrefix("epoch") }.suffix(1)))
    var a = try lastLineJSON(full), b = try lastLineJSON(second)
    a["seconds"] = nil
    b["seconds"] = nil
    #expect(a as NSDictionary == b as NSDictionary)
    // The resumed run appends its epoch to the CSV log.
    let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
    #expect(rows.count == 4 && rows[3].hasPrefix("3,"))
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
    for name in ["mlp-epoch", "gemm-256", "gemm-2048", "gemm-mlp-AtB-784x128x256", "softmax-1000x1000", "conv2d-resnet-fwd-bwd",
                 "lenet5-epoch", "resnet18-step", "autograd-add-1elem"] {
        #expect(r.stdout.contains(name), "missing \(name)")
    }
    #expect(!r.stdout.contains("# apus bench"))   // no run header: nothing was measured
}

@Test func summaryPrintsLeNetTotalsAsJSON() throws {
    let r = try apus(["summary", "--model", "lenet5", "--json"])
    #expect(r.status == 0)
    let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.contains("\"total_params\":61706") && last.contains("\"total_macs\":416520"))
    #expect(r.stdout.contains("features.3    Conv2d     [1, 16, 10, 10]   2,416  240,000               14"))
}

// MARK: - Distributed training in a build without MPI

@Test(.enabled(if: !DistributedRuntime.isAvailable, "this build has the MPI trait"))
func distributedWithoutMPITraitFailsWithOneErrorLine() throws {
    let r = try apus(["train", "--distributed", "--epochs", "1", "--hidden", "4"])
    #expect(r.status != 0)
    #expect(r.stderrLines == ["error: " + ApusError.distributedUnavailable.description], "stderr: \(r.stderr)")
    #expect(r.stderr.contains("--traits MPI") && r.stderr.contains("libopenmpi-dev"))
    #expect(!r.stdout.contains("epoch"))
}
