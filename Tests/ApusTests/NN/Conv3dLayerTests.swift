import Testing
@testable import Apus

// Conv3d, ConvTranspose1d and ConvTranspose3d: PyTorch's parameter names (state-dict keys),
// shapes and default initialisation bound 1/√fanIn, agreement with the functional forms,
// unbatched inputs, and what summary(of:) counts.

@Suite struct Conv3dLayerTests {
    /// Every value within ±bound, and the largest close to it (a uniform draw reaches near its ends).
    private func expectUniform(_ t: Tensor, bound: Double) {
        let v = t.toDoubles().map(Swift.abs)
        #expect(v.allSatisfy { $0 <= bound })
        #expect(v.max()! > 0.9 * bound)
    }

    @Test func conv3dParametersAndDefaultInit() {
        let layer = Conv3d(4, 8, kernelSize: [3, 5, 5], generator: RandomGenerator(seed: 1))
        #expect(layer.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(layer.stateDict().map(\.name) == ["weight", "bias"])
        #expect(layer.weight.shape == [8, 4, 3, 5, 5])
        #expect(layer.bias?.shape == [8])
        // fan-in 4·3·5·5 = 300
        let bound = 1 / Double(300).squareRoot()
        expectUniform(layer.weight.value, bound: bound)
        #expect(layer.bias!.value.toDoubles().allSatisfy { Swift.abs($0) <= bound })
        #expect(layer.parameterCount == 8 * 4 * 75 + 8)
        let grouped = Conv3d(6, 4, kernelSize: 2, groups: 2, bias: false, generator: RandomGenerator(seed: 2))
        #expect(grouped.namedParameters().map(\.name) == ["weight"])
        #expect(grouped.weight.shape == [4, 3, 2, 2, 2])
        expectUniform(grouped.weight.value, bound: 1 / Double(24).squareRoot())  // fan-in 6/2 · 8
    }

    @Test func transposedParametersAndDefaultInit() {
        let up3 = ConvTranspose3d(6, 4, kernelSize: [2, 3, 3], stride: 2, groups: 2, generator: RandomGenerator(seed: 3))
        #expect(up3.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(up3.weight.shape == [6, 2, 2, 3, 3])
        #expect(up3.bias?.shape == [4])
        // PyTorch's fan-in for this layout: weight.shape[1] · kD·kH·kW = 2 · 18
        expectUniform(up3.weight.value, bound: 1 / Double(36).squareRoot())
        #expect(up3.bias!.value.toDoubles().allSatisfy { Swift.abs($0) <= 1 / Double(36).squareRoot() })

        let up1 = ConvTranspose1d(3, 5, kernelSize: 4, generator: RandomGenerator(seed: 4))
        #expect(up1.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(up1.weight.shape == [3, 5, 4])
        expectUniform(up1.weight.value, bound: 1 / Double(20).squareRoot())  // 5 · 4
        #expect(ConvTranspose1d(3, 5, kernelSize: 4, bias: false).namedParameters().map(\.name) == ["weight"])
    }

    @Test func layersMatchTheFunctionalForms() {
        let g = RandomGenerator(seed: 5)
        let conv = Conv3d(3, 4, kernelSize: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1], generator: g)
        let x = Tensor.randn([2, 3, 4, 9, 9], generator: g)
        let y = conv(x)
        #expect(y.shape == [2, 4, 4, 5, 5])
        #expect(y == conv3d(x, weight: conv.weight.value, bias: conv.bias!.value, stride: [1, 2, 2], padding: [0, 1, 1]))
        #expect(conv(x[1]) == y[1])  // unbatched [C, D, H, W]
        let same = Conv3d(3, 2, kernelSize: 3, padding: .same, dilation: [2, 1, 1], generator: g)
        #expect(same(x).shape == [2, 2, 4, 9, 9])

        let up = ConvTranspose3d(4, 6, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, groups: 2, generator: g)
        let z = Tensor.randn([1, 4, 2, 3, 4], generator: g)
        #expect(up(z).shape == [1, 6, 4, 6, 8])
        #expect(up(z) == convTranspose3d(z, weight: up.weight.value, bias: up.bias!.value, stride: 2, padding: 1,
                                         outputPadding: 1, groups: 2))
        #expect(up(z[0]) == up(z)[0])

        let up1 = ConvTranspose1d(4, 2, kernelSize: 3, stride: 2, padding: 1, outputPadding: 1, dilation: 2, generator: g)
        let s = Tensor.randn([3, 4, 7], generator: g)
        #expect(up1(s).shape == [3, 2, 16])
        #expect(up1(s) == convTranspose1d(s, weight: up1.weight.value, bias: up1.bias!.value, stride: 2, padding: 1,
                                          outputPadding: 1, dilation: 2))
        #expect(up1(s[2]) == up1(s)[2])
    }

    @Test func layersTrainAndLoadStateDicts() throws {
        let g = RandomGenerator(seed: 6)
        let conv = Conv3d(2, 3, kernelSize: 2, generator: g)
        let x = Tensor.randn([2, 2, 3, 3, 3], generator: g)
        conv(x).sum().backward()
        #expect(conv.weight.grad?.shape == [3, 2, 2, 2, 2])
        #expect(conv.bias?.grad?.toDoubles() == [Double](repeating: 2 * 8, count: 3))  // Σ over 2 images × 2³ positions
        let copy = Conv3d(2, 3, kernelSize: 2, generator: RandomGenerator(seed: 99))
        _ = try copy.loadStateDict(Dictionary(uniqueKeysWithValues: conv.stateDict().map { ($0.name, $0.tensor) }))
        #expect(copy(x) == conv(x))
    }

    @Test func summaryCountsMultiplyAccumulates() {
        let conv = Conv3d(3, 8, kernelSize: [3, 3, 3], padding: 1)
        #expect(conv.multiplyAccumulates(inputShape: [1, 3, 4, 5, 6], outputShape: [1, 8, 4, 5, 6]) == 8 * 120 * 3 * 27)
        #expect(conv.windowGeometry.map(\.kernel) == [3, 3, 3])
        let up = ConvTranspose3d(4, 2, kernelSize: 2, stride: 2)
        #expect(up.multiplyAccumulates(inputShape: [1, 4, 2, 2, 2], outputShape: [1, 2, 4, 4, 4]) == 32 * 2 * 8)
        #expect(ConvTranspose1d(4, 2, kernelSize: 3).multiplyAccumulates(inputShape: [1, 4, 5], outputShape: [1, 2, 7]) == 20 * 2 * 3)
    }

    @Test func layerRejectsWrongChannelCount() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Conv3d(3, 4, kernelSize: 1)(.zeros([1, 2, 3, 3, 3]))
        }
        #expect(stderrText(result).contains("Conv3d(3→4): expected input [N, 3, D, H, W] or [3, D, H, W], got shape [1, 2, 3, 3, 3]"))
    }
}
