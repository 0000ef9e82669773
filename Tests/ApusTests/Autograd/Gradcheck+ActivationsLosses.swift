// Gradcheck rows for the activations (Ops/Activation.swift, NN/Activations.swift) and the losses
// (Ops/Loss.swift, NN/Losses.swift) added for the course: step, leakyRelu, prelu, elu, selu, gelu,
// silu, hardtanh and their modules; L1, Huber, smooth L1, BCE, BCE with logits, NLL, and
// cross-entropy's options (also on [N, C, d1, …] inputs).

import Testing
@testable import Apus

extension GradcheckTests {
    static let activationsLossesFamily = GradcheckFamily(
        ops: [
            "step", "leakyRelu", "prelu", "elu", "selu", "gelu", "silu", "hardtanh",
            "Step", "LeakyReLU", "PReLU", "ELU", "SELU", "GELU", "SiLU", "Hardtanh", "Softmax", "LogSoftmax",
            "l1Loss", "huberLoss", "smoothL1Loss", "binaryCrossEntropy", "binaryCrossEntropyWithLogits", "nllLoss",
            "L1Loss", "HuberLoss", "SmoothL1Loss", "BCELoss", "BCEWithLogitsLoss", "NLLLoss",
        ],
        broadcasting: ["prelu", "l1Loss", "huberLoss", "smoothL1Loss", "binaryCrossEntropy", "binaryCrossEntropyWithLogits",
                       "L1Loss", "HuberLoss", "SmoothL1Loss"],
        cases: activationCases + lossCases)

    // MARK: Activations

    static let activationCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        // Elementwise activations; inputs stay 0.15 away from the kink at 0.
        let unary: [(String, @Sendable (Tensor) -> Tensor)] = [
            ("step", { step($0) }), ("leakyRelu", { leakyRelu($0) }), ("elu", { elu($0) }), ("selu", { selu($0) }),
            ("gelu", { gelu($0) }), ("silu", { silu($0) }),
            ("Step", { Step()($0) }), ("LeakyReLU", { LeakyReLU(negativeSlope: 0.2)($0) }), ("ELU", { ELU(alpha: 0.7)($0) }),
            ("SELU", { SELU()($0) }), ("GELU", { GELU(approximate: .tanh)($0) }), ("SiLU", { SiLU()($0) }),
            ("Softmax", { Softmax(axis: 0)($0) }), ("LogSoftmax", { LogSoftmax()($0) }),
        ]
        for (op, fn) in unary {
            c.append(plain(op, "[3,4], 2·randn") { g in [randn(g, [3, 4], avoiding: [0]) * 2] } f: { fn($0[0]) })
            c.append(strided(op, "x.T", [0]) { g in [randn(g, [4, 3], avoiding: [0]).T] } f: { fn($0[0]) })
            c.append(strided(op, "strided slice", [0]) { g in [randn(g, [3, 8], avoiding: [0]).slice(axis: 1, start: 1, step: 2)] } f: { fn($0[0]) })
        }
        // Options and methods.
        c.append(plain("leakyRelu", "negativeSlope 0.3, method form") { g in [randn(g, [2, 5], avoiding: [0])] } f: { $0[0].leakyRelu(negativeSlope: 0.3) })
        c.append(plain("elu", "alpha 0.5") { g in [randn(g, [2, 5], avoiding: [0])] } f: { elu($0[0], alpha: 0.5) })
        c.append(plain("elu", "alpha 2, method form") { g in [randn(g, [2, 5], avoiding: [0]) * 3] } f: { $0[0].elu(alpha: 2) })
        c.append(plain("gelu", "approximate tanh") { g in [randn(g, [2, 5]) * 2] } f: { gelu($0[0], approximate: .tanh) })
        c.append(plain("gelu", "exact near 0, method form") { g in [randn(g, [6]) * 0.1] } f: { $0[0].gelu() })
        c.append(plain("silu", "large inputs ±20") { g in [randn(g, [6]) * 20] } f: { $0[0].silu() })
        c.append(plain("selu", "method form, 0-d") { g in [randn(g, [], avoiding: [0])] } f: { $0[0].selu() })
        // hardtanh: inputs 0.15 away from the bounds, where the gradient jumps.
        c.append(plain("hardtanh", "[3,4], default bounds ±1") { g in [randn(g, [3, 4], avoiding: [-1, 1])] } f: { hardtanh($0[0]) })
        c.append(plain("hardtanh", "min -0.5, max 2, method form") { g in [randn(g, [2, 5], avoiding: [-0.5, 2])] } f: { x in
            x[0].hardtanh(min: -0.5, max: 2)
        })
        c.append(strided("hardtanh", "x.T, min 0, max 6 (ReLU6)", [0]) { g in [(randn(g, [4, 3], avoiding: [-0.25, 1.25]) * 4 + 1).T] } f: { x in
            hardtanh(x[0], min: 0, max: 6)
        })
        c.append(plain("Hardtanh", "module, min -2, max 0.5") { g in [randn(g, [3, 4], avoiding: [-1, 0.25]) * 2] } f: { x in
            Hardtanh(min: -2, max: 0.5)(x[0])
        })
        c.append(strided("Hardtanh", "module, strided slice", [0]) { g in
            [randn(g, [3, 8], avoiding: [-1, 1]).slice(axis: 1, start: 1, step: 2)]
        } f: { x in Hardtanh()(x[0]) })
        c.append(plain("step", "method form, then a product (gradient 0)") { g in [randn(g, [5], avoiding: [0])] } f: { x in
            x[0].step() * x[0]
        })

        // prelu w.r.t. input and weight: one shared slope, or one per channel along axis 1.
        c.append(plain("prelu", "shared weight [1], x [3,4]") { g in [randn(g, [3, 4], avoiding: [0]), positive(g, [1], 0.1, 0.5)] } f: { x in
            prelu(x[0], weight: x[1])
        })
        c.append(plain("prelu", "shared negative weight, x [5]") { g in [randn(g, [5], avoiding: [0]), randn(g, [1])] } f: { x in
            prelu(x[0], weight: x[1])
        })
        c.append(broadcast("prelu", "per channel weight [3], x [2,3,4]") { g in [randn(g, [2, 3, 4], avoiding: [0]), randn(g, [3])] } f: { x in
            prelu(x[0], weight: x[1])
        })
        c.append(broadcast("prelu", "per channel weight [4], x [3,4]") { g in [randn(g, [3, 4], avoiding: [0]), randn(g, [4])] } f: { x in
            prelu(x[0], weight: x[1])
        })
        c.append(broadcast("prelu", "per channel weight [3], 1-D x [3]") { g in [randn(g, [3], avoiding: [0]), randn(g, [3])] } f: { x in
            prelu(x[0], weight: x[1])
        })
        c.append(plain("prelu", "w.r.t. weight only", grad: [false, true]) { g in [randn(g, [2, 3, 2], avoiding: [0]), randn(g, [3])] } f: { x in
            prelu(x[0], weight: x[1])
        })
        c.append(strided("prelu", "permuted x [2,3,4], strided weight [3]", [0, 1]) { g in
            [randn(g, [3, 4, 2], avoiding: [0]).permute([2, 0, 1]), randn(g, [6]).slice(axis: 0, step: 2)]
        } f: { x in prelu(x[0], weight: x[1]) })
        // The module w.r.t. its input (slopes fixed).
        c.append(plain("PReLU", "numParameters 1, default 0.25") { g in [randn(g, [3, 4], avoiding: [0])] } f: { x in
            PReLU(dtype: .float64)(x[0])
        })
        c.append(plain("PReLU", "numParameters 3, initialValue -0.5, x [2,3,2]") { g in [randn(g, [2, 3, 2], avoiding: [0])] } f: { x in
            PReLU(numParameters: 3, initialValue: -0.5, dtype: .float64)(x[0])
        })
        c.append(strided("PReLU", "numParameters 3, x.T [4,3]", [0]) { g in [randn(g, [3, 4], avoiding: [0]).T] } f: { x in
            PReLU(numParameters: 3, dtype: .float64)(x[0])
        })
        return c
    }()

    // MARK: Losses

    static let lossCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        let reductions: [(String, Reduction)] = [("mean", .mean), ("sum", .sum), ("none", .none)]
        for (label, r) in reductions {
            // L1: prediction and target never closer than 0.15 (no kink at p = t).
            c.append(plain("l1Loss", "reduction \(label), [3,4]") { g in [lattice(g, [3, 4], offset: 0), lattice(g, [3, 4], offset: 0.25)] } f: { x in
                l1Loss(x[0], x[1], reduction: r)
            })
            c.append(plain("huberLoss", "reduction \(label), [3,4], 2·randn") { g in [randn(g, [3, 4]) * 2, randn(g, [3, 4])] } f: { x in
                huberLoss(x[0], x[1], reduction: r)
            })
            c.append(plain("smoothL1Loss", "reduction \(label), [3,4], 2·randn") { g in [randn(g, [3, 4]) * 2, randn(g, [3, 4])] } f: { x in
                smoothL1Loss(x[0], x[1], reduction: r)
            })
            c.append(plain("crossEntropy", "[N,C,H,W] logits, [N,H,W] labels with -100, weight, labelSmoothing, reduction \(label)") { g in
                [randn(g, [2, 3, 2, 3]), indices([0, 2, -100, 1, 1, 0, 2, -100, 0, 1, 2, 2], [2, 2, 3]), positive(g, [3])]
            } f: { x in crossEntropy(x[0], x[1], weight: x[2], reduction: r, labelSmoothing: 0.1) })
            c.append(plain("nllLoss", "[N,C,L] input, [N,L] labels with -100, weight, reduction \(label)") { g in
                [randn(g, [2, 3, 4]), indices([0, 2, -100, 1, 1, 0, 2, -100], [2, 4]), positive(g, [3])]
            } f: { x in nllLoss(x[0], x[1], weight: x[2], reduction: r) })
            c.append(plain("binaryCrossEntropy", "reduction \(label), [3,4], soft targets") { g in
                [positive(g, [3, 4], 0.05, 0.95), positive(g, [3, 4], 0, 1)]
            } f: { x in binaryCrossEntropy(x[0], x[1], reduction: r) })
            c.append(plain("binaryCrossEntropyWithLogits", "reduction \(label), [3,4], soft targets") { g in
                [randn(g, [3, 4]) * 3, positive(g, [3, 4], 0, 1)]
            } f: { x in binaryCrossEntropyWithLogits(x[0], x[1], reduction: r) })
            c.append(plain("nllLoss", "reduction \(label), [4,3]") { g in [randn(g, [4, 3]), indices([2, 0, 2, 1])] } f: { x in
                nllLoss(x[0], x[1], reduction: r)
            })
            c.append(plain("crossEntropy", "weight, reduction \(label)") { g in [randn(g, [4, 3]), indices([2, 0, 2, 1]), positive(g, [3])] } f: { x in
                crossEntropy(x[0], x[1], weight: x[2], reduction: r)
            })
            c.append(plain("crossEntropy", "ignoreIndex 1, labelSmoothing 0.1, weight, reduction \(label)") { g in
                [randn(g, [5, 3]), indices([2, 1, 0, 1, 2]), positive(g, [3])]
            } f: { x in crossEntropy(x[0], x[1], weight: x[2], ignoreIndex: 1, reduction: r, labelSmoothing: 0.1) })
            c.append(plain("crossEntropy", "probability targets, weight, labelSmoothing 0.2, reduction \(label)") { g in
                [randn(g, [4, 3]), softmax(randn(g, [4, 3]), axis: 1), positive(g, [3])]
            } f: { x in crossEntropy(x[0], x[1], weight: x[2], reduction: r, labelSmoothing: 0.2) })
        }
        // Regression losses: options, broadcasting, layouts.
        c.append(plain("l1Loss", "w.r.t. prediction only", grad: [true, false]) { g in [lattice(g, [5], offset: 0), lattice(g, [5], offset: 0.25)] } f: { x in
            l1Loss(x[0], x[1])
        })
        c.append(broadcast("l1Loss", "prediction [3,4], target [4]") { g in [lattice(g, [3, 4], offset: 0), lattice(g, [4], offset: 0.25)] } f: { x in
            l1Loss(x[0], x[1], reduction: .sum)
        })
        c.append(strided("l1Loss", "x.T and strided slice", [0, 1]) { g in
            [lattice(g, [4, 3], offset: 0).T, lattice(g, [3, 8], offset: 0.25).slice(axis: 1, start: 1, step: 2)]
        } f: { x in l1Loss(x[0], x[1]) })
        c.append(plain("huberLoss", "delta 0.5") { g in [randn(g, [3, 4]), randn(g, [3, 4])] } f: { x in huberLoss(x[0], x[1], delta: 0.5) })
        c.append(plain("huberLoss", "delta 3, all quadratic") { g in [randn(g, [3, 4]), randn(g, [3, 4])] } f: { x in
            huberLoss(x[0], x[1], delta: 3, reduction: .sum)
        })
        c.append(broadcast("huberLoss", "prediction [2,1,3], target [4,1]") { g in [randn(g, [2, 1, 3]) * 2, randn(g, [4, 1])] } f: { x in
            huberLoss(x[0], x[1])
        })
        c.append(strided("huberLoss", "x.T", [0]) { g in [(randn(g, [4, 3]) * 2).T, randn(g, [3, 4])] } f: { x in huberLoss(x[0], x[1]) })
        c.append(plain("L1Loss", "module, reduction sum") { g in [lattice(g, [3, 4], offset: 0), lattice(g, [3, 4], offset: 0.25)] } f: { x in
            L1Loss(reduction: .sum)(x[0], x[1])
        })
        c.append(broadcast("L1Loss", "module, [3,4] and [3,1]") { g in [lattice(g, [3, 4], offset: 0), lattice(g, [3, 1], offset: 0.25)] } f: { x in
            L1Loss()(x[0], x[1])
        })
        c.append(strided("L1Loss", "module, x.T", [0]) { g in [lattice(g, [4, 3], offset: 0).T, lattice(g, [3, 4], offset: 0.25)] } f: { x in
            L1Loss()(x[0], x[1])
        })
        c.append(plain("smoothL1Loss", "beta 0.5") { g in [randn(g, [3, 4]), randn(g, [3, 4])] } f: { x in smoothL1Loss(x[0], x[1], beta: 0.5) })
        c.append(plain("smoothL1Loss", "beta 0 is L1, inputs apart") { g in [lattice(g, [5], offset: 0), lattice(g, [5], offset: 0.25)] } f: { x in
            smoothL1Loss(x[0], x[1], beta: 0, reduction: .sum)
        })
        c.append(broadcast("smoothL1Loss", "prediction [2,1,3], target [4,1], beta 2") { g in [randn(g, [2, 1, 3]) * 3, randn(g, [4, 1])] } f: { x in
            smoothL1Loss(x[0], x[1], beta: 2)
        })
        c.append(strided("smoothL1Loss", "x.T and strided slice", [0, 1]) { g in
            [(randn(g, [4, 3]) * 2).T, strideSlice(g, 3, 4)]
        } f: { x in smoothL1Loss(x[0], x[1], beta: 0.7) })
        c.append(plain("SmoothL1Loss", "module, beta 1.5, reduction none") { g in [randn(g, [3, 4]) * 2, randn(g, [3, 4])] } f: { x in
            SmoothL1Loss(beta: 1.5, reduction: .none)(x[0], x[1])
        })
        c.append(broadcast("SmoothL1Loss", "module, [3,4] and [4]") { g in [randn(g, [3, 4]) * 2, randn(g, [4])] } f: { x in SmoothL1Loss()(x[0], x[1]) })
        c.append(strided("SmoothL1Loss", "module, x.T", [0]) { g in [(randn(g, [4, 3]) * 2).T, randn(g, [3, 4])] } f: { x in
            SmoothL1Loss(beta: 0.5)(x[0], x[1])
        })
        c.append(plain("HuberLoss", "module, delta 0.7") { g in [randn(g, [3, 4]) * 2, randn(g, [3, 4])] } f: { x in HuberLoss(delta: 0.7)(x[0], x[1]) })
        c.append(broadcast("HuberLoss", "module, [3,4] and [4]") { g in [randn(g, [3, 4]) * 2, randn(g, [4])] } f: { x in HuberLoss()(x[0], x[1]) })
        c.append(strided("HuberLoss", "module, strided slice", [0]) { g in [strideSlice(g, 3, 4), randn(g, [3, 4])] } f: { x in
            HuberLoss(reduction: .none)(x[0], x[1])
        })

        // Binary cross-entropy: weights (element-wise and broadcast), positive weights, layouts.
        c.append(plain("binaryCrossEntropy", "weight [3,4], w.r.t. all") { g in
            [positive(g, [3, 4], 0.05, 0.95), positive(g, [3, 4], 0, 1), positive(g, [3, 4])]
        } f: { x in binaryCrossEntropy(x[0], x[1], weight: x[2]) })
        c.append(broadcast("binaryCrossEntropy", "weight [4] broadcast") { g in
            [positive(g, [3, 4], 0.05, 0.95), positive(g, [3, 4], 0, 1), positive(g, [4])]
        } f: { x in binaryCrossEntropy(x[0], x[1], weight: x[2], reduction: .sum) })
        c.append(strided("binaryCrossEntropy", "probabilities x.T, targets strided slice", [0, 1]) { g in
            [positive(g, [4, 3], 0.05, 0.95).T, positive(g, [3, 8], 0, 1).slice(axis: 1, start: 1, step: 2)]
        } f: { x in binaryCrossEntropy(x[0], x[1]) })
        c.append(plain("binaryCrossEntropyWithLogits", "weight and posWeight, w.r.t. all") { g in
            [randn(g, [3, 4]) * 3, positive(g, [3, 4], 0, 1), positive(g, [3, 4]), positive(g, [3, 4])]
        } f: { x in binaryCrossEntropyWithLogits(x[0], x[1], weight: x[2], posWeight: x[3]) })
        c.append(plain("binaryCrossEntropyWithLogits", "large logits ±30") { g in [randn(g, [6]) * 30, positive(g, [6], 0, 1)] } f: { x in
            binaryCrossEntropyWithLogits(x[0], x[1], reduction: .sum)
        })
        c.append(broadcast("binaryCrossEntropyWithLogits", "posWeight [4] per class, weight [3,1]") { g in
            [randn(g, [3, 4]) * 2, positive(g, [3, 4], 0, 1), positive(g, [3, 1]), positive(g, [4])]
        } f: { x in binaryCrossEntropyWithLogits(x[0], x[1], weight: x[2], posWeight: x[3], reduction: .none) })
        c.append(strided("binaryCrossEntropyWithLogits", "logits x.T, posWeight strided", [0, 2]) { g in
            [randn(g, [4, 3]).T, positive(g, [3, 4], 0, 1), positive(g, [8]).slice(axis: 0, step: 2)]
        } f: { x in binaryCrossEntropyWithLogits(x[0], x[1], posWeight: x[2]) })
        c.append(plain("BCELoss", "module, weight") { g in [positive(g, [3, 4], 0.05, 0.95), positive(g, [3, 4], 0, 1)] } f: { x in
            BCELoss(weight: Tensor(shape: [4], values: [1, 2, 0.5, 1], dtype: .float64))(x[0], x[1])
        })
        c.append(strided("BCELoss", "module, x.T", [0]) { g in [positive(g, [4, 3], 0.05, 0.95).T, positive(g, [3, 4], 0, 1)] } f: { x in
            BCELoss(reduction: .sum)(x[0], x[1])
        })
        c.append(plain("BCEWithLogitsLoss", "module, posWeight") { g in [randn(g, [3, 4]) * 2, positive(g, [3, 4], 0, 1)] } f: { x in
            BCEWithLogitsLoss(posWeight: Tensor(shape: [4], values: [1, 2, 3, 0.5], dtype: .float64))(x[0], x[1])
        })
        c.append(strided("BCEWithLogitsLoss", "module, strided slice", [0]) { g in [strideSlice(g, 3, 4), positive(g, [3, 4], 0, 1)] } f: { x in
            BCEWithLogitsLoss(reduction: .none)(x[0], x[1])
        })

        // NLL and cross-entropy options.
        c.append(plain("nllLoss", "weight and ignoreIndex -100, w.r.t. input and weight") { g in
            [randn(g, [5, 3]), indices([2, -100, 0, 1, 2]), positive(g, [3])]
        } f: { x in nllLoss(x[0], x[1], weight: x[2], ignoreIndex: -100) })
        c.append(plain("nllLoss", "of logSoftmax, weight, sum") { g in [randn(g, [4, 3]), indices([2, 0, 2, 1]), positive(g, [3])] } f: { x in
            nllLoss(logSoftmax(x[0], axis: 1), x[1], weight: x[2], reduction: .sum)
        })
        c.append(strided("nllLoss", "input x.T", [0]) { g in [randn(g, [3, 4]).T, indices([1, 0, 2, 2])] } f: { x in nllLoss(x[0], x[1]) })
        c.append(plain("NLLLoss", "module, ignoreIndex 0") { g in [randn(g, [4, 3]), indices([2, 0, 2, 1])] } f: { x in
            NLLLoss(ignoreIndex: 0)(x[0], x[1])
        })
        c.append(strided("NLLLoss", "module, weight, x.T", [0]) { g in [randn(g, [3, 4]).T, indices([1, 0, 2, 2])] } f: { x in
            NLLLoss(weight: Tensor(shape: [3], values: [1, 2, 3], dtype: .float64))(x[0], x[1])
        })
        c.append(plain("crossEntropy", "logits ±1000, labelSmoothing 0.1") { g in
            [Tensor(shape: [3, 3], values: [1000, -1000, 0, -1000, -1000, -999, 500, 0, -500], dtype: .float64) + randn(g, [3, 3]) * 0.1,
             indices([1, 2, 0])]
        } f: { x in crossEntropy(x[0], x[1], labelSmoothing: 0.1) })
        c.append(plain("crossEntropy", "ignoreIndex, every sample ignored but one") { g in [randn(g, [4, 3]), indices([7, 7, 1, 7])] } f: { x in
            crossEntropy(x[0], x[1], ignoreIndex: 7)
        })
        c.append(strided("crossEntropy", "probability targets, logits x.T, targets strided", [0, 1]) { g in
            [randn(g, [3, 4]).T, softmax(randn(g, [4, 6]), axis: 1).slice(axis: 1, step: 2)]
        } f: { x in crossEntropy(x[0], x[1]) })
        c.append(strided("crossEntropy", "weight strided, labelSmoothing 0.3", [2]) { g in
            [randn(g, [4, 3]), indices([2, 0, 2, 1]), positive(g, [6]).slice(axis: 0, step: 2)]
        } f: { x in crossEntropy(x[0], x[1], weight: x[2], labelSmoothing: 0.3) })
        c.append(strided("crossEntropy", "[N,C,H,W] logits permuted from NHWC, probability targets", [0]) { g in
            [randn(g, [2, 2, 3, 4]).permute([0, 3, 1, 2]), softmax(randn(g, [2, 4, 2, 3]), axis: 1)]
        } f: { x in crossEntropy(x[0], x[1], labelSmoothing: 0.2) })
        c.append(strided("nllLoss", "[N,C,L] input x.transposed, [N,L] labels", [0]) { g in
            [randn(g, [2, 5, 3]).transposed(1, 2), indices([0, 1, 2, 2, 1, 0, 0, 2, 1, 1], [2, 5])]
        } f: { x in nllLoss(x[0], x[1], reduction: .sum) })
        c.append(plain("CrossEntropyLoss", "module, [N,C,L] logits, ignoreIndex 1") { g in [randn(g, [2, 3, 4]), indices([1, 0, 2, 1, 2, 2, 0, 1], [2, 4])] } f: { x in
            CrossEntropyLoss(ignoreIndex: 1)(x[0], x[1])
        })
        c.append(plain("CrossEntropyLoss", "module, weight, ignoreIndex, labelSmoothing") { g in [randn(g, [5, 3]), indices([2, 1, 0, 1, 2])] } f: { x in
            CrossEntropyLoss(weight: Tensor(shape: [3], values: [1, 2, 0.5], dtype: .float64), ignoreIndex: 0, labelSmoothing: 0.1)(x[0], x[1])
        })
        return c
    }()
}
