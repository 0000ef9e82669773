import Testing
@testable import Apus

// The loss and distance modules: PyTorch's defaults, the same result as their functions with the
// options they store, and no state of their own.

private let g = RandomGenerator(seed: 11)
private func randn(_ shape: [Int]) -> Tensor { Tensor.randn(shape, dtype: .float64, generator: g) }
private func positive(_ shape: [Int]) -> Tensor { Tensor.rand(shape, dtype: .float64, generator: g) + 0.1 }
private func signs(_ n: Int) -> Tensor { Tensor(shape: [n], values: (0..<n).map { $0 % 3 == 0 ? -1 : 1 }, dtype: .float64) }

@Suite struct LossModuleTests {
    @Test func defaultsAreTorchs() {
        let kl = KLDivLoss()
        #expect(kl.reduction == .mean && !kl.logTarget)
        let poisson = PoissonNLLLoss()
        #expect(poisson.logInput && !poisson.full && poisson.eps == 1e-8 && poisson.reduction == .mean)
        let gaussian = GaussianNLLLoss()
        #expect(!gaussian.full && gaussian.eps == 1e-6 && gaussian.reduction == .mean)
        #expect(HingeEmbeddingLoss().margin == 1 && MarginRankingLoss().margin == 0 && CosineEmbeddingLoss().margin == 0)
        let triplet = TripletMarginLoss()
        #expect(triplet.margin == 1 && triplet.p == 2 && triplet.eps == 1e-6 && !triplet.swap)
        let multi = MultiMarginLoss()
        #expect(multi.p == 1 && multi.margin == 1 && multi.weight == nil)
        #expect(MultiLabelSoftMarginLoss().weight == nil && SoftMarginLoss().reduction == .mean && MultiLabelMarginLoss().reduction == .mean)
        let cosine = CosineSimilarity()
        #expect(cosine.axis == 1 && cosine.eps == 1e-8)
        let pairwise = PairwiseDistance()
        #expect(pairwise.p == 2 && pairwise.eps == 1e-6 && !pairwise.keepDims)
    }

    @Test func modulesComputeTheirFunctions() {
        let x = randn([4, 3]), y = randn([4, 3]), z = randn([4, 3])
        let logq = logSoftmax(x, axis: 1), p = softmax(y, axis: 1)
        #expect(KLDivLoss(reduction: .batchMean)(logq, p) == klDiv(logq, p, reduction: .batchMean))
        #expect(KLDivLoss(logTarget: true)(logq, log(p)) == klDiv(logq, log(p), logTarget: true))
        let rate = positive([4, 3]), counts = positive([4, 3]) * 4
        #expect(PoissonNLLLoss(logInput: false, full: true, eps: 1e-3)(rate, counts)
                == poissonNLLLoss(rate, counts, logInput: false, full: true, eps: 1e-3))
        let variance = positive([4, 3])
        #expect(GaussianNLLLoss(full: true, eps: 1e-3, reduction: .sum)(x, y, variance: variance)
                == gaussianNLLLoss(x, y, variance: variance, full: true, eps: 1e-3, reduction: .sum))
        #expect(GaussianNLLLoss()(x, y, variance: 0.5) == gaussianNLLLoss(x, y, variance: 0.5))
        let s = signs(4)
        #expect(SoftMarginLoss(reduction: .none)(x[.all, 0], s) == softMarginLoss(x[.all, 0], s, reduction: .none))
        let w = positive([3])
        #expect(MultiLabelSoftMarginLoss(weight: w)(x, p) == multilabelSoftMarginLoss(x, p, weight: w))
        #expect(HingeEmbeddingLoss(margin: 0.5)(rate[.all, 0], s) == hingeEmbeddingLoss(rate[.all, 0], s, margin: 0.5))
        #expect(MarginRankingLoss(margin: 0.2)(x[.all, 0], y[.all, 0], s) == marginRankingLoss(x[.all, 0], y[.all, 0], s, margin: 0.2))
        #expect(CosineEmbeddingLoss(margin: 0.1)(x, y, s) == cosineEmbeddingLoss(x, y, s, margin: 0.1))
        #expect(TripletMarginLoss(margin: 2, p: 1, swap: true)(x, y, z) == tripletMarginLoss(x, y, z, margin: 2, p: 1, swap: true))
        let labels = Tensor(scalars: [Int64(0), 2, 1, 2])
        #expect(MultiMarginLoss(p: 2, margin: 0.5, weight: w)(x, labels) == multiMarginLoss(x, labels, p: 2, margin: 0.5, weight: w))
        let lists = Tensor(scalars: [Int64(0), -1, 1, 2, 1, -1, 0, 0, 0, 1, 2, -1], shape: [4, 3])
        #expect(MultiLabelMarginLoss(reduction: .sum)(x, lists) == multilabelMarginLoss(x, lists, reduction: .sum))
        #expect(CosineSimilarity(axis: 0, eps: 1e-3)(x, y) == cosineSimilarity(x, y, axis: 0, eps: 1e-3))
        #expect(PairwiseDistance(p: 3, eps: 0, keepDims: true)(x, y) == pairwiseDistance(x, y, p: 3, eps: 0, keepDims: true))
    }

    /// Like PyTorch's, the modules learn nothing; a class weight is an option, not a parameter.
    @Test func modulesHoldNoParameters() {
        let modules: [Module] = [KLDivLoss(), PoissonNLLLoss(), GaussianNLLLoss(), SoftMarginLoss(),
                                 MultiLabelSoftMarginLoss(weight: Tensor.ones([3])), HingeEmbeddingLoss(), MarginRankingLoss(),
                                 CosineEmbeddingLoss(), TripletMarginLoss(), MultiMarginLoss(weight: Tensor.ones([3])),
                                 MultiLabelMarginLoss(), CosineSimilarity(), PairwiseDistance()]
        for module in modules { #expect(module.parameters().isEmpty, "\(type(of: module))") }
    }

    @Test func multiMarginLossRefusesAnExponentOtherThanOneOrTwo() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = MultiMarginLoss(p: 3)
        }
        #expect(stderrText(result).contains("MultiMarginLoss: p must be 1 or 2, got 3"))
    }
}
