import Foundation
import Testing
@testable import Apus

// PyTorch checkpoints written by `python3 Scripts/make_pth_fixtures.py` (torch.save, plus hand-built
// hostile files); expected.json holds every tensor's name, dtype, shape and values as torch saw them.

private let pthDirectory = fixturesDirectory.appendingPathComponent("pth")

private func pth(_ name: String) -> String { pthDirectory.appendingPathComponent(name).path }

/// What expected.json says about `file`.
private func pthExpectation(_ file: String) throws -> [String: Any]? {
    let data = try Data(contentsOf: pthDirectory.appendingPathComponent("expected.json"))
    return (try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]])?[file]
}

/// Whether `actual` holds exactly the values written as strings by the fixture script
/// (Python's repr for floats, so inf, nan and -0.0 compare bit for bit).
private func matches(_ actual: Tensor, _ values: [String]) -> Bool {
    guard actual.count == values.count else { return false }
    switch actual.dtype {
    case .bool: return actual.toArray(as: Bool.self) == values.map { $0 == "true" }
    case .int64: return actual.toArray(as: Int64.self) == values.map { Int64($0)! }
    default:
        return zip(actual.toDoubles(), values.map { Double($0)! }).allSatisfy { a, b in
            a.isNaN ? b.isNaN : a == b && a.sign == b.sign
        }
    }
}

struct TorchCheckpointTests {
    static let validFiles = ["views.pth", "dtypes.pth", "protocol4.pth", "protocol5.pth", "parameters.pth", "module.pth",
                             "nested.pth", "bigendian.pth", "zip64.pth"]

    @Test(arguments: validFiles)
    func readsWhatTorchSaved(_ file: String) throws {
        let expected = try #require(try pthExpectation(file))
        let contents = try TorchCheckpoint.read(pth(file))
        let tensors = expected["tensors"] as! [[String: Any]]
        #expect(contents.tensors.map(\.name) == tensors.map { $0["name"] as! String })
        for (entry, (name, tensor)) in zip(tensors, contents.tensors) {
            #expect(tensor.dtype.description == entry["dtype"] as! String, "\(file): \(name)")
            #expect(tensor.shape == entry["shape"] as! [Int], "\(file): \(name)")
            #expect(matches(tensor, entry["values"] as! [String]), "\(file): \(name) = \(tensor.toDoubles())")
        }
        #expect(contents.otherEntries == expected["other_entries"] as! [String])
        #expect(contents.modelStateKey == expected["model_state_key"] as? String)
    }

    @Test func viewsOfOneStorageComeOutContiguousWithTheirOwnValues() throws {
        let contents = try TorchCheckpoint.read(pth("views.pth"))
        // base = arange(24) * 0.5 - 3; transposed = base.view(4, 6).t(); strided = base.view(4, 6)[::2, 1::2]
        let transposed = try #require(contents["transposed"])
        #expect(transposed.shape == [6, 4] && transposed.isContiguous)
        #expect(transposed.toDoubles().prefix(4) == [-3, 0, 3, 6])
        #expect(contents["strided"]!.toDoubles() == [-2.5, -1.5, -0.5, 3.5, 4.5, 5.5])
        #expect(contents["offset"]!.toDoubles().first == -0.5)
        #expect(contents["element"]!.shape == [] && contents["element"]!.item() == 0.5)
        #expect(contents["empty"]!.shape == [0, 3])
    }

    @Test func decodingMemoryEqualsReadingTheFile() throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pth("dtypes.pth"))))
        let fromMemory = try TorchCheckpoint.decode(bytes: bytes, path: "dtypes in memory")
        let fromFile = try TorchCheckpoint.read(pth("dtypes.pth"))
        #expect(fromMemory.tensors.map(\.name) == fromFile.tensors.map(\.name))
        for (a, b) in zip(fromMemory.tensors, fromFile.tensors) {
            #expect(a.tensor.dtype == b.tensor.dtype && a.tensor.shape == b.tensor.shape)
            #expect(a.tensor.toDoubles().map(\.bitPattern) == b.tensor.toDoubles().map(\.bitPattern))
        }
        #expect(thrownMessage { _ = try TorchCheckpoint.decode(bytes: Array(bytes.prefix(100)), path: "cut.pth") }.contains("'cut.pth'"))
    }

    // MARK: Hostile files

    static let hostileFiles: [(file: String, error: String)] = [
        ("os_system.pth", "refusing to load global 'os system'"),
        ("posix_system.pth", "refusing to load global 'posix system'"),
        ("builtins_eval.pth", "refusing to load global 'builtins eval'"),
        ("truncated.pth", "no end-of-central-directory record: the zip archive is truncated"),
        ("compressed.pth", "is compressed (method 8)"),
        ("bad_crc.pth", "zip entry 'views/data/0' fails its CRC-32 check"),
        ("short_storage.pth", "storage shorter than tensor claims"),
        ("overflow_shape.pth", "element count overflows"),
        ("huge_storage.pth", "but its storage claims 1152921504606846976 elements"),
        ("huge_expand.pth", "tensor 'w' of shape [1152921504606846976] needs 4611686018427387904 bytes"),
        ("deep_nesting.pth", "containers nested deeper than 1000 levels"),
        ("legacy.pth", "PyTorch's legacy format (before 1.6)"),
    ]

    @Test(arguments: hostileFiles)
    func hostileFileIsOneClearError(_ file: String, _ error: String) {
        let path = pth(file)
        let message = thrownMessage { _ = try TorchCheckpoint.read(path) }
        #expect(message.contains(error), "\(file): \(message)")
        #expect(message.contains("'\(path)'"), "\(file): \(message)")
    }

    @Test func refusedGlobalIsADisallowedContentErrorAndRunsNothing() {
        #expect {
            try TorchCheckpoint.read(pth("os_system.pth"))
        } throws: { error in
            guard case ApusError.disallowedContent(let path, let reason) = error else { return false }
            return path == pth("os_system.pth") && reason.contains("os system") && reason.contains("data.pkl")
        }
        // The model is untouched when loading fails.
        let model = Linear(2, 2)
        let before = model.weight.value
        #expect(throws: ApusError.self) { try model.loadWeights(from: pth("builtins_eval.pth")) }
        #expect(model.weight.value == before)
    }

    @Test func hundredThousandNestedListsAreRefusedWithoutRecursion() throws {
        let pickle: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x5D, count: 100_000) + [UInt8](repeating: 0x61, count: 99_999) + [0x2E]
        #expect(thrownMessage { _ = try Unpickler.load(pickle) }.contains("containers nested deeper than 1000 levels"))
        // Nesting built through the memo (appending to lists already inside others) gets past the
        // unpickler's count but not the walk that names the entries; a list that contains itself
        // is walked once.
        var p: [UInt8] = [0x80, 0x02, 0x7D, 0x94, 0x8C, 0x01, 0x61, 0x5D, 0x94, 0x73]  // {'a': A0}
        for k in 1...5000 {
            p += [0x6A] + withUnsafeBytes(of: UInt32(k).littleEndian, Array.init) + [0x5D, 0x94, 0x61, 0x30]  // A(k-1).append(A(k))
        }
        p += [0x6A, 0x01, 0x00, 0x00, 0x00, 0x32, 0x61, 0x30, 0x2E]  // A0.append(A0)
        let program = try Unpickler.load(p)
        #expect(thrownMessage { _ = try TorchCheckpoint.flatten(program, path: "memo") }.contains("nested deeper than 1000 levels"))
        let cyclic: [UInt8] = [0x80, 0x02, 0x7D, 0x8C, 0x01, 0x61, 0x5D, 0x94, 0x68, 0x00, 0x61, 0x4B, 0x05, 0x61, 0x73, 0x2E]
        let layout = try TorchCheckpoint.flatten(try Unpickler.load(cyclic), path: "cycle")  // {'a': A} with A = [A, 5]
        #expect(layout.tensors.isEmpty && layout.others == ["a.1"])
        // Long keys repeated under many names run out of the name budget instead of memory.
        var repeated: [UInt8] = [0x80, 0x02, 0x7D, 0x8C, 0x01, 0x61, 0x7D, 0x94, 0x58] + withUnsafeBytes(of: UInt32(60_000).littleEndian, Array.init)
        repeated += [UInt8](repeating: 0x6B, count: 60_000) + [0x5D, 0x94, 0x28] + [UInt8](repeating: 0x4E, count: 10_000) + [0x65, 0x73, 0x73, 0x2E]
        let wide = try Unpickler.load(repeated)  // {'a': {'kkk…': [None] * 10000}}
        #expect(thrownMessage { _ = try TorchCheckpoint.flatten(wide, path: "wide", nameBudget: 16 * repeated.count) }
            .contains("the names of the nested entries take more than"))
        var limits = Unpickler.Limits()
        limits.stackDepth = 10
        let deepStack: [UInt8] = [0x80, 0x02] + [UInt8](repeating: 0x4E, count: 20) + [0x2E]
        #expect(thrownMessage { _ = try Unpickler.load(deepStack, limits: limits) }.contains("more than 10 values on the pickle stack"))
    }

    /// Every prefix of a valid file and every single-byte change of its pickle is either read or
    /// refused with an `ApusError`, never a crash (a small, deterministic fuzz run).
    @Test func damagedFilesNeverCrash() throws {
        for file in ["views.pth", "protocol4.pth"] {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pth(file))))
            for length in 0..<bytes.count {
                do { _ = try TorchCheckpoint.decode(bytes: Array(bytes[..<length])) } catch is ApusError {}
            }
            let archive = try bytes.withUnsafeBytes { try ZipArchive(bytes: $0, path: file) }
            let pickle = try #require(archive.entries.first { $0.name.hasSuffix("data.pkl") })
            let pickleBytes = Array(bytes[pickle.dataOffset..<(pickle.dataOffset + pickle.size)])
            let generator = RandomGenerator(seed: 7)
            for i in 0..<pickleBytes.count {
                for _ in 0..<3 {
                    var damaged = pickleBytes
                    damaged[i] = UInt8(truncatingIfNeeded: Int(generator.next() % 256))
                    do { _ = try Unpickler.load(damaged) } catch is ApusError {}
                }
            }
        }
    }

    // MARK: The pickle machine

    @Test func unpicklerReadsNumbersStringsAndContainers() throws {
        // {0: (-2, 1.5, 'é', b'\x01', None, True), 'big': -2**40, 'l': [7, 8]}, built by hand (protocol 2).
        var p: [UInt8] = [0x80, 0x02, 0x7D, 0x71, 0x00, 0x28]
        p += [0x4B, 0x00]  // 0
        p += [0x28, 0x4A] + withUnsafeBytes(of: Int32(-2).littleEndian, Array.init)
        p += [0x47] + withUnsafeBytes(of: (1.5).bitPattern.bigEndian, Array.init)
        p += [0x8C, 0x02, 0xC3, 0xA9, 0x43, 0x01, 0x01, 0x4E, 0x88, 0x74]
        p += [0x8C, 0x03] + Array("big".utf8) + [0x8A, 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF]
        p += [0x8C, 0x01, 0x6C, 0x5D, 0x94, 0x28, 0x4B, 0x07, 0x4D, 0x08, 0x00, 0x65]
        p += [0x75, 0x2E]
        let result = try Unpickler.load(p)
        guard case .dict(let d) = result.root else { Issue.record("root is \(result.root)"); return }
        let entries = result.dicts[d].entries
        #expect(entries.map(\.key) == [.int(0), .string("big"), .string("l")])
        guard case .tuple(let t) = entries[0].value else { Issue.record("not a tuple"); return }
        #expect(result.tuples[t] == [.int(-2), .float(1.5), .string("é"), .bytes([1]), .none, .bool(true)])
        #expect(entries[1].value == .int(-(1 << 40)))
        guard case .list(let l) = entries[2].value else { Issue.record("not a list"); return }
        #expect(result.lists[l] == [.int(7), .int(8)])
    }

    @Test func unpicklerRefusesWhatItCannotBound() {
        func message(_ bytes: [UInt8]) -> String { thrownMessage { _ = try Unpickler.load(bytes) } }
        #expect(message([0x80, 0x02, 0x58, 0xFF, 0xFF, 0xFF, 0x7F, 0x61]).contains("length 2147483647 runs past the end"))
        #expect(message([0x80, 0x02, 0x8A, 0x09] + [UInt8](repeating: 0, count: 8) + [0x01, 0x2E]).contains("does not fit in 64 bits"))
        #expect(message([0x80, 0x02, 0x68, 0x05, 0x2E]).contains("memo entry 5 is read before it is written"))
        #expect(message([0x80, 0x02, 0x2E]).contains("pops from an empty stack"))
        #expect(message([0x80, 0x02, 0x4E]).contains("truncated pickle"))
        #expect(message([0x80, 0x02, 0x81, 0x2E]).contains("opcode NEWOBJ (0x81) is not supported"))
        #expect(message([0x80, 0x02, 0x69] + Array("os\nsystem\n".utf8)).contains("refusing to load global 'os system'"))
        #expect(message([0x80, 0x06, 0x2E]).contains("pickle protocol 6 is not supported"))
        #expect(message([0x80, 0x02, 0x28, 0x4E, 0x30, 0x30, 0x2E]).contains("pops from an empty stack"))  // POP across a MARK
    }

    // MARK: Loading into modules

    /// The module of module.pth: conv 3×3 (padding 1) → batch norm → ReLU → flatten → linear.
    final class Small: Module {
        let conv = Conv2d(1, 2, kernelSize: 3, padding: 1)
        let bn = BatchNorm2d(2)
        let fc = Linear(2 * 4 * 4, 3)
        override func forward(_ x: Tensor) -> Tensor { fc(relu(bn(conv(x))).flatten(startAxis: 1)) }
    }

    private func tensor(_ spec: Any?) -> Tensor {
        let s = spec as! [String: Any]
        return Tensor(shape: s["shape"] as! [Int], values: (s["values"] as! [String]).map { Double($0)! })
    }

    @Test(arguments: ["module.pth", "nested.pth"])
    func moduleGivesTorchsOutput(_ file: String) throws {
        let expected = try #require(try pthExpectation("module.pth"))
        let model = Small()
        let report = try model.loadWeights(from: pth(file))
        #expect(report.isEmpty)
        #expect(model.bn.numBatchesTracked!.value.item() == 3)
        #expect(model.bn.numBatchesTracked!.value.dtype == .int64)
        model.eval()
        let output = model(tensor(expected["input"]))
        let reference = tensor(expected["output"])
        #expect(output.shape == reference.shape)
        #expect((output - reference).abs().max().item() < 1e-6)
    }

    @Test func strictLoadingListsEveryMismatchInOneError() {
        final class Other: Module {
            let conv = Conv2d(1, 2, kernelSize: 3, padding: 1)
            let fc = Linear(2 * 4 * 4, 5)
            let extra = Linear(1, 1)
        }
        let model = Other()
        let before = model.stateDict()
        let message = thrownMessage { try model.loadWeights(from: pth("module.pth")) }
        #expect(message.contains("missing: extra.weight, extra.bias"), "\(message)")
        #expect(message.contains("unexpected: bn.bias, bn.num_batches_tracked, bn.running_mean, bn.running_var, bn.weight"), "\(message)")
        #expect(message.contains("wrong shape: fc.bias (expected [5], found [3]), fc.weight (expected [5, 32], found [3, 32])"), "\(message)")
        #expect(zip(before, model.stateDict()).allSatisfy { $0.tensor == $1.tensor })
    }

    @Test func nonStrictLoadingLoadsWhatFitsAndReportsTheRest() throws {
        final class NewHead: Module {
            let conv = Conv2d(1, 2, kernelSize: 3, padding: 1)
            let bn = BatchNorm2d(2)
            let fc = Linear(2 * 4 * 4, 10)
        }
        let model = NewHead()
        let head = model.fc.weight.value
        let report = try model.loadWeights(from: pth("module.pth"), strict: false)
        #expect(report.missing.isEmpty && report.unexpected.isEmpty)
        #expect(report.wrongShape.map(\.name) == ["fc.bias", "fc.weight"])
        #expect(report.wrongShape.last == .init(name: "fc.weight", expected: [10, 32], found: [3, 32]))
        #expect(model.fc.weight.value == head)  // skipped
        let file = try TorchCheckpoint.read(pth("module.pth"))
        #expect(model.conv.weight.value == file["conv.weight"]!)
        #expect(model.bn.runningVar!.value == file["bn.running_var"]!)
        #expect(model.bn.numBatchesTracked!.value.item() == 3)
    }

    @Test func weightsFilesAreToldApartByContent() throws {
        #expect(try WeightsFile.format(of: pth("views.pth")) == .pytorch)
        #expect(try WeightsFile.format(of: fixturesDirectory.appendingPathComponent("torch_mlp.safetensors").path) == .safetensors)
        // A .pth written by torch.save under any extension loads; a safetensors file named .pth too.
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let renamed = dir.appendingPathComponent("weights.safetensors").path
        try FileManager.default.copyItem(atPath: pth("module.pth"), toPath: renamed)
        try Small().loadWeights(from: renamed)
        let model = Small()
        let apusFile = dir.appendingPathComponent("apus.pth").path
        try model.saveWeights(to: apusFile)
        try Small().loadWeights(from: apusFile)
        #expect(try WeightsFile.read(pth("module.pth")).map(\.name) == TorchCheckpoint.read(pth("module.pth")).tensors.map(\.name))
        #expect(thrownMessage { _ = try WeightsFile.format(of: dir.appendingPathComponent("none.pth").path) }.contains("cannot read file"))
        // PyTorch's legacy format is recognised and refused with advice, not read as a broken safetensors file.
        #expect(try WeightsFile.format(of: pth("legacy.pth")) == .pytorch)
        #expect(thrownMessage { try Small().loadWeights(from: pth("legacy.pth")) }.contains("save it again with torch.save"))
    }
}
