import Testing
@testable import Apus

// Conv1d, Conv2d and ConvTranspose2d: PyTorch's parameter names, shapes and default
// initialisation bound 1/√fanIn, custom initialisers, agreement with the functional forms,
// and WeightNorm over Conv2d.

@Suite struct ConvLayerTests {
    @Test func conv2dParametersAndDefaultInit() {
        let layer = Conv2d(6, 16, kernelSize: 5, generator: RandomGenerator(seed: 1))
        #expect(layer.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(layer.weight.shape == [16, 6, 5, 5])
        #expect(layer.bias?.shape == [16])
        // fan-in 6·5·5 = 150: every value within ±1/√150, and the extremes close to it.
        let bound: Double = 1 / Double(150.0).squareRoot()
        let w = layer.weight.value.toDoubles(), b = layer.bias!.value.toDoubles()
        #expect(w.allSatisfy { Swift.abs($0) <= bound })
        #expect(w.map(Swift.abs).max()! > 0.95 * bound)
        #expect(b.allSatisfy { Swift.abs($0) <= bound })
        #expect(layer.parameterCount == 16 * 6 * 25 + 16)  // LeNet-5's C3 without its sparse table: 2416
    }

    @Test func groupedLayerFanInAndNoBias() {
        let layer = Conv2d(8, 4, kernelSize: [3, 1], groups: 2, bias: false)
        #expect(layer.namedParameters().map(\.name) == ["weight"])
        #expect(layer.weight.shape == [4, 4, 3, 1])
        let bound: Double = 1 / Double(12.0).squareRoot()  // fan-in 8/2 · 3 · 1
        #expect(layer.weight.value.toDoubles().allSatisfy { Swift.abs($0) <= bound })
    }

    @Test func layersMatchTheFunctionalForms() {
        let g = RandomGenerator(seed: 2)
        let conv = Conv2d(3, 4, kernelSize: 3, stride: 2, padding: 1, generator: g)
        let x = Tensor.randn([2, 3, 9, 9], generator: g)
        #expect(conv(x) == conv2d(x, weight: conv.weight.value, bias: conv.bias!.value, stride: 2, padding: 1))
        #expect(conv(x).shape == [2, 4, 5, 5])

        let conv1 = Conv1d(3, 5, kernelSize: 4, padding: .same, generator: g)
        let s = Tensor.randn([2, 3, 10], generator: g)
        #expect(conv1.weight.shape == [5, 3, 4])
        #expect(conv1(s) == conv1d(s, weight: conv1.weight.value, bias: conv1.bias!.value, padding: .same))
        #expect(conv1(s).shape == [2, 5, 10])

        let up = ConvTranspose2d(4, 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, generator: g)
        #expect(up.weight.shape == [4, 3, 3, 3])
        let bound: Double = 1 / Double(27.0).squareRoot()  // PyTorch's fan-in for this layout: out/groups · 3 · 3
        #expect(up.weight.value.toDoubles().allSatisfy { Swift.abs($0) <= bound })
        let z = Tensor.randn([1, 4, 5, 5], generator: g)
        #expect(up(z).shape == [1, 6, 10, 10])
        #expect(up(z) == convTranspose2d(z, weight: up.weight.value, bias: up.bias!.value, stride: 2, padding: 1,
                                         outputPadding: 1, groups: 2))
    }

    @Test func initializersAreUsed() {
        let layer = Conv2d(2, 3, kernelSize: 2, weightInitializer: .constant(0.5), biasInitializer: .ones)
        // Each output sums 2·2·2 inputs of value 1 times 0.5, plus 1.
        let y = layer(.ones([1, 2, 3, 3]))
        #expect(y.toDoubles() == [Double](repeating: 5, count: 12))
    }

    @Test func weightNormWrapsConv2d() {
        let g = RandomGenerator(seed: 3)
        let conv = Conv2d(3, 4, kernelSize: 3, padding: 1, generator: g)
        let x = Tensor.randn([2, 3, 5, 5], generator: g)
        let before = conv(x)
        let wrapped = WeightNorm(conv)
        #expect(wrapped.namedParameters().map(\.name) == ["weight_g", "weight_v", "bias"])
        #expect(wrapped.weightG.shape == [4, 1, 1, 1])
        let after = wrapped(x)
        #expect(zip(after.toDoubles(), before.toDoubles()).allSatisfy { Swift.abs($0 - $1) < 1e-5 })
        after.sum().backward()
        #expect(wrapped.weightG.grad?.shape == [4, 1, 1, 1])
        #expect(wrapped.weightV.grad?.shape == [4, 3, 3, 3])
    }
}
