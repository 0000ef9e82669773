// Embedding and EmbeddingBag as layers: PyTorch's names and initialisation, the padding row,
// maxNorm's in-place rescaling of the table (and what it does to the Parameter), from_pretrained,
// the bag layer's call forms.

import Foundation
import Testing
@testable import Apus

@Suite struct EmbeddingTests {
    @Test func initialisationIsStandardNormalWithThePaddingRowZeroed() {
        let layer = Embedding(numEmbeddings: 400, embeddingDim: 50, paddingIdx: -1, generator: RandomGenerator(seed: 1))
        #expect(layer.stateDict().map(\.name) == ["weight"])
        #expect(layer.weight.shape == [400, 50])
        #expect(layer.paddingIdx == 399)
        #expect(layer.weight.value[399] == Tensor.zeros([50]))
        let values = layer.weight.value[0 ..< 399].toDoubles()
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
        // 19950 samples: sd of the mean ≈ 0.007, of the variance ≈ 0.01.
        #expect(Swift.abs(mean) < 0.035)
        #expect(Swift.abs(variance - 1) < 0.05)
    }

    @Test func lookupShapesAndThePaddingRowsGradient() {
        let layer = Embedding(numEmbeddings: 5, embeddingDim: 3, paddingIdx: 0, generator: RandomGenerator(seed: 2))
        let idx = Tensor(scalars: [0, 2, 2, 4, 0, 1] as [Int64], shape: [2, 3])
        let y = layer(idx)
        #expect(y.shape == [2, 3, 3])
        #expect(y[0, 1] == layer.weight.value[2])
        y.sum().backward()
        let grad = layer.weight.grad!
        #expect(grad[0] == Tensor.zeros([3]), "the padding row takes no gradient")
        #expect(grad[2] == Tensor.full([3], value: 2))
        #expect(grad[3] == Tensor.zeros([3]))
        #expect(layer(Tensor(scalars: [] as [Int64], shape: [0])).shape == [0, 3])
    }

    @Test func maxNormRescalesTheLookedUpRowsInPlace() {
        let table = Tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]])
        let layer = Embedding.fromPretrained(table, freeze: false, maxNorm: 1)
        let parameter = layer.weight
        let idx = Tensor(scalars: [0, 1, 0] as [Int64], shape: [3])
        let y = layer(idx)
        let scale: Double = 1 / (5 + 1e-7)
        #expect(Approx.equal(y, [3 * scale, 4 * scale, 0.3, 0.4, 3 * scale, 4 * scale]))
        // The table changed where it was looked up, and only there; the parameter is the same object.
        #expect(Approx.equal(layer.weight.value, [3 * scale, 4 * scale, 0.3, 0.4, 6, 8]))
        #expect(layer.weight === parameter && parameter.requiresGrad)
        y.sum().backward()
        #expect(Approx.equal(parameter.grad!, [2, 2, 1, 1, 0, 0]), "the rescaling is not differentiated, as in PyTorch")
        #expect(table == Tensor([[3.0, 4.0], [0.3, 0.4], [6.0, 8.0]]), "the caller's tensor is a value: unchanged")
        // The functional form returns rescaled rows and leaves its weight alone.
        var w = Tensor([[6.0, 8.0], [0.0, 1.0]])
        #expect(Approx.equal(embedding(Tensor(scalars: [0] as [Int64], shape: [1]), weight: w, maxNorm: 2), [1.2, 1.6], absolute: 1e-6))
        #expect(w == Tensor([[6.0, 8.0], [0.0, 1.0]]))
        embeddingRenorm(&w, indices: Tensor(scalars: [0, 1] as [Int64], shape: [2]), maxNorm: 2)
        let factor: Double = 2 / (10 + 1e-7)
        #expect(Approx.equal(w, [6 * factor, 8 * factor, 0, 1]))
    }

    @Test func renormalisingKeepsEarlierGraphsValues() {
        let layer = Embedding.fromPretrained(Tensor([[3.0, 4.0]]), freeze: false, maxNorm: 1)
        let before = layer.weight.value * 1  // a graph that saved the old table
        _ = layer(Tensor(scalars: [0] as [Int64], shape: [1]))
        #expect(before.detached() == Tensor([[3.0, 4.0]]))
    }

    @Test func fromPretrainedFreezesByDefault() {
        let table = Tensor.randn([4, 2], generator: RandomGenerator(seed: 3))
        let frozen = Embedding.fromPretrained(table, paddingIdx: 1)
        #expect(!frozen.weight.requiresGrad)
        #expect(frozen.weight.value == table, "the padding row of pretrained vectors is kept")
        #expect(frozen.paddingIdx == 1 && frozen.numEmbeddings == 4 && frozen.embeddingDim == 2)
        #expect(Embedding.fromPretrained(table, freeze: false).weight.requiresGrad)
        #expect(frozen.trainableParameters().isEmpty)
    }

    @Test func bagLayerCallForms() {
        let layer = EmbeddingBag(numEmbeddings: 6, embeddingDim: 3, mode: .sum, generator: RandomGenerator(seed: 4))
        #expect(layer.stateDict().map(\.name) == ["weight"])
        let w = layer.weight.value
        let flat = Tensor(scalars: [1, 2, 5, 0] as [Int64], shape: [4])
        let y = layer(flat, offsets: Tensor(scalars: [0, 3] as [Int64], shape: [2]))
        #expect(Approx.equal(y, (concat([w[1 ..< 2] + w[2 ..< 3] + w[5 ..< 6], w[0 ..< 1]], axis: 0)).toDoubles()))
        let twoD = layer(Tensor(scalars: [1, 2, 5, 0] as [Int64], shape: [2, 2]))
        #expect(twoD.shape == [2, 3])
        let weighted = layer(flat, offsets: Tensor(scalars: [0] as [Int64], shape: [1]),
                             perSampleWeights: Tensor([1.0, 0.0, 0.0, 2.0]))
        #expect(Approx.equal(weighted, (w[1 ..< 2] + w[0 ..< 1] * 2).toDoubles()))
        #expect(EmbeddingBag(numEmbeddings: 3, embeddingDim: 2).mode == .mean)
        let padded = EmbeddingBag(numEmbeddings: 3, embeddingDim: 2, paddingIdx: 2)
        #expect(padded.weight.value[2] == Tensor.zeros([2]))
    }

    @Test func summaryListsEmbeddingLayers() {
        let model = Sequential(Embedding(numEmbeddings: 10, embeddingDim: 4), Flatten(), Linear(12, 2))
        let s = summary(of: model, inputShape: [2, 3], dtype: .int64)
        #expect(s.layers.map(\.type) == ["Embedding", "Flatten", "Linear"])
        #expect(s.layers[0].outputShape == [2, 3, 4])
        #expect(s.totalParameters == 40 + 26)
    }

    @Test func layersRefuseBadArguments() async {
        await #expect(processExitsWith: .failure) { _ = Embedding(numEmbeddings: 3, embeddingDim: 2, paddingIdx: 3) }
        await #expect(processExitsWith: .failure) { _ = EmbeddingBag(numEmbeddings: 3, embeddingDim: 2, scaleGradByFreq: true, mode: .max) }
        await #expect(processExitsWith: .failure) { _ = Embedding(numEmbeddings: 3, embeddingDim: 2)(Tensor([0.0, 1.0])) }
        await #expect(processExitsWith: .failure) {
            _ = EmbeddingBag(numEmbeddings: 3, embeddingDim: 2)(Tensor(scalars: [0, 1] as [Int64], shape: [2]), offsets: nil)
        }
    }
}
