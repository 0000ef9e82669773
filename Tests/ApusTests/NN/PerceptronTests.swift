import Testing
@testable import Apus

struct PerceptronTests {
    static let inputs = Tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])

    @Test(arguments: [("AND", [0.0, 0, 0, 1]), ("OR", [0.0, 1, 1, 1])])
    func learnsLinearlySeparableGates(_ gate: String, _ truth: [Double]) {
        let p = Perceptron(features: 2)
        let labels = Tensor(shape: [4], values: truth, dtype: .float64)
        let fit = p.fit(Self.inputs, labels, maxEpochs: 50)
        #expect(fit.converged, "\(gate): mistakes per epoch \(fit.mistakesPerEpoch)")
        #expect(p(Self.inputs).toDoubles() == truth)
    }

    @Test func followsTheRuleByHandOnAND() {
        // From w = 0, b = 0, η = 1: example (0,0) → ŷ = 0 ✓; (0,1) ✓; (1,0) ✓; (1,1) → ŷ = 0, y = 1:
        // w = (1, 1), b = 1. Second epoch: (0,0) → 1 but y = 0: b = 0; (0,1) → 1, y = 0: w = (1, 0),
        // b = −1; (1,0) → 0 ✓; (1,1): w·x + b = 0 → ŷ = 0, y = 1: w = (2, 1), b = 0.
        let p = Perceptron(features: 2)
        p.fit(Self.inputs, Tensor([0.0, 0, 0, 1]), maxEpochs: 1)
        #expect(p.weight.value.toDoubles() == [1, 1] && p.bias.value.item() == 1)
        p.fit(Self.inputs, Tensor([0.0, 0, 0, 1]), maxEpochs: 1)
        #expect(p.weight.value.toDoubles() == [2, 1] && p.bias.value.item() == 0)
    }

    @Test func neverConvergesOnXOR() {
        let p = Perceptron(features: 2)
        let truth = [0.0, 1, 1, 0]
        let fit = p.fit(Self.inputs, Tensor(shape: [4], values: truth, dtype: .float64), maxEpochs: 1000)
        #expect(!fit.converged && fit.mistakesPerEpoch.count == 1000)
        #expect(fit.mistakesPerEpoch.allSatisfy { $0 > 0 })
        let correct = zip(p(Self.inputs).toDoubles(), truth).filter { $0 == $1 }.count
        #expect(correct <= 3)  // no line separates XOR
    }
}
