import Foundation
import Testing
@testable import Apus
@testable import ApusVision

// `apus train --weights … [--freeze-backbone] [--fine-tune-epochs N]` and `apus predict` on an
// image folder, end to end with the debug binary. A random-init model saved with saveWeights
// stands in for torchvision's pretrained weights.

/// A folder of two classes ("bright", "dark") of 10 PNG images each, of different sizes.
private func makeFolder() throws -> String {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("apus-finetune-\(UUID().uuidString)").path
    for (c, name) in ["dark", "bright"].enumerated() {
        try FileManager.default.createDirectory(atPath: root + "/photos/" + name, withIntermediateDirectories: true)
        for i in 0..<10 {
            let (w, h) = (30 + 2 * i, 36 - i)
            let pixels = (0..<(w * h * 3)).map { UInt8((c == 0 ? 20 : 200) + ($0 * 5 + i) % 40) }
            try Image(width: w, height: h, channels: 3, pixels: pixels).write(to: "\(root)/photos/\(name)/\(i).png")
        }
    }
    return root
}

/// Checks the one `error:` line a failed run prints.
private func expectError(_ r: Outcome, mentioning fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status != 0, sourceLocation: sourceLocation)
    #expect(r.stderrLines.count == 1 && (r.stderrLines.first ?? "").hasPrefix("error: "), "stderr: \(r.stderr)",
            sourceLocation: sourceLocation)
    for fragment in fragments {
        #expect(r.stderr.contains(fragment), "'\(r.stderr)' should mention '\(fragment)'", sourceLocation: sourceLocation)
    }
    #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("crashed"), sourceLocation: sourceLocation)
}

private func tensors(_ path: String) throws -> [String: Tensor] { try Safetensors.read(path).dictionary }

@Test func freezingTheBackboneOfResNet18KeepsItBitIdenticalAndPredictNamesTheClasses() throws {
    let root = try makeFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let weights = root + "/resnet18.safetensors", checkpoint = root + "/pets.safetensors"
    try ResNet(.resnet18, generator: RandomGenerator(seed: 11)).saveWeights(to: weights)   // 1000 classes, as torchvision's

    let r = try apus(["train", "--dataset", "image-folder", "--data", root + "/photos", "--model", "resnet18",
                      "--weights", weights, "--freeze-backbone", "--image-size", "32", "--epochs", "1",
                      "--batch-size", "8", "--checkpoint", checkpoint, "--json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let json = try lastLineJSON(r)
    #expect(json["classes"] as? [String] == ["bright", "dark"] && json["frozen_epochs"] as? Int == 1)
    #expect(json["parameters"] as? Int == 11_177_538)   // resnet18 with a [2, 512] head

    let loaded = try tensors(weights), saved = try tensors(checkpoint)
    #expect(saved["model.fc.weight"]?.shape == [2, 512] && saved["model.fc.bias"]?.shape == [2])
    #expect(saved["model.conv1.weight"]!.toArray(as: Float.self) == loaded["conv1.weight"]!.toArray(as: Float.self))
    // Every tensor of the body, batch-norm running statistics and counts included, is the file's.
    let body = loaded.keys.filter { !$0.hasPrefix("fc.") }
    #expect(body.count == 120)
    for name in body {
        #expect(saved["model." + name]!.toDoubles() == loaded[name]!.toDoubles(), "\(name) changed")
    }
    let metadata = try Safetensors.read(checkpoint).metadata
    #expect(metadata["model"] == "resnet18" && metadata["classes"] == "[\"bright\",\"dark\"]")
    let preprocessing = try ImagePreprocessing(json: metadata["preprocessing"]!, path: checkpoint)
    #expect(preprocessing == ImagePreprocessing(channels: 3, resize: 32, crop: 32, mean: [0.485, 0.456, 0.406],
                                                std: [0.229, 0.224, 0.225]))

    // apus predict names the folder's classes, with probabilities that add up to 1.
    let image = root + "/photos/bright/3.png"
    let p = try apus(["predict", "--checkpoint", checkpoint, "--json", image])
    #expect(p.status == 0, "stderr: \(p.stderr)")
    let predictions = try #require(try lastLineJSON(p)["predictions"] as? [[String: Any]])
    #expect(predictions.count == 1 && predictions[0]["file"] as? String == image)
    let top = try #require(predictions[0]["top"] as? [[String: Any]])
    #expect(Set(top.compactMap { $0["class"] as? String }) == ["bright", "dark"])
    #expect(abs(top.compactMap { $0["probability"] as? Double }.reduce(0, +) - 1) < 1e-5)
    let text = try apus(["predict", "--checkpoint", checkpoint, "--top", "1", image, root + "/photos/dark/0.png"])
    #expect(text.status == 0 && text.stdoutLines.count == 4 && text.stdoutLines[0] == image, "\(text.stdout)")
    #expect(text.stdoutLines[1].hasPrefix("  bright") || text.stdoutLines[1].hasPrefix("  dark"))

    // Raw weights: torchvision's 1000 classes, by index or by the names of a --classes file.
    let raw = try apus(["predict", "--model", "resnet18", "--weights", weights, "--top", "3", "--json", image])
    #expect(raw.status == 0, "stderr: \(raw.stderr)")
    let rawTop = try #require((try lastLineJSON(raw)["predictions"] as? [[String: Any]])?.first?["top"] as? [[String: Any]])
    #expect(rawTop.count == 3 && rawTop.allSatisfy { ($0["index"] as? Int).map { (0..<1000).contains($0) } ?? false })
    #expect(rawTop.allSatisfy { $0["class"] as? String == String($0["index"] as! Int) })
    let names = root + "/names.txt"
    try (0..<1000).map { "class \($0)" }.joined(separator: "\n").write(toFile: names, atomically: true, encoding: .utf8)
    let named = try apus(["predict", "--model", "resnet18", "--weights", weights, "--classes", names, "--top", "1", "--json", image])
    let namedTop = try #require((try lastLineJSON(named)["predictions"] as? [[String: Any]])?.first?["top"] as? [[String: Any]])
    #expect(namedTop[0]["class"] as? String == "class \(rawTop[0]["index"] as! Int)")

    // Errors that need the files.
    expectError(try apus(["train", "--dataset", "image-folder", "--data", root + "/photos", "--model", "resnet18",
                          "--weights", root + "/nope.safetensors", "--image-size", "32"]),
                mentioning: ["--weights", "nope.safetensors"])
    let other = root + "/other.safetensors"
    try Safetensors.write([("conv1.weight", Tensor.zeros([64, 1, 7, 7])), ("fc.weight", Tensor.zeros([10, 512]))], to: other)
    expectError(try apus(["train", "--dataset", "image-folder", "--data", root + "/photos", "--model", "resnet18",
                          "--weights", other, "--image-size", "32", "--epochs", "1"]),
                mentioning: ["do not fit ResNet", "conv1.weight (expected [64, 3, 7, 7], found [64, 1, 7, 7])", "missing: bn1.weight"])
    expectError(try apus(["predict", "--checkpoint", weights, image]), mentioning: ["no 'model'", "--model NAME --weights FILE"])
    expectError(try apus(["predict", "--checkpoint", checkpoint, "--csv", names]), mentioning: ["not trained on a table"])
}

@Test func fineTuneEpochsTrainTheHeadFirstThenEveryLayerAtHalfTheRates() throws {
    let root = try makeFolder()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let weights = root + "/lenet.safetensors"
    try LeNet5(classes: 10, generator: RandomGenerator(seed: 3)).saveWeights(to: weights)
    let common = ["train", "--dataset", "image-folder", "--data", root + "/photos", "--model", "lenet5", "--weights", weights,
                  "--image-size", "28", "--channels", "1", "--batch-size", "8", "--seed", "2", "--json"]
    let full = root + "/full.safetensors"
    let r = try apus(common + ["--fine-tune-epochs", "1", "--epochs", "2", "--checkpoint", full])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let json = try lastLineJSON(r)
    #expect(json["epochs"] as? Int == 3 && json["frozen_epochs"] as? Int == 1 && json["last_lr"] as? Double == 0.0005)
    #expect(r.stdoutLines.filter { $0.hasPrefix("epoch") }.count == 3)
    let saved = try tensors(full), loaded = try tensors(weights)
    // Head at --lr (adam's 0.001) halved, body at a tenth of that.
    #expect(saved["optimizer.param_groups.0.lr"]!.toDoubles() == [0.0005])
    #expect(abs(saved["optimizer.param_groups.1.lr"]!.toDoubles()[0] - 0.00005) < 1e-15)
    #expect(saved["model.features.0.weight"]!.toDoubles() != loaded["features.0.weight"]!.toDoubles())  // unfrozen later
    #expect(saved["model.classifier.4.weight"]!.shape == [2, 84])

    // Stopping after epoch 2 and resuming gives the same run: the schedule follows the epoch number.
    let part = root + "/part.safetensors"
    let first = try apus(common + ["--fine-tune-epochs", "1", "--epochs", "1", "--checkpoint", part])
    #expect(first.status == 0, "stderr: \(first.stderr)")
    let resumed = try apus(common + ["--fine-tune-epochs", "1", "--epochs", "2", "--resume", part, "--checkpoint", part])
    #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
    #expect(try lastLineJSON(resumed)["train_loss"] as? Double == json["train_loss"] as? Double)
    #expect(try tensors(part)["model.features.0.weight"]!.toDoubles() == saved["model.features.0.weight"]!.toDoubles())

    // Weights alone: every layer trains from the start, the body at --body-lr-factor × --lr.
    let plain = root + "/plain.safetensors"
    let p = try apus(common + ["--epochs", "1", "--lr", "0.01", "--body-lr-factor", "0.5", "--checkpoint", plain])
    #expect(p.status == 0, "stderr: \(p.stderr)")
    #expect(try lastLineJSON(p)["frozen_epochs"] as? Int == 0)
    let plainState = try tensors(plain)
    #expect(plainState["optimizer.param_groups.0.lr"]!.toDoubles() == [0.01] && plainState["optimizer.param_groups.1.lr"]!.toDoubles() == [0.005])
    #expect(plainState["model.features.0.weight"]!.toDoubles() != loaded["features.0.weight"]!.toDoubles())

    // Prediction from the checkpoint: the CLI and the library agree, on one grey 28×28 input.
    let image = root + "/photos/dark/2.png"
    let p1 = try apus(["predict", "--checkpoint", full, "--top", "1", "--json", image])
    #expect(p1.status == 0, "stderr: \(p1.stderr)")
    let top = try #require((try lastLineJSON(p1)["predictions"] as? [[String: Any]])?.first?["top"] as? [[String: Any]])
    let classifier = try ImageClassifier(checkpoint: full)
    #expect(classifier.preprocessing.channels == 1 && classifier.inputShape == [1, 28, 28] && classifier.classes == ["bright", "dark"])
    let direct = try classifier.classify(contentsOf: image, top: 1)[0]
    #expect(direct.label == top[0]["class"] as? String && abs(direct.probability - (top[0]["probability"] as! Double)) < 1e-12)
    #expect(try classifier.input(for: try Image(contentsOf: image)).shape == [1, 28, 28])
    expectError(try apus(["predict", "--checkpoint", full, root + "/photos/missing.png"]), mentioning: ["missing.png"])
    // Raw LeNet-5 weights: ten classes, named by a file with as many lines.
    let names = root + "/names.txt"
    try "a\nb\n".write(toFile: names, atomically: true, encoding: .utf8)
    expectError(try apus(["predict", "--model", "lenet5", "--weights", weights, "--classes", names, image]),
                mentioning: ["2 class names", "10 classes"])
    try (0..<10).map { "item \($0)" }.joined(separator: "\n").appending("\n\n").write(toFile: names, atomically: true, encoding: .utf8)
    let raw = try apus(["predict", "--model", "lenet5", "--weights", weights, "--classes", names, "--top", "10", image])
    #expect(raw.status == 0 && raw.stdoutLines.count == 11 && raw.stdoutLines.dropFirst().allSatisfy { $0.hasPrefix("  item ") },
            "\(raw.stdout) \(raw.stderr)")

    // One-channel weights do not fit a three-channel model.
    var colour = common
    colour[colour.firstIndex(of: "--channels")! + 1] = "3"
    expectError(try apus(colour + ["--epochs", "1"]), mentioning: ["do not fit LeNet5", "features.0.weight"])
}

@Test(arguments: [
    (["train", "--freeze-backbone"], ["--freeze-backbone", "needs --weights FILE"]),
    (["train", "--fine-tune-epochs", "2"], ["--fine-tune-epochs", "needs --weights FILE"]),
    (["train", "--body-lr-factor", "0.5"], ["--body-lr-factor", "needs --weights FILE"]),
    (["train", "--fine-tune-epochs", "-1"], ["--fine-tune-epochs must be at least 0, got -1"]),
    (["train", "--weights", "w.safetensors"], ["--weights", "--model"]),
    (["train", "--model", "resnet18", "--weights", "w", "--body-lr-factor", "0"], ["--body-lr-factor", "0"]),
    (["train", "--model", "resnet18", "--weights", "w", "--freeze-backbone", "--fine-tune-epochs", "1"],
     ["--freeze-backbone", "--fine-tune-epochs", "one of them"]),
    (["train", "--model", "resnet18", "--weights", "w", "--fine-tune-epochs", "1", "--lr-schedule", "cosine"],
     ["--fine-tune-epochs", "--lr-schedule"]),
    (["predict"], ["no image given"]),
    (["predict", "x.png"], ["--checkpoint FILE", "--model NAME with --weights FILE"]),
    (["predict", "--model", "resnet18", "x.png"], ["--model needs --weights"]),
    (["predict", "--weights", "w.safetensors", "x.png"], ["--weights needs --model"]),
    (["predict", "--checkpoint", "c", "--model", "resnet18", "--weights", "w", "x.png"], ["drop --model and --weights"]),
    (["predict", "--checkpoint", "/nonexistent/c.safetensors", "x.png"], ["/nonexistent/c.safetensors"]),
    (["predict", "--checkpoint", "c", "--top", "0", "x.png"], ["--top must be at least 1, got 0"]),
    (["predict", "--model", "resnet18", "--weights", "/nonexistent/w.safetensors", "x.png"], ["--weights", "/nonexistent/w.safetensors"]),
    (["predict", "--csv", "t.csv"], ["--csv needs --checkpoint"]),
    (["predict", "--checkpoint", "c", "--csv", "t.csv", "x.png"], ["image files", "--csv"]),
] as [([String], [String])])
func badFineTuningAndPredictionFlagsFailWithOneErrorLine(_ arguments: [String], _ mentions: [String]) throws {
    let r = try apus(arguments)
    expectError(r, mentioning: mentions)
    #expect(!r.stdout.contains("epoch"))
}
