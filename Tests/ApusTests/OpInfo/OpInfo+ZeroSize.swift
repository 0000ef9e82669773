// Zero-sized tensors through the ops Apus had before the op set (cases in Scripts/opinfo/zerosize.py).
// These entries check values and gradients on empty shapes; gradcheck has nothing to perturb.

@testable import Apus

extension OpInfoTable {
    private static func reduction(_ a: OpArgs) -> Reduction {
        switch a.string("reduction") {
        case "sum": .sum
        case "none": .none
        default: .mean
        }
    }

    static let zeroSize: [OpInfo] = [
        .binary("zero.add", differentiable: false) { $0 + $1 },
        .binary("zero.subtract", differentiable: false) { $0 - $1 },
        .binary("zero.multiply", differentiable: false) { $0 * $1 },
        .binary("zero.divide", differentiable: false) { $0 / $1 },
        .binary("zero.pow", differentiable: false) { pow($0, $1) },
        .binary("zero.maximum", differentiable: false) { maximum($0, $1) },
        .binary("zero.minimum", differentiable: false) { minimum($0, $1) },
        .unary("zero.neg", differentiable: false) { -$0 },
        .unary("zero.abs", differentiable: false) { abs($0) },
        .unary("zero.exp", differentiable: false) { exp($0) },
        .unary("zero.log", differentiable: false) { log($0) },
        .unary("zero.sqrt", differentiable: false) { sqrt($0) },
        .unary("zero.tanh", differentiable: false) { tanh($0) },
        .unary("zero.sigmoid", differentiable: false) { sigmoid($0) },
        .unary("zero.relu", differentiable: false) { relu($0) },
        .unary("zero.leakyRelu", differentiable: false) { leakyRelu($0) },
        .unary("zero.elu", differentiable: false) { elu($0) },
        .unary("zero.selu", differentiable: false) { selu($0) },
        .unary("zero.gelu", differentiable: false) { gelu($0) },
        .unary("zero.silu", differentiable: false) { silu($0) },
        .unary("zero.clamp", differentiable: false) { clamp($0, min: -1, max: 1) },
        .binary("zero.prelu", differentiable: false) { prelu($0, weight: $1) },
        .binary("zero.lessThan", differentiable: false) { $0 .< $1 },
        .binary("zero.equal", differentiable: false) { $0 .== $1 },
        OpInfo("zero.where", differentiable: false) { x, _ in [`where`(x[0]!, x[1]!, x[2]!)] },
        .unary("zero.cast", differentiable: false) { $0.cast(to: .int32) },
        .binary("zero.matmul", differentiable: false) { matmul($0, $1) },
        OpInfo("zero.linear", differentiable: false) { x, _ in [linear(x[0]!, weight: x[1]!, bias: x[2])] },
        OpInfo("zero.conv2d", differentiable: false) { x, _ in [conv2d(x[0]!, weight: x[1]!, bias: x[2], padding: 1)] },
        .binary("zero.conv1d", differentiable: false) { conv1d($0, weight: $1) },
        .binary("zero.convTranspose2d", differentiable: false) { convTranspose2d($0, weight: $1, stride: 2) },
        .unary("zero.maxPool2d", differentiable: false) { maxPool2d($0, kernelSize: 2) },
        .unary("zero.avgPool2d", differentiable: false) { avgPool2d($0, kernelSize: 2) },
        .unary("zero.adaptiveAvgPool2d", differentiable: false) { adaptiveAvgPool2d($0, outputSize: 1) },
        OpInfo("zero.batchNormTraining", differentiable: false) { x, _ in
            [batchNorm(x[0]!, weight: x[1], bias: x[2], training: true)]
        },
        OpInfo("zero.batchNormEval", differentiable: false) { x, _ in
            [batchNorm(x[0]!, runningMean: Buffer(x[1]!), runningVar: Buffer(x[2]!), training: false)]
        },
        .unary("zero.layerNorm", differentiable: false) { layerNorm($0, normalizedShape: [3]) },
        .unary("zero.softmax", differentiable: false) { softmax($0, axis: 1) },
        .unary("zero.logSoftmax", differentiable: false) { logSoftmax($0, axis: 1) },
        .unary("zero.logSumExp", differentiable: false) { logSumExp($0, axis: 1) },
        OpInfo("zero.mseLoss", differentiable: false) { x, a in [mseLoss(x[0]!, x[1]!, reduction: reduction(a))] },
        OpInfo("zero.crossEntropy", differentiable: false) { x, a in [crossEntropy(x[0]!, x[1]!, reduction: reduction(a))] },
        OpInfo("zero.binaryCrossEntropyWithLogits", differentiable: false) { x, a in
            [binaryCrossEntropyWithLogits(x[0]!, x[1]!, reduction: reduction(a))]
        },
        .unary("zero.reshape", differentiable: false) { $0.reshape([3, 0, 2]) },
        OpInfo("zero.reshapeInfer", differentiable: false) { x, a in [x[0]!.reshape(a.ints("shape"))] },
        .unary("zero.permute", differentiable: false) { $0.permute([2, 0, 1]) },
        OpInfo("zero.concat", differentiable: false) { x, a in [concat([x[0]!, x[1]!], axis: x[1]!.shape[0] == 1 ? 0 : 1)] },
        .binary("zero.stack", differentiable: false) { stack([$0, $1], axis: 0) },
        OpInfo("zero.split", differentiable: false) { x, _ in x[0]!.split(size: 2, axis: 1) },
        OpInfo("zero.chunk", differentiable: false) { x, _ in x[0]!.chunk(2, axis: 0) },
        .binary("zero.indexSelect", differentiable: false) { $0.indexSelect(axis: 0, indices: $1) },
        .binary("zero.gather", differentiable: false) { $0.gather(axis: 1, index: $1) },
        OpInfo("zero.scatterAdd", differentiable: false) { x, _ in [x[0]!.scatterAdd(axis: 0, index: x[1]!, source: x[2]!)] },
        .unary("zero.oneHot", differentiable: false) { oneHot($0, classes: 4, dtype: .int64) },
        .unary("zero.upsample", differentiable: false) { upsample($0, scaleFactor: 2) },
    ]
}
