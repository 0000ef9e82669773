import Foundation
import Testing
@testable import Apus

// TensorBoard event files: CRC-32C test vectors, byte-for-byte agreement with the records PyTorch's
// SummaryWriter writes (fixture from Scripts/make_tensorboard_fixture.py), a file written by
// Apus decoded here with an independent protobuf decoder, and, where Python has `tensorboard`,
// the same file read by TensorBoard's EventAccumulator (Scripts/check_tensorboard.py).

// MARK: - A protobuf decoder for the tests

/// One decoded protobuf field value.
private enum WireValue: Equatable {
    case varint(UInt64), fixed64(UInt64), bytes([UInt8]), fixed32(UInt32)

    var double: Double? { if case .fixed64(let v) = self { Double(bitPattern: v) } else { nil } }
    var float: Float? { if case .fixed32(let v) = self { Float(bitPattern: v) } else { nil } }
    var int64: Int64? { if case .varint(let v) = self { Int64(bitPattern: v) } else { nil } }
    var bytes: [UInt8]? { if case .bytes(let v) = self { v } else { nil } }
    var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
    var packedDoubles: [Double]? {
        guard let b = bytes, b.count % 8 == 0 else { return nil }
        return stride(from: 0, to: b.count, by: 8).map { i in
            Double(bitPattern: (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[i + $1]) << (8 * UInt64($1)) })
        }
    }
}

/// Decodes a message into (field number, value) pairs in order; nil when malformed.
private func decode(_ b: [UInt8]) -> [(field: Int, value: WireValue)]? {
    var out: [(Int, WireValue)] = []
    var i = 0
    func varint() -> UInt64? {
        var v: UInt64 = 0, shift: UInt64 = 0
        while i < b.count {
            let byte = b[i]; i += 1
            v |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return v }
            shift += 7
        }
        return nil
    }
    func fixed(_ n: Int) -> UInt64? {
        guard i + n <= b.count else { return nil }
        defer { i += n }
        return (0..<n).reduce(UInt64(0)) { $0 | UInt64(b[i + $1]) << (8 * UInt64($1)) }
    }
    while i < b.count {
        guard let key = varint() else { return nil }
        let field = Int(key >> 3)
        switch key & 7 {
        case 0: guard let v = varint() else { return nil }; out.append((field, .varint(v)))
        case 1: guard let v = fixed(8) else { return nil }; out.append((field, .fixed64(v)))
        case 5: guard let v = fixed(4) else { return nil }; out.append((field, .fixed32(UInt32(v))))
        case 2:
            guard let n = varint(), i + Int(n) <= b.count else { return nil }
            out.append((field, .bytes(Array(b[i..<(i + Int(n))]))))
            i += Int(n)
        default: return nil
        }
    }
    return out
}

/// The last value of `field` in a decoded message.
private func value(_ message: [(field: Int, value: WireValue)], _ field: Int) -> WireValue? {
    message.last { $0.field == field }?.value
}

/// A decoded `Event` with one `Summary.Value`.
private struct DecodedEvent {
    var wallTime: Double
    var step: Int64
    var fileVersion: String?
    var tag: String?
    var simpleValue: Float?
    var histogram: [(field: Int, value: WireValue)]?

    init?(_ payload: [UInt8]) {
        guard let event = decode(payload) else { return nil }
        wallTime = value(event, 1)?.double ?? 0
        step = value(event, 2)?.int64 ?? 0
        fileVersion = value(event, 3)?.string
        if let summary = value(event, 5)?.bytes.flatMap(decode) {
            guard let v = value(summary, 1)?.bytes.flatMap(decode) else { return nil }
            tag = value(v, 1)?.string
            simpleValue = value(v, 2)?.float
            histogram = value(v, 5)?.bytes.flatMap(decode)
        }
    }
}

private func hexBytes(_ hex: String) -> [UInt8] {
    let chars = Array(hex)
    return stride(from: 0, to: chars.count, by: 2).map { UInt8(String(chars[$0...$0 + 1]), radix: 16)! }
}

// MARK: - CRC and framing

@Test func crc32cTestVectors() {
    // The standard check value, and RFC 3720 (iSCSI) appendix B.4 vectors.
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum([UInt8]()) == 0)
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
    // Masking: rotate right by 15, add 0xA282EAD8.
    let crc: UInt32 = 0xE306_9283
    #expect(CRC32C.masked(Array("123456789".utf8)) == ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8)
}

@Test func tfRecordFramingAndItsChecks() throws {
    let record = TFRecord.frame(Array("abc".utf8))
    #expect(record.count == 8 + 4 + 3 + 4)
    #expect(Array(record[0..<8]) == [3, 0, 0, 0, 0, 0, 0, 0])
    #expect(Array(record[12..<15]) == Array("abc".utf8))
    let two = record + TFRecord.frame([])
    #expect(try TFRecord.payloads(in: two, path: "f") == [Array("abc".utf8), []])
    // A flipped payload byte, a flipped length byte and a truncated record are all caught.
    var bad = record; bad[13] ^= 1
    #expect(throws: ApusError.corruptFile(path: "f", reason: "payload checksum mismatch at byte 0")) {
        try TFRecord.payloads(in: bad, path: "f")
    }
    bad = record; bad[0] = 4
    #expect(throws: ApusError.corruptFile(path: "f", reason: "length checksum mismatch at byte 0")) {
        try TFRecord.payloads(in: bad, path: "f")
    }
    #expect(throws: ApusError.corruptFile(path: "f", reason: "truncated record at byte 0")) {
        try TFRecord.payloads(in: Array(record.dropLast()), path: "f")
    }
}

// MARK: - Agreement with PyTorch

private struct FixtureCall: Decodable {
    let kind: String
    let tag: String
    let value: Double?
    let step: Int
    let bins: Int?
    let wall_time: Double
    let values: [Double]?
    let record_hex: String
    let payload_hex: String
}

private struct Fixture: Decodable {
    let calls: [FixtureCall]
}

private func loadFixture() throws -> Fixture {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../Fixtures/tensorboard_events.json")
    return try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
}

@Test func scalarRecordsMatchPyTorchByteForByte() throws {
    let calls = try loadFixture().calls.filter { $0.kind == "scalar" }
    #expect(calls.count == 4)
    for c in calls {
        let payload = SummaryWriter.scalarEvent(c.tag, c.value!, step: c.step, wallTime: c.wall_time)
        #expect(payload == hexBytes(c.payload_hex), "\(c.tag) step \(c.step)")
        #expect(TFRecord.frame(payload) == hexBytes(c.record_hex), "\(c.tag) step \(c.step)")
    }
}

@Test func histogramRecordsMatchPyTorch() throws {
    let calls = try loadFixture().calls.filter { $0.kind == "histogram" }
    #expect(calls.count == 3)
    for c in calls {
        let theirs = try #require(DecodedEvent(hexBytes(c.payload_hex)))
        let p = try #require(theirs.histogram)
        let h = try #require(Histogram(c.values!, bins: c.bins!))
        #expect(theirs.tag == c.tag && theirs.step == Int64(c.step) && theirs.wallTime == c.wall_time)
        // Binning and trimming: exactly PyTorch's (numpy's) limits and counts.
        #expect(h.bucketLimits == value(p, 6)?.packedDoubles, "\(c.tag)")
        #expect(h.bucketCounts == value(p, 7)?.packedDoubles, "\(c.tag)")
        #expect(h.min == (value(p, 1)?.double ?? 0) && h.max == (value(p, 2)?.double ?? 0))
        #expect(Double(h.count) == value(p, 3)?.double)
        // numpy sums pairwise, Apus in order: equal up to rounding.
        #expect(Approx.equal([h.sum, h.sumOfSquares], [value(p, 4)?.double ?? 0, value(p, 5)?.double ?? 0],
                             absolute: 1e-12, relative: 1e-12))
        // With the sums copied from PyTorch the whole record is the same bytes.
        var same = h
        same.sum = value(p, 4)?.double ?? 0
        same.sumOfSquares = value(p, 5)?.double ?? 0
        let payload = SummaryWriter.histogramEvent(c.tag, same, step: c.step, wallTime: c.wall_time)
        #expect(payload == hexBytes(c.payload_hex), "\(c.tag)")
        #expect(TFRecord.frame(payload) == hexBytes(c.record_hex), "\(c.tag)")
    }
}

@Test func histogramSkipsNonFiniteValues() throws {
    let h = try #require(Histogram([1, .nan, 3, .infinity, 2], bins: 2))
    #expect(h.count == 3 && h.min == 1 && h.max == 3 && h.sum == 6 && h.sumOfSquares == 14)
    #expect(h.bucketLimits == [1, 2, 3] && h.bucketCounts == [0, 1, 2])
    #expect(Histogram([.nan], bins: 4) == nil)
}

// MARK: - A file written by SummaryWriter

/// A small model after one backward pass: every parameter has a gradient.
private func trainedModel() -> Sequential {
    let g = RandomGenerator(seed: 11)
    let model = Sequential(Linear(3, 4, generator: g), ReLU(), Linear(4, 2, generator: g))
    let x = Tensor.randn([5, 3], generator: g)
    crossEntropy(model(x), Tensor([0, 1, 1, 0, 1])).backward()
    return model
}

private func temporaryDirectory(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("apus-\(name)-\(UUID().uuidString)").path
}

/// Whether `python3` can import tensorboard.
private func pythonHasTensorBoard() -> Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import tensorboard"]
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
}

@Test func writerFileDecodesAndTensorBoardReadsIt() throws {
    let dir = temporaryDirectory("tb")
    defer {
        try? FileManager.default.removeItem(atPath: dir)
        try? FileManager.default.removeItem(atPath: dir + "-expected.json")
    }
    let model = trainedModel()
    let writer = try SummaryWriter(logDirectory: dir, maxQueue: 3)
    let losses = [2.5, 1.25, 0.625, 0.0]
    for (step, loss) in losses.enumerated() {
        writer.addScalar("loss/train", loss, step: step)
        writer.addScalar("lr", 0.1 / Double(step + 1), step: step)
    }
    let activations = Tensor.randn([200], generator: RandomGenerator(seed: 5))
    writer.addHistogram("activations", activations, step: 3, bins: 20)
    writer.addHistograms(of: model, step: 3)
    try writer.close()

    // One file, named as PyTorch names them.
    let files = try FileManager.default.contentsOfDirectory(atPath: dir)
    #expect(files.count == 1)
    let name = try #require(files.first)
    #expect(writer.path == URL(fileURLWithPath: dir).appendingPathComponent(name).path)
    let parts = name.split(separator: ".")
    #expect(name.hasPrefix("events.out.tfevents."))
    #expect(parts.count >= 6 && parts[3].count == 10 && Int(parts[3]) != nil)
    #expect(name.contains(ProcessInfo.processInfo.hostName))

    // Framing and checksums, then the events themselves.
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: writer.path)))
    let events = try TFRecord.payloads(in: bytes, path: writer.path).map { try #require(DecodedEvent($0)) }
    let parameters = model.namedParameters()
    #expect(events.count == 1 + 2 * losses.count + 1 + 2 * parameters.count)
    #expect(events[0].fileVersion == "brain.Event:2" && events[0].tag == nil)
    #expect(Swift.abs(events[0].wallTime - Date().timeIntervalSince1970) < 600)
    let scalars = events.filter { $0.simpleValue != nil }
    #expect(scalars.filter { $0.tag == "loss/train" }.map(\.step) == [0, 1, 2, 3])
    #expect(scalars.filter { $0.tag == "loss/train" }.map { Double($0.simpleValue!) } == losses)
    let lrs: [Float] = (0..<4).map { Float(0.1 / Double($0 + 1)) }
    #expect(scalars.filter { $0.tag == "lr" }.compactMap(\.simpleValue) == lrs)
    let histogramTags = events.filter { $0.histogram != nil }.map { $0.tag! }
    let parameterTags: [String] = parameters.flatMap { ["weights/\($0.name)", "gradients/\($0.name)"] }
    #expect(histogramTags == ["activations"] + parameterTags)
    #expect(histogramTags.contains("weights/0.weight") && histogramTags.contains("gradients/2.bias"))

    // The expectations for TensorBoard, computed from the tensors directly.
    func stats(_ t: Tensor, step: Int) -> [String: Double] {
        let v = t.toDoubles()
        return ["step": Double(step), "num": Double(v.count), "min": v.min()!, "max": v.max()!, "sum": v.reduce(0, +)]
    }
    var histograms: [String: [[String: Double]]] = ["activations": [stats(activations, step: 3)]]
    for (name, p) in parameters {
        histograms["weights/\(name)"] = [stats(p.value, step: 3)]
        histograms["gradients/\(name)"] = [stats(p.grad!, step: 3)]
    }
    let expected: [String: Any] = [
        "scalars": [
            "loss/train": losses.enumerated().map { ["step": $0.offset, "value": $0.element] },
            "lr": (0..<4).map { ["step": $0, "value": 0.1 / Double($0 + 1)] },
        ],
        "histograms": histograms,
    ]
    let expectedPath = dir + "-expected.json"
    try JSONSerialization.data(withJSONObject: expected).write(to: URL(fileURLWithPath: expectedPath))

    // The checks above stand on their own; CI sets APUS_REQUIRE_PYTHON_CHECKS=1 so that a missing
    // tensorboard package fails instead of skipping TensorBoard's own reading of the file.
    guard pythonHasTensorBoard() else {
        #expect(ProcessInfo.processInfo.environment["APUS_REQUIRE_PYTHON_CHECKS"] != "1",
                "APUS_REQUIRE_PYTHON_CHECKS=1 but `python3 -c 'import tensorboard'` fails")
        return
    }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../../Scripts/check_tensorboard.py").standardized.path
    let p = Process()
    let output = Pipe()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", script, dir, expectedPath]
    p.standardOutput = output
    p.standardError = output
    try p.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    #expect(p.terminationStatus == 0, "check_tensorboard.py: \(text)")
    #expect(text.contains("check_tensorboard: OK (2 scalar tags, \(1 + 2 * parameters.count) histogram tags"), "\(text)")
}

@Test func writerQueuesUntilFlushAndDropsEventsAfterClose() throws {
    let dir = temporaryDirectory("tbq")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let writer = try SummaryWriter(logDirectory: dir, maxQueue: 100)
    let size = { (try? FileManager.default.attributesOfItem(atPath: writer.path)[.size] as? Int) ?? -1 }
    let afterHeader = size()
    #expect(afterHeader > 0)  // the file-version record is written at once
    writer.addScalar("x", 1, step: 0)
    #expect(size() == afterHeader)
    try writer.flush()
    #expect(size() > afterHeader)
    try writer.close()
    let closed = size()
    writer.addScalar("x", 2, step: 1)
    try writer.flush()
    #expect(size() == closed)
}

@Test func writerNeedsAWritableDirectory() throws {
    let file = temporaryDirectory("tbfile")
    try Data("x".utf8).write(to: URL(fileURLWithPath: file))
    defer { try? FileManager.default.removeItem(atPath: file) }
    #expect(throws: ApusError.fileNotWritable(path: file + "/runs")) {
        try SummaryWriter(logDirectory: file + "/runs")
    }
}
