// Layers and functions: the op table's entries (cases in Scripts/opinfo/layers.py).

@testable import Apus

extension OpInfoTable {
    static let layers: [OpInfo] = normalization + activations + dropouts + embeddings

    private static let normalization: [OpInfo] = [
        OpInfo("groupNorm") { x, a in
            [groupNorm(x[0]!, numGroups: a.int("numGroups"), weight: x[1], bias: x[2], eps: a.double("eps", default: 1e-5))]
        },
        // PyTorch updates the running statistics in place: they are outputs 2 and 3 when given.
        OpInfo("instanceNorm") { x, a in
            let runningMean = x[1].map { Buffer($0.detached()) }, runningVar = x[2].map { Buffer($0.detached()) }
            let out = instanceNorm(x[0]!, runningMean: runningMean, runningVar: runningVar, weight: x[3], bias: x[4],
                                   useInputStats: a.bool("useInputStats", default: true), momentum: a.double("momentum", default: 0.1),
                                   eps: a.double("eps", default: 1e-5))
            return [out] + [runningMean?.value, runningVar?.value].compactMap { $0 }
        },
        OpInfo("layerNorm") { x, a in
            [layerNorm(x[0]!, normalizedShape: a.ints("normalizedShape"), weight: x[1], bias: x[2], eps: a.double("eps", default: 1e-5))]
        },
        OpInfo("rmsNorm") { x, a in
            [rmsNorm(x[0]!, normalizedShape: a.ints("normalizedShape"), weight: x[1], eps: a.optionalDouble("eps"))]
        },
    ]

    private static let activations: [OpInfo] = [
        OpInfo("softplus") { x, a in [softplus(x[0]!, beta: a.double("beta", default: 1), threshold: a.double("threshold", default: 20))] },
        .unary("softsign") { softsign($0) },
        .unary("hardsigmoid") { hardsigmoid($0) },
        .unary("hardswish") { hardswish($0) },
        .unary("mish") { mish($0) },
        .unary("logsigmoid") { logsigmoid($0) },
        OpInfo("celu") { x, a in [celu(x[0]!, alpha: a.double("alpha", default: 1))] },
        .unary("relu6") { relu6($0) },
        OpInfo("glu") { x, a in [glu(x[0]!, axis: a.int("axis", default: -1))] },
        OpInfo("threshold") { x, a in [threshold(x[0]!, threshold: a.double("threshold"), value: a.double("value"))] },
        OpInfo("softshrink") { x, a in [softshrink(x[0]!, lambda: a.double("lambda", default: 0.5))] },
        OpInfo("hardshrink") { x, a in [hardshrink(x[0]!, lambda: a.double("lambda", default: 0.5))] },
        .unary("tanhshrink") { tanhshrink($0) },
        OpInfo("softmin") { x, a in [softmin(x[0]!, axis: a.int("axis"))] },
    ]

    /// Only the deterministic cases: evaluation, p = 0, p = 1 (random masks are checked by statistics in ChannelDropoutTests).
    private static let dropouts: [OpInfo] = [
        OpInfo("dropout1d") { x, a in [dropout1d(x[0]!, p: a.double("p"), training: a.bool("training"))] },
        OpInfo("dropout2d") { x, a in [dropout2d(x[0]!, p: a.double("p"), training: a.bool("training"))] },
        OpInfo("dropout3d") { x, a in [dropout3d(x[0]!, p: a.double("p"), training: a.bool("training"))] },
    ]

    private static let embeddings: [OpInfo] = [
        OpInfo("embedding") { x, a in
            [embedding(x[0]!, weight: x[1]!, paddingIdx: a.optionalInt("paddingIdx"), maxNorm: a.optionalDouble("maxNorm"),
                       normType: a.double("normType", default: 2), scaleGradByFreq: a.bool("scaleGradByFreq", default: false))]
        },
        OpInfo("embeddingBag") { x, a in
            let modes: [String: EmbeddingBagMode] = ["sum": .sum, "mean": .mean, "max": .max]
            let mode = modes[a.string("mode", default: "mean")]!
            return [embeddingBag(x[0]!, weight: x[1]!, offsets: x[2], maxNorm: a.optionalDouble("maxNorm"),
                                 normType: a.double("normType", default: 2), scaleGradByFreq: a.bool("scaleGradByFreq", default: false),
                                 mode: mode, perSampleWeights: x[3], includeLastOffset: a.bool("includeLastOffset", default: false),
                                 paddingIdx: a.optionalInt("paddingIdx"))]
        },
    ]
}
