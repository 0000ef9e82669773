// One table of op test cases feeding `gradcheck`, in the spirit of PyTorch's OpInfo.
//
// Every differentiable op has a row for same-shape contiguous inputs, a row with
// broadcasting shapes where the op broadcasts, and a row whose inputs are non-contiguous
// views (transposed, permuted, strided slices) made leaves with `requiringGrad()`.
// A family of ops lives in its own file (`Gradcheck+Activations.swift`, …) as a
// `GradcheckFamily` listed in `GradcheckTests.families`; a new op must be named in its
// family's `ops` and have rows in its `cases`: the coverage test at the end fails otherwise.

import Testing
@testable import Apus

// MARK: - The table

/// A group of differentiable ops with their gradcheck rows.
struct GradcheckFamily: Sendable {
    /// The ops (names used as the rows' `op`).
    let ops: [String]
    /// Those ops whose inputs broadcast: each needs a `.broadcast` row as well.
    let broadcasting: Set<String>
    let cases: [GradcheckCase]
}

struct GradcheckTests {
    /// Every family of the table: one line per file that contributes rows.
    static let families: [GradcheckFamily] = [
        GradcheckFamily(ops: coreOps, broadcasting: coreBroadcastingOps, cases: coreCases),
        regularizationFamily,
        dataFamily,
        activationsLossesFamily,
        convolutionFamily,
        poolingFamily,
        opInfoFamily,
    ]

    /// Every public differentiable op; each must name at least one row of ``cases``. An op listed
    /// by two families (its own and the op table's) counts once.
    static let differentiableOps: [String] = families.flatMap(\.ops).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    static let broadcastingOps: Set<String> = families.reduce(into: []) { $0.formUnion($1.broadcasting) }
    static let cases: [GradcheckCase] = families.flatMap(\.cases)

    /// The ops tested in this file.
    static let coreOps: [String] = [
        // elementwise binary (broadcasting)
        "add", "subtract", "multiply", "divide", "pow", "maximum", "minimum", "where", "compound assignment",
        // elementwise unary
        "neg", "abs", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "clamp", "cast",
        // reductions
        "sum", "mean", "max", "min", "variance", "std", "logSumExp",
        // linear algebra
        "matmul", "linear",
        // views and shapes
        "reshape", "flatten", "permute", "transposed", "T", "squeezed", "unsqueezed", "expand(to:)",
        "sum(toShape:)", "contiguous", "slice", "select", "subscript",
        // joining and splitting
        "concat", "stack", "split(sizes:)", "split(size:)", "chunk",
        // advanced indexing
        "indexSelect", "gather", "scatterAdd",
        // softmax family and losses
        "softmax", "logSoftmax", "mseLoss", "crossEntropy",
        // modules
        "Linear", "ReLU", "Sigmoid", "Tanh", "Flatten", "Sequential", "MSELoss", "CrossEntropyLoss",
    ]

    /// Ops whose inputs broadcast against each other (or that broadcast by definition):
    /// each needs a `.broadcast` row as well.
    static let coreBroadcastingOps: Set<String> = [
        "add", "subtract", "multiply", "divide", "pow", "maximum", "minimum", "where", "compound assignment",
        "matmul", "linear", "expand(to:)", "sum(toShape:)", "mseLoss", "Linear",
    ]

    static let coreCases: [GradcheckCase] =
        binaryCases + unaryCases + reductionCases + matmulCases + shapeCases + joinCases + indexingCases
        + softmaxCases + lossAndModuleCases

    // MARK: Elementwise binary

    static let binaryCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        let ops: [(String, @Sendable (Tensor, Tensor) -> Tensor)] = [
            ("add", { add($0, $1) }), ("subtract", { subtract($0, $1) }),
            ("multiply", { multiply($0, $1) }), ("divide", { divide($0, $1) }),
        ]
        let operators: [String: @Sendable (Tensor, Tensor) -> Tensor] = [
            "add": { $0 + $1 }, "subtract": { $0 - $1 }, "multiply": { $0 * $1 }, "divide": { $0 / $1 },
        ]
        for (op, fn) in ops {
            let infix = operators[op]!
            // Second operands are positive so that they can be divisors.
            c.append(plain(op, "[3,4] and [3,4]") { g in [randn(g, [3, 4]), positive(g, [3, 4])] } f: { fn($0[0], $0[1]) })
            c.append(plain(op, "operator, [2,3] and [2,3]") { g in [randn(g, [2, 3]), positive(g, [2, 3])] } f: { infix($0[0], $0[1]) })
            c.append(plain(op, "same tensor as both operands") { g in [positive(g, [2, 3])] } f: { fn($0[0], $0[0]) })
            c.append(plain(op, "w.r.t. the second operand only", grad: [false, true]) { g in [randn(g, [2, 3]), positive(g, [2, 3])] } f: { fn($0[0], $0[1]) })
            c.append(broadcast(op, "[3,4] and [4]") { g in [randn(g, [3, 4]), positive(g, [4])] } f: { infix($0[0], $0[1]) })
            c.append(broadcast(op, "[4] and [3,4]") { g in [positive(g, [4]), positive(g, [3, 4])] } f: { infix($0[0], $0[1]) })
            c.append(broadcast(op, "[2,1,3] and [4,1]") { g in [randn(g, [2, 1, 3]), positive(g, [4, 1])] } f: { fn($0[0], $0[1]) })
            c.append(broadcast(op, "[3,1] and 0-d") { g in [positive(g, [3, 1]), positive(g, [])] } f: { fn($0[0], $0[1]) })
            c.append(strided(op, "x.T and column-strided slice", [0, 1]) { g in
                [randn(g, [4, 3]).T, strideSlice(g, 3, 4, positive: true)]
            } f: { fn($0[0], $0[1]) })
            c.append(strided(op, "permuted [2,4,3] and broadcast strided [4,1]", [0, 1]) { g in
                [randn(g, [3, 2, 4]).permute([1, 2, 0]), positive(g, [8, 1]).slice(axis: 0, step: 2)]
            } f: { fn($0[0], $0[1]) })
        }
        // Scalar operands (Double, Float and Int on either side).
        c.append(plain("add", "tensor + Double, Int + tensor, tensor + Float") { g in [randn(g, [3, 4])] } f: { x in
            let a = x[0] + 2.5, b = 1 + x[0], d = x[0] + Float(0.5)
            return a * b + d
        })
        c.append(plain("subtract", "tensor − Double, Double − tensor, tensor − Int") { g in [randn(g, [3, 4])] } f: { x in
            let a = x[0] - 2.5, b = 1.5 - x[0], d = x[0] - 3
            return a * b + d
        })
        c.append(plain("multiply", "Double · tensor, tensor · Int, Float · tensor") { g in [randn(g, [3, 4])] } f: { x in
            let a = -1.5 * x[0], b = x[0] * 3, d = Float(0.25) * x[0]
            return a * b + d
        })
        c.append(plain("divide", "tensor / Double, Double / tensor, Int / tensor") { g in [positive(g, [3, 4])] } f: { x in
            let a = x[0] / 2.5, b = 1.5 / x[0], d = 2 / x[0]
            return a * b + d
        })
        c.append(strided("divide", "Double / x.T", [0]) { g in [positive(g, [4, 3]).T] } f: { 3.0 / $0[0] })

        // pow: tensor^tensor w.r.t. base and exponent, tensor^scalar.
        c.append(plain("pow", "tensor^tensor [3,4], w.r.t. base and exponent") { g in [positive(g, [3, 4]), randn(g, [3, 4])] } f: { pow($0[0], $0[1]) })
        c.append(plain("pow", "tensor^tensor, w.r.t. exponent only", grad: [false, true]) { g in [positive(g, [3, 4]), randn(g, [3, 4])] } f: { pow($0[0], $0[1]) })
        c.append(plain("pow", "tensor^3.0") { g in [randn(g, [3, 4])] } f: { pow($0[0], 3.0) })
        c.append(plain("pow", "x.pow(2.5), positive base") { g in [positive(g, [3, 4])] } f: { $0[0].pow(2.5) })
        c.append(plain("pow", "tensor^-1.5, positive base") { g in [positive(g, [2, 3])] } f: { pow($0[0], -1.5) })
        c.append(broadcast("pow", "[3,4] ^ [4]") { g in [positive(g, [3, 4]), randn(g, [4])] } f: { pow($0[0], $0[1]) })
        c.append(broadcast("pow", "[4] ^ [2,1,4]") { g in [positive(g, [4]), randn(g, [2, 1, 4])] } f: { pow($0[0], $0[1]) })
        c.append(broadcast("pow", "[2,1,3] ^ 0-d") { g in [positive(g, [2, 1, 3]), positive(g, [])] } f: { pow($0[0], $0[1]) })
        c.append(strided("pow", "x.T ^ strided slice", [0, 1]) { g in [positive(g, [4, 3]).T, strideSlice(g, 3, 4)] } f: { pow($0[0], $0[1]) })
        c.append(strided("pow", "permuted ^ 2.0", [0]) { g in [randn(g, [2, 3, 2]).permute([2, 0, 1])] } f: { pow($0[0], 2.0) })

        // maximum / minimum: the operands come from lattices that never tie.
        let extrema: [(String, @Sendable (Tensor, Tensor) -> Tensor)] = [("maximum", { maximum($0, $1) }), ("minimum", { minimum($0, $1) })]
        for (op, fn) in extrema {
            c.append(plain(op, "[3,4] and [3,4]") { g in [lattice(g, [3, 4], offset: 0), lattice(g, [3, 4], offset: 0.25)] } f: { fn($0[0], $0[1]) })
            c.append(broadcast(op, "[3,4] and [4]") { g in [lattice(g, [3, 4], offset: 0), lattice(g, [4], offset: 0.25)] } f: { fn($0[0], $0[1]) })
            c.append(broadcast(op, "[2,1,3] and [4,1]") { g in [lattice(g, [2, 1, 3], offset: 0), lattice(g, [4, 1], offset: 0.25)] } f: { fn($0[0], $0[1]) })
            c.append(strided(op, "x.T and strided slice", [0, 1]) { g in
                [lattice(g, [4, 3], offset: 0).T, lattice(g, [3, 8], offset: 0.25).slice(axis: 1, start: 1, step: 2)]
            } f: { fn($0[0], $0[1]) })
        }

        // where(condition, a, b): the condition is a bool input without grad.
        c.append(plain("where", "[3,4] condition, a and b") { g in
            [mask(g.uniforms(12).map { $0 < 0.5 }, [3, 4]), randn(g, [3, 4]), randn(g, [3, 4])]
        } f: { `where`($0[0], $0[1], $0[2]) })
        c.append(broadcast("where", "condition [4], a [3,4], b [3,1]") { g in
            [mask([true, false, true, false], [4]), randn(g, [3, 4]), randn(g, [3, 1])]
        } f: { `where`($0[0], $0[1], $0[2]) })
        c.append(broadcast("where", "condition [2,1,3], a [4,1], b 0-d") { g in
            [mask([true, false, true, false, true, true], [2, 1, 3]), randn(g, [4, 1]), randn(g, [])]
        } f: { `where`($0[0], $0[1], $0[2]) })
        c.append(strided("where", "a = x.T, b = strided slice", [1, 2]) { g in
            [mask([true, false, false, true, true, true, false, false, true, false, true, false], [3, 4]),
             randn(g, [4, 3]).T, strideSlice(g, 3, 4)]
        } f: { `where`($0[0], $0[1], $0[2]) })

        // Compound assignment: a new value each time, the graph stays intact.
        c.append(plain("compound assignment", "+= −= *= /= with tensors and Doubles") { g in
            [randn(g, [2, 3]), randn(g, [2, 3]), positive(g, [2, 3])]
        } f: { x in
            var y = x[0]
            y += x[1]; y -= 0.5; y *= x[1]; y /= x[2]; y += 2.0; y *= 3.0; y -= x[0]; y /= 4.0
            return y
        })
        c.append(broadcast("compound assignment", "[3,4] op= [4]") { g in [randn(g, [3, 4]), positive(g, [4])] } f: { x in
            var y = x[0]
            y += x[1]; y *= x[1]; y -= x[1]; y /= x[1]
            return y
        })
        c.append(strided("compound assignment", "x.T op= strided slice", [0, 1]) { g in
            [randn(g, [4, 3]).T, strideSlice(g, 3, 4, positive: true)]
        } f: { x in
            var y = x[0]
            y *= x[1]; y /= x[1] + 1; y -= x[1]
            return y
        })
        return c
    }()

    // MARK: Elementwise unary

    enum Domain: Sendable { case real, positive, awayFromZero, wide }

    static let unaryCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        let ops: [(String, Domain, @Sendable (Tensor) -> Tensor, @Sendable (Tensor) -> Tensor)] = [
            // name, domain, function form, method (or module) form
            ("neg", .real, { -$0 }, { -$0 }),
            ("abs", .awayFromZero, { Apus.abs($0) }, { $0.abs() }),
            ("exp", .real, { Apus.exp($0) }, { $0.exp() }),
            ("log", .positive, { Apus.log($0) }, { $0.log() }),
            ("sqrt", .positive, { Apus.sqrt($0) }, { $0.sqrt() }),
            ("tanh", .real, { Apus.tanh($0) }, { $0.tanh() }),
            ("sigmoid", .wide, { Apus.sigmoid($0) }, { $0.sigmoid() }),
            ("relu", .awayFromZero, { Apus.relu($0) }, { $0.relu() }),
            ("ReLU", .awayFromZero, { ReLU()($0) }, { ReLU()($0) }),
            ("Sigmoid", .wide, { Sigmoid()($0) }, { Sigmoid()($0) }),
            ("Tanh", .real, { Tanh()($0) }, { Tanh()($0) }),
        ]
        @Sendable func input(_ d: Domain, _ g: RandomGenerator, _ shape: [Int]) -> Tensor {
            switch d {
            case .real: randn(g, shape)
            case .positive: positive(g, shape)
            case .awayFromZero: randn(g, shape, avoiding: [0])
            case .wide: randn(g, shape) * 4  // both branches of the stable sigmoid, large |x|
            }
        }
        for (op, d, fn, method) in ops {
            c.append(plain(op, "[3,4]") { g in [input(d, g, [3, 4])] } f: { fn($0[0]) })
            c.append(plain(op, "method form, 0-d") { g in [input(d, g, [])] } f: { method($0[0]) })
            c.append(strided(op, "x.T, method form", [0]) { g in [input(d, g, [4, 3]).T] } f: { method($0[0]) })
            c.append(strided(op, "permuted [2,3,4] → [4,2,3]", [0]) { g in [input(d, g, [2, 3, 4]).permute([2, 0, 1])] } f: { fn($0[0]) })
            c.append(strided(op, "every other column of [3,8]", [0]) { g in
                [input(d, g, [3, 8]).slice(axis: 1, start: 1, step: 2)]
            } f: { fn($0[0]) })
        }

        // clamp: inputs kept away from the bounds ±0.5.
        let bounds: [(String, Double?, Double?)] = [("min only", -0.5, nil), ("max only", nil, 0.5), ("min and max", -0.5, 0.5)]
        for (label, lo, hi) in bounds {
            c.append(plain("clamp", "\(label), [3,4]") { g in [randn(g, [3, 4], avoiding: [-0.5, 0.5])] } f: { clamp($0[0], min: lo, max: hi) })
            c.append(strided("clamp", "\(label), x.T, method form", [0]) { g in
                [randn(g, [4, 3], avoiding: [-0.5, 0.5]).T]
            } f: { $0[0].clamped(min: lo, max: hi) })
        }
        c.append(strided("clamp", "min and max, strided slice", [0]) { g in
            [randn(g, [3, 8], avoiding: [-0.5, 0.5]).slice(axis: 1, step: 2)]
        } f: { clamp($0[0], min: -0.5, max: 0.5) })

        // cast: float64 → float32 → float64. Only the float64 ends are checked; the values and the
        // step 1/1024 are dyadic, so the float32 round trip and the finite differences are exact.
        let eps: Double = 1.0 / 1024
        c.append(plain("cast", "float64 → float32 → float64, linear in float32", eps: eps) { g in
            [dyadic(g, [3, 4]), dyadic(g, [3, 4]), dyadic(g, [3, 4])]
        } f: { x in
            let a = x[0].cast(to: .float32), b = x[1].cast(to: .float32)
            return (a * 2 + b - a).cast(to: .float64) * x[2]
        })
        c.append(plain("cast", "float32 operand promoted by float64 arithmetic", eps: eps) { g in
            [dyadic(g, [3, 4]), dyadic(g, [3, 4])]
        } f: { x in x[0].cast(to: .float32) * 2 + x[1] })
        c.append(plain("cast", "float64 → float64 is the identity") { g in [randn(g, [3, 4])] } f: { Apus.exp($0[0].cast(to: .float64)) })
        c.append(broadcast("cast", "float32 [4] + float64 [3,4]", eps: eps) { g in
            [dyadic(g, [4]), dyadic(g, [3, 4])]
        } f: { x in x[0].cast(to: .float32) + x[1] })
        c.append(strided("cast", "x.T through float32", [0], eps: eps) { g in [dyadic(g, [4, 3]).T] } f: { x in
            (x[0].cast(to: .float32) * 4).cast(to: .float64)
        })
        return c
    }()

    // MARK: Reductions

    static let reductionCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        typealias Reduce = @Sendable (Tensor, [Int]?, Bool) -> Tensor
        typealias ReduceAxis = @Sendable (Tensor, Int, Bool) -> Tensor
        let ops: [(String, Reduce, ReduceAxis)] = [
            ("sum", { $0.sum(axes: $1, keepDims: $2) }, { $0.sum(axis: $1, keepDims: $2) }),
            ("mean", { $0.mean(axes: $1, keepDims: $2) }, { $0.mean(axis: $1, keepDims: $2) }),
            ("max", { $0.max(axes: $1, keepDims: $2) }, { $0.max(axis: $1, keepDims: $2) }),
            ("min", { $0.min(axes: $1, keepDims: $2) }, { $0.min(axis: $1, keepDims: $2) }),
            ("variance", { $0.variance(axes: $1, keepDims: $2) }, { $0.variance(axis: $1, keepDims: $2) }),
            ("std", { $0.std(axes: $1, keepDims: $2) }, { $0.std(axis: $1, keepDims: $2) }),
        ]
        // Distinct inputs: no ties for max/min, non-zero spread for variance/std.
        for (op, r, ra) in ops {
            c.append(plain(op, "all axes of [3,4]") { g in [distinct(g, [3, 4])] } f: { r($0[0], nil, false) })
            c.append(plain(op, "all axes of [2,3,4], keepDims") { g in [distinct(g, [2, 3, 4])] } f: { r($0[0], nil, true) })
            c.append(plain(op, "axis 1 of [3,4]") { g in [distinct(g, [3, 4])] } f: { ra($0[0], 1, false) })
            c.append(plain(op, "axis 0 of [3,4], keepDims") { g in [distinct(g, [3, 4])] } f: { ra($0[0], 0, true) })
            c.append(plain(op, "axes [0,2] of [2,3,4]") { g in [distinct(g, [2, 3, 4])] } f: { r($0[0], [0, 2], false) })
            c.append(plain(op, "axes [2,0] of [2,3,4], keepDims") { g in [distinct(g, [2, 3, 4])] } f: { r($0[0], [2, 0], true) })
            c.append(plain(op, "axis -1 of [2,3,4]") { g in [distinct(g, [2, 3, 4])] } f: { ra($0[0], -1, false) })
            c.append(plain(op, "axes [-1,-3] of [2,3,4], keepDims") { g in [distinct(g, [2, 3, 4])] } f: { r($0[0], [-1, -3], true) })
            c.append(plain(op, "axes [1,-1] of [2,3,4]") { g in [distinct(g, [2, 3, 4])] } f: { r($0[0], [1, -1], false) })
            c.append(strided(op, "all axes of x.T", [0]) { g in [distinct(g, [4, 3]).T] } f: { r($0[0], nil, false) })
            c.append(strided(op, "axis 1 of permuted [4,2,3] → [2,3,4]", [0]) { g in
                [distinct(g, [4, 2, 3]).permute([1, 2, 0])]
            } f: { ra($0[0], 1, false) })
            c.append(strided(op, "axes [0,-1] of strided slice, keepDims", [0]) { g in
                [distinct(g, [3, 8]).slice(axis: 1, start: 0, step: 2)]
            } f: { r($0[0], [0, -1], true) })
            c.append(strided(op, "axis -1 of strided slice", [0]) { g in
                [distinct(g, [3, 8]).slice(axis: 1, start: 1, step: 2)]
            } f: { ra($0[0], -1, false) })
        }
        // Bessel's correction: 0 (divide by N) and 1 (N − 1).
        for (op, isStd) in [("variance", false), ("std", true)] {
            @Sendable func v(_ x: Tensor, _ axes: [Int]?, _ correction: Int, _ keepDims: Bool) -> Tensor {
                isStd ? x.std(axes: axes, correction: correction, keepDims: keepDims)
                    : x.variance(axes: axes, correction: correction, keepDims: keepDims)
            }
            for correction in [0, 1] {
                c.append(plain(op, "correction \(correction), all axes of [3,4]") { g in [distinct(g, [3, 4])] } f: { v($0[0], nil, correction, false) })
                c.append(plain(op, "correction \(correction), axes [0,2] of [2,3,4], keepDims") { g in
                    [distinct(g, [2, 3, 4])]
                } f: { v($0[0], [0, 2], correction, true) })
                c.append(strided(op, "correction \(correction), axis -2 of x.T", [0]) { g in
                    [distinct(g, [4, 3]).T]
                } f: { v($0[0], [-2], correction, false) })
            }
            c.append(plain(op, "axis form with correction 0") { g in [distinct(g, [3, 4])] } f: { x in
                isStd ? x[0].std(axis: 1, correction: 0) : x[0].variance(axis: 1, correction: 0)
            })
        }
        // logSumExp
        c.append(plain("logSumExp", "axis -1 of [3,4]") { g in [randn(g, [3, 4])] } f: { logSumExp($0[0], axis: -1) })
        c.append(plain("logSumExp", "axis 0 of [3,4], keepDims") { g in [randn(g, [3, 4])] } f: { logSumExp($0[0], axis: 0, keepDims: true) })
        c.append(plain("logSumExp", "axis 1 of [2,3,4], large values") { g in [randn(g, [2, 3, 4]) * 30] } f: { logSumExp($0[0], axis: 1) })
        c.append(strided("logSumExp", "axis -1 of x.T", [0]) { g in [randn(g, [4, 3]).T] } f: { logSumExp($0[0], axis: -1) })
        c.append(strided("logSumExp", "axis 0 of strided slice, keepDims", [0]) { g in [strideSlice(g, 3, 4)] } f: { logSumExp($0[0], axis: 0, keepDims: true) })
        c.append(plain("logSumExp", "axes [0, 2] of [2,3,4]") { g in [randn(g, [2, 3, 4])] } f: { logSumExp($0[0], axes: [0, 2]) })
        c.append(plain("logSumExp", "all axes, method form, keepDims") { g in [randn(g, [3, 4]) * 10] } f: { $0[0].logSumExp(axes: nil, keepDims: true) })
        c.append(strided("logSumExp", "axes [-1, 1] of permuted [2,3,4]", [0]) { g in [randn(g, [4, 2, 3]).permute([1, 2, 0])] } f: { x in
            x[0].logSumExp(axes: [-1, 1])
        })
        return c
    }()

    // MARK: matmul

    static let matmulCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        @Sendable func mm(_ x: [Tensor]) -> Tensor { matmul(x[0], x[1]) }
        c.append(plain("matmul", "vector · vector [4]·[4]") { g in [randn(g, [4]), randn(g, [4])] } f: { mm($0) })
        c.append(plain("matmul", "matrix · vector [3,4]·[4]") { g in [randn(g, [3, 4]), randn(g, [4])] } f: { mm($0) })
        c.append(plain("matmul", "vector · matrix [4]·[4,3]") { g in [randn(g, [4]), randn(g, [4, 3])] } f: { mm($0) })
        c.append(plain("matmul", "matrix · matrix [3,4]·[4,2]") { g in [randn(g, [3, 4]), randn(g, [4, 2])] } f: { mm($0) })
        c.append(plain("matmul", "matrix · matrix, method form, w.r.t. b only", grad: [false, true]) { g in
            [randn(g, [3, 4]), randn(g, [4, 2])]
        } f: { $0[0].matmul($0[1]) })
        c.append(plain("matmul", "batched [2,3,4]·[2,4,2]") { g in [randn(g, [2, 3, 4]), randn(g, [2, 4, 2])] } f: { mm($0) })
        c.append(plain("matmul", "[3,1]·[1,4] outer product") { g in [randn(g, [3, 1]), randn(g, [1, 4])] } f: { mm($0) })
        c.append(broadcast("matmul", "batch dims broadcast [2,1,2,3]·[3,3,2]") { g in [randn(g, [2, 1, 2, 3]), randn(g, [3, 3, 2])] } f: { mm($0) })
        c.append(broadcast("matmul", "batched · matrix [2,3,4]·[4,2]") { g in [randn(g, [2, 3, 4]), randn(g, [4, 2])] } f: { mm($0) })
        c.append(broadcast("matmul", "matrix · batched [3,4]·[2,4,2]") { g in [randn(g, [3, 4]), randn(g, [2, 4, 2])] } f: { mm($0) })
        c.append(broadcast("matmul", "vector · batched [3]·[2,3,2]") { g in [randn(g, [3]), randn(g, [2, 3, 2])] } f: { mm($0) })
        c.append(broadcast("matmul", "batched · vector [2,3,4]·[4]") { g in [randn(g, [2, 3, 4]), randn(g, [4])] } f: { mm($0) })
        c.append(strided("matmul", "a.T · b [4,3].T·[4,2]", [0]) { g in [randn(g, [4, 3]).T, randn(g, [4, 2])] } f: { mm($0) })
        c.append(strided("matmul", "a · b.T [3,4]·[2,4].T", [1]) { g in [randn(g, [3, 4]), randn(g, [2, 4]).T] } f: { mm($0) })
        c.append(strided("matmul", "a.T · b.T", [0, 1]) { g in [randn(g, [4, 3]).T, randn(g, [2, 4]).T] } f: { mm($0) })
        c.append(strided("matmul", "batched, both transposed(-1,-2)", [0, 1]) { g in
            [randn(g, [2, 4, 3]).transposed(-1, -2), randn(g, [2, 2, 4]).transposed(-1, -2)]
        } f: { mm($0) })
        c.append(strided("matmul", "batch-broadcast, permuted operands", [0, 1]) { g in
            [randn(g, [3, 2, 2]).permute([1, 2, 0]).unsqueezed(axis: 1), randn(g, [3, 2, 3]).permute([2, 0, 1])]
        } f: { mm($0) })
        c.append(strided("matmul", "strided vector · strided matrix", [0, 1]) { g in
            [randn(g, [8]).slice(axis: 0, step: 2), randn(g, [4, 6]).slice(axis: 1, step: 2)]
        } f: { mm($0) })
        c.append(strided("matmul", "b a column block x[.all, 1..<4] (row stride 6, column stride 1)", [1]) { g in
            [randn(g, [2, 4]), randn(g, [4, 6])[TensorIndex.all, 1..<4]]
        } f: { mm($0) })
        c.append(strided("matmul", "batched, both sliced along the batch axis", [0, 1]) { g in
            [randn(g, [4, 2, 3]).slice(axis: 0, start: 1, step: 2), randn(g, [4, 3, 2]).slice(axis: 0, step: 2)]
        } f: { mm($0) })
        c.append(plain("matmul", "summed: the upstream gradient is a stride-0 view") { g in
            [randn(g, [2, 3, 4]), randn(g, [4, 2])]
        } f: { mm($0).sum() })
        c.append(plain("matmul", "squared then summed along an axis") { g in [randn(g, [3, 4]), randn(g, [4, 3])] } f: { x in
            let y = mm(x)
            return (y * y).sum(axis: 0)
        })
        return c
    }()

    // MARK: Views and shapes

    static let shapeCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        // reshape
        c.append(plain("reshape", "[3,4] → [2,6]") { g in [randn(g, [3, 4])] } f: { $0[0].reshape([2, 6]) })
        c.append(plain("reshape", "[2,3,4] → [-1,4]") { g in [randn(g, [2, 3, 4])] } f: { $0[0].reshape([-1, 4]) })
        c.append(plain("reshape", "[6] → [3,-1,1], then exp") { g in [randn(g, [6])] } f: { Apus.exp($0[0].reshape([3, -1, 1])) })
        c.append(plain("reshape", "[1] → 0-d") { g in [randn(g, [1])] } f: { $0[0].reshape([]) * 3 })
        c.append(strided("reshape", "x.T → [-1] (copying)", [0]) { g in [randn(g, [4, 3]).T] } f: { $0[0].reshape([-1]) })
        c.append(plain("reshape", "of an expanded view [3,1] → [3,4] → [12]") { g in [randn(g, [3, 1])] } f: { $0[0].expand(to: [3, 4]).reshape([12]) })
        c.append(strided("reshape", "strided slice → [2,6]", [0]) { g in [strideSlice(g, 3, 4)] } f: { $0[0].reshape([2, 6]) * $0[0].reshape([2, 6]) })
        // flatten
        c.append(plain("flatten", "[2,3,2] all axes") { g in [randn(g, [2, 3, 2])] } f: { $0[0].flatten() })
        c.append(plain("flatten", "[2,3,2,2] axes 1...2") { g in [randn(g, [2, 3, 2, 2])] } f: { $0[0].flatten(startAxis: 1, endAxis: 2) })
        c.append(plain("flatten", "0-d") { g in [randn(g, [])] } f: { $0[0].flatten() * 2 })
        c.append(strided("flatten", "permuted, startAxis -2", [0]) { g in [randn(g, [2, 3, 4]).permute([2, 0, 1])] } f: { $0[0].flatten(startAxis: -2) })
        c.append(plain("Flatten", "module, [2,3,2]") { g in [randn(g, [2, 3, 2])] } f: { Flatten()($0[0]) })
        c.append(strided("Flatten", "module, x.T", [0]) { g in [randn(g, [4, 3]).T] } f: { Flatten()($0[0]) })
        // permute / transposed / T
        c.append(plain("permute", "[2,3,4] by [2,0,1]") { g in [randn(g, [2, 3, 4])] } f: { $0[0].permute([2, 0, 1]) })
        c.append(plain("permute", "negative axes [-1,-3,-2], then squared") { g in [randn(g, [2, 3, 4])] } f: { x in
            let p = x[0].permute([-1, -3, -2])
            return p * p
        })
        c.append(strided("permute", "of a strided slice", [0]) { g in
            [randn(g, [2, 6, 2]).slice(axis: 1, step: 2)]
        } f: { $0[0].permute([1, 2, 0]) })
        c.append(plain("transposed", "default, [2,3,4]") { g in [randn(g, [2, 3, 4])] } f: { $0[0].transposed() })
        c.append(plain("transposed", "(0, 1) of [3,4], then squared") { g in [randn(g, [3, 4])] } f: { x in
            x[0].transposed(0, 1) * x[0].transposed(0, 1)
        })
        c.append(strided("transposed", "(0, 2) of permuted", [0]) { g in [randn(g, [2, 3, 4]).permute([1, 0, 2])] } f: { $0[0].transposed(0, 2) })
        c.append(plain("T", "[3,4]") { g in [randn(g, [3, 4])] } f: { $0[0].T })
        c.append(plain("T", "[2,3,4] reversed") { g in [randn(g, [2, 3, 4])] } f: { $0[0].T })
        c.append(strided("T", "x.T.T and x.T.contiguous().T of a strided slice", [0]) { g in [strideSlice(g, 3, 4)] } f: { x in
            x[0].T.T + x[0].T.contiguous().T
        })
        // squeezed / unsqueezed
        c.append(plain("squeezed", "all unit axes of [1,3,1,4]") { g in [randn(g, [1, 3, 1, 4])] } f: { $0[0].squeezed() })
        c.append(plain("squeezed", "axis -2 of [3,1,4]") { g in [randn(g, [3, 1, 4])] } f: { $0[0].squeezed(axis: -2) })
        c.append(plain("squeezed", "axis 0 of [3,4] (no-op)") { g in [randn(g, [3, 4])] } f: { $0[0].squeezed(axis: 0) * 2 })
        c.append(strided("squeezed", "of a strided [3,1,4]", [0]) { g in
            [randn(g, [3, 1, 8]).slice(axis: 2, step: 2)]
        } f: { $0[0].squeezed(axis: 1) })
        c.append(plain("unsqueezed", "axis 0 of [3,4]") { g in [randn(g, [3, 4])] } f: { $0[0].unsqueezed(axis: 0) })
        c.append(plain("unsqueezed", "axis -1 of [3,4]") { g in [randn(g, [3, 4])] } f: { $0[0].unsqueezed(axis: -1) })
        c.append(plain("unsqueezed", "axis 1 of [4], then broadcast product") { g in [randn(g, [4])] } f: { x in
            x[0].unsqueezed(axis: 1) * x[0]
        })
        c.append(strided("unsqueezed", "axis 1 of x.T", [0]) { g in [randn(g, [4, 3]).T] } f: { $0[0].unsqueezed(axis: 1) })
        // expand(to:) and sum(toShape:)
        c.append(plain("expand(to:)", "same shape (no-op)") { g in [randn(g, [3, 4])] } f: { $0[0].expand(to: [3, 4]) * 2 })
        c.append(broadcast("expand(to:)", "[3,1] → [2,3,4]") { g in [randn(g, [3, 1])] } f: { $0[0].expand(to: [2, 3, 4]) })
        c.append(broadcast("expand(to:)", "[4] → [3,4], then multiplied") { g in [randn(g, [4]), randn(g, [3, 4])] } f: { x in
            x[0].expand(to: [3, 4]) * x[1]
        })
        c.append(broadcast("expand(to:)", "0-d → [2,3]") { g in [randn(g, [])] } f: { $0[0].expand(to: [2, 3]) })
        c.append(strided("expand(to:)", "strided [3,1] → [2,3,4]", [0]) { g in
            [randn(g, [6, 1]).slice(axis: 0, step: 2)]
        } f: { $0[0].expand(to: [2, 3, 4]) })
        c.append(plain("sum(toShape:)", "same shape (no-op)") { g in [randn(g, [3, 4])] } f: { $0[0].sum(toShape: [3, 4]) * 2 })
        c.append(broadcast("sum(toShape:)", "[2,3,4] → [3,1]") { g in [randn(g, [2, 3, 4])] } f: { $0[0].sum(toShape: [3, 1]) })
        c.append(broadcast("sum(toShape:)", "[2,3,4] → [4]") { g in [randn(g, [2, 3, 4])] } f: { $0[0].sum(toShape: [4]) })
        c.append(broadcast("sum(toShape:)", "[2,3,4] → [2,1,1]") { g in [randn(g, [2, 3, 4])] } f: { $0[0].sum(toShape: [2, 1, 1]) })
        c.append(strided("sum(toShape:)", "permuted [2,3,4] → [1,4]", [0]) { g in
            [randn(g, [3, 4, 2]).permute([2, 0, 1])]
        } f: { $0[0].sum(toShape: [1, 4]) })
        // contiguous
        c.append(plain("contiguous", "already contiguous (identity)") { g in [randn(g, [3, 4])] } f: { $0[0].contiguous() })
        c.append(strided("contiguous", "of x.T", [0]) { g in [randn(g, [4, 3]).T] } f: { $0[0].contiguous() })
        c.append(strided("contiguous", "of a strided slice, then reshaped", [0]) { g in
            [strideSlice(g, 3, 4)]
        } f: { $0[0].contiguous().reshape([4, 3]) })
        // slice
        c.append(plain("slice", "axis 0, step 2 of [5,3]") { g in [randn(g, [5, 3])] } f: { $0[0].slice(axis: 0, step: 2) })
        c.append(plain("slice", "axis -1, start -3, step 2 of [3,6]") { g in [randn(g, [3, 6])] } f: { $0[0].slice(axis: -1, start: -3, step: 2) })
        c.append(plain("slice", "axis 1, 1..<3 of [2,4,2]") { g in [randn(g, [2, 4, 2])] } f: { $0[0].slice(axis: 1, start: 1, end: 3) })
        c.append(plain("slice", "overlapping slices multiplied") { g in [randn(g, [6])] } f: { x in
            x[0].slice(axis: 0, start: 0, end: 4) * x[0].slice(axis: 0, start: 2, end: 6)
        })
        c.append(strided("slice", "step 2 of x.T", [0]) { g in [randn(g, [4, 5]).T] } f: { $0[0].slice(axis: 0, start: 1, step: 2) })
        c.append(plain("slice", "summed: the upstream gradient is a stride-0 view") { g in [randn(g, [4, 5])] } f: { $0[0].slice(axis: 1, start: 1, step: 2).sum(axis: 0) })
        c.append(strided("slice", "step 3 of a strided slice", [0]) { g in [strideSlice(g, 2, 7)] } f: { $0[0].slice(axis: 1, step: 3) })
        // select
        c.append(plain("select", "axis 0, index 1 of [3,4]") { g in [randn(g, [3, 4])] } f: { $0[0].select(axis: 0, index: 1) })
        c.append(plain("select", "axis -1, index -1 of [2,3,4]") { g in [randn(g, [2, 3, 4])] } f: { $0[0].select(axis: -1, index: -1) })
        c.append(plain("select", "two rows of the same tensor") { g in [randn(g, [3, 4])] } f: { x in
            x[0].select(axis: 0, index: 0) * x[0].select(axis: 0, index: 2)
        })
        c.append(strided("select", "axis 1 of x.T", [0]) { g in [randn(g, [4, 3]).T] } f: { $0[0].select(axis: 1, index: 2) })
        // subscript
        c.append(plain("subscript", "x[1]") { g in [randn(g, [3, 4])] } f: { $0[0][1] })
        c.append(plain("subscript", "x[.all, 0..<3]") { g in [randn(g, [3, 4])] } f: { $0[0][TensorIndex.all, 0..<3] })
        c.append(plain("subscript", "x[1..., stride(from: 0, to: 6, by: 2)]") { g in [randn(g, [3, 6])] } f: { x in
            x[0][1..., stride(from: 0, to: 6, by: 2)]
        })
        c.append(plain("subscript", "x[.newAxis, -1, ...2]") { g in [randn(g, [3, 4])] } f: { $0[0][TensorIndex.newAxis, -1, ...2] })
        c.append(strided("subscript", "x.T[1..<3, 2]", [0]) { g in [randn(g, [4, 5]).T] } f: { $0[0][1..<3, 2] })
        c.append(strided("subscript", "x[.all, 0..<3] made the leaf", [0]) { g in [randn(g, [3, 5])[TensorIndex.all, 0..<3]] } f: { x in
            x[0] * x[0][TensorIndex.all, 1..<2]
        })
        return c
    }()

    // MARK: Joining and splitting

    static let joinCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        c.append(plain("concat", "3 inputs along axis 0: [2,3] [1,3] [3,3]") { g in
            [randn(g, [2, 3]), randn(g, [1, 3]), randn(g, [3, 3])]
        } f: { concat($0, axis: 0) })
        c.append(plain("concat", "3 inputs along axis -1: [3,1] [3,2] [3,4]") { g in
            [randn(g, [3, 1]), randn(g, [3, 2]), randn(g, [3, 4])]
        } f: { concat($0, axis: -1) })
        c.append(plain("concat", "the same tensor twice, w.r.t. one input", grad: [true, false]) { g in
            [randn(g, [2, 3]), randn(g, [2, 3])]
        } f: { x in concat([x[0], x[1], x[0]], axis: 1) * 2 })
        c.append(plain("concat", "float32 and float64 inputs (promoted)", eps: 1.0 / 1024) { g in
            [dyadic(g, [2, 3]), dyadic(g, [1, 3])]
        } f: { x in concat([x[0].cast(to: .float32), x[1]]) * 3 })
        c.append(plain("concat", "summed: the upstream gradient is a stride-0 view") { g in
            [randn(g, [2, 3]), randn(g, [2, 2])]
        } f: { x in concat(x, axis: 1).sum(axis: 0) })
        c.append(strided("concat", "x.T, strided slice and contiguous [3,4] along axis 1", [0, 1]) { g in
            [randn(g, [2, 3]).T, randn(g, [3, 2]).slice(axis: 1, step: 2), randn(g, [3, 4])]
        } f: { concat($0, axis: 1) })
        c.append(plain("stack", "3 inputs [3,4] along axis 0") { g in [randn(g, [3, 4]), randn(g, [3, 4]), randn(g, [3, 4])] } f: { stack($0) })
        c.append(plain("stack", "3 inputs [2,3] along axis -1") { g in [randn(g, [2, 3]), randn(g, [2, 3]), randn(g, [2, 3])] } f: { stack($0, axis: -1) })
        c.append(plain("stack", "2 inputs [2,3] along axis 1, then squared") { g in [randn(g, [2, 3]), randn(g, [2, 3])] } f: { x in
            let s = stack(x, axis: 1)
            return s * s
        })
        c.append(strided("stack", "x.T and strided slice along axis 1", [0, 1]) { g in
            [randn(g, [4, 3]).T, strideSlice(g, 3, 4), randn(g, [3, 4])]
        } f: { stack($0, axis: 1) })
        c.append(plain("split(sizes:)", "[5,3] into [2,1,2] along axis 0") { g in [randn(g, [5, 3])] } f: { weightedPieces($0[0].split(sizes: [2, 1, 2])) })
        c.append(plain("split(sizes:)", "[5,3] into [2,0,3] (an empty piece)") { g in [randn(g, [5, 3])] } f: { weightedPieces($0[0].split(sizes: [2, 0, 3])) })
        c.append(plain("split(sizes:)", "[3,5] into [3,2] along axis -1, concatenated back reversed") { g in [randn(g, [3, 5])] } f: { x in
            let p = x[0].split(sizes: [3, 2], axis: -1)
            return concat([p[1] * 2, p[0]], axis: 1)
        })
        c.append(strided("split(sizes:)", "x.T into [1,3] along axis 1", [0]) { g in [randn(g, [4, 3]).T] } f: { x in
            weightedPieces(x[0].split(sizes: [1, 3], axis: 1))
        })
        c.append(plain("split(size:)", "[5,3] into pieces of 2 along axis 0") { g in [randn(g, [5, 3])] } f: { weightedPieces($0[0].split(size: 2)) })
        c.append(plain("split(size:)", "[3,4] into pieces of 3 along axis -1") { g in [randn(g, [3, 4])] } f: { weightedPieces($0[0].split(size: 3, axis: -1)) })
        c.append(strided("split(size:)", "strided slice into pieces of 2 along axis 1", [0]) { g in [strideSlice(g, 3, 5)] } f: { x in
            weightedPieces(x[0].split(size: 2, axis: 1))
        })
        c.append(plain("chunk", "[5,3] into 3 chunks along axis 0") { g in [randn(g, [5, 3])] } f: { weightedPieces($0[0].chunk(3)) })
        c.append(plain("chunk", "[2,6] into 4 chunks along axis 1") { g in [randn(g, [2, 6])] } f: { weightedPieces($0[0].chunk(4, axis: 1)) })
        c.append(strided("chunk", "x.T into 2 chunks along axis -1", [0]) { g in [randn(g, [5, 3]).T] } f: { weightedPieces($0[0].chunk(2, axis: -1)) })
        return c
    }()

    // MARK: Advanced indexing

    static let indexingCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        // indexSelect (repeated and negative indices)
        c.append(plain("indexSelect", "axis 0 of [4,3], indices [2,0,2,3]") { g in [randn(g, [4, 3]), indices([2, 0, 2, 3])] } f: { x in
            x[0].indexSelect(axis: 0, indices: x[1])
        })
        c.append(plain("indexSelect", "axis -1 of [2,3,4], indices [1,1,-1]") { g in [randn(g, [2, 3, 4]), indices([1, 1, -1])] } f: { x in
            x[0].indexSelect(axis: -1, indices: x[1])
        })
        c.append(plain("indexSelect", "axis 1 of [2,3,2], index used 3 times") { g in [randn(g, [2, 3, 2]), indices([0, 0, 0, 2])] } f: { x in
            let y = x[0].indexSelect(axis: 1, indices: x[1])
            return y * y
        })
        c.append(strided("indexSelect", "axis 0 of x.T, indices [1,1,0]", [0]) { g in [randn(g, [3, 4]).T, indices([1, 1, 0])] } f: { x in
            x[0].indexSelect(axis: 0, indices: x[1])
        })
        c.append(strided("indexSelect", "axis 1 of a strided slice", [0]) { g in [strideSlice(g, 2, 4), indices([3, 0, 3])] } f: { x in
            x[0].indexSelect(axis: 1, indices: x[1])
        })
        // gather (repeated indices)
        c.append(plain("gather", "axis 0 of [3,4], index [2,4]") { g in
            [randn(g, [3, 4]), indices([0, 2, 2, 1, 0, 0, 1, 2], [2, 4])]
        } f: { x in x[0].gather(axis: 0, index: x[1]) })
        c.append(plain("gather", "axis -1 of [3,4], index [3,5]") { g in
            [randn(g, [3, 4]), indices([0, 3, 3, 1, 0, 2, 2, 2, 1, 0, 3, 3, 0, 1, 1], [3, 5])]
        } f: { x in x[0].gather(axis: -1, index: x[1]) })
        c.append(plain("gather", "axis 1 of [2,3,2], index [2,2,2]") { g in
            [randn(g, [2, 3, 2]), indices([2, 0, 2, 2, 1, 1, 0, 0], [2, 2, 2])]
        } f: { x in x[0].gather(axis: 1, index: x[1]) })
        c.append(strided("gather", "axis 1 of x.T, index [3,2]", [0]) { g in
            [randn(g, [4, 3]).T, indices([3, 3, 0, 1, 2, 0], [3, 2])]
        } f: { x in x[0].gather(axis: 1, index: x[1]) })
        c.append(plain("gather", "summed: the upstream gradient is a stride-0 view") { g in
            [randn(g, [3, 4]), indices([0, 2, 2, 1, 0, 0, 1, 2], [2, 4])]
        } f: { x in x[0].gather(axis: 0, index: x[1]).sum(axis: 1) })
        c.append(plain("indexSelect", "summed: the upstream gradient is a stride-0 view") { g in [randn(g, [4, 3]), indices([3, 3, 1])] } f: { x in
            x[0].indexSelect(axis: 0, indices: x[1]).sum()
        })
        c.append(plain("scatterAdd", "summed: the upstream gradient is a stride-0 view") { g in
            [randn(g, [3, 2]), indices([1, 1, 1, 0], [2, 2]), randn(g, [2, 2])]
        } f: { x in x[0].scatterAdd(axis: 0, index: x[1], source: x[2]).sum(axis: 0) })
        // scatterAdd (w.r.t. self and source, repeated indices)
        c.append(plain("scatterAdd", "axis 0, self [3,4], index/source [3,4]") { g in
            [randn(g, [3, 4]), indices([0, 2, 2, 1, 0, 0, 1, 2, 2, 2, 0, 1], [3, 4]), randn(g, [3, 4])]
        } f: { x in x[0].scatterAdd(axis: 0, index: x[1], source: x[2]) })
        c.append(plain("scatterAdd", "axis 0, self [3,4], index/source [2,4]") { g in
            [randn(g, [3, 4]), indices([0, 2, 2, 1, 0, 2, 1, 1], [2, 4]), randn(g, [2, 4])]
        } f: { x in x[0].scatterAdd(axis: 0, index: x[1], source: x[2]) })
        c.append(plain("scatterAdd", "axis -1, self [2,3], index/source [2,5]") { g in
            [randn(g, [2, 3]), indices([0, 2, 2, 0, 1, 1, 1, 0, 2, 1], [2, 5]), randn(g, [2, 5])]
        } f: { x in x[0].scatterAdd(axis: -1, index: x[1], source: x[2]) })
        c.append(plain("scatterAdd", "w.r.t. source only, result squared", grad: [false, false, true]) { g in
            [randn(g, [3, 2]), indices([1, 1, 1, 0], [2, 2]), randn(g, [2, 2])]
        } f: { x in
            let y = x[0].scatterAdd(axis: 0, index: x[1], source: x[2])
            return y * y
        })
        c.append(strided("scatterAdd", "self x.T, source strided slice, axis 1", [0, 2]) { g in
            [randn(g, [4, 3]).T, indices([3, 3, 0, 1, 1, 1, 2, 0, 0, 3, 3, 3], [3, 4]), strideSlice(g, 3, 4)]
        } f: { x in x[0].scatterAdd(axis: 1, index: x[1], source: x[2]) })
        return c
    }()

    // MARK: Softmax family

    static let softmaxCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        let ops: [(String, @Sendable (Tensor, Int) -> Tensor, @Sendable (Tensor, Int) -> Tensor)] = [
            ("softmax", { softmax($0, axis: $1) }, { $0.softmax(axis: $1) }),
            ("logSoftmax", { logSoftmax($0, axis: $1) }, { $0.logSoftmax(axis: $1) }),
        ]
        for (op, fn, method) in ops {
            c.append(plain(op, "axis -1 of [3,4]") { g in [randn(g, [3, 4])] } f: { fn($0[0], -1) })
            c.append(plain(op, "axis 0 of [3,4], method form") { g in [randn(g, [3, 4])] } f: { method($0[0], 0) })
            c.append(plain(op, "axis 1 of [2,3,4]") { g in [randn(g, [2, 3, 4])] } f: { fn($0[0], 1) })
            c.append(plain(op, "axis -3 of [2,3,2], large values") { g in [randn(g, [2, 3, 2]) * 30] } f: { fn($0[0], -3) })
            c.append(plain(op, "default axis of [5]") { g in [randn(g, [5])] } f: { x in op == "softmax" ? softmax(x[0]) : logSoftmax(x[0]) })
            c.append(strided(op, "axis -1 of x.T", [0]) { g in [randn(g, [4, 3]).T] } f: { fn($0[0], -1) })
            c.append(strided(op, "axis 0 of permuted [2,3,4] → [4,2,3]", [0]) { g in
                [randn(g, [2, 3, 4]).permute([2, 0, 1])]
            } f: { method($0[0], 0) })
            c.append(strided(op, "axis 1 of a strided slice", [0]) { g in [strideSlice(g, 3, 4)] } f: { fn($0[0], 1) })
        }
        return c
    }()

    // MARK: Losses and modules

    static let lossAndModuleCases: [GradcheckCase] = {
        var c: [GradcheckCase] = []
        let reductions: [(String, Reduction)] = [("mean", .mean), ("sum", .sum), ("none", .none)]
        for (label, reduction) in reductions {
            c.append(plain("mseLoss", "reduction \(label), [3,4] and [3,4]") { g in [randn(g, [3, 4]), randn(g, [3, 4])] } f: { x in
                mseLoss(x[0], x[1], reduction: reduction)
            })
            c.append(broadcast("mseLoss", "reduction \(label), prediction [3,4], target [4]") { g in [randn(g, [3, 4]), randn(g, [4])] } f: { x in
                mseLoss(x[0], x[1], reduction: reduction)
            })
            c.append(strided("mseLoss", "reduction \(label), x.T and strided slice", [0, 1]) { g in
                [randn(g, [4, 3]).T, strideSlice(g, 3, 4)]
            } f: { x in mseLoss(x[0], x[1], reduction: reduction) })
            c.append(plain("crossEntropy", "reduction \(label), logits [4,3]") { g in [randn(g, [4, 3]), indices([2, 0, 2, 1])] } f: { x in
                crossEntropy(x[0], x[1], reduction: reduction)
            })
            c.append(strided("crossEntropy", "reduction \(label), logits x.T", [0]) { g in [randn(g, [3, 4]).T, indices([1, 0, 2, 2])] } f: { x in
                crossEntropy(x[0], x[1], reduction: reduction)
            })
        }
        c.append(plain("mseLoss", "w.r.t. prediction only, default reduction", grad: [true, false]) { g in [randn(g, [5]), randn(g, [5])] } f: { x in
            mseLoss(x[0], x[1])
        })
        c.append(broadcast("mseLoss", "prediction [2,1,3], target [4,1]") { g in [randn(g, [2, 1, 3]), randn(g, [4, 1])] } f: { x in
            mseLoss(x[0], x[1], reduction: .sum)
        })
        c.append(plain("crossEntropy", "default reduction, large logits [3,5]") { g in [randn(g, [3, 5]) * 20, indices([4, 0, 3])] } f: { x in
            crossEntropy(x[0], x[1])
        })
        c.append(strided("crossEntropy", "logits: strided slice", [0]) { g in [strideSlice(g, 2, 4), indices([3, 1])] } f: { x in
            crossEntropy(x[0], x[1], reduction: .sum)
        })
        c.append(plain("MSELoss", "module, reduction sum") { g in [randn(g, [3, 4]), randn(g, [3, 4])] } f: { x in
            MSELoss(reduction: .sum)(x[0], x[1])
        })
        c.append(broadcast("MSELoss", "module, [3,4] and [3,1]") { g in [randn(g, [3, 4]), randn(g, [3, 1])] } f: { x in MSELoss()(x[0], x[1]) })
        c.append(strided("MSELoss", "module, x.T", [0]) { g in [randn(g, [4, 3]).T, randn(g, [3, 4])] } f: { x in MSELoss()(x[0], x[1]) })
        c.append(plain("CrossEntropyLoss", "module, default reduction") { g in [randn(g, [4, 3]), indices([0, 1, 2, 1])] } f: { x in
            CrossEntropyLoss()(x[0], x[1])
        })
        c.append(strided("CrossEntropyLoss", "module, reduction none, logits x.T", [0]) { g in [randn(g, [3, 4]).T, indices([2, 2, 0, 1])] } f: { x in
            CrossEntropyLoss(reduction: .none)(x[0], x[1])
        })

        // Linear: the module w.r.t. its input (its parameters are fixed by a seeded generator),
        // and the functional form x·Wᵀ + b w.r.t. input, weight and bias.
        @Sendable func layer(bias: Bool = true) -> Linear {
            Linear(3, 2, bias: bias, dtype: .float64, generator: RandomGenerator(seed: 7))
        }
        c.append(plain("Linear", "Linear(3, 2, dtype: .float64) w.r.t. input [4,3]") { g in [randn(g, [4, 3])] } f: { layer()($0[0]) })
        c.append(plain("Linear", "no bias, input [3]") { g in [randn(g, [3])] } f: { layer(bias: false)($0[0]) })
        c.append(broadcast("Linear", "batched input [2,2,3]") { g in [randn(g, [2, 2, 3])] } f: { layer()($0[0]) })
        c.append(strided("Linear", "input x.T", [0]) { g in [randn(g, [3, 4]).T] } f: { layer()($0[0]) })
        c.append(plain("Linear", "functional x·Wᵀ + b w.r.t. x, W, b") { g in [randn(g, [4, 3]), randn(g, [2, 3]), randn(g, [2])] } f: { x in
            matmul(x[0], x[1].T) + x[2]
        })
        c.append(broadcast("Linear", "functional, batched x [2,2,3] w.r.t. x, W, b") { g in
            [randn(g, [2, 2, 3]), randn(g, [2, 3]), randn(g, [2])]
        } f: { x in matmul(x[0], x[1].T) + x[2] })
        c.append(strided("Linear", "functional, x strided slice, W given as Wᵀ view", [0, 1]) { g in
            [strideSlice(g, 4, 3), randn(g, [3, 2]).T, randn(g, [2])]
        } f: { x in matmul(x[0], x[1].T) + x[2] })
        // linear(_:weight:bias:), the fused op behind Linear, w.r.t. input, weight and bias.
        c.append(plain("linear", "x [4,3], W [2,3], b [2]") { g in [randn(g, [4, 3]), randn(g, [2, 3]), randn(g, [2])] } f: { x in
            linear(x[0], weight: x[1], bias: x[2])
        })
        c.append(plain("linear", "no bias, x [3]") { g in [randn(g, [3]), randn(g, [2, 3])] } f: { x in
            linear(x[0], weight: x[1])
        })
        c.append(broadcast("linear", "batched x [2,2,3], W [2,3], b [2]") { g in
            [randn(g, [2, 2, 3]), randn(g, [2, 3]), randn(g, [2])]
        } f: { x in linear(x[0], weight: x[1], bias: x[2]) })
        c.append(strided("linear", "x strided slice, W a transposed view", [0, 1]) { g in
            [strideSlice(g, 4, 3), randn(g, [3, 2]).T, randn(g, [2])]
        } f: { x in linear(x[0], weight: x[1], bias: x[2]) })
        @Sendable func net() -> Sequential {
            let g = RandomGenerator(seed: 11)
            return Sequential(Linear(3, 4, dtype: .float64, generator: g), Tanh(), Linear(4, 2, dtype: .float64, generator: g))
        }
        c.append(plain("Sequential", "Linear → Tanh → Linear w.r.t. input [3,3]") { g in [randn(g, [3, 3])] } f: { net()($0[0]) })
        c.append(strided("Sequential", "input x.T", [0]) { g in [randn(g, [3, 2]).T] } f: { net()($0[0]) })
        return c
    }()
}

// MARK: - Tests

extension GradcheckTests {
    @Test("gradcheck", arguments: GradcheckTests.cases)
    func gradcheckCase(_ c: GradcheckCase) {
        let inputs = c.inputs()
        if case .strided(let positions) = c.layout {
            for i in positions {
                #expect(!inputs[i].isContiguous, "\(c.name): input \(i) (shape \(inputs[i].shape), strides \(inputs[i].strides)) is contiguous")
                #expect(!inputs[i].requiresGrad || inputs[i].isLeaf, "\(c.name): input \(i) is not a leaf")
            }
        }
        let result = gradcheck(c.f, inputs: inputs, eps: c.eps)
        #expect(result.passed, "\(c.name): \(result)")
    }

    @Test func caseNamesAreUnique() {
        var seen = Set<String>()
        for c in Self.cases { #expect(seen.insert(c.name).inserted, "duplicate case name \(c.name)") }
    }

    /// Every listed op has a row, and a plain and a non-contiguous one; broadcasting ops also a
    /// broadcast one. Every row names a listed op.
    @Test func tableCoversEveryDifferentiableOp() {
        let listed = Set(Self.differentiableOps)
        for c in Self.cases { #expect(listed.contains(c.op), "case \(c.name) names an op missing from differentiableOps") }
        for op in Self.differentiableOps {
            let rows = Self.cases.filter { $0.name.hasPrefix(op + " — ") }
            #expect(!rows.isEmpty, "differentiable op \(op) has no gradcheck case")
            #expect(rows.contains { $0.layout == .plain }, "\(op) has no plain gradcheck case")
            #expect(rows.contains { if case .strided = $0.layout { true } else { false } }, "\(op) has no non-contiguous gradcheck case")
            if Self.broadcastingOps.contains(op) {
                #expect(rows.contains { $0.layout == .broadcast }, "\(op) broadcasts but has no broadcast gradcheck case")
            }
        }
    }
}

// MARK: - Regressions found by the table

extension GradcheckTests {
    /// `scatterAdd` used to require `source` to broadcast against `self`, so a source shaped like
    /// an index that is shorter along `axis` (the usual case) stopped with a broadcasting error.
    @Test func scatterAddAcceptsSourceShorterAlongAxis() {
        let base = Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6], dtype: .float64)
        let index = indices([2, 0, 2, 2], [2, 2])
        let source = Tensor(shape: [2, 2], values: [10, 20, 30, 40], dtype: .float64)
        let out = base.scatterAdd(axis: 0, index: index, source: source)
        #expect(out.shape == [3, 2])
        #expect(out.toDoubles() == [1, 22, 3, 4, 45, 46])
        let wide = Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6], dtype: .float64)
            .scatterAdd(axis: 1, index: indices([0, 0, 2, 1, 1, 1, 1, 0], [2, 4]), source: .ones([2, 4], dtype: .float64))
        #expect(wide.toDoubles() == [3, 3, 4, 5, 8, 6])
    }
}

// MARK: - Module parameters

extension GradcheckTests {
    /// gradcheck perturbs inputs, not a module's parameters, so the table checks Linear's weight
    /// and bias through the functional form x·Wᵀ + b; here the module's parameter gradients are
    /// shown to be exactly that form's gradients.
    @Test func linearParameterGradientsMatchTheCheckedFunctionalForm() {
        let layer = Linear(3, 2, dtype: .float64, generator: RandomGenerator(seed: 5))
        let g = RandomGenerator(seed: 6)
        let x = randn(g, [4, 3]), upstream = randn(g, [4, 2])
        layer(x).backward(upstream)
        let w = layer.weight.value.detached().requiringGrad(), b = layer.bias!.value.detached().requiringGrad()
        (matmul(x, w.T) + b).backward(upstream)
        #expect(layer.weight.grad == w.grad)
        #expect(layer.bias!.grad == b.grad)
        #expect(layer.weight.grad?.shape == [2, 3] && layer.bias!.grad?.shape == [2])
    }
}
