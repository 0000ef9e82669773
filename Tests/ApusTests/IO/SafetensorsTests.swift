import Foundation
import Testing
@testable import Apus

// Fixtures from Scripts/make_safetensors_fixture.py (PyTorch 2.x, safetensors 0.8).

/// The package's Tests/ApusTests/Fixtures folder.
let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures")

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-io-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
}

/// torch_mlp.json: dtypes, shapes and values of every fixture tensor.
private struct Expected {
    let json: [String: Any]

    init() throws {
        let data = try Data(contentsOf: fixturesDirectory.appendingPathComponent("torch_mlp.json"))
        json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func group(_ name: String) -> [String: [String: Any]] { json[name] as! [String: [String: Any]] }

    static func values(_ spec: [String: Any]) -> [Double] {
        (spec["values"] as! [Any]).map { v in
            if let s = v as? String { return s == "inf" ? .infinity : s == "-inf" ? -.infinity : .nan }
            return (v as! NSNumber).doubleValue
        }
    }

    func doubles(_ key: String) -> [Double] { (json[key] as! [NSNumber]).map(\.doubleValue) }
    func ints(_ key: String) -> [Int] { (json[key] as! [NSNumber]).map(\.intValue) }
}

private func fixture(_ name: String) -> String { fixturesDirectory.appendingPathComponent(name).path }

/// A safetensors file from a literal header and data bytes (for malformed files).
private func rawFile(header: String, data: [UInt8] = []) -> [UInt8] {
    let h = Array(header.utf8)
    return withUnsafeBytes(of: UInt64(h.count).littleEndian) { Array($0) } + h + data
}

struct SafetensorsTests {
    // MARK: PyTorch → Apus

    @Test func torchMLPLoadsIntoTheSameArchitectureAndGivesTheSameOutput() throws {
        let expected = try Expected()
        let model = Sequential(Linear(4, 3, generator: RandomGenerator(seed: 9)), ReLU(),
                               Linear(3, 2, generator: RandomGenerator(seed: 9)))
        try model.loadWeights(from: fixture("torch_mlp.safetensors"))
        let mlp = expected.group("mlp")
        #expect(Set(mlp.keys) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        for (name, tensor) in model.stateDict() {
            let spec = try #require(mlp[name])
            #expect(tensor.shape == (spec["shape"] as! [Int]), "\(name)")
            // Float32 values must be identical. (Foundation's JSON parser on Linux may be off by one
            // double ulp, so compare after rounding the expected doubles to float32.)
            #expect(tensor.toArray(as: Float.self) == Expected.values(spec).map { Float($0) }, "\(name)")
        }
        let x = Tensor(shape: expected.ints("input_shape"), values: expected.doubles("input"))
        let y = model(x)
        #expect(y.shape == expected.ints("output_shape"))
        // Same float32 weights and inputs; the sums may round differently in the last bit.
        #expect(Approx.equal(y, expected.doubles("output"), absolute: 1e-6, relative: 1e-6))
    }

    @Test func torchDtypesAreReadExactly() throws {
        let expected = try Expected()
        let contents = try Safetensors.read(fixture("torch_dtypes.safetensors"))
        #expect(contents.metadata == expected.json["dtypes_metadata"] as! [String: String])
        let specs = expected.group("dtypes")
        #expect(Set(contents.tensors.map(\.name)) == Set(specs.keys))
        let dtypes: [String: DType] = ["float64": .float64, "float32": .float32, "int64": .int64, "bool": .bool]
        for (name, tensor) in contents.tensors {
            let spec = try #require(specs[name])
            #expect(tensor.dtype == dtypes[spec["dtype"] as! String], "\(name)")
            #expect(tensor.shape == (spec["shape"] as! [Int]), "\(name)")
            if tensor.dtype == .int64 {
                // Beyond 2^53: compare as integers.
                #expect(tensor.toArray(as: Int64.self) == (spec["values"] as! [NSNumber]).map(\.int64Value))
            } else {
                #expect(tensor.toDoubles() == Expected.values(spec), "\(name)")
            }
        }
        #expect(contents["int64"]!.toArray(as: Int64.self)[4] == 9_007_199_254_740_993)
        #expect(contents["scalar"]!.shape == [] && contents["scalar"]!.item() == 2.5)
        #expect(contents["empty"]!.shape == [0, 3])
    }

    @Test func halfPrecisionIsReadAsFloat32() throws {
        let expected = try Expected()
        let contents = try Safetensors.read(fixture("torch_half.safetensors"))
        for (name, spec) in expected.group("half") {
            let t = try #require(contents[name])
            #expect(t.dtype == .float32)
            // torch's own float16/bfloat16 → float32 conversion, bit for bit (subnormals and infinities included).
            #expect(t.toArray(as: Float.self) == Expected.values(spec).map { Float($0) }, "\(name)")
        }
        // Hand-checked half values: 0x3C00 = 1, 0xC100 = −2.5, 0x0001 = 2⁻²⁴, 0x7BFF = 65504, 0xFC00 = −∞.
        #expect(Safetensors.halfToFloat(0x3C00) == 1 && Safetensors.halfToFloat(0xC100) == -2.5)
        #expect(Safetensors.halfToFloat(0x0001) == 0x1p-24 && Safetensors.halfToFloat(0x7BFF) == 65504)
        #expect(Safetensors.halfToFloat(0xFC00) == -.infinity && Safetensors.halfToFloat(0x7E00).isNaN)
        #expect(Safetensors.halfToFloat(0x8000).sign == .minus)
    }

    /// Apus writes what Python's safetensors writes, byte for byte.
    @Test(arguments: ["torch_mlp.safetensors", "torch_dtypes.safetensors"])
    func rewritingATorchFileGivesTheSameBytes(_ name: String) throws {
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture(name))))
        let contents = try Safetensors.read(fixture(name))
        #expect(Safetensors.encode(contents.tensors, metadata: contents.metadata) == original)
        // Input order does not matter.
        #expect(Safetensors.encode(contents.tensors.reversed(), metadata: contents.metadata) == original)
    }

    // MARK: Apus's format

    @Test func headerIsSortedByDtypeThenNameAndPaddedWithSpaces() throws {
        let bytes = Safetensors.encode([("b", Tensor([1.0, 2.0])), ("a", Tensor([true])),
                                        ("c", Tensor(scalars: [Int64(5)])), ("d", Tensor([0.5]).cast(to: .float64))],
                                       metadata: ["z": "1", "a": "q\"\\\n\u{1}é"])
        let n = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(bytes[2..<8].allSatisfy { $0 == 0 })
        #expect(n % 8 == 0)
        let header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        // The header Python's safetensors 0.8 writes for these tensors (checked with save()), with metadata keys sorted.
        let json = #"{"__metadata__":{"a":"q\"\\\n\u0001é","z":"1"},"c":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},"#
            + #""d":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},"#
            + #""a":{"dtype":"BOOL","shape":[1],"data_offsets":[24,25]}}"#
        #expect(header.hasPrefix(json))
        #expect(header.dropFirst(json.count).allSatisfy { $0 == " " })
        #expect(n - json.utf8.count < 8)
        #expect(bytes.count == 8 + n + 25)
        // int64 5, little-endian, starts the data.
        #expect(Array(bytes[(8 + n)..<(8 + n + 8)]) == [5, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func everyDtypeRoundTripsIncludingViews() throws {
        let base = Tensor(shape: [3, 4], values: (0..<12).map { Double($0) * 0.5 - 2 })
        let tensors: [(name: String, tensor: Tensor)] = [
            ("f32.transposed", base.T),                                   // non-contiguous
            ("f32.slice", base[1..<3]),                                   // offset into storage
            ("f64", base.cast(to: .float64) / 3),
            ("i64", Tensor(scalars: [Int64.min, -1, 0, Int64.max])),
            ("bool", Tensor([[true, false, true]])),
            ("scalar", Tensor(scalar: -0.0)),
            ("empty", Tensor.zeros([2, 0], dtype: .float64)),
            ("nan", Tensor(scalars: [Float.nan, .infinity, -.infinity])),
        ]
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("all.safetensors").path
        try Safetensors.write(tensors, metadata: ["k": "v"], to: path)
        let back = try Safetensors.read(path)
        #expect(back.metadata == ["k": "v"])
        #expect(back.tensors.count == tensors.count)
        for (name, t) in tensors {
            let r = try #require(back[name])
            #expect(r.dtype == t.dtype && r.shape == t.shape, "\(name)")
            #expect(r.toDoubles().map(\.bitPattern) == t.toDoubles().map(\.bitPattern), "\(name)")
        }
        #expect(back["i64"]!.toArray(as: Int64.self) == [Int64.min, -1, 0, Int64.max])
        // No temporary file is left next to the result.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["all.safetensors"])
    }

    // MARK: Validation

    struct Corrupt: Sendable, CustomTestStringConvertible {
        let label: String
        let bytes: [UInt8]
        let mentions: [String]
        var testDescription: String { label }
    }

    static let f32Entry = #""x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#

    static let corruptFiles: [Corrupt] = [
        Corrupt(label: "empty file", bytes: [], mentions: ["shorter than the 8-byte"]),
        Corrupt(label: "7 bytes", bytes: [1, 0, 0, 0, 0, 0, 0], mentions: ["7 bytes", "shorter"]),
        Corrupt(label: "header length beyond file", bytes: [200, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8),
                mentions: ["header length 200", "beyond the end", "10 bytes"]),
        Corrupt(label: "huge header length", bytes: [UInt8](repeating: 0xFF, count: 8) + [0x7B],
                mentions: ["header length 18446744073709551615"]),
        Corrupt(label: "invalid JSON", bytes: rawFile(header: "{\"x\": [1, 2"), mentions: ["not a JSON object"]),
        Corrupt(label: "JSON array", bytes: rawFile(header: "[1, 2]"), mentions: ["not a JSON object"]),
        Corrupt(label: "unknown dtype",
                bytes: rawFile(header: #"{"x":{"dtype":"F33","shape":[2],"data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8)),
                mentions: ["'x'", "unknown dtype 'F33'"]),
        Corrupt(label: "unsupported dtype",
                bytes: rawFile(header: #"{"x":{"dtype":"U16","shape":[4],"data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8)),
                mentions: ["'x'", "U16", "cannot read"]),
        Corrupt(label: "missing shape",
                bytes: rawFile(header: #"{"x":{"dtype":"F32","data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8)),
                mentions: ["'x'", "shape"]),
        Corrupt(label: "negative dimension",
                bytes: rawFile(header: #"{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8)),
                mentions: ["'x'", "shape"]),
        Corrupt(label: "reversed offsets",
                bytes: rawFile(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, data: .init(repeating: 0, count: 8)),
                mentions: ["'x'", "data_offsets"]),
        Corrupt(label: "size does not match shape",
                bytes: rawFile(header: #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8)),
                mentions: ["'x'", "[0, 8]", "[3]", "needs 12 bytes"]),
        Corrupt(label: "overlapping tensors",
                bytes: rawFile(header: "{" + f32Entry + #","y":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                               data: .init(repeating: 0, count: 12)),
                mentions: ["'y'", "overlaps"]),
        Corrupt(label: "gap between tensors",
                bytes: rawFile(header: "{" + f32Entry + #","y":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}"#,
                               data: .init(repeating: 0, count: 16)),
                mentions: ["gap", "8..<12", "'y'"]),
        Corrupt(label: "offsets out of bounds",
                bytes: rawFile(header: #"{"x":{"dtype":"F32","shape":[2],"data_offsets":[1000,1008]}}"#),
                mentions: ["'x'", "up to 1008", "0 bytes of data", "out of bounds"]),
        Corrupt(label: "truncated data", bytes: rawFile(header: "{" + f32Entry + "}", data: [0, 0, 0, 0, 0]),
                mentions: ["truncated", "'x'", "up to 8", "5 bytes of data"]),
        Corrupt(label: "trailing bytes", bytes: rawFile(header: "{" + f32Entry + "}", data: .init(repeating: 0, count: 11)),
                mentions: ["3 bytes after the last tensor"]),
        Corrupt(label: "metadata not strings",
                bytes: rawFile(header: #"{"__metadata__":{"a":1}}"#), mentions: ["__metadata__", "strings"]),
    ]

    @Test(arguments: corruptFiles)
    func corruptFilesAreRefusedWithAClearMessage(_ c: Corrupt) throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.safetensors").path
        try Data(c.bytes).write(to: URL(fileURLWithPath: path))
        do {
            _ = try Safetensors.read(path)
            Issue.record("\(c.label): read succeeded")
        } catch let error as ApusError {
            guard case .corruptFile(let p, _) = error else { Issue.record("expected corruptFile, got \(error)"); return }
            #expect(p == path)
            let text = error.description
            #expect(text.contains(path))
            for m in c.mentions { #expect(text.contains(m), "'\(text)' should mention '\(m)'") }
        }
    }

    @Test func aValidHandWrittenFileIsAccepted() throws {
        // The same layout as the corrupt cases, done right: x = [1, 2] in float32.
        let data = withUnsafeBytes(of: Float(1).bitPattern.littleEndian) { Array($0) }
            + withUnsafeBytes(of: Float(2).bitPattern.littleEndian) { Array($0) }
        let contents = try Safetensors.decode(rawFile(header: "{" + Self.f32Entry + "}", data: data))
        #expect(contents["x"]!.toDoubles() == [1, 2])
        // Smaller integer types become int64: I32 [−1, 2], I16 [−2], I8 [−1], U8 [255].
        let header = #"{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"I16","shape":[1],"data_offsets":[8,10]},"#
            + #""c":{"dtype":"I8","shape":[1],"data_offsets":[10,11]},"d":{"dtype":"U8","shape":[1],"data_offsets":[11,12]}}"#
        let ints = try Safetensors.decode(rawFile(header: header, data: [0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF]))
        #expect(ints.tensors.map(\.name) == ["a", "b", "c", "d"])  // data order
        #expect(ints.tensors.allSatisfy { $0.tensor.dtype == .int64 })
        #expect(ints["a"]!.toArray(as: Int64.self) == [-1, 2] && ints["b"]!.item() == -2)
        #expect(ints["c"]!.item() == -1 && ints["d"]!.item() == 255)
    }

    @Test func missingFileAndDirectoryAreNotReadable() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = dir.appendingPathComponent("nope.safetensors").path
        #expect(throws: ApusError.fileNotReadable(path: missing)) { try Safetensors.read(missing) }
        #expect(throws: ApusError.fileNotReadable(path: dir.path)) { try Safetensors.read(dir.path) }
    }

    // MARK: Atomic writes

    @Test func aFailingWriteLeavesThePreviousFileIntact() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.safetensors").path
        let first: [(name: String, tensor: Tensor)] = [("w", Tensor([1.0, 2.0, 3.0]))]
        try Safetensors.write(first, to: path)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))

        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: path) { sink in
                try sink.write(Safetensors.encode([("w", Tensor.zeros([1000]))]).prefix(100).map { $0 })
                throw Interrupted()  // e.g. the disk filled up half way
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try Safetensors.read(path)["w"]!.toDoubles() == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["model.safetensors"])

        // A write that cannot even start (no such directory) throws and creates nothing.
        let nowhere = dir.appendingPathComponent("no/such/dir/x.safetensors").path
        #expect {
            try Safetensors.write(first, to: nowhere)
        } throws: { error in
            guard case ApusError.fileNotWritable(let p, _) = error else { return false }
            return p == nowhere
        }
        // A successful rewrite replaces the file completely.
        try Safetensors.write([("v", Tensor([true]))], to: path)
        #expect(try Safetensors.read(path).tensors.map(\.name) == ["v"])
    }

    // MARK: Apus → Python

    /// Whether `python3` can import safetensors and numpy here.
    static let pythonAvailable: Bool = {
        guard let p = try? runPython(["-c", "import safetensors, numpy"]) else { return false }
        return p.status == 0
    }()

    static func runPython(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        #expect(FileManager.default.createFile(atPath: out.path, contents: nil))
        let handle = try FileHandle(forWritingTo: out)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "")
    }

    /// An Apus-written file is checked by Scripts/check_safetensors.py with Python's safetensors
    /// when python3 has it; otherwise the bytes are checked by Apus's own reader.
    @Test func pythonReadsWhatApusWrites() throws {
        let tensors: [(name: String, tensor: Tensor)] = [
            ("layer.weight", Tensor([[0.1, -0.2, 0.3], [1e-8, 3e38, -0.0]])),
            ("layer.bias", Tensor(scalars: [Float.infinity, -.infinity])),
            ("double", Tensor(scalars: [Double.pi, -1e-300])),
            ("ids", Tensor(scalars: [Int64(-3), 9_007_199_254_740_993])),
            ("mask", Tensor([[true], [false]])),
            ("scalar", Tensor(scalar: 7, dtype: .float64)),
        ]
        let metadata = ["framework": "apus", "note": "tab\there \"quoted\" é"]
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("apus.safetensors").path
        try Safetensors.write(tensors, metadata: metadata, to: path)

        func spec(_ t: Tensor) -> [String: Any] {
            let values: [Any] = t.dtype == .int64 ? t.toArray(as: Int64.self).map { Int($0) }
                : t.toDoubles().map { $0.isFinite ? $0 as Any : ($0 > 0 ? "inf" : "-inf") as Any }
            return ["dtype": t.dtype.description, "shape": t.shape, "values": values]
        }
        func writeExpectation(_ tensors: [(name: String, tensor: Tensor)], to name: String) throws -> String {
            let object: [String: Any] = ["tensors": Dictionary(uniqueKeysWithValues: tensors.map { ($0.name, spec($0.tensor)) }),
                                         "metadata": metadata]
            let url = dir.appendingPathComponent(name)
            try JSONSerialization.data(withJSONObject: object).write(to: url)
            return url.path
        }
        let good = try writeExpectation(tensors, to: "expected.json")

        if Self.pythonAvailable {
            let script = fixturesDirectory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Scripts/check_safetensors.py").path
            let ok = try Self.runPython([script, path, good])
            #expect(ok.status == 0, "check_safetensors.py: \(ok.output)")
            #expect(ok.output.contains("ok: 6 tensors"))
            // The checker does catch a difference.
            var wrong = tensors
            wrong[3] = ("ids", Tensor(scalars: [Int64(-3), 9_007_199_254_740_992]))
            let bad = try Self.runPython([script, path, try writeExpectation(wrong, to: "wrong.json")])
            #expect(bad.status == 1 && bad.output.contains("ids"), "\(bad.output)")
        } else {
            // CI sets APUS_REQUIRE_PYTHON_CHECKS=1 so that a missing package fails instead of skipping.
            #expect(ProcessInfo.processInfo.environment["APUS_REQUIRE_PYTHON_CHECKS"] != "1",
                    "APUS_REQUIRE_PYTHON_CHECKS=1 but `python3 -c 'import safetensors, numpy'` fails")
            let back = try Safetensors.read(path)
            #expect(back.metadata == metadata)
            for (name, t) in tensors { #expect(back[name].map { $0.toDoubles() == t.toDoubles() && $0.dtype == t.dtype } == true) }
        }
    }
}
