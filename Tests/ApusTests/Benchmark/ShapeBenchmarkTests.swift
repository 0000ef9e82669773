import Foundation
import Testing
@testable import Apus
@testable import ApusBenchmarks

@Test func shapeWorkloadsAreInTheSuiteAndInTheComparisonScript() throws {
    let names = ShapeBenchmark.cases.map(\.name)
    #expect(BenchmarkSuite.workloads.map(\.name).filter { names.contains($0) } == names)
    // Benchmarks/compare_pytorch.py measures the same workloads in PyTorch.
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Benchmarks/compare_pytorch.py")
    let text = try String(contentsOf: script, encoding: .utf8)
    for name in names { #expect(text.contains("\"\(name)\": ("), "compare_pytorch.py has no SHAPE_OPS entry \(name)") }
    for name in names { #expect(ShapeBenchmark.milliseconds(name, scale: .quick) > 0) }
}
