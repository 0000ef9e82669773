// Gradcheck rows for normalisation (batch norm, layer norm, weight norm), dropout (plain,
// alpha, variational) and weight penalties. Random ops re-create their seeded generator inside
// `f`, so every evaluation draws the same mask or noise. Module parameters (a norm's weight and
// bias, weight norm's g and v, log α) are checked through the functional forms.

import Testing
@testable import Apus

extension GradcheckTests {
    static let regularizationFamily = GradcheckFamily(
        ops: [
            "batchNorm", "layerNorm", "weightNorm", "dropout", "alphaDropout", "variationalLinear",
            "variationalDropoutKL", "l1Penalty", "l2Penalty", "penalty",
            "BatchNorm1d", "BatchNorm2d", "LayerNorm", "WeightNorm", "Dropout", "AlphaDropout", "VariationalDropoutLinear",
        ],
        broadcasting: [],
        cases: normalizationCases + dropoutCases + penaltyCases)

    // MARK: Normalisation

    static let normalizationCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        // batchNorm in training mode: the batch statistics depend on x.
        c.append(plain("batchNorm", "training, [5,3] w.r.t. x, weight, bias") { g in
            [randn(g, [5, 3]) * 2 + 1, randn(g, [3]), randn(g, [3])]
        } f: { x in batchNorm(x[0], weight: x[1], bias: x[2], training: true) })
        c.append(plain("batchNorm", "training, [3,2,4] w.r.t. x, weight, bias, updating running stats") { g in
            [randn(g, [3, 2, 4]), randn(g, [2]), randn(g, [2])]
        } f: { x in
            let (mean, variance) = (Buffer(.zeros([2], dtype: .float64)), Buffer(.ones([2], dtype: .float64)))
            return batchNorm(x[0], runningMean: mean, runningVar: variance, weight: x[1], bias: x[2], training: true)
        })
        c.append(plain("batchNorm", "training, [2,3,2,2], no affine, eps 0.1") { g in [randn(g, [2, 3, 2, 2])] } f: { x in
            batchNorm(x[0], training: true, eps: 0.1)
        })
        c.append(plain("batchNorm", "evaluation with running statistics, [4,3]") { g in
            [randn(g, [4, 3]), randn(g, [3]), randn(g, [3])]
        } f: { x in
            let mean = Buffer(Tensor([0.5, -1.0, 0.2], dtype: .float64)), variance = Buffer(Tensor([2.0, 0.5, 1.5], dtype: .float64))
            return batchNorm(x[0], runningMean: mean, runningVar: variance, weight: x[1], bias: x[2], training: false)
        })
        c.append(strided("batchNorm", "training, x permuted [2,3,4] from [4,2,3], weight strided", [0, 1]) { g in
            [randn(g, [4, 2, 3]).permute([1, 2, 0]), randn(g, [6]).slice(axis: 0, step: 2), randn(g, [3])]
        } f: { x in batchNorm(x[0], weight: x[1], bias: x[2], training: true) })
        c.append(plain("BatchNorm1d", "training, [6,2] w.r.t. input") { g in [randn(g, [6, 2])] } f: { x in
            BatchNorm1d(2, dtype: .float64)(x[0])
        })
        c.append(strided("BatchNorm1d", "training, input x.T [4,3]", [0]) { g in [randn(g, [3, 4]).T] } f: { x in
            BatchNorm1d(3, momentum: nil, dtype: .float64)(x[0])
        })
        c.append(plain("BatchNorm2d", "training, [2,2,3,2] w.r.t. input") { g in [randn(g, [2, 2, 3, 2])] } f: { x in
            BatchNorm2d(2, dtype: .float64)(x[0])
        })
        c.append(strided("BatchNorm2d", "evaluation, permuted input", [0]) { g in [randn(g, [3, 2, 2, 2]).permute([1, 0, 3, 2])] } f: { x in
            let bn = BatchNorm2d(3, dtype: .float64)
            bn.runningMean!.value = Tensor([0.1, 0.2, -0.3], dtype: .float64)
            bn.eval()
            return bn(x[0])
        })

        // layerNorm
        c.append(plain("layerNorm", "[3,4] over [4] w.r.t. x, weight, bias") { g in
            [randn(g, [3, 4]) * 2, randn(g, [4]), randn(g, [4])]
        } f: { x in layerNorm(x[0], normalizedShape: [4], weight: x[1], bias: x[2]) })
        c.append(plain("layerNorm", "[2,3,4] over [3,4] w.r.t. x, weight, bias") { g in
            [randn(g, [2, 3, 4]), randn(g, [3, 4]), randn(g, [3, 4])]
        } f: { x in layerNorm(x[0], normalizedShape: [3, 4], weight: x[1], bias: x[2]) })
        c.append(plain("layerNorm", "no affine, eps 0.5") { g in [randn(g, [2, 5])] } f: { x in
            layerNorm(x[0], normalizedShape: [5], eps: 0.5)
        })
        c.append(strided("layerNorm", "x.T, weight strided slice", [0, 1]) { g in
            [randn(g, [4, 3]).T, randn(g, [8]).slice(axis: 0, step: 2), randn(g, [4])]
        } f: { x in layerNorm(x[0], normalizedShape: [4], weight: x[1], bias: x[2]) })
        c.append(plain("LayerNorm", "module [3,4], input [2,3,4]") { g in [randn(g, [2, 3, 4])] } f: { x in
            LayerNorm([3, 4], dtype: .float64)(x[0])
        })
        c.append(strided("LayerNorm", "module, input x.T", [0]) { g in [randn(g, [5, 2]).T] } f: { x in
            LayerNorm(5, dtype: .float64)(x[0])
        })

        // weightNorm: w = g·v/‖v‖ per output unit
        c.append(plain("weightNorm", "v [3,4], g [3,1]") { g in [randn(g, [3, 4]), positive(g, [3, 1])] } f: { x in weightNorm(x[0], x[1]) })
        c.append(plain("weightNorm", "conv-shaped v [2,3,2,2], g [2]") { g in [randn(g, [2, 3, 2, 2]), randn(g, [2])] } f: { x in
            weightNorm(x[0], x[1])
        })
        c.append(strided("weightNorm", "v = x.T, g strided", [0, 1]) { g in
            [randn(g, [4, 3]).T, randn(g, [3, 2]).slice(axis: 1, start: 0, end: 1)]
        } f: { x in weightNorm(x[0], x[1]) })
        @Sendable func wrapped() -> WeightNorm<Linear> { WeightNorm(Linear(3, 2, dtype: .float64, generator: RandomGenerator(seed: 4))) }
        c.append(plain("WeightNorm", "around Linear(3, 2), w.r.t. input [4,3]") { g in [randn(g, [4, 3])] } f: { x in wrapped()(x[0]) })
        c.append(strided("WeightNorm", "input x.T", [0]) { g in [randn(g, [3, 4]).T] } f: { x in wrapped()(x[0]) })
        return c
    }()

    // MARK: Dropout

    static let dropoutCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        c.append(plain("dropout", "p 0.3, seed 5, [4,5]") { g in [randn(g, [4, 5])] } f: { x in
            dropout(x[0], p: 0.3, generator: RandomGenerator(seed: 5))
        })
        c.append(strided("dropout", "p 0.5, x.T", [0]) { g in [randn(g, [5, 4]).T] } f: { x in
            dropout(x[0], generator: RandomGenerator(seed: 6))
        })
        c.append(plain("Dropout", "module p 0.2") { g in [randn(g, [3, 4])] } f: { x in Dropout(p: 0.2, generator: RandomGenerator(seed: 7))(x[0]) })
        c.append(strided("Dropout", "module, strided slice", [0]) { g in [strideSlice(g, 3, 4)] } f: { x in
            Dropout(p: 0.4, generator: RandomGenerator(seed: 8))(x[0])
        })
        c.append(plain("alphaDropout", "p 0.3, seed 5") { g in [randn(g, [4, 5])] } f: { x in
            alphaDropout(x[0], p: 0.3, generator: RandomGenerator(seed: 5))
        })
        c.append(strided("alphaDropout", "p 0.5, x.T", [0]) { g in [randn(g, [5, 4]).T] } f: { x in
            alphaDropout(x[0], generator: RandomGenerator(seed: 6))
        })
        c.append(plain("AlphaDropout", "module p 0.1") { g in [randn(g, [3, 4])] } f: { x in AlphaDropout(p: 0.1, generator: RandomGenerator(seed: 7))(x[0]) })
        c.append(strided("AlphaDropout", "module, permuted", [0]) { g in [randn(g, [2, 3, 2]).permute([2, 0, 1])] } f: { x in
            AlphaDropout(p: 0.2, generator: RandomGenerator(seed: 8))(x[0])
        })

        // Variational dropout: log α kept in [−3, −0.5], clear of the clamp at 0.
        @Sendable func logAlpha(_ g: RandomGenerator, _ shape: [Int]) -> Tensor { positive(g, shape, -3, -0.5) }
        c.append(plain("variationalLinear", "training, seed 9, w.r.t. x, W, b, log α") { g in
            [randn(g, [4, 3]), randn(g, [2, 3]), randn(g, [2]), logAlpha(g, [2, 3])]
        } f: { x in variationalLinear(x[0], weight: x[1], bias: x[2], logAlpha: x[3], generator: RandomGenerator(seed: 9)) })
        c.append(plain("variationalLinear", "evaluation: the mean") { g in
            [randn(g, [4, 3]), randn(g, [2, 3]), randn(g, [2]), logAlpha(g, [2, 3])]
        } f: { x in x[3].sum() * 0 + variationalLinear(x[0], weight: x[1], bias: x[2], logAlpha: x[3], training: false) })
        c.append(strided("variationalLinear", "x.T, W given as a transposed view, no bias", [0, 1]) { g in
            [randn(g, [3, 4]).T, randn(g, [3, 2]).T, logAlpha(g, [2, 3])]
        } f: { x in variationalLinear(x[0], weight: x[1], bias: nil, logAlpha: x[2], generator: RandomGenerator(seed: 10)) })
        c.append(plain("VariationalDropoutLinear", "module, training, w.r.t. input") { g in [randn(g, [3, 3])] } f: { x in
            VariationalDropoutLinear(3, 2, initialLogAlpha: -1, dtype: .float64, generator: RandomGenerator(seed: 11))(x[0])
        })
        c.append(strided("VariationalDropoutLinear", "module, input x.T", [0]) { g in [randn(g, [3, 2]).T] } f: { x in
            VariationalDropoutLinear(3, 2, dtype: .float64, generator: RandomGenerator(seed: 12))(x[0])
        })
        c.append(plain("variationalDropoutKL", "log α [2,3]") { g in [logAlpha(g, [2, 3])] } f: { x in variationalDropoutKL(logAlpha: x[0]) })
        c.append(strided("variationalDropoutKL", "log α x.T", [0]) { g in [logAlpha(g, [3, 2]).T] } f: { x in variationalDropoutKL(logAlpha: x[0]) })
        return c
    }()

    // MARK: Penalties

    static let penaltyCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        c.append(plain("l1Penalty", "two tensors") { g in [randn(g, [3, 4], avoiding: [0]), randn(g, [2], avoiding: [0])] } f: { x in l1Penalty([x[0], x[1]]) })
        c.append(strided("l1Penalty", "x.T", [0]) { g in [randn(g, [4, 3], avoiding: [0]).T] } f: { x in l1Penalty([x[0]]) })
        c.append(plain("l2Penalty", "two tensors") { g in [randn(g, [3, 4]), randn(g, [2])] } f: { x in l2Penalty([x[0], x[1]]) })
        c.append(strided("l2Penalty", "strided slice", [0]) { g in [strideSlice(g, 3, 4)] } f: { x in l2Penalty([x[0]]) })
        c.append(plain("penalty", "elastic net l1 0.3, l2 0.7") { g in [randn(g, [3, 4], avoiding: [0]), randn(g, [5], avoiding: [0])] } f: { x in
            penalty([x[0], x[1]], l1: 0.3, l2: 0.7)
        })
        c.append(strided("penalty", "elastic net, x.T", [0]) { g in [randn(g, [4, 3], avoiding: [0]).T] } f: { x in
            penalty([x[0]], l1: 0.5, l2: 0.25)
        })
        return c
    }()
}
