import Apus
import Foundation

/// One figure measured by a benchmark workload, e.g. `gemm-1024: 85.2 GFLOP/s`.
public struct BenchmarkResult: Sendable, Equatable {
    /// Short stable name (`gemm-1024`, `mlp-epoch`), the key in the JSON report.
    public let name: String
    /// The figure, in ``unit``.
    public let value: Double
    /// `GFLOP/s`, `Melem/s` (millions of elements per second), `s/epoch`, `µs/op` or `MB`.
    public let unit: String

    public init(name: String, value: Double, unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }

    /// One line of JSON mapping each name to `{"unit": …, "value": …}`, keys sorted.
    ///
    /// A non-finite value, which JSON numbers cannot hold, is written as the string "NaN",
    /// "Infinity" or "-Infinity". With repeated names the last result wins.
    public static func json(_ results: [BenchmarkResult]) -> String {
        struct Entry: Encodable { let value: Double; let unit: String }
        var entries: [String: Entry] = [:]
        for r in results { entries[r.name] = Entry(value: r.value, unit: r.unit) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try! encoder.encode(entries), as: UTF8.self)
    }
}
