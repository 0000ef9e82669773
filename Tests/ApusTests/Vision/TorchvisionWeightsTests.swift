import Foundation
import Testing
import Apus
import ApusVision

// torchvision's models, saved by torch.save, load into ApusVision's zoo and give torchvision's
// logits; `apus convert` turns such a file into safetensors holding the same bits.
// `Scripts/torchvision_logits.py` makes the files when python3 has torch and torchvision; CI sets
// APUS_REQUIRE_TORCH=1 so that a missing torch fails these tests instead of skipping them.

private enum Torchvision {
    static let required = ProcessInfo.processInfo.environment["APUS_REQUIRE_TORCH"] == "1"

    static let available: Bool = {
        guard let p = try? SafetensorsTests.runPython(["-c", "import torch, torchvision"]) else { return false }
        return p.status == 0
    }()

    static let script = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scripts/torchvision_logits.py").path

    /// Models and the input size they are checked at: 224 where a debug build runs it in seconds,
    /// smaller where the model allows (VGG's adaptive pooling takes 32×32).
    static let models = [("resnet18", 112), ("googlenet", 224), ("alexnet", 224), ("vgg11_bn", 32)]

    /// The segmentation models with their auxiliary classifiers, each at a square and an odd size
    /// (features of 8×8 and 8×9 after the output-stride-8 backbone), small for a debug build.
    static let segmentationModels = ["fcn_resnet50", "fcn_resnet101", "deeplabv3_resnet50", "deeplabv3_resnet101"]
    static let segmentationSizes = [[64, 64], [57, 71]]

    /// The script's files, made once for all tests (one torch start-up); each test removes the
    /// files it used, and the last one the directory.
    static let files: Result<URL, TorchvisionError> = {
        do {
            let dir = try makeTemporaryDirectory()
            let sizes = segmentationSizes.map { "\($0[0])x\($0[1])" }.joined(separator: ",")
            let run = try SafetensorsTests.runPython([script, dir.path] + models.map { "\($0.0):\($0.1)" }
                                                     + segmentationModels.map { "\($0):\(sizes)" })
            guard run.status == 0 else { return .failure(TorchvisionError(message: "torchvision_logits.py failed: \(run.output)")) }
            // A copy for the conversion test.
            try FileManager.default.copyItem(at: dir.appendingPathComponent("resnet18.pth"),
                                             to: dir.appendingPathComponent("convert-resnet18.pth"))
            return .success(dir)
        } catch {
            return .failure(TorchvisionError(message: "\(error)"))
        }
    }()

    /// Removes `names` from the files' directory, and the directory once it is empty.
    static func remove(_ names: [String], from dir: URL) {
        let fm = FileManager.default
        for name in names { try? fm.removeItem(at: dir.appendingPathComponent(name)) }
        if (try? fm.contentsOfDirectory(atPath: dir.path))?.isEmpty == true { try? fm.removeItem(at: dir) }
    }

    static var enabled: Bool { available || required }
}

private struct TorchvisionError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

@Suite(.serialized, .enabled(if: Torchvision.enabled, "needs python3 with torch and torchvision"))
struct TorchvisionWeightsTests {
    @Test(arguments: Torchvision.models.map(\.0))
    func zooModelGivesTorchvisionsLogits(_ name: String) throws {
        try #require(Torchvision.available, "APUS_REQUIRE_TORCH=1 but `python3 -c 'import torch, torchvision'` fails")
        let dir = try Torchvision.files.get()
        defer { Torchvision.remove(["\(name).pth", "\(name).io.pth"], from: dir) }
        let model = try skippingInitialization { try VisionModels.make(name) }  // every value is loaded next
        let report = try model.loadWeights(from: dir.appendingPathComponent("\(name).pth").path)
        #expect(report.isEmpty)
        model.eval()
        let io = try TorchCheckpoint.read(dir.appendingPathComponent("\(name).io.pth").path)
        let input = try #require(io["input"]), expected = try #require(io["logits"])
        let logits = noGrad { model(input) }
        #expect(logits.shape == expected.shape)
        let error = (logits - expected).abs().max().item() / expected.abs().max().item()
        #expect(error < 1e-4, "\(name): max |apus - torch| / max |torch| = \(error)")
    }

    /// FCN's and DeepLabV3's files load strictly (every name, every shape) and give torchvision's
    /// `out` and `aux` at both sizes; then the 21-class heads are replaced for 3 classes.
    @Test(arguments: Torchvision.segmentationModels)
    func segmentationModelGivesTorchvisionsOutAndAux(_ name: String) throws {
        try #require(Torchvision.available, "APUS_REQUIRE_TORCH=1 but `python3 -c 'import torch, torchvision'` fails")
        let dir = try Torchvision.files.get()
        defer { Torchvision.remove(["\(name).pth", "\(name).io.pth"], from: dir) }
        let model = try #require(try skippingInitialization { try VisionModels.make(name) } as? ResNetSegmentationModel)
        let report = try model.loadWeights(from: dir.appendingPathComponent("\(name).pth").path)
        #expect(report.isEmpty)
        model.eval()
        let io = try TorchCheckpoint.read(dir.appendingPathComponent("\(name).io.pth").path)
        for (i, size) in Torchvision.segmentationSizes.enumerated() {
            let suffix = i == 0 ? "" : ".\(i)"
            let input = try #require(io["input" + suffix])
            let expected = (out: try #require(io["logits" + suffix]), aux: try #require(io["aux" + suffix]))
            #expect(expected.out.shape == [2, 21] + size)
            let outputs = noGrad { model.segmentationOutputs(input) }
            let aux = try #require(outputs.aux)
            for (what, got, want) in [("out", outputs.out, expected.out), ("aux", aux, expected.aux)] {
                #expect(got.shape == want.shape, "\(name) \(what) at \(size)")
                let error = (got - want).abs().max().item() / want.abs().max().item()
                #expect(error < 1e-4, "\(name) \(what) at \(size): max |apus - torch| / max |torch| = \(error)")
            }
            // model(x) is the main output.
            #expect(noGrad { model(input) }.toDoubles() == outputs.out.toDoubles())
        }
        // Fine-tuning for 3 classes: both 1×1 heads are new, the rest is the file's.
        guard name == "fcn_resnet50" else { return }
        let body = model.bodyParameters.map { $0.value.toDoubles() }
        model.replaceHead(classes: 3, generator: RandomGenerator(seed: 3))
        #expect(model.classCount == 3 && model.classifierHeads.map(\.headClasses) == [3, 3])
        #expect(model.headParameterNames == ["classifier.4.weight", "classifier.4.bias", "aux_classifier.4.weight", "aux_classifier.4.bias"])
        #expect(model.bodyParameters.map { $0.value.toDoubles() } == body)
        let odd = try #require(io["input.1"])
        let outputs = noGrad { model.segmentationOutputs(odd) }
        #expect(outputs.out.shape == [2, 3, 57, 71] && outputs.aux?.shape == [2, 3, 57, 71])
    }

    @Test func convertedCheckpointHoldsTorchsTensorsBitForBit() throws {
        try #require(Torchvision.available, "APUS_REQUIRE_TORCH=1 but `python3 -c 'import torch, torchvision'` fails")
        let dir = try Torchvision.files.get()
        defer { Torchvision.remove(["convert-resnet18.pth", "resnet18.safetensors"], from: dir) }
        let pth = dir.appendingPathComponent("convert-resnet18.pth").path
        let out = dir.appendingPathComponent("resnet18.safetensors").path
        let converted = try apus(["convert", pth, out])
        #expect(converted.status == 0, "\(converted.stderr)")
        // resnet18: 62 parameters, 60 batch-norm buffers (20 of them int64 num_batches_tracked).
        #expect(converted.stdoutLines.last?.hasPrefix("wrote \(out): 122 tensors (float32 102, int64 20), 11699132 elements") == true,
                "\(converted.stdout)")
        let check = try SafetensorsTests.runPython([Torchvision.script, "--compare", out, pth])
        #expect(check.status == 0 && check.output.contains("ok: 122 tensors equal bit for bit"), "\(check.output)")
        // The converted file loads into the zoo model like the original.
        let model = try skippingInitialization { try VisionModels.make("resnet18") }
        #expect(try model.loadWeights(from: out).isEmpty)
    }
}
