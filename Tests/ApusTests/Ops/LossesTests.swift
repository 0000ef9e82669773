import Foundation
import Testing
@testable import Apus

// Losses and distances beyond the op table's comparisons with PyTorch: what PyTorch leaves
// undefined (the mean loss of an empty batch of its margin kernels), where Apus deliberately
// differs (a soft margin that stays finite), properties that tie the ops together, and refusals
// that need a gradient-requiring operand (exit tests).

private func f64(_ values: [Double], _ shape: [Int]? = nil) -> Tensor {
    Tensor(shape: shape ?? [values.count], values: values, dtype: .float64)
}

private func maxAbsDifference(_ a: Tensor, _ b: Tensor) -> Double {
    zip(a.toDoubles(), b.toDoubles()).map { Swift.abs($0 - $1) }.max() ?? 0
}

@Suite struct LossesTests {
    /// PyTorch's margin kernels return uninitialised memory for the mean of an empty batch; Apus
    /// returns NaN, as PyTorch's other losses do (the mean of nothing), and 0 for the sum.
    @Test func marginLossesOfAnEmptyBatch() {
        let scores = Tensor.zeros([0, 4], dtype: .float64)
        let labels = Tensor(scalars: [Int64](), shape: [0]), lists = Tensor(scalars: [Int64](), shape: [0, 4])
        #expect(multiMarginLoss(scores, labels).item().isNaN)
        #expect(multiMarginLoss(scores, labels, reduction: .sum).item() == 0)
        #expect(multilabelMarginLoss(scores, lists).item().isNaN)
        #expect(multilabelMarginLoss(scores, lists, reduction: .sum).item() == 0)
        #expect(mseLoss(scores, scores).item().isNaN)
    }

    /// PyTorch's `log1p(exp(−y·x))` overflows to ∞ (and its gradient to NaN) once e^(−yx) leaves
    /// float32's range; Apus's stable softplus gives the loss, ≈ −y·x there, and gradient −y.
    @Test func softMarginLossStaysFiniteForLargeScores() {
        let x = Tensor(shape: [3], values: [-100, 100, 1000], dtype: .float32).requiringGrad()
        let y = Tensor(shape: [3], values: [1, -1, 1], dtype: .float32)
        let loss = softMarginLoss(x, y, reduction: .none)
        #expect(loss.toDoubles() == [100, 100, 0])
        loss.sum().backward()
        #expect(x.grad!.toDoubles() == [-1, 1, 0])
    }

    /// The KL divergence per sample: `.batchMean` is the mean over rows of Σ p·log(p/q).
    @Test func klDivBatchMeanIsTheDivergencePerSample() {
        let p = f64([0.5, 0.25, 0.25, 0.1, 0.2, 0.7], [2, 3]), q = f64([0.25, 0.25, 0.5, 0.3, 0.3, 0.4], [2, 3])
        let terms: [Double] = zip(p.toDoubles(), q.toDoubles()).map { $0 * Foundation.log($0 / $1) }
        let expected: Double = terms.reduce(0, +) / 2
        let (logP, logQ) = (p.log(), q.log())
        let batchMean: Double = klDiv(logQ, p, reduction: .batchMean).item()
        let withLogTarget: Double = klDiv(logQ, logP, reduction: .batchMean, logTarget: true).item()
        let mean: Double = klDiv(logQ, p).item()
        #expect(Swift.abs(batchMean - expected) < 1e-15)
        #expect(Swift.abs(withLogTarget - expected) < 1e-15)
        #expect(Swift.abs(mean - expected * 2 / 6) < 1e-15)
    }

    /// The matrix product and the differences give the same distances and gradients for points
    /// apart; coinciding rows are exactly 0 on both paths, with gradient 0 (the subgradient).
    @Test func cdistPathsAgree() {
        let g = RandomGenerator(seed: 7)
        let a = Tensor.randn([40, 5], dtype: .float64, generator: g), b = Tensor.randn([30, 5], dtype: .float64, generator: g)
        let b2 = concat([a[0..<1], b], axis: 0)
        let (am, bm) = (a.requiringGrad(), b2.requiringGrad())
        let (ad, bd) = (a.requiringGrad(), b2.requiringGrad())
        let viaMatmul = cdist(am, bm), direct = cdist(ad, bd, computeMode: .doNotUseMatmul)
        #expect(maxAbsDifference(viaMatmul, direct) < 1e-12)
        #expect(viaMatmul.value(at: [0, 0]) == 0 && direct.value(at: [0, 0]) == 0)
        (viaMatmul * viaMatmul.detached()).sum().backward()
        (direct * direct.detached()).sum().backward()
        #expect(maxAbsDifference(am.grad!, ad.grad!) < 1e-10)
        #expect(maxAbsDifference(bm.grad!, bd.grad!) < 1e-10)
    }

    /// cdist of p = 2 is pairwiseDistance of every pair without eps, batch axes included.
    @Test func cdistIsPairwiseDistanceOfEveryPair() {
        let g = RandomGenerator(seed: 8)
        let a = Tensor.randn([2, 3, 4], dtype: .float64, generator: g), b = Tensor.randn([2, 5, 4], dtype: .float64, generator: g)
        for p in [1.0, 2, 3, .infinity] {
            let all = cdist(a, b, p: p)
            let pairs = pairwiseDistance(a.unsqueezed(axis: 2), b.unsqueezed(axis: 1), p: p, eps: 0)
            #expect(all.shape == [2, 3, 5])
            #expect(maxAbsDifference(all, pairs) < 1e-12, "p = \(p)")
        }
    }

    @Test func softMarginLossRefusesATargetThatRequiresGradients() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = softMarginLoss(Tensor.zeros([3]), Tensor.ones([3]).requiringGrad())
        }
        #expect(stderrText(result).contains("softMarginLoss: not differentiable with respect to the target (shape [3])"))
    }

    @Test func multiMarginLossRefusesAWeightThatRequiresGradients() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = multiMarginLoss(Tensor.zeros([2, 3]), Tensor(scalars: [Int64(0), 2]), weight: Tensor.ones([3]).requiringGrad())
        }
        #expect(stderrText(result).contains("multiMarginLoss: not differentiable with respect to weight"))
    }

    @Test func cdistNamesTheMatrixProductForHalfPrecision() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = cdist(Tensor.zeros([3, 2], dtype: .float16), Tensor.zeros([4, 2], dtype: .float16))
        }
        let message = stderrText(result)
        #expect(message.contains("cdist: float16 distances are computed only through the matrix product"))
    }

    @Test func multilabelMarginLossNamesTheBadTarget() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = multilabelMarginLoss(Tensor.zeros([1, 3]), Tensor(scalars: [Int64(0), -1, 5], shape: [1, 3]))
        }
        #expect(stderrText(result).contains("multilabelMarginLoss: target 5 is out of range for 3 classes"))
    }
}
