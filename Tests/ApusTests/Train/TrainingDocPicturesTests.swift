import Foundation
import Testing
@testable import Apus

/// The code of Docs/Training.md's sections on pictures and on unsupervised learning, as written there.
struct TrainingDocPicturesTests {
    @Test func graphExample() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("apus-doc-graph-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }

        let model = mlp(inputs: 4, hidden: [3], outputs: 2)
        let x = Tensor.randn([1, 4]), label = Tensor([1])
        let trace = GraphTrace()
        let loss = trace.record { crossEntropy(model(x), label) }
        loss.backward()
        let dot = graph(of: loss, model: model, trace: trace)
        try writeGraph(dot, to: dir.appendingPathComponent("step.dot").path)
        let layers = graph(of: loss, model: model, trace: trace, options: GraphOptions(grouping: .layers))

        #expect(dotNode(dot, "0.weight")?.contains(">grad ‖·‖") == true)   // 12 values: the norm
        #expect(dotNode(dot, "2.bias")?.contains(">grad [") == true)
        #expect(dotNode(layers, "0: Linear") != nil && dotNode(layers, "1: ReLU") != nil && dotNode(layers, "2: Linear") != nil)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("step.dot").path))
    }

    @Test func kMeansExample() {
        let codes = Tensor.randn([200, 8]), classes = Tensor.randint(0, 4, shape: [200])
        let kmeans = KMeans(clusters: 4, restarts: 3, generator: RandomGenerator(seed: 0)).fit(codes)
        let clusters = kmeans.predict(codes)
        #expect(clusters.shape == [200] && kmeans.inertia > 0 && kmeans.iterations >= 1)
        let purity = clusterPurity(clusters: clusters, labels: classes)
        #expect(purity >= 0.25 && purity <= 1)
        let scores = Tensor.rand([200]), isAnomaly = Tensor.bernoulli([200], p: 0.1)
        let auc = rocAUC(scores: scores, labels: isAnomaly)
        #expect(auc.isNaN || (0...1).contains(auc))
    }
}
