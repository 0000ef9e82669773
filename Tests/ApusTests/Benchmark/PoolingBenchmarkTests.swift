import Testing
@testable import Apus
@testable import ApusBenchmarks

@Test func poolingWorkloadsAreInTheSuiteAndRun() {
    #expect(BenchmarkSuite.workloads(matching: "maxpool").map(\.name) == PoolingBenchmark.cases.map(\.name))
    for c in PoolingBenchmark.cases {
        #expect(PoolingBenchmark.milliseconds(c.name, scale: .quick) > 0)
        #expect(PoolingBenchmark.milliseconds(c.name, backward: false, scale: .quick) > 0)
    }
}
