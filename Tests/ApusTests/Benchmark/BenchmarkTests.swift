import Foundation
import Testing
@testable import Apus
@testable import ApusBenchmarks

@Test func timingSamplesBestAndMedian() {
    #expect(TimingSamples([3, 1, 2]).best == 1)
    #expect(TimingSamples([3, 1, 2]).median == 2)
    #expect(TimingSamples([4, 1, 3, 2]).median == 2.5)
    #expect(TimingSamples([5]).median == 5)
}

@Test func stopwatchRunsWarmupAndRepetitions() {
    var runs = 0
    let t = Stopwatch.measure(warmup: 2, repetitions: 3) { runs += 1 }
    #expect(runs == 5)
    #expect(t.seconds.count == 3 && t.seconds.allSatisfy { $0 >= 0 })
}

@Test func stopwatchAdaptiveRepetitionsStayInBounds() {
    var runs = 0
    // A near-instant body would fit millions of runs in the target: capped at the maximum.
    let t = Stopwatch.measure(warmup: 1, targetSeconds: 10, minRepetitions: 2, maxRepetitions: 7) { runs += 1 }
    #expect(t.seconds.count == 7 && runs == 8)
    // A body slower than the target still runs the minimum.
    let slow = Stopwatch.measure(warmup: 1, targetSeconds: 0, minRepetitions: 2, maxRepetitions: 7) { usleep(1_000) }
    #expect(slow.seconds.count == 2 && slow.best >= 0.001)
}

@Test func benchmarkJSONMapsNamesToValueAndUnit() throws {
    let line = BenchmarkResult.json([BenchmarkResult(name: "b", value: 2.5, unit: "GFLOP/s"),
                                     BenchmarkResult(name: "a", value: 1, unit: "µs/op")])
    #expect(line == #"{"a":{"unit":"µs/op","value":1},"b":{"unit":"GFLOP/s","value":2.5}}"#)
    #expect(BenchmarkResult.json([BenchmarkResult(name: "x", value: .nan, unit: "s")]).contains(#""NaN""#))
}

@Test func suiteNamesAreUniqueAndFilterBySubstring() {
    let names = BenchmarkSuite.workloads.flatMap(\.reports)
    #expect(Set(names).count == names.count)
    #expect(BenchmarkSuite.workloads.first?.name == "mlp-epoch")   // first, for a clean peak RSS
    #expect(BenchmarkSuite.workloads(matching: "gemm-256").map(\.name) == ["gemm-256"])
    #expect(BenchmarkSuite.workloads(matching: "peak-rss").map(\.name) == ["mlp-epoch"])
    #expect(BenchmarkSuite.workloads(matching: "nothing like this").isEmpty)
    #expect(BenchmarkSuite.workloads(matching: nil).count == BenchmarkSuite.workloads.count)
}

@Test func peakResidentMemoryIsPositive() throws {
    let bytes = try #require(peakResidentMemoryBytes())
    #expect(bytes > 1_000_000)
}

@Test func smallWorkloadsReportPositiveFigures() {
    #expect(GemmBenchmark.gflops(m: 64, k: 32, n: 48, layout: .transposedA, scale: .quick) > 0)
    #expect(GemmBenchmark.gflops(m: 64, k: 32, n: 48, layout: .transposedB, scale: .quick) > 0)
    #expect(ElementwiseBenchmark.melemPerSecond("add-1M", scale: .quick) > 0)
    #expect(AutogradOverheadBenchmark.microsecondsPerOp(scale: .quick) > 0)
}

@Test func syntheticMLPDataIsSeededAndShaped() {
    let a = MLPTrainingBenchmark.syntheticData(examples: 1_500, generator: RandomGenerator(seed: 1))
    let b = MLPTrainingBenchmark.syntheticData(examples: 1_500, generator: RandomGenerator(seed: 1))
    #expect(a.inputs.shape == [1_500, 784] && a.targets.shape == [1_500])
    #expect(a.inputs.dtype == .float32 && a.targets.dtype == .int64)
    #expect(a.inputs == b.inputs && a.targets == b.targets)
    let x = a.inputs.toDoubles()
    #expect(x.allSatisfy { (0...1).contains($0) })   // [0, 1) rounded to float32
    // The last, partial chunk of rows was filled too.
    #expect(a.inputs[1_499].sum().item() > 0)
    #expect(Set(a.targets.toDoubles()).isSubset(of: Set((0..<10).map(Double.init))))
}
