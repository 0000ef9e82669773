// Products: the op table's entries (cases in Scripts/opinfo/products.py).

@testable import Apus

extension OpInfoTable {
    static let products: [OpInfo] = [
        .binary("matmul") { matmul($0, $1) },
        .binary("bmm") { bmm($0, $1) },
        .binary("mv") { mv($0, $1) },
        OpInfo("baddbmm") { x, args in
            [baddbmm(x[0]!, x[1]!, x[2]!, beta: args.double("beta", default: 1), alpha: args.double("alpha", default: 1))]
        },
        OpInfo("addmm") { x, args in
            [addmm(x[0]!, x[1]!, x[2]!, beta: args.double("beta", default: 1), alpha: args.double("alpha", default: 1))]
        },
        OpInfo("addmv") { x, args in
            [addmv(x[0]!, x[1]!, x[2]!, beta: args.double("beta", default: 1), alpha: args.double("alpha", default: 1))]
        },
        .binary("dot") { dot($0, $1) },
        .binary("vdot") { vdot($0, $1) },
        .binary("inner") { inner($0, $1) },
        .binary("outer") { outer($0, $1) },
        OpInfo("cross") { x, args in [cross(x[0]!, x[1]!, axis: args.int("axis", default: -1))] },
        .binary("kron") { kron($0, $1) },
        OpInfo("tensordot") { x, args in
            if args.has("axes_a") {
                return [tensordot(x[0]!, x[1]!, axes: (args.ints("axes_a"), args.ints("axes_b")))]
            }
            return [tensordot(x[0]!, x[1]!, axes: args.int("axes", default: 2))]
        },
        OpInfo("multiDot") { x, _ in [multiDot(x.map { $0! })] },
        OpInfo("matrixPower") { x, args in [matrixPower(x[0]!, args.int("n"))] },
        OpInfo("einsum") { x, args in [einsum(args.string("equation"), x.map { $0! })] },
    ]
}
