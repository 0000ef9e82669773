import Foundation
import Testing
@testable import Apus
@testable import ApusVision

// `apus predict --model resnet18 --weights resnet18.pth` against torchvision itself: the same
// probabilities from a PyTorch checkpoint and torchvision's evaluation transform (Resize(256),
// CenterCrop(224), ImageNet normalisation); and `apus train --weights FILE.pth --freeze-backbone`.
// Scripts/torchvision_predict.py makes the file and torchvision's answer when python3 has torch,
// torchvision and Pillow; CI sets APUS_REQUIRE_TORCH=1 so that a missing torch fails instead of skipping.

private enum TorchvisionPredict {
    static let required = ProcessInfo.processInfo.environment["APUS_REQUIRE_TORCH"] == "1"
    static let available: Bool = {
        guard let p = try? SafetensorsTests.runPython(["-c", "import torch, torchvision, PIL"]) else { return false }
        return p.status == 0
    }()
    static let script = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/torchvision_predict.py").path

    /// Runs the script for model `name` on `image` (writing `dir/NAME.pth`) and returns the
    /// numbers under `key` of its answer (`probabilities` or `logits`).
    static func answer(_ key: String, dir: URL, image: String, name: String) throws -> [Double] {
        let run = try SafetensorsTests.runPython([script, dir.path, image, name])
        #expect(run.status == 0, "\(run.output)")
        let line = try #require(run.output.split(separator: "\n").last { $0.hasPrefix("{") })
        return try #require((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?[key] as? [Double])
    }
}

/// torchvision builds GoogLeNet with `transform_input` for its pretrained weights: raw weights
/// loaded into Apus's must give the same probabilities (and a fresh model has no such transform).
@Test(.enabled(if: TorchvisionPredict.available || TorchvisionPredict.required, "needs python3 with torch, torchvision and Pillow"))
func pretrainedGoogLeNetTransformsItsInputAsTorchvisions() throws {
    try #require(TorchvisionPredict.available, "APUS_REQUIRE_TORCH=1 but `python3 -c 'import torch, torchvision, PIL'` fails")
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let g = RandomGenerator(seed: 9)
    let pixels = (0..<(240 * 230 * 3)).map { i in UInt8((i % 251 + g.integer(below: 40)) % 256) }
    let image = dir.appendingPathComponent("picture.png").path
    try Image(width: 240, height: 230, channels: 3, pixels: pixels).write(to: image)
    // Logits: the freshly initialised GoogLeNet's probabilities are all near 1/1000 either way.
    let torch = try TorchvisionPredict.answer("logits", dir: dir, image: image, name: "googlenet")

    let classifier = try ImageClassifier(model: "googlenet", weights: dir.appendingPathComponent("googlenet.pth").path)
    #expect((classifier.model as? GoogLeNet)?.transformInput == true)
    let x = try classifier.input(for: try Image(contentsOf: image)).unsqueezed(axis: 0)
    let ours = noGrad { classifier.model(x) }.toDoubles()
    let scale = torch.map(abs).max()!
    let error = zip(ours, torch).map { abs($0 - $1) }.max()! / scale
    #expect(ours.count == 1000 && error < 1e-3, "max |apus − torch| / max |torch| = \(error)")
    #expect((try VisionModels.make("googlenet", classes: 10) as? GoogLeNet)?.transformInput == false)
}

@Test(.enabled(if: TorchvisionPredict.available || TorchvisionPredict.required, "needs python3 with torch, torchvision and Pillow"))
func predictFromAPyTorchCheckpointGivesTorchvisionsProbabilities() throws {
    try #require(TorchvisionPredict.available, "APUS_REQUIRE_TORCH=1 but `python3 -c 'import torch, torchvision, PIL'` fails")
    let dir = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    // A 300×260 colour picture: gradients and noise, so that resizing and cropping matter.
    let g = RandomGenerator(seed: 5)
    let noise = (0..<(300 * 260 * 3)).map { _ in g.integer(below: 60) }
    var pixels: [UInt8] = []
    for y in 0..<260 {
        for x in 0..<300 {
            for c in 0..<3 { pixels.append(UInt8((x * (c + 1) / 3 + y * (3 - c) / 4 + noise[(y * 300 + x) * 3 + c]) % 256)) }
        }
    }
    let image = dir.appendingPathComponent("picture.png").path
    try Image(width: 300, height: 260, channels: 3, pixels: pixels).write(to: image)

    let torch = try TorchvisionPredict.answer("probabilities", dir: dir, image: image, name: "resnet18")
    let weights = dir.appendingPathComponent("resnet18.pth").path

    // The library: every probability.
    let classifier = try ImageClassifier(model: "resnet18", weights: weights)
    #expect(classifier.preprocessing == .imageNet && classifier.model is ResNet)
    let ours = try classifier.probabilities(for: try Image(contentsOf: image))
    #expect(ours.count == 1000 && torch.count == 1000)
    let largest = torch.max()!
    let error = zip(ours, torch).map { abs($0 - $1) }.max()! / largest
    #expect(error < 1e-3, "max |apus − torch| / max torch = \(error)")

    // The command: the same five classes first.
    let r = try apus(["predict", "--model", "resnet18", "--weights", weights, "--top", "5", "--json", image])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let top = try #require((try lastLineJSON(r)["predictions"] as? [[String: Any]])?.first?["top"] as? [[String: Any]])
    let expected = torch.indices.sorted { torch[$0] > torch[$1] }.prefix(5)
    #expect(top.compactMap { $0["index"] as? Int } == Array(expected))

    // Fine-tuning from the .pth: the backbone stays bit-identical to the file's.
    let folder = dir.appendingPathComponent("photos").path
    for name in ["a", "b"] {
        try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
        for i in 0..<5 {
            try Image(width: 40, height: 36, channels: 3, filledWith: UInt8(name == "a" ? 30 + i : 200 - i))
                .write(to: "\(folder)/\(name)/\(i).png")
        }
    }
    let checkpoint = dir.appendingPathComponent("tuned.safetensors").path
    let t = try apus(["train", "--dataset", "image-folder", "--data", folder, "--model", "resnet18", "--weights", weights,
                      "--freeze-backbone", "--image-size", "32", "--epochs", "1", "--batch-size", "4", "--checkpoint", checkpoint])
    #expect(t.status == 0, "stderr: \(t.stderr)")
    let loaded = try TorchCheckpoint.read(weights).modelState, saved = try Safetensors.read(checkpoint).dictionary
    #expect(loaded.count == 122)
    for (name, tensor) in loaded where !name.hasPrefix("fc.") {
        #expect(saved["model." + name]?.toDoubles() == tensor.toDoubles(), "\(name) changed")
    }
    #expect(saved["model.fc.weight"]?.shape == [2, 512])
}
