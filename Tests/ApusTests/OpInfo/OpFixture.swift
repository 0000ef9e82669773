// The fixtures of the op table: Tests/ApusTests/Fixtures/ops/<family>.json, written by
// Scripts/make_op_fixtures.py from PyTorch (see Scripts/opinfo/recorder.py for the layout).

import Foundation
import Testing
@testable import Apus

/// A JSON value of a case's non-tensor arguments.
enum OpFixtureValue: Decodable, Sendable, Equatable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([OpFixtureValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) {
            // A whole number is an integer (read as one, so that int64 values beyond 2⁵³ stay
            // exact), except −0.0, whose sign an integer would lose.
            if d.rounded() == d && !(d == 0 && d.sign == .minus), let i = try? c.decode(Int.self) { self = .int(i) } else { self = .double(d) }
        }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { self = .array(try c.decode([OpFixtureValue].self)) }
    }

    var double: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        case .string("nan"): .nan
        case .string("inf"): .infinity
        case .string("-inf"): -.infinity
        default: nil
        }
    }
}

/// A tensor as the fixture stores it: dtype name, shape and row-major values.
struct OpFixtureTensor: Decodable, Sendable {
    let dtype: String
    let shape: [Int]
    let values: [OpFixtureValue]

    /// The dtype, or nil when Apus has none of that name.
    var apusDType: DType? { DType(name: dtype) }

    /// The values as doubles (booleans as 0/1; large int64 values lose digits: use ``tensor``).
    var doubles: [Double] {
        values.map { v in
            if case .bool(let b) = v { return b ? 1 : 0 }
            return v.double ?? .nan
        }
    }

    /// The tensor, built exactly (int64 values from their integers, not through doubles).
    var tensor: Tensor {
        guard let dtype = apusDType else { fatalError("fixture dtype \(self.dtype) is not an Apus dtype") }
        if dtype == .int64 {
            let ints = values.map { v -> Int64 in if case .int(let i) = v { Int64(i) } else { Int64(v.double ?? 0) } }
            return Tensor(scalars: ints, shape: shape)
        }
        return Tensor(shape: shape, values: doubles, dtype: dtype)
    }
}

/// One case of the table: an op, its inputs and arguments, and what PyTorch computed (or that it refused).
struct OpCase: Decodable, Sendable, CustomTestStringConvertible {
    let op: String
    let name: String
    let args: [String: OpFixtureValue]
    let inputs: [OpFixtureTensor?]
    /// PyTorch's first line of its error, when it refuses the call.
    let raises: String?
    let outputs: [OpFixtureTensor]?
    /// Indices of the differentiated inputs.
    let grad: [Int]?
    /// The upstream gradient of each output (nil for outputs without a gradient).
    let up: [OpFixtureTensor?]?
    /// ∂ Σₖ ⟨outputₖ, upₖ⟩ / ∂ inputᵢ for each differentiated input.
    let grads: [OpFixtureTensor?]?
    let gradcheck: Bool?
    let broadcast: Bool?
    let rtol: Double?
    let atol: Double?
    let note: String?
    /// The family file the case comes from (`Fixtures/ops/<family>.json`), set when it is read.
    var family = ""

    private enum CodingKeys: String, CodingKey {
        case op, name, args, inputs, raises, outputs, grad, up, grads, gradcheck, broadcast, rtol, atol, note
    }

    var testDescription: String { name }

    /// The inputs as tensors (gradients not yet required).
    func inputTensors() -> [Tensor?] { inputs.map { $0?.tensor } }
}

private struct FixtureFile: Decodable {
    let family: String
    let cases: [OpCase]
}

enum OpFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/ops")

    /// The families named in `APUS_OP_FAMILIES` (comma-separated, e.g. `zerosweep,losses`), to run a
    /// few families' cases while working on them; nil (every family) when it is not set.
    static let onlyFamilies: Set<String>? = ProcessInfo.processInfo.environment["APUS_OP_FAMILIES"]
        .map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }

    /// Every case of every family (or of ``onlyFamilies``), in file order (families sorted by name).
    static let cases: [OpCase] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let families = files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
        return families.filter { onlyFamilies?.contains($0) ?? true }.flatMap(load(family:))
    }()

    /// The cases of one family file. An exit test's child process reads only its case's family
    /// instead of every file (hundreds of them start at once).
    static func load(family: String) -> [OpCase] {
        let url = directory.appendingPathComponent("\(family).json")
        guard let data = try? Data(contentsOf: url) else { return [] }
        do {
            return try JSONDecoder().decode(FixtureFile.self, from: data).cases.map { c in
                var c = c
                c.family = family
                return c
            }
        } catch {
            fatalError("Fixtures/ops/\(family).json: \(error)")
        }
    }

    static let byName: [String: OpCase] = Dictionary(cases.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

    /// Cases PyTorch computes.
    static var computed: [OpCase] { cases.filter { $0.raises == nil } }
    /// Cases PyTorch refuses, which must stop Apus too.
    static var refused: [OpCase] { cases.filter { $0.raises != nil } }
}

/// The case of an enum whose Swift name is PyTorch's string for it (`"bilinear"` → `.bilinear`).
func caseNamed<E: CaseIterable>(_: E.Type, _ name: String) -> E {
    guard let value = E.allCases.first(where: { "\($0)" == name }) else { fatalError("no case of \(E.self) named \(name)") }
    return value
}
