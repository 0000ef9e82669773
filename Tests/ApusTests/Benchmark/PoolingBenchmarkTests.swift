import Testing
@testable import Apus
@testable import ApusBenchmarks

@Test func poolingWorkloadsAreInTheSuiteAndRun() {
    #expect(BenchmarkSuite.workloads(matching: "pool").map(\.name).filter { $0.contains("pool") }
        == PoolingBenchmark.cases.map(\.name))
    for c in PoolingBenchmark.cases {
        #expect(PoolingBenchmark.milliseconds(c.name, scale: .quick) > 0)
        #expect(PoolingBenchmark.milliseconds(c.name, backward: false, scale: .quick) > 0)
    }
}
