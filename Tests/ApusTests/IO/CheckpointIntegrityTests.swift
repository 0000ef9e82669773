import Foundation
import Testing
@testable import Apus

// Checkpoints as files that can be damaged or left half-written: the data checksum, the
// temporaries of an interrupted write, and the strict reading of headers and metadata.

struct CheckpointIntegrityTests {
    private func model(seed: UInt64) -> Sequential { mlp(inputs: 3, hidden: [4], outputs: 2, generator: RandomGenerator(seed: seed)) }

    @Test func everyFlippedDataBitIsCaught() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("w.safetensors").path
        try model(seed: 1).saveWeights(to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let dataStart = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
        let target = model(seed: 2)
        let before = target.stateDict()
        for position in stride(from: dataStart, to: bytes.count, by: 7) {
            var damaged = bytes
            damaged[position] ^= 1 << UInt8(position % 8)
            try Data(damaged).write(to: URL(fileURLWithPath: path))
            let text = thrownMessage { try target.loadWeights(from: path) }
            #expect(text.contains("'\(path)' is corrupt: checksum mismatch") && text.contains("damaged after it was written"),
                    "byte \(position): \(text)")
        }
        #expect(zip(before, target.stateDict()).allSatisfy { $0.tensor == $1.tensor })  // nothing loaded
    }

    @Test func filesWithoutAChecksumStillLoad() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("plain.safetensors").path
        let a = model(seed: 1)
        try Safetensors.write(a.stateDict(), to: path)  // as Python writes it: no checksum
        #expect(try Safetensors.read(path).metadata[Safetensors.checksumKey] == nil)
        let b = model(seed: 2)
        try b.loadWeights(from: path)
        #expect(a(Tensor.ones([1, 3])) == b(Tensor.ones([1, 3])))
    }

    @Test func aMalformedChecksumIsAnError() {
        for bad in ["xyz", "1234567", "123456789", "+1234567", "-1234567"] {
            let header = #"{"__metadata__":{"data_crc32c":""# + bad + #""},"x":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#
            let file = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) } + Array(header.utf8) + [1, 2]
            #expect(thrownMessage { _ = try Safetensors.decode(file) }.contains("must be 8 hexadecimal digits"), "\(bad)")
        }
    }

    @Test func staleTemporariesOfAKilledWriteAreRemovedByTheNextWrite() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("run.safetensors").path
        // What `kill -9` during a write leaves: full-size temporaries nobody holds locked.
        let stale = (0..<3).map { _ in dir.appendingPathComponent(".run.safetensors.tmp-\(UUID().uuidString)").path }
        for s in stale { try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: s)) }
        // A writer still running holds its temporary locked: that one must stay.
        let live = dir.appendingPathComponent(".run.safetensors.tmp-\(UUID().uuidString)").path
        try Data([1]).write(to: URL(fileURLWithPath: live))
        let liveFD = open(live, O_RDONLY)
        #expect(liveFD >= 0 && flock(liveFD, LOCK_EX) == 0)
        defer { close(liveFD) }
        // Files that only look similar are not Apus's: kept.
        let others = [".run.safetensors.tmp-notes", "run.safetensors.tmp-\(UUID().uuidString)", ".other.safetensors.tmp-\(UUID().uuidString)"]
        for o in others { try Data([2]).write(to: dir.appendingPathComponent(o)) }

        let m = model(seed: 1)
        try TrainingCheckpoint.save(to: path, model: m, optimizer: SGD(m.parameters(), lr: 0.1), epoch: 1, step: 1)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        #expect(names == Set(["run.safetensors", URL(fileURLWithPath: live).lastPathComponent] + others), "\(names.sorted())")
    }

    @Test func aWriteIntoAMissingDirectoryCreatesNothing() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("missing/sub/w.safetensors").path
        #expect(thrownMessage { try model(seed: 1).saveWeights(to: path) }.contains("cannot write '\(path)'"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing").path))
    }

    @Test func scheduleStateWithAnOverflowingShapeIsAnError() {
        let optimizer = SGD(model(seed: 1).parameters(), lr: 0.1)
        let scheduler = StepLR(optimizer, stepSize: 2, gamma: 0.5)
        for text in ["99999999999x99999999999:1", "-1x-1:1", "2x:1,2", "2:1,zz", "2:1", "x2:1,2"] {
            let message = thrownMessage {
                try SchedulerMetadata.restore(scheduler, from: ["scheduler.last_epoch": text], path: "run.safetensors")
            }
            #expect(message.contains("bad learning-rate schedule state 'scheduler.last_epoch'"), "\(text): \(message)")
        }
    }
}

struct StrictJSONTests {
    private func parse(_ text: String) throws(StrictJSON.SyntaxError) -> StrictJSON.Value { try StrictJSON.parse(Array(text.utf8)) }

    @Test func valuesAndExactIntegers() throws {
        let value = try parse(#" {"a": [1, -2, 3.5, 1e3, 9223372036854775807, 9223372036854775808], "b": "x\u00e9\ud83d\ude00\n", "c": [true, false, null], "d": {}} "#)
        guard case .object(let members) = value else { Issue.record("not an object"); return }
        #expect(members.map(\.key) == ["a", "b", "c", "d"])
        guard case .array(let numbers) = members[0].value else { Issue.record("not an array"); return }
        #expect(numbers.map(\.integer) == [1, -2, nil, nil, Int.max, nil])  // 2⁶³ is not rounded into range
        #expect(members[1].value.string == "xé😀\n")
        #expect(members[2].value == .array([.bool(true), .bool(false), .null]))
    }

    @Test func duplicateKeysAtAnyDepth() {
        do {
            _ = try parse(#"{"a": 1, "a": 2}"#)
            Issue.record("accepted")
        } catch {
            #expect(error.message == "key 'a' appears twice in one object" && error.duplicate?.depth == 1 && error.offset == 9)
        }
        do {
            _ = try parse(#"{"t": {"dtype": "F32", "dtype": "F64"}}"#)
            Issue.record("accepted")
        } catch {
            #expect(error.duplicate?.key == "dtype" && error.duplicate?.depth == 2)
        }
        // In a safetensors header: a tensor twice, or a field of one tensor twice.
        let header = #"{"x":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let file = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { Array($0) } + Array(header.utf8) + [0, 0, 0, 0]
        #expect(thrownMessage { _ = try Safetensors.decode(file) }.contains("key 'dtype' appears twice in one object"))
    }

    @Test func malformedTextAndDeepNestingAreErrors() {
        for bad in ["", "{", "{\"a\"}", "{\"a\":}", "[1,]", "[01]", "[1.]", "[.5]", "[-]", "[1e]", "\"\u{01}\"", "\"\\x\"",
                    "\"\\ud800\"", "\"\\udc00\"", "[1] [2]", "tru", "{\"a\":1,}", "\"abc"] {
            #expect(throws: StrictJSON.SyntaxError.self, "\(bad.debugDescription)") { _ = try parse(bad) }
        }
        #expect(throws: StrictJSON.SyntaxError.self) { _ = try StrictJSON.parse([0x22, 0xFF, 0x22]) }  // not UTF-8
        // 64 levels are fine, 65 are refused (no stack overflow for a header of 100 MB of brackets).
        #expect(throws: Never.self) { _ = try parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) }
        do {
            _ = try parse(String(repeating: "[", count: 100_000))
            Issue.record("accepted")
        } catch {
            #expect(error.message == "nested deeper than 64 levels" && error.offset == 64)
        }
    }
}

struct CheckedSizeTests {
    @Test func productsAndSums() {
        #expect(CheckedSize.product([2, 3, 4]) == 24)
        #expect(CheckedSize.product([Int]()) == 1)
        #expect(CheckedSize.product([1 << 32, 1 << 31]) == nil)
        #expect(CheckedSize.product([0, 1 << 32, 1 << 32]) == nil)  // empty, but its strides would overflow
        #expect(CheckedSize.product([0, 1 << 20, 1 << 20]) == 0)
        #expect(CheckedSize.product([3, -1]) == nil)
        #expect(CheckedSize.sum([Int.max, 1]) == nil && CheckedSize.sum([1, 2]) == 3 && CheckedSize.sum([-1]) == nil)
    }

    @Test func bytesReadAsUnits() {
        #expect(CheckedSize.describe(bytes: 512) == "512 B")
        #expect(CheckedSize.describe(bytes: 46_800_000) == "46.8 MB")
        #expect(CheckedSize.describe(bytes: 25_599_999_999_744) == "25.6 TB")
        #expect(CheckedSize.describe(bytes: 7_500_000_000) == "7.50 GB")
        #expect(MemoryLimit.describe(nil) == "more than 2⁶³ bytes")
        #expect(MemoryLimit.maxBytes > 0)
        #expect(MemoryLimit.maxBytes <= Int(clamping: ProcessInfo.processInfo.physicalMemory))
    }

    /// The default limit: the machine's memory, or a container's lower cgroup limit.
    @Test func memoryLimitFollowsTheContainer() {
        let gb = 1 << 30
        #expect(MemoryLimit.defaultBytes(physical: 64 * gb, cgroupFiles: [nil, nil]) == 64 * gb)
        #expect(MemoryLimit.defaultBytes(physical: 64 * gb, cgroupFiles: ["max\n", nil]) == 64 * gb)      // v2, no limit
        #expect(MemoryLimit.defaultBytes(physical: 64 * gb, cgroupFiles: ["4294967296\n", nil]) == 4 * gb)  // v2
        #expect(MemoryLimit.defaultBytes(physical: 64 * gb, cgroupFiles: [nil, "2147483648\n"]) == 2 * gb)  // v1
        #expect(MemoryLimit.defaultBytes(physical: 64 * gb, cgroupFiles: [nil, "9223372036854771712\n"]) == 64 * gb)  // v1, none
    }
}
