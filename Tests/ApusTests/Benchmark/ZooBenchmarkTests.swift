import Testing
@testable import ApusBenchmarks

struct ZooBenchmarkTests {
    @Test func workloadsAreNamedAndSelectable() {
        #expect(ZooBenchmark.workloads.map(\.name) == ["lenet5-epoch", "resnet18-step"])
        #expect(ZooBenchmark.workloads.filter { $0.matches("resnet") }.map(\.reports) == [["resnet18-step"]])
    }
}
