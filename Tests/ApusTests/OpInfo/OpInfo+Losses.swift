// Losses and distances: the op table's entries (cases in Scripts/opinfo/losses.py). Arguments
// arrive under PyTorch's keyword names with PyTorch's defaults.

@testable import Apus

extension OpInfoTable {
    /// PyTorch's `reduction` string as a ``Reduction``.
    private static func reduction(_ a: OpArgs) -> Reduction {
        switch a.string("reduction", default: "mean") {
        case "sum": .sum
        case "none": .none
        default: .mean
        }
    }

    private static func klReduction(_ a: OpArgs) -> KLDivReduction {
        switch a.string("reduction", default: "mean") {
        case "batchmean": .batchMean
        case "sum": .sum
        case "none": .none
        default: .mean
        }
    }

    private static func computeMode(_ a: OpArgs) -> CDistComputeMode {
        switch a.string("compute_mode", default: "use_mm_for_euclid_dist_if_necessary") {
        case "use_mm_for_euclid_dist": .useMatmul
        case "donot_use_mm_for_euclid_dist": .doNotUseMatmul
        default: .useMatmulIfNecessary
        }
    }

    static let losses: [OpInfo] = [
        OpInfo("klDiv") { x, a in
            [klDiv(x[0]!, x[1]!, reduction: klReduction(a), logTarget: a.bool("log_target", default: false))]
        },
        OpInfo("poissonNLLLoss") { x, a in
            [poissonNLLLoss(x[0]!, x[1]!, logInput: a.bool("log_input", default: true), full: a.bool("full", default: false),
                            eps: a.double("eps", default: 1e-8), reduction: reduction(a))]
        },
        OpInfo("gaussianNLLLoss") { x, a in
            let (full, eps) = (a.bool("full", default: false), a.double("eps", default: 1e-6))
            if a.has("var") {
                return [gaussianNLLLoss(x[0]!, x[1]!, variance: a.double("var"), full: full, eps: eps, reduction: reduction(a))]
            }
            return [gaussianNLLLoss(x[0]!, x[1]!, variance: x[2]!, full: full, eps: eps, reduction: reduction(a))]
        },
        OpInfo("softMarginLoss") { x, a in [softMarginLoss(x[0]!, x[1]!, reduction: reduction(a))] },
        OpInfo("multilabelSoftMarginLoss") { x, a in
            [multilabelSoftMarginLoss(x[0]!, x[1]!, weight: x[2], reduction: reduction(a))]
        },
        OpInfo("hingeEmbeddingLoss") { x, a in
            [hingeEmbeddingLoss(x[0]!, x[1]!, margin: a.double("margin", default: 1), reduction: reduction(a))]
        },
        OpInfo("marginRankingLoss") { x, a in
            [marginRankingLoss(x[0]!, x[1]!, x[2]!, margin: a.double("margin", default: 0), reduction: reduction(a))]
        },
        OpInfo("cosineEmbeddingLoss") { x, a in
            [cosineEmbeddingLoss(x[0]!, x[1]!, x[2]!, margin: a.double("margin", default: 0), reduction: reduction(a))]
        },
        OpInfo("tripletMarginLoss") { x, a in
            [tripletMarginLoss(x[0]!, x[1]!, x[2]!, margin: a.double("margin", default: 1), p: a.double("p", default: 2),
                               eps: a.double("eps", default: 1e-6), swap: a.bool("swap", default: false), reduction: reduction(a))]
        },
        OpInfo("multiMarginLoss") { x, a in
            [multiMarginLoss(x[0]!, x[1]!, p: a.int("p", default: 1), margin: a.double("margin", default: 1), weight: x[2],
                             reduction: reduction(a))]
        },
        OpInfo("multilabelMarginLoss") { x, a in [multilabelMarginLoss(x[0]!, x[1]!, reduction: reduction(a))] },
        OpInfo("cosineSimilarity") { x, a in
            [cosineSimilarity(x[0]!, x[1]!, axis: a.int("dim", default: 1), eps: a.double("eps", default: 1e-8))]
        },
        OpInfo("pairwiseDistance") { x, a in
            [pairwiseDistance(x[0]!, x[1]!, p: a.double("p", default: 2), eps: a.double("eps", default: 1e-6),
                              keepDims: a.bool("keepdim", default: false))]
        },
        OpInfo("cdist") { x, a in [cdist(x[0]!, x[1]!, p: a.double("p", default: 2), computeMode: computeMode(a))] },
        OpInfo("mseLoss") { x, a in [mseLoss(x[0]!, x[1]!, reduction: reduction(a))] },
        OpInfo("l1Loss") { x, a in [l1Loss(x[0]!, x[1]!, reduction: reduction(a))] },
        OpInfo("huberLoss") { x, a in [huberLoss(x[0]!, x[1]!, delta: a.double("delta", default: 1), reduction: reduction(a))] },
        OpInfo("smoothL1Loss") { x, a in [smoothL1Loss(x[0]!, x[1]!, beta: a.double("beta", default: 1), reduction: reduction(a))] },
    ]
}
