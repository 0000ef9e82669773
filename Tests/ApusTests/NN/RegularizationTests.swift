import Testing
@testable import Apus

@Suite struct RegularizationTests {
    /// w₁ = [1, −2], w₂ = [[3], [−0.5]]: Σ|w| = 6.5, Σw² = 1 + 4 + 9 + 0.25 = 14.25.
    private func weights() -> [Parameter] {
        [Parameter(Tensor([1.0, -2.0], dtype: .float64)), Parameter(Tensor([[3.0], [-0.5]], dtype: .float64))]
    }

    @Test func l1PenaltyAndItsGradient() {
        let ps = weights()
        let loss = 0.1 * l1Penalty(ps)
        #expect(loss.shape == [] && Swift.abs(loss.item() - 0.65) < 1e-15)
        loss.backward()
        #expect(ps[0].grad!.toDoubles() == [0.1, -0.1])       // λ·sign(w)
        #expect(ps[1].grad!.toDoubles() == [0.1, -0.1])
    }

    /// Plain Σw² (no ½): the gradient of λ·Σw² is 2λw.
    @Test func l2PenaltyHasNoHalfAndGradientTwoLambdaW() {
        let ps = weights()
        let loss = 0.01 * l2Penalty(ps)
        #expect(Swift.abs(loss.item() - 0.1425) < 1e-15)
        loss.backward()
        #expect(Approx.equal(ps[0].grad!, [0.02, -0.04], absolute: 1e-15))
        #expect(Approx.equal(ps[1].grad!, [0.06, -0.01], absolute: 1e-15))
        // The course's λ/2·‖w‖² is 0.5·λ·l2Penalty: gradient λw.
        let qs = weights()
        (0.5 * 0.01 * l2Penalty(qs)).backward()
        #expect(Approx.equal(qs[0].grad!, [0.01, -0.02], absolute: 1e-15))
    }

    @Test func elasticNetMixesBoth() {
        let ps = weights()
        let loss = penalty(ps, l1: 0.1, l2: 0.01)
        #expect(Swift.abs(loss.item() - (0.65 + 0.1425)) < 1e-15)
        loss.backward()
        // l1·sign(w) + 2·l2·w
        #expect(Approx.equal(ps[0].grad!, [0.1 + 0.02, -0.1 - 0.04], absolute: 1e-15))
        #expect(Approx.equal(ps[1].grad!, [0.1 + 0.06, -0.1 - 0.01], absolute: 1e-15))
        #expect(Swift.abs(penalty(weights(), l1: 0.1).item() - 0.65) < 1e-15)
        #expect(penalty(weights()).item() == 0)
    }

    @Test func penaltyAddedToALossAddsItsGradient() {
        let layer = Linear(3, 2, dtype: .float64, generator: RandomGenerator(seed: 1))
        let x = Tensor.randn([4, 3], dtype: .float64, generator: RandomGenerator(seed: 2))
        layer(x).sum().backward()
        let plain = layer.weight.grad!
        layer.zeroGrad()
        (layer(x).sum() + 0.3 * l2Penalty(layer.parameters { $0.hasSuffix("weight") })).backward()
        #expect(Approx.equal(layer.weight.grad!, (plain + 0.6 * layer.weight.value.detached()).toDoubles(), absolute: 1e-14))
        // The bias was not penalised.
        #expect(layer.bias!.grad!.toDoubles() == [4, 4])
    }

    @Test func parametersCanBePickedByName() {
        let model = Sequential(Linear(3, 4), ReLU(), Linear(4, 2), LayerNorm(2))
        let picked = model.parameters { $0.hasSuffix("weight") }
        #expect(picked.count == 3)
        #expect(picked[0] === (model.layers[0] as! Linear).weight && picked[1] === (model.layers[2] as! Linear).weight)
        let linearWeights = model.parameters { $0.hasSuffix("weight") && !$0.hasPrefix("3.") }
        #expect(linearWeights.count == 2)
    }

    @Test func dtypesAndEmptyLists() {
        #expect(l2Penalty([Parameter(.ones([3]))]).dtype == .float32)
        #expect(l1Penalty([Parameter]()).item() == 0)
        #expect(l2Penalty([Tensor([2.0, 3.0])]).item() == 13)
    }
}
