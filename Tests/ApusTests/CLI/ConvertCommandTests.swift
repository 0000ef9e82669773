import Foundation
import Testing
import Apus

// `apus convert IN OUT` on the PyTorch fixtures of Tests/ApusTests/Fixtures/pth.

private func fixture(_ name: String) -> String { fixturesDirectory.appendingPathComponent("pth/\(name)").path }

struct ConvertCommandTests {
    @Test func convertsEveryTensorWithItsNameAndValues() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("dtypes.safetensors").path
        let r = try apus(["convert", fixture("dtypes.pth"), out])
        #expect(r.status == 0, "\(r.stderr)")
        let size = try #require(try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int)
        #expect(r.stdoutLines == ["wrote \(out): 12 tensors (float32 4, float64 1, int64 6, bool 1), 61 elements, \(size) bytes"])
        let original = try TorchCheckpoint.read(fixture("dtypes.pth")).tensors
        let converted = try Safetensors.read(out)
        #expect(Set(converted.tensors.map(\.name)) == Set(original.map(\.name)))
        for (name, tensor) in original {
            let back = try #require(converted[name])
            #expect(back.dtype == tensor.dtype && back.shape == tensor.shape, "\(name)")
            #expect(back.toDoubles().map(\.bitPattern) == tensor.toDoubles().map(\.bitPattern), "\(name)")
        }
    }

    @Test func checkpointDictsKeepEverythingOrOnlyTheModel() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let all = dir.appendingPathComponent("all.safetensors").path
        let r = try apus(["convert", fixture("nested.pth"), all])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("10 tensors (float32 9, int64 1)"))
        #expect(r.stdout.contains("left out 3 non-tensor values (epoch, optimizer.param_groups.0.lr, optimizer.param_groups.0.params.0)"))
        #expect(try Safetensors.read(all)["optimizer.state.0.momentum_buffer"]?.toDoubles() == [0.5, -0.5])

        let model = dir.appendingPathComponent("model.safetensors").path
        let m = try apus(["convert", fixture("nested.pth"), model, "--model-only", "--dtype", "float64"])
        #expect(m.status == 0, "\(m.stderr)")
        let contents = try Safetensors.read(model)
        #expect(contents.tensors.count == 9 && contents["conv.weight"]?.dtype == .float64)
        #expect(contents["bn.num_batches_tracked"]?.dtype == .int64 && contents["bn.num_batches_tracked"]?.item() == 3)
        // A safetensors input converts too (here: to float32 again).
        let again = dir.appendingPathComponent("again.safetensors").path
        #expect(try apus(["convert", model, again, "--dtype", "float32"]).status == 0)
        #expect(try Safetensors.read(again)["conv.weight"]?.dtype == .float32)
    }

    @Test(arguments: [
        (["os_system.pth"], "refusing to load global 'os system'"),
        (["truncated.pth"], "truncated"),
        (["short_storage.pth"], "storage shorter than tensor claims"),
        (["legacy.pth"], "PyTorch's legacy format (before 1.6)"),
        (["views.pth", "--dtype", "float16"], "--dtype must be float32 or float64, got 'float16'"),
        (["views.pth", "--model-only"], "is a state dict already"),
        (["no-such-file.pth"], "cannot read file"),
    ])
    func badInputIsOneErrorLine(_ arguments: [String], _ message: String) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.safetensors").path
        let r = try apus(["convert", fixture(arguments[0]), out] + arguments.dropFirst())
        #expect(r.status != 0)
        #expect(r.stderrLines.count == 1 && r.stderrLines.first?.hasPrefix("error: ") == true, "\(r.stderr)")
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)  // no temporary file left
    }
}
