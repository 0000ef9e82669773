import Foundation
import Testing
@testable import Apus

private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($1)) }
}

// MARK: - MSE

@Test func mseLossReductions() {
    let p = Tensor([1.0, 2.0, 3.0], dtype: .float64)
    let t = Tensor([2.0, 2.0, 5.0], dtype: .float64)
    // differences −1, 0, −2 → squares 1, 0, 4
    #expect(abs(mseLoss(p, t).item() - 5.0 / 3.0) < 1e-15)
    #expect(mseLoss(p, t).shape == [])
    #expect(mseLoss(p, t, reduction: .sum).item() == 5)
    let none = mseLoss(p, t, reduction: .none)
    #expect(none.shape == [3])
    #expect(none.toDoubles() == [1, 0, 4])
    // Symmetric in its arguments, zero on equal inputs.
    #expect(mseLoss(t, p, reduction: .sum).item() == 5)
    #expect(mseLoss(p, p).item() == 0)
}

@Test func mseLossBroadcastsTarget() {
    let p = Tensor([[1.0, 2.0], [3.0, 4.0]])
    let t = Tensor([1.0, 1.0])
    // differences [[0, 1], [2, 3]] → squares 0, 1, 4, 9 → mean 14/4
    #expect(mseLoss(p, t).item() == 3.5)
    #expect(mseLoss(p, t, reduction: .none).shape == [2, 2])
}

@Test func mseLossGradient() {
    let p = Tensor([1.0, 2.0, 3.0], dtype: .float64).requiringGrad()
    let t = Tensor([2.0, 2.0, 5.0], dtype: .float64)
    // d/dp mean((p − t)²) = 2(p − t)/N
    mseLoss(p, t).backward()
    let expected: [Double] = [-2.0 / 3, 0, -4.0 / 3]
    #expect(close(p.grad!.toDoubles(), expected))
}

// MARK: - Cross-entropy

@Test func crossEntropyHandComputed() {
    let logits = Tensor([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], dtype: .float64)
    let labels = Tensor([1, 2])
    #expect(labels.dtype == .int64)
    // Row 0: uniform over 3 classes → −log(1/3) = log 3.
    // Row 1: −log(e³ / (e¹ + e² + e³)) = log(1 + e⁻¹ + e⁻²).
    let row0 = log(3.0)
    let row1 = log(1 + exp(-1.0) + exp(-2.0))
    #expect(abs(row1 - 0.40760596444438) < 1e-12)

    let none = crossEntropy(logits, labels, reduction: .none)
    #expect(none.shape == [2])
    #expect(close(none.toDoubles(), [row0, row1]))
    #expect(abs(crossEntropy(logits, labels, reduction: .sum).item() - (row0 + row1)) < 1e-12)
    let mean = crossEntropy(logits, labels)
    #expect(mean.shape == [])
    #expect(abs(mean.item() - (row0 + row1) / 2) < 1e-12)
}

@Test func crossEntropyIsMinusLogSoftmaxOfLabelEntry() {
    let logits = Tensor.randn([6, 5], dtype: .float64, generator: RandomGenerator(seed: 21))
    let labels = Tensor(scalars: [Int64(0), 4, 2, 2, 1, 3])
    let losses = crossEntropy(logits, labels, reduction: .none).toDoubles()
    let probs = softmax(logits, axis: 1)
    let l = logits.toDoubles()
    for i in 0..<6 {
        let y = Int(labels.value(at: [i]))
        #expect(abs(losses[i] - -log(probs.value(at: [i, y]))) < 1e-12)
        // And from the definition, computed here in plain Swift.
        let row = l[(i * 5)..<(i * 5 + 5)]
        let sumExp: Double = row.reduce(0.0) { $0 + exp($1) }
        let expected: Double = log(sumExp) - row[row.startIndex + y]
        #expect(abs(losses[i] - expected) < 1e-12)
    }
}

@Test func crossEntropyOfConfidentCorrectPredictionIsNearZero() {
    let loss = crossEntropy(Tensor([[20.0, 0.0], [0.0, 20.0]], dtype: .float64), Tensor([0, 1]))
    // log(1 + e⁻²⁰) ≈ e⁻²⁰ ≈ 2.06e−9
    #expect(abs(loss.item() - log1p(exp(-20.0))) < 1e-15)
}

@Test func crossEntropyIsStableForLargeLogits() {
    let logits = Tensor([[1000.0, 0.0, -1000.0], [1000.0, 1000.0, 0.0]]).requiringGrad()
    #expect(logits.dtype == .float32)
    let none = crossEntropy(logits, Tensor([0, 2]), reduction: .none).toDoubles()
    #expect(none.allSatisfy { $0.isFinite })
    // Row 0: log(1 + e⁻¹⁰⁰⁰ + e⁻²⁰⁰⁰) = 0.  Row 1: −(0 − 1000 − log 2) = 1000 + log 2.
    #expect(none[0] == 0)
    #expect(abs(none[1] - (1000 + log(2.0))) < 1e-3)

    let loss = crossEntropy(logits, Tensor([0, 2]))
    #expect(loss.item().isFinite)
    loss.backward()
    // ∂/∂logits = (softmax − onehot)/N: row 0 → [0, 0, 0], row 1 → [½, ½, −1]/2.
    let g = logits.grad!.toDoubles()
    #expect(g.allSatisfy { $0.isFinite })
    #expect(close(g, [0, 0, 0, 0.25, 0.25, -0.5], tol: 1e-6))
}

@Test func crossEntropyGradientIsSoftmaxMinusOneHot() {
    let logits = Tensor([[0.0, 0.0, 0.0]], dtype: .float64).requiringGrad()
    crossEntropy(logits, Tensor([1])).backward()
    let expected: [Double] = [1.0 / 3, -2.0 / 3, 1.0 / 3]
    #expect(close(logits.grad!.toDoubles(), expected))
}

// MARK: - Module forms

@Test func lossModulesMatchFunctions() {
    let p = Tensor([[0.5, -1.0], [2.0, 0.0]], dtype: .float64)
    let t = Tensor([[1.0, 1.0], [1.0, 1.0]], dtype: .float64)
    // squares 0.25, 4, 1, 1 → sum 6.25, mean 1.5625
    #expect(MSELoss()(p, t).item() == 1.5625)
    #expect(MSELoss(reduction: .sum)(p, t).item() == 6.25)
    #expect(MSELoss(reduction: .none)(p, t).toDoubles() == [0.25, 4, 1, 1])
    #expect(MSELoss().reduction == .mean)

    let logits = Tensor([[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]], dtype: .float64)
    let labels = Tensor([1, 2])
    let row0 = log(3.0), row1 = log(1 + exp(-1.0) + exp(-2.0))
    #expect(abs(CrossEntropyLoss()(logits, labels).item() - (row0 + row1) / 2) < 1e-12)
    #expect(abs(CrossEntropyLoss(reduction: .sum)(logits, labels).item() - (row0 + row1)) < 1e-12)
    #expect(close(CrossEntropyLoss(reduction: .none)(logits, labels).toDoubles(), [row0, row1]))
    #expect(CrossEntropyLoss()(logits, labels) == crossEntropy(logits, labels))
}
