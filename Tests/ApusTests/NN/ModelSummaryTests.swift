import Testing
@testable import Apus

struct ModelSummaryTests {
    @Test func mlpLayersShapesParametersAndMACs() {
        let model = Sequential(Linear(4, 3), ReLU(), Linear(3, 2))
        let s = summary(of: model, inputShape: [5, 4])
        #expect(s.layers.map(\.name) == ["0", "1", "2"])
        #expect(s.layers.map(\.type) == ["Linear", "ReLU", "Linear"])
        #expect(s.layers.map(\.outputShape) == [[5, 3], [5, 3], [5, 2]])
        #expect(s.layers.map(\.parameters) == [15, 0, 8])
        #expect(s.layers.map(\.multiplyAccumulates) == [5 * 3 * 4, 0, 5 * 2 * 3])
        #expect(s.totalParameters == 23 && s.totalMultiplyAccumulates == 90 && s.outputShape == [5, 2])
        #expect(s.layers.allSatisfy { $0.receptiveField == nil })
        let text = s.description
        #expect(text.contains("total parameters 23, total multiply-accumulates 90"))
        #expect(s.json().contains("\"total_macs\":90") && s.json().contains("\"total_params\":23"))
    }

    @Test func sharedLayersCountParametersOnceAndMACsPerCall() {
        final class Twice: Module {
            let layer = Linear(2, 2)
            override func forward(_ x: Tensor) -> Tensor { layer(layer(x)) }
        }
        let s = summary(of: Twice(), inputShape: [1, 2])
        #expect(s.layers.map(\.name) == ["layer", "layer"])
        #expect(s.layers.map(\.parameters) == [6, 0])
        #expect(s.totalMultiplyAccumulates == 8 && s.totalParameters == 6)
    }

    @Test func summaryRestoresTrainingModeAndRecordsNoGraph() {
        let model = Sequential(Linear(2, 2), Dropout(p: 0.5))
        model.train()
        _ = summary(of: model, inputShape: [1, 2])
        #expect(model.training)
        #expect(model.parameters().allSatisfy { $0.grad == nil })
    }

    @Test func namedModulesListsParentsBeforeChildren() {
        let model = Sequential(Linear(1, 1), Sequential(ReLU(), Linear(1, 1)))
        #expect(model.namedModules().map(\.name) == ["", "0", "1", "1.0", "1.1"])
    }
}
