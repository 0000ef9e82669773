import Foundation
import Testing
@testable import Apus

struct CheckpointTests {
    private func temporaryPath(_ name: String) throws -> (URL, String) {
        let dir = try makeTemporaryDirectory()
        return (dir, dir.appendingPathComponent(name).path)
    }

    /// Runs `steps` SGD/Adam steps of a squared-output loss on a fixed batch.
    private func train(_ model: Module, _ optimizer: any Optimizer, steps: Int) {
        let x = Tensor(shape: [2, 3], values: [0.5, -1, 2, 1, 0.25, -0.5])
        for _ in 0..<steps {
            optimizer.zeroGrad()
            let y = model(x)
            (y * y).mean().backward()
            optimizer.step()
        }
    }

    @Test func weightsRoundTripUnderPyTorchNames() throws {
        let (dir, path) = try temporaryPath("w.safetensors")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 1))
        try a.saveWeights(to: path, metadata: ["epoch": "3"])
        let contents = try Safetensors.read(path)
        #expect(Set(contents.tensors.map(\.name)) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        // The caller's metadata and the data's CRC-32C (8 hexadecimal digits).
        #expect(contents.metadata.filter { $0.key != Safetensors.checksumKey } == ["epoch": "3"])
        #expect(contents.metadata[Safetensors.checksumKey]?.count == 8)
        let b = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 2))
        try b.loadWeights(from: path)
        let x = Tensor.ones([1, 3])
        #expect(a(x) == b(x))
    }

    /// A state dict saved from a DataParallel-wrapped model (`module.0.weight` …) loads by its
    /// inner names; a model whose own names start with `module.` keeps them.
    @Test func dataParallelPrefixIsStripped() throws {
        let (dir, path) = try temporaryPath("wrapped.safetensors")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 1))
        try Safetensors.write(a.stateDict().map { (name: "module." + $0.name, tensor: $0.tensor) }, to: path)
        let b = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 2))
        #expect(try b.loadWeights(from: path).isEmpty)
        #expect(b.stateDict().map(\.tensor) == a.stateDict().map(\.tensor))

        // Some names without the prefix: not a wrapped model's file, so nothing is stripped.
        try Safetensors.write([(name: "module.0.weight", tensor: Tensor.zeros([4, 3])), (name: "0.bias", tensor: Tensor.zeros([4]))],
                              to: path)
        #expect(throws: ApusError.self) { try b.loadWeights(from: path) }
    }

    @Test func loadingIntoAnotherArchitectureListsEveryMismatch() throws {
        let (dir, path) = try temporaryPath("w.safetensors")
        defer { try? FileManager.default.removeItem(at: dir) }
        try mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 1)).saveWeights(to: path)
        let other = mlp(inputs: 3, hidden: [5, 2], outputs: 2, generator: RandomGenerator(seed: 1))
        let before = other.stateDict()
        #expect {
            try other.loadWeights(from: path)
        } throws: { error in
            let text = "\(error)"
            return text.contains("missing: 4.weight, 4.bias")
                && text.contains("0.weight (expected [5, 3], found [4, 3])")
                && text.contains("2.weight (expected [2, 5], found [2, 4])")
        }
        #expect(zip(before, other.stateDict()).allSatisfy { $0.tensor == $1.tensor })
        // The PyTorch fixture has no buffers or extra names: it loads strictly into the same layout only.
        let wrong = Sequential(Linear(4, 3), ReLU(), Linear(3, 3))
        #expect(throws: ApusError.self) { try wrong.loadWeights(from: fixturesDirectory.appendingPathComponent("torch_mlp.safetensors").path) }
    }

    @Test func trainingCheckpointResumesIdentically() throws {
        let (dir, path) = try temporaryPath("run.safetensors")
        defer { try? FileManager.default.removeItem(at: dir) }
        let m1 = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 1))
        let o1 = Adam(m1.parameters(), lr: 0.01)
        train(m1, o1, steps: 5)
        try TrainingCheckpoint.save(to: path, model: m1, optimizer: o1, epoch: 2, step: 5, metadata: ["run": "a"])

        let contents = try Safetensors.read(path)
        #expect(contents.metadata.filter { $0.key != Safetensors.checksumKey }
                == ["format": "apus.training-checkpoint", "format_version": "1", "epoch": "2", "step": "5", "run": "a"])
        #expect(contents.metadata[Safetensors.checksumKey].flatMap { UInt32($0, radix: 16) } != nil)
        #expect(contents["model.0.weight"] != nil && contents["optimizer.state.0.exp_avg"] != nil)
        #expect(contents["optimizer.param_groups.0.lr"]!.item() == 0.01)

        let m2 = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 7))
        let o2 = Adam(m2.parameters(), lr: 0.5)
        let restored = try TrainingCheckpoint.load(from: path, model: m2, optimizer: o2)
        #expect(restored == TrainingCheckpoint(epoch: 2, step: 5, metadata: ["run": "a"]))
        #expect(o2.lr == 0.01)
        train(m1, o1, steps: 3)
        train(m2, o2, steps: 3)
        for (a, b) in zip(m1.stateDict(), m2.stateDict()) { #expect(a.tensor == b.tensor, "\(a.name)") }

        // The model part alone loads as weights (e.g. for evaluation).
        let m3 = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 8))
        try m3.loadWeights(from: path)
        #expect(m3.stateDict()[0].tensor == contents["model.0.weight"]!)
    }

    @Test func trainingCheckpointErrorsNameTheProblemAndChangeNothing() throws {
        let (dir, path) = try temporaryPath("run.safetensors")
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 1))
        let adam = Adam(model.parameters(), lr: 0.01)
        train(model, adam, steps: 2)
        try TrainingCheckpoint.save(to: path, model: model, optimizer: adam, epoch: 1, step: 2)

        // An SGD optimizer cannot take Adam's state; the model is left as it was.
        let other = mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: 5))
        let before = other.stateDict()
        #expect {
            try TrainingCheckpoint.load(from: path, model: other, optimizer: SGD(other.parameters(), lr: 0.1, momentum: 0.9))
        } throws: { error in
            "\(error)".contains("unexpected: optimizer.state.0.exp_avg")
        }
        #expect(zip(before, other.stateDict()).allSatisfy { $0.tensor == $1.tensor })

        // Wrong architecture: names carry the model. prefix.
        let wide = mlp(inputs: 3, hidden: [6], outputs: 2, generator: RandomGenerator(seed: 1))
        #expect {
            try TrainingCheckpoint.load(from: path, model: wide, optimizer: nil)
        } throws: { error in
            "\(error)".contains("model.0.weight (expected [6, 3], found [4, 3])")
        }

        // A weights-only file is not a training checkpoint.
        let weights = dir.appendingPathComponent("w.safetensors").path
        try model.saveWeights(to: weights)
        #expect {
            try TrainingCheckpoint.load(from: weights, model: model, optimizer: adam)
        } throws: { error in
            "\(error)".contains("not an Apus training checkpoint") && "\(error)".contains(weights)
        }

        // Bad progress metadata.
        try Safetensors.write(model.stateDict().map { ("model." + $0.name, $0.tensor) },
                              metadata: ["format": TrainingCheckpoint.format, "format_version": "1", "epoch": "x", "step": "1"], to: path)
        #expect { try TrainingCheckpoint.load(from: path, model: model, optimizer: nil) } throws: { "\($0)".contains("'epoch'") }
        try Safetensors.write(model.stateDict().map { ("model." + $0.name, $0.tensor) },
                              metadata: ["format": TrainingCheckpoint.format, "format_version": "2", "epoch": "1", "step": "1"], to: path)
        #expect { try TrainingCheckpoint.load(from: path, model: model, optimizer: nil) } throws: { "\($0)".contains("version '2'") }
    }
}
