import Testing
@testable import ApusBenchmarks

struct ZooBenchmarkTests {
    @Test func workloadsAreNamedAndSelectable() {
        #expect(ZooBenchmark.workloads.map(\.name)
                == ["lenet5-epoch", "resnet18-step", "resnet50-step", "vgg11bn-step", "alexnet-step", "googlenet-step"])
        #expect(ZooBenchmark.workloads.filter { $0.matches("resnet18") }.map(\.reports) == [["resnet18-step", "resnet18-peak-rss"]])
        #expect(InferenceBenchmark.workloads.count == 12)
        #expect(InferenceBenchmark.workloads.filter { $0.matches("resnet50") }.map(\.name) == ["resnet50-infer-b1", "resnet50-infer-b16"])
    }
}
