import Foundation
import Testing
@testable import Apus

// L1, Huber, BCE, BCE with logits, NLL and cross-entropy's options, by hand; their values against
// PyTorch are in PyTorchReferenceTests.swift, their gradients in the gradcheck table.

private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { Swift.abs($0 - $1) <= tol * Swift.max(1, Swift.abs($1)) }
}

private func f64(_ values: [Double], _ shape: [Int]? = nil) -> Tensor {
    Tensor(shape: shape ?? [values.count], values: values, dtype: .float64)
}

@Suite struct LossOptionsTests {
    // MARK: Regression

    /// The course's ½·mean((p − t)²) is `mseLoss(p, t) / 2`: its gradient is (p − t)/N, without the 2.
    @Test func halfMeanSquaredErrorHasGradientPMinusTOverN() {
        let p = f64([1, 2, 3, 4]).requiringGrad(), t = f64([0, 2, 5, 1])
        let loss = mseLoss(p, t) / 2
        #expect(loss.item() == (1 + 0 + 4 + 9) / 8.0)
        loss.backward()
        #expect(close(p.grad!.toDoubles(), [1, 0, -2, 3].map { $0 / 4 }))
    }

    @Test func l1AndHuberByHand() {
        let p = f64([0.5, -2, 3, 1]), t = f64([0, 0, 0, 1])
        #expect(l1Loss(p, t, reduction: .none).toDoubles() == [0.5, 2, 3, 0])
        #expect(l1Loss(p, t).item() == 5.5 / 4)
        #expect(L1Loss(reduction: .sum)(p, t).item() == 5.5)
        // δ = 1: ½·0.25, 1·(2 − ½), 1·(3 − ½), 0.
        #expect(close(huberLoss(p, t, reduction: .none).toDoubles(), [0.125, 1.5, 2.5, 0]))
        // δ = 2: ½·0.25, ½·4 (|d| = δ is on the linear side, which agrees there), 2·(3 − 1), 0.
        #expect(close(HuberLoss(delta: 2, reduction: .none)(p, t).toDoubles(), [0.125, 2, 4, 0]))
        #expect(close([huberLoss(p, t, delta: 2, reduction: .sum).item()], [6.125]))
        // Gradient: d inside, δ·sign(d) outside; ∂ at d = 0 is 0.
        let pg = p.requiringGrad()
        huberLoss(pg, t, reduction: .sum).backward()
        #expect(close(pg.grad!.toDoubles(), [0.5, -1, 1, 0]))
    }

    // MARK: Binary cross-entropy

    @Test func binaryCrossEntropyByHandAndClamped() {
        let p = f64([0.8, 0.25, 0, 1, 0]), y = f64([1, 0, 1, 0, 0])
        let none = binaryCrossEntropy(p, y, reduction: .none).toDoubles()
        #expect(close(none, [-log(0.8), -log(0.75), 100, 100, 0]))
        let w = f64([2, 1, 1, 1, 1])
        #expect(close([binaryCrossEntropy(p, y, weight: w).item()], [(-2 * log(0.8) - log(0.75) + 200) / 5]))
        // The clamp also keeps the gradient finite at p = 0 and 1 (PyTorch: (p − y)/max(p(1 − p), ε)).
        let pg = p.requiringGrad()
        binaryCrossEntropy(pg, y, reduction: .sum).backward()
        #expect(pg.grad!.toDoubles().allSatisfy { $0.isFinite })
        #expect(close(Array(pg.grad!.toDoubles().prefix(2)), [-1 / 0.8, 1 / 0.75]))
        #expect(pg.grad!.toDoubles()[4] == 0)
    }

    @Test func binaryCrossEntropyWithLogitsIsStableAtPlusMinus1000() {
        for dtype in [DType.float64, .float32] {
            let x = Tensor(shape: [4], values: [1000, -1000, 1000, -1000], dtype: dtype).requiringGrad()
            let y = Tensor(shape: [4], values: [1, 1, 0, 0], dtype: dtype)
            let none = binaryCrossEntropyWithLogits(x, y, reduction: .none)
            #expect(none.toDoubles() == [0, 1000, 1000, 0], "\(dtype)")
            binaryCrossEntropyWithLogits(x, y).backward()
            // (σ(x) − y)/N
            #expect(x.grad!.toDoubles() == [0, -0.25, 0.25, 0], "\(dtype)")
        }
        // The gradient is σ(x) − y at x = 0 too, where max(x, 0) and |x| have kinks.
        let zero = f64([0, 0]).requiringGrad()
        binaryCrossEntropyWithLogits(zero, f64([1, 0]), reduction: .sum).backward()
        #expect(zero.grad!.toDoubles() == [-0.5, 0.5])
    }

    @Test func binaryCrossEntropyWithLogitsMatchesBCEOfSigmoidAndWeightsPositives() {
        let x = f64([-2, -0.3, 0.7, 3]), y = f64([0, 1, 0.4, 1])
        #expect(close(binaryCrossEntropyWithLogits(x, y, reduction: .none).toDoubles(),
                      binaryCrossEntropy(sigmoid(x), y, reduction: .none).toDoubles()))
        // posWeight 3 at x = 0, y = 1: 3·log 2; at y = 0 the positive weight does not apply: log 2.
        let pw = BCEWithLogitsLoss(posWeight: f64([3]), reduction: .none)(f64([0, 0]), f64([1, 0])).toDoubles()
        #expect(close(pw, [3 * log(2.0), log(2.0)]))
        #expect(BCELoss()(sigmoid(x), y) == binaryCrossEntropy(sigmoid(x), y))
    }

    // MARK: Cross-entropy and NLL

    @Test func crossEntropyWeightedMeanDividesByTheTargetsWeights() {
        let logits = f64([0, 0, 2, 0], [2, 2]), labels = Tensor([0, 1])
        let weight = f64([1, 3])
        let l0 = log(2.0), l1 = log(1 + exp(2.0))
        #expect(close([crossEntropy(logits, labels, weight: weight).item()], [(1 * l0 + 3 * l1) / 4]))
        #expect(close([crossEntropy(logits, labels, weight: weight, reduction: .sum).item()], [l0 + 3 * l1]))
        #expect(close(crossEntropy(logits, labels, weight: weight, reduction: .none).toDoubles(), [l0, 3 * l1]))
        #expect(CrossEntropyLoss(weight: weight)(logits, labels) == crossEntropy(logits, labels, weight: weight))
    }

    @Test func ignoredSamplesContributeNothing() {
        let logits = f64([0, 0, 2, 0, 5, -5], [3, 2]), labels = Tensor([0, -100, 1])
        let none = crossEntropy(logits, labels, ignoreIndex: -100, reduction: .none).toDoubles()
        #expect(close(none, [log(2.0), 0, 10 + log(1 + exp(-10.0))]))
        #expect(close([crossEntropy(logits, labels, ignoreIndex: -100).item()], [(none[0] + none[2]) / 2]))
        let x = logits.requiringGrad()
        crossEntropy(x, labels, ignoreIndex: -100).backward()
        #expect(Array(x.grad!.toDoubles()[2..<4]) == [0, 0])
        #expect(NLLLoss(ignoreIndex: -100)(logSoftmax(logits, axis: 1), labels) == nllLoss(logSoftmax(logits, axis: 1), labels, ignoreIndex: -100))
    }

    /// PyTorch's default ignoreIndex is −100: such labels are skipped without saying so.
    @Test func minusOneHundredIsIgnoredByDefault() {
        let logits = f64([0, 0, 2, 0, 5, -5], [3, 2]), labels = Tensor([0, -100, 1])
        #expect(crossEntropy(logits, labels) == crossEntropy(logits, labels, ignoreIndex: -100))
        #expect(crossEntropy(logits, labels, reduction: .none).toDoubles()[1] == 0)
        #expect(NLLLoss()(logSoftmax(logits, axis: 1), labels) == nllLoss(logSoftmax(logits, axis: 1), labels, ignoreIndex: -100))
        #expect(CrossEntropyLoss().ignoreIndex == -100)
    }

    /// Segmentation: logits [N, C, H, W] and a label per pixel [N, H, W] equal the same pixels
    /// flattened to [N·H·W, C]; `.none` keeps the labels' shape.
    @Test func spatialInputsEqualTheirPixelsAsRows() {
        let logits = f64((0..<24).map { Double(($0 * 7) % 11) - 5 }, [2, 3, 2, 2])
        let labels = Tensor(shape: [2, 2, 2], values: [0, 2, 1, -100, 2, 2, 0, 1], dtype: .int64)
        let rows = logits.permute([0, 2, 3, 1]).reshape([8, 3]), flatLabels = labels.reshape([8])
        let weight = f64([1, 2, 0.5])
        #expect(close([crossEntropy(logits, labels, weight: weight, labelSmoothing: 0.1).item()],
                      [crossEntropy(rows, flatLabels, weight: weight, labelSmoothing: 0.1).item()]))
        let none = crossEntropy(logits, labels, reduction: .none)
        #expect(none.shape == [2, 2, 2])
        #expect(close(none.toDoubles(), crossEntropy(rows, flatLabels, reduction: .none).toDoubles()))
        #expect(nllLoss(logSoftmax(logits, axis: 1), labels, reduction: .none).shape == [2, 2, 2])
    }

    @Test func labelSmoothingByHand() {
        // Two classes, logits (0, ln 3): log-probabilities (ln ¼, ln ¾); label 1, ε = 0.2:
        // target (0.1, 0.9) → −(0.1·ln ¼ + 0.9·ln ¾).
        let logits = f64([0, log(3.0)], [1, 2])
        let expected = -(0.1 * log(0.25) + 0.9 * log(0.75))
        #expect(close([crossEntropy(logits, Tensor([1]), labelSmoothing: 0.2).item()], [expected]))
        // The same as probability targets (0, 1) smoothed, and as explicit targets (0.1, 0.9).
        #expect(close([crossEntropy(logits, f64([0, 1], [1, 2]), labelSmoothing: 0.2).item()], [expected]))
        #expect(close([crossEntropy(logits, f64([0.1, 0.9], [1, 2])).item()], [expected]))
        #expect(close([CrossEntropyLoss(labelSmoothing: 0.2)(logits, Tensor([1])).item()], [expected]))
    }

    @Test func probabilityTargetsOneHotEqualLabels() {
        let logits = Tensor.randn([4, 3], dtype: .float64, generator: RandomGenerator(seed: 9))
        let labels = Tensor([2, 0, 1, 1])
        let oneHot = f64([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0], [4, 3])
        let weight = f64([0.5, 2, 1])
        for r in [Reduction.sum, .none] {
            #expect(close(crossEntropy(logits, oneHot, weight: weight, reduction: r).toDoubles(),
                          crossEntropy(logits, labels, weight: weight, reduction: r).toDoubles()))
        }
        // .mean divides by N for probability targets (not by the weights): PyTorch's rule.
        #expect(close([crossEntropy(logits, oneHot, weight: weight).item()],
                      [crossEntropy(logits, labels, weight: weight, reduction: .sum).item() / 4]))
        #expect(close([crossEntropy(logits, oneHot).item()], [crossEntropy(logits, labels).item()]))
    }

    @Test func crossEntropyIsStableAtPlusMinus1000WithEveryOption() {
        let logits = f64([1000, -1000, 0, -1000, -1000, -999], [2, 3]).requiringGrad()
        let weight = f64([1, 2, 3])
        let loss = crossEntropy(logits, Tensor([1, 2]), weight: weight, labelSmoothing: 0.1)
        #expect(loss.item().isFinite)
        loss.backward()
        #expect(logits.grad!.toDoubles().allSatisfy { $0.isFinite })
        // Row 1: log-probabilities (−1 − L, −1 − L, −L) with L = log(1 + 2e⁻¹); label 2 exact.
        let none = crossEntropy(logits, Tensor([1, 2]), reduction: .none).toDoubles()
        #expect(close(none, [2000, log(1 + 2 * exp(-1.0))]))
        let probs = crossEntropy(logits, softmax(f64([1, 1, 1, 0, 5, 0], [2, 3]), axis: 1))
        #expect(probs.item().isFinite)
    }

    @Test func nllOfLogSoftmaxIsCrossEntropy() {
        let logits = Tensor.randn([5, 4], dtype: .float64, generator: RandomGenerator(seed: 4))
        let labels = Tensor([3, 0, 1, 1, 2]), weight = f64([1, 2, 3, 4])
        #expect(close(nllLoss(logSoftmax(logits, axis: 1), labels, weight: weight).toDoubles(),
                      crossEntropy(logits, labels, weight: weight).toDoubles()))
        #expect(nllLoss(logSoftmax(logits, axis: 1), labels) == crossEntropy(logits, labels))
    }

    // MARK: Errors

    @Test func regressionLossShapeMismatchNamesOpAndShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = l1Loss(Tensor.zeros([3, 4]), Tensor.zeros([3]))
        }
        let message = stderrText(result)
        #expect(message.contains("l1Loss: prediction of shape [3, 4] and target of shape [3] do not broadcast"))
    }

    @Test func binaryCrossEntropyTargetsMustMatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = binaryCrossEntropyWithLogits(Tensor.zeros([4, 1]), Tensor.zeros([4]))
        }
        #expect(stderrText(result).contains("binaryCrossEntropyWithLogits: targets of shape [4] must have the shape of the logits [4, 1]"))
    }

    @Test func binaryCrossEntropyRejectsLogits() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = binaryCrossEntropy(Tensor([-2.0, 3.0]), Tensor([0.0, 1.0]))
        }
        let message = stderrText(result)
        #expect(message.contains("binaryCrossEntropy: probabilities must lie in [0, 1]"))
        #expect(message.contains("binaryCrossEntropyWithLogits"))
    }

    @Test func crossEntropyWeightMustHaveOneEntryPerClass() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(Tensor.zeros([2, 3]), Tensor([0, 1]), weight: Tensor.ones([2]))
        }
        #expect(stderrText(result).contains("crossEntropy: weight must have shape [3] (one per class), got [2]"))
    }

    @Test func crossEntropyLabelOutOfRange() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(Tensor.zeros([2, 3]), Tensor([0, 3]), ignoreIndex: -100)
        }
        #expect(stderrText(result).contains("crossEntropy: label 3 is out of range for 3 classes (input shape [2, 3])"))
    }

    @Test func probabilityTargetsMustHaveTheLogitsShape() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = crossEntropy(Tensor.zeros([2, 3]), Tensor.zeros([2, 4]))
        }
        #expect(stderrText(result).contains("crossEntropy: probability targets of shape [2, 4] must have the shape of the logits [2, 3]"))
    }

    @Test func nllLossLabelsMustMatchTheBatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = nllLoss(Tensor.zeros([2, 3]), Tensor([0, 1, 2]))
        }
        #expect(stderrText(result).contains("nllLoss: labels of shape [3] do not match input of shape [2, 3]"))
    }
}
