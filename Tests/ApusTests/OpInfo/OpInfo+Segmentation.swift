// Segmentation: the op table's entries (cases in Scripts/opinfo/segmentation.py): the Dice loss and
// its module, cross-entropy on [N, C, H, W] logits with void pixels and class weights. Its
// `interpolate` cases (bilinear to an explicit size) run through the entry in OpInfo+Spatial.swift.

@testable import Apus

extension OpInfoTable {
    static let segmentation: [OpInfo] = [
        OpInfo("diceLoss") { x, a in
            [diceLoss(x[0]!, x[1]!, smooth: a.double("smooth", default: 1), eps: a.double("eps", default: 1e-7),
                      ignoreIndex: a.int("ignore_index", default: -100))]
        },
        OpInfo("DiceLoss") { x, a in
            [DiceLoss(smooth: a.double("smooth", default: 1), eps: a.double("eps", default: 1e-7),
                      ignoreIndex: a.int("ignore_index", default: -100))(x[0]!, x[1]!)]
        },
        OpInfo("crossEntropy") { x, a in
            let reduction: Reduction = switch a.string("reduction", default: "mean") {
            case "sum": .sum
            case "none": .none
            default: .mean
            }
            return [crossEntropy(x[0]!, x[1]!, weight: x[2], ignoreIndex: a.int("ignore_index", default: -100),
                                 reduction: reduction, labelSmoothing: a.double("label_smoothing", default: 0))]
        },
    ]
}
