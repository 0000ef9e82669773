// Pooling: the op table's entries (cases in Scripts/opinfo/pool.py). Arguments carry Apus's
// names; a missing one is the op's default.

@testable import Apus

/// `[k]` or `[h, w]` as an `IntPair`.
private func pair(_ v: [Int]) -> IntPair { v.count == 1 ? IntPair(v[0]) : IntPair(v[0], v[1]) }
/// `[k]` or `[d, h, w]` as an `IntTriple`.
private func triple(_ v: [Int]) -> IntTriple { v.count == 1 ? IntTriple(v[0]) : IntTriple(v[0], v[1], v[2]) }

extension OpArgs {
    fileprivate var ceilMode: Bool { bool("ceilMode", default: false) }
    fileprivate var countIncludePad: Bool { bool("countIncludePad", default: true) }
}

extension OpInfoTable {
    static let pool: [OpInfo] = [
        // Max pooling.
        OpInfo("maxPool1d") { x, a in
            [maxPool1d(x[0]!, kernelSize: a.int("kernelSize"), stride: a.optionalInt("stride"), padding: a.int("padding", default: 0),
                       dilation: a.int("dilation", default: 1), ceilMode: a.ceilMode)]
        },
        OpInfo("maxPool1dWithIndices") { x, a in
            let r = maxPool1dWithIndices(x[0]!, kernelSize: a.int("kernelSize"), stride: a.optionalInt("stride"),
                                         padding: a.int("padding", default: 0), dilation: a.int("dilation", default: 1),
                                         ceilMode: a.ceilMode)
            return [r.values, r.indices]
        },
        OpInfo("maxPool2d") { x, a in
            [maxPool2d(x[0]!, kernelSize: pair(a.ints("kernelSize")), stride: a.optionalInts("stride").map(pair),
                       padding: pair(a.optionalInts("padding") ?? [0]), dilation: pair(a.optionalInts("dilation") ?? [1]),
                       ceilMode: a.ceilMode)]
        },
        OpInfo("maxPool2dWithIndices") { x, a in
            let r = maxPool2dWithIndices(x[0]!, kernelSize: pair(a.ints("kernelSize")), stride: a.optionalInts("stride").map(pair),
                                         padding: pair(a.optionalInts("padding") ?? [0]),
                                         dilation: pair(a.optionalInts("dilation") ?? [1]), ceilMode: a.ceilMode)
            return [r.values, r.indices]
        },
        OpInfo("maxPool3d") { x, a in
            [maxPool3d(x[0]!, kernelSize: triple(a.ints("kernelSize")), stride: a.optionalInts("stride").map(triple),
                       padding: triple(a.optionalInts("padding") ?? [0]), dilation: triple(a.optionalInts("dilation") ?? [1]),
                       ceilMode: a.ceilMode)]
        },
        OpInfo("maxPool3dWithIndices") { x, a in
            let r = maxPool3dWithIndices(x[0]!, kernelSize: triple(a.ints("kernelSize")), stride: a.optionalInts("stride").map(triple),
                                         padding: triple(a.optionalInts("padding") ?? [0]),
                                         dilation: triple(a.optionalInts("dilation") ?? [1]), ceilMode: a.ceilMode)
            return [r.values, r.indices]
        },

        // Average pooling.
        OpInfo("avgPool1d") { x, a in
            [avgPool1d(x[0]!, kernelSize: a.int("kernelSize"), stride: a.optionalInt("stride"), padding: a.int("padding", default: 0),
                       ceilMode: a.ceilMode, countIncludePad: a.countIncludePad)]
        },
        OpInfo("avgPool2d") { x, a in
            [avgPool2d(x[0]!, kernelSize: pair(a.ints("kernelSize")), stride: a.optionalInts("stride").map(pair),
                       padding: pair(a.optionalInts("padding") ?? [0]), ceilMode: a.ceilMode, countIncludePad: a.countIncludePad,
                       divisorOverride: a.optionalInt("divisorOverride"))]
        },
        OpInfo("avgPool3d") { x, a in
            [avgPool3d(x[0]!, kernelSize: triple(a.ints("kernelSize")), stride: a.optionalInts("stride").map(triple),
                       padding: triple(a.optionalInts("padding") ?? [0]), ceilMode: a.ceilMode, countIncludePad: a.countIncludePad,
                       divisorOverride: a.optionalInt("divisorOverride"))]
        },

        // Power-average pooling.
        OpInfo("lpPool1d") { x, a in
            [lpPool1d(x[0]!, normType: a.double("normType"), kernelSize: a.int("kernelSize"), stride: a.optionalInt("stride"),
                      ceilMode: a.ceilMode)]
        },
        OpInfo("lpPool2d") { x, a in
            [lpPool2d(x[0]!, normType: a.double("normType"), kernelSize: pair(a.ints("kernelSize")),
                      stride: a.optionalInts("stride").map(pair), ceilMode: a.ceilMode)]
        },
        OpInfo("lpPool3d") { x, a in
            [lpPool3d(x[0]!, normType: a.double("normType"), kernelSize: triple(a.ints("kernelSize")),
                      stride: a.optionalInts("stride").map(triple), ceilMode: a.ceilMode)]
        },

        // Adaptive pooling.
        OpInfo("adaptiveAvgPool1d") { x, a in [adaptiveAvgPool1d(x[0]!, outputSize: a.int("outputSize"))] },
        OpInfo("adaptiveAvgPool2d") { x, a in [adaptiveAvgPool2d(x[0]!, outputSize: pair(a.ints("outputSize")))] },
        OpInfo("adaptiveAvgPool3d") { x, a in [adaptiveAvgPool3d(x[0]!, outputSize: triple(a.ints("outputSize")))] },
        OpInfo("adaptiveMaxPool1d") { x, a in [adaptiveMaxPool1d(x[0]!, outputSize: a.int("outputSize"))] },
        OpInfo("adaptiveMaxPool2d") { x, a in [adaptiveMaxPool2d(x[0]!, outputSize: pair(a.ints("outputSize")))] },
        OpInfo("adaptiveMaxPool3d") { x, a in [adaptiveMaxPool3d(x[0]!, outputSize: triple(a.ints("outputSize")))] },
        OpInfo("adaptiveMaxPool1dWithIndices") { x, a in
            let r = adaptiveMaxPool1dWithIndices(x[0]!, outputSize: a.int("outputSize"))
            return [r.values, r.indices]
        },
        OpInfo("adaptiveMaxPool2dWithIndices") { x, a in
            let r = adaptiveMaxPool2dWithIndices(x[0]!, outputSize: pair(a.ints("outputSize")))
            return [r.values, r.indices]
        },
        OpInfo("adaptiveMaxPool3dWithIndices") { x, a in
            let r = adaptiveMaxPool3dWithIndices(x[0]!, outputSize: triple(a.ints("outputSize")))
            return [r.values, r.indices]
        },

        // Max unpooling.
        OpInfo("maxUnpool1d") { x, a in
            [maxUnpool1d(x[0]!, indices: x[1]!, kernelSize: a.int("kernelSize"), stride: a.optionalInt("stride"),
                         padding: a.int("padding", default: 0), outputSize: a.optionalInts("outputSize"))]
        },
        OpInfo("maxUnpool2d") { x, a in
            [maxUnpool2d(x[0]!, indices: x[1]!, kernelSize: pair(a.ints("kernelSize")), stride: a.optionalInts("stride").map(pair),
                         padding: pair(a.optionalInts("padding") ?? [0]), outputSize: a.optionalInts("outputSize"))]
        },
        OpInfo("maxUnpool3d") { x, a in
            [maxUnpool3d(x[0]!, indices: x[1]!, kernelSize: triple(a.ints("kernelSize")), stride: a.optionalInts("stride").map(triple),
                         padding: triple(a.optionalInts("padding") ?? [0]), outputSize: a.optionalInts("outputSize"))]
        },
    ]
}
